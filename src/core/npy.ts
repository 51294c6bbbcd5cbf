/**
 * `.npy` files (what `np.save` writes) as tensors: format versions 1.0, 2.0 and 3.0, little- and big-endian, C and
 * Fortran order (returned in C order, as `torch.from_numpy(np.load(f))` would hold it after `.contiguous()`).
 *
 * dtypes: float16/32/64, int8/16/32/64, uint8 and bool, i.e. what `torch.from_numpy` accepts. uint16/32/64, complex,
 * strings, objects, datetimes and structured arrays are refused with the reason and the fix. Problems are placed at
 * the byte they concern: line 1, column = byte offset + 1 (a binary file has no lines), `data.offset` = the offset.
 *
 * Pure: takes the file's bytes; the caller reads the file.
 */
import { LossLensError } from './diagnostics';
import type { ReadBuffers } from './io/bufferPool';
import { numel, type DType, type Tensor, type TensorData } from './tensor';

/** What the header said, besides the tensor. */
export interface NpyInfo {
  /** `1.0`, `2.0` or `3.0`. */
  readonly version: string;
  /** NumPy's type string, e.g. `<f4`. */
  readonly descr: string;
  readonly fortranOrder: boolean;
  /** Byte offset where the data starts. */
  readonly dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Float data at least this big (bytes) is viewed in place rather than copied. */
const VIEW_THRESHOLD = 1 << 20;

/** NumPy kinds and sizes Loss Lens reads, with the dtype they become. */
const SUPPORTED: Readonly<Record<string, DType>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
};

/** What other kinds are, for the message. */
const KIND_NAMES: Readonly<Record<string, string>> = {
  u: 'unsigned integer',
  c: 'complex',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  O: 'Python object',
  M: 'datetime',
  m: 'timedelta',
  V: 'void (raw bytes)',
};

function npyError(
  name: string,
  offset: number,
  code: string,
  message: string,
  explanation: string,
  hint: string,
  data: Record<string, string | number> = {},
): LossLensError {
  return new LossLensError({
    code,
    message: `${name} (byte ${offset}): ${message}`,
    explanation,
    hint,
    line: 1,
    column: offset + 1,
    endLine: 1,
    endColumn: offset + 2,
    data: { file: name, offset, ...data },
  });
}

/** A tiny reader for the header's Python dict literal: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. */
class HeaderReader {
  pos = 0;
  constructor(
    private readonly text: string,
    /** Byte offset of text[0] in the file (the header is ASCII, or UTF-8 in version 3). */
    private readonly base: number,
    private readonly name: string,
  ) {}

  offset(): number {
    return this.base + this.pos;
  }

  corrupt(what: string): never {
    throw npyError(
      this.name,
      this.offset(),
      'npy/header',
      `the header is not a valid .npy header (${what})`,
      `A .npy file starts with a Python dict such as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}; this one is damaged at byte ${this.offset()}.`,
      'Write the file again with numpy.save(path, array).',
    );
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  expect(ch: string): void {
    this.space();
    if (this.text[this.pos] !== ch) this.corrupt(`expected '${ch}'`);
    this.pos++;
  }

  /** A Python value: a quoted string, True/False, an int, or a tuple/list of them. */
  value(): string | boolean | number | unknown[] {
    this.space();
    const ch = this.text[this.pos];
    if (ch === "'" || ch === '"') {
      const end = this.text.indexOf(ch, this.pos + 1);
      if (end < 0) this.corrupt('unclosed string');
      const s = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return s;
    }
    if (this.text.startsWith('True', this.pos)) {
      this.pos += 4;
      return true;
    }
    if (this.text.startsWith('False', this.pos)) {
      this.pos += 5;
      return false;
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      this.pos++;
      const items: unknown[] = [];
      for (;;) {
        this.space();
        if (this.text[this.pos] === close) {
          this.pos++;
          return items;
        }
        items.push(this.value());
        this.space();
        if (this.text[this.pos] === ',') this.pos++;
        else if (this.text[this.pos] !== close) this.corrupt(`expected ',' or '${close}'`);
      }
    }
    const m = /^-?\d+L?/.exec(this.text.slice(this.pos, this.pos + 40));
    if (m) {
      this.pos += m[0].length;
      return Number(m[0].replace('L', ''));
    }
    this.corrupt('unexpected text');
  }

  dict(): Map<string, { value: unknown; offset: number }> {
    const out = new Map<string, { value: unknown; offset: number }>();
    this.expect('{');
    for (;;) {
      this.space();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string') this.corrupt('a key is not a string');
      this.expect(':');
      this.space();
      const offset = this.offset();
      out.set(key, { value: this.value(), offset });
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.corrupt("expected ',' or '}'");
    }
  }
}

/** IEEE half → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Reads the header of a .npy file. */
export function readNpyHeader(
  bytes: Uint8Array,
  name = 'array.npy',
): NpyInfo & { shape: number[]; dtype: DType; itemSize: number; littleEndian: boolean } {
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw npyError(
        name,
        i,
        'npy/magic',
        'not a .npy file (it does not start with \\x93NUMPY)',
        `A .npy file begins with the bytes \\x93NUMPY; byte ${i} differs${bytes.length < 6 ? ' (the file is too short)' : ''}. .npz archives, pickles and text files are not .npy files.`,
        'Save the array with numpy.save(path, array) (for an .npz, load it and save the array you need).',
      );
    }
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major === undefined || minor === undefined || major < 1 || major > 3) {
    throw npyError(
      name,
      6,
      'npy/version',
      `unsupported .npy format version ${major ?? '?'}.${minor ?? '?'}`,
      'Loss Lens reads .npy format versions 1.0, 2.0 and 3.0.',
      'Save the array again with numpy.save.',
      { version: `${major ?? '?'}.${minor ?? '?'}` },
    );
  }
  const lengthSize = major === 1 ? 2 : 4;
  const start = 8 + lengthSize;
  if (bytes.length < start) {
    throw npyError(
      name,
      bytes.length,
      'npy/truncated',
      'the file ends inside its header',
      'The file is shorter than its own header: it was cut off (an interrupted copy or download).',
      'Write the file again with numpy.save.',
    );
  }
  const headerLength =
    major === 1
      ? bytes[8]! | (bytes[9]! << 8)
      : (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 2 ** 24;
  const dataOffset = start + headerLength;
  if (bytes.length < dataOffset) {
    throw npyError(
      name,
      bytes.length,
      'npy/truncated',
      'the file ends inside its header',
      `The header says it is ${headerLength} bytes long, but the file ends at byte ${bytes.length}.`,
      'Write the file again with numpy.save.',
      { headerLength },
    );
  }
  const headerBytes = bytes.subarray(start, dataOffset);
  // NumPy evaluates the header as a Python literal, which cannot hold a NUL byte: it refuses the file.
  const nul = headerBytes.indexOf(0);
  if (nul >= 0) {
    throw npyError(
      name,
      start + nul,
      'npy/header',
      'the header contains a NUL byte (NumPy: source code string cannot contain null bytes)',
      'NumPy reads the header as a Python literal and refuses one with a NUL byte in it; so does Loss Lens.',
      'Write the file again with numpy.save.',
    );
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const reader = new HeaderReader(text, start, name);
  const dict = reader.dict();
  const descrEntry = dict.get('descr');
  const orderEntry = dict.get('fortran_order');
  const shapeEntry = dict.get('shape');
  if (!descrEntry || !orderEntry || !shapeEntry) {
    const missing = ['descr', 'fortran_order', 'shape'].filter((k) => !dict.has(k));
    throw npyError(
      name,
      start,
      'npy/header',
      `the header lacks ${missing.map((m) => `'${m}'`).join(', ')}`,
      "A .npy header names 'descr' (the dtype), 'fortran_order' and 'shape'.",
      'Write the file again with numpy.save.',
      { missing: missing.join(', ') },
    );
  }
  const extra = [...dict.keys()].filter((k) => k !== 'descr' && k !== 'fortran_order' && k !== 'shape');
  if (extra.length > 0) {
    const keys = [...dict.keys()].sort().map((k) => `'${k}'`);
    throw npyError(
      name,
      dict.get(extra[0]!)!.offset,
      'npy/header',
      `Header does not contain the correct keys: [${keys.join(', ')}]`,
      "A .npy header holds exactly 'descr', 'fortran_order' and 'shape'; NumPy refuses a header with any other key.",
      'Write the file again with numpy.save.',
    );
  }
  const descr = descrEntry.value;
  if (typeof descr !== 'string') {
    throw npyError(
      name,
      descrEntry.offset,
      'npy/dtype',
      'structured arrays (records with named fields) are not supported',
      'The array has named fields (a structured dtype); a loss needs a plain numeric array.',
      "Save one field as a plain array: numpy.save(path, array['field']).",
    );
  }
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const kind = m?.[2] ?? '';
  const size = m?.[3] ?? '';
  const dtype = SUPPORTED[`${kind}${size}`];
  if (!m || !dtype) {
    const kindName = KIND_NAMES[kind];
    const unsignedWide = kind === 'u';
    throw npyError(
      name,
      descrEntry.offset,
      'npy/dtype',
      `unsupported dtype '${descr}'${kindName ? ` (${kindName})` : ''}`,
      unsignedWide
        ? `torch.from_numpy cannot convert ${descr} (uint${Number(size) * 8}) either: PyTorch has no such dtype.`
        : `Loss Lens reads float16/32/64, int8/16/32/64, uint8 and bool arrays, like torch.from_numpy; '${descr}' is ${kindName ?? 'not one of them'}.`,
      unsignedWide
        ? 'Convert before saving: numpy.save(path, array.astype(numpy.int64)).'
        : 'Save a numeric array: numpy.save(path, array.astype(numpy.float32)) for scores, .astype(numpy.int64) for class indices.',
      { descr },
    );
  }
  const fortranOrder = orderEntry.value;
  if (typeof fortranOrder !== 'boolean') {
    throw npyError(
      name,
      orderEntry.offset,
      'npy/header',
      "'fortran_order' is not True or False",
      "The header's 'fortran_order' must be True or False.",
      'Write the file again with numpy.save.',
    );
  }
  const shapeValue = shapeEntry.value;
  if (!Array.isArray(shapeValue) || !shapeValue.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw npyError(
      name,
      shapeEntry.offset,
      'npy/header',
      "'shape' is not a tuple of sizes",
      "The header's 'shape' must be a tuple of non-negative integers, e.g. (3, 4).",
      'Write the file again with numpy.save.',
    );
  }
  return {
    version: `${major}.${minor}`,
    descr,
    fortranOrder,
    dataOffset,
    shape: shapeValue as number[],
    dtype,
    itemSize: Number(size),
    littleEndian: m[1] !== '>',
  };
}

/**
 * Reads a .npy file's bytes into a C-order tensor. `name` labels errors (the file name). `buffers`: where a decoded
 * copy of a large int64 array goes (the loss worker's pool of read buffers), else a fresh array.
 */
export function readNpy(bytes: Uint8Array, name = 'array.npy', buffers?: ReadBuffers): Tensor {
  const header = readNpyHeader(bytes, name);
  const { shape, dtype, itemSize, littleEndian, dataOffset } = header;
  const count = numel(shape);
  const needed = count * itemSize;
  const available = bytes.length - dataOffset;
  if (available < needed) {
    throw npyError(
      name,
      bytes.length,
      'npy/truncated',
      `the data is cut off: shape (${shape.join(', ')}) of '${header.descr}' needs ${needed} bytes, the file has ${available}`,
      'The file is shorter than its header promises: it was cut off (an interrupted copy or download).',
      'Write the file again with numpy.save.',
      { needed, available },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, needed);
  const data = decode(view, dtype, itemSize, count, littleEndian, bytes, dataOffset, buffers);
  return { dtype, shape: [...shape], data: header.fortranOrder && shape.length > 1 ? fortranToC(data, shape) : data };
}

/** Typed arrays use the machine's byte order: an int32 view reads a little-endian file's words only on such a machine. */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decode(
  view: DataView,
  dtype: DType,
  itemSize: number,
  count: number,
  littleEndian: boolean,
  bytes: Uint8Array,
  dataOffset: number,
  buffers: ReadBuffers | undefined,
): TensorData {
  switch (dtype) {
    case 'float32': {
      // A big aligned little-endian array is used in place (no copy): the file's buffer holds nothing else of size.
      if (littleEndian && count * 4 >= VIEW_THRESHOLD && (bytes.byteOffset + dataOffset) % 4 === 0)
        return new Float32Array(bytes.buffer, bytes.byteOffset + dataOffset, count);
      const out = new Float32Array(count);
      if (littleEndian) new Uint8Array(out.buffer).set(bytes.subarray(dataOffset, dataOffset + count * 4));
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, false);
      return out;
    }
    case 'float64': {
      if (littleEndian && count * 8 >= VIEW_THRESHOLD && (bytes.byteOffset + dataOffset) % 8 === 0)
        return new Float64Array(bytes.buffer, bytes.byteOffset + dataOffset, count);
      const out = new Float64Array(count);
      if (littleEndian) new Uint8Array(out.buffer).set(bytes.subarray(dataOffset, dataOffset + count * 8));
      else for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, false);
      return out;
    }
    case 'float16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(i * 2, littleEndian));
      return out;
    }
    case 'int64': {
      // Stored as float64, as everywhere in Loss Lens (exact up to 2^53): high word · 2^32 + low word. Every
      // element is written below, so a pooled buffer's old contents never show.
      const out = buffers ? new Float64Array(buffers.take(count * 8), 0, count) : new Float64Array(count);
      if (littleEndian && HOST_LITTLE_ENDIAN && (bytes.byteOffset + dataOffset) % 4 === 0) {
        // Aligned: the two words read through an int32 view (the same numbers, without a DataView call per word).
        const words = new Int32Array(bytes.buffer, bytes.byteOffset + dataOffset, 2 * count);
        for (let i = 0; i < count; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
        return out;
      }
      const lowFirst = littleEndian ? 0 : 4;
      const highFirst = littleEndian ? 4 : 0;
      for (let i = 0; i < count; i++) {
        out[i] =
          view.getInt32(i * 8 + highFirst, littleEndian) * 4294967296 + view.getUint32(i * 8 + lowFirst, littleEndian);
      }
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, littleEndian);
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, littleEndian);
      return out;
    }
    case 'int8':
      return new Int8Array(bytes.slice(dataOffset, dataOffset + count));
    case 'uint8':
      return bytes.slice(dataOffset, dataOffset + count);
    case 'bool': {
      const out = bytes.slice(dataOffset, dataOffset + count);
      for (let i = 0; i < count; i++) out[i] = out[i] ? 1 : 0;
      return out;
    }
    default:
      throw new Error(`unreachable dtype ${dtype} (${itemSize} bytes)`);
  }
}

/** Reorders column-major (Fortran) data into row-major (C) order. */
function fortranToC(data: TensorData, shape: readonly number[]): TensorData {
  const out = new (data.constructor as new (n: number) => TensorData)(data.length);
  const rank = shape.length;
  // Fortran strides: the first index moves fastest.
  const fStrides = new Array<number>(rank);
  let s = 1;
  for (let d = 0; d < rank; d++) {
    fStrides[d] = s;
    s *= shape[d]!;
  }
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let k = 0; k < data.length; k++) {
    out[k] = data[source]!;
    // Next C-order index: the last dimension moves fastest.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      source += fStrides[d]!;
      if (index[d]! < shape[d]!) break;
      source -= fStrides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

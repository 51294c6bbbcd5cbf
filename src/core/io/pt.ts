/**
 * `torch.save` files (.pt/.pth), in the zip layout PyTorch writes since 1.6: `<prefix>/data.pkl` (a pickle of the
 * saved object, each storage a persistent id), `<prefix>/data/<key>` (each storage's raw bytes), and from 2.1
 * `<prefix>/byteorder` (`little` or `big`; absent means little).
 *
 * The pickle is read by the restricted interpreter of ./pickle.ts with the allow-list below: tensors
 * (`torch._utils._rebuild_tensor_v2` and kin), Parameters, storages, dtypes, `torch.Size`, `collections.OrderedDict`
 * and `_codecs.encode` (bytes). Anything else is refused by name before it is built. Tensors keep their storage
 * offset and strides; views sharing a storage read the same bytes.
 */
import { numel, stridesOf, type DType, type Tensor, type TensorData } from '../tensor';
import type { TensorArchive, TensorEntry } from './archive';
import { decodeElements, ITEM_SIZE } from './dtypes';
import { binaryError, DEFAULT_LIMITS, type ReadLimits } from './errors';
import { PyDict, PyGlobal, PyObject, PyTuple, pyRepr, unpickle, type AllowedGlobal, type PyValue } from './pickle';
import { looksLikeZip, memberBytes, readZip, type ZipArchive } from './zip';

/** Storage class names (`torch.FloatStorage`) and the dtype of their elements; `null` = a dtype Loss Lens refuses. */
const STORAGE_DTYPES: Readonly<Record<string, DType | string>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
};

/** `torch.<name>` dtype globals (as `_rebuild_tensor_v3` receives them) and the dtype they name. */
const DTYPE_NAMES: Readonly<Record<string, string>> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
  complex64: 'complex64',
  cfloat: 'complex64',
  complex128: 'complex128',
  cdouble: 'complex128',
  complex32: 'complex32',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float8_e4m3fn: 'float8_e4m3fn',
  float8_e5m2: 'float8_e5m2',
};

const SUPPORTED = new Set<string>([
  'float16',
  'bfloat16',
  'float32',
  'float64',
  'int8',
  'uint8',
  'int16',
  'int32',
  'int64',
  'bool',
]);

/** A storage named by a persistent id: `('storage', torch.FloatStorage, '0', 'cpu', 6)`. */
interface StorageRef {
  readonly key: string;
  /** The element dtype (`uint8` for an untyped storage, whose tensor says its own dtype). */
  readonly dtypeName: string;
  readonly numel: number;
  readonly location: string;
}

/** A tensor as the pickle describes it, before its bytes are read. */
interface TensorRef {
  readonly storage: StorageRef;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly dtypeName: string;
}

const REFUSAL = {
  explanation:
    'Loss Lens reads .pt files like torch.load(path, weights_only=True): only tensors, dicts, lists, tuples and plain values.',
  hint: 'If you trust the file, load it in Python and save just the tensors: torch.save({"logits": logits, "target": target}, "batch.pt").',
};

function isInt(v: PyValue): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function sizes(file: string, at: number, what: string, v: PyValue): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (!items || !items.every((d) => isInt(d) && d >= 0)) {
    throw binaryError(
      file,
      at,
      'pt/tensor',
      `a tensor's ${what} is ${pyRepr(v)}, not a tuple of non-negative integers`,
      'The pickle describes a tensor with an impossible size or stride: the file is damaged.',
      'Save the tensors again with torch.save.',
      { what },
    );
  }
  return items as number[];
}

/** The allow-list: what a .pt pickle may name, and what each builds. */
function allowList(file: string): Map<string, AllowedGlobal> {
  const allowed = new Map<string, AllowedGlobal>();
  const rebuild =
    (dtypeArg: number | undefined) =>
    (args: readonly PyValue[], at: number): PyValue => {
      const [storage, offset, size, stride] = args;
      if (!(storage instanceof PyObject) || storage.kind !== 'storage' || !isInt(offset ?? null)) {
        throw binaryError(
          file,
          at,
          'pt/tensor',
          'a tensor is rebuilt without its storage',
          'The pickle is damaged.',
          'Save the tensors again with torch.save.',
        );
      }
      const ref = storage.value as StorageRef;
      const dtypeValue = dtypeArg === undefined ? undefined : args[dtypeArg];
      const dtypeName =
        dtypeValue instanceof PyObject && dtypeValue.kind === 'dtype' ? (dtypeValue.value as string) : ref.dtypeName;
      const tensor: TensorRef = {
        storage: ref,
        offset: offset as number,
        shape: sizes(file, at, 'size', size ?? null),
        stride: sizes(file, at, 'stride', stride ?? null),
        dtypeName,
      };
      return new PyObject('tensor', tensor);
    };
  allowed.set('torch._utils._rebuild_tensor', { call: rebuild(undefined) });
  allowed.set('torch._utils._rebuild_tensor_v2', { call: rebuild(undefined) });
  allowed.set('torch._utils._rebuild_tensor_v3', { call: rebuild(6) });
  // A Parameter is its data for Loss Lens; requires_grad and hooks do not change a value.
  const firstArgument: AllowedGlobal = { call: (args) => args[0] ?? null };
  allowed.set('torch._utils._rebuild_parameter', firstArgument);
  allowed.set('torch._utils._rebuild_parameter_with_state', firstArgument);
  allowed.set('torch.nn.parameter.Parameter', firstArgument);
  allowed.set('torch.Tensor', {});
  allowed.set('torch._tensor._rebuild_from_type_v2', {
    // (func, new_type, args, state): a tensor subclass or a tensor with attributes; the tensor is func(*args).
    call: (args, at) => {
      const [fn, , inner] = args;
      if (!(fn instanceof PyGlobal) || !fn.entry.call || !(inner instanceof PyTuple)) {
        throw binaryError(
          file,
          at,
          'pt/tensor',
          'a tensor subclass is rebuilt without a tensor',
          'The pickle is damaged.',
          'Save the tensors again with torch.save.',
        );
      }
      return fn.entry.call(inner.items, at);
    },
  });
  allowed.set('collections.OrderedDict', { call: () => new PyDict(true) });
  allowed.set('collections.Counter', { call: () => new PyDict(true) });
  allowed.set('torch.Size', { call: (args) => args[0] ?? new PyTuple([]) });
  allowed.set('_codecs.encode', {
    // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
    call: (args) => {
      const textValue = typeof args[0] === 'string' ? args[0] : '';
      return Uint8Array.from(textValue, (c) => c.charCodeAt(0) & 0xff);
    },
  });
  for (const [name, dtypeName] of Object.entries(STORAGE_DTYPES)) {
    allowed.set(`torch.${name}`, { call: () => new PyObject('storageType', dtypeName) });
  }
  for (const name of ['torch.UntypedStorage', 'torch.storage.UntypedStorage', 'torch.storage.TypedStorage']) {
    allowed.set(name, {});
  }
  for (const [name, dtypeName] of Object.entries(DTYPE_NAMES)) {
    allowed.set(`torch.${name}`, { call: () => new PyObject('dtype', dtypeName) });
  }
  return allowed;
}

/** The dtype a storage-type global names (`torch.FloatStorage` → float32, an untyped storage → uint8 bytes). */
function storageDtype(type: PyValue): string | undefined {
  if (!(type instanceof PyGlobal)) return undefined;
  const name = type.path.replace(/^torch\.(storage\.)?/, '');
  if (name === 'UntypedStorage' || name === 'TypedStorage') return 'uint8';
  return STORAGE_DTYPES[name];
}

/** Finds `<prefix>/data.pkl` (the prefix is the archive name torch chose: `archive`, or the file's stem). */
function findPrefix(zip: ZipArchive, file: string): string {
  for (const name of zip.members.keys()) {
    const m = /^([^/]+)\/data\.pkl$/.exec(name);
    if (m) return m[1]!;
  }
  const names = [...zip.members.keys()];
  const torchScript = names.some((n) => /\/constants\.pkl$/.test(n) || /\/code\//.test(n));
  throw binaryError(
    file,
    0,
    torchScript ? 'pt/torchscript' : 'pt/layout',
    torchScript
      ? 'a TorchScript archive (torch.jit.save), not saved tensors'
      : 'a zip file without data.pkl: not a torch.save file',
    torchScript
      ? 'torch.jit.save stores a compiled model; Loss Lens reads the tensors torch.save writes.'
      : `A torch.save file holds <name>/data.pkl and its storages; this zip holds ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}.`,
    'Save the tensors themselves: torch.save({"logits": logits, "target": target}, "batch.pt").',
  );
}

/**
 * Reads a .pt file's bytes: the pickle is interpreted (refusing anything but tensors and plain containers), the
 * storages are read only when a tensor is loaded. Throws LossLensError: `pt/legacy` for the pre-1.6 format,
 * `pickle/global` naming a refused global, `zip/*` and `pt/*` for damaged or lying files.
 */
export function readPt(bytes: Uint8Array, file = 'tensors.pt', limits: ReadLimits = DEFAULT_LIMITS): TensorArchive {
  if (!looksLikeZip(bytes)) {
    const legacy = bytes[0] === 0x80 && bytes[1] === 0x02;
    throw binaryError(
      file,
      0,
      legacy ? 'pt/legacy' : 'pt/magic',
      legacy
        ? 'the legacy torch.save format (before PyTorch 1.6, or _use_new_zipfile_serialization=False)'
        : 'not a torch.save file (it is not a zip archive)',
      legacy
        ? 'Loss Lens reads the zip format torch.save writes by default since PyTorch 1.6.'
        : 'A .pt file written by torch.save (PyTorch 1.6 or later) is a zip archive starting with the bytes PK.',
      legacy
        ? 'Load it and save it again with a recent PyTorch: torch.save(torch.load(path), path).'
        : 'Save the tensors with torch.save(obj, path).',
    );
  }
  const zip = readZip(bytes, file, '.pt');
  const prefix = findPrefix(zip, file);
  const pklMember = zip.members.get(`${prefix}/data.pkl`)!;
  if (pklMember.size > limits.maxHeaderBytes) {
    throw binaryError(
      file,
      pklMember.headerOffset,
      'pt/pickle-size',
      `data.pkl is ${pklMember.size} bytes, over the limit of ${limits.maxHeaderBytes}`,
      'The description of the saved objects is far larger than a file of tensors needs.',
      'Save only the tensors the loss needs.',
      { size: pklMember.size, limit: limits.maxHeaderBytes },
    );
  }
  const pkl = memberBytes(zip, pklMember, limits);
  const byteorderMember = zip.members.get(`${prefix}/byteorder`);
  const byteorder = byteorderMember
    ? new TextDecoder().decode(memberBytes(zip, byteorderMember, limits)).trim()
    : 'little';
  if (byteorder !== 'little' && byteorder !== 'big') {
    throw binaryError(
      file,
      byteorderMember!.headerOffset,
      'pt/byteorder',
      `byteorder is '${byteorder}'`,
      "A torch.save file's byteorder is 'little' or 'big'.",
      'Save the tensors again with torch.save.',
    );
  }
  const pklLabel = `${file}/${prefix}/data.pkl`;
  const root = unpickle(pkl, {
    file: pklLabel,
    allowed: allowList(pklLabel),
    refusal: REFUSAL,
    persistentLoad: (pid, at) => {
      const items = pid instanceof PyTuple ? pid.items : [];
      const [tag, type, key, location, count] = items;
      const dtypeName = storageDtype(type ?? null);
      if (tag !== 'storage' || dtypeName === undefined || typeof key !== 'string' || !isInt(count ?? null)) {
        throw binaryError(
          pklLabel,
          at,
          'pt/persistent-id',
          `unexpected persistent id ${pyRepr(pid)}`,
          "A torch.save pickle refers to each storage as ('storage', <storage type>, <key>, <device>, <size>).",
          'Save the tensors again with torch.save.',
        );
      }
      const ref: StorageRef = {
        key: key as string,
        dtypeName,
        numel: count as number,
        location: typeof location === 'string' ? location : 'cpu',
      };
      return new PyObject('storage', ref);
    },
  });

  const storages = new Map<string, Uint8Array>();
  const storageBytes = (ref: StorageRef): Uint8Array => {
    const cached = storages.get(ref.key);
    if (cached) return cached;
    const name = `${prefix}/data/${ref.key}`;
    const member = zip.members.get(name);
    if (!member) {
      throw binaryError(
        file,
        0,
        'pt/storage',
        `storage '${ref.key}' is missing (no ${name} in the archive)`,
        'The pickle names a storage the archive does not hold: the file is damaged or incomplete.',
        'Save the tensors again with torch.save.',
        { storage: ref.key },
      );
    }
    const raw = memberBytes(zip, member, limits);
    storages.set(ref.key, raw);
    return raw;
  };

  const entries: TensorEntry[] = [];
  const values: Record<string, string> = {};
  const walk = (value: PyValue, key: string, depth: number): void => {
    if (depth > 64) {
      throw binaryError(
        pklLabel,
        0,
        'pt/depth',
        'containers nested more than 64 deep',
        'The saved object nests dicts or lists deeper than any batch of tensors does.',
        'Save the tensors in a flat dict.',
      );
    }
    if (value instanceof PyObject && value.kind === 'tensor') {
      entries.push(tensorEntry(value.value as TensorRef, key, file, byteorder === 'little', storageBytes, limits));
    } else if (value instanceof PyDict) {
      for (const { key: k, value: v } of value.entries.values()) {
        const name = typeof k === 'string' ? k : pyRepr(k);
        walk(v, key === '' ? name : `${key}.${name}`, depth + 1);
      }
    } else if (Array.isArray(value) || value instanceof PyTuple) {
      const items = Array.isArray(value) ? value : value.items;
      items.forEach((v, i) => walk(v, key === '' ? String(i) : `${key}.${i}`, depth + 1));
    } else if (value === null || ['number', 'bigint', 'boolean', 'string'].includes(typeof value)) {
      values[key] = pyRepr(value);
    }
  };
  walk(root, '', 0);
  return { format: 'pt', file, entries, values };
}

function tensorEntry(
  ref: TensorRef,
  key: string,
  file: string,
  littleEndian: boolean,
  storageBytes: (ref: StorageRef) => Uint8Array,
  limits: ReadLimits,
): TensorEntry {
  const supported = SUPPORTED.has(ref.dtypeName);
  const dtype = supported ? (ref.dtypeName as DType) : undefined;
  const label = key === '' ? file : `${file}:${key}`;
  return {
    key,
    shape: ref.shape,
    dtypeName: ref.dtypeName,
    dtype,
    load: (): Tensor => {
      if (!dtype) {
        throw binaryError(
          label,
          0,
          'io/dtype',
          `unsupported dtype ${ref.dtypeName}`,
          `Loss Lens computes with float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64 and bool tensors; this one is ${ref.dtypeName}.`,
          ref.dtypeName.startsWith('complex')
            ? 'Save the real part or the magnitude: tensor.real or tensor.abs().'
            : 'Convert before saving: tensor.float() for scores, tensor.long() for class indices.',
          { dtype: ref.dtypeName },
        );
      }
      if (ref.shape.length !== ref.stride.length) {
        throw binaryError(
          label,
          0,
          'pt/tensor',
          `size ${pyRepr(new PyTuple(ref.shape))} and stride ${pyRepr(new PyTuple(ref.stride))} differ in length`,
          'The pickle is damaged.',
          'Save the tensors again with torch.save.',
        );
      }
      const raw = storageBytes(ref.storage);
      const itemSize = ITEM_SIZE[dtype];
      // An untyped storage counts bytes; a typed one counts elements of its own dtype.
      const storageItem = ref.storage.dtypeName === 'uint8' && ref.dtypeName !== 'uint8' ? 1 : itemSize;
      const storageElements = Math.floor((ref.storage.numel * storageItem) / itemSize);
      if (ref.storage.numel * storageItem > raw.length) {
        throw binaryError(
          label,
          0,
          'pt/storage-size',
          `storage '${ref.storage.key}': record size (${raw.length} bytes) does not match expected size (${ref.storage.numel * storageItem} bytes)`,
          'The pickle and the storage disagree about its size: the file is damaged or was altered.',
          'Save the tensors again with torch.save.',
          { needed: ref.storage.numel * storageItem, available: raw.length },
        );
      }
      const count = numel(ref.shape);
      // An expanded view (stride 0) may claim far more elements than its storage holds; its copy is bounded too.
      if (count * ITEM_SIZE[dtype] > limits.maxInflatedBytes) {
        throw binaryError(
          label,
          0,
          'pt/tensor-size',
          `a tensor of size [${ref.shape.join(', ')}] would take ${count * ITEM_SIZE[dtype]} bytes, over the limit of ${limits.maxInflatedBytes}`,
          'The tensor is larger than Loss Lens reads at once.',
          'Save only the tensors the loss needs, or raise the size limit if you trust the file.',
          { size: count * ITEM_SIZE[dtype], limit: limits.maxInflatedBytes },
        );
      }
      let last = ref.offset;
      for (let d = 0; d < ref.shape.length; d++) last += (ref.shape[d]! - 1) * ref.stride[d]!;
      if (count > 0 && last >= storageElements) {
        throw binaryError(
          label,
          0,
          'pt/tensor-bounds',
          `a tensor of size [${ref.shape.join(', ')}], stride [${ref.stride.join(', ')}] at offset ${ref.offset} reaches element ${last} of a storage of ${storageElements}`,
          'The tensor reaches past the end of its storage: the file is damaged or was altered.',
          'Save the tensors again with torch.save.',
          { last, storage: storageElements },
        );
      }
      const contiguous = stridesOf(ref.shape).every((s, d) => ref.shape[d] === 1 || s === ref.stride[d]);
      if (contiguous) {
        const data = decodeElements(raw.subarray(ref.offset * itemSize), dtype, count, littleEndian);
        return { dtype, shape: [...ref.shape], data };
      }
      // A view: decode the elements it spans once, then gather them in C order.
      const span = decodeElements(
        raw.subarray(ref.offset * itemSize),
        dtype,
        count === 0 ? 0 : last - ref.offset + 1,
        littleEndian,
      );
      return { dtype, shape: [...ref.shape], data: gather(span, ref.shape, ref.stride) };
    },
  };
}

/** The elements of a strided view (offsets relative to `source[0]`) in C order. */
function gather(source: TensorData, shape: readonly number[], stride: readonly number[]): TensorData {
  const count = numel(shape);
  const out = new (source.constructor as new (n: number) => TensorData)(count);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < count; k++) {
    out[k] = source[at]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      at += stride[d]!;
      if (index[d]! < shape[d]!) break;
      at -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

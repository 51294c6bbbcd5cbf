/**
 * The tensor readers' refusals, produced by running the readers on real bad input built here (broken selections,
 * broken JSON text, damaged .npy bytes, damaged .pt/.safetensors/.npz/zip bytes, files that are not regular files),
 * and what their messages must satisfy in Chinese: a message that is Python's, PyTorch's or NumPy's own text stays
 * byte for byte; every other one is Loss Lens's own and comes out in Chinese, with any library text inside it
 * carried over verbatim.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { zipSync } from 'fflate';
import { LossLensError, type Diagnostic } from '../../../src/core/diagnostics';
import { READER_MESSAGE_CODES } from '../../../src/core/i18n/index';
import { readTensorArchive, resolveTensorSources, selectTensor } from '../../../src/core/io/index';
import { readTensorFile } from '../../../src/core/json/tensorFile';
import { readNpy } from '../../../src/core/npy';
import { readTensor } from '../../../src/core/reader/index';
import { readTensorFileFast } from '../../../src/core/stream/reader';
import { checkStats, readRegularFileSync, resolveNamedFile } from '../../../src/safeFile';
import { translationProblems } from './checks';
import { JSON_INPUTS, READER_INPUTS } from './corpus';

/** One refusal and the input that produced it. */
export interface Refusal {
  readonly origin: string;
  readonly diagnostic: Diagnostic;
}

/**
 * Whole messages that are a library's own text (the reader says what Python, PyTorch or NumPy would say): they stay
 * verbatim in every language. Python's syntax errors (reader/syntax, reader/brackets) are listed by code.
 */
export const LIBRARY_MESSAGES: readonly { readonly source: string; readonly pattern: RegExp }[] = [
  // Python.
  { source: 'Python', pattern: /^name '\w+' is not defined$/ },
  { source: 'Python', pattern: /^division by zero$/ },
  { source: 'Python', pattern: /^integer division or modulo by zero$/ },
  { source: 'Python', pattern: /^float (floor division by zero|modulo)$/ },
  { source: 'Python', pattern: /^0\.0 cannot be raised to a negative power$/ },
  { source: 'Python', pattern: /^\(34, 'Numerical result out of range'\)$/ },
  { source: 'Python', pattern: /^negative shift count$/ },
  { source: 'Python', pattern: /^bad operand type for unary .: '\w+'$/ },
  { source: 'Python', pattern: /^unsupported operand type\(s\) for \S+: '\w+' and '\w+'$/ },
  { source: 'Python', pattern: /^could not convert string to float: '.*'$/ },
  { source: 'Python', pattern: /^invalid literal for int\(\) with base 10: '.*'$/ },
  { source: 'Python', pattern: /^module '(torch|numpy)' has no attribute '\w+'$/ },
  // PyTorch.
  { source: 'PyTorch', pattern: /^expected sequence of length \d+ at dim \d+ \(got \d+\)$/ },
  { source: 'PyTorch', pattern: /^not a sequence$/ },
  { source: 'PyTorch', pattern: /^'list' object cannot be interpreted as an integer$/ },
  { source: 'PyTorch', pattern: /^must be real number, not list$/ },
  { source: 'PyTorch', pattern: /^Overflow when unpacking long$/ },
  { source: 'PyTorch', pattern: /^value cannot be converted to type \w+ without overflow$/ },
  { source: 'PyTorch', pattern: /^new\(\): data must be a sequence \(got \w+\)$/ },
  { source: 'PyTorch', pattern: /^too many dimensions 'str'$/ },
  { source: 'PyTorch', pattern: /^Could not infer dtype of NoneType$/ },
  { source: 'PyTorch', pattern: /^expected np\.ndarray \(got \w+\)$/ },
  { source: 'PyTorch', pattern: /^shape '\[[-\d, ]*\]' is invalid for input of size \d+$/ },
  { source: 'PyTorch', pattern: /^\w+\(\) got an unexpected keyword argument '\w+'$/ },
  { source: 'PyTorch', pattern: /^tensor\(\) missing 1 required positional arguments: "data"$/ },
  { source: 'PyTorch', pattern: /^\w+\(\) takes \d+ positional arguments? but \d+ were given$/ },
  { source: 'PyTorch', pattern: /^only one element tensors can be converted to Python scalars$/ },
  {
    source: 'PyTorch',
    pattern: /^Dimension out of range \(expected to be in range of \[-?\d+, -?\d+\], but got -?\d+\)$/,
  },
  { source: 'PyTorch', pattern: /^t\(\) expects a tensor with <= 2 dimensions, but self is \d+D$/ },
  { source: 'PyTorch', pattern: /^Only Tensors of floating point and complex dtype can require gradients$/ },
  { source: 'PyTorch', pattern: /^(tensor\(\): )?argument 'dtype' must be torch\.dtype, not \w+$/ },
  // NumPy.
  {
    source: 'NumPy',
    pattern:
      /^setting an array element with a sequence\. The requested array has an inhomogeneous shape after \d+ dimensions\. The detected shape was \([\d, ]*\) \+ inhomogeneous part\.$/,
  },
  { source: 'NumPy', pattern: /^Cannot interpret '.+' as a data type$/ },
  { source: 'NumPy', pattern: /^data type '.+' not understood$/ },
  { source: 'NumPy', pattern: /^cannot convert float (NaN|infinity) to integer$/ },
  { source: 'NumPy', pattern: /^Python int too large to convert to C long$/ },
];

/** Codes whose messages are Python's SyntaxError texts (python/errors.ts), but for the forms the catalog has. */
export const PYTHON_SYNTAX_CODES: ReadonlySet<string> = new Set(['reader/syntax', 'reader/brackets']);

/**
 * Library text inside a message Loss Lens frames (group 1): NumPy's and PyTorch's words, and the text of the
 * system or engine error a reader reports (a JSON parser's, an inflater's, the file system's).
 */
export const LIBRARY_SPANS: readonly RegExp[] = [
  /: (Header does not contain the correct keys: \[.*\])$/,
  /\(NumPy: (source code string cannot contain null bytes)\)$/,
  /: (Unsupported global: GLOBAL \S+ was not an allowed global by default\.)$/,
  /: (record size \(\d+ bytes\) does not match expected size \(\d+ bytes\))$/,
  /the header is not valid JSON \((.*)\)$/,
  /member cannot be inflated \((.*)\)$/,
  /^Cannot read \S+: (.*)$/,
];

/**
 * What is wrong with one localized reader message, or nothing. A library message (whole) must be unchanged; any other
 * message must be Chinese with no English prose left and its numbers and code kept, the library text inside it
 * carried over verbatim.
 */
export function readerMessageProblems(d: Diagnostic, chinese: string): string[] {
  const english = d.message;
  if (LIBRARY_MESSAGES.some((l) => l.pattern.test(english))) {
    return chinese === english ? [] : ['a library message was changed'];
  }
  if (PYTHON_SYNTAX_CODES.has(d.code ?? '') && chinese === english) return [];
  let en = english;
  let zh = chinese;
  for (const span of LIBRARY_SPANS) {
    const library = span.exec(english)?.[1];
    if (library === undefined) continue;
    if (!chinese.includes(library)) return [`library text not kept: ${library}`];
    en = en.replace(library, ' ');
    zh = zh.replace(library, ' ');
  }
  const prose = englishProse(zh);
  return [...translationProblems(en, zh), ...(prose.length > 0 ? [`English words left: ${prose.join(' ')}`] : [])];
}

/** English words no description made of code has. */
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'of', 'on', 'to', 'with', 'without', 'for', 'in', 'by', 'is', 'are']);

/**
 * English prose in a translated message, stricter than {@link translationProblems}'s four-word runs (a short
 * description such as `A set` left inside the Chinese frame must count): outside quotes and `Loss Lens`, a function
 * word or two plain words in a row.
 */
export function englishProse(text: string): string[] {
  const plain = (w: string | undefined): boolean => w !== undefined && /^[A-Za-z]+$/.test(w);
  return text
    .replace(/Loss Lens/g, ' ')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`|“[^”]*”/g, ' ')
    .split(/[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+/)
    .flatMap((run) => {
      const words = run.split(/\s+/).filter((w) => w !== '');
      return words.filter(
        (w, k) => plain(w) && (FUNCTION_WORDS.has(w.toLowerCase()) || plain(words[k + 1]) || plain(words[k - 1])),
      );
    });
}

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

function refusalOf(run: () => unknown): Diagnostic | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof LossLensError) return e.diagnostic;
    throw e;
  }
  return undefined;
}

/** Selections the corpus does not already hold, one per form of the reader's own messages. */
const MORE_READER_INPUTS = [
  '[{"a": 1}]',
  '[x for x in y]',
  '[(y := 1)]',
  'x[0]',
  '[1 if [1] else 2]',
  "[1 if 'a' else 2]",
  "torch.tensor([torch.device('cpu')])",
  'torch.tensor([torch.float32])',
  'torch.tensor([1])(2)',
  '[1].count(1)',
  '[1].real',
  '[-None]',
  'torch.ones()',
  'np.random.rand(3)',
  'torch.tensor([1, 2]).view(2.5)',
  'torch.tensor([1]).unsqueeze(1.5)',
  '[1 in 2]',
  '[*a]',
];

/** JSON tensor files the corpus does not already hold. */
const MORE_JSON_INPUTS = [
  '{"input": {"data": [1], "dtype": 3}}',
  '{"input": {"data": [[1, 2]], "shape": [2, "a"]}}',
  '{"input": {"data": [[1, 2]], "shape": [2, 1]}}',
  '{"input": [{"a": 1}]}',
  '{"input": [[{"a": 1}]]}',
];

/** A .npy file: the magic, the version, the header length, the header text and the data. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const text = encode(header);
  const lengthSize = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  out[8] = text.length & 0xff;
  out[9] = (text.length >> 8) & 0xff;
  out.set(text, 8 + lengthSize);
  out.set(data, 8 + lengthSize + text.length);
  return out;
}

const header = (descr: string, shape = '(2,)', order = 'False'): string =>
  `{'descr': ${descr}, 'fortran_order': ${order}, 'shape': ${shape}, }`;

/** Damaged and refused .npy files, each built from bytes. */
function npyInputs(): [string, Uint8Array][] {
  const good = npy(header("'<f4'"), new Uint8Array(8));
  const cases: [string, Uint8Array][] = [
    ['not numpy', encode('hello world, not numpy')],
    ['too short for the magic', good.slice(0, 3)],
    ['version 4', Uint8Array.from(good, (b, i) => (i === 6 ? 4 : b))],
    ['cut inside the header length', good.slice(0, 9)],
    ['cut inside the header', good.slice(0, 20)],
    ['a NUL byte in the header', npy("{'descr': '<f4',\u0000 'fortran_order': False, 'shape': (2,), }")],
    ['a key missing', npy("{'descr': '<f4', 'shape': (2,), }")],
    ['an extra key', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }")],
    ['a structured array', npy(header("[('a', '<f4')]"))],
    ['fortran_order not a bool', npy(header("'<f4'", '(2,)', '1'))],
    ['a negative size', npy(header("'<f4'", '(2, -1)'))],
    ['data cut off', npy(header("'<f4'", '(4,)'), new Uint8Array(8))],
    ['no dict', npy('x')],
    ['no colon', npy("{'descr' '<f4'}")],
    ['an unclosed string', npy("{'descr: 1}")],
    ['a bare word', npy("{'descr': foo}")],
    ['a key that is a number', npy('{1: 2}')],
    ['no comma in the dict', npy("{'descr': '<f4' 'x'}")],
    ['no comma in the tuple', npy("{'shape': (1 2)}")],
  ];
  for (const descr of ['<u4', '<c8', '<U3', '|S3', '|a3', '|O8', '<M8', '<m8', '|V8', '<f16']) {
    cases.push([`dtype ${descr}`, npy(header(`'${descr}'`))]);
  }
  return cases;
}

// A pickle writer, for the .pt files below (protocol 2, the opcodes torch.save writes).
const PROTO = [0x80, 0x02];
const STOP = 0x2e;
const NONE = 0x4e;
const MARK = 0x28;
const TUPLE = 0x74;
const EMPTY_TUPLE = 0x29;
const REDUCE = 0x52;
const BINPERSID = 0x51;
const NEWFALSE = 0x89;
const str = (s: string): number[] => [0x8c, encode(s).length, ...encode(s)];
const int = (n: number): number[] => [0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const global = (module: string, name: string): number[] => [0x63, ...encode(`${module}\n${name}\n`)];
const tuple = (...items: number[][]): number[] => [MARK, ...items.flat(), TUPLE];
const pickle = (...ops: (number | number[])[]): Uint8Array => Uint8Array.from([...PROTO, ...ops.flat(), STOP]);

/** `torch._utils._rebuild_tensor_v2` of a float storage, as torch.save writes a tensor. */
function tensorOps(o: {
  storage?: number[];
  size?: number[] | null;
  stride?: number[];
  offset?: number;
  count?: number;
}): number[] {
  const storage = o.storage ?? [
    ...tuple(str('storage'), global('torch', 'FloatStorage'), str('0'), str('cpu'), int(o.count ?? 2)),
    BINPERSID,
  ];
  const size = o.size === null ? [NONE] : tuple(...(o.size ?? [2]).map(int));
  return [
    ...global('torch._utils', '_rebuild_tensor_v2'),
    ...tuple(
      storage,
      int(o.offset ?? 0),
      size,
      tuple(...(o.stride ?? [1]).map(int)),
      [NEWFALSE],
      [...global('collections', 'OrderedDict'), EMPTY_TUPLE, REDUCE],
    ),
    REDUCE,
  ];
}

/** A torch.save zip: `archive/data.pkl`, `archive/byteorder` and the storages. */
function pt(
  pkl: Uint8Array,
  members: Record<string, Uint8Array> = { 'archive/data/0': new Uint8Array(8) },
): Uint8Array {
  return zipSync({ 'archive/data.pkl': pkl, 'archive/byteorder': encode('little'), ...members }, { level: 0 });
}

/** Damaged pickles inside a .pt, one per thing the unpickler can find wrong. */
function pickleInputs(): [string, Uint8Array][] {
  const raw = (...bytes: number[]): Uint8Array => Uint8Array.from([...PROTO, ...bytes]);
  return [
    ['a string longer than the pickle', raw(0x58, 0xff, 0xff, 0xff, 0x00)],
    ['a text argument without its newline', raw(0x49, 0x31)],
    ['a string that is not UTF-8', raw(0x8c, 1, 0xff, STOP)],
    ['TUPLE1 on an empty stack', raw(0x85, STOP)],
    ['DUP on an empty stack', raw(0x32, STOP)],
    ['POP_MARK without a mark', raw(0x31, STOP)],
    ['REDUCE on None', raw(NONE, EMPTY_TUPLE, REDUCE, STOP)],
    ['REDUCE with arguments that are not a tuple', pickle(global('collections', 'OrderedDict'), NONE, REDUCE)],
    ['an INT that is not a number', raw(0x49, ...encode('x\n'), STOP)],
    ['SETITEMS on None', raw(NONE, MARK, NONE, NONE, 0x75, STOP)],
    ['SETITEMS with a key and no value', raw(0x7d, MARK, NONE, 0x75, STOP)],
    ['APPEND on None', raw(NONE, NONE, 0x61, STOP)],
    ['no STOP', raw(NONE)],
    ['two values at STOP', raw(NONE, NONE, STOP)],
    ['a LONG4 of 131073 bytes', raw(0x8b, 0x01, 0x00, 0x02, 0x00)],
    ['a FLOAT that is not a number', raw(0x46, ...encode('x\n'), STOP)],
    ['a STRING that is not quoted', raw(0x53, ...encode('x\n'), STOP)],
    ['ADDITEMS on None', raw(NONE, MARK, 0x90, STOP)],
    ['a memo entry read before it is written', raw(0x68, 0x07, STOP)],
    ['STACK_GLOBAL of None', raw(NONE, NONE, 0x93, STOP)],
    ['NEWOBJ_EX with keyword arguments', raw(NONE, NONE, NONE, 0x92, STOP)],
    ['BUILD on None', raw(NONE, NONE, 0x62, STOP)],
    ['an unknown opcode', raw(0xff, STOP)],
    ['INST', raw(0x69, ...encode('os\nsystem\n'), STOP)],
    ['GLOBAL os.system', raw(...global('os', 'system'), STOP)],
  ].map(([name, bytes]) => [name as string, pt(bytes as Uint8Array)]);
}

/** .pt files whose tensors or layout are wrong. */
function ptInputs(): [string, Uint8Array][] {
  const nested: number[] = [NONE];
  for (let i = 0; i < 70; i++) nested.push(0x85);
  return [
    ['a size that is None', pt(pickle(tensorOps({ size: null })))],
    ['a tensor without its storage', pt(pickle(tensorOps({ storage: [NONE] })))],
    [
      'a subclass without a tensor',
      pt(pickle(global('torch._tensor', '_rebuild_from_type_v2'), tuple([NONE], [NONE], [NONE], [NONE]), REDUCE)),
    ],
    ['size and stride of different lengths', pt(pickle(tensorOps({ stride: [] })))],
    ['a TorchScript archive', zipSync({ 'model/constants.pkl': pickle(NONE) }, { level: 0 })],
    ['a zip without data.pkl', zipSync({ 'notes.txt': encode('x') }, { level: 0 })],
    ['not a zip', encode('hello')],
    ['byteorder middle', zipSync({ 'archive/data.pkl': pickle(NONE), 'archive/byteorder': encode('middle') })],
    ['a persistent id that is no storage', pt(pickle(str('x'), BINPERSID))],
    ['a storage missing', pt(pickle(tensorOps({})), {})],
    ['containers 70 deep', pt(pickle(nested))],
    ['a tensor past its storage', pt(pickle(tensorOps({ size: [4], count: 2 })))],
  ];
}

/** A .safetensors file: the header length, the JSON header, the data. */
function safetensors(headerText: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = encode(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function safetensorsInputs(): [string, Uint8Array][] {
  const tensor = (extra: string): string => `{"x": {${extra}}}`;
  return [
    ['not JSON', safetensors('{x')],
    ['not an object', safetensors('[1]')],
    ['metadata that is a number', safetensors('{"__metadata__": 1}')],
    ['a negative size', safetensors(tensor('"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]'))],
    ['offsets backwards', safetensors(tensor('"dtype": "F32", "shape": [1], "data_offsets": [4, 0]'))],
    ['complex64', safetensors(tensor('"dtype": "C64", "shape": [1], "data_offsets": [0, 8]'), new Uint8Array(8))],
    ['three bytes', new Uint8Array(3)],
  ];
}

/** Little-endian u32 at `at`. */
function setU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);
}

function setU16(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(at, value, true);
}

/** Damaged .npz archives made from a good one, a change to its directory or its data at a time. */
function zipInputs(): [string, Uint8Array][] {
  const good = (): Uint8Array => zipSync({ 'x.npy': npy(header("'<f4'"), new Uint8Array(8)) }, { level: 0 });
  const eocd = (z: Uint8Array): number => z.length - 22;
  const directory = (z: Uint8Array): number => new DataView(z.buffer).getUint32(eocd(z) + 16, true);
  const change = (edit: (z: Uint8Array) => void): Uint8Array => {
    const z = good();
    edit(z);
    return z;
  };
  const deflated = zipSync({ 'x.npy': npy(header("'<f4'"), new Uint8Array(4096)) }, { level: 9 });
  const localData = (z: Uint8Array): number => 30 + new DataView(z.buffer).getUint16(26, true);
  return [
    ['no end of directory', good().slice(0, -22)],
    ['zip64 without its locator', change((z) => setU16(z, eocd(z) + 10, 0xffff))],
    [
      'zip64 locator pointing nowhere',
      (() => {
        const z = good();
        const d = directory(z);
        // A zip64 locator (signature, disk, record offset past the end, disks) before the end record.
        const locator = new Uint8Array(20);
        setU32(locator, 0, 0x07064b50);
        setU32(locator, 8, 0x7fffffff);
        const out = new Uint8Array(z.length + 20);
        out.set(z.subarray(0, eocd(z)));
        out.set(locator, eocd(z));
        out.set(z.subarray(eocd(z)), eocd(z) + 20);
        setU16(out, out.length - 22 + 10, 0xffff);
        setU32(out, out.length - 22 + 16, d);
        return out;
      })(),
    ],
    ['a directory past the end', change((z) => setU32(z, eocd(z) + 12, 0x7fffff00))],
    ['a directory entry without its signature', change((z) => setU32(z, directory(z), 0))],
    ['a name running past the directory', change((z) => setU16(z, directory(z) + 28, 0xfff0))],
    ['an encrypted member', change((z) => setU16(z, directory(z) + 8, 1))],
    ['no local header', change((z) => setU32(z, directory(z) + 42, 4))],
    ['a member past the end', change((z) => setU32(z, directory(z) + 20, 0x00ffffff))],
    ['compression method 99', change((z) => setU16(z, directory(z) + 10, 99))],
    [
      'a stored member whose size lies',
      change((z) => {
        setU32(z, directory(z) + 24, new DataView(z.buffer).getUint32(directory(z) + 24, true) + 1);
      }),
    ],
    [
      'deflated data that is damaged',
      (() => {
        const z = deflated.slice();
        z.fill(0xff, localData(z), localData(z) + 8);
        return z;
      })(),
    ],
    [
      'a deflated member that claims too much',
      (() => {
        const z = deflated.slice();
        const d = new DataView(z.buffer).getUint32(z.length - 22 + 16, true);
        setU32(z, d + 24, 0x7fffffff);
        return z;
      })(),
    ],
    [
      'a deflated member that claims a little more',
      (() => {
        const z = deflated.slice();
        const d = new DataView(z.buffer).getUint32(z.length - 22 + 16, true);
        setU32(z, d + 24, new DataView(z.buffer).getUint32(d + 24, true) + 1);
        return z;
      })(),
    ],
  ];
}

/** Files that are not regular files, one too large, one outside the allowed folder; cleaned up by the caller. */
function fileRefusals(scratch: string, socket: string | undefined): Refusal[] {
  const out: Refusal[] = [];
  const refuse = (origin: string, run: () => unknown): void => {
    const d = refusalOf(run);
    if (d) out.push({ origin, diagnostic: d });
  };
  refuse('a folder', () => readRegularFileSync(scratch, 1024));
  refuse('a character device', () => readRegularFileSync(path.join(path.sep, 'dev', 'null'), 1024));
  const devices = fs.readdirSync(path.join(path.sep, 'dev')).map((f) => path.join(path.sep, 'dev', f));
  const block = devices.find((f) => {
    try {
      return fs.statSync(f).isBlockDevice();
    } catch {
      return false;
    }
  });
  if (block) refuse('a block device', () => readRegularFileSync(block, 1024));
  else {
    // No block device here (a container may have none): the same check on what stat says of one.
    const no = (): boolean => false;
    const stats = { isFile: no, isDirectory: no, isCharacterDevice: no, isBlockDevice: () => true, isFIFO: no };
    refuse('a block device', () =>
      checkStats(path.join(path.sep, 'dev', 'sda'), { ...stats, isSocket: no, size: 0 }, 1024),
    );
  }
  const fifo = path.join(scratch, 'pipe');
  if (spawnSync('mkfifo', [fifo]).status === 0) refuse('a named pipe', () => readRegularFileSync(fifo, 1024));
  if (socket) refuse('a socket', () => readRegularFileSync(socket, 1024));
  const big = path.join(scratch, 'big.npy');
  fs.writeFileSync(big, new Uint8Array(3 * 1024 * 1024));
  refuse('a file over the limit', () => readRegularFileSync(big, 1024 * 1024));
  refuse('a file outside the folder', () =>
    resolveNamedFile(path.join(scratch, 'inner', 'run.json'), '../big.npy', path.join(scratch, 'inner')),
  );
  return out;
}

/** Every refusal of the readers on the inputs above (and the corpus's reader and JSON inputs). */
export function readerRefusals(files?: { scratch: string; socket?: string }): Refusal[] {
  const out: Refusal[] = [];
  const refuse = (origin: string, run: () => unknown): void => {
    const d = refusalOf(run);
    if (d) out.push({ origin, diagnostic: d });
  };
  for (const text of [...READER_INPUTS, ...MORE_READER_INPUTS])
    refuse(`reader ${text.slice(0, 40)}`, () => readTensor(text));
  for (const text of [...JSON_INPUTS, ...MORE_JSON_INPUTS]) {
    refuse(`json ${text.slice(0, 40)}`, () => readTensorFile(text));
    refuse(`streamed json ${text.slice(0, 40)}`, () => readTensorFileFast(encode(text)));
  }
  for (const [name, bytes] of npyInputs()) refuse(`npy: ${name}`, () => readNpy(bytes, 'x.npy'));
  refuse('a file that cannot be read', () =>
    resolveTensorSources(readTensorFile('{"input": {"npy": "nowhere.npy"}}'), () => {
      throw new Error("ENOENT: no such file or directory, open 'nowhere.npy'");
    }),
  );
  const readAll = (bytes: Uint8Array, file: string, limits?: { maxInflatedBytes: number; maxHeaderBytes: number }) => {
    const archive = readTensorArchive(bytes, file, undefined, limits);
    for (const entry of archive.entries) entry.load();
  };
  for (const [name, bytes] of [...pickleInputs(), ...ptInputs()]) refuse(`pt: ${name}`, () => readAll(bytes, 'x.pt'));
  refuse('pt: data.pkl over the limit', () =>
    readAll(pt(pickle(tensorOps({}))), 'x.pt', { maxInflatedBytes: 2 ** 31, maxHeaderBytes: 16 }),
  );
  refuse('npz: not a zip', () => readAll(encode('hello'), 'x.npz'));
  for (const [name, bytes] of safetensorsInputs())
    refuse(`safetensors: ${name}`, () => readAll(bytes, 'x.safetensors'));
  for (const [name, bytes] of zipInputs()) refuse(`npz: ${name}`, () => readAll(bytes, 'x.npz'));
  // The hostile fixtures (test/fixtures/io/hostile, made by scripts/fixtures/gen_io_hostile.py) and the old format.
  const io = path.join(__dirname, '..', '..', 'fixtures', 'io');
  for (const f of fs.readdirSync(path.join(io, 'hostile')).filter((f) => !f.endsWith('.json'))) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(io, 'hostile', f)));
    refuse(`hostile ${f}`, () => readAll(bytes, f, { maxInflatedBytes: 64 * 2 ** 20, maxHeaderBytes: 64 * 2 ** 20 }));
  }
  for (const f of ['legacy.pt', 'complex.pt']) {
    refuse(f, () => readAll(new Uint8Array(fs.readFileSync(path.join(io, 'torch-2.14', f))), f));
  }
  refuse('a key in a file of several', () =>
    selectTensor(
      readTensorArchive(new Uint8Array(fs.readFileSync(path.join(io, 'torch-2.14', 'run.pt'))), 'run.pt'),
      'x',
    ),
  );
  if (files) out.push(...fileRefusals(files.scratch, files.socket));
  // The JSON inputs also raise the JSON file's own errors (json/*), which ./coverage.test.ts checks.
  return out.filter((r) => READER_MESSAGE_CODES.has(r.diagnostic.code));
}

/** A scratch folder for {@link readerRefusals}'s file refusals. */
export function scratchFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-readers-'));
}

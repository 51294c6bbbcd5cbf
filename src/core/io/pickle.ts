/**
 * A restricted pickle interpreter: it reads the opcodes of Python's pickle protocols 0–5 and builds only plain values
 * (None, bools, ints, floats, strings, bytes), containers (tuples, lists, dicts, sets) and the objects an allow-list
 * of globals builds. It never runs code: a global outside the allow-list is refused the moment the pickle names it,
 * before anything is called, with the global's name in the message — the idea of PyTorch's `weights_only=True`
 * loader (torch/_weights_only_unpickler.py), written independently here. The opcodes that call arbitrary classes
 * (INST, OBJ, the extension registry, out-of-band buffers) are refused outright.
 */
import { binaryError } from './errors';

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python dict (or OrderedDict, or Counter): keys in insertion order, printed as Python would. */
export class PyDict {
  readonly entries = new Map<string, { readonly key: PyValue; value: PyValue }>();
  constructor(readonly ordered = false) {}

  set(key: PyValue, value: PyValue): void {
    this.entries.set(keyText(key), { key, value });
  }
}

/** A Python set or frozenset. */
export class PySet {
  readonly items: PyValue[] = [];
}

/** A global the allow-list knows, as a value (a function or a type not yet called). */
export class PyGlobal {
  constructor(
    readonly path: string,
    readonly entry: AllowedGlobal,
  ) {}
}

/** An object an allow-listed global built (a storage, a tensor, a dtype…); `kind` says which. */
export class PyObject {
  constructor(
    readonly kind: string,
    readonly value: unknown,
  ) {}
}

/** Any value the interpreter builds. Lists are JS arrays; bytes are Uint8Array; ints beyond 2^53 are bigints. */
export type PyValue =
  null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PySet | PyGlobal | PyObject;

/** What an allow-listed global may do. */
export interface AllowedGlobal {
  /** `global(*args)` (REDUCE) or `cls.__new__(cls, *args)` (NEWOBJ); absent for a global that is only a marker. */
  readonly call?: (args: readonly PyValue[], at: number) => PyValue;
}

/** How a pickle is read. */
export interface PickleOptions {
  /** Label for messages, e.g. `run.pt/archive/data.pkl`. */
  readonly file: string;
  /** Globals by `module.name`. */
  readonly allowed: ReadonlyMap<string, AllowedGlobal>;
  /** `persistent_load(pid)`; absent = a persistent id is refused. */
  readonly persistentLoad?: (pid: PyValue, at: number) => PyValue;
  /** Explanation and fix when a global is refused (what the file type is, what to save instead). */
  readonly refusal: { readonly explanation: string; readonly hint: string };
}

/** A dict key's identity: Python compares keys by value. (Depth-limited: a crafted key cannot exhaust the stack.) */
function keyText(key: PyValue, depth = 0): string {
  if (depth > 32) return '…';
  if (typeof key === 'string') return `s:${key}`;
  if (typeof key === 'number' || typeof key === 'bigint') return `n:${key}`;
  if (typeof key === 'boolean') return `n:${key ? 1 : 0}`;
  if (key === null) return 'None';
  if (key instanceof PyTuple) return `t:(${key.items.map((k) => keyText(k, depth + 1)).join(',')})`;
  if (key instanceof Uint8Array) return `b:${Array.from(key).join(',')}`;
  return `o:${String(key)}`;
}

/** Python's repr of a plain value, for keys and messages; nesting beyond 8 levels and long containers are elided. */
export function pyRepr(value: PyValue, depth = 0): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Uint8Array) return `b'…' (${value.length} bytes)`;
  if (value instanceof PyGlobal) return value.path;
  if (value instanceof PyObject) return `<${value.kind}>`;
  if (depth >= 8) return '…';
  const items = (xs: readonly PyValue[]): string =>
    xs
      .slice(0, 20)
      .map((x) => pyRepr(x, depth + 1))
      .join(', ') + (xs.length > 20 ? ', …' : '');
  if (Array.isArray(value)) return `[${items(value)}]`;
  if (value instanceof PyTuple) return `(${items(value.items)}${value.items.length === 1 ? ',' : ''})`;
  if (value instanceof PyDict) {
    const entries = [...value.entries.values()].slice(0, 20);
    return `{${entries.map((e) => `${pyRepr(e.key, depth + 1)}: ${pyRepr(e.value, depth + 1)}`).join(', ')}}`;
  }
  return `{${items(value.items)}}`;
}

/** Python 2 module names a protocol 0–2 pickle may use, and the Python 3 module they mean. */
const PYTHON2_MODULES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
};

/** The text of a protocol 0 STRING argument: a quoted Python literal with backslash escapes. */
function unquote(literal: string): string | undefined {
  const quote = literal[0];
  if ((quote !== "'" && quote !== '"') || literal.length < 2 || literal[literal.length - 1] !== quote) return undefined;
  return literal
    .slice(1, -1)
    .replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
      e[0] === 'x'
        ? String.fromCharCode(parseInt(e.slice(1), 16))
        : (({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e),
    );
}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Opcodes that would construct arbitrary classes or reach outside the pickle: never allowed. */
const FORBIDDEN: Readonly<Record<number, string>> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

/**
 * Reads a pickle into values. Throws a LossLensError at the opcode's byte for a refused global or opcode, for
 * damaged or truncated data, and for a pickle that does not end with STOP.
 */
export function unpickle(bytes: Uint8Array, options: PickleOptions): PyValue {
  const { file } = options;
  let pos = 0;
  let stack: Slot[] = [];
  const marks: Slot[][] = [];
  const memo = new Map<number, PyValue>();
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let opAt = 0;

  const damaged = (what: string): never => {
    throw binaryError(
      file,
      opAt,
      'pickle/damaged',
      `the pickle is damaged (${what})`,
      'The pickled part of the file, which describes its tensors, cannot be read: the file is cut off or damaged.',
      'Save the tensors again with torch.save and copy the file whole.',
      { what },
    );
  };
  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || pos + n > bytes.length)
      damaged(`${n} bytes needed at byte ${pos}, the pickle ends at ${bytes.length}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u16 = (): number => {
    const at = need(2);
    return bytes[at]! | (bytes[at + 1]! << 8);
  };
  const u32 = (): number => {
    const at = need(4);
    return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) + bytes[at + 3]! * 2 ** 24;
  };
  const u64 = (): number => {
    const low = u32();
    return low + u32() * 2 ** 32;
  };
  const take = (n: number): Uint8Array => {
    const at = need(n);
    return bytes.subarray(at, at + n);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) damaged('a text argument without its newline');
    const text = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const text = (raw: Uint8Array): string => {
    try {
      return utf8.decode(raw);
    } catch {
      return damaged('a string that is not UTF-8');
    }
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) damaged('the stack is empty');
    if (v === MARK) damaged('a mark where a value belongs');
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) damaged('no value on the stack');
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (!previous) damaged('no mark to pop to');
    stack = previous!;
    if (items.includes(MARK)) damaged('a nested mark');
    return items as PyValue[];
  };
  const refuseGlobal = (path: string): never => {
    // PyTorch names builtins without their module (GLOBAL eval); the same here, so the message searches alike.
    const shown = path.startsWith('builtins.') ? path.slice('builtins.'.length) : path;
    throw binaryError(
      file,
      opAt,
      'pickle/global',
      `Unsupported global: GLOBAL ${shown} was not an allowed global by default.`,
      `${options.refusal.explanation} This file asks for ${path}, which is not a tensor, a container or a plain value: loading it with torch.load(weights_only=False) would call it. Loss Lens refused before building anything, and never runs code from a file.`,
      options.refusal.hint,
      { global: path },
    );
  };
  const lookup = (module: string, name: string): PyValue => {
    // Protocols 0–2 name Python 2's modules; Python 3 reads them as their new names (pickle's fix_imports).
    const path = `${PYTHON2_MODULES[module] ?? module}.${name}`;
    const entry = options.allowed.get(path);
    if (!entry) refuseGlobal(path);
    return new PyGlobal(path, entry!);
  };
  const call = (fn: PyValue, args: PyValue, opcode: string): PyValue => {
    if (!(fn instanceof PyGlobal) || !fn.entry.call) damaged(`${opcode} on ${pyRepr(fn)}, which cannot be called`);
    const list =
      args instanceof PyTuple
        ? args.items
        : Array.isArray(args)
          ? args
          : damaged(`${opcode} arguments are not a tuple`);
    return (fn as PyGlobal).entry.call!(list, opAt);
  };
  const asInt = (s: string): number | bigint => {
    const t = s.trim().replace(/L$/, '');
    if (!/^[-+]?\d+$/.test(t)) damaged(`'${s}' is not an integer`);
    const big = BigInt(t);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  const littleSigned = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0;
    let big = 0n;
    for (let i = raw.length - 1; i >= 0; i--) big = (big << 8n) | BigInt(raw[i]!);
    if (raw[raw.length - 1]! & 0x80) big -= 1n << BigInt(raw.length * 8);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (!(target instanceof PyDict)) damaged(`SETITEMS on ${pyRepr(target)}, which is not a dict`);
    if (items.length % 2 !== 0) damaged('SETITEMS with a key and no value');
    for (let i = 0; i < items.length; i += 2) (target as PyDict).set(items[i]!, items[i + 1]!);
  };
  const append = (target: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(target)) damaged(`APPEND on ${pyRepr(target)}, which is not a list`);
    for (const item of items) (target as PyValue[]).push(item);
  };

  for (;;) {
    opAt = pos;
    if (pos >= bytes.length) damaged('it ends before its STOP opcode');
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME: a length prefix for buffered reading, nothing to build
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length > 0) damaged('STOP with more than one value left');
        return pop();
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length > 0) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: {
        // BININT: signed 32-bit
        const v = u32();
        stack.push(v >= 2 ** 31 ? v - 2 ** 32 : v);
        break;
      }
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(littleSigned(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = u32();
        if (n > 1 << 16) damaged(`an integer of ${n} bytes`);
        stack.push(littleSigned(take(n)));
        break;
      }
      case 0x49: {
        // INT (text): also spells True/False in protocol 0
        const t = line();
        stack.push(t === '01' ? true : t === '00' ? false : asInt(t));
        break;
      }
      case 0x4c: // LONG (text)
        stack.push(asInt(line()));
        break;
      case 0x47: {
        // BINFLOAT: big-endian float64
        const at = need(8);
        stack.push(new DataView(bytes.buffer, bytes.byteOffset + at, 8).getFloat64(0, false));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const v = Number(line());
        if (Number.isNaN(v)) damaged('a float that is not a number');
        stack.push(v);
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(text(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(take(u64())));
        break;
      case 0x56: // UNICODE (text, raw-unicode-escape; plain ASCII in practice)
        stack.push(line());
        break;
      case 0x53: {
        // STRING (text): a quoted literal
        const value = unquote(line());
        if (value === undefined) damaged('a STRING argument that is not quoted');
        stack.push(value as string);
        break;
      }
      case 0x54: // BINSTRING: a Python 2 str, read as latin-1 text
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x74: {
        // TUPLE (popMark replaces `stack`, so it runs before the push)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet());
        break;
      case 0x91: {
        // FROZENSET
        const s = new PySet();
        s.items.push(...popMark());
        stack.push(s);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) damaged('ADDITEMS on a value that is not a set');
        (s as PySet).items.push(...items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(asInt(line())), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET (text)
        const index = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(asInt(line()));
        if (!memo.has(index)) damaged(`memo entry ${index} is read before it is written`);
        stack.push(memo.get(index)!);
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        stack.push(lookup(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') damaged('STACK_GLOBAL without a module and a name');
        stack.push(lookup(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE: callable(*args), for allow-listed callables only
        const args = pop();
        const fn = pop();
        stack.push(call(fn, args, 'REDUCE'));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args)
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args, 'NEWOBJ'));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX: keyword arguments are not used by anything Loss Lens builds
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(kwargs instanceof PyDict) || kwargs.entries.size > 0) damaged('NEWOBJ_EX with keyword arguments');
        stack.push(call(cls, args, 'NEWOBJ_EX'));
        break;
      }
      case 0x62: {
        // BUILD sets an object's attributes (a state_dict's _metadata, a tensor's hooks): kept out, as they carry no
        // values; only objects an allowed global built, and dicts, may receive it.
        pop();
        const obj = top();
        if (!(obj instanceof PyObject) && !(obj instanceof PyDict)) damaged(`BUILD on ${pyRepr(obj)}`);
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!options.persistentLoad) damaged('a persistent id, which this file type does not use');
        stack.push(options.persistentLoad!(pid, opAt));
        break;
      }
      case 0x50: {
        // PERSID (text)
        const pid = line();
        if (!options.persistentLoad) damaged('a persistent id, which this file type does not use');
        stack.push(options.persistentLoad!(pid, opAt));
        break;
      }
      default: {
        const name = FORBIDDEN[op];
        if (name) {
          throw binaryError(
            file,
            opAt,
            'pickle/opcode',
            `the pickle uses the ${name} opcode, which builds arbitrary objects`,
            `${options.refusal.explanation} The ${name} opcode constructs an object of any class, so Loss Lens never executes it.`,
            options.refusal.hint,
            { opcode: name },
          );
        }
        damaged(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }
}

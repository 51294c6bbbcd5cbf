/**
 * The argument model between the interpreter and the tensor library: Python values as the library sees them, and
 * a small binder that matches positional and keyword arguments against a PyTorch-style signature.
 */
import type { DType } from '../tensor';
import { TorchTensor } from './tensor';
import { typeError } from './errors';

/** A `torch.float32` / `np.float32`-as-dtype value. */
export interface DTypeArg {
  kind: 'dtype';
  dtype: DType;
  /**
   * What stood for the dtype when it was not a torch dtype: Python's `float`/`int`/`bool` (which PyTorch takes as
   * float64/int64/bool) or a NumPy scalar type such as `np.float32` (which PyTorch refuses), by its Python name.
   */
  from?: { kind: 'python' | 'numpy'; name: string };
}

/** A `torch.device('cpu')` value (or a device string normalised by the interpreter). */
export interface DeviceArg {
  kind: 'device';
  name: string;
}

/**
 * The tuple type names of a dict's views, `dict.keys()`, `.values()`, `.items()` (an OrderedDict's are `odict_*`): the
 * runtime prints them and refuses to index them, and `torch.tensor` refuses them as data.
 */
export const DICT_VIEWS: ReadonlySet<string> = new Set([
  'dict_keys',
  'dict_values',
  'dict_items',
  'odict_keys',
  'odict_values',
  'odict_items',
]);

/** A Python tuple. `typeName` names a tuple subclass: `torch.Size`, `torch.return_types.max`; `names` its fields. */
export interface TupleArg {
  kind: 'tuple';
  items: TArg[];
  names?: string[];
  typeName?: string;
}

/**
 * A Python value passed to or returned by the library: a tensor/ndarray, a Python float (number), int (bigint) or
 * bool, a str, None (null), a list (array), a tuple, a dtype or a device.
 */
export type TArg = TorchTensor | number | bigint | boolean | string | null | TArg[] | DTypeArg | DeviceArg | TupleArg;

/** A Python slice `start:stop:step` (each bound an int or None). */
export interface SliceArg {
  kind: 'slice';
  start: bigint | null;
  stop: bigint | null;
  step: bigint | null;
}

/** Python's `...`. */
export interface EllipsisArg {
  kind: 'ellipsis';
}

/**
 * One subscript as Python passes it to `__getitem__`: an int, a slice, None (newaxis), Ellipsis, a bool, a list
 * (advanced indexing), a tensor/ndarray (integer or boolean), or a tuple of those (one entry per dimension).
 */
export type IndexArg =
  bigint | boolean | null | SliceArg | EllipsisArg | TorchTensor | TArg[] | { kind: 'tuple'; items: IndexArg[] };

/** A `{kind:'tuple'}` value. */
export function tuple(items: TArg[], typeName?: string, names?: string[]): TupleArg {
  const t: TupleArg = { kind: 'tuple', items };
  if (typeName !== undefined) t.typeName = typeName;
  if (names !== undefined) t.names = names;
  return t;
}

/** `torch.Size([...])`. */
export function torchSize(shape: readonly number[]): TupleArg {
  return tuple(
    shape.map((d) => BigInt(d)),
    'torch.Size',
  );
}

/** True for a tensor/ndarray argument. */
export function isTensor(a: unknown): a is TorchTensor {
  return a instanceof TorchTensor;
}

/** True for a Python list or tuple. */
export function isSequence(a: TArg | undefined): a is TArg[] | TupleArg {
  return Array.isArray(a) || (typeof a === 'object' && a !== null && !isTensor(a) && a.kind === 'tuple');
}

/** The items of a list or tuple. */
export function itemsOf(a: TArg[] | TupleArg): TArg[] {
  return Array.isArray(a) ? a : a.items;
}

/** True for a Python number (float, int or bool). */
export function isPyNumber(a: TArg | undefined): a is number | bigint | boolean {
  return typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean';
}

/** The value of a Python number as a double. */
export function numberOf(a: number | bigint | boolean): number {
  return typeof a === 'number' ? a : typeof a === 'bigint' ? Number(a) : a ? 1 : 0;
}

/** Python's type name of a value, as TypeError messages print it. */
export function pyTypeName(a: TArg | undefined): string {
  if (a === undefined || a === null) return 'NoneType';
  if (typeof a === 'number') return 'float';
  if (typeof a === 'bigint') return 'int';
  if (typeof a === 'boolean') return 'bool';
  if (typeof a === 'string') return 'str';
  if (Array.isArray(a)) return 'list';
  if (isTensor(a)) return a.flavor === 'numpy' ? 'numpy.ndarray' : 'Tensor';
  if (a.kind === 'tuple') return a.typeName ?? 'tuple';
  // Python's float/int/bool and NumPy's scalar types stand for a dtype, but their Python type is `type`.
  if (a.kind === 'dtype') return a.from ? 'type' : 'torch.dtype';
  return 'torch.device';
}

/** One parameter of a signature. */
interface Param {
  name: string;
  required: boolean;
  keywordOnly: boolean;
  /** `*size`: collects the remaining positionals (or takes one list/tuple). */
  varargs: boolean;
}

/** A parsed signature, e.g. `input, dim=None, keepdim=False, *, dtype=None` or `input, *size`. */
export class Signature {
  private readonly params: Param[];

  /** @param name the function name for error messages; @param spec the parameter list, Python style. */
  constructor(
    readonly name: string,
    spec: string,
  ) {
    this.params = [];
    let keywordOnly = false;
    for (const raw of spec.split(',')) {
      const p = raw.trim();
      if (p === '') continue;
      if (p === '/') continue;
      if (p === '*') {
        keywordOnly = true;
        continue;
      }
      const varargs = p.startsWith('*');
      const name = (varargs ? p.slice(1) : p).split('=')[0]!.trim();
      this.params.push({ name, required: !p.includes('=') && !varargs, keywordOnly, varargs });
      if (varargs) keywordOnly = true;
    }
  }

  /**
   * Matches arguments to parameters. Absent optional parameters are `undefined` in the result; a `*name` parameter
   * receives a list (one list/tuple argument is taken as the whole list, as `view((2, 3))` and `view(2, 3)` agree).
   */
  bind(args: readonly TArg[], kwargs: ReadonlyMap<string, TArg>): Record<string, TArg | undefined> {
    const out: Record<string, TArg | undefined> = Object.create(null) as Record<string, TArg | undefined>;
    let i = 0;
    for (const p of this.params) {
      if (p.varargs) {
        const rest = args.slice(i);
        i = args.length;
        if (rest.length === 1 && isSequence(rest[0])) out[p.name] = itemsOf(rest[0] as TArg[] | TupleArg);
        else if (rest.length > 0) out[p.name] = [...rest];
        continue;
      }
      if (p.keywordOnly || i >= args.length) continue;
      out[p.name] = args[i++]!;
    }
    if (i < args.length) {
      const positional = this.params.filter((p) => !p.keywordOnly).length;
      throw typeError(`${this.name}() takes ${positional} positional arguments but ${args.length} were given`);
    }
    for (const [k, v] of kwargs) {
      const p = this.params.find((q) => q.name === k);
      if (!p) throw typeError(`${this.name}() got an unexpected keyword argument '${k}'`);
      if (out[k] !== undefined) throw typeError(`${this.name}() got multiple values for argument '${k}'`);
      out[k] = v;
    }
    for (const p of this.params) {
      if (p.required && out[p.name] === undefined) {
        throw typeError(`${this.name}() missing 1 required positional argument: '${p.name}'`);
      }
    }
    return out;
  }
}

const signatures = new Map<string, Signature>();

/** Binds with a cached {@link Signature} for `name` / `spec`. */
export function bind(
  name: string,
  spec: string,
  args: readonly TArg[],
  kwargs: ReadonlyMap<string, TArg>,
): Record<string, TArg | undefined> {
  const key = `${name}(${spec})`;
  let sig = signatures.get(key);
  if (!sig) {
    sig = new Signature(name, spec);
    signatures.set(key, sig);
  }
  return sig.bind(args, kwargs);
}

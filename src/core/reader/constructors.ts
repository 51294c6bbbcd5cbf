/**
 * The tensor constructors and tensor methods the reader evaluates: `torch.tensor`, the legacy typed constructors,
 * `np.array`, printed `tensor(...)`/`array(...)`, `torch.Size`, `float('inf')`, casts (`.float()`, `.to(...)`,
 * `.astype(...)`), device moves, and reshaping. Each follows PyTorch 1.13 / NumPy 1.24 (checked with the oracle).
 */
import type { SourceRange } from '../diagnostics';
import type { Call, Expr, Keyword } from '../python/ast';
import { allocate, isFloating, numel, type DType, type Tensor } from '../tensor';
import {
  CAST_METHODS,
  castTensor,
  LEGACY_TENSOR_TYPES,
  NUMPY_DTYPE_STRINGS,
  NUMPY_DTYPES,
  PYTHON_TYPE_DTYPES,
  roundToFloatType,
  TORCH_DTYPES,
  torchDtypeName,
} from './dtype';
import { readerError, ReaderErrorCode } from './errors';
import { truncatedError, unsupported, type DTypeValue, type Evaluator, type TensorValue, type Value } from './evaluate';
import { pyBool, pyFloat, pyInt, truthy } from './values';

/** Keyword arguments accepted and ignored because they do not change values (memory placement, copies...). */
const IGNORED_KEYWORDS = new Set([
  'pin_memory',
  'non_blocking',
  'copy',
  'memory_format',
  'order',
  'subok',
  'like',
  'names',
  'layout',
]);

/** Largest tensor `zeros`/`arange`... may generate (a guard against typos such as `torch.zeros(10**12)`). */
const MAX_GENERATED = 10_000_000;

// prettier-ignore
const RANDOM_FUNCTIONS = new Set([
  'rand', 'randn', 'randint', 'rand_like', 'randn_like', 'randint_like', 'normal', 'randperm', 'bernoulli', 'multinomial',
  'empty', 'empty_like',
]);

interface BoundArgs {
  readonly positional: readonly Expr[];
  readonly keywords: ReadonlyMap<string, Keyword>;
}

/** Splits a call's arguments, rejecting `*args`/`**kw` and unknown keywords with Python's wording. */
function bind(call: Call, fn: string, allowedKeywords: readonly string[], maxPositional = Infinity): BoundArgs {
  for (const a of call.args) {
    if (a.kind === 'Starred') throw unsupported(a.range, 'Unpacking with *', 'Write the arguments out.');
  }
  if (call.args.length > maxPositional) {
    const extra = call.args[maxPositional]!;
    throw unsupported(
      extra.range,
      `${fn}() with ${call.args.length} positional arguments`,
      `Pass at most ${maxPositional}; give the rest by keyword (dtype=...).`,
      `${fn}() takes ${maxPositional} positional argument${maxPositional === 1 ? '' : 's'} but ${call.args.length} were given`,
    );
  }
  const keywords = new Map<string, Keyword>();
  for (const k of call.keywords) {
    if (k.name === undefined) throw unsupported(k.range, 'Unpacking with **', 'Write the keyword arguments out.');
    if (IGNORED_KEYWORDS.has(k.name)) continue;
    if (!allowedKeywords.includes(k.name)) {
      throw unsupported(
        k.range,
        `The keyword argument '${k.name}'`,
        `Remove ${k.name}=...; ${fn}() accepts ${allowedKeywords.join(', ') || 'no keywords'}.`,
        `${fn}() got an unexpected keyword argument '${k.name}'`,
      );
    }
    keywords.set(k.name, k);
  }
  return { positional: call.args, keywords };
}

/** The argument given by position `index` or by keyword `name`. */
function arg(bound: BoundArgs, index: number, name: string): Expr | undefined {
  return bound.positional[index] ?? bound.keywords.get(name)?.value;
}

function dtypeError(range: SourceRange, message: string, explanation: string, hint: string, name: string): Error {
  return readerError(range, { code: ReaderErrorCode.dtype, message, explanation, hint, data: { dtype: name } });
}

/**
 * Resolves a `dtype=` argument for a library. PyTorch accepts torch dtypes and the Python types float/int/bool;
 * NumPy accepts NumPy types, Python types and dtype strings, and the bare names its repr prints (`dtype=float32`).
 */
export function resolveDType(ev: Evaluator, expr: Expr, lib: 'torch' | 'numpy'): DType {
  let v: Value;
  if (expr.kind === 'Name' && lib === 'numpy' && expr.id in NUMPY_DTYPE_STRINGS && !(expr.id in PYTHON_TYPE_DTYPES)) {
    v = { type: 'dtype', dtype: NUMPY_DTYPE_STRINGS[expr.id] ?? null, lib: 'numpy', name: expr.id, range: expr.range };
  } else {
    const canonical = ev.canonicalName(expr);
    if (canonical !== undefined && /^(torch|numpy)\.[^.]+$/.test(canonical)) {
      const [module, member] = canonical.split('.') as [string, string];
      const table = module === 'torch' ? TORCH_DTYPES : NUMPY_DTYPES;
      if (!(member in table) && !(module === 'torch' && member in LEGACY_TENSOR_TYPES)) {
        throw dtypeError(
          expr.range,
          `module '${module}' has no attribute '${member}'`,
          `${canonical} is not a dtype.`,
          module === 'torch'
            ? 'Use a torch dtype such as torch.float32 or torch.long.'
            : 'Use a NumPy dtype such as np.float32.',
          canonical,
        );
      }
    }
    v = ev.evaluate(expr);
  }
  return dtypeOf(v, lib, expr.range);
}

function dtypeOf(v: Value, lib: 'torch' | 'numpy', range: SourceRange): DType {
  let d: DTypeValue | undefined;
  if (v.type === 'dtype') d = v;
  else if (v.type === 'function' && v.name.startsWith('builtins.')) {
    const name = v.name.slice('builtins.'.length);
    d = { type: 'dtype', dtype: PYTHON_TYPE_DTYPES[name] ?? null, lib: 'python', name, range };
  } else if (v.type === 'string' && lib === 'numpy') {
    const key = v.value.replace(/^[<>=|]/, '');
    if (!Object.hasOwn(NUMPY_DTYPE_STRINGS, key)) {
      throw dtypeError(
        range,
        `data type '${v.value}' not understood`,
        `'${v.value}' is not a NumPy dtype name.`,
        "Use a dtype such as 'float32' or np.int64.",
        v.value,
      );
    }
    d = { type: 'dtype', dtype: NUMPY_DTYPE_STRINGS[key] ?? null, lib: 'string', name: v.value, range };
  }
  if (!d) {
    const got = v.type === 'string' ? 'str' : v.type === 'scalar' ? v.kind : v.type;
    throw dtypeError(
      range,
      lib === 'torch' ? `argument 'dtype' must be torch.dtype, not ${got}` : `Cannot interpret '${got}' as a data type`,
      'This is not a dtype.',
      lib === 'torch' ? 'Use a torch dtype such as torch.float32.' : 'Use a NumPy dtype such as np.float32.',
      got,
    );
  }
  if (lib === 'torch' && (d.lib === 'numpy' || d.lib === 'string')) {
    throw dtypeError(
      range,
      `tensor(): argument 'dtype' must be torch.dtype, not ${d.lib === 'string' ? 'str' : 'type'}`,
      `${d.name} is a NumPy dtype; PyTorch constructors take torch dtypes.`,
      d.dtype ? `Use ${torchDtypeName(d.dtype)}.` : 'Use a torch dtype such as torch.float32.',
      d.name,
    );
  }
  if (lib === 'numpy' && d.lib === 'torch') {
    throw dtypeError(
      range,
      `Cannot interpret '${d.name}' as a data type`,
      `${d.name} is a PyTorch dtype; NumPy takes its own dtypes.`,
      d.dtype ? `Use np.${d.dtype}.` : 'Use a NumPy dtype such as np.float32.',
      d.name,
    );
  }
  if (d.dtype === null) {
    throw dtypeError(
      range,
      `unsupported dtype ${d.name}`,
      `Loss Lens computes with real-valued float, integer and bool tensors; ${d.name} is not one of them.`,
      'Use a float, integer or bool dtype.',
      d.name,
    );
  }
  return d.dtype;
}

function boolArg(ev: Evaluator, expr: Expr): boolean {
  const v = ev.evaluate(expr);
  if (v.type !== 'scalar') throw unsupported(expr.range, 'This value', 'Write True or False.');
  return truthy(v);
}

/** A device argument: a string, a `torch.device(...)`, or a variable (e.g. `device`), which does not change values. */
function deviceArg(ev: Evaluator, expr: Expr): string | undefined {
  if (expr.kind === 'Name' && ev.canonicalName(expr) === undefined && expr.id !== 'nan' && expr.id !== 'inf')
    return undefined;
  const v = ev.evaluate(expr);
  if (v.type === 'string') return v.value;
  if (v.type === 'device') return v.name;
  if (v.type === 'none') return undefined;
  if (v.type === 'scalar' && v.kind === 'int') return `cuda:${v.value}`;
  throw unsupported(expr.range, 'This device', "Write a device such as 'cuda:0'.");
}

function requiresGradCheck(t: Tensor, range: SourceRange): void {
  if (!isFloating(t.dtype)) {
    throw readerError(range, {
      code: ReaderErrorCode.requiresGrad,
      message: 'Only Tensors of floating point and complex dtype can require gradients',
      explanation: `The tensor is ${t.dtype}; gradients exist only for floating-point tensors.`,
      hint: 'Use a float dtype (torch.float32) or drop requires_grad.',
      data: { dtype: t.dtype },
    });
  }
}

function intList(ev: Evaluator, exprs: readonly Expr[], what: string): number[] {
  // Either f(2, 3) or f((2, 3)) / f([2, 3]) / f(torch.Size([2, 3])).
  const values = exprs.map((e) => ev.evaluate(e));
  const single = values.length === 1 ? values[0]! : undefined;
  const items: Value[] =
    single?.type === 'seq'
      ? [...single.items]
      : single?.type === 'tensor' && single.kind === 'size'
        ? Array.from(
            single.tensor.data,
            (d) => ({ type: 'scalar', kind: 'int', value: d, range: single.range }) as Value,
          )
        : values;
  return items.map((v) => {
    if (v.type !== 'scalar' || v.kind === 'float') {
      throw unsupported(v.range, `This ${what}`, `Write the ${what} as whole numbers.`, `${what} must be integers`);
    }
    return v.value;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------------------------

/** Calls a known function by canonical name (`torch.tensor`, `numpy.array`, `repr.tensor`, `builtins.float`...). */
export function callFunction(ev: Evaluator, name: string, call: Call): Value {
  const [module, ...rest] = name.split('.');
  const member = rest.join('.');
  switch (name) {
    case 'torch.tensor':
    case 'torch.as_tensor':
    case 'torch.asarray':
    case 'repr.tensor':
      return torchTensor(ev, call, name === 'repr.tensor');
    case 'torch.Tensor':
      return legacyTensor(ev, call, 'float32', 'torch.Tensor');
    case 'torch.from_numpy':
      return fromNumpy(ev, call);
    case 'numpy.array':
    case 'numpy.asarray':
    case 'numpy.asanyarray':
    case 'numpy.ascontiguousarray':
    case 'repr.array':
      return numpyArray(ev, call, name === 'repr.array');
    case 'torch.Size':
      return torchSize(ev, call);
    case 'builtins.float':
    case 'builtins.int':
    case 'builtins.bool':
      return pythonCast(ev, call, member as 'float' | 'int' | 'bool');
    case 'torch.device': {
      const b = bind(call, 'device', ['type', 'index'], 2);
      const type = arg(b, 0, 'type');
      const v = type ? ev.evaluate(type) : undefined;
      const index = arg(b, 1, 'index');
      const suffix = index ? `:${(ev.evaluate(index) as { value?: number }).value ?? 0}` : '';
      return { type: 'device', name: `${v?.type === 'string' ? v.value : 'cpu'}${suffix}`, range: call.range };
    }
  }
  const legacy = /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(name);
  if (legacy && LEGACY_TENSOR_TYPES[legacy[1]!] !== undefined) {
    return legacyTensor(ev, call, LEGACY_TENSOR_TYPES[legacy[1]!]!, name);
  }
  if ((module === 'torch' || module === 'numpy') && ['zeros', 'ones', 'full', 'eye', 'arange'].includes(member)) {
    return filled(ev, call, module as 'torch' | 'numpy', member);
  }
  if (module === 'numpy' && member in NUMPY_DTYPES && call.args.length === 1) {
    // np.float32(1.5): a NumPy scalar, which keeps its dtype inside lists.
    const dtype = resolveDType(ev, call.func, 'numpy');
    const tensor = ev.literalTensor(ev.evaluate(call.args[0]!), 'numpy', dtype);
    return { type: 'tensor', tensor, lib: 'numpy', source: 'numpy', kind: 'tensor', range: call.range };
  }
  const base = member.split('.').pop() ?? member;
  if ((module === 'torch' || module === 'numpy') && (RANDOM_FUNCTIONS.has(base) || member.startsWith('random.'))) {
    throw unsupported(
      call.range,
      `${name}()`,
      'Random (or uninitialized) tensors have no fixed values: print the tensor after torch.manual_seed(...) and paste the output, or write the values.',
      `${name}() makes values that are not in the text`,
    );
  }
  throw unsupported(call.func.range, `${name.replace(/^(repr|builtins)\./, '')}()`);
}

/** `torch.tensor(data, dtype=, device=, requires_grad=)` and the printed `tensor(...)` (which adds `grad_fn=`, `size=`). */
function torchTensor(ev: Evaluator, call: Call, printed: boolean): TensorValue {
  const allowed = ['data', 'dtype', 'device', 'requires_grad', ...(printed ? ['grad_fn', 'size'] : [])];
  const b = bind(call, 'tensor', allowed, 1);
  const dataExpr = arg(b, 0, 'data');
  if (!dataExpr) {
    throw unsupported(
      call.range,
      'tensor() without data',
      'Pass the values: torch.tensor([...]).',
      'tensor() missing 1 required positional arguments: "data"',
    );
  }
  const dtypeExpr = b.keywords.get('dtype')?.value;
  const dtype = dtypeExpr ? resolveDType(ev, dtypeExpr, 'torch') : undefined;
  const data = ev.evaluate(dataExpr);
  let tensor: Tensor;
  if (data.type === 'tensor') {
    // torch.tensor(ndarray) keeps the array's dtype; with dtype= it is a plain cast.
    tensor = dtype ? castTensor(data.tensor, dtype) : data.tensor;
  } else {
    tensor = ev.literalTensor(data, 'torch', dtype);
  }
  const sizeExpr = b.keywords.get('size')?.value;
  if (sizeExpr && numel(tensor.shape) === 0) tensor = { ...tensor, shape: intList(ev, [sizeExpr], 'size') };
  let requiresGrad: boolean | undefined;
  const rg = b.keywords.get('requires_grad');
  if (rg && boolArg(ev, rg.value)) {
    requiresGradCheck(tensor, rg.range);
    requiresGrad = true;
  }
  let gradFn: string | undefined;
  const gf = b.keywords.get('grad_fn')?.value;
  if (gf) {
    const v = ev.evaluate(gf);
    gradFn = v.type === 'repr' ? v.text : undefined;
    requiresGrad = true;
  }
  const deviceExpr = b.keywords.get('device')?.value;
  const device = deviceExpr ? deviceArg(ev, deviceExpr) : undefined;
  return {
    type: 'tensor',
    tensor,
    lib: 'torch',
    source: printed ? 'repr' : 'torch',
    kind: 'tensor',
    requiresGrad,
    gradFn,
    device,
    range: call.range,
  };
}

/** `torch.Tensor(...)`, `torch.LongTensor(...)`...: data (fixed dtype), or sizes (uninitialized memory). */
function legacyTensor(ev: Evaluator, call: Call, dtype: DType, name: string): TensorValue {
  const b = bind(call, name.replace(/^torch\./, ''), ['device']);
  const result = (tensor: Tensor): TensorValue => ({
    type: 'tensor',
    tensor,
    lib: 'torch',
    source: 'torch',
    kind: 'tensor',
    range: call.range,
  });
  if (b.positional.length === 0) return result({ dtype, shape: [0], data: allocate(dtype, 0) });
  const values = b.positional.map((e) => ev.evaluate(e));
  const first = values[0]!;
  const isSizes =
    values.every((v) => v.type === 'scalar' && v.kind === 'int') ||
    (values.length === 1 && first.type === 'tensor' && first.kind === 'size');
  if (isSizes) {
    const sizes =
      first.type === 'tensor' ? Array.from(first.tensor.data) : values.map((v) => (v as { value: number }).value);
    throw readerError(call.range, {
      code: ReaderErrorCode.uninitialized,
      message: `${name}(${sizes.join(', ')}) makes an uninitialized tensor of shape [${sizes.join(', ')}]`,
      explanation: `With whole-number arguments, ${name} takes sizes, not values, and the memory holds whatever was there before.`,
      hint: `To make a tensor holding these numbers write ${name}([${sizes.join(', ')}]) or torch.tensor([${sizes.join(', ')}]); for zeros use torch.zeros(${sizes.join(', ')}).`,
      data: { shape: `[${sizes.join(', ')}]`, constructor: name },
    });
  }
  if (values.length > 1 || first.type === 'scalar') {
    const got = first.type === 'scalar' ? first.kind : first.type;
    throw unsupported(
      first.range,
      `${name}() with a ${got}`,
      `Pass a list of values: ${name}([...]).`,
      `new(): data must be a sequence (got ${got})`,
    );
  }
  if (first.type === 'tensor') return result(castTensor(first.tensor, dtype));
  return result(ev.literalTensor(first, 'torch', dtype));
}

function fromNumpy(ev: Evaluator, call: Call): TensorValue {
  const b = bind(call, 'from_numpy', [], 1);
  const a = b.positional[0];
  if (!a)
    throw unsupported(call.range, 'from_numpy() without an array', 'Pass an array: torch.from_numpy(np.array([...])).');
  const v = ev.evaluate(a);
  if (v.type !== 'tensor' || v.lib !== 'numpy') {
    const got = v.type === 'seq' ? 'list' : v.type;
    throw unsupported(
      a.range,
      `from_numpy() of a ${got}`,
      'Wrap the values in np.array(...), or use torch.tensor(...).',
      `expected np.ndarray (got ${got})`,
    );
  }
  return { ...v, lib: 'torch', source: 'torch', range: call.range };
}

/** `np.array(object, dtype=None, ..., ndmin=0)` and the printed `array(...)` (which adds `shape=` for empty arrays). */
function numpyArray(ev: Evaluator, call: Call, printed: boolean): TensorValue {
  const b = bind(call, 'array', ['object', 'dtype', 'ndmin', ...(printed ? ['shape'] : [])], 2);
  const objectExpr = arg(b, 0, 'object');
  if (!objectExpr) throw unsupported(call.range, 'array() without data', 'Pass the values: np.array([...]).');
  const dtypeExpr = arg(b, 1, 'dtype');
  const dtype = dtypeExpr ? resolveDType(ev, dtypeExpr, 'numpy') : undefined;
  const data = ev.evaluate(objectExpr);
  let tensor =
    data.type === 'tensor'
      ? dtype
        ? castTensor(data.tensor, dtype)
        : data.tensor
      : ev.literalTensor(data, 'numpy', dtype);
  const shapeExpr = b.keywords.get('shape')?.value;
  if (shapeExpr && numel(tensor.shape) === 0) tensor = { ...tensor, shape: intList(ev, [shapeExpr], 'shape') };
  const ndminExpr = b.keywords.get('ndmin')?.value;
  if (ndminExpr) {
    const [ndmin = 0] = intList(ev, [ndminExpr], 'ndmin');
    const missing = Math.max(0, ndmin - tensor.shape.length);
    if (missing > 0) tensor = { ...tensor, shape: [...new Array<number>(missing).fill(1), ...tensor.shape] };
  }
  return {
    type: 'tensor',
    tensor,
    lib: 'numpy',
    source: printed ? 'repr' : 'numpy',
    kind: 'tensor',
    range: call.range,
  };
}

/** `torch.Size([2, 5])` → an int64 1-d tensor of the sizes, marked as a size. */
function torchSize(ev: Evaluator, call: Call): TensorValue {
  const b = bind(call, 'Size', [], 1);
  const sizes = b.positional.length === 0 ? [] : intList(ev, b.positional, 'size');
  const tensor: Tensor = { dtype: 'int64', shape: [sizes.length], data: Float64Array.from(sizes) };
  return { type: 'tensor', tensor, lib: 'torch', source: 'size', kind: 'size', range: call.range };
}

/** `float('inf')`, `float(3)`, `int(3.9)`, `bool(2)`. */
function pythonCast(ev: Evaluator, call: Call, to: 'float' | 'int' | 'bool'): Value {
  const b = bind(call, to, [], 1);
  const a = b.positional[0];
  if (!a)
    return {
      type: 'scalar',
      ...(to === 'float' ? pyFloat(0) : to === 'int' ? pyInt(0) : pyBool(false)),
      range: call.range,
    };
  const v = ev.evaluate(a);
  const range = call.range;
  if (v.type === 'string') {
    const parsed = parseNumberString(v.value, to);
    if (parsed === undefined) {
      throw unsupported(
        a.range,
        `The string '${v.value}'`,
        to === 'float' ? "Write a number, or 'inf'/'nan'." : 'Write a whole number.',
        to === 'float'
          ? `could not convert string to float: '${v.value}'`
          : `invalid literal for int() with base 10: '${v.value}'`,
      );
    }
    return { type: 'scalar', ...parsed, range };
  }
  if (v.type !== 'scalar') throw ev.notANumber(v, a.range);
  if (to === 'bool') return { type: 'scalar', ...pyBool(truthy(v)), range };
  if (to === 'float') return { type: 'scalar', ...pyFloat(v.big !== undefined ? Number(v.big) : v.value), range };
  if (v.kind !== 'float') return { type: 'scalar', ...pyInt(v.big ?? v.value), range };
  if (Number.isNaN(v.value)) {
    throw readerError(range, {
      code: ReaderErrorCode.overflow,
      message: 'cannot convert float NaN to integer',
      explanation: 'NaN has no integer value.',
      hint: 'Use a number.',
    });
  }
  if (!Number.isFinite(v.value)) {
    throw readerError(range, {
      code: ReaderErrorCode.overflow,
      message: 'cannot convert float infinity to integer',
      explanation: 'Infinity has no integer value.',
      hint: 'Use a number.',
    });
  }
  const t = Math.trunc(v.value);
  return { type: 'scalar', ...(Number.isSafeInteger(t) ? pyInt(t) : pyInt(BigInt(t))), range };
}

/** Python's float()/int() string syntax (surrounding spaces, underscores between digits, inf/nan words). */
function parseNumberString(text: string, to: 'float' | 'int' | 'bool'): ReturnType<typeof pyFloat> | undefined {
  const s = text.trim();
  if (to === 'bool') return pyBool(text.length > 0);
  if (to === 'int') {
    if (!/^[+-]?\d+(_\d+)*$/.test(s)) return undefined;
    return pyInt(BigInt(s.replace(/_/g, '')));
  }
  const word = s.toLowerCase().replace(/^[+-]/, '');
  const negative = s.startsWith('-');
  if (word === 'inf' || word === 'infinity') return pyFloat(negative ? -Infinity : Infinity);
  if (word === 'nan') return pyFloat(NaN);
  if (!/^[+-]?((\d+(_\d+)*)?\.?\d+(_\d+)*|\d+(_\d+)*\.)([eE][+-]?\d+(_\d+)*)?$/.test(s)) return undefined;
  return pyFloat(Number(s.replace(/_/g, '')));
}

/**
 * `zeros`, `ones`, `full`, `eye`, `arange` for torch and NumPy. Their default dtypes differ: torch gives float32 for
 * floats, NumPy float64; `full` and `arange` follow the fill value / bounds (int → int64).
 */
function filled(ev: Evaluator, call: Call, lib: 'torch' | 'numpy', fn: string): TensorValue {
  const b = bind(call, fn, [
    'dtype',
    'device',
    'requires_grad',
    'fill_value',
    'size',
    'shape',
    'N',
    'M',
    'n',
    'm',
    'end',
    'step',
    'start',
    'stop',
  ]);
  const pythonFloat: DType = lib === 'torch' ? 'float32' : 'float64';
  // NumPy takes the dtype by position after the shape (after the fill value for `full`, after N, M, k for `eye`).
  const numpyDtypeIndex =
    lib === 'numpy' ? ({ zeros: 1, ones: 1, full: 2, eye: 3 } as Record<string, number>)[fn] : undefined;
  const dtypeExpr =
    b.keywords.get('dtype')?.value ?? (numpyDtypeIndex !== undefined ? b.positional[numpyDtypeIndex] : undefined);
  const explicit = dtypeExpr ? resolveDType(ev, dtypeExpr, lib) : undefined;
  let shape: number[];
  let valueAt: (i: number) => number;
  let inferred: DType;
  if (fn === 'arange') {
    const bounds = b.positional.map((e) => ev.evaluate(e));
    const scalars = bounds.map((v) => {
      if (v.type !== 'scalar') throw ev.notANumber(v, v.range);
      return v;
    });
    const [start, end, step] =
      scalars.length === 1
        ? [0, scalars[0]!.value, 1]
        : [scalars[0]?.value ?? 0, scalars[1]?.value ?? 0, scalars[2]?.value ?? 1];
    if (scalars.length === 0 || step === 0 || !Number.isFinite(start) || !Number.isFinite(end)) {
      throw unsupported(call.range, 'This arange', 'Give a finite end (and a non-zero step).');
    }
    const length = Math.max(0, Math.ceil((end - start) / step));
    shape = [length];
    valueAt = (i) => start + i * step;
    inferred = scalars.some((s) => s.kind === 'float') ? pythonFloat : 'int64';
  } else if (fn === 'eye') {
    const n = intList(ev, b.positional.slice(0, 1), 'size')[0] ?? 0;
    const mExpr = b.positional[1];
    const m = mExpr ? (intList(ev, [mExpr], 'size')[0] ?? n) : n;
    shape = [n, m];
    valueAt = (i) => (m > 0 && Math.floor(i / m) === i % m ? 1 : 0);
    inferred = pythonFloat;
  } else {
    const sizeExprs = lib === 'numpy' || fn === 'full' ? b.positional.slice(0, 1) : b.positional;
    const fromKeyword = b.keywords.get('size')?.value ?? b.keywords.get('shape')?.value;
    const shapeSource = sizeExprs.length > 0 ? sizeExprs : fromKeyword ? [fromKeyword] : [];
    if (shapeSource.length === 0)
      throw unsupported(call.range, `${fn}() without a shape`, `Pass the shape: ${lib}.${fn}((2, 3)).`);
    shape = intList(ev, shapeSource, 'size');
    if (fn === 'full') {
      const fillExpr = arg(b, 1, 'fill_value');
      const fill = fillExpr ? ev.evaluate(fillExpr) : undefined;
      if (!fill || fill.type !== 'scalar') {
        throw unsupported(
          call.range,
          'full() without a numeric fill value',
          `Pass the value: ${lib}.full((2, 3), 1.5).`,
        );
      }
      valueAt = () => fill.value;
      inferred = fill.kind === 'float' ? pythonFloat : fill.kind === 'int' ? 'int64' : 'bool';
    } else {
      const one = fn === 'ones' ? 1 : 0;
      valueAt = () => one;
      inferred = pythonFloat;
    }
  }
  const total = numel(shape);
  if (shape.some((d) => d < 0) || total > MAX_GENERATED) {
    throw unsupported(call.range, `A ${fn}() of shape [${shape.join(', ')}]`, 'Use a smaller, non-negative shape.');
  }
  const dtype = explicit ?? inferred;
  const data = allocate(dtype, total);
  for (let i = 0; i < total; i++) {
    const v = valueAt(i);
    data[i] = isFloating(dtype)
      ? roundToFloatType(v, dtype as 'float32')
      : dtype === 'bool'
        ? v !== 0
          ? 1
          : 0
        : Math.trunc(v);
  }
  const tensor: Tensor = { dtype, shape, data };
  let requiresGrad: boolean | undefined;
  const rg = b.keywords.get('requires_grad');
  if (rg && boolArg(ev, rg.value)) {
    requiresGradCheck(tensor, rg.range);
    requiresGrad = true;
  }
  return { type: 'tensor', tensor, lib, source: lib, kind: 'tensor', requiresGrad, range: call.range };
}

// ---------------------------------------------------------------------------------------------------------------
// Methods and attributes
// ---------------------------------------------------------------------------------------------------------------

/** `tensor.T`, `.data`, `.shape`. */
export function tensorAttribute(receiver: TensorValue, attr: string, range: SourceRange): Value {
  switch (attr) {
    case 'data':
      return { ...receiver, range };
    case 'T':
      return {
        ...receiver,
        tensor: permute(
          receiver.tensor,
          receiver.tensor.shape.map((_, i, a) => a.length - 1 - i),
        ),
        range,
      };
    case 'shape': {
      const s = receiver.tensor.shape;
      return {
        type: 'tensor',
        tensor: { dtype: 'int64', shape: [s.length], data: Float64Array.from(s) },
        lib: 'torch',
        source: 'size',
        kind: 'size',
        range,
      };
    }
  }
  throw unsupported(range, `The attribute '${attr}'`);
}

/** Calls a method on a value (only tensors have methods the reader evaluates). */
export function callMethod(ev: Evaluator, receiver: Value, method: string, call: Call): Value {
  if (receiver.type !== 'tensor') {
    if (receiver.type === 'ellipsis') throw truncatedError(receiver.range, 'torch');
    throw unsupported(call.func.kind === 'Attribute' ? call.func.attrRange : call.func.range, `The method '${method}'`);
  }
  const range = call.range;
  const keep = (tensor: Tensor, extra: Partial<TensorValue> = {}): TensorValue => ({
    ...receiver,
    ...extra,
    tensor,
    range,
  });
  const castTo = CAST_METHODS[method];
  if (castTo !== undefined) {
    bind(call, method, [], 0);
    return keep(castTensor(receiver.tensor, castTo));
  }
  switch (method) {
    case 'to':
      return keep(...toArguments(ev, receiver, call));
    case 'type': {
      const b = bind(call, 'type', ['dtype'], 1);
      const target = arg(b, 0, 'dtype');
      if (!target) throw unsupported(range, '.type() without a type', 'Pass the type: .type(torch.float32).');
      return keep(castTensor(receiver.tensor, typeArgument(ev, target)));
    }
    case 'astype': {
      const b = bind(call, 'astype', ['dtype'], 1);
      const target = arg(b, 0, 'dtype');
      if (!target) throw unsupported(range, '.astype() without a dtype', 'Pass the dtype: .astype(np.float32).');
      return keep(castTensor(receiver.tensor, resolveDType(ev, target, 'numpy')));
    }
    case 'cuda': {
      const b = bind(call, 'cuda', ['device'], 1);
      const d = arg(b, 0, 'device');
      return keep(receiver.tensor, { device: d ? (deviceArg(ev, d) ?? 'cuda') : 'cuda' });
    }
    case 'cpu':
      bind(call, 'cpu', [], 0);
      return keep(receiver.tensor, { device: 'cpu' });
    case 'detach':
    case 'detach_':
      bind(call, method, [], 0);
      return keep(receiver.tensor, { requiresGrad: undefined, gradFn: undefined });
    case 'clone':
    case 'contiguous':
      bind(call, method, [], 0);
      return keep(receiver.tensor);
    case 'requires_grad_': {
      const b = bind(call, method, ['requires_grad'], 1);
      const flag = arg(b, 0, 'requires_grad');
      const on = flag ? boolArg(ev, flag) : true;
      if (on) requiresGradCheck(receiver.tensor, range);
      return keep(receiver.tensor, { requiresGrad: on || undefined });
    }
    case 'numpy':
      bind(call, method, ['force'], 0);
      return keep(receiver.tensor, { lib: 'numpy' });
    case 'reshape':
    case 'view':
      return keep(reshape(receiver.tensor, intList(ev, call.args, 'shape'), call));
    case 'flatten':
      bind(call, method, [], 0);
      return keep({ ...receiver.tensor, shape: [numel(receiver.tensor.shape)] });
    case 'unsqueeze': {
      const [dim = 0] = intList(ev, bind(call, method, [], 1).positional, 'dim');
      const shape = [...receiver.tensor.shape];
      const at = dim < 0 ? dim + shape.length + 1 : dim;
      if (at < 0 || at > shape.length)
        throw shapeError(
          range,
          `Dimension out of range (expected to be in range of [${-shape.length - 1}, ${shape.length}], but got ${dim})`,
        );
      shape.splice(at, 0, 1);
      return keep({ ...receiver.tensor, shape });
    }
    case 'squeeze': {
      const dims = intList(ev, bind(call, method, [], 1).positional, 'dim');
      const shape = receiver.tensor.shape;
      const drop = dims.length === 0 ? shape.map((_, i) => i) : dims.map((d) => (d < 0 ? d + shape.length : d));
      return keep({ ...receiver.tensor, shape: shape.filter((s, i) => !(s === 1 && drop.includes(i))) });
    }
    case 't':
      bind(call, method, [], 0);
      if (receiver.tensor.shape.length > 2)
        throw shapeError(
          range,
          `t() expects a tensor with <= 2 dimensions, but self is ${receiver.tensor.shape.length}D`,
        );
      return keep(
        permute(
          receiver.tensor,
          receiver.tensor.shape.length === 2 ? [1, 0] : [0].slice(0, receiver.tensor.shape.length),
        ),
      );
  }
  const methodRange = call.func.kind === 'Attribute' ? call.func.attrRange : call.func.range;
  throw unsupported(
    methodRange,
    `The method '.${method}()'`,
    'Remove the method call, or print the result and paste the output.',
  );
}

/** `.to(...)`: positional dtype/device/other tensor and `dtype=`/`device=` keywords, in any order. */
function toArguments(ev: Evaluator, receiver: TensorValue, call: Call): [Tensor, Partial<TensorValue>] {
  const b = bind(call, 'to', ['dtype', 'device']);
  let tensor = receiver.tensor;
  let device = receiver.device;
  const dtypeExpr = b.keywords.get('dtype')?.value;
  if (dtypeExpr) tensor = castTensor(tensor, resolveDType(ev, dtypeExpr, 'torch'));
  const deviceExpr = b.keywords.get('device')?.value;
  if (deviceExpr) device = deviceArg(ev, deviceExpr) ?? device;
  for (const a of b.positional) {
    // A variable such as `device` cannot be read but does not change the values: skip it.
    if (a.kind === 'Name' && ev.canonicalName(a) === undefined) continue;
    if (
      a.kind === 'Attribute' &&
      ev.canonicalName(a) === undefined &&
      a.value.kind === 'Name' &&
      ev.canonicalName(a.value) === undefined
    )
      continue;
    const v = ev.evaluate(a);
    if (v.type === 'dtype') tensor = castTensor(tensor, resolveDType(ev, a, 'torch'));
    else if (v.type === 'string') device = v.value;
    else if (v.type === 'device') device = v.name;
    else if (v.type === 'tensor') tensor = castTensor(tensor, v.tensor.dtype);
    else throw unsupported(a.range, 'This argument of .to()', 'Pass a dtype (torch.float32) or a device.');
  }
  return [tensor, { device }];
}

/** `.type(torch.float32)`, `.type(torch.LongTensor)`, `.type('torch.LongTensor')`. */
function typeArgument(ev: Evaluator, target: Expr): DType {
  const v = ev.evaluate(target);
  const legacyName = v.type === 'function' ? v.name : v.type === 'string' ? v.value : undefined;
  const legacy = legacyName ? /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(legacyName) : null;
  if (legacy && LEGACY_TENSOR_TYPES[legacy[1]!] !== undefined) return LEGACY_TENSOR_TYPES[legacy[1]!]!;
  return resolveDType(ev, target, 'torch');
}

function shapeError(range: SourceRange, message: string): Error {
  return readerError(range, {
    code: ReaderErrorCode.unsupported,
    message,
    explanation: 'The reshape does not fit the number of values.',
    hint: 'Check the sizes against the number of values.',
  });
}

function reshape(t: Tensor, sizes: number[], call: Call): Tensor {
  const total = numel(t.shape);
  const inferred = sizes.indexOf(-1);
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  const shape = [...sizes];
  if (inferred >= 0 && known !== 0 && total % known === 0) shape[inferred] = total / known;
  if (numel(shape) !== total || shape.some((s) => s < 0)) {
    throw shapeError(call.range, `shape '[${sizes.join(', ')}]' is invalid for input of size ${total}`);
  }
  return { ...t, shape };
}

/** A permuted copy (C-contiguous again). */
function permute(t: Tensor, order: readonly number[]): Tensor {
  const shape = order.map((d) => t.shape[d]!);
  const total = numel(shape);
  const srcStrides: number[] = [];
  let s = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    srcStrides[d] = s;
    s *= t.shape[d]!;
  }
  const data = allocate(t.dtype, total);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d]! * srcStrides[order[d]!]!;
    data[k] = t.data[src]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { dtype: t.dtype, shape, data };
}

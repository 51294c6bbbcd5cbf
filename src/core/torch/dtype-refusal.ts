/**
 * A dtype PyTorch refuses: `dtype='float32'` (NumPy's spelling) or `dtype=np.float32` given to a torch function or
 * tensor method. NumPy takes both; PyTorch raises a TypeError whose wording depends on the function and the release:
 * either `f(): argument 'dtype' must be torch.dtype, not str`, or, for a function with several signatures,
 * `f() received an invalid combination of arguments - got (int, dtype=str), but expected one of:` followed by those
 * signatures. Loss Lens gives that first line: the signatures after it are PyTorch's help text for the function, not
 * part of what went wrong. The table comes from both oracles (`scripts/fixtures/probe_dtype_refusals.py`); the program
 * fixture `test/fixtures/programs/dtype_arguments.py` checks the messages under both releases.
 */
import { pyTypeName, type TArg } from './args';
import { runtimeError, typeError, valueError, type TorchError } from './errors';
import { TorchTensor } from './tensor';

type Wording = 'argument' | 'combination';

/** The wording of the refusal, in torch 1.13 and in 2.x, by function (the tensor methods as `Tensor.name`). */
const WORDING: Readonly<Record<string, readonly [Wording, Wording]>> = {
  'torch.tensor': ['argument', 'argument'],
  'torch.as_tensor': ['argument', 'argument'],
  'torch.zeros_like': ['argument', 'argument'],
  'torch.ones_like': ['argument', 'argument'],
  'torch.full_like': ['argument', 'argument'],
  'torch.empty_like': ['argument', 'argument'],
  'torch.rand_like': ['argument', 'combination'],
  'torch.randn_like': ['argument', 'combination'],
  'torch.linspace': ['argument', 'combination'],
  'torch.zeros': ['combination', 'argument'],
  'torch.ones': ['combination', 'argument'],
  'torch.empty': ['combination', 'argument'],
  'torch.full': ['combination', 'argument'],
  'torch.softmax': ['combination', 'argument'],
  'torch.log_softmax': ['combination', 'argument'],
  'torch.nn.functional.softmax': ['combination', 'argument'],
  'torch.nn.functional.log_softmax': ['combination', 'argument'],
  'torch.cumsum': ['combination', 'argument'],
  'torch.rand': ['combination', 'combination'],
  'torch.randn': ['combination', 'combination'],
  'torch.randint': ['combination', 'combination'],
  'torch.arange': ['combination', 'combination'],
  'torch.eye': ['combination', 'combination'],
  'torch.sum': ['combination', 'combination'],
  'torch.mean': ['combination', 'combination'],
  'Tensor.to': ['combination', 'combination'],
  'Tensor.sum': ['combination', 'combination'],
  'Tensor.mean': ['combination', 'combination'],
  'Tensor.cumsum': ['combination', 'argument'],
  'Tensor.softmax': ['combination', 'argument'],
  'Tensor.log_softmax': ['combination', 'argument'],
  'Tensor.new_zeros': ['argument', 'argument'],
  'Tensor.new_ones': ['argument', 'argument'],
  'Tensor.new_full': ['argument', 'argument'],
  'Tensor.new_tensor': ['argument', 'argument'],
};

/** Strings that name a dtype, which `Tensor.to('float32')` takes for a device (and PyTorch then refuses as one). */
const DTYPE_NAMES = new Set([
  'float',
  'float16',
  'float32',
  'float64',
  'double',
  'half',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'long',
  'uint8',
  'bool',
]);

/** What a refused dtype is, for the message (`str`, or `type` for a NumPy scalar type); undefined if it is fine. */
function refused(a: TArg | undefined): string | undefined {
  if (typeof a === 'string') return 'str';
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && !(a instanceof TorchTensor)) {
    if (a.kind === 'dtype' && a.from?.kind === 'numpy') return 'type';
  }
  return undefined;
}

/**
 * PyTorch's error for a dtype it refuses in this call, or undefined. `fn` is the function's path (`torch.zeros`,
 * `torch.nn.functional.softmax`) or `Tensor.<method>`; `args` are the positional arguments (a method's without self).
 */
export function dtypeRefusal(
  fn: string,
  args: readonly TArg[],
  kwargs: ReadonlyMap<string, TArg>,
  torchVersion: '2.x' | '1.13',
): TorchError | undefined {
  const refusal = refusalOf(fn, args, kwargs, torchVersion);
  if (refusal) refusal.onArgumentTypes = true;
  return refusal;
}

function refusalOf(
  fn: string,
  args: readonly TArg[],
  kwargs: ReadonlyMap<string, TArg>,
  torchVersion: '2.x' | '1.13',
): TorchError | undefined {
  const name = fn.slice(fn.lastIndexOf('.') + 1);
  if (fn === 'Tensor.to' || fn === 'Tensor.type') {
    for (const a of args) {
      if (fn === 'Tensor.type') {
        // Tensor.type takes a torch dtype or a type name such as 'torch.FloatTensor', never Python's or NumPy's types.
        if (
          typeof a === 'object' &&
          a !== null &&
          !Array.isArray(a) &&
          !(a instanceof TorchTensor) &&
          a.kind === 'dtype' &&
          a.from
        )
          return valueError(`invalid type: '${a.from.name}'`);
      } else if (typeof a === 'string' && DTYPE_NAMES.has(a)) {
        return runtimeError(`Invalid device string: '${a}'`);
      } else if (refused(a) !== undefined) {
        return combination(name, args, kwargs);
      }
    }
  }
  const kind = refused(kwargs.get('dtype'));
  if (kind === undefined) return undefined;
  const wording = WORDING[fn]?.[torchVersion === '1.13' ? 0 : 1] ?? 'argument';
  // 2.x's sum and mean take an optional dim in one signature and none in another: given only the dtype, both could
  // match and PyTorch lists them; given a dim (or keepdim) too, one signature is left and PyTorch names the argument.
  const reduction = fn === 'torch.sum' || fn === 'torch.mean' || fn === 'Tensor.sum' || fn === 'Tensor.mean';
  const beyondDtype = args.length - (fn.startsWith('torch.') ? 1 : 0) + kwargs.size - 1 > 0;
  if (reduction && torchVersion !== '1.13' && beyondDtype)
    return typeError(`${name}(): argument 'dtype' must be torch.dtype, not ${kind}`);
  if (wording === 'argument') return typeError(`${name}(): argument 'dtype' must be torch.dtype, not ${kind}`);
  // F.softmax(x, dim, dtype=...) calls x.softmax(dim, dtype=dtype): 1.13 names that call's arguments.
  if (fn === 'torch.nn.functional.softmax' || fn === 'torch.nn.functional.log_softmax')
    return combination(name, [0n], new Map([['dtype', kwargs.get('dtype')!]]));
  return combination(name, args, kwargs);
}

/** `f() received an invalid combination of arguments - got (...), but expected one of:` (its first line). */
function combination(name: string, args: readonly TArg[], kwargs: ReadonlyMap<string, TArg>): TorchError {
  // PyTorch lists the keywords last to first (both releases, functions and methods alike).
  const parts = [...args.map(pyTypeName), ...[...kwargs].reverse().map(([k, v]) => `${k}=${pyTypeName(v)}`)];
  const got = `(${parts.join(', ')}${args.length === 0 && kwargs.size > 0 ? ', ' : ''})`;
  return typeError(`${name}() received an invalid combination of arguments - got ${got}, but expected one of:`);
}

/**
 * Result dtypes of elementwise operations: PyTorch's three-tier promotion (dimensioned tensors, 0-d tensors, Python
 * scalars) and NumPy's two regimes (NEP 50 in NumPy 2: Python scalars are weak; NumPy 1: value-based casting of
 * scalars against arrays).
 */
import { INT_LIMITS, numpyPromoteTypes, promoteTypes } from '../reader/dtype';
import { isFloating, isIntegral, type DType } from '../tensor';
import { NotModelled, TorchError } from './errors';
import { TorchTensor } from './tensor';

/** An elementwise operand: a tensor/ndarray or a Python float (number), int (bigint) or bool. */
export type Operand = TorchTensor | number | bigint | boolean;

/** 0 bool, 1 integer, 2 floating. */
export function categoryOf(dtype: DType): 0 | 1 | 2 {
  return dtype === 'bool' ? 0 : isFloating(dtype) ? 2 : 1;
}

/** The dtype a Python scalar stands for when it takes part as a full dtype: float → float64, int → int64. */
export function pyScalarDType(v: number | bigint | boolean): DType {
  return typeof v === 'number' ? 'float64' : typeof v === 'bigint' ? 'int64' : 'bool';
}

function promoteMaybe(a: DType | undefined, b: DType): DType {
  return a === undefined ? b : promoteTypes(a, b);
}

/**
 * `torch.result_type` over operands. NumPy scalars met in a torch operation count as Python scalars (they are
 * converted with `float()`/`int()` by PyTorch's argument parser).
 */
export function torchResultType(operands: readonly Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  for (const op of operands) {
    if (op instanceof TorchTensor && !op.npScalar) {
      if (op.shape.length > 0) dim = promoteMaybe(dim, op.dtype);
      else zero = promoteMaybe(zero, op.dtype);
    } else {
      const d = op instanceof TorchTensor ? op.dtype : pyScalarDType(op);
      // A wrapped Python float takes the default dtype (float32); a Python int int64; a bool bool.
      const w: DType = isFloating(d) ? 'float32' : isIntegral(d) ? 'int64' : 'bool';
      wrapped = promoteMaybe(wrapped, w);
    }
  }
  return combine(dim, combine(zero, wrapped)) ?? 'float32';
}

/** ATen's `combine_categories(higher, lower)`. */
function combine(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/** True when the operand is a NumPy "scalar" for value-based casting: a Python number, NumPy scalar or 0-d array. */
function isLegacyScalar(op: Operand): boolean {
  return !(op instanceof TorchTensor) || op.shape.length === 0;
}

/**
 * `np.result_type` for a ufunc's operands under NumPy `major` (2: NEP 50 weak Python scalars; 1: value-based
 * casting). Throws {@link NotModelled} when the result would be a dtype Loss Lens does not hold (uint16...).
 */
export function numpyResultType(operands: readonly Operand[], major: 1 | 2): DType {
  return major === 2 ? nep50(operands) : legacy(operands);
}

function nep50(operands: readonly Operand[]): DType {
  let strong: DType | undefined;
  let weak: 0 | 1 | 2 | undefined;
  for (const op of operands) {
    if (op instanceof TorchTensor) strong = strong === undefined ? op.dtype : numpyPromoteTypes(strong, op.dtype);
    else {
      const c = categoryOf(pyScalarDType(op));
      weak = weak === undefined ? c : (Math.max(weak, c) as 0 | 1 | 2);
    }
  }
  if (strong === undefined) return weak === 2 ? 'float64' : weak === 1 ? 'int64' : 'bool';
  if (isIntegral(strong)) {
    // A weak Python int must fit the array's integer dtype.
    for (const op of operands) {
      if (typeof op !== 'bigint') continue;
      const limits = INT_LIMITS[strong as keyof typeof INT_LIMITS];
      if (op < limits.min || op > limits.max) {
        throw new TorchError('OverflowError', `Python integer ${op} out of bounds for ${strong}`);
      }
    }
  }
  if (weak === undefined || weak <= categoryOf(strong)) return strong;
  // A weak scalar of a higher kind takes that kind's default dtype.
  return numpyPromoteTypes(strong, weak === 2 ? 'float64' : 'int64');
}

function legacy(operands: readonly Operand[]): DType {
  const arrays = operands.filter((op) => !isLegacyScalar(op)) as TorchTensor[];
  const scalars = operands.filter(isLegacyScalar);
  const fullType = (op: Operand): DType => (op instanceof TorchTensor ? op.dtype : pyScalarDType(op));
  if (arrays.length === 0 || scalars.length === 0) return operands.map(fullType).reduce(numpyPromoteTypes);
  const arrayKind = Math.max(...arrays.map((a) => categoryOf(a.dtype)));
  const scalarKind = Math.max(...scalars.map((s) => categoryOf(fullType(s))));
  if (scalarKind > arrayKind) return operands.map(fullType).reduce(numpyPromoteTypes);
  const signedArray = arrays.some((a) => isIntegral(a.dtype) && a.dtype !== 'uint8');
  let result = arrays.map((a) => a.dtype).reduce(numpyPromoteTypes);
  for (const s of scalars) {
    const value = s instanceof TorchTensor ? Number(s.data[0]) : Number(s);
    result = numpyPromoteTypes(result, minScalarType(value, fullType(s), signedArray));
  }
  return result;
}

/** NumPy 1's `min_scalar_type` (with its "small unsigned acts signed next to signed arrays" rule). */
function minScalarType(value: number, dtype: DType, signedContext: boolean): DType {
  if (dtype === 'bool') return 'bool';
  if (isFloating(dtype)) {
    const a = Math.abs(value);
    if (!Number.isFinite(value) || a <= 65504) return dtype === 'bfloat16' ? 'bfloat16' : 'float16';
    if (a <= 3.4028234663852886e38) return dtype === 'float64' ? 'float32' : dtype;
    return dtype;
  }
  if (value >= 0 && !signedContext) {
    if (value < 256) return 'uint8';
    throw new NotModelled(`NumPy 1 value-based casting of ${value} (an unsigned dtype wider than uint8)`);
  }
  if (value >= -128 && value < 128) return 'int8';
  if (value >= -32768 && value < 32768) return 'int16';
  if (value >= -2147483648 && value < 2147483648) return 'int32';
  return 'int64';
}

/**
 * PyTorch 1.13 semantics the non-classification losses share: dtype promotion (`torch.result_type`), the per-dtype
 * rounding that makes float32 overflow where PyTorch's float32 kernels overflow, PyTorch's dtype error texts, broadcast
 * index maps (gather forward, scatter-add backward), option reading, and the assembly of a {@link LossResult}.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import {
  isFloating,
  isIntegral,
  numel,
  scalarTypeName,
  roundFloat16,
  storageRounder,
  stridesOf,
  tensorFrom,
  toNested,
  type DType,
  type Tensor,
} from '../tensor';
import { notice, optionTypeError, parseReduction, reduce, resolveOptions } from './reduction';
import type { LossOptions, LossResult, OptionValue, Reduction, ReductionBreakdown } from './types';

// ---------------------------------------------------------------------------------------------------------------------
// dtypes

/** Rounds a float64 value to the precision a dtype stores (float32 for the three narrow float types, as computed). */
export type Rounder = (x: number) => number;

const identity: Rounder = (x) => x;

/**
 * The rounding applied after each arithmetic step so that float32 results overflow, underflow and saturate where
 * PyTorch's float32 kernels do (e.g. `exp(100)` is inf in float32). float16/bfloat16 are approximated by float32.
 */
export function rounderFor(dtype: DType): Rounder {
  // float16 kernels on the CPU do scalar c10::Half arithmetic: every operation's result is stored as a half.
  if (dtype === 'float16') return roundFloat16;
  return dtype === 'float64' ? identity : Math.fround;
}

const INT_RANK: Partial<Record<DType, number>> = { int8: 1, int16: 2, int32: 3, int64: 4 };
const FLOAT_RANK: Partial<Record<DType, number>> = { float16: 1, bfloat16: 1, float32: 2, float64: 3 };

/** `torch.promote_types(a, b)` for the dtypes Loss Lens knows. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  const fa = isFloating(a);
  const fb = isFloating(b);
  if (fa && fb) {
    if ((a === 'float16' && b === 'bfloat16') || (a === 'bfloat16' && b === 'float16')) return 'float32';
    return FLOAT_RANK[a]! >= FLOAT_RANK[b]! ? a : b;
  }
  if (fa) return a;
  if (fb) return b;
  // Both integral, not equal.
  if (a === 'uint8') return b === 'int8' ? 'int16' : b;
  if (b === 'uint8') return a === 'int8' ? 'int16' : a;
  return INT_RANK[a]! >= INT_RANK[b]! ? a : b;
}

/** One operand of a PyTorch op for {@link resultType}: a tensor, or a Python number (a "wrapped number"). */
export type TypeOperand = Tensor | 'float' | 'int';

function combineCategories(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * `torch.result_type` over tensors and Python scalars: dimensioned tensors decide unless a 0-d tensor or a Python
 * number is of a higher category (bool < integer < floating); a Python float then means the default dtype float32.
 */
export function resultType(...operands: TypeOperand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  const add = (acc: DType | undefined, d: DType): DType => (acc === undefined ? d : promoteTypes(acc, d));
  for (const op of operands) {
    if (op === 'float') wrapped = add(wrapped, 'float32');
    else if (op === 'int') wrapped = add(wrapped, 'int64');
    else if (op.shape.length === 0) zero = add(zero, op.dtype);
    else dim = add(dim, op.dtype);
  }
  return combineCategories(dim, combineCategories(zero, wrapped)) ?? 'float32';
}

/** A dtype/shape-only stand-in for an intermediate result, for {@link resultType}. */
export function dtypeOnly(dtype: DType, shape: readonly number[]): Tensor {
  return { dtype, shape, data: new Float64Array(0) };
}

/** The C++ type names PyTorch 1.13 prints in some cast errors (`long int`, `unsigned char`, ...). */
const CXX_NAMES: Record<DType, string> = {
  float16: 'c10::Half',
  bfloat16: 'c10::BFloat16',
  float32: 'float',
  float64: 'double',
  int8: 'signed char',
  uint8: 'unsigned char',
  int16: 'short int',
  int32: 'int',
  int64: 'long int',
  bool: 'bool',
};

/** Wraps a value into an integer dtype's range as a C++ cast does (int8 200 → -56); floats pass through. */
export function wrapInteger(dtype: DType, x: number): number {
  switch (dtype) {
    case 'int8':
      return (x << 24) >> 24;
    case 'uint8':
      return x & 0xff;
    case 'int16':
      return (x << 16) >> 16;
    case 'int32':
      return x | 0;
    default:
      return x;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// PyTorch's dtype error texts

/** `"mse_cpu" not implemented for 'Long'`: the CPU kernel has no version for that dtype. */
export function kernelDtypeError(fn: string, kernel: string, dtype: DType, what = 'input'): LossLensError {
  const name = scalarTypeName(dtype);
  const floating = isFloating(dtype);
  return new LossLensError({
    code: 'loss/dtype-not-implemented',
    message: `"${kernel}" not implemented for '${name}'`,
    explanation: floating
      ? `PyTorch's CPU ${fn} has no ${dtype} (${name}) kernel.`
      : `${fn} works on floating-point tensors; the ${what} is ${dtype} (${name}), so PyTorch's CPU kernel refuses it.`,
    hint: floating
      ? `Convert with .float() (or .double()) before calling ${fn}.`
      : `Convert the ${what} with .float() before calling ${fn}.`,
    data: { loss: fn, kernel, dtype, what },
  });
}

/** `result type Float can't be cast to the desired output type Long` (an op writing a float result into an integer tensor). */
export function castError(fn: string, from: DType, to: DType, what: string, cxxName = false): LossLensError {
  const toName = cxxName ? CXX_NAMES[to] : scalarTypeName(to);
  return new LossLensError({
    code: 'loss/dtype-cast',
    message: `result type ${scalarTypeName(from)} can't be cast to the desired output type ${toName}`,
    explanation: `${fn} computes a ${from} result but has to store it in the ${what}'s dtype ${to}, which PyTorch refuses.`,
    hint: `Convert the ${what} with .float() before calling ${fn}.`,
    data: { loss: fn, from, to, what },
  });
}

/** PyTorch's refusal to subtract booleans. `both` when the two operands are bool. */
export function boolSubtractionError(fn: string, both: boolean, what: string): LossLensError {
  return new LossLensError({
    code: 'loss/bool-arithmetic',
    message: both
      ? 'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.'
      : 'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    explanation: `${fn} subtracts its arguments, and the ${what} is a bool tensor, which PyTorch does not subtract.`,
    hint: `Convert the ${what} with .float() before calling ${fn}.`,
    data: { loss: fn, what },
  });
}

/** PyTorch's refusal to negate a boolean tensor. */
export function boolNegationError(fn: string, what: string): LossLensError {
  return new LossLensError({
    code: 'loss/bool-arithmetic',
    message:
      'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
    explanation: `${fn} negates the ${what}, and it is a bool tensor, which PyTorch does not negate.`,
    hint: `Convert the ${what} with .float() (labels as -1./1.) before calling ${fn}.`,
    data: { loss: fn, what },
  });
}

/** `mean(): could not infer output dtype...`: reduction='mean' of an integer loss. */
export function integerMeanError(fn: string, dtype: DType): LossLensError {
  return new LossLensError({
    code: 'loss/integer-mean',
    message: `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(dtype)}`,
    explanation: `With integer tensors ${fn} produces integer losses, and PyTorch cannot average integers.`,
    hint: `Convert the inputs with .float() before calling ${fn}.`,
    data: { loss: fn, dtype },
  });
}

/** `expected scalar type Long but found Float`: an index tensor (or a weight) of the wrong dtype. */
export function scalarTypeError(fn: string, expected: DType, found: DType, what: string, hint: string): LossLensError {
  return new LossLensError({
    code: 'loss/dtype',
    message: `expected scalar type ${scalarTypeName(expected)} but found ${scalarTypeName(found)}`,
    explanation: `${fn} needs the ${what} as ${expected} (${scalarTypeName(expected)}); it is ${found} (${scalarTypeName(found)}).`,
    hint,
    data: { loss: fn, expected, found, what },
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// broadcasting

/**
 * For each element of `outShape` (C order), the flat index of the element of a `srcShape` tensor that broadcasting
 * reads. The caller guarantees the shapes broadcast.
 */
export function broadcastIndex(srcShape: readonly number[], outShape: readonly number[]): Int32Array {
  const total = numel(outShape);
  const map = new Int32Array(total);
  const offset = outShape.length - srcShape.length;
  const srcStrides = stridesOf(srcShape);
  // Stride of each output dimension inside the source (0 where the source broadcasts).
  const strides = new Array<number>(outShape.length).fill(0);
  for (let d = 0; d < srcShape.length; d++) strides[d + offset] = srcShape[d] === 1 ? 0 : srcStrides[d]!;
  const idx = new Array<number>(outShape.length).fill(0);
  let src = 0;
  for (let k = 0; k < total; k++) {
    map[k] = src;
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** Reads a tensor at broadcast positions into float64 (`map` from {@link broadcastIndex}). */
export function gather(t: Tensor, map: Int32Array): Float64Array {
  const out = new Float64Array(map.length);
  for (let k = 0; k < map.length; k++) out[k] = t.data[map[k]!]!;
  return out;
}

/** Sums a gradient over broadcast positions back onto the source tensor (`map` from {@link broadcastIndex}). */
export function scatterAdd(grad: Float64Array, map: Int32Array, srcLength: number): Float64Array {
  if (map.length === srcLength) {
    let identityMap = true;
    for (let k = 0; k < map.length && identityMap; k++) identityMap = map[k] === k;
    if (identityMap) return grad;
  }
  const out = new Float64Array(srcLength);
  for (let k = 0; k < map.length; k++) out[map[k]!]! += grad[k]!;
  return out;
}

/** True when two shapes are identical. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

// ---------------------------------------------------------------------------------------------------------------------
// options

/** Reads a loss's options with PyTorch's defaults and its argument-type errors. */
export class OptionReader {
  readonly values: Record<string, OptionValue>;
  readonly warnings: Diagnostic[];

  constructor(
    private readonly fn: string,
    defaults: LossOptions,
    options: LossOptions,
  ) {
    const resolved = resolveOptions(fn, defaults, options);
    this.values = resolved.options;
    this.warnings = resolved.warnings;
  }

  private typeError(name: string, expected: string, value: unknown): LossLensError {
    return optionTypeError(this.fn, name, undefined, expected, value);
  }

  /** A float option (Python bools count as 0/1 as they do in PyTorch). */
  number(name: string): number {
    const v = this.values[name];
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw this.typeError(name, 'float', v);
  }

  /** An int option: a Python int (or bool). A float is refused with PyTorch's text unless `acceptFloat`. */
  integer(name: string, acceptFloat = false): number {
    const v = this.values[name];
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number' && (Number.isInteger(v) || acceptFloat)) return v;
    throw this.typeError(name, 'int', v);
  }

  /** A bool option (Python truthiness for numbers). */
  bool(name: string): boolean {
    const v = this.values[name];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    throw this.typeError(name, 'bool', v);
  }

  /** An optional tensor option (`weight`). */
  tensor(name: string): Tensor | null {
    const v = this.values[name];
    if (v === null || v === undefined) return null;
    if (typeof v === 'object') return v;
    throw this.typeError(name, 'Tensor', v);
  }

  /** The raw reduction value as given. */
  rawReduction(): OptionValue {
    return this.values['reduction'] ?? 'mean';
  }

  /**
   * `torch.nn._reduction.get_enum`: 'none' | 'mean' | 'sum', plus the deprecated 'elementwise_mean' (= 'mean', with
   * PyTorch's warning); anything else raises PyTorch's ValueError.
   */
  reduction(): Exclude<Reduction, 'batchmean'> {
    const v = this.rawReduction();
    if (v === 'elementwise_mean') {
      this.warnings.push(
        notice(
          'warning',
          'warn/deprecated-reduction',
          "reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.",
          "'elementwise_mean' is the old spelling of 'mean'.",
          "Use reduction='mean'.",
        ),
      );
      return 'mean';
    }
    return parseReduction(v) as Exclude<Reduction, 'batchmean'>;
  }

  /**
   * The check `poisson_nll_loss` and `gaussian_nll_loss` do in Python: `ValueError: avg is not valid`.
   */
  strictReduction(): Exclude<Reduction, 'batchmean'> {
    const v = this.rawReduction();
    if (v === 'none' || v === 'mean' || v === 'sum') return v;
    throw new LossLensError({
      code: 'loss/invalid-reduction',
      message: `ValueError: ${String(v)} is not valid`,
      explanation: `${this.fn} accepts reduction 'none', 'mean' or 'sum' only.`,
      hint: "Use reduction='mean' (the default), 'sum' or 'none'.",
      data: { loss: this.fn, value: String(v) },
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// results

/** Everything a loss hands to {@link finishResult}. */
export interface ResultParts {
  fn: string;
  /** dtype of the loss tensor PyTorch returns. */
  dtype: DType;
  /** The reduction='none' shape and values (already in the output's precision). */
  shape: readonly number[];
  perElement: Float64Array;
  reduction: Exclude<Reduction, 'batchmean'>;
  /** For reduction='mean' when PyTorch does not divide the sum of perElement by its length (CTC). */
  meanOverride?: { value: number; numerator: number; denominator: number; denominatorLabel: string; why: string };
  /** Overrides the words used for the ordinary mean. */
  meanWords?: { denominatorLabel?: string; why?: string };
  gradient: Record<string, Tensor>;
  extras?: Record<string, Tensor>;
  warnings: Diagnostic[];
  options: LossOptions;
}

/** Sums perElement over every dimension but the first (one loss per sample); 0-d and 1-D losses are copied. */
export function perSampleOf(values: Float64Array, shape: readonly number[]): Float64Array {
  if (shape.length <= 1) return Float64Array.from(values);
  const n = shape[0]!;
  const per = n === 0 ? 0 : values.length / n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < per; j++) s += values[i * per + j]!;
    out[i] = s;
  }
  return out;
}

/** Assembles a LossResult: reduced value and output tensor, breakdown, per-sample losses. */
export function finishResult(parts: ResultParts): LossResult {
  const { fn, dtype, shape, reduction } = parts;
  const half = dtype === 'float16' || dtype === 'bfloat16';
  // float16/bfloat16 on the CPU: the kernels compute in float32 and store each element in the half type; a sum
  // accumulates the stored elements in float32 and is stored in the half type.
  const perElement = half ? parts.perElement.map(storageRounder(dtype)) : parts.perElement;
  const r: Rounder = half ? (x) => storageRounder(dtype)(Math.fround(x)) : rounderFor(dtype);
  const perElementTensor = tensorFrom(perElement, shape, dtype);
  let breakdown: ReductionBreakdown;
  let output: Tensor;
  if (reduction === 'mean' && parts.meanOverride) {
    const m = parts.meanOverride;
    breakdown = {
      reduction,
      numerator: m.numerator,
      denominator: m.denominator,
      denominatorLabel: m.denominatorLabel,
      why: m.why,
    };
    output = tensorFrom([r(m.value)], [], dtype);
  } else {
    const reduced = reduce(perElement, reduction, parts.meanWords ?? {});
    breakdown = reduced.breakdown;
    if (reduction === 'none') {
      output = perElementTensor;
    } else {
      // PyTorch sums in the tensor's precision, then divides: round the sum first so float32 overflow matches.
      // torch 2.x means a half tensor by dividing its float32 sum (1.13 divided the sum stored in the half type).
      const value =
        reduction === 'sum'
          ? r(reduced.value)
          : half
            ? r(Math.fround(breakdown.numerator) / breakdown.denominator)
            : r(r(breakdown.numerator) / breakdown.denominator);
      // Integer losses summed by PyTorch come back as int64.
      output = tensorFrom([value], [], isIntegral(dtype) || dtype === 'bool' ? 'int64' : dtype);
    }
  }
  const warnings = parts.warnings;
  return {
    fn,
    value: toNested(output),
    output,
    perElement: perElementTensor,
    perSample: perSampleOf(asFloat64(perElementTensor), shape),
    reduction: breakdown,
    gradient: parts.gradient,
    ...(parts.extras ? { extras: parts.extras } : {}),
    warnings,
    options: parts.options,
  };
}

/**
 * A float16/bfloat16 result as PyTorch's CPU kernels leave it: each element stored in the half type, the sum
 * accumulated in float32 and stored in the half type, the mean dividing the float32 sum by the denominator
 * (batchmean: the stored sum by the batch size), then stored. Idempotent, so a result that {@link finishResult}
 * already rounded comes out the same. Other dtypes, and summary-mode results without their elements, are returned as
 * they are.
 */
export function asHalfResult(result: LossResult): LossResult {
  const dtype = result.output.dtype;
  if (dtype !== 'float16' && dtype !== 'bfloat16') return result;
  if (!result.warnings.some((w) => w.code === 'info/half-precision'))
    result = { ...result, warnings: [...result.warnings, halfNotice(dtype)] };
  const elements = result.perElement.data;
  if (elements.length !== numel(result.perElement.shape)) return result;
  const store = storageRounder(dtype);
  const perElement = tensorFrom(elements, result.perElement.shape, dtype);
  const r = result.reduction;
  if (r.reduction === 'none') return { ...result, perElement, output: perElement, value: toNested(perElement) };
  // nll_loss (and cross_entropy through it) adds the elements one by one into a half-type accumulator; the other
  // reductions accumulate in float32.
  const sequential = result.fn === 'nll_loss' || result.fn === 'cross_entropy';
  let total = 0;
  for (let i = 0; i < perElement.data.length; i++) {
    total += perElement.data[i]!;
    if (sequential) total = store(total);
  }
  const sum = Math.fround(total);
  const value =
    r.reduction === 'sum'
      ? store(sum)
      : r.reduction === 'batchmean'
        ? store(store(sum) / r.denominator)
        : store(sum / r.denominator);
  const output = tensorFrom([value], [], dtype);
  return { ...result, perElement, output, value: toNested(output), reduction: { ...r, numerator: sum } };
}

/** The notice every float16/bfloat16 result carries: what is exact and what can differ in the last bit. */
function halfNotice(dtype: DType): Diagnostic {
  return notice(
    'info',
    'info/half-precision',
    `Loss Lens stores ${dtype} results as PyTorch's CPU kernels do, computing inside a kernel in float32.`,
    `Each element and the reduced value are stored in ${dtype} as PyTorch stores them; where a PyTorch kernel also rounds an intermediate step (log_softmax, formulas built from several operations), its value can differ from this one in the last bit.`,
    'Use float32 or float64 tensors for exact agreement.',
    { dtype },
  );
}

/**
 * The factor reduction applies to each element's gradient: 1/N for 'mean' (N elements), else 1. PyTorch computes it
 * in double and rounds it to the tensor's precision inside the kernel.
 */
export function gradScale(reduction: Reduction, count: number): number {
  return reduction === 'mean' ? 1 / count : 1;
}

/** A gradient tensor in the input's dtype and shape. */
export function gradTensor(values: Float64Array, like: Tensor): Tensor {
  return tensorFrom(values, like.shape, like.dtype);
}

/**
 * Extras that share one shape: each named array becomes a float64 tensor of that shape, keeping the names' order.
 */
export function float64Extras(shape: readonly number[], arrays: Record<string, Float64Array>): Record<string, Tensor> {
  const extras: Record<string, Tensor> = {};
  for (const [name, data] of Object.entries(arrays)) extras[name] = { dtype: 'float64', shape, data };
  return extras;
}

/** The denominator label of a mean over `count` items: `N = 1 sample`, `N = 3 samples` for the noun `sample`. */
export function countLabel(count: number, noun: string): string {
  return `N = ${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Values as float64 (a copy only when needed). */
export function asFloat64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
}

// ---------------------------------------------------------------------------------------------------------------------
// label pitfalls for the ±1 losses

/** Distinct label values (first 8) of a target, for messages. */
function distinctValues(t: Tensor): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < t.data.length && seen.size < 9; i++) seen.add(t.data[i]!);
  return [...seen].sort((a, b) => a - b);
}

/**
 * Warnings for targets of the ±1 losses: 0/1 labels (`warn/zero-one-labels`) with what a 0 label silently does in
 * this loss, and any other value outside {-1, 1} (`warn/label-values`).
 */
export function plusMinusOneLabelWarnings(
  fn: string,
  target: Tensor,
  zeroEffect: string,
  otherEffect: string,
): Diagnostic[] {
  let zeros = 0;
  let ones = 0;
  let minusOnes = 0;
  let others = 0;
  for (let i = 0; i < target.data.length; i++) {
    const v = target.data[i]!;
    if (v === 0) zeros++;
    else if (v === 1) ones++;
    else if (v === -1) minusOnes++;
    else others++;
  }
  const out: Diagnostic[] = [];
  const values = distinctValues(target);
  if (zeros > 0 && minusOnes === 0 && others === 0) {
    out.push(
      notice(
        'warning',
        'warn/zero-one-labels',
        `${fn} expects labels 1 and -1, but the target holds 0/1 labels (${zeros} zero${zeros === 1 ? '' : 's'}).`,
        `PyTorch raises nothing: ${zeroEffect}`,
        'Map the labels to ±1 first, e.g. target = 2 * target - 1.',
        { loss: fn, zeros, ones },
      ),
    );
  } else if (zeros > 0 || others > 0) {
    out.push(
      notice(
        'warning',
        'warn/label-values',
        `${fn} expects labels 1 and -1, but the target also holds ${values.filter((v) => v !== 1 && v !== -1).join(', ')}.`,
        `PyTorch raises nothing: ${otherEffect}`,
        'Use only 1 (similar / first ranked higher) and -1 (dissimilar / second ranked higher).',
        { loss: fn, values: values.join(', ') },
      ),
    );
  }
  return out;
}

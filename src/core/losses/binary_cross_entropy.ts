/**
 * `F.binary_cross_entropy` / `nn.BCELoss`, and the elementwise helpers the BCE family shares (row sums, broadcast
 * expansion, gradient reduction to an operand's shape).
 *
 * Shapes: input and target identical (any shape, 0-d included); input holds probabilities in [0, 1]. `weight`
 * broadcasts against the target. ℓ = −w·[y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)]: the clamp makes a
 * certain-and-wrong prediction cost 100, not inf. `mean` divides by the number of elements.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import {
  allocate,
  broadcastTo,
  formatShape,
  formatTorchSize,
  numel,
  scalarTypeName,
  storageRounder,
  stridesOf,
  tensorFrom,
  toNested,
  type DType,
  type Tensor,
  type TensorData,
} from '../tensor';
import { ElementwiseAccumulator } from './elementwise_summary';
import { fmt, reducedOutput } from './nll_loss';
import {
  broadcastOrThrow,
  inPlaceBroadcastError,
  isTensorValue,
  notice,
  parseReduction,
  reduceTotal,
  requireInputs,
  pythonTypeName,
  resolveOptions,
  sum,
} from './reduction';
import { asHalfResult } from './torch-semantics';
import { isTorch2 } from './versions';
import type {
  ClassificationBreakdown,
  LossDefinition,
  LossOptions,
  LossResult,
  OptionValue,
  Reduction,
  ReductionBreakdown,
} from './types';

/**
 * One loss per sample from an elementwise result: each row's sum over the non-batch dimensions for ≥2-D shapes,
 * the elements themselves for 0-d and 1-D shapes.
 */
export function rowSums(values: ArrayLike<number>, shape: readonly number[]): Float64Array {
  if (shape.length <= 1) return Float64Array.from(values);
  const rows = shape[0]!;
  const out = new Float64Array(rows);
  if (rows === 0) return out;
  const per = values.length / rows;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let k = r * per, end = k + per; k < end; k++) s += values[k]!;
    out[r] = s;
  }
  return out;
}

/** An operand's values expanded to `shape` (a float64 copy; fast when the shapes already agree). */
export function expandTo(t: Tensor, shape: readonly number[]): Float64Array {
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return Float64Array.from(t.data);
  return broadcastTo(t, shape);
}

/**
 * An operand broadcast to `shape` without copying when it only repeats along the leading dimensions (a [C] weight on
 * [N, C], a 0-d weight): element k of the broadcast reads `values[k % period]`. Other broadcasts are expanded.
 */
export function broadcastSource(t: Tensor, shape: readonly number[]): { values: ArrayLike<number>; period: number } {
  const offset = shape.length - t.shape.length;
  let first = 0;
  while (first < t.shape.length && t.shape[first] === 1) first++;
  let trailing = offset >= 0;
  for (let d = first; trailing && d < t.shape.length; d++) if (t.shape[d] !== shape[d + offset]) trailing = false;
  if (trailing) return { values: t.data, period: Math.max(1, numel(t.shape)) };
  return { values: broadcastTo(t, shape), period: Math.max(1, numel(shape)) };
}

/** Sums a gradient of broadcast shape `from` back to an operand's shape `to` (what autograd does for broadcasting). */
export function sumToShape(values: Float64Array, from: readonly number[], to: readonly number[]): Float64Array {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return values;
  const out = new Float64Array(numel(to));
  const offset = from.length - to.length;
  const toStrides = stridesOf(to);
  const idx = new Array<number>(from.length).fill(0);
  for (let k = 0; k < values.length; k++) {
    let dst = 0;
    for (let d = 0; d < to.length; d++) if (to[d]! !== 1) dst += idx[d + offset]! * toStrides[d]!;
    out[dst]! += values[k]!;
    for (let d = from.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < from[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The reduction breakdown of an elementwise loss: `mean` divides by the number of elements. */
export function elementwiseReduction(
  perElement: ArrayLike<number>,
  reduction: Reduction,
  what = 'elements',
): ReductionBreakdown {
  return elementwiseReductionTotal(sum(perElement), perElement.length, reduction, what);
}

/** {@link elementwiseReduction} from the compensated sum of the `n` element losses (summary mode). */
export function elementwiseReductionTotal(
  numerator: number,
  n: number,
  reduction: Reduction,
  what = 'elements',
): ReductionBreakdown {
  return reduceTotal(numerator, n, reduction, {
    denominatorLabel: `N = ${n} ${n === 1 ? what.replace(/s$/, '') : what}`,
    why: `reduction='mean' averages over every ${what.replace(/s$/, '')} of the loss tensor`,
  }).breakdown;
}

/** How many values of a weight tensor differ from 1, and the smallest and largest value. */
export function weightSpread(weight: Tensor): { differing: number; min: number; max: number } {
  let differing = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < weight.data.length; k++) {
    const w = weight.data[k]!;
    if (w !== 1) differing++;
    if (w < min) min = w;
    if (w > max) max = w;
  }
  return { differing, min, max };
}

/** `info/element-weights` when an elementwise `weight` has values other than 1. */
export function elementWeightsNotice(moduleName: string, weight: Tensor): Diagnostic | undefined {
  const { differing, min, max } = weightSpread(weight);
  if (differing === 0) return undefined;
  return notice(
    'info',
    'info/element-weights',
    `weight differs from 1 (values from ${fmt(min)} to ${fmt(max)}, shape ${formatShape(weight.shape)}).`,
    `${moduleName} multiplies each element's loss (and gradient) by its broadcast weight, so weighted elements count more or less in the sum and the mean.`,
    undefined,
    { min, max, shape: formatShape(weight.shape), differing },
  );
}

/**
 * Elementwise classification fields shared by the BCE family: each element is one two-class decision.
 * `probabilities`/`logProbabilities` are filled by the caller's loop; `weights` is the broadcast weight (or none).
 */
export function binaryClassification(
  dtype: DType,
  shape: readonly number[],
  probabilities: TensorData,
  logProbabilities: TensorData,
  target: ArrayLike<number>,
  weights: { values: ArrayLike<number>; period: number } | undefined,
): ClassificationBreakdown {
  const n = probabilities.length;
  const targetProbability = new Float64Array(n);
  const predictedClass = new Int32Array(n);
  const sampleWeight = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = probabilities[k]!;
    const y = target[k]!;
    targetProbability[k] = y === 1 ? p : y === 0 ? 1 - p : NaN;
    predictedClass[k] = p > 0.5 ? 1 : 0;
    sampleWeight[k] = weights ? weights.values[k % weights.period]! : 1;
  }
  return {
    classDim: -1,
    numClasses: 2,
    probabilities: { dtype, shape: [...shape], data: probabilities },
    logProbabilities: { dtype, shape: [...shape], data: logProbabilities },
    targetClass: new Int32Array(n).fill(-1),
    targetProbability,
    predictedClass,
    sampleWeight,
    ignored: new Uint8Array(n),
  };
}

/** `warn/bce-target-range`: PyTorch 1.13 computes targets outside [0, 1]; newer versions reject them. */
export function targetRangeNotice(moduleName: string, target: Tensor): Diagnostic | undefined {
  let outside = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < target.data.length; k++) {
    const y = target.data[k]!;
    if (!(y >= 0 && y <= 1)) outside++;
    if (y < min) min = y;
    if (y > max) max = y;
  }
  if (outside === 0) return undefined;
  return notice(
    'warning',
    'warn/bce-target-range',
    `${outside} target ${outside === 1 ? 'value lies' : 'values lie'} outside [0, 1] (from ${fmt(min)} to ${fmt(max)}).`,
    `${moduleName} treats the target as the probability of the positive class. PyTorch 1.13 still computes a value, but it is not a cross-entropy (it can go negative), and newer PyTorch raises "all elements of target should be between 0 and 1".`,
    'Scale or clamp the targets into [0, 1]; for class labels use 0 and 1.',
    { outside, min, max },
  );
}

/** PyTorch's TensorIterator dtype check: every operand must have the input's dtype. */
export function sameDtypeError(moduleName: string, input: Tensor, other: Tensor, what: string): LossLensError {
  const found = scalarTypeName(other.dtype);
  const expected = scalarTypeName(input.dtype);
  return new LossLensError({
    code: 'loss/target-dtype',
    message: `Found dtype ${found} but expected ${expected}`,
    explanation: `${moduleName} needs the ${what} to have the input's dtype (${expected}, ${input.dtype}); it is ${found} (${other.dtype}).${other.dtype === 'int64' ? ' Integer labels such as torch.tensor([1, 0]) are Long.' : ''}`,
    hint:
      input.dtype === 'float32'
        ? `Convert it: ${what}.float().`
        : `Convert it: ${what}.to(${input.dtype === 'float64' ? 'torch.float64' : `input.dtype`}).`,
    data: { found, expected, what },
  });
}

const BCE_DEFAULTS: LossOptions = { weight: null, size_average: null, reduce: null, reduction: 'mean' };

/** Python's AttributeError when a non-tensor `weight` reaches `weight.size()`. */
function attributeError(value: OptionValue): LossLensError {
  const type = pythonTypeName(value);
  return new LossLensError({
    code: 'loss/option-type',
    message: `AttributeError: '${type}' object has no attribute 'size'`,
    explanation: `weight must be a tensor; a ${type} was given.`,
    hint: 'Wrap the weights in torch.tensor([...]).',
    data: { name: 'weight', got: type },
  });
}

/**
 * The element buffers a BCE-family loss fills. Summary mode (large inputs) folds the element losses into `summary`
 * instead of keeping them: every buffer is then empty but `perElementData`, kept for reduction='none'.
 */
export interface BceBuffers {
  summary: ElementwiseAccumulator | undefined;
  perElementValues: Float64Array;
  perElementData: TensorData;
  positiveTerm: TensorData;
  negativeTerm: TensorData;
  gradient: TensorData;
  probabilities: TensorData;
  logProbabilities: TensorData;
}

/** Allocates the {@link BceBuffers} for `n` elements: the loss in `dtype`, the gradient in `gradientDtype`. */
export function bceBuffers(
  dtype: DType,
  gradientDtype: DType,
  shape: readonly number[],
  n: number,
  reduction: Reduction,
  full: boolean,
): BceBuffers {
  const size = full ? n : 0;
  return {
    summary: full ? undefined : new ElementwiseAccumulator(shape, n),
    perElementValues: new Float64Array(size),
    perElementData: allocate(dtype, full || reduction === 'none' ? n : 0),
    positiveTerm: allocate(dtype, size),
    negativeTerm: allocate(dtype, size),
    gradient: allocate(gradientDtype, size),
    probabilities: allocate(dtype, size),
    logProbabilities: allocate(dtype, size),
  };
}

/** The breakdown, reduction='none' tensor and output of a BCE-family loss from its filled buffers. */
export function bceReduced(
  b: BceBuffers,
  dtype: DType,
  shape: readonly number[],
  n: number,
  reduction: Reduction,
): { breakdown: ReductionBreakdown; perElement: Tensor; output: Tensor } {
  const breakdown = b.summary
    ? elementwiseReductionTotal(b.summary.total(), n, reduction)
    : elementwiseReduction(b.perElementValues, reduction);
  const value = reduction === 'none' ? NaN : breakdown.numerator / breakdown.denominator;
  const perElement: Tensor = { dtype, shape: b.perElementData.length === n ? [...shape] : [0], data: b.perElementData };
  return { breakdown, perElement, output: reducedOutput(dtype, reduction, perElement, value) };
}

/** `warn/empty-mean`: an empty input with reduction='mean' gives 0/0 = nan. */
export function bceEmptyMeanNotice(moduleName: string): Diagnostic {
  return notice(
    'warning',
    'warn/empty-mean',
    "The input is empty, so reduction='mean' is 0/0 = nan.",
    `${moduleName} averages over the elements, and there are none.`,
    "Skip empty batches, or use reduction='sum'.",
    { samples: 0 },
  );
}

/** The LossResult of a BCE-family loss: the summary-mode result, or the full one with classification and terms. */
export function bceResult(
  fn: string,
  b: BceBuffers,
  parts: {
    dtype: DType;
    gradientDtype: DType;
    shape: readonly number[];
    reduced: { breakdown: ReductionBreakdown; perElement: Tensor; output: Tensor };
    target: ArrayLike<number>;
    weights: { values: ArrayLike<number>; period: number } | undefined;
    reduction: Reduction;
    warnings: Diagnostic[];
    options: LossOptions;
  },
): LossResult {
  const { dtype, shape, warnings, options } = parts;
  const { breakdown, perElement, output } = parts.reduced;
  if (b.summary) {
    return {
      fn,
      value: parts.reduction === 'none' ? NaN : toNested(output),
      output,
      perElement,
      perSample: b.summary.perSample,
      reduction: breakdown,
      gradient: {},
      warnings,
      options,
      detail: 'summary',
      summary: b.summary.aggregates(true),
    };
  }
  return {
    fn,
    value: toNested(output),
    output,
    perElement,
    perSample: rowSums(b.perElementValues, shape),
    reduction: breakdown,
    classification: binaryClassification(
      dtype,
      shape,
      b.probabilities,
      b.logProbabilities,
      parts.target,
      parts.weights,
    ),
    gradient: { input: { dtype: parts.gradientDtype, shape: [...shape], data: b.gradient } },
    extras: {
      positiveTerm: { dtype, shape: [...shape], data: b.positiveTerm },
      negativeTerm: { dtype, shape: [...shape], data: b.negativeTerm },
    },
    warnings,
    options,
  };
}

/** Binary cross-entropy on probabilities, elementwise, with PyTorch's −100 log clamp. */
export const binaryCrossEntropy: LossDefinition = {
  name: 'binary_cross_entropy',
  moduleName: 'BCELoss',
  inputs: ['input', 'target'],
  defaults: BCE_DEFAULTS,
  summary: 'Binary cross-entropy of probabilities (sigmoid outputs) against 0/1 or soft targets.',
  compute(inputs, options, settings): LossResult {
    const resolved = resolveOptions('binary_cross_entropy', BCE_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('binary_cross_entropy', inputs, ['input', 'target']) as [Tensor, Tensor];
    const reduction = parseReduction(opts['reduction']);
    const shape = input.shape;
    if (!(target.shape.length === shape.length && target.shape.every((d, i) => d === shape[i]))) {
      throw new LossLensError({
        code: 'loss/target-size',
        message: `ValueError: Using a target size (${formatTorchSize(target.shape)}) that is different to the input size (${formatTorchSize(shape)}) is deprecated. Please ensure they have the same size.`,
        explanation: `BCELoss compares input and target element by element, so they need the same shape; input is ${formatShape(shape)}, target ${formatShape(target.shape)}.`,
        hint: shapeHint(shape, target.shape),
        data: { input: formatShape(shape), target: formatShape(target.shape) },
      });
    }
    const weightOption = opts['weight'];
    let weight: Tensor | undefined;
    let weightShape: number[] | undefined;
    if (weightOption !== null && weightOption !== undefined) {
      if (!isTensorValue(weightOption)) throw attributeError(weightOption);
      weight = weightOption;
      weightShape = broadcastOrThrow(target.shape, weight.shape, { a: 'the target', b: 'weight' });
    }
    if (target.dtype !== input.dtype) throw sameDtypeError('BCELoss', input, target, 'target');
    // PyTorch 2.x added float16/bfloat16 CPU kernels (1.13 refused them): the values and the input gradient stored
    // in the half type reproduce torch 2.14 on the hostile-number and classification fixtures.
    const halfIn2x = (input.dtype === 'float16' || input.dtype === 'bfloat16') && isTorch2(settings);
    if (input.dtype !== 'float32' && input.dtype !== 'float64' && !halfIn2x) {
      throw new LossLensError({
        code: 'loss/input-dtype',
        message: `"binary_cross_entropy" not implemented for '${scalarTypeName(input.dtype)}'`,
        explanation: `BCELoss on the CPU needs float32 or float64 probabilities; the input is ${scalarTypeName(input.dtype)} (${input.dtype}).`,
        hint: 'Convert input and target with .float().',
        data: { dtype: scalarTypeName(input.dtype) },
      });
    }
    const x = input.data;
    const y = target.data;
    const n = x.length;
    let outside = 0;
    let min = Infinity;
    let max = -Infinity;
    let hasNaN = false;
    for (let k = 0; k < n; k++) {
      const v = x[k]!;
      if (!(v >= 0 && v <= 1)) {
        outside++;
        if (v !== v) hasNaN = true;
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (outside > 0) {
      const looksLikeLogits = !hasNaN || min < 0 || max > 1;
      throw new LossLensError({
        code: 'loss/bce-input-range',
        message: 'all elements of input should be between 0 and 1',
        explanation: looksLikeLogits
          ? `BCELoss takes probabilities, but ${outside} of ${n} input values lie outside [0, 1] (from ${fmt(min)} to ${fmt(max)}): these look like raw logits.`
          : `BCELoss takes probabilities, but the input contains nan (${outside} of ${n} values), which is not between 0 and 1.`,
        hint: looksLikeLogits
          ? 'Use BCEWithLogitsLoss (F.binary_cross_entropy_with_logits) on the raw logits: it applies the sigmoid itself, stably. Or apply torch.sigmoid before BCELoss.'
          : 'Find where the nan comes from (a division by zero or an exploding activation before this loss).',
        data: { outside, count: n, min, max, nan: hasNaN ? 1 : 0 },
      });
    }
    if (
      weight &&
      weightShape &&
      !(weightShape.length === shape.length && weightShape.every((d, i) => d === shape[i]))
    ) {
      throw inPlaceBroadcastError(shape, weightShape, 'weight');
    }
    const w = weight ? broadcastSource(weight, shape) : undefined;
    const dtype: DType = input.dtype;
    const buffers = bceBuffers(dtype, dtype, shape, n, reduction, settings?.detail !== 'summary');
    const { summary, perElementData, perElementValues, positiveTerm, negativeTerm, gradient } = buffers;
    const { probabilities, logProbabilities } = buffers;
    const scale = reduction === 'mean' ? 1 / n : 1;
    let clamped = 0;
    for (let k = 0; k < n; k++) {
      const p = x[k]!;
      const t = y[k]!;
      const wk = w ? w.values[k % w.period]! : 1;
      const logP = Math.log(p);
      const log1mP = Math.log1p(-p);
      if ((logP < -100 && t !== 0) || (log1mP < -100 && t !== 1)) clamped++;
      // PyTorch's order: ((y − 1)·max(log(1 − x), −100) − y·max(log x, −100))·w.
      const loss = ((t - 1) * Math.max(log1mP, -100) - t * Math.max(logP, -100)) * wk;
      if (summary) {
        summary.add(loss, t);
        if (reduction === 'none') perElementData[k] = loss;
        continue;
      }
      probabilities[k] = p;
      logProbabilities[k] = logP;
      const pos = -wk * t * Math.max(logP, -100);
      const neg = -wk * (1 - t) * Math.max(log1mP, -100);
      positiveTerm[k] = pos;
      negativeTerm[k] = neg;
      perElementValues[k] = loss;
      perElementData[k] = loss;
      // PyTorch's backward: w·(x − y) / max((1 − x)·x, 1e-12).
      gradient[k] = (wk * (p - t) * scale) / Math.max((1 - p) * p, 1e-12);
    }
    const reduced = bceReduced(buffers, dtype, shape, n, reduction);

    const warnings: Diagnostic[] = [...resolved.warnings];
    const range = targetRangeNotice('BCELoss', target);
    if (range) warnings.push(range);
    if (clamped > 0) {
      warnings.push(
        notice(
          'info',
          'info/bce-log-clamp',
          `${clamped} ${clamped === 1 ? 'element hits' : 'elements hit'} BCELoss's log clamp at −100.`,
          'A probability of exactly 0 or 1 on the wrong side would make the loss infinite; PyTorch clamps the log at −100, so each such element costs 100 (times its weight) instead of inf, and its gradient is huge but finite.',
          'Use BCEWithLogitsLoss on logits for a numerically stable loss.',
          { clamped },
        ),
      );
    }
    if (n === 0 && reduction === 'mean') warnings.push(bceEmptyMeanNotice('BCELoss'));
    if (weight) {
      const note = elementWeightsNotice('BCELoss', weight);
      if (note) warnings.push(note);
    }
    const result = bceResult('binary_cross_entropy', buffers, {
      dtype,
      gradientDtype: dtype,
      shape,
      reduced,
      target: y,
      weights: w,
      reduction,
      warnings,
      options: { ...opts, reduction },
    });
    return halfIn2x ? withHalfGradients(asHalfResult(result)) : result;
  },
};

/** A half-type result's gradients as PyTorch stores them: each element rounded to the tensor's half type. */
function withHalfGradients(result: LossResult): LossResult {
  const gradient = Object.fromEntries(
    Object.entries(result.gradient).map(([name, g]) => {
      const store = storageRounder(g.dtype);
      return [name, tensorFrom(Array.from(g.data, store), g.shape, g.dtype)];
    }),
  );
  return { ...result, gradient };
}

/** The fix for an input/target shape mismatch in the BCE family ([N, 1] vs [N] is the usual one). */
export function shapeHint(input: readonly number[], target: readonly number[]): string {
  if (input.length === target.length + 1 && input[input.length - 1] === 1 && target.every((d, i) => d === input[i])) {
    return `The input has a trailing dimension of size 1: use input.squeeze(${input.length - 1}) (or target.unsqueeze(${target.length})).`;
  }
  if (target.length === input.length + 1 && target[target.length - 1] === 1 && input.every((d, i) => d === target[i])) {
    return `The target has a trailing dimension of size 1: use target.squeeze(${target.length - 1}).`;
  }
  if (input.length === target.length + 1 && target.every((d, i) => d === input[i])) {
    return `The input has one more dimension (${input[input.length - 1]} outputs per sample) than the target: give the target the same shape, e.g. one-hot/multi-label targets ${formatShape(input)}.`;
  }
  return `Give the target the input's shape ${formatShape(input)}.`;
}

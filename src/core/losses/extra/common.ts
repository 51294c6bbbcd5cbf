/**
 * What the losses beyond torch.nn share: they are reference implementations written with torch ops (log_softmax,
 * gather, scatter_, one_hot), so their checks raise the texts those ops raise, and their softmax is the max-shifted
 * one cross_entropy uses.
 *
 * Layout: input [N, C] or [N, C, d1..dk] with the classes in dimension 1; class-index targets [N] or [N, d1..dk].
 * A "sample" is one (n, d1..dk) position, flattened in C order, as everywhere in Loss Lens.
 */
import { LossLensError } from '../../diagnostics';
import { allocate, formatShape, isFloating, scalarTypeName, type DType, type Tensor } from '../../tensor';
import { classLayout, isKernelFloat, notImplementedError, type ClassLayout } from '../nll_loss';
import { floatOption, notice } from '../reduction';
import type { ClassificationBreakdown, LossOptions, Reduction } from '../types';

/** PyTorch's IndexError for `log_softmax(x, dim=1)` / `softmax(x, dim=1)` on a 0-d or 1-D input. */
export function classDimError(fn: string, input: Tensor): LossLensError {
  const rank = input.shape.length;
  const range = rank === 0 ? '[-1, 0]' : `[${-rank}, ${rank - 1}]`;
  return new LossLensError({
    code: 'loss/input-dims',
    message: `IndexError: Dimension out of range (expected to be in range of ${range}, but got 1)`,
    explanation: `${fn} takes the softmax over dimension 1, so the input needs a batch dimension: [N, C] (or [N, C, d1, ...]). It is ${formatShape(input.shape)}.`,
    hint:
      rank === 1
        ? 'Add the batch dimension: input.unsqueeze(0), and give the target shape [1].'
        : 'Pass one row of class scores per sample, shape [N, C].',
    data: { fn, shape: formatShape(input.shape) },
  });
}

/** Checks the input of a softmax-based loss: at least 2-D, a dtype log_softmax has a kernel for. */
export function checkClassInput(fn: string, input: Tensor): ClassLayout {
  if (input.shape.length < 2) throw classDimError(fn, input);
  if (!isKernelFloat(input.dtype)) {
    throw notImplementedError(
      input.shape.length === 2 ? 'log_softmax_lastdim_kernel_impl' : 'softmax_kernel_impl',
      input.dtype,
    );
  }
  return classLayout(input);
}

/**
 * Resolves class-index targets the way `t.gather(1, target.unsqueeze(1))` (or `scatter_`) checks them: int64 only,
 * the same number of dimensions, no larger than the input outside dimension 1, every index in [0, C). A target smaller
 * than the input would silently pick the first rows in PyTorch; Loss Lens refuses it instead of guessing.
 */
export function gatherTargets(
  fn: string,
  op: 'gather' | 'scatter',
  input: Tensor,
  target: Tensor,
  layout: ClassLayout,
): Int32Array {
  if (target.dtype !== 'int64') {
    throw new LossLensError({
      code: 'loss/target-dtype',
      message: `${op}(): Expected dtype int64 for index`,
      explanation: `${fn} picks each sample's class with ${op}, which needs int64 class indices; the target is ${target.dtype} (${scalarTypeName(target.dtype)}).`,
      hint: isFloating(target.dtype)
        ? 'Pass class indices: target.argmax(dim=1) for one-hot rows, or target.long().'
        : 'Convert the target with target.long().',
      data: { fn, op, dtype: target.dtype },
    });
  }
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  const indexShape = [target.shape[0] ?? 0, 1, ...target.shape.slice(1)];
  if (target.shape.length !== expected.length) {
    throw new LossLensError({
      code: 'loss/target-size',
      message: `Index tensor must have the same number of dimensions as ${op === 'gather' ? 'input' : 'self'} tensor`,
      explanation: `${fn} wants one class index per sample: a target of shape ${formatShape(expected)} for the input ${formatShape(input.shape)}; it got ${formatShape(target.shape)}.`,
      hint:
        target.shape.length === expected.length + 1 && target.shape[1] === layout.classes
          ? 'The target looks one-hot: use target.argmax(dim=1).'
          : `Give the target shape ${formatShape(expected)}.`,
      data: { fn, input: formatShape(input.shape), target: formatShape(target.shape) },
    });
  }
  const larger = target.shape.findIndex((d, i) => d > expected[i]!);
  if (larger >= 0) {
    const self = formatShape(input.shape);
    const message =
      op === 'gather'
        ? `Size does not match at dimension ${larger === 0 ? 0 : larger + 1} expected index ${formatShape(indexShape)} to be smaller than self ${self} apart from dimension 1`
        : `Expected index ${formatShape(indexShape)} to be smaller than self ${self} apart from dimension 1`;
    throw new LossLensError({
      code: 'loss/batch-size',
      message,
      explanation: `The target ${formatShape(target.shape)} has more samples than the input ${self}; ${fn} needs one target per sample.`,
      hint: `Make the target's shape ${formatShape(expected)}.`,
      data: { fn, input: self, target: formatShape(target.shape) },
    });
  }
  if (target.shape.some((d, i) => d !== expected[i])) {
    throw new LossLensError({
      code: 'loss/batch-size',
      message: `Expected target of shape ${formatShape(expected)}, got ${formatShape(target.shape)}`,
      explanation: `The target ${formatShape(target.shape)} has fewer samples than the input ${formatShape(input.shape)}. PyTorch's ${op} would silently use only the first rows of the input; Loss Lens stops instead.`,
      hint: `Make the target's shape ${formatShape(expected)}: one class index per sample.`,
      data: { fn, input: formatShape(input.shape), target: formatShape(target.shape) },
    });
  }
  const classes = new Int32Array(layout.samples);
  for (let i = 0; i < layout.samples; i++) {
    const y = target.data[i]!;
    if (!(y >= 0 && y < layout.classes)) {
      throw new LossLensError({
        code: 'loss/index-out-of-bounds',
        message: `index ${y} is out of bounds for dimension 1 with size ${layout.classes}`,
        explanation: `Sample ${i} has target ${y}, but the input has ${layout.classes} classes (0 to ${layout.classes - 1}).${y < 0 ? ' These losses have no ignore_index: every target must be a real class.' : ''}`,
        hint:
          y < 0
            ? 'Remove the ignored samples before the loss (target >= 0), or use cross_entropy with ignore_index.'
            : `Use class indices 0 to ${layout.classes - 1}, or give the input ${y + 1} classes.`,
        data: { fn, index: y, classes: layout.classes, sample: i },
      });
    }
    classes[i] = y;
  }
  return classes;
}

/** Per-sample softmax of a [N, C, d...] input, in float64, with the row maximum subtracted first. */
export interface SoftmaxRows {
  /** [samples, C], row-major. */
  readonly probabilities: Float64Array;
  readonly logProbabilities: Float64Array;
  /** argmax per sample (NaN counts as the largest, as torch.argmax does). */
  readonly predictedClass: Int32Array;
  /** How many rows are ≥ 0 and sum to 1 ± 1e-4: probabilities passed where logits belong. */
  readonly probabilityRows: number;
}

/** The max-shifted (log-)softmax of every sample. */
export function softmaxRows(input: Tensor, layout: ClassLayout): SoftmaxRows {
  const { classes: C, spatial: S, samples } = layout;
  const x = input.data;
  const probabilities = new Float64Array(samples * C);
  const logProbabilities = new Float64Array(samples * C);
  const predictedClass = new Int32Array(samples);
  let probabilityRows = 0;
  for (let i = 0; i < samples; i++) {
    const n = Math.floor(i / S);
    const base = n * C * S + (i - n * S);
    let max = -Infinity;
    let argmax = 0;
    let firstNaN = -1;
    let rowSum = 0;
    let nonNegative = true;
    for (let c = 0; c < C; c++) {
      const v = x[base + c * S]!;
      if (v > max) {
        max = v;
        argmax = c;
      } else if (v !== v && firstNaN < 0) firstNaN = c;
      rowSum += v;
      if (!(v >= 0)) nonNegative = false;
    }
    if (nonNegative && Math.abs(rowSum - 1) <= 1e-4) probabilityRows++;
    predictedClass[i] = firstNaN >= 0 ? firstNaN : argmax;
    let expSum = 0;
    for (let c = 0; c < C; c++) expSum += Math.exp(x[base + c * S]! - max);
    const logExpSum = Math.log(expSum);
    for (let c = 0; c < C; c++) {
      const logp = x[base + c * S]! - max - logExpSum;
      logProbabilities[i * C + c] = logp;
      probabilities[i * C + c] = Math.exp(logp);
    }
  }
  return { probabilities, logProbabilities, predictedClass, probabilityRows };
}

/** The flat offset of class `c` of sample `i` in a [N, C, d...] tensor. */
export function classOffset(layout: ClassLayout, i: number, c: number): number {
  const n = Math.floor(i / layout.spatial);
  return n * layout.classes * layout.spatial + c * layout.spatial + (i - n * layout.spatial);
}

/** A classification breakdown for index targets over a softmax (no weights, nothing ignored). */
export function softmaxClassification(
  dtype: DType,
  layout: ClassLayout,
  rows: SoftmaxRows,
  targetClass: Int32Array,
  sampleWeight?: Float64Array,
): ClassificationBreakdown {
  const { classes: C, samples } = layout;
  const probabilities = allocate(dtype, samples * C);
  const logProbabilities = allocate(dtype, samples * C);
  probabilities.set(rows.probabilities);
  logProbabilities.set(rows.logProbabilities);
  const targetProbability = new Float64Array(samples);
  for (let i = 0; i < samples; i++) targetProbability[i] = probabilities[i * C + targetClass[i]!]!;
  return {
    classDim: layout.classDim,
    numClasses: C,
    probabilities: { dtype, shape: [samples, C], data: probabilities },
    logProbabilities: { dtype, shape: [samples, C], data: logProbabilities },
    targetClass,
    targetProbability,
    predictedClass: rows.predictedClass,
    sampleWeight: sampleWeight ?? new Float64Array(samples).fill(1),
    ignored: new Uint8Array(samples),
  };
}

/**
 * Reduction as a Python reference implementation spells it (`loss.mean()` / `loss.sum()`): any other string is the
 * ValueError such implementations raise.
 */
export function referenceReduction(fn: string, value: unknown, defaults: LossOptions): Reduction {
  if (value === 'none' || value === 'mean' || value === 'sum') return value;
  throw new LossLensError({
    code: 'loss/invalid-reduction',
    message: `ValueError: ${String(value)} is not a valid value for reduction`,
    explanation: `${fn} reduces with loss.mean() or loss.sum(); reduction must be 'none', 'mean' or 'sum'.`,
    hint: `Use reduction='${String(defaults['reduction'] ?? 'mean')}' (the default), 'sum' or 'none'.`,
    data: { fn, value: String(value) },
  });
}

/** A float keyword of a reference implementation (ints and booleans accepted, as Python arithmetic does). */
export function numberOption(fn: string, name: string, value: unknown, fallback: number): number {
  return floatOption(fn, name, undefined, value as number | undefined, fallback);
}

/** The notice for logits that look like probabilities (every row ≥ 0, summing to 1). */
export function softmaxInputNotice(
  fn: string,
  rows: SoftmaxRows,
  layout: ClassLayout,
): ReturnType<typeof notice> | undefined {
  if (layout.samples === 0 || layout.classes < 2 || rows.probabilityRows !== layout.samples) return undefined;
  return notice(
    'warning',
    'warn/softmax-before-ce',
    `The input looks like softmax output (every row is ≥ 0 and sums to 1), but ${fn} expects raw logits.`,
    `${fn} applies the softmax itself, so probabilities get softmaxed twice: the predictions squeeze towards uniform and the gradients shrink.`,
    'Remove the softmax before the loss and pass the raw logits.',
    { rows: layout.samples, classes: layout.classes },
  );
}

/** Rounds to the precision a dtype stores (float32 for the narrow types), as PyTorch's kernels do step by step. */
export function rounder(dtype: DType): (x: number) => number {
  return dtype === 'float64' ? (x) => x : Math.fround;
}

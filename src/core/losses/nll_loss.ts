/**
 * `F.nll_loss` / `nn.NLLLoss`, and the class-index machinery `cross_entropy` shares with it (ATen's `nll_loss_nd`:
 * the shape, dtype, weight and bounds checks in PyTorch's order, and the per-sample weights).
 *
 * Shapes: input [C] (unbatched, target 0-d), [N, C] (target [N]) or [N, C, d1..dk] (target [N, d1..dk]). The input
 * holds log-probabilities; the loss of a sample is −w[yᵢ]·input[i, yᵢ], and `mean` divides by Σ w[yᵢ] over the
 * samples whose target is not `ignore_index`.
 */
import { LossLensError } from '../diagnostics';
import type { Diagnostic } from '../diagnostics';
import { allocate, formatShape, isFloating, numel, scalarTypeName, toNested, type DType, type Tensor } from '../tensor';
import { intOption, notice, parseReduction, reduce, requireInputs, resolveOptions, tensorOption } from './reduction';
import {
  float64Output,
  int32Output,
  uint8Output,
  type ClassificationBreakdown,
  type LossDefinition,
  type LossOptions,
  type LossResult,
  type OutputBuffers,
  type Reduction,
  type ReductionBreakdown,
} from './types';

/** The geometry of a class-scores input: [C] (unbatched), [N, C] or [N, C, d1..dk]. */
export interface ClassLayout {
  readonly unbatched: boolean;
  /** N (1 when unbatched). */
  readonly batch: number;
  /** C. */
  readonly classes: number;
  /** d1·…·dk (1 without spatial dims). */
  readonly spatial: number;
  /** N·d1·…·dk: one prediction each. */
  readonly samples: number;
  /** 0 for [C], 1 otherwise. */
  readonly classDim: number;
  /** The reduction='none' shape: [] for [C], [N] or [N, d1..dk]. */
  readonly outputShape: number[];
}

/** The layout of an input with at least one dimension. */
export function classLayout(input: Tensor): ClassLayout {
  const s = input.shape;
  if (s.length === 1)
    return { unbatched: true, batch: 1, classes: s[0]!, spatial: 1, samples: 1, classDim: 0, outputShape: [] };
  const spatialDims = s.slice(2);
  const spatial = numel(spatialDims);
  return {
    unbatched: false,
    batch: s[0]!,
    classes: s[1]!,
    spatial,
    samples: s[0]! * spatial,
    classDim: 1,
    outputShape: [s[0]!, ...spatialDims],
  };
}

/** Class-index targets resolved per sample, after every check `nll_loss_nd` makes. */
export interface IndexTargets {
  readonly layout: ClassLayout;
  /** Per sample: the target as given (ignored ones included; clamped to the int32 range). */
  readonly targetClass: Int32Array;
  /** Per sample: 1 when the target equals ignore_index. */
  readonly ignored: Uint8Array;
  readonly ignoredCount: number;
  /** Per sample: w[yᵢ] (1 without class weights, 0 when ignored). */
  readonly sampleWeight: Float64Array;
  /** Σ sampleWeight: what `mean` divides by. */
  readonly totalWeight: number;
  /** The class weights as float64, when given. */
  readonly classWeights: Float64Array | undefined;
}

/** The dtypes ATen's loss kernels accept for the input on CPU (Half is not implemented there in 1.13). */
export function isKernelFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'bfloat16';
}

/** PyTorch's `"<kernel>" not implemented for 'Long'` with the fix for integer or half inputs. */
export function notImplementedError(kernel: string, dtype: DType, what = 'input'): LossLensError {
  const name = scalarTypeName(dtype);
  const integral = !isFloating(dtype);
  return new LossLensError({
    code: 'loss/input-dtype',
    message: `"${kernel}" not implemented for '${name}'`,
    explanation: integral
      ? `The ${what} holds integers (${name}); this loss needs floating-point scores. torch.tensor([[1, 2]]) makes a Long tensor, torch.tensor([[1., 2.]]) a Float one.`
      : `PyTorch 1.13 has no CPU kernel for ${name} (${dtype}) here.`,
    hint: `Convert the ${what} with .float() (or write the literal with decimal points).`,
    data: { kernel, dtype: name, what },
  });
}

function clampInt32(v: number): number {
  return v > 2147483647 ? 2147483647 : v < -2147483648 ? -2147483648 : v;
}

/** PyTorch prints an int64 without a decimal point. */
function intText(v: number): string {
  return Number.isFinite(v) ? BigInt(Math.trunc(v)).toString() : String(v);
}

/**
 * Runs `nll_loss_nd`'s checks in PyTorch's order (dimensions, batch size, target shape, weight shape, dtypes, bounds)
 * and resolves each sample's target and weight. `fn` names the loss for explanations; `outputs`: where the per-sample
 * arrays' memory comes from (summary mode in the loss worker), else fresh arrays.
 */
export function checkIndexTargets(
  fn: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | undefined,
  reduction: Reduction,
  ignoreIndex: number,
  outputs?: OutputBuffers,
): IndexTargets {
  const dim = input.shape.length;
  if (dim < 1) {
    throw new LossLensError({
      code: 'loss/input-dims',
      message: `ValueError: Expected 1 or more dimensions (got ${dim})`,
      explanation: `${fn} needs class scores: [C] for one sample, [N, C] for a batch, or [N, C, d1, ...]. The input is a 0-d scalar.`,
      hint: 'Pass one score per class, e.g. torch.tensor([2.0, 0.5, -1.0]).',
      data: { fn, dims: dim },
    });
  }
  const targetBatch = target.shape.length > 0 ? target.shape[0]! : 0;
  if (dim !== 1 && input.shape[0] !== targetBatch) {
    const flatHint =
      target.shape.length > 0 && numel(target.shape) === input.shape[0]
        ? ` The input has one row per element of the target: flatten the target too, target.view(-1).`
        : input.shape.length >= 3 && numel(input.shape.slice(0, -1)) === numel(target.shape)
          ? ' If the classes are in the last dimension, flatten both: input.view(-1, C) and target.view(-1).'
          : '';
    throw new LossLensError({
      code: 'loss/batch-size',
      message: `ValueError: Expected input batch_size (${input.shape[0]}) to match target batch_size (${targetBatch}).`,
      explanation: `The input has ${input.shape[0]} samples in dimension 0 but the target ${target.shape.length > 0 ? `has ${targetBatch}` : 'is a 0-d scalar'}; ${fn} needs one target per sample.`,
      hint: `Make target.shape[0] equal input.shape[0].${flatHint}`,
      data: {
        fn,
        inputBatch: input.shape[0]!,
        targetBatch,
        input: formatShape(input.shape),
        target: formatShape(target.shape),
      },
    });
  }
  const classes = dim === 1 ? input.shape[0]! : input.shape[1]!;
  let kernel: string;
  let byteAllowed: boolean;
  if (dim === 1 || dim === 2) {
    if (target.shape.length > 1) {
      const n1 = target.shape.length === 2 && target.shape[1] === 1;
      const oneHot = target.shape.length === 2 && target.shape[1] === classes;
      throw new LossLensError({
        code: 'loss/multi-target',
        message: '0D or 1D target tensor expected, multi-target not supported',
        explanation: n1
          ? `The target is ${formatShape(target.shape)}: one column per sample. ${fn} wants class indices of shape [${target.shape[0]}].`
          : oneHot
            ? `The target ${formatShape(target.shape)} looks one-hot; ${fn} wants one class index per sample, shape [${target.shape[0]}].`
            : `The target is ${target.shape.length}-D ${formatShape(target.shape)}; with a ${formatShape(input.shape)} input ${fn} wants class indices of shape [${input.shape[0]}].`,
        hint: n1
          ? 'Drop the extra dimension: target.squeeze(1) (or target.view(-1)).'
          : oneHot
            ? fn === 'cross_entropy'
              ? 'Use target.argmax(dim=1) for class indices, or pass probabilities as a float tensor.'
              : 'Use target.argmax(dim=1) for class indices.'
            : 'Pass one class index per sample.',
        data: { fn, input: formatShape(input.shape), target: formatShape(target.shape) },
      });
    }
    const noBatchDim = dim === 1 && target.shape.length === 0;
    if (!noBatchDim) {
      if (target.shape.length === 0) {
        throw new LossLensError({
          code: 'loss/target-size',
          message: 'IndexError: Dimension specified as 0 but tensor has no dimensions',
          explanation: `The target is a 0-d scalar but the input ${formatShape(input.shape)} is a batch; ${fn} wants one class index per sample.`,
          hint: `Give the target shape [${input.shape[0]}].`,
          data: { fn, input: formatShape(input.shape), target: formatShape(target.shape) },
        });
      }
      if (input.shape[0] !== target.shape[0]) {
        throw new LossLensError({
          code: 'loss/target-size',
          message: `size mismatch (got input: ${formatShape(input.shape)}, target: ${formatShape(target.shape)})`,
          explanation: `A 1-D input ${formatShape(input.shape)} is one sample with ${classes} class scores, so the target must be a 0-d class index.`,
          hint: 'Pass the target as a scalar, e.g. torch.tensor(2), or add a batch dimension to the input with input.unsqueeze(0).',
          data: { fn, input: formatShape(input.shape), target: formatShape(target.shape) },
        });
      }
    }
    if (weight && !(weight.shape.length === 1 && numel(weight.shape) === classes)) {
      throw weightSizeError(
        fn,
        classes,
        weight,
        `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`,
      );
    }
    kernel = 'nll_loss_out_frame';
    byteAllowed = true;
  } else {
    if (dim !== 4) {
      const expected = [input.shape[0]!, ...input.shape.slice(2)];
      const rest = target.shape.slice(1);
      const same = rest.length === expected.length - 1 && rest.every((d, i) => d === expected[i + 1]);
      if (!same)
        throw spatialTargetError(
          fn,
          input,
          target,
          `Expected target size ${formatShape(expected)}, got ${formatShape(target.shape)}`,
        );
    } else {
      if (target.shape.length !== 3) {
        throw spatialTargetError(
          fn,
          input,
          target,
          `only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.shape.length}`,
        );
      }
    }
    if (weight && numel(weight.shape) !== classes) {
      throw weightSizeError(fn, classes, weight, 'weight tensor should be defined either for all or no classes');
    }
    if (dim === 4) {
      const s = input.shape;
      const t = target.shape;
      if (s[0] !== t[0] || s[2] !== t[1] || s[3] !== t[2]) {
        throw spatialTargetError(
          fn,
          input,
          target,
          `size mismatch (got input: ${formatShape(s)} , target: ${formatShape(t)}`,
        );
      }
    }
    kernel = 'nll_loss2d_forward_out_frame';
    byteAllowed = false;
  }
  if (!isKernelFloat(input.dtype)) throw notImplementedError(kernel, input.dtype);
  if (weight && weight.dtype !== input.dtype) {
    throw new LossLensError({
      code: 'loss/weight-dtype',
      message: `expected scalar type ${scalarTypeName(input.dtype)} but found ${scalarTypeName(weight.dtype)}`,
      explanation: `The class weights are ${scalarTypeName(weight.dtype)} (${weight.dtype}) but the input is ${scalarTypeName(input.dtype)} (${input.dtype}); ${fn} needs them to match.`,
      hint: `Create the weights with the input's dtype: weight.to(input.dtype)${input.dtype === 'float32' ? ' or .float()' : ''}.`,
      data: { fn, expected: scalarTypeName(input.dtype), found: scalarTypeName(weight.dtype) },
    });
  }
  const layout = classLayout(input);
  const samples = layout.samples;
  const targetClass = int32Output(outputs, samples);
  const ignored = uint8Output(outputs, samples);
  const sampleWeight = float64Output(outputs, samples);
  const classWeights = weight ? Float64Array.from(weight.data) : undefined;
  // The reducing kernels return before reading the target when it is empty (so its dtype is never checked).
  const scalarPath = reduction !== 'none' || dim === 1;
  if (scalarPath && numel(target.shape) === 0) {
    return { layout, targetClass, ignored, ignoredCount: 0, sampleWeight, totalWeight: 0, classWeights };
  }
  if (!(target.dtype === 'int64' || (byteAllowed && target.dtype === 'uint8')))
    throw targetDtypeError(fn, input, target);
  let ignoredCount = 0;
  let totalWeight = 0;
  for (let i = 0; i < samples; i++) {
    const y = target.data[i]!;
    targetClass[i] = clampInt32(y);
    if (y === ignoreIndex) {
      ignored[i] = 1;
      ignoredCount++;
      continue;
    }
    if (!(y >= 0 && y < classes)) throw outOfBoundsError(fn, y, classes, ignoreIndex, i, layout);
    const w = classWeights ? classWeights[y]! : 1;
    sampleWeight[i] = w;
    totalWeight += w;
  }
  return { layout, targetClass, ignored, ignoredCount, sampleWeight, totalWeight, classWeights };
}

function weightSizeError(fn: string, classes: number, weight: Tensor, message: string): LossLensError {
  const given = numel(weight.shape);
  return new LossLensError({
    code: 'loss/weight-size',
    message,
    explanation: `${fn} takes one weight per class: ${classes} values for the ${classes} classes in dimension 1 of the input, but weight has shape ${formatShape(weight.shape)}.`,
    hint:
      given === classes
        ? `Flatten the weights to 1-D: weight.view(-1).`
        : `Pass a 1-D weight of length ${classes}, or check that the model really outputs ${given} classes.`,
    data: { fn, classes, weightShape: formatShape(weight.shape), given },
  });
}

function spatialTargetError(fn: string, input: Tensor, target: Tensor, message: string): LossLensError {
  const s = input.shape;
  const t = target.shape;
  // A sequence model's output [N, L, C] with targets [N, L]: the classes are in the last dimension, not dimension 1.
  const classesLast = t.length === s.length - 1 && t.every((d, i) => d === s[i]);
  const perm = [0, s.length - 1, ...Array.from({ length: s.length - 2 }, (_, i) => i + 1)];
  const expected = [s[0]!, ...s.slice(2)];
  return new LossLensError({
    code: 'loss/target-size',
    message,
    explanation: classesLast
      ? `${fn} reads the classes from dimension 1 of a ${s.length}-D input, so it takes ${formatShape(s)} as N=${s[0]}, C=${s[1]} and expects targets ${formatShape(expected)}. Your target ${formatShape(t)} matches the input without its last dimension: the classes are probably last.`
      : `For an input ${formatShape(s)} (N=${s[0]}, C=${s[1]}, then the extra dimensions) ${fn} expects targets of shape ${formatShape(expected)}, one class index per position; got ${formatShape(t)}.`,
    hint: classesLast
      ? `Move the classes to dimension 1: input.permute(${perm.join(', ')}).`
      : `Give the target shape ${formatShape(expected)}.`,
    data: { fn, input: formatShape(s), target: formatShape(t), expected: formatShape(expected) },
  });
}

function targetDtypeError(fn: string, input: Tensor, target: Tensor): LossLensError {
  const found = scalarTypeName(target.dtype);
  const floating = isFloating(target.dtype);
  return new LossLensError({
    code: 'loss/target-dtype',
    message: `expected scalar type Long but found ${found}`,
    explanation: floating
      ? `The target holds ${found} (${target.dtype}) values; with a target shaped ${formatShape(target.shape)} against an input ${formatShape(input.shape)}, ${fn} reads it as class indices, which must be int64 (Long).`
      : `Class indices must be int64 (Long)${input.shape.length <= 2 ? ' or uint8' : ''}; the target is ${found} (${target.dtype}).`,
    hint:
      floating && fn === 'cross_entropy'
        ? 'Convert with target.long(), or pass class probabilities with the same shape as the input.'
        : 'Convert with target.long().',
    data: { fn, found, dtype: target.dtype },
  });
}

function outOfBoundsError(
  fn: string,
  y: number,
  classes: number,
  ignoreIndex: number,
  sample: number,
  layout: ClassLayout,
): LossLensError {
  const text = intText(y);
  const oneBased = y === classes;
  return new LossLensError({
    code: 'loss/index-out-of-bounds',
    message: `IndexError: Target ${text} is out of bounds.`,
    explanation:
      `Sample ${layout.spatial === 1 ? sample : `${Math.floor(sample / layout.spatial)} (position ${sample % layout.spatial})`} has target ${text}, but the input has ${classes} classes, so valid targets are 0..${classes - 1}` +
      (ignoreIndex !== -100 ? ` (or ignore_index=${ignoreIndex}).` : ' (or ignore_index, default -100).'),
    hint: oneBased
      ? `Labels look 1-based: subtract 1 (target - 1), or make the model output ${classes + 1} classes.`
      : y < 0
        ? `Negative labels are only skipped when they equal ignore_index; pass ignore_index=${text} if these are padding.`
        : `Make the model output at least ${text}+1 classes, or remap the labels into 0..${classes - 1}.`,
    data: { fn, target: text, classes, maxClass: classes - 1, sample, ignoreIndex },
  });
}

/** The reduction breakdown for class-index losses: `mean` divides by Σ w[yᵢ] over the non-ignored samples. */
export function indexReduction(
  fn: string,
  perSample: Float64Array,
  reduction: Reduction,
  t: IndexTargets,
): ReductionBreakdown {
  const kept = t.layout.samples - t.ignoredCount;
  const samplesWord = (n: number): string => `${n} ${n === 1 ? 'sample' : 'samples'}`;
  const label = t.classWeights
    ? `Σ w[yᵢ] over ${kept} non-ignored ${kept === 1 ? 'sample' : 'samples'}`
    : t.ignoredCount > 0
      ? `${samplesWord(kept)} not equal to ignore_index`
      : `N = ${samplesWord(kept)}`;
  const why = t.classWeights
    ? `weighted mean: ${fn} divides by the sum of the class weights of the targets (ignored samples excluded), not by the number of samples`
    : t.ignoredCount > 0
      ? `${fn} averages over the samples whose target is not ignore_index; ignored samples count neither in the sum nor in the denominator`
      : `reduction='mean' averages the per-sample losses`;
  return reduce(perSample, reduction, { denominator: t.totalWeight, denominatorLabel: label, why }).breakdown;
}

/** Notices about what `mean` divides by, ignored samples and class weights (shared by nll_loss and cross_entropy). */
export function indexNotices(
  moduleName: string,
  reduction: Reduction,
  ignoreIndex: number,
  t: IndexTargets,
  numerator: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const n = t.layout.samples;
  const kept = n - t.ignoredCount;
  if (n > 0 && kept === 0) {
    out.push(
      notice(
        'warning',
        'warn/all-ignored',
        reduction === 'mean'
          ? `Every target equals ignore_index (${ignoreIndex}), so reduction='mean' is 0/0 = nan.`
          : `Every target equals ignore_index (${ignoreIndex}), so the loss is 0 and no gradient flows.`,
        `${moduleName} skips samples whose target is ignore_index. All ${n} are skipped here${reduction === 'mean' ? ', and PyTorch deliberately returns nan for the mean over nothing' : ''}.`,
        'Check the padding/masking of this batch, or skip batches with no labelled samples (e.g. if (target != ignore_index).any()).',
        { ignoreIndex, samples: n },
      ),
    );
  } else if (n === 0 && reduction === 'mean') {
    out.push(
      notice(
        'warning',
        'warn/empty-mean',
        `The batch is empty, so reduction='mean' is 0/0 = nan.`,
        `${moduleName} averages over the samples, and there are none.`,
        "Skip empty batches, or use reduction='sum'.",
        { samples: 0 },
      ),
    );
  }
  if (reduction === 'mean' && kept > 0 && n > 0) {
    const plainMean = numerator / n;
    const value = numerator / t.totalWeight;
    if (t.classWeights && t.totalWeight !== n) {
      out.push(
        notice(
          'info',
          'info/weighted-mean',
          `reduction='mean' divides by Σ w[yᵢ] = ${fmt(t.totalWeight)}, not by the ${n} samples.`,
          `With class weights, ${moduleName}'s mean is a weighted mean: Σ w[yᵢ]·lossᵢ / Σ w[yᵢ] = ${fmt(value)}. reduction='none' followed by .mean() divides by N = ${n} instead and gives ${fmt(plainMean)}.`,
          "Keep 'mean' for the weighted average. For a plain average (e.g. when accumulating gradients over batches), use reduction='sum' and divide by the number of samples yourself.",
          { totalWeight: t.totalWeight, samples: n, value, plainMean },
        ),
      );
    } else if (!t.classWeights && t.ignoredCount > 0) {
      out.push(
        notice(
          'info',
          'info/ignored-mean',
          `reduction='mean' divides by the ${kept} non-ignored samples, not by all ${n}.`,
          `${t.ignoredCount} ${t.ignoredCount === 1 ? 'target equals' : 'targets equal'} ignore_index (${ignoreIndex}); they count neither in the sum nor in the denominator. The mean is ${fmt(value)}; reduction='none' followed by .mean() would give ${fmt(plainMean)}.`,
          "That is usually what you want. For a fixed denominator across batches, use reduction='sum' and divide yourself.",
          { kept, samples: n, ignored: t.ignoredCount, value, plainMean },
        ),
      );
    }
  }
  if (t.classWeights) {
    const w = classWeightsNotice(moduleName, t.classWeights);
    if (w) out.push(w);
  }
  return out;
}

/** `info/class-weights` when some class weight differs from 1 (undefined when all are 1). */
export function classWeightsNotice(moduleName: string, weights: ArrayLike<number>): Diagnostic | undefined {
  const differing: string[] = [];
  let count = 0;
  for (let c = 0; c < weights.length; c++) {
    if (weights[c] !== 1) {
      count++;
      if (differing.length < 8) differing.push(`w[${c}] = ${fmt(weights[c]!)}`);
    }
  }
  if (count === 0) return undefined;
  const list = differing.join(', ') + (count > differing.length ? `, … (${count} in all)` : '');
  return notice(
    'info',
    'info/class-weights',
    `Class weights differ from 1: ${list}.`,
    `${moduleName} multiplies each sample's loss (and gradient) by the weight of its class, so these classes count ${count === 1 ? 'differently' : 'differently from the others'}.`,
    undefined,
    { classes: count, weights: list },
  );
}

/** A short number for messages (6 significant digits, like PyTorch's print). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v).toLowerCase().replace('infinity', 'inf');
  return String(Number(v.toPrecision(6)));
}

/** The output tensor of a reduction: the per-element tensor for 'none', else a 0-d tensor. */
export function reducedOutput(dtype: DType, reduction: Reduction, perElement: Tensor, value: number): Tensor {
  if (reduction === 'none') return perElement;
  const data = allocate(dtype, 1);
  data[0] = value;
  return { dtype, shape: [], data };
}

/** The first index of the largest value in a strided row (NaN counts as largest, as torch.argmax does). */
export function argmaxStrided(data: ArrayLike<number>, base: number, stride: number, count: number): number {
  let best = -Infinity;
  let bestIndex = 0;
  for (let c = 0; c < count; c++) {
    const v = data[base + c * stride]!;
    if (v !== v) return c;
    if (v > best) {
      best = v;
      bestIndex = c;
    }
  }
  return bestIndex;
}

const NLL_DEFAULTS: LossOptions = {
  weight: null,
  size_average: null,
  ignore_index: -100,
  reduce: null,
  reduction: 'mean',
};

/**
 * Negative log-likelihood over class indices. Input: log-probabilities [C], [N, C] or [N, C, d1..dk]; target: int64
 * class indices [], [N] or [N, d1..dk] (uint8 also accepted for 1-D/2-D inputs, as on PyTorch's CPU).
 */
export const nllLoss: LossDefinition = {
  name: 'nll_loss',
  moduleName: 'NLLLoss',
  inputs: ['input', 'target'],
  defaults: NLL_DEFAULTS,
  summary: 'Negative log-likelihood of class indices given log-probabilities (use after log_softmax).',
  compute(inputs, options, settings): LossResult {
    const resolved = resolveOptions('nll_loss', NLL_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('nll_loss', inputs, ['input', 'target']) as [Tensor, Tensor];
    const reduction = parseReduction(opts['reduction']);
    const weight = tensorOption('nll_loss_nd', 'weight', 3, opts['weight']);
    const ignoreIndex = intOption('nll_loss_nd', 'ignore_index', 5, opts['ignore_index'], -100);
    const t = checkIndexTargets('nll_loss', input, target, weight, reduction, ignoreIndex);
    const { layout } = t;
    const { classes: C, spatial: S, samples } = layout;
    const x = input.data;
    const dtype = input.dtype;

    const perSample = new Float64Array(samples);
    const perElementData = allocate(dtype, samples);
    // Summary mode (large inputs) keeps nothing the size of the input.
    const full = settings?.detail !== 'summary';
    const gradient = allocate(dtype, full ? x.length : 0);
    const probabilities = allocate(dtype, full ? samples * C : 0);
    const logProbabilities = allocate(dtype, full ? samples * C : 0);
    const targetProbability = new Float64Array(samples);
    const predictedClass = new Int32Array(samples);
    // 'mean' scales each gradient by 1/Σw; with Σw = 0 that is inf, and 0·inf = nan as in PyTorch's backward.
    const scale = reduction === 'mean' ? 1 / t.totalWeight : 1;
    let notLogProbRows = 0;
    for (let i = 0; i < samples; i++) {
      const n = Math.floor(i / S);
      const s = i - n * S;
      const base = n * C * S + s;
      let expSum = 0;
      let positive = false;
      for (let c = 0; c < C; c++) {
        const v = x[base + c * S]!;
        const p = Math.exp(v);
        if (full) {
          probabilities[i * C + c] = p;
          logProbabilities[i * C + c] = v;
        }
        expSum += p;
        if (v > 0) positive = true;
      }
      if (positive || Math.abs(expSum - 1) > 1e-4) notLogProbRows++;
      predictedClass[i] = argmaxStrided(x, base, S, C);
      const y = t.targetClass[i]!;
      targetProbability[i] = y >= 0 && y < C ? Math.exp(x[base + y * S]!) : NaN;
      if (t.ignored[i]) continue;
      const w = t.sampleWeight[i]!;
      const loss = -w * x[base + y * S]!;
      perSample[i] = loss;
      perElementData[i] = loss;
      if (full) gradient[base + y * S] = -w * scale;
    }
    const breakdown = indexReduction('NLLLoss', perSample, reduction, t);
    const value = reduction === 'none' ? NaN : breakdown.numerator / breakdown.denominator;
    const perElement: Tensor = { dtype, shape: layout.outputShape, data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, reduction === 'sum' ? breakdown.numerator : value);

    const warnings: Diagnostic[] = [...resolved.warnings];
    if (samples > 0 && notLogProbRows > 0) {
      warnings.push(
        notice(
          'warning',
          'warn/nll-input-not-log-probs',
          `The input does not look like log-probabilities (${notLogProbRows} of ${samples} ${samples === 1 ? 'row' : 'rows'} ${notLogProbRows === 1 ? 'has' : 'have'} a value above 0 or exp() not summing to 1).`,
          'NLLLoss does not apply softmax: it only picks −input[target]. On raw logits the loss can go negative and is not a cross-entropy; on probabilities it is the negative probability.',
          'Apply F.log_softmax(logits, dim=1) first, or use CrossEntropyLoss on the raw logits.',
          { rows: notLogProbRows, samples },
        ),
      );
    }
    warnings.push(...indexNotices('NLLLoss', reduction, ignoreIndex, t, breakdown.numerator));

    const classification: ClassificationBreakdown = {
      classDim: layout.classDim,
      numClasses: C,
      probabilities: { dtype, shape: full ? [samples, C] : [0], data: probabilities },
      logProbabilities: { dtype, shape: full ? [samples, C] : [0], data: logProbabilities },
      targetClass: t.targetClass,
      targetProbability,
      predictedClass,
      sampleWeight: t.sampleWeight,
      ignored: t.ignored,
    };
    return {
      fn: 'nll_loss',
      value: !full && reduction === 'none' ? NaN : toNested(output),
      output,
      perElement,
      perSample,
      reduction: breakdown,
      classification,
      gradient: full ? { input: { dtype, shape: [...input.shape], data: gradient } } : {},
      warnings,
      options: { ...opts, reduction },
      ...(full ? {} : { detail: 'summary' as const, summary: {} }),
    };
  },
};

/**
 * The margin losses: `soft_margin_loss`, `margin_ranking_loss`, `hinge_embedding_loss` (±1 labels) and the
 * multi-class hinges `multi_margin_loss` and `multilabel_margin_loss` (class-index targets).
 *
 * Kinks follow PyTorch's autograd: in 1.13 `clamp_min(v, 0)` passes the gradient when v ≥ 0 (in 2.x only when v > 0;
 * see `kinkPasses`), so exactly at the margin the
 * gradient flows), while the multi-class CPU kernels count a term only when it is strictly positive.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { formatShape, formatTorchSize, isFloating, isIntegral, numel, type Tensor } from '../tensor';
import { broadcastOrThrow, inPlaceBroadcastError, notice, requireInputs } from './reduction';
import {
  asFloat64,
  boolNegationError,
  boolSubtractionError,
  broadcastIndex,
  castError,
  countLabel,
  dtypeOnly,
  finishResult,
  float64Extras,
  gather,
  gradScale,
  gradTensor,
  integerMeanError,
  kernelDtypeError,
  OptionReader,
  plusMinusOneLabelWarnings,
  promoteTypes,
  resultType,
  rounderFor,
  sameShape,
  scalarTypeError,
  scatterAdd,
  wrapInteger,
  type ResultParts,
} from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { kinkPasses } from './versions';

const LEGACY = { size_average: null, reduce: null } as const;

/** PyTorch 1.13 broadcasts these inputs silently (newer versions refuse): say so. */
function silentBroadcastWarning(fn: string, what: string, shapes: string, out: readonly number[]): Diagnostic {
  return notice(
    'warning',
    'warn/silent-broadcast',
    `${fn}: ${what} have different shapes (${shapes}) and PyTorch broadcasts them to ${formatShape(out)} without a warning.`,
    `Every element is paired with every broadcast partner, so the loss averages ${numel(out)} terms; this is rarely intended.`,
    'Give the tensors the same shape (squeeze or view them) before calling the loss.',
    { loss: fn, shapes, broadcast: formatShape(out) },
  );
}

/** `half` kernels PyTorch 1.13's CPU build lacks. */
function halfKernelError(fn: string, kernel: string): LossLensError {
  return kernelDtypeError(fn, kernel, 'float16');
}

// ---------------------------------------------------------------------------------------------------------------------
// soft_margin_loss

const SOFT_MARGIN_DEFAULTS: LossOptions = { ...LEGACY, reduction: 'mean' };

function softMargin(inputs: LossInputs, options: LossOptions): LossResult {
  const fn = 'soft_margin_loss';
  const opts = new OptionReader(fn, SOFT_MARGIN_DEFAULTS, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const reduction = opts.reduction();
  // PyTorch: neg_out(output, input).mul_(target).exp_().add_(1).log_() in the input's dtype.
  if (input.dtype === 'bool') throw boolNegationError(fn, 'input');
  const shape = broadcastOrThrow(input.shape, target.shape, { a: 'input', b: 'target' });
  if (!sameShape(shape, input.shape)) throw inPlaceBroadcastError(input.shape, shape, 'target');
  if (!isFloating(input.dtype)) {
    throw castError(
      fn,
      isFloating(target.dtype) ? promoteTypes(input.dtype, target.dtype) : 'float32',
      input.dtype,
      'input',
    );
  }
  if (input.dtype === 'float16') throw halfKernelError(fn, 'exp_vml_cpu');
  const r = rounderFor(input.dtype);
  const x = asFloat64(input);
  const tMap = broadcastIndex(target.shape, shape);
  const t = gather(target, tMap);
  const n = x.length;
  const perElement = new Float64Array(n);
  const grad = new Float64Array(n);
  const scale = gradScale(reduction, n);
  const signedScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = r(-x[i]! * t[i]!);
    const z = r(Math.exp(m));
    perElement[i] = r(Math.log(r(1 + z)));
    signedScore[i] = -m;
    // PyTorch's backward: -norm · y · z / (1 + z) with z = exp(-y·x) (inf/inf gives NaN as in PyTorch).
    grad[i] = r(r(r(t[i]! * z) * -scale) / r(1 + z));
  }
  const warnings = [
    ...opts.warnings,
    ...plusMinusOneLabelWarnings(
      fn,
      target,
      'a 0 label makes the term log(1 + exp(0)) = log 2 ≈ 0.693 whatever the input, with zero gradient.',
      'the term is log(1 + exp(−y·x)), so a label y other than ±1 rescales how hard the input is pushed.',
    ),
  ];
  // The forward multiplies by a bool target, but the backward negates it, which PyTorch refuses: no gradient.
  const boolTarget = target.dtype === 'bool';
  if (boolTarget) {
    warnings.push(
      notice(
        'warning',
        'warn/backward-error',
        boolNegationError(fn, 'target').message,
        `PyTorch computes ${fn} with a bool target, but loss.backward() then raises this error: the gradient negates the target.`,
        'Convert the target to ±1 floats before calling the loss: target.float() * 2 - 1.',
        { loss: fn },
      ),
    );
  }
  return finishResult({
    fn,
    dtype: input.dtype,
    shape,
    perElement,
    reduction,
    meanWords: { why: "reduction='mean' divides the summed log(1 + exp(−y·x)) terms by the number of elements" },
    gradient: boolTarget ? {} : { input: gradTensor(grad, input) },
    extras: { signedScore: { dtype: 'float64', shape, data: signedScore } },
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.soft_margin_loss` / `nn.SoftMarginLoss`: log(1 + exp(−y·x)) with labels y = ±1. */
export const softMarginLoss: LossDefinition = {
  name: 'soft_margin_loss',
  moduleName: 'SoftMarginLoss',
  inputs: ['input', 'target'],
  defaults: SOFT_MARGIN_DEFAULTS,
  summary: 'Two-class logistic loss log(1 + exp(−y·x)) for labels ±1.',
  compute: softMargin,
};

// ---------------------------------------------------------------------------------------------------------------------
// margin_ranking_loss

const MARGIN_RANKING_DEFAULTS: LossOptions = { margin: 0, ...LEGACY, reduction: 'mean' };

function marginRanking(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const fn = 'margin_ranking_loss';
  const opts = new OptionReader(fn, MARGIN_RANKING_DEFAULTS, options);
  const [input1, input2, target] = requireInputs(fn, inputs, ['input1', 'input2', 'target']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const margin = opts.number('margin');
  const reduction = opts.reduction();
  if (input1.shape.length !== input2.shape.length || input1.shape.length !== target.shape.length) {
    throw new LossLensError({
      code: 'loss/same-dimension',
      message:
        'margin_ranking_loss : All input tensors should have same dimension but got sizes: ' +
        `input1: ${formatTorchSize(input1.shape)}, input2: ${formatTorchSize(input2.shape)}, target: ${formatTorchSize(target.shape)} `,
      explanation: `input1, input2 and target must have the same number of dimensions; they have ${input1.shape.length}, ${input2.shape.length} and ${target.shape.length}.`,
      hint: 'Give the two score tensors and the ±1 target the same shape, e.g. all [N].',
      data: { input1: formatShape(input1.shape), input2: formatShape(input2.shape), target: formatShape(target.shape) },
    });
  }
  // PyTorch 1.13: (-target * (input1 - input2) + margin).clamp_min_(0)
  if (input1.dtype === 'bool' || input2.dtype === 'bool') {
    throw boolSubtractionError(
      fn,
      input1.dtype === 'bool' && input2.dtype === 'bool',
      input1.dtype === 'bool' ? 'input1' : 'input2',
    );
  }
  const diffShape = broadcastOrThrow(input1.shape, input2.shape, { a: 'input1', b: 'input2' });
  if (target.dtype === 'bool') throw boolNegationError(fn, 'target');
  const shape = broadcastOrThrow(target.shape, diffShape, { a: 'target', b: 'input1 - input2' });
  const diffType = resultType(input1, input2);
  const productType = resultType(target, dtypeOnly(diffType, diffShape));
  const dtype = resultType(dtypeOnly(productType, shape), 'float');
  if (dtype === 'float16') throw halfKernelError(fn, 'clamp_min_cpu');
  const r = rounderFor(dtype);
  const m1 = broadcastIndex(input1.shape, shape);
  const m2 = broadcastIndex(input2.shape, shape);
  const mt = broadcastIndex(target.shape, shape);
  const x1 = gather(input1, m1);
  const x2 = gather(input2, m2);
  const t = gather(target, mt);
  const n = x1.length;
  const perElement = new Float64Array(n);
  const difference = new Float64Array(n);
  const g1 = new Float64Array(n);
  const g2 = new Float64Array(n);
  const scale = gradScale(reduction, n);
  for (let i = 0; i < n; i++) {
    const d = r(x1[i]! - x2[i]!);
    difference[i] = d;
    const v = r(r(-t[i]! * d) + margin);
    perElement[i] = v < 0 ? 0 : v;
    if (kinkPasses(v, settings)) {
      g1[i] = r(-t[i]! * scale);
      g2[i] = r(t[i]! * scale);
    }
  }
  const warnings = [
    ...opts.warnings,
    ...plusMinusOneLabelWarnings(
      fn,
      target,
      'a 0 label makes the term max(0, margin) — a constant with no gradient for either input, so the pair teaches nothing.',
      'the term is max(0, −y·(x1 − x2) + margin), so a label y other than ±1 rescales the difference.',
    ),
  ];
  if (!sameShape(input1.shape, input2.shape) || !sameShape(input1.shape, target.shape)) {
    warnings.push(
      silentBroadcastWarning(
        fn,
        'input1, input2 and target',
        `${formatShape(input1.shape)}, ${formatShape(input2.shape)}, ${formatShape(target.shape)}`,
        shape,
      ),
    );
  }
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input1.dtype)) gradient['input1'] = gradTensor(scatterAdd(g1, m1, input1.data.length), input1);
  if (isFloating(input2.dtype)) gradient['input2'] = gradTensor(scatterAdd(g2, m2, input2.data.length), input2);
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: { why: "reduction='mean' divides the summed ranking hinges by the number of pairs" },
    gradient,
    extras: { difference: { dtype: 'float64', shape, data: difference } },
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.margin_ranking_loss` / `nn.MarginRankingLoss`: max(0, −y·(x1 − x2) + margin). */
export const marginRankingLoss: LossDefinition = {
  name: 'margin_ranking_loss',
  moduleName: 'MarginRankingLoss',
  inputs: ['input1', 'input2', 'target'],
  defaults: MARGIN_RANKING_DEFAULTS,
  summary: 'Ranking hinge max(0, −y·(x1 − x2) + margin): y = 1 means x1 should rank higher.',
  compute: marginRanking,
};

// ---------------------------------------------------------------------------------------------------------------------
// hinge_embedding_loss

const HINGE_EMBEDDING_DEFAULTS: LossOptions = { margin: 1.0, ...LEGACY, reduction: 'mean' };

function hingeEmbedding(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const fn = 'hinge_embedding_loss';
  const opts = new OptionReader(fn, HINGE_EMBEDDING_DEFAULTS, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const marginOption = opts.number('margin');
  const reduction = opts.reduction();
  // PyTorch 1.13: where(target != 1, (margin - input).clamp_min_(0), 0) + where(target != -1, input, 0),
  // computed in the input's dtype (the margin is converted to it: truncated for integer inputs).
  if (input.dtype === 'bool') throw boolSubtractionError(fn, true, 'input');
  if (input.dtype === 'float16') throw halfKernelError(fn, 'clamp_min_cpu');
  const shape = broadcastOrThrow(target.shape, input.shape, { a: 'target', b: 'input' });
  const dtype = input.dtype;
  const integral = isIntegral(dtype);
  if (integral && reduction === 'mean') throw integerMeanError(fn, dtype);
  const margin = integral ? Math.trunc(marginOption) : marginOption;
  const r = integral ? (v: number) => wrapInteger(dtype, v) : rounderFor(dtype);
  const mi = broadcastIndex(input.shape, shape);
  const x = gather(input, mi);
  const t = gather(target, broadcastIndex(target.shape, shape));
  const n = x.length;
  const perElement = new Float64Array(n);
  const marginTerm = new Float64Array(n);
  const inputTerm = new Float64Array(n);
  const grad = new Float64Array(n);
  const scale = gradScale(reduction, n);
  for (let i = 0; i < n; i++) {
    const yi = t[i]!;
    const v = r(margin - x[i]!);
    let gi = 0;
    if (yi !== 1) {
      marginTerm[i] = v < 0 ? 0 : v;
      if (kinkPasses(v, settings)) gi -= 1;
    }
    if (yi !== -1) {
      inputTerm[i] = x[i]!;
      gi += 1;
    }
    perElement[i] = r(marginTerm[i]! + inputTerm[i]!);
    grad[i] = gi * scale;
  }
  const warnings = [
    ...opts.warnings,
    ...plusMinusOneLabelWarnings(
      fn,
      target,
      'a 0 label is neither 1 nor −1, so PyTorch adds both terms, x + max(0, margin − x), which is never below the margin: the pair is penalised whatever its distance.',
      'only labels equal to 1 skip the margin term and only labels equal to −1 skip the distance term; any other value gets both.',
    ),
  ];
  if (!sameShape(input.shape, target.shape)) {
    warnings.push(
      silentBroadcastWarning(
        fn,
        'input and target',
        `${formatShape(input.shape)}, ${formatShape(target.shape)}`,
        shape,
      ),
    );
  }
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input.dtype)) gradient['input'] = gradTensor(scatterAdd(grad, mi, input.data.length), input);
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: { why: "reduction='mean' divides the summed hinge terms by the number of elements" },
    gradient,
    extras: float64Extras(shape, { marginTerm, inputTerm }),
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.hinge_embedding_loss` / `nn.HingeEmbeddingLoss`: x for y = 1, max(0, margin − x) for y = −1. */
export const hingeEmbeddingLoss: LossDefinition = {
  name: 'hinge_embedding_loss',
  moduleName: 'HingeEmbeddingLoss',
  inputs: ['input', 'target'],
  defaults: HINGE_EMBEDDING_DEFAULTS,
  summary: 'Distance hinge: x for similar pairs (y = 1), max(0, margin − x) for dissimilar (y = −1).',
  compute: hingeEmbedding,
};

// ---------------------------------------------------------------------------------------------------------------------
// multi_margin_loss and multilabel_margin_loss (PyTorch's CPU kernels)

/** Rows and classes of a [N, C] / [C] / 0-d input, or PyTorch's error. */
function framesOf(input: Tensor): { nframe: number; dim: number } {
  const nd = input.shape.length;
  const valid = (nd === 2 && input.shape[1] !== 0) || (nd === 1 && input.shape[0] !== 0) || nd === 0;
  if (!valid) {
    throw new LossLensError({
      code: 'loss/input-dims',
      message: `Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${formatShape(input.shape)}`,
      explanation: `The input must be scores [C] for one sample or [N, C] for a batch, with at least one class; it is ${formatShape(input.shape)}.`,
      hint:
        nd > 2
          ? 'Flatten the extra dimensions into the batch, e.g. input.reshape(-1, C) (and the target alike).'
          : 'Give the input at least one class column.',
      data: { shape: formatShape(input.shape) },
    });
  }
  if (nd <= 1) return { nframe: 1, dim: nd === 0 ? 1 : input.shape[0]! };
  return { nframe: input.shape[0]!, dim: input.shape[1]! };
}

/** PyTorch 1.13 writes no value for an empty batch with mean/sum (the output is uninitialised memory). */
function emptyBatchWarning(fn: string, reduction: string): Diagnostic {
  return notice(
    'warning',
    'warn/empty-batch-undefined',
    `${fn} with an empty batch and reduction='${reduction}' returns an uninitialised value in PyTorch 1.13.`,
    `PyTorch's CPU kernel returns before writing the result, so the number it prints is whatever was in memory; Loss Lens reports ${reduction === 'mean' ? 'nan (0/0)' : '0'}.`,
    'Skip the loss for empty batches.',
    { loss: fn, reduction },
  );
}

/** Assembles a multi-class hinge result: one loss per sample, each already divided by the class count. */
function finishFrameResult(parts: {
  fn: string;
  opts: OptionReader;
  input: Tensor;
  reduction: ResultParts['reduction'];
  nframe: number;
  dim: number;
  shape: readonly number[];
  perElement: Float64Array;
  grad: Float64Array;
  extras: Record<string, Tensor>;
  warnings: Diagnostic[];
}): LossResult {
  const { input, reduction, nframe, dim } = parts;
  return finishResult({
    fn: parts.fn,
    dtype: input.dtype,
    shape: parts.shape,
    perElement: parts.perElement,
    reduction,
    meanWords: {
      denominatorLabel: countLabel(nframe, 'sample'),
      why: `each sample's hinges are already divided by the ${dim} classes; reduction='mean' then divides by the number of samples`,
    },
    gradient: isFloating(input.dtype) ? { input: gradTensor(parts.grad, input) } : {},
    extras: parts.extras,
    warnings: parts.warnings,
    options: { ...parts.opts.values, reduction },
  });
}

const MULTI_MARGIN_DEFAULTS: LossOptions = { p: 1, margin: 1.0, weight: null, ...LEGACY, reduction: 'mean' };

function multiMargin(inputs: LossInputs, options: LossOptions): LossResult {
  const fn = 'multi_margin_loss';
  const opts = new OptionReader(fn, MULTI_MARGIN_DEFAULTS, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const reduction = opts.reduction();
  const p = opts.number('p');
  const marginOption = opts.number('margin');
  const weight = opts.tensor('weight');
  if (p !== 1 && p !== 2) {
    throw new LossLensError({
      code: 'loss/invalid-p',
      message: 'ValueError: only p == 1 and p == 2 supported',
      explanation: `multi_margin_loss raises each hinge to the power p, and only p = 1 (hinge) and p = 2 (squared hinge) exist; p is ${p}.`,
      hint: 'Pass p=1 or p=2.',
      data: { p },
    });
  }
  if (weight && weight.shape.length !== 1) {
    throw new LossLensError({
      code: 'loss/weight-dims',
      message: 'ValueError: weight must be one-dimensional',
      explanation: `weight holds one rescaling factor per class, so it must be 1-D [C]; it is ${formatShape(weight.shape)}.`,
      hint: 'Pass weight as a 1-D tensor with one entry per class.',
      data: { shape: formatShape(weight.shape) },
    });
  }
  const { nframe, dim } = framesOf(input);
  if (!(target.shape.length <= 1 && numel(target.shape) === nframe)) {
    throw new LossLensError({
      code: 'loss/target-size',
      message: `inconsistent target size, got: ${formatShape(target.shape)}`,
      explanation: `multi_margin_loss needs one class index per sample: ${nframe} value${nframe === 1 ? '' : 's'} in a 0-d or 1-D target; it is ${formatShape(target.shape)}.`,
      hint:
        target.shape.length > 1
          ? 'Pass class indices [N], e.g. target.argmax(1) for one-hot rows or target.squeeze(1).'
          : `Give one class index per row of the input (${nframe}).`,
      data: { target: formatShape(target.shape), nframe },
    });
  }
  // PyTorch's reduction='none' shape: one loss per sample, or 0-d for a 0-d target.
  const shape = target.shape.length > 0 ? [nframe] : [];
  const warnings = [...opts.warnings];
  const x = asFloat64(input);
  const perElement = new Float64Array(nframe);
  const violations = new Float64Array(x.length);
  const grad = new Float64Array(x.length);
  if (x.length > 0) {
    if (!(input.dtype === 'float32' || input.dtype === 'float64'))
      throw kernelDtypeError(fn, 'multi_margin_loss_cpu_kernel', input.dtype);
    if (target.dtype !== 'int64') {
      throw scalarTypeError(fn, 'int64', target.dtype, 'target', 'Convert the class indices with target.long().');
    }
    if (weight && weight.dtype !== input.dtype) {
      throw scalarTypeError(
        fn,
        input.dtype,
        weight.dtype,
        'weight',
        `Convert the weight with .to(input.dtype) (${input.dtype}).`,
      );
    }
    const r = rounderFor(input.dtype);
    const margin = r(marginOption);
    const w = weight ? asFloat64(weight) : undefined;
    const g = r(reduction === 'mean' ? 1 / (nframe * dim) : 1 / dim);
    for (let f = 0; f < nframe; f++) {
      const y = target.data[f]!;
      if (!(y >= 0 && y < dim)) {
        throw new LossLensError({
          code: 'loss/target-range',
          message: 'target out of range',
          explanation: `Sample ${f} has target ${y}, but class indices must be in [0, ${dim - 1}] for ${dim} classes.`,
          hint: 'Check the labels: they must be 0-based class indices smaller than the number of input columns.',
          data: { sample: f, target: y, classes: dim },
        });
      }
      if (w && y >= w.length) {
        throw new LossLensError({
          code: 'loss/weight-size',
          message: `weight has ${w.length} entries but sample ${f} has target class ${y}`,
          explanation: `PyTorch 1.13 does not check the weight length and reads past the end of weight for class ${y}, so its result is undefined.`,
          hint: `Pass one weight per class (${dim}).`,
          data: { weightLength: w.length, sample: f, target: y, classes: dim },
        });
      }
      const base = f * dim;
      const xy = x[base + y]!;
      const wy = w ? w[y]! : 1;
      let sum = 0;
      let gy = 0;
      for (let d = 0; d < dim; d++) {
        if (d === y) continue;
        const z = r(r(margin - xy) + x[base + d]!);
        if (z > 0) {
          let h = p === 1 ? z : r(z * z);
          if (w) h = r(h * wy);
          sum += h;
          violations[base + d] = h;
          let gh = p === 1 ? g : r(2 * g * z);
          if (w) gh = r(gh * wy);
          grad[base + d] = gh;
          gy -= gh;
        }
      }
      grad[base + y] = gy;
      perElement[f] = r(sum / dim);
    }
  } else if (reduction !== 'none') {
    warnings.push(emptyBatchWarning(fn, reduction));
  }
  return finishFrameResult({
    fn,
    opts,
    input,
    reduction,
    nframe,
    dim,
    shape,
    perElement,
    grad,
    extras: float64Extras(input.shape, { marginViolations: violations }),
    warnings,
  });
}

/** `F.multi_margin_loss` / `nn.MultiMarginLoss`: Σ_{i≠y} max(0, margin − x[y] + x[i])^p · w[y] / C. */
export const multiMarginLoss: LossDefinition = {
  name: 'multi_margin_loss',
  moduleName: 'MultiMarginLoss',
  inputs: ['input', 'target'],
  defaults: MULTI_MARGIN_DEFAULTS,
  summary: 'Multi-class hinge (SVM) loss over class scores with a class-index target.',
  compute: multiMargin,
};

const MULTILABEL_MARGIN_DEFAULTS: LossOptions = { ...LEGACY, reduction: 'mean' };

function multilabelMargin(inputs: LossInputs, options: LossOptions): LossResult {
  const fn = 'multilabel_margin_loss';
  const opts = new OptionReader(fn, MULTILABEL_MARGIN_DEFAULTS, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const reduction = opts.reduction();
  const { nframe, dim } = framesOf(input);
  const nd = input.shape.length;
  const targetOk =
    nd <= 1
      ? target.shape.length <= 1 && numel(target.shape) === dim
      : target.shape.length === 2 && target.shape[0] === nframe && target.shape[1] === dim;
  if (!targetOk) {
    throw new LossLensError({
      code: 'loss/target-size',
      message: `inconsistent size ${formatShape(target.shape)} for argument #2 'target'`,
      explanation: `multilabel_margin_loss needs a target of the input's shape ${formatShape(input.shape)}: each row lists the sample's class indices, padded with -1; the target is ${formatShape(target.shape)}.`,
      hint: 'Give the target the same shape as the input: class indices first, then -1 for the unused slots.',
      data: { target: formatShape(target.shape), input: formatShape(input.shape) },
    });
  }
  // PyTorch's reduction='none' shape: one loss per row, or 0-d for a 1-D target.
  const shape = target.shape.length === 2 ? [nframe] : [];
  const warnings = [...opts.warnings];
  const x = asFloat64(input);
  const perElement = new Float64Array(nframe);
  const isTarget = new Float64Array(x.length);
  const grad = new Float64Array(x.length);
  if (x.length > 0) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < target.data.length; i++) {
      const v = Math.trunc(target.data[i]!);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min < -1 || max >= dim) {
      throw new LossLensError({
        code: 'loss/target-range',
        message: "argument #2 'target' is out of range",
        explanation: `The target holds ${min < -1 ? min : max}, but entries must be class indices in [0, ${dim - 1}] or -1 (end of the list).`,
        hint: "List each sample's classes as 0-based indices and pad with -1; for multi-hot 0/1 targets use multilabel_soft_margin_loss.",
        data: { min, max, classes: dim },
      });
    }
    if (!(input.dtype === 'float32' || input.dtype === 'float64')) {
      throw kernelDtypeError(fn, 'multilabel_margin_loss_forward_out_frame', input.dtype);
    }
    if (target.dtype !== 'int64')
      throw scalarTypeError(fn, 'int64', target.dtype, 'target', 'Convert the class indices with target.long().');
    const r = rounderFor(input.dtype);
    const g = r(reduction === 'mean' ? 1 / (nframe * dim) : 1 / dim);
    let duplicateRows = 0;
    let multiHotLike = true;
    for (let i = 0; i < target.data.length; i++) if (target.data[i] !== 0 && target.data[i] !== 1) multiHotLike = false;
    for (let f = 0; f < nframe; f++) {
      const base = f * dim;
      let listed = 0;
      let duplicate = false;
      for (let k = 0; k < dim; k++) {
        const j = target.data[base + k]!;
        if (j < 0) break;
        if (isTarget[base + j] === 1) duplicate = true;
        isTarget[base + j] = 1;
        listed++;
      }
      if (duplicate) duplicateRows++;
      let sum = 0;
      for (let k = 0; k < listed; k++) {
        const j = target.data[base + k]!;
        const xj = x[base + j]!;
        for (let d = 0; d < dim; d++) {
          if (isTarget[base + d] === 1) continue;
          const z = r(r(1 - xj) + x[base + d]!);
          if (z > 0) {
            sum += z;
            grad[base + j]! -= g;
            grad[base + d]! += g;
          }
        }
      }
      perElement[f] = r(sum / dim);
    }
    if (duplicateRows > 0) {
      warnings.push(
        notice(
          'warning',
          multiHotLike ? 'warn/multilabel-multi-hot' : 'warn/multilabel-duplicate-index',
          multiHotLike
            ? 'multilabel_margin_loss reads the target as class indices padded with -1, but it looks like a multi-hot 0/1 vector.'
            : 'The multilabel_margin_loss target lists the same class more than once in a row.',
          multiHotLike
            ? 'A row like [0, 1, 1, 0] means "classes 0 and 1, each listed twice", not "classes 1 and 2": PyTorch raises nothing and counts every repeated index again.'
            : 'PyTorch raises nothing and counts each repeated index again, so that class weighs double.',
          multiHotLike
            ? 'Convert multi-hot rows to index lists padded with -1, or use multilabel_soft_margin_loss, which takes 0/1 targets.'
            : 'List each class once, then pad with -1.',
          { rows: duplicateRows },
        ),
      );
    }
  } else if (reduction !== 'none') {
    warnings.push(emptyBatchWarning(fn, reduction));
  }
  return finishFrameResult({
    fn,
    opts,
    input,
    reduction,
    nframe,
    dim,
    shape,
    perElement,
    grad,
    extras: float64Extras(input.shape, { isTarget }),
    warnings,
  });
}

/** `F.multilabel_margin_loss` / `nn.MultiLabelMarginLoss`: Σ_{j∈targets, i∉targets} max(0, 1 − x[j] + x[i]) / C. */
export const multilabelMarginLoss: LossDefinition = {
  name: 'multilabel_margin_loss',
  moduleName: 'MultiLabelMarginLoss',
  inputs: ['input', 'target'],
  defaults: MULTILABEL_MARGIN_DEFAULTS,
  summary:
    'Multi-label hinge: every listed class must outscore every unlisted class by 1 (targets are indices padded with -1).',
  compute: multilabelMargin,
};

/** The margin family, in picker order. */
export const MARGIN_LOSSES: readonly LossDefinition[] = [
  hingeEmbeddingLoss,
  softMarginLoss,
  marginRankingLoss,
  multiMarginLoss,
  multilabelMarginLoss,
];

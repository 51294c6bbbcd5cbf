/**
 * The regression losses: `mse_loss`, `l1_loss`, `smooth_l1_loss` and `huber_loss`.
 *
 * Shapes: input and target broadcast against each other exactly as in PyTorch (`torch.broadcast_tensors`), and when
 * their sizes differ PyTorch's UserWarning is reported (`warn/broadcast`): [N,1] vs [N] silently becomes [N,N].
 * dtypes follow PyTorch 1.13's CPU kernels, including which integer combinations each loss refuses.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import {
  allocate,
  formatShape,
  formatTorchSize,
  isFloating,
  isIntegral,
  numel,
  tensorFrom,
  toNested,
  type DType,
  type Tensor,
} from '../tensor';
import { ElementwiseAccumulator } from './elementwise_summary';
import { broadcastOrThrow, notice, reduceTotal, requireInputs } from './reduction';
import {
  boolSubtractionError,
  broadcastIndex,
  castError,
  finishResult,
  gather,
  gradScale,
  gradTensor,
  integerMeanError,
  kernelDtypeError,
  OptionReader,
  promoteTypes,
  rounderFor,
  sameShape,
  scatterAdd,
  wrapInteger,
} from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { isTorch2 } from './versions';

const LEGACY = { size_average: null, reduce: null } as const;

/** PyTorch's UserWarning for input/target sizes that differ (the regression losses broadcast them anyway). */
export function broadcastWarning(input: Tensor, target: Tensor, shape: readonly number[]): Diagnostic {
  const n = numel(shape);
  const expected = Math.max(numel(input.shape), numel(target.shape));
  return notice(
    'warning',
    'warn/broadcast',
    `Using a target size (${formatTorchSize(target.shape)}) that is different to the input size (${formatTorchSize(input.shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    `input ${formatShape(input.shape)} and target ${formatShape(target.shape)} broadcast to ${formatShape(shape)}: ` +
      `the loss averages ${n} pairings instead of ${expected} matched elements, comparing predictions with other samples' targets.`,
    'Give input and target the same shape, e.g. input.squeeze(-1) or target.view_as(input).',
    { input: formatShape(input.shape), target: formatShape(target.shape), broadcast: formatShape(shape), elements: n },
  );
}

/** How each regression loss scores a difference d = input − target, and its derivative. */
interface PointwiseSpec {
  fn: string;
  /** Checks the loss's own parameter (beta, delta) after the reduction, as the C++ op does. */
  checkParameter?(opts: OptionReader): number;
  /** dtype checks; returns the dtype the loss is computed in and the dtype it is returned in. */
  dtypes(
    fn: string,
    input: Tensor,
    target: Tensor,
    reduction: string,
    warnings: Diagnostic[],
  ): { compute: DType; out: DType };
  loss(d: number, param: number): number;
  grad(d: number, param: number, settings?: ComputeSettings): number;
  /** 1 where the difference is in the quadratic zone (smooth_l1 / huber). */
  quadratic?(d: number, param: number): boolean;
  meanWhy: string;
}

function computePointwise(
  spec: PointwiseSpec,
  defaults: LossOptions,
  inputs: LossInputs,
  options: LossOptions,
  settings?: ComputeSettings,
): LossResult {
  const { fn } = spec;
  const opts = new OptionReader(fn, defaults, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const warnings = opts.warnings;
  const differ = !sameShape(input.shape, target.shape);
  const shape = broadcastOrThrow(input.shape, target.shape, { a: 'input', b: 'target' });
  if (differ) warnings.push(broadcastWarning(input, target, shape));
  const reduction = opts.reduction();
  const param = spec.checkParameter ? spec.checkParameter(opts) : 0;
  const { compute, out } = spec.dtypes(fn, input, target, reduction, warnings);
  const r = rounderFor(compute);
  const ro = rounderFor(out);
  if (settings?.detail === 'summary' && !differ && isFloating(compute)) {
    return summaryPointwise(spec, param, input, target, shape, out, r, ro, reduction, warnings, opts.values);
  }
  const inMap = broadcastIndex(input.shape, shape);
  const tgMap = broadcastIndex(target.shape, shape);
  const x = gather(input, inMap);
  const y = gather(target, tgMap);
  const n = x.length;
  const perElement = new Float64Array(n);
  const difference = new Float64Array(n);
  const integral = !isFloating(compute);
  for (let i = 0; i < n; i++) {
    if (integral) {
      // Only l1_loss gets here: integer subtraction and abs wrap around like C++ integers.
      const d = wrapInteger(compute, x[i]! - y[i]!);
      difference[i] = d;
      perElement[i] = wrapInteger(compute, Math.abs(d));
    } else {
      const d = r(x[i]! - y[i]!);
      difference[i] = d;
      perElement[i] = ro(r(spec.loss(d, param)));
    }
  }
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input.dtype)) {
    const scale = gradScale(reduction, n);
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = r(spec.grad(difference[i]!, param, settings) * scale);
    gradient['input'] = gradTensor(scatterAdd(g, inMap, input.data.length), input);
  }
  const extras: Record<string, Tensor> = { difference: { dtype: 'float64', shape, data: difference } };
  if (spec.quadratic && !integral) {
    const mask = new Float64Array(n);
    for (let i = 0; i < n; i++) mask[i] = spec.quadratic(difference[i]!, param) ? 1 : 0;
    extras['quadraticZone'] = { dtype: 'float64', shape, data: mask };
  }
  return finishResult({
    fn,
    dtype: out,
    shape,
    perElement,
    reduction,
    meanWords: {
      denominatorLabel: `N = ${n} elements${differ ? ` (after broadcasting to ${formatShape(shape)})` : ''}`,
      why: spec.meanWhy,
    },
    gradient,
    extras,
    warnings,
    options: { ...opts.values, reduction },
  });
}

/**
 * Summary mode (large inputs) for same-shape floating operands: the element losses are folded into totals as they are
 * computed (the same roundings as above, the same order), so the value equals full mode's without keeping any
 * input-sized tensor. Gradients are not computed.
 */
function summaryPointwise(
  spec: PointwiseSpec,
  param: number,
  input: Tensor,
  target: Tensor,
  shape: readonly number[],
  out: DType,
  r: (v: number) => number,
  ro: (v: number) => number,
  reduction: 'none' | 'mean' | 'sum',
  warnings: Diagnostic[],
  options: LossOptions,
): LossResult {
  const x = input.data;
  const y = target.data;
  const n = x.length;
  const summary = new ElementwiseAccumulator(shape, n);
  const perElementData = allocate(out, reduction === 'none' ? n : 0);
  for (let i = 0; i < n; i++) {
    const loss = ro(r(spec.loss(r(x[i]! - y[i]!), param)));
    summary.add(loss);
    if (reduction === 'none') perElementData[i] = loss;
  }
  const reduced = reduceTotal(summary.total(), n, reduction, {
    denominatorLabel: `N = ${n} elements`,
    why: spec.meanWhy,
  });
  const round = rounderFor(out);
  const perElement: Tensor = { dtype: out, shape: reduction === 'none' ? [...shape] : [0], data: perElementData };
  const value =
    reduction === 'sum'
      ? round(reduced.value)
      : round(round(reduced.breakdown.numerator) / reduced.breakdown.denominator);
  const output: Tensor = reduction === 'none' ? perElement : tensorFrom([value], [], out);
  if (out === 'float16' || out === 'bfloat16') {
    warnings.push(
      notice(
        'info',
        'info/half-precision',
        `Loss Lens computes ${out} losses in float32 precision.`,
        `PyTorch rounds every intermediate step to ${out}, so its values can differ from these in the third significant digit.`,
        'Use float32 or float64 tensors for exact agreement.',
        { dtype: out },
      ),
    );
  }
  return {
    fn: spec.fn,
    value: reduction === 'none' ? NaN : toNested(output),
    output,
    perElement,
    perSample: summary.perSample,
    reduction: reduced.breakdown,
    gradient: {},
    warnings,
    options: { ...options, reduction },
    detail: 'summary',
    summary: summary.aggregates(false),
  };
}

/** PyTorch's text for a non-positive `beta` / `delta`. */
function parameterError(fn: string, name: string, value: number, message: string): LossLensError {
  return new LossLensError({
    code: `loss/invalid-${name}`,
    message,
    explanation: `${fn} got ${name}=${value}; it must be ${name === 'beta' ? 'zero or positive' : 'positive'}.`,
    hint: `Pass a ${name === 'beta' ? 'non-negative' : 'positive'} ${name} (the default is 1.0).`,
    data: { loss: fn, name, value },
  });
}

/** Shared dtype rule: a kernel dispatched on the promoted dtype, refusing non-floating types. */
function kernelDtypes(kernel: string, refuseBFloat16 = false) {
  return (
    fn: string,
    input: Tensor,
    target: Tensor,
    _reduction: string,
    warnings: Diagnostic[],
  ): { compute: DType; out: DType } => {
    const promoted = promoteTypes(input.dtype, target.dtype);
    if (!isFloating(promoted) || (refuseBFloat16 && promoted === 'bfloat16'))
      throw kernelDtypeError(fn, kernel, promoted);
    if (promoted === 'float16' && kernel === 'mse_cpu') {
      warnings.push(
        notice(
          'warning',
          'warn/half-cpu-kernel',
          'Applying the CPU mse kernel on half-type tensors. This may be slower than using float or double-type tensors. (Triggered internally at  ./aten/src/ATen/native/cpu/BinaryOpsKernel.cpp:821.)',
          'float16 on the CPU is slow, and Loss Lens approximates float16 arithmetic with float32.',
          'Use float32 on the CPU.',
        ),
      );
    }
    return { compute: promoted, out: promoted };
  };
}

const MSE_DEFAULTS: LossOptions = { ...LEGACY, reduction: 'mean' };
const L1_DEFAULTS: LossOptions = { ...LEGACY, reduction: 'mean' };
const SMOOTH_L1_DEFAULTS: LossOptions = { ...LEGACY, reduction: 'mean', beta: 1.0 };
const HUBER_DEFAULTS: LossOptions = { reduction: 'mean', delta: 1.0 };

const mseSpec: PointwiseSpec = {
  fn: 'mse_loss',
  dtypes: kernelDtypes('mse_cpu', true),
  loss: (d) => d * d,
  grad: (d) => 2 * d,
  meanWhy: "reduction='mean' divides the summed squared errors by the number of elements",
};

const l1Spec: PointwiseSpec = {
  fn: 'l1_loss',
  dtypes(fn, input, target, reduction) {
    if (input.dtype === 'bool' || target.dtype === 'bool') {
      throw boolSubtractionError(
        fn,
        input.dtype === 'bool' && target.dtype === 'bool',
        input.dtype === 'bool' ? 'input' : 'target',
      );
    }
    const promoted = promoteTypes(input.dtype, target.dtype);
    if (isIntegral(promoted) && reduction === 'mean') throw integerMeanError(fn, promoted);
    return { compute: promoted, out: promoted };
  },
  loss: (d) => Math.abs(d),
  // sgn: 0 at 0 (and for NaN), the subgradient PyTorch picks.
  grad: (d) => (d > 0 ? 1 : d < 0 ? -1 : 0),
  meanWhy: "reduction='mean' divides the summed absolute errors by the number of elements",
};

const smoothL1Spec: PointwiseSpec = {
  fn: 'smooth_l1_loss',
  checkParameter(opts) {
    const beta = opts.number('beta');
    if (beta < 0)
      throw parameterError('smooth_l1_loss', 'beta', beta, 'smooth_l1_loss does not support negative values for beta.');
    return beta;
  },
  dtypes: kernelDtypes('smooth_l1_cpu'),
  loss(d, beta) {
    const z = Math.abs(d);
    return z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
  },
  // PyTorch 1.13's backward kernel: x <= -beta → -1, x >= beta → 1, else x/beta (so beta=0 gives -1 at x=0).
  // 2.x computes beta=0 as l1_loss, whose gradient at x=0 is sign(0) = 0.
  grad: (d, beta, settings) =>
    beta === 0 && isTorch2(settings) ? Math.sign(d) : d <= -beta ? -1 : d >= beta ? 1 : d / beta,
  quadratic: (d, beta) => Math.abs(d) < beta,
  meanWhy: "reduction='mean' divides the summed smooth-L1 terms by the number of elements",
};

const huberSpec: PointwiseSpec = {
  fn: 'huber_loss',
  checkParameter(opts) {
    const delta = opts.number('delta');
    if (!(delta > 0))
      throw parameterError('huber_loss', 'delta', delta, 'huber_loss does not support non-positive values for delta.');
    return delta;
  },
  dtypes(fn, input, target) {
    const promoted = promoteTypes(input.dtype, target.dtype);
    if (!isFloating(promoted)) throw kernelDtypeError(fn, 'huber_cpu', promoted);
    // The loss tensor is allocated like the input, so a float result cannot go into an integer input's dtype.
    if (!isFloating(input.dtype)) throw castError(fn, promoted, input.dtype, 'input');
    return { compute: promoted, out: input.dtype };
  },
  loss(d, delta) {
    const z = Math.abs(d);
    return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
  },
  grad: (d, delta) => (d < -delta ? -delta : d > delta ? delta : d),
  quadratic: (d, delta) => Math.abs(d) < delta,
  meanWhy: "reduction='mean' divides the summed Huber terms by the number of elements",
};

/** `F.mse_loss` / `nn.MSELoss`: (input − target)². */
export const mseLoss: LossDefinition = {
  name: 'mse_loss',
  moduleName: 'MSELoss',
  inputs: ['input', 'target'],
  defaults: MSE_DEFAULTS,
  summary: 'Mean squared error: (input − target)², for regression.',
  compute: (inputs, options, settings) => computePointwise(mseSpec, MSE_DEFAULTS, inputs, options, settings),
};

/** `F.l1_loss` / `nn.L1Loss`: |input − target|. */
export const l1Loss: LossDefinition = {
  name: 'l1_loss',
  moduleName: 'L1Loss',
  inputs: ['input', 'target'],
  defaults: L1_DEFAULTS,
  summary: 'Mean absolute error: |input − target|, robust to outliers.',
  compute: (inputs, options, settings) => computePointwise(l1Spec, L1_DEFAULTS, inputs, options, settings),
};

/** `F.smooth_l1_loss` / `nn.SmoothL1Loss`: 0.5·d²/beta below beta, |d| − 0.5·beta above (beta=0 is L1). */
export const smoothL1Loss: LossDefinition = {
  name: 'smooth_l1_loss',
  moduleName: 'SmoothL1Loss',
  inputs: ['input', 'target'],
  defaults: SMOOTH_L1_DEFAULTS,
  summary: 'Smooth L1: squared error below beta, absolute error above (box regression).',
  compute: (inputs, options, settings) => computePointwise(smoothL1Spec, SMOOTH_L1_DEFAULTS, inputs, options, settings),
};

/** `F.huber_loss` / `nn.HuberLoss`: 0.5·d² below delta, delta·(|d| − 0.5·delta) above. */
export const huberLoss: LossDefinition = {
  name: 'huber_loss',
  moduleName: 'HuberLoss',
  inputs: ['input', 'target'],
  defaults: HUBER_DEFAULTS,
  summary: 'Huber: squared error below delta, delta-scaled absolute error above.',
  compute: (inputs, options, settings) => computePointwise(huberSpec, HUBER_DEFAULTS, inputs, options, settings),
};

/** The regression family, in picker order. */
export const REGRESSION_LOSSES: readonly LossDefinition[] = [mseLoss, l1Loss, smoothL1Loss, huberLoss];

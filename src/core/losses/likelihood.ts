/**
 * The negative log-likelihood losses of distributions: `poisson_nll_loss` and `gaussian_nll_loss`.
 *
 * Both broadcast input and target silently as PyTorch does. `gaussian_nll_loss` accepts var of the input's shape,
 * of the input's shape without its last dimension, or with a last dimension of 1, and clamps var at eps without
 * cutting the gradient (PyTorch clamps a clone under `no_grad`).
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { formatShape, isFloating, type DType, type Tensor } from '../tensor';
import { broadcastOrThrow, notice, requireInputs } from './reduction';
import {
  boolSubtractionError,
  broadcastIndex,
  castError,
  dtypeOnly,
  finishResult,
  float64Extras,
  gather,
  gradScale,
  gradTensor,
  kernelDtypeError,
  OptionReader,
  resultType,
  rounderFor,
  sameShape,
  scatterAdd,
} from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { isTorch2 } from './versions';

const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

/** The words for reduction='mean' shared by both likelihood losses. */
const NLL_MEAN_WORDS = {
  why: "reduction='mean' divides the summed negative log-likelihoods by the number of elements",
};

function silentBroadcast(fn: string, input: Tensor, target: Tensor, shape: readonly number[]): Diagnostic {
  return notice(
    'warning',
    'warn/silent-broadcast',
    `${fn}: input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in shape and PyTorch broadcasts them to ${formatShape(shape)} without a warning.`,
    'Every prediction is paired with every broadcast target, which is rarely intended.',
    'Give input and target the same shape (e.g. input.squeeze(-1)).',
    { loss: fn, input: formatShape(input.shape), target: formatShape(target.shape), broadcast: formatShape(shape) },
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// poisson_nll_loss

const POISSON_DEFAULTS: LossOptions = {
  log_input: true,
  full: false,
  size_average: null,
  eps: 1e-8,
  reduce: null,
  reduction: 'mean',
};

function poissonNll(inputs: LossInputs, options: LossOptions): LossResult {
  const fn = 'poisson_nll_loss';
  const opts = new OptionReader(fn, POISSON_DEFAULTS, options);
  const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
  const reduction = opts.strictReduction();
  const logInput = opts.bool('log_input');
  const full = opts.bool('full');
  const eps = opts.number('eps');
  const floatOf = (d: DType): DType => (isFloating(d) ? d : 'float32');
  let dtype: DType;
  let shape: number[];
  if (logInput) {
    // exp(input) - target * input
    if (input.dtype === 'float16') throw kernelDtypeError(fn, 'exp_vml_cpu', 'float16');
    shape = broadcastOrThrow(target.shape, input.shape, { a: 'target', b: 'input' });
    const product = dtypeOnly(resultType(target, input), shape);
    if (product.dtype === 'bool') throw boolSubtractionError(fn, false, 'target');
    dtype = resultType(dtypeOnly(floatOf(input.dtype), input.shape), product);
  } else {
    // input - target * log(input + eps)
    const logType = resultType(input, 'float');
    if (logType === 'float16') throw kernelDtypeError(fn, 'log_vml_cpu', 'float16');
    shape = broadcastOrThrow(target.shape, input.shape, { a: 'target', b: 'input' });
    const product = dtypeOnly(resultType(target, dtypeOnly(logType, input.shape)), shape);
    if (input.dtype === 'bool') throw boolSubtractionError(fn, false, 'input');
    dtype = resultType(input, product);
  }
  if (full) {
    // target * log(target) - target + 0.5 * log(2π·target), masked where target <= 1
    if (floatOf(target.dtype) === 'float16') throw kernelDtypeError(fn, 'log_vml_cpu', 'float16');
    if (target.dtype === 'bool') throw boolSubtractionError(fn, false, 'target');
  }
  const r = rounderFor(dtype);
  const inMap = broadcastIndex(input.shape, shape);
  const x = gather(input, inMap);
  const t = gather(target, broadcastIndex(target.shape, shape));
  const n = x.length;
  const perElement = new Float64Array(n);
  const stirling = new Float64Array(n);
  const grad = new Float64Array(n);
  const scale = gradScale(reduction, n);
  let negativeRates = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const ti = t[i]!;
    let loss: number;
    if (logInput) {
      const e = r(Math.exp(xi));
      loss = r(e - r(ti * xi));
      grad[i] = r((e - ti) * scale);
    } else {
      if (xi < 0) negativeRates++;
      const shifted = r(xi + eps);
      loss = r(xi - r(ti * r(Math.log(shifted))));
      grad[i] = r((1 - ti / shifted) * scale);
    }
    if (full && ti > 1) {
      stirling[i] = r(ti * Math.log(ti) - ti + 0.5 * Math.log(2 * Math.PI * ti));
      loss = r(loss + stirling[i]!);
    }
    perElement[i] = loss;
  }
  const warnings = opts.warnings;
  if (!sameShape(input.shape, target.shape)) warnings.push(silentBroadcast(fn, input, target, shape));
  if (negativeRates > 0) {
    warnings.push(
      notice(
        'warning',
        'warn/poisson-negative-rate',
        `poisson_nll_loss with log_input=False got ${negativeRates} negative input value${negativeRates === 1 ? '' : 's'}: their loss is nan.`,
        'With log_input=False the input is the Poisson rate λ itself and the loss takes log(λ + eps); a negative rate has no logarithm.',
        'Pass raw model outputs with log_input=True (the default), or make the rate positive, e.g. with softplus or exp.',
        { count: negativeRates },
      ),
    );
  }
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input.dtype)) gradient['input'] = gradTensor(scatterAdd(grad, inMap, input.data.length), input);
  const extras: Record<string, Tensor> = {};
  if (full) extras['stirlingTerm'] = { dtype: 'float64', shape, data: stirling };
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: NLL_MEAN_WORDS,
    gradient,
    extras,
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.poisson_nll_loss` / `nn.PoissonNLLLoss`: exp(x) − t·x (log_input) or x − t·log(x + eps), plus Stirling if full. */
export const poissonNllLoss: LossDefinition = {
  name: 'poisson_nll_loss',
  moduleName: 'PoissonNLLLoss',
  inputs: ['input', 'target'],
  defaults: POISSON_DEFAULTS,
  summary: 'Poisson negative log-likelihood for count targets; input is the log-rate (log_input=True) or the rate.',
  compute: poissonNll,
};

// ---------------------------------------------------------------------------------------------------------------------
// gaussian_nll_loss

const GAUSSIAN_DEFAULTS: LossOptions = { full: false, eps: 1e-6, reduction: 'mean' };

function gaussianNll(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const fn = 'gaussian_nll_loss';
  const opts = new OptionReader(fn, GAUSSIAN_DEFAULTS, options);
  const [input, target, varOriginal] = requireInputs(fn, inputs, ['input', 'target', 'var']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const full = opts.bool('full');
  const eps = opts.number('eps');
  const torch2 = isTorch2(settings);
  // 2.x looks at var's sign before its shape and the reduction.
  if (torch2) throwIfNegativeVar(varOriginal);
  // var's shape: as input, input without its last dim (unsqueezed), or input's with a last dim of 1. 2.x also takes
  // var of the input's rank that differs from it only in dimensions of size 1 (its sizes there sum to 1: [1, 3] for
  // input [4, 3]) and broadcasts it.
  let varShape = varOriginal.shape;
  if (!sameShape(varOriginal.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    const oneDimensionOff =
      varOriginal.shape.length === input.shape.length &&
      varOriginal.shape.reduce((acc, size, i) => (size !== input.shape[i] ? acc + size : acc), 0) === 1;
    if (sameShape(lead, varOriginal.shape)) {
      varShape = [...varOriginal.shape, 1];
    } else if (
      torch2
        ? !oneDimensionOff
        : !(sameShape(lead, varOriginal.shape.slice(0, -1)) && varOriginal.shape[varOriginal.shape.length - 1] === 1)
    ) {
      throw new LossLensError({
        code: 'loss/var-size',
        message: 'ValueError: var is of incorrect size',
        explanation: `var must have the input's shape ${formatShape(input.shape)} (one variance per prediction), or ${formatShape(lead)} / ${formatShape([...lead, 1])} (one per sample); it is ${formatShape(varOriginal.shape)}.`,
        hint: `Give var the shape ${formatShape(input.shape)} or ${formatShape([...lead, 1])}.`,
        data: { var: formatShape(varOriginal.shape), input: formatShape(input.shape) },
      });
    }
  }
  const reduction = opts.strictReduction();
  throwIfNegativeVar(varOriginal);
  if (!isFloating(varOriginal.dtype)) throw castError(fn, 'float32', varOriginal.dtype, 'var', true);
  if (varOriginal.dtype === 'float16') throw kernelDtypeError(fn, 'clamp_min_cpu', 'float16', 'var');
  if (input.dtype === 'bool' || target.dtype === 'bool') {
    throw boolSubtractionError(
      fn,
      input.dtype === 'bool' && target.dtype === 'bool',
      input.dtype === 'bool' ? 'input' : 'target',
    );
  }
  const diffShape = broadcastOrThrow(input.shape, target.shape, { a: 'input', b: 'target' });
  const quotientShape = broadcastOrThrow(diffShape, varShape, { a: '(input - target)**2', b: 'var' });
  const shape = broadcastOrThrow(varShape, quotientShape, { a: 'log(var)', b: '(input - target)**2 / var' });
  const diffType = resultType(input, target);
  const quotientType = resultType(dtypeOnly(diffType, diffShape), dtypeOnly(varOriginal.dtype, varShape));
  const dtype = resultType(dtypeOnly(varOriginal.dtype, varShape), dtypeOnly(quotientType, quotientShape));
  const r = rounderFor(dtype);
  const inMap = broadcastIndex(input.shape, shape);
  const varMap = broadcastIndex(varShape, shape);
  const x = gather(input, inMap);
  const t = gather(target, broadcastIndex(target.shape, shape));
  const v = gather(varOriginal, varMap);
  const n = x.length;
  const perElement = new Float64Array(n);
  const clampedVar = new Float64Array(n);
  const logVarTerm = new Float64Array(n);
  const errorTerm = new Float64Array(n);
  const gIn = new Float64Array(n);
  const gVar = new Float64Array(n);
  const scale = gradScale(reduction, n);
  // clamp_(min=eps) compares in var's precision.
  const minVar = rounderFor(varOriginal.dtype)(eps);
  for (let i = 0; i < n; i++) {
    const vc = v[i]! < minVar ? minVar : v[i]!;
    clampedVar[i] = vc;
    const d = r(x[i]! - t[i]!);
    const d2 = r(d * d);
    logVarTerm[i] = r(0.5 * r(Math.log(vc)));
    errorTerm[i] = r(0.5 * r(d2 / vc));
    let loss = r(0.5 * r(r(Math.log(vc)) + r(d2 / vc)));
    if (full) loss = r(loss + LOG_2PI_HALF);
    perElement[i] = loss;
    gIn[i] = r((d / vc) * scale);
    // The clamp runs under no_grad on a clone, so the gradient reaches var as if it had not been clamped.
    gVar[i] = r(0.5 * (1 / vc - d2 / (vc * vc)) * scale);
  }
  let clamped = 0;
  for (let i = 0; i < varOriginal.data.length; i++) if (varOriginal.data[i]! < minVar) clamped++;
  const warnings = opts.warnings;
  if (!sameShape(input.shape, target.shape)) warnings.push(silentBroadcast(fn, input, target, shape));
  if (clamped > 0) {
    warnings.push(
      notice(
        'info',
        'info/var-clamped',
        `${clamped} variance${clamped === 1 ? ' is' : 's are'} below eps=${eps} and ${clamped === 1 ? 'was' : 'were'} clamped to eps.`,
        "PyTorch clamps var at eps for stability, on a copy and without recording it, so the loss uses eps but var's gradient is computed as if var were eps and still flows.",
        'If variances this small are expected, lower eps; otherwise check how var is produced.',
        { count: clamped, eps },
      ),
    );
  }
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input.dtype)) gradient['input'] = gradTensor(scatterAdd(gIn, inMap, input.data.length), input);
  gradient['var'] = gradTensor(scatterAdd(gVar, varMap, varOriginal.data.length), varOriginal);
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: NLL_MEAN_WORDS,
    gradient,
    extras: float64Extras(shape, { clampedVar, logVarTerm, squaredErrorTerm: errorTerm }),
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `ValueError: var has negative entry/entries` when any variance is below 0. */
function throwIfNegativeVar(variance: Tensor): void {
  let negatives = 0;
  for (let i = 0; i < variance.data.length; i++) if (variance.data[i]! < 0) negatives++;
  if (negatives > 0) {
    throw new LossLensError({
      code: 'loss/var-negative',
      message: 'ValueError: var has negative entry/entries',
      explanation: `${negatives} variance${negatives === 1 ? ' is' : 's are'} negative; a Gaussian's variance is ≥ 0.`,
      hint: 'Make var positive, e.g. predict log-variance and pass var = exp(log_var), or use softplus.',
      data: { count: negatives },
    });
  }
}

/** `F.gaussian_nll_loss` / `nn.GaussianNLLLoss`: 0.5·(log(max(var, eps)) + (input − target)² / max(var, eps)). */
export const gaussianNllLoss: LossDefinition = {
  name: 'gaussian_nll_loss',
  moduleName: 'GaussianNLLLoss',
  inputs: ['input', 'target', 'var'],
  defaults: GAUSSIAN_DEFAULTS,
  summary: 'Gaussian negative log-likelihood with a predicted variance per element or per sample.',
  compute: gaussianNll,
};

/** The likelihood family, in picker order. */
export const LIKELIHOOD_LOSSES: readonly LossDefinition[] = [poissonNllLoss, gaussianNllLoss];

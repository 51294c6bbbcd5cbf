/**
 * `F.kl_div` / `nn.KLDivLoss`: pointwise KL divergence between a target distribution and the input.
 *
 * The input holds log-probabilities; the target holds probabilities, or log-probabilities with `log_target=True`.
 * Pointwise: t·log t − t·x (PyTorch 1.13 uses xlogy, so t = 0 contributes 0 and t < 0 gives nan), or
 * exp(t)·(t − x) with log_target. Input and target broadcast. `batchmean` divides the sum by input.shape[0] (the KL
 * definition); `mean` divides by every element and PyTorch warns about it.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { allocate, isFloating, numel, scalarTypeName, toNested, type DType, type Tensor } from '../tensor';
import { expandTo, rowSums, sumToShape } from './binary_cross_entropy';
import { fmt, reducedOutput } from './nll_loss';
import {
  boolOption,
  broadcastOrThrow,
  notice,
  parseReduction,
  reduce,
  requireInputs,
  resolveOptions,
} from './reduction';
import type { LossDefinition, LossOptions, LossResult, Reduction } from './types';

const KL_DEFAULTS: LossOptions = { size_average: null, reduce: null, reduction: 'mean', log_target: false };

/** PyTorch's UserWarning for reduction='mean', verbatim (the missing spaces are PyTorch's). */
export const KL_MEAN_WARNING =
  "reduction: 'mean' divides the total loss by both the batch size and the support size." +
  "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
  "'mean' will be changed to behave the same as 'batchmean' in the next major release.";

function promoteFloat(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** xlogy(t, t) as PyTorch computes it: 0 when t = 0, nan for nan. */
function xlogx(t: number): number {
  if (t !== t) return NaN;
  if (t === 0) return 0;
  return t * Math.log(t);
}

/**
 * Rows (along `dim` of `shape`) whose exp() sums to 1 ± 1e-4, i.e. that are log-probability vectors. Returns the count
 * of rows that are not.
 */
function rowsNotLogProbs(values: ArrayLike<number>, shape: readonly number[], dim: number): number {
  const size = shape[dim]!;
  const inner = numel(shape.slice(dim + 1));
  const outer = numel(shape.slice(0, dim));
  let bad = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let c = 0; c < size; c++) s += Math.exp(values[(o * size + c) * inner + i]!);
      if (!(Math.abs(s - 1) <= 1e-4)) bad++;
    }
  }
  return bad;
}

/** Pointwise KL divergence with PyTorch's reductions, including `batchmean`. */
export const klDiv: LossDefinition = {
  name: 'kl_div',
  moduleName: 'KLDivLoss',
  inputs: ['input', 'target'],
  defaults: KL_DEFAULTS,
  summary: 'KL divergence of a target distribution from log-probabilities (use batchmean for the true KL).',
  compute(inputs, options): LossResult {
    const resolved = resolveOptions('kl_div', KL_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('kl_div', inputs, ['input', 'target']) as [Tensor, Tensor];
    const warnings: Diagnostic[] = [...resolved.warnings];
    const requested = opts['reduction'];
    if (!resolved.legacy && requested === 'mean') {
      warnings.push(
        notice(
          'warning',
          'warn/kl-mean',
          KL_MEAN_WARNING,
          "reduction='mean' divides the summed KL by every element (batch × classes), so the value is the KL divergence divided by the number of classes; it is not the KL divergence.",
          "Use reduction='batchmean' for the KL divergence per sample.",
          {},
        ),
      );
    }
    const reduction: Reduction = parseReduction(requested, true);
    const logTarget = boolOption('kl_div', 'log_target', undefined, opts['log_target'], false);
    if (!isFloating(input.dtype) || !isFloating(target.dtype)) {
      const which = !isFloating(input.dtype) ? 'input' : 'target';
      const t = which === 'input' ? input : target;
      throw new LossLensError({
        code: which === 'input' ? 'loss/input-dtype' : 'loss/target-dtype',
        message: 'kl_div: Integral inputs not supported.',
        explanation: `The ${which} is ${scalarTypeName(t.dtype)} (${t.dtype}); KLDivLoss needs floating-point log-probabilities and probabilities.`,
        hint: `Convert it with ${which}.float().`,
        data: { which, dtype: scalarTypeName(t.dtype) },
      });
    }
    // target·input (and target − input) put the target first: it is tensor a in PyTorch's message.
    const shape = broadcastOrThrow(target.shape, input.shape, { a: 'the target', b: 'the input' });
    const dtype = promoteFloat(input.dtype, target.dtype);
    const n = numel(shape);
    const x = expandTo(input, shape);
    const t = expandTo(target, shape);
    const perElementValues = new Float64Array(n);
    const perElementData = allocate(dtype, n);
    const targetTerm = allocate(dtype, n);
    const crossTerm = allocate(dtype, n);
    const gradFull = new Float64Array(n);
    let scale = 1;
    let batchSize = 1;
    if (reduction === 'mean') scale = 1 / n;
    if (reduction === 'batchmean' && input.shape.length > 0) {
      batchSize = input.shape[0]!;
      scale = 1 / batchSize;
    }
    let negativeTargets = 0;
    let positiveLogTargets = 0;
    for (let k = 0; k < n; k++) {
      const xk = x[k]!;
      const tk = t[k]!;
      let a: number;
      let b: number;
      let g: number;
      if (logTarget) {
        const e = Math.exp(tk);
        a = e * tk;
        b = -e * xk;
        g = -e;
        if (tk > 0) positiveLogTargets++;
      } else {
        a = xlogx(tk);
        b = -tk * xk;
        g = -tk;
        if (tk < 0) negativeTargets++;
      }
      const v = logTarget ? Math.exp(tk) * (tk - xk) : a + b;
      targetTerm[k] = a;
      crossTerm[k] = b;
      perElementValues[k] = v;
      perElementData[k] = v;
      gradFull[k] = g * scale;
    }
    const gradient = sumToShape(gradFull, shape, input.shape);
    const label =
      reduction === 'batchmean'
        ? input.shape.length > 0
          ? `batch size input.shape[0] = ${batchSize}`
          : '1 (0-d input: no batch dimension)'
        : `N = ${n} elements (batch × classes)`;
    const breakdown = reduce(perElementValues, reduction, {
      batchSize,
      denominatorLabel: reduction === 'mean' || reduction === 'batchmean' ? label : undefined,
      why:
        reduction === 'mean'
          ? "reduction='mean' averages over every element, batch and classes alike, which is not the KL divergence (PyTorch warns)"
          : undefined,
    }).breakdown;
    const value = reduction === 'none' ? NaN : breakdown.numerator / breakdown.denominator;
    const perElement: Tensor = { dtype, shape, data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    // Log-probabilities are ≤ 0 and their exp sums to 1 along the distribution's dimension.
    let positiveInputs = 0;
    for (let k = 0; k < input.data.length; k++) if (input.data[k]! > 0) positiveInputs++;
    let badRows = 0;
    if (positiveInputs === 0 && input.shape.length > 0 && numel(input.shape) > 0) {
      const last = input.shape.length - 1;
      badRows = rowsNotLogProbs(input.data, input.shape, last);
      if (badRows > 0 && input.shape.length >= 3)
        badRows = Math.min(badRows, rowsNotLogProbs(input.data, input.shape, 1));
    }
    if (positiveInputs > 0 || badRows > 0) {
      warnings.push(
        notice(
          'warning',
          'warn/kl-input-not-log-probs',
          positiveInputs > 0
            ? `The input has ${positiveInputs} positive ${positiveInputs === 1 ? 'value' : 'values'}: it does not look like log-probabilities.`
            : `The input's exp() does not sum to 1 along the class dimension in ${badRows} ${badRows === 1 ? 'row' : 'rows'}: it does not look like log-probabilities.`,
          'KLDivLoss expects the input as log-probabilities (log_softmax output) and the target as probabilities. Passing probabilities or raw logits as the input gives a number that is not a KL divergence (it can even be negative).',
          'Pass F.log_softmax(logits, dim=-1) as the input; note the argument order kl_div(log_q, p) computes KL(p ‖ q).',
          { positive: positiveInputs, rows: badRows },
        ),
      );
    }
    if (negativeTargets > 0) {
      warnings.push(
        notice(
          'warning',
          'warn/kl-negative-target',
          `The target has ${negativeTargets} negative ${negativeTargets === 1 ? 'value, which gives' : 'values, which give'} nan (log of a negative number).`,
          'With log_target=False the target must hold probabilities. Negative values usually mean the target is already log-probabilities.',
          'Pass log_target=True if the target holds log-probabilities, or pass probabilities.',
          { negative: negativeTargets },
        ),
      );
    }
    if (positiveLogTargets > 0) {
      warnings.push(
        notice(
          'warning',
          'warn/kl-log-target-not-log-probs',
          `log_target=True but the target has ${positiveLogTargets} positive ${positiveLogTargets === 1 ? 'value' : 'values'}: it does not look like log-probabilities.`,
          'With log_target=True the target is read as log-probabilities (≤ 0) and exponentiated.',
          'Pass log_target=False if the target holds probabilities, or pass target.log().',
          { positive: positiveLogTargets },
        ),
      );
    }
    if (n === 0 && (reduction === 'mean' || reduction === 'batchmean')) {
      warnings.push(
        notice(
          'warning',
          'warn/empty-mean',
          `The input is empty, so reduction='${reduction}' is 0/0 = nan.`,
          'There is nothing to average.',
          "Skip empty batches, or use reduction='sum'.",
          {
            samples: 0,
          },
        ),
      );
    }
    if (reduction === 'mean' && n > 0 && input.shape.length >= 2) {
      // Show what 'batchmean' would have given, since that is almost always what was meant.
      const batch = input.shape[0]!;
      const batchmean = breakdown.numerator / batch;
      warnings.push(
        notice(
          'info',
          'info/kl-batchmean-value',
          `reduction='batchmean' would give ${fmt(batchmean)} instead of ${fmt(value)}.`,
          `'mean' divides by all ${n} elements; 'batchmean' divides by the batch size ${batch}.`,
          undefined,
          { mean: value, batchmean, elements: n, batch },
        ),
      );
    }
    const inputProbabilities = allocate(input.dtype, input.data.length);
    for (let k = 0; k < input.data.length; k++) inputProbabilities[k] = Math.exp(input.data[k]!);
    const targetProbabilities = allocate(dtype, n);
    for (let k = 0; k < n; k++) targetProbabilities[k] = logTarget ? Math.exp(t[k]!) : t[k]!;
    const gradientData = allocate(input.dtype, gradient.length);
    gradientData.set(gradient);
    return {
      fn: 'kl_div',
      value: toNested(output),
      output,
      perElement,
      perSample: rowSums(perElementValues, shape),
      reduction: breakdown,
      gradient: { input: { dtype: input.dtype, shape: [...input.shape], data: gradientData } },
      extras: {
        targetTerm: { dtype, shape: [...shape], data: targetTerm },
        crossTerm: { dtype, shape: [...shape], data: crossTerm },
        inputProbabilities: { dtype: input.dtype, shape: [...input.shape], data: inputProbabilities },
        targetProbabilities: { dtype, shape: [...shape], data: targetProbabilities },
      },
      warnings,
      options: { ...opts, reduction, log_target: logTarget },
    };
  },
};

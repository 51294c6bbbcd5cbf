/**
 * Multi-class (softmax) focal loss with class-index targets: ℓᵢ = −α_t·(1 − p_t)^γ·log p_t, where p_t is the softmax
 * probability of the target class. The form multi-class focal-loss implementations share:
 *
 * ```python
 * log_pt = F.log_softmax(input, dim=1).gather(1, target.unsqueeze(1)).squeeze(1)
 * ce = -log_pt                      # times alpha[target] (a per-class tensor) or alpha (a number) when given
 * loss = (1 - log_pt.exp()) ** gamma * ce
 * ```
 *
 * then `.mean()` over the samples (a plain mean even with per-class α, unlike CrossEntropyLoss's weighted mean) or
 * `.sum()`. With γ = 0 and no α it is cross_entropy. `alpha` is None (no weighting), a number, or a [C] tensor.
 *
 * Shapes: input [N, C] or [N, C, d1..dk] logits; target [N] or [N, d1..dk] int64 class indices.
 */
import { LossLensError, type Diagnostic } from '../../diagnostics';
import { allocate, formatShape, toNested, type Tensor } from '../../tensor';
import { fmt, reducedOutput } from '../nll_loss';
import { isTensorValue, notice, reduce, requireInputs, resolveOptions } from '../reduction';
import type { LossDefinition, LossOptions, LossResult } from '../types';
import {
  checkClassInput,
  classOffset,
  gatherTargets,
  numberOption,
  referenceReduction,
  rounder,
  softmaxClassification,
  softmaxInputNotice,
  softmaxRows,
} from './common';

const SOFTMAX_FOCAL_DEFAULTS: LossOptions = {
  alpha: null,
  gamma: 2,
  reduction: 'mean',
};

/** Softmax focal loss: cross-entropy scaled by α_t·(1 − p_t)^γ, with `extras.modulatingFactor` per sample. */
export const softmaxFocalLoss: LossDefinition = {
  name: 'softmax_focal_loss',
  moduleName: 'FocalLoss',
  inputs: ['input', 'target'],
  defaults: SOFTMAX_FOCAL_DEFAULTS,
  summary: 'Multi-class focal loss −α_t·(1 − p_t)^γ·log p_t on softmax logits with class-index targets.',
  compute(inputs, options): LossResult {
    const fn = 'softmax_focal_loss';
    const resolved = resolveOptions(fn, SOFTMAX_FOCAL_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
    const gamma = numberOption(fn, 'gamma', opts['gamma'], 2);
    const alphaOption = opts['alpha'];
    const layout = checkClassInput(fn, input);
    const C = layout.classes;
    let classAlpha: Float64Array | undefined;
    let scalarAlpha: number | undefined;
    if (isTensorValue(alphaOption)) {
      if (!(alphaOption.shape.length === 1 && alphaOption.shape[0] === C)) {
        throw new LossLensError({
          code: 'loss/weight-size',
          message: `softmax_focal_loss: alpha should hold one weight per class (${C}), got a tensor of shape ${formatShape(alphaOption.shape)}`,
          explanation: `alpha[target] picks each sample's class weight, so alpha needs ${C} values, one per class.`,
          hint: `Pass alpha=torch.tensor([...]) with ${C} values, a single number, or None.`,
          data: { classes: C, shape: formatShape(alphaOption.shape) },
        });
      }
      classAlpha = Float64Array.from(alphaOption.data);
    } else if (alphaOption !== null && alphaOption !== undefined) {
      scalarAlpha = numberOption(fn, 'alpha', alphaOption, 1);
    }
    const targetClass = gatherTargets(fn, 'gather', input, target, layout);
    const reduction = referenceReduction(fn, opts['reduction'], SOFTMAX_FOCAL_DEFAULTS);
    const dtype = input.dtype;
    const r = rounder(dtype);
    const rows = softmaxRows(input, layout);
    const N = layout.samples;
    const perSample = new Float64Array(N);
    const perElementData = allocate(dtype, N);
    const ceParts = allocate(dtype, N);
    const ptParts = allocate(dtype, N);
    const modulating = allocate(dtype, N);
    const alphaT = allocate(dtype, N);
    const sampleWeight = new Float64Array(N);
    const gradient = allocate(dtype, input.data.length);
    const scale = reduction === 'mean' ? 1 / N : 1;
    for (let i = 0; i < N; i++) {
      const y = targetClass[i]!;
      const logPt = r(rows.logProbabilities[i * C + y]!);
      const ce = -logPt;
      const at = classAlpha ? r(classAlpha[y]!) : scalarAlpha !== undefined ? r(scalarAlpha) : 1;
      const weightedCe = classAlpha || scalarAlpha !== undefined ? r(at * ce) : ce;
      const pt = r(Math.exp(logPt));
      const base = r(1 - pt);
      const m = r(Math.pow(base, gamma));
      const loss = r(m * weightedCe);
      perSample[i] = loss;
      perElementData[i] = loss;
      ceParts[i] = ce;
      ptParts[i] = pt;
      modulating[i] = m;
      alphaT[i] = at;
      sampleWeight[i] = at;
      // Backward as autograd runs it: d/d log p_t of m·α_t·(−log p_t), with m = (1 − exp(log p_t))^γ.
      const gBase = gamma === 0 ? 0 : scale * weightedCe * gamma * Math.pow(base, gamma - 1);
      const gLogPt = -(scale * m * at) + -gBase * pt;
      for (let c = 0; c < C; c++) {
        gradient[classOffset(layout, i, c)] = gLogPt * ((c === y ? 1 : 0) - rows.probabilities[i * C + c]!);
      }
    }
    const breakdown = reduce(perSample, reduction, {
      denominatorLabel: `N = ${N} ${N === 1 ? 'sample' : 'samples'}`,
      why: classAlpha
        ? 'focal loss ends with loss.mean(): a plain mean over the samples, not a mean weighted by α as CrossEntropyLoss weights'
        : 'focal loss ends with loss.mean() over the samples',
    }).breakdown;
    const value = reduction === 'none' ? NaN : r(breakdown.numerator / breakdown.denominator);
    const perElement: Tensor = { dtype, shape: layout.outputShape, data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [...resolved.warnings];
    const softmaxNotice = softmaxInputNotice('softmax_focal_loss', rows, layout);
    if (softmaxNotice) warnings.push(softmaxNotice);
    if (gamma < 0) {
      warnings.push(
        notice(
          'warning',
          'warn/focal-gamma-negative',
          `gamma=${fmt(gamma)} is negative, so (1 − p_t)^γ grows as the prediction gets right.`,
          'Focal loss down-weights easy samples with γ ≥ 0 (γ = 0 is plain cross-entropy, the paper uses γ = 2); a negative γ up-weights them instead and blows up as p_t → 1.',
          'Use gamma ≥ 0, e.g. the default 2.',
          { gamma },
        ),
      );
    }
    return {
      fn,
      value: toNested(output),
      output,
      perElement,
      perSample,
      reduction: breakdown,
      classification: softmaxClassification(dtype, layout, rows, targetClass, sampleWeight),
      gradient: { input: { dtype, shape: [...input.shape], data: gradient } },
      extras: {
        ce: { dtype, shape: layout.outputShape, data: ceParts },
        pt: { dtype, shape: layout.outputShape, data: ptParts },
        modulatingFactor: { dtype, shape: layout.outputShape, data: modulating },
        alphaT: { dtype, shape: layout.outputShape, data: alphaT },
      },
      warnings,
      options: { alpha: alphaOption ?? null, gamma, reduction },
    };
  },
};

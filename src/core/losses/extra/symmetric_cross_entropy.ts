/**
 * Symmetric cross-entropy (Wang et al., ICCV 2019, "Symmetric Cross Entropy for Robust Learning with Noisy Labels"):
 * ℓᵢ = α·CEᵢ + β·RCEᵢ, where the reverse cross-entropy swaps prediction and label,
 * RCEᵢ = −Σ_c clamp(softmax(xᵢ)_c, min=pred_min, max=1)·log clamp(one_hot(yᵢ)_c, min=ε, max=1).
 *
 * This is the common PyTorch implementation (the SCELoss class of HanxunH/SCELoss-Reproduce, which follows the
 * authors' Keras code): `F.cross_entropy(pred, labels)`, then `softmax` clamped to [1e-7, 1], `one_hot` clamped to
 * [ε, 1] with ε = 1e-4, and `α·ce + β·rce.mean()`. Defaults α = 0.1, β = 1.0 are the paper's CIFAR-10 setting.
 * Since log 1 = 0, RCEᵢ = −log ε · Σ_{c≠yᵢ} p_c, which is −log ε · (1 − p_{yᵢ}) while no probability is below pred_min:
 * a bounded loss, which is why it resists noisy labels. Some code uses ε = 1e-18 (A = log ε ≈ −41.4); set `eps`.
 *
 * Shapes: input [N, C] logits, target [N] int64 class indices (what the reference's `one_hot` accepts).
 */
import { LossLensError, type Diagnostic } from '../../diagnostics';
import { allocate, formatShape, toNested, type Tensor } from '../../tensor';
import { crossEntropy } from '../cross_entropy';
import { fmt, reducedOutput } from '../nll_loss';
import { notice, reduce, requireInputs, resolveOptions } from '../reduction';
import type { LossDefinition, LossOptions, LossResult } from '../types';
import { numberOption, referenceReduction, rounder } from './common';

const SCE_DEFAULTS: LossOptions = {
  alpha: 0.1,
  beta: 1.0,
  eps: 1e-4,
  pred_min: 1e-7,
  reduction: 'mean',
};

/** `α·CE + β·RCE` per sample, with the CE/RCE split in `extras.ce` and `extras.rce`. */
export const symmetricCrossEntropy: LossDefinition = {
  name: 'symmetric_cross_entropy',
  moduleName: 'SCELoss',
  inputs: ['input', 'target'],
  defaults: SCE_DEFAULTS,
  summary: 'Symmetric cross-entropy α·CE + β·RCE for noisy labels (SCELoss: reverse CE with log 0 clamped to log ε).',
  compute(inputs, options): LossResult {
    const fn = 'symmetric_cross_entropy';
    const resolved = resolveOptions(fn, SCE_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
    const alpha = numberOption(fn, 'alpha', opts['alpha'], 0.1);
    const beta = numberOption(fn, 'beta', opts['beta'], 1);
    const eps = numberOption(fn, 'eps', opts['eps'], 1e-4);
    const predMin = numberOption(fn, 'pred_min', opts['pred_min'], 1e-7);

    // The reference calls F.cross_entropy first: its checks (and its errors) come first.
    const ce = crossEntropy.compute({ input, target }, { reduction: 'none' });
    const cls = ce.classification!;
    if (input.shape.length < 2) {
      throw new LossLensError({
        code: 'loss/input-dims',
        message: 'IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
        explanation: `symmetric_cross_entropy takes softmax(input, dim=1), so it needs a batch of rows [N, C]; the input is ${formatShape(input.shape)}.`,
        hint: 'Add the batch dimension: input.unsqueeze(0) and target.unsqueeze(0).',
        data: { shape: formatShape(input.shape) },
      });
    }
    if (input.shape.length > 2) {
      throw new LossLensError({
        code: 'loss/input-dims',
        message: `symmetric_cross_entropy expects input [N, C] and target [N]; got input ${formatShape(input.shape)}`,
        explanation: `The reference SCELoss multiplies softmax(input) [N, C, …] by one_hot(target) [N, …, C], which only lines up for 2-D inputs.`,
        hint: 'Move the classes last and flatten: input.movedim(1, -1).reshape(-1, C) and target.reshape(-1).',
        data: { shape: formatShape(input.shape) },
      });
    }
    if (target.dtype !== 'int64') {
      throw new LossLensError({
        code: 'loss/target-dtype',
        message: 'one_hot is only applicable to index tensor.',
        explanation: `The reverse cross-entropy builds F.one_hot(target), which needs int64 class indices; the target is ${target.dtype}.`,
        hint:
          target.shape.length === 2
            ? 'Pass class indices: target.argmax(dim=1).'
            : 'Convert the target with target.long().',
        data: { dtype: target.dtype },
      });
    }
    const N = cls.targetClass.length;
    const C = cls.numClasses;
    for (let i = 0; i < N; i++) {
      if (cls.targetClass[i]! < 0) {
        throw new LossLensError({
          code: 'loss/index-out-of-bounds',
          message: 'Class values must be non-negative.',
          explanation: `Sample ${i} has target ${cls.targetClass[i]}. cross_entropy would skip it as ignore_index, but the reverse cross-entropy's one_hot cannot encode a negative class.`,
          hint: 'Drop the ignored samples before the loss: keep = target >= 0; loss(input[keep], target[keep]).',
          data: { sample: i, target: cls.targetClass[i]! },
        });
      }
    }
    const reduction = referenceReduction(fn, opts['reduction'], SCE_DEFAULTS);
    const dtype = ce.perElement.dtype;
    const r = rounder(dtype);
    // log(clamp(one_hot, min=ε, max=1)): 0 on the target class, log ε (in the tensor's precision) elsewhere.
    const logEps = r(Math.log(r(Math.min(Math.max(0, eps), 1))));
    const p = cls.probabilities.data;
    const ceParts = allocate(dtype, N);
    const rceParts = allocate(dtype, N);
    const perSample = new Float64Array(N);
    const perElementData = allocate(dtype, N);
    const gradient = allocate(input.dtype, N * C);
    const scale = reduction === 'mean' ? 1 / N : 1;
    let clampedProbabilities = 0;
    for (let i = 0; i < N; i++) {
      const y = cls.targetClass[i]!;
      let rce = 0;
      // d RCE / d p_k = −log ε on the other classes where the clamp passes the gradient, 0 elsewhere.
      let pg = 0;
      const g = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        const pc = p[i * C + c]!;
        const clamped = Math.min(Math.max(pc, r(predMin)), 1);
        if (pc < r(predMin)) clampedProbabilities++;
        const logOneHot = c === y ? 0 : logEps;
        rce += r(-(clamped * logOneHot));
        g[c] = c !== y && pc >= r(predMin) && pc <= 1 ? -logOneHot : 0;
        pg += pc * g[c]!;
      }
      const ceI = ce.perSample[i]!;
      const loss = r(r(alpha * ceI) + r(beta * r(rce)));
      ceParts[i] = ceI;
      rceParts[i] = rce;
      perSample[i] = loss;
      perElementData[i] = loss;
      for (let c = 0; c < C; c++) {
        const pc = p[i * C + c]!;
        gradient[i * C + c] = scale * (alpha * (pc - (c === y ? 1 : 0)) + beta * pc * (g[c]! - pg));
      }
    }
    const breakdown = reduce(perSample, reduction, {
      denominatorLabel: `N = ${N} ${N === 1 ? 'sample' : 'samples'}`,
      why: 'α·CE.mean() + β·RCE.mean() is the mean of α·CEᵢ + β·RCEᵢ over the samples',
    }).breakdown;
    const value = reduction === 'none' ? NaN : r(breakdown.numerator / breakdown.denominator);
    const perElement: Tensor = { dtype, shape: [N], data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [
      ...resolved.warnings,
      ...ce.warnings.filter((w) => w.code !== 'warn/legacy-reduction-args'),
    ];
    if (!(eps > 0 && eps < 1)) {
      warnings.push(
        notice(
          'warning',
          'warn/sce-eps',
          `eps=${fmt(eps)} is outside (0, 1): log(clamp(one_hot, min=eps)) is ${eps <= 0 ? '−inf' : '0'} off the target class.`,
          eps <= 0
            ? 'The reverse cross-entropy replaces log 0 by log ε; with ε ≤ 0 it stays −inf and the loss is inf (or nan).'
            : 'With ε ≥ 1 the clamped one-hot is all ones, log 1 = 0, and the reverse cross-entropy vanishes.',
          'Use the paper’s ε = 1e-4 (A = log ε ≈ −9.21), or 1e-18 for a steeper reverse term.',
          { eps },
        ),
      );
    }
    if (clampedProbabilities > 0) {
      warnings.push(
        notice(
          'info',
          'info/sce-prob-clamp',
          `${clampedProbabilities} softmax ${clampedProbabilities === 1 ? 'probability is' : 'probabilities are'} below pred_min=${fmt(predMin)} and clamped up to it.`,
          'SCELoss clamps softmax(input) to [pred_min, 1] before the reverse term: those classes add −log ε·pred_min to RCE and pass no gradient through it.',
          undefined,
          { count: clampedProbabilities, predMin },
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
      classification: cls,
      gradient: { input: { dtype: input.dtype, shape: [...input.shape], data: gradient } },
      extras: {
        ce: { dtype, shape: [N], data: ceParts },
        rce: { dtype, shape: [N], data: rceParts },
      },
      warnings,
      options: { alpha, beta, eps, pred_min: predMin, reduction },
    };
  },
};

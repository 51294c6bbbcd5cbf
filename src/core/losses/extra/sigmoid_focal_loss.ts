/**
 * `torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction='none')`, the RetinaNet loss
 * (Lin et al., 2017), computed as torchvision 0.14 computes it:
 *
 * ```python
 * p = torch.sigmoid(inputs)
 * ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
 * p_t = p * targets + (1 - p) * (1 - targets)
 * loss = ce_loss * ((1 - p_t) ** gamma)
 * if alpha >= 0:
 *     alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
 *     loss = alpha_t * loss
 * ```
 *
 * then `mean`/`sum`. torchvision's default reduction is 'none' (one loss per element), unlike torch.nn's 'mean'.
 * `alpha < 0` (e.g. −1) switches the α weighting off. The gradient flows through p_t as well (torchvision does not
 * detach it). Loss Lens names the tensors `input` and `target`, as everywhere else; torchvision calls them `inputs` and
 * `targets`. Registered as `sigmoid_focal_loss`; `focal_loss` is an alias.
 *
 * Shapes: input and target identical, any shape; the elements are independent binary predictions.
 */
import { LossLensError, type Diagnostic } from '../../diagnostics';
import { allocate, toNested, type Tensor } from '../../tensor';
import { binaryCrossEntropyWithLogits } from '../binary_cross_entropy_with_logits';
import { elementwiseReduction, rowSums } from '../binary_cross_entropy';
import { fmt, reducedOutput } from '../nll_loss';
import { notice, requireInputs, resolveOptions } from '../reduction';
import { promoteTypes } from '../torch-semantics';
import type { LossDefinition, LossOptions, LossResult, Reduction } from '../types';
import { numberOption, rounder } from './common';

const SIGMOID_FOCAL_DEFAULTS: LossOptions = {
  alpha: 0.25,
  gamma: 2,
  reduction: 'none',
};

/** torchvision ≥ 0.15's ValueError for an unknown reduction (0.14 silently returned the unreduced loss). */
function reductionError(value: unknown): LossLensError {
  return new LossLensError({
    code: 'loss/invalid-reduction',
    message: `ValueError: Invalid Value for arg 'reduction': '${String(value)} \n Supported reduction modes: 'none', 'mean', 'sum'`,
    explanation: `sigmoid_focal_loss knows 'none', 'mean' and 'sum'. torchvision 0.14 and older silently return the unreduced loss for any other string; newer versions raise this error.`,
    hint: "Use reduction='mean' for one number to backpropagate, or 'none' (the default) for one loss per element.",
    data: { value: String(value) },
  });
}

/** Focal loss on logits with binary (or soft) targets, elementwise. */
export const sigmoidFocalLoss: LossDefinition = {
  name: 'sigmoid_focal_loss',
  moduleName: 'SigmoidFocalLoss',
  inputs: ['input', 'target'],
  defaults: SIGMOID_FOCAL_DEFAULTS,
  summary: 'torchvision.ops.sigmoid_focal_loss: BCE-with-logits scaled by α_t·(1 − p_t)^γ (default reduction none).',
  compute(inputs, options): LossResult {
    const fn = 'sigmoid_focal_loss';
    const resolved = resolveOptions(fn, SIGMOID_FOCAL_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
    const alpha = numberOption(fn, 'alpha', opts['alpha'], 0.25);
    const gamma = numberOption(fn, 'gamma', opts['gamma'], 2);
    // torchvision computes the BCE part with PyTorch's own function: its checks and error texts come first.
    const bce = binaryCrossEntropyWithLogits.compute({ input, target }, { reduction: 'none' });
    const reductionValue = opts['reduction'];
    if (reductionValue !== 'none' && reductionValue !== 'mean' && reductionValue !== 'sum')
      throw reductionError(reductionValue);
    const reduction: Reduction = reductionValue;
    const dtype = promoteTypes(input.dtype, target.dtype);
    const r = rounder(dtype);
    const rIn = rounder(input.dtype);
    const n = input.data.length;
    const x = input.data;
    const y = target.data;
    const ce = bce.perElement.data;
    const perElementValues = new Float64Array(n);
    const perElementData = allocate(dtype, n);
    const pt = allocate(dtype, n);
    const modulating = allocate(dtype, n);
    const alphaT = allocate(dtype, n);
    const gradient = allocate(input.dtype, n);
    const scale = reduction === 'mean' ? 1 / n : 1;
    const weighted = alpha >= 0;
    for (let k = 0; k < n; k++) {
      const xk = x[k]!;
      const yk = y[k]!;
      const e = Math.exp(-Math.abs(xk));
      const p = rIn(xk >= 0 ? 1 / (1 + e) : e / (1 + e));
      const ptK = r(r(p * yk) + r(r(1 - p) * r(1 - yk)));
      const base = r(1 - ptK);
      const m = r(Math.pow(base, gamma));
      const at = weighted ? r(r(alpha * yk) + r(r(1 - alpha) * r(1 - yk))) : 1;
      const ceK = ce[k]!;
      const loss = weighted ? r(at * r(ceK * m)) : r(ceK * m);
      perElementValues[k] = loss;
      perElementData[k] = loss;
      pt[k] = ptK;
      modulating[k] = m;
      alphaT[k] = at;
      // Backward as autograd runs it: through ce (σ(x) − y) and through p_t inside (1 − p_t)^γ.
      const gLoss = scale * at;
      const gCe = gLoss * m;
      const gBase = gamma === 0 ? 0 : gLoss * ceK * gamma * Math.pow(base, gamma - 1);
      const gPt = -gBase;
      const gP = gPt * yk - gPt * (1 - yk);
      gradient[k] = gP * (1 - p) * p + gCe * (p - yk);
    }
    const breakdown = elementwiseReduction(perElementValues, reduction);
    const value = reduction === 'none' ? NaN : r(breakdown.numerator / breakdown.denominator);
    const shape = [...input.shape];
    const perElement: Tensor = { dtype, shape, data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [
      ...resolved.warnings,
      ...bce.warnings.filter((w) => w.code === 'warn/bce-target-range'),
    ];
    if (!Object.hasOwn(options, 'reduction')) {
      warnings.push(
        notice(
          'info',
          'info/focal-default-none',
          "sigmoid_focal_loss returns one loss per element by default (reduction='none').",
          "torchvision's default differs from torch.nn's 'mean': calling .backward() on the result needs a scalar, and summing by hand is not the mean.",
          "Pass reduction='mean' (what RetinaNet-style training divides by is usually the number of positives: loss.sum() / num_pos).",
          { elements: n },
        ),
      );
    }
    let inUnitInterval = n > 0;
    for (let k = 0; k < n && inUnitInterval; k++) if (!(x[k]! >= 0 && x[k]! <= 1)) inUnitInterval = false;
    if (inUnitInterval) {
      warnings.push(
        notice(
          'warning',
          'warn/probabilities-to-logits-loss',
          'Every input value lies in [0, 1]: these look like probabilities, but sigmoid_focal_loss expects raw logits.',
          'sigmoid_focal_loss applies the sigmoid itself; on probabilities every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so p_t never gets close to 1 and the loss cannot go low.',
          'Pass the raw logits (remove the sigmoid before the loss).',
          { count: n },
        ),
      );
    }
    if (weighted && alpha > 1) {
      warnings.push(
        notice(
          'warning',
          'warn/focal-alpha-range',
          `alpha=${fmt(alpha)} is above 1, so the negatives' weight 1 − α is negative.`,
          'α weights the positive elements and 1 − α the negative ones; it belongs in [0, 1] (−1 switches the weighting off).',
          'Use a value in [0, 1], e.g. the default 0.25.',
          { alpha },
        ),
      );
    }
    const bceCls = bce.classification!;
    const ceOut = allocate(dtype, n);
    ceOut.set(ce);
    return {
      fn,
      value: toNested(output),
      output,
      perElement,
      perSample: rowSums(perElementValues, shape),
      reduction: breakdown,
      classification: bceCls,
      gradient: { input: { dtype: input.dtype, shape, data: gradient } },
      extras: {
        ce: { dtype, shape, data: ceOut },
        pt: { dtype, shape, data: pt },
        modulatingFactor: { dtype, shape, data: modulating },
        alphaT: { dtype, shape, data: alphaT },
      },
      warnings,
      options: { alpha, gamma, reduction },
    };
  },
};

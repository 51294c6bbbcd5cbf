/**
 * Label smoothing, "clamp" convention: the smoothed target puts 1 − ε on the true class and ε/(C − 1) on each of the
 * others, ℓᵢ = −Σ_c q_c·log softmax(xᵢ)_c. This is the hand-written `LabelSmoothingLoss` many tutorials copy:
 *
 * ```python
 * true_dist = torch.full_like(log_p, epsilon / (C - 1))
 * true_dist.scatter_(1, target.unsqueeze(1), 1 - epsilon)
 * loss = torch.sum(-true_dist * log_p, dim=1).mean()
 * ```
 *
 * PyTorch's own `nn.CrossEntropyLoss(label_smoothing=ε)` uses the other convention: (1 − ε)·one_hot + ε/C, so the true
 * class keeps 1 − ε + ε/C and every other class gets ε/C. {@link compareLabelSmoothing} computes both side by side.
 *
 * Shapes: input [N, C] or [N, C, d1..dk] logits; target [N] or [N, d1..dk] int64 class indices.
 */
import { LossLensError, type Diagnostic } from '../../diagnostics';
import { allocate, toNested, type Tensor } from '../../tensor';
import { crossEntropy } from '../cross_entropy';
import { fmt, reducedOutput } from '../nll_loss';
import { notice, reduce, requireInputs, resolveOptions } from '../reduction';
import type { LossDefinition, LossOptions, LossResult, Reduction } from '../types';
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

const CLAMP_DEFAULTS: LossOptions = {
  epsilon: 0.1,
  reduction: 'mean',
};

/** Cross-entropy against the clamp-convention smoothed target (1 − ε on the true class, ε/(C − 1) elsewhere). */
export const labelSmoothingClamp: LossDefinition = {
  name: 'label_smoothing_clamp',
  moduleName: 'LabelSmoothingLoss',
  inputs: ['input', 'target'],
  defaults: CLAMP_DEFAULTS,
  summary:
    'Label smoothing as hand-written losses do it: 1 − ε on the target class, ε/(C − 1) elsewhere (not PyTorch’s ε/C).',
  compute(inputs, options): LossResult {
    const fn = 'label_smoothing_clamp';
    const resolved = resolveOptions(fn, CLAMP_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs(fn, inputs, ['input', 'target']) as [Tensor, Tensor];
    const epsilon = numberOption(fn, 'epsilon', opts['epsilon'], 0.1);
    const layout = checkClassInput(fn, input);
    const C = layout.classes;
    if (C === 1) {
      throw new LossLensError({
        code: 'loss/classes',
        message: 'ZeroDivisionError: float division by zero',
        explanation:
          'The clamp convention spreads ε over the C − 1 other classes; with a single class, epsilon / (C - 1) divides by zero.',
        hint: 'Give the input at least two classes.',
        data: { classes: C },
      });
    }
    const targetClass = gatherTargets(fn, 'scatter', input, target, layout);
    const reduction = referenceReduction(fn, opts['reduction'], CLAMP_DEFAULTS);
    const dtype = input.dtype;
    const r = rounder(dtype);
    const rows = softmaxRows(input, layout);
    const N = layout.samples;
    const onTarget = r(1 - epsilon);
    const offTarget = r(epsilon / (C - 1));
    const perSample = new Float64Array(N);
    const perElementData = allocate(dtype, N);
    const gradient = allocate(dtype, input.data.length);
    const scale = reduction === 'mean' ? 1 / N : 1;
    for (let i = 0; i < N; i++) {
      const y = targetClass[i]!;
      let loss = 0;
      for (let c = 0; c < C; c++) loss += -(c === y ? onTarget : offTarget) * rows.logProbabilities[i * C + c]!;
      perSample[i] = r(loss);
      perElementData[i] = loss;
      // d ℓ / d x_c = p_c·Σ_k q_k − q_c, and Σ q = 1 − ε + (C − 1)·ε/(C − 1) = 1 up to rounding.
      const qSum = onTarget + (C - 1) * offTarget;
      for (let c = 0; c < C; c++) {
        const q = c === y ? onTarget : offTarget;
        gradient[classOffset(layout, i, c)] = scale * (rows.probabilities[i * C + c]! * qSum - q);
      }
    }
    const breakdown = reduce(perSample, reduction, {
      denominatorLabel: `N = ${N} ${N === 1 ? 'sample' : 'samples'}`,
      why: 'the hand-written loss ends with .mean() over the samples',
    }).breakdown;
    const value = reduction === 'none' ? NaN : r(breakdown.numerator / breakdown.denominator);
    const perElement: Tensor = { dtype, shape: layout.outputShape, data: perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [...resolved.warnings];
    if (!(epsilon >= 0 && epsilon <= 1)) {
      warnings.push(
        notice(
          'warning',
          'warn/label-smoothing-range',
          `epsilon=${fmt(epsilon)} is outside [0, 1], so the smoothed target has a negative entry.`,
          'The clamp convention gives the target class 1 − ε and every other class ε/(C − 1); outside [0, 1] one of them is negative and the loss can go below zero.',
          'Use a small value such as epsilon=0.1.',
          { epsilon },
        ),
      );
    }
    const softmaxNotice = softmaxInputNotice('label_smoothing_clamp', rows, layout);
    if (softmaxNotice) warnings.push(softmaxNotice);
    if (N > 0 && epsilon > 0 && epsilon <= 1 && reduction !== 'none') {
      const torchValue = pytorchSmoothingValue(input, target, epsilon, reduction);
      warnings.push(
        notice(
          'info',
          'info/label-smoothing-convention',
          `This is the clamp convention (${fmt(1 - epsilon)} on the target, ε/(C−1) = ${fmt(epsilon / (C - 1))} elsewhere): ${fmt(value)}. nn.CrossEntropyLoss(label_smoothing=${fmt(epsilon)}) gives ${fmt(torchValue)}.`,
          `PyTorch mixes the one-hot target with the uniform distribution: (1 − ε)·one_hot + ε/C, so the target class keeps ${fmt(1 - epsilon + epsilon / C)} and the others get ε/C = ${fmt(epsilon / C)}. The two conventions train alike but print different numbers.`,
          undefined,
          { epsilon, clamp: value, pytorch: torchValue, classes: C },
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
      classification: softmaxClassification(dtype, layout, rows, targetClass),
      gradient: { input: { dtype, shape: [...input.shape], data: gradient } },
      warnings,
      options: { epsilon, reduction },
    };
  },
};

function pytorchSmoothingValue(input: Tensor, target: Tensor, epsilon: number, reduction: Reduction): number {
  const result = crossEntropy.compute({ input, target }, { label_smoothing: epsilon, reduction });
  return result.output.data[0]!;
}

/** One convention's smoothed target and value. */
export interface SmoothingConvention {
  /** The probability the target class keeps. */
  readonly onTarget: number;
  /** The probability each other class gets. */
  readonly offTarget: number;
  /** The reduced value (the sum of the per-sample losses for `reduction='none'`). */
  readonly value: number;
  /** One loss per sample. */
  readonly perSample: Float64Array;
}

/** Both label-smoothing conventions on the same logits and targets. */
export interface LabelSmoothingComparison {
  readonly epsilon: number;
  readonly classes: number;
  readonly reduction: Reduction;
  /** PyTorch's convention: (1 − ε)·one_hot + ε/C, what `nn.CrossEntropyLoss(label_smoothing=ε)` computes. */
  readonly pytorch: SmoothingConvention;
  /** The clamp convention: 1 − ε on the target class, ε/(C − 1) elsewhere. */
  readonly clamp: SmoothingConvention;
  /** Which one `nn.CrossEntropyLoss(label_smoothing=ε)` computes: always PyTorch's. */
  readonly crossEntropyLossComputes: 'pytorch';
}

/**
 * Computes PyTorch's label smoothing (via cross_entropy with `label_smoothing=ε`) and the clamp convention on the same
 * logits and class-index targets. For x = [[1, 8, 1], [1, 1, 8]], y = [1, 2], ε = 0.05 PyTorch gives 0.2352 and the
 * clamp convention 0.3518. Throws LossLensError where either computation would.
 */
export function compareLabelSmoothing(
  input: Tensor,
  target: Tensor,
  epsilon: number,
  reduction: Reduction = 'mean',
): LabelSmoothingComparison {
  const red = reduction === 'batchmean' ? 'mean' : reduction;
  const pytorch = crossEntropy.compute({ input, target }, { label_smoothing: epsilon, reduction: red });
  const clamp = labelSmoothingClamp.compute({ input, target }, { epsilon, reduction: red });
  const C = clamp.classification!.numClasses;
  const valueOf = (result: LossResult): number =>
    red === 'none' ? result.reduction.numerator : result.output.data[0]!;
  return {
    epsilon,
    classes: C,
    reduction: red,
    pytorch: {
      onTarget: 1 - epsilon + epsilon / C,
      offTarget: epsilon / C,
      value: valueOf(pytorch),
      perSample: pytorch.perSample,
    },
    clamp: { onTarget: 1 - epsilon, offTarget: epsilon / (C - 1), value: valueOf(clamp), perSample: clamp.perSample },
    crossEntropyLossComputes: 'pytorch',
  };
}

/**
 * Weights from counts: the two standard answers to class imbalance, computed from class counts or from the targets.
 *
 * - `pos_weight` for BCEWithLogitsLoss, per label: negatives / positives (1000 samples with 20 positives → 980 / 20 =
 *   49), so the positives of a label weigh as much in total as its negatives. This is what PyTorch's docs suggest.
 * - Class weights for CrossEntropyLoss/NLLLoss, per class: N / (C·n_c), scikit-learn's `class_weight='balanced'`
 *   (`compute_class_weight`), so every class carries the same total weight and the weights average 1 over samples.
 *
 * A label with no positives or no negatives, or a class with no samples, has no finite answer (x/0, or 0 which would
 * switch the class off); it gets the neutral weight 1 and is listed in `degenerate`.
 */
import type { LossInputs, LossOptions, LossResult } from './losses/types';
import { isFloating, type Tensor } from './tensor';

/** Weights with the counts they came from. */
export interface CountWeights {
  readonly weights: number[];
  /** Per class or label: the count in the denominator (positives for pos_weight, n_c for class weights). */
  readonly counts: number[];
  /** Per label: the negatives (pos_weight only). */
  readonly negatives?: number[];
  /** The total the formula used: N samples (class weights) or N per label (pos_weight). */
  readonly total: number;
  /** Classes or labels left at weight 1 because their count gives no finite weight. */
  readonly degenerate: number[];
  /** The formula, in the notation of the docs. */
  readonly formula: 'negatives / positives' | 'N / (C·n_c)';
}

/**
 * pos_weight per label from positive counts: (total − positives) / positives. `total` is the number of samples (one
 * number for every label, or one per label).
 */
export function posWeightFromCounts(positives: readonly number[], total: number | readonly number[]): CountWeights {
  const degenerate: number[] = [];
  const negatives = positives.map((pos, k) => (typeof total === 'number' ? total : total[k]!) - pos);
  const weights = positives.map((pos, k) => {
    const neg = negatives[k]!;
    if (!(pos > 0) || !(neg > 0)) {
      degenerate.push(k);
      return 1;
    }
    return neg / pos;
  });
  return {
    weights,
    counts: [...positives],
    negatives,
    total: typeof total === 'number' ? total : Math.max(0, ...total),
    degenerate,
    formula: 'negatives / positives',
  };
}

/**
 * pos_weight from multi-label (or binary) targets: per label along the last dimension, positives = Σ y and
 * negatives = Σ (1 − y), so soft labels count fractionally and 0/1 labels count as themselves.
 */
export function posWeightFromTargets(target: Tensor): CountWeights {
  const labels = target.shape.length >= 2 ? target.shape[target.shape.length - 1]! : 1;
  const positives = new Array<number>(labels).fill(0);
  const totals = new Array<number>(labels).fill(0);
  for (let k = 0; k < target.data.length; k++) {
    const y = target.data[k]!;
    if (!Number.isFinite(y)) continue;
    positives[k % labels]! += Math.min(1, Math.max(0, y));
    totals[k % labels]! += 1;
  }
  return posWeightFromCounts(positives, totals);
}

/** Class weights N / (C·n_c) from the number of samples of each class (scikit-learn's 'balanced'). */
export function classWeightsFromCounts(counts: readonly number[]): CountWeights {
  const C = counts.length;
  const N = counts.reduce((a, b) => a + b, 0);
  const degenerate: number[] = [];
  const weights = counts.map((n, c) => {
    if (!(n > 0)) {
      degenerate.push(c);
      return 1;
    }
    return N / (C * n);
  });
  return { weights, counts: [...counts], total: N, degenerate, formula: 'N / (C·n_c)' };
}

/**
 * Class counts from the targets of a classification loss: class indices (int) are counted, except `ignoreIndex`;
 * probability targets (a float tensor with the class axis at `classDim`) add each sample's probabilities.
 */
export function classCountsFromTargets(target: Tensor, numClasses: number, classDim = 1, ignoreIndex = -100): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  if (!isFloating(target.dtype)) {
    for (let k = 0; k < target.data.length; k++) {
      const y = target.data[k]!;
      if (y === ignoreIndex || !(y >= 0 && y < numClasses)) continue;
      counts[y]! += 1;
    }
    return counts;
  }
  const inner = target.shape.slice(classDim + 1).reduce((a, b) => a * b, 1);
  for (let k = 0; k < target.data.length; k++) {
    const c = Math.floor(k / inner) % numClasses;
    const p = target.data[k]!;
    if (Number.isFinite(p)) counts[c]! += p;
  }
  return counts;
}

/** Class weights N / (C·n_c) counted from the targets (see {@link classCountsFromTargets}). */
export function classWeightsFromTargets(
  target: Tensor,
  numClasses: number,
  classDim = 1,
  ignoreIndex = -100,
): CountWeights {
  return classWeightsFromCounts(classCountsFromTargets(target, numClasses, classDim, ignoreIndex));
}

/**
 * The weights the inspector offers for a computation: class weights when the loss takes `weight` and has a class axis
 * (counted from its targets, `ignore_index` left out), pos_weight when it takes `pos_weight` (counted per label).
 */
export function weightsForComputation(
  inputs: LossInputs,
  options: LossOptions,
  result: LossResult | undefined,
  supports: { readonly classWeights: boolean; readonly posWeight: boolean },
): { classWeights?: CountWeights; posWeight?: CountWeights } {
  const target = inputs['target'];
  if (!target || target.data.length === 0) return {};
  const out: { classWeights?: CountWeights; posWeight?: CountWeights } = {};
  const cls = result?.classification;
  if (supports.classWeights && cls && cls.classDim >= 0 && cls.numClasses > 0) {
    const ignoreIndex = typeof options['ignore_index'] === 'number' ? options['ignore_index'] : -100;
    out.classWeights = classWeightsFromTargets(target, cls.numClasses, cls.classDim, ignoreIndex);
  }
  if (supports.posWeight && isFloating(target.dtype)) out.posWeight = posWeightFromTargets(target);
  return out;
}

/**
 * Which losses fit the tensors a person selected: the QuickPick lists the likely ones first, with the reason.
 * Decided from shapes, dtypes and (when known) values, the way a person would read them.
 */
import type { LossDefinition } from './losses/types';
import { isFloating, type Tensor } from './tensor';

/** A loss with how well it fits and why. */
export interface LossSuggestion {
  readonly loss: LossDefinition;
  /** Higher first. 0 = possible but nothing points to it. */
  readonly score: number;
  /** Plain words: why it is suggested (empty when nothing points to it). */
  readonly reason: string;
}

function inUnitInterval(t: Tensor): boolean {
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!;
    if (!(v >= 0 && v <= 1)) return false;
  }
  return t.data.length > 0;
}

function isBinary(t: Tensor): boolean {
  for (let i = 0; i < t.data.length; i++) if (t.data[i] !== 0 && t.data[i] !== 1) return false;
  return t.data.length > 0;
}

function isPlusMinusOne(t: Tensor): boolean {
  for (let i = 0; i < t.data.length; i++) if (t.data[i] !== 1 && t.data[i] !== -1) return false;
  return t.data.length > 0;
}

/** True when every row along the last dim is ≥ 0 and sums to 1 (probabilities). */
export function rowsSumToOne(t: Tensor): boolean {
  const c = t.shape[t.shape.length - 1];
  if (!c || t.data.length === 0) return false;
  for (let r = 0; r < t.data.length; r += c) {
    let s = 0;
    for (let k = 0; k < c; k++) {
      const v = t.data[r + k]!;
      if (v < 0) return false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-4) return false;
  }
  return true;
}

function sameShape(a: Tensor, b: Tensor): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/**
 * Ranks the losses for an input and a target (the first two tensors of a selection). Every loss is returned; the
 * ones the shapes point to come first, each with a reason.
 */
export function suggestLosses(losses: readonly LossDefinition[], input: Tensor | undefined, target: Tensor | undefined): LossSuggestion[] {
  const score = new Map<string, { score: number; reason: string }>();
  const vote = (name: string, s: number, reason: string): void => {
    const cur = score.get(name);
    if (!cur || cur.score < s) score.set(name, { score: s, reason });
  };
  if (input && target) {
    const classIndexTarget = !isFloating(target.dtype) && target.dtype !== 'bool';
    const batchMatches = input.shape.length >= 2 && target.shape[0] === input.shape[0];
    if (classIndexTarget && (batchMatches || (input.shape.length === 1 && target.shape.length === 0))) {
      const reason = 'integer class indices with one row of scores per sample';
      vote('cross_entropy', 10, reason);
      vote('nll_loss', rowsSumToOne(input) ? 3 : inputAllNonPositive(input) ? 9 : 6, inputAllNonPositive(input) ? 'the input looks like log-probabilities' : reason);
      vote('multi_margin_loss', 4, reason);
    }
    if (classIndexTarget && sameShape(input, target) && isBinary(target)) {
      vote('cross_entropy', 5, 'one-hot targets (cast them with .float() to use them as class probabilities)');
    }
    if (!classIndexTarget && sameShape(input, target)) {
      if (rowsSumToOne(target) && input.shape.length >= 1) {
        vote('cross_entropy', 9, 'each target row is a probability distribution');
        vote('kl_div', inputAllNonPositive(input) ? 9 : 6, 'the target rows are distributions; KLDiv wants log-probabilities as input');
      }
      if (isBinary(target) || inUnitInterval(target)) {
        if (inUnitInterval(input)) vote('binary_cross_entropy', 9, 'the input lies in [0, 1] (probabilities) and the targets are 0/1');
        else vote('binary_cross_entropy_with_logits', 10, 'the input has values outside [0, 1] (logits) and the targets are 0/1');
        vote(inUnitInterval(input) ? 'binary_cross_entropy_with_logits' : 'binary_cross_entropy', 4, 'binary targets');
        vote('multilabel_soft_margin_loss', 3, 'one 0/1 target per class');
      }
      if (isPlusMinusOne(target)) vote('soft_margin_loss', 7, 'the targets are ±1');
      vote('mse_loss', 6, 'input and target have the same shape');
      vote('l1_loss', 5, 'input and target have the same shape');
      vote('smooth_l1_loss', 4, 'input and target have the same shape');
      vote('huber_loss', 4, 'input and target have the same shape');
      vote('poisson_nll_loss', 1, 'input and target have the same shape');
    }
  }
  return losses
    .map((loss) => ({ loss, ...(score.get(loss.name) ?? { score: 0, reason: '' }) }))
    .sort((a, b) => b.score - a.score);
}

function inputAllNonPositive(t: Tensor): boolean {
  for (let i = 0; i < t.data.length; i++) if (!(t.data[i]! <= 0)) return false;
  return t.data.length > 0;
}

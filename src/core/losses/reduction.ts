/**
 * The reduction helper every loss shares: validates `reduction` with PyTorch's message and spells out what was summed
 * and what it was divided by.
 */
import { LossLensError } from '../diagnostics';
import type { Reduction, ReductionBreakdown } from './types';

/** Validates a reduction string the way `torch.nn._reduction.get_enum` does. */
export function parseReduction(value: unknown, allowBatchmean = false): Reduction {
  if (value === 'none' || value === 'mean' || value === 'sum') return value;
  if (allowBatchmean && value === 'batchmean') return value;
  throw new LossLensError({
    code: 'loss/invalid-reduction',
    message: `ValueError: ${String(value)} is not a valid value for reduction`,
    explanation: `reduction must be one of 'none', 'mean' or 'sum'${allowBatchmean ? " (or 'batchmean' for kl_div)" : ''}.`,
    hint: "Use reduction='mean' (the default), 'sum' or 'none'.",
    data: { value: String(value) },
  });
}

/** Sums a typed array in float64 (Kahan–Babuška/Neumaier compensated, so large batches stay accurate). */
export function sum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t;
    s = t;
  }
  return s + c;
}

/**
 * Reduces elementwise losses. For 'mean' the denominator is `count` unless `weightedDenominator` is given (the
 * CE/NLL weighted mean). Returns the value and its breakdown.
 */
export function reduce(
  perElement: ArrayLike<number>,
  reduction: Reduction,
  opts: {
    /** Divide by this instead of the element count (e.g. Σ w[yᵢ]). */
    denominator?: number;
    denominatorLabel?: string;
    why?: string;
    /** For 'batchmean': the batch size. */
    batchSize?: number;
  } = {},
): { value: number; breakdown: ReductionBreakdown } {
  const numerator = sum(perElement);
  const n = perElement.length;
  switch (reduction) {
    case 'none':
      return {
        value: NaN,
        breakdown: { reduction, numerator, denominator: NaN, denominatorLabel: 'no reduction', why: "reduction='none' returns every element's loss" },
      };
    case 'sum':
      return {
        value: numerator,
        breakdown: { reduction, numerator, denominator: 1, denominatorLabel: '1', why: "reduction='sum' adds the losses without dividing" },
      };
    case 'batchmean': {
      const b = opts.batchSize ?? n;
      return {
        value: numerator / b,
        breakdown: {
          reduction,
          numerator,
          denominator: b,
          denominatorLabel: opts.denominatorLabel ?? `batch size ${b}`,
          why: opts.why ?? "reduction='batchmean' divides the summed KL by the batch size, matching the mathematical definition of KL divergence",
        },
      };
    }
    case 'mean': {
      const d = opts.denominator ?? n;
      return {
        value: numerator / d,
        breakdown: {
          reduction,
          numerator,
          denominator: d,
          denominatorLabel: opts.denominatorLabel ?? `N = ${n} elements`,
          why: opts.why ?? "reduction='mean' divides the sum by the number of elements",
        },
      };
    }
  }
}

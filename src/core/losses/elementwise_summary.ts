/**
 * Summary mode for the elementwise losses (BCE, BCE with logits, the regression losses): the element losses are
 * folded in as they are computed, never stored. The total is the same compensated sum, in the same order, as
 * `sum()` in ./reduction.ts, and the per-sample sums are the same row sums as `rowSums`/`perSampleOf`, so from the
 * same element losses the value and the per-sample losses are bit-identical to full mode's. BCE with logits computes
 * its element losses with SIMD kernels in summary mode (float64, within 10⁻⁹ of full mode's: ./simd.ts; float32 for
 * float32 inputs, within 5·10⁻⁷, with the sums folded in the same module: ./simd-bce.ts and {@link
 * ElementwiseAccumulator.addTotals}).
 */
import type { SummaryAggregates } from './types';

/** Totals over every element, computed outside {@link ElementwiseAccumulator} (see its `addTotals`). */
export interface ElementwiseTotals {
  readonly perSample: Float64Array;
  readonly perLabel: Float64Array;
  readonly sum: number;
  readonly compensation: number;
  readonly positiveCount: number;
  readonly positiveSum: number;
  readonly negativeCount: number;
  readonly negativeSum: number;
}

/** Folds element losses, in C order, into the totals summary mode reports. */
export class ElementwiseAccumulator {
  /** One loss per sample: row sums over the non-batch dimensions (≥ 2-D), the elements themselves (0-d, 1-D). */
  readonly perSample: Float64Array;
  /** Σ per label (last axis) for ≥ 2-D shapes, else empty. */
  readonly perLabel: Float64Array;
  /** Elements per sample (the per-sample sums' run length). */
  readonly perRow: number;
  /** The last axis' length (≥ 2-D), else 0. */
  readonly labels: number;
  private sum = 0;
  private compensation = 0;
  private row = 0;
  private inRow = 0;
  private label = 0;
  private positiveCount = 0;
  private positiveSum = 0;
  private negativeCount = 0;
  private negativeSum = 0;

  constructor(shape: readonly number[], count: number) {
    const rows = shape.length <= 1 ? count : shape[0]!;
    this.perSample = new Float64Array(rows);
    this.perRow = shape.length <= 1 ? 1 : rows === 0 ? 0 : count / rows;
    this.labels = shape.length >= 2 ? shape[shape.length - 1]! : 0;
    this.perLabel = new Float64Array(this.labels);
  }

  /** The next element's loss (C order); `target` splits positives (≥ 0.5) from negatives for binary losses. */
  add(loss: number, target?: number): void {
    const s = this.sum;
    const t = s + loss;
    if (Math.abs(s) >= Math.abs(loss)) this.compensation += s - t + loss;
    else this.compensation += loss - t + s;
    this.sum = t;
    this.perSample[this.row]! += loss;
    if (++this.inRow === this.perRow) {
      this.inRow = 0;
      this.row++;
    }
    if (this.labels > 0) {
      this.perLabel[this.label]! += loss;
      if (++this.label === this.labels) this.label = 0;
    }
    if (target !== undefined) {
      if (target >= 0.5) {
        this.positiveCount++;
        this.positiveSum += loss;
      } else {
        this.negativeCount++;
        this.negativeSum += loss;
      }
    }
  }

  /**
   * The next `count` element losses (C order) from `losses`, with their `targets` for the positive/negative split
   * when given: exactly `add(losses[j], targets?.[j])` for each j in turn, with the running totals in locals.
   */
  addBlock(losses: Float64Array, count: number, targets?: Float64Array): void {
    let sum = this.sum;
    let compensation = this.compensation;
    let row = this.row;
    let inRow = this.inRow;
    let label = this.label;
    let positiveCount = this.positiveCount;
    let positiveSum = this.positiveSum;
    let negativeCount = this.negativeCount;
    let negativeSum = this.negativeSum;
    const { perSample, perLabel, perRow, labels } = this;
    for (let j = 0; j < count; j++) {
      const loss = losses[j]!;
      const t = sum + loss;
      if (Math.abs(sum) >= Math.abs(loss)) compensation += sum - t + loss;
      else compensation += loss - t + sum;
      sum = t;
      perSample[row]! += loss;
      if (++inRow === perRow) {
        inRow = 0;
        row++;
      }
      if (labels > 0) {
        perLabel[label]! += loss;
        if (++label === labels) label = 0;
      }
      if (targets) {
        if (targets[j]! >= 0.5) {
          positiveCount++;
          positiveSum += loss;
        } else {
          negativeCount++;
          negativeSum += loss;
        }
      }
    }
    this.sum = sum;
    this.compensation = compensation;
    this.row = row;
    this.inRow = inRow;
    this.label = label;
    this.positiveCount = positiveCount;
    this.positiveSum = positiveSum;
    this.negativeCount = negativeCount;
    this.negativeSum = negativeSum;
  }

  /**
   * Takes totals computed elsewhere over every element (the WebAssembly pass of ./simd-bce.ts): `perSample` and
   * `perLabel` laid out as this accumulator's, the total as a sum with its compensation. Only for an accumulator
   * that has seen no element yet.
   */
  addTotals(totals: ElementwiseTotals): void {
    if (this.row !== 0 || this.inRow !== 0 || this.label !== 0 || this.sum !== 0) {
      throw new Error('ElementwiseAccumulator.addTotals: the accumulator has already seen elements');
    }
    this.perSample.set(totals.perSample.subarray(0, this.perSample.length));
    this.perLabel.set(totals.perLabel.subarray(0, this.perLabel.length));
    this.sum = totals.sum;
    this.compensation = totals.compensation;
    this.row = this.perSample.length;
    this.positiveCount = totals.positiveCount;
    this.positiveSum = totals.positiveSum;
    this.negativeCount = totals.negativeCount;
    this.negativeSum = totals.negativeSum;
  }

  /** Σ of the element losses, as `sum()` computes it. */
  total(): number {
    return Number.isFinite(this.sum) ? this.sum + this.compensation : this.sum;
  }

  /** The aggregates for `LossResult.summary`. */
  aggregates(binary: boolean): SummaryAggregates {
    return {
      perLabel: this.perLabel,
      ...(binary
        ? {
            positives: { count: this.positiveCount, lossSum: this.positiveSum },
            negatives: { count: this.negativeCount, lossSum: this.negativeSum },
          }
        : {}),
    };
  }
}

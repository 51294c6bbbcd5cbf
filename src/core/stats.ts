/**
 * Summary statistics of a tensor for hovers: shape, dtype, min/max/mean/std, nan/inf counts, whether the rows are
 * probability distributions, and a short preview.
 */
import type { Nested } from './tensor';

/** What a hover says about a tensor's values. */
export interface TensorStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation of the finite values (torch.std is the sample one; we say which). */
  readonly std: number;
  readonly nanCount: number;
  readonly infCount: number;
  /** True when every row along the last dimension is ≥ 0 and sums to 1 (±1e-4): probabilities, e.g. after softmax. */
  readonly rowsSumToOne: boolean;
}

/** Flattens nested values in C order. */
export function flatten(value: Nested): number[] {
  const out: number[] = [];
  const walk = (v: Nested): void => {
    if (typeof v === 'number') out.push(v);
    else for (const x of v) walk(x);
  };
  walk(value);
  return out;
}

/** Statistics of values laid out with `lastDim` elements per row. */
export function tensorStats(values: readonly number[], lastDim: number | undefined): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nanCount = 0;
  let infCount = 0;
  for (const v of values) {
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (!Number.isFinite(v)) infCount++;
    else {
      sum += v;
      finite++;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = finite > 0 ? sum / finite : NaN;
  let sq = 0;
  for (const v of values) if (Number.isFinite(v)) sq += (v - mean) ** 2;
  let rowsSumToOne = values.length > 0 && lastDim !== undefined && lastDim > 0 && values.length % lastDim === 0;
  for (let r = 0; rowsSumToOne && r < values.length; r += lastDim!) {
    let s = 0;
    for (let k = 0; k < lastDim!; k++) {
      const v = values[r + k]!;
      if (!(v >= 0)) rowsSumToOne = false;
      s += v;
    }
    if (Math.abs(s - 1) > 1e-4) rowsSumToOne = false;
  }
  return { count: values.length, min, max, mean, std: finite > 0 ? Math.sqrt(sq / finite) : NaN, nanCount, infCount, rowsSumToOne };
}

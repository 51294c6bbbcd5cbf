/**
 * `torch.multinomial(probs, num_samples, replacement)` on the CPU (`multinomial` in
 * `aten/src/ATen/native/Distributions.cpp`, `multinomial_with_replacement_kernel` in
 * `aten/src/ATen/native/cpu/MultinomialKernel.cpp`).
 *
 * - Without replacement, or a single sample (PyTorch 2.x; 1.13 only without replacement): the Gumbel-max trick as PyTorch writes it, `q = exponential_(1)` over the
 *   whole probability tensor (one draw per element, row after row), then `argmax(p / q)` or `topk(p / q, n)` per row.
 * - With replacement and more than one sample: per row, the running sum in the dtype, divided by the total, last entry
 *   forced to 1; each sample is a 53-bit uniform u located by binary search for the first entry not below u.
 */
import { RandomArgumentError } from './errors';
import { exponentialScalar } from './torchExponential';
import type { TorchGenerator } from './torchGenerator';
import { uniformFloat64 } from './torchUniform';

/**
 * Draws `numSamples` category indices for each of `rows` rows of `probs` (row-major, `categories` per row). Returns
 * the indices row-major as doubles (PyTorch returns int64).
 */
export function multinomial(
  gen: TorchGenerator,
  probs: Float32Array | Float64Array,
  rows: number,
  categories: number,
  numSamples: number,
  replacement: boolean,
): Float64Array {
  const isFloat32 = probs instanceof Float32Array;
  const round = isFloat32 ? Math.fround : (v: number): number => v;
  if (numSamples <= 0) throw new RandomArgumentError('RuntimeError', 'cannot sample n_sample <= 0 samples');
  if (!replacement && numSamples > categories) {
    throw new RandomArgumentError(
      'RuntimeError',
      'cannot sample n_sample > prob_dist.size(-1) samples without replacement',
    );
  }
  const out = new Float64Array(rows * numSamples);
  // PyTorch 1.13 took the Gumbel path only without replacement
  if (!replacement || (numSamples === 1 && gen.version !== '1.13')) {
    for (const p of probs) {
      if (!(p >= 0 && p < Infinity))
        throw new RandomArgumentError('RuntimeError', 'probability tensor contains either `inf`, `nan` or element < 0');
    }
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < categories; c++) sum += probs[r * categories + c] ?? 0;
      if (sum === 0)
        throw new RandomArgumentError('RuntimeError', 'invalid multinomial distribution (sum of probabilities <= 0)');
    }
    const q = new Float64Array(probs.length);
    for (let i = 0; i < probs.length; i++) q[i] = round(exponentialScalar(gen, 1));
    for (let i = 0; i < probs.length; i++) q[i] = round((probs[i] ?? 0) / (q[i] ?? 0));
    for (let r = 0; r < rows; r++) {
      const row = Array.from(q.subarray(r * categories, (r + 1) * categories));
      // topk/argmax: largest first; among equal keys the lower index first
      const order = row.map((_, i) => i).sort((a, b) => (row[b] ?? 0) - (row[a] ?? 0) || a - b);
      for (let s = 0; s < numSamples; s++) out[r * numSamples + s] = order[s] ?? 0;
    }
    return out;
  }
  const cum = new Float64Array(categories);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < categories; c++) {
      const v = probs[r * categories + c] ?? 0;
      if (!(v >= 0))
        throw new RandomArgumentError(
          'RuntimeError',
          'invalid multinomial distribution (encountering probability entry < 0)',
        );
      if (!Number.isFinite(v)) {
        throw new RandomArgumentError(
          'RuntimeError',
          'invalid multinomial distribution (encountering probability entry = infinity or NaN)',
        );
      }
      sum = round(sum + v);
      cum[c] = sum;
    }
    if (!(sum > 0))
      throw new RandomArgumentError('RuntimeError', 'invalid multinomial distribution (sum of probabilities <= 0)');
    for (let c = 0; c < categories; c++) cum[c] = round((cum[c] ?? 0) / sum);
    cum[categories - 1] = 1;
    for (let s = 0; s < numSamples; s++) {
      const u = uniformFloat64(gen);
      let left = 0;
      let right = categories;
      while (right - left > 0) {
        const mid = left + Math.floor((right - left) / 2);
        if ((cum[mid] ?? 0) < u) left = mid + 1;
        else right = mid;
      }
      out[r * numSamples + s] = left;
    }
  }
  return out;
}

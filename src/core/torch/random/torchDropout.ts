/**
 * `F.dropout` / `nn.Dropout` in training mode and the feature dropouts (`F.dropout1d/2d/3d`, `nn.Dropout2d`) on the
 * CPU: `_dropout_impl` in `aten/src/ATen/native/Dropout.cpp`. The CPU never takes the fused kernel, so the noise is
 * `empty_like(input).bernoulli_(1 − p)` (one 53-bit uniform per element, or per (sample, channel) for feature dropout),
 * divided in the dtype by `1 − p`, then multiplied into the input.
 */
import { RandomArgumentError } from './errors';
import { bernoulliScalar } from './torchBernoulli';
import type { TorchGenerator } from './torchGenerator';
import type { FloatDType } from './torchUniform';

function checkP(p: number): void {
  if (!(p >= 0 && p <= 1))
    throw new RandomArgumentError('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
}

/**
 * The scaled keep-mask of dropout: each element 0 or `1/(1 − p)` rounded to the dtype, drawn as PyTorch draws it.
 * For feature dropout pass `numel = N·C` (one draw per channel) and broadcast over the spatial positions.
 * Draws nothing when p is 0 or 1 (PyTorch returns the input, or input·0, without touching the generator).
 */
export function dropoutNoise(
  gen: TorchGenerator,
  p: number,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  checkP(p);
  const noise = dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
  if (p === 0) return noise.fill(1);
  if (p === 1 || numel === 0) return noise;
  const kept = bernoulliScalar(gen, 1 - p, numel, dtype);
  const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const scale = round(1 / round(1 - p));
  for (let i = 0; i < numel; i++) noise[i] = (kept[i] ?? 0) === 1 ? scale : 0;
  return noise;
}

/** `F.dropout(input, p, training=True)` on a contiguous input: `input · noise` elementwise in the dtype. */
export function dropout(
  gen: TorchGenerator,
  input: Float32Array | Float64Array,
  p: number,
): Float32Array | Float64Array {
  const dtype: FloatDType = input instanceof Float32Array ? 'float32' : 'float64';
  checkP(p);
  if (p === 0) return input.slice();
  const noise = p === 1 ? new Float64Array(input.length) : dropoutNoise(gen, p, input.length, dtype);
  const out = dtype === 'float32' ? new Float32Array(input.length) : new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = (input[i] ?? 0) * (noise[i] ?? 0);
  return out;
}

/**
 * `F.dropout2d`-style feature dropout on a contiguous (N, C, *spatial) input: one keep draw per (n, c), broadcast over
 * the `spatial` positions of that channel.
 */
export function featureDropout(
  gen: TorchGenerator,
  input: Float32Array | Float64Array,
  batchTimesChannels: number,
  p: number,
): Float32Array | Float64Array {
  const dtype: FloatDType = input instanceof Float32Array ? 'float32' : 'float64';
  checkP(p);
  if (p === 0) return input.slice();
  const noise = p === 1 ? new Float64Array(batchTimesChannels) : dropoutNoise(gen, p, batchTimesChannels, dtype);
  const spatial = batchTimesChannels > 0 ? input.length / batchTimesChannels : 0;
  const out = dtype === 'float32' ? new Float32Array(input.length) : new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = (input[i] ?? 0) * (noise[Math.floor(i / spatial)] ?? 0);
  return out;
}

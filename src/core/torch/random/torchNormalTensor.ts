/**
 * The tensor forms of `torch.normal` on the CPU (`normal_out_impl` in `aten/src/ATen/native/DistributionTemplates.h`):
 * standard normals drawn for the output size (by the size-dependent paths of `normal`), then scaled by `std` and shifted
 * by `mean` in the dtype, as separate elementwise ops.
 */
import { RandomArgumentError } from './errors';
import { normal } from './torchNormal';
import type { TorchGenerator } from './torchGenerator';
import type { FloatDType } from './torchUniform';

/** A mean or std: a number, or one value per output element (already broadcast to the output's size). */
export type NormalParam = number | Float32Array | Float64Array;

function at(p: NormalParam, i: number): number {
  return typeof p === 'number' ? p : (p[i] ?? 0);
}

/**
 * `torch.normal(mean, std)` where at least one of mean/std is a tensor, the other a tensor or a number; `numel` is the
 * broadcast size. With a tensor std: `normal_(0, 1)`, then `·std`, then `+mean`. With a number std and a tensor mean:
 * `normal_(0, std)`, then `+mean`. With two numbers this is `normal(gen, mean, std, numel, dtype)`.
 */
export function normalTensor(
  gen: TorchGenerator,
  mean: NormalParam,
  std: NormalParam,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  const round = dtype === 'float32' ? Math.fround : (v: number): number => v;
  for (let i = 0; i < (typeof std === 'number' ? 1 : numel); i++) {
    if (!(at(std, i) >= 0)) throw new RandomArgumentError('RuntimeError', 'normal expects all elements of std >= 0.0');
  }
  if (typeof std === 'number') {
    const out = normal(gen, 0, std, numel, dtype);
    for (let i = 0; i < numel; i++) out[i] = round((out[i] ?? 0) + at(mean, i));
    return out;
  }
  const out = normal(gen, 0, 1, numel, dtype);
  for (let i = 0; i < numel; i++) out[i] = round(round((out[i] ?? 0) * at(std, i)) + round(at(mean, i)));
  return out;
}

/**
 * `torch.rand`, `torch.rand_like` and `Tensor.uniform_(from, to)` on the CPU: `uniform_kernel` of
 * `aten/src/ATen/native/cpu/DistributionTemplates.h` with `at::uniform_real_distribution` and
 * `transformation::uniform_real` (`aten/src/ATen/core/TransformationHelper.h`).
 *
 * float32 draws take one 32-bit output and keep its low 24 bits; float64 draws take `random64()` and keep 53 bits.
 * The affine map `x·(to − from) + from` runs in the tensor's dtype.
 */
import { fma, fmaf } from './libm';
import { RandomArgumentError, formatCDouble } from './errors';
import type { TorchGenerator } from './torchGenerator';

/** The floating dtypes the generators fill. */
export type FloatDType = 'float32' | 'float64';

const TWO_POW_M24 = 1 / 16777216;
const TWO_POW_M53 = 1 / 9007199254740992;

/** One float32 uniform in [0, 1): `(random() & (2^24 − 1)) · 2^−24`. */
export function uniformFloat32(gen: TorchGenerator): number {
  return (gen.random() & 0xffffff) * TWO_POW_M24;
}

/** One float64 uniform in [0, 1): `(random64() & (2^53 − 1)) · 2^−53`. */
export function uniformFloat64(gen: TorchGenerator): number {
  return gen.random53() * TWO_POW_M53;
}

/** A new typed array of the dtype. */
export function allocateFloat(dtype: FloatDType, numel: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
}

/** `torch.rand(numel, dtype=…)`: uniform draws in [0, 1). */
export function rand(gen: TorchGenerator, numel: number, dtype: FloatDType = 'float32'): Float32Array | Float64Array {
  return uniform(gen, 0, 1, numel, dtype);
}

/**
 * `torch.empty(numel, dtype=…).uniform_(from, to)`. `from` and `to` are first cast to the dtype (`static_cast<scalar_t>`),
 * then each value is `x·(to − from) + from` in that dtype.
 */
export function uniform(
  gen: TorchGenerator,
  from: number,
  to: number,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  if (from > to) {
    throw new RandomArgumentError(
      'RuntimeError',
      `uniform_ expects to return a [from, to) range, but found from=${formatCDouble(from)} > to=${formatCDouble(to)}`,
    );
  }
  if (gen.shapeOnly) return gen.zeros(dtype, numel);
  const out = allocateFloat(dtype, numel);
  if (dtype === 'float32') {
    const f = Math.fround;
    const lo = f(from);
    const range = f(f(to) - lo);
    for (let i = 0; i < numel; i++) out[i] = fmaf(uniformFloat32(gen), range, lo);
  } else {
    const range = to - from;
    for (let i = 0; i < numel; i++) out[i] = fma(uniformFloat64(gen), range, from);
  }
  return out;
}

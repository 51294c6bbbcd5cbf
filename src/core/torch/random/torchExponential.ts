/**
 * `Tensor.exponential_(lambd)` on the CPU (no MKL): `exponential_kernel` of `aten/src/ATen/native/cpu/DistributionTemplates.h`
 * with `at::exponential_distribution<double>` and `transformation::exponential`: one 53-bit uniform u per element and
 * `−1/λ · log1p(−u)` (PyTorch 1.13: `−1/λ · log(1 − u)`), computed in double and cast to the dtype.
 */
import { log, log1pOfNegative } from './libm';
import type { TorchGenerator } from './torchGenerator';
import { allocateFloat, uniformFloat64, type FloatDType } from './torchUniform';

/** One exponential draw as a double. */
export function exponentialScalar(gen: TorchGenerator, lambd: number): number {
  const u = uniformFloat64(gen);
  const l = gen.version === '1.13' ? log(1 - u) : log1pOfNegative(u);
  return (-1 / lambd) * l;
}

/** `torch.empty(numel, dtype=…).exponential_(lambd)`. */
export function exponential(
  gen: TorchGenerator,
  lambd: number,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  if (!(lambd > 0)) {
    throw new RangeError(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  }
  const out = allocateFloat(dtype, numel);
  for (let i = 0; i < numel; i++) out[i] = exponentialScalar(gen, lambd);
  return out;
}

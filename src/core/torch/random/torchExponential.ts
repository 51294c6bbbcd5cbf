/**
 * `Tensor.exponential_(lambd)` on the CPU (no MKL): `exponential_kernel` of `aten/src/ATen/native/cpu/DistributionTemplates.h`
 * with `at::exponential_distribution<double>` and `transformation::exponential`: one 53-bit uniform u per element and
 * `−1/λ · log1p(−u)` (PyTorch 1.13: `−1/λ · log(1 − u)`), computed in double and cast to the dtype.
 */
import { RandomArgumentError, formatCDouble } from './errors';
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
  // PyTorch 1.13 accepted λ = 0 (giving inf); 2.x requires λ > 0
  if (gen.version === '1.13' ? !(lambd >= 0) : !(lambd > 0)) {
    const bound = gen.version === '1.13' ? '>=' : '>';
    throw new RandomArgumentError(
      'RuntimeError',
      `exponential_ expects lambda ${bound} 0.0, but found lambda=${formatCDouble(lambd)}`,
    );
  }
  const out = allocateFloat(dtype, numel);
  for (let i = 0; i < numel; i++) out[i] = exponentialScalar(gen, lambd);
  return out;
}

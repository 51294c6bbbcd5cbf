/**
 * `torch.bernoulli` and `Tensor.bernoulli_` on the CPU of a PyTorch built without MKL (Debian's, and every build on
 * ARM): `bernoulli_kernel` of `aten/src/ATen/native/cpu/DistributionTemplates.h` with `at::bernoulli_distribution`.
 *
 * - A scalar p (`bernoulli_(0.3)`, `torch.bernoulli(x, p=0.3)`): one 53-bit uniform u per element, value `u < p`.
 * - A tensor of probabilities (`torch.bernoulli(probs)`): per element, a float64 p draws a 53-bit uniform, a float32 p
 *   a 24-bit one (`bernoulli_distribution<float>`), and the value is `u < p`.
 *
 * PyTorch wheels built with MKL on x86 draw scalar-p Bernoullis through MKL's own stream instead; those are not
 * reproduced here.
 */
import { RandomArgumentError, formatCDouble } from './errors';
import type { TorchGenerator } from './torchGenerator';
import { allocateFloat, uniformFloat32, uniformFloat64, type FloatDType } from './torchUniform';

/** `torch.empty(numel, dtype=…).bernoulli_(p)`: ones and zeros in the dtype. */
export function bernoulliScalar(
  gen: TorchGenerator,
  p: number,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  if (!(p >= 0 && p <= 1))
    throw new RandomArgumentError(
      'RuntimeError',
      `bernoulli_ expects p to be in [0, 1], but got p=${formatCDouble(p)}`,
    );
  const out = allocateFloat(dtype, numel);
  for (let i = 0; i < numel; i++) out[i] = uniformFloat64(gen) < p ? 1 : 0;
  return out;
}

/**
 * `torch.bernoulli(probs)`: one draw per probability, in the probabilities' dtype (a Float32Array of probabilities is
 * float32, a Float64Array float64). The result has the same dtype.
 */
export function bernoulliTensor(gen: TorchGenerator, probs: Float32Array | Float64Array): Float32Array | Float64Array {
  const dtype: FloatDType = probs instanceof Float32Array ? 'float32' : 'float64';
  const out = allocateFloat(dtype, probs.length);
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] ?? 0;
    if (!(p >= 0 && p <= 1)) {
      throw new RandomArgumentError(
        'RuntimeError',
        'Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)',
      );
    }
    const u = dtype === 'float32' ? uniformFloat32(gen) : uniformFloat64(gen);
    out[i] = u < p ? 1 : 0;
  }
  return out;
}

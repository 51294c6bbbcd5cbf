/**
 * `torch.randn`, `torch.randn_like`, `Tensor.normal_(mean, std)` and `torch.normal(mean, std, size)` on the CPU:
 * `normal_kernel` of `aten/src/ATen/native/cpu/DistributionKernels.cpp` / `DistributionTemplates.h`.
 *
 * The path depends on the size, as in PyTorch:
 * - fewer than 16 elements (a 0-d tensor included): one `at::normal_distribution<double>` draw per element, the scalar
 *   Box-Muller that uses two 53-bit uniforms per pair and caches the sine half in the generator
 *   (`next_double_normal_sample`), so consecutive small draws share pairs;
 * - 16 elements or more, float32: `normal_fill_AVX2` — fill with 24-bit uniforms, transform each block of 16 with the
 *   float32 Cephes log/sincos of avx_mathfun.h, and if the size is not a multiple of 16 redraw the last 16 uniforms
 *   and transform them again;
 * - 16 elements or more, float64: `normal_fill<double>`, the same blocks of 16 with the C library's log/cos/sin.
 */
import { cephesLogf, cephesSincosf, fma, fmaf, log, log1pOfNegative, sincos, sincosResult } from './libm';
import { RandomArgumentError, formatCDouble } from './errors';
import type { TorchGenerator } from './torchGenerator';
import { allocateFloat, uniformFloat32, uniformFloat64, type FloatDType } from './torchUniform';

const f = Math.fround;
const TWO_PI = 2 * Math.PI;
const trig = { sin: 0, cos: 0 };

/**
 * One scalar normal as `at::normal_distribution<double>(mean, std)` draws it: the cached value if there is one,
 * else a fresh Box-Muller pair `r = sqrt(−2·log(1 − u2))`, `θ = 2π·u1`, returning `r·cos θ` and caching `r·sin θ`.
 */
export function normalScalar(gen: TorchGenerator, mean: number, std: number): number {
  const cached = gen.nextDoubleNormal;
  if (cached !== null) {
    gen.nextDoubleNormal = null;
    return fma(cached, std, mean);
  }
  const u1 = uniformFloat64(gen);
  const u2 = uniformFloat64(gen);
  const r = Math.sqrt(-2 * (gen.version === '1.13' ? log(1 - u2) : log1pOfNegative(u2)));
  sincos(TWO_PI * u1, trig);
  gen.nextDoubleNormal = r * trig.sin;
  return fma(r * trig.cos, std, mean);
}

function normalFill16Float32(data: Float32Array, at: number, mean: number, std: number): void {
  const twoPi = f(TWO_PI);
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - (data[at + j] ?? 0));
    const u2 = data[at + j + 8] ?? 0;
    const radius = f(Math.sqrt(f(-2 * cephesLogf(u1))));
    const theta = f(twoPi * u2);
    cephesSincosf(theta);
    const n1 = f(radius * sincosResult.cos);
    const n2 = f(radius * sincosResult.sin);
    data[at + j] = fmaf(n1, std, mean);
    data[at + j + 8] = fmaf(n2, std, mean);
  }
}

function normalFill16Float64(data: Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - (data[at + j] ?? 0);
    const u2 = data[at + j + 8] ?? 0;
    const radius = Math.sqrt(-2 * log(u1));
    sincos(TWO_PI * u2, trig);
    data[at + j] = fma(radius * trig.cos, std, mean);
    data[at + j + 8] = fma(radius * trig.sin, std, mean);
  }
}

/** `normal_fill` / `normal_fill_AVX2`: the path for 16 elements or more. */
function normalFill(
  gen: TorchGenerator,
  numel: number,
  mean: number,
  std: number,
  dtype: FloatDType,
): Float32Array | Float64Array {
  if (dtype === 'float32') {
    const data = new Float32Array(numel);
    const m = f(mean);
    const s = f(std);
    for (let i = 0; i < numel; i++) data[i] = uniformFloat32(gen);
    for (let i = 0; i + 16 <= numel; i += 16) normalFill16Float32(data, i, m, s);
    if (numel % 16 !== 0) {
      const at = numel - 16;
      for (let i = 0; i < 16; i++) data[at + i] = uniformFloat32(gen);
      normalFill16Float32(data, at, m, s);
    }
    return data;
  }
  const data = new Float64Array(numel);
  for (let i = 0; i < numel; i++) data[i] = uniformFloat64(gen);
  for (let i = 0; i + 16 <= numel; i += 16) normalFill16Float64(data, i, mean, std);
  if (numel % 16 !== 0) {
    const at = numel - 16;
    for (let i = 0; i < 16; i++) data[at + i] = uniformFloat64(gen);
    normalFill16Float64(data, at, mean, std);
  }
  return data;
}

/** `torch.empty(numel, dtype=…).normal_(mean, std)`, choosing PyTorch's path by size (see the file comment). */
export function normal(
  gen: TorchGenerator,
  mean: number,
  std: number,
  numel: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  if (!(std >= 0)) {
    throw new RandomArgumentError('RuntimeError', `normal expects std >= 0.0, but found std ${formatCDouble(std)}`);
  }
  if (gen.shapeOnly) return gen.zeros(dtype, numel);
  if (numel >= 16) return normalFill(gen, numel, mean, std, dtype);
  const out = allocateFloat(dtype, numel);
  for (let i = 0; i < numel; i++) out[i] = normalScalar(gen, mean, std);
  return out;
}

/** `torch.randn(numel, dtype=…)`: standard normals. */
export function randn(gen: TorchGenerator, numel: number, dtype: FloatDType = 'float32'): Float32Array | Float64Array {
  return normal(gen, 0, 1, numel, dtype);
}

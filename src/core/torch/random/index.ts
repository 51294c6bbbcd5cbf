/**
 * Random generators reproduced bit for bit: PyTorch's CPU generator and nn initialisation, NumPy's legacy RandomState,
 * CPython's `random`. Pure TypeScript, no state outside the generator objects.
 *
 * PyTorch (`new TorchGenerator(seed?, version?)`; `version` '2.x' (default) or '1.13' picks the formulas where releases
 * differ; seeds beyond 2^53 should be passed as bigint; `manualSeed`, `initialSeed`, `getState`/`setState` mirror
 * torch.manual_seed, initial_seed, get_rng_state/set_rng_state; an unseeded generator starts from
 * `DEFAULT_TORCH_SEED` like `torch.Generator()`, while PyTorch seeds its global default randomly at startup).
 * Every function draws from `gen` in PyTorch's order and returns a new typed array of `numel` values (C order):
 * - `rand(gen, numel, dtype: 'float32'|'float64' = 'float32'): Float32Array|Float64Array` — torch.rand, rand_like
 * - `uniform(gen, from, to, numel, dtype)` — Tensor.uniform_(from, to)
 * - `randn(gen, numel, dtype)` — torch.randn, randn_like (size < 16: scalar Box-Muller with cache; ≥ 16: vectorized fill)
 * - `normal(gen, mean, std, numel, dtype)` — Tensor.normal_(mean, std), torch.normal(float, float, size)
 * - `normalTensor(gen, mean: number|Float32Array|Float64Array, std: same, numel, dtype)` — torch.normal with tensor
 *   mean and/or std (arrays already broadcast to numel)
 * - `randint(gen, low, high, numel, dtype: 'int64'|'int32'|'float32'|'float64'|'bool' = 'int64'): Float64Array` —
 *   torch.randint, Tensor.random_(to) / random_(from, to) (int64 as doubles, exact to 2^53; `randintBig` for BigInts)
 * - `randomFull(gen, numel, dtype): BigInt64Array` — Tensor.random_() with no bounds
 * - `randperm(gen, n): Float64Array` — torch.randperm
 * - `bernoulliScalar(gen, p, numel, dtype)` — Tensor.bernoulli_(p), torch.bernoulli(x, p)
 * - `bernoulliTensor(gen, probs: Float32Array|Float64Array): same type` — torch.bernoulli(probs)
 * - `multinomial(gen, probs, rows, categories, numSamples, replacement): Float64Array` — torch.multinomial (row-major)
 * - `exponential(gen, lambd, numel, dtype)` — Tensor.exponential_(lambd)
 * nn initialisation (init.ts): `linearInit`, `bilinearInit`, `embeddingInit`, `convInit`, `rnnInit`, `rnnCellInit`,
 * `layerNormInit`, `batchNormInit` return `NamedTensor[]` in PyTorch's parameter order; `initUniform`, `initNormal`,
 * `xavierUniform`, `xavierNormal`, `kaimingUniform`, `kaimingNormal`, `initConstant`, `calculateGain`, `fanInAndFanOut`
 * mirror torch.nn.init.
 *
 * Dropout (torchDropout.ts): `dropout(gen, input, p)`, `featureDropout(gen, input, batchTimesChannels, p)`,
 * `dropoutNoise(gen, p, numel, dtype)`. Attention modules (initTransformer.ts): `multiheadAttentionInit`,
 * `transformerEncoderLayerInit`, `transformerDecoderLayerInit`, `transformerInit`, `cloneLayers`.
 *
 * NumPy (`new NumpyRandomState(seed?)`, numpyRandom.ts) and CPython (`new PythonRandom(seed?, version?)`,
 * pythonRandom.ts): see those classes' methods, named as in Python.
 *
 * Bad arguments throw `RandomArgumentError` (errors.ts) carrying the Python exception class (`pythonType`) and the
 * library's own message for the chosen version, ready to be raised by the interpreter.
 *
 * Exactness: float32 and integer results are bit-identical to PyTorch's (Debian builds, no MKL, AVX2 kernels, as on
 * any x86-64 machine with AVX2). float64 values computed through log/sin/cos use correctly rounded versions of those
 * functions; glibc's are not always correctly rounded, so about 1 value in 1000 differs in the last bits (measured on
 * the fixtures: 16 of 16225 torch float64 values, 2 of 4162 NumPy Gaussians, 2 of 2120 CPython Gaussians).
 */
export { MT19937 } from './mt19937';
export { NumpyRandomState } from './numpyRandom';
export { PythonRandom, type PythonVersion } from './pythonRandom';
export { RandomArgumentError, formatCDouble, type PythonExceptionType } from './errors';
export {
  DEFAULT_TORCH_SEED,
  TorchGenerator,
  ShapeOnlyGenerator,
  normalizeTorchSeed,
  type TorchGeneratorState,
  type TorchVersion,
} from './torchGenerator';
export { allocateFloat, rand, uniform, uniformFloat32, uniformFloat64, type FloatDType } from './torchUniform';
export { normal, normalScalar, randn } from './torchNormal';
export { normalTensor, type NormalParam } from './torchNormalTensor';
export { randint, randintBig, randomFull, randperm, type RandomDType } from './torchInteger';
export { bernoulliScalar, bernoulliTensor } from './torchBernoulli';
export { exponential, exponentialScalar } from './torchExponential';
export { multinomial } from './torchMultinomial';
export { dropout, dropoutNoise, featureDropout } from './torchDropout';
export {
  cloneLayers,
  multiheadAttentionInit,
  transformerDecoderLayerInit,
  transformerEncoderLayerInit,
  transformerInit,
  type MultiheadAttentionOptions,
  type TransformerLayerOptions,
  type TransformerOptions,
} from './initTransformer';
export {
  batchNormInit,
  bilinearInit,
  calculateGain,
  convInit,
  embeddingInit,
  fanInAndFanOut,
  initConstant,
  initNormal,
  initUniform,
  kaimingNormal,
  kaimingUniform,
  layerNormInit,
  linearInit,
  rnnCellInit,
  rnnInit,
  rnnParameterShapes,
  xavierNormal,
  xavierUniform,
  type ConvOptions,
  type KaimingOptions,
  type NamedTensor,
  type Nonlinearity,
  type RnnOptions,
} from './init';

/**
 * The default initialisation of PyTorch's nn modules and the `torch.nn.init` functions (`torch/nn/init.py`, the
 * modules' `reset_parameters` in `torch/nn/modules/{linear,sparse,conv,rnn,normalization,batchnorm}.py`).
 *
 * Parameters are returned in the order the module creates and initialises them, which is the order they consume the
 * generator: building `nn.Linear(3, 2)` then `nn.Linear(2, 1)` after `torch.manual_seed(0)` draws the first layer's
 * weight, its bias, then the second layer's. PyTorch 1.13 and 2.x initialise these modules identically.
 */
import { RandomArgumentError } from './errors';
import type { TorchGenerator } from './torchGenerator';
import { normal } from './torchNormal';
import { uniform, type FloatDType } from './torchUniform';

/** One parameter or buffer as the module holds it. */
export interface NamedTensor {
  name: string;
  shape: number[];
  dtype: FloatDType | 'int64';
  data: Float32Array | Float64Array;
}

/** `nonlinearity` names accepted by `calculate_gain`. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `nn.init.calculate_gain(nonlinearity, param)`. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope * slope));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      return 1;
  }
}

/** `_calculate_fan_in_and_fan_out(tensor)`: fan_in = size(1)·receptive field, fan_out = size(0)·receptive field. */
export function fanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new RandomArgumentError(
      'ValueError',
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
    );
  }
  const receptive = numelOf(shape.slice(2));
  return { fanIn: (shape[1] ?? 0) * receptive, fanOut: (shape[0] ?? 0) * receptive };
}

/** `nn.init.uniform_(t, a, b)`. */
export function initUniform(
  gen: TorchGenerator,
  shape: readonly number[],
  a = 0,
  b = 1,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  return uniform(gen, a, b, numelOf(shape), dtype);
}

/** `nn.init.normal_(t, mean, std)` (size ≥ 16 takes PyTorch's vectorized path). */
export function initNormal(
  gen: TorchGenerator,
  shape: readonly number[],
  mean = 0,
  std = 1,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  return normal(gen, mean, std, numelOf(shape), dtype);
}

/** `nn.init.xavier_uniform_(t, gain)`: U(−a, a) with a = gain·sqrt(6 / (fan_in + fan_out)) computed as PyTorch does. */
export function xavierUniform(
  gen: TorchGenerator,
  shape: readonly number[],
  gain = 1,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform(gen, -a, a, numelOf(shape), dtype);
}

/** `nn.init.xavier_normal_(t, gain)`: N(0, gain·sqrt(2 / (fan_in + fan_out))). */
export function xavierNormal(
  gen: TorchGenerator,
  shape: readonly number[],
  gain = 1,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal(gen, 0, std, numelOf(shape), dtype);
}

/** Options of `kaiming_uniform_` / `kaiming_normal_`. */
export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: readonly number[], options: KaimingOptions): number {
  const { fanIn, fanOut } = fanInAndFanOut(shape);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** `nn.init.kaiming_uniform_(t, a, mode, nonlinearity)`: U(−bound, bound), bound = sqrt(3)·gain/sqrt(fan). */
export function kaimingUniform(
  gen: TorchGenerator,
  shape: readonly number[],
  options: KaimingOptions = {},
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  const bound = Math.sqrt(3.0) * kaimingStd(shape, options);
  return uniform(gen, -bound, bound, numelOf(shape), dtype);
}

/** `nn.init.kaiming_normal_(t, a, mode, nonlinearity)`: N(0, gain/sqrt(fan)). */
export function kaimingNormal(
  gen: TorchGenerator,
  shape: readonly number[],
  options: KaimingOptions = {},
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  return normal(gen, 0, kaimingStd(shape, options), numelOf(shape), dtype);
}

/** `nn.init.constant_` / `zeros_` / `ones_`: no draw. */
export function initConstant(
  shape: readonly number[],
  value: number,
  dtype: FloatDType = 'float32',
): Float32Array | Float64Array {
  const out = dtype === 'float32' ? new Float32Array(numelOf(shape)) : new Float64Array(numelOf(shape));
  out.fill(value);
  return out;
}

function param(name: string, shape: number[], data: Float32Array | Float64Array, dtype: FloatDType): NamedTensor {
  return { name, shape, dtype, data };
}

/** The weight then bias of a layer initialised like `nn.Linear`/`_ConvNd.reset_parameters`. */
function kaimingLayer(
  gen: TorchGenerator,
  weightShape: number[],
  biasSize: number | null,
  dtype: FloatDType,
): NamedTensor[] {
  const out = [param('weight', weightShape, kaimingUniform(gen, weightShape, { a: Math.sqrt(5) }, dtype), dtype)];
  if (biasSize !== null) {
    const { fanIn } = fanInAndFanOut(weightShape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    out.push(param('bias', [biasSize], uniform(gen, -bound, bound, biasSize, dtype), dtype));
  }
  return out;
}

/** `nn.Linear(in_features, out_features, bias)`: weight (out, in) by kaiming_uniform_(a=√5), bias U(±1/√in). */
export function linearInit(
  gen: TorchGenerator,
  inFeatures: number,
  outFeatures: number,
  bias = true,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  return kaimingLayer(gen, [outFeatures, inFeatures], bias ? outFeatures : null, dtype);
}

/** `nn.Bilinear(in1, in2, out, bias)`: weight (out, in1, in2) and bias, both U(±1/√in1). */
export function bilinearInit(
  gen: TorchGenerator,
  in1: number,
  in2: number,
  outFeatures: number,
  bias = true,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  const bound = 1 / Math.sqrt(in1);
  const out = [
    param('weight', [outFeatures, in1, in2], uniform(gen, -bound, bound, outFeatures * in1 * in2, dtype), dtype),
  ];
  if (bias) out.push(param('bias', [outFeatures], uniform(gen, -bound, bound, outFeatures, dtype), dtype));
  return out;
}

/** `nn.Embedding(num, dim, padding_idx)`: weight N(0, 1), the padding row (negative counts from the end) zeroed. */
export function embeddingInit(
  gen: TorchGenerator,
  numEmbeddings: number,
  embeddingDim: number,
  paddingIdx: number | null = null,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  const weight = normal(gen, 0, 1, numEmbeddings * embeddingDim, dtype);
  if (paddingIdx !== null) {
    if (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
      throw new RandomArgumentError('AssertionError', 'Padding_idx must be within num_embeddings');
    }
    const row = paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
    weight.fill(0, row * embeddingDim, (row + 1) * embeddingDim);
  }
  return [param('weight', [numEmbeddings, embeddingDim], weight, dtype)];
}

/** Options of the convolution modules. */
export interface ConvOptions {
  groups?: number;
  bias?: boolean;
  /** ConvTranspose: the weight is (in, out/groups, *kernel). */
  transposed?: boolean;
  dtype?: FloatDType;
}

/** `nn.Conv1d/2d/3d` and `nn.ConvTranspose1d/2d/3d`: weight by kaiming_uniform_(a=√5), bias U(±1/√fan_in). */
export function convInit(
  gen: TorchGenerator,
  inChannels: number,
  outChannels: number,
  kernel: number[],
  options: ConvOptions = {},
): NamedTensor[] {
  const groups = options.groups ?? 1;
  if (inChannels % groups !== 0) throw new RandomArgumentError('ValueError', 'in_channels must be divisible by groups');
  if (outChannels % groups !== 0)
    throw new RandomArgumentError('ValueError', 'out_channels must be divisible by groups');
  const weightShape = options.transposed
    ? [inChannels, outChannels / groups, ...kernel]
    : [outChannels, inChannels / groups, ...kernel];
  return kaimingLayer(gen, weightShape, (options.bias ?? true) ? outChannels : null, options.dtype ?? 'float32');
}

/** Options of `nn.RNN`/`nn.LSTM`/`nn.GRU`. */
export interface RnnOptions {
  numLayers?: number;
  bias?: boolean;
  bidirectional?: boolean;
  /** LSTM only. */
  projSize?: number;
  dtype?: FloatDType;
}

/** The parameter names and shapes of an RNN module, in registration order (`_flat_weights_names`). */
export function rnnParameterShapes(
  mode: 'RNN' | 'LSTM' | 'GRU',
  inputSize: number,
  hiddenSize: number,
  options: RnnOptions = {},
): { name: string; shape: number[] }[] {
  const numLayers = options.numLayers ?? 1;
  const directions = options.bidirectional ? 2 : 1;
  const projSize = options.projSize ?? 0;
  const gateSize = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * hiddenSize;
  const realHidden = projSize > 0 ? projSize : hiddenSize;
  const out: { name: string; shape: number[] }[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    for (let direction = 0; direction < directions; direction++) {
      const layerInput = layer === 0 ? inputSize : realHidden * directions;
      const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
      out.push({ name: `weight_ih${suffix}`, shape: [gateSize, layerInput] });
      out.push({ name: `weight_hh${suffix}`, shape: [gateSize, realHidden] });
      if (options.bias ?? true) {
        out.push({ name: `bias_ih${suffix}`, shape: [gateSize] });
        out.push({ name: `bias_hh${suffix}`, shape: [gateSize] });
      }
      if (projSize > 0) out.push({ name: `weight_hr${suffix}`, shape: [projSize, hiddenSize] });
    }
  }
  return out;
}

/** `nn.RNN`/`nn.LSTM`/`nn.GRU`: every parameter U(±1/√hidden_size), in registration order. */
export function rnnInit(
  gen: TorchGenerator,
  mode: 'RNN' | 'LSTM' | 'GRU',
  inputSize: number,
  hiddenSize: number,
  options: RnnOptions = {},
): NamedTensor[] {
  const dtype = options.dtype ?? 'float32';
  const stdv = hiddenSize > 0 ? 1.0 / Math.sqrt(hiddenSize) : 0;
  return rnnParameterShapes(mode, inputSize, hiddenSize, options).map(({ name, shape }) =>
    param(name, shape, uniform(gen, -stdv, stdv, numelOf(shape), dtype), dtype),
  );
}

/** `nn.RNNCell`/`nn.LSTMCell`/`nn.GRUCell`: weight_ih, weight_hh, bias_ih, bias_hh, all U(±1/√hidden_size). */
export function rnnCellInit(
  gen: TorchGenerator,
  mode: 'RNN' | 'LSTM' | 'GRU',
  inputSize: number,
  hiddenSize: number,
  bias = true,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  const gateSize = (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1) * hiddenSize;
  const stdv = hiddenSize > 0 ? 1.0 / Math.sqrt(hiddenSize) : 0;
  const shapes: [string, number[]][] = [
    ['weight_ih', [gateSize, inputSize]],
    ['weight_hh', [gateSize, hiddenSize]],
  ];
  if (bias) shapes.push(['bias_ih', [gateSize]], ['bias_hh', [gateSize]]);
  return shapes.map(([name, shape]) => param(name, shape, uniform(gen, -stdv, stdv, numelOf(shape), dtype), dtype));
}

/** `nn.LayerNorm(shape)`: weight ones, bias zeros; no draw. */
export function layerNormInit(
  normalizedShape: number[],
  elementwiseAffine = true,
  bias = true,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  if (!elementwiseAffine) return [];
  const out = [param('weight', normalizedShape, initConstant(normalizedShape, 1, dtype), dtype)];
  if (bias) out.push(param('bias', normalizedShape, initConstant(normalizedShape, 0, dtype), dtype));
  return out;
}

/**
 * `nn.BatchNorm1d/2d/3d(num_features)`: parameters weight ones and bias zeros, then buffers running_mean zeros,
 * running_var ones and num_batches_tracked 0 (int64, 0-d); no draw.
 */
export function batchNormInit(
  numFeatures: number,
  affine = true,
  trackRunningStats = true,
  dtype: FloatDType = 'float32',
): NamedTensor[] {
  const out: NamedTensor[] = [];
  if (affine) {
    out.push(param('weight', [numFeatures], initConstant([numFeatures], 1, dtype), dtype));
    out.push(param('bias', [numFeatures], initConstant([numFeatures], 0, dtype), dtype));
  }
  if (trackRunningStats) {
    out.push(param('running_mean', [numFeatures], initConstant([numFeatures], 0, dtype), dtype));
    out.push(param('running_var', [numFeatures], initConstant([numFeatures], 1, dtype), dtype));
    out.push({ name: 'num_batches_tracked', shape: [], dtype: 'int64', data: new Float64Array(1) });
  }
  return out;
}

/**
 * The recurrent, convolution, normalisation and dropout layers of a run: `nn.RNN`, `nn.LSTM`, `nn.GRU`, `nn.Conv1d`,
 * `nn.Conv3d` (initialisation only), `nn.BatchNorm1d/2d`, `nn.Dropout`, and `F.dropout` in training mode. Each draws
 * its parameters from the run's default generator in PyTorch's order (`core/torch/random/init.ts`) and computes its
 * forward pass on concrete values as PyTorch does, raising PyTorch's own errors (per version) for wrong inputs.
 */
import { multiheadAttentionForward } from '../torch/nn/attention';
import { recurrentForward, swapLeadingAxes, type RecurrentMode } from '../torch/nn/rnn';
import {
  batchNormInit,
  bilinearInit,
  convInit,
  dropout as dropoutDraw,
  dropoutNoise,
  featureDropout,
  multiheadAttentionInit,
  rnnCellInit,
  rnnInit,
  type FloatDType,
  type NamedTensor,
} from '../torch/random/index';
import { scalarTypeName } from '../tensor';
import type { TorchTensor } from '../torch/tensor';
import { BudgetStop, NotModelledStop, pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import type { AutogradTensor } from '../torch/autograd/graph';
import { recordNotModelled } from '../torch/autograd/rules';
import {
  PyClass,
  PyInstance,
  PyList,
  PyTuple,
  isTensorValue,
  type CallArguments,
  type NativeClass,
  type PyValue,
} from './values';

/** The most multiply-adds one recurrent or attention forward pass may take (a few seconds of work). */
const MAX_FORWARD_COST = 1e9;

/** Stops the run, located, before a forward pass whose work is over the limit. */
function checkCost(bridge: TorchBridge, what: string, input: TorchTensor, cost: number): void {
  if (cost > MAX_FORWARD_COST) {
    throw new BudgetStop(
      `Not computed: ${what} over an input of size [${input.shape.join(', ')}] is over Loss Lens's compute limit.`,
      bridge.interp.current,
      {},
    );
  }
}

/** The layers this file builds, by class name; undefined for the others. */
export function makeNnLayer(bridge: TorchBridge, name: string): NativeClass | undefined {
  switch (name) {
    case 'RNN':
    case 'LSTM':
    case 'GRU':
      return recurrentLayer(bridge, name);
    case 'Conv1d':
    case 'Conv3d':
      return convLayer(bridge, name, name === 'Conv1d' ? 1 : 3);
    case 'BatchNorm1d':
    case 'BatchNorm2d':
    case 'BatchNorm3d':
      return batchNormLayer(bridge, name);
    case 'Dropout':
      return dropoutLayer(bridge);
    case 'Dropout1d':
    case 'Dropout2d':
      return featureDropoutLayer(bridge, name);
    case 'Bilinear':
      return bilinearLayer(bridge);
    case 'RNNCell':
    case 'LSTMCell':
    case 'GRUCell':
      return cellLayer(bridge, name);
    case 'MultiheadAttention':
      return attentionLayer(bridge);
  }
  return undefined;
}

/** `F.dropout(input, p=0.5, training=True, inplace=False)`: a mask drawn from the default generator in training. */
export function functionalDropout(bridge: TorchBridge, a: CallArguments): PyValue {
  const o = bindArgs(
    'dropout',
    [
      ['input', undefined],
      ['p', 0.5],
      ['training', true],
      ['inplace', false],
    ],
    a,
  );
  const input = o.get('input')!;
  const p = Number(o.get('p'));
  checkDropoutP(p);
  if (!isTensorValue(input)) throw pyError('TypeError', "dropout(): argument 'input' must be Tensor");
  // ATen returns the input itself when p is 0 (or not training).
  if (!bridge.interp.truthy(o.get('training')!, bridge.interp.current!) || p === 0) return input;
  return applyDropout(bridge, input, p);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

type Bound = Map<string, PyValue>;

/** Python's binding of a call's arguments to `params` (undefined default = required). */
function bindArgs(
  name: string,
  params: readonly (readonly [string, PyValue | undefined])[],
  a: CallArguments,
  ignored: readonly string[] = [],
): Bound {
  if (a.args.length > params.length) {
    throw pyError(
      'TypeError',
      `${name}.__init__() takes from ${params.filter(([, d]) => d === undefined).length + 1} to ${params.length + 1} positional arguments but ${a.args.length + 1} were given`,
    );
  }
  const out: Bound = new Map();
  params.forEach(([k, dflt], i) => {
    const v = i < a.args.length ? a.args[i]! : a.kwargs.has(k) ? a.kwargs.get(k)! : dflt;
    if (v === undefined)
      throw pyError('TypeError', `${name}.__init__() missing 1 required positional argument: '${k}'`);
    out.set(k, v);
  });
  for (const k of a.kwargs.keys()) {
    if (params.some(([n]) => n === k) || ignored.includes(k)) continue;
    throw pyError('TypeError', `${name}.__init__() got an unexpected keyword argument '${k}'`);
  }
  return out;
}

function int(v: PyValue | undefined): number {
  return Number(v);
}

function truthy(bridge: TorchBridge, v: PyValue | undefined): boolean {
  return v !== undefined && bridge.interp.truthy(v, bridge.interp.current!);
}

/** The module's parameters (requires_grad) and buffers as the run's tensors, in PyTorch's order. */
function registerTensors(bridge: TorchBridge, tensors: NamedTensor[], buffers: readonly string[] = []): Bound {
  const out: Bound = new Map();
  for (const p of tensors) out.set(p.name, bridge.layerTensor(p, !buffers.includes(p.name)));
  return out;
}

function params(self: PyInstance): Bound {
  return self.native!.params as Bound;
}

function tensorOf(self: PyInstance, name: string): TorchTensor | null {
  const v = params(self).get(name) ?? self.attrs.get(name);
  return v !== undefined && isTensorValue(v) ? v : null;
}

function pyTupleText(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(', ')})`;
}

function checkDropoutP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
}

function floatDTypeOf(bridge: TorchBridge, t: TorchTensor, what: string): FloatDType {
  if (t.dtype === 'float32' || t.dtype === 'float64') return t.dtype;
  throw new NotModelledStop(
    `${what} of ${t.dtype.startsWith('i') ? 'an' : 'a'} ${t.dtype} tensor`,
    bridge.interp.current,
    'unsupported',
  );
}

/**
 * Names the autograd node PyTorch gives a layer's output (`grad_fn=<StackBackward0>` when printed), when the output
 * requires grad; harvested from torch 1.13 and 2.14 (scripts/fixtures/gen_nn_layers.py, case grad_fn_names).
 */
function nameGradFn(t: TorchTensor, name: string | null): void {
  const node = (t as AutogradTensor).gradNode;
  // Only a layer's own node (whose backward is not modelled) takes the name; a recorded op keeps its own.
  const layer = node?.name.match(/^(.*)'s backward$/);
  if (name && layer) recordNotModelled(layer[1]!, t, name);
}

/** `input * bernoulli_(1 − p) / (1 − p)` with the mask drawn from the default generator, as ATen's CPU dropout. */
function applyDropout(bridge: TorchBridge, input: TorchTensor, p: number): TorchTensor {
  const dtype = floatDTypeOf(bridge, input, 'dropout');
  const values = dtype === 'float32' ? Float32Array.from(input.data) : Float64Array.from(input.data);
  // ATen's CPU dropout is `input * noise` with noise = bernoulli_(1 − p) / (1 − p): the product is what autograd
  // records (MulBackward0, its backward the gradient times the same noise).
  const noise = bridge.random.draw((g) => dropoutNoise(g, p, values.length, dtype));
  const out = dtype === 'float32' ? new Float32Array(values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * noise[i]!;
  const t = bridge.makeTensor(out, input.shape, dtype);
  const noiseTensor = bridge.makeTensor(noise, input.shape, dtype);
  if (dtype === input.dtype) bridge.autograd.record(bridge.binaryCall('*', input, noiseTensor), t);
  else bridge.markGrad(t, [input], 'dropout');
  return t;
}

// ---------------------------------------------------------------------------------------------------------------
// nn.Dropout

function dropoutLayer(bridge: TorchBridge): NativeClass {
  return {
    init: (self, a) => {
      const o = bindArgs(
        'Dropout',
        [
          ['p', 0.5],
          ['inplace', false],
        ],
        a,
      );
      checkDropoutP(Number(o.get('p')));
      self.native = {
        training: true,
        options: o,
        extraRepr: `p=${bridge.repr(o.get('p')!)}, inplace=${bridge.repr(o.get('inplace')!)}`,
      };
    },
    call: (self, a) => {
      const input = a.args[0] ?? a.kwargs.get('input') ?? null;
      if (!isTensorValue(input)) throw pyError('TypeError', "dropout(): argument 'input' must be Tensor");
      const p = Number((self.native!.options as Bound).get('p'));
      if (self.native!.training === false || p === 0) return input;
      return applyDropout(bridge, input, p);
    },
  };
}

/**
 * `nn.Dropout1d` on (N, C, L) or (C, L) and `nn.Dropout2d` on (N, C, H, W): one keep draw per channel, as ATen's
 * feature dropout (`_dropout_impl` with noise of shape (N, C, 1, ...)).
 */
function featureDropoutLayer(bridge: TorchBridge, name: 'Dropout1d' | 'Dropout2d'): NativeClass {
  const base = dropoutLayer(bridge);
  return {
    init: (self, a) => base.init!(self, a, { node: undefined, range: bridge.interp.current! }),
    call: (self, a) => {
      const input = a.args[0] ?? a.kwargs.get('input') ?? null;
      if (!isTensorValue(input)) throw pyError('TypeError', `${name.toLowerCase()}(): argument 'input' must be Tensor`);
      const p = Number((self.native!.options as Bound).get('p'));
      const d = input.shape.length;
      if (name === 'Dropout1d' && d !== 2 && d !== 3) {
        throw pyError(
          'RuntimeError',
          `dropout1d: Expected 2D or 3D input, but received a ${d}D input. Note that dropout1d exists to provide ` +
            'channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch ' +
            'dimension (i.e. 2D or 3D inputs).',
        );
      }
      if (name === 'Dropout2d' && d !== 4)
        throw new NotModelledStop(`nn.Dropout2d on a ${d}-D input`, bridge.interp.current, 'unsupported');
      if (self.native!.training === false) return input;
      const dtype = floatDTypeOf(bridge, input, name);
      const channels = d === 2 ? input.shape[0]! : input.shape[0]! * input.shape[1]!;
      const values = dtype === 'float32' ? Float32Array.from(input.data) : Float64Array.from(input.data);
      const out = bridge.random.draw((g) => featureDropout(g, values, channels, p));
      const t = bridge.makeTensor(out, input.shape, dtype);
      bridge.markGrad(t, [input], name);
      nameGradFn(t, 'MulBackward0');
      return t;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// nn.RNN, nn.LSTM, nn.GRU

interface RecurrentOptions {
  mode: RecurrentMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
}

function recurrentLayer(bridge: TorchBridge, name: 'RNN' | 'LSTM' | 'GRU'): NativeClass {
  return {
    init: (self, a) => {
      // torch 2.x spells nn.RNN's signature out with nonlinearity fourth; 1.13 takes it as a keyword only and passes
      // the positional arguments on to RNNBase (num_layers, bias, batch_first, dropout, bidirectional).
      const base: [string, PyValue | undefined][] = [
        ['input_size', undefined],
        ['hidden_size', undefined],
        ['num_layers', 1n],
        ['bias', true],
        ['batch_first', false],
        ['dropout', 0],
        ['bidirectional', false],
      ];
      const spec: [string, PyValue | undefined][] =
        name === 'RNN'
          ? bridge.ctx.torchVersion === '1.13'
            ? [...base, ['nonlinearity', 'tanh']]
            : [...base.slice(0, 3), ['nonlinearity', 'tanh'], ...base.slice(3)]
          : name === 'LSTM'
            ? [...base, ['proj_size', 0n]]
            : base;
      const o = bindArgs(name, spec, a, ['device', 'dtype']);
      const dtype = a.kwargs.get('dtype');
      if (dtype !== undefined && dtype !== null && String(bridge.repr(dtype)) !== 'torch.float32')
        throw new NotModelledStop(`nn.${name}(dtype=${bridge.repr(dtype)})`, bridge.interp.current, 'unsupported');
      const nonlinearity = name === 'RNN' ? String(o.get('nonlinearity')) : 'tanh';
      const dropout = Number(o.get('dropout'));
      const options: RecurrentOptions = {
        mode: name === 'RNN' ? (nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH') : name,
        inputSize: int(o.get('input_size')),
        hiddenSize: int(o.get('hidden_size')),
        numLayers: int(o.get('num_layers')),
        bias: truthy(bridge, o.get('bias')),
        batchFirst: truthy(bridge, o.get('batch_first')),
        dropout,
        bidirectional: truthy(bridge, o.get('bidirectional')),
        projSize: name === 'LSTM' ? int(o.get('proj_size')) : 0,
      };
      checkRecurrentOptions(bridge, name, options, nonlinearity);
      if (dropout > 0 && options.numLayers === 1) {
        bridge.warn(
          'dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ' +
            `num_layers greater than 1, but got dropout=${bridge.repr(o.get('dropout')!)} and num_layers=1`,
        );
      }
      const tensors = bridge.random.draw((g) =>
        rnnInit(g, name, options.inputSize, options.hiddenSize, {
          numLayers: options.numLayers,
          bias: options.bias,
          bidirectional: options.bidirectional,
          projSize: options.projSize,
        }),
      );
      const shown = new Map<string, PyValue>([
        ['input_size', o.get('input_size')!],
        ['hidden_size', o.get('hidden_size')!],
        ['num_layers', o.get('num_layers')!],
        ['bias', options.bias],
        ['batch_first', options.batchFirst],
        ['dropout', o.get('dropout')!],
        ['bidirectional', options.bidirectional],
      ]);
      if (name === 'LSTM') shown.set('proj_size', o.get('proj_size')!);
      if (name === 'RNN') shown.set('nonlinearity', nonlinearity);
      self.native = {
        training: true,
        options: shown,
        recurrent: options,
        params: registerTensors(bridge, tensors),
        extraRepr: recurrentRepr(bridge, options, o),
      };
    },
    call: (self, a) => recurrentCall(bridge, name, self, a),
  };
}

function checkRecurrentOptions(bridge: TorchBridge, name: string, o: RecurrentOptions, nonlinearity: string): void {
  if (!(o.dropout >= 0 && o.dropout <= 1)) {
    throw pyError(
      'ValueError',
      'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
    );
  }
  if (o.projSize < 0)
    throw pyError('ValueError', 'proj_size should be a positive integer or zero to disable projections');
  if (o.projSize >= o.hiddenSize && o.projSize > 0)
    throw pyError('ValueError', 'proj_size has to be smaller than hidden_size');
  if (name === 'RNN' && nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
    throw pyError(
      'ValueError',
      bridge.ctx.torchVersion === '1.13'
        ? `Unknown nonlinearity '${nonlinearity}'`
        : `Unknown nonlinearity '${nonlinearity}'. Select from 'tanh' or 'relu'.`,
    );
  }
  if (o.inputSize <= 0 || o.hiddenSize <= 0 || o.numLayers <= 0)
    throw new NotModelledStop(`nn.${name} with a size of zero`, bridge.interp.current, 'unsupported');
}

/** `RNNBase.extra_repr`. */
function recurrentRepr(bridge: TorchBridge, o: RecurrentOptions, bound: Bound): string {
  let s = `${o.inputSize}, ${o.hiddenSize}`;
  if (o.projSize !== 0) s += `, proj_size=${o.projSize}`;
  if (o.numLayers !== 1) s += `, num_layers=${o.numLayers}`;
  if (bound.get('bias') !== true) s += `, bias=${bridge.repr(bound.get('bias')!)}`;
  if (bound.get('batch_first') !== false) s += `, batch_first=${bridge.repr(bound.get('batch_first')!)}`;
  if (o.dropout !== 0) s += `, dropout=${bridge.repr(bound.get('dropout')!)}`;
  if (bound.get('bidirectional') !== false) s += `, bidirectional=${bridge.repr(bound.get('bidirectional')!)}`;
  return s;
}

function recurrentCall(bridge: TorchBridge, name: 'RNN' | 'LSTM' | 'GRU', self: PyInstance, a: CallArguments): PyValue {
  const o = self.native!.recurrent as RecurrentOptions;
  const v113 = bridge.ctx.torchVersion === '1.13';
  const inputArg = a.args[0] ?? a.kwargs.get('input') ?? null;
  const hxArg = a.args[1] ?? a.kwargs.get('hx') ?? null;
  if (!isTensorValue(inputArg)) {
    throw new NotModelledStop(
      `nn.${name} on a ${bridge.repr(inputArg).slice(0, 40)}`,
      bridge.interp.current,
      'unsupported',
    );
  }
  const input = inputArg;
  const weights = params(self);
  const weightDType = (weights.get(`weight_ih_l0`) as TorchTensor).dtype;
  if (!v113 && input.dtype !== weightDType) {
    throw pyError(
      'ValueError',
      `RNN input dtype (torch.${input.dtype}) does not match weight dtype (torch.${weightDType}). ` +
        `Convert input: input.to(torch.${weightDType}), or convert model: model.to(torch.${input.dtype})`,
    );
  }
  if (!v113 && input.shape.length !== 2 && input.shape.length !== 3) {
    const d = input.shape.length;
    throw pyError(
      'ValueError',
      name === 'RNN'
        ? `RNN: Expected input to be 2D or 3D, got ${d}D tensor instead`
        : `${name}: Expected input to be 2D or 3D, got ${d}D instead`,
    );
  }
  const batched = input.shape.length === 3;
  let inputShape = input.shape;
  if (!batched) inputShape = o.batchFirst ? [1, ...input.shape] : [input.shape[0]!, 1, ...input.shape.slice(1)];
  // The hidden state(s) the caller gave, with their rank checked as PyTorch checks it.
  let h0: TorchTensor | null = null;
  let c0: TorchTensor | null = null;
  if (hxArg !== null) {
    if (name === 'LSTM') {
      const pair = hxArg instanceof PyTuple || hxArg instanceof PyList ? hxArg.items : null;
      if (!pair || pair.length !== 2 || !pair.every((x) => isTensorValue(x)))
        throw new NotModelledStop('nn.LSTM with hx other than a (h_0, c_0) pair', bridge.interp.current, 'unsupported');
      [h0, c0] = pair as [TorchTensor, TorchTensor];
      const want = batched ? 3 : 2;
      if (h0.shape.length !== want || c0.shape.length !== want) {
        throw pyError(
          'RuntimeError',
          `For ${batched ? 'batched 3-D' : 'unbatched 2-D'} input, hx and cx should also be ${want}-D but got (${h0.shape.length}-D, ${c0.shape.length}-D) tensors`,
        );
      }
    } else {
      if (!isTensorValue(hxArg))
        throw new NotModelledStop(`nn.${name} with a non-tensor hx`, bridge.interp.current, 'unsupported');
      h0 = hxArg;
      const want = batched ? 3 : 2;
      if (h0.shape.length !== want) {
        throw pyError(
          'RuntimeError',
          `For ${batched ? 'batched 3-D' : 'unbatched 2-D'} input, hx should also be ${want}-D but got ${h0.shape.length}-D tensor`,
        );
      }
    }
  }
  // check_input: the rank (1.13 only gets here with a wrong rank) and the feature size.
  if (inputShape.length !== 3) throw pyError('RuntimeError', `input must have 3 dimensions, got ${inputShape.length}`);
  if (inputShape[2] !== o.inputSize) {
    throw pyError(
      'RuntimeError',
      `input.size(-1) must be equal to input_size. Expected ${o.inputSize}, got ${inputShape[2]}`,
    );
  }
  // torch 1.13 has no dtype check of its own: the first matrix product refuses the mix.
  if (v113 && input.dtype !== weightDType) throw pyError('RuntimeError', 'mat1 and mat2 must have the same dtype');
  const directions = o.bidirectional ? 2 : 1;
  const outSize = o.projSize > 0 ? o.projSize : o.hiddenSize;
  const batch = o.batchFirst ? inputShape[0]! : inputShape[1]!;
  const steps = o.batchFirst ? inputShape[1]! : inputShape[0]!;
  const hShape = [o.numLayers * directions, batch, outSize];
  const cShape = [o.numLayers * directions, batch, o.hiddenSize];
  const sizeText = (s: readonly number[]): string => `[${s.join(', ')}]`;
  const check = (t: TorchTensor | null, want: number[], label: string): void => {
    if (!t) return;
    const got = batched ? t.shape : [t.shape[0]!, 1, ...t.shape.slice(1)];
    if (got.length !== 3 || got.some((d, i) => d !== want[i]))
      throw pyError('RuntimeError', `Expected ${label} size ${pyTupleText(want)}, got ${sizeText(got)}`);
  };
  check(h0, hShape, name === 'LSTM' ? 'hidden[0]' : 'hidden');
  check(c0, cShape, 'hidden[1]');
  bridge.interp.checkSize(steps * batch * directions * Math.max(outSize, o.hiddenSize * 4), `the ${name} output`);
  const gateRows = (name === 'LSTM' ? 4 : name === 'GRU' ? 3 : 1) * o.hiddenSize;
  let cost = 0;
  for (let layer = 0; layer < o.numLayers; layer++)
    cost += steps * batch * directions * (gateRows * ((layer === 0 ? o.inputSize : directions * outSize) + outSize));
  checkCost(bridge, `nn.${name}`, input, cost);
  const float32 = weightDType === 'float32';
  const timeMajor = o.batchFirst ? swapLeadingAxes(input.data, batch, steps, o.inputSize) : input.data;
  const training = self.native!.training !== false;
  const result = recurrentForward(
    { ...o, float32 },
    (n) => tensorOf(self, n)?.data ?? null,
    timeMajor,
    steps,
    batch,
    h0?.data ?? null,
    c0?.data ?? null,
    training && o.dropout > 0
      ? (layerOutput) => {
          const values = float32 ? Float32Array.from(layerOutput) : Float64Array.from(layerOutput);
          return Float64Array.from(bridge.random.draw((g) => dropoutDraw(g, values, o.dropout)));
        }
      : null,
  );
  const features = directions * outSize;
  let outData: ArrayLike<number> = result.output;
  let outShape = [steps, batch, features];
  if (o.batchFirst) {
    outData = swapLeadingAxes(result.output, steps, batch, features);
    outShape = [batch, steps, features];
  }
  if (!batched) outShape = [steps, features];
  const dtype = weightDType;
  const inputs: PyValue[] = [input, ...[...weights.values()], ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])];
  const make = (data: ArrayLike<number>, shape: number[]): TorchTensor => {
    const t = bridge.makeTensor(data, shape, dtype);
    bridge.markGrad(t, inputs, `nn.${name}`);
    return t;
  };
  const output = make(outData, outShape);
  const hN = make(result.hN, batched ? hShape : [hShape[0]!, hShape[2]!]);
  // The last op of ATen's composition: a squeeze (unbatched), the batch_first transpose, the concatenation of the two
  // directions, oneDNN's LSTM layer (torch 2.x, no projection) or the stack of the time steps.
  const stateNode = batched ? 'StackBackward0' : 'SqueezeBackward1';
  nameGradFn(
    output,
    !batched
      ? 'SqueezeBackward1'
      : o.batchFirst
        ? name === 'LSTM'
          ? 'TransposeBackward0'
          : 'TransposeBackward1'
        : o.bidirectional
          ? 'CatBackward0'
          : name === 'LSTM' && o.projSize === 0 && !v113
            ? 'MkldnnRnnLayerBackward0'
            : 'StackBackward0',
  );
  nameGradFn(hN, stateNode);
  if (name !== 'LSTM') return new PyTuple([output, hN]);
  const cN = make(result.cN!, batched ? cShape : [cShape[0]!, cShape[2]!]);
  nameGradFn(cN, stateNode);
  return new PyTuple([output, new PyTuple([hN, cN])]);
}

// ---------------------------------------------------------------------------------------------------------------
// nn.Conv1d / nn.Conv3d

function convLayer(bridge: TorchBridge, name: string, dims: number): NativeClass {
  const spread = (v: PyValue | undefined): number[] =>
    v instanceof PyTuple || v instanceof PyList ? v.items.map(Number) : new Array<number>(dims).fill(Number(v));
  return {
    init: (self, a) => {
      const o = bindArgs(
        name,
        [
          ['in_channels', undefined],
          ['out_channels', undefined],
          ['kernel_size', undefined],
          ['stride', 1n],
          ['padding', 0n],
          ['dilation', 1n],
          ['groups', 1n],
          ['bias', true],
          ['padding_mode', 'zeros'],
        ],
        a,
        ['device', 'dtype'],
      );
      if (o.get('padding_mode') !== 'zeros')
        throw new NotModelledStop(`nn.${name}(padding_mode=...)`, bridge.interp.current, 'unsupported');
      const inChannels = int(o.get('in_channels'));
      const outChannels = int(o.get('out_channels'));
      const groups = int(o.get('groups'));
      if (groups <= 0) throw pyError('ValueError', 'groups must be a positive integer');
      const kernel = spread(o.get('kernel_size'));
      const bias = truthy(bridge, o.get('bias'));
      const tensors = bridge.random.draw((g) => convInit(g, inChannels, outChannels, kernel, { groups, bias }));
      const stride = spread(o.get('stride'));
      const padding = o.get('padding');
      const dilation = spread(o.get('dilation'));
      let extra = `${inChannels}, ${outChannels}, kernel_size=${pyTupleText(kernel)}, stride=${pyTupleText(stride)}`;
      if (typeof padding === 'string') extra += `, padding=${bridge.repr(padding)}`;
      else if (spread(padding).some((p) => p !== 0)) extra += `, padding=${pyTupleText(spread(padding))}`;
      if (dilation.some((d) => d !== 1)) extra += `, dilation=${pyTupleText(dilation)}`;
      if (groups !== 1) extra += `, groups=${groups}`;
      if (!bias) extra += ', bias=False';
      self.native = {
        training: true,
        options: o,
        conv: { stride, padding: typeof padding === 'string' ? padding : spread(padding), dilation, groups },
        params: registerTensors(bridge, tensors),
        extraRepr: extra,
      };
    },
    call: (self, a) => {
      if (dims !== 1) throw new NotModelledStop(`the forward pass of nn.${name}`, bridge.interp.current, 'unsupported');
      const c = self.native!.conv as {
        stride: number[];
        padding: number[] | string;
        dilation: number[];
        groups: number;
      };
      const tuple = (v: number[]): PyValue => new PyTuple(v.map(BigInt));
      return bridge.callTorch('torch.nn.functional.conv1d', {
        args: [
          a.args[0] ?? a.kwargs.get('input') ?? null,
          params(self).get('weight')!,
          params(self).get('bias') ?? null,
          tuple(c.stride),
          typeof c.padding === 'string' ? c.padding : tuple(c.padding),
          tuple(c.dilation),
          BigInt(c.groups),
        ],
        kwargs: new Map(),
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// nn.BatchNorm1d / nn.BatchNorm2d

function batchNormLayer(bridge: TorchBridge, name: 'BatchNorm1d' | 'BatchNorm2d' | 'BatchNorm3d'): NativeClass {
  return {
    init: (self, a) => {
      const o = bindArgs(
        name,
        [
          ['num_features', undefined],
          ['eps', 1e-5],
          ['momentum', 0.1],
          ['affine', true],
          ['track_running_stats', true],
        ],
        a,
        // torch 2.x added a keyword-only `bias` (and shows it in the repr).
        bridge.ctx.torchVersion === '1.13' ? ['device', 'dtype'] : ['device', 'dtype', 'bias'],
      );
      const affine = truthy(bridge, o.get('affine'));
      const track = truthy(bridge, o.get('track_running_stats'));
      const bias = affine && truthy(bridge, a.kwargs.get('bias') ?? true);
      const tensors = batchNormInit(int(o.get('num_features')), affine, track).filter((t) => bias || t.name !== 'bias');
      const extra =
        `${int(o.get('num_features'))}, eps=${bridge.repr(o.get('eps')!)}, momentum=${bridge.repr(o.get('momentum')!)}` +
        `, affine=${bridge.repr(o.get('affine')!)}` +
        (bridge.ctx.torchVersion === '1.13' ? '' : `, bias=${bias ? 'True' : 'False'}`) +
        `, track_running_stats=${bridge.repr(o.get('track_running_stats')!)}`;
      const all = registerTensors(bridge, tensors, ['running_mean', 'running_var', 'num_batches_tracked']);
      const own = new Map([...all].filter(([k]) => k === 'weight' || k === 'bias'));
      // Buffers are attributes of the module (state_dict, printing), not parameters.
      for (const [k, v] of all) if (!own.has(k)) self.attrs.set(k, v);
      self.native = {
        training: true,
        options: o,
        params: own,
        extraRepr: extra,
        affine,
        track,
        buffers: [...all.keys()].filter((k) => !own.has(k)),
      };
    },
    call: (self, a) => {
      const input = a.args[0] ?? a.kwargs.get('input') ?? null;
      if (!isTensorValue(input)) throw pyError('TypeError', "batch_norm(): argument 'input' must be Tensor");
      const d = input.shape.length;
      if (name === 'BatchNorm1d' && d !== 2 && d !== 3)
        throw pyError('ValueError', `expected 2D or 3D input (got ${d}D input)`);
      if (name === 'BatchNorm2d' && d !== 4) throw pyError('ValueError', `expected 4D input (got ${d}D input)`);
      if (name === 'BatchNorm3d' && d !== 5) throw pyError('ValueError', `expected 5D input (got ${d}D input)`);
      const o = self.native!.options as Bound;
      const training = self.native!.training !== false;
      const track = self.native!.track as boolean;
      const momentum = o.get('momentum');
      let factor = momentum === null ? 0 : Number(momentum);
      const tracked = self.attrs.get('num_batches_tracked');
      if (training && track && tracked !== undefined && isTensorValue(tracked)) {
        tracked.data[0] = Number(tracked.data[0]) + 1;
        if (momentum === null) factor = 1 / Number(tracked.data[0]);
      }
      const runningMean = track ? (self.attrs.get('running_mean') ?? null) : null;
      const runningVar = track ? (self.attrs.get('running_var') ?? null) : null;
      const bnTraining = training || (runningMean === null && runningVar === null);
      const normalized = bridge.callTorch('torch.nn.functional.batch_norm', {
        args: [
          input,
          !training || track ? runningMean : null,
          !training || track ? runningVar : null,
          params(self).get('weight') ?? null,
          params(self).get('bias') ?? null,
          bnTraining,
          factor,
          o.get('eps')!,
        ],
        kwargs: new Map(),
      });
      if (isTensorValue(normalized)) nameGradFn(normalized, 'NativeBatchNormBackward0');
      return normalized;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// nn.Bilinear

function bilinearLayer(bridge: TorchBridge): NativeClass {
  return {
    init: (self, a) => {
      const o = bindArgs(
        'Bilinear',
        [
          ['in1_features', undefined],
          ['in2_features', undefined],
          ['out_features', undefined],
          ['bias', true],
        ],
        a,
        ['device', 'dtype'],
      );
      const [in1, in2, out] = [int(o.get('in1_features')), int(o.get('in2_features')), int(o.get('out_features'))];
      const bias = truthy(bridge, o.get('bias'));
      const tensors = bridge.random.draw((g) => bilinearInit(g, in1, in2, out, bias));
      self.native = {
        training: true,
        options: o,
        params: registerTensors(bridge, tensors),
        extraRepr: `in1_features=${in1}, in2_features=${in2}, out_features=${out}, bias=${bias ? 'True' : 'False'}`,
      };
    },
    call: (self, a) => {
      const x1 = a.args[0] ?? a.kwargs.get('input1') ?? null;
      const x2 = a.args[1] ?? a.kwargs.get('input2') ?? null;
      if (!isTensorValue(x1) || !isTensorValue(x2))
        throw pyError('TypeError', "bilinear(): argument 'input1' and 'input2' must be Tensors");
      const w = tensorOf(self, 'weight')!;
      const b = tensorOf(self, 'bias');
      const [out, in1, in2] = w.shape as [number, number, number];
      const rows = x1.data.length / Math.max(in1, 1);
      if (
        x1.shape[x1.shape.length - 1] !== in1 ||
        x2.shape[x2.shape.length - 1] !== in2 ||
        x2.data.length / in2 !== rows
      )
        throw new NotModelledStop('nn.Bilinear on inputs of these shapes', bridge.interp.current, 'unsupported');
      bridge.interp.checkSize(rows * out * in1 * in2, 'the nn.Bilinear product');
      // y[n, o] = x1[n] · W[o] · x2[n] + b[o], summed in float64 and rounded once to the dtype.
      const y = new Float64Array(rows * out);
      for (let n = 0; n < rows; n++) {
        for (let k = 0; k < out; k++) {
          let s = 0;
          for (let i = 0; i < in1; i++) {
            let inner = 0;
            for (let j = 0; j < in2; j++) inner += w.data[(k * in1 + i) * in2 + j]! * x2.data[n * in2 + j]!;
            s += x1.data[n * in1 + i]! * inner;
          }
          y[n * out + k] = s + (b ? b.data[k]! : 0);
        }
      }
      const t = bridge.makeTensor(y, [...x1.shape.slice(0, -1), out], w.dtype);
      bridge.markGrad(t, [x1, x2, w, ...(b ? [b] : [])], 'nn.Bilinear');
      nameGradFn(
        t,
        b ? 'AddBackward0' : bridge.ctx.torchVersion === '1.13' ? 'ReshapeAliasBackward0' : 'ViewBackward0',
      );
      return t;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// nn.RNNCell, nn.LSTMCell, nn.GRUCell

function cellLayer(bridge: TorchBridge, name: 'RNNCell' | 'LSTMCell' | 'GRUCell'): NativeClass {
  const kind = name === 'RNNCell' ? 'RNN' : name === 'LSTMCell' ? 'LSTM' : 'GRU';
  return {
    init: (self, a) => {
      const spec: [string, PyValue | undefined][] = [
        ['input_size', undefined],
        ['hidden_size', undefined],
        ['bias', true],
      ];
      if (name === 'RNNCell') spec.push(['nonlinearity', 'tanh']);
      const o = bindArgs(name, spec, a, ['device', 'dtype']);
      const inputSize = int(o.get('input_size'));
      const hiddenSize = int(o.get('hidden_size'));
      const bias = truthy(bridge, o.get('bias'));
      const nonlinearity = name === 'RNNCell' ? String(o.get('nonlinearity')) : 'tanh';
      if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
        throw new NotModelledStop(`nn.RNNCell(nonlinearity='${nonlinearity}')`, bridge.interp.current, 'unsupported');
      const tensors = bridge.random.draw((g) => rnnCellInit(g, kind, inputSize, hiddenSize, bias));
      // RNNCellBase.extra_repr
      let extra = `${inputSize}, ${hiddenSize}`;
      if (o.get('bias') !== true) extra += `, bias=${bridge.repr(o.get('bias')!)}`;
      if (nonlinearity !== 'tanh') extra += `, nonlinearity=${nonlinearity}`;
      self.native = {
        training: true,
        options: o,
        cell: { inputSize, hiddenSize, bias, nonlinearity },
        params: registerTensors(bridge, tensors),
        extraRepr: extra,
      };
    },
    call: (self, a) => cellCall(bridge, name, self, a),
  };
}

function cellCall(
  bridge: TorchBridge,
  name: 'RNNCell' | 'LSTMCell' | 'GRUCell',
  self: PyInstance,
  a: CallArguments,
): PyValue {
  const c = self.native!.cell as { inputSize: number; hiddenSize: number; bias: boolean; nonlinearity: string };
  const v113 = bridge.ctx.torchVersion === '1.13';
  const input = a.args[0] ?? a.kwargs.get('input') ?? null;
  const hxArg = a.args[1] ?? a.kwargs.get('hx') ?? null;
  if (!isTensorValue(input))
    throw new NotModelledStop(`nn.${name} on a non-tensor input`, bridge.interp.current, 'unsupported');
  const rank = input.shape.length;
  if (rank !== 1 && rank !== 2) {
    if (v113) throw pyError('AssertionError', `${name}: Expected input to be 1-D or 2-D but received ${rank}-D tensor`);
    throw pyError('ValueError', `${name}: Expected input to be 1D or 2D, got ${rank}D instead`);
  }
  let states: TorchTensor[] | null = null;
  if (hxArg !== null) {
    const items = name === 'LSTMCell' && (hxArg instanceof PyTuple || hxArg instanceof PyList) ? hxArg.items : [hxArg];
    if (!items.every((x) => isTensorValue(x)) || items.length !== (name === 'LSTMCell' ? 2 : 1))
      throw new NotModelledStop(`nn.${name} with this hx`, bridge.interp.current, 'unsupported');
    states = items as TorchTensor[];
    if (!v113) {
      states.forEach((s, i) => {
        const d = s.shape.length;
        if (d !== 1 && d !== 2)
          throw pyError(
            'ValueError',
            name === 'LSTMCell'
              ? `LSTMCell: Expected hx[${i}] to be 1D or 2D, got ${d}D instead`
              : `${name}: Expected hidden to be 1D or 2D, got ${d}D instead`,
          );
      });
    }
  }
  const batched = rank === 2;
  const inShape = batched ? input.shape : [1, ...input.shape];
  const batch = inShape[0]!;
  // ATen's check_rnn_cell_forward_input / check_rnn_cell_forward_hidden, in that order.
  if (inShape[1] !== c.inputSize)
    throw pyError('RuntimeError', `input has inconsistent input_size: got ${inShape[1]} expected ${c.inputSize}`);
  const stateShapes = (states ?? []).map((s) => (batched ? s.shape : [1, ...s.shape]));
  stateShapes.forEach((shape, i) => {
    if (shape[0] !== batch)
      throw pyError('RuntimeError', `Input batch size ${batch} doesn't match hidden${i} batch size ${shape[0]}`);
    if (shape[1] !== c.hiddenSize)
      throw pyError(
        'RuntimeError',
        `hidden${i} has inconsistent hidden_size: got ${shape[1]}, expected ${c.hiddenSize}`,
      );
  });
  const weights = params(self);
  const dtype = (weights.get('weight_ih') as TorchTensor).dtype;
  if (input.dtype !== dtype) {
    throw pyError(
      'RuntimeError',
      'mat1 and mat2 must have the same dtype' +
        (bridge.ctx.torchVersion === '1.13'
          ? ''
          : `, but got ${scalarTypeName(input.dtype)} and ${scalarTypeName(dtype)}`),
    );
  }
  const mode: RecurrentMode =
    name === 'LSTMCell' ? 'LSTM' : name === 'GRUCell' ? 'GRU' : c.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH';
  const result = recurrentForward(
    {
      mode,
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      numLayers: 1,
      bias: c.bias,
      bidirectional: false,
      projSize: 0,
      float32: dtype === 'float32',
    },
    (n) => tensorOf(self, n.replace(/_l0$/, ''))?.data ?? null,
    input.data,
    1,
    batch,
    states?.[0]?.data ?? null,
    states?.[1]?.data ?? null,
    null,
  );
  const shape = batched ? [batch, c.hiddenSize] : [c.hiddenSize];
  const inputs: PyValue[] = [input, ...weights.values(), ...(states ?? [])];
  const make = (data: ArrayLike<number>): TorchTensor => {
    const t = bridge.makeTensor(data, shape, dtype);
    bridge.markGrad(t, inputs, `nn.${name}`);
    return t;
  };
  const h = make(result.hN);
  const squeezed = batched ? null : 'SqueezeBackward1';
  if (name !== 'LSTMCell') {
    nameGradFn(
      h,
      squeezed ?? (name === 'GRUCell' ? 'AddBackward0' : mode === 'RNN_RELU' ? 'ReluBackward0' : 'TanhBackward0'),
    );
    return h;
  }
  const cell = make(result.cN!);
  nameGradFn(h, squeezed ?? 'MulBackward0');
  nameGradFn(cell, squeezed ?? 'AddBackward0');
  return new PyTuple([h, cell]);
}

// ---------------------------------------------------------------------------------------------------------------
// nn.MultiheadAttention

interface AttentionOptions {
  embedDim: number;
  numHeads: number;
  dropout: number;
  bias: boolean;
  kdim: number;
  vdim: number;
  batchFirst: boolean;
}

function attentionLayer(bridge: TorchBridge): NativeClass {
  return {
    init: (self, a) => {
      const o = bindArgs(
        'MultiheadAttention',
        [
          ['embed_dim', undefined],
          ['num_heads', undefined],
          ['dropout', 0],
          ['bias', true],
          ['add_bias_kv', false],
          ['add_zero_attn', false],
          ['kdim', null],
          ['vdim', null],
          ['batch_first', false],
        ],
        a,
        ['device', 'dtype'],
      );
      for (const k of ['add_bias_kv', 'add_zero_attn'])
        if (truthy(bridge, o.get(k)))
          throw new NotModelledStop(`nn.MultiheadAttention(${k}=True)`, bridge.interp.current, 'unsupported');
      const embedDim = int(o.get('embed_dim'));
      const numHeads = int(o.get('num_heads'));
      if (numHeads <= 0 || embedDim <= 0)
        throw new NotModelledStop('nn.MultiheadAttention with a size of zero', bridge.interp.current, 'unsupported');
      const options: AttentionOptions = {
        embedDim,
        numHeads,
        dropout: Number(o.get('dropout')),
        bias: truthy(bridge, o.get('bias')),
        kdim: o.get('kdim') === null ? embedDim : int(o.get('kdim')),
        vdim: o.get('vdim') === null ? embedDim : int(o.get('vdim')),
        batchFirst: truthy(bridge, o.get('batch_first')),
      };
      const tensors = bridge.random.draw((g) =>
        multiheadAttentionInit(g, embedDim, numHeads, { bias: options.bias, kdim: options.kdim, vdim: options.vdim }),
      );
      const all = registerTensors(bridge, tensors);
      const own = new Map([...all].filter(([k]) => !k.startsWith('out_proj.')));
      const outProj = new PyInstance(outProjClass(bridge));
      outProj.native = {
        training: true,
        params: new Map([...all].filter(([k]) => k.startsWith('out_proj.')).map(([k, v]) => [k.slice(9), v])),
        extraRepr: `in_features=${embedDim}, out_features=${embedDim}, bias=${options.bias ? 'True' : 'False'}`,
      };
      self.attrs.set('out_proj', outProj);
      self.native = { training: true, options: o, attention: options, params: own, extraRepr: '' };
    },
    call: (self, a) => attentionCall(bridge, self, a),
  };
}

const outProjClasses = new WeakMap<TorchBridge, PyClass>();

/** `out_proj`'s class as PyTorch names it (a Linear subclass). */
function outProjClass(bridge: TorchBridge): PyClass {
  let cls = outProjClasses.get(bridge);
  if (!cls) {
    cls = new PyClass(
      'NonDynamicallyQuantizableLinear',
      [bridge.classes.module],
      new Map(),
      'torch.nn.modules.linear.NonDynamicallyQuantizableLinear',
    );
    outProjClasses.set(bridge, cls);
  }
  return cls;
}

function attentionCall(bridge: TorchBridge, self: PyInstance, a: CallArguments): PyValue {
  const o = self.native!.attention as AttentionOptions;
  const v113 = bridge.ctx.torchVersion === '1.13';
  const names = ['query', 'key', 'value', 'key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights'];
  const arg = (i: number): PyValue | undefined => a.args[i] ?? a.kwargs.get(names[i]!);
  const [query, key, value] = [arg(0), arg(1), arg(2)];
  if (!isTensorValue(query ?? null) || !isTensorValue(key ?? null) || !isTensorValue(value ?? null))
    throw new NotModelledStop('nn.MultiheadAttention on non-tensor inputs', bridge.interp.current, 'unsupported');
  const q = query as TorchTensor;
  const k = key as TorchTensor;
  const v = value as TorchTensor;
  if (truthy(bridge, a.kwargs.get('is_causal')))
    throw new NotModelledStop('nn.MultiheadAttention(is_causal=True)', bridge.interp.current, 'unsupported');
  const needWeights = arg(4) === undefined ? true : truthy(bridge, arg(4));
  const average = arg(6) === undefined ? true : truthy(bridge, arg(6));
  const batched = q.shape.length === 3;
  if (q.shape.length !== 2 && q.shape.length !== 3)
    throw pyError(
      'AssertionError',
      `query should be unbatched 2D or batched 3D tensor but received ${q.shape.length}-D query tensor`,
    );
  if (k.shape.length !== q.shape.length || v.shape.length !== q.shape.length)
    throw new NotModelledStop(
      'nn.MultiheadAttention with inputs of different ranks',
      bridge.interp.current,
      'unsupported',
    );
  // Sequence-first (L, N, E), as F.multi_head_attention_forward works.
  const seqFirst = (t: TorchTensor): { data: ArrayLike<number>; length: number; batch: number; dim: number } => {
    if (!batched) return { data: t.data, length: t.shape[0]!, batch: 1, dim: t.shape[1]! };
    const [a0, a1, dim] = t.shape as [number, number, number];
    if (!o.batchFirst) return { data: t.data, length: a0, batch: a1, dim };
    return { data: swapLeadingAxes(t.data, a0, a1, dim), length: a1, batch: a0, dim };
  };
  const qs = seqFirst(q);
  const ks = seqFirst(k);
  const vs = seqFirst(v);
  if (qs.dim !== o.embedDim)
    throw pyError('AssertionError', `was expecting embedding dimension of ${o.embedDim}, but got ${qs.dim}`);
  if (
    ks.dim !== o.kdim ||
    vs.dim !== o.vdim ||
    ks.length !== vs.length ||
    ks.batch !== qs.batch ||
    vs.batch !== qs.batch
  )
    throw new NotModelledStop(
      'nn.MultiheadAttention with these key/value shapes',
      bridge.interp.current,
      'unsupported',
    );
  const mask = attentionMask(bridge, arg(5), arg(3), o.numHeads, qs.length, ks.length, qs.batch, batched);
  const training = self.native!.training !== false;
  const dropoutP = training ? o.dropout : 0;
  if (dropoutP > 0 && !needWeights && !v113)
    throw new NotModelledStop(
      'nn.MultiheadAttention dropout with need_weights=False (scaled_dot_product_attention)',
      bridge.interp.current,
      'unsupported',
    );
  const own = params(self);
  const outProj = self.attrs.get('out_proj') as PyInstance;
  const outParams = outProj.native!.params as Bound;
  const data = (t: PyValue | undefined): ArrayLike<number> | null => (t && isTensorValue(t) ? t.data : null);
  const E = o.embedDim;
  const inWeight = data(own.get('in_proj_weight'));
  const weightDType = (own.get('in_proj_weight') ?? own.get('q_proj_weight')) as TorchTensor;
  const float32 = weightDType.dtype === 'float32';
  bridge.interp.checkSize(qs.batch * o.numHeads * qs.length * ks.length, 'the attention weights');
  checkCost(
    bridge,
    'nn.MultiheadAttention',
    q,
    qs.batch * (qs.length * E * E * 2 + ks.length * E * (o.kdim + o.vdim) + 2 * qs.length * ks.length * E),
  );
  const result = multiheadAttentionForward(
    {
      targetLength: qs.length,
      sourceLength: ks.length,
      batch: qs.batch,
      embedDim: E,
      numHeads: o.numHeads,
      kdim: o.kdim,
      vdim: o.vdim,
      query: qs.data,
      key: ks.data,
      value: vs.data,
      qWeight: inWeight ? Array.prototype.slice.call(inWeight, 0, E * E) : data(own.get('q_proj_weight'))!,
      kWeight: inWeight ? Array.prototype.slice.call(inWeight, E * E, 2 * E * E) : data(own.get('k_proj_weight'))!,
      vWeight: inWeight ? Array.prototype.slice.call(inWeight, 2 * E * E, 3 * E * E) : data(own.get('v_proj_weight'))!,
      inBias: data(own.get('in_proj_bias')),
      outWeight: data(outParams.get('weight'))!,
      outBias: data(outParams.get('bias')),
      mask,
      float32,
      scaleByDivision: v113,
    },
    dropoutP > 0
      ? (w) => {
          const values = float32 ? Float32Array.from(w) : Float64Array.from(w);
          return Float64Array.from(bridge.random.draw((g) => dropoutDraw(g, values, dropoutP)));
        }
      : null,
  );
  const dtype = weightDType.dtype;
  const inputs: PyValue[] = [q, k, v, ...own.values(), ...outParams.values()];
  const make = (values: ArrayLike<number>, shape: number[]): TorchTensor => {
    const t = bridge.makeTensor(values, shape, dtype);
    bridge.markGrad(t, inputs, 'nn.MultiheadAttention');
    return t;
  };
  const L = qs.length;
  const N = qs.batch;
  const S = ks.length;
  let out: ArrayLike<number> = result.output;
  let outShape = [L, N, E];
  if (!batched) outShape = [L, E];
  else if (o.batchFirst) {
    out = swapLeadingAxes(result.output, L, N, E);
    outShape = [N, L, E];
  }
  const output = make(out, outShape);
  nameGradFn(output, !batched ? 'SqueezeBackward1' : o.batchFirst ? 'TransposeBackward0' : 'ViewBackward0');
  if (!needWeights) return new PyTuple([output, null]);
  const H = o.numHeads;
  let weights: ArrayLike<number> = result.weights;
  let weightShape = [N, H, L, S];
  if (average) {
    const mean = new Float64Array(N * L * S);
    const r = float32 ? Math.fround : (x: number): number => x;
    for (let n = 0; n < N; n++)
      for (let i = 0; i < L * S; i++) {
        let s = 0;
        for (let h = 0; h < H; h++) s += result.weights[(n * H + h) * L * S + i]!;
        mean[n * L * S + i] = r(s / H);
      }
    weights = mean;
    weightShape = [N, L, S];
  }
  if (!batched) weightShape = weightShape.slice(1);
  const weightTensor = make(weights, weightShape);
  nameGradFn(
    weightTensor,
    !batched ? 'SqueezeBackward1' : !average ? 'ViewBackward0' : v113 ? 'DivBackward0' : 'MeanBackward1',
  );
  return new PyTuple([output, weightTensor]);
}

/** The additive mask of the scores from `attn_mask` ((L, S) or (N·heads, L, S)) and `key_padding_mask` ((N, S)). */
function attentionMask(
  bridge: TorchBridge,
  attnMask: PyValue | undefined,
  paddingMask: PyValue | undefined,
  heads: number,
  L: number,
  S: number,
  N: number,
  batched: boolean,
): ((bh: number, t: number, s: number) => number) | null {
  const additive = (t: TorchTensor): ((i: number) => number) =>
    t.dtype === 'bool' ? (i) => (t.data[i] ? -Infinity : 0) : (i) => Number(t.data[i]);
  let fromAttn: ((bh: number, t: number, s: number) => number) | null = null;
  if (attnMask !== undefined && attnMask !== null) {
    if (!isTensorValue(attnMask))
      throw new NotModelledStop(
        'nn.MultiheadAttention with a non-tensor attn_mask',
        bridge.interp.current,
        'unsupported',
      );
    const m = attnMask;
    const at = additive(m);
    if (m.shape.length === 2 && m.shape[0] === L && m.shape[1] === S) fromAttn = (_bh, t, s) => at(t * S + s);
    else if (m.shape.length === 3 && m.shape[0] === N * heads && m.shape[1] === L && m.shape[2] === S)
      fromAttn = (bh, t, s) => at((bh * L + t) * S + s);
    else
      throw new NotModelledStop(
        `nn.MultiheadAttention with an attn_mask of shape [${m.shape.join(', ')}]`,
        bridge.interp.current,
        'unsupported',
      );
  }
  let fromPadding: ((bh: number, s: number) => number) | null = null;
  if (paddingMask !== undefined && paddingMask !== null) {
    if (!isTensorValue(paddingMask))
      throw new NotModelledStop(
        'nn.MultiheadAttention with a non-tensor key_padding_mask',
        bridge.interp.current,
        'unsupported',
      );
    const m = paddingMask;
    const at = additive(m);
    const want = batched ? [N, S] : [S];
    if (m.shape.length !== want.length || m.shape.some((d, i) => d !== want[i]))
      throw new NotModelledStop(
        `nn.MultiheadAttention with a key_padding_mask of shape [${m.shape.join(', ')}]`,
        bridge.interp.current,
        'unsupported',
      );
    fromPadding = (bh, s) => at(Math.floor(bh / heads) * S + s);
  }
  if (!fromAttn && !fromPadding) return null;
  return (bh, t, s) => (fromAttn ? fromAttn(bh, t, s) : 0) + (fromPadding ? fromPadding(bh, s) : 0);
}

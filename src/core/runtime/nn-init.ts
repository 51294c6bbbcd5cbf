/**
 * `torch.nn.init` inside a run: the in-place initialisers tutorials apply to a layer's weights (`xavier_uniform_`,
 * `kaiming_normal_`, `normal_`, `zeros_`, ...) and `calculate_gain`, drawing from the run's default generator (or
 * `generator=`) exactly as `torch/nn/init.py` does (`core/torch/random/init.ts`).
 */
import {
  calculateGain,
  initConstant,
  initNormal,
  initUniform,
  kaimingNormal,
  kaimingUniform,
  xavierNormal,
  xavierUniform,
  type FloatDType,
  type Nonlinearity,
  type TorchGenerator,
} from '../torch/random/index';
import type { TorchTensor } from '../torch/tensor';
import { generatorArgument } from './data-sampling';
import { NotModelledStop, pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import { PyBuiltin, isTensorValue, type CallArguments, type PyValue } from './values';

const NONLINEARITIES = new Set([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
]);

/** `torch.nn.init.<name>`, or undefined when Loss Lens does not have it. */
export function nnInitFunction(bridge: TorchBridge, name: string): PyValue | undefined {
  const fill = (
    params: Params,
    values: (o: Map<string, PyValue>, t: TorchTensor, dtype: FloatDType, draw: DrawFn) => ArrayLike<number>,
  ): PyBuiltin =>
    new PyBuiltin(name, (a) => {
      // torch.nn.init took no generator before 2.x.
      const o = bind(name, params, a, bridge.ctx.torchVersion !== '1.13');
      const t = o.get('tensor')!;
      if (!isTensorValue(t)) throw pyError('TypeError', `${name}(): argument 'tensor' must be Tensor`);
      if (t.dtype !== 'float32' && t.dtype !== 'float64')
        throw new NotModelledStop(
          `nn.init.${name} of ${t.dtype.startsWith('i') ? 'an' : 'a'} ${t.dtype} tensor`,
          bridge.interp.current,
          'unsupported',
        );
      const generator = generatorArgument(a.kwargs.get('generator'));
      const draw: DrawFn = (fn) => (generator ? fn(generator) : bridge.random.draw(fn));
      const data = values(o, t, t.dtype, draw);
      for (let i = 0; i < t.data.length; i++) t.data[i] = data[i]!;
      return t;
    });
  const number = (v: PyValue | undefined): number => Number(v);
  const kaiming = (o: Map<string, PyValue>) => {
    const nonlinearity = checkedNonlinearity(String(o.get('nonlinearity')));
    const mode = String(o.get('mode'));
    if (mode !== 'fan_in' && mode !== 'fan_out')
      throw pyError('ValueError', `Mode ${mode} not supported, please use one of fan_in, fan_out`);
    return { a: number(o.get('a')), mode: mode as 'fan_in' | 'fan_out', nonlinearity };
  };
  const kaimingParams = withTensor(['a', 0n], ['mode', 'fan_in'], ['nonlinearity', 'leaky_relu']);
  const tensorOnly = withTensor();
  switch (name) {
    case 'uniform_':
      return fill(withTensor(['a', 0], ['b', 1]), (o, t, dtype, draw) =>
        draw((g) => initUniform(g, t.shape, number(o.get('a')), number(o.get('b')), dtype)),
      );
    case 'normal_':
      return fill(withTensor(['mean', 0], ['std', 1]), (o, t, dtype, draw) =>
        draw((g) => initNormal(g, t.shape, number(o.get('mean')), number(o.get('std')), dtype)),
      );
    case 'constant_':
      return fill(withTensor(['val', undefined]), (o, t, dtype) => initConstant(t.shape, number(o.get('val')), dtype));
    case 'zeros_':
    case 'ones_':
      return fill(tensorOnly, (_o, t, dtype) => initConstant(t.shape, name === 'ones_' ? 1 : 0, dtype));
    case 'xavier_uniform_':
    case 'xavier_normal_':
      return fill(withTensor(['gain', 1]), (o, t, dtype, draw) =>
        draw((g) =>
          name === 'xavier_uniform_'
            ? xavierUniform(g, t.shape, number(o.get('gain')), dtype)
            : xavierNormal(g, t.shape, number(o.get('gain')), dtype),
        ),
      );
    case 'kaiming_uniform_':
    case 'kaiming_normal_':
      return fill(kaimingParams, (o, t, dtype, draw) => {
        const options = kaiming(o);
        return draw((g) =>
          name === 'kaiming_uniform_'
            ? kaimingUniform(g, t.shape, options, dtype)
            : kaimingNormal(g, t.shape, options, dtype),
        );
      });
    case 'eye_':
      return fill(tensorOnly, (_o, t) => {
        if (t.shape.length !== 2) throw pyError('ValueError', 'Only tensors with 2 dimensions are supported');
        const [rows, cols] = t.shape as [number, number];
        const out = new Float64Array(rows * cols);
        for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = 1;
        return out;
      });
    case 'calculate_gain':
      return new PyBuiltin(name, (a) => {
        const nonlinearity = checkedNonlinearity(String(a.args[0] ?? a.kwargs.get('nonlinearity')));
        const param = a.args[1] ?? a.kwargs.get('param') ?? null;
        return calculateGain(nonlinearity, param === null ? undefined : Number(param));
      });
  }
  return undefined;
}

/** Parameter names and defaults (undefined = required). */
type Params = readonly (readonly [string, PyValue | undefined])[];

type DrawFn = <T>(fn: (g: TorchGenerator) => T) => T;

function withTensor(...rest: (readonly [string, PyValue | undefined])[]): Params {
  return [['tensor', undefined], ...rest];
}

function checkedNonlinearity(name: string): Nonlinearity {
  if (!NONLINEARITIES.has(name)) throw pyError('ValueError', `Unsupported nonlinearity ${name}`);
  return name as Nonlinearity;
}

/** Python's binding of positional and keyword arguments; `generator` is read separately. */
function bind(name: string, params: Params, a: CallArguments, generatorAllowed: boolean): Map<string, PyValue> {
  const out = new Map<string, PyValue>();
  params.forEach(([k, dflt], i) => {
    const v = i < a.args.length ? a.args[i]! : a.kwargs.has(k) ? a.kwargs.get(k)! : dflt;
    if (v === undefined) throw pyError('TypeError', `${name}() missing 1 required positional argument: '${k}'`);
    out.set(k, v);
  });
  for (const k of a.kwargs.keys())
    if (!(k === 'generator' && generatorAllowed) && !params.some(([n]) => n === k))
      throw pyError('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
  return out;
}

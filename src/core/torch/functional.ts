/**
 * `torch.nn.functional` (the non-loss functions): activations, softmax family, `one_hot`, `normalize`,
 * `pairwise_distance`, `cosine_similarity`, `linear`, `embedding`, `conv1d`/`conv2d`, `layer_norm`, `batch_norm`,
 * `dropout` (eval only), `max_pool2d`/`avg_pool2d`, `pad` (constant). Each follows the composition PyTorch uses, so
 * float32 intermediate rounding happens where PyTorch's does.
 */
import { isFloating, numel, scalarTypeName, type DType } from '../tensor';
import { convDtypeMessage } from './conv-dtype';
import { bind, isPyNumber, isSequence, itemsOf, numberOf, pyTypeName, type TArg } from './args';
import { intArg, intList, wrapDim } from './dims';
import { binary, clamp, FLOAT_FUNCTIONS, mapOperands, STEPWISE, type OpContext } from './elementwise';
import { indexError, NotModelled, runtimeError, TorchError as TorchError_, typeError } from './errors';
import { matmul } from './linalg';
import { reduce, softmax } from './reduce';
import { oneHot } from './select';
import { reverseAxes } from './shape';
import { checkBudget, make, TorchTensor } from './tensor';

/** A functional implementation (same calling convention as the torch.* handlers). */
export type FunctionalHandler = (ctx: OpContext, args: TArg[], kwargs: Map<string, TArg>) => TArg;

function tensor(fn: string, a: TArg | undefined, name = 'input', position = 1): TorchTensor {
  if (a instanceof TorchTensor) return a;
  throw typeError(`${fn}(): argument '${name}' (position ${position}) must be Tensor, not ${pyTypeName(a)}`);
}

function num(a: TArg | undefined, dflt: number): number {
  if (a === undefined || a === null) return dflt;
  if (isPyNumber(a)) return numberOf(a);
  if (a instanceof TorchTensor && a.data.length === 1) return a.data[0]!;
  throw typeError(`expected a number, got ${pyTypeName(a)}`);
}

function flag(a: TArg | undefined, dflt: boolean): boolean {
  return a === undefined || a === null ? dflt : Boolean(isPyNumber(a) ? numberOf(a) : a);
}

/** An activation computed elementwise in float64 and stored in the input's (floating) dtype. */
function activation(
  name: string,
  spec: string,
  f: (x: number, o: Record<string, number | string>) => number,
  defaults: Record<string, number | string>,
): FunctionalHandler {
  return (ctx, args, kwargs) => {
    const b = bind(name, spec, args, kwargs);
    const t = tensor(name, b.input);
    const o: Record<string, number | string> = { ...defaults };
    for (const k of Object.keys(defaults)) {
      const v = b[k];
      if (v !== undefined && v !== null) o[k] = typeof v === 'string' ? v : num(v, defaults[k] as number);
    }
    if (!isFloating(t.dtype) && name !== 'relu' && name !== 'relu6' && name !== 'hardtanh') {
      throw runtimeError(`"${name}_cpu" not implemented for '${scalarTypeName(t.dtype)}'`);
    }
    if (flag(b.inplace, false)) {
      const r = mapOperands(ctx, [t], 'float64', t.dtype, ([x]) => f(x!, o));
      t.data.set(r.data);
      return t;
    }
    return mapOperands(ctx, [t], 'float64', t.dtype, ([x]) => f(x!, o), t.flavor);
  };
}

const erf = FLOAT_FUNCTIONS.erf!;

/** GELU's erf form, step by step in float32 as PyTorch's float kernel evaluates it. */
function geluErf(x: number): number {
  const r = Math.fround;
  return r(r(x * 0.5) * r(1 + r(erf(r(x * r(Math.SQRT1_2))))));
}

/** GELU's tanh form, step by step in float32 as PyTorch's float kernel evaluates it. */
function geluTanh(x: number): number {
  const r = Math.fround;
  const kBeta = r(Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5);
  const cube = r(r(x * x) * x);
  const inner = r(kBeta * r(x + r(r(0.044715) * cube)));
  return r(r(r(0.5) * x) * r(1 + r(Math.tanh(inner))));
}

function softplus(x: number, beta: number, threshold: number): number {
  return x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta;
}

function softmaxHandler(log: boolean, negate = false): FunctionalHandler {
  const name = negate ? 'softmin' : log ? 'log_softmax' : 'softmax';
  return (ctx, args, kwargs) => {
    const b = bind(name, 'input, dim=None, _stacklevel=3, dtype=None', args, kwargs);
    let t = tensor(name, b.input);
    const rank = t.shape.length;
    const dim =
      b.dim === undefined || b.dim === null ? (rank === 0 || rank === 1 || rank === 3 ? 0 : 1) : intArg(b.dim, 'dim');
    const dt =
      b.dtype &&
      typeof b.dtype === 'object' &&
      !Array.isArray(b.dtype) &&
      !(b.dtype instanceof TorchTensor) &&
      b.dtype.kind === 'dtype'
        ? b.dtype.dtype
        : undefined;
    if (negate) t = binary(ctx, '*', t, -1);
    return softmax(ctx, t, dim, log, dt);
  };
}

function pairList(a: TArg | undefined, n: number, dflt: number, name: string): number[] {
  if (a === undefined || a === null) return new Array<number>(n).fill(dflt);
  if (isSequence(a)) {
    const xs = intList(a, name);
    return xs.length === 1 ? new Array<number>(n).fill(xs[0]!) : xs;
  }
  return new Array<number>(n).fill(intArg(a, name));
}

/** N-d convolution (1 or 2 spatial dims) with stride, padding, dilation and groups. */
function conv(ctx: OpContext, spatial: 1 | 2, args: TArg[], kwargs: Map<string, TArg>): TorchTensor {
  const name = `conv${spatial}d`;
  const b = bind(name, 'input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1', args, kwargs);
  let x = tensor(name, b.input);
  const w = tensor(name, b.weight, 'weight', 2);
  const bias = b.bias instanceof TorchTensor ? b.bias : null;
  const batched = x.shape.length === spatial + 2;
  if (!batched && x.shape.length !== spatial + 1) {
    throw runtimeError(
      `Expected ${spatial + 1}D (unbatched) or ${spatial + 2}D (batched) input to ${name}, but got input of size: [${x.shape.join(', ')}]`,
    );
  }
  if (!batched) x = new TorchTensor(x.dtype, [1, ...x.shape], x.data, x.flavor);
  if (x.dtype !== w.dtype) {
    throw runtimeError(convDtypeMessage(spatial, false, bias !== null, x.dtype, w.dtype, ctx.torchVersion === '1.13'));
  }
  const groups = intArg(b.groups ?? 1n, 'groups');
  const stride = pairList(b.stride, spatial, 1, 'stride');
  const dilation = pairList(b.dilation, spatial, 1, 'dilation');
  const k = w.shape.slice(2);
  let padding: number[];
  if (b.padding === 'valid') padding = new Array<number>(spatial).fill(0);
  else if (b.padding === 'same') {
    padding = k.map((kk, i) => {
      const total = dilation[i]! * (kk - 1);
      if (total % 2 !== 0) throw new NotModelled(`${name}(padding='same') with an even kernel`);
      return total / 2;
    });
  } else padding = pairList(b.padding, spatial, 0, 'padding');
  const [N, C] = x.shape as [number, number];
  const O = w.shape[0]!;
  const Cg = w.shape[1]!;
  if (Cg * groups !== C) {
    throw runtimeError(
      `Given groups=${groups}, weight of size [${w.shape.join(', ')}], expected input[${x.shape.join(', ')}] to have ${Cg * groups} channels, but got ${C} channels instead`,
    );
  }
  const inSp = x.shape.slice(2);
  const outSp = inSp.map((s, i) => Math.floor((s + 2 * padding[i]! - dilation[i]! * (k[i]! - 1) - 1) / stride[i]!) + 1);
  if (outSp.some((s) => s <= 0)) {
    throw runtimeError(
      `Calculated padded input size per channel: (${inSp.map((s, i) => s + 2 * padding[i]!).join(' x ')}). Kernel size: (${k.map((kk, i) => dilation[i]! * (kk - 1) + 1).join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  }
  const outShape = [N, O, ...outSp];
  checkBudget(outShape, ctx.maxElements);
  const H = inSp[0]!;
  const W = spatial === 2 ? inSp[1]! : 1;
  const kH = k[0]!;
  const kW = spatial === 2 ? k[1]! : 1;
  const oH = outSp[0]!;
  const oW = spatial === 2 ? outSp[1]! : 1;
  const [sH, sW] = [stride[0]!, stride[1] ?? 1];
  const [pH, pW] = [padding[0]!, padding[1] ?? 0];
  const [dH, dW] = [dilation[0]!, dilation[1] ?? 1];
  const Og = O / groups;
  const out = new Float64Array(numel(outShape));
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let i = 0; i < oH; i++) {
        for (let j = 0; j < oW; j++) {
          let s = bias ? bias.data[o]! : 0;
          for (let c = 0; c < Cg; c++) {
            const ci = g * Cg + c;
            for (let a = 0; a < kH; a++) {
              const y = i * sH - pH + a * dH;
              if (y < 0 || y >= H) continue;
              for (let bb = 0; bb < kW; bb++) {
                const xx = j * sW - pW + bb * dW;
                if (xx < 0 || xx >= W) continue;
                s += x.data[((n * C + ci) * H + y) * W + xx]! * w.data[((o * Cg + c) * kH + a) * kW + bb]!;
              }
            }
          }
          out[((n * O + o) * oH + i) * oW + j] = s;
        }
      }
    }
  }
  return make(out, batched ? outShape : outShape.slice(1), x.dtype, x.flavor);
}

function pool(ctx: OpContext, kind: 'max' | 'avg', args: TArg[], kwargs: Map<string, TArg>): TArg {
  const name = `${kind}_pool2d`;
  const b =
    kind === 'max'
      ? bind(
          name,
          'input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False',
          args,
          kwargs,
        )
      : bind(
          name,
          'input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None',
          args,
          kwargs,
        );
  let x = tensor(name, b.input);
  if (flag(b.ceil_mode, false)) throw new NotModelled(`F.${name}(ceil_mode=True)`);
  if (flag(b.return_indices, false)) throw new NotModelled(`F.${name}(return_indices=True)`);
  const k = pairList(b.kernel_size, 2, 1, 'kernel_size');
  const stride =
    b.stride === undefined || b.stride === null || (isSequence(b.stride) && itemsOf(b.stride).length === 0)
      ? k
      : pairList(b.stride, 2, 1, 'stride');
  const pad = pairList(b.padding, 2, 0, 'padding');
  const dil = kind === 'max' ? pairList(b.dilation, 2, 1, 'dilation') : [1, 1];
  const batched = x.shape.length === 4;
  if (!batched) x = new TorchTensor(x.dtype, [1, ...x.shape], x.data, x.flavor);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const oH = Math.floor((H + 2 * pad[0]! - dil[0]! * (k[0]! - 1) - 1) / stride[0]!) + 1;
  const oW = Math.floor((W + 2 * pad[1]! - dil[1]! * (k[1]! - 1) - 1) / stride[1]!) + 1;
  const shape = [N, C, oH, oW];
  checkBudget(shape, ctx.maxElements);
  const out = new Float64Array(numel(shape));
  const includePad = flag(b.count_include_pad, true);
  const divisor = b.divisor_override === undefined || b.divisor_override === null ? 0 : num(b.divisor_override, 0);
  for (let nc = 0; nc < N * C; nc++) {
    for (let i = 0; i < oH; i++) {
      for (let j = 0; j < oW; j++) {
        let acc = kind === 'max' ? -Infinity : 0;
        let count = 0;
        const y0 = i * stride[0]! - pad[0]!;
        const x0 = j * stride[1]! - pad[1]!;
        for (let a = 0; a < k[0]!; a++) {
          for (let c = 0; c < k[1]!; c++) {
            const y = y0 + a * dil[0]!;
            const xx = x0 + c * dil[1]!;
            if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
            const v = x.data[(nc * H + y) * W + xx]!;
            if (kind === 'max') acc = v > acc || v !== v ? v : acc;
            else acc += v;
            count++;
          }
        }
        if (kind === 'avg') {
          const hEnd = Math.min(y0 + k[0]!, H + pad[0]!);
          const wEnd = Math.min(x0 + k[1]!, W + pad[1]!);
          const padded = (hEnd - y0) * (wEnd - x0);
          acc /= divisor || (includePad ? padded : count);
        }
        out[(nc * oH + i) * oW + j] = acc;
      }
    }
  }
  return make(out, batched ? shape : shape.slice(1), x.dtype, x.flavor);
}

/** The `torch.nn.functional` table, keyed by function name. */
export const FUNCTIONAL: Record<string, FunctionalHandler> = Object.create(null) as Record<string, FunctionalHandler>;
Object.assign(FUNCTIONAL, {
  relu: activation('relu', 'input, inplace=False', (x) => (x > 0 || x !== x ? x : 0), {}),
  relu6: activation('relu6', 'input, inplace=False', (x) => Math.min(Math.max(x, 0), 6), {}),
  hardtanh: activation(
    'hardtanh',
    'input, min_val=-1.0, max_val=1.0, inplace=False',
    (x, o) => Math.min(Math.max(x, o.min_val as number), o.max_val as number),
    { min_val: -1, max_val: 1 },
  ),
  leaky_relu: activation(
    'leaky_relu',
    'input, negative_slope=0.01, inplace=False',
    (x, o) => (x > 0 ? x : x * (o.negative_slope as number)),
    { negative_slope: 0.01 },
  ),
  elu: activation(
    'elu',
    'input, alpha=1.0, inplace=False',
    (x, o) => (x > 0 ? x : (o.alpha as number) * Math.expm1(x)),
    { alpha: 1 },
  ),
  selu: activation(
    'selu',
    'input, inplace=False',
    (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
    {},
  ),
  celu: activation(
    'celu',
    'input, alpha=1.0, inplace=False',
    (x, o) => Math.max(0, x) + Math.min(0, (o.alpha as number) * Math.expm1(x / (o.alpha as number))),
    { alpha: 1 },
  ),
  gelu: activation(
    'gelu',
    "input, approximate='none'",
    (x, o) => (o.approximate === 'tanh' ? geluTanh(x) : geluErf(x)),
    { approximate: 'none' },
  ),
  silu: activation('silu', 'input, inplace=False', (x) => STEPWISE.silu!(x, Math.fround), {}),
  mish: activation('mish', 'input, inplace=False', (x) => x * Math.tanh(softplus(x, 1, 20)), {}),
  softplus: activation(
    'softplus',
    'input, beta=1, threshold=20',
    (x, o) => softplus(x, o.beta as number, o.threshold as number),
    { beta: 1, threshold: 20 },
  ),
  logsigmoid: activation(
    'log_sigmoid_forward',
    'input',
    (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
    {},
  ),
  sigmoid: activation('sigmoid', 'input', (x) => STEPWISE.sigmoid!(x, Math.fround), {}),
  tanh: activation('tanh', 'input', Math.tanh, {}),
  softsign: activation('softsign', 'input', (x) => x / (1 + Math.abs(x)), {}),
  softmax: softmaxHandler(false),
  log_softmax: softmaxHandler(true),
  softmin: softmaxHandler(false, true),
  one_hot: ((ctx, args, kwargs) => {
    const b = bind('one_hot', 'tensor, num_classes=-1', args, kwargs);
    return oneHot(ctx, tensor('one_hot', b.tensor, 'tensor'), intArg(b.num_classes ?? -1n, 'num_classes'));
  }) as FunctionalHandler,
  normalize: ((ctx, args, kwargs) => {
    const b = bind('normalize', 'input, p=2.0, dim=1, eps=1e-12, out=None', args, kwargs);
    const t = tensor('normalize', b.input);
    const norm = reduce(ctx, t, 'norm', [wrapDim(intArg(b.dim ?? 1n, 'dim'), t.shape.length)], true, {
      p: num(b.p, 2),
    });
    const denom = clamp(ctx, norm, num(b.eps, 1e-12), null);
    return binary(ctx, '/', t, denom);
  }) as FunctionalHandler,
  pairwise_distance: ((ctx, args, kwargs) => {
    const b = bind('pairwise_distance', 'x1, x2, p=2.0, eps=1e-06, keepdim=False', args, kwargs);
    const x1 = tensor('pairwise_distance', b.x1, 'x1');
    const x2 = tensor('pairwise_distance', b.x2, 'x2', 2);
    const diff = binary(ctx, '+', binary(ctx, '-', x1, x2), num(b.eps, 1e-6));
    const rank = Math.max(x1.shape.length, x2.shape.length);
    const dim = rank === 0 ? [] : [rank - 1];
    return reduce(ctx, diff, 'norm', dim, flag(b.keepdim, false), { p: num(b.p, 2) });
  }) as FunctionalHandler,
  cosine_similarity: ((ctx, args, kwargs) => {
    const b = bind('cosine_similarity', 'x1, x2, dim=1, eps=1e-08', args, kwargs);
    const x1 = tensor('cosine_similarity', b.x1, 'x1');
    const x2 = tensor('cosine_similarity', b.x2, 'x2', 2);
    const rank = Math.max(x1.shape.length, x2.shape.length);
    const dim = wrapDim(intArg(b.dim ?? 1n, 'dim'), rank);
    const eps = num(b.eps, 1e-8);
    const ones = binary(ctx, '*', binary(ctx, '*', x1, 0), x2);
    const e1 = binary(ctx, '+', x1, binary(ctx, '*', ones, 0));
    const e2 = binary(ctx, '+', x2, binary(ctx, '*', ones, 0));
    const n1 = clamp(ctx, reduce(ctx, e1, 'norm', [dim], true, { p: 2 }), eps, null);
    const n2 = clamp(ctx, reduce(ctx, e2, 'norm', [dim], true, { p: 2 }), eps, null);
    const prod = binary(ctx, '*', binary(ctx, '/', e1, n1), binary(ctx, '/', e2, n2));
    return reduce(ctx, prod, 'sum', [dim], false);
  }) as FunctionalHandler,
  linear: ((ctx, args, kwargs) => {
    const b = bind('linear', 'input, weight, bias=None', args, kwargs);
    const x = tensor('linear', b.input);
    const w = tensor('linear', b.weight, 'weight', 2);
    const y = matmul(ctx, x, w.shape.length === 1 ? w : reverseAxes(w));
    return b.bias instanceof TorchTensor ? binary(ctx, '+', y, b.bias) : y;
  }) as FunctionalHandler,
  bilinear: (() => {
    throw new NotModelled('torch.nn.functional.bilinear');
  }) as FunctionalHandler,
  embedding: ((ctx, args, kwargs) => {
    const b = bind(
      'embedding',
      'input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False',
      args,
      kwargs,
    );
    const idx = tensor('embedding', b.input);
    const w = tensor('embedding', b.weight, 'weight', 2);
    if (b.max_norm !== undefined && b.max_norm !== null) throw new NotModelled('F.embedding(max_norm=...)');
    if (idx.dtype !== 'int64' && idx.dtype !== 'int32') {
      throw runtimeError(
        `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${scalarTypeName(idx.dtype)}Tensor instead (while checking arguments for embedding)`,
      );
    }
    const [V, D] = w.shape as [number, number];
    const shape = [...idx.shape, D];
    checkBudget(shape, ctx.maxElements);
    const out = new Float64Array(numel(shape));
    for (let i = 0; i < idx.data.length; i++) {
      const r = idx.data[i]!;
      if (r < 0 || r >= V) throw indexError('index out of range in self');
      for (let d = 0; d < D; d++) out[i * D + d] = w.data[r * D + d]!;
    }
    return make(out, shape, w.dtype, w.flavor);
  }) as FunctionalHandler,
  conv1d: ((ctx, args, kwargs) => conv(ctx, 1, args, kwargs)) as FunctionalHandler,
  conv2d: ((ctx, args, kwargs) => conv(ctx, 2, args, kwargs)) as FunctionalHandler,
  max_pool2d: ((ctx, args, kwargs) => pool(ctx, 'max', args, kwargs)) as FunctionalHandler,
  avg_pool2d: ((ctx, args, kwargs) => pool(ctx, 'avg', args, kwargs)) as FunctionalHandler,
  layer_norm: ((_ctx, args, kwargs) => {
    const b = bind('layer_norm', 'input, normalized_shape, weight=None, bias=None, eps=1e-05', args, kwargs);
    const x = tensor('layer_norm', b.input);
    const norm = intList(b.normalized_shape, 'normalized_shape');
    const tail = x.shape.slice(x.shape.length - norm.length);
    if (norm.length > x.shape.length || tail.some((s, i) => s !== norm[i])) {
      throw runtimeError(
        `Given normalized_shape=[${norm.join(', ')}], expected input with shape [*, ${norm.join(', ')}], but got input of size[${x.shape.join(', ')}]`,
      );
    }
    const inner = numel(norm);
    const outer = x.data.length / Math.max(inner, 1);
    const eps = num(b.eps, 1e-5);
    const w = b.weight instanceof TorchTensor ? b.weight : null;
    const bias = b.bias instanceof TorchTensor ? b.bias : null;
    const out = new Float64Array(x.data.length);
    for (let o = 0; o < outer; o++) {
      let mean = 0;
      for (let i = 0; i < inner; i++) mean += x.data[o * inner + i]!;
      mean /= inner;
      let v = 0;
      for (let i = 0; i < inner; i++) v += (x.data[o * inner + i]! - mean) ** 2;
      v /= inner;
      const rstd = 1 / Math.sqrt(v + eps);
      for (let i = 0; i < inner; i++) {
        let y = (x.data[o * inner + i]! - mean) * rstd;
        if (w) y *= w.data[i]!;
        if (bias) y += bias.data[i]!;
        out[o * inner + i] = y;
      }
    }
    return make(out, x.shape, x.dtype, x.flavor);
  }) as FunctionalHandler,
  batch_norm: ((_ctx, args, kwargs) => {
    const b = bind(
      'batch_norm',
      'input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05',
      args,
      kwargs,
    );
    const x = tensor('batch_norm', b.input);
    const rm = b.running_mean instanceof TorchTensor ? b.running_mean : null;
    const rv = b.running_var instanceof TorchTensor ? b.running_var : null;
    const training = flag(b.training, false);
    const C = x.shape[1] ?? 1;
    const inner = numel(x.shape.slice(2));
    const N = x.shape[0]!;
    const eps = num(b.eps, 1e-5);
    const momentum = num(b.momentum, 0.1);
    const w = b.weight instanceof TorchTensor ? b.weight : null;
    const bias = b.bias instanceof TorchTensor ? b.bias : null;
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    if (training || !rm || !rv) {
      const count = N * inner;
      if (count <= 1)
        throw new TorchError_(
          'ValueError',
          `Expected more than 1 value per channel when training, got input size torch.Size([${x.shape.join(', ')}])`,
        );
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let n = 0; n < N; n++) for (let i = 0; i < inner; i++) s += x.data[(n * C + c) * inner + i]!;
        const m = s / count;
        let ss = 0;
        for (let n = 0; n < N; n++) for (let i = 0; i < inner; i++) ss += (x.data[(n * C + c) * inner + i]! - m) ** 2;
        mean[c] = m;
        variance[c] = ss / count;
        if (training && rm && rv) {
          rm.data[c] = (1 - momentum) * rm.data[c]! + momentum * m;
          rv.data[c] = (1 - momentum) * rv.data[c]! + (momentum * ss) / (count - 1);
        }
      }
    } else {
      for (let c = 0; c < C; c++) {
        mean[c] = rm.data[c]!;
        variance[c] = rv.data[c]!;
      }
    }
    const out = new Float64Array(x.data.length);
    if (!training && rm && rv) {
      // PyTorch's inference path folds the statistics into one scale and shift per channel, in the input's dtype.
      const r = x.dtype === 'float64' ? (v: number) => v : Math.fround;
      for (let c = 0; c < C; c++) {
        const invstd = r(1 / r(Math.sqrt(r(variance[c]! + eps))));
        const alpha = w ? r(invstd * w.data[c]!) : invstd;
        const beta = r((bias ? bias.data[c]! : 0) - r(mean[c]! * alpha));
        for (let n = 0; n < N; n++) {
          for (let i = 0; i < inner; i++) {
            const k = (n * C + c) * inner + i;
            // One rounding of x*alpha + beta, as the fused multiply-add of PyTorch's kernel.
            out[k] = r(x.data[k]! * alpha + beta);
          }
        }
      }
      return make(out, x.shape, x.dtype, x.flavor);
    }
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const invstd = 1 / Math.sqrt(variance[c]! + eps);
        for (let i = 0; i < inner; i++) {
          const k = (n * C + c) * inner + i;
          let y = (x.data[k]! - mean[c]!) * invstd;
          if (w) y *= w.data[c]!;
          if (bias) y += bias.data[c]!;
          out[k] = y;
        }
      }
    }
    return make(out, x.shape, x.dtype, x.flavor);
  }) as FunctionalHandler,
  dropout: ((_ctx, args, kwargs) => {
    const b = bind('dropout', 'input, p=0.5, training=True, inplace=False', args, kwargs);
    const x = tensor('dropout', b.input);
    const p = num(b.p, 0.5);
    if (p < 0 || p > 1)
      throw new TorchError_('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
    if (flag(b.training, true)) throw new NotModelled('F.dropout with training=True (random)');
    return x;
  }) as FunctionalHandler,
  pad: ((ctx, args, kwargs) => {
    const b = bind('pad', "input, pad, mode='constant', value=None", args, kwargs);
    const x = tensor('pad', b.input);
    if (b.mode !== undefined && b.mode !== 'constant') throw new NotModelled(`F.pad(mode='${String(b.mode)}')`);
    const pads = intList(b.pad, 'pad');
    if (pads.length % 2 !== 0) throw runtimeError('Padding length must be divisible by 2');
    if (pads.length / 2 > x.shape.length) throw runtimeError('Padding length too large');
    const value = num(b.value, 0);
    const before = new Array<number>(x.shape.length).fill(0);
    const after = new Array<number>(x.shape.length).fill(0);
    for (let i = 0; i < pads.length / 2; i++) {
      const d = x.shape.length - 1 - i;
      before[d] = pads[2 * i]!;
      after[d] = pads[2 * i + 1]!;
    }
    const shape = x.shape.map((s, d) => s + before[d]! + after[d]!);
    checkBudget(shape, ctx.maxElements);
    const out = new Float64Array(numel(shape)).fill(value);
    const idx = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < out.length; k++) {
      let src = 0;
      let inside = true;
      for (let d = 0; d < shape.length; d++) {
        const s = idx[d]! - before[d]!;
        if (s < 0 || s >= x.shape[d]!) {
          inside = false;
          break;
        }
        src = src * x.shape[d]! + s;
      }
      if (inside) out[k] = x.data[src]!;
      for (let d = shape.length - 1; d >= 0; d--) {
        idx[d]!++;
        if (idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
    return make(out, shape, x.dtype, x.flavor);
  }) as FunctionalHandler,
});

/** The dtype F.* keeps for a float input (re-exported for the api). */
export function keepsDType(dtype: DType): boolean {
  return isFloating(dtype);
}

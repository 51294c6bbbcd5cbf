/**
 * `torch.optim.SGD`, `Adam` and `AdamW` as PyTorch's single-tensor CPU code updates parameters (the path it takes
 * for CPU tensors): `step()` with momentum, dampening, Nesterov, weight decay (L2, or decoupled for AdamW) and
 * `maximize`; `zero_grad(set_to_none=…)` with each release's default; `param_groups[0]` whose hyperparameters a
 * program may read and set between steps. Each elementwise update is rounded as PyTorch's float32 kernels round it
 * (a Python float scalar is cast to the tensor's dtype first). The moving average of Adam's first moment is a `lerp_`
 * in 2.x and `mul_` + `add_` in 1.13, as the two releases write it. The learning-rate schedulers `StepLR`,
 * `MultiStepLR` and `ExponentialLR` follow. What is not modelled (parameter-group dicts, `amsgrad`, half-precision
 * parameters, other optimizers and schedulers) stops the run with a located note.
 */
import { NotModelledStop, pyError } from './errors';
import {
  PyBuiltin,
  PyClass,
  PyDict,
  PyInstance,
  PyList,
  PyTuple,
  typeName,
  type CallArguments,
  type PyValue,
} from './values';
import { bumpVersion } from '../torch/autograd/graph';
import { TorchTensor } from '../torch/tensor';
import { SymTensor } from '../torch/symbolic/tensor';
import type { TorchBridge, GradTensor } from './torch-bridge';

/** The optimizers modelled, by name. */
export const OPTIMIZERS: ReadonlySet<string> = new Set(['SGD', 'Adam', 'AdamW']);

type Kind = 'SGD' | 'Adam' | 'AdamW';

/** Per-parameter state: the momentum buffer (SGD), the step count and moments (Adam). */
interface State {
  buf?: Float64Array | Float32Array;
  step: number;
  m?: Float64Array | Float32Array;
  v?: Float64Array | Float32Array;
}

/** The hyperparameters of a class, in PyTorch's constructor order, with their defaults per release. */
function defaults(kind: Kind, version: '2.x' | '1.13'): [string, PyValue | undefined][] {
  if (kind === 'SGD')
    return [
      // 1.13's SGD has no default learning rate.
      ['lr', version === '1.13' ? undefined : 0.001],
      ['momentum', 0n],
      ['dampening', 0n],
      ['weight_decay', 0n],
      ['nesterov', false],
      ['maximize', false],
    ];
  return [
    ['lr', 0.001],
    ['betas', new PyTuple([0.9, 0.999])],
    ['eps', 1e-8],
    ['weight_decay', kind === 'AdamW' ? 0.01 : 0n],
    ['amsgrad', false],
    ['maximize', false],
  ];
}

/** The optimizer class `torch.optim.<kind>`. */
export function optimizerClass(bridge: TorchBridge, kind: Kind): PyClass {
  const module = kind === 'SGD' ? 'sgd' : kind === 'Adam' ? 'adam' : 'adamw';
  return new PyClass(kind, [], new Map(), `torch.optim.${module}.${kind}`, {
    init: (self, a) => {
      const source = a.args[0] ?? a.kwargs.get('params') ?? null;
      const params = bridge.interp.toArray(source, bridge.interp.current!);
      if (params.length === 0) throw pyError('ValueError', 'optimizer got an empty parameter list');
      if (params.some((p) => p instanceof PyDict))
        throw new NotModelledStop(`torch.optim.${kind} with parameter groups`, bridge.interp.current, 'unsupported');
      const group = new PyDict();
      const set = (k: string, v: PyValue): void => void group.entries.set(bridge.interp.dictKey(k), [k, v]);
      set('params', new PyList(params));
      const spec = defaults(kind, bridge.ctx.torchVersion === '1.13' ? '1.13' : '2.x');
      spec.forEach(([k, fallback], i) => {
        const given = a.args[i + 1] ?? a.kwargs.get(k);
        const v = given ?? fallback;
        if (v === undefined)
          throw pyError('TypeError', `${kind}.__init__() missing 1 required positional argument: '${k}'`);
        set(k, v);
      });
      const num = (k: string): number => Number(group.entries.get(bridge.interp.dictKey(k))![1]);
      if (num('lr') < 0) throw pyError('ValueError', `Invalid learning rate: ${bridge.repr(get(bridge, group, 'lr'))}`);
      if (kind === 'SGD') {
        if (num('momentum') < 0)
          throw pyError('ValueError', `Invalid momentum value: ${bridge.repr(get(bridge, group, 'momentum'))}`);
        if (num('weight_decay') < 0)
          throw pyError('ValueError', `Invalid weight_decay value: ${bridge.repr(get(bridge, group, 'weight_decay'))}`);
        const nesterov = bridge.interp.truthy(get(bridge, group, 'nesterov'), bridge.interp.current!);
        if (nesterov && (num('momentum') <= 0 || num('dampening') !== 0))
          throw pyError('ValueError', 'Nesterov momentum requires a momentum and zero dampening');
      } else {
        if (num('eps') < 0)
          throw pyError('ValueError', `Invalid epsilon value: ${bridge.repr(get(bridge, group, 'eps'))}`);
        if (bridge.interp.truthy(get(bridge, group, 'amsgrad'), bridge.interp.current!))
          throw new NotModelledStop(`torch.optim.${kind}(amsgrad=True)`, bridge.interp.current, 'unsupported');
      }
      self.native = { optimizer: kind, groups: new PyList([group]), state: new WeakMap<object, State>() };
    },
  });
}

function get(bridge: TorchBridge, group: PyDict, key: string): PyValue {
  const e = group.entries.get(bridge.interp.dictKey(key));
  if (!e) throw pyError('KeyError', `'${key}'`);
  return e[1];
}

/** The attributes of an optimizer instance (`step`, `zero_grad`, `param_groups`), or undefined. */
export function optimizerAttribute(bridge: TorchBridge, inst: PyInstance, name: string): PyValue | undefined {
  const kind = inst.native?.optimizer as Kind | undefined;
  if (kind === undefined) return undefined;
  const groups = inst.native!.groups as PyList;
  const group = groups.items[0] as PyDict;
  const params = (): PyValue[] => bridge.interp.toArray(get(bridge, group, 'params'), bridge.interp.current!);
  switch (name) {
    case 'param_groups':
      return groups;
    case 'zero_grad':
      return new PyBuiltin(name, (a: CallArguments) =>
        bridge.zeroGrads(
          params().filter((p): p is TorchTensor => p instanceof TorchTensor),
          a,
        ),
      );
    case 'step':
      return new PyBuiltin(name, (a: CallArguments) => {
        if ((a.args[0] ?? a.kwargs.get('closure') ?? null) !== null)
          throw new NotModelledStop(`${kind}.step(closure)`, bridge.interp.current, 'unsupported');
        const state = inst.native!.state as WeakMap<object, State>;
        for (const p of params()) {
          // A shape check's parameters are symbolic: there is nothing to update.
          if (p instanceof SymTensor || !(p instanceof TorchTensor)) continue;
          const grad = (p as GradTensor).grad;
          if (grad === undefined) continue;
          if (p.dtype !== 'float32' && p.dtype !== 'float64')
            throw new NotModelledStop(
              `torch.optim.${kind} on ${p.dtype} parameters`,
              bridge.interp.current,
              'unsupported',
            );
          let s = state.get(p);
          if (!s) state.set(p, (s = { step: 0 }));
          const hyper = (k: string): number => Number(get(bridge, group, k));
          const flag = (k: string): boolean => bridge.interp.truthy(get(bridge, group, k), bridge.interp.current!);
          if (kind === 'SGD') sgdStep(p, grad, s, hyper, flag);
          else {
            const betas = bridge.interp.toArray(get(bridge, group, 'betas'), bridge.interp.current!).map(Number);
            adamStep(p, grad, s, hyper, flag, betas, kind === 'AdamW', bridge.ctx.torchVersion === '1.13');
          }
          // The update is an in-place write (`param.add_`): a graph that saved the parameter can no longer go back.
          bumpVersion(p);
        }
        return null;
      });
    case 'state_dict':
    case 'load_state_dict':
    case 'add_param_group':
      throw new NotModelledStop(`${kind}.${name}`, bridge.interp.current, 'unsupported');
  }
  return undefined;
}

/** Rounds to the parameter's dtype (float32 kernels round each operation). */
function rounder(dtype: string): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x) => x;
}

/** `_single_tensor_sgd` for one parameter. */
function sgdStep(
  p: TorchTensor,
  grad: TorchTensor,
  s: State,
  hyper: (k: string) => number,
  flag: (k: string) => boolean,
): void {
  const r = rounder(p.dtype);
  const lr = r(-hyper('lr'));
  const wd = hyper('weight_decay');
  const momentum = hyper('momentum');
  const dampening = r(1 - hyper('dampening'));
  const nesterov = flag('nesterov');
  const maximize = flag('maximize');
  const n = p.data.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = Number(grad.data[i]);
    d[i] = maximize ? -g : g;
    // d_p.add(param, alpha=weight_decay)
    if (wd !== 0) d[i] = r(d[i]! + r(r(wd) * Number(p.data[i])));
  }
  if (momentum !== 0) {
    const mom = r(momentum);
    if (!s.buf) s.buf = Float64Array.from(d);
    else for (let i = 0; i < n; i++) s.buf[i] = r(r(s.buf[i]! * mom) + r(dampening * d[i]!));
    for (let i = 0; i < n; i++) d[i] = nesterov ? r(d[i]! + r(mom * s.buf[i]!)) : s.buf[i]!;
  }
  // param.add_(d_p, alpha=-lr)
  for (let i = 0; i < n; i++) p.data[i] = r(Number(p.data[i]) + r(lr * d[i]!));
}

/** `_single_tensor_adam` (and 1.13's `_single_tensor_adamw`) for one parameter, amsgrad off. */
function adamStep(
  p: TorchTensor,
  grad: TorchTensor,
  s: State,
  hyper: (k: string) => number,
  flag: (k: string) => boolean,
  betas: readonly number[],
  decoupled: boolean,
  v113: boolean,
): void {
  const r = rounder(p.dtype);
  const n = p.data.length;
  const lr = hyper('lr');
  const wd = hyper('weight_decay');
  const eps = hyper('eps');
  const maximize = flag('maximize');
  const [beta1 = 0.9, beta2 = 0.999] = betas;
  s.m ??= new Float64Array(n);
  s.v ??= new Float64Array(n);
  const m = s.m;
  const v = s.v;
  s.step += 1;
  // param.mul_(1 - lr * weight_decay) for AdamW; grad.add(param, alpha=weight_decay) for Adam.
  if (decoupled && wd !== 0) {
    const keep = r(1 - lr * wd);
    for (let i = 0; i < n; i++) p.data[i] = r(Number(p.data[i]) * keep);
  }
  const w1 = r(1 - beta1);
  const b1 = r(beta1);
  const b2 = r(beta2);
  const w2 = r(1 - beta2);
  const bc1 = 1 - beta1 ** s.step;
  const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
  const stepSize = r(-(lr / bc1));
  const bc2 = r(bc2Sqrt);
  const e = r(eps);
  for (let i = 0; i < n; i++) {
    let g = Number(grad.data[i]);
    if (maximize) g = -g;
    if (!decoupled && wd !== 0) g = r(g + r(r(wd) * Number(p.data[i])));
    // 2.x: exp_avg.lerp_(grad, 1 - beta1) (weight below 0.5: self + weight * (end - self)); 1.13: mul_ then add_.
    m[i] = v113 ? r(r(m[i]! * b1) + r(w1 * g)) : r(m[i]! + r(w1 * r(g - m[i]!)));
    // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    v[i] = r(v[i]! * b2);
    v[i] = r(v[i]! + r(r(w2 * g) * g));
    // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
    const denom = r(r(r(Math.sqrt(v[i]!)) / bc2) + e);
    p.data[i] = r(Number(p.data[i]) + r(r(stepSize * m[i]!) / denom));
  }
}

/** The learning-rate schedulers modelled, by name. */
export const SCHEDULERS: ReadonlySet<string> = new Set(['StepLR', 'MultiStepLR', 'ExponentialLR']);

/**
 * `torch.optim.lr_scheduler.StepLR`, `MultiStepLR` and `ExponentialLR` in PyTorch's chainable form: each `step()`
 * multiplies the group's current `lr` (so a learning rate set by hand carries on), the first made by the constructor
 * (`last_epoch` 0, `initial_lr` added to the group).
 */
export function schedulerClass(bridge: TorchBridge, kind: string): PyClass {
  return new PyClass(kind, [], new Map(), `torch.optim.lr_scheduler.${kind}`, {
    init: (self, a) => {
      const opt = a.args[0] ?? a.kwargs.get('optimizer') ?? null;
      if (!(opt instanceof PyInstance) || opt.native?.optimizer === undefined)
        throw pyError('TypeError', `${typeName(opt)} is not an Optimizer`);
      const arg = (i: number, k: string): PyValue | undefined => a.args[i] ?? a.kwargs.get(k);
      const milestones = new Map<number, number>();
      if (kind === 'MultiStepLR')
        for (const m of bridge.interp.toArray(arg(1, 'milestones') ?? null, bridge.interp.current!))
          milestones.set(Number(m), (milestones.get(Number(m)) ?? 0) + 1);
      const gamma = Number(kind === 'ExponentialLR' ? (arg(1, 'gamma') ?? 0.1) : (arg(2, 'gamma') ?? 0.1));
      if (kind === 'StepLR' && arg(1, 'step_size') === undefined)
        throw pyError('TypeError', "StepLR.__init__() missing 1 required positional argument: 'step_size'");
      if ((a.kwargs.get('last_epoch') ?? -1n) !== -1n)
        throw new NotModelledStop(`${kind}(last_epoch=...)`, bridge.interp.current, 'unsupported');
      const group = ((opt.native!.groups as PyList).items[0] as PyDict)!;
      const key = bridge.interp.dictKey('initial_lr');
      if (!group.entries.has(key)) group.entries.set(key, ['initial_lr', get(bridge, group, 'lr')]);
      self.native = {
        scheduler: kind,
        group,
        stepSize: Number(arg(1, 'step_size') ?? 1n),
        gamma,
        milestones,
        lastEpoch: -1,
        lastLr: [] as PyValue[],
      };
      schedulerStep(bridge, self);
    },
  });
}

/** One `step()`: the epoch moves on and the group's `lr` becomes what the scheduler gives. */
function schedulerStep(bridge: TorchBridge, self: PyInstance): void {
  const n = self.native!;
  const group = n.group as PyDict;
  n.lastEpoch = (n.lastEpoch as number) + 1;
  const epoch = n.lastEpoch as number;
  const lr = get(bridge, group, 'lr');
  let next: PyValue = lr;
  const gamma = n.gamma as number;
  if (n.scheduler === 'StepLR') {
    if (epoch !== 0 && epoch % (n.stepSize as number) === 0) next = Number(lr) * gamma;
  } else if (n.scheduler === 'MultiStepLR') {
    const count = (n.milestones as Map<number, number>).get(epoch);
    if (count !== undefined) next = Number(lr) * gamma ** count;
  } else if (epoch !== 0) next = Number(lr) * gamma;
  group.entries.set(bridge.interp.dictKey('lr'), ['lr', next]);
  n.lastLr = [next];
}

/** The attributes of a scheduler instance (`step`, `get_last_lr`, `last_epoch`), or undefined. */
export function schedulerAttribute(bridge: TorchBridge, inst: PyInstance, name: string): PyValue | undefined {
  const kind = inst.native?.scheduler as string | undefined;
  if (kind === undefined) return undefined;
  switch (name) {
    case 'step':
      return new PyBuiltin(name, (a: CallArguments) => {
        if (a.args.length > 0 || a.kwargs.size > 0)
          throw new NotModelledStop(`${kind}.step(epoch)`, bridge.interp.current, 'unsupported');
        schedulerStep(bridge, inst);
        return null;
      });
    case 'get_last_lr':
      return new PyBuiltin(name, () => new PyList([...(inst.native!.lastLr as PyValue[])]));
    case 'last_epoch':
      return BigInt(inst.native!.lastEpoch as number);
    case 'optimizer':
    case 'state_dict':
    case 'load_state_dict':
    case 'get_lr':
      throw new NotModelledStop(`${kind}.${name}`, bridge.interp.current, 'unsupported');
  }
  return undefined;
}

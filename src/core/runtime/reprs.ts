/**
 * How tensors, NumPy values and nn.Module instances print inside a run: the tensor's autograd state and the run's
 * print options go to the printing library (`core/torch/print`), which prints exactly as PyTorch and NumPy do.
 */
import type { TorchTensor } from '../torch/tensor';
import { ndarrayRepr, ndarrayStr, numpyScalarRepr, numpyScalarStr, type NumpyDType } from '../torch/print/ndarray-repr';
import { torchRepr } from '../torch/print/tensor-repr';
import type { TorchContext } from '../torch/api';
import { NotModelledStop } from './errors';
import { PyInstance, isTensorValue, type PyValue } from './values';
import type { GradTensor, TorchBridge } from './torch-bridge';

function torchText(t: TorchTensor, ctx: TorchContext): string {
  const g = t as GradTensor;
  if (g.gradFn && !/^(\w+Backward\d*|CopySlices)$/.test(g.gradFn)) {
    // A name Loss Lens does not know: printing it would be a guess.
    throw new NotModelledStop(
      `printing a tensor whose grad_fn (${g.gradFn}) Loss Lens does not know`,
      undefined,
      'unsupported',
    );
  }
  return torchRepr(t, {
    version: ctx.torchVersion,
    requiresGrad: g.requiresGrad === true && !g.gradFn,
    gradFn: g.gradFn ?? null,
    parameter: g.isParameter === true,
  });
}

/** `str(t)`: tensors print their repr; NumPy arrays and scalars have their own `str`. */
export function tensorStr(t: TorchTensor, ctx: TorchContext): string {
  if (t.flavor === 'torch') return torchText(t, ctx);
  if (t.npScalar) return numpyScalarStr(Number(t.data[0]), t.dtype as NumpyDType);
  return ndarrayStr({ dtype: t.dtype as NumpyDType, shape: t.shape, data: t.data }, { numpyMajor: ctx.numpyMajor });
}

/** `repr(t)`. */
export function tensorRepr(t: TorchTensor, ctx: TorchContext): string {
  if (t.flavor === 'torch') return torchText(t, ctx);
  if (t.npScalar) return numpyScalarRepr(Number(t.data[0]), t.dtype as NumpyDType, ctx.numpyMajor);
  return ndarrayRepr({ dtype: t.dtype as NumpyDType, shape: t.shape, data: t.data }, { numpyMajor: ctx.numpyMajor });
}

/**
 * `repr(module)` as nn.Module prints it: `Name(extra)` for a leaf, and the children indented on their own lines:
 * `Net(\n  (fc): Linear(in_features=4, out_features=3, bias=True)\n)`.
 */
export function moduleRepr(bridge: TorchBridge, inst: PyInstance): string | undefined {
  if (!inst.cls.isSubclassOf(bridge.classes.module)) return undefined;
  const extra = extraRepr(bridge, inst);
  const children = bridge.childrenOf(inst);
  if (children.length === 0) return `${inst.cls.name}(${extra})`;
  const lines = children.map(([name, m]) => `(${name}): ${indent(bridge.repr(m))}`);
  const body = [...(extra ? [extra] : []), ...lines].map((l) => `  ${l}`).join('\n');
  return `${inst.cls.name}(\n${body}\n)`;
}

function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

function extraRepr(bridge: TorchBridge, inst: PyInstance): string {
  // Layers that compose their extra_repr themselves (nn-layers.ts) store its text.
  if (typeof inst.native?.extraRepr === 'string') return inst.native.extraRepr;
  const options = (inst.native?.shown ?? inst.native?.options) as Map<string, PyValue> | undefined;
  if (inst.native?.loss) return '';
  if (!options) return '';
  const parts: string[] = [];
  for (const [k, v] of options) {
    if (v === null || isTensorValue(v)) continue;
    if (k === 'inplace' && v === false) continue;
    parts.push(inst.native?.bare ? bridge.repr(v) : `${k}=${bridge.repr(v)}`);
  }
  return parts.join(', ');
}

/**
 * The runtime's side of autograd: grad mode (`torch.no_grad()`, `enable_grad`, `set_grad_enabled`), recording each
 * torch op the program makes, in-place ops on tensors in a graph, and the Python API over the engine of
 * `core/torch/autograd` (`backward`, `torch.autograd.grad`, `.grad`, `.grad_fn`, `retain_grad`, `detach`).
 */
import { isFloating } from '../tensor';
import type { IndexArg, TArg } from '../torch/args';
import { isSequence, itemsOf } from '../torch/args';
import {
  GradNode,
  attach,
  autogradMessage,
  bumpVersion,
  edgeTo,
  gradTensor,
  rootGrad,
  runBackward,
  type AutogradTensor,
  type TorchVersion,
} from '../torch/autograd/graph';
import { recordOp, unbroadcast, type OpCall } from '../torch/autograd/rules';
import { NotModelled, runtimeError } from '../torch/errors';
import { TorchTensor, cloneTensor } from '../torch/tensor';
import {
  PyBuiltin,
  PyClass,
  PyInstance,
  PyList,
  PyTuple,
  isTensorValue,
  type CallArguments,
  type PyValue,
} from './values';

/** What the autograd bridge needs of the torch bridge. */
export interface AutogradHost {
  readonly version: TorchVersion;
  /** Records a warning PyTorch prints (a UserWarning). */
  warn(message: string): void;
  /** Python truthiness. */
  truthy(v: PyValue): boolean;
  /** Runs a tensor-library call with its errors turned into Python exceptions. */
  guard<T>(what: string, fn: () => T): T;
}

/** Grad mode and the autograd API of one run. */
export class AutogradBridge {
  /** `torch.is_grad_enabled()`. */
  enabled = true;
  private readonly gradFnObjects = new WeakMap<GradNode, PyInstance>();

  constructor(private readonly host: AutogradHost) {}

  /** Records an op's result when grad mode is on (a no-op when no input requires grad). */
  record(call: OpCall, result: TArg): void {
    if (!this.enabled) return;
    this.host.guard(call.name, () => recordOp({ version: this.host.version }, call, result));
  }

  /**
   * Runs an in-place op on `target` (`add_`, `x += y`, `x[i] = v`): PyTorch's error for a leaf that requires grad,
   * else the op runs and `target` becomes the output of a node whose input is its value before the op.
   * `record(before)` records the op as if it were out of place on `before`, into the result it is given.
   */
  inPlace(
    target: TorchTensor,
    inputs: readonly PyValue[],
    run: () => void,
    record: (before: TorchTensor) => void,
  ): void {
    const t = target as AutogradTensor;
    bumpVersion(t);
    const involved = [t, ...inputs].some((v) => isTensorValue(v) && (v as AutogradTensor).requiresGrad === true);
    if (!this.enabled || !involved) {
      run();
      return;
    }
    if (t.requiresGrad && !t.gradNode)
      this.fail(() => runtimeError(autogradMessage(this.host.version, 'leaf_inplace')));
    const before = cloneTensor(t) as AutogradTensor;
    if (t.requiresGrad) {
      before.requiresGrad = true;
      if (t.gradNode) before.gradNode = t.gradNode;
    }
    run();
    record(before);
  }

  /** `t[index] = value` on a tensor in a graph: a CopySlices node over the old value and `value`. */
  copySlices(
    target: TorchTensor,
    index: IndexArg,
    value: TorchTensor | number,
    before: TorchTensor,
    select: (t: TorchTensor) => TorchTensor,
  ): void {
    const inputs = value instanceof TorchTensor && isFloating(value.dtype) ? [before, value] : [before];
    const node = new GradNode(
      'torch::autograd::CopySlices',
      inputs.map((i) => edgeTo(i)),
      inputs.map((i) => ({ shape: [...i.shape], dtype: i.dtype })),
      (g) => {
        // Where the assignment wrote, read off by indexing a numbered copy.
        const numbered = new TorchTensor(
          'float64',
          before.shape,
          Float64Array.from({ length: g.length }, (_, i) => i),
        );
        const written = select(numbered);
        const gOld = Float64Array.from(g);
        const gSel = new Float64Array(written.data.length);
        for (let k = 0; k < written.data.length; k++) {
          const at = written.data[k]!;
          gSel[k] = g[at]!;
          gOld[at] = 0;
        }
        const out: (Float64Array | null)[] = [gOld];
        if (inputs.length > 1) out.push(unbroadcast(gSel, written.shape, (value as TorchTensor).shape));
        return out;
      },
      [...target.shape],
    );
    void index;
    attach(target, node);
  }

  /**
   * The gradient of `output` (of the sum of its elements) w.r.t. `input`, leaving every `.grad` and the graph as
   * they were; undefined when `output` has no graph reaching `input`, or its gradient is not modelled.
   */
  gradientOf(output: TorchTensor, input: TorchTensor): Float64Array | undefined {
    const o = output as AutogradTensor;
    if (!o.gradNode || !(input as AutogradTensor).requiresGrad) return undefined;
    try {
      const [g] = runBackward([{ tensor: o, grad: new Float64Array(output.data.length).fill(1) }], {
        version: this.host.version,
        retainGraph: true,
        accumulate: false,
        capture: [input as AutogradTensor],
      });
      return g ?? new Float64Array(input.data.length);
    } catch {
      return undefined;
    }
  }

  /** `Tensor.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)`. */
  backward(t: TorchTensor, a: CallArguments): PyValue {
    const gradient = a.args[0] ?? a.kwargs.get('gradient') ?? null;
    const retain = a.args[1] ?? a.kwargs.get('retain_graph') ?? null;
    const root = t as AutogradTensor;
    const grad = rootGrad(root, isTensorValue(gradient) ? gradient : undefined, this.host.version);
    runBackward([{ tensor: root, grad }], {
      version: this.host.version,
      retainGraph: retain !== null && this.host.truthy(retain),
      accumulate: true,
    });
    return null;
  }

  /** `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False)`. */
  grad(a: CallArguments): PyValue {
    const arg = (i: number, name: string): PyValue | undefined => a.args[i] ?? a.kwargs.get(name);
    const list = (v: PyValue | undefined): PyValue[] =>
      v === undefined || v === null ? [] : v instanceof PyList || v instanceof PyTuple ? [...v.items] : [v];
    const outputs = list(arg(0, 'outputs')) as TorchTensor[];
    const inputs = list(arg(1, 'inputs')) as AutogradTensor[];
    const gradOutputs = list(arg(2, 'grad_outputs'));
    const retain = arg(3, 'retain_graph');
    const allowUnused = arg(5, 'allow_unused');
    const createGraph = arg(4, 'create_graph');
    if (createGraph !== undefined && createGraph !== null && this.host.truthy(createGraph))
      throw new NotModelled('torch.autograd.grad(create_graph=True) (gradients of gradients)');
    const roots = outputs.map((o, i) => ({
      tensor: o as AutogradTensor,
      grad: rootGrad(
        o as AutogradTensor,
        isTensorValue(gradOutputs[i] ?? null) ? (gradOutputs[i] as TorchTensor) : undefined,
        this.host.version,
        i,
      ),
    }));
    const grads = runBackward(roots, {
      version: this.host.version,
      retainGraph: retain !== undefined && retain !== null && this.host.truthy(retain),
      accumulate: false,
      capture: inputs,
    });
    return new PyTuple(
      grads.map((g, i) => {
        if (g) return gradTensor(g, inputs[i]!.shape, isFloating(inputs[i]!.dtype) ? inputs[i]!.dtype : 'float32');
        if (allowUnused !== undefined && this.host.truthy(allowUnused)) return null;
        throw runtimeError(autogradMessage(this.host.version, 'grad_unused').replace('index 0', `index ${i}`));
      }),
    );
  }

  /** The autograd attributes of a tensor; undefined for any other name. */
  attribute(t: TorchTensor, name: string): PyValue | undefined {
    const g = t as AutogradTensor;
    switch (name) {
      case 'requires_grad':
        return g.requiresGrad === true;
      case 'grad':
        if (g.gradNode && !g.retainsGrad) this.host.warn(autogradMessage(this.host.version, 'nonleaf_grad_warning'));
        return g.grad ?? null;
      case 'grad_fn':
        return g.gradNode ? this.gradFnObject(g.gradNode) : null;
      case 'is_leaf':
        return !g.gradNode;
      case 'backward':
        return new PyBuiltin('backward', (a) => this.host.guard('backward', () => this.backward(t, a)));
      case 'retain_grad':
        return new PyBuiltin('retain_grad', () => {
          if (!g.requiresGrad)
            this.fail(() => runtimeError(autogradMessage(this.host.version, 'retain_grad_leaf_nograd')));
          if (g.gradNode && !g.retainsGrad) {
            g.retainsGrad = true;
            g.gradNode.retained.push(g);
          }
          return null;
        });
      case 'requires_grad_':
        return new PyBuiltin('requires_grad_', (a) => {
          const on = a.args[0] ?? a.kwargs.get('requires_grad');
          this.setRequiresGrad(t, on === undefined ? true : this.host.truthy(on));
          return t;
        });
      case 'detach':
        return new PyBuiltin('detach', () => new TorchTensor(t.dtype, t.shape, t.data, t.flavor));
    }
    return undefined;
  }

  /** `t.requires_grad = on` / `requires_grad_(on)`: floating tensors only, leaves only for `False`. */
  setRequiresGrad(t: TorchTensor, on: boolean): void {
    this.host.guard('requires_grad', () => this.setRequiresGradUnguarded(t, on));
  }

  private setRequiresGradUnguarded(t: TorchTensor, on: boolean): void {
    const g = t as AutogradTensor;
    if (on && !isFloating(t.dtype)) throw runtimeError(autogradMessage(this.host.version, 'requires_grad_int'));
    if (g.gradNode) {
      if (!on)
        throw runtimeError(
          "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
        );
      return;
    }
    g.requiresGrad = on;
  }

  /** Throws PyTorch's error as the Python exception it is. */
  private fail(error: () => Error): never {
    return this.host.guard('autograd', () => {
      throw error();
    });
  }

  /** The `grad_fn` object of a node (one per node, so its printed address stays the same). */
  private gradFnObject(node: GradNode): PyInstance {
    let inst = this.gradFnObjects.get(node);
    if (!inst) {
      inst = new PyInstance(new PyClass(node.printedName, [], new Map(), node.printedName));
      inst.attrs.set('name', new PyBuiltin('name', () => node.name));
      this.gradFnObjects.set(node, inst);
    }
    return inst;
  }

  /** The `torch.*` grad-mode functions and `torch.autograd.grad`; undefined for other paths. */
  torchFunction(path: string): PyValue | undefined {
    switch (path) {
      case 'torch.autograd.grad':
        return new PyBuiltin('grad', (a) => this.host.guard('torch.autograd.grad', () => this.grad(a)));
      case 'torch.is_grad_enabled':
        return new PyBuiltin('is_grad_enabled', () => this.enabled);
      case 'torch.no_grad':
      case 'torch.inference_mode':
      case 'torch.enable_grad':
      case 'torch.set_grad_enabled':
      case 'torch.autograd.set_grad_enabled':
      case 'torch.autograd.no_grad': {
        const last = path.slice(path.lastIndexOf('.') + 1);
        return new PyBuiltin(last, (a) => {
          const on =
            last === 'enable_grad'
              ? true
              : last === 'set_grad_enabled'
                ? this.host.truthy(a.args[0] ?? a.kwargs.get('mode') ?? true)
                : false;
          // set_grad_enabled(False) switches at once, as a function call; as a context manager it restores on exit.
          const previous = this.enabled;
          if (last === 'set_grad_enabled') this.enabled = on;
          const inst = new PyInstance(new PyClass(last, [], new Map(), `torch.${last}`));
          inst.native = { gradMode: on, previous };
          return inst;
        });
      }
    }
    return undefined;
  }

  /** Enters a grad-mode context manager; returns its exit, or undefined for another value. */
  enter(v: PyValue): (() => void) | undefined {
    if (!(v instanceof PyInstance) || typeof v.native?.gradMode !== 'boolean') return undefined;
    // set_grad_enabled switched when called; the others switch on entry. Both restore the mode from before.
    const before = v.cls.name === 'set_grad_enabled' ? (v.native.previous as boolean) : this.enabled;
    this.enabled = v.native.gradMode;
    return () => {
      this.enabled = before;
    };
  }
}

/** The tensors of a call's arguments, with `swap` applied (lists and tuples walked). */
export function swapArgs(args: readonly TArg[], swap: (t: TorchTensor) => TorchTensor): TArg[] {
  const one = (a: TArg): TArg => {
    if (a instanceof TorchTensor) return swap(a);
    if (Array.isArray(a)) return a.map(one);
    if (isSequence(a)) return { kind: 'tuple', items: itemsOf(a).map(one) };
    return a;
  };
  return args.map(one);
}

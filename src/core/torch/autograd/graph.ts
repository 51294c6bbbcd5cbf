/**
 * Reverse-mode autograd: the graph nodes ops record, and the engine that walks them backwards (`Tensor.backward`,
 * `torch.autograd.grad`). Gradients flow as float64 arrays and are rounded to each input's dtype at every node, as
 * PyTorch's float32 kernels round each node's result.
 */
import { isFloating, numel, type DType } from '../../tensor';
import { runtimeError } from '../errors';
import { TorchTensor } from '../tensor';
import { AUTOGRAD_NAMES } from './names';

/** The autograd state PyTorch keeps on a tensor, as the interpreter's tensors carry it. */
export interface AutogradTensor extends TorchTensor {
  /** `requires_grad`. */
  requiresGrad?: boolean;
  /** `.grad` (leaves, and non-leaves that called `retain_grad()`). */
  grad?: TorchTensor;
  /** The printed name of `grad_fn` (kept in step with `gradNode`). */
  gradFn?: string;
  /** The node that made this tensor; absent on a leaf. */
  gradNode?: GradNode;
  /** True after `retain_grad()` on a non-leaf. */
  retainsGrad?: boolean;
  /** True for an `nn.Parameter`. */
  isParameter?: boolean;
  /** PyTorch's version counter: how many in-place ops have written to the tensor. */
  version?: number;
}

/** A tensor a node's backward reads, with its version and `grad_fn` when the node recorded it. */
interface SavedTensor {
  readonly tensor: TorchTensor;
  readonly version: number;
  readonly madeBy?: string;
}

/** Where a node's input gradient goes: the node that made the input, or the leaf itself. */
export type Edge = { readonly node: GradNode } | { readonly leaf: AutogradTensor };

/** A node's backward: the gradient of its output in, one gradient per input edge out (null: none). */
export type BackwardFn = (grad: Float64Array) => readonly (Float64Array | null)[];

/** What a node needs to know of each input to round and check the gradient it sends there. */
export interface InputMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** One recorded op: PyTorch's `grad_fn`. */
export class GradNode {
  /** True once a backward pass without `retain_graph` has freed what it saved. */
  released = false;
  /** Non-leaf tensors that called `retain_grad()` on this node's output. */
  readonly retained: AutogradTensor[] = [];
  /** The tensors the backward reads, checked against in-place writes before it runs. */
  private readonly saved: SavedTensor[] = [];

  /** Saves `tensors` as they are now (their version counters). */
  save(tensors: readonly TorchTensor[]): void {
    for (const t of tensors) {
      const a = t as AutogradTensor;
      this.saved.push({ tensor: t, version: a.version ?? 0, ...(a.gradNode ? { madeBy: a.gradNode.name } : {}) });
    }
  }

  /** PyTorch's error when a saved tensor was written in place since it was saved. */
  checkSaved(version: TorchVersion): void {
    for (const s of this.saved) {
      const now = (s.tensor as AutogradTensor).version ?? 0;
      if (now !== s.version) throw runtimeError(modifiedMessage(version, s, now));
    }
  }

  /**
   * @param name PyTorch's `grad_fn.name()`; @param edges one per input (null: an input that needs no gradient);
   * @param inputs shape and dtype of each input; @param backward the vector-Jacobian product;
   * @param outShape the output's shape; @param savesTensors false for nodes PyTorch can run twice without saved values.
   */
  constructor(
    readonly name: string,
    readonly edges: readonly (Edge | null)[],
    readonly inputs: readonly InputMeta[],
    readonly backward: BackwardFn,
    readonly outShape: readonly number[],
    readonly savesTensors = true,
  ) {}

  /** What `print(t.grad_fn)` / `t` show: `CopySlices` for `torch::autograd::CopySlices`. */
  get printedName(): string {
    return this.name.replace(/^torch::autograd::/, '');
  }
}

/** The PyTorch version whose texts the engine uses. */
export type TorchVersion = '2.x' | '1.13';

/** PyTorch's text for an autograd error (without the exception class). */
export function autogradMessage(version: TorchVersion, key: string): string {
  const text = AUTOGRAD_NAMES[version].errors[key] ?? key;
  return text.replace(/^\w+Error: /, '');
}

/** Bumps `t`'s version counter (every in-place write). */
export function bumpVersion(t: TorchTensor): void {
  const a = t as AutogradTensor;
  a.version = (a.version ?? 0) + 1;
}

/** The "modified by an inplace operation" text, from the labelled examples ([2, 3] ExpBackward0 v1; [3] v2). */
function modifiedMessage(version: TorchVersion, s: SavedTensor, now: number): string {
  const type = s.tensor.dtype === 'float64' ? 'torch.DoubleTensor' : 'torch.FloatTensor';
  if (s.madeBy) {
    const labelled = autogradMessage(version, 'modified_output');
    // torch 2.x names the op (`Exp`), 1.13 the node (`ExpBackward0`); the labelled text says which.
    const op = labelled.includes('of ExpBackward0,') ? s.madeBy : s.madeBy.replace(/Backward\d*$/, '');
    return labelled
      .replace('[torch.FloatTensor [2, 3]]', `[${type} [${s.tensor.shape.join(', ')}]]`)
      .replace(/of Exp(Backward0)?,/, `of ${op},`)
      .replace('at version 1;', `at version ${now};`)
      .replace('expected version 0', `expected version ${s.version}`);
  }
  return autogradMessage(version, 'modified_constant')
    .replace('[torch.FloatTensor [3]]', `[${type} [${s.tensor.shape.join(', ')}]]`)
    .replace('at version 2;', `at version ${now};`)
    .replace('expected version 0', `expected version ${s.version}`);
}

/** The edge a new node keeps to `t`: its node, or the leaf; null when `t` needs no gradient. */
export function edgeTo(t: TorchTensor): Edge | null {
  const a = t as AutogradTensor;
  if (!a.requiresGrad) return null;
  return a.gradNode ? { node: a.gradNode } : { leaf: a };
}

/** Makes `t` the output of `node`. */
export function attach(t: TorchTensor, node: GradNode): void {
  const a = t as AutogradTensor;
  a.requiresGrad = true;
  a.gradNode = node;
  a.gradFn = node.printedName;
}

/** Rounds a gradient to `dtype` in place (float32 as PyTorch stores it). */
export function roundTo(values: Float64Array, dtype: DType): Float64Array {
  if (dtype === 'float32') for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i]!);
  return values;
}

function addInto(target: Float64Array, g: Float64Array, dtype: DType): void {
  const f32 = dtype === 'float32';
  for (let i = 0; i < target.length; i++) target[i] = f32 ? Math.fround(target[i]! + g[i]!) : target[i]! + g[i]!;
}

/** A gradient as a tensor of `dtype`. */
export function gradTensor(values: ArrayLike<number>, shape: readonly number[], dtype: DType): TorchTensor {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new TorchTensor(dtype === 'float64' ? 'float64' : 'float32', shape, data, 'torch');
}

/** One output to differentiate and the gradient it starts with. */
export interface Root {
  readonly tensor: AutogradTensor;
  readonly grad: Float64Array;
}

/** What a backward pass does with the gradients that reach leaves and captured tensors. */
export interface PassOptions {
  readonly version: TorchVersion;
  readonly retainGraph: boolean;
  /** `backward()`: accumulate into `.grad` of leaves and retained non-leaves. */
  readonly accumulate: boolean;
  /** `autograd.grad(inputs=...)`: the tensors whose gradients are returned. */
  readonly capture?: readonly AutogradTensor[];
}

/**
 * Runs one backward pass from `roots` (each must require grad). Returns the captured tensors' gradients (undefined
 * where none reached them).
 */
export function runBackward(roots: readonly Root[], options: PassOptions): (Float64Array | undefined)[] {
  const order: GradNode[] = [];
  const seen = new Set<GradNode>();
  // Post-order DFS with an explicit stack (graphs of long loops are deep).
  const visit = (start: GradNode): void => {
    const stack: { node: GradNode; next: number }[] = [{ node: start, next: 0 }];
    seen.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.node.edges.length) {
        const e = top.node.edges[top.next++];
        if (e && 'node' in e && !seen.has(e.node)) {
          seen.add(e.node);
          stack.push({ node: e.node, next: 0 });
        }
      } else {
        order.push(top.node);
        stack.pop();
      }
    }
  };
  for (const r of roots) if (r.tensor.gradNode && !seen.has(r.tensor.gradNode)) visit(r.tensor.gradNode);

  const nodeGrads = new Map<GradNode, Float64Array>();
  const leafGrads = new Map<AutogradTensor, Float64Array>();
  const send = (edge: Edge, g: Float64Array, meta: InputMeta): void => {
    if ('node' in edge) {
      const have = nodeGrads.get(edge.node);
      if (have) addInto(have, g, meta.dtype);
      else nodeGrads.set(edge.node, g);
    } else {
      const have = leafGrads.get(edge.leaf);
      if (have) addInto(have, g, meta.dtype);
      else leafGrads.set(edge.leaf, g);
    }
  };
  for (const r of roots) {
    const g = roundTo(Float64Array.from(r.grad), r.tensor.dtype);
    send(edgeTo(r.tensor)!, g, r.tensor);
  }

  const captureNodes = new Map<GradNode, number[]>();
  options.capture?.forEach((t, i) => {
    if (t.gradNode) captureNodes.set(t.gradNode, [...(captureNodes.get(t.gradNode) ?? []), i]);
  });
  const captured: (Float64Array | undefined)[] = (options.capture ?? []).map(() => undefined);

  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    const g = nodeGrads.get(node);
    if (!g) continue;
    if (node.released) throw runtimeError(autogradMessage(options.version, 'twice'));
    node.checkSaved(options.version);
    for (const i of captureNodes.get(node) ?? []) captured[i] = Float64Array.from(g);
    if (options.accumulate) for (const t of node.retained) accumulateGrad(t, g);
    const inputGrads = node.backward(g);
    node.edges.forEach((edge, i) => {
      const ig = inputGrads[i];
      if (!edge || !ig) return;
      send(edge, roundTo(ig, node.inputs[i]!.dtype), node.inputs[i]!);
    });
  }
  if (!options.retainGraph) for (const node of order) if (node.savesTensors) node.released = true;

  options.capture?.forEach((t, i) => {
    if (!t.gradNode) captured[i] = leafGrads.get(t);
  });
  if (options.accumulate) for (const [leaf, g] of leafGrads) if (leaf.requiresGrad) accumulateGrad(leaf, g);
  return captured;
}

/** `.grad += g`, in the tensor's dtype (a new `.grad` tensor the first time). */
function accumulateGrad(t: AutogradTensor, g: Float64Array): void {
  const dtype = isFloating(t.dtype) ? t.dtype : 'float32';
  if (t.grad && t.grad.data.length === g.length) {
    const sum = Float64Array.from(t.grad.data);
    addInto(sum, g, dtype);
    for (let i = 0; i < sum.length; i++) t.grad.data[i] = sum[i]!;
  } else {
    t.grad = gradTensor(g, t.shape, dtype);
  }
}

/** The gradient a root starts with: ones for a scalar, `gradient` otherwise (checked against PyTorch's rules). */
export function rootGrad(
  t: AutogradTensor,
  gradient: TorchTensor | undefined,
  version: TorchVersion,
  index = 0,
): Float64Array {
  if (!t.requiresGrad)
    throw runtimeError(autogradMessage(version, 'no_grad_fn').replace('element 0', `element ${index}`));
  if (!gradient) {
    if (numel(t.shape) !== 1) throw runtimeError(autogradMessage(version, 'not_scalar'));
    return new Float64Array([1]);
  }
  const same = gradient.shape.length === t.shape.length && gradient.shape.every((d, i) => d === t.shape[i]);
  if (!same && !(numel(gradient.shape) === 1 && numel(t.shape) === 1 && gradient.shape.length === 0)) {
    // PyTorch's text, labelled for a [3] gradient of a [2, 3] output.
    const text = autogradMessage(version, 'grad_shape')
      .replace('torch.Size([3])', `torch.Size([${gradient.shape.join(', ')}])`)
      .replace('torch.Size([2, 3])', `torch.Size([${t.shape.join(', ')}])`)
      .replace(/\[0\]/g, `[${index}]`);
    throw runtimeError(text);
  }
  return Float64Array.from(gradient.data);
}

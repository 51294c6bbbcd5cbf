/**
 * The `copy` module as training code uses it: `copy.deepcopy(model.state_dict())` to keep the best weights, and
 * `copy.copy` / `copy.deepcopy` of lists, dicts, sets and tuples of numbers, strings and tensors. A deep copy of a
 * tensor is a new tensor with its values, dtype, `requires_grad` and Parameter-ness (what PyTorch's `__deepcopy__`
 * keeps for a leaf), and a value reached twice is copied once. What it does not copy — a module or another object, a
 * tensor that is not a leaf — stops the run with a located note rather than sharing what Python would copy.
 */
import { NotModelledStop } from './errors';
import {
  PyBuiltin,
  PyDict,
  PyList,
  PyNamespace,
  PySet,
  PyTuple,
  isTensorValue,
  typeName,
  type PyValue,
} from './values';
import type { AutogradTensor } from '../torch/autograd/graph';
import { TorchTensor } from '../torch/tensor';
import { SymTensor } from '../torch/symbolic/tensor';
import type { Interpreter } from './interpreter';

/** The `copy` module. */
export function makeCopyModule(interp: Interpreter): PyNamespace {
  const ns = new PyNamespace('copy');
  const refuse = (what: string): never => {
    throw new NotModelledStop(what, interp.current, 'unsupported');
  };
  const deep = (v: PyValue, memo: Map<object, PyValue>): PyValue => {
    if (v === null || typeof v !== 'object') return v;
    const known = memo.get(v);
    if (known !== undefined) return known;
    let out: PyValue;
    // A shape check's symbolic tensor: its copy has the same shape and dtype.
    if (v instanceof SymTensor) out = new SymTensor(v.dtype, v.shape, v.flavor);
    else if (isTensorValue(v)) {
      const a = v as AutogradTensor & { isParameter?: boolean };
      if (a.gradNode) refuse('copy.deepcopy of a tensor that is not a leaf of the graph');
      const t = new TorchTensor(v.dtype, v.shape, v.data.slice(), v.flavor) as AutogradTensor & {
        isParameter?: boolean;
      };
      if (a.requiresGrad) t.requiresGrad = true;
      if (a.isParameter) t.isParameter = true;
      out = t;
    } else if (v instanceof PyList) {
      const list = new PyList([]);
      memo.set(v, list);
      for (const x of v.items) list.items.push(deep(x, memo));
      return list;
    } else if (v instanceof PyTuple) {
      out = new PyTuple(
        v.items.map((x) => deep(x, memo)),
        v.typeName,
        v.names,
      );
    } else if (v instanceof PyDict) {
      const d = new PyDict();
      memo.set(v, d);
      if (v.factory !== undefined) d.factory = v.factory;
      if (v.ordered) d.ordered = true;
      for (const [h, [k, x]] of v.entries) d.entries.set(h, [k, deep(x, memo)]);
      return d;
    } else if (v instanceof PySet) {
      const s = new PySet();
      for (const [h, x] of v.entries) s.entries.set(h, x);
      out = s;
    } else return refuse(`copy.deepcopy of a ${typeName(v)}`);
    memo.set(v, out);
    return out;
  };
  ns.attrs.set('deepcopy', new PyBuiltin('deepcopy', (a) => deep(a.args[0] ?? null, new Map())));
  ns.attrs.set(
    'copy',
    new PyBuiltin('copy', (a) => {
      const v = a.args[0] ?? null;
      if (v === null || typeof v !== 'object') return v;
      if (v instanceof PyList) return new PyList([...v.items]);
      if (v instanceof PyTuple) return v;
      if (v instanceof PyDict) {
        const d = new PyDict();
        if (v.factory !== undefined) d.factory = v.factory;
        if (v.ordered) d.ordered = true;
        for (const [h, e] of v.entries) d.entries.set(h, [e[0], e[1]]);
        return d;
      }
      if (v instanceof PySet) {
        const s = new PySet();
        for (const [h, x] of v.entries) s.entries.set(h, x);
        return s;
      }
      return refuse('copy.copy of this value');
    }),
  );
  return ns;
}

import * as assert from 'node:assert/strict';
import {
  binaryOp,
  dtypeAttribute,
  numpyRemovedAlias,
  getItem,
  inPlaceOp,
  length,
  rows,
  scalarOf,
  setItem,
  tensorAttribute,
  tensorMethod,
  torchFunction,
  truthiness,
  type TorchContext,
} from '../../../src/core/torch/api';
import type { TArg } from '../../../src/core/torch/args';
import { BudgetExceeded, NotModelled, TorchError } from '../../../src/core/torch/errors';
import { TorchTensor } from '../../../src/core/torch/tensor';

const ctx: TorchContext = { maxElements: 1000, numpyMajor: 2, torchVersion: '2.x' };
const none = new Map<string, TArg>();

function tensor(data: TArg, path = 'torch.tensor'): TorchTensor {
  return torchFunction(ctx, path, [data], none) as TorchTensor;
}

describe('torch library: storage sharing and in-place semantics', () => {
  it('a row read by an int index writes through to the tensor (t[0][1] = v)', () => {
    const t = tensor([
      [1.5, 2.5],
      [3.5, 4.5],
    ]);
    const row = getItem(ctx, t, 0n);
    setItem(ctx, row, 1n, 9.25);
    assert.equal(t.data[1], 9.25);
  });
  it('view/reshape share storage; clone does not', () => {
    const t = tensor([1.5, 2.5, 3.5, 4.5]);
    const v = tensorMethod(ctx, t, 'view', [2n, 2n], none) as TorchTensor;
    const c = tensorMethod(ctx, t, 'clone', [], none) as TorchTensor;
    tensorMethod(ctx, v, 'fill_', [0.5], none);
    assert.deepEqual(Array.from(t.data), [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(Array.from(c.data), [1.5, 2.5, 3.5, 4.5]);
  });
  it('.numpy() and torch.from_numpy share memory with their source', () => {
    const t = tensor([1.5, 2.5]);
    const a = tensorMethod(ctx, t, 'numpy', [], none) as TorchTensor;
    assert.equal(a.flavor, 'numpy');
    setItem(ctx, a, 0n, 7.5);
    assert.equal(t.data[0], 7.5);
    const back = torchFunction(ctx, 'torch.from_numpy', [a], none) as TorchTensor;
    setItem(ctx, back, 1n, 8.5);
    assert.equal(a.data[1], 8.5);
  });
  it('augmented assignment keeps the object and rewrites its data; a Long tensor refuses a float result', () => {
    const t = tensor([1.5, 2.5]);
    const same = inPlaceOp(ctx, '+', t, 1n);
    assert.equal(same, t);
    assert.deepEqual(Array.from(t.data), [2.5, 3.5]);
    const long = tensor([1n, 2n]);
    assert.throws(
      () => inPlaceOp(ctx, '+', long, 0.5),
      (e: unknown) => e instanceof TorchError && e.pyType === 'RuntimeError',
    );
    assert.deepEqual(Array.from(long.data), [1, 2]);
  });
  it('add_ mutates the receiver and returns it', () => {
    const t = tensor([1.5, 2.5]);
    const r = tensorMethod(ctx, t, 'add_', [tensor([0.25, 0.25])], none);
    assert.equal(r, t);
    assert.deepEqual(Array.from(t.data), [1.75, 2.75]);
  });
  it('ops do not mutate their inputs', () => {
    const t = tensor([1.5, -2.5]);
    binaryOp(ctx, '*', t, 2n);
    torchFunction(ctx, 'torch.clamp', [t], new Map([['min', 0.0]]));
    torchFunction(ctx, 'torch.softmax', [t, 0n], none);
    assert.deepEqual(Array.from(t.data), [1.5, -2.5]);
  });
});

describe('torch library: Python protocol helpers', () => {
  it('truthiness, len, iteration and scalars', () => {
    const t = tensor([
      [1n, 2n],
      [3n, 4n],
    ]);
    assert.throws(() => truthiness(t), /Boolean value of Tensor with more than one value is ambiguous/);
    assert.equal(truthiness(tensor([0.0])), false);
    assert.equal(length(t), 2);
    const r = rows(t);
    assert.equal(r.length, 2);
    assert.deepEqual(r[1]!.shape, [2]);
    assert.equal(scalarOf(getItem(ctx, t, { kind: 'tuple', items: [1n, 0n] })), 3n);
    const a = tensor([1.5, 2.5], 'numpy.array');
    assert.equal(rows(a)[0]!.npScalar, true);
    assert.throws(() => truthiness(a), /truth value of an array with more than one element is ambiguous/);
  });
  it('shape is a torch.Size for tensors and a plain tuple for arrays', () => {
    const t = tensor([[1.5, 2.5]]);
    assert.deepEqual(tensorAttribute(ctx, t, 'shape'), { kind: 'tuple', items: [1n, 2n], typeName: 'torch.Size' });
    const a = tensor([[1.5, 2.5]], 'numpy.array');
    assert.deepEqual(tensorAttribute(ctx, a, 'shape'), { kind: 'tuple', items: [1n, 2n] });
    assert.equal(tensorAttribute(ctx, a, 'size'), 2n);
    assert.equal(tensorAttribute(ctx, t, 'no_such_attribute'), undefined);
  });
  it('max with dim returns the named tuple (values, indices)', () => {
    const r = tensorMethod(ctx, tensor([[1.5, 2.5]]), 'max', [1n], none) as {
      kind: string;
      names?: string[];
      typeName?: string;
    };
    assert.equal(r.typeName, 'torch.return_types.max');
    assert.deepEqual(r.names, ['values', 'indices']);
  });
});

describe('torch library: module attributes', () => {
  it('resolves dtype attributes and refuses real dtypes it does not hold', () => {
    assert.equal(dtypeAttribute('torch.long'), 'int64');
    assert.equal(dtypeAttribute('numpy.float32'), 'float32');
    assert.equal(dtypeAttribute('torch.relu'), undefined);
    assert.throws(() => dtypeAttribute('torch.complex64'), NotModelled);
  });
  it('np.float_ exists in NumPy 1 only', () => {
    assert.equal(numpyRemovedAlias({ ...ctx, numpyMajor: 1 }, 'float_'), undefined);
    assert.equal(numpyRemovedAlias(ctx, 'float_')?.pyType, 'AttributeError');
  });
});

describe('torch library: refusals', () => {
  it('a result over the element budget raises BudgetExceeded naming the shape', () => {
    assert.throws(
      () => torchFunction(ctx, 'torch.zeros', [100n, 100n], none),
      (e: unknown) => e instanceof BudgetExceeded && /\[100, 100\]/.test(e.message),
    );
  });
  it('random or unknown operations raise NotModelled, never a value', () => {
    const t = tensor([1.5, 2.5]);
    assert.throws(() => torchFunction(ctx, 'torch.nn.functional.dropout', [t], none), NotModelled);
    assert.throws(
      () => torchFunction(ctx, 'torch.fft.fft', [t], none),
      (e: unknown) => e instanceof NotModelled && e.what === 'torch.fft.fft',
    );
    assert.throws(
      () => tensorMethod(ctx, t, 'stft', [], none),
      (e: unknown) => e instanceof NotModelled && e.what === 'Tensor.stft',
    );
  });
  it('bad keyword arguments are Python TypeErrors', () => {
    assert.throws(
      () => torchFunction(ctx, 'torch.sum', [tensor([1.5])], new Map([['dimm', 0n]])),
      /sum\(\) got an unexpected keyword argument 'dimm'/,
    );
  });
});

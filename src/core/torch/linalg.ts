/**
 * Products: `matmul`/`@` (1-D, 2-D, batched with broadcasting), `mm`, `bmm`, `dot`, `outer`, `einsum`. PyTorch
 * requires equal dtypes (it does not promote); NumPy promotes. Sums run in float64 and are stored in the result
 * dtype (PyTorch's float32 BLAS accumulates in float32, so float32 results agree to within float32 rounding).
 */
import { numpyPromoteTypes } from '../reader/dtype';
import { broadcastShapes, numel, scalarTypeName, type DType } from '../tensor';
import { NotModelled, runtimeError, valueError } from './errors';
import type { OpContext } from './elementwise';
import { broadcastOffsets, castTo, checkBudget, make, TorchTensor } from './tensor';

/** The dtype of a matmul of `a` and `b`, or the version's error when they differ. */
export function sameDType(a: TorchTensor, b: TorchTensor, version: '2.x' | '1.13'): DType {
  if (a.dtype !== b.dtype) {
    throw runtimeError(
      version === '1.13'
        ? `expected scalar type ${scalarTypeName(a.dtype)} but found ${scalarTypeName(b.dtype)}`
        : `expected m1 and m2 to have the same dtype, but got: ${cName(a.dtype)} != ${cName(b.dtype)}`,
    );
  }
  return a.dtype;
}

function cName(dtype: DType): string {
  const names: Partial<Record<DType, string>> = {
    float32: 'float',
    float64: 'double',
    int64: 'long int',
    int32: 'int',
    int16: 'short int',
    int8: 'signed char',
    uint8: 'unsigned char',
    bool: 'bool',
    float16: 'c10::Half',
    bfloat16: 'c10::BFloat16',
  };
  return names[dtype] ?? dtype;
}

/** `torch.matmul(a, b)` / `a @ b` / `np.matmul` / `np.dot` on ≤2-D. */
export function matmul(
  ctx: OpContext & { torchVersion?: '2.x' | '1.13' },
  a: TorchTensor,
  b: TorchTensor,
): TorchTensor {
  const numpy = a.flavor === 'numpy' && b.flavor === 'numpy';
  if (a.shape.length === 0 || b.shape.length === 0) {
    if (numpy)
      throw valueError(
        'matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)',
      );
    throw runtimeError(
      `both arguments to matmul need to be at least 1D, but they are ${a.shape.length}D and ${b.shape.length}D`,
    );
  }
  const dtype = numpy ? numpyPromoteTypes(a.dtype, b.dtype) : sameDType(a, b, ctx.torchVersion ?? '2.x');
  const left = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = left[left.length - 2]!;
  const k = left[left.length - 1]!;
  const k2 = right[right.length - 2]!;
  const n = right[right.length - 1]!;
  if (k !== k2) {
    if (numpy) {
      throw valueError(
        `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${k2} is different from ${k})`,
      );
    }
    if (a.shape.length === 1 && b.shape.length === 1) {
      throw runtimeError(
        `inconsistent tensor size, expected tensor [${k}] and src [${k2}] to have the same number of elements, but got ${k} and ${k2} elements respectively`,
      );
    }
    if (a.shape.length <= 2 && b.shape.length <= 2) {
      throw runtimeError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
    }
    throw runtimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${numel(left.slice(0, -2))}, ${k}] but got: [${numel(right.slice(0, -2))}, ${k2}].`,
    );
  }
  const batchA = left.slice(0, -2);
  const batchB = right.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  if (!batch) {
    if (numpy)
      throw valueError(
        `operands could not be broadcast together with remapped shapes [original->remapped]: (${a.shape.join(',')})->(${a.shape.join(',')}) (${b.shape.join(',')})->(${b.shape.join(',')})  and requested shape (${m},${n})`,
      );
    const n1 = Math.max(batchA.length, batchB.length);
    for (let d = n1 - 1; d >= 0; d--) {
      const x = batchA[batchA.length - n1 + d] ?? 1;
      const y = batchB[batchB.length - n1 + d] ?? 1;
      if (x !== y && x !== 1 && y !== 1) {
        throw runtimeError(
          `The size of tensor a (${x}) must match the size of tensor b (${y}) at non-singleton dimension ${d}`,
        );
      }
    }
  }
  const shape = [...batch!];
  if (a.shape.length !== 1) shape.push(m);
  if (b.shape.length !== 1) shape.push(n);
  checkBudget(shape, ctx.maxElements);
  const A = castTo(a, dtype);
  const B = castTo(b, dtype);
  const mapA = broadcastOffsets(batchA, batch!);
  const mapB = broadcastOffsets(batchB, batch!);
  const batches = numel(batch!);
  const out = new Float64Array(batches * m * n);
  for (let bi = 0; bi < batches; bi++) {
    const offA = (mapA ? mapA[bi]! : bi) * m * k;
    const offB = (mapB ? mapB[bi]! : bi) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A.data[offA + i * k + p]! * B.data[offB + p * n + j]!;
        out[bi * m * n + i * n + j] = s;
      }
    }
  }
  const result = make(out, shape, dtype, numpy ? 'numpy' : 'torch');
  if (numpy && shape.length === 0) result.npScalar = true;
  return result;
}

/** `torch.mm`: both 2-D. */
export function mm(ctx: OpContext, a: TorchTensor, b: TorchTensor): TorchTensor {
  if (a.shape.length !== 2) throw runtimeError('self must be a matrix');
  if (b.shape.length !== 2) throw runtimeError('mat2 must be a matrix');
  return matmul(ctx, a, b);
}

/** `torch.bmm`: both 3-D with equal batch sizes. */
export function bmm(ctx: OpContext, a: TorchTensor, b: TorchTensor): TorchTensor {
  if (a.shape.length !== 3) throw runtimeError(`batch1 must be a 3D tensor`);
  if (b.shape.length !== 3) throw runtimeError(`batch2 must be a 3D tensor`);
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw runtimeError(
      `Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  return matmul(ctx, a, b);
}

/** `torch.dot`: both 1-D of equal length. */
export function dot(ctx: OpContext, a: TorchTensor, b: TorchTensor): TorchTensor {
  if (a.shape.length !== 1 || b.shape.length !== 1) {
    throw runtimeError(`1D tensors expected, but got ${a.shape.length}D and ${b.shape.length}D tensors`);
  }
  return matmul(ctx, a, b);
}

/** `torch.outer(a, b)` / `np.outer` (NumPy flattens its inputs). */
export function outer(ctx: OpContext, a: TorchTensor, b: TorchTensor): TorchTensor {
  const u = new TorchTensor(a.dtype, [a.data.length, 1], a.data, a.flavor);
  const v = new TorchTensor(b.dtype, [1, b.data.length], b.data, b.flavor);
  return matmul(ctx, u, v);
}

/** `torch.einsum(equation, *operands)` without ellipsis. */
export function einsum(ctx: OpContext, equation: string, operands: readonly TorchTensor[]): TorchTensor {
  const eq = equation.replace(/\s+/g, '');
  if (eq.includes('.')) throw new NotModelled('torch.einsum with an ellipsis');
  const [lhs, explicit] = eq.includes('->') ? (eq.split('->') as [string, string]) : [eq, undefined];
  const inputs = lhs.split(',');
  if (inputs.length !== operands.length) {
    throw runtimeError(`einsum(): more operands were provided than specified in the equation`);
  }
  const sizes = new Map<string, number>();
  inputs.forEach((spec, i) => {
    const t = operands[i]!;
    if (spec.length !== t.shape.length) {
      throw runtimeError(
        `einsum(): the number of subscripts in the equation (${spec.length}) does not match the number of dimensions (${t.shape.length}) for operand ${i} and no ellipsis was given`,
      );
    }
    [...spec].forEach((c, d) => {
      const s = t.shape[d]!;
      const prev = sizes.get(c);
      if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) {
        throw runtimeError(
          `einsum(): operands do not broadcast with remapped shapes (original->remapped): [${operands.map((o) => o.shape.join(', ')).join('] ... [')}]`,
        );
      }
      sizes.set(c, prev === undefined || prev === 1 ? s : prev);
    });
  });
  const counts = new Map<string, number>();
  for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output =
    explicit ??
    [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join('');
  const summed = [...sizes.keys()].filter((c) => !output.includes(c));
  const outShape = [...output].map((c) => sizes.get(c)!);
  checkBudget(outShape, ctx.maxElements);
  const dtype = operands.map((o) => o.dtype).reduce((x, y) => (x === y ? x : numpyPromoteTypes(x, y)));
  const letters = [...output, ...summed];
  const dims = letters.map((c) => sizes.get(c)!);
  const strideFor = operands.map((t, i) => {
    const spec = inputs[i]!;
    const st = new Array<number>(letters.length).fill(0);
    let s = 1;
    for (let d = spec.length - 1; d >= 0; d--) {
      const at = letters.indexOf(spec[d]!);
      if (t.shape[d] !== 1) st[at]! += s;
      s *= t.shape[d]!;
    }
    return st;
  });
  const total = numel(outShape);
  const inner = numel(summed.map((c) => sizes.get(c)!));
  const out = new Float64Array(total);
  const idx = new Array<number>(letters.length).fill(0);
  for (let o = 0; o < total; o++) {
    let acc = 0;
    for (let r = 0; r < inner; r++) {
      let prod = 1;
      for (let i = 0; i < operands.length; i++) {
        let off = 0;
        const st = strideFor[i]!;
        for (let d = 0; d < letters.length; d++) off += idx[d]! * st[d]!;
        prod *= operands[i]!.data[off]!;
      }
      acc += prod;
      for (let d = letters.length - 1; d >= output.length; d--) {
        idx[d]!++;
        if (idx[d]! < dims[d]!) break;
        idx[d] = 0;
      }
    }
    out[o] = acc;
    for (let d = output.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return make(out, outShape, dtype, operands[0]?.flavor ?? 'torch');
}

/**
 * PyTorch's float summation order on CPU (`cascade_sum` in ATen's SumKernel), reproduced so float32 sums and means
 * come out bit-for-bit as PyTorch's on an AVX2 machine: rows of at least one vector width are summed lane-wise in
 * vectors of 8 floats (4 doubles) with four interleaved partial sums and a multi-level cascade, the tail and the
 * lanes added last; shorter rows run through the same cascade one element at a time.
 */

/** Adds in the accumulation precision (float32 rounding for float32/float16/bfloat16 sums, exact for float64). */
type Add = (a: number, b: number) => number;

function ceilLog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

const LEVELS = 4;
/** The cascade's accumulators, level by level (`LEVELS` × rows), reused: no sum here is reentrant. */
let scratch = new Float64Array(LEVELS * 32);

/**
 * The multi-level cascade over `size` steps for `rows` independent accumulators; row k at step i is
 * `data[start + i * step + k * rowStep]`. Leaves row k's sum in `scratch[k]` (the caller reads it before the next
 * sum). Loads and adds are written out rather than passed as functions: this runs for every row of every sum, and a
 * closure per call made small sums cost microseconds each.
 */
function multiRowSum(
  data: ArrayLike<number>,
  start: number,
  step: number,
  rowStep: number,
  size: number,
  rows: number,
  f32: boolean,
): Float64Array {
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / LEVELS));
  const levelStep = 1 << levelPower;
  const levelMask = levelStep - 1;
  if (scratch.length < LEVELS * rows) scratch = new Float64Array(LEVELS * rows);
  const acc = scratch;
  acc.fill(0, 0, LEVELS * rows);
  let i = 0;
  while (i + levelStep <= size) {
    for (let j = 0; j < levelStep; j++, i++) {
      const at = start + i * step;
      for (let k = 0; k < rows; k++) {
        const s = acc[k]! + data[at + k * rowStep]!;
        acc[k] = f32 ? Math.fround(s) : s;
      }
    }
    for (let j = 1; j < LEVELS; j++) {
      const to = j * rows;
      const from = to - rows;
      for (let k = 0; k < rows; k++) {
        const s = acc[to + k]! + acc[from + k]!;
        acc[to + k] = f32 ? Math.fround(s) : s;
        acc[from + k] = 0;
      }
      if ((i & (levelMask << (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) {
    const at = start + i * step;
    for (let k = 0; k < rows; k++) {
      const s = acc[k]! + data[at + k * rowStep]!;
      acc[k] = f32 ? Math.fround(s) : s;
    }
  }
  for (let j = 1; j < LEVELS; j++) {
    for (let k = 0; k < rows; k++) {
      const s = acc[k]! + acc[j * rows + k]!;
      acc[k] = f32 ? Math.fround(s) : s;
    }
  }
  return acc;
}

/**
 * `row_sum` over `data[start + i * stride]`, i < size: the row read as (-1, 4) with four partial cascades, the
 * leftover added to the first.
 */
function rowSum(data: ArrayLike<number>, start: number, stride: number, size: number, f32: boolean): number {
  const ilp = 4;
  const sizeIlp = Math.floor(size / ilp);
  const partial = multiRowSum(data, start, ilp * stride, stride, sizeIlp, ilp, f32);
  let first = partial[0]!;
  for (let i = sizeIlp * ilp; i < size; i++) {
    const s = first + data[start + i * stride]!;
    first = f32 ? Math.fround(s) : s;
  }
  for (let k = 1; k < ilp; k++) {
    const s = first + partial[k]!;
    first = f32 ? Math.fround(s) : s;
  }
  return first;
}

/**
 * The sum of a contiguous row as PyTorch's inner reduction computes it (`width` = elements per vector: 8 for
 * float32, 4 for float64 under AVX2).
 */
export function innerSum(data: ArrayLike<number>, start: number, n: number, width: number, f32: boolean): number {
  if (n < width) return rowSum(data, start, 1, n, f32);
  const vectors = Math.floor(n / width);
  let final = 0;
  for (let k = vectors * width; k < n; k++) {
    const s = final + data[start + k]!;
    final = f32 ? Math.fround(s) : s;
  }
  for (let lane = 0; lane < width; lane++) {
    const s = final + rowSum(data, start + lane, width, vectors, f32);
    final = f32 ? Math.fround(s) : s;
  }
  return final;
}

/**
 * Sums over an outer (strided) dim as PyTorch does: `columns` independent sums of `n` steps each, reading
 * `data[start + i*stride + c]`. Columns in blocks of 4 vectors (or 4 scalars) use one cascade each; the rest use
 * the four-way `row_sum`.
 */
export function outerSums(
  data: ArrayLike<number>,
  start: number,
  n: number,
  stride: number,
  columns: number,
  width: number,
  f32: boolean,
): Float64Array {
  const out = new Float64Array(columns);
  const cascade = (c: number): number => multiRowSum(data, start + c, stride, 0, n, 1, f32)[0]!;
  const four = (c: number): number => rowSum(data, start + c, stride, n, f32);
  let c = 0;
  if (columns >= width) {
    for (; c + 4 * width <= columns; c += 4 * width) for (let l = 0; l < 4 * width; l++) out[c + l] = cascade(c + l);
    for (; c + width <= columns; c += width) for (let l = 0; l < width; l++) out[c + l] = four(c + l);
    for (; c < columns; c++) out[c] = four(c);
  } else {
    for (; c + 3 < columns; c += 4) for (let l = 0; l < 4; l++) out[c + l] = cascade(c + l);
    for (; c < columns; c++) out[c] = four(c);
  }
  return out;
}

/**
 * Sums values of `shape` over the dims marked in `reduced`, in PyTorch's order, for float32 (vectors of 8, float32
 * adds) or float64 (vectors of 4). The innermost block of reduced dims goes through the kernel (an inner or an outer
 * reduction); reduced dims further out are looped over in C order, each partial sum added into the output, as
 * TensorIterator drives the kernel.
 */
export function torchSumLines(
  data: ArrayLike<number>,
  shape: readonly number[],
  reduced: readonly boolean[],
  dtype: 'float32' | 'float64',
): Float64Array | undefined {
  const f32 = dtype === 'float32';
  const add: Add = f32 ? (a, b) => Math.fround(a + b) : (a, b) => a + b;
  const width = dtype === 'float32' ? 8 : 4;
  // Size-1 dims do not change the order; drop them.
  const dims = shape.map((s, i) => ({ s, r: reduced[i]! })).filter((d) => d.s !== 1);
  let last = dims.length - 1;
  while (last >= 0 && !dims[last]!.r) last--;
  const outShape = dims.filter((d) => !d.r).map((d) => d.s);
  const out = new Float64Array(outShape.reduce((p, s) => p * s, 1));
  if (last < 0) {
    // Nothing reduced (all reduced dims had size 1): the values themselves.
    for (let i = 0; i < out.length; i++) out[i] = data[i]!;
    return out;
  }
  let first = last;
  while (first > 0 && dims[first - 1]!.r) first--;
  const n = dims.slice(first, last + 1).reduce((p, d) => p * d.s, 1);
  const inner = dims.slice(last + 1).reduce((p, d) => p * d.s, 1);
  const outerDims = dims.slice(0, first);
  const outerCount = outerDims.reduce((p, d) => p * d.s, 1);
  const idx = new Array<number>(outerDims.length).fill(0);
  for (let o = 0; o < outerCount; o++) {
    let keptIndex = 0;
    for (let d = 0; d < outerDims.length; d++) if (!outerDims[d]!.r) keptIndex = keptIndex * outerDims[d]!.s + idx[d]!;
    const start = o * n * inner;
    const base = keptIndex * inner;
    if (inner === 1) out[base] = add(out[base]!, innerSum(data, start, n, width, f32));
    else {
      const sums = outerSums(data, start, n, inner, inner, width, f32);
      for (let c = 0; c < inner; c++) out[base + c] = add(out[base + c]!, sums[c]!);
    }
    for (let d = outerDims.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < outerDims[d]!.s) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * `vec::reduce_all` with `+` over a contiguous row, as PyTorch's softmax kernels sum: shorter than a vector, one
 * lane at a time; otherwise lane-wise over whole vectors, the tail folded into the first lanes, then the lanes
 * combined (a shuffle tree for float32 in PyTorch 2.x, lane by lane in 1.13 and for float64).
 */
export function reduceAllSum(values: ArrayLike<number>, dtype: 'float32' | 'float64', tree: boolean): number {
  const r = dtype === 'float32' ? Math.fround : (x: number) => x;
  const width = dtype === 'float32' ? 8 : 4;
  const n = values.length;
  if (n < width) {
    let s = values[0] ?? 0;
    for (let i = 1; i < n; i++) s = r(s + values[i]!);
    return s;
  }
  const acc = new Array<number>(width);
  for (let l = 0; l < width; l++) acc[l] = values[l]!;
  let d = width;
  for (; d < n - (n % width); d += width) for (let l = 0; l < width; l++) acc[l] = r(acc[l]! + values[d + l]!);
  for (let l = 0; d + l < n; l++) acc[l] = r(acc[l]! + values[d + l]!);
  if (tree && dtype === 'float32') {
    const h = acc.map((v, i) => (i < 4 ? r(v + acc[i + 4]!) : 0));
    const q0 = r(h[0]! + h[2]!);
    const q1 = r(h[1]! + h[3]!);
    return r(q0 + q1);
  }
  let s = acc[0]!;
  for (let l = 1; l < width; l++) s = r(s + acc[l]!);
  return s;
}

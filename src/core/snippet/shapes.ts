/**
 * PyTorch's shape rules over shapes whose sizes may be unknown (`null`). Every function returns `undefined` when
 * PyTorch would raise for the sizes that are known, so callers can turn that into an unknown value (never a guess).
 */
import type { Dim, Shape } from './values';

/** Broadcasts two shapes by NumPy rules; an unknown size next to a known one takes the known one (unless it is 1). */
export function broadcastDims(a: Shape, b: Shape): Dim[] | undefined {
  const n = Math.max(a.length, b.length);
  const out = new Array<Dim>(n);
  for (let i = 0; i < n; i++) {
    const da = i - (n - a.length) >= 0 ? a[i - (n - a.length)]! : 1;
    const db = i - (n - b.length) >= 0 ? b[i - (n - b.length)]! : 1;
    if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (da === null) out[i] = db;
    else if (db === null) out[i] = da;
    else if (da === db) out[i] = da;
    else return undefined;
  }
  return out;
}

/** Broadcasts several shapes. */
export function broadcastAll(shapes: readonly Shape[]): Dim[] | undefined {
  let acc: Dim[] = [];
  for (const s of shapes) {
    const next = broadcastDims(acc, s);
    if (!next) return undefined;
    acc = next;
  }
  return acc;
}

/** Wraps a possibly negative dimension index into [0, rank), or undefined when out of range (PyTorch's IndexError). */
export function normalizeDim(dim: number, rank: number): number | undefined {
  // A 0-d tensor accepts dim 0 and -1, as PyTorch's maybe_wrap_dim does.
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) return undefined;
  return dim < 0 ? dim + r : dim;
}

/** The product of the sizes, or null when one is unknown. */
export function product(shape: Shape): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** `reshape`/`view` sizes with one `-1` inferred; undefined when the element counts cannot match. */
export function reshapeDims(from: Shape, sizes: readonly Dim[]): Dim[] | undefined {
  let infer = -1;
  let knownProduct = 1;
  let unknownSizes = false;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    if (s === -1) {
      if (infer >= 0) return undefined;
      infer = i;
    } else if (s === null) {
      unknownSizes = true;
    } else if (s < 0) {
      return undefined;
    } else {
      knownProduct *= s;
    }
  }
  const total = product(from);
  const out = [...sizes];
  if (infer >= 0) {
    if (total === null || unknownSizes) out[infer] = null;
    else if (knownProduct === 0 || total % knownProduct !== 0) return undefined;
    else out[infer] = total / knownProduct;
  } else if (total !== null && !unknownSizes && total !== knownProduct) {
    return undefined;
  }
  return out;
}

/** `squeeze(dim)` / `squeeze()`. With unknown sizes and no dim, the result rank is unknown (undefined). */
export function squeezeDims(shape: Shape, dim?: number): Dim[] | undefined {
  if (dim === undefined) {
    if (shape.some((d) => d === null)) return undefined;
    return shape.filter((d) => d !== 1);
  }
  const d = normalizeDim(dim, shape.length);
  if (d === undefined) return undefined;
  if (shape.length === 0) return [];
  const size = shape[d];
  if (size === null) return undefined;
  return size === 1 ? [...shape.slice(0, d), ...shape.slice(d + 1)] : [...shape];
}

/** `unsqueeze(dim)`: dim may range over [-rank-1, rank]. */
export function unsqueezeDims(shape: Shape, dim: number): Dim[] | undefined {
  const d = normalizeDim(dim, shape.length + 1);
  if (d === undefined) return undefined;
  return [...shape.slice(0, d), 1, ...shape.slice(d)];
}

/** `permute(dims)`; undefined unless dims is a permutation of the axes. */
export function permuteDims(shape: Shape, dims: readonly number[]): { shape: Dim[]; order: number[] } | undefined {
  if (dims.length !== shape.length) return undefined;
  const order: number[] = [];
  const seen = new Set<number>();
  for (const dim of dims) {
    const d = normalizeDim(dim, shape.length);
    if (d === undefined || seen.has(d)) return undefined;
    seen.add(d);
    order.push(d);
  }
  return { shape: order.map((d) => shape[d]!), order };
}

/** The axis order of `transpose(d0, d1)`. */
export function transposeOrder(rank: number, d0: number, d1: number): number[] | undefined {
  const a = normalizeDim(d0, rank);
  const b = normalizeDim(d1, rank);
  if (a === undefined || b === undefined) return undefined;
  const order = Array.from({ length: rank }, (_, i) => i);
  if (rank === 0) return order;
  order[a] = b;
  order[b] = a;
  return order;
}

/** `flatten(start_dim, end_dim)`. */
export function flattenDims(shape: Shape, start = 0, end = -1): Dim[] | undefined {
  if (shape.length === 0) return [1];
  const s = normalizeDim(start, shape.length);
  const e = normalizeDim(end, shape.length);
  if (s === undefined || e === undefined || s > e) return undefined;
  return [...shape.slice(0, s), product(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
}

/** The result shape of a reduction over `dims` (all dims when undefined). */
export function reducedDims(shape: Shape, dims: readonly number[] | undefined, keepdim: boolean): Dim[] | undefined {
  if (dims === undefined) return keepdim ? shape.map(() => 1) : [];
  const axes = new Set<number>();
  for (const dim of dims) {
    const d = normalizeDim(dim, shape.length);
    if (d === undefined) return undefined;
    axes.add(d);
  }
  if (shape.length === 0) return [];
  const out: Dim[] = [];
  shape.forEach((size, i) => {
    if (!axes.has(i)) out.push(size);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** `torch.matmul` shapes (1-D, 2-D and batched). */
export function matmulDims(a: Shape, b: Shape): Dim[] | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const compatible = (x: Dim, y: Dim): boolean => x === null || y === null || x === y;
  if (a.length === 1 && b.length === 1) return compatible(a[0]!, b[0]!) ? [] : undefined;
  if (a.length === 2 && b.length === 1) return compatible(a[1]!, b[0]!) ? [a[0]!] : undefined;
  if (a.length === 1 && b.length === 2) return compatible(a[0]!, b[0]!) ? [b[1]!] : undefined;
  if (a.length === 2 && b.length === 2) return compatible(a[1]!, b[0]!) ? [a[0]!, b[1]!] : undefined;
  // Batched: a 1-D operand gets a dimension added (and removed after).
  const left = a.length === 1 ? [1, a[0]!] : a;
  const right = b.length === 1 ? [b[0]!, 1] : b;
  if (!compatible(left[left.length - 1]!, right[right.length - 2]!)) return undefined;
  const batch = broadcastDims(left.slice(0, -2), right.slice(0, -2));
  if (!batch) return undefined;
  const out = [...batch];
  if (a.length !== 1) out.push(left[left.length - 2]!);
  if (b.length !== 1) out.push(right[right.length - 1]!);
  return out;
}

/** `torch.cat` along `dim`: all other sizes must agree (1-D empty tensors are skipped, as PyTorch does). */
export function catDims(shapes: readonly Shape[], dim: number): Dim[] | undefined {
  const used = shapes.filter((s) => !(s.length === 1 && s[0] === 0));
  if (used.length === 0) return shapes.length > 0 ? [0] : undefined;
  const rank = used[0]!.length;
  if (rank === 0) return undefined;
  const d = normalizeDim(dim, rank);
  if (d === undefined) return undefined;
  const out: Dim[] = [...used[0]!];
  let total: Dim = 0;
  for (const s of used) {
    if (s.length !== rank) return undefined;
    for (let i = 0; i < rank; i++) {
      if (i === d) continue;
      const x = out[i]!;
      const y = s[i]!;
      if (x !== null && y !== null && x !== y) return undefined;
      if (x === null) out[i] = y;
    }
    total = total === null || s[d] === null ? null : total + s[d]!;
  }
  out[d] = total;
  return out;
}

/** `torch.stack` along `dim`: all shapes equal. */
export function stackDims(shapes: readonly Shape[], dim: number): Dim[] | undefined {
  if (shapes.length === 0) return undefined;
  const rank = shapes[0]!.length;
  const d = normalizeDim(dim, rank + 1);
  if (d === undefined) return undefined;
  const base: Dim[] = [...shapes[0]!];
  for (const s of shapes) {
    if (s.length !== rank) return undefined;
    for (let i = 0; i < rank; i++) {
      const x = base[i]!;
      const y = s[i]!;
      if (x !== null && y !== null && x !== y) return undefined;
      if (x === null) base[i] = y;
    }
  }
  return [...base.slice(0, d), shapes.length, ...base.slice(d)];
}

/** True when two shapes are equal and fully known. */
export function sameKnownShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}

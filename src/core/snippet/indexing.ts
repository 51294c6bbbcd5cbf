/**
 * Tensor indexing with NumPy/PyTorch semantics: integers, slices (with steps), `None`, `...`, boolean masks and integer
 * index tensors (advanced indexing, whose broadcast dimensions go where the advanced indices are when they are
 * adjacent, else first). Shapes follow even when values are unknown.
 */
import { numel, stridesOf, type Tensor } from '../tensor';
import { broadcastAll } from './shapes';
import { gatherOffsets } from './tensor-math';
import { produce, type OpLimits } from './ops';
import { concreteShape, UNKNOWN, shaped, type Dim, type TensorValue, type Value } from './values';

/** One item of an index expression. `null` marks a slice bound whose value is unknown. */
export type IndexItem =
  | { readonly kind: 'int'; readonly value: number | null }
  | {
      readonly kind: 'slice';
      readonly start?: number | null;
      readonly stop?: number | null;
      readonly step?: number | null;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'ellipsis' }
  | { readonly kind: 'tensor'; readonly value: TensorValue };

interface SliceDim {
  readonly kind: 'slice';
  readonly srcDim: number;
  readonly start: number;
  readonly step: number;
  readonly length: Dim;
}

/** Python's slice.indices(): normalized start and length for a dimension of `size`. */
function sliceIndices(
  size: number,
  start: number | undefined,
  stop: number | undefined,
  step: number,
): { start: number; length: number } {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = start === undefined ? 0 : clamp(start);
  const e = stop === undefined ? size : clamp(stop);
  const length = e > s ? Math.ceil((e - s) / step) : 0;
  return { start: s, length };
}

/** Applies an index to a tensor value; UNKNOWN when PyTorch would raise or the index is not understood. */
export function indexTensor(limits: OpLimits, v: TensorValue, items: readonly IndexItem[]): Value {
  if (!v.shape) return shaped(undefined, v.dtype);
  const shape = v.shape;
  // Dimensions each item consumes; a bool mask consumes as many as it has.
  const consumes = (it: IndexItem): number | undefined => {
    switch (it.kind) {
      case 'none':
      case 'ellipsis':
        return 0;
      case 'tensor':
        if (!it.value.shape || !it.value.dtype) return undefined;
        return it.value.dtype === 'bool' || it.value.dtype === 'uint8' ? it.value.shape.length : 1;
      default:
        return 1;
    }
  };
  let used = 0;
  let ellipses = 0;
  for (const it of items) {
    const c = consumes(it);
    if (c === undefined) return UNKNOWN;
    used += c;
    if (it.kind === 'ellipsis') ellipses++;
  }
  if (ellipses > 1 || used > shape.length) return UNKNOWN;
  const expanded: IndexItem[] = [];
  for (const it of items) {
    if (it.kind === 'ellipsis') for (let i = 0; i < shape.length - used; i++) expanded.push({ kind: 'slice' });
    else expanded.push(it);
  }
  if (ellipses === 0) for (let i = used; i < shape.length; i++) expanded.push({ kind: 'slice' });

  const advanced = expanded.some((it) => it.kind === 'tensor');
  // Output descriptors in order; advanced items are collected separately.
  const out: (SliceDim | { kind: 'new' } | { kind: 'adv' })[] = [];
  const fixed: { srcDim: number; index: number }[] = [];
  const adv: { srcDims: number[]; arrays: (Tensor | undefined)[]; shape: Dim[] }[] = [];
  const advPositions: number[] = [];
  let srcDim = 0;
  for (let k = 0; k < expanded.length; k++) {
    const it = expanded[k]!;
    if (it.kind === 'none') {
      out.push({ kind: 'new' });
    } else if (it.kind === 'slice') {
      const size = shape[srcDim]!;
      const step = it.step === undefined ? 1 : it.step;
      if (step === null || it.start === null || it.stop === null) {
        if (step !== null && step <= 0) return UNKNOWN;
        out.push({ kind: 'slice', srcDim, start: 0, step: 1, length: null });
      } else {
        if (step <= 0) return UNKNOWN;
        if (size === null) {
          const open = it.start === undefined && it.stop === undefined && step === 1;
          out.push({ kind: 'slice', srcDim, start: 0, step, length: open ? null : null });
        } else {
          const s = sliceIndices(size, it.start, it.stop, step);
          out.push({ kind: 'slice', srcDim, start: s.start, step, length: s.length });
        }
      }
      srcDim++;
    } else if (it.kind === 'int') {
      const size = shape[srcDim]!;
      if (it.value !== null && size !== null && (it.value >= size || it.value < -size)) return UNKNOWN;
      const index = it.value === null ? null : size !== null && it.value < 0 ? it.value + size : it.value;
      if (advanced) {
        advPositions.push(k);
        const t = index === null ? undefined : ({ dtype: 'int64', shape: [], data: Float64Array.of(index) } as Tensor);
        adv.push({ srcDims: [srcDim], arrays: [t], shape: [] });
      } else if (index === null) {
        // An unknown integer: the dimension goes away, values become unknown.
        fixed.push({ srcDim, index: -1 });
      } else {
        fixed.push({ srcDim, index });
      }
      srcDim++;
    } else if (it.kind === 'tensor') {
      const t = it.value;
      const isMask = t.dtype === 'bool' || t.dtype === 'uint8';
      advPositions.push(k);
      if (isMask) {
        const rank = t.shape!.length;
        for (let d = 0; d < rank; d++) {
          const want = shape[srcDim + d]!;
          const got = t.shape![d]!;
          if (want !== null && got !== null && want !== got) return UNKNOWN;
        }
        if (t.data) {
          const coords = maskCoordinates(t.data);
          adv.push({
            srcDims: Array.from({ length: rank }, (_, d) => srcDim + d),
            arrays: coords,
            shape: [coords[0]?.shape[0] ?? 0],
          });
        } else {
          adv.push({
            srcDims: Array.from({ length: rank }, (_, d) => srcDim + d),
            arrays: new Array(rank).fill(undefined),
            shape: [null],
          });
        }
        srcDim += rank;
      } else {
        if (t.data) {
          const size = shape[srcDim];
          for (let i = 0; i < t.data.data.length; i++) {
            const x = t.data.data[i]!;
            if (size !== null && size !== undefined && (x >= size || x < -size)) return UNKNOWN;
          }
        }
        adv.push({ srcDims: [srcDim], arrays: [t.data], shape: [...t.shape!] });
        srcDim++;
      }
    }
    if (it.kind === 'tensor' || (advanced && it.kind === 'int')) out.push({ kind: 'adv' });
  }

  // The broadcast shape of the advanced indices, placed at the first one when they are adjacent, else in front.
  let advShape: Dim[] = [];
  if (advanced) {
    const b = broadcastAll(adv.map((a) => a.shape));
    if (!b) return UNKNOWN;
    advShape = b;
  }
  const adjacent = advPositions.every((p, i) => i === 0 || p === advPositions[i - 1]! + 1);
  const descriptors = out.filter((d, i) => d.kind !== 'adv' || out.findIndex((x) => x.kind === 'adv') === i);
  const ordered =
    advanced && !adjacent ? [{ kind: 'adv' as const }, ...descriptors.filter((d) => d.kind !== 'adv')] : descriptors;
  const resultShape: Dim[] = [];
  for (const d of ordered) {
    if (d.kind === 'new') resultShape.push(1);
    else if (d.kind === 'slice') resultShape.push(d.length);
    else resultShape.push(...advShape);
  }

  const valuesKnown =
    v.data !== undefined &&
    !fixed.some((f) => f.index < 0) &&
    adv.every((a) => a.arrays.every((t) => t !== undefined)) &&
    concreteShape(resultShape) !== undefined;
  const compute = valuesKnown
    ? () => {
        const src = v.data!;
        const strides = stridesOf(src.shape);
        const outShape = concreteShape(resultShape)!;
        const total = numel(outShape);
        const offsets = new Float64Array(total);
        const advConcrete = advShape as number[];
        const advMaps = adv.map((a) => a.arrays.map((t) => broadcastMap(t!, advConcrete)));
        const base = fixed.reduce((s, f) => s + f.index * strides[f.srcDim]!, 0);
        const idx = new Array<number>(outShape.length).fill(0);
        for (let k = 0; k < total; k++) {
          let off = base;
          let pos = 0;
          for (const d of ordered) {
            if (d.kind === 'new') {
              pos++;
            } else if (d.kind === 'slice') {
              off += (d.start + idx[pos]! * d.step) * strides[d.srcDim]!;
              pos++;
            } else {
              let flat = 0;
              for (let j = 0; j < advConcrete.length; j++) flat = flat * advConcrete[j]! + idx[pos + j]!;
              adv.forEach((a, ai) => {
                a.srcDims.forEach((sd, di) => {
                  const t = a.arrays[di]!;
                  let x = t.data[advMaps[ai]![di]![flat]!]!;
                  const size = src.shape[sd]!;
                  if (x < 0) x += size;
                  off += x * strides[sd]!;
                });
              });
              pos += advConcrete.length;
            }
          }
          offsets[k] = off;
          for (let d = outShape.length - 1; d >= 0; d--) {
            idx[d]!++;
            if (idx[d]! < outShape[d]!) break;
            idx[d] = 0;
          }
        }
        return gatherOffsets(src, offsets, outShape);
      }
    : undefined;
  return produce(limits, resultShape, v.dtype, compute, { numpy: v.numpy });
}

/** For each position of `shape`, the flat index into `t` that broadcasting reads. */
function broadcastMap(t: Tensor, shape: readonly number[]): Int32Array {
  const total = numel(shape);
  const map = new Int32Array(total);
  const offset = shape.length - t.shape.length;
  const strides = stridesOf(t.shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    let src = 0;
    for (let d = 0; d < t.shape.length; d++) if (t.shape[d] !== 1) src += idx[d + offset]! * strides[d]!;
    map[k] = src;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return map;
}

/** The coordinates of the true entries of a mask, one int64 tensor per mask dimension. */
function maskCoordinates(mask: Tensor): Tensor[] {
  const rank = mask.shape.length;
  const strides = stridesOf(mask.shape);
  const coords: number[][] = Array.from({ length: rank }, () => []);
  for (let k = 0; k < mask.data.length; k++) {
    if (!mask.data[k]) continue;
    let rest = k;
    for (let d = 0; d < rank; d++) {
      coords[d]!.push(Math.floor(rest / strides[d]!));
      rest %= strides[d]!;
    }
  }
  return coords.map((c) => ({ dtype: 'int64', shape: [c.length], data: Float64Array.from(c) }) as Tensor);
}

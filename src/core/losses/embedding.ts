/**
 * The embedding losses: `cosine_embedding_loss` (pairs of vectors with ±1 labels) and `triplet_margin_loss`
 * (anchor, positive, negative).
 *
 * Inputs are [N, D] rows (or one [D] vector); the pair/triplet inputs broadcast against each other as in PyTorch.
 * Gradients follow PyTorch's autograd formulas, including `norm`'s subgradients (0 at a zero vector for p = 2, sign for
 * p = 1, the arg-max split for p = ∞), `minimum`'s even split on ties (swap) and `clamp_min` passing at 0.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { formatShape, isFloating, type DType, type Tensor } from '../tensor';
import { broadcastOrThrow, requireInputs } from './reduction';
import {
  boolSubtractionError,
  broadcastIndex,
  countLabel,
  dtypeOnly,
  finishResult,
  gather,
  gradScale,
  gradTensor,
  kernelDtypeError,
  OptionReader,
  plusMinusOneLabelWarnings,
  resultType,
  rounderFor,
  type Rounder,
} from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { isTorch2, kinkPasses, tripletMarginError } from './versions';

const LEGACY = { size_average: null, reduce: null } as const;

/** PyTorch's `constexpr float EPSILON = 1e-12` added to the squared norms (a float, so 9.99999996e-13 in double). */
const COSINE_EPS = Math.fround(1e-12);

// ---------------------------------------------------------------------------------------------------------------------
// cosine_embedding_loss

const COSINE_DEFAULTS: LossOptions = { margin: 0, ...LEGACY, reduction: 'mean' };

function dimsError(message: string, explanation: string, hint: string, data: Record<string, string>): LossLensError {
  return new LossLensError({ code: 'loss/input-dims', message, explanation, hint, data });
}

function cosineEmbedding(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const fn = 'cosine_embedding_loss';
  const opts = new OptionReader(fn, COSINE_DEFAULTS, options);
  const [input1, input2, target] = requireInputs(fn, inputs, ['input1', 'input2', 'target']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const margin = opts.number('margin');
  const reduction = opts.reduction();
  const targDim = target.shape.length;
  const s1 = formatShape(input1.shape);
  const s2 = formatShape(input2.shape);
  if (targDim !== 0 && targDim !== 1) {
    throw new LossLensError({
      code: 'loss/target-dims',
      message: '0D or 1D target tensor expected, multi-target not supported',
      explanation: `The target holds one ±1 label per pair: [N] for a batch or 0-d for one pair; it is ${formatShape(target.shape)}.`,
      hint:
        target.shape.length === 2 && target.shape[1] === 1
          ? 'Squeeze the label column: target.squeeze(1).'
          : 'Pass one label per pair, shape [N].',
      data: { target: formatShape(target.shape) },
    });
  }
  if (targDim === 1 && input1.shape.length !== 2) {
    throw dimsError(
      `1D target tensor expects 2D input tensors, but found inputs with sizes ${s1} and ${s2}.`,
      `With a batch of labels [N] the inputs must be batches of vectors [N, D]; input1 is ${s1}.`,
      input1.shape.length === 1
        ? 'For a single pair pass a 0-d label (torch.tensor(1.)), or add a batch dimension with input.unsqueeze(0).'
        : 'Flatten the inputs to [N, D].',
      { input1: s1, input2: s2, target: formatShape(target.shape) },
    );
  }
  if (targDim === 0 && input1.shape.length !== 1) {
    throw dimsError(
      `0D target tensor expects 1D input tensors, but found inputs with sizes ${s1} and ${s2}.`,
      `A single 0-d label goes with one pair of vectors [D]; input1 is ${s1}.`,
      'For a batch pass one label per row (shape [N]).',
      { input1: s1, input2: s2, target: formatShape(target.shape) },
    );
  }
  const k = targDim + 1; // dims of the inputs: 1 or 2
  const prodShape = broadcastOrThrow(input1.shape, input2.shape, { a: 'input1', b: 'input2' });
  if (input2.shape.length > k) {
    throw dimsError(
      `input2 ${s2} has more dimensions than input1 ${s1}`,
      'PyTorch 1.13 does not check this and sums the products over the wrong axis; Loss Lens does not reproduce that.',
      'Give input1 and input2 the same shape.',
      { input1: s1, input2: s2 },
    );
  }
  if (input2.shape.length < k && !(k === 1 && input2.shape.length === 0)) {
    const d = input2.shape.length;
    throw new LossLensError({
      code: 'loss/input-dims',
      message: `IndexError: Dimension out of range (expected to be in range of [${d === 0 ? -1 : -d}, ${d === 0 ? 0 : d - 1}], but got ${targDim})`,
      explanation: `input2 ${s2} has fewer dimensions than input1 ${s1}, so PyTorch cannot sum its squares over dimension ${targDim}.`,
      hint: 'Give input1 and input2 the same shape [N, D].',
      data: { input1: s1, input2: s2 },
    });
  }
  const innerType = resultType(input1, input2);
  const dtype = resultType(dtypeOnly(innerType, prodShape), 'float');
  if (dtype === 'float16') throw kernelDtypeError(fn, 'sqrt_vml_cpu', 'float16');
  const r = rounderFor(dtype);
  // Rows and columns of each input (a 0-d input2 next to a 1-D input1 is one column).
  const rc = (t: Tensor): [number, number] => (k === 2 ? [t.shape[0]!, t.shape[1]!] : [1, t.shape[0] ?? 1]);
  const [n1, d1] = rc(input1);
  const [n2, d2] = rc(input2);
  const n = k === 2 ? prodShape[0]! : 1;
  const dims = k === 2 ? prodShape[1]! : (prodShape[0] ?? 1);
  const a = input1.data;
  const b = input2.data;
  const m1 = new Float64Array(n1);
  const m2 = new Float64Array(n2);
  for (let i = 0; i < n1; i++) {
    let s = 0;
    for (let c = 0; c < d1; c++) s += a[i * d1 + c]! * a[i * d1 + c]!;
    m1[i] = r(r(s) + COSINE_EPS);
  }
  for (let i = 0; i < n2; i++) {
    let s = 0;
    for (let c = 0; c < d2; c++) s += b[i * d2 + c]! * b[i * d2 + c]!;
    m2[i] = r(r(s) + COSINE_EPS);
  }
  const cos = new Float64Array(n);
  const prod = new Float64Array(n);
  const denom = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const i1 = n1 === 1 ? 0 : i;
    const i2 = n2 === 1 ? 0 : i;
    let s = 0;
    for (let c = 0; c < dims; c++) s += a[i1 * d1 + (d1 === 1 ? 0 : c)]! * b[i2 * d2 + (d2 === 1 ? 0 : c)]!;
    prod[i] = r(s);
    denom[i] = r(Math.sqrt(r(m1[i1]! * m2[i2]!)));
    cos[i] = r(prod[i]! / denom[i]!);
  }
  const cosShape = k === 2 ? [n] : [];
  const shape = broadcastOrThrow(target.shape, cosShape, { a: 'target', b: 'the cosine similarities' });
  const cMap = broadcastIndex(cosShape, shape);
  const t = gather(target, broadcastIndex(target.shape, shape));
  const count = t.length;
  const perElement = new Float64Array(count);
  const gCos = new Float64Array(n);
  const scale = gradScale(reduction, count);
  for (let o = 0; o < count; o++) {
    const ci = cMap[o]!;
    const c = cos[ci]!;
    if (t[o] === 1) {
      perElement[o] = r(1 - c);
      gCos[ci]! -= scale;
    } else if (t[o] === -1) {
      const v = r(c - margin);
      perElement[o] = v < 0 ? 0 : v;
      if (kinkPasses(v, settings)) gCos[ci]! += scale;
    }
  }
  // Backward through cos = prod / sqrt(m1·m2), m = Σx² + eps, exactly as autograd chains it.
  const g1 = new Float64Array(a.length);
  const g2 = new Float64Array(b.length);
  for (let i = 0; i < n; i++) {
    const g = gCos[i]!;
    if (g === 0) continue;
    const i1 = n1 === 1 ? 0 : i;
    const i2 = n2 === 1 ? 0 : i;
    const dn = denom[i]!;
    const gProd = g / dn;
    const gDenom = (-g * prod[i]!) / (dn * dn);
    const gMM = gDenom / (2 * dn);
    const gM1 = gMM * m2[i2]!;
    const gM2 = gMM * m1[i1]!;
    for (let c = 0; c < dims; c++) {
      const ia = i1 * d1 + (d1 === 1 ? 0 : c);
      const ib = i2 * d2 + (d2 === 1 ? 0 : c);
      g1[ia]! += gProd * b[ib]!;
      g2[ib]! += gProd * a[ia]!;
    }
    for (let c = 0; c < d1; c++) g1[i1 * d1 + c]! += 2 * a[i1 * d1 + c]! * gM1;
    for (let c = 0; c < d2; c++) g2[i2 * d2 + c]! += 2 * b[i2 * d2 + c]! * gM2;
  }
  const warnings: Diagnostic[] = [
    ...opts.warnings,
    ...plusMinusOneLabelWarnings(
      fn,
      target,
      'PyTorch only tests target == 1 and target == −1, so a 0 label matches neither: the pair adds 0 loss and no gradient, yet still counts in the mean — dissimilar pairs are never pushed apart.',
      'PyTorch only tests target == 1 and target == −1; pairs with any other label add 0 loss and no gradient but still count in the mean.',
    ),
  ];
  const gradient: Record<string, Tensor> = {};
  if (isFloating(input1.dtype)) gradient['input1'] = gradTensor(g1, input1);
  if (isFloating(input2.dtype)) gradient['input2'] = gradTensor(g2, input2);
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: {
      denominatorLabel: countLabel(count, 'pair'),
      why: "reduction='mean' divides the summed pair losses by the number of pairs",
    },
    gradient,
    extras: { cosineSimilarity: { dtype: 'float64', shape: cosShape, data: cos } },
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.cosine_embedding_loss` / `nn.CosineEmbeddingLoss`: 1 − cos for y = 1, max(0, cos − margin) for y = −1. */
export const cosineEmbeddingLoss: LossDefinition = {
  name: 'cosine_embedding_loss',
  moduleName: 'CosineEmbeddingLoss',
  inputs: ['input1', 'input2', 'target'],
  defaults: COSINE_DEFAULTS,
  summary: 'Pulls similar pairs (y = 1) to cosine 1 and pushes dissimilar pairs (y = −1) below the margin.',
  compute: cosineEmbedding,
};

// ---------------------------------------------------------------------------------------------------------------------
// triplet_margin_loss

/** `F.pairwise_distance(x1, x2, p, eps)`: ‖x1 − x2 + eps‖_p over the last dimension, with broadcasting. */
export interface Pairwise {
  /** Broadcast shape of x1 − x2. */
  full: number[];
  /** Shape of the distances (full without its last dimension). */
  shape: number[];
  /** Length of the last dimension (1 for 0-d inputs). */
  width: number;
  map1: Int32Array;
  map2: Int32Array;
  diff: Float64Array;
  dist: Float64Array;
}

function pNorm(v: Float64Array, start: number, width: number, p: number, r: Rounder): number {
  if (p === 0) {
    let count = 0;
    for (let j = 0; j < width; j++) if (v[start + j] !== 0) count++;
    return count;
  }
  if (p === Infinity || p === -Infinity) {
    let best = width === 0 ? 0 : p === Infinity ? -Infinity : Infinity;
    for (let j = 0; j < width; j++) {
      const x = Math.abs(v[start + j]!);
      if (Number.isNaN(x)) return NaN;
      best = p === Infinity ? Math.max(best, x) : Math.min(best, x);
    }
    return best;
  }
  let s = 0;
  if (p === 1) {
    for (let j = 0; j < width; j++) s += Math.abs(v[start + j]!);
    return r(s);
  }
  if (p === 2) {
    for (let j = 0; j < width; j++) s += v[start + j]! * v[start + j]!;
    return r(Math.sqrt(r(s)));
  }
  for (let j = 0; j < width; j++) s += Math.pow(Math.abs(v[start + j]!), p);
  return r(Math.pow(r(s), 1 / p));
}

export function pairwise(
  x1: Tensor,
  x2: Tensor,
  p: number,
  eps: number,
  r: Rounder,
  names: { a: string; b: string },
): Pairwise {
  const full = broadcastOrThrow(x1.shape, x2.shape, names);
  const shape = full.slice(0, -1);
  const width = full.length === 0 ? 1 : full[full.length - 1]!;
  const map1 = broadcastIndex(x1.shape, full);
  const map2 = broadcastIndex(x2.shape, full);
  const diff = new Float64Array(map1.length);
  for (let k = 0; k < diff.length; k++) diff[k] = r(r(x1.data[map1[k]!]! - x2.data[map2[k]!]!) + eps);
  const rows = width === 0 ? shape.reduce((x, y) => x * y, 1) : diff.length / width;
  const dist = new Float64Array(rows);
  for (let i = 0; i < rows; i++) dist[i] = pNorm(diff, i * width, width, p, r);
  return { full, shape, width, map1, map2, diff, dist };
}

/** PyTorch's `norm_backward` for one row: d‖v‖_p/dv · g, written into `out`. */
function normBackward(
  v: Float64Array,
  start: number,
  width: number,
  p: number,
  norm: number,
  g: number,
  out: Float64Array,
): void {
  const sgn = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
  if (p === 1) {
    for (let j = 0; j < width; j++) out[start + j] = sgn(v[start + j]!) * g;
  } else if (p === 2) {
    for (let j = 0; j < width; j++) out[start + j] = norm === 0 ? 0 : g * (v[start + j]! / norm);
  } else if (p === Infinity || p === -Infinity) {
    let count = 0;
    for (let j = 0; j < width; j++) {
      const x = Math.abs(v[start + j]!);
      if (x === norm || Number.isNaN(x)) count++;
    }
    for (let j = 0; j < width; j++) {
      const x = Math.abs(v[start + j]!);
      out[start + j] = x === norm || Number.isNaN(x) ? sgn(v[start + j]!) * (g / count) : 0;
    }
  } else if (p < 1) {
    const scale = g * Math.pow(norm, 1 - p);
    for (let j = 0; j < width; j++) {
      const x = v[start + j]!;
      out[start + j] = x === 0 ? 0 : sgn(x) * Math.pow(Math.abs(x), p - 1) * scale;
    }
  } else {
    const scale = norm === 0 ? 0 : g / Math.pow(norm, p - 1);
    for (let j = 0; j < width; j++) {
      const x = v[start + j]!;
      out[start + j] = (p < 2 ? sgn(x) * Math.pow(Math.abs(x), p - 1) : x * Math.pow(Math.abs(x), p - 2)) * scale;
    }
  }
}

/** Adds the gradient of Σ g·dist to the two inputs of a pairwise distance. */
export function pairwiseBackward(pd: Pairwise, gDist: Float64Array, p: number, g1: Float64Array, g2: Float64Array): void {
  const gSelf = new Float64Array(pd.diff.length);
  for (let i = 0; i < gDist.length; i++) {
    if (gDist[i] === 0) continue;
    normBackward(pd.diff, i * pd.width, pd.width, p, pd.dist[i]!, gDist[i]!, gSelf);
  }
  for (let k = 0; k < gSelf.length; k++) {
    g1[pd.map1[k]!]! += gSelf[k]!;
    g2[pd.map2[k]!]! -= gSelf[k]!;
  }
}

const TRIPLET_DEFAULTS: LossOptions = { margin: 1.0, p: 2, eps: 1e-6, swap: false, ...LEGACY, reduction: 'mean' };

function tripletMargin(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const fn = 'triplet_margin_loss';
  const opts = new OptionReader(fn, TRIPLET_DEFAULTS, options);
  const [anchor, positive, negative] = requireInputs(fn, inputs, ['anchor', 'positive', 'negative']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const margin = opts.number('margin');
  const p = opts.number('p');
  const eps = opts.number('eps');
  const swap = opts.bool('swap');
  const reduction = opts.reduction();
  // 2.x checks the margin in Python, after the reduction and before anything the kernel checks.
  if (isTorch2(settings) && !(margin > 0)) throw tripletMarginError(fn, margin);
  const [da, dp, dn] = [anchor.shape.length, positive.shape.length, negative.shape.length];
  if (da !== dp || dp !== dn) {
    throw new LossLensError({
      code: 'loss/same-dimension',
      message: `All inputs should have same dimension but got ${da}D, ${dp}D and ${dn}D inputs.`,
      explanation: `anchor, positive and negative must all be [N, D] (or all [D]); they are ${formatShape(anchor.shape)}, ${formatShape(positive.shape)} and ${formatShape(negative.shape)}.`,
      hint: 'Give the three embeddings the same shape.',
      data: {
        anchor: formatShape(anchor.shape),
        positive: formatShape(positive.shape),
        negative: formatShape(negative.shape),
      },
    });
  }
  const checkBool = (x: Tensor, y: Tensor, xn: string, yn: string): void => {
    if (x.dtype === 'bool' || y.dtype === 'bool')
      throw boolSubtractionError(fn, x.dtype === 'bool' && y.dtype === 'bool', x.dtype === 'bool' ? xn : yn);
  };
  checkBool(anchor, positive, 'anchor', 'positive');
  // (x1 - x2 + eps): the inputs' common dtype, then a Python float (integers become float32).
  const dtype: DType = resultType(dtypeOnly(resultType(anchor, positive, negative), anchor.shape), 'float');
  const r = rounderFor(dtype);
  const pos = pairwise(anchor, positive, p, eps, r, { a: 'anchor', b: 'positive' });
  checkBool(anchor, negative, 'anchor', 'negative');
  const neg = pairwise(anchor, negative, p, eps, r, { a: 'anchor', b: 'negative' });
  let swp: Pairwise | undefined;
  let negShape = neg.shape;
  let negDist = neg.dist;
  let useSwap: Float64Array | undefined; // share of the gradient that goes to d(p, n): 0, 0.5 or 1
  let negMap: Int32Array | undefined;
  let swpMap: Int32Array | undefined;
  if (swap) {
    checkBool(positive, negative, 'positive', 'negative');
    swp = pairwise(positive, negative, p, eps, r, { a: 'positive', b: 'negative' });
    negShape = broadcastOrThrow(neg.shape, swp.shape, { a: 'd(anchor, negative)', b: 'd(positive, negative)' });
    negMap = broadcastIndex(neg.shape, negShape);
    swpMap = broadcastIndex(swp.shape, negShape);
    negDist = new Float64Array(negMap.length);
    useSwap = new Float64Array(negMap.length);
    for (let i = 0; i < negDist.length; i++) {
      const x = neg.dist[negMap[i]!]!;
      const y = swp.dist[swpMap[i]!]!;
      negDist[i] = Math.min(x, y);
      useSwap[i] = x === y ? 0.5 : y < x ? 1 : 0;
    }
  }
  const shape = broadcastOrThrow(pos.shape, negShape, { a: 'd(anchor, positive)', b: 'the negative distance' });
  if (dtype === 'float16') throw kernelDtypeError(fn, 'clamp_min_cpu', 'float16');
  const posMap = broadcastIndex(pos.shape, shape);
  const nMap = broadcastIndex(negShape, shape);
  const count = posMap.length;
  const perElement = new Float64Array(count);
  const gPos = new Float64Array(pos.dist.length);
  const gNegMin = new Float64Array(negDist.length);
  const scale = gradScale(reduction, count);
  for (let o = 0; o < count; o++) {
    const v = r(r(margin + pos.dist[posMap[o]!]!) - negDist[nMap[o]!]!);
    perElement[o] = v < 0 ? 0 : v;
    if (kinkPasses(v, settings)) {
      gPos[posMap[o]!]! += scale;
      gNegMin[nMap[o]!]! -= scale;
    }
  }
  const gradient: Record<string, Tensor> = {};
  // norm with p = 0 has no derivative in PyTorch: no gradient reaches the inputs (their .grad stays None).
  if (p !== 0) {
    const ga = new Float64Array(anchor.data.length);
    const gp = new Float64Array(positive.data.length);
    const gn = new Float64Array(negative.data.length);
    pairwiseBackward(pos, gPos, p, ga, gp);
    if (swp && useSwap && negMap && swpMap) {
      const gNeg = new Float64Array(neg.dist.length);
      const gSwp = new Float64Array(swp.dist.length);
      for (let i = 0; i < gNegMin.length; i++) {
        gNeg[negMap[i]!]! += gNegMin[i]! * (1 - useSwap[i]!);
        gSwp[swpMap[i]!]! += gNegMin[i]! * useSwap[i]!;
      }
      pairwiseBackward(neg, gNeg, p, ga, gn);
      pairwiseBackward(swp, gSwp, p, gp, gn);
    } else {
      pairwiseBackward(neg, gNegMin, p, ga, gn);
    }
    if (isFloating(anchor.dtype)) gradient['anchor'] = gradTensor(ga, anchor);
    if (isFloating(positive.dtype)) gradient['positive'] = gradTensor(gp, positive);
    if (isFloating(negative.dtype)) gradient['negative'] = gradTensor(gn, negative);
  }
  const extras: Record<string, Tensor> = {
    distancePositive: { dtype: 'float64', shape: pos.shape, data: pos.dist },
    distanceNegative: { dtype: 'float64', shape: neg.shape, data: neg.dist },
  };
  if (swp) {
    extras['distanceSwap'] = { dtype: 'float64', shape: swp.shape, data: swp.dist };
    extras['swapUsed'] = { dtype: 'float64', shape: negShape, data: useSwap! };
  }
  return finishResult({
    fn,
    dtype,
    shape,
    perElement,
    reduction,
    meanWords: {
      denominatorLabel: countLabel(count, 'triplet'),
      why: "reduction='mean' divides the summed triplet hinges by the number of triplets",
    },
    gradient,
    extras,
    warnings: opts.warnings,
    options: { ...opts.values, reduction },
  });
}

/** `F.triplet_margin_loss` / `nn.TripletMarginLoss`: max(0, margin + d(a, p) − d(a, n)) with d = ‖x − y + eps‖_p. */
export const tripletMarginLoss: LossDefinition = {
  name: 'triplet_margin_loss',
  moduleName: 'TripletMarginLoss',
  inputs: ['anchor', 'positive', 'negative'],
  defaults: TRIPLET_DEFAULTS,
  summary: 'Triplet hinge: the anchor must be closer to the positive than to the negative by a margin.',
  compute: tripletMargin,
};

/** The embedding family, in picker order. */
export const EMBEDDING_LOSSES: readonly LossDefinition[] = [cosineEmbeddingLoss, tripletMarginLoss];

/**
 * `F.triplet_margin_with_distance_loss` / `nn.TripletMarginWithDistanceLoss`: max(0, margin + d(a, p) − d(a, n)) with
 * a distance of the caller's choosing. The distances a tensor file can name (`"distance_function"`):
 *
 * - `null` (the default): `torch.pairwise_distance`, ‖x − y + 1e-6‖₂;
 * - `"PairwiseDistance(p=1)"`, `"PairwiseDistance(p=3, eps=0.0)"`: `nn.PairwiseDistance(p=…, eps=…)`;
 * - `"cosine"`: `lambda x, y: 1.0 − F.cosine_similarity(x, y)` (the example in PyTorch's documentation).
 *
 * PyTorch 2.x checks the reduction, a positive margin and equal ranks before computing; 1.13 checked the reduction
 * after, and broadcast inputs of different rank. The clamp passes the gradient at 0 in 1.13 only.
 */
import { LossLensError } from '../diagnostics';
import { formatShape, isFloating, type DType, type Tensor } from '../tensor';
import { pairwise, pairwiseBackward, type Pairwise } from './embedding';
import { broadcastOrThrow, requireInputs } from './reduction';
import {
  boolSubtractionError,
  broadcastIndex,
  countLabel,
  dtypeOnly,
  finishResult,
  gradScale,
  gradTensor,
  OptionReader,
  resultType,
  rounderFor,
  type Rounder,
} from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { isTorch2, kinkPasses, tripletDimsError, tripletMarginError } from './versions';

const FN = 'triplet_margin_with_distance_loss';

const DEFAULTS: LossOptions = { distance_function: null, margin: 1.0, swap: false, reduction: 'mean' };

/** A distance a tensor file can name. */
export type NamedDistance =
  { readonly kind: 'pairwise'; readonly p: number; readonly eps: number } | { readonly kind: 'cosine' };

/** Parses `"distance_function"`: null, `"PairwiseDistance(p=…, eps=…)"`, `"pairwise_distance"` or `"cosine"`. */
export function parseDistance(value: unknown): NamedDistance {
  if (value === null || value === undefined) return { kind: 'pairwise', p: 2, eps: 1e-6 };
  if (typeof value === 'string') {
    const name = value.trim();
    if (/^(torch\.|F\.)?pairwise_distance$/.test(name)) return { kind: 'pairwise', p: 2, eps: 1e-6 };
    if (/^(1(\.0)? ?- ?)?(F\.)?cosine(_similarity|Similarity\(\))?$/.test(name) || name === 'CosineSimilarity') {
      return { kind: 'cosine' };
    }
    const m = /^(nn\.)?PairwiseDistance\((.*)\)$/.exec(name);
    if (m) {
      const kwargs: Record<string, number> = {};
      const args = m[2]!.trim();
      let ok = true;
      if (args !== '') {
        for (const part of args.split(',')) {
          const kv = /^\s*(p|eps)\s*=\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf|float\('inf'\))\s*$/.exec(part);
          if (!kv) ok = false;
          else kwargs[kv[1]!] = kv[2]!.includes('inf') ? Infinity : Number(kv[2]);
        }
      }
      if (ok) return { kind: 'pairwise', p: kwargs['p'] ?? 2, eps: kwargs['eps'] ?? 1e-6 };
    }
  }
  throw new LossLensError({
    code: 'loss/distance-function',
    message: `Unknown distance_function ${JSON.stringify(value)}.`,
    explanation:
      'A tensor file names the distance: null (pairwise_distance), "PairwiseDistance(p=1)" (p and eps as keywords) or "cosine" (1 − cosine_similarity).',
    hint: 'Write "distance_function": "PairwiseDistance(p=1)", "cosine", or leave it out for the default.',
    data: { value: String(value) },
  });
}

/** One distance per row, and how to send a gradient back to the two inputs. */
interface Distances {
  readonly shape: number[];
  readonly dist: Float64Array;
  backward(gDist: Float64Array, g1: Float64Array, g2: Float64Array): void;
}

function pairwiseDistances(
  x1: Tensor,
  x2: Tensor,
  d: { p: number; eps: number },
  r: Rounder,
  names: { a: string; b: string },
): Distances {
  const pd: Pairwise = pairwise(x1, x2, d.p, d.eps, r, names);
  return {
    shape: pd.shape,
    dist: pd.dist,
    backward: (gDist, g1, g2) => {
      // norm with p = 0 has no derivative: no gradient.
      if (d.p !== 0) pairwiseBackward(pd, gDist, d.p, g1, g2);
    },
  };
}

/** 1 − cosine_similarity(x1, x2, dim=1, eps=1e-8) for 2-D inputs (rows broadcast), with its gradient. */
function cosineDistances(x1: Tensor, x2: Tensor, r: Rounder, names: { a: string; b: string }): Distances {
  const full = broadcastOrThrow(x1.shape, x2.shape, names);
  if (full.length < 2) {
    throw new LossLensError({
      code: 'loss/cosine-dim',
      message: `IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)`,
      explanation: `cosine_similarity compares along dimension 1, and the ${names.a} and ${names.b} ${formatShape(full)} have no dimension 1.`,
      hint: 'Give anchor, positive and negative a batch dimension: [N, D] (e.g. .unsqueeze(0)).',
      data: { shape: formatShape(full) },
    });
  }
  if (full.length > 2) {
    throw new LossLensError({
      code: 'loss/not-reproduced',
      message: `Loss Lens computes the cosine distance for 2-D embeddings [N, D] only; these are ${formatShape(full)}.`,
      explanation:
        'cosine_similarity reduces dimension 1, which for more than two dimensions is not the embedding axis; Loss Lens does not compute that case.',
      hint: 'Flatten the embeddings to [N, D] before computing the loss.',
      data: { shape: formatShape(full) },
    });
  }
  const [rows, width] = [full[0]!, full[1]!];
  const m1 = broadcastIndex(x1.shape, full);
  const m2 = broadcastIndex(x2.shape, full);
  const eps = 1e-8;
  const dist = new Float64Array(rows);
  const n1 = new Float64Array(rows);
  const n2 = new Float64Array(rows);
  const cos = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let w12 = 0;
    let w1 = 0;
    let w2 = 0;
    for (let j = 0; j < width; j++) {
      const a = x1.data[m1[i * width + j]!]!;
      const b = x2.data[m2[i * width + j]!]!;
      w12 += a * b;
      w1 += a * a;
      w2 += b * b;
    }
    // Each norm is clamped at eps (without recording it), then x/‖x‖ · y/‖y‖ summed.
    n1[i] = Math.max(Math.sqrt(w1), eps);
    n2[i] = Math.max(Math.sqrt(w2), eps);
    cos[i] = r(w12 / (n1[i]! * n2[i]!));
    dist[i] = r(1 - cos[i]!);
  }
  return {
    shape: [rows],
    dist,
    backward: (gDist, g1, g2) => {
      for (let i = 0; i < rows; i++) {
        const g = -gDist[i]!;
        if (g === 0) continue;
        const [a1, a2] = [n1[i]!, n2[i]!];
        for (let j = 0; j < width; j++) {
          const k1 = m1[i * width + j]!;
          const k2 = m2[i * width + j]!;
          const a = x1.data[k1]!;
          const b = x2.data[k2]!;
          // d/dx (x·y)/(‖x‖‖y‖) = y/(‖x‖‖y‖) − cos·x/‖x‖²; a clamped norm's gradient still flows as if unclamped.
          const unclamped1 = a1 > eps;
          const unclamped2 = a2 > eps;
          g1[k1]! += g * (b / (a1 * a2) - (unclamped1 ? (cos[i]! * a) / (a1 * a1) : 0));
          g2[k2]! += g * (a / (a1 * a2) - (unclamped2 ? (cos[i]! * b) / (a2 * a2) : 0));
        }
      }
    },
  };
}

function tripletWithDistance(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  const opts = new OptionReader(FN, DEFAULTS, options);
  const [anchor, positive, negative] = requireInputs(FN, inputs, ['anchor', 'positive', 'negative']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const distance = parseDistance(opts.values['distance_function']);
  const margin = opts.number('margin');
  const swap = opts.bool('swap');
  const torch2 = isTorch2(settings);
  // 2.x checks the reduction, the margin and the ranks in Python before any distance; 1.13 the reduction last.
  const reduction = torch2 ? opts.reduction() : undefined;
  if (torch2 && !(margin > 0)) throw tripletMarginError(FN, margin);
  const [da, dp, dn] = [anchor.shape.length, positive.shape.length, negative.shape.length];
  if (torch2 && (da !== dp || dp !== dn)) throw tripletDimsError(FN, da, dp, dn);
  for (const [x, y, xn, yn] of [
    [anchor, positive, 'anchor', 'positive'],
    [anchor, negative, 'anchor', 'negative'],
  ] as const) {
    if (distance.kind === 'pairwise' && (x.dtype === 'bool' || y.dtype === 'bool')) {
      throw boolSubtractionError(FN, x.dtype === 'bool' && y.dtype === 'bool', x.dtype === 'bool' ? xn : yn);
    }
  }
  const dtype: DType = resultType(dtypeOnly(resultType(anchor, positive, negative), anchor.shape), 'float');
  const r = rounderFor(dtype);
  const distances = (x: Tensor, y: Tensor, names: { a: string; b: string }): Distances =>
    distance.kind === 'pairwise' ? pairwiseDistances(x, y, distance, r, names) : cosineDistances(x, y, r, names);
  const pos = distances(anchor, positive, { a: 'anchor', b: 'positive' });
  const neg = distances(anchor, negative, { a: 'anchor', b: 'negative' });
  let negShape = neg.shape;
  let negDist = neg.dist;
  let swp: Distances | undefined;
  let toSwap: Float64Array | undefined;
  let negMap: Int32Array | undefined;
  let swpMap: Int32Array | undefined;
  if (swap) {
    swp = distances(positive, negative, { a: 'positive', b: 'negative' });
    negShape = broadcastOrThrow(neg.shape, swp.shape, { a: 'd(anchor, negative)', b: 'd(positive, negative)' });
    negMap = broadcastIndex(neg.shape, negShape);
    swpMap = broadcastIndex(swp.shape, negShape);
    negDist = new Float64Array(negMap.length);
    toSwap = new Float64Array(negMap.length);
    for (let i = 0; i < negDist.length; i++) {
      const x = neg.dist[negMap[i]!]!;
      const y = swp.dist[swpMap[i]!]!;
      negDist[i] = Math.min(x, y);
      // torch.minimum (2.x) splits a tie's gradient; torch.min (1.13) gives it to its first argument.
      toSwap[i] = x === y ? (torch2 ? 0.5 : 0) : y < x ? 1 : 0;
    }
  }
  const shape = broadcastOrThrow(pos.shape, negShape, { a: 'd(anchor, positive)', b: 'the negative distance' });
  const red = reduction ?? opts.reduction();
  if (dtype === 'float16') {
    throw new LossLensError({
      code: 'loss/dtype-not-implemented',
      message: `"clamp_min_cpu" not implemented for 'Half'`,
      explanation: `PyTorch's CPU ${FN} has no float16 kernel.`,
      hint: `Convert with .float() (or .double()) before calling ${FN}.`,
      data: { loss: FN, kernel: 'clamp_min_cpu', dtype: 'float16', what: 'input' },
    });
  }
  const posMap = broadcastIndex(pos.shape, shape);
  const nMap = broadcastIndex(negShape, shape);
  const count = posMap.length;
  const perElement = new Float64Array(count);
  const gPos = new Float64Array(pos.dist.length);
  const gNegMin = new Float64Array(negDist.length);
  const scale = gradScale(red, count);
  for (let o = 0; o < count; o++) {
    // 1.13: positive − negative + margin; 2.x: margin + positive − negative (the same number up to rounding).
    const v = torch2
      ? r(r(margin + pos.dist[posMap[o]!]!) - negDist[nMap[o]!]!)
      : r(r(pos.dist[posMap[o]!]! - negDist[nMap[o]!]!) + margin);
    perElement[o] = v < 0 ? 0 : v;
    if (kinkPasses(v, settings)) {
      gPos[posMap[o]!]! += scale;
      gNegMin[nMap[o]!]! -= scale;
    }
  }
  const ga = new Float64Array(anchor.data.length);
  const gp = new Float64Array(positive.data.length);
  const gn = new Float64Array(negative.data.length);
  pos.backward(gPos, ga, gp);
  if (swp && toSwap && negMap && swpMap) {
    const gNeg = new Float64Array(neg.dist.length);
    const gSwp = new Float64Array(swp.dist.length);
    for (let i = 0; i < gNegMin.length; i++) {
      gNeg[negMap[i]!]! += gNegMin[i]! * (1 - toSwap[i]!);
      gSwp[swpMap[i]!]! += gNegMin[i]! * toSwap[i]!;
    }
    neg.backward(gNeg, ga, gn);
    swp.backward(gSwp, gp, gn);
  } else {
    neg.backward(gNegMin, ga, gn);
  }
  const gradient: Record<string, Tensor> = {};
  const usable = distance.kind === 'cosine' || distance.p !== 0;
  if (usable && isFloating(anchor.dtype)) gradient['anchor'] = gradTensor(ga, anchor);
  if (usable && isFloating(positive.dtype)) gradient['positive'] = gradTensor(gp, positive);
  if (usable && isFloating(negative.dtype)) gradient['negative'] = gradTensor(gn, negative);
  const extras: Record<string, Tensor> = {
    distancePositive: { dtype: 'float64', shape: pos.shape, data: pos.dist },
    distanceNegative: { dtype: 'float64', shape: neg.shape, data: neg.dist },
  };
  if (swp) {
    extras['distanceSwap'] = { dtype: 'float64', shape: swp.shape, data: swp.dist };
    extras['swapUsed'] = { dtype: 'float64', shape: negShape, data: toSwap! };
  }
  return finishResult({
    fn: FN,
    dtype,
    shape,
    perElement,
    reduction: red,
    meanWords: {
      denominatorLabel: countLabel(count, 'triplet'),
      why: "reduction='mean' divides the summed triplet hinges by the number of triplets",
    },
    gradient,
    extras,
    warnings: opts.warnings,
    options: { ...opts.values, reduction: red },
  });
}

/** `F.triplet_margin_with_distance_loss` / `nn.TripletMarginWithDistanceLoss`. */
export const tripletMarginWithDistanceLoss: LossDefinition = {
  name: FN,
  moduleName: 'TripletMarginWithDistanceLoss',
  inputs: ['anchor', 'positive', 'negative'],
  defaults: DEFAULTS,
  summary: 'Triplet hinge max(0, margin + d(a, p) − d(a, n)) with a chosen distance (pairwise p-norm or 1 − cosine).',
  compute: tripletWithDistance,
};

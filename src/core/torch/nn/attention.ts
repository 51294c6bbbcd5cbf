/**
 * The forward pass of `nn.MultiheadAttention` on concrete values, composed as `F.multi_head_attention_forward` composes
 * it (`torch/nn/functional.py`): the input projections, per head `softmax(q·kᵀ/√d + mask)`, an optional dropout of
 * those weights (in training), the weighted sum of the values, the output projection; the weights are returned per
 * head so the caller can average them or not.
 *
 * Each step is rounded to the dtype as PyTorch's float32 kernels round it; sums are taken in float64 and rounded once,
 * so values agree with PyTorch's to about 1e-6 relative, not bit for bit.
 */

/** Values in C order. */
type Values = ArrayLike<number>;

/** Sizes and parameters; the inputs are sequence-first: query (L, N, E), key (S, N, kdim), value (S, N, vdim). */
export interface AttentionProblem {
  readonly targetLength: number;
  readonly sourceLength: number;
  readonly batch: number;
  readonly embedDim: number;
  readonly numHeads: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly query: Values;
  readonly key: Values;
  readonly value: Values;
  /** (E, E), (E, kdim), (E, vdim): the rows of in_proj_weight or the separate projection weights. */
  readonly qWeight: Values;
  readonly kWeight: Values;
  readonly vWeight: Values;
  /** in_proj_bias (3E) or null. */
  readonly inBias: Values | null;
  readonly outWeight: Values;
  readonly outBias: Values | null;
  /** Added to the scores of (batch·head, target, source): 0, −∞ or a float; null for none. */
  readonly mask: ((batchHead: number, target: number, source: number) => number) | null;
  readonly float32: boolean;
  /** torch 1.13 divides q by √d; 2.x multiplies it by √(1/d). */
  readonly scaleByDivision: boolean;
}

/** Output (L, N, E) and the per-head weights (N, heads, L, S). */
export interface AttentionResult {
  readonly output: Float64Array;
  readonly weights: Float64Array;
}

/** Runs the attention; `dropout(weights)` (training, p > 0) returns the dropped (N·heads, L, S) weights. */
export function multiheadAttentionForward(
  p: AttentionProblem,
  dropout: ((weights: Float64Array) => Float64Array) | null,
): AttentionResult {
  const r = p.float32 ? Math.fround : (v: number): number => v;
  const { targetLength: L, sourceLength: S, batch: N, embedDim: E, numHeads: H } = p;
  const d = E / H;
  const project = (x: Values, rows: number, inDim: number, w: Values, biasOffset: number): Float64Array => {
    const out = new Float64Array(rows * E);
    for (let i = 0; i < rows; i++)
      for (let o = 0; o < E; o++) {
        let s = 0;
        for (let k = 0; k < inDim; k++) s += x[i * inDim + k]! * w[o * inDim + k]!;
        out[i * E + o] = p.inBias ? r(r(s) + p.inBias[biasOffset + o]!) : r(s);
      }
    return out;
  };
  // (L·N, E) rows in (position, batch) order; head h of batch n reads columns h·d … h·d + d − 1.
  const q = project(p.query, L * N, E, p.qWeight, 0);
  const k = project(p.key, S * N, p.kdim, p.kWeight, E);
  const v = project(p.value, S * N, p.vdim, p.vWeight, 2 * E);
  const factor = p.scaleByDivision ? r(Math.sqrt(d)) : r(Math.sqrt(1 / d));
  for (let i = 0; i < q.length; i++) q[i] = p.scaleByDivision ? r(q[i]! / factor) : r(q[i]! * factor);
  const weights = new Float64Array(N * H * L * S);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++) {
      const bh = n * H + h;
      for (let t = 0; t < L; t++) {
        const row = (bh * L + t) * S;
        let max = -Infinity;
        for (let s = 0; s < S; s++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += q[(t * N + n) * E + h * d + j]! * k[(s * N + n) * E + h * d + j]!;
          let score = r(dot);
          if (p.mask) score = r(score + p.mask(bh, t, s));
          weights[row + s] = score;
          if (score > max) max = score;
        }
        let sum = 0;
        for (let s = 0; s < S; s++) {
          const e = max === -Infinity ? NaN : r(Math.exp(weights[row + s]! - max));
          weights[row + s] = e;
          sum += e;
        }
        for (let s = 0; s < S; s++) weights[row + s] = r(weights[row + s]! / r(sum));
      }
    }
  const attended = dropout ? dropout(weights) : weights;
  // (L, N, E) before the output projection.
  const heads = new Float64Array(L * N * E);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < L; t++)
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let u = 0; u < S; u++) s += attended[((n * H + h) * L + t) * S + u]! * v[(u * N + n) * E + h * d + j]!;
          heads[(t * N + n) * E + h * d + j] = r(s);
        }
  const output = new Float64Array(L * N * E);
  for (let i = 0; i < L * N; i++)
    for (let o = 0; o < E; o++) {
      let s = 0;
      for (let k2 = 0; k2 < E; k2++) s += heads[i * E + k2]! * p.outWeight[o * E + k2]!;
      output[i * E + o] = p.outBias ? r(r(s) + p.outBias[o]!) : r(s);
    }
  return { output, weights: attended };
}

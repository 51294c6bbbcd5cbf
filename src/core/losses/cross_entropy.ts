/**
 * `F.cross_entropy` / `nn.CrossEntropyLoss`: log-softmax over the class dimension, then the negative log-likelihood of
 * the target.
 *
 * Shapes: input [C] (one sample), [N, C] or [N, C, d1..dk]; the classes are always dimension 1 (0 for [C]).
 * - Class-index targets: int64 [] / [N] / [N, d1..dk]. `weight` (length C) scales a sample by w[yᵢ]; `mean` divides by
 *   Σ w[yᵢ] over the samples whose target is not `ignore_index`.
 * - Class-probability targets: a floating tensor with exactly the input's shape. `weight` scales each class term;
 *   `mean` divides by the number of samples N·d1·…·dk; `ignore_index` must stay negative.
 * - `label_smoothing` ε ∈ [0, 1] (negative means none): indices give (1−ε)·NLL + ε/C·Σ_c(−w_c·log p_c); probabilities
 *   become t·(1−ε) + ε/C.
 *
 * The log-softmax subtracts each row's maximum first, so logits of ±1e4 are exact.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { informationExtras, informationTerms } from '../info';
import { expNonPositive } from './kernels';
import { PLANE_OUTPUT, PLANE_OUTPUT_BYTES, ROW_OUTPUT_BYTES, softmaxRowKernel, type SoftmaxRowKernel } from './simd';
import { allocate, formatShape, isFloating, scalarTypeName, toNested, type DType, type Tensor } from '../tensor';
import {
  checkIndexTargets,
  classLayout,
  classWeightsNotice,
  fmt,
  indexNotices,
  indexReduction,
  isKernelFloat,
  notImplementedError,
  reducedOutput,
  type ClassLayout,
  type IndexTargets,
} from './nll_loss';
import {
  floatOption,
  intOption,
  notice,
  parseReduction,
  reduce,
  requireInputs,
  resolveOptions,
  tensorOption,
} from './reduction';
import {
  float64Output,
  int32Output,
  type ClassificationBreakdown,
  type LabelSmoothingBreakdown,
  type LossDefinition,
  type LossOptions,
  type LossResult,
  type OutputBuffers,
  type Reduction,
  type ReductionBreakdown,
} from './types';

const CE_DEFAULTS: LossOptions = {
  weight: null,
  size_average: null,
  ignore_index: -100,
  reduce: null,
  reduction: 'mean',
  label_smoothing: 0.0,
};

/** Result dtype of mixing two floating dtypes (float64 wins; two different half types give float32). */
function promoteFloat(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function labelSmoothingRangeError(epsilon: number): LossLensError {
  return new LossLensError({
    code: 'loss/label-smoothing-range',
    message: `label_smoothing must be between 0.0 and 1.0. Got: ${pythonFloat(epsilon)}`,
    explanation: `label_smoothing is the share ε of the target moved to a uniform distribution over the classes, so it must lie in [0, 1]; ${pythonFloat(epsilon)} is outside.`,
    hint: 'Use a small value such as label_smoothing=0.1.',
    data: { value: epsilon },
  });
}

/** C++ prints a double with up to 6 significant digits (1.5, 2, 1e+10). */
function pythonFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const s = v.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2') : String(Number(s));
}

/** log_softmax's dtype check: Long/Half/Bool inputs have no CPU kernel. */
function checkLogSoftmaxDtype(input: Tensor): void {
  if (isKernelFloat(input.dtype)) return;
  throw notImplementedError(
    input.shape.length <= 2 ? 'log_softmax_lastdim_kernel_impl' : 'softmax_kernel_impl',
    input.dtype,
  );
}

/** The per-sample numbers the fused log-softmax loop produces. */
interface RowOutputs {
  readonly perSample: Float64Array;
  readonly perElementData: ReturnType<typeof allocate>;
  readonly gradient: ReturnType<typeof allocate>;
  readonly probabilities: ReturnType<typeof allocate>;
  readonly logProbabilities: ReturnType<typeof allocate>;
  readonly predictedClass: Int32Array;
  readonly targetProbability: Float64Array;
  readonly sampleWeight: Float64Array;
  readonly nllPart: Float64Array | undefined;
  readonly smoothPart: Float64Array | undefined;
  /** Rows that are ≥ 0 and sum to 1 ± 1e-4 (softmax output fed to cross_entropy). */
  readonly softmaxRows: number;
  /** Summary mode: per sample max + log Σ exp(x − max), i.e. log Σ exp(x). */
  readonly logSumExp: Float64Array | undefined;
}

/** A summary pass's outputs: it keeps no gradient and no probabilities (a summary shows neither in full). */
function summaryOutputs(
  dtype: DType,
  parts: Omit<RowOutputs, 'gradient' | 'probabilities' | 'logProbabilities'>,
): RowOutputs {
  const none = allocate(dtype, 0);
  return { ...parts, gradient: none, probabilities: none, logProbabilities: none };
}

/**
 * One pass over the samples: log-softmax of the row, the loss, its label-smoothing split and the gradient of the
 * reported value (scaled by `scale`: 1/denominator for mean, 1 otherwise). Index targets when `t` is given, else
 * probability targets from `target`.
 */
function computeRows(
  input: Tensor,
  layout: ClassLayout,
  dtype: DType,
  epsilon: number,
  scale: number,
  weights: Float64Array | undefined,
  t: IndexTargets | undefined,
  target: Tensor | undefined,
  full = true,
  outputs?: OutputBuffers,
): RowOutputs {
  if (!full) return summaryRows(input, layout, dtype, epsilon, weights, t, target, outputs);
  const { classes: C, spatial: S, samples } = layout;
  const x = input.data;
  const perSample = new Float64Array(samples);
  const perElementData = allocate(dtype, samples);
  // Summary mode keeps nothing the size of the input: no probabilities, no gradient.
  const gradient = allocate(dtype, full ? x.length : 0);
  const probabilities = allocate(dtype, full ? samples * C : 0);
  const logProbabilities = allocate(dtype, full ? samples * C : 0);
  const logSumExp = full ? undefined : new Float64Array(samples);
  const predictedClass = new Int32Array(samples);
  const targetProbability = new Float64Array(samples).fill(NaN);
  const sampleWeight = t ? t.sampleWeight : new Float64Array(samples).fill(1);
  const smoothing = epsilon > 0;
  const nllPart = smoothing ? new Float64Array(samples) : undefined;
  const smoothPart = smoothing ? new Float64Array(samples) : undefined;
  // Holds e^{x−max} during the sum, then the probabilities.
  const expScratch = new Float64Array(C);
  const logpScratch = new Float64Array(C);
  let weightSum = 0;
  for (let c = 0; c < C; c++) weightSum += weights ? weights[c]! : 1;
  const smoothFactor = epsilon / C;
  let softmaxRows = 0;

  for (let i = 0; i < samples; i++) {
    const n = Math.floor(i / S);
    const s = i - n * S;
    const base = n * C * S + s;
    const out = i * C;
    // Row maximum (NaN never wins a comparison, and then poisons the exp sum as in PyTorch).
    let max = -Infinity;
    let argmax = 0;
    let firstNaN = -1;
    // The row minimum rather than a per-value sign test (a branch logits take either way half the time).
    let min = Infinity;
    for (let c = 0; c < C; c++) {
      const v = x[base + c * S]!;
      if (v > max) {
        max = v;
        argmax = c;
      } else if (v !== v && firstNaN < 0) firstNaN = c;
      if (v < min) min = v;
    }
    // Every value ≥ 0 (no nan): does the row sum to 1, like softmax output? Summed only then, in the same order.
    if (min >= 0 && firstNaN < 0) {
      let rowSum = 0;
      for (let c = 0; c < C; c++) rowSum += x[base + c * S]!;
      if (Math.abs(rowSum - 1) <= 1e-4) softmaxRows++;
    }
    // torch.argmax counts nan as the largest value.
    predictedClass[i] = firstNaN >= 0 ? firstNaN : argmax;
    let expSum = 0;
    for (let c = 0; c < C; c++) {
      const e = expNonPositive(x[base + c * S]! - max);
      expScratch[c] = e;
      expSum += e;
    }
    const logExpSum = Math.log(expSum);
    const invExpSum = 1 / expSum;
    if (full || smoothing || !t) {
      for (let c = 0; c < C; c++) {
        const logp = x[base + c * S]! - max - logExpSum;
        const p = expScratch[c]! * invExpSum;
        logpScratch[c] = logp;
        expScratch[c] = p;
        if (full) {
          logProbabilities[out + c] = logp;
          probabilities[out + c] = p;
        }
      }
    } else {
      // Summary mode, class-index targets without smoothing: only the target's log-probability is needed (the same
      // expressions as above, so the same numbers).
      const y = t.targetClass[i]!;
      if (y >= 0 && y < C) {
        logpScratch[y] = x[base + y * S]! - max - logExpSum;
        expScratch[y] = expScratch[y]! * invExpSum;
      }
    }
    if (logSumExp) logSumExp[i] = max + logExpSum;

    if (t) {
      const y = t.targetClass[i]!;
      if (y >= 0 && y < C) targetProbability[i] = expScratch[y]!;
      if (t.ignored[i]) continue;
      const wy = t.sampleWeight[i]!;
      const nll = (1 - epsilon) * wy * -logpScratch[y]!;
      let loss = nll;
      if (smoothing) {
        let smooth = 0;
        for (let c = 0; c < C; c++) smooth += -(logpScratch[c]! * (weights ? weights[c]! : 1));
        const smoothTerm = smoothFactor * smooth;
        nllPart![i] = nll;
        smoothPart![i] = smoothTerm;
        loss = nll + smoothTerm;
      }
      perSample[i] = loss;
      perElementData[i] = loss;
      if (!full) continue;
      // d loss / d logit_c = (1−ε)·w_y·(p_c − [c = y]) + ε/C·(Σw·p_c − w_c), times the reduction scale.
      const coefNll = (1 - epsilon) * wy * scale;
      const coefSmooth = smoothing ? smoothFactor * scale : 0;
      if (!Number.isFinite(coefNll) || !Number.isFinite(coefSmooth)) {
        // 'mean' over zero total weight: PyTorch's backward multiplies by 1/0 and the row becomes nan.
        for (let c = 0; c < C; c++) gradient[base + c * S] = NaN;
        continue;
      }
      for (let c = 0; c < C; c++) {
        const p = expScratch[c]!;
        let g = coefNll * (p - (c === y ? 1 : 0));
        if (smoothing) g += coefSmooth * (weightSum * p - (weights ? weights[c]! : 1));
        gradient[base + c * S] = g;
      }
    } else {
      const tg = target!.data;
      let loss = 0;
      let effectiveWeight = 0;
      let hardPart = 0;
      let smoothSum = 0;
      for (let c = 0; c < C; c++) {
        const tc = tg[base + c * S]!;
        const smoothed = smoothing ? tc * (1 - epsilon) + smoothFactor : tc;
        const wc = weights ? weights[c]! : 1;
        loss += -(logpScratch[c]! * smoothed * wc);
        effectiveWeight += wc * smoothed;
        if (smoothing) {
          hardPart += -(logpScratch[c]! * tc * wc);
          smoothSum += -(logpScratch[c]! * wc);
        }
      }
      perSample[i] = loss;
      perElementData[i] = loss;
      if (weights) {
        let w = 0;
        for (let c = 0; c < C; c++) w += weights[c]! * tg[base + c * S]!;
        sampleWeight[i] = w;
      }
      if (smoothing) {
        nllPart![i] = (1 - epsilon) * hardPart;
        smoothPart![i] = smoothFactor * smoothSum;
      }
      // d loss / d logit_c = p_c·Σ_k w_k·t'_k − w_c·t'_c, times the reduction scale.
      for (let c = 0; c < C; c++) {
        const tc = tg[base + c * S]!;
        const smoothed = smoothing ? tc * (1 - epsilon) + smoothFactor : tc;
        const wc = weights ? weights[c]! : 1;
        gradient[base + c * S] = scale * (expScratch[c]! * effectiveWeight - wc * smoothed);
      }
    }
  }
  return {
    perSample,
    perElementData,
    gradient,
    probabilities,
    logProbabilities,
    predictedClass,
    targetProbability,
    sampleWeight,
    nllPart,
    smoothPart,
    softmaxRows,
    logSumExp,
  };
}

/** Samples per block of the summary kernel: about 8,192 elements of scratch (one row at least). */
const BLOCK_ELEMENTS = 8192;

/**
 * A summary row that is softmax output: every value ≥ 0 and the row summing to 1 ± 1e-4 (summed only then, in order).
 * The caller asks only where it can succeed (the maximum at most 1.001, no nan). The row's values lie `step` apart.
 */
function looksLikeSoftmaxRow(rows: ArrayLike<number>, off: number, C: number, step = 1): boolean {
  let min = Infinity;
  for (let c = 0; c < C; c++) if (rows[off + c * step]! < min) min = rows[off + c * step]!;
  if (min < 0) return false;
  let rowSum = 0;
  for (let c = 0; c < C; c++) rowSum += rows[off + c * step]!;
  return Math.abs(rowSum - 1) <= 1e-4;
}

/** Where the summary passes write a sample's loss and its parts. */
interface SummaryOutputs {
  readonly perSample: Float64Array;
  readonly perElementData: Tensor['data'];
  readonly sampleWeight: Float64Array;
  readonly nllPart: Float64Array | undefined;
  readonly smoothPart: Float64Array | undefined;
}

/**
 * One sample's loss against class probabilities, in the general form (weights and/or label smoothing), shared by
 * the JavaScript and the SIMD summary passes: Σ_c −log p_c · t'_c · w_c with t' the smoothed target, and its parts.
 */
function probabilityTargetRow(
  i: number,
  rows: ArrayLike<number>,
  off: number,
  tr: ArrayLike<number>,
  toff: number,
  C: number,
  max: number,
  logExpSum: number,
  epsilon: number,
  weights: Float64Array | undefined,
  out: SummaryOutputs,
): void {
  const smoothing = epsilon > 0;
  const smoothFactor = epsilon / C;
  let loss = 0;
  let hardPart = 0;
  let smoothSum = 0;
  let w = 0;
  for (let c = 0; c < C; c++) {
    const logp = rows[off + c]! - max - logExpSum;
    const tc = tr[toff + c]!;
    const smoothed = smoothing ? tc * (1 - epsilon) + smoothFactor : tc;
    const wc = weights ? weights[c]! : 1;
    loss += -(logp * smoothed * wc);
    if (smoothing) {
      hardPart += -(logp * tc * wc);
      smoothSum += -(logp * wc);
    }
    if (weights) w += wc * tc;
  }
  out.perSample[i] = loss;
  out.perElementData[i] = loss;
  if (weights) out.sampleWeight[i] = w;
  if (smoothing) {
    out.nllPart![i] = (1 - epsilon) * hardPart;
    out.smoothPart![i] = smoothFactor * smoothSum;
  }
}

/**
 * Summary mode's pass over the samples: what {@link computeRows} gives with `full = false`, number for number (the
 * same expressions in the same order), without the input-sized tensors and without storing an exponential.
 *
 * The samples are copied block by block into a float64 scratch laid out row by row (a class row of a [N, C] input is
 * already contiguous; a [N, C, d…] map is transposed a block of positions at a time, reading each class plane in
 * order instead of striding across planes for every position), so the inner loops run over one array type: two
 * passes per row (maximum, then Σ exp), a third only for label smoothing or probability targets.
 */
function summaryRows(
  input: Tensor,
  layout: ClassLayout,
  dtype: DType,
  epsilon: number,
  weights: Float64Array | undefined,
  t: IndexTargets | undefined,
  target: Tensor | undefined,
  outputs?: OutputBuffers,
): RowOutputs {
  const kernel = input.data instanceof Float32Array && layout.classes > 0 ? softmaxRowKernel() : undefined;
  if (kernel && t && layout.spatial > 1) {
    return summaryPlanesSimd(kernel, input.data as Float32Array, layout, dtype, epsilon, weights, t, outputs);
  }
  if (kernel) return summaryRowsSimd(kernel, input.data as Float32Array, layout, dtype, epsilon, weights, t, target);
  const { classes: C, spatial: S, samples } = layout;
  const x = input.data;
  const tg = target?.data;
  const perSample = new Float64Array(samples);
  const perElementData = allocate(dtype, samples);
  const logSumExp = new Float64Array(samples);
  const predictedClass = new Int32Array(samples);
  const targetProbability = new Float64Array(samples).fill(NaN);
  const sampleWeight = t ? t.sampleWeight : new Float64Array(samples).fill(1);
  const smoothing = epsilon > 0;
  const nllPart = smoothing ? new Float64Array(samples) : undefined;
  const smoothPart = smoothing ? new Float64Array(samples) : undefined;
  const out: SummaryOutputs = { perSample, perElementData, sampleWeight, nllPart, smoothPart };
  const smoothFactor = epsilon / C;
  let softmaxRows = 0;
  const block = Math.max(1, Math.floor(BLOCK_ELEMENTS / Math.max(1, C)));
  const rows = new Float64Array(block * C);
  const targetRows = tg ? new Float64Array(block * C) : undefined;

  for (let i0 = 0; i0 < samples;) {
    let count: number;
    if (S === 1) {
      count = Math.min(block, samples - i0);
      rows.set(x.subarray(i0 * C, (i0 + count) * C));
      if (tg) targetRows!.set(tg.subarray(i0 * C, (i0 + count) * C));
    } else {
      // One block stays within one batch item n: positions s0 … s0 + count − 1 of its class planes.
      const n = Math.floor(i0 / S);
      const s0 = i0 - n * S;
      count = Math.min(block, S - s0);
      for (let c = 0; c < C; c++) {
        const from = (n * C + c) * S + s0;
        for (let k = 0; k < count; k++) rows[k * C + c] = x[from + k]!;
        if (tg) for (let k = 0; k < count; k++) targetRows![k * C + c] = tg[from + k]!;
      }
    }
    for (let k = 0; k < count; k++) {
      const i = i0 + k;
      const off = k * C;
      // Row maximum (NaN never wins a comparison, and then poisons the exp sum as in PyTorch). One comparison per
      // element: the first NaN is looked for only when the sum is nan, the argmax is the first maximum, and the
      // softmax-output check runs only where it can succeed: values ≥ 0 summing to 1 ± 1e-4 are all below 1.001.
      let max = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = rows[off + c]!;
        if (v > max) max = v;
      }
      let expSum = 0;
      for (let c = 0; c < C; c++) expSum += expNonPositive(rows[off + c]! - max);
      let firstNaN = -1;
      if (expSum !== expSum) {
        for (let c = 0; c < C && firstNaN < 0; c++) if (rows[off + c] !== rows[off + c]) firstNaN = c;
      }
      let argmax = 0;
      if (firstNaN < 0) {
        while (argmax < C && rows[off + argmax] !== max) argmax++;
        if (argmax === C) argmax = 0;
      }
      predictedClass[i] = firstNaN >= 0 ? firstNaN : argmax;
      if (max <= 1.001 && firstNaN < 0 && looksLikeSoftmaxRow(rows, off, C)) softmaxRows++;
      const logExpSum = Math.log(expSum);
      const invExpSum = 1 / expSum;
      logSumExp[i] = max + logExpSum;

      if (t) {
        const y = t.targetClass[i]!;
        const inRange = y >= 0 && y < C;
        if (inRange) targetProbability[i] = expNonPositive(rows[off + y]! - max) * invExpSum;
        if (t.ignored[i]) continue;
        const logpY = inRange ? rows[off + y]! - max - logExpSum : NaN;
        const wy = t.sampleWeight[i]!;
        const nll = (1 - epsilon) * wy * -logpY;
        let loss = nll;
        if (smoothing) {
          let smooth = 0;
          if (weights) for (let c = 0; c < C; c++) smooth += -((rows[off + c]! - max - logExpSum) * weights[c]!);
          else for (let c = 0; c < C; c++) smooth += -((rows[off + c]! - max - logExpSum) * 1);
          const smoothTerm = smoothFactor * smooth;
          nllPart![i] = nll;
          smoothPart![i] = smoothTerm;
          loss = nll + smoothTerm;
        }
        perSample[i] = loss;
        perElementData[i] = loss;
      } else {
        probabilityTargetRow(i, rows, off, targetRows!, off, C, max, logExpSum, epsilon, weights, out);
      }
    }
    i0 += count;
  }
  return summaryOutputs(dtype, {
    perSample,
    perElementData,
    predictedClass,
    targetProbability,
    sampleWeight,
    nllPart,
    smoothPart,
    softmaxRows,
    logSumExp,
  });
}

/** Elements per block of the SIMD summary kernel (a [512, 32000] row is one block). */
const SIMD_BLOCK_ELEMENTS = 16384;

/**
 * {@link summaryRows} for float32 logits with the WebAssembly kernel of ./simd.ts: each block of samples is copied
 * into the kernel's memory as float32 rows (padded with −inf to a multiple of 8), the kernel gives each row's maximum,
 * Σ exp(x − max) and where the maximum first occurs, and the per-row work left here is O(1) for class-index targets
 * without smoothing (O(C) for smoothing and probability targets, as before). A row whose maximum is not finite (a NaN
 * or ±inf in it) takes the scalar path of {@link summaryRows}, number for number.
 */
function summaryRowsSimd(
  kernel: SoftmaxRowKernel,
  x: Float32Array,
  layout: ClassLayout,
  dtype: DType,
  epsilon: number,
  weights: Float64Array | undefined,
  t: IndexTargets | undefined,
  target: Tensor | undefined,
): RowOutputs {
  const { classes: C, spatial: S, samples } = layout;
  const tg = target?.data;
  const perSample = new Float64Array(samples);
  const perElementData = allocate(dtype, samples);
  const logSumExp = new Float64Array(samples);
  const predictedClass = new Int32Array(samples);
  const targetProbability = new Float64Array(samples).fill(NaN);
  const sampleWeight = t ? t.sampleWeight : new Float64Array(samples).fill(1);
  const smoothing = epsilon > 0;
  const nllPart = smoothing ? new Float64Array(samples) : undefined;
  const smoothPart = smoothing ? new Float64Array(samples) : undefined;
  const out: SummaryOutputs = { perSample, perElementData, sampleWeight, nllPart, smoothPart };
  const smoothFactor = epsilon / C;
  let weightSum = 0;
  for (let c = 0; c < C; c++) weightSum += weights ? weights[c]! : 1;
  let softmaxRows = 0;
  const stride = (C + 7) & ~7;
  const block = Math.max(1, Math.floor(SIMD_BLOCK_ELEMENTS / stride));
  const outByte = block * stride * 4;
  // The kernel's dot products (Σ t·x and Σ t per row for plain float32 probability targets, Σ w·x for label
  // smoothing with weights that float32 holds exactly) over the row's first 4·⌊C/4⌋ values; the last C mod 4 are
  // added here. Their second operand lies at float index `second` (rows of `stride` values, or one row of weights).
  const probabilityDots = tg instanceof Float32Array && !smoothing && !weights;
  const smoothingDots = t !== undefined && smoothing && (!weights || weights.every((w) => Math.fround(w) === w));
  const second = (outByte + block * ROW_OUTPUT_BYTES) >> 2;
  const dotsByte = (second + (probabilityDots ? block * stride : stride)) * 4;
  const fullGroups = C >> 2;
  const tail = fullGroups * 4;
  kernel.reserve(probabilityDots || smoothingDots ? dotsByte + block * 16 : outByte + block * ROW_OUTPUT_BYTES);
  const rows = kernel.f32;
  const sums = kernel.f64;
  const groups = kernel.i32;
  const outF64 = outByte >> 3;
  const outF32 = outByte >> 2;
  const dotsF64 = dotsByte >> 3;
  // The padding of each row stays −inf: data never lands there.
  if (stride !== C) for (let k = 0; k < block; k++) rows.fill(-Infinity, k * stride + C, (k + 1) * stride);
  if (smoothingDots) for (let c = 0; c < C; c++) rows[second + c] = weights ? weights[c]! : 1;
  const targetRows = tg && !probabilityDots ? new Float64Array(block * C) : undefined;

  for (let i0 = 0; i0 < samples;) {
    let count: number;
    if (S === 1) {
      count = Math.min(block, samples - i0);
      if (stride === C) rows.set(x.subarray(i0 * C, (i0 + count) * C));
      else for (let k = 0; k < count; k++) rows.set(x.subarray((i0 + k) * C, (i0 + k + 1) * C), k * stride);
      if (probabilityDots) {
        if (stride === C) rows.set(tg.subarray(i0 * C, (i0 + count) * C), second);
        else for (let k = 0; k < count; k++) rows.set(tg.subarray((i0 + k) * C, (i0 + k + 1) * C), second + k * stride);
      } else if (tg) targetRows!.set(tg.subarray(i0 * C, (i0 + count) * C));
    } else {
      const n = Math.floor(i0 / S);
      const s0 = i0 - n * S;
      count = Math.min(block, S - s0);
      for (let c = 0; c < C; c++) {
        const from = (n * C + c) * S + s0;
        for (let k = 0; k < count; k++) rows[k * stride + c] = x[from + k]!;
        if (probabilityDots) for (let k = 0; k < count; k++) rows[second + k * stride + c] = tg[from + k]!;
        else if (tg) for (let k = 0; k < count; k++) targetRows![k * C + c] = tg[from + k]!;
      }
    }
    kernel.rows(0, count, stride, outByte);
    if (probabilityDots) kernel.dots(0, second, count, stride, stride, fullGroups, dotsByte);
    else if (smoothingDots) kernel.dots(0, second, count, stride, 0, fullGroups, dotsByte);
    for (let k = 0; k < count; k++) {
      const i = i0 + k;
      const off = k * stride;
      let max = rows[outF32 + 4 * k + 2]!;
      let expSum: number;
      let firstNaN = -1;
      let argmax = 0;
      if (max - max === 0) {
        // Finite maximum: no NaN in the row (the kernel's maximum propagates NaN); the first maximum lies in the
        // group the kernel found.
        expSum = sums[outF64 + 2 * k]!;
        argmax = groups[outF32 + 4 * k + 3]!;
        while (rows[off + argmax] !== max) argmax++;
      } else {
        // NaN or ±inf: summaryRows's scalar expressions.
        max = -Infinity;
        for (let c = 0; c < C; c++) if (rows[off + c]! > max) max = rows[off + c]!;
        expSum = 0;
        for (let c = 0; c < C; c++) expSum += expNonPositive(rows[off + c]! - max);
        if (expSum !== expSum) {
          for (let c = 0; c < C && firstNaN < 0; c++) if (rows[off + c] !== rows[off + c]) firstNaN = c;
        }
        if (firstNaN < 0) {
          while (argmax < C && rows[off + argmax] !== max) argmax++;
          if (argmax === C) argmax = 0;
        }
      }
      predictedClass[i] = firstNaN >= 0 ? firstNaN : argmax;
      if (max <= 1.001 && firstNaN < 0 && looksLikeSoftmaxRow(rows, off, C)) softmaxRows++;
      const logExpSum = Math.log(expSum);
      const invExpSum = 1 / expSum;
      logSumExp[i] = max + logExpSum;

      if (t) {
        const y = t.targetClass[i]!;
        const inRange = y >= 0 && y < C;
        if (inRange) targetProbability[i] = expNonPositive(rows[off + y]! - max) * invExpSum;
        if (t.ignored[i]) continue;
        const logpY = inRange ? rows[off + y]! - max - logExpSum : NaN;
        const wy = t.sampleWeight[i]!;
        const nll = (1 - epsilon) * wy * -logpY;
        let loss = nll;
        if (smoothingDots) {
          // As below, the dot product from the kernel and the last C mod 4 terms.
          let dot = sums[dotsF64 + 2 * k]!;
          for (let c = tail; c < C; c++) dot += rows[off + c]! * rows[second + c]!;
          const smoothTerm = smoothFactor * ((max + logExpSum) * weightSum - dot);
          nllPart![i] = nll;
          smoothPart![i] = smoothTerm;
          loss = nll + smoothTerm;
        } else if (smoothing) {
          // Σ_c −(x_c − max − log Σ) · w_c = (max + log Σ) · Σ_c w_c − Σ_c w_c · x_c, the dot product over four
          // accumulators (every term of the first form is ≥ 0, so the rearrangement loses nothing that matters).
          let d0 = 0;
          let d1 = 0;
          let d2 = 0;
          let d3 = 0;
          let c = 0;
          if (weights) {
            for (; c + 3 < C; c += 4) {
              d0 += rows[off + c]! * weights[c]!;
              d1 += rows[off + c + 1]! * weights[c + 1]!;
              d2 += rows[off + c + 2]! * weights[c + 2]!;
              d3 += rows[off + c + 3]! * weights[c + 3]!;
            }
            for (; c < C; c++) d0 += rows[off + c]! * weights[c]!;
          } else {
            for (; c + 3 < C; c += 4) {
              d0 += rows[off + c]!;
              d1 += rows[off + c + 1]!;
              d2 += rows[off + c + 2]!;
              d3 += rows[off + c + 3]!;
            }
            for (; c < C; c++) d0 += rows[off + c]!;
          }
          const smooth = (max + logExpSum) * weightSum - (d0 + d1 + (d2 + d3));
          const smoothTerm = smoothFactor * smooth;
          nllPart![i] = nll;
          smoothPart![i] = smoothTerm;
          loss = nll + smoothTerm;
        }
        perSample[i] = loss;
        perElementData[i] = loss;
      } else if (probabilityDots) {
        // Σ_c −(x_c − max − log Σ)·t_c = (max + log Σ)·Σ t_c − Σ t_c·x_c: the kernel's sums and the last C mod 4 terms.
        let dot = sums[dotsF64 + 2 * k]!;
        let targetSum = sums[dotsF64 + 2 * k + 1]!;
        const toff = second + off;
        for (let c = tail; c < C; c++) {
          dot += rows[toff + c]! * rows[off + c]!;
          targetSum += rows[toff + c]!;
        }
        const loss = (max + logExpSum) * targetSum - dot;
        perSample[i] = loss;
        perElementData[i] = loss;
      } else {
        const tr = targetRows!;
        const toff = k * C;
        if (!smoothing && !weights) {
          // Σ_c −(x_c − max − log Σ)·t_c = (max + log Σ)·Σ t_c − Σ t_c·x_c, over four accumulators.
          let d0 = 0;
          let d1 = 0;
          let d2 = 0;
          let d3 = 0;
          let t0 = 0;
          let t1 = 0;
          let c = 0;
          for (; c + 3 < C; c += 4) {
            d0 += tr[toff + c]! * rows[off + c]!;
            d1 += tr[toff + c + 1]! * rows[off + c + 1]!;
            d2 += tr[toff + c + 2]! * rows[off + c + 2]!;
            d3 += tr[toff + c + 3]! * rows[off + c + 3]!;
            t0 += tr[toff + c]! + tr[toff + c + 1]!;
            t1 += tr[toff + c + 2]! + tr[toff + c + 3]!;
          }
          for (; c < C; c++) {
            d0 += tr[toff + c]! * rows[off + c]!;
            t0 += tr[toff + c]!;
          }
          const loss = (max + logExpSum) * (t0 + t1) - (d0 + d1 + (d2 + d3));
          perSample[i] = loss;
          perElementData[i] = loss;
          continue;
        }
        probabilityTargetRow(i, rows, off, tr, toff, C, max, logExpSum, epsilon, weights, out);
      }
    }
    i0 += count;
  }
  return summaryOutputs(dtype, {
    perSample,
    perElementData,
    predictedClass,
    targetProbability,
    sampleWeight,
    nllPart,
    smoothPart,
    softmaxRows,
    logSumExp,
  });
}

/** Logits per block of the class-plane kernel: a block's planes stay in the core's cache. */
const PLANE_BLOCK_ELEMENTS = 32768;

/**
 * {@link summaryRows} for a float32 [N, C, d…] map with class-index targets, with the class-plane kernel of ./simd.ts:
 * each block of positions of one batch item is copied plane by plane (contiguous runs, nothing transposed) into the
 * kernel's memory, and the kernel gives each position's log Σ exp, loss −log p[y], p[y], maximum and first class
 * holding it in arrays that are copied out whole. What is left here per position: the loss's weight and label
 * smoothing's term where given (O(C) over contiguous planes for the smoothing's dot product), the zero loss of an
 * ignored position, and a look at the maximum: a position whose maximum is not finite (a NaN or ±inf there) takes the
 * scalar path of {@link summaryRows}, number for number, and one whose maximum is at most 1.001 the softmax-output
 * check.
 */
function summaryPlanesSimd(
  kernel: SoftmaxRowKernel,
  x: Float32Array,
  layout: ClassLayout,
  dtype: DType,
  epsilon: number,
  weights: Float64Array | undefined,
  t: IndexTargets,
  outputs: OutputBuffers | undefined,
): RowOutputs {
  const { classes: C, spatial: S, samples } = layout;
  const perSample = float64Output(outputs, samples);
  const perElementData =
    outputs && allocate(dtype, 0) instanceof Float32Array
      ? new Float32Array(outputs.take(samples * 4))
      : allocate(dtype, samples);
  const logSumExp = float64Output(outputs, samples);
  const predictedClass = int32Output(outputs, samples);
  const targetProbability = float64Output(outputs, samples).fill(NaN);
  const { targetClass, ignored, sampleWeight } = t;
  const smoothing = epsilon > 0;
  const nllPart = smoothing ? float64Output(outputs, samples) : undefined;
  const smoothPart = smoothing ? float64Output(outputs, samples) : undefined;
  const smoothFactor = epsilon / C;
  let weightSum = 0;
  for (let c = 0; c < C; c++) weightSum += weights ? weights[c]! : 1;
  let softmaxRows = 0;
  // Positions per block: a multiple of 8 (the kernel's two vectors per turn), no more than a batch item holds.
  const stride = Math.min(Math.max(8, Math.floor(PLANE_BLOCK_ELEMENTS / C) & ~7), (S + 7) & ~7);
  const targetsAt = C * stride;
  const outByte = (targetsAt + stride) * 4;
  kernel.reserve(outByte + stride * PLANE_OUTPUT_BYTES);
  const planes = kernel.f32;
  const ints = kernel.i32;
  const f64 = kernel.f64;
  // The output arrays, as float64, float32 and int32 indices.
  const lseAt = (outByte >> 3) + PLANE_OUTPUT.logSumExp * (stride >> 3);
  const lossAt = (outByte >> 3) + PLANE_OUTPUT.loss * (stride >> 3);
  const probabilityAt = (outByte >> 3) + PLANE_OUTPUT.targetProbability * (stride >> 3);
  const maxAt = (outByte >> 2) + PLANE_OUTPUT.max * (stride >> 2);
  const argmaxAt = (outByte >> 2) + PLANE_OUTPUT.argmax * (stride >> 2);
  const weighted = smoothing || weights !== undefined;
  // Σ_c w_c · x_c per position, for label smoothing.
  const dot = smoothing ? new Float64Array(stride) : undefined;
  const items = S > 0 ? samples / S : 0;

  for (let n = 0; n < items; n++) {
    for (let s0 = 0; s0 < S; s0 += stride) {
      const count = Math.min(stride, S - s0);
      const padded = (count + 7) & ~7;
      const i0 = n * S + s0;
      for (let c = 0; c < C; c++) {
        const from = (n * C + c) * S + s0;
        planes.set(x.subarray(from, from + count), c * stride);
        // The lanes past the last position compute on zeros; their outputs are not read.
        if (padded > count) planes.fill(0, c * stride + count, c * stride + padded);
      }
      ints.set(targetClass.subarray(i0, i0 + count), targetsAt);
      kernel.planes(0, C, stride, padded, targetsAt, outByte);
      logSumExp.set(f64.subarray(lseAt, lseAt + count), i0);
      predictedClass.set(ints.subarray(argmaxAt, argmaxAt + count), i0);
      targetProbability.set(f64.subarray(probabilityAt, probabilityAt + count), i0);
      if (!weighted) {
        // (1 − 0) · 1 · −log p[y]: the kernel's loss as it is; 0 where ignored (the kernel knows only targets that
        // are no class, and ignore_index may name one).
        perSample.set(f64.subarray(lossAt, lossAt + count), i0);
        if (t.ignoredCount > 0) for (let k = 0; k < count; k++) if (ignored[i0 + k]) perSample[i0 + k] = 0;
      } else {
        if (dot) {
          dot.fill(0);
          for (let c = 0; c < C; c++) {
            const w = weights ? weights[c]! : 1;
            const p = c * stride;
            for (let k = 0; k < count; k++) dot[k]! += planes[p + k]! * w;
          }
        }
        for (let k = 0; k < count; k++) {
          const i = i0 + k;
          if (ignored[i]) continue;
          const nll = (1 - epsilon) * sampleWeight[i]! * f64[lossAt + k]!;
          let loss = nll;
          if (dot) {
            // Σ_c −(x_c − max − log Σ) · w_c = (max + log Σ) · Σ_c w_c − Σ_c w_c · x_c, as summaryRowsSimd has it.
            const smoothTerm = smoothFactor * (f64[lseAt + k]! * weightSum - dot[k]!);
            nllPart![i] = nll;
            smoothPart![i] = smoothTerm;
            loss = nll + smoothTerm;
          }
          perSample[i] = loss;
        }
      }
      perElementData.set(perSample.subarray(i0, i0 + count), i0);
      for (let k = 0; k < count; k++) {
        const mx = planes[maxAt + k]!;
        if (mx > 1.001 && mx < Infinity) continue;
        if (mx <= 1.001 && mx !== -Infinity) {
          // A finite maximum of at most 1.001 (the kernel's numbers hold): is the position softmax output?
          if (looksLikeSoftmaxRow(planes, k, C, stride)) softmaxRows++;
          continue;
        }
        // NaN or ±inf: summaryRows's scalar expressions, over the position's values one plane apart.
        const i = i0 + k;
        let max = -Infinity;
        for (let c = 0; c < C; c++) if (planes[c * stride + k]! > max) max = planes[c * stride + k]!;
        let expSum = 0;
        for (let c = 0; c < C; c++) expSum += expNonPositive(planes[c * stride + k]! - max);
        let firstNaN = -1;
        if (expSum !== expSum) {
          for (let c = 0; c < C && firstNaN < 0; c++) {
            if (planes[c * stride + k] !== planes[c * stride + k]) firstNaN = c;
          }
        }
        let argmax = 0;
        if (firstNaN < 0) {
          while (argmax < C && planes[argmax * stride + k] !== max) argmax++;
          if (argmax === C) argmax = 0;
        }
        predictedClass[i] = firstNaN >= 0 ? firstNaN : argmax;
        if (max <= 1.001 && firstNaN < 0 && looksLikeSoftmaxRow(planes, k, C, stride)) softmaxRows++;
        const logExpSum = Math.log(expSum);
        logSumExp[i] = max + logExpSum;
        const y = targetClass[i]!;
        const inRange = y >= 0 && y < C;
        const xY = inRange ? planes[y * stride + k]! : NaN;
        targetProbability[i] = inRange ? expNonPositive(xY - max) * (1 / expSum) : NaN;
        perSample[i] = 0;
        perElementData[i] = 0;
        if (ignored[i]) continue;
        const logpY = xY - max - logExpSum;
        const nll = (1 - epsilon) * sampleWeight[i]! * -logpY;
        let loss = nll;
        if (dot) {
          const smoothTerm = smoothFactor * ((max + logExpSum) * weightSum - dot[k]!);
          nllPart![i] = nll;
          smoothPart![i] = smoothTerm;
          loss = nll + smoothTerm;
        }
        perSample[i] = loss;
        perElementData[i] = loss;
      }
    }
  }
  return summaryOutputs(dtype, {
    perSample,
    perElementData,
    predictedClass,
    targetProbability,
    sampleWeight,
    nllPart,
    smoothPart,
    softmaxRows,
    logSumExp,
  });
}

function probabilityReduction(perSample: Float64Array, reduction: Reduction, layout: ClassLayout): ReductionBreakdown {
  const n = layout.samples;
  const label = layout.spatial > 1 ? `N·d₁…d_k = ${n} positions` : `N = ${n} ${n === 1 ? 'sample' : 'samples'}`;
  return reduce(perSample, reduction, {
    denominator: n,
    denominatorLabel: label,
    why: 'with class-probability targets, CrossEntropyLoss divides by the number of samples, even when class weights are given',
  }).breakdown;
}

/** Cross-entropy over class indices or class probabilities, with weights, ignore_index and label smoothing. */
export const crossEntropy: LossDefinition = {
  name: 'cross_entropy',
  moduleName: 'CrossEntropyLoss',
  inputs: ['input', 'target'],
  defaults: CE_DEFAULTS,
  summary: 'Softmax cross-entropy of raw logits against class indices or class probabilities.',
  compute(inputs, options, settings): LossResult {
    const resolved = resolveOptions('cross_entropy', CE_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('cross_entropy', inputs, ['input', 'target']) as [Tensor, Tensor];
    const reduction = parseReduction(opts['reduction']);
    const weight = tensorOption('cross_entropy_loss', 'weight', 3, opts['weight']);
    const ignoreIndex = intOption('cross_entropy_loss', 'ignore_index', 5, opts['ignore_index'], -100);
    const givenEpsilon = floatOption('cross_entropy_loss', 'label_smoothing', 6, opts['label_smoothing'], 0);
    const epsilon = givenEpsilon > 0 ? givenEpsilon : 0;
    // PyTorch treats a target with exactly the input's shape as class probabilities.
    const probabilityTargets = sameShape(input.shape, target.shape);

    let layout: ClassLayout;
    let t: IndexTargets | undefined;
    let dtype: DType;
    let weights: Float64Array | undefined;
    if (probabilityTargets) {
      if (!isFloating(target.dtype)) throw probabilityDtypeError(input, target);
      if (ignoreIndex >= 0) {
        throw new LossLensError({
          code: 'loss/ignore-index-probabilities',
          message: 'ignore_index is not supported for floating point target',
          explanation: `The target has the input's shape ${formatShape(input.shape)}, so it is read as class probabilities, and ignore_index=${ignoreIndex} has no meaning there.`,
          hint: 'Drop ignore_index, or pass class indices (int64, without the class dimension) if you meant to ignore a class.',
          data: { ignoreIndex, shape: formatShape(input.shape) },
        });
      }
      if (input.shape.length === 0) {
        throw new LossLensError({
          code: 'loss/input-dims',
          message: 'IndexError: Dimension specified as 1 but tensor has no dimensions',
          explanation: 'The input is a 0-d scalar; CrossEntropyLoss needs one score per class ([C] or [N, C]).',
          hint: 'Pass one score per class, e.g. torch.tensor([2.0, 0.5, -1.0]).',
          data: { dims: 0 },
        });
      }
      layout = classLayout(input);
      if (weight && !(weight.shape.length === 1 && weight.shape[0] === layout.classes)) {
        throw new LossLensError({
          code: 'loss/weight-size',
          message: `cross_entropy: weight tensor should be defined either for all ${layout.classes} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`,
          explanation: `weight must hold one value per class: ${layout.classes} values, but it has shape ${formatShape(weight.shape)}.`,
          hint: `Pass a 1-D weight of length ${layout.classes}.`,
          data: { classes: layout.classes, weightShape: formatShape(weight.shape) },
        });
      }
      checkLogSoftmaxDtype(input);
      if (epsilon > 1) throw labelSmoothingRangeError(epsilon);
      dtype = promoteFloat(input.dtype, target.dtype);
      if (weight && isFloating(weight.dtype)) dtype = promoteFloat(dtype, weight.dtype);
      weights = weight ? Float64Array.from(weight.data) : undefined;
    } else {
      if (epsilon > 1) throw labelSmoothingRangeError(epsilon);
      if (input.shape.length === 0) {
        throw new LossLensError({
          code: 'loss/input-dims',
          message: 'IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
          explanation: 'The input is a 0-d scalar; CrossEntropyLoss needs one score per class ([C] or [N, C]).',
          hint: 'Pass one score per class, e.g. torch.tensor([2.0, 0.5, -1.0]).',
          data: { dims: 0 },
        });
      }
      checkLogSoftmaxDtype(input);
      // Summary mode's per-sample arrays from the worker's spares (when given); full mode's stay fresh.
      const outputs = settings?.detail === 'summary' ? settings.outputs : undefined;
      t = checkIndexTargets('cross_entropy', input, target, weight, reduction, ignoreIndex, outputs);
      layout = t.layout;
      dtype = input.dtype;
      weights = t.classWeights;
    }

    const denominator = t ? t.totalWeight : layout.samples;
    const scale = reduction === 'mean' ? 1 / denominator : 1;
    // Summary mode (large inputs): nothing the size of the input is kept, for index and probability targets alike.
    const full = settings?.detail !== 'summary';
    const rows = computeRows(
      input,
      layout,
      dtype,
      epsilon,
      scale,
      weights,
      t,
      probabilityTargets ? target : undefined,
      full,
      settings?.outputs,
    );
    const breakdown = t
      ? indexReduction('CrossEntropyLoss', rows.perSample, reduction, t)
      : probabilityReduction(rows.perSample, reduction, layout);
    // A 'mean' over zero total weight is nan even when the smoothing term's sum is not 0: PyTorch adds
    // (1−ε)·(0/0) to it.
    const value =
      reduction === 'none'
        ? NaN
        : reduction === 'mean' && denominator === 0
          ? NaN
          : // PyTorch fills the mean of an empty input with nan for probability targets, even an unbatched [0]
            // input that counts as one sample (cross_entropy_loss_prob_target: `if input.numel() == 0`).
            reduction === 'mean' && probabilityTargets && input.data.length === 0
            ? NaN
            : breakdown.numerator / breakdown.denominator;
    const perElement: Tensor = { dtype, shape: layout.outputShape, data: rows.perElementData };
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [...resolved.warnings];
    if (givenEpsilon < 0) {
      warnings.push(
        notice(
          'info',
          'info/label-smoothing-negative',
          `label_smoothing=${givenEpsilon} is negative, so PyTorch applies no smoothing.`,
          'CrossEntropyLoss only smooths when label_smoothing > 0; a negative value is silently treated as 0.',
          'Use a value in [0, 1], e.g. 0.1, or remove the argument.',
          { value: givenEpsilon },
        ),
      );
    }
    if (layout.samples > 0 && layout.classes >= 2 && rows.softmaxRows === layout.samples) {
      warnings.push(
        notice(
          'warning',
          'warn/softmax-before-ce',
          'The input looks like softmax output (every row is ≥ 0 and sums to 1), but CrossEntropyLoss expects raw logits.',
          `CrossEntropyLoss applies log_softmax itself, so probabilities get softmaxed twice: even a perfect one-hot prediction costs log(C − 1 + e) − 1 = ${fmt(Math.log(layout.classes - 1 + Math.E) - 1)} for C = ${layout.classes}, and the gradients shrink, so training stalls.`,
          'Remove the softmax before the loss and pass the raw logits (or use NLLLoss on torch.log(probabilities)).',
          { rows: layout.samples, classes: layout.classes },
        ),
      );
    }
    if (t) {
      warnings.push(...indexNotices('CrossEntropyLoss', reduction, ignoreIndex, t, breakdown.numerator));
    } else {
      if ((layout.samples === 0 || input.data.length === 0) && reduction === 'mean') {
        warnings.push(
          notice(
            'warning',
            'warn/empty-mean',
            "The batch is empty, so reduction='mean' is 0/0 = nan.",
            'CrossEntropyLoss averages over the samples, and there are none.',
            "Skip empty batches, or use reduction='sum'.",
            { samples: 0 },
          ),
        );
      }
      if (weights) {
        const w = classWeightsNotice('CrossEntropyLoss', weights);
        if (w) warnings.push(w);
      }
    }

    const C = layout.classes;
    const samples = layout.samples;
    const labelSmoothing: LabelSmoothingBreakdown | undefined =
      rows.nllPart && rows.smoothPart ? { epsilon, nllPart: rows.nllPart, smoothPart: rows.smoothPart } : undefined;
    const classification: ClassificationBreakdown = {
      classDim: layout.classDim,
      numClasses: C,
      probabilities: { dtype, shape: full ? [samples, C] : [0], data: rows.probabilities },
      logProbabilities: { dtype, shape: full ? [samples, C] : [0], data: rows.logProbabilities },
      targetClass: t ? t.targetClass : new Int32Array(samples).fill(-1),
      targetProbability: rows.targetProbability,
      predictedClass: rows.predictedClass,
      sampleWeight: rows.sampleWeight,
      ignored: t ? t.ignored : new Uint8Array(samples),
      ...(labelSmoothing ? { labelSmoothing } : {}),
    };
    return {
      fn: 'cross_entropy',
      value: !full && reduction === 'none' ? NaN : toNested(output),
      output,
      perElement,
      perSample: rows.perSample,
      reduction: breakdown,
      classification,
      gradient: full ? { input: { dtype, shape: [...input.shape], data: rows.gradient } } : {},
      // Probability targets: H(p), KL(p‖q) and H(p, q) per sample (src/core/info.ts); the values above are unchanged.
      ...(probabilityTargets && full
        ? {
            extras: informationExtras(
              informationTerms(target.data, rows.logProbabilities, layout, epsilon),
              dtype,
              layout.outputShape,
            ),
          }
        : {}),
      warnings,
      options: { ...opts, reduction },
      ...(full ? {} : { detail: 'summary' as const, summary: { logSumExp: rows.logSumExp! } }),
    };
  },
};

function probabilityDtypeError(input: Tensor, target: Tensor): LossLensError {
  const got = scalarTypeName(target.dtype);
  const classes = input.shape.length === 1 ? input.shape[0] : input.shape[1];
  const indexShape = input.shape.length <= 1 ? '[]' : formatShape([input.shape[0]!, ...input.shape.slice(2)]);
  return new LossLensError({
    code: 'loss/target-dtype',
    message: `Expected floating point type for target with class probabilities, got ${got}`,
    explanation: `The target has exactly the input's shape ${formatShape(input.shape)}, so CrossEntropyLoss reads it as class probabilities (one value per class), which must be floating point; it is ${got} (${target.dtype}). A one-hot integer target ends up here.`,
    hint: `For class indices pass target.argmax(dim=${input.shape.length === 1 ? 0 : 1}) (shape ${indexShape}); to keep probabilities use target.float().`,
    data: { got, shape: formatShape(input.shape), classes: classes ?? 0, indexShape },
  });
}

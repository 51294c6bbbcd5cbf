/**
 * The summary model for large inputs: what the webview and the CLI show when a computation is too big to break down
 * element by element (logits [512, 32000], segmentation maps [8, 21, 128, 128]).
 *
 * {@link summarize} turns a result (computed with `{ detail: 'summary' }`, or in full for small inputs) into a
 * {@link LossSummary}: the value and its reduction, the per-sample losses, the top-k worst samples, a histogram of the
 * per-sample losses, a confusion matrix of predicted vs target class, class-level aggregates (mean loss, count,
 * weight) and, for the BCE family, per-label totals. Everything in it is plain data and typed arrays, so a worker can
 * post it with its buffers transferred.
 *
 * {@link buildSummaryReport} turns a summary plus the input tensors into the webview's {@link ReportModel}: a
 * {@link LossReport} with a `large` section, and rows computed on demand, page by page: a row's probabilities are
 * recomputed from its logits and its stored log Σ exp when its page is requested, never kept for every sample.
 *
 * Pure TypeScript, no `vscode`: runs in the worker, the CLI, the extension host and mocha alike.
 */
import type { Diagnostic } from '../diagnostics';
import { formatValue, jsonNumber, reductionLines, table, type JsonNumber } from './format';
import { localizeReduction, ownText, type Locale } from '../i18n/index';
import type { LossInputs, LossOptions, LossResult, ReductionBreakdown } from '../losses/types';
import {
  baseRow,
  lossFormula,
  optionText,
  pagedModel,
  ratio,
  REPORT_SCHEMA,
  rowSortValue,
  toReportWarning,
  unravel,
  type LossReport,
  type ReportClasses,
  type ReportColumn,
  type ReportModel,
  type ReportRow,
  type RowSort,
  type RowSortKey,
} from './report';
import { allocate, numel, type DType, type Tensor } from '../tensor';

/** Files above this many bytes are read with the streaming reader and computed in summary mode. */
export const SUMMARY_THRESHOLD_BYTES = 5 * 1024 * 1024;
/** Inputs with more elements than this are computed in summary mode. */
export const SUMMARY_THRESHOLD_ELEMENTS = 1 << 20;
/** How many worst samples a summary lists. */
export const TOP_K = 20;
/** Bins of the per-sample loss histogram. */
export const HISTOGRAM_BINS = 40;
/** The most classes a confusion matrix shows; beyond it, the most frequent targets and an "other" bucket. */
export const MAX_CONFUSION_CLASSES = 24;
/** The most classes the class table lists (the largest total losses first). */
export const MAX_CLASS_ROWS = 200;
/** Rows carry the logits and recomputed probabilities of a sample when there are at most this many classes. */
export const MAX_ROW_CLASSES = 64;

/** The top-k worst samples, largest loss first (nan counts as the worst, as in the breakdown's statistics). */
export interface WorstSample {
  readonly index: number;
  readonly loss: number;
  readonly target?: number;
  readonly predicted?: number;
  readonly pTarget?: number;
}

/** A histogram of the finite per-sample losses. */
export interface LossHistogram {
  /** bins + 1 edges, from the smallest to the largest finite loss. */
  readonly edges: Float64Array;
  readonly counts: Int32Array;
  /** nan and ±inf losses, not in any bin. */
  readonly nonFinite: number;
  /** Ignored samples (loss 0 by definition), not in any bin. */
  readonly ignored: number;
}

/** Predicted vs target class counts over the non-ignored samples. */
export interface ConfusionMatrix {
  /** The classes shown, in order; −1 stands for every other class. */
  readonly classes: Int32Array;
  /** counts[r · n + c]: samples whose target is classes[r] and prediction classes[c] (n = classes.length). */
  readonly counts: Float64Array;
  /** Share of non-ignored samples predicted right (argmax = target). */
  readonly accuracy: number;
  readonly samples: number;
}

/** Per class: what the samples that target it contribute. Index = class. */
export interface ClassAggregates {
  /** w[c] (1 without class weights). */
  readonly weight: Float64Array;
  /** Non-ignored samples whose target is c. */
  readonly count: Float64Array;
  /** Σ w[yᵢ] over them. */
  readonly weightSum: Float64Array;
  /** Σ ℓᵢ over them. */
  readonly lossSum: Float64Array;
  /** Samples predicted as c. */
  readonly predicted: Float64Array;
}

/** Per-sample classification data, as the loss computed it. */
export interface SummaryClassification {
  readonly classDim: number;
  readonly numClasses: number;
  readonly targetClass: Int32Array;
  readonly predictedClass: Int32Array;
  readonly targetProbability: Float64Array;
  readonly sampleWeight: Float64Array;
  readonly ignored: Uint8Array;
  /** log Σ_c exp(x_c) per sample (cross_entropy), to recompute probabilities on demand. */
  readonly logSumExp?: Float64Array;
  readonly labelSmoothing?: {
    readonly epsilon: number;
    readonly nllPart: Float64Array;
    readonly smoothPart: Float64Array;
  };
}

/** A computation, summarised. Plain data and typed arrays only (posted from a worker with its buffers transferred). */
export interface LossSummary {
  readonly fn: string;
  /** The reduced value, or `null` for reduction='none'. */
  readonly value: number | null;
  /** The value as PyTorch prints it (4 decimals), or the first values of a reduction='none' output. */
  readonly valueText: string;
  readonly valueShape: readonly number[];
  readonly dtype: DType;
  readonly reduction: ReductionBreakdown;
  readonly options: LossOptions;
  readonly warnings: readonly Diagnostic[];
  /** The tensors' names, dtypes and shapes. */
  readonly inputs: readonly { readonly name: string; readonly dtype: DType; readonly shape: readonly number[] }[];
  readonly sampleCount: number;
  /** The sample grid: the input's shape without the class axis, or [samples]. */
  readonly sampleShape: readonly number[];
  readonly perSample: Float64Array;
  readonly classification?: SummaryClassification;
  readonly worst: readonly WorstSample[];
  readonly histogram: LossHistogram;
  readonly confusion?: ConfusionMatrix;
  readonly classes?: ClassAggregates;
  /** BCE family: Σ loss per label (last axis), and the positive/negative split. */
  readonly perLabel?: Float64Array;
  readonly positives?: { readonly count: number; readonly lossSum: number };
  readonly negatives?: { readonly count: number; readonly lossSum: number };
  readonly stats: { readonly min: number; readonly max: number; readonly mean: number; readonly ignoredCount: number };
}

// ---------------------------------------------------------------------------------------------------------------
// Building the summary

/** Neumaier-compensated sum (the same total the reduction reports). */
function total(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return Number.isFinite(s) ? s + c : s;
}

/** True when loss `a` ranks worse than loss `b` (nan is the worst; ties keep the lower index first). */
function worse(a: number, b: number): boolean {
  if (Number.isNaN(a)) return !Number.isNaN(b);
  return !Number.isNaN(b) && a > b;
}

/** Indices of the k largest losses, largest first. */
export function worstIndices(perSample: ArrayLike<number>, k: number, skip?: Uint8Array): number[] {
  const best: number[] = [];
  // The k-th worst loss so far (once k are kept): a number no worse than it is passed over with one comparison
  // (worse(v, bar) is v > bar for a number v).
  let bar = NaN;
  for (let i = 0; i < perSample.length; i++) {
    const v = perSample[i]!;
    if (best.length === k && v === v && !(v > bar)) continue;
    if (skip?.[i]) continue;
    if (best.length === k && !worse(v, perSample[best[k - 1]!]!)) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(i);
    while (at > 0 && worse(v, perSample[best[at - 1]!]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = i;
    if (best.length === k) bar = perSample[best[k - 1]!]!;
  }
  return best;
}

/** A histogram of the finite losses of the non-ignored samples. */
export function lossHistogram(perSample: ArrayLike<number>, bins: number, ignored?: Uint8Array): LossHistogram {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  let ignoredCount = 0;
  const n = perSample.length;
  for (let i = 0; i < n; i++) {
    if (ignored !== undefined && ignored[i]! > 0) {
      ignoredCount++;
      continue;
    }
    const v = perSample[i]!;
    // v − v is 0 exactly for a finite v (nan for nan and ±inf)
    if (v - v !== 0) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return binLosses(perSample, bins, ignored, { min, max, nonFinite, ignoredCount });
}

/** What {@link lossHistogram}'s first pass finds: the range of the finite, non-ignored losses, and the others' counts. */
interface LossRange {
  readonly min: number;
  readonly max: number;
  readonly nonFinite: number;
  readonly ignoredCount: number;
}

/** {@link lossHistogram}'s second pass: the bins over the range the first found (summarize finds it in its own). */
function binLosses(
  perSample: ArrayLike<number>,
  bins: number,
  ignored: Uint8Array | undefined,
  { min, max, nonFinite, ignoredCount }: LossRange,
): LossHistogram {
  const n = perSample.length;
  const counts = new Int32Array(min <= max ? bins : 0);
  const edges = new Float64Array(counts.length === 0 ? 0 : bins + 1);
  if (counts.length > 0) {
    const width = (max - min) / bins;
    for (let b = 0; b <= bins; b++) edges[b] = b === bins ? max : min + b * width;
    for (let i = 0; i < n; i++) {
      if (ignored !== undefined && ignored[i]! > 0) continue;
      const v = perSample[i]!;
      if (v - v !== 0) continue;
      // (v − min) / width lies in [0, bins]: truncation is its floor.
      let b = width > 0 ? ((v - min) / width) | 0 : 0;
      if (b > bins - 1) b = bins - 1;
      counts[b]!++;
    }
  }
  return { edges, counts, nonFinite, ignored: ignoredCount };
}

/** The confusion matrix of predicted vs target class, folding classes beyond the most frequent into "other". */
export function confusionMatrix(c: SummaryClassification, maxClasses = MAX_CONFUSION_CLASSES): ConfusionMatrix {
  const C = c.numClasses;
  const n = c.targetClass.length;
  let shown: number[];
  if (C <= maxClasses) {
    shown = Array.from({ length: C }, (_, k) => k);
  } else {
    const frequency = new Float64Array(C);
    for (let i = 0; i < n; i++) {
      const y = c.targetClass[i]!;
      if (!c.ignored[i] && y >= 0 && y < C) frequency[y]!++;
    }
    // The most frequent targets, ties by class index: only the classes that occur are sorted (at most one per
    // sample, where a 32,000-class vocabulary has 32,000 classes), then the first classes that never occur fill up.
    const occurring: number[] = [];
    for (let k = 0; k < C; k++) if (frequency[k]! > 0) occurring.push(k);
    occurring.sort((a, b) => frequency[b]! - frequency[a]! || a - b);
    shown = occurring.slice(0, maxClasses - 1);
    for (let k = 0; k < C && shown.length < maxClasses - 1; k++) if (frequency[k] === 0) shown.push(k);
    shown.sort((a, b) => a - b);
    shown.push(-1);
  }
  // Class → row of the matrix (the "other" row for classes not shown).
  const size = shown.length;
  const slot = new Int32Array(C).fill(size - 1);
  shown.forEach((k, s) => {
    if (k >= 0) slot[k] = s;
  });
  // Counted in int32 (an increment of a float64 cell waits for the previous one longer), returned as float64.
  const tally = new Int32Array(size * size);
  let correct = 0;
  let samples = 0;
  const { targetClass, predictedClass, ignored } = c;
  for (let i = 0; i < n; i++) {
    const y = targetClass[i]!;
    if (ignored[i]! > 0 || y < 0 || y >= C) continue;
    const p = predictedClass[i]!;
    samples++;
    if (p === y) correct++;
    tally[slot[y]! * size + (p >= 0 && p < C ? slot[p]! : size - 1)]!++;
  }
  const counts = Float64Array.from(tally);
  return { classes: Int32Array.from(shown), counts, accuracy: samples > 0 ? correct / samples : NaN, samples };
}

/** Class-level aggregates over the non-ignored samples. */
export function classAggregates(
  c: SummaryClassification,
  perSample: ArrayLike<number>,
  weights?: ArrayLike<number>,
): ClassAggregates {
  const C = c.numClasses;
  const weight = new Float64Array(C).fill(1);
  if (weights) for (let k = 0; k < C; k++) weight[k] = weights[k]!;
  // Counts in int32 (returned as float64), as in confusionMatrix.
  const count = new Int32Array(C);
  const weightSum = new Float64Array(C);
  const lossSum = new Float64Array(C);
  const predicted = new Int32Array(C);
  const { targetClass, predictedClass, ignored, sampleWeight } = c;
  const n = targetClass.length;
  for (let i = 0; i < n; i++) {
    const p = predictedClass[i]!;
    if (p >= 0 && p < C) predicted[p]!++;
    const y = targetClass[i]!;
    if (ignored[i]! > 0 || y < 0 || y >= C) continue;
    count[y]!++;
    weightSum[y]! += sampleWeight[i]!;
    lossSum[y]! += perSample[i]!;
  }
  return {
    weight,
    count: Float64Array.from(count),
    weightSum,
    lossSum,
    predicted: Float64Array.from(predicted),
  };
}

/**
 * {@link confusionMatrix} and {@link classAggregates} of the same samples, in one pass where the matrix shows every
 * class (C ≤ MAX_CONFUSION_CLASSES: each class is its own row, a prediction outside the classes counts in the last);
 * the same numbers as the two functions give.
 */
function classTables(
  c: SummaryClassification,
  perSample: ArrayLike<number>,
  weights?: ArrayLike<number>,
): { confusion: ConfusionMatrix; classes: ClassAggregates } {
  const C = c.numClasses;
  if (C > MAX_CONFUSION_CLASSES || C === 0) {
    return { confusion: confusionMatrix(c), classes: classAggregates(c, perSample, weights) };
  }
  const weight = new Float64Array(C).fill(1);
  if (weights) for (let k = 0; k < C; k++) weight[k] = weights[k]!;
  const count = new Int32Array(C);
  const weightSum = new Float64Array(C);
  const lossSum = new Float64Array(C);
  const predicted = new Int32Array(C);
  const tally = new Int32Array(C * C);
  let correct = 0;
  let samples = 0;
  const { targetClass, predictedClass, ignored, sampleWeight } = c;
  const n = targetClass.length;
  for (let i = 0; i < n; i++) {
    const p = predictedClass[i]!;
    const known = p >= 0 && p < C;
    if (known) predicted[p]!++;
    const y = targetClass[i]!;
    if (ignored[i]! > 0 || y < 0 || y >= C) continue;
    count[y]!++;
    weightSum[y]! += sampleWeight[i]!;
    lossSum[y]! += perSample[i]!;
    samples++;
    if (p === y) correct++;
    tally[y * C + (known ? p : C - 1)]!++;
  }
  return {
    confusion: {
      classes: Int32Array.from({ length: C }, (_, k) => k),
      counts: Float64Array.from(tally),
      accuracy: samples > 0 ? correct / samples : NaN,
      samples,
    },
    classes: { weight, count: Float64Array.from(count), weightSum, lossSum, predicted: Float64Array.from(predicted) },
  };
}

function tensorOptionValues(v: LossOptions[string] | undefined): ArrayLike<number> | undefined {
  return v !== null && typeof v === 'object' ? v.data : undefined;
}

/** The value as PyTorch prints it: `0.5514`, or the first values of a reduction='none' output. */
function valueTextOf(result: LossResult): string {
  const out = result.output;
  if (out.shape.length === 0) return formatValue(out.data[0]!);
  const shown = Array.from(out.data.subarray(0, 6), (v) => formatValue(v));
  return `[${shown.join(', ')}${numel(out.shape) > 6 ? ', …' : ''}]`;
}

/**
 * Summarises a result for large inputs. `inputs` are the tensors it was computed on (for names, shapes and the
 * sample grid). Works on a summary-mode result and on a full one alike.
 */
export function summarize(result: LossResult, inputs: LossInputs): LossSummary {
  const perSample = result.perSample;
  const sampleCount = perSample.length;
  const cls = result.classification;
  const classIndex = cls !== undefined && cls.classDim >= 0 && cls.targetClass.length === sampleCount;
  const classification: SummaryClassification | undefined = classIndex
    ? {
        classDim: cls.classDim,
        numClasses: cls.numClasses,
        targetClass: cls.targetClass,
        predictedClass: cls.predictedClass,
        targetProbability: cls.targetProbability,
        sampleWeight: cls.sampleWeight,
        ignored: cls.ignored,
        ...(result.summary?.logSumExp ? { logSumExp: result.summary.logSumExp } : {}),
        ...(cls.labelSmoothing ? { labelSmoothing: cls.labelSmoothing } : {}),
      }
    : undefined;
  const indexTargets =
    classification !== undefined && Array.from(classification.targetClass.subarray(0, 1000)).some((t) => t >= 0);
  const ignored = classification?.ignored;
  const worst = worstIndices(perSample, TOP_K).map((i): WorstSample => ({
    index: i,
    loss: perSample[i]!,
    ...(classification
      ? {
          predicted: classification.predictedClass[i]!,
          ...(indexTargets
            ? { target: classification.targetClass[i]!, pTarget: classification.targetProbability[i]! }
            : {}),
        }
      : {}),
  }));
  // One pass for the statistics, the mean's compensated sum (total's, step for step) and the histogram's range.
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let compensation = 0;
  let finiteMin = Infinity;
  let finiteMax = -Infinity;
  let nonFinite = 0;
  let ignoredInRange = 0;
  for (let i = 0; i < sampleCount; i++) {
    const v = perSample[i]!;
    // Math.min and Math.max keep a nan once it comes.
    min = Math.min(min, v);
    max = Math.max(max, v);
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    if (ignored !== undefined && ignored[i]! > 0) ignoredInRange++;
    else if (v - v !== 0) nonFinite++;
    else {
      if (v < finiteMin) finiteMin = v;
      if (v > finiteMax) finiteMax = v;
    }
  }
  const mean = (Number.isFinite(sum) ? sum + compensation : sum) / sampleCount;
  let ignoredCount = ignoredInRange;
  if (ignored && ignored.length !== sampleCount) {
    ignoredCount = 0;
    for (let i = 0; i < ignored.length; i++) ignoredCount += ignored[i]!;
  }
  const histogram = binLosses(perSample, HISTOGRAM_BINS, ignored, {
    min: finiteMin,
    max: finiteMax,
    nonFinite,
    ignoredCount: ignoredInRange,
  });
  const main = inputs.input ?? inputs.log_probs ?? inputs.input1 ?? Object.values(inputs)[0];
  let sampleShape: number[] = [sampleCount];
  if (main && classification && classification.classDim < main.shape.length) {
    const grid = main.shape.filter((_, d) => d !== classification.classDim);
    if (numel(grid) === sampleCount) sampleShape = grid;
  } else if (main && main.shape.length >= 1 && main.shape[0] === sampleCount) {
    sampleShape = [sampleCount];
  }
  const s = result.summary;
  return {
    fn: result.fn,
    value: result.output.shape.length === 0 ? result.output.data[0]! : null,
    valueText: valueTextOf(result),
    valueShape: [...result.output.shape],
    dtype: result.output.dtype,
    reduction: result.reduction,
    options: result.options,
    warnings: result.warnings,
    inputs: Object.entries(inputs).map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] })),
    sampleCount,
    sampleShape,
    perSample,
    ...(classification ? { classification } : {}),
    worst,
    histogram,
    ...(classification && indexTargets
      ? classTables(classification, perSample, tensorOptionValues(result.options.weight))
      : {}),
    ...(s?.perLabel && s.perLabel.length > 0 ? { perLabel: s.perLabel } : {}),
    ...(s?.positives ? { positives: s.positives } : {}),
    ...(s?.negatives ? { negatives: s.negatives } : {}),
    stats: {
      min: sampleCount > 0 ? min : NaN,
      max: sampleCount > 0 ? max : NaN,
      mean: sampleCount > 0 ? mean : NaN,
      ignoredCount,
    },
  };
}

/**
 * A result as summary mode would give it: a loss without a summary path computed in full drops its input-sized
 * tensors (probabilities, gradients, extra terms, a big unreduced value), keeping the value and everything per sample.
 */
export function toSummaryResult(result: LossResult): LossResult {
  if (result.detail === 'summary') return result;
  const c = result.classification;
  // A fresh empty array, not a view: posting a view would copy the whole buffer behind it.
  const empty = (t: Tensor): Tensor => ({ dtype: t.dtype, shape: [0], data: allocate(t.dtype, 0) });
  const bigElements = numel(result.perElement.shape) > SUMMARY_THRESHOLD_ELEMENTS;
  const { extras: _extras, ...rest } = result;
  return {
    ...rest,
    value: Array.isArray(result.value) && bigElements ? NaN : result.value,
    perElement: bigElements && result.reduction.reduction !== 'none' ? empty(result.perElement) : result.perElement,
    ...(c
      ? { classification: { ...c, probabilities: empty(c.probabilities), logProbabilities: empty(c.logProbabilities) } }
      : {}),
    gradient: {},
    detail: 'summary',
  };
}

/** The buffers of a summary's typed arrays, for `postMessage(summary, transfer)`. */
export function summaryTransferables(summary: LossSummary): ArrayBuffer[] {
  const arrays: (ArrayBufferView | undefined)[] = [
    summary.perSample,
    summary.histogram.edges,
    summary.histogram.counts,
    summary.confusion?.classes,
    summary.confusion?.counts,
    summary.perLabel,
    ...(summary.classes ? Object.values(summary.classes) : []),
    ...(summary.classification
      ? [
          summary.classification.targetClass,
          summary.classification.predictedClass,
          summary.classification.targetProbability,
          summary.classification.sampleWeight,
          summary.classification.ignored,
          summary.classification.logSumExp,
          summary.classification.labelSmoothing?.nllPart,
          summary.classification.labelSmoothing?.smoothPart,
        ]
      : []),
  ];
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0) seen.add(a.buffer);
  return [...seen];
}

// ---------------------------------------------------------------------------------------------------------------
// The report the webview draws

/** One of the worst samples, JSON-safe. */
export interface ReportWorstSample {
  readonly index: number;
  readonly position: readonly number[];
  readonly loss: JsonNumber;
  readonly target?: number;
  readonly predicted?: number;
  readonly pTarget?: JsonNumber;
}

/** The summary parts of a report for a large input (`LossReport.large`). */
export interface ReportLarge {
  readonly worst: readonly ReportWorstSample[];
  readonly histogram: {
    readonly edges: readonly JsonNumber[];
    readonly counts: readonly number[];
    readonly nonFinite: number;
    readonly ignored: number;
  };
  readonly confusion?: {
    /** Class indices shown, −1 for "other". */
    readonly classes: readonly number[];
    readonly labels: readonly string[];
    /** Row-major counts, rows = target, columns = predicted. */
    readonly counts: readonly number[];
    readonly accuracy: JsonNumber;
    readonly samples: number;
  };
  readonly classAggregates?: {
    readonly rows: readonly {
      readonly classIndex: number;
      readonly name: string;
      readonly count: number;
      readonly weight: JsonNumber;
      readonly weightSum: JsonNumber;
      readonly lossSum: JsonNumber;
      readonly meanLoss: JsonNumber;
      readonly share: JsonNumber;
      readonly predicted: number;
    }[];
    /** Classes with at least one target (the rows are the ones with the largest total loss). */
    readonly classesWithTargets: number;
    readonly numClasses: number;
  };
  readonly perLabel?: readonly { readonly index: number; readonly name: string; readonly total: JsonNumber }[];
  /** Elements of the input, and of the largest tensor, for the header. */
  readonly elements: number;
}

/** What {@link buildSummaryReport} needs besides the summary. */
export interface SummaryReportContext {
  readonly id?: string;
  readonly title?: string;
  /** The tensors the summary was computed on: rows read logits and targets from them. */
  readonly inputs?: LossInputs;
  readonly classNames?: readonly string[];
}

/**
 * The webview's model for a summary: a {@link LossReport} with a `large` section (top-k worst, histogram, confusion
 * matrix, class aggregates) and rows built on demand. For ≤ {@link MAX_ROW_CLASSES} classes a row carries its logits
 * and probabilities, recomputed from the logits and the stored log Σ exp when its page is asked for.
 */
export function buildSummaryReport(summary: LossSummary, context: SummaryReportContext = {}): ReportModel {
  const inputs = context.inputs ?? {};
  const { perSample, sampleCount, sampleShape } = summary;
  const c = summary.classification;
  const numClasses = c ? c.numClasses : 0;
  const red = summary.reduction;
  const numerator = red.numerator;
  const denominator = red.reduction === 'none' ? 1 : red.denominator;
  const name = (k: number): string => (k < 0 ? 'other' : (context.classNames?.[k] ?? String(k)));
  const indexTargets = summary.confusion !== undefined;
  const main: Tensor | undefined = inputs.input ?? inputs.log_probs;
  const softmax = summary.fn === 'cross_entropy' && c?.logSumExp !== undefined;
  const rowVectors =
    c !== undefined &&
    main !== undefined &&
    numClasses <= MAX_ROW_CLASSES &&
    numel(main.shape) === sampleCount * numClasses;
  const inner = main && c ? numel(main.shape.slice(c.classDim + 1)) : 1;
  const elementAt = (i: number, k: number): number => {
    const outer = Math.floor(i / inner);
    return main!.data[(outer * numClasses + k) * inner + (i % inner)]!;
  };

  const columns: ReportColumn[] = ['index', 'position'];
  if (rowVectors) columns.push('inputs');
  if (rowVectors && (softmax || summary.fn === 'nll_loss')) columns.push('probabilities');
  if (indexTargets) columns.push('target');
  if (c) columns.push('predicted');
  if (indexTargets) columns.push('pTarget', 'negLogP');
  if (c) columns.push('weight', 'ignored');
  columns.push('loss', 'share', 'contribution');
  const ls = c?.labelSmoothing;
  if (ls) columns.push('nllPart', 'smoothPart');
  const has = new Set(columns);

  const buildRow = (i: number): ReportRow => {
    const loss = perSample[i]!;
    const row = baseRow(i, loss, sampleShape, numerator, denominator);
    if (c) {
      const y = c.targetClass[i]!;
      if (has.has('inputs')) {
        const logits = Array.from({ length: numClasses }, (_, k) => elementAt(i, k));
        row.inputs = logits.map(jsonNumber);
        if (has.has('probabilities')) {
          // Recomputed now, for this row only: softmax from log Σ exp (cross_entropy), exp of log-probabilities (nll).
          const lse = softmax ? c.logSumExp![i]! : 0;
          row.probabilities = logits.map((x) => jsonNumber(Math.exp(x - lse)));
        }
      }
      if (has.has('target')) row.target = y;
      row.predicted = c.predictedClass[i]!;
      if (has.has('pTarget')) {
        const p = c.targetProbability[i]!;
        row.pTarget = jsonNumber(p);
        let negLogP = -Math.log(p);
        if (main && y >= 0 && y < numClasses && numel(main.shape) === sampleCount * numClasses) {
          if (softmax) negLogP = c.logSumExp![i]! - elementAt(i, y);
          else if (summary.fn === 'nll_loss') negLogP = -elementAt(i, y);
        }
        row.negLogP = jsonNumber(c.ignored[i] ? NaN : negLogP);
      }
      row.weight = jsonNumber(c.sampleWeight[i]!);
      row.ignored = c.ignored[i] === 1;
      if (ls) {
        row.nllPart = jsonNumber(ls.nllPart[i]!);
        row.smoothPart = jsonNumber(ls.smoothPart[i]!);
      }
    }
    return row as unknown as ReportRow;
  };

  // Class table: every class when there are few; the large section lists the heaviest ones otherwise.
  const agg = summary.classes;
  let classes: ReportClasses | undefined;
  const weights = summary.options.weight;
  const weightValues = weights !== null && typeof weights === 'object' ? Array.from(weights.data) : null;
  if (agg && numClasses <= MAX_CLASS_ROWS) {
    const lossTotal = total(agg.lossSum);
    classes = {
      weights: weightValues ? weightValues.map(jsonNumber) : null,
      probabilityTargets: false,
      rows: Array.from({ length: numClasses }, (_, k) => ({
        classIndex: k,
        name: name(k),
        weight: jsonNumber(agg.weight[k]!),
        count: jsonNumber(agg.count[k]!),
        weightSum: jsonNumber(agg.weightSum[k]!),
        lossSum: jsonNumber(agg.lossSum[k]!),
        share: jsonNumber(ratio(agg.lossSum[k]!, lossTotal)),
        contribution: jsonNumber(ratio(agg.lossSum[k]!, denominator)),
        meanProbability: 'nan' as JsonNumber,
      })),
    };
  }
  let classAggregatesView: ReportLarge['classAggregates'];
  if (agg) {
    const lossTotal = total(agg.lossSum);
    const withTarget: number[] = [];
    for (let k = 0; k < numClasses; k++) if (agg.count[k]! > 0) withTarget.push(k);
    const withTargets = withTarget.length;
    const order = withTarget.sort((a, b) => agg.lossSum[b]! - agg.lossSum[a]! || a - b).slice(0, MAX_CLASS_ROWS);
    classAggregatesView = {
      rows: order.map((k) => ({
        classIndex: k,
        name: name(k),
        count: agg.count[k]!,
        weight: jsonNumber(agg.weight[k]!),
        weightSum: jsonNumber(agg.weightSum[k]!),
        lossSum: jsonNumber(agg.lossSum[k]!),
        meanLoss: jsonNumber(ratio(agg.lossSum[k]!, agg.count[k]!)),
        share: jsonNumber(ratio(agg.lossSum[k]!, lossTotal)),
        predicted: agg.predicted[k]!,
      })),
      classesWithTargets: withTargets,
      numClasses,
    };
  }
  const confusion = summary.confusion;
  const large: ReportLarge = {
    worst: summary.worst.map((w) => ({
      index: w.index,
      position: unravel(w.index, sampleShape),
      loss: jsonNumber(w.loss),
      ...(w.target !== undefined ? { target: w.target } : {}),
      ...(w.predicted !== undefined ? { predicted: w.predicted } : {}),
      ...(w.pTarget !== undefined ? { pTarget: jsonNumber(w.pTarget) } : {}),
    })),
    histogram: {
      edges: Array.from(summary.histogram.edges, jsonNumber),
      counts: Array.from(summary.histogram.counts),
      nonFinite: summary.histogram.nonFinite,
      ignored: summary.histogram.ignored,
    },
    ...(confusion
      ? {
          confusion: {
            classes: Array.from(confusion.classes),
            labels: Array.from(confusion.classes, name),
            counts: Array.from(confusion.counts),
            accuracy: jsonNumber(confusion.accuracy),
            samples: confusion.samples,
          },
        }
      : {}),
    ...(classAggregatesView ? { classAggregates: classAggregatesView } : {}),
    ...(summary.perLabel
      ? {
          perLabel: Array.from(summary.perLabel.subarray(0, MAX_CLASS_ROWS), (v, k) => ({
            index: k,
            name: name(k),
            total: jsonNumber(v),
          })),
        }
      : {}),
    elements: Math.max(0, ...summary.inputs.map((t) => numel(t.shape))),
  };

  const report: LossReport = {
    schema: REPORT_SCHEMA,
    id: context.id ?? 'report',
    fn: summary.fn,
    title: context.title ?? summary.fn,
    kind: c ? 'classification' : 'elementwise',
    value: summary.value === null ? null : jsonNumber(summary.value),
    valueShape: summary.valueShape,
    valueText: summary.valueText,
    formula: lossFormula(summary.fn, summary.options, false),
    reduction: {
      reduction: red.reduction,
      numerator: jsonNumber(numerator),
      denominator: red.reduction === 'none' ? null : jsonNumber(red.denominator),
      denominatorLabel: red.denominatorLabel,
      why: red.why,
      expression:
        red.reduction === 'none'
          ? `Σ = ${formatValue(numerator)}`
          : `${formatValue(numerator)} / ${Number.isInteger(red.denominator) ? String(red.denominator) : formatValue(red.denominator)} = ${formatValue(summary.value ?? ratio(numerator, red.denominator))}`,
    },
    inputs: summary.inputs,
    options: Object.entries(summary.options).map(([k, v]) => ({ name: k, text: optionText(v) })),
    sampleCount,
    sampleShape,
    numClasses,
    // Class names for labels; beyond the class table's size the index stands for itself.
    classNames: Array.from({ length: numClasses <= MAX_CLASS_ROWS ? numClasses : 0 }, (_, k) => name(k)),
    inputsLabel:
      summary.fn === 'cross_entropy' || summary.fn === 'binary_cross_entropy_with_logits'
        ? 'logits'
        : summary.fn === 'nll_loss'
          ? 'log-probabilities'
          : summary.fn === 'binary_cross_entropy'
            ? 'probabilities'
            : 'input',
    columns,
    stats: {
      min: jsonNumber(summary.stats.min),
      max: jsonNumber(summary.stats.max),
      mean: jsonNumber(summary.stats.mean),
      worstIndex: summary.worst[0]?.index ?? -1,
      ignoredCount: summary.stats.ignoredCount,
    },
    ...(classes ? { classes } : {}),
    ...(ls
      ? {
          labelSmoothing: (() => {
            const nllTotal = total(ls.nllPart);
            const smoothTotal = total(ls.smoothPart);
            return {
              epsilon: ls.epsilon,
              nllTotal: jsonNumber(nllTotal),
              smoothTotal: jsonNumber(smoothTotal),
              nllShare: jsonNumber(ratio(nllTotal, nllTotal + smoothTotal)),
              smoothShare: jsonNumber(ratio(smoothTotal, nllTotal + smoothTotal)),
            };
          })(),
        }
      : {}),
    gradients: [],
    ...(summary.positives && summary.negatives
      ? {
          bce: {
            withLogits: summary.fn === 'binary_cross_entropy_with_logits',
            posWeight: tensorValuesJson(summary.options.pos_weight),
            weight: tensorValuesJson(summary.options.weight),
            perLabel: (summary.perLabel ? Array.from(summary.perLabel.subarray(0, MAX_CLASS_ROWS)) : []).map(
              (v, k, all) => ({
                classIndex: k,
                name: name(k),
                total: jsonNumber(v),
                share: jsonNumber(ratio(v, total(all))),
              }),
            ),
            positives: { count: summary.positives.count, lossSum: jsonNumber(summary.positives.lossSum) },
            negatives: { count: summary.negatives.count, lossSum: jsonNumber(summary.negatives.lossSum) },
          },
        }
      : {}),
    terms: [],
    warnings: summary.warnings.map(toReportWarning),
    large,
  };

  const orders = new Map<string, Int32Array>();
  const sortValue = (key: RowSortKey, i: number): number => rowSortValue(key, i, perSample, c);
  const order = (sort: RowSort): Int32Array => {
    const cacheKey = `${sort.key}:${sort.descending}`;
    let cached = orders.get(cacheKey);
    if (!cached) {
      const values = new Float64Array(sampleCount);
      for (let i = 0; i < sampleCount; i++) values[i] = sortValue(sort.key, i);
      cached = argsort(values, sort.descending);
      orders.set(cacheKey, cached);
    }
    return cached;
  };
  return pagedModel(report, sampleCount, order, buildRow);
}

/** True where typed arrays store the low word of a double first (every platform VS Code runs on). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Bits per radix digit: 2,048 buckets, whose write positions stay in the CPU cache (65,536 of them would not). */
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
/** A 32-bit word's digits: 11 + 11 + 10 bits, lowest first. */
const DIGITS = 3;
/** Runs of equal high words up to this length are ordered by insertion, longer ones by radix passes. */
const SHORT_RUN = 48;

/**
 * The indices of `values` in ascending (or descending) order, ties in index order, NaN last either way: the order the
 * table pages through. A stable radix sort on the doubles' bits, so sorting the rows of a segmentation map
 * (10⁵–10⁶ samples) takes tens of milliseconds, not the seconds-long comparator sort.
 *
 * Each double is a 64-bit key (its bits, made to sort like the numbers) in two words. The high word (sign, exponent
 * and 20 bits of mantissa) is sorted with three 11-bit LSD passes that move the word with its index (sequential reads,
 * scattered writes into 2,048 buckets whose heads stay in cache; a digit that is the same for every key is skipped).
 * Keys whose high words tie, which are few and short for real losses, are then ordered by their low words.
 */
export function argsort(values: Float64Array, descending = false): Int32Array {
  const n = values.length;
  if (!LITTLE_ENDIAN) return comparatorArgsort(values, descending);
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n); // [low, high] per value
  // The finite values' high keys and indices in index order, their low keys by index, the NaNs' indices for the end.
  // A key is an unsigned word that sorts like the number: every bit of a negative flipped, the sign bit of the rest
  // (and every bit once more for descending, which keeps ties in index order because the sort is stable).
  let high = new Uint32Array(n);
  let index = new Int32Array(n);
  const low = new Uint32Array(n);
  const nans: number[] = [];
  const flip = descending ? 0xffffffff : 0;
  const count = new Int32Array(DIGITS * BUCKETS);
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) {
      nans.push(i);
      continue;
    }
    // −0 is 0: equal values tie.
    const hi = v === 0 ? 0 : words[2 * i + 1]!;
    const lo = v === 0 ? 0 : words[2 * i]!;
    const negative = hi >>> 31 === 1;
    const key = (negative ? ~hi : hi | 0x80000000) ^ flip;
    low[i] = (negative ? ~lo : lo) ^ flip;
    high[finite] = key;
    index[finite++] = i;
    count[key & DIGIT_MASK]!++;
    count[BUCKETS + ((key >>> DIGIT_BITS) & DIGIT_MASK)]!++;
    count[2 * BUCKETS + (key >>> (2 * DIGIT_BITS))]!++;
  }

  let highInto = new Uint32Array(n);
  let indexInto = new Int32Array(n);
  for (let d = 0; d < DIGITS; d++) {
    if (!bucketStarts(count, d, finite)) continue;
    const shift = d * DIGIT_BITS;
    const base = d * BUCKETS;
    for (let k = 0; k < finite; k++) {
      const key = high[k]!;
      const at = count[base + ((key >>> shift) & DIGIT_MASK)]!++;
      highInto[at] = key;
      indexInto[at] = index[k]!;
    }
    [high, highInto] = [highInto, high];
    [index, indexInto] = [indexInto, index];
  }

  // Runs of equal high words, in index order so far: order each by its low words, stably.
  for (let start = 0; start < finite;) {
    const key = high[start]!;
    let end = start + 1;
    while (end < finite && high[end] === key) end++;
    if (end - start > SHORT_RUN) sortRunByLow(index, start, end, low, indexInto);
    else if (end - start > 1) {
      for (let k = start + 1; k < end; k++) {
        const i = index[k]!;
        const lo = low[i]!;
        let j = k;
        for (; j > start && low[index[j - 1]!]! > lo; j--) index[j] = index[j - 1]!;
        index[j] = i;
      }
    }
    start = end;
  }
  for (let k = 0; k < nans.length; k++) index[finite + k] = nans[k]!;
  return index;
}

/**
 * Turns the histogram of digit `d` (in `count`) into bucket starts; false when one bucket holds all `total` keys, so
 * that digit orders nothing and its pass is skipped.
 */
function bucketStarts(count: Int32Array, d: number, total: number): boolean {
  const base = d * BUCKETS;
  for (let b = base; b < base + BUCKETS; b++) if (count[b] === total) return false;
  let sum = 0;
  for (let b = base; b < base + BUCKETS; b++) {
    const c = count[b]!;
    count[b] = sum;
    sum += c;
  }
  return true;
}

/**
 * Orders `index[start..end)` stably by `low[index[k]]`: three 11-bit LSD passes through `scratch` (for long runs
 * of equal high words, which only unusual data has, e.g. many values within a millionth of each other).
 */
function sortRunByLow(index: Int32Array, start: number, end: number, low: Uint32Array, scratch: Int32Array): void {
  const length = end - start;
  const count = new Int32Array(DIGITS * BUCKETS);
  for (let k = start; k < end; k++) {
    const key = low[index[k]!]!;
    count[key & DIGIT_MASK]!++;
    count[BUCKETS + ((key >>> DIGIT_BITS) & DIGIT_MASK)]!++;
    count[2 * BUCKETS + (key >>> (2 * DIGIT_BITS))]!++;
  }
  for (let d = 0; d < DIGITS; d++) {
    if (!bucketStarts(count, d, length)) continue;
    const shift = d * DIGIT_BITS;
    const base = d * BUCKETS;
    for (let k = start; k < end; k++) {
      const i = index[k]!;
      scratch[count[base + ((low[i]! >>> shift) & DIGIT_MASK)]!++] = i;
    }
    index.set(scratch.subarray(0, length), start);
  }
}

/** {@link argsort} with a comparator, for big-endian platforms where the word trick would read the halves swapped. */
function comparatorArgsort(values: Float64Array, descending: boolean): Int32Array {
  const indices = Array.from(values, (_, i) => i);
  const finite = indices.filter((i) => !Number.isNaN(values[i]!));
  finite.sort((a, b) => {
    const d = descending ? values[b]! - values[a]! : values[a]! - values[b]!;
    return d === 0 ? a - b : d;
  });
  return Int32Array.from([...finite, ...indices.filter((i) => Number.isNaN(values[i]!))]);
}

function tensorValuesJson(v: LossOptions[string] | undefined): JsonNumber[] | null {
  return v !== null && typeof v === 'object' && v !== undefined ? Array.from(v.data, jsonNumber) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Text for the command line

/**
 * The summary as the CLI prints it: the value and reduction, the worst samples, the histogram, classes, confusion. Its
 * lines and headings in `locale` (../i18n/zh-cn-cli.ts); numbers, names and shapes as they are.
 */
export function formatSummary(
  s: LossSummary,
  opts: { classes?: readonly string[]; decimals?: number; locale?: Locale } = {},
): string {
  const d = opts.decimals ?? 4;
  const locale = opts.locale ?? 'en';
  const f = (v: number): string => formatValue(v, d);
  const word = (english: string): string => ownText(english, {}, locale);
  const cls = (k: number | undefined): string =>
    k === undefined
      ? '-'
      : k < 0
        ? word('other')
        : opts.classes?.[k] !== undefined
          ? `${k} (${opts.classes[k]})`
          : String(k);
  const lines: string[] = [];
  const shapes = s.inputs.map((t) => `${t.name} ${t.dtype} [${t.shape.join(', ')}]`).join(', ');
  lines.push(
    ownText('{fn} (summary of {count} samples: {shapes})', { fn: s.fn, count: s.sampleCount, shapes }, locale),
  );
  lines.push('');
  lines.push(ownText('worst {count} samples:', { count: s.worst.length }, locale));
  const header = [
    word('sample'),
    word('position'),
    word('loss'),
    ...(s.classification ? [word('target'), word('predicted'), 'p(target)'] : []),
  ];
  const rows = s.worst.map((w) => [
    String(w.index),
    `[${unravel(w.index, s.sampleShape).join(', ')}]`,
    f(w.loss),
    ...(s.classification ? [cls(w.target), cls(w.predicted), w.pTarget === undefined ? '-' : f(w.pTarget)] : []),
  ]);
  lines.push(table(header, rows));
  lines.push('');
  const stats = { min: f(s.stats.min), mean: f(s.stats.mean), max: f(s.stats.max) };
  lines.push(
    s.stats.ignoredCount > 0
      ? ownText(
          'per-sample loss: min {min}, mean {mean}, max {max}, {ignored} ignored',
          { ...stats, ignored: s.stats.ignoredCount },
          locale,
        )
      : ownText('per-sample loss: min {min}, mean {mean}, max {max}', stats, locale),
  );
  const h = s.histogram;
  if (h.counts.length > 0) {
    const peak = Math.max(...h.counts);
    const group = Math.max(1, Math.floor(h.counts.length / 10));
    for (let b = 0; b < h.counts.length; b += group) {
      let count = 0;
      for (let k = b; k < Math.min(h.counts.length, b + group); k++) count += h.counts[k]!;
      const barLength = peak > 0 ? Math.round((count / (peak * group)) * 40) : 0;
      lines.push(
        `  ${f(h.edges[b]!).padStart(10)} … ${f(h.edges[Math.min(h.counts.length, b + group)]!).padEnd(10)} ${String(count).padStart(8)} ${'#'.repeat(barLength)}`,
      );
    }
    if (h.nonFinite > 0) lines.push(`  ${ownText('non-finite: {count}', { count: h.nonFinite }, locale)}`);
  }
  if (s.confusion) {
    lines.push('');
    lines.push(
      ownText(
        'accuracy (argmax = target): {percent}% of {count} samples',
        { percent: (s.confusion.accuracy * 100).toFixed(2), count: s.confusion.samples },
        locale,
      ),
    );
  }
  if (s.classes) {
    const agg = s.classes;
    const order = Array.from({ length: agg.count.length }, (_, k) => k)
      .filter((k) => agg.count[k]! > 0)
      .sort((a, b) => agg.lossSum[b]! - agg.lossSum[a]! || a - b)
      .slice(0, 10);
    lines.push('');
    lines.push(ownText('classes with the largest total loss:', {}, locale));
    lines.push(
      table(
        [word('class'), word('targets'), word('weight'), word('mean loss'), word('total loss'), word('predicted')],
        order.map((k) => [
          cls(k),
          String(agg.count[k]),
          f(agg.weight[k]!),
          f(agg.lossSum[k]! / agg.count[k]!),
          f(agg.lossSum[k]!),
          String(agg.predicted[k]),
        ]),
      ),
    );
  }
  if (s.positives && s.negatives) {
    lines.push('');
    lines.push(
      ownText(
        'positive targets: {positives} elements, loss {positiveLoss}; negative: {negatives} elements, loss {negativeLoss}',
        {
          positives: s.positives.count,
          positiveLoss: f(s.positives.lossSum),
          negatives: s.negatives.count,
          negativeLoss: f(s.negatives.lossSum),
        },
        locale,
      ),
    );
  }
  lines.push('');
  lines.push(...reductionLines(localizeReduction(s.reduction, locale), f, locale));
  lines.push(ownText('value: {value}', { value: s.valueText }, locale));
  return lines.join('\n');
}

/** How much of a summary's per-class block {@link summaryToJson} writes. */
export interface SummaryJsonOptions {
  /** Write the first this many classes of each per-class array, with `shown` and `total` (default: all). */
  readonly maxClasses?: number;
}

/** The `--json` form of a summary (typed arrays as lists, non-finite numbers as strings; per-sample losses included). */
export function summaryToJson(s: LossSummary, opts: SummaryJsonOptions = {}): Record<string, unknown> {
  const list = (a: ArrayLike<number> | undefined): JsonNumber[] | undefined =>
    a ? Array.from(a, jsonNumber) : undefined;
  const maxClasses = opts.maxClasses ?? Infinity;
  const classCount = s.classes?.count.length ?? 0;
  // A per-class block as long as the classes (10⁷ of them is gigabytes of JSON): the first `maxClasses` unless asked.
  const perClass = (a: ArrayLike<number> | undefined): JsonNumber[] | undefined =>
    a ? list(a.length > maxClasses ? (Array.prototype.slice.call(a, 0, maxClasses) as number[]) : a) : undefined;
  return {
    fn: s.fn,
    detail: 'summary',
    value: s.value === null ? null : jsonNumber(s.value),
    valueText: s.valueText,
    reduction: {
      ...s.reduction,
      numerator: jsonNumber(s.reduction.numerator),
      denominator: jsonNumber(s.reduction.denominator),
    },
    inputs: s.inputs,
    sampleCount: s.sampleCount,
    sampleShape: s.sampleShape,
    stats: {
      min: jsonNumber(s.stats.min),
      max: jsonNumber(s.stats.max),
      mean: jsonNumber(s.stats.mean),
      ignoredCount: s.stats.ignoredCount,
    },
    worst: s.worst.map((w) => ({
      ...w,
      loss: jsonNumber(w.loss),
      ...(w.pTarget !== undefined ? { pTarget: jsonNumber(w.pTarget) } : {}),
    })),
    histogram: {
      edges: list(s.histogram.edges),
      counts: Array.from(s.histogram.counts),
      nonFinite: s.histogram.nonFinite,
      ignored: s.histogram.ignored,
    },
    ...(s.confusion
      ? {
          confusion: {
            classes: Array.from(s.confusion.classes),
            counts: Array.from(s.confusion.counts),
            accuracy: jsonNumber(s.confusion.accuracy),
            samples: s.confusion.samples,
          },
        }
      : {}),
    ...(s.classes
      ? {
          classes: {
            ...(classCount > maxClasses ? { shown: maxClasses, total: classCount } : {}),
            weight: perClass(s.classes.weight),
            count: perClass(s.classes.count),
            weightSum: perClass(s.classes.weightSum),
            lossSum: perClass(s.classes.lossSum),
            predicted: perClass(s.classes.predicted),
          },
        }
      : {}),
    ...(s.perLabel ? { perLabel: list(s.perLabel) } : {}),
    ...(s.positives ? { positives: { count: s.positives.count, lossSum: jsonNumber(s.positives.lossSum) } } : {}),
    ...(s.negatives ? { negatives: { count: s.negatives.count, lossSum: jsonNumber(s.negatives.lossSum) } } : {}),
    perSample: list(s.perSample),
    warnings: s.warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A PyTorch snippet for a large input

function pythonText(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A file path from a `file:` URI string (or the string itself). */
function pathOf(source: string): string {
  if (!source.startsWith('file://')) return source;
  const p = decodeURIComponent(source.slice('file://'.length));
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

/**
 * A runnable snippet for a computation too large to print: it loads the tensors from the file they came from
 * (`json.load` for a tensor file, `np.load` for .npy files) and calls the loss with every option.
 */
export function summarySnippet(fn: string, options: LossOptions, inputs: LossInputs, source?: string): string {
  const file = source ? pathOf(source) : 'tensors.json';
  const npy = /\.npy$/i.test(file);
  const lines = ['import json', '', 'import numpy as np', 'import torch', 'import torch.nn.functional as F', ''];
  if (npy) {
    lines.push(`input = torch.from_numpy(np.load(${pythonText(file)}))`);
    if ('target' in inputs) lines.push(`target = torch.from_numpy(np.load('target.npy'))  # the target file you chose`);
  } else {
    lines.push(`with open(${pythonText(file)}) as f:`, '    data = json.load(f)');
    for (const [name, t] of Object.entries(inputs))
      lines.push(`${name} = torch.tensor(data[${pythonText(name)}], dtype=torch.${t.dtype})`);
  }
  const keywords: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    if ((name === 'size_average' || name === 'reduce') && value === null) continue;
    if (value !== null && typeof value === 'object') {
      lines.push(`${name} = torch.tensor(${JSON.stringify(Array.from(value.data))}, dtype=torch.${value.dtype})`);
      keywords.push(`${name}=${name}`);
    } else keywords.push(`${name}=${optionText(value)}`);
  }
  const positional = npy ? ['input', ...('target' in inputs ? ['target'] : [])] : Object.keys(inputs);
  lines.push('', `loss = F.${fn}(${[...positional, ...keywords].join(', ')})`, 'print(loss)');
  return `${lines.join('\n')}\n`;
}

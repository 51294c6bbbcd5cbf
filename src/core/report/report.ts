/**
 * The breakdown view model: turns a {@link LossResult} into a JSON-safe {@link LossReport} that the webview draws,
 * plus paged per-sample rows, CSV/JSON exports and a runnable PyTorch snippet that reproduces the computation.
 *
 * Pure TypeScript with no `vscode` import: it runs in mocha, the CLI and the browser bundle alike. Every number in the
 * model is a {@link JsonNumber} because `webview.postMessage` serialises messages as JSON, which would turn NaN and
 * ±Infinity into `null`; a loss of `inf` must stay `inf` on screen.
 */
import { buildAnswer, type Answer } from './answer';
import type { Diagnostic, Severity, SourceRange } from '../diagnostics';
import { formatValue, jsonNumber, type JsonNumber } from './format';
import { EXTRA_PYTHON } from '../losses/extra/python';
import type { LossInputs, LossOptions, LossResult, OptionValue } from '../losses/types';
import { buildTeachingSections, type TeachingSections } from './report-extras';
import { isFloating, numel, tensorFrom, type DType, type Tensor } from '../tensor';

export type { JsonNumber } from './format';
import type { ReportLarge } from './summary';

/** The schema tag written into every report and every JSON export. */
export const REPORT_SCHEMA = 'loss-lens/report@1';

/** The most rows one `rows()` call returns, so a page always fits comfortably in one message. */
export const MAX_PAGE_SIZE = 500;

/** The most heat-map rows and columns a report carries; larger gradients are downsampled by block max-|g|. */
export const MAX_HEATMAP_ROWS = 256;
/** See {@link MAX_HEATMAP_ROWS}. */
export const MAX_HEATMAP_COLS = 64;
/** The most heat-map cells a report carries. */
export const MAX_HEATMAP_CELLS = MAX_HEATMAP_ROWS * MAX_HEATMAP_COLS;

/** A tensor's name, dtype and shape, for the header of the breakdown. */
export interface ReportTensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** One keyword option as Python would spell it (`reduction='mean'`, `weight=tensor([1., 2.])`). */
export interface ReportOption {
  readonly name: string;
  readonly text: string;
}

/** The reduction spelled out: `value = numerator / denominator`, what the denominator is and why. */
export interface ReportReduction {
  readonly reduction: string;
  readonly numerator: JsonNumber;
  /** `null` for `reduction='none'`, which divides by nothing. */
  readonly denominator: JsonNumber | null;
  readonly denominatorLabel: string;
  readonly why: string;
  /** e.g. `1.6543 / 3 = 0.5514`, or `Σ = 1.6543` for `none`. */
  readonly expression: string;
}

/** One class's line in the class table: its weight and what the samples targeting it contribute. */
export interface ReportClassRow {
  readonly classIndex: number;
  readonly name: string;
  /** w[c] (1 without class weights). */
  readonly weight: JsonNumber;
  /** Samples whose target is this class and that are not ignored (for probability targets: Σᵢ yᵢ[c]). */
  readonly count: JsonNumber;
  /** Σ w[yᵢ] over those samples: this class's part of a weighted-mean denominator. */
  readonly weightSum: JsonNumber;
  /** Σ ℓᵢ over those samples (for probability targets: Σᵢ −w_c·yᵢ[c]·log pᵢ[c]). */
  readonly lossSum: JsonNumber;
  /** lossSum / Σ ℓ: this class's share of the total. */
  readonly share: JsonNumber;
  /** What this class adds to the reported value (lossSum / denominator, or lossSum for sum/none). */
  readonly contribution: JsonNumber;
  /** Mean predicted probability of this class over all samples. */
  readonly meanProbability: JsonNumber;
}

/** Class weights and each class's effective contribution. */
export interface ReportClasses {
  /** The `weight` option, or `null` when every class weighs 1. */
  readonly weights: readonly JsonNumber[] | null;
  /** True when targets are class probabilities rather than indices. */
  readonly probabilityTargets: boolean;
  readonly rows: readonly ReportClassRow[];
}

/** The label-smoothing split: loss = (1−ε)·NLL + ε·smooth, totals over the samples. */
export interface ReportLabelSmoothing {
  readonly epsilon: number;
  /** Σ of the per-sample (1−ε)·NLL parts. */
  readonly nllTotal: JsonNumber;
  /** Σ of the per-sample ε/C·Σ_c(−w_c·log p_c) parts. */
  readonly smoothTotal: JsonNumber;
  /** nllTotal / (nllTotal + smoothTotal). */
  readonly nllShare: JsonNumber;
  readonly smoothShare: JsonNumber;
}

/**
 * A gradient as a matrix for a heat map. Classification inputs are laid out as [samples, classes]; other tensors as
 * [shape[0], rest]. Beyond {@link MAX_HEATMAP_ROWS}×{@link MAX_HEATMAP_COLS} each cell is the max-|g| of a
 * rowStep×colStep block.
 */
export interface ReportHeatmap {
  readonly name: string;
  readonly shape: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly rowStep: number;
  readonly colStep: number;
  /** Row-major, rows×cols. */
  readonly values: readonly JsonNumber[];
  /** max |g| over the finite values (0 when none), for a symmetric colour scale. */
  readonly absMax: number;
  /** True when rows are samples and columns are classes. */
  readonly bySampleAndClass: boolean;
}

/** A total per class (or per label, for multi-label BCE), e.g. KL divergence per class. */
export interface ReportClassTotal {
  readonly classIndex: number;
  readonly name: string;
  readonly total: JsonNumber;
  readonly share: JsonNumber;
}

/** Binary cross-entropy details: pos_weight, the elementwise weight, and the loss per label column. */
export interface ReportBce {
  readonly withLogits: boolean;
  readonly posWeight: readonly JsonNumber[] | null;
  readonly weight: readonly JsonNumber[] | null;
  /** Σ over samples of the per-element loss, per label (last axis); empty for 1-D inputs. */
  readonly perLabel: readonly ReportClassTotal[];
  /** Elements whose target is ≥ 0.5 and < 0.5, and the loss each group carries. */
  readonly positives: { readonly count: number; readonly lossSum: JsonNumber };
  readonly negatives: { readonly count: number; readonly lossSum: JsonNumber };
}

/** KL-divergence details: per-class pointwise terms summed over samples. */
export interface ReportKlDiv {
  readonly logTarget: boolean;
  readonly perClass: readonly ReportClassTotal[];
}

/** An extra per-element term the loss exposed (`LossResult.extras`), with its total. */
export interface ReportTerm {
  readonly name: string;
  readonly shape: readonly number[];
  readonly total: JsonNumber;
  /** True when rows carry this term's values (its size matches the per-element loss). */
  readonly perRow: boolean;
}

/** A warning as the webview shows it. */
export interface ReportWarning {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly explanation?: string;
  readonly hint?: string;
}

/** Summary statistics of the per-sample losses. */
export interface ReportStats {
  readonly min: JsonNumber;
  readonly max: JsonNumber;
  readonly mean: JsonNumber;
  /** Index of the sample with the largest loss (-1 when there are none). */
  readonly worstIndex: number;
  readonly ignoredCount: number;
}

/** The per-row fields a report can carry; `columns` lists those present so the table knows what to draw. */
export type ReportColumn =
  | 'index'
  | 'position'
  | 'inputs'
  | 'probabilities'
  | 'target'
  | 'targetValues'
  | 'predicted'
  | 'pTarget'
  | 'negLogP'
  | 'weight'
  | 'ignored'
  | 'loss'
  | 'share'
  | 'contribution'
  | 'nllPart'
  | 'smoothPart'
  | 'elementLoss'
  | 'gradient'
  | 'terms'
  | 'range';

/** The keys rows can be sorted by. */
export type RowSortKey = 'index' | 'loss' | 'pTarget' | 'weight' | 'negLogP';

/** A sort order for rows. */
export interface RowSort {
  readonly key: RowSortKey;
  readonly descending: boolean;
}

/** One sample of the breakdown. Fields absent from `LossReport.columns` are absent here. */
export interface ReportRow {
  /** Flat sample index (C order over the sample positions). */
  readonly index: number;
  /** The sample's multi-index, e.g. [n] or [n, d1] for [N, C, d1] inputs; [] for an unbatched input. */
  readonly position: readonly number[];
  /** ℓᵢ: the unreduced, weighted loss of this sample. */
  readonly loss: JsonNumber;
  /** ℓᵢ / Σ ℓ. */
  readonly share: JsonNumber;
  /** What this sample adds to the reported value: ℓᵢ / denominator. */
  readonly contribution: JsonNumber;
  /** Logits (cross_entropy), log-probabilities (nll_loss), or the sample's input elements. */
  readonly inputs?: readonly JsonNumber[];
  /** softmax / exp / sigmoid of the inputs. */
  readonly probabilities?: readonly JsonNumber[];
  /** Target class index (classification with index targets). */
  readonly target?: number;
  /** Probability targets, or the elementwise targets of the sample. */
  readonly targetValues?: readonly JsonNumber[];
  readonly predicted?: number;
  readonly pTarget?: JsonNumber;
  /** −log p(target). */
  readonly negLogP?: JsonNumber;
  /** w[yᵢ] (0 when ignored). */
  readonly weight?: JsonNumber;
  readonly ignored?: boolean;
  readonly nllPart?: JsonNumber;
  readonly smoothPart?: JsonNumber;
  /** The per-element losses of the sample when it has more than one element. */
  readonly elementLoss?: readonly JsonNumber[];
  /** ∂value/∂input for this sample's elements. */
  readonly gradient?: readonly JsonNumber[];
  /** Extra per-element terms by name. */
  readonly terms?: Readonly<Record<string, readonly JsonNumber[]>>;
  /** Where this sample stands in the source, when known. */
  readonly range?: SourceRange;
}

/** The JSON-safe view model of one loss computation (rows are fetched separately, in pages). */
export interface LossReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly id: string;
  readonly fn: string;
  readonly title: string;
  /** `classification` when the input has a class axis; `elementwise` otherwise. */
  readonly kind: 'classification' | 'elementwise';
  /** The reported value, or `null` for `reduction='none'` (see `valueText`). */
  readonly value: JsonNumber | null;
  readonly valueShape: readonly number[];
  /** The value as PyTorch prints it (4 decimals): `0.5514`, or `[0.1, 0.2, …]`. */
  readonly valueText: string;
  /** The per-sample loss formula, e.g. `ℓᵢ = −w[yᵢ]·log softmax(xᵢ)[yᵢ]`. */
  readonly formula: string;
  readonly reduction: ReportReduction;
  readonly inputs: readonly ReportTensorInfo[];
  readonly options: readonly ReportOption[];
  readonly sampleCount: number;
  readonly sampleShape: readonly number[];
  /** 0 when the loss has no class axis. */
  readonly numClasses: number;
  /** One name per class: the user's names where given, else the index as text. */
  readonly classNames: readonly string[];
  /** Label for the `inputs` row field: `logits`, `log-probabilities` or `input`. */
  readonly inputsLabel: 'logits' | 'log-probabilities' | 'probabilities' | 'input';
  readonly columns: readonly ReportColumn[];
  readonly stats: ReportStats;
  readonly classes?: ReportClasses;
  readonly labelSmoothing?: ReportLabelSmoothing;
  readonly gradients: readonly ReportHeatmap[];
  readonly bce?: ReportBce;
  readonly klDiv?: ReportKlDiv;
  readonly terms: readonly ReportTerm[];
  readonly warnings: readonly ReportWarning[];
  /**
   * Present for large inputs computed in summary mode (src/core/report/summary.ts): top-k worst samples, the per-sample loss
   * histogram, the confusion matrix and class aggregates. Rows are then computed page by page.
   */
  readonly large?: ReportLarge;
  /** The arithmetic written out with the actual numbers, for small inputs (src/core/report/derivation.ts). */
  readonly derivation?: TeachingSections['derivation'];
  /** Cross-entropy against probability targets: H(p), KL(p‖q), H(p, q) per sample and CE = H + KL checked. */
  readonly info?: TeachingSections['info'];
  /** Label smoothing: PyTorch's convention and the clamp convention side by side. */
  readonly smoothingComparison?: TeachingSections['smoothingComparison'];
  /** Symmetric cross-entropy's CE/RCE split, focal loss's p_t, (1 − p_t)^γ and α_t, per sample. */
  readonly lossParts?: TeachingSections['lossParts'];
  /** The answer under the value: sentences explaining this number with these inputs, and meaning-changing notes. */
  readonly answer?: Answer;
}

/** A report plus paged access to its rows. Rows are built on demand, so 100 000 samples cost nothing until asked for. */
export interface ReportModel {
  readonly report: LossReport;
  /** Rows `offset … offset+count−1` in `sort` order (index order by default); at most {@link MAX_PAGE_SIZE}. */
  rows(offset: number, count: number, sort?: RowSort): ReportRow[];
  /** One row by sample index. */
  row(index: number): ReportRow | undefined;
}

/** What the report needs besides the result. Everything is optional. */
export interface ReportContext {
  /** A stable id for the report (the host uses it to match page requests). Defaults to `report`. */
  readonly id?: string;
  /** A heading, e.g. the variable or file the computation came from. Defaults to the loss name. */
  readonly title?: string;
  /** The tensors the loss was computed on: needed for logits, elementwise targets and input info. */
  readonly inputs?: LossInputs;
  /** Class names by index (`["cat", "dog", "bird"]`). */
  readonly classNames?: readonly string[];
  /** Where each sample stands in the source, by flat sample index. */
  readonly sampleRanges?: readonly (SourceRange | null | undefined)[];
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers

/** Decodes a JSON-safe number back to a JS number. */
export function decodeNumber(v: JsonNumber): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/** Formats a JSON-safe number as PyTorch prints a float (4 decimals by default; `nan`, `inf`). */
export function formatNumber(v: JsonNumber | number, decimals = 4): string {
  return formatValue(typeof v === 'number' ? v : decodeNumber(v), decimals);
}

function encodeAll(values: ArrayLike<number>): JsonNumber[] {
  return Array.from(values, jsonNumber);
}

/** a / b, or NaN when b is 0. */
export function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

/** Neumaier-compensated sum, so totals over thousands of samples match the reduction's numerator. */
function total(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t;
    s = t;
  }
  return s + c;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout helpers

/** Where sample `s`'s class `c` lives in a tensor laid out with the class axis at `classDim`. */
interface ClassLayout {
  readonly classDim: number;
  readonly numClasses: number;
  /** Product of the dims after the class axis. */
  readonly inner: number;
}

function classLayout(t: Tensor, classDim: number, numClasses: number, sampleCount: number): ClassLayout | undefined {
  // Some losses hand back probabilities already flattened to [samples, C].
  if (t.shape.length === 2 && t.shape[0] === sampleCount && t.shape[1] === numClasses)
    return { classDim: 1, numClasses, inner: 1 };
  if (classDim < 0 || classDim >= t.shape.length || t.shape[classDim] !== numClasses) return undefined;
  if (numel(t.shape) !== sampleCount * numClasses) return undefined;
  return { classDim, numClasses, inner: numel(t.shape.slice(classDim + 1)) };
}

function classOffset(layout: ClassLayout, sample: number, c: number): number {
  const outer = Math.floor(sample / layout.inner);
  const within = sample % layout.inner;
  return (outer * layout.numClasses + c) * layout.inner + within;
}

function classVector(t: Tensor, layout: ClassLayout, sample: number): number[] {
  const out = new Array<number>(layout.numClasses);
  for (let c = 0; c < layout.numClasses; c++) out[c] = t.data[classOffset(layout, sample, c)]!;
  return out;
}

/**
 * The flat index of class `classIndex` of sample `sample` in an input laid out with its class axis at `classDim`.
 * For elementwise losses (`classDim` < 0) `classIndex` is the element within the sample. Used by what-if edits.
 */
export function inputElementIndex(
  shape: readonly number[],
  classDim: number,
  sampleCount: number,
  sample: number,
  classIndex: number,
): number {
  const total = numel(shape);
  if (classDim >= 0 && classDim < shape.length) {
    const layout: ClassLayout = { classDim, numClasses: shape[classDim]!, inner: numel(shape.slice(classDim + 1)) };
    return classOffset(layout, sample, classIndex);
  }
  const perSample = sampleCount > 0 ? Math.floor(total / sampleCount) : 1;
  return sample * perSample + classIndex;
}

/** The position of flat (row-major) `index` in `shape`, one coordinate per dimension. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    out[d] = size > 0 ? rest % size : 0;
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return out;
}

function slice(t: Tensor | undefined, sample: number, perSample: number): number[] | undefined {
  if (!t || perSample <= 0) return undefined;
  return Array.from(t.data.subarray(sample * perSample, (sample + 1) * perSample));
}

function tensorValues(v: OptionValue | undefined): number[] | null {
  return v !== null && typeof v === 'object' ? Array.from(v.data) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Formula text

function num(v: OptionValue | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/**
 * The per-sample loss formula for a loss and its options, in the notation the docs use (`xᵢ` input, `yᵢ` target,
 * `w` weights). Language-neutral mathematics; the webview labels it.
 */
export function lossFormula(fn: string, options: LossOptions, probabilityTargets = false): string {
  const weighted = options.weight !== null && typeof options.weight === 'object';
  const eps = num(options.label_smoothing, 0);
  const w = (sub: string): string => (weighted ? `w[${sub}]·` : '');
  switch (fn) {
    case 'cross_entropy':
      if (probabilityTargets) {
        return eps > 0
          ? `ℓᵢ = −Σ_c ${weighted ? 'w_c·' : ''}((1−ε)·yᵢ[c] + ε/C)·log softmax(xᵢ)[c],  ε = ${eps}`
          : `ℓᵢ = −Σ_c ${weighted ? 'w_c·' : ''}yᵢ[c]·log softmax(xᵢ)[c]`;
      }
      return eps > 0
        ? `ℓᵢ = (1−ε)·(−${w('yᵢ')}log softmax(xᵢ)[yᵢ]) + ε/C·Σ_c −${weighted ? 'w_c·' : ''}log softmax(xᵢ)[c],  ε = ${eps}`
        : `ℓᵢ = −${w('yᵢ')}log softmax(xᵢ)[yᵢ]`;
    case 'nll_loss':
      return `ℓᵢ = −${w('yᵢ')}xᵢ[yᵢ]`;
    case 'binary_cross_entropy':
      return `ℓᵢ = −${weighted ? 'wᵢ·' : ''}[yᵢ·log xᵢ + (1−yᵢ)·log(1−xᵢ)]`;
    case 'binary_cross_entropy_with_logits': {
      const pos = options.pos_weight !== null && typeof options.pos_weight === 'object';
      return `ℓᵢ = −${weighted ? 'wᵢ·' : ''}[${pos ? 'p·' : ''}yᵢ·log σ(xᵢ) + (1−yᵢ)·log(1−σ(xᵢ))]${pos ? ',  p = pos_weight' : ''}`;
    }
    case 'kl_div':
      return options.log_target === true ? 'ℓᵢ = exp(yᵢ)·(yᵢ − xᵢ)' : 'ℓᵢ = yᵢ·(log yᵢ − xᵢ)';
    case 'mse_loss':
      return 'ℓᵢ = (xᵢ − yᵢ)²';
    case 'l1_loss':
      return 'ℓᵢ = |xᵢ − yᵢ|';
    case 'smooth_l1_loss':
      return `ℓᵢ = 0.5·(xᵢ − yᵢ)²/β if |xᵢ − yᵢ| < β, else |xᵢ − yᵢ| − 0.5·β,  β = ${num(options.beta, 1)}`;
    case 'huber_loss':
      return `ℓᵢ = 0.5·(xᵢ − yᵢ)² if |xᵢ − yᵢ| < δ, else δ·(|xᵢ − yᵢ| − 0.5·δ),  δ = ${num(options.delta, 1)}`;
    case 'poisson_nll_loss':
      return options.log_input === false ? 'ℓᵢ = xᵢ − yᵢ·log(xᵢ + eps)' : 'ℓᵢ = exp(xᵢ) − yᵢ·xᵢ';
    case 'gaussian_nll_loss':
      return `ℓᵢ = ½·(log max(varᵢ, eps) + (xᵢ − yᵢ)²/max(varᵢ, eps))${options.full === true ? ' + ½·log 2π' : ''}`;
    case 'hinge_embedding_loss':
      return `ℓᵢ = xᵢ if yᵢ = 1, max(0, Δ − xᵢ) if yᵢ = −1,  Δ = ${num(options.margin, 1)}`;
    case 'margin_ranking_loss':
      return `ℓᵢ = max(0, −yᵢ·(x1ᵢ − x2ᵢ) + margin),  margin = ${num(options.margin, 0)}`;
    case 'soft_margin_loss':
      return 'ℓᵢ = log(1 + exp(−yᵢ·xᵢ))';
    case 'multilabel_soft_margin_loss':
      return `ℓᵢ = −1/C·Σ_c ${weighted ? 'w_c·' : ''}[yᵢ[c]·log σ(xᵢ[c]) + (1−yᵢ[c])·log σ(−xᵢ[c])]`;
    case 'multi_margin_loss':
      return `ℓᵢ = Σ_{c≠yᵢ} ${w('yᵢ')}max(0, margin − xᵢ[yᵢ] + xᵢ[c])^p / C,  p = ${num(options.p, 1)}, margin = ${num(options.margin, 1)}`;
    case 'multilabel_margin_loss':
      return 'ℓᵢ = Σ_{j, c∉yᵢ} max(0, 1 − (xᵢ[yᵢⱼ] − xᵢ[c])) / C';
    case 'cosine_embedding_loss':
      return `ℓᵢ = 1 − cos(x1ᵢ, x2ᵢ) if yᵢ = 1, max(0, cos(x1ᵢ, x2ᵢ) − margin) if yᵢ = −1,  margin = ${num(options.margin, 0)}`;
    case 'triplet_margin_loss':
      return `ℓᵢ = max(‖aᵢ − pᵢ‖_p − ‖aᵢ − nᵢ‖_p + margin, 0),  margin = ${num(options.margin, 1)}`;
    case 'ctc_loss':
      return 'ℓᵢ = −log Σ_{π ∈ B⁻¹(yᵢ)} Πₜ p(πₜ | xᵢ)';
    case 'symmetric_cross_entropy':
      return `ℓᵢ = α·(−log pᵢ[yᵢ]) + β·(−log ε)·Σ_{c≠yᵢ} pᵢ[c],  pᵢ = softmax(xᵢ),  α = ${num(options.alpha, 0.1)}, β = ${num(options.beta, 1)}, ε = ${num(options.eps, 1e-4)}`;
    case 'label_smoothing_clamp':
      return `ℓᵢ = −Σ_c q[c]·log softmax(xᵢ)[c],  q = 1−ε on yᵢ and ε/(C−1) elsewhere,  ε = ${num(options.epsilon, 0.1)}`;
    case 'sigmoid_focal_loss':
      return num(options.alpha, 0.25) >= 0
        ? `ℓᵢ = α_t·(1−p_t)^γ·BCE(xᵢ, yᵢ),  p_t = σ(xᵢ) if yᵢ = 1 else 1−σ(xᵢ),  α = ${num(options.alpha, 0.25)}, γ = ${num(options.gamma, 2)}`
        : `ℓᵢ = (1−p_t)^γ·BCE(xᵢ, yᵢ),  p_t = σ(xᵢ) if yᵢ = 1 else 1−σ(xᵢ),  γ = ${num(options.gamma, 2)}`;
    case 'softmax_focal_loss':
      return `ℓᵢ = −${options.alpha !== null && options.alpha !== undefined ? 'α[yᵢ]·' : ''}(1−p_t)^γ·log p_t,  p_t = softmax(xᵢ)[yᵢ],  γ = ${num(options.gamma, 2)}`;
    default:
      return `ℓᵢ = ${fn}(xᵢ, yᵢ)`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Python text

/** The shortest decimal that reads back as the same value in `dtype` (float32 values print as `0.1`, not `0.10000000149`). */
function pythonFloat(v: number, dtype: DType): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "-float('inf')";
  let text = String(v);
  if (dtype !== 'float64') {
    for (let p = 1; p <= 17; p++) {
      const candidate = v.toPrecision(p);
      if (Math.fround(Number(candidate)) === v) {
        text = String(Number(candidate));
        break;
      }
    }
  }
  return /^-?\d+$/.test(text) ? `${text}.` : text;
}

function pythonElement(v: number, dtype: DType): string {
  if (dtype === 'bool') return v !== 0 ? 'True' : 'False';
  if (isFloating(dtype)) return pythonFloat(v, dtype);
  return String(Math.trunc(v));
}

/**
 * The tensor as a nested Python list. With `limit`, building stops once the text is longer than `limit` characters:
 * the result is then a prefix of the whole text (a 32,000-class weight shown as 60 characters needs a few elements,
 * not 32,000 formatted ones).
 */
function pythonNested(t: Tensor, limit = Infinity): string {
  if (t.shape.length === 0) return pythonElement(t.data[0]!, t.dtype);
  let out = '';
  let cut = false;
  const build = (dim: number, offset: number): void => {
    const size = t.shape[dim]!;
    const stride = numel(t.shape.slice(dim + 1));
    out += '[';
    for (let i = 0; i < size; i++) {
      if (out.length > limit) {
        cut = true;
        return;
      }
      if (i > 0) out += ', ';
      if (dim === t.shape.length - 1) out += pythonElement(t.data[offset + i]!, t.dtype);
      else build(dim + 1, offset + i * stride);
      if (cut) return;
    }
    out += ']';
  };
  build(0, 0);
  return out;
}

/** A Python string literal (single-quoted, escaped). */
function pythonString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function pythonScalar(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "-float('inf')";
  return String(v);
}

/** A valid Python identifier for a parameter name (PyTorch's names already are; anything else is sanitised). */
function pythonIdentifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) || cleaned === '' ? `_${cleaned}` : cleaned;
}

function tensorLiteral(t: Tensor, requiresGrad: boolean): string {
  return `torch.tensor(${pythonNested(t)}, dtype=torch.${t.dtype}${requiresGrad ? ', requires_grad=True' : ''})`;
}

/** An option's value as Python would spell it (`'mean'`, `None`, `tensor([1., 2.])`). */
export function optionText(v: OptionValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pythonScalar(v);
  if (typeof v === 'string') return pythonString(v);
  const text = pythonNested(v, 60);
  return `tensor(${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** Parameters that are never differentiated in the snippet (targets, lengths, weights). */
const NOT_DIFFERENTIABLE = new Set(['target', 'targets', 'input_lengths', 'target_lengths']);

/** `size_average` and `reduce`: deprecated since PyTorch 0.4, superseded by `reduction`. */
const DEPRECATED_OPTIONS = new Set(['size_average', 'reduce']);

/** Options for {@link toPytorchSnippet}. */
export interface SnippetOptions {
  /** Positional order of the tensor parameters (the loss's `inputs`); defaults to the record's order. */
  readonly order?: readonly string[];
  /** Call `.backward()` and print the gradients of the floating inputs. Default true. */
  readonly gradient?: boolean;
}

/**
 * A runnable Python snippet reproducing the computation: `import torch`, every tensor with its dtype, the
 * `F.<fn>(…)` call with every option as a keyword, `print(loss)` and (by default) the gradients.
 */
export function toPytorchSnippet(
  fn: string,
  inputs: LossInputs,
  options: LossOptions,
  snippetOptions: SnippetOptions = {},
): string {
  const withGradient = snippetOptions.gradient ?? true;
  const order = snippetOptions.order ? snippetOptions.order.filter((k) => k in inputs) : [];
  for (const k of Object.keys(inputs)) if (!order.includes(k)) order.push(k);
  // The losses beyond torch.nn are imported from torchvision or defined before use.
  const extra = EXTRA_PYTHON[fn];
  const lines = [
    'import torch',
    'import torch.nn.functional as F',
    ...(extra?.imports ?? []),
    '',
    ...(extra?.definition ? [extra.definition, '', ''] : []),
  ];
  const differentiable: string[] = [];
  for (const name of order) {
    const t = inputs[name]!;
    const grad = withGradient && isFloating(t.dtype) && !NOT_DIFFERENTIABLE.has(name);
    if (grad) differentiable.push(pythonIdentifier(name));
    lines.push(`${pythonIdentifier(name)} = ${tensorLiteral(t, grad)}`);
  }
  const keywords: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    // Deprecated keywords left at None change nothing and only add noise.
    if (DEPRECATED_OPTIONS.has(name) && value === null) continue;
    if (value !== null && typeof value === 'object') {
      lines.push(`${pythonIdentifier(name)} = ${tensorLiteral(value, false)}`);
      keywords.push(`${name}=${pythonIdentifier(name)}`);
    } else {
      keywords.push(`${name}=${optionText(value)}`);
    }
  }
  lines.push('');
  const callee = extra ? extra.call : `F.${pythonIdentifier(fn)}`;
  lines.push(`loss = ${callee}(${[...order.map(pythonIdentifier), ...keywords].join(', ')})`);
  lines.push('print(loss)');
  if (differentiable.length > 0) {
    lines.push(options.reduction === 'none' ? 'loss.sum().backward()' : 'loss.backward()');
    for (const name of differentiable) lines.push(`print(${pythonString(`${name}.grad`)}, ${name}.grad)`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// The report

function heatmap(name: string, t: Tensor, layout: ClassLayout | undefined, sampleCount: number): ReportHeatmap {
  let rows: number;
  let cols: number;
  let at: (r: number, c: number) => number;
  if (layout) {
    rows = sampleCount;
    cols = layout.numClasses;
    at = (r, c) => t.data[classOffset(layout, r, c)]!;
  } else {
    rows = t.shape.length === 0 ? 1 : t.shape[0]!;
    cols = rows === 0 ? 0 : numel(t.shape) / rows;
    at = (r, c) => t.data[r * cols + c]!;
  }
  const rowStep = Math.max(1, Math.ceil(rows / MAX_HEATMAP_ROWS));
  const colStep = Math.max(1, Math.ceil(cols / MAX_HEATMAP_COLS));
  const outRows = Math.ceil(rows / rowStep);
  const outCols = Math.ceil(cols / colStep);
  const values: JsonNumber[] = [];
  let absMax = 0;
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outCols; c++) {
      // Block max-|g| keeps the sign of the strongest gradient, so a hot spot never averages away.
      let best = 0;
      let seen = false;
      for (let rr = r * rowStep; rr < Math.min(rows, (r + 1) * rowStep); rr++) {
        for (let cc = c * colStep; cc < Math.min(cols, (c + 1) * colStep); cc++) {
          const v = at(rr, cc);
          if (!seen || Number.isNaN(v) || Math.abs(v) > Math.abs(best)) {
            best = v;
            seen = true;
          }
          if (Number.isNaN(v)) break;
        }
      }
      values.push(jsonNumber(best));
      if (Number.isFinite(best)) absMax = Math.max(absMax, Math.abs(best));
    }
  }
  return {
    name,
    shape: [...t.shape],
    rows: outRows,
    cols: outCols,
    rowStep,
    colStep,
    values,
    absMax,
    bySampleAndClass: layout !== undefined,
  };
}

/**
 * The heat map of a gradient that is not a built-in loss's (a hand-written loss's input gradient): laid out as
 * [shape[0], rest], downsampled like the built-ins' beyond {@link MAX_HEATMAP_ROWS}×{@link MAX_HEATMAP_COLS}.
 */
export function gradientHeatmap(name: string, shape: readonly number[], values: readonly number[]): ReportHeatmap {
  return heatmap(name, tensorFrom(values, shape, 'float64'), undefined, shape.length === 0 ? 1 : shape[0]!);
}

function valueText(result: LossResult): string {
  const out = result.output;
  if (out.shape.length === 0) return formatValue(out.data[0]!);
  const n = out.data.length;
  const shown = Array.from(out.data.subarray(0, 6), (v) => formatValue(v));
  return `[${shown.join(', ')}${n > 6 ? ', …' : ''}]`;
}

function perColumnTotals(perElement: Tensor, axis: number, names: readonly string[]): ReportClassTotal[] {
  if (perElement.shape.length === 0 || axis < 0 || axis >= perElement.shape.length) return [];
  const size = perElement.shape[axis]!;
  const inner = numel(perElement.shape.slice(axis + 1));
  const sums = new Array<number>(size).fill(0);
  for (let k = 0; k < perElement.data.length; k++) sums[Math.floor(k / inner) % size]! += perElement.data[k]!;
  const all = total(sums);
  return sums.map((s, c) => ({
    classIndex: c,
    name: names[c] ?? String(c),
    total: jsonNumber(s),
    share: jsonNumber(ratio(s, all)),
  }));
}

/**
 * Builds the view model for one result. `context.inputs` should be the tensors the loss ran on (for logits and
 * targets per row); without them the rows carry only what the result itself holds.
 */
export function buildReport(result: LossResult, context: ReportContext = {}): ReportModel {
  const inputs = context.inputs ?? {};
  const cls = result.classification;
  const perSample = result.perSample;
  const sampleCount = perSample.length;
  const red = result.reduction;
  const numerator = red.numerator;
  const denominator = red.reduction === 'none' ? 1 : red.denominator;
  const classDim = cls ? cls.classDim : -1;
  const numClasses = cls && cls.classDim >= 0 ? cls.numClasses : 0;
  const mainInput: Tensor | undefined =
    inputs.input ?? inputs.log_probs ?? inputs.input1 ?? inputs.anchor ?? Object.values(inputs)[0];
  const target: Tensor | undefined = inputs.target ?? inputs.targets;

  // Names for classes: the user's, else the index.
  const classCount = numClasses > 0 ? numClasses : 0;
  const classNames: string[] = [];
  for (let c = 0; c < classCount; c++) classNames.push(context.classNames?.[c] ?? String(c));

  // Where each kind of per-sample data lives.
  const inputLayout =
    mainInput && classDim >= 0 ? classLayout(mainInput, classDim, numClasses, sampleCount) : undefined;
  const probLayout =
    cls && classDim >= 0 ? classLayout(cls.probabilities, classDim, numClasses, sampleCount) : undefined;
  const logProbLayout =
    cls && classDim >= 0 ? classLayout(cls.logProbabilities, classDim, numClasses, sampleCount) : undefined;
  const indexTargets =
    cls !== undefined && cls.targetClass.length === sampleCount && Array.from(cls.targetClass).some((t) => t >= 0);
  const probabilityTargets = cls !== undefined && classDim >= 0 && !indexTargets;
  const targetLayout =
    probabilityTargets && target ? classLayout(target, classDim, numClasses, sampleCount) : undefined;

  const elementCount = numel(result.perElement.shape);
  const elementsPerSample = sampleCount > 0 && elementCount % sampleCount === 0 ? elementCount / sampleCount : 0;
  const elementwise = classDim < 0;
  const sameAsElements = (t: Tensor | undefined): Tensor | undefined =>
    t && elementwise && numel(t.shape) === elementCount ? t : undefined;
  const elementInput = sameAsElements(mainInput);
  const elementTarget = sameAsElements(target);
  const elementProbs = cls && elementwise ? sameAsElements(cls.probabilities) : undefined;

  const gradientEntries = Object.entries(result.gradient);
  const mainGradientName = gradientEntries.find(
    ([, t]) => mainInput !== undefined && numel(t.shape) === numel(mainInput.shape),
  )?.[0];
  const mainGradient = mainGradientName ? result.gradient[mainGradientName] : undefined;
  const gradientLayout =
    mainGradient && classDim >= 0 ? classLayout(mainGradient, classDim, numClasses, sampleCount) : undefined;
  const elementGradient = sameAsElements(mainGradient);

  const extras = Object.entries(result.extras ?? {});
  const rowTerms = extras.filter(([, t]) => numel(t.shape) === elementCount && elementsPerSample > 0);

  // The sample grid: input shape minus the class axis, or the per-element shape.
  let sampleShape: number[] = [sampleCount];
  if (mainInput && classDim >= 0 && inputLayout && inputLayout.classDim === classDim) {
    sampleShape = mainInput.shape.filter((_, d) => d !== classDim);
  } else if (elementCount === sampleCount) {
    sampleShape = [...result.perElement.shape];
  }
  if (numel(sampleShape) !== sampleCount) sampleShape = [sampleCount];

  const ls = cls?.labelSmoothing && cls.labelSmoothing.nllPart.length === sampleCount ? cls.labelSmoothing : undefined;
  const hasRanges = (context.sampleRanges ?? []).some((r) => r);

  const columns: ReportColumn[] = ['index', 'position'];
  if (inputLayout || elementInput) columns.push('inputs');
  if (probLayout || elementProbs) columns.push('probabilities');
  if (indexTargets) columns.push('target');
  if (targetLayout || elementTarget) columns.push('targetValues');
  // Elementwise losses with one element per sample (1-D BCE) have a per-sample prediction and p(target) too.
  const onePerSample = elementwise && elementsPerSample === 1;
  const elementTargetProbability = cls !== undefined && onePerSample && cls.targetProbability.length === sampleCount;
  if (cls && (classDim >= 0 || onePerSample) && cls.predictedClass.length === sampleCount) columns.push('predicted');
  if (indexTargets || elementTargetProbability) columns.push('pTarget', 'negLogP');
  if (cls && cls.sampleWeight.length === sampleCount) columns.push('weight');
  if (cls && cls.ignored.length === sampleCount) columns.push('ignored');
  columns.push('loss', 'share', 'contribution');
  if (ls) columns.push('nllPart', 'smoothPart');
  if (elementsPerSample > 1) columns.push('elementLoss');
  if (gradientLayout || elementGradient) columns.push('gradient');
  if (rowTerms.length > 0) columns.push('terms');
  if (hasRanges) columns.push('range');
  const has = new Set(columns);

  const buildRow = (i: number): ReportRow => {
    const loss = perSample[i]!;
    const row = baseRow(i, loss, sampleShape, numerator, denominator);
    if (has.has('inputs'))
      row.inputs = encodeAll(
        inputLayout ? classVector(mainInput!, inputLayout, i) : slice(elementInput, i, elementsPerSample)!,
      );
    if (has.has('probabilities'))
      row.probabilities = encodeAll(
        probLayout ? classVector(cls!.probabilities, probLayout, i) : slice(elementProbs, i, elementsPerSample)!,
      );
    if (has.has('target')) row.target = cls!.targetClass[i]!;
    if (has.has('targetValues'))
      row.targetValues = encodeAll(
        targetLayout ? classVector(target!, targetLayout, i) : slice(elementTarget, i, elementsPerSample)!,
      );
    if (has.has('predicted')) row.predicted = cls!.predictedClass[i]!;
    if (has.has('pTarget')) {
      const t = cls!.targetClass[i]!;
      const p = cls!.targetProbability[i]!;
      row.pTarget = jsonNumber(p);
      // −log p from the log-probabilities where there are any (exact for tiny p), else from p.
      const logP =
        logProbLayout && t >= 0 && t < numClasses
          ? cls!.logProbabilities.data[classOffset(logProbLayout, i, t)]!
          : Math.log(p);
      row.negLogP = jsonNumber(cls!.ignored[i] ? NaN : -logP);
    }
    if (has.has('weight')) row.weight = jsonNumber(cls!.sampleWeight[i]!);
    if (has.has('ignored')) row.ignored = cls!.ignored[i] === 1;
    if (ls) {
      row.nllPart = jsonNumber(ls.nllPart[i]!);
      row.smoothPart = jsonNumber(ls.smoothPart[i]!);
    }
    if (has.has('elementLoss')) row.elementLoss = encodeAll(slice(result.perElement, i, elementsPerSample)!);
    if (has.has('gradient'))
      row.gradient = encodeAll(
        gradientLayout ? classVector(mainGradient!, gradientLayout, i) : slice(elementGradient, i, elementsPerSample)!,
      );
    if (rowTerms.length > 0)
      row.terms = Object.fromEntries(rowTerms.map(([name, t]) => [name, encodeAll(slice(t, i, elementsPerSample)!)]));
    const range = context.sampleRanges?.[i];
    if (range)
      row.range = { line: range.line, column: range.column, endLine: range.endLine, endColumn: range.endColumn };
    return row as unknown as ReportRow;
  };

  // Class table.
  let classes: ReportClasses | undefined;
  const weights = tensorValues(result.options.weight);
  if (cls && classDim >= 0 && numClasses > 0) {
    const count = new Array<number>(numClasses).fill(0);
    const weightSum = new Array<number>(numClasses).fill(0);
    const lossSum = new Array<number>(numClasses).fill(0);
    const probSum = new Array<number>(numClasses).fill(0);
    const eps = ls?.epsilon ?? 0;
    for (let i = 0; i < sampleCount; i++) {
      if (probLayout) {
        for (let c = 0; c < numClasses; c++) probSum[c]! += cls.probabilities.data[classOffset(probLayout, i, c)]!;
      }
      if (indexTargets) {
        const t = cls.targetClass[i]!;
        if (t < 0 || t >= numClasses || cls.ignored[i]) continue;
        count[t]! += 1;
        weightSum[t]! += cls.sampleWeight[i]!;
        lossSum[t]! += perSample[i]!;
      } else if (targetLayout && logProbLayout) {
        for (let c = 0; c < numClasses; c++) {
          const y = target!.data[classOffset(targetLayout, i, c)]!;
          const yMixed = (1 - eps) * y + eps / numClasses;
          const wc = weights?.[c] ?? 1;
          count[c]! += y;
          weightSum[c]! += wc * y;
          lossSum[c]! += -wc * yMixed * cls.logProbabilities.data[classOffset(logProbLayout, i, c)]!;
        }
      }
    }
    const lossTotal = total(lossSum);
    classes = {
      weights: weights ? encodeAll(weights) : null,
      probabilityTargets,
      rows: classNames.map((name, c) => ({
        classIndex: c,
        name,
        weight: jsonNumber(weights?.[c] ?? 1),
        count: jsonNumber(count[c]!),
        weightSum: jsonNumber(weightSum[c]!),
        lossSum: jsonNumber(lossSum[c]!),
        share: jsonNumber(ratio(lossSum[c]!, lossTotal)),
        contribution: jsonNumber(ratio(lossSum[c]!, denominator)),
        meanProbability: jsonNumber(probLayout ? ratio(probSum[c]!, sampleCount) : NaN),
      })),
    };
  }

  let labelSmoothing: ReportLabelSmoothing | undefined;
  if (ls) {
    const nllTotal = total(ls.nllPart);
    const smoothTotal = total(ls.smoothPart);
    labelSmoothing = {
      epsilon: ls.epsilon,
      nllTotal: jsonNumber(nllTotal),
      smoothTotal: jsonNumber(smoothTotal),
      nllShare: jsonNumber(ratio(nllTotal, nllTotal + smoothTotal)),
      smoothShare: jsonNumber(ratio(smoothTotal, nllTotal + smoothTotal)),
    };
  }

  const labelNames = (size: number): string[] =>
    Array.from({ length: size }, (_, c) => context.classNames?.[c] ?? String(c));
  let bce: ReportBce | undefined;
  if (result.fn === 'binary_cross_entropy' || result.fn === 'binary_cross_entropy_with_logits') {
    const pe = result.perElement;
    const axis = pe.shape.length >= 2 ? pe.shape.length - 1 : -1;
    let posCount = 0;
    let negCount = 0;
    const posLoss: number[] = [];
    const negLoss: number[] = [];
    if (target && numel(target.shape) === numel(pe.shape)) {
      for (let k = 0; k < pe.data.length; k++) {
        if (target.data[k]! >= 0.5) {
          posCount++;
          posLoss.push(pe.data[k]!);
        } else {
          negCount++;
          negLoss.push(pe.data[k]!);
        }
      }
    }
    const posWeight = tensorValues(result.options.pos_weight);
    bce = {
      withLogits: result.fn === 'binary_cross_entropy_with_logits',
      posWeight: posWeight ? encodeAll(posWeight) : null,
      weight: weights ? encodeAll(weights) : null,
      perLabel: axis >= 0 ? perColumnTotals(pe, axis, labelNames(pe.shape[axis]!)) : [],
      positives: { count: posCount, lossSum: jsonNumber(total(posLoss)) },
      negatives: { count: negCount, lossSum: jsonNumber(total(negLoss)) },
    };
  }

  let klDiv: ReportKlDiv | undefined;
  if (result.fn === 'kl_div') {
    const pe = result.perElement;
    const axis = cls && cls.classDim >= 0 ? cls.classDim : pe.shape.length >= 2 ? 1 : pe.shape.length - 1;
    klDiv = {
      logTarget: result.options.log_target === true,
      perClass: perColumnTotals(pe, axis, labelNames(pe.shape[axis] ?? 0)),
    };
  }

  // Stats: NaN propagates into min/max (as torch.min/max do) and counts as the worst sample.
  let min = Infinity;
  let max = -Infinity;
  let worstIndex = -1;
  for (let i = 0; i < sampleCount; i++) {
    const v = perSample[i]!;
    min = Number.isNaN(v) || Number.isNaN(min) ? NaN : Math.min(min, v);
    max = Number.isNaN(v) || Number.isNaN(max) ? NaN : Math.max(max, v);
    const worst = worstIndex < 0 ? undefined : perSample[worstIndex]!;
    if (worst === undefined || (Number.isNaN(v) && !Number.isNaN(worst)) || v > worst) worstIndex = i;
  }
  const ignoredCount = cls ? Array.from(cls.ignored).filter((v) => v === 1).length : 0;

  const formula = lossFormula(result.fn, result.options, probabilityTargets);
  const inputsLabel: LossReport['inputsLabel'] =
    result.fn === 'cross_entropy' ||
    result.fn === 'binary_cross_entropy_with_logits' ||
    result.fn === 'multilabel_soft_margin_loss' ||
    result.fn in EXTRA_PYTHON
      ? 'logits'
      : result.fn === 'nll_loss' || result.fn === 'kl_div' || result.fn === 'ctc_loss'
        ? 'log-probabilities'
        : result.fn === 'binary_cross_entropy'
          ? 'probabilities'
          : 'input';

  const report: LossReport = {
    schema: REPORT_SCHEMA,
    id: context.id ?? 'report',
    fn: result.fn,
    title: context.title ?? result.fn,
    kind: classDim >= 0 ? 'classification' : 'elementwise',
    value: result.output.shape.length === 0 ? jsonNumber(result.output.data[0]!) : null,
    valueShape: [...result.output.shape],
    valueText: valueText(result),
    formula,
    reduction: {
      reduction: red.reduction,
      numerator: jsonNumber(numerator),
      denominator: red.reduction === 'none' ? null : jsonNumber(red.denominator),
      denominatorLabel: red.denominatorLabel,
      why: red.why,
      expression:
        red.reduction === 'none'
          ? `Σ = ${formatValue(numerator)}`
          : `${formatValue(numerator)} / ${Number.isInteger(red.denominator) ? String(red.denominator) : formatValue(red.denominator)} = ${formatValue(result.output.shape.length === 0 ? result.output.data[0]! : ratio(numerator, red.denominator))}`,
    },
    inputs: Object.entries(inputs).map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] })),
    options: Object.entries(result.options).map(([name, v]) => ({ name, text: optionText(v) })),
    sampleCount,
    sampleShape,
    numClasses,
    classNames,
    inputsLabel,
    columns,
    stats: {
      min: jsonNumber(sampleCount > 0 ? min : NaN),
      max: jsonNumber(sampleCount > 0 ? max : NaN),
      mean: jsonNumber(sampleCount > 0 ? total(perSample) / sampleCount : NaN),
      worstIndex,
      ignoredCount,
    },
    ...(classes ? { classes } : {}),
    ...(labelSmoothing ? { labelSmoothing } : {}),
    gradients: gradientEntries.map(([name, t]) =>
      heatmap(name, t, name === mainGradientName ? gradientLayout : undefined, sampleCount),
    ),
    ...(bce ? { bce } : {}),
    ...(klDiv ? { klDiv } : {}),
    terms: extras.map(([name, t]) => ({
      name,
      shape: [...t.shape],
      total: jsonNumber(total(t.data)),
      perRow: rowTerms.some(([n]) => n === name),
    })),
    warnings: result.warnings.map(toReportWarning),
    ...buildTeachingSections(result, context.inputs),
    answer: buildAnswer(result, inputs, context.classNames),
  };

  // Sorted orders are computed once per key and reused by every page.
  const orders = new Map<string, Int32Array>();
  const sortValue = (key: RowSortKey, i: number): number => rowSortValue(key, i, perSample, cls);
  const order = (sort: RowSort): Int32Array => {
    const cacheKey = `${sort.key}:${sort.descending}`;
    let cached = orders.get(cacheKey);
    if (!cached) {
      const values = Float64Array.from({ length: sampleCount }, (_, i) => sortValue(sort.key, i));
      const sign = sort.descending ? -1 : 1;
      cached = Int32Array.from({ length: sampleCount }, (_, i) => i).sort((a, b) => {
        const va = values[a]!;
        const vb = values[b]!;
        // NaN sorts last in both directions; ties keep index order so paging is stable.
        if (Number.isNaN(va) || Number.isNaN(vb))
          return Number.isNaN(va) === Number.isNaN(vb) ? a - b : Number.isNaN(va) ? 1 : -1;
        return va === vb ? a - b : va < vb ? -sign : sign;
      });
      orders.set(cacheKey, cached);
    }
    return cached;
  };

  return pagedModel(report, sampleCount, order, buildRow);
}

/**
 * The value a row sorts by under `key`: its index, its loss, or (with `cls`, the per-sample classification arrays)
 * p(target), its weight or −log p(target); NaN where there is no classification.
 */
export function rowSortValue(
  key: RowSortKey,
  i: number,
  perSample: ArrayLike<number>,
  cls: { readonly targetProbability: ArrayLike<number>; readonly sampleWeight: ArrayLike<number> } | undefined,
): number {
  switch (key) {
    case 'index':
      return i;
    case 'loss':
      return perSample[i]!;
    case 'pTarget':
      return cls?.targetProbability[i] ?? NaN;
    case 'weight':
      return cls?.sampleWeight[i] ?? NaN;
    case 'negLogP':
      return -Math.log(cls?.targetProbability[i] ?? NaN);
  }
}

/**
 * A {@link ReportModel} over `sampleCount` rows built by `buildRow`: pages of at most {@link MAX_PAGE_SIZE} rows in
 * `order(sort)` (index order when unsorted).
 */
export function pagedModel(
  report: LossReport,
  sampleCount: number,
  order: (sort: RowSort) => Int32Array,
  buildRow: (index: number) => ReportRow,
): ReportModel {
  return {
    report,
    rows(offset: number, count: number, sort?: RowSort): ReportRow[] {
      const start = Math.max(0, Math.floor(offset));
      const end = Math.min(sampleCount, start + Math.max(0, Math.min(MAX_PAGE_SIZE, Math.floor(count))));
      const indices = !sort || (sort.key === 'index' && !sort.descending) ? undefined : order(sort);
      const out: ReportRow[] = [];
      for (let k = start; k < end; k++) out.push(buildRow(indices ? indices[k]! : k));
      return out;
    },
    row(index: number): ReportRow | undefined {
      return Number.isInteger(index) && index >= 0 && index < sampleCount ? buildRow(index) : undefined;
    },
  };
}

/**
 * The columns every row has: index, position in the sample shape, loss, and the loss as a share of the summed
 * `numerator` and as a contribution to the reduced value (`loss / denominator`).
 */
export function baseRow(
  i: number,
  loss: number,
  sampleShape: readonly number[],
  numerator: number,
  denominator: number,
): Record<string, unknown> {
  return {
    index: i,
    position: unravel(i, sampleShape),
    loss: jsonNumber(loss),
    share: jsonNumber(ratio(loss, numerator)),
    contribution: jsonNumber(ratio(loss, denominator)),
  };
}

/** A diagnostic as the report lists it: explanation and hint only when present. */
export function toReportWarning(d: Diagnostic): ReportWarning {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.explanation !== undefined ? { explanation: d.explanation } : {}),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}

function allRows(model: ReportModel): ReportRow[] {
  const out: ReportRow[] = [];
  for (let offset = 0; offset < model.report.sampleCount; offset += MAX_PAGE_SIZE)
    out.push(...model.rows(offset, MAX_PAGE_SIZE));
  return out;
}

/** The whole report with every row, as pretty-printed JSON (non-finite numbers as `"nan"`, `"inf"`, `"-inf"`). */
export function toJson(model: ReportModel): string {
  return `${JSON.stringify({ ...model.report, rows: allRows(model) }, null, 2)}\n`;
}

/**
 * A CSV cell: quoted when it holds a comma, quote or newline; text that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`) is prefixed with `'` so a class name cannot become a formula.
 */
function csvText(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvNumber(v: JsonNumber | undefined): string {
  return v === undefined ? '' : String(v);
}

/** Numbers only (no text can reach here), space-separated: nothing to quote or neutralise. */
function csvList(values: readonly JsonNumber[] | undefined): string {
  return values === undefined ? '' : values.map(String).join(' ');
}

/** One line per sample with the columns the report has; lists (logits, probabilities) are space-separated. */
export function toCsv(model: ReportModel): string {
  const r = model.report;
  const has = new Set(r.columns);
  const name = (c: number | undefined): string =>
    c === undefined || c < 0 ? '' : csvText(r.classNames[c] ?? String(c));
  const header: string[] = ['index', 'position'];
  const cells: ((row: ReportRow) => string)[] = [(row) => String(row.index), (row) => csvText(row.position.join(' '))];
  const add = (column: ReportColumn, title: string, cell: (row: ReportRow) => string): void => {
    if (!has.has(column)) return;
    header.push(title);
    cells.push(cell);
  };
  add('target', 'target', (row) => (row.target === undefined ? '' : String(row.target)));
  add('target', 'target_name', (row) => name(row.target));
  add('targetValues', 'target_values', (row) => csvList(row.targetValues));
  add('predicted', 'predicted', (row) => (row.predicted === undefined ? '' : String(row.predicted)));
  add('predicted', 'predicted_name', (row) => name(row.predicted));
  add('pTarget', 'p_target', (row) => csvNumber(row.pTarget));
  add('negLogP', 'neg_log_p', (row) => csvNumber(row.negLogP));
  add('weight', 'weight', (row) => csvNumber(row.weight));
  add('ignored', 'ignored', (row) => (row.ignored ? 'true' : 'false'));
  add('loss', 'loss', (row) => csvNumber(row.loss));
  add('share', 'share', (row) => csvNumber(row.share));
  add('contribution', 'contribution', (row) => csvNumber(row.contribution));
  add('nllPart', 'nll_part', (row) => csvNumber(row.nllPart));
  add('smoothPart', 'smooth_part', (row) => csvNumber(row.smoothPart));
  add('inputs', r.inputsLabel.replace(/-/g, '_'), (row) => csvList(row.inputs));
  add('probabilities', 'probabilities', (row) => csvList(row.probabilities));
  add('elementLoss', 'element_loss', (row) => csvList(row.elementLoss));
  add('gradient', 'gradient', (row) => csvList(row.gradient));
  for (const term of r.terms.filter((t) => t.perRow))
    add('terms', csvText(term.name), (row) => csvList(row.terms?.[term.name]));
  add('range', 'line', (row) => (row.range ? String(row.range.line) : ''));
  add('range', 'column', (row) => (row.range ? String(row.range.column) : ''));
  const lines = [header.join(',')];
  for (const row of allRows(model)) lines.push(cells.map((cell) => cell(row)).join(','));
  return `${lines.join('\n')}\n`;
}

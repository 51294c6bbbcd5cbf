/**
 * The typed messages between the extension host and the Loss Lens webviews (the breakdown panel and the inspector
 * view). One discriminated union per direction; both sides switch on `type` exhaustively with {@link assertNever}.
 *
 * The webview posts `ready` first; the host posts nothing before it (a webview that is not listening yet would drop
 * the message), then sends the l10n strings and the current state. Everything here is JSON-safe: `postMessage`
 * serialises as JSON, so report numbers use the `JsonNumber` encoding of src/core/report/report.ts.
 *
 * Imported by both sides: keep it free of `vscode` and of the DOM.
 */
import type { ProgramReport } from './core/report/program-report';
import type { LossReport, ReportRow, RowSort, RowSortKey } from './core/report/report';

/** Which webview is talking: the editor-area breakdown panel or the side-bar inspector. */
export type WebviewRole = 'breakdown' | 'inspector';

/** Every string the webview shows, by key. The host fills them with `vscode.l10n.t` (the webview has no language logic). */
export const WEBVIEW_STRING_KEYS = [
  'empty',
  'computing',
  'value',
  'valueNone',
  'formula',
  'reduction',
  'numerator',
  'denominator',
  'why',
  'samples',
  'sampleCount',
  'ignoredCount',
  'classes',
  'gradient',
  'terms',
  'warnings',
  'noWarnings',
  'overview',
  'inputs',
  'options',
  'colIndex',
  'colPosition',
  'colTarget',
  'colPredicted',
  'colPTarget',
  'colNegLogP',
  'colWeight',
  'colLoss',
  'colShare',
  'colContribution',
  'colCount',
  'colWeightSum',
  'colLossSum',
  'colMeanProbability',
  'colClass',
  'colTotal',
  'ignored',
  'sortedBy',
  'sortAscending',
  'sortDescending',
  'loadingRows',
  'logits',
  'logProbabilities',
  'inputProbabilities',
  'input',
  'probabilities',
  'targetValues',
  'elementLoss',
  'sampleDetails',
  'selectSample',
  'revealInSource',
  'statsLowest',
  'statsHighest',
  'statsMean',
  'statsWorst',
  'labelSmoothing',
  'nllPart',
  'smoothPart',
  'bce',
  'posWeight',
  'positives',
  'negatives',
  'perLabel',
  'klPerClass',
  'heatmapLegend',
  'heatmapDownsampled',
  'heatmapCell',
  'exportSnippet',
  'exportJson',
  'exportCsv',
  'whatIf',
  'whatIfHint',
  'loss',
  'labelSmoothingOption',
  'ignoreIndexOption',
  'classWeights',
  'addWeights',
  'removeWeights',
  'notAnOption',
  'reset',
  'edited',
  'history',
  'noHistory',
  'pin',
  'unpin',
  'pinned',
  'openBreakdown',
  'errorTitle',
  'cause',
  'fix',
  'stale',
  'invalidNumber',
  'editValue',
  'editTarget',
  // The teaching sections: the derivation by hand, CE = H + KL, both label-smoothing conventions, loss parts.
  'derivationTab',
  'derivationHint',
  'infoTab',
  'infoTitle',
  'infoHint',
  'infoOneHot',
  'infoWeighted',
  'infoIdentity',
  'infoIdentityFails',
  'colEntropy',
  'colKl',
  'colCrossEntropy',
  'colEntropyPlusKl',
  'teachingRowsShown',
  'smoothingTitle',
  'smoothingHint',
  'smoothingPytorch',
  'smoothingClamp',
  'smoothingOnTarget',
  'smoothingOffTarget',
  'smoothingTorchComputes',
  'smoothingShownPytorch',
  'smoothingShownClamp',
  'smoothingNotSame',
  'partsTitle',
  'weightsFromCounts',
  'weightsFromCountsHint',
  'applyClassWeights',
  'applyPosWeight',
  'colPositives',
  'colNegatives',
  'weightsDegenerate',
  // The derivation's phrases (src/core/report/derivation.ts DERIVATION_PHRASES; the same English and Chinese).
  'derivHeading',
  'derivSample',
  'derivSampleIgnored',
  'derivSampleSoft',
  'derivElement',
  'derivSmoothedTargets',
  'derivReduction',
  'derivShift',
  'derivSoftmaxTarget',
  'derivExpSum',
  'derivSoftmaxClass',
  'derivNegLog',
  'derivWeighted',
  'derivIgnored',
  'derivSmoothingIndex',
  'derivSmoothedTarget',
  'derivProbTargets',
  'derivNll',
  'derivBce',
  'derivLogClamp',
  'derivSigmoid',
  'derivBceLogits',
  'derivStableForm',
  'derivElementWeight',
  'derivRce',
  'derivRceClamped',
  'derivSce',
  'derivClampOn',
  'derivClampOff',
  'derivClampLoss',
  'derivPt',
  'derivFocalCe',
  'derivFocalCeSoft',
  'derivFocalStable',
  'derivModulating',
  'derivAlphaT',
  'derivAlphaClass',
  'derivFocal',
  'derivMean',
  'derivMeanElements',
  'derivMeanKept',
  'derivWeightedMean',
  'derivSum',
  'derivNone',
  'derivTooLarge',
  'derivUnsupported',
  // Large inputs (src/core/report/summary.ts): the Summary tab.
  'largeTab',
  'largeNote',
  'worstSamples',
  'showSample',
  'lossHistogram',
  'histogramBin',
  'histogramExcluded',
  'confusion',
  'confusionHint',
  'confusionOther',
  'confusionCell',
  'accuracy',
  'classAggregates',
  'classesShown',
  'colMeanLoss',
  'colPredictedCount',
  // The answer, the softmax rows, the loss curve and the heat map's axes.
  'softmaxTitle',
  'sigmoidTitle',
  'probabilityTitle',
  'softmaxShown',
  'otherClasses',
  'colLogit',
  'lossCurve',
  'targetLogitAxis',
  'weightMark',
  'ignoredMark',
  'heatmapRows',
  'heatmapCols',
  'heatmapColsElement',
  'answerLabel',
  // A whole program (src/core/report/program-report.ts): its output, its loss calls, its hand-written losses, its draw.
  'programTitle',
  'programOutput',
  'programNoOutput',
  'programOutputCut',
  'programCalls',
  'programCallLine',
  'programCallLoop',
  'programCallNoValue',
  'programCallShown',
  'programCustomLosses',
  'programHandWritten',
  'programResembles',
  'programWhyDiffer',
  'programPerSample',
  'programGoToLine',
  'programRandomDraw',
  'programRandomDrawHint',
  'programAnotherDraw',
  'programNoBreakdown',
] as const;

/** A key of the webview's string bundle. */
export type WebviewStringKey = (typeof WEBVIEW_STRING_KEYS)[number];

/** The webview's strings; templates use `{0}`, `{1}` placeholders that the webview fills. */
export type WebviewStrings = Readonly<Record<WebviewStringKey, string>>;

/** One loss the what-if dropdown offers. */
export interface LossChoice {
  readonly name: string;
  readonly summary: string;
}

/** Weights counted from the shown computation's targets, ready to apply with one click. */
export interface SuggestedWeights {
  readonly weights: readonly number[];
  /** Per class: n_c (class weights); per label: the positives (pos_weight). */
  readonly counts: readonly number[];
  /** Per label: the negatives (pos_weight only). */
  readonly negatives?: readonly number[];
  /** Classes or labels left at 1 (no samples, or no positives/negatives). */
  readonly degenerate: readonly number[];
  /** `N / (C·n_c)` or `negatives / positives`. */
  readonly formula: string;
}

/** The what-if controls' current values and which of them apply to the current loss. */
export interface WhatIfState {
  readonly fn: string;
  readonly losses: readonly LossChoice[];
  readonly reduction: string;
  readonly reductions: readonly string[];
  /** `null` when the loss has no `label_smoothing` option. */
  readonly labelSmoothing: number | null;
  /** `null` when the loss has no `ignore_index` option. */
  readonly ignoreIndex: number | null;
  /** Whether the loss takes per-class `weight` (a class axis is needed to edit them). */
  readonly supportsClassWeights: boolean;
  /** Current class weights, `null` when none are set. */
  readonly classWeights: readonly number[] | null;
  /** Whether the loss takes `pos_weight`. */
  readonly supportsPosWeight: boolean;
  /** Current pos_weight, `null` when none is set. */
  readonly posWeight: readonly number[] | null;
  /** Names for the weight fields (classes for `weight`, labels for `pos_weight`). */
  readonly classNames: readonly string[];
  readonly labelNames: readonly string[];
  /** True when any input or option differs from the code's values. */
  readonly edited: boolean;
  /** Logits and targets can be edited (the request holds the tensors). */
  readonly canEditInputs: boolean;
  /** Class weights and pos_weight counted from the targets, where the loss takes them. */
  readonly weightsFromCounts?: {
    readonly classWeights?: SuggestedWeights;
    readonly posWeight?: SuggestedWeights;
  };
}

/** One line of the history list. */
export interface HistoryEntry {
  readonly id: string;
  readonly title: string;
  readonly fn: string;
  /** The value as printed, or empty when the last computation failed. */
  readonly valueText: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly pinned: boolean;
  readonly edited: boolean;
  readonly failed: boolean;
}

/** An error to show: PyTorch's text first, then cause and fix. */
export interface ErrorInfo {
  readonly message: string;
  readonly code?: string;
  readonly explanation?: string;
  readonly hint?: string;
}

/** A page of rows for one report in one sort order. */
export interface RowsPage {
  readonly reportId: string;
  /** Echo of the request's id (0 for the page sent with `showReport`). */
  readonly requestId: number;
  readonly offset: number;
  readonly total: number;
  readonly sort: RowSort;
  readonly rows: readonly ReportRow[];
}

/** A what-if change; the host recomputes through its `compute` function and posts the new report. */
export type WhatIfChange =
  | { readonly kind: 'loss'; readonly fn: string }
  | { readonly kind: 'reduction'; readonly reduction: string }
  | { readonly kind: 'labelSmoothing'; readonly value: number }
  | { readonly kind: 'ignoreIndex'; readonly value: number }
  /** `null` removes the weights. */
  | { readonly kind: 'classWeights'; readonly weights: readonly number[] | null }
  | { readonly kind: 'posWeight'; readonly weights: readonly number[] | null }
  /** Counts the targets and sets class weights N/(C·n_c) or pos_weight = negatives/positives. */
  | { readonly kind: 'weightsFromCounts'; readonly target: 'classWeights' | 'posWeight' }
  /** Sets input[sample, classIndex] (for elementwise losses `classIndex` is the element within the sample). */
  | { readonly kind: 'editLogit'; readonly sample: number; readonly classIndex: number; readonly value: number }
  /** Sets the sample's target: the class index for index targets (`classIndex` −1), else target[sample, classIndex]. */
  | { readonly kind: 'editTarget'; readonly sample: number; readonly classIndex: number; readonly value: number }
  /** Back to the values in the code. */
  | { readonly kind: 'reset' };

/** A whole program on screen: its report, which of its loss calls the breakdown below shows, and what it offers. */
export interface ProgramView {
  readonly report: ProgramReport;
  /** The index of the call whose breakdown is shown, `null` when none is. */
  readonly selectedCall: number | null;
  /** True when the program drew unseeded random numbers and can be run again with the next seed. */
  readonly canDrawAgain: boolean;
}

/** What the export buttons ask for. */
export type ExportFormat = 'snippet' | 'json' | 'csv';

/** Messages the host sends to a webview. */
export type HostToWebview =
  /** host → webview: every UI string, sent right after `ready` and before any state. */
  | { readonly type: 'l10n'; readonly locale: string; readonly strings: WebviewStrings }
  /** host → webview: a report to draw, with its first page of rows and the what-if state. */
  | {
      readonly type: 'showReport';
      readonly report: LossReport;
      readonly firstPage: RowsPage;
      readonly whatIf: WhatIfState;
      readonly pinned: boolean;
      /** True when the last what-if failed and this is the last report that computed. */
      readonly stale: boolean;
    }
  /** host → webview: the answer to `requestRows`. */
  | { readonly type: 'rows'; readonly page: RowsPage }
  /** host → webview: the history list (most recent first) and which entry is shown. */
  | { readonly type: 'history'; readonly entries: readonly HistoryEntry[]; readonly currentId: string | null }
  /** host → webview: a computation started or finished. */
  | { readonly type: 'busy'; readonly busy: boolean }
  /** host → webview: nothing to show (no computation yet). */
  | { readonly type: 'clear' }
  /** host → webview: the computation failed; the webview keeps the last report (if any) and shows this. */
  | { readonly type: 'error'; readonly error: ErrorInfo; readonly whatIf: WhatIfState | null }
  /** host → webview: select and scroll to a sample (e.g. the cursor moved onto it in the editor). */
  | { readonly type: 'selectSample'; readonly reportId: string; readonly sampleIndex: number }
  /** host → webview: the whole program the shown computation belongs to (`null`: a single computation). */
  | { readonly type: 'program'; readonly program: ProgramView | null };

/** Messages a webview sends to the host. */
export type WebviewToHost =
  /** webview → host: the script is listening; the host may post now (and re-sends its state every time). */
  | { readonly type: 'ready'; readonly role: WebviewRole }
  /** webview → host: rows `offset … offset+count−1` of a report in a sort order. */
  | {
      readonly type: 'requestRows';
      readonly reportId: string;
      readonly requestId: number;
      readonly offset: number;
      readonly count: number;
      readonly sort: RowSort;
    }
  /** webview → host: recompute with a change. */
  | { readonly type: 'whatIf'; readonly reportId: string; readonly change: WhatIfChange }
  /** webview → host: show a history entry again. */
  | { readonly type: 'openHistory'; readonly entryId: string }
  /** webview → host: pin (keep on screen while new computations go to history) or unpin the shown report. */
  | { readonly type: 'pin'; readonly pinned: boolean }
  /** webview → host: copy the PyTorch snippet, or save the report as JSON or CSV. */
  | { readonly type: 'export'; readonly format: ExportFormat }
  /** webview → host: reveal a sample's place in the source. */
  | { readonly type: 'revealSample'; readonly reportId: string; readonly sampleIndex: number }
  /** webview → host (inspector): open the breakdown panel beside the editor. */
  | { readonly type: 'openBreakdown' }
  /** webview → host: show the breakdown of another loss call of the program (the picker). */
  | { readonly type: 'showProgramCall'; readonly programId: string; readonly callIndex: number }
  /** webview → host: run the same program again with the next seed ("another draw"). */
  | { readonly type: 'anotherDraw'; readonly programId: string }
  /** webview → host: put the editor's cursor on a line of the program (a loss call, a hand-written loss). */
  | { readonly type: 'revealProgramLine'; readonly programId: string; readonly line: number; readonly column: number };

/** For exhaustive switches: a compile error when a case is missing, a runtime error if one slips through. */
export function assertNever(value: never, what = 'message'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** The sort keys a row request may use. */
export const ROW_SORT_KEYS: readonly RowSortKey[] = ['index', 'loss', 'pTarget', 'weight', 'negLogP'];

/** Fills `{0}`, `{1}`… in a string template. */
export function formatTemplate(template: string, ...args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const arg = args[Number(index)];
    return arg === undefined ? match : String(arg);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Validation of webview messages. The webview runs our code, but its messages still cross a process boundary and a
// stale webview (after an update) may send an old shape: the host checks before acting.

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIndex = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 0;
const isInteger = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v);
const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 100_000 && v.every(isFiniteNumber);

function isRowSort(v: unknown): v is RowSort {
  return isObject(v) && ROW_SORT_KEYS.includes(v.key as RowSortKey) && typeof v.descending === 'boolean';
}

/** True when `v` is a well-formed {@link WhatIfChange}. */
export function isWhatIfChange(v: unknown): v is WhatIfChange {
  if (!isObject(v) || !isString(v.kind)) return false;
  const kind = v.kind as WhatIfChange['kind'];
  switch (kind) {
    case 'loss':
      return isString(v.fn) && v.fn.length > 0 && v.fn.length < 100;
    case 'reduction':
      return isString(v.reduction) && v.reduction.length < 100;
    case 'labelSmoothing':
      return isFiniteNumber(v.value);
    case 'ignoreIndex':
      return isInteger(v.value);
    case 'classWeights':
    case 'posWeight':
      return v.weights === null || isNumberList(v.weights);
    case 'weightsFromCounts':
      return v.target === 'classWeights' || v.target === 'posWeight';
    case 'editLogit':
      return isIndex(v.sample) && isIndex(v.classIndex) && typeof v.value === 'number' && !Number.isNaN(v.value);
    case 'editTarget':
      return isIndex(v.sample) && isInteger(v.classIndex) && v.classIndex >= -1 && isFiniteNumber(v.value);
    case 'reset':
      return true;
    default:
      return false;
  }
}

/** Checks a message from a webview; returns it typed, or `undefined` when it is not one we understand. */
export function parseWebviewMessage(v: unknown): WebviewToHost | undefined {
  if (!isObject(v) || !isString(v.type)) return undefined;
  const type = v.type as WebviewToHost['type'];
  let ok: boolean;
  switch (type) {
    case 'ready':
      ok = v.role === 'breakdown' || v.role === 'inspector';
      break;
    case 'requestRows':
      ok = isString(v.reportId) && isIndex(v.requestId) && isIndex(v.offset) && isIndex(v.count) && isRowSort(v.sort);
      break;
    case 'whatIf':
      ok = isString(v.reportId) && isWhatIfChange(v.change);
      break;
    case 'openHistory':
      ok = isString(v.entryId);
      break;
    case 'pin':
      ok = typeof v.pinned === 'boolean';
      break;
    case 'export':
      ok = v.format === 'snippet' || v.format === 'json' || v.format === 'csv';
      break;
    case 'revealSample':
      ok = isString(v.reportId) && isIndex(v.sampleIndex);
      break;
    case 'openBreakdown':
      ok = true;
      break;
    case 'showProgramCall':
      ok = isString(v.programId) && isIndex(v.callIndex);
      break;
    case 'anotherDraw':
      ok = isString(v.programId);
      break;
    case 'revealProgramLine':
      ok = isString(v.programId) && isIndex(v.line) && v.line >= 1 && isIndex(v.column) && v.column >= 1;
      break;
    default:
      ok = false;
  }
  return ok ? (v as unknown as WebviewToHost) : undefined;
}

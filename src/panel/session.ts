/**
 * The state behind both webviews: the computation being shown, what-if edits to it, the history of the last
 * computations, paging and exports. No `vscode` import: the panel and the inspector only translate between this and
 * their webviews, and this runs in mocha.
 */
import type { Diagnostic, SourceRange } from '../core/diagnostics';
import type { ProgramReport } from '../core/report/program-report';
import type { LossInputs, LossOptions, LossResult, OptionValue, TorchVersion } from '../core/losses/types';
import {
  buildReport,
  inputElementIndex,
  toCsv,
  toJson,
  toPytorchSnippet,
  type ReportModel,
  type RowSort,
} from '../core/report/report';
import {
  buildSummaryReport,
  MAX_CLASS_ROWS,
  summarize,
  summarySnippet,
  type LossSummary,
} from '../core/report/summary';
import { isFloating, numel, tensorFrom, type DType, type Tensor } from '../core/tensor';
import { weightsForComputation, type CountWeights } from '../core/weights';
import type {
  ErrorInfo,
  ExportFormat,
  HistoryEntry,
  ProgramView,
  RowsPage,
  SuggestedWeights,
  WhatIfChange,
  WhatIfState,
} from '../protocol';
import { Disposable, Emitter } from './lifecycle';

/** One computation to show: the loss, its tensors and options, and how to label and place it. */
export interface ComputeRequest {
  /** Functional name (`cross_entropy`); module names work too if `compute` accepts them. */
  readonly fn: string;
  /** Tensors by PyTorch parameter name. */
  readonly inputs: LossInputs;
  /** Keyword options as written (defaults are filled by the loss). */
  readonly options: LossOptions;
  /** Heading for the breakdown and the history, e.g. `train.py:42 criterion(logits, y)`. */
  readonly title?: string;
  /** Class names by index. */
  readonly classNames?: readonly string[];
  /** Where each sample stands in the source, by flat sample index (for reveal). */
  readonly sampleRanges?: readonly (SourceRange | null | undefined)[];
  /** The document the computation came from (a URI string), handed back to `reveal`. */
  readonly source?: string;
  /** Whose PyTorch to reproduce (a tensor file's `"torch"`); the lossLens.torchVersion setting when absent. */
  readonly torchVersion?: TorchVersion;
  /**
   * Computes this request instead of the session's `compute`, and what-if edits of it too: large inputs are computed
   * in a worker, in summary mode (a result with `detail: 'summary'` is shown as a summary with rows paged on demand).
   */
  readonly compute?: ComputeFn;
}

/**
 * What `compute` returns: the shape of `RunOutcome` from src/core/run.ts (`runLoss`), so the lead can pass
 * `(r) => runLoss({ loss: r.fn, inputs: r.inputs, options: r.options })` directly. An empty `results` means failure and
 * the first error diagnostic is shown.
 */
export interface ComputeOutcome {
  readonly results: readonly LossResult[];
  readonly diagnostics: readonly Diagnostic[];
  /** Summaries of summary-mode results, by index, when already computed (in the worker, for large inputs). */
  readonly summaries?: readonly LossSummary[];
}

/** The injected computation (synchronous, or asynchronous e.g. through a worker). It may also throw. */
export type ComputeFn = (request: ComputeRequest) => ComputeOutcome | Promise<ComputeOutcome>;

/** A loss the what-if dropdown offers; a core `LossDefinition` satisfies this. */
export interface LossCatalogEntry {
  readonly name: string;
  readonly summary: string;
  readonly inputs: readonly string[];
  readonly optionalInputs?: readonly string[];
  readonly defaults: LossOptions;
}

/** A whole program to show: its report, the breakdown request of each of its loss calls, and how to draw again. */
export interface ProgramRequest {
  readonly report: ProgramReport;
  /** By call index: what to compute for the call's breakdown; `undefined` where the call has no value. */
  readonly callRequests: readonly (ComputeRequest | undefined)[];
  /** The document the program came from (a URI string), for going to a line. */
  readonly source?: string;
  /** Runs the same program again with another seed; present when its random inputs are an unseeded draw. */
  readonly redraw?: (seed: number) => ProgramRequest | Promise<ProgramRequest>;
}

/** A program on screen or in the history (one per draw). */
interface ProgramState {
  readonly request: ProgramRequest;
}

/** What changed, so each webview posts only what it must. */
export type SessionChange =
  | { readonly kind: 'view' }
  | { readonly kind: 'history' }
  | { readonly kind: 'busy'; readonly busy: boolean }
  | { readonly kind: 'select'; readonly reportId: string; readonly sampleIndex: number };

/** Options of {@link LensSession}. */
export interface LensSessionOptions {
  readonly compute: ComputeFn;
  /** The losses to offer in the what-if dropdown (e.g. the core's `LOSSES`). */
  readonly losses: readonly LossCatalogEntry[];
  /** How many computations the history keeps (pinned ones are never dropped). Default 20. */
  readonly historyLimit?: number;
  /** Rows sent with each report before the webview asks for more. Default 100. */
  readonly firstPageSize?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

interface Entry {
  readonly id: string;
  readonly time: number;
  readonly original: ComputeRequest;
  request: ComputeRequest;
  edited: boolean;
  pinned: boolean;
  generation: number;
  /** The last computation that succeeded, with the request it came from. */
  good?: { readonly model: ReportModel; readonly result: LossResult; readonly request: ComputeRequest };
  /** Set when the latest computation failed. */
  error?: ErrorInfo;
  /** The program this computation is a loss call of, and which call. */
  program?: { readonly state: ProgramState; readonly callIndex: number };
}

/** The model of a summary-mode result: aggregates now, rows (and a row's probabilities) when a page is asked for. */
function summaryModel(result: LossResult, request: ComputeRequest, id: string, summary?: LossSummary): ReportModel {
  return buildSummaryReport(summary ?? summarize(result, request.inputs), {
    id,
    title: request.title ?? result.fn,
    inputs: request.inputs,
    ...(request.classNames ? { classNames: request.classNames } : {}),
  });
}

/** The default page sort: sample order. */
export const INDEX_SORT: RowSort = { key: 'index', descending: false };

/** Turns whatever `compute` threw or reported into something to show. */
export function toErrorInfo(e: unknown): ErrorInfo {
  const d = (e as { diagnostic?: Diagnostic } | undefined)?.diagnostic;
  if (d && typeof d.message === 'string') return diagnosticToError(d);
  return { message: e instanceof Error ? e.message : String(e) };
}

function diagnosticToError(d: Diagnostic): ErrorInfo {
  return {
    message: d.message,
    code: d.code,
    ...(d.explanation !== undefined ? { explanation: d.explanation } : {}),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}

function mainInputName(inputs: LossInputs): string | undefined {
  for (const name of ['input', 'log_probs', 'input1', 'anchor']) if (name in inputs) return name;
  return Object.keys(inputs)[0];
}

function targetName(inputs: LossInputs): string | undefined {
  return 'target' in inputs ? 'target' : 'targets' in inputs ? 'targets' : undefined;
}

function withElement(t: Tensor, index: number, value: number): Tensor {
  const values = Array.from(t.data);
  values[index] = value;
  return tensorFrom(values, t.shape, t.dtype);
}

function weightDtype(inputs: LossInputs): DType {
  const main = mainInputName(inputs);
  const dtype = main ? inputs[main]!.dtype : 'float32';
  return isFloating(dtype) ? dtype : 'float32';
}

function optionNumber(v: OptionValue | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/**
 * Applies a what-if change to a request. Edits of logits and targets need the last result (for the class axis and
 * the sample count). Throws an Error with a plain message when the change cannot apply.
 */
export function applyWhatIf(
  request: ComputeRequest,
  change: Exclude<WhatIfChange, { kind: 'reset' }>,
  context: { readonly losses: readonly LossCatalogEntry[]; readonly result?: LossResult },
): ComputeRequest {
  const options: Record<string, OptionValue> = { ...request.options };
  switch (change.kind) {
    case 'loss': {
      const def = context.losses.find((l) => l.name === change.fn);
      if (!def) throw new Error(`Unknown loss "${change.fn}".`);
      // Keep the options and tensors the new loss understands; the rest would be "unexpected keyword" errors.
      const keptOptions = Object.fromEntries(Object.entries(request.options).filter(([k]) => k in def.defaults));
      const accepted = new Set([...def.inputs, ...(def.optionalInputs ?? [])]);
      const keptInputs = Object.fromEntries(Object.entries(request.inputs).filter(([k]) => accepted.has(k)));
      return { ...request, fn: def.name, options: keptOptions, inputs: keptInputs };
    }
    case 'reduction':
      options.reduction = change.reduction;
      return { ...request, options };
    case 'labelSmoothing':
      options.label_smoothing = change.value;
      return { ...request, options };
    case 'ignoreIndex':
      options.ignore_index = Math.trunc(change.value);
      return { ...request, options };
    case 'classWeights':
    case 'posWeight': {
      const key = change.kind === 'classWeights' ? 'weight' : 'pos_weight';
      options[key] =
        change.weights === null
          ? null
          : tensorFrom(change.weights, [change.weights.length], weightDtype(request.inputs));
      return { ...request, options };
    }
    case 'weightsFromCounts': {
      // Counted from the targets: N/(C·n_c) per class, or negatives/positives per label (src/core/weights.ts).
      const def = context.losses.find((l) => l.name === request.fn);
      const classWeights = change.target === 'classWeights';
      const key = classWeights ? 'weight' : 'pos_weight';
      const counted = weightsForComputation(request.inputs, request.options, context.result, {
        classWeights: classWeights && def !== undefined && key in def.defaults,
        posWeight: !classWeights && def !== undefined && key in def.defaults,
      });
      const found = classWeights ? counted.classWeights : counted.posWeight;
      if (!found) throw new Error(`${request.fn} takes no ${key} that can be counted from its targets.`);
      options[key] = tensorFrom(found.weights, [found.weights.length], weightDtype(request.inputs));
      return { ...request, options };
    }
    case 'editLogit':
    case 'editTarget': {
      const result = context.result;
      if (!result) throw new Error('There is no computed result to edit.');
      // A large input's values are not edited (copying them would block the extension host); options still are.
      if (result.detail === 'summary')
        throw new Error('The values of a large input cannot be edited; change its options instead.');
      const name = change.kind === 'editLogit' ? mainInputName(request.inputs) : targetName(request.inputs);
      const tensor = name ? request.inputs[name] : undefined;
      if (!name || !tensor) throw new Error('The computation has no tensor to edit.');
      const sampleCount = result.perSample.length;
      if (change.sample >= sampleCount)
        throw new Error(`Sample ${change.sample} is out of range (${sampleCount} samples).`);
      const classDim = result.classification?.classDim ?? -1;
      const index =
        change.kind === 'editTarget' && change.classIndex < 0
          ? numel(tensor.shape) === sampleCount
            ? change.sample
            : -1
          : inputElementIndex(tensor.shape, classDim, sampleCount, change.sample, change.classIndex);
      if (index < 0 || index >= numel(tensor.shape)) throw new Error('That element is not in the tensor.');
      return { ...request, inputs: { ...request.inputs, [name]: withElement(tensor, index, change.value) } };
    }
  }
}

/**
 * The computations Loss Lens shows: one current entry, a history of the last `historyLimit`, what-if edits and
 * paging. Both webviews subscribe to {@link LensSession.onDidChange}.
 */
export class LensSession extends Disposable {
  private readonly changes = this._register(new Emitter<SessionChange>());
  /** Fires when the shown report, the history or the busy state changes. */
  readonly onDidChange = this.changes.event;

  private readonly entries: Entry[] = [];
  private currentId: string | undefined;
  /** The program on screen (its output, calls and hand-written losses), above the current entry's breakdown. */
  private shownProgram: ProgramState | undefined;
  private nextId = 1;
  private running = 0;
  private readonly historyLimit: number;
  private readonly firstPageSize: number;
  private readonly now: () => number;

  constructor(private readonly options: LensSessionOptions) {
    super();
    this.historyLimit = Math.max(1, options.historyLimit ?? 20);
    this.firstPageSize = options.firstPageSize ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** True while a computation runs. */
  get busy(): boolean {
    return this.running > 0;
  }

  /** True when the shown entry is pinned. */
  get pinned(): boolean {
    return this.current?.pinned ?? false;
  }

  private get current(): Entry | undefined {
    return this.entries.find((e) => e.id === this.currentId);
  }

  /**
   * Computes `request` and shows it, as a new history entry. While the shown entry is pinned the new one only goes
   * to the history. Resolves once the computation is done (it never rejects).
   */
  async show(request: ComputeRequest): Promise<void> {
    await this.showEntry(request, undefined);
  }

  /**
   * Shows a whole program: its output, loss calls and hand-written losses, and the breakdown of call `callIndex`
   * (when given and computable). Resolves once that breakdown is computed.
   */
  async showProgram(request: ProgramRequest, callIndex?: number): Promise<void> {
    const state: ProgramState = { request };
    const call = callIndex !== undefined ? request.callRequests[callIndex] : undefined;
    if (call && callIndex !== undefined) {
      await this.showEntry(call, { state, callIndex });
      return;
    }
    if (this.pinned) return;
    // No breakdown to show: the program alone (e.g. only hand-written losses).
    this.shownProgram = state;
    this.currentId = undefined;
    this.fire({ kind: 'view' });
    this.fire({ kind: 'history' });
  }

  /** Shows the breakdown of another loss call of the program on screen (an entry of its own in the history). */
  async showProgramCall(programId: string, callIndex: number): Promise<void> {
    const state = this.programState(programId);
    const call = state?.request.callRequests[callIndex];
    if (!state || !call) return;
    const existing = this.entries.find((e) => e.program?.state === state && e.program.callIndex === callIndex);
    if (existing) {
      this.open(existing.id);
      return;
    }
    await this.showEntry(call, { state, callIndex });
  }

  /** Runs the program on screen again with the next seed and shows the same call of the new draw. */
  async anotherDraw(programId: string): Promise<void> {
    const state = this.programState(programId);
    const draw = state?.request.report.randomDraw;
    if (!state || !draw || !state.request.redraw) return;
    const selected = this.view().program?.selectedCall ?? undefined;
    this.running++;
    if (this.running === 1) this.fire({ kind: 'busy', busy: true });
    let next: ProgramRequest;
    try {
      next = await state.request.redraw(draw.seed + 1);
    } finally {
      this.running--;
      if (this.running === 0) this.fire({ kind: 'busy', busy: false });
    }
    if (this.isDisposed) return;
    await this.showProgram(next, selected ?? next.callRequests.findIndex((c) => c !== undefined));
  }

  /** The document a program on screen came from, for going to one of its lines. */
  programSource(programId: string): string | undefined {
    return this.programState(programId)?.request.source;
  }

  private programState(programId: string): ProgramState | undefined {
    const shown = this.shownProgram;
    return shown && shown.request.report.id === programId ? shown : undefined;
  }

  private async showEntry(request: ComputeRequest, program: Entry['program']): Promise<void> {
    const entry: Entry = {
      id: `h${this.nextId++}`,
      time: this.now(),
      original: request,
      request,
      edited: false,
      pinned: false,
      generation: 0,
      ...(program ? { program } : {}),
    };
    this.entries.unshift(entry);
    this.evict();
    const switchTo = !this.pinned;
    if (switchTo) {
      this.currentId = entry.id;
      this.shownProgram = program?.state;
    }
    this.fire({ kind: 'history' });
    await this.run(entry);
  }

  /** Applies a what-if change to the shown entry and recomputes. */
  async whatIf(change: WhatIfChange): Promise<void> {
    const entry = this.current;
    if (!entry) return;
    if (change.kind === 'reset') {
      entry.request = entry.original;
      entry.edited = false;
    } else {
      try {
        entry.request = applyWhatIf(entry.request, change, {
          losses: this.options.losses,
          ...(entry.good ? { result: entry.good.result } : {}),
        });
        entry.edited = true;
      } catch (e) {
        entry.error = toErrorInfo(e);
        this.fire({ kind: 'view' });
        return;
      }
    }
    await this.run(entry);
  }

  /** Shows a history entry again (its latest state, including what-if edits). */
  open(entryId: string): void {
    const entry = this.entries.find((e) => e.id === entryId);
    if (!entry || entryId === this.currentId) return;
    this.currentId = entryId;
    this.shownProgram = entry.program?.state;
    this.fire({ kind: 'view' });
    this.fire({ kind: 'history' });
  }

  /** Pins or unpins the shown entry. */
  setPinned(pinned: boolean): void {
    const entry = this.current;
    if (!entry || entry.pinned === pinned) return;
    entry.pinned = pinned;
    this.fire({ kind: 'view' });
    this.fire({ kind: 'history' });
  }

  /** Asks the webviews to select a sample of the shown report. */
  selectSample(sampleIndex: number): void {
    const good = this.current?.good;
    if (good && sampleIndex >= 0 && sampleIndex < good.model.report.sampleCount) {
      this.fire({ kind: 'select', reportId: good.model.report.id, sampleIndex });
    }
  }

  /** The history, most recent first. */
  history(): { entries: HistoryEntry[]; currentId: string | null } {
    return {
      currentId: this.currentId ?? null,
      entries: this.entries.map((e) => ({
        id: e.id,
        title: e.request.title ?? e.request.fn,
        fn: e.request.fn,
        valueText: e.good && !e.error ? e.good.model.report.valueText : '',
        time: e.time,
        pinned: e.pinned,
        edited: e.edited,
        failed: e.error !== undefined,
      })),
    };
  }

  /** What the webviews should show now: nothing, a report (possibly stale), and/or an error. */
  view(): {
    report?: { model: ReportModel; firstPage: RowsPage; stale: boolean };
    error?: ErrorInfo;
    whatIf: WhatIfState | null;
    pinned: boolean;
    program: ProgramView | null;
  } {
    const entry = this.current;
    const shown = this.shownProgram;
    const program: ProgramView | null = shown
      ? {
          report: shown.request.report,
          selectedCall: entry?.program?.state === shown ? entry.program.callIndex : null,
          canDrawAgain: shown.request.redraw !== undefined && shown.request.report.randomDraw !== null,
        }
      : null;
    if (!entry) return { whatIf: null, pinned: false, program };
    const whatIf = this.whatIfState(entry);
    const good = entry.good;
    return {
      ...(good
        ? {
            report: {
              model: good.model,
              firstPage: this.page(good.model, 0, 0, this.firstPageSize, INDEX_SORT),
              stale: entry.error !== undefined,
            },
          }
        : {}),
      ...(entry.error ? { error: entry.error } : {}),
      whatIf,
      pinned: entry.pinned,
      program,
    };
  }

  /** A page of rows of any report still in the history, or `undefined` when that report is gone. */
  rows(reportId: string, requestId: number, offset: number, count: number, sort: RowSort): RowsPage | undefined {
    const model = this.findModel(reportId);
    return model ? this.page(model, requestId, offset, count, sort) : undefined;
  }

  /** The text to export for the shown report: a PyTorch snippet, the JSON report or the CSV rows. */
  exportText(format: ExportFormat): { text: string; fileName: string } | undefined {
    const good = this.current?.good;
    if (!good) return undefined;
    const base = good.result.fn;
    switch (format) {
      case 'snippet': {
        // A large input is not printed: the snippet loads it from its file.
        if (good.result.detail === 'summary')
          return {
            text: summarySnippet(good.result.fn, good.result.options, good.request.inputs, good.request.source),
            fileName: `${base}.py`,
          };
        const def = this.options.losses.find((l) => l.name === good.result.fn);
        return {
          text: toPytorchSnippet(
            good.result.fn,
            good.request.inputs,
            good.result.options,
            def ? { order: def.inputs } : {},
          ),
          fileName: `${base}.py`,
        };
      }
      case 'json':
        return { text: toJson(good.model), fileName: `${base}-breakdown.json` };
      case 'csv':
        return { text: toCsv(good.model), fileName: `${base}-breakdown.csv` };
    }
  }

  /** The request and source range behind a sample of a report, for reveal. */
  sampleLocation(reportId: string, sampleIndex: number): { request: ComputeRequest; range?: SourceRange } | undefined {
    for (const e of this.entries) {
      if (e.good?.model.report.id === reportId) {
        const range = e.good.request.sampleRanges?.[sampleIndex] ?? undefined;
        return { request: e.good.request, ...(range ? { range } : {}) };
      }
    }
    return undefined;
  }

  private findModel(reportId: string): ReportModel | undefined {
    return this.entries.find((e) => e.good?.model.report.id === reportId)?.good?.model;
  }

  private page(model: ReportModel, requestId: number, offset: number, count: number, sort: RowSort): RowsPage {
    return {
      reportId: model.report.id,
      requestId,
      offset,
      total: model.report.sampleCount,
      sort,
      rows: model.rows(offset, count, sort),
    };
  }

  private async run(entry: Entry): Promise<void> {
    const generation = ++entry.generation;
    const request = entry.request;
    this.running++;
    if (this.running === 1) this.fire({ kind: 'busy', busy: true });
    let outcome: { result: LossResult; summary?: LossSummary } | { error: ErrorInfo };
    try {
      const computed = await (request.compute ?? this.options.compute)(request);
      const result = computed.results[0];
      const summary = computed.summaries?.[0];
      if (result) {
        outcome = { result, ...(summary ? { summary } : {}) };
      } else {
        const first = computed.diagnostics.find((d) => d.severity === 'error') ?? computed.diagnostics[0];
        outcome = { error: first ? diagnosticToError(first) : { message: `${request.fn}: no result.` } };
      }
    } catch (e) {
      outcome = { error: toErrorInfo(e) };
    } finally {
      this.running--;
      if (this.running === 0) this.fire({ kind: 'busy', busy: false });
    }
    // A newer edit of the same entry superseded this computation, or the entry left the history.
    if (this.isDisposed || generation !== entry.generation || !this.entries.includes(entry)) return;
    if ('result' in outcome) {
      const model =
        outcome.result.detail === 'summary'
          ? summaryModel(outcome.result, request, `${entry.id}.${generation}`, outcome.summary)
          : buildReport(outcome.result, {
              id: `${entry.id}.${generation}`,
              title: request.title ?? outcome.result.fn,
              inputs: request.inputs,
              ...(request.classNames ? { classNames: request.classNames } : {}),
              ...(request.sampleRanges ? { sampleRanges: request.sampleRanges } : {}),
            });
      entry.good = { model, result: outcome.result, request };
      delete entry.error;
    } else {
      entry.error = outcome.error;
    }
    if (entry.id === this.currentId) this.fire({ kind: 'view' });
    this.fire({ kind: 'history' });
  }

  private whatIfState(entry: Entry): WhatIfState {
    const request = entry.request;
    const def = this.options.losses.find((l) => l.name === request.fn);
    const defaults = def?.defaults ?? {};
    const result = entry.good && entry.good.result.fn === request.fn ? entry.good.result : undefined;
    const cls = result?.classification;
    const numClasses = cls && cls.classDim >= 0 ? cls.numClasses : 0;
    // A summary (a large input) edits options only, and lists class weights only for a class count one can edit.
    const large = result?.detail === 'summary';
    const editableClasses = large && numClasses > MAX_CLASS_ROWS ? 0 : numClasses;
    const classNames = Array.from({ length: editableClasses }, (_, c) => request.classNames?.[c] ?? String(c));
    const main = mainInputName(request.inputs);
    const mainShape = main ? request.inputs[main]!.shape : [];
    // Only the pos_weight editor lists labels: a language model's 32,000 vocabulary entries would otherwise be
    // built and posted to each webview with every computation (~250 KB of JSON on the extension host's thread).
    const labelCount = 'pos_weight' in defaults ? (mainShape.length >= 2 ? mainShape[mainShape.length - 1]! : 1) : 0;
    const labelNames = Array.from({ length: labelCount }, (_, c) => request.classNames?.[c] ?? String(c));
    const tensorOption = (key: string): number[] | null => {
      const v = request.options[key];
      return v !== null && typeof v === 'object' ? Array.from(v.data) : null;
    };
    const reduction = request.options.reduction ?? defaults.reduction;
    const counted =
      result && !large
        ? weightsForComputation(request.inputs, request.options, result, {
            classWeights: 'weight' in defaults && numClasses > 0,
            posWeight: 'pos_weight' in defaults,
          })
        : {};
    const suggestion = (w: CountWeights): SuggestedWeights => ({
      weights: w.weights,
      counts: w.counts,
      ...(w.negatives ? { negatives: w.negatives } : {}),
      degenerate: w.degenerate,
      formula: w.formula,
    });
    return {
      fn: request.fn,
      losses: this.options.losses.map((l) => ({ name: l.name, summary: l.summary })),
      reduction: typeof reduction === 'string' ? reduction : 'mean',
      reductions:
        'reduction' in defaults || !def
          ? ['none', 'mean', 'sum', ...(request.fn === 'kl_div' ? ['batchmean'] : [])]
          : [],
      labelSmoothing:
        'label_smoothing' in defaults
          ? optionNumber(request.options.label_smoothing ?? defaults.label_smoothing, 0)
          : null,
      ignoreIndex:
        'ignore_index' in defaults ? optionNumber(request.options.ignore_index ?? defaults.ignore_index, -100) : null,
      supportsClassWeights: 'weight' in defaults && editableClasses > 0,
      classWeights: tensorOption('weight'),
      supportsPosWeight: 'pos_weight' in defaults,
      posWeight: tensorOption('pos_weight'),
      classNames,
      labelNames,
      edited: entry.edited,
      canEditInputs: result !== undefined && main !== undefined && !large,
      ...(counted.classWeights || counted.posWeight
        ? {
            weightsFromCounts: {
              ...(counted.classWeights ? { classWeights: suggestion(counted.classWeights) } : {}),
              ...(counted.posWeight ? { posWeight: suggestion(counted.posWeight) } : {}),
            },
          }
        : {}),
    };
  }

  private evict(): void {
    // Drop the oldest unpinned entries beyond the limit, never the one on screen.
    while (this.entries.length > this.historyLimit) {
      let victim = -1;
      for (let i = this.entries.length - 1; i >= 0; i--) {
        const e = this.entries[i]!;
        if (!e.pinned && e.id !== this.currentId) {
          victim = i;
          break;
        }
      }
      if (victim < 0) break;
      this.entries.splice(victim, 1);
    }
  }

  private fire(change: SessionChange): void {
    if (!this.isDisposed) this.changes.fire(change);
  }
}

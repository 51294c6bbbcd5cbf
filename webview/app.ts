/**
 * The webview app: receives host messages, keeps the view state (sort, tab, selection), pages rows in from the
 * host and renders the views. Shared by the breakdown panel and the inspector (`role`).
 */
import type { LossReport, ReportRow, RowSort, RowSortKey } from '../src/core/report/report';
import {
  assertNever,
  type ErrorInfo,
  type HistoryEntry,
  type HostToWebview,
  type ProgramView,
  type RowsPage,
  type WebviewRole,
  type WebviewStrings,
  type WhatIfState,
} from '../src/protocol';
import { renderInto, VirtualTable, type VirtualTableSource } from './components/index';
import type { HostChannel } from './host';
import type { ViewActions } from './views/actions';
import { bceView, classesView, extraTermsView, gradientView, klDivView, labelSmoothingView } from './views/breakdown';
import { tableColumns } from './views/columns';
import { derivationView } from './views/derivation';
import { infoView } from './views/info';
import { answerLocale, createTranslator, type Translate } from './views/l10n';
import { largeView } from './views/large';
import { programView, type ProgramActions } from './views/program';
import { sampleDetailsView } from './views/sample';
import { lossPartsView, smoothingComparisonView } from './views/smoothing';
import { SOFTMAX_CARDS, softmaxCardsView } from './views/softmax';
import { errorView, headerView, overviewView, statsView, warningsView } from './views/summary';
import { weightsFromCountsView } from './views/weights';
import { historyView, whatIfView } from './views/whatIf';
import { component, h, type VNode } from './vnode';

/** Rows per page request. */
const PAGE_SIZE = 200;
/** Forget loaded rows beyond this many (they are re-requested when scrolled back to). */
const MAX_CACHED_ROWS = 20_000;

const INDEX_SORT: RowSort = { key: 'index', descending: false };

/** Below this width (px) the table leads with the loss column and the page uses its narrow layout. */
const NARROW_WIDTH = 560;
/** How long a number that a what-if change altered stays highlighted (ms). */
const CHANGED_HIGHLIGHT_MS = 2500;

interface SavedState {
  readonly sort?: RowSort;
  readonly tab?: string;
  readonly selected?: number;
}

function sameSort(a: RowSort, b: RowSort): boolean {
  return a.key === b.key && a.descending === b.descending;
}

/** Rows of the current report: by sample index, and by position in the current sort order. */
class RowStore implements VirtualTableSource {
  total = 0;
  private reportId = '';
  private sort: RowSort = INDEX_SORT;
  private readonly byIndex = new Map<number, ReportRow>();
  private readonly byPosition = new Map<number, number>();
  private readonly pending = new Set<string>();
  private nextRequestId = 1;

  constructor(
    private readonly request: (
      reportId: string,
      requestId: number,
      offset: number,
      count: number,
      sort: RowSort,
    ) => void,
  ) {}

  /** Starts over for a report (or a new sort order of the same report). */
  reset(reportId: string, total: number, sort: RowSort): void {
    if (reportId !== this.reportId) this.byIndex.clear();
    this.reportId = reportId;
    this.total = total;
    this.sort = sort;
    this.byPosition.clear();
    this.pending.clear();
  }

  /** Takes a page from the host; false when it is for another report. */
  accept(page: RowsPage): boolean {
    if (page.reportId !== this.reportId) return false;
    if (this.byIndex.size > MAX_CACHED_ROWS) this.byIndex.clear();
    const sameOrder = sameSort(page.sort, this.sort);
    page.rows.forEach((row, i) => {
      this.byIndex.set(row.index, row);
      if (sameOrder) this.byPosition.set(page.offset + i, row.index);
    });
    this.pending.delete(this.pendingKey(page.sort, page.offset));
    return true;
  }

  rowAt(position: number): ReportRow | undefined {
    const index = this.byPosition.get(position) ?? (sameSort(this.sort, INDEX_SORT) ? position : undefined);
    return index === undefined ? undefined : this.byIndex.get(index);
  }

  /** The row of a sample, loading its page when missing. */
  rowOfSample(index: number): ReportRow | undefined {
    const row = this.byIndex.get(index);
    if (!row && index >= 0 && index < this.total) this.load(INDEX_SORT, Math.floor(index / PAGE_SIZE) * PAGE_SIZE);
    return row;
  }

  /** Where a sample stands in the current order, when known. */
  positionOf(index: number): number | undefined {
    if (sameSort(this.sort, INDEX_SORT)) return index;
    for (const [position, i] of this.byPosition) if (i === index) return position;
    return undefined;
  }

  ensure(start: number, end: number): void {
    for (let offset = Math.floor(start / PAGE_SIZE) * PAGE_SIZE; offset < end; offset += PAGE_SIZE) {
      let loaded = true;
      for (let p = offset; p < Math.min(end, offset + PAGE_SIZE); p++) {
        if (!this.rowAt(p)) {
          loaded = false;
          break;
        }
      }
      if (!loaded) this.load(this.sort, offset);
    }
  }

  private pendingKey(sort: RowSort, offset: number): string {
    return `${sort.key}:${sort.descending}:${offset}`;
  }

  private load(sort: RowSort, offset: number): void {
    const key = this.pendingKey(sort, offset);
    if (this.pending.has(key) || !this.reportId) return;
    this.pending.add(key);
    this.request(this.reportId, this.nextRequestId++, offset, PAGE_SIZE, sort);
  }
}

/** The app behind one webview. */
export class App {
  private t: Translate = createTranslator({});
  private locale = 'en';
  private report: LossReport | undefined;
  private whatIf: WhatIfState | null = null;
  private pinned = false;
  private stale = false;
  private busy = false;
  private error: ErrorInfo | undefined;
  /** The whole program the shown computation belongs to, if any. */
  private program: ProgramView | null = null;
  private outputOpen = true;
  private history: { entries: readonly HistoryEntry[]; currentId: string | null } = { entries: [], currentId: null };
  private sort: RowSort;
  private tab: string;
  private selected: number | undefined;

  private readonly store: RowStore;
  private readonly table: VirtualTable;
  private readonly headerRegion = document.createElement('div');
  private readonly errorRegion = document.createElement('div');
  private readonly whatIfRegion = document.createElement('div');
  private readonly historyRegion = document.createElement('div');
  private readonly tabsRegion = document.createElement('div');
  private readonly programRegion = document.createElement('div');
  private detailsHost: HTMLElement | undefined;
  private softmaxHost: HTMLElement | undefined;
  private narrow = false;
  private changedTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly actions: ViewActions;
  private readonly programActions: ProgramActions;

  constructor(
    private readonly root: HTMLElement,
    private readonly role: WebviewRole,
    private readonly host: HostChannel,
  ) {
    const saved = (host.getState() ?? {}) as SavedState;
    this.sort = saved.sort ?? INDEX_SORT;
    this.tab = saved.tab ?? 'samples';
    this.selected = saved.selected;
    this.store = new RowStore((reportId, requestId, offset, count, sort) =>
      host.post({ type: 'requestRows', reportId, requestId, offset, count, sort }),
    );
    this.actions = {
      exportAs: (format) => host.post({ type: 'export', format }),
      setPinned: (pinned) => host.post({ type: 'pin', pinned }),
      openBreakdown: () => host.post({ type: 'openBreakdown' }),
      reveal: (sampleIndex) =>
        this.report && host.post({ type: 'revealSample', reportId: this.report.id, sampleIndex }),
      selectSample: (sampleIndex) => this.select(sampleIndex, true),
      showSample: (sampleIndex) => {
        this.tab = 'samples';
        this.save();
        this.renderTabs();
        this.select(sampleIndex, true);
      },
      whatIf: (change) => this.report && host.post({ type: 'whatIf', reportId: this.report.id, change }),
      openHistory: (entryId) => host.post({ type: 'openHistory', entryId }),
      selectTab: (id) => {
        this.tab = id;
        this.save();
      },
    };
    this.programActions = {
      showCall: (index) =>
        this.program && host.post({ type: 'showProgramCall', programId: this.program.report.id, callIndex: index }),
      anotherDraw: () => this.program && host.post({ type: 'anotherDraw', programId: this.program.report.id }),
      goToLine: (line, column) =>
        this.program && host.post({ type: 'revealProgramLine', programId: this.program.report.id, line, column }),
      toggleOutput: (open) => {
        this.outputOpen = open;
      },
    };
    this.table = new VirtualTable({
      label: 'samples',
      onSelect: (row) => this.select(row.index, false),
      onActivate: (row) => this.actions.reveal(row.index),
      onSort: (key) => this.changeSort(key),
    });
    this.headerRegion.className = 'll-region-header';
    this.errorRegion.className = 'll-region-error';
    this.whatIfRegion.className = 'll-region-whatif';
    this.historyRegion.className = 'll-region-history';
    this.tabsRegion.className = 'll-region-tabs';
    this.programRegion.className = 'll-region-program';
    // The chosen call's value and answer stay first (what a person looks for); the program that made the call (its
    // output, its other loss calls, its hand-written losses) comes between them and the call's tabs.
    const regions =
      role === 'inspector'
        ? [
            this.headerRegion,
            this.errorRegion,
            this.programRegion,
            this.whatIfRegion,
            this.historyRegion,
            this.tabsRegion,
          ]
        : [this.headerRegion, this.errorRegion, this.programRegion, this.tabsRegion];
    this.root.replaceChildren(...regions);
    this.root.classList.add(`ll-role-${role}`);
    // Narrow views (a side bar, a 360 px editor group) lead the table with the loss column.
    new ResizeObserver(() => {
      const narrow = this.root.clientWidth < NARROW_WIDTH;
      if (narrow === this.narrow) return;
      this.narrow = narrow;
      this.root.classList.toggle('ll-narrow', narrow);
      if (this.report) this.table.setColumns(this.columns(this.report), this.sort, this.tableTexts());
    }).observe(this.root);
  }

  private columns(r: LossReport): ReturnType<typeof tableColumns> {
    return tableColumns(r, this.t, this.role === 'inspector', this.narrow);
  }

  /** Starts listening and tells the host we are ready. */
  start(): void {
    this.host.onMessage((message) => this.handle(message));
    this.host.post({ type: 'ready', role: this.role });
  }

  /** Applies one host message. */
  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'l10n':
        this.setStrings(message.strings, message.locale);
        return;
      case 'showReport':
        this.showReport(message.report, message.firstPage, message.whatIf, message.pinned, message.stale);
        return;
      case 'rows':
        if (this.store.accept(message.page)) {
          this.table.refresh();
          if (message.page.offset < SOFTMAX_CARDS) this.renderSoftmax();
          if (this.selected !== undefined && message.page.rows.some((r) => r.index === this.selected))
            this.renderDetails();
        }
        return;
      case 'history':
        this.history = { entries: message.entries, currentId: message.currentId };
        this.renderHistory();
        return;
      case 'busy':
        this.busy = message.busy;
        this.renderHeader();
        return;
      case 'clear':
        this.report = undefined;
        this.error = undefined;
        this.whatIf = null;
        this.renderAll();
        return;
      case 'error':
        this.error = message.error;
        if (message.whatIf) this.whatIf = message.whatIf;
        this.stale = this.report !== undefined;
        this.renderHeader();
        this.renderError();
        this.renderWhatIf();
        return;
      case 'selectSample':
        if (this.report?.id === message.reportId) {
          this.tab = 'samples';
          this.select(message.sampleIndex, true);
        }
        return;
      case 'program':
        this.program = message.program;
        this.renderProgram();
        this.renderHeader();
        return;
      default:
        assertNever(message, 'host message');
    }
  }

  private setStrings(strings: WebviewStrings, locale: string): void {
    this.t = createTranslator(strings);
    this.locale = locale;
    document.documentElement.lang = locale;
    this.renderAll();
  }

  private showReport(
    report: LossReport,
    firstPage: RowsPage,
    whatIf: WhatIfState,
    pinned: boolean,
    stale: boolean,
  ): void {
    const previous = this.report;
    // A what-if edit of the same computation: remember what every number read, to highlight what changed.
    const before =
      previous && previous.id !== report.id && previous.fn === report.fn && previous.sampleCount === report.sampleCount
        ? this.snapshotNumbers()
        : undefined;
    this.report = report;
    this.whatIf = whatIf;
    this.pinned = pinned;
    this.stale = stale;
    if (!stale) this.error = undefined;
    if (previous?.id !== report.id) {
      if (this.selected !== undefined && this.selected >= report.sampleCount) this.selected = undefined;
      this.store.reset(report.id, report.sampleCount, this.sort);
      this.store.accept(firstPage);
      // Same samples (a what-if edit): keep the scroll position. Different computation: start at the top.
      const sameShape =
        previous !== undefined && previous.sampleCount === report.sampleCount && previous.fn === report.fn;
      this.renderTabs();
      this.table.setSource(this.store, !sameShape);
    }
    this.renderHeader();
    this.renderError();
    this.renderWhatIf();
    if (before) this.highlightChanges(before);
  }

  /** The text of every number the page shows, by its stable key (`data-k`). */
  private snapshotNumbers(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const el of document.querySelectorAll<HTMLElement>('[data-k]')) texts.set(el.dataset.k!, el.textContent ?? '');
    return texts;
  }

  /** Briefly highlights every number whose text differs from `before`. */
  private highlightChanges(before: Map<string, string>): void {
    const changed: HTMLElement[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('[data-k]')) {
      const old = before.get(el.dataset.k!);
      if (old !== undefined && old !== (el.textContent ?? '')) changed.push(el);
    }
    for (const el of document.querySelectorAll('.ll-changed')) el.classList.remove('ll-changed');
    for (const el of changed) el.classList.add('ll-changed');
    if (this.changedTimer) clearTimeout(this.changedTimer);
    this.changedTimer = setTimeout(() => {
      for (const el of document.querySelectorAll('.ll-changed')) el.classList.remove('ll-changed');
    }, CHANGED_HIGHLIGHT_MS);
  }

  private select(index: number, scroll: boolean): void {
    if (!this.report || index < 0 || index >= this.report.sampleCount) return;
    this.selected = index;
    this.save();
    this.table.setSelected(index);
    if (scroll) {
      const position = this.store.positionOf(index);
      if (position !== undefined) this.table.scrollToPosition(position);
    }
    this.renderDetails();
  }

  private changeSort(key: RowSortKey): void {
    if (!this.report) return;
    // Losses read best from the largest down; probabilities from the smallest (the least confident) up.
    const firstDescending = key === 'loss' || key === 'negLogP' || key === 'weight';
    this.sort =
      this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: firstDescending };
    this.save();
    this.store.reset(this.report.id, this.report.sampleCount, this.sort);
    this.table.setColumns(this.columns(this.report), this.sort, this.tableTexts());
    this.table.setSource(this.store, true);
    this.renderSoftmax();
  }

  private save(): void {
    const state: SavedState = {
      sort: this.sort,
      tab: this.tab,
      ...(this.selected !== undefined ? { selected: this.selected } : {}),
    };
    this.host.setState(state);
  }

  private tableTexts(): { label: string; loading: string; ascending: string; descending: string; sortBy: string } {
    return {
      label: this.t('samples'),
      loading: this.t('loadingRows'),
      ascending: this.t('sortAscending'),
      descending: this.t('sortDescending'),
      sortBy: this.t('sortedBy', '{0}'),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rendering

  private renderAll(): void {
    this.renderProgram();
    this.renderHeader();
    this.renderError();
    this.renderWhatIf();
    this.renderHistory();
    this.renderTabs();
  }

  private renderProgram(): void {
    renderInto(
      this.programRegion,
      this.program ? programView(this.program, { outputOpen: this.outputOpen }, this.t, this.programActions) : null,
    );
  }

  private renderHeader(): void {
    if (!this.report && this.program) {
      // A program on screen with no breakdown chosen (or none to choose): say how to get one, if there is one.
      const choosable = this.program.report.calls.some((c) => c.computed);
      renderInto(
        this.headerRegion,
        this.busy
          ? h('p', { className: 'll-empty' }, this.t('computing'))
          : choosable
            ? h('p', { className: 'll-empty' }, this.t('programNoBreakdown'))
            : null,
      );
      return;
    }
    if (!this.report) {
      renderInto(
        this.headerRegion,
        h('p', { className: 'll-empty' }, this.busy ? this.t('computing') : this.t('empty')),
      );
      return;
    }
    renderInto(
      this.headerRegion,
      headerView(
        {
          report: this.report,
          role: this.role,
          pinned: this.pinned,
          stale: this.stale,
          edited: this.whatIf?.edited ?? false,
          busy: this.busy,
          locale: answerLocale(this.locale),
        },
        this.t,
        this.actions,
      ),
    );
  }

  private renderError(): void {
    renderInto(this.errorRegion, this.error ? errorView(this.error, this.stale, this.t) : null);
  }

  private renderWhatIf(): void {
    if (this.role !== 'inspector') return;
    renderInto(
      this.whatIfRegion,
      this.whatIf ? whatIfView(this.whatIf, this.t, this.actions) : null,
      this.whatIf ? weightsFromCountsView(this.whatIf, this.t, this.actions) : null,
    );
  }

  private renderHistory(): void {
    if (this.role !== 'inspector') return;
    renderInto(
      this.historyRegion,
      h(
        'section',
        { className: 'll-history-section' },
        h('h2', null, this.t('history')),
        historyView(this.history.entries, this.history.currentId, this.t, this.actions, this.locale),
      ),
    );
  }

  private renderTabs(): void {
    const r = this.report;
    if (!r) {
      renderInto(this.tabsRegion, null);
      this.detailsHost = undefined;
      return;
    }
    const t = this.t;
    const tabs: { id: string; title: string; badge?: string; content: VNode }[] = [
      {
        id: 'samples',
        title: t('samples'),
        badge: String(r.sampleCount),
        content: h(
          'div',
          { className: 'll-samples' },
          statsView(r, t, this.actions),
          h('div', { className: 'll-softmax-host' }),
          h('div', { className: 'll-table-host' }),
          h('div', { className: 'll-details-host' }),
        ),
      },
    ];
    // Large inputs: the summary (worst samples, histogram, confusion matrix, classes) has a tab of its own.
    const large = largeView(r, t, this.actions);
    if (large) tabs.push({ id: 'large', title: t('largeTab'), content: large });
    const classContent = [classesView(r, t), labelSmoothingView(r, t), smoothingComparisonView(r, t)].filter(
      (v): v is VNode => v !== null,
    );
    if (classContent.length > 0)
      tabs.push({ id: 'classes', title: t('classes'), content: h('div', null, classContent) });
    const derivation = derivationView(r, t);
    if (derivation) tabs.push({ id: 'derivation', title: t('derivationTab'), content: derivation });
    const info = infoView(r, t);
    if (info) tabs.push({ id: 'info', title: t('infoTab'), content: info });
    if (!r.large) tabs.push({ id: 'gradient', title: t('gradient'), content: gradientView(r, t) });
    const termContent = [lossPartsView(r, t), bceView(r, t), klDivView(r, t), extraTermsView(r, t)].filter(
      (v): v is VNode => v !== null,
    );
    if (termContent.length > 0) tabs.push({ id: 'terms', title: t('terms'), content: h('div', null, termContent) });
    tabs.push({
      id: 'warnings',
      title: t('warnings'),
      ...(r.warnings.length > 0 ? { badge: String(r.warnings.length) } : {}),
      content: warningsView(r, t),
    });
    tabs.push({ id: 'overview', title: t('overview'), content: overviewView(r, t) });
    renderInto(
      this.tabsRegion,
      component('tabs', {
        label: r.title,
        tabs,
        selected: this.tab,
        onSelect: (id) => this.actions.selectTab(id),
      }),
    );
    this.tabsRegion.querySelector('.ll-table-host')?.append(this.table.element);
    this.detailsHost = (this.tabsRegion.querySelector('.ll-details-host') as HTMLElement | null) ?? undefined;
    this.softmaxHost = (this.tabsRegion.querySelector('.ll-softmax-host') as HTMLElement | null) ?? undefined;
    this.table.setLabel(t('samples'));
    this.table.setColumns(this.columns(r), this.sort, this.tableTexts());
    this.table.setSelected(this.selected);
    this.renderSoftmax();
    this.renderDetails();
  }

  /** The softmax cards of the first samples in the table's order (those whose rows have arrived). */
  private renderSoftmax(): void {
    const r = this.report;
    if (!r || !this.softmaxHost) return;
    const rows: ReportRow[] = [];
    for (let position = 0; position < Math.min(SOFTMAX_CARDS, r.sampleCount); position++) {
      const row = this.store.rowAt(position);
      if (row) rows.push(row);
    }
    renderInto(this.softmaxHost, softmaxCardsView(r, rows, this.t));
  }

  private renderDetails(): void {
    const r = this.report;
    if (!r || !this.detailsHost) return;
    const row = this.selected === undefined ? undefined : this.store.rowOfSample(this.selected);
    const editable = this.whatIf?.canEditInputs ?? false;
    renderInto(this.detailsHost, sampleDetailsView(r, row, this.t, this.actions, editable));
  }
}

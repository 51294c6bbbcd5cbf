/**
 * The per-sample table, virtualised: only the rows in view (plus a margin) exist in the DOM, and rows come from the
 * host in pages, so 100 000 samples scroll as smoothly as 10. Sorting is done by the host (it owns the data); the
 * header asks for it. Keyboard: ↑/↓/PageUp/PageDown/Home/End move the selection, Enter reveals the sample.
 */
import type { ReportRow, RowSort, RowSortKey } from '../../src/core/report/report';
import type { TableColumn } from '../views/columns';

/** Where the table gets rows: by position in the current sort order. */
export interface VirtualTableSource {
  readonly total: number;
  /** The row at `position`, or `undefined` while its page is loading. */
  rowAt(position: number): ReportRow | undefined;
  /** Positions `start … end−1` are about to be shown: load what is missing. */
  ensure(start: number, end: number): void;
}

/** Options of {@link VirtualTable}. */
export interface VirtualTableOptions {
  readonly label: string;
  /** Called when a row is clicked or Enter is pressed on it. */
  readonly onActivate: (row: ReportRow) => void;
  /** Called when the selection moves (click or keyboard). */
  readonly onSelect: (row: ReportRow) => void;
  readonly onSort: (key: RowSortKey) => void;
}

const ROW_HEIGHT = 24;
const OVERSCAN = 10;

/** A virtualised grid of rows. */
export class VirtualTable {
  /** The table's root element; insert it once and keep it (it preserves scroll position). */
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly header: HTMLElement;
  private readonly spacer: HTMLElement;
  private columns: readonly TableColumn[] = [];
  private source: VirtualTableSource = { total: 0, rowAt: () => undefined, ensure: () => undefined };
  private selectedIndex: number | undefined;
  private activePosition = -1;
  private frame = 0;
  private template = '';
  private loadingText = '…';
  private sortTitles = { ascending: '', descending: '', sortBy: '' };

  constructor(private readonly options: VirtualTableOptions) {
    this.element = document.createElement('div');
    this.element.className = 'll-vtable';
    this.viewport = document.createElement('div');
    this.viewport.className = 'll-vtable-viewport';
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'grid');
    this.viewport.setAttribute('aria-label', options.label);
    this.header = document.createElement('div');
    this.header.className = 'll-vtable-header';
    this.header.setAttribute('role', 'row');
    this.spacer = document.createElement('div');
    this.spacer.className = 'll-vtable-spacer';
    this.spacer.setAttribute('role', 'rowgroup');
    this.viewport.append(this.header, this.spacer);
    this.element.append(this.viewport);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Sets the columns, the current sort and the header texts. */
  setColumns(
    columns: readonly TableColumn[],
    sort: RowSort,
    texts: { label: string; loading: string; ascending: string; descending: string; sortBy: string },
  ): void {
    // The grid's name for a screen reader, in the display language once the strings have come.
    this.viewport.setAttribute('aria-label', texts.label);
    this.columns = columns;
    this.loadingText = texts.loading;
    this.sortTitles = { ascending: texts.ascending, descending: texts.descending, sortBy: texts.sortBy };
    // Fixed minimums and shared spare width: header and rows resolve to the same tracks whatever the cell text.
    this.template = columns.map((c) => (c.grow ? `minmax(${c.width}em, 1fr)` : `${c.width}em`)).join(' ');
    const minWidth = `${columns.reduce((s, c) => s + c.width, 0)}em`;
    this.header.style.gridTemplateColumns = this.template;
    this.header.style.minWidth = minWidth;
    this.spacer.style.minWidth = minWidth;
    this.header.replaceChildren(
      ...columns.map((column, i) => {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'columnheader');
        cell.setAttribute('aria-colindex', String(i + 1));
        cell.className = column.numeric ? 'll-vtable-cell ll-num' : 'll-vtable-cell';
        const sortKey = column.sortKey;
        if (sortKey) {
          const active = sort.key === sortKey;
          cell.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'll-sort';
          button.textContent = active ? `${column.title} ${sort.descending ? '▼' : '▲'}` : column.title;
          button.title = this.sortTitles.sortBy.replace('{0}', column.title);
          button.addEventListener('click', () => this.options.onSort(sortKey));
          cell.append(button);
        } else {
          cell.textContent = column.title;
        }
        return cell;
      }),
    );
    this.render();
  }

  /** Sets the data source (a new report or sort order) and redraws. */
  setSource(source: VirtualTableSource, resetScroll: boolean): void {
    this.source = source;
    this.viewport.setAttribute('aria-rowcount', String(source.total + 1));
    this.spacer.style.height = `${source.total * ROW_HEIGHT}px`;
    if (resetScroll) {
      this.viewport.scrollTop = 0;
      this.activePosition = -1;
    }
    this.render();
  }

  /** Sets the accessible name of the grid. */
  setLabel(label: string): void {
    this.viewport.setAttribute('aria-label', label);
  }

  /** Marks a sample selected (by sample index). */
  setSelected(index: number | undefined): void {
    this.selectedIndex = index;
    this.render();
  }

  /** Scrolls so that `position` is visible. */
  scrollToPosition(position: number): void {
    const top = position * ROW_HEIGHT;
    const headerHeight = this.header.offsetHeight;
    const viewHeight = this.viewport.clientHeight - headerHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + viewHeight)
      this.viewport.scrollTop = top + ROW_HEIGHT - Math.max(ROW_HEIGHT, viewHeight);
    this.activePosition = position;
    this.schedule();
  }

  /** Redraws the visible rows (call when a page of rows arrives). */
  refresh(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private visibleRange(): { start: number; end: number } {
    const total = this.source.total;
    const viewHeight = Math.max(ROW_HEIGHT, (this.viewport.clientHeight || 600) - this.header.offsetHeight);
    const first = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    return {
      start: Math.max(0, first - OVERSCAN),
      end: Math.min(total, first + Math.ceil(viewHeight / ROW_HEIGHT) + OVERSCAN),
    };
  }

  private render(): void {
    const { start, end } = this.visibleRange();
    this.source.ensure(start, end);
    const template = this.template;
    const rows: HTMLElement[] = [];
    for (let position = start; position < end; position++) {
      const row = this.source.rowAt(position);
      const el = document.createElement('div');
      el.setAttribute('role', 'row');
      el.setAttribute('aria-rowindex', String(position + 2));
      el.className = 'll-vtable-row';
      el.style.gridTemplateColumns = template;
      el.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
      if (!row) {
        el.classList.add('ll-loading');
        const cell = document.createElement('div');
        cell.className = 'll-vtable-cell ll-muted';
        cell.setAttribute('role', 'gridcell');
        cell.textContent = this.loadingText;
        el.append(cell);
        rows.push(el);
        continue;
      }
      if (row.index === this.selectedIndex) {
        el.classList.add('ll-selected');
        el.setAttribute('aria-selected', 'true');
        this.activePosition = position;
      }
      if (position === this.activePosition) el.classList.add('ll-active');
      if (row.ignored) el.classList.add('ll-ignored');
      for (const column of this.columns) {
        const cell = document.createElement('div');
        cell.setAttribute('role', 'gridcell');
        cell.className = column.numeric ? 'll-vtable-cell ll-num' : 'll-vtable-cell';
        // A stable key per sample and column, so a what-if change can highlight the cells whose text changed.
        cell.dataset.k = `row${row.index}.${column.id}`;
        const extra = column.cellClass?.(row);
        if (extra) cell.classList.add(extra);
        if (column.bar) {
          const fill = document.createElement('div');
          fill.className = 'll-cell-bar';
          fill.style.width = `${(column.bar(row) * 100).toFixed(2)}%`;
          cell.append(fill);
        }
        const label = document.createElement('span');
        label.className = 'll-cell-text';
        label.textContent = column.text(row);
        cell.append(label);
        el.append(cell);
      }
      el.addEventListener('click', () => {
        this.activePosition = position;
        this.options.onSelect(row);
        this.options.onActivate(row);
      });
      rows.push(el);
    }
    this.spacer.replaceChildren(...rows);
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.source.total;
    if (total === 0) return;
    const page = Math.max(1, Math.floor((this.viewport.clientHeight - this.header.offsetHeight) / ROW_HEIGHT) - 1);
    const from = this.activePosition < 0 ? -1 : this.activePosition;
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = from + 1;
        break;
      case 'ArrowUp':
        next = from - 1;
        break;
      case 'PageDown':
        next = from + page;
        break;
      case 'PageUp':
        next = from - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      case 'Enter': {
        const row = this.source.rowAt(from);
        if (row) this.options.onActivate(row);
        event.preventDefault();
        return;
      }
      default:
        return;
    }
    event.preventDefault();
    next = Math.max(0, Math.min(total - 1, next));
    this.scrollToPosition(next);
    const row = this.source.rowAt(next);
    if (row) this.options.onSelect(row);
  }
}

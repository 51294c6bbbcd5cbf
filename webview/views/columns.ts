/**
 * The per-sample table's columns for a report: which to show, their titles, widths, sort keys and how each cell
 * reads as text. Pure, so the virtual table stays generic and this stays testable.
 */
import type { LossReport, ReportRow, RowSortKey } from '../../src/core/report/report';
import { classLabel, fraction, num, percent, positionText } from './format';
import type { Translate } from './l10n';

/** One column of the virtual table. */
export interface TableColumn {
  readonly id: string;
  readonly title: string;
  /** Width in em; `grow` columns share the spare width (the same in the header and every row). */
  readonly width: number;
  readonly grow?: boolean;
  readonly numeric: boolean;
  /** Present when the host can sort by this column. */
  readonly sortKey?: RowSortKey;
  /** The cell's text (always text: it reaches the DOM through `textContent`). */
  readonly text: (row: ReportRow) => string;
  /** A 0…1 bar drawn behind the text. */
  readonly bar?: (row: ReportRow) => number;
  /** Extra class for the cell (e.g. wrong prediction). */
  readonly cellClass?: (row: ReportRow) => string | undefined;
}

/** Columns kept in the narrow inspector. */
const COMPACT = new Set(['index', 'target', 'pTarget', 'loss']);

/**
 * The width (em) a header needs on one line: CJK characters are about 1em wide, others about 0.62em; plus the cell
 * padding, and room for the sort arrow on sortable columns. Headers never wrap or get cut ("−log p(targ…").
 */
export function headerWidth(title: string, sortable: boolean): number {
  let em = 0;
  for (const ch of title) em += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 1.05 : 0.62;
  return Math.ceil((em + 1.2 + (sortable ? 1.1 : 0)) * 2) / 2;
}

/** An ignored sample's p(target), −log p, weight and shares read "—" (PyTorch counts nothing for it). */
function unlessIgnored(text: (row: ReportRow) => string): (row: ReportRow) => string {
  return (row) => (row.ignored ? '—' : text(row));
}

/**
 * The columns the table shows for `report`, in order; `compact` keeps the few that fit a side bar; `narrow` leads
 * with the loss (right after the index), the rest reachable by scrolling sideways.
 */
export function tableColumns(report: LossReport, t: Translate, compact = false, narrow = false): TableColumn[] {
  const has = new Set(report.columns);
  const columns: TableColumn[] = [
    { id: 'index', title: t('colIndex'), width: 4.5, numeric: true, sortKey: 'index', text: (r) => String(r.index) },
  ];
  if (report.sampleShape.length > 1) {
    columns.push({
      id: 'position',
      title: t('colPosition'),
      width: 7,
      numeric: false,
      text: (r) => positionText(r.position),
    });
  }
  if (has.has('target')) {
    columns.push({
      id: 'target',
      title: t('colTarget'),
      width: 9,
      grow: true,
      numeric: false,
      text: (r) => (r.ignored ? `${classLabel(report, r.target)} · ${t('ignored')}` : classLabel(report, r.target)),
      cellClass: (r) => (r.ignored ? 'll-muted' : undefined),
    });
  }
  if (has.has('predicted')) {
    columns.push({
      id: 'predicted',
      title: t('colPredicted'),
      width: 9,
      grow: true,
      numeric: false,
      text: (r) => classLabel(report, r.predicted),
      cellClass: (r) =>
        r.target !== undefined && r.target >= 0 && !r.ignored && r.predicted !== r.target ? 'll-wrong' : undefined,
    });
  }
  if (has.has('pTarget')) {
    columns.push({
      id: 'pTarget',
      title: t('colPTarget'),
      width: 7,
      numeric: true,
      sortKey: 'pTarget',
      text: unlessIgnored((r) => num(r.pTarget)),
      bar: (r) => (r.ignored ? 0 : fraction(r.pTarget)),
    });
    columns.push({
      id: 'negLogP',
      title: t('colNegLogP'),
      width: 7,
      numeric: true,
      sortKey: 'negLogP',
      text: unlessIgnored((r) => num(r.negLogP)),
    });
  }
  if (has.has('weight')) {
    columns.push({
      id: 'weight',
      title: t('colWeight'),
      width: 6,
      numeric: true,
      sortKey: 'weight',
      text: unlessIgnored((r) => num(r.weight)),
    });
  }
  columns.push({
    id: 'loss',
    title: t('colLoss'),
    width: 7,
    numeric: true,
    sortKey: 'loss',
    text: unlessIgnored((r) => num(r.loss)),
  });
  columns.push({
    id: 'share',
    title: t('colShare'),
    width: 7,
    numeric: true,
    text: unlessIgnored((r) => percent(r.share)),
    bar: (r) => fraction(r.share),
  });
  if (report.reduction.reduction === 'mean' || report.reduction.reduction === 'batchmean') {
    columns.push({
      id: 'contribution',
      title: t('colContribution'),
      width: 7,
      numeric: true,
      text: unlessIgnored((r) => num(r.contribution)),
    });
  }
  const kept = compact
    ? columns.filter((c) => COMPACT.has(c.id)).map((c) => (c.grow ? { ...c, width: 6 } : c))
    : columns;
  const fitted = kept.map((c) => ({ ...c, width: Math.max(c.width, headerWidth(c.title, c.sortKey !== undefined)) }));
  if (!narrow) return fitted;
  const loss = fitted.find((c) => c.id === 'loss');
  const rest = fitted.filter((c) => c !== loss);
  return loss ? [rest[0]!, loss, ...rest.slice(1)] : fitted;
}

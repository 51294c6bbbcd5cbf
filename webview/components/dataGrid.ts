/**
 * A small, fully rendered data grid (the per-sample table is the virtual table instead): a plain <table> in a
 * container that scrolls sideways when a narrow view cannot hold it, so no cell is ever squeezed into wrapping a
 * number ("1.00/00") or cut off.
 */
import type { DataGridProps } from './types';

/** Renders every row; cells are text. */
export function renderDataGrid(p: DataGridProps): HTMLElement {
  const scroll = document.createElement('div');
  scroll.className = 'll-grid-scroll';
  const table = document.createElement('table');
  table.className = 'll-grid ll-table';
  table.setAttribute('aria-label', p.label);
  const head = document.createElement('thead');
  const headRow = document.createElement('tr');
  for (const column of p.columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (column.numeric) th.className = 'll-num';
    th.textContent = column.title;
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement('tbody');
  const highlighted = new Set(p.highlighted ?? []);
  p.rows.forEach((row, r) => {
    const tr = document.createElement('tr');
    if (highlighted.has(r)) tr.className = 'll-highlight';
    for (const column of p.columns) {
      const td = document.createElement('td');
      if (column.numeric) td.className = 'll-num';
      td.textContent = row[column.key] ?? '';
      // A stable key, so a what-if change can highlight the cells whose text changed.
      td.dataset.k = `${p.label}.${r}.${column.key}`;
      tr.append(td);
    }
    body.append(tr);
  });
  table.append(head, body);
  scroll.append(table);
  return scroll;
}

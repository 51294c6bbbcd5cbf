/** A small, fully rendered data grid (the per-sample table is the virtual table instead). */
import type { DataGridProps } from './types';
import { TAGS } from './toolkit';

/** Renders every row; cells are text. */
export function renderDataGrid(p: DataGridProps): HTMLElement {
  const grid = document.createElement(TAGS.dataGrid);
  grid.setAttribute('aria-label', p.label);
  grid.setAttribute('generate-header', 'none');
  // Set on the grid and on every row: FAST only propagates the grid's template to rows it generated itself.
  const template = p.columns.map((c) => (c.numeric ? 'minmax(5em, 1fr)' : 'minmax(8em, 2fr)')).join(' ');
  grid.setAttribute('grid-template-columns', template);
  grid.className = 'll-grid';
  const header = document.createElement(TAGS.dataGridRow);
  header.setAttribute('row-type', 'header');
  header.setAttribute('grid-template-columns', template);
  p.columns.forEach((column, i) => {
    const cell = document.createElement(TAGS.dataGridCell);
    cell.setAttribute('cell-type', 'columnheader');
    cell.setAttribute('grid-column', String(i + 1));
    if (column.numeric) cell.classList.add('ll-num');
    cell.textContent = column.title;
    header.appendChild(cell);
  });
  grid.appendChild(header);
  const highlighted = new Set(p.highlighted ?? []);
  p.rows.forEach((row, r) => {
    const rowEl = document.createElement(TAGS.dataGridRow);
    rowEl.setAttribute('grid-template-columns', template);
    if (highlighted.has(r)) rowEl.classList.add('ll-highlight');
    p.columns.forEach((column, i) => {
      const cell = document.createElement(TAGS.dataGridCell);
      cell.setAttribute('grid-column', String(i + 1));
      if (column.numeric) cell.classList.add('ll-num');
      cell.textContent = row[column.key] ?? '';
      rowEl.appendChild(cell);
    });
    grid.appendChild(rowEl);
  });
  return grid;
}

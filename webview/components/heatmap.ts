/**
 * The gradient heat map: a canvas (cheap for thousands of cells) with a diverging blue–red scale from the theme's
 * chart colours, a text readout for the cell under the pointer or keyboard cursor, and arrow-key navigation.
 */
import { decodeNumber, formatNumber } from '../../src/core/report/report';
import { formatTemplate } from '../../src/protocol';
import type { HeatmapProps } from './types';

function themeColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Maps up to this many columns and rows are drawn as a table of numbered cells; larger ones on a canvas. */
const TABLE_MAX_COLS = 12;
const TABLE_MAX_ROWS = 64;

/** The label of heat-map row `row` / column `col` (a range when downsampled). */
function rowText(p: HeatmapProps, row: number): string {
  return p.map.rowStep > 1 ? `${row * p.map.rowStep}–${(row + 1) * p.map.rowStep - 1}` : String(row);
}
function colText(p: HeatmapProps, col: number): string {
  const colIndex = col * p.map.colStep;
  return p.map.colStep > 1 ? `${colIndex}–${colIndex + p.map.colStep - 1}` : (p.columnNames[col] ?? String(col));
}

/**
 * A small map as a table: every cell carries its number (3 decimals; the full value on hover), its colour from the
 * theme's chart colours, and the axes are labelled (sample rows, class columns).
 */
function renderHeatmapTable(p: HeatmapProps): HTMLElement {
  const { map } = p;
  const wrapper = document.createElement('div');
  wrapper.className = 'll-heatmap';
  const axes = document.createElement('p');
  axes.className = 'll-muted ll-heatmap-axes';
  axes.textContent = `${p.rowAxis} · ${p.colAxis}`;
  const scroll = document.createElement('div');
  scroll.className = 'll-grid-scroll';
  const table = document.createElement('table');
  table.className = 'll-heatmap-table';
  table.setAttribute('aria-label', `${p.label} (${p.rowAxis}, ${p.colAxis})`);
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  for (let c = 0; c < map.cols; c++) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = colText(p, c);
    head.append(th);
  }
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (let r = 0; r < map.rows; r++) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = rowText(p, r);
    tr.append(th);
    for (let c = 0; c < map.cols; c++) {
      const value = map.values[r * map.cols + c]!;
      const v = decodeNumber(value);
      const td = document.createElement('td');
      td.className = 'll-num ll-heatmap-cell';
      td.textContent = formatNumber(value, 3);
      td.title = formatTemplate(p.cellTemplate, rowText(p, r), colText(p, c), formatNumber(value, 6));
      td.dataset.k = `${p.label}.${r}.${c}`;
      if (Number.isNaN(v)) td.classList.add('ll-heatmap-nan');
      else if (v !== 0) {
        const strength = Number.isFinite(v) && map.absMax > 0 ? Math.min(1, Math.abs(v) / map.absMax) : 1;
        // CSSOM (allowed by the CSP): the cell's share of the theme colour.
        td.style.setProperty('--ll-heat', `${Math.round(strength * 70)}%`);
        td.classList.add(v > 0 ? 'll-heatmap-pos' : 'll-heatmap-neg');
      }
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(thead, body);
  scroll.append(table);
  wrapper.append(axes, scroll);
  return wrapper;
}

/** Renders the heat map; a canvas one redraws itself when the theme changes. */
export function renderHeatmap(p: HeatmapProps): HTMLElement {
  const { map } = p;
  if (map.cols <= TABLE_MAX_COLS && map.rows <= TABLE_MAX_ROWS) return renderHeatmapTable(p);
  const wrapper = document.createElement('div');
  wrapper.className = 'll-heatmap';
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', p.label);
  const readout = document.createElement('div');
  readout.className = 'll-heatmap-readout ll-muted';
  readout.setAttribute('aria-live', 'polite');
  const axes = document.createElement('p');
  axes.className = 'll-muted ll-heatmap-axes';
  axes.textContent = `${p.rowAxis} · ${p.colAxis}`;
  wrapper.append(axes, canvas, readout);

  const cellWidth = Math.max(4, Math.min(28, Math.floor(640 / Math.max(1, map.cols))));
  const cellHeight = Math.max(2, Math.min(cellWidth, Math.floor(480 / Math.max(1, map.rows))));
  const width = map.cols * cellWidth;
  const height = map.rows * cellHeight;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  // CSSOM sizing, which the CSP allows (a style attribute would not be).
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;

  let cursor = { row: 0, col: 0 };

  const draw = (): void => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const positive = themeColor('--vscode-charts-red', '#e51400');
    const negative = themeColor('--vscode-charts-blue', '#1a85ff');
    const invalid = themeColor('--vscode-charts-yellow', '#cca700');
    const outline = themeColor('--vscode-focusBorder', '#007fd4');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (let r = 0; r < map.rows; r++) {
      for (let c = 0; c < map.cols; c++) {
        const v = decodeNumber(map.values[r * map.cols + c]!);
        if (v === 0) continue;
        if (Number.isNaN(v)) {
          ctx.globalAlpha = 1;
          ctx.fillStyle = invalid;
        } else {
          ctx.globalAlpha = Number.isFinite(v) && map.absMax > 0 ? Math.min(1, Math.abs(v) / map.absMax) : 1;
          ctx.fillStyle = v > 0 ? positive : negative;
        }
        ctx.fillRect(c * cellWidth, r * cellHeight, cellWidth, cellHeight);
      }
    }
    ctx.globalAlpha = 1;
    if (document.activeElement === canvas) {
      ctx.strokeStyle = outline;
      ctx.lineWidth = 1;
      ctx.strokeRect(cursor.col * cellWidth + 0.5, cursor.row * cellHeight + 0.5, cellWidth - 1, cellHeight - 1);
    }
  };

  const describe = (row: number, col: number): void => {
    const value = map.values[row * map.cols + col];
    if (value === undefined) return;
    readout.textContent = formatTemplate(p.cellTemplate, rowText(p, row), colText(p, col), formatNumber(value, 6));
  };

  canvas.addEventListener('mousemove', (event) => {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor(((event.clientX - rect.left) / rect.width) * map.cols);
    const row = Math.floor(((event.clientY - rect.top) / rect.height) * map.rows);
    if (row >= 0 && row < map.rows && col >= 0 && col < map.cols) describe(row, col);
  });
  canvas.addEventListener('keydown', (event) => {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    cursor = {
      row: Math.min(map.rows - 1, Math.max(0, cursor.row + move[0])),
      col: Math.min(map.cols - 1, Math.max(0, cursor.col + move[1])),
    };
    describe(cursor.row, cursor.col);
    draw();
  });
  canvas.addEventListener('focus', () => {
    describe(cursor.row, cursor.col);
    draw();
  });
  canvas.addEventListener('blur', draw);

  // VS Code swaps body classes (vscode-light / vscode-dark / vscode-high-contrast) on theme change.
  const observer = new MutationObserver(() => {
    if (!canvas.isConnected) {
      observer.disconnect();
      return;
    }
    draw();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  requestAnimationFrame(draw);
  return wrapper;
}

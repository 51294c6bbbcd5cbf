/**
 * The gradient heat map: a canvas (cheap for thousands of cells) with a diverging blue–red scale from the theme's
 * chart colours, a text readout for the cell under the pointer or keyboard cursor, and arrow-key navigation.
 */
import { decodeNumber, formatNumber } from '../../src/core/report';
import { formatTemplate } from '../../src/protocol';
import type { HeatmapProps } from './types';

function themeColor(name: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Renders the heat map; it redraws itself when the theme changes. */
export function renderHeatmap(p: HeatmapProps): HTMLElement {
  const { map } = p;
  const wrapper = document.createElement('div');
  wrapper.className = 'll-heatmap';
  const canvas = document.createElement('canvas');
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', p.label);
  const readout = document.createElement('div');
  readout.className = 'll-heatmap-readout ll-muted';
  readout.setAttribute('aria-live', 'polite');
  wrapper.append(canvas, readout);

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
    const rowText = map.rowStep > 1 ? `${row * map.rowStep}–${(row + 1) * map.rowStep - 1}` : String(row);
    const colIndex = col * map.colStep;
    const colText = map.colStep > 1 ? `${colIndex}–${colIndex + map.colStep - 1}` : (p.columnNames[col] ?? String(col));
    readout.textContent = formatTemplate(p.cellTemplate, rowText, colText, formatNumber(value, 6));
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

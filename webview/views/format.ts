/**
 * Number and label formatting shared by the views (pure).
 */
import { decodeNumber, formatNumber, type JsonNumber, type LossReport } from '../../src/core/report/report';

/** A number as PyTorch prints it (4 decimals, `nan`, `inf`); `—` when absent. */
export function num(v: JsonNumber | undefined, decimals = 4): string {
  return v === undefined ? '—' : formatNumber(v, decimals);
}

/** A fraction as a percentage with one decimal; `—` when not finite. */
export function percent(v: JsonNumber | undefined): string {
  if (v === undefined) return '—';
  const x = decodeNumber(v);
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}

/** A fraction clamped to [0, 1] for bar widths (0 for NaN). */
export function fraction(v: JsonNumber | undefined): number {
  if (v === undefined) return 0;
  const x = decodeNumber(v);
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}

/** A class's label: the user's name with its index (`cat (0)`), or just the index when unnamed. */
export function classLabel(report: Pick<LossReport, 'classNames'>, c: number | undefined): string {
  if (c === undefined || c < 0) return '—';
  const name = report.classNames[c];
  return name === undefined || name === String(c) ? String(c) : `${name} (${c})`;
}

/** A sample position: `[1, 2]`, or `—` for an unbatched input. */
export function positionText(position: readonly number[]): string {
  return position.length === 0 ? '—' : `[${position.join(', ')}]`;
}

/** A shape as PyTorch prints it: `[2, 3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A small line plot in SVG (a function of one variable with the current point marked), e.g. a sample's loss as its
 * target logit moves. Lines and text take the theme's colours through CSS classes (see lossLens.css).
 */
import type { PlotProps } from './types';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 180;
const HEIGHT = 84;
const PAD = { left: 26, right: 6, top: 6, bottom: 16 };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/** Renders the plot; the accessible name says what it shows and where the current point is. */
export function renderPlot(p: PlotProps): Element {
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'll-plot',
    role: 'img',
    'aria-label': p.label,
  });
  const title = svg('title', {});
  title.textContent = p.label;
  root.append(title);
  const finite = p.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (finite.length < 2) return root;
  const xs = finite.map(([x]) => x);
  const ys = finite.map(([, y]) => y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y1 = Math.max(...ys, 0) || 1;
  const sx = (x: number): number => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (WIDTH - PAD.left - PAD.right);
  const sy = (y: number): number => HEIGHT - PAD.bottom - (Math.max(0, y) / y1) * (HEIGHT - PAD.top - PAD.bottom);
  root.append(
    svg('line', { class: 'll-plot-axis', x1: PAD.left, y1: sy(0), x2: WIDTH - PAD.right, y2: sy(0) }),
    svg('line', { class: 'll-plot-axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: sy(0) }),
    svg('polyline', {
      class: 'll-plot-line',
      points: finite.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '),
    }),
  );
  const [cx, cy] = p.current;
  if (Number.isFinite(cx) && Number.isFinite(cy)) {
    root.append(
      svg('line', { class: 'll-plot-guide', x1: sx(cx), y1: sy(0), x2: sx(cx), y2: sy(cy) }),
      svg('circle', { class: 'll-plot-point', cx: sx(cx), cy: sy(cy), r: 3 }),
    );
  }
  const label = (text: string, x: number, y: number, anchor: string): void => {
    const t = svg('text', { class: 'll-plot-text', x, y, 'text-anchor': anchor });
    t.textContent = text;
    root.append(t);
  };
  label(p.yMaxText, PAD.left - 3, PAD.top + 7, 'end');
  label('0', PAD.left - 3, sy(0), 'end');
  label(p.xMinText, PAD.left, HEIGHT - 3, 'start');
  label(p.xLabel, (PAD.left + WIDTH - PAD.right) / 2, HEIGHT - 3, 'middle');
  label(p.xMaxText, WIDTH - PAD.right, HEIGHT - 3, 'end');
  return root;
}

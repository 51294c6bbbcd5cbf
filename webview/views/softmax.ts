/**
 * Softmax you can see: for a sample, its whole softmax (or sigmoid) row as bars with the logit beside each bar, the
 * target marked, p(target) and −log p, its weight or "ignored", and a small plot of its loss as the target logit moves
 * (the current point marked), so "what would make this 0" is visible. Many classes: the top ones and "others". Pure.
 */
import type { LossReport, ReportRow } from '../../src/core/report/report';
import { decodeNumber } from '../../src/core/report/report';
import { component, h, type VNode } from '../vnode';
import { bar } from './breakdown';
import { classLabel, fraction, num } from './format';
import type { Translate } from './l10n';

/** Classes shown one by one; beyond this the rest are summed into "others". */
export const TOP_CLASSES = 6;
/** Sample cards shown above the table. */
export const SOFTMAX_CARDS = 4;

/** One bar of a row: a class (or "others"), its logit, its probability. */
export interface SoftmaxBar {
  /** The class index, or -1 for "others". */
  readonly classIndex: number;
  readonly logit: number | undefined;
  readonly p: number;
  readonly isTarget: boolean;
  /** How many classes an "others" bar sums. */
  readonly count?: number;
}

/**
 * The bars of a row: every class when there are at most {@link TOP_CLASSES} + 1, else the most probable ones (the
 * target always among them) and one "others" bar with the rest of the probability.
 */
export function softmaxBars(row: ReportRow, target: number | undefined): SoftmaxBar[] {
  const probs = (row.probabilities ?? []).map(decodeNumber);
  const logits = row.inputs?.map(decodeNumber);
  const all = probs.map((p, c) => ({ classIndex: c, logit: logits?.[c], p, isTarget: c === target }));
  if (all.length <= TOP_CLASSES + 1) return all;
  const ranked = [...all].sort((a, b) => b.p - a.p || a.classIndex - b.classIndex);
  let shown = ranked.slice(0, TOP_CLASSES);
  const targetBar = all.find((b) => b.isTarget);
  if (targetBar && !shown.includes(targetBar)) shown = [...shown.slice(0, TOP_CLASSES - 1), targetBar];
  const rest = all.filter((b) => !shown.includes(b));
  return [
    ...shown,
    { classIndex: -1, logit: undefined, p: rest.reduce((s, b) => s + b.p, 0), isTarget: false, count: rest.length },
  ];
}

/**
 * A cross-entropy sample's loss as a function of its target logit z, every other logit fixed: with x_t = z,
 * ℓ(z) = w_t·(1 − ε)·(LSE − z) + ε/C·Σ_c w_c·(LSE − x_c), LSE = log Σ_c e^{x_c} (PyTorch's formula per sample, before
 * the reduction). Returns the sampled curve and the current point, or undefined when the row is not a CE row.
 */
export function crossEntropyCurve(
  r: LossReport,
  row: ReportRow,
  steps = 48,
): { points: [number, number][]; current: [number, number] } | undefined {
  if (r.fn !== 'cross_entropy' || !row.inputs || row.target === undefined || row.target < 0 || row.ignored)
    return undefined;
  const x = row.inputs.map(decodeNumber);
  const t = row.target;
  if (t >= x.length || !x.every(Number.isFinite)) return undefined;
  const w = r.classes?.weights?.map(decodeNumber);
  const eps = r.labelSmoothing?.epsilon ?? 0;
  const C = x.length;
  const lossAt = (z: number): number => {
    const xs = x.map((v, c) => (c === t ? z : v));
    const m = Math.max(...xs);
    const lse = m + Math.log(xs.reduce((s, v) => s + Math.exp(v - m), 0));
    const wt = w?.[t] ?? 1;
    let smooth = 0;
    if (eps > 0) xs.forEach((v, c) => (smooth += (w?.[c] ?? 1) * (lse - v)));
    return wt * (1 - eps) * (lse - z) + (eps / C) * smooth;
  };
  const others = x.filter((_, c) => c !== t);
  const lo = Math.min(x[t]!, ...others) - 3;
  const hi = Math.max(x[t]! + 2, Math.max(...others) + 6);
  const points: [number, number][] = [];
  for (let k = 0; k <= steps; k++) {
    const z = lo + ((hi - lo) * k) / steps;
    points.push([z, lossAt(z)]);
  }
  return { points, current: [x[t]!, lossAt(x[t]!)] };
}

function barLabel(r: LossReport, b: SoftmaxBar, t: Translate): string {
  return b.classIndex < 0 ? t('otherClasses', b.count ?? 0) : classLabel(r, b.classIndex);
}

/** One sample's card: the bars, p(target), −log p, weight or ignored, and the loss curve. */
export function softmaxCard(r: LossReport, row: ReportRow, t: Translate): VNode | null {
  if (!row.probabilities) return null;
  const bars = softmaxBars(row, row.target);
  const marks: VNode[] = [];
  if (row.target !== undefined && row.target >= 0)
    marks.push(h('span', { className: 'll-card-target' }, `${t('colTarget')}: ${classLabel(r, row.target)}`));
  if (row.ignored) marks.push(h('span', { className: 'll-card-ignored' }, t('ignoredMark')));
  else if (row.weight !== undefined && r.classes?.weights)
    marks.push(
      h(
        'span',
        { className: 'll-card-weight ll-num', attrs: { 'data-k': `w${row.index}` } },
        t('weightMark', num(row.weight)),
      ),
    );
  const facts: VNode[] = [];
  const fact = (key: string, label: string, value: string): void => {
    facts.push(
      h(
        'span',
        { className: 'll-card-fact' },
        `${label} `,
        h('span', { className: 'll-num', attrs: { 'data-k': `${key}${row.index}` } }, value),
      ),
    );
  };
  if (row.pTarget !== undefined) fact('p', t('colPTarget'), row.ignored ? '—' : num(row.pTarget));
  if (row.negLogP !== undefined) fact('n', t('colNegLogP'), row.ignored ? '—' : num(row.negLogP));
  fact('l', t('colLoss'), row.ignored ? '—' : num(row.loss));
  const curve = crossEntropyCurve(r, row);
  const sigmoid = r.fn === 'binary_cross_entropy_with_logits';
  return h(
    'section',
    {
      className: `ll-card${row.ignored ? ' ll-card-is-ignored' : ''}`,
      attrs: { 'aria-label': `#${row.index}`, 'data-sample': row.index },
    },
    h('div', { className: 'll-card-head' }, h('strong', null, `#${row.index}`), ...marks),
    h(
      'div',
      {
        className: 'll-softmax',
        attrs: { role: 'list', 'aria-label': sigmoid ? t('sigmoidTitle') : t('softmaxTitle') },
      },
      // Column captions for the eye; each bar's accessible name already says class and p.
      h(
        'div',
        { className: 'll-softmax-row ll-softmax-caption', attrs: { 'aria-hidden': 'true' } },
        h('span', null, r.kind === 'classification' ? t('colClass') : '#'),
        h('span', { className: 'll-num' }, row.inputs ? t('colLogit') : ''),
        h('span', null, ''),
        h('span', { className: 'll-num' }, 'p'),
        row.targetValues ? h('span', { className: 'll-num' }, 'y') : null,
      ),
      bars.map((b) => {
        const label = barLabel(r, b, t);
        const targetValue = row.targetValues?.[b.classIndex];
        return h(
          'div',
          {
            className: `ll-softmax-row${b.isTarget ? ' ll-softmax-target' : ''}${b.classIndex < 0 ? ' ll-softmax-others' : ''}`,
            attrs: { role: 'listitem' },
          },
          h('span', { className: 'll-softmax-name', attrs: { title: label } }, b.isTarget ? `▶ ${label}` : label),
          h(
            'span',
            {
              className: 'll-num ll-softmax-logit',
              attrs: { title: t('colLogit'), 'data-k': `x${row.index}.${b.classIndex}` },
            },
            b.logit === undefined ? '' : num(b.logit, 2),
          ),
          bar(
            fraction(b.p),
            `${label}: p = ${num(b.p)}${b.isTarget ? ` (${t('colTarget')})` : ''}`,
            'll-bar ll-softmax-bar',
          ),
          h(
            'span',
            { className: 'll-num ll-softmax-p', attrs: { 'data-k': `p${row.index}.${b.classIndex}` } },
            num(b.p),
          ),
          targetValue !== undefined
            ? h('span', { className: 'll-num ll-softmax-y', attrs: { title: t('colTarget') } }, num(targetValue, 2))
            : null,
        );
      }),
    ),
    h('div', { className: 'll-card-facts' }, facts),
    curve
      ? component('plot', {
          label: t('lossCurve', row.index, num(curve.current[1]), num(curve.current[0], 2)),
          points: curve.points,
          current: curve.current,
          xLabel: t('targetLogitAxis'),
          xMinText: num(curve.points[0]![0], 1),
          xMaxText: num(curve.points[curve.points.length - 1]![0], 1),
          yMaxText: num(Math.max(...curve.points.map(([, y]) => y)), 2),
        })
      : null,
  );
}

/** The cards of the first samples in the table's order, with a note on which are shown. */
export function softmaxCardsView(r: LossReport, rows: readonly ReportRow[], t: Translate): VNode | null {
  const cards = rows
    .slice(0, SOFTMAX_CARDS)
    .map((row) => softmaxCard(r, row, t))
    .filter((c): c is VNode => c !== null);
  if (cards.length === 0) return null;
  const title =
    r.fn === 'binary_cross_entropy_with_logits'
      ? t('sigmoidTitle')
      : r.fn === 'cross_entropy'
        ? t('softmaxTitle')
        : t('probabilityTitle');
  return h(
    'section',
    { className: 'll-softmax-section', attrs: { 'aria-label': title } },
    h('h3', null, title),
    r.sampleCount > cards.length
      ? h('p', { className: 'll-muted' }, t('softmaxShown', cards.length, r.sampleCount))
      : null,
    h('div', { className: 'll-cards' }, cards),
  );
}

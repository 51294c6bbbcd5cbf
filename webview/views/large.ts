/**
 * The Summary tab of a large input (a report with a `large` section, src/core/report/summary.ts): the worst samples, a
 * histogram of the per-sample losses, the confusion matrix of predicted vs target class and the classes with the
 * largest total loss. Pure: builds {@link VNode}s; every text (class names included) reaches the DOM as text.
 */
import type { LossReport } from '../../src/core/report/report';
import { decodeNumber, formatNumber } from '../../src/core/report/report';
import { h, type VNode } from '../vnode';
import type { ViewActions } from './actions';
import { bar } from './breakdown';
import { classLabel, fraction, num, percent, positionText } from './format';
import type { Translate } from './l10n';

/** The Summary tab, or `null` for a report computed in full. */
export function largeView(r: LossReport, t: Translate, actions: ViewActions): VNode | null {
  const large = r.large;
  if (!large) return null;
  return h(
    'div',
    { className: 'll-large' },
    h('p', { className: 'll-muted' }, t('largeNote', large.elements.toLocaleString())),
    worstView(r, t, actions),
    histogramView(r, t),
    confusionView(r, t),
    classAggregatesView(r, t),
  );
}

function worstView(r: LossReport, t: Translate, actions: ViewActions): VNode {
  const large = r.large!;
  const classes = r.kind === 'classification';
  const head = [
    t('colIndex'),
    t('colPosition'),
    t('colLoss'),
    ...(classes ? [t('colTarget'), t('colPredicted'), t('colPTarget')] : []),
    '',
  ];
  return h(
    'section',
    { attrs: { 'aria-label': t('worstSamples') } },
    h('h3', null, t('worstSamples')),
    h(
      'table',
      { className: 'll-table ll-worst' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((text) => h('th', { attrs: { scope: 'col' } }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        large.worst.map((w) =>
          h(
            'tr',
            {
              className:
                w.target !== undefined && w.predicted !== undefined && w.target !== w.predicted
                  ? 'll-wrong-row'
                  : undefined,
            },
            h('td', { className: 'll-num' }, String(w.index)),
            h('td', null, positionText(w.position)),
            h('td', { className: 'll-num' }, num(w.loss)),
            classes
              ? [
                  h('td', null, classLabel(r, w.target)),
                  h('td', null, classLabel(r, w.predicted)),
                  h('td', { className: 'll-num' }, w.pTarget === undefined ? '—' : num(w.pTarget)),
                ]
              : null,
            h(
              'td',
              null,
              h(
                'button',
                {
                  className: 'll-link-button',
                  attrs: { type: 'button', 'aria-label': `${t('showSample')} #${w.index}` },
                  on: {
                    click: () => (actions.showSample ? actions.showSample(w.index) : actions.selectSample(w.index)),
                  },
                },
                t('showSample'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function histogramView(r: LossReport, t: Translate): VNode | null {
  const hist = r.large!.histogram;
  if (hist.counts.length === 0) return null;
  const peak = Math.max(1, ...hist.counts);
  const edges = hist.edges.map(decodeNumber);
  return h(
    'section',
    { attrs: { 'aria-label': t('lossHistogram') } },
    h('h3', null, t('lossHistogram')),
    h(
      'div',
      { className: 'll-histogram', attrs: { role: 'list' } },
      hist.counts.map((count, b) => {
        const label = t('histogramBin', formatNumber(edges[b]!), formatNumber(edges[b + 1]!), count);
        return h(
          'div',
          { className: 'll-histogram-bin', attrs: { role: 'listitem', title: label, 'aria-label': label } },
          h('div', { className: 'll-histogram-fill', style: { height: `${((count / peak) * 100).toFixed(1)}%` } }),
        );
      }),
    ),
    h(
      'div',
      { className: 'll-histogram-axis ll-muted' },
      h('span', null, formatNumber(edges[0]!)),
      h('span', null, formatNumber(edges[edges.length - 1]!)),
    ),
    hist.nonFinite > 0 || hist.ignored > 0
      ? h('p', { className: 'll-muted' }, t('histogramExcluded', hist.nonFinite, hist.ignored))
      : null,
  );
}

function confusionView(r: LossReport, t: Translate): VNode | null {
  const confusion = r.large!.confusion;
  if (!confusion) return null;
  const n = confusion.classes.length;
  const label = (k: number, i: number): string =>
    k < 0 ? t('confusionOther') : confusion.labels[i] === String(k) ? String(k) : `${confusion.labels[i]} (${k})`;
  let peak = 1;
  for (const c of confusion.counts) peak = Math.max(peak, c);
  const rows: VNode[] = [];
  for (let i = 0; i < n; i++) {
    const cells: VNode[] = [h('th', { attrs: { scope: 'row' } }, label(confusion.classes[i]!, i))];
    for (let j = 0; j < n; j++) {
      const count = confusion.counts[i * n + j]!;
      const strength = count === 0 ? 0 : 15 + Math.round((count / peak) * 85);
      const colour = i === j ? 'var(--vscode-charts-green, #89d185)' : 'var(--vscode-charts-red, #f14c4c)';
      cells.push(
        h(
          'td',
          {
            className: 'll-num ll-confusion-cell',
            attrs: {
              title: t('confusionCell', label(confusion.classes[i]!, i), label(confusion.classes[j]!, j), count),
            },
            style:
              strength > 0 ? { 'background-color': `color-mix(in srgb, ${colour} ${strength}%, transparent)` } : {},
          },
          count === 0 ? '' : String(count),
        ),
      );
    }
    rows.push(h('tr', null, cells));
  }
  return h(
    'section',
    { attrs: { 'aria-label': t('confusion') } },
    h('h3', null, t('confusion')),
    h(
      'p',
      { className: 'll-muted' },
      t('confusionHint'),
      ' ',
      t('accuracy', percent(confusion.accuracy), confusion.samples),
    ),
    h(
      'div',
      { className: 'll-confusion-scroll' },
      h(
        'table',
        { className: 'll-table ll-confusion' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', null, ''),
            confusion.classes.map((k, j) => h('th', { attrs: { scope: 'col' } }, label(k, j))),
          ),
        ),
        h('tbody', null, rows),
      ),
    ),
  );
}

function classAggregatesView(r: LossReport, t: Translate): VNode | null {
  const agg = r.large!.classAggregates;
  if (!agg || agg.rows.length === 0) return null;
  return h(
    'section',
    { attrs: { 'aria-label': t('classAggregates') } },
    h('h3', null, t('classAggregates')),
    h('p', { className: 'll-muted' }, t('classesShown', agg.rows.length, agg.classesWithTargets, agg.numClasses)),
    h(
      'table',
      { className: 'll-table ll-class-aggregates' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            t('colClass'),
            t('colCount'),
            t('colWeight'),
            t('colMeanLoss'),
            t('colLossSum'),
            t('colShare'),
            t('colPredictedCount'),
          ].map((text) => h('th', { attrs: { scope: 'col' } }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        agg.rows.map((row) =>
          h(
            'tr',
            null,
            h(
              'td',
              null,
              row.name === String(row.classIndex) ? String(row.classIndex) : `${row.name} (${row.classIndex})`,
            ),
            h('td', { className: 'll-num' }, String(row.count)),
            h('td', { className: 'll-num' }, num(row.weight)),
            h('td', { className: 'll-num' }, num(row.meanLoss)),
            h('td', { className: 'll-num' }, num(row.lossSum)),
            h('td', null, bar(fraction(row.share), `${row.name}: ${percent(row.share)}`)),
            h('td', { className: 'll-num' }, String(row.predicted)),
          ),
        ),
      ),
    ),
  );
}

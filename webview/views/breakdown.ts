/**
 * The breakdown sections below the table: classes (weights and contribution), the label-smoothing split, the
 * gradient heat maps, BCE terms and pos_weight, KL-divergence per class and any extra terms. Pure.
 */
import type { LossReport, ReportClassTotal } from '../../src/core/report/report';
import { component, h, type VNode } from '../vnode';
import { fraction, num, percent } from './format';
import type { Translate } from './l10n';

/** A horizontal bar showing `value` (0…1) with an accessible label. */
export function bar(value: number, label: string, className = 'll-bar'): VNode {
  return h(
    'div',
    {
      className,
      attrs: {
        role: 'meter',
        'aria-valuemin': 0,
        'aria-valuemax': 1,
        'aria-valuenow': value.toFixed(4),
        'aria-label': label,
      },
    },
    h('div', { className: 'll-bar-fill', style: { width: `${(value * 100).toFixed(2)}%` } }),
  );
}

/** Class weights and what each class contributes to the value. */
export function classesView(r: LossReport, t: Translate): VNode | null {
  const classes = r.classes;
  if (!classes) return null;
  let worst = -1;
  let worstShare = -1;
  classes.rows.forEach((row, i) => {
    const share = fraction(row.share);
    if (share > worstShare) {
      worstShare = share;
      worst = i;
    }
  });
  return h(
    'div',
    { className: 'll-classes' },
    component('dataGrid', {
      label: t('classes'),
      columns: [
        { key: 'class', title: t('colClass') },
        { key: 'weight', title: t('colWeight'), numeric: true },
        { key: 'count', title: t('colCount'), numeric: true },
        { key: 'weightSum', title: t('colWeightSum'), numeric: true },
        { key: 'lossSum', title: t('colLossSum'), numeric: true },
        { key: 'share', title: t('colShare'), numeric: true },
        { key: 'contribution', title: t('colContribution'), numeric: true },
        { key: 'meanProbability', title: t('colMeanProbability'), numeric: true },
      ],
      rows: classes.rows.map((row) => ({
        class: row.name === String(row.classIndex) ? row.name : `${row.name} (${row.classIndex})`,
        weight: num(row.weight),
        count: num(row.count, classes.probabilityTargets ? 4 : 0),
        weightSum: num(row.weightSum),
        lossSum: num(row.lossSum),
        share: percent(row.share),
        contribution: num(row.contribution),
        meanProbability: num(row.meanProbability),
      })),
      highlighted: worst >= 0 ? [worst] : [],
    }),
    h(
      'div',
      { className: 'll-share-bars' },
      classes.rows.map((row) =>
        h(
          'div',
          { className: 'll-share-row' },
          h('span', { className: 'll-share-name' }, row.name),
          bar(fraction(row.share), `${row.name}: ${percent(row.share)}`),
          h('span', { className: 'll-num' }, percent(row.share)),
        ),
      ),
    ),
  );
}

/** loss = (1−ε)·NLL + ε·smooth, as totals and a split bar. */
export function labelSmoothingView(r: LossReport, t: Translate): VNode | null {
  const ls = r.labelSmoothing;
  if (!ls) return null;
  const nll = fraction(ls.nllShare);
  return h(
    'section',
    { className: 'll-smoothing', attrs: { 'aria-label': t('labelSmoothing') } },
    h('h3', null, `${t('labelSmoothing')} (ε = ${ls.epsilon})`),
    h(
      'div',
      {
        className: 'll-split',
        attrs: {
          role: 'img',
          'aria-label': `${t('nllPart')} ${percent(ls.nllShare)}, ${t('smoothPart')} ${percent(ls.smoothShare)}`,
        },
      },
      h('div', { className: 'll-split-a', style: { width: `${(nll * 100).toFixed(2)}%` } }),
      h('div', { className: 'll-split-b', style: { width: `${((1 - nll) * 100).toFixed(2)}%` } }),
    ),
    h(
      'dl',
      { className: 'll-pairs' },
      h('dt', { className: 'll-key-a' }, t('nllPart')),
      h('dd', null, `${num(ls.nllTotal)} (${percent(ls.nllShare)})`),
      h('dt', { className: 'll-key-b' }, t('smoothPart')),
      h('dd', null, `${num(ls.smoothTotal)} (${percent(ls.smoothShare)})`),
    ),
  );
}

function totalsGrid(label: string, totals: readonly ReportClassTotal[], t: Translate): VNode {
  return component('dataGrid', {
    label,
    columns: [
      { key: 'class', title: t('colClass') },
      { key: 'total', title: t('colTotal'), numeric: true },
      { key: 'share', title: t('colShare'), numeric: true },
    ],
    rows: totals.map((c) => ({
      class: c.name === String(c.classIndex) ? c.name : `${c.name} (${c.classIndex})`,
      total: num(c.total),
      share: percent(c.share),
    })),
  });
}

/** BCE: pos_weight, weight, positive vs negative targets and the loss per label. */
export function bceView(r: LossReport, t: Translate): VNode | null {
  const b = r.bce;
  if (!b) return null;
  return h(
    'section',
    { className: 'll-bce', attrs: { 'aria-label': t('bce') } },
    h('h3', null, t('bce')),
    h(
      'dl',
      { className: 'll-pairs' },
      b.posWeight
        ? [
            h('dt', null, t('posWeight')),
            h('dd', null, h('code', null, `[${b.posWeight.map((v) => num(v)).join(', ')}]`)),
          ]
        : null,
      b.weight
        ? [h('dt', null, t('colWeight')), h('dd', null, h('code', null, `[${b.weight.map((v) => num(v)).join(', ')}]`))]
        : null,
      h('dt', null, t('positives')),
      h('dd', null, `${b.positives.count} · ${t('colLossSum')} ${num(b.positives.lossSum)}`),
      h('dt', null, t('negatives')),
      h('dd', null, `${b.negatives.count} · ${t('colLossSum')} ${num(b.negatives.lossSum)}`),
    ),
    b.perLabel.length > 0 ? [h('h4', null, t('perLabel')), totalsGrid(t('perLabel'), b.perLabel, t)] : null,
  );
}

/** KL divergence: pointwise terms summed per class. */
export function klDivView(r: LossReport, t: Translate): VNode | null {
  const k = r.klDiv;
  if (!k) return null;
  return h(
    'section',
    { className: 'll-kl', attrs: { 'aria-label': t('klPerClass') } },
    h('h3', null, t('klPerClass')),
    h('p', null, h('code', null, `log_target=${k.logTarget ? 'True' : 'False'}`)),
    totalsGrid(t('klPerClass'), k.perClass, t),
  );
}

/** Extra terms the loss exposed, with their totals. */
export function extraTermsView(r: LossReport, t: Translate): VNode | null {
  if (r.terms.length === 0) return null;
  return h(
    'section',
    { className: 'll-terms' },
    h('h3', null, t('terms')),
    component('dataGrid', {
      label: t('terms'),
      columns: [
        { key: 'name', title: t('terms') },
        { key: 'shape', title: 'shape' },
        { key: 'total', title: t('colTotal'), numeric: true },
      ],
      rows: r.terms.map((term) => ({ name: term.name, shape: `[${term.shape.join(', ')}]`, total: num(term.total) })),
    }),
  );
}

/** One heat map per differentiable input. */
export function gradientView(r: LossReport, t: Translate): VNode {
  if (r.gradients.length === 0) return h('p', { className: 'll-muted' }, '—');
  return h(
    'div',
    { className: 'll-gradients' },
    h('p', { className: 'll-muted' }, t('heatmapLegend')),
    r.gradients.map((g) =>
      h(
        'section',
        { className: 'll-gradient' },
        h(
          'h3',
          null,
          h('code', null, `∂loss/∂${g.name}`),
          ' ',
          h('span', { className: 'll-muted' }, `[${g.shape.join(', ')}]`),
        ),
        g.rowStep > 1 || g.colStep > 1
          ? h('p', { className: 'll-muted' }, t('heatmapDownsampled', g.rowStep, g.colStep))
          : null,
        component('heatmap', {
          map: g,
          columnNames: g.bySampleAndClass ? r.classNames : [],
          cellTemplate: t('heatmapCell', '{0}', '{1}', '{2}'),
          label: `∂loss/∂${g.name}`,
          rowAxis: t('heatmapRows'),
          colAxis: g.bySampleAndClass ? t('heatmapCols') : t('heatmapColsElement'),
        }),
      ),
    ),
  );
}

/**
 * The inspector's "weights from counts": class weights N/(C·n_c) (scikit-learn's 'balanced') and pos_weight =
 * negatives/positives, counted by the host from the shown computation's targets, each applied with one click. Pure.
 */
import type { SuggestedWeights, WhatIfState } from '../../src/protocol';
import { component, h, type VNode } from '../vnode';
import type { ViewActions } from './actions';
import { num } from './format';
import type { Translate } from './l10n';

function suggestionGrid(
  title: string,
  names: readonly string[],
  s: SuggestedWeights,
  t: Translate,
  positives: boolean,
): VNode {
  const countColumns = positives
    ? [
        { key: 'count', title: t('colPositives'), numeric: true },
        { key: 'negatives', title: t('colNegatives'), numeric: true },
      ]
    : [{ key: 'count', title: t('colCount'), numeric: true }];
  return component('dataGrid', {
    label: title,
    columns: [
      { key: 'name', title: t('colClass') },
      ...countColumns,
      { key: 'weight', title: t('colWeight'), numeric: true },
    ],
    rows: s.weights.map((w, k) => ({
      name: names[k] ?? String(k),
      count: num(s.counts[k], Number.isInteger(s.counts[k]) ? 0 : 4),
      negatives: num(s.negatives?.[k], Number.isInteger(s.negatives?.[k]) ? 0 : 4),
      weight: num(w),
    })),
  });
}

/** The two suggestions with their counts and an apply button each; null when the loss takes neither. */
export function weightsFromCountsView(state: WhatIfState, t: Translate, actions: ViewActions): VNode | null {
  const suggested = state.weightsFromCounts;
  if (!suggested || (!suggested.classWeights && !suggested.posWeight)) return null;
  const block = (s: SuggestedWeights, kind: 'classWeights' | 'posWeight'): VNode => {
    const names = kind === 'classWeights' ? state.classNames : state.labelNames;
    const label = kind === 'classWeights' ? t('applyClassWeights') : t('applyPosWeight');
    return h(
      'div',
      { className: 'll-weights-suggestion' },
      suggestionGrid(label, names, s, t, kind === 'posWeight'),
      s.degenerate.length > 0
        ? h(
            'p',
            { className: 'll-muted' },
            t('weightsDegenerate', s.degenerate.map((k) => names[k] ?? String(k)).join(', ')),
          )
        : null,
      component('button', {
        label,
        title: `${s.formula}: [${s.weights.map((w) => num(w)).join(', ')}]`,
        appearance: 'secondary',
        onClick: () => actions.whatIf({ kind: 'weightsFromCounts', target: kind }),
      }),
    );
  };
  return h(
    'section',
    { className: 'll-weights-from-counts', attrs: { 'aria-label': t('weightsFromCounts') } },
    h('h3', null, t('weightsFromCounts')),
    h('p', { className: 'll-muted' }, t('weightsFromCountsHint')),
    suggested.classWeights ? block(suggested.classWeights, 'classWeights') : null,
    suggested.posWeight ? block(suggested.posWeight, 'posWeight') : null,
  );
}

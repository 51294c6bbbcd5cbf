/**
 * The inspector's what-if controls: loss, reduction, label_smoothing, ignore_index, class weights and pos_weight.
 * Every change posts a `whatIf` message; the host recomputes and sends the new report. Pure.
 */
import type { HistoryEntry, WhatIfState } from '../../src/protocol';
import { component, h, type VNode } from '../vnode';
import type { ViewActions } from './actions';
import type { Translate } from './l10n';

function weightsEditor(
  title: string,
  names: readonly string[],
  weights: readonly number[] | null,
  t: Translate,
  commit: (weights: readonly number[] | null) => void,
): VNode {
  const current = weights;
  return h(
    'fieldset',
    { className: 'll-weights' },
    h('legend', null, title),
    current === null
      ? component('button', {
          label: t('addWeights'),
          appearance: 'secondary',
          onClick: () => commit(names.map(() => 1)),
        })
      : [
          h(
            'div',
            { className: 'll-edit-grid' },
            names.map((name, c) =>
              h(
                'div',
                { className: 'll-edit-cell' },
                h('span', { className: 'll-edit-label', attrs: { title: name } }, name),
                component('numberField', {
                  label: `${title}: ${name}`,
                  value: current[c] ?? 1,
                  min: 0,
                  invalidMessage: t('invalidNumber'),
                  onCommit: (value) => commit(names.map((_, k) => (k === c ? value : (current[k] ?? 1)))),
                }),
              ),
            ),
          ),
          component('button', { label: t('removeWeights'), appearance: 'secondary', onClick: () => commit(null) }),
        ],
  );
}

/** The what-if form for the shown computation. */
export function whatIfView(state: WhatIfState, t: Translate, actions: ViewActions): VNode {
  const lossOptions = state.losses.some((l) => l.name === state.fn)
    ? state.losses
    : [{ name: state.fn, summary: '' }, ...state.losses];
  return h(
    'section',
    { className: 'll-whatif', attrs: { 'aria-label': t('whatIf') } },
    h('h2', null, t('whatIf'), state.edited ? [' ', component('badge', { text: t('edited') })] : null),
    h('p', { className: 'll-muted' }, t('whatIfHint')),
    h(
      'div',
      { className: 'll-form' },
      component('dropdown', {
        label: t('loss'),
        showLabel: true,
        value: state.fn,
        options: lossOptions.map((l) => ({ value: l.name, label: l.name, title: l.summary })),
        onChange: (fn) => actions.whatIf({ kind: 'loss', fn }),
      }),
      state.reductions.length > 0
        ? component('dropdown', {
            label: t('reduction'),
            showLabel: true,
            value: state.reduction,
            options: state.reductions.map((r) => ({ value: r, label: r })),
            onChange: (reduction) => actions.whatIf({ kind: 'reduction', reduction }),
          })
        : null,
      state.labelSmoothing !== null
        ? component('slider', {
            label: t('labelSmoothingOption'),
            min: 0,
            max: 1,
            step: 0.01,
            value: state.labelSmoothing,
            onCommit: (value) => actions.whatIf({ kind: 'labelSmoothing', value }),
          })
        : null,
      state.ignoreIndex !== null
        ? component('numberField', {
            label: t('ignoreIndexOption'),
            showLabel: true,
            value: state.ignoreIndex,
            integer: true,
            invalidMessage: t('invalidNumber'),
            onCommit: (value) => actions.whatIf({ kind: 'ignoreIndex', value }),
          })
        : null,
      state.supportsClassWeights
        ? weightsEditor(t('classWeights'), state.classNames, state.classWeights, t, (weights) =>
            actions.whatIf({ kind: 'classWeights', weights }),
          )
        : null,
      state.supportsPosWeight
        ? weightsEditor(t('posWeight'), state.labelNames, state.posWeight, t, (weights) =>
            actions.whatIf({ kind: 'posWeight', weights }),
          )
        : null,
      state.edited
        ? component('button', {
            label: t('reset'),
            appearance: 'secondary',
            onClick: () => actions.whatIf({ kind: 'reset' }),
          })
        : null,
    ),
  );
}

/** The history list: most recent first, the shown entry marked. */
export function historyView(
  entries: readonly HistoryEntry[],
  currentId: string | null,
  t: Translate,
  actions: ViewActions,
  locale: string,
): VNode {
  if (entries.length === 0) return h('p', { className: 'll-muted' }, t('noHistory'));
  let timeFormat: Intl.DateTimeFormat;
  try {
    timeFormat = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  } catch {
    timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }
  return h(
    'ol',
    { className: 'll-history', attrs: { 'aria-label': t('history') } },
    entries.map((e) =>
      h(
        'li',
        { className: e.id === currentId ? 'll-history-item ll-current' : 'll-history-item' },
        h(
          'button',
          {
            className: 'll-history-button',
            attrs: { type: 'button', 'aria-current': e.id === currentId ? 'true' : undefined },
            on: { click: () => actions.openHistory(e.id) },
          },
          h('span', { className: 'll-history-title' }, e.title),
          h('span', { className: 'll-history-value' }, e.failed ? '✕' : e.valueText),
          h('span', { className: 'll-muted' }, `${e.fn} · ${timeFormat.format(new Date(e.time))}`),
          e.pinned ? component('badge', { text: t('pin') }) : null,
          e.edited ? component('badge', { text: t('edited') }) : null,
        ),
      ),
    ),
  );
}

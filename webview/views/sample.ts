/**
 * One sample in detail: its softmax card (./softmax.ts), the logits (editable), the
 * target (editable), the gradient, the label-smoothing parts and per-element terms. Pure.
 */
import type { JsonNumber, LossReport, ReportRow } from '../../src/core/report/report';
import { decodeNumber } from '../../src/core/report/report';
import { component, h, type VNode } from '../vnode';
import type { ViewActions } from './actions';
import { softmaxCard } from './softmax';
import { classLabel, num, positionText } from './format';
import type { Translate } from './l10n';

function inputsTitle(r: LossReport, t: Translate): string {
  switch (r.inputsLabel) {
    case 'logits':
      return t('logits');
    case 'log-probabilities':
      return t('logProbabilities');
    case 'probabilities':
      return t('inputProbabilities');
    case 'input':
      return t('input');
  }
}

/** Label of element `k` of a sample: the class name for classification, the element index otherwise. */
function elementLabel(r: LossReport, k: number): string {
  return r.kind === 'classification' ? classLabel(r, k) : String(k);
}

function editableValues(
  r: LossReport,
  values: readonly JsonNumber[],
  t: Translate,
  editable: boolean,
  onCommit: (k: number, value: number) => void,
  className: string,
): VNode {
  return h(
    'div',
    { className },
    values.map((v, k) => {
      const label = elementLabel(r, k);
      const value = decodeNumber(v);
      return h(
        'div',
        { className: 'll-edit-cell' },
        h('span', { className: 'll-edit-label', attrs: { title: label } }, label),
        editable
          ? component('numberField', {
              label: t('editValue', label),
              value,
              invalidMessage: t('invalidNumber'),
              onCommit: (next) => onCommit(k, next),
            })
          : h('span', { className: 'll-num' }, num(v)),
      );
    }),
  );
}

/** The details of the selected sample, or a prompt to select one. */
export function sampleDetailsView(
  r: LossReport,
  row: ReportRow | undefined,
  t: Translate,
  actions: ViewActions,
  editable: boolean,
): VNode {
  if (!row) return h('p', { className: 'll-muted ll-details-empty' }, t('selectSample'));
  const title =
    r.sampleShape.length > 1
      ? `${t('sampleDetails', row.index)} ${positionText(row.position)}`
      : t('sampleDetails', row.index);
  const facts: VNode[] = [];
  const fact = (label: string, value: string): void => {
    facts.push(h('dt', null, label), h('dd', { className: 'll-num', attrs: { 'data-k': `d${facts.length}` } }, value));
  };
  if (row.target !== undefined)
    fact(t('colTarget'), row.ignored ? `${classLabel(r, row.target)} · ${t('ignored')}` : classLabel(r, row.target));
  if (row.predicted !== undefined) fact(t('colPredicted'), classLabel(r, row.predicted));
  const unlessIgnored = (text: string): string => (row.ignored ? '—' : text);
  if (row.pTarget !== undefined) fact(t('colPTarget'), unlessIgnored(num(row.pTarget)));
  if (row.negLogP !== undefined) fact(t('colNegLogP'), unlessIgnored(num(row.negLogP)));
  if (row.weight !== undefined) fact(t('colWeight'), unlessIgnored(num(row.weight)));
  fact(t('colLoss'), unlessIgnored(num(row.loss)));
  if (row.nllPart !== undefined) fact(t('nllPart'), num(row.nllPart));
  if (row.smoothPart !== undefined) fact(t('smoothPart'), num(row.smoothPart));
  fact(t('colContribution'), num(row.contribution));

  const indexTargetEditor =
    editable && row.target !== undefined && r.numClasses > 0
      ? component('dropdown', {
          label: t('editTarget'),
          showLabel: true,
          value: String(row.target),
          options: r.classNames.map((_, c) => ({ value: String(c), label: classLabel(r, c) })),
          onChange: (value) =>
            actions.whatIf({ kind: 'editTarget', sample: row.index, classIndex: -1, value: Number(value) }),
        })
      : null;

  return h(
    'section',
    { className: 'll-details', attrs: { 'aria-label': title } },
    h(
      'div',
      { className: 'll-details-head' },
      h('h3', null, title),
      row.range
        ? component('button', {
            label: t('revealInSource'),
            appearance: 'secondary',
            onClick: () => actions.reveal(row.index),
          })
        : null,
    ),
    h('dl', { className: 'll-pairs' }, facts),
    indexTargetEditor,
    softmaxCard(r, row, t),
    row.inputs
      ? [
          h('h4', null, inputsTitle(r, t)),
          editableValues(
            r,
            row.inputs,
            t,
            editable,
            (k, value) => actions.whatIf({ kind: 'editLogit', sample: row.index, classIndex: k, value }),
            'll-edit-grid',
          ),
        ]
      : null,
    row.targetValues
      ? [
          h('h4', null, t('targetValues')),
          editableValues(
            r,
            row.targetValues,
            t,
            editable,
            (k, value) => actions.whatIf({ kind: 'editTarget', sample: row.index, classIndex: k, value }),
            'll-edit-grid',
          ),
        ]
      : null,
    row.elementLoss
      ? [
          h('h4', null, t('elementLoss')),
          h('code', { className: 'll-list' }, row.elementLoss.map((v) => num(v)).join(', ')),
        ]
      : null,
    row.gradient
      ? [h('h4', null, t('gradient')), h('code', { className: 'll-list' }, row.gradient.map((v) => num(v)).join(', '))]
      : null,
    row.terms
      ? Object.entries(row.terms).map(([name, values]) => [
          h('h4', null, name),
          h('code', { className: 'll-list' }, values.map((v) => num(v)).join(', ')),
        ])
      : null,
  );
}

/**
 * The top of the page: value, formula, the reduction spelled out, badges and buttons; plus the error box, warnings
 * and the inputs/options overview. Pure: builds {@link VNode}s.
 */
import { answerPhrase, renderAnswer, type AnswerLocale } from '../../src/core/report/answer';
import type { LossReport } from '../../src/core/report/report';
import type { ErrorInfo, WebviewRole } from '../../src/protocol';
import { component, h, type VNode } from '../vnode';
import type { ViewActions } from './actions';
import { num, shapeText } from './format';
import type { Translate } from './l10n';

/** Header inputs. */
export interface HeaderState {
  readonly report: LossReport;
  readonly role: WebviewRole;
  readonly pinned: boolean;
  readonly stale: boolean;
  readonly edited: boolean;
  readonly busy: boolean;
  /** The language of the answer under the value. */
  readonly locale: AnswerLocale;
}

/** Title, value, formula, reduction and the action buttons. */
export function headerView(state: HeaderState, t: Translate, actions: ViewActions): VNode {
  const r = state.report;
  const badges: VNode[] = [];
  if (state.pinned) badges.push(component('badge', { text: t('pin'), title: t('pinned') }));
  if (state.edited) badges.push(component('badge', { text: t('edited') }));
  if (state.stale) badges.push(component('badge', { text: '!', title: t('stale') }));
  const buttons: VNode[] = [
    component('button', {
      label: t('exportSnippet'),
      appearance: 'secondary',
      onClick: () => actions.exportAs('snippet'),
    }),
    component('button', { label: t('exportJson'), appearance: 'secondary', onClick: () => actions.exportAs('json') }),
    component('button', { label: t('exportCsv'), appearance: 'secondary', onClick: () => actions.exportAs('csv') }),
    component('button', {
      label: state.pinned ? t('unpin') : t('pin'),
      title: t('pinned'),
      appearance: 'secondary',
      pressed: state.pinned,
      onClick: () => actions.setPinned(!state.pinned),
    }),
  ];
  if (state.role === 'inspector') {
    buttons.unshift(
      component('button', { label: t('openBreakdown'), appearance: 'primary', onClick: () => actions.openBreakdown() }),
    );
  }
  return h(
    'header',
    { className: 'll-header' },
    h(
      'div',
      { className: 'll-title-row' },
      h('h1', { className: 'll-title', attrs: { title: r.title } }, r.title),
      h('code', { className: 'll-fn' }, r.fn),
      ...badges,
    ),
    h(
      'div',
      { className: 'll-value-row' },
      h('span', { className: 'll-label' }, t('value')),
      h(
        'output',
        {
          className: state.stale ? 'll-value ll-stale' : 'll-value',
          attrs: { 'aria-label': t('value'), 'data-k': 'value' },
        },
        r.valueText,
      ),
      r.value === null ? h('span', { className: 'll-muted' }, t('valueNone')) : null,
      state.busy ? component('progress', { label: t('computing') }) : null,
    ),
    answerView(r, t, state.locale),
    h(
      'div',
      { className: 'll-formula-row' },
      h('span', { className: 'll-label' }, t('formula')),
      h('code', { className: 'll-formula' }, r.formula),
    ),
    reductionView(r, t),
    h('div', { className: 'll-actions' }, ...buttons),
  );
}

/**
 * The answer first: the sentences that explain this number with these inputs, then a banner with what changes its
 * meaning (softmax before CE, sigmoid before BCEWithLogits, a weighted mean, KLDiv's 'mean'), visible without a click.
 */
export function answerView(r: LossReport, t: Translate, locale: AnswerLocale): VNode | null {
  const answer = r.answer;
  if (!answer) return null;
  const warnings = r.warnings.filter((w) => answer.warningCodes.includes(w.code));
  const banner =
    warnings.length > 0 || answer.notes.length > 0
      ? h(
          'div',
          { className: 'll-banner', attrs: { role: 'note', 'aria-label': t('warnings') } },
          warnings.map((w) =>
            h(
              'div',
              { className: `ll-banner-item ll-severity-${w.severity === 'error' ? 'error' : 'warning'}` },
              h('strong', null, w.message),
              w.explanation ? h('div', null, w.explanation) : null,
              w.hint ? h('div', null, h('strong', null, `${t('fix')}: `), w.hint) : null,
            ),
          ),
          answer.notes.map((note) =>
            h('div', { className: 'll-banner-item ll-severity-warning' }, answerPhrase(note, locale)),
          ),
        )
      : null;
  return h(
    'section',
    { className: 'll-answer', attrs: { 'aria-label': t('answerLabel') } },
    h('p', { className: 'll-answer-text', attrs: { 'data-k': 'answer' } }, renderAnswer(answer, locale)),
    banner,
  );
}

/** Options PyTorch deprecated: shown only when the user passed them (they are `None` otherwise). */
const DEPRECATED_OPTIONS = new Set(['size_average', 'reduce']);

/** `value = Σ ℓᵢ / denominator`, what the denominator is, and why PyTorch divides by it. */
export function reductionView(r: LossReport, t: Translate): VNode {
  const red = r.reduction;
  return h(
    'section',
    { className: 'll-reduction', attrs: { 'aria-label': t('reduction') } },
    h(
      'div',
      { className: 'll-formula-row' },
      h('span', { className: 'll-label' }, t('reduction')),
      h('code', null, `reduction='${red.reduction}'`),
      h('code', { className: 'll-expression', attrs: { 'data-k': 'expression' } }, red.expression),
    ),
    h(
      'dl',
      { className: 'll-pairs' },
      h('dt', null, t('numerator')),
      h('dd', { className: 'll-num', attrs: { 'data-k': 'numerator' } }, num(red.numerator)),
      red.denominator !== null
        ? [
            h('dt', null, t('denominator')),
            h(
              'dd',
              null,
              h('span', { className: 'll-num', attrs: { 'data-k': 'denominator' } }, num(red.denominator)),
              ` — ${red.denominatorLabel}`,
            ),
          ]
        : null,
      h('dt', null, t('why')),
      h('dd', null, red.why),
    ),
  );
}

/** The error box: PyTorch's message first, then cause and fix. */
export function errorView(error: ErrorInfo, stale: boolean, t: Translate): VNode {
  return h(
    'section',
    { className: 'll-error', attrs: { role: 'alert' } },
    h('h2', null, t('errorTitle')),
    h('pre', { className: 'll-error-message' }, error.message),
    error.explanation ? h('p', null, h('strong', null, `${t('cause')}: `), error.explanation) : null,
    error.hint ? h('p', null, h('strong', null, `${t('fix')}: `), error.hint) : null,
    error.code ? h('p', { className: 'll-muted' }, h('code', null, error.code)) : null,
    stale ? h('p', { className: 'll-muted' }, t('stale')) : null,
  );
}

/** The warnings list (or "No warnings."). */
export function warningsView(r: LossReport, t: Translate): VNode {
  if (r.warnings.length === 0) return h('p', { className: 'll-muted' }, t('noWarnings'));
  return h(
    'ul',
    { className: 'll-warnings' },
    r.warnings.map((w) =>
      h(
        'li',
        {
          className: `ll-warning ll-severity-${w.severity === 'error' ? 'error' : w.severity === 'warning' ? 'warning' : 'info'}`,
        },
        h('div', { className: 'll-warning-message' }, w.message, ' ', h('code', { className: 'll-muted' }, w.code)),
        w.explanation ? h('div', null, h('strong', null, `${t('cause')}: `), w.explanation) : null,
        w.hint ? h('div', null, h('strong', null, `${t('fix')}: `), w.hint) : null,
      ),
    ),
  );
}

/** Lowest/highest/mean loss and the worst sample. */
export function statsView(r: LossReport, t: Translate, actions: ViewActions): VNode {
  const s = r.stats;
  return h(
    'div',
    { className: 'll-stats' },
    h('span', null, t('sampleCount', r.sampleCount)),
    s.ignoredCount > 0 ? h('span', null, t('ignoredCount', s.ignoredCount)) : null,
    h(
      'span',
      null,
      `${t('statsLowest')}: `,
      h('span', { className: 'll-num', attrs: { 'data-k': 'min' } }, num(s.min)),
    ),
    h(
      'span',
      null,
      `${t('statsHighest')}: `,
      h('span', { className: 'll-num', attrs: { 'data-k': 'max' } }, num(s.max)),
    ),
    h(
      'span',
      null,
      `${t('statsMean')}: `,
      h('span', { className: 'll-num', attrs: { 'data-k': 'mean' } }, num(s.mean)),
    ),
    s.worstIndex >= 0
      ? component('button', {
          label: `${t('statsWorst')}: #${s.worstIndex}`,
          appearance: 'secondary',
          onClick: () => actions.selectSample(s.worstIndex),
        })
      : null,
  );
}

/** The tensors (name, dtype, shape) and the resolved options. */
export function overviewView(r: LossReport, t: Translate): VNode {
  return h(
    'div',
    { className: 'll-overview' },
    h('h3', null, t('inputs')),
    component('dataGrid', {
      label: t('inputs'),
      columns: [
        { key: 'name', title: t('inputs') },
        { key: 'dtype', title: 'dtype' },
        { key: 'shape', title: 'shape' },
      ],
      rows: r.inputs.map((i) => ({ name: i.name, dtype: `torch.${i.dtype}`, shape: shapeText(i.shape) })),
    }),
    h('h3', null, t('options')),
    h(
      'ul',
      { className: 'll-options' },
      r.options
        .filter((o) => !(DEPRECATED_OPTIONS.has(o.name) && o.text === 'None'))
        .map((o) => h('li', null, h('code', null, `${o.name}=${o.text}`))),
    ),
  );
}

/**
 * Both label-smoothing conventions side by side: PyTorch's (1 − ε)·one_hot + ε/C, which
 * `nn.CrossEntropyLoss(label_smoothing=ε)` computes, and the clamp convention (1 − ε on the target, ε/(C − 1)
 * elsewhere) that hand-written losses use; plus the loss parts of SCE and focal loss per sample. Pure.
 */
import type { LossReport } from '../../src/core/report/report';
import { component, h, type VNode } from '../vnode';
import { num } from './format';
import type { Translate } from './l10n';

/** The two conventions' targets and values, and each sample under both; null without label smoothing. */
export function smoothingComparisonView(r: LossReport, t: Translate): VNode | null {
  const s = r.smoothingComparison;
  if (!s) return null;
  const shownRow = s.shown === 'pytorch' ? 0 : 1;
  return h(
    'section',
    { className: 'll-smoothing-compare', attrs: { 'aria-label': t('smoothingTitle') } },
    h('h3', null, `${t('smoothingTitle')} (ε = ${s.epsilon}, C = ${s.classes})`),
    h('p', { className: 'll-muted' }, t('smoothingHint')),
    component('dataGrid', {
      label: t('smoothingTitle'),
      columns: [
        { key: 'convention', title: t('labelSmoothing') },
        { key: 'on', title: t('smoothingOnTarget'), numeric: true },
        { key: 'off', title: t('smoothingOffTarget'), numeric: true },
        { key: 'value', title: `${t('value')} (${s.reduction})`, numeric: true },
      ],
      rows: [
        {
          convention: t('smoothingPytorch'),
          on: num(s.pytorch.onTarget),
          off: num(s.pytorch.offTarget),
          value: num(s.pytorch.value),
        },
        {
          convention: t('smoothingClamp'),
          on: num(s.clamp.onTarget),
          off: num(s.clamp.offTarget),
          value: num(s.clamp.value),
        },
      ],
      highlighted: [shownRow],
    }),
    h('p', null, t('smoothingTorchComputes', s.epsilon, num(s.pytorch.value))),
    h('p', { className: 'll-muted' }, s.shown === 'pytorch' ? t('smoothingShownPytorch') : t('smoothingShownClamp')),
    s.sameSettings ? null : h('p', { className: 'll-muted' }, t('smoothingNotSame')),
    s.rows.length > 1
      ? component('dataGrid', {
          label: `${t('smoothingTitle')}: ${t('samples')}`,
          columns: [
            { key: 'index', title: t('colIndex') },
            { key: 'pytorch', title: t('smoothingPytorch'), numeric: true },
            { key: 'clamp', title: t('smoothingClamp'), numeric: true },
          ],
          rows: s.rows.map((row) => ({ index: String(row.index), pytorch: num(row.pytorch), clamp: num(row.clamp) })),
        })
      : null,
  );
}

/** SCE's CE/RCE split or focal loss's p_t, (1 − p_t)^γ, α_t per sample, with the means; null for other losses. */
export function lossPartsView(r: LossReport, t: Translate): VNode | null {
  const parts = r.lossParts;
  if (!parts) return null;
  const keys = parts.columns.map((_, k) => `c${k}`);
  return h(
    'section',
    { className: 'll-loss-parts', attrs: { 'aria-label': t('partsTitle') } },
    h('h3', null, t('partsTitle')),
    component('dataGrid', {
      label: t('partsTitle'),
      columns: [
        { key: 'label', title: t('colIndex') },
        ...parts.columns.map((title, k) => ({ key: keys[k]!, title, numeric: true })),
      ],
      rows: [
        ...parts.rows.map((row) => ({
          label: row.label,
          ...Object.fromEntries(row.values.map((v, k) => [keys[k]!, num(v)])),
        })),
        { label: t('statsMean'), ...Object.fromEntries(parts.means.map((v, k) => [keys[k]!, num(v)])) },
      ],
      highlighted: [parts.rows.length],
    }),
    parts.rows.length < parts.rowCount
      ? h('p', { className: 'll-muted' }, t('teachingRowsShown', parts.rows.length, parts.rowCount))
      : null,
  );
}

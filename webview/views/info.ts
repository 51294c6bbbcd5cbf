/**
 * The information view of cross-entropy against probability targets: per sample H(p), KL(p‖q), H(p, q) and
 * H(p) + KL(p‖q), with the identity CE = H + KL checked. Pure.
 */
import { decodeNumber, type JsonNumber, type LossReport } from '../../src/core/report/report';
import { component, h, type VNode } from '../vnode';
import { num } from './format';
import type { Translate } from './l10n';

/** CE = H + KL per sample; null unless the report carries the information terms. */
export function infoView(r: LossReport, t: Translate): VNode | null {
  const info = r.info;
  if (!info) return null;
  const sum = (a: JsonNumber, b: JsonNumber): string => num(decodeNumber(a) + decodeNumber(b));
  return h(
    'section',
    { className: 'll-info', attrs: { 'aria-label': t('infoTitle') } },
    h('h3', null, t('infoTitle')),
    h('p', { className: 'll-muted' }, t('infoHint')),
    h(
      'p',
      { className: info.identityHolds ? 'll-info-identity' : 'll-info-identity ll-wrong' },
      info.identityHolds
        ? t('infoIdentity', num(info.maxResidual, 8))
        : t('infoIdentityFails', num(info.maxResidual, 8)),
    ),
    info.oneHot ? h('p', null, t('infoOneHot')) : null,
    info.weighted ? h('p', { className: 'll-muted' }, t('infoWeighted')) : null,
    info.labelSmoothing > 0
      ? h('p', { className: 'll-muted' }, `${t('labelSmoothing')}: ε = ${info.labelSmoothing}`)
      : null,
    component('dataGrid', {
      label: t('infoTitle'),
      columns: [
        { key: 'index', title: t('colIndex') },
        { key: 'entropy', title: t('colEntropy'), numeric: true },
        { key: 'kl', title: t('colKl'), numeric: true },
        { key: 'sum', title: t('colEntropyPlusKl'), numeric: true },
        { key: 'crossEntropy', title: t('colCrossEntropy'), numeric: true },
      ],
      rows: [
        ...info.rows.map((row) => ({
          index: String(row.index),
          entropy: num(row.entropy),
          kl: num(row.kl),
          sum: sum(row.entropy, row.kl),
          crossEntropy: num(row.crossEntropy),
        })),
        {
          index: t('statsMean'),
          entropy: num(info.meanEntropy),
          kl: num(info.meanKl),
          sum: sum(info.meanEntropy, info.meanKl),
          crossEntropy: num(info.meanCrossEntropy),
        },
      ],
      highlighted: [info.rows.length],
    }),
    info.rows.length < info.sampleCount
      ? h('p', { className: 'll-muted' }, t('teachingRowsShown', info.rows.length, info.sampleCount))
      : null,
  );
}

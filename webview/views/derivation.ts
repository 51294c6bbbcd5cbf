/**
 * The derivation by hand: the arithmetic of a small computation written out with the actual numbers (built by the
 * host, src/core/report/derivation.ts). The mathematics is shown as it is; the headings and glosses are phrases the host
 * localizes (their keys are the derivation's phrase keys). Pure.
 */
import type { DerivationText } from '../../src/core/report/derivation';
import type { LossReport } from '../../src/core/report/report';
import { h, type VNode } from '../vnode';
import type { Translate } from './l10n';

/** A derivation phrase in the webview's language. */
export function derivationText(t: Translate, text: DerivationText): string {
  return t(text.phrase, ...text.args);
}

/** The derivation, one block per sample and one for the reduction; null when there is none to show. */
export function derivationView(r: LossReport, t: Translate): VNode | null {
  const d = r.derivation;
  if (!d || d.sections.length === 0) return null;
  return h(
    'section',
    { className: 'll-derivation', attrs: { 'aria-label': derivationText(t, d.heading) } },
    h('h3', null, derivationText(t, d.heading)),
    h('p', { className: 'll-muted' }, t('derivationHint')),
    d.sections.map((section) =>
      h(
        'div',
        { className: 'll-derivation-step' },
        h('h4', null, derivationText(t, section.heading)),
        h(
          'ol',
          { className: 'll-derivation-lines' },
          section.lines.map((line) =>
            h(
              'li',
              { className: line.role === 'value' ? 'll-derivation-line ll-derivation-value' : 'll-derivation-line' },
              h('code', { className: 'll-derivation-math' }, line.math),
              line.note ? h('span', { className: 'll-muted ll-derivation-note' }, derivationText(t, line.note)) : null,
            ),
          ),
        ),
      ),
    ),
  );
}

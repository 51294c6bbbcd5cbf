/** The forms of a catalog template that real input must reach: the template, and each alternative of its choices. */
import { parseTemplate, type TemplateToken } from '../../../src/core/i18n/matcher';

/** A template written back from its tokens. */
function templateText(tokens: readonly TemplateToken[]): string {
  return tokens
    .map((t) =>
      t.kind === 'literal'
        ? t.text.replace(/[{}]/g, '\\$&')
        : t.kind === 'placeholder'
          ? `{${t.name}${t.type ? `:${t.type}` : ''}}`
          : `{${t.options.join('|')}}`,
    )
    .join('');
}

/** The template itself, and one variant per alternative of each choice, that choice fixed to the alternative. */
export function templateForms(template: string): string[] {
  const tokens = parseTemplate(template);
  const forms = [template];
  tokens.forEach((t, k) => {
    if (t.kind !== 'choice') return;
    for (const option of t.options) {
      forms.push(templateText(tokens.map((u, j) => (j === k ? { kind: 'literal', text: option } : u))));
    }
  });
  return forms;
}

/**
 * The problem panel's page: PyTorch's message, cause and fix all there, escaped, and a CSP that allows no script.
 */
import * as assert from 'node:assert/strict';
import { explainError } from '../../src/core/explain';
import { buildProblemHtml } from '../../src/panel/problemHtml';

const labels = { message: 'PyTorch’s message', cause: 'Cause', fix: 'Fix', where: 'Where' };

describe('the problem panel page', () => {
  const pasted = 'RuntimeError: expected scalar type Long but found Float';
  const found = explainError(pasted);

  it('shows the matched message, the cause and the fix of an explained error', () => {
    assert.ok(found.length > 0, 'the sample message is one explainError knows');
    const html = buildProblemHtml({
      cspSource: 'vscode-resource:',
      styleUri: 'style.css',
      lang: 'en',
      title: 'Explain PyTorch Error',
      problems: found.map((e) => ({ message: e.matched, cause: e.cause, fix: e.fix, code: e.code })),
      labels,
    });
    const e = found[0]!;
    const escape = (s: string): string =>
      s
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    for (const text of [e.matched, e.cause, e.fix, e.code]) assert.ok(html.includes(escape(text)), text);
    assert.match(html, /data-role="problem"/);
  });

  it('runs no script and escapes what the user pasted', () => {
    const html = buildProblemHtml({
      cspSource: 'vscode-resource:',
      styleUri: 'style.css',
      lang: 'en',
      title: 'Explain PyTorch Error',
      summary: 'not recognised',
      problems: [{ message: '<script>alert(1)</script>', where: 'a.py:1:2' }],
      labels,
    });
    assert.ok(!/<script/i.test(html));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /default-src &#39;none&#39;/);
    assert.ok(!/script-src/.test(html));
  });
});

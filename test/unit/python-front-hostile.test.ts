/**
 * The Python front end against CPython (issue 17): TabError for indentation whose meaning depends on the tab width,
 * at CPython's line, and NFKC-normalised identifiers. Expected values come from scripts/fixtures/gen_python_front.py.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tokenize } from '../../src/core/python/lexer';
import { parseModule } from '../../src/core/python/parser';
import { checkSnippet } from '../../src/core/snippet/index';

interface Fixture {
  readonly python: string;
  readonly tabs: readonly { id: string; code: string; error: string | null; line?: number; message?: string }[];
  readonly nfkc: readonly { id: string; code: string; names: string[] }[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'python', 'front-end.json'), 'utf8'),
) as Fixture;

describe(`Python front end: TabError and NFKC names, as CPython ${fixture.python}`, () => {
  for (const c of fixture.tabs) {
    it(`${c.id}: ${c.error ?? 'no error'}${c.line ? ` at line ${c.line}` : ''}`, () => {
      const tabErrors = parseModule(c.code).diagnostics.filter((d) => d.message.startsWith('TabError:'));
      if (c.error === 'TabError') {
        assert.equal(tabErrors.length, 1, JSON.stringify(parseModule(c.code).diagnostics));
        assert.equal(tabErrors[0]!.message, `TabError: ${c.message}`);
        assert.equal(tabErrors[0]!.line, c.line);
        const checked = checkSnippet(c.code).diagnostics.filter((d) => d.message.startsWith('TabError:'));
        assert.equal(checked[0]?.line, c.line, 'the checker reports it too');
      } else {
        assert.deepEqual(tabErrors, []);
      }
    });
  }

  for (const c of fixture.nfkc) {
    it(`${c.id}: the names are ${c.names.join(', ')}`, () => {
      const names = new Set(
        tokenize(c.code)
          .tokens.filter((t) => t.kind === 'name')
          .map((t) => t.text),
      );
      assert.deepEqual([...names].sort(), c.names);
    });
  }
});

/**
 * A shape check flags the dtype arguments PyTorch refuses (`dtype='float32'`, `dtype=np.float32`, `.to('float16')`)
 * where the tensors are symbolic: a model's output inside a DataLoader loop, a size read from a batch. The program
 * fixture test/fixtures/programs/dtype_mistakes_loop.py marks each such line `# refused: TAG`; what PyTorch says there
 * comes from its labelled stdout (the program prints `TAG -> Type: message` for each error it catches) or, for the
 * last line, from the error that ended the run. Nothing expected here is typed by hand.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localizeDiagnostic } from '../../../src/core/i18n/index';
import { checkSnippet } from '../../../src/core/snippet/index';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'programs');
const program = fs.readFileSync(path.join(dir, 'dtype_mistakes_loop.py'), 'utf8');

/** The marked lines: line number → tag. */
function markedLines(): Map<number, string> {
  const marked = new Map<number, string>();
  program.split('\n').forEach((text, i) => {
    const m = /# refused: (.+)$/.exec(text);
    if (m) marked.set(i + 1, m[1]!);
  });
  return marked;
}

describe('check: dtype arguments PyTorch refuses, on symbolic tensors', () => {
  for (const version of ['2.x', '1.13'] as const) {
    it(`flags every marked line with PyTorch ${version}'s own message, and no other line`, () => {
      const labelled = JSON.parse(fs.readFileSync(path.join(dir, `dtype_mistakes_loop.${version}.json`), 'utf8')) as {
        stdout: string;
        error: string | null;
      };
      const said = new Map<string, string>();
      for (const line of labelled.stdout.split('\n')) {
        const m = /^(.+?) -> (.+)$/.exec(line);
        if (m && !said.has(m[1]!)) said.set(m[1]!, m[2]!);
      }
      const marked = markedLines();
      assert.ok(marked.size >= 8);
      const expected = new Map<number, string>();
      for (const [line, tag] of marked) {
        const message = said.get(tag) ?? (tag === 'top level' ? labelled.error : undefined);
        assert.ok(message, `PyTorch ${version} said nothing for ${tag}`);
        expected.set(line, message);
      }
      const flagged = checkSnippet(program, { torchVersion: version }).diagnostics.filter(
        (d) => d.code === 'shape/op-error',
      );
      assert.deepEqual(new Map(flagged.map((d) => [d.line, d.message])), expected);
      for (const d of flagged) {
        assert.equal(d.severity, 'error');
        assert.match(d.explanation ?? '', /refuses the type of an argument/);
        assert.match(d.hint ?? '', /dtype=torch\.float32/);
      }
    });
  }

  it('gives the cause and the fix in Simplified Chinese', () => {
    const d = checkSnippet(program).diagnostics.find((x) => x.code === 'shape/op-error')!;
    const zh = localizeDiagnostic(d, 'zh-cn');
    assert.equal(zh.message, d.message);
    assert.match(zh.explanation ?? '', /不接受某个参数的类型/);
    assert.match(zh.hint ?? '', /请传入 torch 的 dtype/);
  });
});

import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkSnippet } from '../../../src/core/snippet/index';
import { diskResolver } from '../../../src/imports';

/**
 * The planted-bug corpus (test/fixtures/shape-corpus/, labelled by scripts/fixtures/label-shape-corpus.py under
 * both oracles). Counting how many bugs `check` reports at PyTorch's line is scripts/shape-corpus-report.ts; here
 * the corpus is kept honest and the half of the goal that must always hold is asserted: no error on a corrected
 * twin.
 */
interface Label {
  kind: 'bug' | 'ok';
  status: 'ok' | 'error';
  type?: string;
  message?: string;
  file?: string;
  line?: number;
  code?: string;
}

const corpus = path.join(__dirname, '..', '..', 'fixtures', 'shape-corpus');

function entryFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = prefix + name;
    if (statSync(full).isDirectory()) out.push(...entryFiles(full, `${rel}/`));
    else if (/\.(bug|ok)\.py$/.test(name) || (name === 'train.py' && /(^|\/)(bug|ok)\/$/.test(prefix))) out.push(rel);
  }
  return out.sort();
}

const twinOf = (entry: string): string => entry.replace(/\.bug\.py$/, '.ok.py').replace(/\/bug\//, '/ok/');

for (const version of ['2.x', '1.13'] as const) {
  const file = JSON.parse(readFileSync(path.join(corpus, `labels.${version}.json`), 'utf8')) as {
    torch: string;
    labels: Record<string, Label>;
  };
  const labels = file.labels;

  describe(`shape corpus labelled by torch ${file.torch}`, () => {
    it('labels every program of the corpus, and only those', () => {
      assert.deepEqual(Object.keys(labels).sort(), entryFiles(corpus));
    });

    it('has each planted bug raise in PyTorch at a line of the corpus, and its corrected twin run clean', () => {
      const bugs = Object.entries(labels).filter(([, l]) => l.kind === 'bug');
      assert.ok(bugs.length >= 25, `only ${bugs.length} planted bugs`);
      for (const [entry, label] of bugs) {
        assert.equal(label.status, 'error', entry);
        assert.ok(label.type && label.message, entry);
        assert.ok(label.file && existsSync(path.join(corpus, label.file)), `${entry}: ${label.file}`);
        const line = readFileSync(path.join(corpus, label.file), 'utf8').split('\n')[label.line! - 1]!;
        assert.equal(line.trim(), label.code, `${entry}: the labelled line is not the file's line ${label.line}`);
        assert.deepEqual(labels[twinOf(entry)], { kind: 'ok', status: 'ok' }, `${entry}: its twin`);
      }
      assert.equal(Object.keys(labels).length, 2 * bugs.length);
    });

    describe('check reports no error on a corrected twin', () => {
      for (const [entry, label] of Object.entries(labels)) {
        if (label.kind !== 'ok') continue;
        it(entry, () => {
          const file = path.join(corpus, entry);
          const text = readFileSync(file, 'utf8');
          // With the imports among the corpus's files followed (`from model import Net`), as `check PATH...` does.
          const imports = { file, resolve: diskResolver({ roots: [corpus] }) };
          const errors = checkSnippet(text, { torchVersion: version, imports }).diagnostics.filter(
            (d) => d.severity === 'error',
          );
          assert.deepEqual(
            errors.map((d) => `${d.line}: ${d.message}`),
            [],
          );
        });
      }
    });
  });
}

/**
 * `loss-lens check PATH...`: files and folders, imports among them followed (test/fixtures/imports/, labelled by
 * scripts/fixtures/gen_imports.py under both oracles).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli';

const fixtures = path.join(__dirname, '..', 'fixtures', 'imports');
const labels = (
  JSON.parse(fs.readFileSync(path.join(fixtures, 'labels.2.x.json'), 'utf8')) as {
    labels: Record<string, { status: string; message?: string; file?: string; line?: number; entryLine?: number }>;
  }
).labels;

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

interface JsonDiagnostic {
  line: number;
  severity: string;
  message: string;
  raisedAt?: { file: string; line: number };
}

describe('loss-lens check PATH...', () => {
  it('follows a single file’s imports, keeping the single-file output', () => {
    const entry = path.join(fixtures, 'packages', 'bug', 'train.py');
    const label = labels['packages/bug/train.py']!;
    const text = run(['check', entry]);
    assert.equal(text.code, 1);
    assert.ok(text.out.startsWith(`${entry}:${label.entryLine}:1: error: ${label.message}`), text.out);
    assert.match(text.out, /\n {2}raised at: .*nets[\\/]heads\.py:6:12\n$/);
    const json = run(['check', entry, '--json']);
    const parsed = JSON.parse(json.out) as { diagnostics: JsonDiagnostic[]; calls: unknown[] };
    assert.deepEqual(Object.keys(parsed), ['diagnostics', 'calls']);
    const d = parsed.diagnostics.find((x) => x.severity === 'error')!;
    assert.equal(d.line, label.entryLine);
    assert.equal(d.raisedAt!.line, label.line);
    assert.ok(path.resolve(d.raisedAt!.file).endsWith(path.join('nets', 'heads.py')));
  });

  it('checks every .py file of a folder, each following its imports, and reports per file', () => {
    const { code, out } = run(['check', path.join(fixtures, 'binary'), '--json']);
    assert.equal(code, 1);
    const files = (JSON.parse(out) as { files: { file: string; diagnostics: JsonDiagnostic[] }[] }).files;
    const rel = (f: string): string => path.relative(fixtures, f).split(path.sep).join('/');
    assert.deepEqual(
      files.map((f) => rel(f.file)),
      [
        'binary/bug/data.py',
        'binary/bug/model.py',
        'binary/bug/train.py',
        'binary/ok/data.py',
        'binary/ok/model.py',
        'binary/ok/train.py',
      ],
    );
    const errors = files.flatMap((f) =>
      f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${rel(f.file)}:${d.line}`),
    );
    // Exactly the two programs PyTorch raises on, at the lines it raises (the entry's line).
    const raising = Object.entries(labels)
      .filter(([e, l]) => e.startsWith('binary/') && l.status === 'error')
      .map(([e, l]) => `${e}:${l.entryLine}`)
      .sort();
    assert.deepEqual(errors.sort(), raising);
  });

  it('says how many files were clean, and exits 0', () => {
    const { code, out } = run(['check', path.join(fixtures, 'binary', 'ok'), path.join(fixtures, 'packages', 'ok')]);
    assert.equal(code, 0);
    assert.equal(out, 'no problems found in 9 files\n');
  });

  it('prints each file’s diagnostics and a count, in text', () => {
    const { code, out } = run([
      'check',
      path.join(fixtures, 'binary', 'bug'),
      path.join(fixtures, 'binary', 'ok', 'train.py'),
    ]);
    assert.equal(code, 1);
    assert.match(out, /bug[\\/]model\.py:23:12: error: ValueError: Target size/);
    assert.match(out, /bug[\\/]train\.py:18:16: error: ValueError: Target size \(torch\.Size\(\[B\]\)\)/);
    assert.match(out, /\n4 files checked: 2 errors, problems in 2\n$/);
  });

  it('exits 2 when a path cannot be read, after checking the others', () => {
    const { code, out, err } = run(['check', 'no-such-file.py', path.join(fixtures, 'binary', 'ok', 'train.py')]);
    assert.equal(code, 2);
    assert.match(err, /cannot read no-such-file\.py/);
    assert.equal(out, 'no problems found in 1 file\n');
  });
});

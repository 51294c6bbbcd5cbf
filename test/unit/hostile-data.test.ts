/**
 * Leniencies that gave silent wrong numbers (issue 17), each now refused the way NumPy/PyTorch refuse or with a
 * placed error: a key written twice in a JSON tensor file (both readers, naming both places), a tensor object's
 * declared "shape" that its data does not have, options named like Object.prototype members, and .npy headers
 * NumPy refuses (its verdicts recorded by scripts/fixtures/gen_npy_hostile.py under NumPy 1.24 and 2.x).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../../src/core/diagnostics';
import { readTensorFile } from '../../src/core/json/tensorFile';
import { readNpy } from '../../src/core/npy';
import { runLoss, runTensorFile } from '../../src/core/run';
import { readTensorFileFast } from '../../src/core/stream/reader';
import { tensorFrom } from '../../src/core/tensor';

/** Both readers' outcome on a text: the same error (code, message, place), or the same success. */
function bothReaders(text: string): { code: string; message: string; line: number; column: number } | 'ok' {
  const outcome = (read: () => unknown): { code: string; message: string; line: number; column: number } | 'ok' => {
    try {
      read();
      return 'ok';
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      const d = e.diagnostic;
      return { code: d.code, message: d.message, line: d.line, column: d.column };
    }
  };
  const small = outcome(() => readTensorFile(text));
  const streaming = outcome(() => readTensorFileFast(new TextEncoder().encode(text)));
  assert.deepEqual(streaming, small, 'the streaming reader agrees with the small one');
  return small;
}

describe('duplicate keys in a JSON tensor file', () => {
  it('refuses a second "loss", naming both places, in both readers', () => {
    const text = '{\n  "loss": "cross_entropy",\n  "input": [[1.0, 2.0]],\n  "target": [0],\n  "loss": "nll_loss"\n}';
    const r = bothReaders(text);
    if (r === 'ok') assert.fail('refused');
    assert.equal(r.code, 'json/duplicate-key');
    assert.equal(r.message, 'Duplicate key "loss" at 5:3: it is already at 2:3.');
    assert.deepEqual([r.line, r.column], [5, 3]);
  });

  it('refuses a second "input" (the case that took the first loss and the last input)', () => {
    const r = bothReaders('{"loss": "mse_loss", "input": [1.0], "target": [2.0], "input": [5.0]}');
    assert.ok(
      r !== 'ok' && r.code === 'json/duplicate-key' && /"input" at 1:55: it is already at 1:22/.test(r.message),
      JSON.stringify(r),
    );
  });

  it('refuses duplicates inside options and inside a tensor object', () => {
    const options = bothReaders(
      '{"loss": "mse_loss", "input": [1.0], "target": [2.0], "options": {"reduction": "sum", "reduction": "none"}}',
    );
    assert.ok(options !== 'ok' && options.code === 'json/duplicate-key', JSON.stringify(options));
    const tensor = bothReaders(
      '{"loss": "mse_loss", "input": {"data": [1.0], "dtype": "float64", "dtype": "float16"}, "target": [2.0]}',
    );
    assert.ok(tensor !== 'ok' && tensor.code === 'json/duplicate-key', JSON.stringify(tensor));
  });

  it('still reads distinct keys', () => {
    assert.equal(
      bothReaders('{"loss": "mse_loss", "input": [1.0], "target": [2.0], "options": {"reduction": "sum"}}'),
      'ok',
    );
  });
});

describe('a float ending the file mid-number (found by npm run fuzz)', () => {
  it('both readers refuse "1." at the end of the file at the same place', () => {
    for (const text of [
      '{"target": [0.0, 1.0, 1.',
      '{"target": [[1.0], [1.',
      '{"loss": "mse_loss", "input": [0.2, 0.9, NaN], "target": [0.0, 1.',
    ]) {
      const r = bothReaders(text);
      if (r === 'ok') assert.fail(text);
      assert.equal(r.code, 'json/syntax', text);
      assert.match(r.message, /Invalid number '\.'/);
    }
  });
});

describe('a tensor object\'s declared "shape"', () => {
  it('refuses a shape the data does not have (10^15 claimed for three numbers), in both readers', () => {
    const r = bothReaders(
      '{"loss": "mse_loss", "input": {"data": [1.0, 2.0, 3.0], "shape": [1000000000000000]}, "target": [1.0, 2.0, 3.0]}',
    );
    if (r === 'ok') assert.fail('refused');
    assert.equal(r.code, 'reader/shape-mismatch');
    assert.equal(r.message, '"shape" says [1000000000000000] but "data" holds [3].');
  });

  it('refuses a shape that is not a list of sizes, and accepts the right one', () => {
    const bad = bothReaders('{"input": {"data": [[1.0, 2.0]], "shape": [1, 2.5]}}');
    assert.ok(bad !== 'ok' && bad.code === 'reader/shape');
    assert.equal(
      bothReaders('{"input": {"data": [[1.0, 2.0]], "shape": [1, 2]}, "target": [[0.0, 1.0]], "loss": "mse_loss"}'),
      'ok',
    );
  });
});

describe('options read with own-property checks only', () => {
  const inputs = { input: tensorFrom([0.5, 1.5], [1, 2], 'float32'), target: tensorFrom([1], [1], 'int64') };
  for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'constructor', 'foo']) {
    it(`refuses an option named ${name} as PyTorch does`, () => {
      const outcome = runLoss({ loss: 'cross_entropy', inputs, options: { [name]: 1 } });
      assert.equal(outcome.results.length, 0);
      assert.equal(
        outcome.diagnostics[0]?.message,
        `TypeError: cross_entropy() got an unexpected keyword argument '${name}'`,
      );
    });
  }

  it('refuses "__proto__" in a JSON file\'s options instead of making it the prototype', () => {
    const file = readTensorFile(
      '{"loss": "mse_loss", "input": [1.0], "target": [2.0], "options": {"__proto__": {"data": [1.0]}}}',
    );
    assert.equal(Object.getPrototypeOf(file.options), Object.prototype);
    const outcome = runTensorFile(file);
    assert.match(outcome.diagnostics[0]?.message ?? '', /unexpected keyword argument '__proto__'/);
  });
});

describe('.npy headers NumPy refuses', () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'npy', 'hostile');
  const oracles = ['numpy-1.json', 'numpy-2.json'].map(
    (f) =>
      JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as {
        numpy: string;
        cases: Record<string, { accepted: boolean; error?: string }>;
      },
  );
  for (const name of Object.keys(oracles[0]!.cases)) {
    const verdicts = oracles.map((o) => o.cases[name]!);
    it(`${name}: ${verdicts[0]!.accepted ? 'read' : 'refused'}, as NumPy ${oracles.map((o) => o.numpy).join(' and ')} do`, () => {
      assert.ok(
        verdicts.every((v) => v.accepted === verdicts[0]!.accepted),
        'both NumPy versions agree',
      );
      const bytes = fs.readFileSync(path.join(dir, name));
      if (verdicts[0]!.accepted) {
        assert.equal(readNpy(bytes, name).shape.length, 1);
        return;
      }
      assert.throws(
        () => readNpy(bytes, name),
        (e: unknown) => e instanceof LossLensError && e.diagnostic.code === 'npy/header',
      );
      if (
        verdicts[0]!.error?.startsWith('ValueError: Header does not contain the correct keys') &&
        name.startsWith('extra')
      ) {
        assert.throws(
          () => readNpy(bytes, name),
          (e: LossLensError) => e.message.endsWith(verdicts[0]!.error!.replace('ValueError: ', '')),
        );
      }
    });
  }
});

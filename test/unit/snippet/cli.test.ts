/**
 * `loss-lens eval` and `loss-lens check` on the example snippets; the values come from the PyTorch fixtures.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli';
import { formatValue } from '../../../src/core/report/format';

const root = path.join(__dirname, '..', '..', '..');
const examples = (name: string): string => path.join(root, 'examples', name);

interface Fixture {
  id: string;
  calls: { line: number; value?: { data: number[] }; error?: { message: string } }[];
}
const fixtures = (
  JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'snippets', 'snippets.json'), 'utf8')) as {
    snippets: Fixture[];
  }
).snippets;
const torchCalls = (id: string): Fixture['calls'] => fixtures.find((f) => f.id === id)!.calls;

/** rtol 1e-5 with the examples' atol 1e-7: PyTorch's float32 log-sum-exp is off in the last bits for tiny losses. */
function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-5 * Math.abs(expected) + 1e-7;
}

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-snippet-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('loss-lens eval', () => {
  it('prints line:col fn = value for every call, then its breakdown', () => {
    const { code, out } = run(['eval', examples('seed-one-hot.py')]);
    assert.equal(code, 0);
    const [ce, nll] = torchCalls('examples/seed-one-hot.py');
    assert.ok(out.includes(`6:7 cross_entropy = ${formatValue(ce!.value!.data[0]!)}`), out);
    assert.ok(out.includes(`7:7 nll_loss = ${formatValue(nll!.value!.data[0]!)}`), out);
    assert.match(out, /sample\s+target\s+predicted\s+p\(target\)\s+loss\s+weight/);
  });

  it('prints results with positions and diagnostics as JSON', () => {
    const { code, out } = run(['eval', examples('label-smoothing.py'), '--json']);
    assert.equal(code, 0);
    const parsed = JSON.parse(out) as {
      results: { fn: string; value: number; line: number; column: number; endLine: number; endColumn: number }[];
      diagnostics: unknown[];
    };
    const expected = torchCalls('examples/label-smoothing.py');
    assert.equal(parsed.results.length, 2);
    parsed.results.forEach((r, i) => {
      assert.equal(r.fn, 'cross_entropy');
      assert.equal(r.line, expected[i]!.line);
      assert.ok(r.column >= 1 && r.endColumn > r.column && r.endLine === r.line);
      const e = expected[i]!.value!.data[0]!;
      assert.ok(close(r.value, e), `${r.value} vs torch ${e}`);
    });
    assert.ok(Array.isArray(parsed.diagnostics));
  });

  it('exits 1 when a call is rejected, with PyTorch text', () => {
    const { code, out } = run(['eval', examples('embedding-mismatch.py'), '--json']);
    assert.equal(code, 1);
    const parsed = JSON.parse(out) as {
      results: unknown[];
      diagnostics: { severity: string; message: string; line: number }[];
    };
    assert.deepEqual(parsed.results, []);
    const error = parsed.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(error.message, torchCalls('examples/embedding-mismatch.py')[0]!.error!.message);
    assert.equal(error.line, 10);
    const readable = run(['eval', examples('embedding-mismatch.py')]);
    assert.equal(readable.code, 1);
    assert.match(readable.out, /10:8 cross_entropy: rejected/);
    assert.match(readable.err, /embedding-mismatch\.py:10:8: error: Expected target size/);
  });

  it('applies --loss to the first two tensors of a snippet without a loss call', () => {
    const file = tempFile('tensors.py', 'x = torch.tensor([[1., 8., 1.], [1., 1., 8.]])\ny = torch.tensor([1, 2])\n');
    const { code, out } = run(['eval', file, '--loss', 'cross_entropy', '--json']);
    assert.equal(code, 0);
    const value = (JSON.parse(out) as { results: { value: number }[] }).results[0]!.value;
    const e = torchCalls('examples/label-smoothing.py')[0]!.value!.data[0]!;
    assert.ok(close(value, e), `${value} vs torch ${e}`);
  });

  it('exits 2 on a missing file', () => {
    assert.equal(run(['eval', 'no-such-file.py']).code, 2);
    assert.equal(run(['check', 'no-such-file.py']).code, 2);
    assert.equal(run(['eval']).code, 2);
  });
});

describe('loss-lens check', () => {
  it('reports the mismatch at the loss call and exits 1', () => {
    const { code, out } = run(['check', examples('embedding-mismatch.py'), '--json']);
    assert.equal(code, 1);
    const parsed = JSON.parse(out) as {
      diagnostics: { severity: string; code: string; line: number; fixes?: unknown[] }[];
    };
    assert.deepEqual(
      parsed.diagnostics.map((d) => [d.severity, d.code, d.line]),
      [['error', 'loss/target-size', 10]],
    );
    assert.equal(parsed.diagnostics[0]!.fixes!.length, 2);
  });

  it('says so when there is nothing to report and exits 0', () => {
    const { code, out } = run(['check', examples('batch-cross-entropy.py')]);
    assert.equal(code, 0);
    assert.equal(out, 'no problems found\n');
    const warnOnly = tempFile('warn.py', 'pred = torch.randn(8, 1)\nloss = F.mse_loss(pred, torch.randn(8))\n');
    const warned = run(['check', warnOnly]);
    assert.equal(warned.code, 0);
    assert.match(warned.out, /warn\.py:2:8: warning: Using a target size/);
  });
});

/**
 * `loss-lens compute` on the examples of the losses beyond torch.nn (values from the torch references in
 * scripts/fixtures/gen_extra.py) and `--explain [--lang zh-cn]` on compute and eval.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';

const root = path.join(__dirname, '..', '..');
const extra = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'losses', 'extra.json'), 'utf8')) as {
  examples: Record<string, { fn: string; value: number[]; shape: number[] }>;
};

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('loss-lens compute on the examples beyond torch.nn (expectations from the torch references)', () => {
  it('has an example for each new loss', () => {
    assert.deepEqual(
      Object.values(extra.examples)
        .map((e) => e.fn)
        .sort(),
      ['label_smoothing_clamp', 'sigmoid_focal_loss', 'softmax_focal_loss', 'symmetric_cross_entropy'],
    );
  });

  for (const [name, expected] of Object.entries(extra.examples)) {
    it(name, () => {
      const { code, out } = run(['compute', path.join(root, 'examples', name), '--json']);
      assert.equal(code, 0, out);
      const parsed = JSON.parse(out) as { results: { fn: string; value: number }[] };
      assert.equal(parsed.results[0]!.fn, expected.fn);
      const value = parsed.results[0]!.value;
      assert.ok(
        Math.abs(value - expected.value[0]!) <= 1e-5 * Math.abs(expected.value[0]!) + 1e-7,
        `${value} vs torch ${expected.value[0]}`,
      );
    });
  }
});

describe('loss-lens --explain', () => {
  it('writes the cross-entropy out by hand after the table', () => {
    const { code, out } = run(['compute', path.join(root, 'examples', 'confident.json'), '--explain']);
    assert.equal(code, 0);
    assert.match(out, /cross_entropy by hand/);
    assert.match(out, /p = e\^8 \/ \(e\^1 \+ e\^8 \+ e\^1\) = 0\.9981796/);
    assert.match(out, /ℓ₀ = −ln\(0\.9981796\) = 0\.0018221/);
    assert.match(out, /\(0\.0018221 \+ 0\.0018221\) \/ 2 = 0\.0018221/);
  });

  it('writes it in Simplified Chinese with --lang zh-cn, the arithmetic unchanged', () => {
    const en = run(['compute', path.join(root, 'examples', 'label-smoothing.json'), '--explain']).out;
    const { code, out } = run([
      'compute',
      path.join(root, 'examples', 'label-smoothing.json'),
      '--explain',
      '--lang',
      'zh-cn',
    ]);
    assert.equal(code, 0);
    assert.match(out, /cross_entropy 手算推导/);
    assert.match(out, /样本 0 · 目标类别 1/);
    assert.match(out, /标签平滑 ε = 0\.05/);
    const math = (s: string): string[] =>
      s
        .split('\n')
        .filter((l) => l.includes(' = '))
        // The arithmetic itself; the words around it (the "— why" notes, the reduction's "reduction:" and its
        // "(N = 2 samples)") are localized.
        .map((l) =>
          l
            .split(/ {3}—/)[0]!
            .replace(/^(reduction: |归约：)/, '')
            .replace(/( {2}\([^()]*\)|（[^（）]*）)$/, '')
            .trim(),
        );
    assert.deepEqual(math(out), math(en));
  });

  it('adds the derivation to --json, structured and as text', () => {
    const { out } = run(['compute', path.join(root, 'examples', 'sce.json'), '--json', '--explain']);
    const parsed = JSON.parse(out) as { results: { derivation: { sections: unknown[] }; derivationText: string }[] };
    assert.equal(parsed.results[0]!.derivation.sections.length, 5);
    assert.match(parsed.results[0]!.derivationText, /RCE = −ln\(0\.0001\) × \(1 − 0\.925939\) = 0\.68212/);
  });

  it('says when the input is too large to write out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-'));
    const file = path.join(dir, 'big.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        loss: 'cross_entropy',
        input: [
          [1.5, 2.5],
          [1.5, 2.5],
          [1.5, 2.5],
          [1.5, 2.5],
          [1.5, 2.5],
        ],
        target: [0, 1, 0, 1, 0],
      }),
    );
    const { code, out } = run(['compute', file, '--explain']);
    assert.equal(code, 0);
    assert.match(out, /at most 4 samples × 6 classes .*this computation has 5 × 2\./);
  });

  it('explains every computed call of a snippet with eval --explain', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-'));
    const file = path.join(dir, 'snippet.py');
    fs.writeFileSync(
      file,
      'import torch\nimport torch.nn.functional as F\nx = torch.tensor([[1.0, 4.0, 1.0, 1.0]])\ny = torch.tensor([1])\nloss = F.cross_entropy(x, y)\n',
    );
    const { code, out } = run(['eval', file, '--explain', '--lang', 'zh-cn']);
    assert.equal(code, 0);
    assert.match(out, /p = e\^4 \/ \(e\^1 \+ e\^4 \+ e\^1 \+ e\^1\) = 0\.87005/);
    assert.match(out, /ℓ₀ = −ln\(0\.87005\) = 0\.13921/);
    assert.match(out, /损失是该概率的负对数/);
  });
});

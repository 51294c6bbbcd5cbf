/**
 * The torch version choice end to end through the CLI: `--torch`, a tensor file's `"torch"`, and the default (2.x),
 * on a case both oracles labelled differently (scripts/fixtures/gen_classification.py, `bce/target-above-one`:
 * 1.13 computes it, 2.14 raises).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { assertClose, loadFixtures, type EncodedTensor } from './fixtures';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const cases = loadFixtures('classification').filter((c) => c.id === 'bce/target-above-one');
const computed = cases.find((c) => c.torch?.includes('1.13'))!;
const raised = cases.find((c) => c.torch?.includes('2.14'))!;

/** Writes the case as a JSON tensor file, with `"torch"` when given. */
function tensorFile(torch?: string): string {
  const tensor = (e: EncodedTensor) => ({ data: e.data, dtype: e.dtype, shape: e.shape });
  const body = {
    loss: 'binary_cross_entropy',
    options: computed.options,
    ...(torch ? { torch } : {}),
    input: reshape(tensor(computed.inputs['input']!)),
    target: reshape(tensor(computed.inputs['target']!)),
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-torch-')), 'case.json');
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

/** `{data, dtype}` with the data nested to the shape (the tensor file's form). */
function reshape(t: { data: unknown[]; dtype: string; shape: number[] }): { data: unknown; dtype: string } {
  const nest = (flat: unknown[], shape: number[]): unknown => {
    if (shape.length <= 1) return shape.length === 0 ? flat[0] : flat;
    const step = flat.length / shape[0]!;
    return Array.from({ length: shape[0]! }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
  };
  return { data: nest(t.data, t.shape), dtype: t.dtype };
}

describe('loss-lens --torch and a tensor file\u2019s "torch" (PyTorch 1.13 and 2.14 labels)', () => {
  it('has the two labels: 1.13 computes the case, 2.14 raises', () => {
    assert.ok(computed.expected && !computed.torch!.includes('2.14'));
    assert.ok(raised.error && !raised.torch!.includes('1.13'));
  });

  it('follows 2.x by default: PyTorch 2.14\u2019s error, exit 1', () => {
    const { code, err } = run(['compute', tensorFile()]);
    assert.equal(code, 1);
    assert.ok(err.includes(raised.error!.message), err);
  });

  it('follows 1.13 with --torch 1.13: PyTorch 1.13\u2019s value', () => {
    const { code, out } = run(['compute', tensorFile(), '--torch', '1.13', '--json']);
    assert.equal(code, 0);
    const value = (JSON.parse(out) as { results: { value: unknown }[] }).results[0]!.value;
    assertClose([value].flat(4) as number[], computed.expected!.value.data as number[], 'value');
  });

  it('follows the file\u2019s "torch": "1.13", and --torch 2.x overrides it', () => {
    const file = tensorFile('1.13');
    assert.equal(run(['compute', file]).code, 0);
    assert.equal(run(['compute', file, '--torch', '2.x']).code, 1);
  });

  it('refuses an unknown "torch" with its place, and an unknown --torch as a usage error', () => {
    const bad = tensorFile('3.0');
    const { code, err } = run(['compute', bad]);
    assert.equal(code, 1);
    assert.match(err, /"torch" must be "2\.x"/);
    assert.equal(run(['compute', tensorFile(), '--torch', '1.12']).code, 2);
  });

  it('passes --torch to eval and check', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-torch-'));
    const py = path.join(dir, 'bce.py');
    fs.writeFileSync(
      py,
      'import torch\nimport torch.nn.functional as F\nF.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([2.0]))\n',
    );
    assert.equal(run(['eval', py]).code, 1);
    assert.equal(run(['eval', py, '--torch', '1.13']).code, 0);
    assert.equal(run(['check', py]).code, 1);
    assert.equal(run(['check', py, '--torch', '1.13']).code, 0);
  });
});

/**
 * `loss-lens compute` on large inputs and .npy files: `--input/--target` (FILE.json optional), `{"npy": …}` tensors in
 * a JSON file, `--summary` (automatic for big files) printing the worst samples and the value PyTorch gives.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli';

const root = path.join(__dirname, '..', '..');
const npyDir = path.join(root, 'test', 'fixtures', 'npy');
const largeDir = path.join(root, 'test', 'fixtures', 'large');
const npyExpected = JSON.parse(fs.readFileSync(path.join(npyDir, 'expected.json'), 'utf8')) as Record<
  string,
  { value?: number }
>;
const largeExpected = JSON.parse(fs.readFileSync(path.join(largeDir, 'expected.json'), 'utf8')) as Record<
  string,
  { value: number }
>;

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('loss-lens compute on large inputs and .npy files', () => {
  const torchNpy = npyExpected['with-npy.json']!.value!;

  it('computes --input logits.npy --target labels.npy --loss cross_entropy without a JSON file', () => {
    const { code, out } = run([
      'compute',
      '--input',
      path.join(npyDir, 'logits-f4.npy'),
      '--target',
      path.join(npyDir, 'labels-i8.npy'),
      '--loss',
      'cross_entropy',
      '--json',
    ]);
    assert.equal(code, 0, out);
    const value = (JSON.parse(out) as { results: { value: number }[] }).results[0]!.value;
    assert.ok(Math.abs(value - torchNpy) < 1e-6, `${value} vs ${torchNpy}`);
  });

  it('reads {"npy": …} tensors relative to the JSON file', () => {
    const { code, out } = run(['compute', path.join(npyDir, 'with-npy.json')]);
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`value: ${torchNpy.toFixed(4)}`));
  });

  it('asks for a file or --input, and for a loss when none is named', () => {
    const none = run(['compute']);
    assert.equal(none.code, 2);
    assert.match(none.err, /--input FILE\[:KEY\] \(\.npy, \.pt, \.safetensors, \.npz\)/);
    const noLoss = run([
      'compute',
      '--input',
      path.join(npyDir, 'logits-f4.npy'),
      '--target',
      path.join(npyDir, 'labels-i8.npy'),
    ]);
    assert.equal(noLoss.code, 1);
    assert.match(noLoss.err, /json\/no-loss/);
    const missing = run(['compute', '--input', path.join(npyDir, 'nope.npy'), '--loss', 'cross_entropy']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*nope\.npy: no such file/);
    const broken = run([
      'compute',
      '--input',
      path.join(npyDir, 'complex.npy'),
      '--target',
      path.join(npyDir, 'labels-i8.npy'),
      '--loss',
      'cross_entropy',
    ]);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /complex\.npy \(byte \d+\): unsupported dtype '<c8'/);
  });

  it("--summary prints the worst samples, the histogram, the classes and PyTorch's value", () => {
    const file = path.join(largeDir, 'ce-64x1000.json');
    const { code, out } = run(['compute', file, '--summary']);
    assert.equal(code, 0, out);
    assert.match(out, /summary of 64 samples/);
    assert.match(out, /worst 20 samples:/);
    assert.match(out, /classes with the largest total loss:/);
    assert.match(out, new RegExp(`value: ${largeExpected['ce-64x1000.json']!.value.toFixed(4)}`));
    const json = run(['compute', file, '--summary', '--json']);
    const parsed = JSON.parse(json.out) as {
      results: { detail: string; value: number; worst: unknown[]; perSample: unknown[] }[];
    };
    assert.equal(parsed.results[0]!.detail, 'summary');
    assert.equal(parsed.results[0]!.worst.length, 20);
    assert.equal(parsed.results[0]!.perSample.length, 64);
    assert.ok(Math.abs(parsed.results[0]!.value - largeExpected['ce-64x1000.json']!.value) < 1e-5);
  });
});

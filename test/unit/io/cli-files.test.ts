/**
 * Tensor files through the CLI (`--input FILE[:KEY]`) and through a JSON tensor file (`{"pt": …, "key": …}`):
 * the cross-entropy of the batch saved in run.pt / batch.safetensors / the .npz files equals the value PyTorch
 * computed when it wrote them (scripts/fixtures/gen_io.py).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli';
import { parseFileSpec } from '../../../src/core/io/index';
import { readTensorFileFromDisk, tensorFileFromFiles } from '../../../src/files';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'io');

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function valueOf(out: string): number {
  return (JSON.parse(out) as { results: { value: number }[] }).results[0]!.value;
}

for (const version of ['1.13', '2.14']) {
  const v = path.join(dir, `torch-${version}`);
  const expected = JSON.parse(fs.readFileSync(path.join(v, 'expected.json'), 'utf8')) as {
    files: { 'run.pt': { cross_entropy: number } };
  };
  const torchValue = expected.files['run.pt'].cross_entropy;
  const close = (actual: number, what: string): void =>
    assert.ok(Math.abs(actual - torchValue) < 1e-6, `${what}: ${actual} vs torch ${torchValue}`);

  describe(`loss-lens compute --input FILE:KEY (files from torch ${version})`, () => {
    it('run.pt:batch.x and run.pt:batch.y (nested dict keys)', () => {
      const r = run([
        'compute',
        '--input',
        `${v}/run.pt:batch.x`,
        '--target',
        `${v}/run.pt:batch.y`,
        '--loss',
        'cross_entropy',
        '--json',
      ]);
      assert.equal(r.code, 0, r.err);
      close(valueOf(r.out), 'run.pt');
    });

    it('pair.pt:0 and pair.pt:1 (tuple indices), list.pt likewise', () => {
      for (const f of ['pair.pt', 'list.pt']) {
        const r = run([
          'compute',
          '--input',
          `${v}/${f}:0`,
          '--target',
          `${v}/${f}:1`,
          '--loss',
          'cross_entropy',
          '--json',
        ]);
        assert.equal(r.code, 0, r.err);
      }
    });

    it('batch.safetensors:logits / :target and the .npz arrays give the same value', () => {
      const st = run([
        'compute',
        '--input',
        `${v}/batch.safetensors:logits`,
        '--target',
        `${v}/batch.safetensors:target`,
        '--loss',
        'cross_entropy',
        '--json',
      ]);
      assert.equal(st.code, 0, st.err);
      close(valueOf(st.out), 'safetensors');
      const npz = run([
        'compute',
        '--input',
        `${v}/deflated.npz:x`,
        '--target',
        `${v}/stored.npz:y`,
        '--loss',
        'cross_entropy',
        '--json',
      ]);
      assert.equal(npz.code, 0, npz.err);
      close(valueOf(npz.out), 'npz');
    });

    it('a missing key lists the keys the file has', () => {
      const r = run([
        'compute',
        '--input',
        `${v}/run.pt:logits`,
        '--target',
        `${v}/run.pt:batch.y`,
        '--loss',
        'cross_entropy',
      ]);
      assert.equal(r.code, 1);
      assert.match(r.err, /has no tensor 'logits'\. Tensors: batch\.x \[8, 5\] float32; batch\.y \[8\] int64/);
    });

    it('a hostile pickle is refused by name, exit code 1', () => {
      const r = run(['compute', '--input', `${dir}/hostile/evil-os-system.pt`, '--loss', 'cross_entropy']);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /Unsupported global: GLOBAL os\.system was not an allowed global by default\. \[pickle\/global\]/,
      );
    });
  });
}

describe('JSON tensor files naming .pt, .safetensors and .npz tensors', () => {
  const torchValue = (
    JSON.parse(fs.readFileSync(path.join(dir, 'torch-2.14', 'expected.json'), 'utf8')) as {
      files: { 'run.pt': { cross_entropy: number } };
    }
  ).files['run.pt'].cross_entropy;
  for (const f of ['with-pt.json', 'with-safetensors.json', 'with-npz.json']) {
    // The fixtures name tensor files in a sibling folder: allowed only with --allow-outside.
    it(`${f} computes PyTorch's value (--allow-outside)`, () => {
      const r = run(['compute', path.join(dir, 'json', f), '--json', '--allow-outside']);
      assert.equal(r.code, 0, r.err);
      assert.ok(Math.abs(valueOf(r.out) - torchValue) < 1e-6);
    });

    it(`${f} is refused without --allow-outside: the named file is outside the JSON file's folder (exit 2)`, () => {
      const r = run(['compute', path.join(dir, 'json', f), '--json']);
      assert.equal(r.code, 2);
      assert.match(r.err, /is outside the folder .*\[file\/outside\]/);
      assert.match(r.err, /:3:12: error:/);
    });
  }

  it('a named .pt over --max-file-size-mb is refused before it is read (exit 2)', () => {
    // 0.001 MB = 1048 bytes: the JSON file passes, the .pt it names does not.
    const r = run([
      'compute',
      path.join(dir, 'json', 'with-pt.json'),
      '--allow-outside',
      '--max-file-size-mb',
      '0.001',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.err, /run\.pt.*\[file\/too-large\]/);
  });

  it('through the streaming reader too (the worker path)', () => {
    const file = readTensorFileFromDisk(path.join(dir, 'json', 'with-pt.json'), undefined, {
      maxBytes: 2 ** 20,
      root: dir,
    });
    assert.deepEqual([...file.inputs.input!.shape], [8, 5]);
    assert.equal(file.inputs.target!.dtype, 'int64');
  });

  it('a missing key is placed at the tensor in the JSON file and lists the keys', () => {
    const r = run(['compute', path.join(dir, 'json', 'missing-key.json'), '--json', '--allow-outside']);
    assert.equal(r.code, 1);
    const d = (JSON.parse(r.out) as { diagnostics: { code: string; message: string; line: number }[] }).diagnostics[0]!;
    assert.equal(d.code, 'io/key');
    assert.equal(d.line, 3);
    assert.match(d.message, /no tensor 'logits'.*batch\.x/);
  });
});

describe('tensorFileFromFiles (what the worker reads for the explorer command)', () => {
  it('reads the input and the target by path and key, the file once', () => {
    const run = path.join(dir, 'torch-1.13', 'nested.pt');
    const file = tensorFileFromFiles({ path: run, key: 'batch.x' }, { path: run, key: 'batch.y' });
    assert.deepEqual([...file.inputs.input!.shape], [6, 4]);
    assert.deepEqual([...file.inputs.target!.shape], [6]);
    const single = tensorFileFromFiles({ path: path.join(dir, 'torch-2.14', 'single.pt'), key: '' });
    assert.deepEqual([...single.inputs.input!.shape], [3, 4]);
  });
});

describe('FILE[:KEY]', () => {
  it('splits the key after a known extension only', () => {
    assert.deepEqual(parseFileSpec('run.pt:batch.x'), { path: 'run.pt', key: 'batch.x' });
    assert.deepEqual(parseFileSpec('pair.pt:0'), { path: 'pair.pt', key: '0' });
    assert.deepEqual(parseFileSpec('logits.npy'), { path: 'logits.npy' });
    assert.deepEqual(parseFileSpec('C:\\runs\\a.safetensors:x'), { path: 'C:\\runs\\a.safetensors', key: 'x' });
    assert.deepEqual(parseFileSpec('C:\\runs\\a.pt'), { path: 'C:\\runs\\a.pt' });
    assert.deepEqual(parseFileSpec('runs:2024/a.npz:y'), { path: 'runs:2024/a.npz', key: 'y' });
  });
});

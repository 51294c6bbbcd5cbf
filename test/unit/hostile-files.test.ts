/**
 * Hostile files (issue 17): devices, named pipes, folders, files over the size limit and files outside the JSON
 * file's folder are refused with a message before anything blocks or is read whole, in the CLI, in the worker's
 * reader and in the extension's asynchronous reader. The pipe is made by the test (mkfifo) in a temporary folder;
 * the device is /dev/zero, named by path only.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { LossLensError } from '../../src/core/diagnostics';
import { readTensorFile } from '../../src/core/json/tensorFile';
import { findLoss } from '../../src/core/losses/index';
import { readTensorFileFromDisk, resolveNpyRelativeToAsync } from '../../src/files';
import { readRegularFile, readRegularFileSync } from '../../src/safeFile';

const npyDir = path.join(__dirname, '..', 'fixtures', 'npy');

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function refusal(code: string): (e: unknown) => boolean {
  return (e) => e instanceof LossLensError && e.diagnostic.code === code;
}

describe('hostile files are refused, never read whole or waited on', () => {
  let dir: string;
  let fifo: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-hostile-'));
    fs.copyFileSync(path.join(npyDir, 'logits-f4.npy'), path.join(dir, 'logits.npy'));
    fs.copyFileSync(path.join(npyDir, 'labels-i8.npy'), path.join(dir, 'labels.npy'));
    fifo = path.join(dir, 'pipe.npy');
    execFileSync('mkfifo', [fifo]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const json = (name: string, input: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(
      file,
      JSON.stringify({ loss: 'cross_entropy', input: { npy: input }, target: { npy: 'labels.npy' } }),
    );
    return file;
  };

  it('refuses a named pipe a JSON file names (it would block forever)', () => {
    const file = json('fifo.json', 'pipe.npy');
    const r = run(['compute', file]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /named pipe \(FIFO\), not a regular file/);
    assert.throws(() => readTensorFileFromDisk(file), refusal('file/not-regular'));
  });

  it('refuses a named pipe given as the JSON file, as --input, and to the asynchronous reader', async () => {
    const r = run(['compute', fifo]);
    assert.equal(r.code, 2);
    assert.match(r.err, /named pipe/);
    const input = run(['compute', '--input', fifo, '--loss', 'mse_loss']);
    assert.equal(input.code, 2);
    assert.match(input.err, /named pipe/);
    await assert.rejects(readRegularFile(fifo, 1 << 20), refusal('file/not-regular'));
  });

  it('refuses a named pipe and /dev/zero named as .pt, .safetensors and .npz tensors, and as --input FILE:KEY', () => {
    for (const format of ['pt', 'safetensors', 'npz']) {
      const pipe = path.join(dir, `pipe.${format}`);
      if (!fs.existsSync(pipe)) execFileSync('mkfifo', [pipe]);
      const file = path.join(dir, `${format}-fifo.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({ loss: 'mse_loss', input: { [format]: `pipe.${format}`, key: 'x' }, target: [1.0] }),
      );
      const r = run(['compute', file]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, /named pipe \(FIFO\), not a regular file/);
      assert.throws(() => readTensorFileFromDisk(file), refusal('file/not-regular'));
      const zero = path.join(dir, `${format}-zero.json`);
      fs.writeFileSync(
        zero,
        JSON.stringify({ loss: 'mse_loss', input: { [format]: '/dev/zero', key: 'x' }, target: [1.0] }),
      );
      const z = run(['compute', zero, '--allow-outside']);
      assert.equal(z.code, 2, z.err);
      assert.match(z.err, /\/dev\/zero is a character device, not a regular file/);
      const input = run(['compute', '--input', `${pipe}:x`, '--loss', 'mse_loss']);
      assert.equal(input.code, 2, input.err);
      assert.match(input.err, /named pipe/);
    }
  });

  it('refuses /dev/zero (a character device) even when files outside are allowed', async () => {
    const file = json('zero.json', '/dev/zero');
    const r = run(['compute', file, '--allow-outside']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /\/dev\/zero is a character device, not a regular file/);
    assert.throws(() => readRegularFileSync('/dev/zero', 1 << 20), refusal('file/not-regular'));
    await assert.rejects(readRegularFile('/dev/urandom', 1 << 20), refusal('file/not-regular'));
  });

  it("refuses absolute and ../ paths outside the JSON file's folder unless --allow-outside", () => {
    const inner = path.join(dir, 'inner');
    fs.mkdirSync(inner, { recursive: true });
    const up = path.join(inner, 'up.json');
    fs.writeFileSync(
      up,
      JSON.stringify(
        { loss: 'cross_entropy', input: { npy: '../logits.npy' }, target: { npy: path.join(dir, 'labels.npy') } },
        null,
        2,
      ),
    );
    const refused = run(['compute', up]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /\.\.\/logits\.npy is outside the folder/);
    assert.match(refused.err, /up\.json:3:\d+/, 'placed at the tensor in the JSON file');
    const allowed = run(['compute', up, '--allow-outside']);
    assert.equal(allowed.code, 0, allowed.err);
  });

  it('refuses a symbolic link that leads outside the folder', () => {
    const inner = path.join(dir, 'linked');
    fs.mkdirSync(inner, { recursive: true });
    fs.symlinkSync(path.join(dir, 'logits.npy'), path.join(inner, 'logits.npy'));
    fs.copyFileSync(path.join(dir, 'labels.npy'), path.join(inner, 'labels.npy'));
    const file = path.join(inner, 'link.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ loss: 'cross_entropy', input: { npy: 'logits.npy' }, target: { npy: 'labels.npy' } }),
    );
    const r = run(['compute', file]);
    assert.equal(r.code, 2);
    assert.match(r.err, /outside the folder/);
  });

  it('refuses a folder named as a .npy file', () => {
    fs.mkdirSync(path.join(dir, 'folder.npy'), { recursive: true });
    const r = run(['compute', json('folder.json', 'folder.npy')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /folder\.npy is a folder, not a regular file/);
  });

  it('applies the size limit to the files a JSON file names, not only to the JSON file', async () => {
    // A 2 MB .npy named by an 80-byte JSON file, with a 1 MB limit.
    const big = path.join(dir, 'big.npy');
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (524288,), }";
    const padded = header.padEnd(118, ' ') + '\n';
    fs.writeFileSync(
      big,
      Buffer.concat([
        Buffer.from([0x93]),
        Buffer.from('NUMPY'),
        Buffer.from([1, 0, 118, 0]),
        Buffer.from(padded),
        Buffer.alloc(524288 * 4),
      ]),
    );
    const file = json('big.json', 'big.npy');
    const r = run(['compute', file, '--max-file-size-mb', '1']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /big\.npy is 2\.0 MB, over the limit of 1\.0 MB/);
    const parsed = readTensorFile(fs.readFileSync(file, 'utf8'));
    await assert.rejects(
      resolveNpyRelativeToAsync(parsed, file, { maxBytes: 1 << 20, root: dir }),
      refusal('file/too-large'),
    );
    const input = run(['compute', '--input', big, '--loss', 'mse_loss', '--max-file-size-mb', '1']);
    assert.equal(input.code, 2);
    assert.match(input.err, /big\.npy is 2\.0 MB/);
  });

  it('names the file when --input is over 2 GiB (a sparse file, nothing written to disk)', () => {
    const huge = path.join(dir, 'huge.npy');
    const fd = fs.openSync(huge, 'w');
    fs.ftruncateSync(fd, 2 ** 31 + 4096);
    fs.closeSync(fd);
    const r = run(['compute', '--input', huge, '--loss', 'mse_loss']);
    assert.equal(r.code, 2, r.err);
    assert.doesNotMatch(r.err, /undefined/);
    assert.match(r.err, /huge\.npy is 2048\.0 MB, over the limit of 2048\.0 MB/);
  });

  it('still reads what is allowed: .npy tensors beside the JSON file', async () => {
    const file = json('ok.json', 'logits.npy');
    const r = run(['compute', file]);
    assert.equal(r.code, 0, r.err);
    const parsed = readTensorFile(fs.readFileSync(file, 'utf8'));
    const resolved = await resolveNpyRelativeToAsync(parsed, file, { maxBytes: 1 << 20, root: dir });
    assert.deepEqual(Object.keys(resolved.inputs).sort(), ['input', 'target']);
  });
});

describe('compute --json on many classes, and internal failures', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-classes-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A .npy of float32 logits [samples, classes] and int64 labels, written by the test. */
  function npyPair(samples: number, classes: number): { input: string; target: string } {
    const write = (file: string, descr: string, shape: string, data: Buffer): string => {
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
      const total = Math.ceil((10 + header.length + 1) / 64) * 64;
      const padded = header.padEnd(total - 10 - 1, ' ') + '\n';
      const len = Buffer.alloc(2);
      len.writeUInt16LE(padded.length);
      fs.writeFileSync(
        file,
        Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), len, Buffer.from(padded), data]),
      );
      return file;
    };
    const logits = Buffer.alloc(samples * classes * 4);
    for (let i = 0; i < samples * classes; i++) logits.writeFloatLE(((i * 7919) % 1000) / 250, i * 4);
    const labels = Buffer.alloc(samples * 8);
    for (let i = 0; i < samples; i++) labels.writeBigInt64LE(BigInt((i * 31) % classes), i * 8);
    return {
      input: write(path.join(dir, `logits-${classes}.npy`), '<f4', `(${samples}, ${classes})`, logits),
      target: write(path.join(dir, `labels-${classes}.npy`), '<i8', `(${samples},)`, labels),
    };
  }

  it('cuts per-class blocks at 1000 classes in --json, and --all-classes writes every class', () => {
    const { input, target } = npyPair(3, 5000);
    const cut = run([
      'compute',
      '--input',
      input,
      '--target',
      target,
      '--loss',
      'cross_entropy',
      '--summary',
      '--json',
    ]);
    assert.equal(cut.code, 0, cut.err);
    const classes = (
      JSON.parse(cut.out) as { results: { classes: { shown: number; total: number; count: unknown[] } }[] }
    ).results[0]!.classes;
    assert.equal(classes.shown, 1000);
    assert.equal(classes.total, 5000);
    assert.equal(classes.count.length, 1000);
    const all = run([
      'compute',
      '--input',
      input,
      '--target',
      target,
      '--loss',
      'cross_entropy',
      '--summary',
      '--json',
      '--all-classes',
    ]);
    assert.equal(all.code, 0, all.err);
    const every = (JSON.parse(all.out) as { results: { classes: { shown?: number; count: unknown[] } }[] }).results[0]!
      .classes;
    assert.equal(every.count.length, 5000);
    assert.equal(every.shown, undefined);
  });

  it('writes --json in pieces, none longer than 64 KiB plus one value', () => {
    const { input, target } = npyPair(2, 20000);
    const pieces: string[] = [];
    const code = main(
      [
        'compute',
        '--input',
        input,
        '--target',
        target,
        '--loss',
        'cross_entropy',
        '--summary',
        '--json',
        '--all-classes',
      ],
      {
        stdout: (t) => pieces.push(t),
        stderr: () => undefined,
      },
    );
    assert.equal(code, 0);
    assert.ok(pieces.length > 10, `${pieces.length} pieces`);
    assert.ok(Math.max(...pieces.map((p) => p.length)) < 65536 + 1024);
    assert.equal(
      (JSON.parse(pieces.join('')) as { results: { classes: { count: unknown[] } }[] }).results[0]!.classes.count
        .length,
      20000,
    );
  });

  it('an internal failure exits 3 with one line, not 1 and not a stack trace', () => {
    const { input, target } = npyPair(2, 4);
    let err = '';
    const code = main(['compute', '--input', input, '--target', target, '--loss', 'cross_entropy', '--json'], {
      stdout: () => {
        throw new RangeError('Invalid string length');
      },
      stderr: (t) => (err += t),
    });
    assert.equal(code, 3);
    assert.equal(err.trim().split('\n').length, 1, err);
    assert.match(err, /^loss-lens: internal error: RangeError: Invalid string length/);
    assert.doesNotMatch(err, /\n\s+at /);
  });
});

describe('an internal failure inside a computation', () => {
  it('exits 3, not 1, when the engine reports internal/error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-internal-'));
    try {
      // A loss whose engine throws a non-LossLensError: a getter on the options that throws stands in for a bug.
      const file = path.join(dir, 'f.json');
      fs.writeFileSync(file, JSON.stringify({ loss: 'mse_loss', input: [1.0], target: [2.0] }));
      const def = findLoss('mse_loss')!;
      const original = def.compute;
      (def as { compute: typeof def.compute }).compute = () => {
        throw new TypeError('a bug');
      };
      try {
        const r = run(['compute', file]);
        assert.equal(r.code, 3, r.err + r.out);
      } finally {
        (def as { compute: typeof def.compute }).compute = original;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

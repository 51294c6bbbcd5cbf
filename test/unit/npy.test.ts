/**
 * The .npy reader against files numpy wrote (scripts/fixtures/gen_npy.py → test/fixtures/npy/): every dtype, both
 * byte orders, C and Fortran order, format versions 1–3, and the refusals with their place.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../../src/core/diagnostics';
import { readTensorFile } from '../../src/core/json/tensorFile';
import { resolveTensorSources as resolveNpySources } from '../../src/core/io/index';
import { readNpy } from '../../src/core/npy';
import { runTensorFile } from '../../src/core/run';
import { readTensorFileFast } from '../../src/core/stream/reader';

const dir = path.join(__dirname, '..', 'fixtures', 'npy');
type Expected = { dtype: string; shape: number[]; data: (number | string)[] } | { error: string } | { value: number };
const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, Expected>;

function decode(v: number | string): number {
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);
}

describe('.npy reader', () => {
  for (const [name, want] of Object.entries(expected)) {
    if ('value' in want) continue;
    it(`${name}: ${'error' in want ? `refuses (${want.error})` : `${want.dtype} ${JSON.stringify(want.shape)}`}`, () => {
      const bytes = fs.readFileSync(path.join(dir, name));
      if ('error' in want) {
        assert.throws(
          () => readNpy(bytes, name),
          (e: LossLensError) => {
            assert.equal(e.diagnostic.code, want.error);
            assert.ok(e.diagnostic.message.startsWith(`${name} (byte `), e.diagnostic.message);
            assert.equal(e.diagnostic.line, 1);
            assert.equal(e.diagnostic.data?.offset, e.diagnostic.column - 1);
            assert.ok(e.diagnostic.hint && e.diagnostic.explanation);
            return true;
          },
        );
        return;
      }
      const t = readNpy(bytes, name);
      assert.equal(t.dtype, want.dtype);
      assert.deepEqual([...t.shape], want.shape);
      assert.equal(t.data.length, want.data.length);
      want.data.forEach((v, i) =>
        assert.ok(
          Object.is(t.data[i], decode(v)) || (Number.isNaN(t.data[i]) && Number.isNaN(decode(v))),
          `${name}[${i}]: ${t.data[i]} vs ${v}`,
        ),
      );
    });
  }

  it('reads little-endian int64 words exactly (negative, beyond 2³², up to ±(2⁵³ − 1)), aligned in its buffer or not', () => {
    const values = [-100n, 0n, 5n, 2n ** 40n + 3n, -(2n ** 40n), -1n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 4294967295n];
    const dict = `{'descr': '<i8', 'fortran_order': False, 'shape': (${values.length},), }`;
    const header = dict.padEnd(64 - 10 - 1, ' ') + '\n';
    const bytes = new Uint8Array(10 + header.length + 8 * values.length);
    bytes.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
    bytes.set(Buffer.from(header, 'latin1'), 10);
    const words = new DataView(bytes.buffer, 10 + header.length);
    values.forEach((v, i) => words.setBigInt64(8 * i, v, true));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const file of [bytes, shifted.subarray(1)]) {
      const t = readNpy(file, 'labels.npy');
      assert.equal(t.dtype, 'int64');
      assert.deepEqual(Array.from(t.data), values.map(Number));
    }
  });

  it('names the unsupported dtype and places it at its header byte', () => {
    const bytes = fs.readFileSync(path.join(dir, 'complex.npy'));
    assert.throws(
      () => readNpy(bytes, 'complex.npy'),
      (e: LossLensError) => {
        assert.match(e.diagnostic.message, /unsupported dtype '<c8' \(complex\)/);
        const at = e.diagnostic.data!.offset as number;
        assert.equal(String.fromCharCode(bytes[at]!), "'");
        return true;
      },
    );
  });

  it('reads {"npy": "…"} tensors of a JSON file through the caller\'s readFile, both readers alike', () => {
    const text = fs.readFileSync(path.join(dir, 'with-npy.json'), 'utf8');
    const readFile = (p: string): Uint8Array => fs.readFileSync(path.join(dir, p));
    for (const file of [readTensorFile(text), readTensorFileFast(new TextEncoder().encode(text))]) {
      assert.deepEqual(Object.keys(file.npy ?? {}).sort(), ['input', 'target']);
      const resolved = resolveNpySources(file, readFile);
      assert.deepEqual(resolved.inputs.input!.shape, [4, 5]);
      assert.equal(resolved.inputs.target!.dtype, 'int64');
      const outcome = runTensorFile(resolved);
      const torch = (expected['with-npy.json'] as { value: number }).value;
      assert.ok(Math.abs((outcome.results[0]!.value as number) - torch) < 1e-6);
    }
  });

  it('places a missing or broken .npy at the tensor in the JSON file', () => {
    const text = '{"loss": "cross_entropy",\n "input": {"npy": "nope.npy"}, "target": {"npy": "labels-i8.npy"}}';
    const file = readTensorFile(text);
    const readFile = (p: string): Uint8Array => fs.readFileSync(path.join(dir, p));
    assert.throws(
      () => resolveNpySources(file, readFile),
      (e: LossLensError) => e.diagnostic.code === 'npy/read' && e.diagnostic.line === 2 && e.diagnostic.column === 11,
    );
    const broken = readTensorFile('{"input": {"npy": "truncated.npy"}}');
    assert.throws(
      () => resolveNpySources(broken, readFile),
      (e: LossLensError) =>
        e.diagnostic.code === 'npy/truncated' &&
        e.diagnostic.column === 11 &&
        /truncated\.npy \(byte \d+\)/.test(e.diagnostic.message),
    );
    assert.throws(
      () => readTensorFile('{"input": {"npy": 3}}'),
      (e: LossLensError) => e.diagnostic.code === 'json/npy-path',
    );
  });
});

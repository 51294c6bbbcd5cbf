/**
 * The .pt, .safetensors and .npz readers against files PyTorch and NumPy wrote (scripts/fixtures/gen_io.py, run under
 * torch 1.13 — the .pt layout without `byteorder` — and torch 2.14 — with it): every tensor reads back bit for bit,
 * with its dtype, shape, strides and offsets as saved.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../../../src/core/diagnostics';
import { readTensorArchive, selectEntry, selectTensor, type TensorArchive } from '../../../src/core/io/index';
import type { Tensor } from '../../../src/core/tensor';

const root = path.join(__dirname, '..', '..', 'fixtures', 'io');

interface ExpectedTensor {
  readonly dtype: string;
  readonly shape: number[];
  readonly values: (string | number)[];
}
interface ExpectedFile {
  readonly tensors?: Record<string, ExpectedTensor>;
  readonly metadata?: Record<string, string>;
  readonly refused?: string;
}
interface Expected {
  readonly torch: string;
  readonly byteorder_member: boolean;
  readonly files: Record<string, ExpectedFile>;
}

/** A value as the generator wrote it: the hex of its float64 bits, 'nan', or an integer. */
function bitsOf(t: Tensor, i: number): string | number {
  const v = t.data[i]!;
  if (t.dtype === 'float16' || t.dtype === 'bfloat16' || t.dtype === 'float32' || t.dtype === 'float64') {
    if (Number.isNaN(v)) return 'nan';
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v, false);
    return Array.from(new Uint8Array(view.buffer), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return v;
}

export function assertTensor(actual: Tensor, want: ExpectedTensor, label: string): void {
  assert.equal(actual.dtype, want.dtype, `${label} dtype`);
  assert.deepEqual([...actual.shape], want.shape, `${label} shape`);
  assert.equal(actual.data.length, want.values.length, `${label} element count`);
  for (let i = 0; i < want.values.length; i++) assert.equal(bitsOf(actual, i), want.values[i], `${label}[${i}]`);
}

function read(dir: string, name: string): TensorArchive {
  return readTensorArchive(new Uint8Array(fs.readFileSync(path.join(root, dir, name))), name);
}

for (const dir of fs.readdirSync(root).filter((d) => d.startsWith('torch-'))) {
  const expected = JSON.parse(fs.readFileSync(path.join(root, dir, 'expected.json'), 'utf8')) as Expected;
  describe(`tensor files written by torch ${expected.torch} (${dir})`, () => {
    for (const [name, want] of Object.entries(expected.files)) {
      if (!want.tensors) continue;
      it(`${name}: ${Object.keys(want.tensors).length} tensors read back bit for bit`, () => {
        const archive = read(dir, name);
        assert.deepEqual(archive.entries.map((e) => e.key).sort(), Object.keys(want.tensors!).sort());
        for (const [key, tensor] of Object.entries(want.tensors!)) {
          const entry = selectEntry(archive, key);
          assert.equal(entry.dtypeName, tensor.dtype, `${key} listed dtype`);
          assert.deepEqual([...entry.shape], tensor.shape, `${key} listed shape`);
          assertTensor(entry.load(), tensor, `${name}:${key}`);
        }
        if (want.metadata) assert.deepEqual(archive.metadata, want.metadata);
      });
    }

    it(`the .pt layout ${expected.byteorder_member ? 'has' : 'lacks'} a byteorder member, as this torch writes it`, () => {
      const bytes = fs.readFileSync(path.join(root, dir, 'single.pt')).toString('latin1');
      assert.equal(bytes.includes('/byteorder'), expected.byteorder_member);
    });

    it('nested.pt keeps its plain values for display and lists the nested keys', () => {
      const archive = read(dir, 'nested.pt');
      assert.equal(archive.values?.step, '7');
      assert.equal(archive.values?.name, "'run42'");
      assert.equal(archive.values?.flag, 'True');
      assert.equal(archive.values?.nothing, 'None');
      assert.equal(archive.values?.big, (2n ** 70n).toString());
      assert.ok(archive.entries.some((e) => e.key === 'list.1.z'));
    });

    it('views.pt: views of one storage, with offsets and strides, come out in C order', () => {
      const archive = read(dir, 'views.pt');
      const base = selectTensor(archive, 'base');
      const t = selectTensor(archive, 't');
      // base is 4×6 over arange(24): t[j][i] = base[i][j] = 6i + j.
      assert.deepEqual([...t.shape], [6, 4]);
      assert.equal(t.data[1 * 4 + 2], base.data[2 * 6 + 1]);
      const slice = selectTensor(archive, 'slice');
      assert.deepEqual(Array.from(slice.data.slice(0, 3)), [8, 9, 10]);
    });

    it('a single-tensor file needs no key; a file of several says which keys it has', () => {
      assert.deepEqual([...selectTensor(read(dir, 'single.pt'), undefined).shape], [3, 4]);
      assert.throws(
        () => selectTensor(read(dir, 'run.pt'), undefined),
        (e: LossLensError) =>
          e.diagnostic.code === 'io/key' &&
          /batch\.x \[8, 5\] float32/.test(e.message) &&
          /batch\.y \[8\] int64/.test(e.message),
      );
      assert.throws(
        () => selectTensor(read(dir, 'run.pt'), 'batch.z'),
        (e: LossLensError) =>
          e.diagnostic.code === 'io/key' && e.message.includes("no tensor 'batch.z'") && e.message.includes('batch.x'),
      );
    });

    it('complex.pt: the complex tensor is listed, and refused by dtype when read', () => {
      const archive = read(dir, 'complex.pt');
      const entry = selectEntry(archive, 'c');
      assert.equal(entry.dtypeName, 'complex64');
      assert.equal(entry.dtype, undefined);
      assert.throws(
        () => entry.load(),
        (e: LossLensError) =>
          e.diagnostic.code === 'io/dtype' &&
          e.message.includes('complex64') &&
          /tensor\.real/.test(e.diagnostic.hint ?? ''),
      );
    });

    it('legacy.pt (the pre-1.6 format) is refused with the way to convert it', () => {
      assert.throws(
        () => read(dir, 'legacy.pt'),
        (e: LossLensError) =>
          e.diagnostic.code === 'pt/legacy' && /torch\.save\(torch\.load\(path\), path\)/.test(e.diagnostic.hint ?? ''),
      );
    });
  });
}

describe('a big-endian .pt (byteorder: big, made from a little-endian save and read back equal by torch.load)', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(root, 'byteorder', 'expected.json'), 'utf8')) as Expected;
  it('big.pt: every tensor, views and half types included, reads back bit for bit', () => {
    const archive = read('byteorder', 'big.pt');
    for (const [key, tensor] of Object.entries(expected.files['big.pt']!.tensors!)) {
      assertTensor(selectTensor(archive, key), tensor, `big.pt:${key}`);
    }
  });
});

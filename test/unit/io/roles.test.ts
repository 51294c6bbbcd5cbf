/** The input/target proposal for the tensors of a file (src/core/io/roles.ts). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorEntry } from '../../../src/core/io/archive';
import { readTensorArchive } from '../../../src/core/io/index';
import { proposeRoles } from '../../../src/core/io/roles';
import type { DType } from '../../../src/core/tensor';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'io', 'torch-2.14');

function entry(
  key: string,
  shape: number[],
  dtype: DType | undefined,
  dtypeName: string = dtype ?? 'complex64',
): TensorEntry {
  return {
    key,
    shape,
    dtype,
    dtypeName,
    load: () => {
      throw new Error('not loaded by a proposal');
    },
  };
}

describe('proposeRoles', () => {
  it('pairs [N, C] float logits with [N] integer labels, whatever their names', () => {
    const p = proposeRoles([entry('b', [8], 'int64'), entry('a', [8, 5], 'float32'), entry('c', [3], 'float32')]);
    assert.deepEqual(p, { input: 'a', target: 'b', reason: 'class-indices' });
  });

  it('pairs [N, C, d1] with [N, d1] (segmentation, sequences)', () => {
    const p = proposeRoles([entry('mask', [2, 7], 'int64'), entry('out', [2, 4, 7], 'float16')]);
    assert.deepEqual(p, { input: 'out', target: 'mask', reason: 'class-indices' });
  });

  it('pairs floats of one shape, the names deciding which is which', () => {
    const p = proposeRoles([entry('target', [4, 3], 'float32'), entry('pred', [4, 3], 'float32')]);
    assert.deepEqual(p, { input: 'pred', target: 'target', reason: 'same-shape' });
  });

  it('skips tensors it cannot compute with, and empty ones', () => {
    const p = proposeRoles([entry('c', [8, 5], undefined), entry('e', [0, 5], 'float32'), entry('y', [8], 'int64')]);
    assert.deepEqual(p, {});
  });

  it('proposes batch.x / batch.y in run.pt, logits / target in batch.safetensors', () => {
    const read = (f: string) => readTensorArchive(new Uint8Array(fs.readFileSync(path.join(dir, f))), f).entries;
    assert.deepEqual(proposeRoles(read('run.pt')), { input: 'batch.x', target: 'batch.y', reason: 'class-indices' });
    assert.deepEqual(proposeRoles(read('batch.safetensors')), {
      input: 'logits',
      target: 'target',
      reason: 'class-indices',
    });
    assert.deepEqual(proposeRoles(read('stored.npz')), { input: 'x', target: 'y', reason: 'class-indices' });
    assert.deepEqual(proposeRoles(read('pair.pt')), { input: '0', target: '1', reason: 'class-indices' });
  });
});

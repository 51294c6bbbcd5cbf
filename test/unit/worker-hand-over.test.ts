/**
 * The input tensors a loss worker hands the host (src/worker/handOver.ts): views of their buffers where a copy would
 * cost memory and the buffer holds nothing else worth keeping, copies of their own size otherwise; values unchanged.
 */
import * as assert from 'node:assert/strict';
import { handOverInputs, JSON_VIEW_MIN_BYTES } from '../../src/worker/handOver';
import type { Tensor } from '../../src/core/tensor';

function view(buffer: ArrayBuffer, byteOffset: number, length: number): Tensor {
  const data = new Float32Array(buffer, byteOffset, length);
  data.forEach((_, i) => (data[i] = i % 7));
  return { dtype: 'float32', shape: [length], data };
}

/** Whether the handed tensor shares the original's memory (a view) rather than owning a copy. */
function sameMemory(a: Tensor, b: Tensor): boolean {
  return a.data.buffer === b.data.buffer && a.data.byteOffset === b.data.byteOffset;
}

describe('worker hand-over of input tensors', () => {
  it('keeps a .npy-like view (header before the data) and copies one in a file mostly made of other bytes', () => {
    const npy = view(new ArrayBuffer(128 + 4 * 1000), 128, 1000);
    const inLargeFile = view(new ArrayBuffer(4 * 100000), 4 * 5000, 1000);
    for (const kind of ['npy', 'tensorFiles', 'json'] as const) {
      const out = handOverInputs({ input: npy, target: inLargeFile }, kind);
      assert.ok(sameMemory(out.input!, npy), kind);
      assert.ok(!sameMemory(out.target!, inLargeFile), kind);
      assert.equal(out.target!.data.buffer.byteLength, 4000, `${kind}: a buffer of its own size`);
      assert.deepEqual(Array.from(out.target!.data), Array.from(inLargeFile.data));
      assert.deepEqual(out.target!.shape, inLargeFile.shape);
    }
  });

  it('keeps one buffer that input and target fill together (a .pt file of both)', () => {
    const file = new ArrayBuffer(4 * 2100);
    const input = view(file, 0, 2000);
    const target = view(file, 4 * 2000, 90);
    const out = handOverInputs({ input, target }, 'tensorFiles');
    assert.ok(sameMemory(out.input!, input));
    assert.ok(sameMemory(out.target!, target));
  });

  it("keeps a large JSON tensor in the reader's larger buffer, copies a small one and any outside JSON", () => {
    const large = JSON_VIEW_MIN_BYTES / 4;
    const reader = view(new ArrayBuffer(4 * 4 * large), 0, large);
    const small = view(new ArrayBuffer(4 * 4096), 0, 100);
    const json = handOverInputs({ input: reader, target: small }, 'json');
    assert.ok(sameMemory(json.input!, reader));
    assert.ok(!sameMemory(json.target!, small));
    assert.deepEqual(Array.from(json.target!.data), Array.from(small.data));
    assert.ok(sameMemory(handOverInputs({ input: reader }, 'jsonBytes').input!, reader));
    assert.ok(!sameMemory(handOverInputs({ input: reader }, 'tensorFiles').input!, reader));
    const justBelow = view(new ArrayBuffer(4 * 4 * large), 0, large - 1);
    assert.ok(!sameMemory(handOverInputs({ input: justBelow }, 'json').input!, justBelow));
    // A buffer more than 8 times the tensor (a large tensor early in a much larger file): copied.
    const early = view(new ArrayBuffer(4 * 8 * large + 4), 0, large);
    assert.ok(!sameMemory(handOverInputs({ input: early }, 'json').input!, early));
  });
});

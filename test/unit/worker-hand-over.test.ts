/**
 * The input tensors a loss worker hands the host (src/worker/handOver.ts): views of their buffers where a copy would
 * cost memory and the host would not be charged for more than the tensor, copies of their own size otherwise; values
 * unchanged. And the JSON reader's `shared` option, which the worker reads with.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { handOverInputs } from '../../src/worker/handOver';
import type { WorkerJob, WorkerMessage } from '../../src/worker/messages';
import { readTensorFileFrom } from '../../src/core/stream/reader';
import type { Tensor } from '../../src/core/tensor';

function view(buffer: ArrayBufferLike, byteOffset: number, length: number): Tensor {
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
    const out = handOverInputs({ input: npy, target: inLargeFile });
    assert.ok(sameMemory(out.input!, npy));
    assert.ok(!sameMemory(out.target!, inLargeFile));
    assert.equal(out.target!.data.buffer.byteLength, 4000, 'a buffer of its own size');
    assert.deepEqual(Array.from(out.target!.data), Array.from(inLargeFile.data));
    assert.deepEqual(out.target!.shape, inLargeFile.shape);
  });

  it('keeps one buffer that input and target fill together (a .pt file of both)', () => {
    const file = new ArrayBuffer(4 * 2100);
    const input = view(file, 0, 2000);
    const target = view(file, 4 * 2000, 90);
    const out = handOverInputs({ input, target });
    assert.ok(sameMemory(out.input!, input));
    assert.ok(sameMemory(out.target!, target));
  });

  it("shares a JSON reader's SharedArrayBuffer up to 8 times the tensor's size, and copies an ArrayBuffer that large", () => {
    const shared = view(new SharedArrayBuffer(4 * 8 * 1000), 0, 1000);
    const out = handOverInputs({ input: shared });
    assert.ok(sameMemory(out.input!, shared));
    const spread = view(new SharedArrayBuffer(4 * 8 * 1000 + 4), 0, 1000);
    const copied = handOverInputs({ input: spread }).input!;
    assert.ok(!sameMemory(copied, spread));
    assert.ok(copied.data.buffer instanceof ArrayBuffer, 'a copy in an ArrayBuffer of its own size');
    assert.equal(copied.data.buffer.byteLength, 4000);
    assert.deepEqual(Array.from(copied.data), Array.from(spread.data));
    // The same capacity in an ArrayBuffer would be moved to the host and counted there in full: copied.
    const plain = view(new ArrayBuffer(4 * 4 * 1000), 0, 1000);
    assert.ok(!sameMemory(handOverInputs({ input: plain }).input!, plain));
  });
});

describe('JSON reader, shared option', () => {
  const text = '{"loss": "cross_entropy", "input": [[0.5, 1.5, -2.0], [3.0, 0.25, 1.0]], "target": [2, 0]}';
  const read = (shared: boolean): Record<string, Tensor> => {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    return readTensorFileFrom(
      (into) => {
        const n = Math.min(into.length, bytes.length - offset);
        into.set(bytes.subarray(offset, offset + n));
        offset += n;
        return n;
      },
      { sizeHint: bytes.length, shared },
    ).inputs as Record<string, Tensor>;
  };

  it('collects the tensors in SharedArrayBuffers with the same values, dtypes and shapes', () => {
    const plain = read(false);
    const shared = read(true);
    for (const name of ['input', 'target']) {
      assert.ok(plain[name]!.data.buffer instanceof ArrayBuffer, `${name}: ArrayBuffer by default`);
      assert.ok(shared[name]!.data.buffer instanceof SharedArrayBuffer, `${name}: shared`);
      assert.equal(shared[name]!.dtype, plain[name]!.dtype);
      assert.deepEqual(shared[name]!.shape, plain[name]!.shape);
      assert.deepEqual(Array.from(shared[name]!.data), Array.from(plain[name]!.data));
    }
  });
});

describe('loss worker (src/worker/lossWorker.ts in a worker thread)', () => {
  it("hands a JSON file's input back in the reader's shared buffer (no copy), the target within 8× of its size, values as read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-handover-'));
    try {
      // 64,000 logits: the hand-over rule does not depend on size, so a small file shows it.
      const rows = Array.from({ length: 64 }, (_, r) =>
        Array.from({ length: 1000 }, (_, c) => ((r * 7 + c * 13) % 97) / 9.5 - 5),
      );
      const target = rows.map((_, r) => r % 1000);
      const file = path.join(dir, 'batch.json');
      fs.writeFileSync(
        file,
        `{"loss": "cross_entropy", "input": ${JSON.stringify(rows.map((row) => row.map((v) => v.toFixed(6)))).replace(
          /"/g,
          '',
        )}, "target": ${JSON.stringify(target)}}`,
      );
      const worker = new Worker(path.join(__dirname, '../../src/worker/lossWorker.ts'), {
        execArgv: ['--require', 'tsx/cjs'],
      });
      const answer = await new Promise<WorkerMessage>((resolve, reject) => {
        worker.on('message', (m: WorkerMessage) => {
          if (m.type !== 'progress') resolve(m);
        });
        worker.once('error', reject);
        const job: WorkerJob = { source: { kind: 'json', path: file }, returnInputs: true };
        worker.postMessage(job);
      });
      await worker.terminate();
      assert.equal(answer.type, 'done', JSON.stringify(answer));
      if (answer.type !== 'done') return;
      const input = answer.inputs!.input!;
      assert.ok(input.data.buffer instanceof SharedArrayBuffer, 'the input in the reader’s shared buffer');
      assert.ok(input.data.buffer.byteLength > input.data.byteLength, 'the reader’s capacity, not a copy');
      assert.deepEqual(input.shape, [64, 1000]);
      assert.deepEqual(
        Array.from(input.data.subarray(0, 5)),
        rows[0]!.slice(0, 5).map((v) => Math.fround(Number(v.toFixed(6)))),
      );
      const handed = answer.inputs!.target!;
      assert.deepEqual(Array.from(handed.data), target);
      assert.ok(handed.data.byteLength * 8 >= handed.data.buffer.byteLength, 'small tensors within 8× or copied');
      assert.ok(Number.isFinite(answer.results[0]!.output.data[0]!));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

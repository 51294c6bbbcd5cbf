/**
 * Computing an unchanged JSON file again does not hand the extension host a second copy of its tensors: the worker
 * stamps what it read (src/worker/job.ts), leaves the inputs out when the host holds them at that stamp, and the host
 * shows the ones it holds (src/worker/heldInputs.ts). A changed file, or one that names another file, is sent again.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ReadBufferPool } from '../../src/core/io/bufferPool';
import type { LossInputs } from '../../src/core/losses/types';
import { tensorFrom } from '../../src/core/tensor';
import { HeldInputs } from '../../src/worker/heldInputs';
import { computeJob, KeptJsonFile, settleJob } from '../../src/worker/job';
import type { WorkerJob, WorkerMessage } from '../../src/worker/messages';
import { writeNpy } from './npy-write';

type Done = Extract<WorkerMessage, { type: 'done' }>;

function run(job: WorkerJob, kept?: KeptJsonFile): Done {
  const pool = new ReadBufferPool();
  const lease = pool.lease();
  const outcome = computeJob(job, lease, undefined, undefined, kept);
  settleJob(pool, lease, outcome);
  assert.equal(outcome.message.type, 'done', outcome.message.type === 'failed' ? outcome.message.message : '');
  return outcome.message as Done;
}

function logitsJson(scale: number): string {
  const input = Array.from({ length: 6 }, (_, r) => Array.from({ length: 5 }, (_, c) => ((r * 5 + c) % 7) * scale));
  return JSON.stringify({ loss: 'cross_entropy', input, target: [0, 1, 2, 3, 4, 0] });
}

describe('worker: the inputs the host already holds', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-held-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stamps a JSON file it read and leaves the inputs out when the host holds them at that stamp', () => {
    const file = path.join(dir, 'same.json');
    fs.writeFileSync(file, logitsJson(0.5));
    const job: WorkerJob = { source: { kind: 'json', path: file }, returnInputs: true };
    const first = run(job);
    assert.ok(first.stamp, 'a file read from disk is stamped');
    assert.ok(first.inputs?.input, 'the first computation hands over its inputs');
    const again = run({ ...job, heldStamp: first.stamp });
    assert.equal(again.stamp, first.stamp);
    assert.equal(again.inputs, undefined, 'no second copy of the same tensors');
    assert.equal(again.results[0]!.value, first.results[0]!.value);
  });

  it('sends the inputs again when the file changed since the held ones were read', () => {
    const file = path.join(dir, 'changed.json');
    fs.writeFileSync(file, logitsJson(0.5));
    const job: WorkerJob = { source: { kind: 'json', path: file }, returnInputs: true };
    const first = run(job);
    // Same size, other numbers, a later modification time.
    fs.writeFileSync(file, logitsJson(0.7));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const again = run({ ...job, heldStamp: first.stamp });
    assert.notEqual(again.stamp, first.stamp);
    assert.ok(again.inputs?.input, 'the changed tensors are handed over');
    assert.notDeepEqual(Array.from(again.inputs.input.data), Array.from(first.inputs!.input!.data));
  });

  it('does not stamp a JSON file that names another file (which could change on its own)', () => {
    const npy = path.join(dir, 'logits.npy');
    writeNpy(
      npy,
      '<f4',
      [6, 5],
      Array.from({ length: 30 }, (_, i) => i / 10),
    );
    const file = path.join(dir, 'names.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ loss: 'cross_entropy', input: { npy: 'logits.npy' }, target: [0, 1, 2, 3, 4, 0] }),
    );
    const answer = run({ source: { kind: 'json', path: file }, returnInputs: true });
    assert.equal(answer.stamp, undefined);
    assert.ok(answer.inputs?.input);
  });

  it('computes an unchanged file again from the tensors it kept, and reads a changed one', () => {
    const file = path.join(dir, 'kept.json');
    fs.writeFileSync(file, logitsJson(0.5));
    const kept = new KeptJsonFile();
    const job: WorkerJob = { source: { kind: 'json', path: file }, loss: 'cross_entropy', returnInputs: true };
    const first = run(job, kept);
    assert.equal(first.fromKept, undefined, 'the first job reads');
    const again = run({ ...job, heldStamp: first.stamp }, kept);
    assert.equal(again.fromKept, true);
    assert.equal(again.stamp, first.stamp);
    assert.equal(again.results[0]!.value, first.results[0]!.value);
    assert.deepEqual(again.summaries, first.summaries);
    // A what-if change computes from them too.
    const whatIf = run({ ...job, options: { reduction: 'sum' }, returnInputs: false }, kept);
    assert.equal(whatIf.fromKept, true);
    assert.equal(
      whatIf.results[0]!.value,
      run({ ...job, options: { reduction: 'sum' }, returnInputs: false }).results[0]!.value,
    );
    fs.writeFileSync(file, logitsJson(0.7));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    const changed = run(job, kept);
    assert.equal(changed.fromKept, undefined, 'a changed file is read again');
    assert.notEqual(changed.results[0]!.value, first.results[0]!.value);
    assert.equal(changed.results[0]!.value, run(job).results[0]!.value);
  });

  it('refuses a kept file that a lower size limit no longer allows, with the usual message', () => {
    const file = path.join(dir, 'limit.json');
    fs.writeFileSync(file, logitsJson(0.5));
    const kept = new KeptJsonFile();
    const job: WorkerJob = { source: { kind: 'json', path: file }, returnInputs: false };
    assert.ok(run(job, kept).stamp);
    const pool = new ReadBufferPool();
    const outcome = computeJob({ ...job, limits: { maxBytes: 10 } }, pool.lease(), undefined, undefined, kept);
    assert.equal(outcome.message.type, 'failed');
  });

  it('does not stamp bytes the host sent (nothing to compare them with)', () => {
    const bytes = new TextEncoder().encode(logitsJson(0.5));
    const answer = run({ source: { kind: 'jsonBytes', path: path.join(dir, 'x.json'), bytes }, returnInputs: true });
    assert.equal(answer.stamp, undefined);
    assert.ok(answer.inputs?.input);
  });
});

describe('HeldInputs (host side)', () => {
  const inputs: LossInputs = { input: tensorFrom([1, 2, 3, 4], [2, 2], 'float32') };
  const other: LossInputs = { input: tensorFrom([5, 6, 7, 8], [2, 2], 'float32') };

  it('remembers the inputs an answer handed over with a stamp and shows them for an answer that left them out', () => {
    const held = new HeldInputs();
    assert.equal(held.get('/a.json'), undefined);
    assert.equal(held.settle('/a.json', undefined, { inputs, stamp: 's1' }), inputs);
    const kept = held.get('/a.json');
    assert.equal(kept?.stamp, 's1');
    assert.equal(kept?.inputs, inputs);
    assert.equal(held.get('/b.json'), undefined, 'by file');
    assert.equal(held.settle('/a.json', kept, { stamp: 's1' }), inputs, 'the same tensors, not a copy');
  });

  it('shows nothing held for an answer of another stamp, and replaces the held inputs with newer ones', () => {
    const held = new HeldInputs();
    held.remember('/a.json', 's1', inputs);
    const kept = held.get('/a.json');
    assert.equal(held.settle('/a.json', kept, { stamp: 's2' }), undefined);
    assert.equal(held.settle('/a.json', kept, { inputs: other, stamp: 's2' }), other);
    assert.equal(held.get('/a.json')?.inputs, other);
    // Unstamped inputs are shown but not remembered.
    const fresh = new HeldInputs();
    assert.equal(fresh.settle('/c.json', undefined, { inputs }), inputs);
    assert.equal(fresh.get('/c.json'), undefined);
  });
});

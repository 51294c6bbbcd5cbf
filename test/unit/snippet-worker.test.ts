/**
 * The snippet worker and its host-side client: the user's Python runs in the worker (the calling thread's evaluator
 * counts do not move), the budget answers the freezing line with a diagnostic at its line, and a newer job with the
 * same key supersedes an older one (dropped when queued; when running, the worker is asked to stop it and stays, or is
 * terminated when it does not stop in time).
 */
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { emptyEntries, evaluatorEntries } from '../../src/core/entries';
import {
  SNIPPET_WORKER_RESOURCE_LIMITS,
  SnippetWorkerClient,
  type SnippetWorkerLike,
} from '../../src/worker/snippetClient';
import { checkSnippet } from '../../src/core/snippet/index';
import { checkAsJson } from '../../src/worker/answerJson';
import type { SnippetJob, SnippetReply } from '../../src/worker/snippetMessages';
import { WorkerStopped } from '../../src/worker/stopped';

const FREEZING =
  'import torch\nx = torch.tensor([[0.0]*10000]*10000)\nimport torch.nn.functional as F\nloss = F.mse_loss(x, x)\n';

/** A worker thread on the TypeScript source (tsx), as the bundle runs in the extension. */
function realWorker(): SnippetWorkerLike {
  return new Worker(path.join(__dirname, '..', '..', 'src', 'worker', 'snippetWorker.ts'), {
    execArgv: ['--require', 'tsx/cjs'],
    resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS,
  }) as unknown as SnippetWorkerLike;
}

/** A worker that answers only when the test says so. */
class FakeWorker extends EventEmitter implements SnippetWorkerLike {
  readonly jobs: SnippetJob[] = [];
  terminated = false;
  postMessage(job: SnippetJob): void {
    this.jobs.push(job);
  }
  answer(job: SnippetJob, answer: unknown): void {
    this.emit('message', { type: 'done', id: job.id, answer, entries: emptyEntries() } as SnippetReply);
  }
  /** What the worker's interpreter does when it polls: stops the job if the host asked, as the real worker replies. */
  poll(job: SnippetJob): boolean {
    if (!job.cancel || Atomics.load(job.cancel, 0) !== job.id) return false;
    this.emit('message', { type: 'cancelled', id: job.id, entries: emptyEntries() } as SnippetReply);
    return true;
  }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }
}

describe('snippet worker (real thread)', function () {
  this.timeout(60_000);
  let client: SnippetWorkerClient;
  beforeEach(() => {
    client = new SnippetWorkerClient(realWorker);
  });
  afterEach(() => client.dispose());

  it('checks the freezing line in the worker: a budget diagnostic at line 2, no evaluator entered on this thread', async () => {
    const before = { ...evaluatorEntries };
    const check = await client.run('check:a', { kind: 'check', text: FREEZING });
    assert.ok(check);
    const budget = check.diagnostics.find((d) => d.code.startsWith('budget/'));
    assert.ok(budget, JSON.stringify(check.diagnostics.map((d) => d.code)));
    assert.equal(budget.line, 2);
    assert.deepEqual({ ...evaluatorEntries }, before, 'the calling thread entered an evaluator');
    assert.equal(client.stats().workerEntries.check, 1);
  });

  it("a file check's answer crosses as JSON and arrives equal to the checker's own answer", async () => {
    const replies: SnippetReply[] = [];
    const seen = new SnippetWorkerClient(() => {
      const w = realWorker();
      w.on('message', (r: SnippetReply) => replies.push(r));
      return w;
    });
    try {
      const text = [
        'import torch',
        'import torch.nn.functional as F',
        'x = torch.tensor([[0.2, 1.5, -0.3], [1.1, -0.4, 0.8]])',
        'y = torch.tensor([1, 0])',
        "ce = F.cross_entropy(x, y, reduction='sum')",
        'bad = F.cross_entropy(x, y.unsqueeze(1))',
        'mse = F.mse_loss(torch.randn(8, 1), torch.randn(8))',
      ].join('\n');
      const check = await seen.run('check:json', { kind: 'check', text });
      assert.ok(check && check.diagnostics.length >= 2, JSON.stringify(check));
      assert.deepStrictEqual(check, checkSnippet(text));
      assert.equal(replies.length, 1);
      assert.ok('json' in replies[0]!, 'the check was answered as a structured clone');
    } finally {
      seen.dispose();
    }
  });

  it('follows imports of the modules the host sends, parsing each unchanged module once across checks', async () => {
    // test/fixtures/imports/packages/bug: the mistake PyTorch raises in nets/heads.py (scripts/fixtures/gen_imports.py).
    const project = path.join(__dirname, '..', 'fixtures', 'imports', 'packages', 'bug');
    const file = path.join(project, 'train.py');
    const names = ['config.py', 'nets/__init__.py', 'nets/encoder.py', 'nets/layers.py', 'nets/heads.py'];
    const modules = names.map((n) => ({
      path: path.join(project, n),
      text: fs.readFileSync(path.join(project, n), 'utf8'),
    }));
    const text = fs.readFileSync(file, 'utf8');
    const imports = { file, roots: [project], modules };
    const first = await client.run('check:imports', { kind: 'check', text, imports });
    const error = first!.diagnostics.find((d) => d.severity === 'error');
    assert.equal(error?.line, 14);
    assert.equal(error?.raisedAt?.file, path.join(project, 'nets', 'heads.py'));
    assert.equal(client.stats().workerEntries.moduleParse, 5);
    // The file edited, its imports unchanged: none parsed again. One module edited: that one only.
    await client.run('check:imports', { kind: 'check', text: `${text}\n# edited\n`, imports });
    assert.equal(client.stats().workerEntries.moduleParse, 5);
    const edited = modules.map((m) => (m.path.endsWith('heads.py') ? { ...m, text: `${m.text}\n# edited\n` } : m));
    await client.run('check:imports', { kind: 'check', text, imports: { ...imports, modules: edited } });
    assert.equal(client.stats().workerEntries.moduleParse, 6);
  });

  it('evaluates a selection and reads tensors in the worker; answers arrive as plain data', async () => {
    const text =
      'import torch\nimport torch.nn.functional as F\nx = torch.tensor([[2.0, 0.5], [0.1, 1.0]])\ny = torch.tensor([0, 1])\nF.cross_entropy(x, y)\n';
    const evaluation = await client.run('evaluate:b', { kind: 'evaluate', text, options: {} });
    assert.equal(evaluation?.calls.length, 1);
    assert.equal(evaluation!.calls[0]!.fn, 'cross_entropy');
    assert.equal(typeof evaluation!.calls[0]!.result?.value, 'number');
    const read = await client.run('read:b', { kind: 'readTensors', text: '[[1.0, 2.0], [3.0, 4.0]]' });
    assert.ok(read && !('error' in read));
    assert.deepEqual([...read[0]!.tensor.shape], [2, 2]);
    const refused = await client.run('read:b', { kind: 'readTensors', text: '[[1.0, 2.0], [3.0]]' });
    assert.ok(refused && 'error' in refused, "a ragged list is the reader's positioned refusal");
    assert.deepEqual(client.stats().workerEntries, { evaluate: 1, check: 0, read: 2, archive: 0, moduleParse: 0 });
  });

  it('lists a .pt file without its data, then loads the tensors asked for, in the worker (refusing a hostile pickle)', async () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'io');
    const expected = (
      JSON.parse(fs.readFileSync(path.join(dir, 'torch-2.14', 'expected.json'), 'utf8')) as {
        files: { 'run.pt': { tensors: Record<string, { shape: number[]; dtype: string }> } };
      }
    ).files['run.pt'].tensors;
    const file = path.join(dir, 'torch-2.14', 'run.pt');
    const maxBytes = 1 << 26;
    const before = evaluatorEntries.archive;
    const listed = await client.run('file:c', { kind: 'listArchive', path: file, maxBytes });
    assert.ok(listed && !('error' in listed));
    for (const e of listed.entries) {
      assert.equal('load' in e, false);
      assert.deepEqual([...e.shape], expected[e.key]!.shape, e.key);
    }
    const keys = listed.entries.filter((e) => e.dtype !== undefined).map((e) => e.key);
    const loaded = await client.run('file:c', { kind: 'loadArchive', path: file, maxBytes, keys });
    assert.ok(loaded && !('error' in loaded));
    loaded.tensors.forEach((t, i) =>
      assert.equal(
        t.data.length,
        expected[keys[i]!]!.shape.reduce((a, b) => a * b, 1),
      ),
    );
    const hostile = await client.run('file:c', {
      kind: 'listArchive',
      path: path.join(dir, 'hostile', 'evil-os-system.pt'),
      maxBytes,
    });
    assert.ok(hostile && 'error' in hostile, 'the hostile pickle is refused');
    assert.equal(evaluatorEntries.archive, before, 'this thread parsed no archive');
  });

  it('a newer job for the same document stops the running one; the same worker answers it', async () => {
    // A program that runs until its step budget, in value mode and in shape mode (which runs a `while` body only
    // once, but a generator to its end): long enough to be superseded while it runs.
    const slow = 'total = sum(i * i for i in range(100_000_000))\n';
    // A grace long enough that only the worker's own stop can end the old job (a termination fails the test).
    const patient = new SnippetWorkerClient(realWorker, { graceMs: 60_000 });
    try {
      for (const kind of ['evaluate', 'check'] as const) {
        const job = (text: string) =>
          kind === 'evaluate' ? patient.run('c', { kind, text, options: {} }) : patient.run('c', { kind, text });
        const first = job(slow);
        await new Promise((r) => setTimeout(r, 50));
        const second = await job('x = 1\n');
        assert.equal(await first, undefined);
        assert.ok(second, kind);
      }
      const stats = patient.stats();
      assert.equal(stats.superseded, 2);
      assert.equal(stats.cancelled, 2, 'the worker stopped both runs itself');
      assert.equal(stats.terminated, 0);
      assert.equal(stats.failed, 0);
    } finally {
      patient.dispose();
    }
  });
});

describe("a file check's answer as JSON", () => {
  const diagnostic = (data: Record<string, string | number>) => ({
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    severity: 'warning' as const,
    code: 'warn/test',
    message: 'm',
    data,
  });
  it('goes as JSON when JSON gives back the same values, else not at all', () => {
    const plain = { diagnostics: [diagnostic({ n: 3, shape: '[2, 3]', x: 0.1 })], calls: [] };
    assert.deepStrictEqual(JSON.parse(checkAsJson(plain)!), plain);
    for (const odd of [NaN, Infinity, -Infinity, -0]) {
      assert.equal(
        checkAsJson({ diagnostics: [diagnostic({ n: 1 }), diagnostic({ value: odd })] }),
        undefined,
        String(odd),
      );
    }
  });
});

describe('snippet worker client (queue and supersession)', () => {
  it('runs one job at a time; a queued job of the same key is dropped, other keys wait their turn', async () => {
    const workers: FakeWorker[] = [];
    const client = new SnippetWorkerClient(() => {
      workers.push(new FakeWorker());
      return workers.at(-1)!;
    });
    const a1 = client.run('a', { kind: 'check', text: '1' });
    const b1 = client.run('b', { kind: 'check', text: '2' });
    const b2 = client.run('b', { kind: 'check', text: '3' });
    assert.equal(await b1, undefined);
    assert.equal(workers[0]!.jobs.length, 1, 'one job in flight');
    workers[0]!.answer(workers[0]!.jobs[0]!, { diagnostics: [] });
    assert.deepEqual(await a1, { diagnostics: [] });
    assert.equal(workers[0]!.jobs.length, 2);
    assert.equal((workers[0]!.jobs[1]!.request as { text: string }).text, '3');
    workers[0]!.answer(workers[0]!.jobs[1]!, { diagnostics: [1] });
    assert.deepEqual(await b2, { diagnostics: [1] });
    assert.equal(workers.length, 1);
    assert.equal(client.stats().superseded, 1);
  });

  it('a running job superseded: the worker is asked to stop it, and takes the new job once it has', async () => {
    const workers: FakeWorker[] = [];
    const client = new SnippetWorkerClient(
      () => {
        workers.push(new FakeWorker());
        return workers.at(-1)!;
      },
      { graceMs: 60_000 },
    );
    const old = client.run('doc', { kind: 'check', text: 'old' });
    const other = client.run('other', { kind: 'check', text: 'other' });
    const worker = workers[0]!;
    assert.equal(worker.poll(worker.jobs[0]!), false, 'not asked to stop yet');
    const fresh = client.run('doc', { kind: 'check', text: 'new' });
    assert.equal(await old, undefined);
    // Nothing else goes to the worker while it still runs the old job.
    assert.equal(worker.jobs.length, 1);
    assert.equal(worker.poll(worker.jobs[0]!), true, 'asked to stop the old job');
    assert.equal(worker.terminated, false);
    assert.equal(workers.length, 1);
    // The jobs then run in order on the same worker: the other document's first, then the new text.
    assert.equal((worker.jobs[1]!.request as { text: string }).text, 'other');
    assert.equal(worker.poll(worker.jobs[1]!), false, 'a later job is not stopped by the old request');
    worker.answer(worker.jobs[1]!, { diagnostics: ['other'] });
    assert.deepEqual(await other, { diagnostics: ['other'] });
    assert.equal((worker.jobs[2]!.request as { text: string }).text, 'new');
    worker.answer(worker.jobs[2]!, { diagnostics: ['fresh'] });
    assert.deepEqual(await fresh, { diagnostics: ['fresh'] });
    assert.deepEqual(
      [client.stats().superseded, client.stats().cancelled, client.stats().terminated, client.stats().failed],
      [1, 1, 0, 0],
    );
  });

  it('a running job that does not stop within the grace period: its worker is terminated, the new job goes to a fresh worker', async () => {
    const workers: FakeWorker[] = [];
    const client = new SnippetWorkerClient(
      () => {
        workers.push(new FakeWorker());
        return workers.at(-1)!;
      },
      { graceMs: 5 },
    );
    const old = client.run('doc', { kind: 'check', text: 'old' });
    const fresh = client.run('doc', { kind: 'check', text: 'new' });
    assert.equal(await old, undefined);
    assert.equal(workers.length, 1, 'the worker gets its grace period first');
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(workers[0]!.terminated);
    assert.equal(workers.length, 2);
    // A late answer of the terminated worker is ignored.
    workers[0]!.answer(workers[0]!.jobs[0]!, { diagnostics: ['stale'] });
    workers[1]!.answer(workers[1]!.jobs[0]!, { diagnostics: ['fresh'] });
    assert.deepEqual(await fresh, { diagnostics: ['fresh'] });
    assert.equal(client.stats().terminated, 1);
  });

  it('a worker that dies fails only its running job; the next job gets a new worker', async () => {
    const workers: FakeWorker[] = [];
    const client = new SnippetWorkerClient(() => {
      workers.push(new FakeWorker());
      return workers.at(-1)!;
    });
    const dying = client.run('a', { kind: 'check', text: 'big' });
    const next = client.run('b', { kind: 'check', text: 'small' });
    workers[0]!.emit('error', Object.assign(new Error('Worker terminated due to reaching memory limit'), {}));
    // A WorkerStopped, which the extension shows in the display language, with Node's reason kept.
    await assert.rejects(
      dying,
      (e: unknown) =>
        e instanceof WorkerStopped &&
        e.worker === 'snippet' &&
        e.exitCode === undefined &&
        /memory limit/.test(e.failure?.message ?? '') &&
        /memory limit/.test(e.message),
    );
    assert.equal(workers.length, 2);
    workers[1]!.answer(workers[1]!.jobs[0]!, { diagnostics: [] });
    assert.deepEqual(await next, { diagnostics: [] });
    assert.equal(client.stats().failed, 1);
  });
});

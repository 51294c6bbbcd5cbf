/**
 * A 140 MB tensor file through the real extension host: the JSON command reads, parses and computes it in the loss
 * worker while a 5 ms interval probe records how late the extension host's event loop runs. The value shown must be
 * the summary-mode value the core computes here (checked last, see below), and the breakdown must show the summary with
 * paged rows. Then the same file three more times on the kept worker: the same value, and the history's entries share
 * the tensors the host already held. The longest stall of each computation is printed, never asserted: it measures the machine as much as
 * the code (see README's Numbers).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { decodeNumber } from '../../src/core/report/report';
import { runTensorFile } from '../../src/core/run';
import { readTensorFileFast } from '../../src/core/stream/reader';
import type { Services } from '../../src/services';
import { activateExtension, stallMonitor } from './helpers';

const ROWS = 512;
const CLASSES = 32000;
/**
 * Writes logits [ROWS, CLASSES] with 4 decimals (~140 MB, as `json.dump` of a language model's output) and targets,
 * in a worker thread: writing 140 MB on the extension host's thread would block it for seconds before the test starts.
 */
function writeLogits(file: string): Promise<void> {
  const source = `
    const fs = require('node:fs');
    const { workerData } = require('node:worker_threads');
    let state = 2024;
    const next = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 4294967296; };
    const fd = fs.openSync(workerData.file, 'w');
    fs.writeSync(fd, '{"loss": "cross_entropy", "input": [');
    const row = new Array(workerData.classes);
    for (let r = 0; r < workerData.rows; r++) {
      for (let c = 0; c < workerData.classes; c++) row[c] = ((next() + next() + next() - 1.5) * 4).toFixed(4);
      fs.writeSync(fd, (r > 0 ? ',\\n' : '') + '[' + row.join(', ') + ']');
    }
    const targets = Array.from({ length: workerData.rows }, () => Math.floor(next() * workerData.classes));
    fs.writeSync(fd, '], "target": [' + targets.join(', ') + ']}\\n');
    fs.closeSync(fd);
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { file, rows: ROWS, classes: CLASSES } });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`generator exited with ${code}`))));
  });
}

describe('Large inputs (real extension host)', function () {
  this.timeout(120_000);
  let dir = '';
  let file = '';
  /** The value the first computation showed. */
  let shownValue = NaN;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-large-'));
    file = path.join(dir, 'logits-512x32000.json');
    await writeLogits(file);
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('computes a 140 MB JSON file in the worker while the extension host stays responsive', async function () {
    const extension = await activateExtension();
    const services = extension.exports as Services;
    const size = fs.statSync(file).size;
    assert.ok(size > 130e6, `the file is ${size} bytes`);

    const started = performance.now();
    const { longestStall, gc } = await whileProbing(() =>
      vscode.commands.executeCommand('lossLens.computeFromJsonFile', vscode.Uri.file(file)),
    );
    const seconds = (performance.now() - started) / 1000;

    const view = services.views.session.view();
    assert.ok(view.report, `no report shown${view.error ? `: ${view.error.message}` : ''}`);
    const report = view.report.model.report;
    shownValue = decodeNumber(report.value!);

    // The breakdown shows the summary, and pages rows on request (sorted by loss here).
    assert.equal(services.views.panel.isOpen, true);
    assert.equal(report.sampleCount, ROWS);
    assert.ok(report.large, 'the report has its summary section');
    assert.equal(report.large.worst.length, 20);
    assert.equal(
      report.large.histogram.counts.reduce((a, b) => a + b, 0),
      ROWS,
    );
    assert.ok(report.large.confusion);
    assert.ok(report.large.classAggregates && report.large.classAggregates.rows.length > 0);
    assert.equal(view.report.firstPage.rows.length, 100);
    const page = services.views.session.rows(report.id, 7, 0, 50, { key: 'loss', descending: true });
    assert.ok(page);
    assert.equal(page.rows[0]!.index, report.large.worst[0]!.index);

    const measured = `longest extension-host event-loop stall ${longestStall.toFixed(1)} ms during ${seconds.toFixed(2)} s for ${(size / 1e6).toFixed(1)} MB (${gc})`;
    console.log(`      ${measured}`);
    if (this.test) this.test.title += ` (${measured})`;
  });

  it('computes it three more times on the kept worker: the same value, and the same tensors held once', async function () {
    const extension = await activateExtension();
    const services = extension.exports as Services;
    const session = services.views.session;
    const compute = async (): Promise<{ value: number; reportId: string }> => {
      await vscode.commands.executeCommand('lossLens.computeFromJsonFile', vscode.Uri.file(file));
      const report = session.view().report;
      assert.ok(report, 'a report is shown');
      return { value: decodeNumber(report.model.report.value!), reportId: report.model.report.id };
    };
    const before = services.lossWorker.stats();
    const runs: { value: number; reportId: string }[] = [];
    const measured: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const { value: run, longestStall, gc } = await whileProbing(compute);
      const seconds = (performance.now() - started) / 1000;
      runs.push(run);
      measured.push(`computation ${i + 2}: ${longestStall.toFixed(1)} ms during ${seconds.toFixed(2)} s (${gc})`);
    }
    const after = services.lossWorker.stats();
    assert.equal(runs[1]!.value, runs[0]!.value);
    assert.equal(runs[2]!.value, runs[0]!.value);
    assert.equal(after.spawned, before.spawned, 'no new worker thread');
    assert.equal(after.reused, before.reused + 3, 'the kept worker ran the jobs');
    // The file did not change: each history entry shows the tensors the host already held, not a copy of its own.
    const logitsOf = (reportId: string): unknown => session.sampleLocation(reportId, 0)?.request.inputs.input;
    assert.ok(logitsOf(runs[0]!.reportId));
    assert.equal(logitsOf(runs[1]!.reportId), logitsOf(runs[0]!.reportId));
    assert.equal(logitsOf(runs[2]!.reportId), logitsOf(runs[0]!.reportId));
    // An earlier entry still pages its rows from them.
    const page = session.rows(runs[0]!.reportId, 9, 0, 20, { key: 'loss', descending: true });
    assert.equal(page?.rows.length, 20);
    assert.equal(runs[0]!.value, shownValue);
    const line = `longest extension-host event-loop stall per computation: ${measured.join('; ')}`;
    console.log(`      ${line}`);
    if (this.test) this.test.title += ` (${line})`;
  });

  // Last: reading the 140 MB file here grows the extension host by as much, which would slow what the tests above
  // measure (every child process spawned from the host forks all of its memory).
  it('showed the value the core computes in summary mode from the same bytes', () => {
    const core = runTensorFile(readTensorFileFast(fs.readFileSync(file)), {}, { detail: 'summary' }).results[0];
    assert.ok(core);
    assert.equal(shownValue, core.output.data[0]);
  });
});

/**
 * Runs `work` while probing the extension host's event loop every 5 ms (see {@link stallMonitor}), and counts the
 * host's garbage collections meanwhile (printed beside the stall: a long one would be a cause).
 */
async function whileProbing<T>(
  work: () => Thenable<T> | Promise<T>,
): Promise<{ value: T; longestStall: number; gc: string }> {
  const pauses: { major: boolean; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      pauses.push({ major: kind === constants.NODE_PERFORMANCE_GC_MAJOR, ms: entry.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const monitor = stallMonitor(5);
  try {
    const value = await work();
    const longestStall = monitor.stop();
    // GC entries are delivered asynchronously: let the last ones arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const longest = Math.max(0, ...pauses.map((p) => p.ms));
    const majors = pauses.filter((p) => p.major).length;
    const gc = `${pauses.length} GC pauses on the host, ${majors} major, longest ${longest.toFixed(1)} ms`;
    return { value, longestStall, gc };
  } finally {
    // Stopping twice is harmless; a failing `work` must not leave the interval running.
    monitor.stop();
    observer.disconnect();
  }
}

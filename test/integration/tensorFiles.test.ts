/**
 * "Loss Lens: Compute Loss from Tensor File" in the real extension host, on the batch torch.save wrote
 * (test/fixtures/io/torch-2.14/run.pt, scripts/fixtures/gen_io.py): the proposed input and target are accepted as
 * offered, and the breakdown shows the cross-entropy PyTorch computed for them. A malicious pickle is refused
 * without a trace.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { activateExtension } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a command, accepting the selected (first) item of every QuickPick it opens. */
async function runAccepting(command: string, ...args: unknown[]): Promise<void> {
  let settled = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (settled = true));
  for (let i = 0; i < 100 && !settled; i++) {
    await sleep(150);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  await run;
}

/** The test-only probe (src/testProbe.ts): evaluator entries on the host's thread and in the snippet worker. */
interface Probe {
  readonly host: { archive: number };
  readonly worker: { workerEntries: { archive: number } };
}
const probe = async (): Promise<Probe> =>
  (await vscode.commands.executeCommand<Probe>('lossLens.internal.evaluatorProbe'))!;

describe('Compute Loss from Tensor File (real extension host)', () => {
  it("lists run.pt, proposes batch.x and batch.y, and shows PyTorch's cross-entropy", async () => {
    const extension = await activateExtension();
    const s = extension.exports as Services;
    const dir = path.join(extension.extensionPath, 'test', 'fixtures', 'io', 'torch-2.14');
    const expected = (
      JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
        files: { 'run.pt': { cross_entropy: number } };
      }
    ).files['run.pt'].cross_entropy;
    const before = await probe();
    await runAccepting('lossLens.computeFromTensorFile', vscode.Uri.file(path.join(dir, 'run.pt')));
    const after = await probe();
    // The zip and the pickle were parsed in the snippet worker (listed, then loaded), never on the host's thread.
    assert.equal(after.host.archive, before.host.archive, 'the extension host parsed the archive');
    assert.ok(after.worker.workerEntries.archive >= 2, `worker archive reads: ${after.worker.workerEntries.archive}`);
    const view = s.views.session.view();
    assert.ok(view.report, `no report shown${view.error ? `: ${view.error.message}` : ''}`);
    const report = view.report.model.report;
    assert.equal(report.fn, 'cross_entropy');
    assert.ok(Math.abs(Number(report.value) - expected) < 1e-6, `${report.value} vs torch ${expected}`);
  });

  it('refuses a pickle that asks for os.system, and nothing runs', async () => {
    const extension = await activateExtension();
    const hostile = path.join(extension.extensionPath, 'test', 'fixtures', 'io', 'hostile');
    const { sentinel } = JSON.parse(fs.readFileSync(path.join(hostile, 'hostile.json'), 'utf8')) as {
      sentinel: string;
    };
    if (fs.existsSync(sentinel)) fs.rmSync(sentinel);
    await runAccepting('lossLens.computeFromTensorFile', vscode.Uri.file(path.join(hostile, 'evil-os-system.pt')));
    await sleep(500);
    assert.equal(fs.existsSync(sentinel), false);
  });
});

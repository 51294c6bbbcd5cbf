import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { revealInEditor } from '../../src/panel/reveal';
import type { Services } from '../../src/services';
import { activateExtension, openWorkspaceFile } from './helpers';

/** PyTorch's values for the bundled examples (scripts/fixtures/gen_examples.py). */
function torchValue(extensionPath: string, example: string): number {
  const file = path.join(extensionPath, 'test', 'fixtures', 'examples.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { examples: Record<string, { value: number[] }> };
  return parsed.examples[example]!.value[0]!;
}

async function services(): Promise<{ services: Services; extensionPath: string }> {
  const extension = await activateExtension();
  return { services: extension.exports as Services, extensionPath: extension.extensionPath };
}

function shownValue(s: Services): number {
  const view = s.views.session.view();
  assert.ok(view.report, `no report shown${view.error ? `: ${view.error.message}` : ''}`);
  return Number(view.report.model.report.value);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Compute Loss (real extension host)', () => {
  it('computes a JSON tensor file and shows PyTorch\'s value in the breakdown', async () => {
    const { services: s, extensionPath } = await services();
    const uri = vscode.Uri.file(path.join(extensionPath, 'examples', 'one-hot-logits.json'));
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', uri);
    const expected = torchValue(extensionPath, 'one-hot-logits.json');
    assert.ok(Math.abs(shownValue(s) - expected) < 1e-6, `${shownValue(s)} vs ${expected}`);
    assert.equal(s.views.session.view().report!.model.report.valueText, expected.toFixed(4));
  });

  it('offers the likely loss first in the QuickPick for two selected tensors and computes it', async () => {
    const { services: s, extensionPath } = await services();
    const editor = await openWorkspaceFile('two-tensors.py');
    editor.selection = new vscode.Selection(0, 0, editor.document.lineCount, 0);
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand('lossLens.computeOnSelection')).finally(() => (settled = true));
    // Accept the first item of each QuickPick: the top-ranked loss, then "Compute" in the options step.
    for (let i = 0; i < 100 && !settled; i++) {
      await sleep(150);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await run;
    const report = s.views.session.view().report!.model.report;
    assert.equal(report.fn, 'cross_entropy');
    const expected = torchValue(extensionPath, 'one-hot-logits.json');
    assert.ok(Math.abs(shownValue(s) - expected) < 1e-6);
  });

  it('recomputes after a what-if change in the inspector (label_smoothing)', async () => {
    const { services: s, extensionPath } = await services();
    const uri = vscode.Uri.file(path.join(extensionPath, 'examples', 'confident.json'));
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', uri);
    assert.ok(Math.abs(shownValue(s) - torchValue(extensionPath, 'confident.json')) < 1e-6);
    await s.views.session.whatIf({ kind: 'labelSmoothing', value: 0.05 });
    // label-smoothing.json holds the same logits with label_smoothing=0.05: PyTorch's 0.2352.
    assert.ok(Math.abs(shownValue(s) - torchValue(extensionPath, 'label-smoothing.json')) < 1e-6);
  });

  it('shows the last loss in the status bar and keeps the breakdown open beside the editor', async () => {
    const { services: s, extensionPath } = await services();
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', vscode.Uri.file(path.join(extensionPath, 'examples', 'one-wrong.json')));
    assert.equal(s.views.panel.isOpen, true);
  });

  it('reveals a clicked sample\'s row in the JSON file', async () => {
    const { services: s, extensionPath } = await services();
    const file = path.join(extensionPath, 'examples', 'weighted-ignore.json');
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', vscode.Uri.file(file));
    const report = s.views.session.view().report!.model.report;
    const location = s.views.session.sampleLocation(report.id, 2);
    assert.ok(location?.range, 'sample 2 has a place in the file');
    await revealInEditor(2, location);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, file);
    // The third row of "input" is the line holding [-0.5, 0.2, 2.2].
    const rowLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('[-0.5, 0.2, 2.2]'));
    assert.equal(editor.selection.start.line, rowLine);
    assert.equal(editor.document.getText(editor.selection), '[-0.5, 0.2, 2.2]');
  });

  it('places a rejected computation: PyTorch\'s message, not a crash', async () => {
    const { services: s, extensionPath } = await services();
    const uri = vscode.Uri.file(path.join(extensionPath, 'examples', 'embedding-mismatch.json'));
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', uri);
    const view = s.views.session.view();
    assert.ok(view.error);
    assert.match(view.error.message, /Expected target size \[2, 3\], got \[2, 5\]/);
  });
});

/**
 * Diagnostics across files in a real VS Code: train.py's loss-call error depends on the class model.py defines, and
 * editing model.py (unsaved) changes train.py's diagnostics. The project is test/fixtures/imports/binary/bug/,
 * labelled by scripts/fixtures/gen_imports.py under both oracles; it is copied into the test workspace for the test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, workspaceFolder } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('diagnostics across files (real extension host)', () => {
  let project: string | undefined;
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  it("reports train.py's loss-call error from model.py's class, and drops it when model.py is fixed", async () => {
    const extension = await activateExtension();
    const fixtures = path.join(extension.extensionPath, 'test', 'fixtures', 'imports');
    const label = (
      JSON.parse(fs.readFileSync(path.join(fixtures, 'labels.2.x.json'), 'utf8')) as {
        labels: Record<string, { message: string; entryLine: number }>;
      }
    ).labels['binary/bug/train.py']!;
    project = fs.mkdtempSync(path.join(workspaceFolder().uri.fsPath, 'imports-'));
    for (const f of ['model.py', 'data.py', 'train.py'])
      fs.copyFileSync(path.join(fixtures, 'binary', 'bug', f), path.join(project, f));

    const model = await vscode.workspace.openTextDocument(path.join(project, 'model.py'));
    await vscode.window.showTextDocument(model);
    const train = await vscode.workspace.openTextDocument(path.join(project, 'train.py'));
    await vscode.window.showTextDocument(train);
    const errors = (): vscode.Diagnostic[] =>
      vscode.languages.getDiagnostics(train.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);

    // PyTorch raised `Target size (torch.Size([16])) must be the same as input size (torch.Size([16, 1]))` there;
    // the checker says it with the batch size as the symbol B (the loader's batches).
    const [error] = await waitFor('the error in train.py', () => (errors().length > 0 ? errors() : undefined));
    assert.equal(error!.range.start.line, label.entryLine - 1, error!.message);
    const pattern = label.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '(?:\\d+|B)');
    assert.match(error!.message.split('\n')[0]!, new RegExp(`^ValueError: ${pattern}$`));

    // model.py's forward, edited in the editor (not saved): one logit per sample without the trailing dimension.
    const forward = model
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('return self.fc2(h)'));
    const edit = new vscode.WorkspaceEdit();
    const at = model.lineAt(forward).text.indexOf('self.fc2(h)') + 'self.fc2(h)'.length;
    edit.insert(model.uri, new vscode.Position(forward, at), '.squeeze(1)');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('train.py re-checked without the error', () => (errors().length === 0 ? true : undefined));

    // And back: undoing the edit in model.py brings train.py's error back.
    const undo = new vscode.WorkspaceEdit();
    undo.delete(model.uri, new vscode.Range(forward, at, forward, at + '.squeeze(1)'.length));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitFor('the error back in train.py', () => (errors().length > 0 ? true : undefined));
  });
});

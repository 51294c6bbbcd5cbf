import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, openWorkspaceFile, selectText } from './helpers';

describe('Loss Lens in the extension host', () => {
  it('activates', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
  });

  it('registers lossLens.computeOnSelection', async () => {
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('lossLens.computeOnSelection'));
  });

  it('runs lossLens.computeOnSelection on a selection in a Python file', async () => {
    const editor = await openWorkspaceFile('logits.py');
    assert.equal(editor.document.languageId, 'python');
    selectText(editor, '[[2.0, 0.5, -1.0], [0.1, 1.2, 0.3]]');
    await vscode.commands.executeCommand('lossLens.computeOnSelection');
  });

  it('runs in English unless a locale run asks otherwise', () => {
    assert.equal(vscode.env.language, 'en');
  });
});

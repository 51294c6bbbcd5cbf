import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

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

  it('runs in English unless a locale run asks otherwise', () => {
    assert.equal(vscode.env.language, 'en');
  });
});

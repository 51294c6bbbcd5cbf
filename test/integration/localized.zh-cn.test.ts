import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { activateExtension } from './helpers';

const CJK = /[\u4e00-\u9fff]/;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Loss Lens explains in Chinese (zh-cn)', () => {
  it('diagnostics keep PyTorch\'s message and give the cause and the fix in Chinese', async () => {
    const extension = await activateExtension();
    const content = fs.readFileSync(path.join(extension.extensionPath, 'examples', 'embedding-mismatch.py'), 'utf8');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content });
    await vscode.window.showTextDocument(document);
    let error: vscode.Diagnostic | undefined;
    for (let i = 0; i < 200 && !error; i++) {
      await sleep(50);
      error = vscode.languages.getDiagnostics(document.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error);
    }
    assert.ok(error, 'no diagnostic');
    const [message, cause, fix] = error.message.split('\n');
    assert.equal(message, 'Expected target size [2, 3], got [2, 5]');
    assert.match(cause!, CJK);
    assert.match(fix!, CJK);
    assert.match(fix!, /permute\(0, 2, 1\)/);
  });

  it('the breakdown spells out the reduction in Chinese', async () => {
    const extension = await activateExtension();
    const s = extension.exports as Services;
    await vscode.commands.executeCommand('lossLens.computeFromJsonFile', vscode.Uri.file(path.join(extension.extensionPath, 'examples', 'weighted-ignore.json')));
    const report = s.views.session.view().report!.model.report;
    assert.match(report.reduction.why, CJK);
    assert.match(report.reduction.denominatorLabel, CJK);
    assert.ok(report.warnings.length > 0 && report.warnings.every((w) => CJK.test(w.explanation ?? '')), JSON.stringify(report.warnings));
  });
});

/**
 * "Loss Lens: Explain PyTorch Error": paste an error message, get the cause and the fix.
 */
import * as vscode from 'vscode';
import { explainError } from '../core/explain';
import { localizeAnswer } from '../providers/localize';
import type { Services } from '../services';

/** Asks for an error message (prefilled from the selection or the clipboard) and explains it. */
export async function explainPytorchError(services: Services, text?: string): Promise<void> {
  let message = text;
  if (message === undefined) {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const clipboard = selected ? '' : await vscode.env.clipboard.readText();
    message = await vscode.window.showInputBox({
      title: vscode.l10n.t('Explain PyTorch Error'),
      prompt: vscode.l10n.t('Paste the error message PyTorch printed'),
      value: (selected || clipboard).trim().split('\n').slice(-3).join(' '),
    });
  }
  if (!message) return;
  const found = explainError(message).map(localizeAnswer);
  if (found.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Loss Lens does not recognise this message as a PyTorch loss error.'));
    return;
  }
  for (const e of found) {
    services.log.info(`[${e.code}] ${e.matched}\n  cause: ${e.cause}\n  fix: ${e.fix}`);
    void vscode.window.showInformationMessage(`${e.matched} — ${vscode.l10n.t('Cause: {0}', e.cause)} — ${vscode.l10n.t('Fix: {0}', e.fix)}`);
  }
}

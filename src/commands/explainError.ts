/**
 * "Loss Lens: Explain PyTorch Error": paste an error message, get the cause and the fix in a panel.
 */
import * as vscode from 'vscode';
import { explainError } from '../core/explain';
import { localizeAnswer } from '../providers/localize';
import type { Services } from '../services';

/** How long to wait for the clipboard: in a browser it may wait for a permission prompt that never comes. */
const CLIPBOARD_TIMEOUT_MS = 800;

/** The clipboard's text, or '' when it cannot be read (no permission, no clipboard, too slow). */
async function clipboardText(): Promise<string> {
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(''), CLIPBOARD_TIMEOUT_MS));
  try {
    return await Promise.race([Promise.resolve(vscode.env.clipboard.readText()).catch(() => ''), timeout]);
  } catch {
    return '';
  }
}

/**
 * Asks for an error message in an input box (always; prefilled from the selection or, when it can be read, the
 * clipboard) and explains it in the problem panel.
 */
export async function explainPytorchError(services: Services, text?: string): Promise<void> {
  let message = text;
  if (message === undefined) {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const prefill = selected || (await clipboardText());
    message = await vscode.window.showInputBox({
      title: vscode.l10n.t('Explain PyTorch Error'),
      prompt: vscode.l10n.t('Paste the error message PyTorch printed'),
      value: prefill.trim().split('\n').slice(-3).join(' '),
      ignoreFocusOut: true,
    });
  }
  if (!message) return;
  const found = explainError(message).map(localizeAnswer);
  const title = vscode.l10n.t('Explain PyTorch Error');
  if (found.length === 0) {
    services.problems.show(
      title,
      [{ message }],
      vscode.l10n.t('Loss Lens does not recognise this message as a PyTorch loss error.'),
    );
    return;
  }
  for (const e of found) services.log.info(`[${e.code}] ${e.matched}\n  cause: ${e.cause}\n  fix: ${e.fix}`);
  services.problems.show(
    title,
    found.map((e) => ({ message: e.matched, cause: e.cause, fix: e.fix, code: e.code })),
  );
}

/**
 * Tells a person about a problem from the core: PyTorch's text first, then the plain cause and the fix, with a
 * button that jumps to the place.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/diagnostics';
import { localize } from '../providers/localize';
import { toVscodeRange } from '../ranges';

/** Shows an error (or warning) message for a diagnostic; "Go to" reveals its range in `document`. */
export async function showProblem(problem: Diagnostic, document: vscode.TextDocument | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const d = localize(problem);
  const where = `${d.line}:${d.column}`;
  const parts = [`${where} ${d.message}`];
  if (d.explanation) parts.push(vscode.l10n.t('Cause: {0}', d.explanation));
  if (d.hint) parts.push(vscode.l10n.t('Fix: {0}', d.hint));
  const text = parts.join(' — ');
  log.warn(`[${d.code}] ${text}`);
  const goTo = vscode.l10n.t('Go to {0}', where);
  const show = d.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const choice = await show(text, ...(document ? [goTo] : []));
  if (choice === goTo && document) {
    const range = toVscodeRange(d);
    const editor = await vscode.window.showTextDocument(document, { selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

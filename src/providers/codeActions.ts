/**
 * Quick fixes: the mechanical edits the checker attached to a diagnostic (`.permute(0, 2, 1)`, `.reshape(-1, C)`,
 * `.long()`, `.float()`, `.squeeze(1)`, switching to BCEWithLogitsLoss...).
 */
import * as vscode from 'vscode';
import { toVscodeRange } from '../ranges';
import { DIAGNOSTIC_SOURCE, type LossDiagnostics } from './diagnostics';

/** Offers each fix with edits as a QuickFix code action. */
export class LossCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: LossDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const core = this.diagnostics.coreDiagnostic(document, diagnostic);
      (core?.fixes ?? []).forEach((fix, i) => {
        if (!fix.edits || fix.edits.length === 0) return;
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(document.uri, toVscodeRange(e.range), e.newText);
        actions.push(action);
      });
    }
    return actions;
  }
}

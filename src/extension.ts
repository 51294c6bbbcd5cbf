/**
 * Activation: builds the services and registers them. Reads like a table of contents.
 */
import * as vscode from 'vscode';

/** Called by VS Code when a contributed command is first used. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('lossLens.computeOnSelection', () => {
      void vscode.window.showInformationMessage(vscode.l10n.t('Loss Lens is installed. The breakdown view is coming.'));
    }),
  );
}

/** Nothing to clean up beyond the disposables in `context.subscriptions`. */
export function deactivate(): void {}

/**
 * While a debug session is paused, a code lens above each loss call of a Python file: "Loss Lens: Explain this call
 * with the live tensors". It appears and disappears as the session stops and resumes; it evaluates nothing itself.
 */
import * as vscode from 'vscode';
import { liveCallLines } from '../core/live/call';
import { CommandIds } from '../commands/ids';
import { pausedFrame } from '../liveSession';

/** The code lenses of loss calls, only while a stack frame is selected. */
export class LiveCallCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription = vscode.debug.onDidChangeActiveStackItem(() => this.changed.fire());

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!pausedFrame()) return [];
    return liveCallLines(document.getText()).map(
      (line) =>
        new vscode.CodeLens(new vscode.Range(line - 1, 0, line - 1, 0), {
          title: vscode.l10n.t('Loss Lens: Explain this call with the live tensors'),
          command: CommandIds.explainLiveCall,
          arguments: [document.uri, line],
        }),
    );
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * The problem panel: one reused webview panel beside the editor that explains a PyTorch error (Explain PyTorch
 * Error) or why a selection could not be computed, in full, where a toast would cut it off with "…".
 */
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { buildProblemHtml, type ProblemEntry } from './problemHtml';

/** Shows problems in a panel. */
export class ProblemPanel extends Disposable {
  /** The webview panel's view type. */
  static readonly viewType = 'lossLens.problem';

  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this._register({ dispose: () => this.panel?.dispose() });
  }

  /** Shows `problems` under `title` (and an optional one-line summary), opening or revealing the panel. */
  show(title: string, problems: readonly ProblemEntry[], summary?: string): void {
    if (this.isDisposed) return;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        ProblemPanel.viewType,
        vscode.l10n.t('Loss Lens: problem'),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: false,
          enableCommandUris: false,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
        },
      );
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'loss-lens.svg');
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
      });
      this.panel = panel;
    } else {
      this.panel.reveal(undefined, true);
    }
    const webview = this.panel.webview;
    webview.html = buildProblemHtml({
      cspSource: webview.cspSource,
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'lossLens.css')).toString(),
      lang: vscode.env.language,
      title,
      ...(summary ? { summary } : {}),
      problems,
      labels: {
        message: vscode.l10n.t('PyTorch’s message'),
        cause: vscode.l10n.t('Cause'),
        fix: vscode.l10n.t('Fix'),
        where: vscode.l10n.t('Where'),
      },
    });
  }
}

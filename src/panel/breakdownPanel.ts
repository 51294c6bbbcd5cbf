/**
 * The breakdown panel: one reused webview panel beside the editor. Its state lives in the session, so the panel can
 * drop its context when hidden (no retainContextWhenHidden) and gets everything again on `ready`.
 */
import * as vscode from 'vscode';
import { WebviewConnection, webviewOptions, type ConnectionDependencies } from './connection';
import { Disposable } from './lifecycle';

/** Shows the breakdown of the session's current computation in the editor area. */
export class BreakdownPanel extends Disposable {
  /** The webview panel's view type. */
  static readonly viewType = 'lossLens.breakdown';

  private panel: vscode.WebviewPanel | undefined;
  constructor(private readonly deps: Omit<ConnectionDependencies, 'openBreakdown'>) {
    super();
    this._register({ dispose: () => this.panel?.dispose() });
  }

  /** True while the panel exists (visible or not). */
  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** Opens the panel beside the active editor, or reveals it where it is. */
  show(preserveFocus = true): void {
    if (this.isDisposed) return;
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      BreakdownPanel.viewType,
      vscode.l10n.t('Loss Lens'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { ...webviewOptions(this.deps.extensionUri), retainContextWhenHidden: false },
    );
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'loss-lens.svg');
    const connection = new WebviewConnection(panel.webview, 'breakdown', {
      ...this.deps,
      openBreakdown: () => this.show(false),
    });
    this.panel = panel;
    const viewState = panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) connection.markNotReady();
    });
    panel.onDidDispose(() => {
      viewState.dispose();
      connection.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }
}

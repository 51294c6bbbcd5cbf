/**
 * The inspector: a webview view in the Loss Lens activity-bar container. Shows the value, the what-if controls, the
 * history and the per-sample table, all from the shared session.
 */
import * as vscode from 'vscode';
import { WebviewConnection, type ConnectionDependencies } from './connection';
import { Disposable } from './lifecycle';

/** Provides the `lossLens.inspector` webview view. */
export class InspectorViewProvider extends Disposable implements vscode.WebviewViewProvider {
  /** The view id contributed in package.json (`contributes.views.lossLens`). */
  static readonly viewId = 'lossLens.inspector';

  private connection: WebviewConnection | undefined;

  constructor(private readonly deps: ConnectionDependencies) {
    super();
    this._register({ dispose: () => this.connection?.dispose() });
  }

  /** Registers this provider with VS Code; the returned disposable unregisters it. */
  register(): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(InspectorViewProvider.viewId, this);
  }

  /** Called by VS Code when the view first becomes visible (and again after it was disposed). */
  resolveWebviewView(view: vscode.WebviewView): void {
    this.connection?.dispose();
    const connection = new WebviewConnection(view.webview, 'inspector', this.deps);
    this.connection = connection;
    const visibility = view.onDidChangeVisibility(() => {
      if (!view.visible) connection.markNotReady();
    });
    view.onDidDispose(() => {
      visibility.dispose();
      connection.dispose();
      if (this.connection === connection) this.connection = undefined;
    });
  }
}

/**
 * One webview's connection to the session: sets up its HTML and options, waits for `ready`, then keeps it in sync
 * (l10n strings, history, the shown report or error) and carries out what it asks for. Used by both the breakdown
 * panel and the inspector view.
 */
import * as vscode from 'vscode';
import type { SourceRange } from '../core/diagnostics';
import {
  assertNever,
  parseWebviewMessage,
  type ExportFormat,
  type HostToWebview,
  type WebviewRole,
  type WebviewToHost,
} from '../protocol';
import { localizeError, errorText } from '../providers/localize';
import { buildWebviewHtml, createNonce } from './html';
import { Disposable } from './lifecycle';
import { revealLocation } from './reveal';
import type { ComputeRequest, LensSession, SessionChange } from './session';
import { webviewStrings } from './strings';

/** Reveals a sample in the source. `location.range` is the sample's range when the request carried one. */
export type RevealFn = (
  sampleIndex: number,
  location: { readonly request: ComputeRequest; readonly range?: SourceRange },
) => void | Promise<void>;

/** Puts the cursor on a place in a document (a program's loss call). */
export type RevealLocationFn = (source: string, range: SourceRange, preserveFocus: boolean) => void | Promise<void>;

/** What a webview connection needs from the extension. */
export interface ConnectionDependencies {
  readonly extensionUri: vscode.Uri;
  readonly session: LensSession;
  readonly reveal: RevealFn;
  /** Goes to a line of a program; defaults to {@link revealLocation}. */
  readonly revealLocation?: RevealLocationFn;
  /** Opens (or reveals) the breakdown panel; the inspector's "Open breakdown" button calls it. */
  readonly openBreakdown: () => void;
}

/** The folders a webview may load from: the built bundle and our media. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Webview options for both views: scripts on, resources limited to {@link localResourceRoots}. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: localResourceRoots(extensionUri) };
}

/** The page for a webview, with a fresh nonce. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, role: WebviewRole): string {
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'lossLens.css')).toString(),
    nonce: createNonce(),
    role,
    lang: vscode.env.language,
    title: vscode.l10n.t('Loss Lens'),
  });
}

/** Connects one webview to the session. Dispose it when the webview goes away. */
export class WebviewConnection extends Disposable {
  private ready = false;

  constructor(
    private readonly webview: vscode.Webview,
    role: WebviewRole,
    private readonly deps: ConnectionDependencies,
  ) {
    super();
    webview.options = webviewOptions(deps.extensionUri);
    webview.html = webviewHtml(webview, deps.extensionUri, role);
    this._register(webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)));
    this._register(deps.session.onDidChange((change) => this.onSessionChange(change)));
  }

  /**
   * The webview was hidden and (without retainContextWhenHidden) destroyed: stop posting until it says `ready` again,
   * at which point it gets the whole state afresh.
   */
  markNotReady(): void {
    this.ready = false;
  }

  private post(message: HostToWebview): void {
    // Before `ready` the page is not listening and the message would be lost; the state is sent on `ready` instead.
    if (!this.ready || this.isDisposed) return;
    void this.webview.postMessage(message);
  }

  private sendEverything(): void {
    this.post({ type: 'l10n', locale: vscode.env.language, strings: webviewStrings() });
    this.sendHistory();
    this.post({ type: 'busy', busy: this.deps.session.busy });
    this.sendView();
  }

  private sendHistory(): void {
    const { entries, currentId } = this.deps.session.history();
    this.post({ type: 'history', entries, currentId });
  }

  private sendView(): void {
    const view = this.deps.session.view();
    // The program first: the webview lays the breakdown of the selected call out under it.
    this.post({ type: 'program', program: view.program });
    if (!view.report && !view.error) {
      this.post({ type: 'clear' });
      return;
    }
    if (view.report && view.whatIf) {
      this.post({
        type: 'showReport',
        report: view.report.model.report,
        firstPage: view.report.firstPage,
        whatIf: view.whatIf,
        pinned: view.pinned,
        stale: view.report.stale,
      });
    }
    // The session has no vscode: its own errors, and errors from computations that did not localize them, are
    // put in the display language here.
    if (view.error) this.post({ type: 'error', error: localizeError(view.error), whatIf: view.whatIf });
  }

  private onSessionChange(change: SessionChange): void {
    switch (change.kind) {
      case 'view':
        this.sendView();
        return;
      case 'history':
        this.sendHistory();
        return;
      case 'busy':
        this.post({ type: 'busy', busy: change.busy });
        return;
      case 'select':
        this.post({ type: 'selectSample', reportId: change.reportId, sampleIndex: change.sampleIndex });
        return;
      default:
        assertNever(change, 'session change');
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    try {
      await this.dispatch(message);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', errorText(e)));
    }
  }

  private async dispatch(message: WebviewToHost): Promise<void> {
    const session = this.deps.session;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendEverything();
        return;
      case 'requestRows': {
        const page = session.rows(message.reportId, message.requestId, message.offset, message.count, message.sort);
        if (page) this.post({ type: 'rows', page });
        return;
      }
      case 'whatIf':
        await session.whatIf(message.change);
        return;
      case 'openHistory':
        session.open(message.entryId);
        return;
      case 'pin':
        session.setPinned(message.pinned);
        return;
      case 'export':
        await this.export(message.format);
        return;
      case 'revealSample': {
        const location = session.sampleLocation(message.reportId, message.sampleIndex);
        if (location) await this.deps.reveal(message.sampleIndex, location);
        return;
      }
      case 'openBreakdown':
        this.deps.openBreakdown();
        return;
      case 'showProgramCall':
        await session.showProgramCall(message.programId, message.callIndex);
        return;
      case 'anotherDraw':
        await session.anotherDraw(message.programId);
        return;
      case 'revealProgramLine': {
        const source = session.programSource(message.programId);
        if (!source) return;
        const at = { line: message.line, column: message.column, endLine: message.line, endColumn: message.column };
        await (this.deps.revealLocation ?? revealLocation)(source, at, false);
        return;
      }
      default:
        assertNever(message, 'webview message');
    }
  }

  private async export(format: ExportFormat): Promise<void> {
    const exported = this.deps.session.exportText(format);
    if (!exported) {
      void vscode.window.showWarningMessage(vscode.l10n.t('There is no computed loss to export yet.'));
      return;
    }
    if (format === 'snippet') {
      await vscode.env.clipboard.writeText(exported.text);
      void vscode.window.showInformationMessage(vscode.l10n.t('PyTorch snippet copied to the clipboard.'));
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, exported.fileName) } : {}),
      filters: format === 'json' ? { [vscode.l10n.t('JSON')]: ['json'] } : { [vscode.l10n.t('CSV')]: ['csv'] },
      saveLabel: format === 'json' ? vscode.l10n.t('Save JSON') : vscode.l10n.t('Save CSV'),
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(exported.text));
    void vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}.', vscode.workspace.asRelativePath(target)));
  }
}

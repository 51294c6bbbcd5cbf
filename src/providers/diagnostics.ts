/**
 * Live diagnostics: the static checker (shape mode) on Python files and notebook cells, refreshed as the user types
 * (debounced), with PyTorch's message, the plain cause and the fix. Detection lives in src/core/snippet and runs in
 * the snippet worker: the host sends the text and shows the answer if the document has not changed meanwhile.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic } from '../core/diagnostics';
import type { CheckedCall } from '../core/snippet/index';
import { toVscodeRange } from '../ranges';
import type { Services } from '../services';
import { isCheckable } from './documents';
import { localize } from './localize';
import { WorkspaceModules, type DocumentModules } from './workspaceModules';

/** The diagnostic source shown in the Problems view. */
export const DIAGNOSTIC_SOURCE = 'Loss Lens';

const SEVERITY: Record<CoreDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Maps a core diagnostic to VS Code's: PyTorch's text first, then cause and fix on their own lines. */
export function toVscodeDiagnostic(d: CoreDiagnostic): vscode.Diagnostic {
  const lines = [d.message];
  if (d.explanation) lines.push(vscode.l10n.t('Cause: {0}', d.explanation));
  if (d.hint) lines.push(vscode.l10n.t('Fix: {0}', d.hint));
  const diagnostic = new vscode.Diagnostic(toVscodeRange(d), lines.join('\n'), SEVERITY[d.severity]);
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = d.code;
  if (d.raisedAt) {
    // Raised inside an imported module: the line there, one click away.
    const where = new vscode.Location(vscode.Uri.file(d.raisedAt.file), toVscodeRange(d.raisedAt));
    diagnostic.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        where,
        vscode.l10n.t('PyTorch raises this here, in the code the line calls'),
      ),
    ];
  }
  return diagnostic;
}

/** Keeps the Problems view in step with the documents; remembers each diagnostic's core form for the quick fixes. */
export class LossDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('lossLens');
  private readonly core = new Map<string, Map<vscode.Diagnostic, CoreDiagnostic>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The loss calls the last check of each document reached, with what shape mode knew of their arguments. */
  private readonly checkedCalls = new Map<
    string,
    { readonly version: number; readonly calls: readonly CheckedCall[] }
  >();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Reads the workspace modules a checked document imports. */
  readonly modules = new WorkspaceModules();
  /** The module files each checked document imported at its last check: a change to one re-checks the document. */
  private readonly importedBy = new Map<string, ReadonlySet<string>>();

  constructor(private readonly services: Services) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    this.subscriptions.push(
      watcher,
      vscode.workspace.onDidOpenTextDocument((d) => void this.refresh(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.schedule(e.document);
        if (e.document.uri.scheme === 'file') this.scheduleImporters(e.document.uri.fsPath);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.scheme === 'file') this.scheduleImporters(d.uri.fsPath);
      }),
      // Changed on disk (another program, a checkout); a module that appears or goes may change any import.
      watcher.onDidChange((uri) => this.scheduleImporters(uri.fsPath)),
      watcher.onDidCreate(() => this.scheduleAll()),
      watcher.onDidDelete(() => this.scheduleAll()),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lossLens')) for (const d of vscode.workspace.textDocuments) void this.refresh(d);
      }),
    );
    for (const d of vscode.workspace.textDocuments) void this.refresh(d);
  }

  /** The core diagnostic behind a VS Code diagnostic of ours, if any. */
  coreDiagnostic(document: vscode.TextDocument, diagnostic: vscode.Diagnostic): CoreDiagnostic | undefined {
    return this.core.get(document.uri.toString())?.get(diagnostic);
  }

  /** Checks a document now (in the snippet worker); resolves once the answer is shown or superseded. */
  async refresh(document: vscode.TextDocument): Promise<void> {
    const config = this.services.config(document);
    if (!config.diagnosticsEnabled || !isCheckable(document)) {
      this.clear(document);
      return;
    }
    const started = Date.now();
    const version = document.version;
    const key = document.uri.toString();
    let answer;
    try {
      let imports: DocumentModules | undefined;
      try {
        imports = this.modules.collect(document);
      } catch (e) {
        // The imports cannot be read: the file is checked on its own, with them unknown.
        this.services.log.warn(`reading the imports of ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      this.importedBy.set(key, new Set(imports?.modules.map((m) => m.path) ?? []));
      answer = await this.services.snippets.run(`check:${key}`, {
        kind: 'check',
        text: document.getText(),
        torchVersion: config.torchVersion,
        ...(imports ? { imports } : {}),
      });
    } catch (e) {
      // The worker died (its heap limit) or the checker failed: no diagnostics rather than a stale set.
      this.services.log.warn(`checking ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    // Superseded by a newer edit, or the document changed or closed while the worker checked it.
    if (!answer || document.isClosed || document.version !== version) return;
    if (!this.services.config(document).diagnosticsEnabled) return; // switched off while the worker checked
    const map = new Map<vscode.Diagnostic, CoreDiagnostic>();
    const shown = answer.diagnostics
      .filter((d) => d.severity !== 'info' || !d.code.startsWith('python/'))
      .map((d) => {
        const localized = localize(d);
        const v = toVscodeDiagnostic(localized);
        map.set(v, localized);
        return v;
      });
    this.core.set(key, map);
    this.checkedCalls.set(key, { version, calls: answer.calls ?? [] });
    this.collection.set(document.uri, shown);
    this.services.log.trace(`checked ${key} in ${Date.now() - started} ms: ${shown.length} diagnostics`);
  }

  /** The checked loss call starting on the position's line at or before it (for the hover), if this version was checked. */
  checkedCallAt(document: vscode.TextDocument, position: vscode.Position): CheckedCall | undefined {
    const checked = this.checkedCalls.get(document.uri.toString());
    if (!checked || checked.version !== document.version) return undefined;
    return [...checked.calls].reverse().find((c) => c.line === position.line + 1 && c.column - 1 <= position.character);
  }

  /** Re-checks the open documents that imported a module file at their last check. */
  private scheduleImporters(file: string): void {
    const changed = path.resolve(file);
    for (const d of vscode.workspace.textDocuments) {
      const key = d.uri.toString();
      if (d.uri.fsPath !== file && this.importedBy.get(key)?.has(changed)) this.schedule(d);
    }
  }

  /** Re-checks every open document checked so far. */
  private scheduleAll(): void {
    for (const d of vscode.workspace.textDocuments) if (this.importedBy.has(d.uri.toString())) this.schedule(d);
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.refresh(document);
      }, this.services.config(document).diagnosticsDebounceMs),
    );
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(document.uri);
    this.core.delete(key);
    this.checkedCalls.delete(key);
    this.importedBy.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

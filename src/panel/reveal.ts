/**
 * The default `reveal`: selects a sample's range in its document, beside the breakdown panel, keeping focus in the
 * webview so keyboard navigation of the table continues.
 */
import * as vscode from 'vscode';
import { toVscodeRange } from '../ranges';
import type { SourceRange } from '../core/diagnostics';
import type { ComputeRequest } from './session';

/** Reveals `location.range` in `location.request.source`; does nothing when either is unknown. */
export async function revealInEditor(
  _sampleIndex: number,
  location: { readonly request: ComputeRequest; readonly range?: SourceRange },
): Promise<void> {
  const source = location.request.source;
  if (!source || !location.range) return;
  await revealLocation(source, location.range);
}

/**
 * Selects `at` in the document `source` (a URI string), beside the webview; `preserveFocus: false` moves the focus
 * to the editor (going to a line, as opposed to showing where a sample is while browsing the table).
 */
export async function revealLocation(source: string, at: SourceRange, preserveFocus = true): Promise<void> {
  const uri = vscode.Uri.parse(source);
  const range = toVscodeRange(at);
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const document = visible?.document ?? (await vscode.workspace.openTextDocument(uri));
  const editor = await vscode.window.showTextDocument(document, {
    viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
    preserveFocus,
    selection: range,
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

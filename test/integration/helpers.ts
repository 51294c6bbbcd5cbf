/**
 * Helpers for integration tests, which run inside the real VS Code extension host (see index.ts and runTest.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** `publisher.name` from package.json. */
export const extensionId = 'loss-lens.loss-lens';

/** The extension under test, activated. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded in the extension host`);
  await extension.activate();
  return extension;
}

/** The workspace folder runTest.ts opens (test/integration/workspace). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'runTest.ts opens test/integration/workspace; no folder is open');
  return folder;
}

/** Opens `relativePath` from the workspace folder in an editor and makes it the active one. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceFolder().uri, relativePath);
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

/** Selects the first occurrence of `text` in the editor and returns the selection. */
export function selectText(editor: vscode.TextEditor, text: string): vscode.Selection {
  const offset = editor.document.getText().indexOf(text);
  assert.notEqual(offset, -1, `"${text}" is not in ${editor.document.uri.path}`);
  const selection = new vscode.Selection(
    editor.document.positionAt(offset),
    editor.document.positionAt(offset + text.length),
  );
  editor.selection = selection;
  return selection;
}

/** Hover Markdown as a person reads it: `appendText`'s escapes (`\[12, 5\]`, `&nbsp;`) removed. */
export function readableMarkdown(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
}

/**
 * Probes the extension host's event loop with ticks every `intervalMs`: any lateness beyond the interval is time the
 * loop was blocked, and so is the time since the last tick when `stop()` ends it. `stop()` gives the longest (the same
 * figure when called again). Tests print the figure, never assert it (it measures the
 * machine as much as the code).
 */
export function stallMonitor(intervalMs: number): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  let stopped: number | undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - intervalMs);
    last = now;
  }, intervalMs);
  return {
    stop() {
      if (stopped === undefined) {
        clearInterval(timer);
        // The work being measured may end with the loop blocked (the host handling the worker's answer) and no tick
        // after it: that last stretch counts too.
        stopped = Math.max(longest, performance.now() - last - intervalMs);
      }
      return stopped;
    },
  };
}

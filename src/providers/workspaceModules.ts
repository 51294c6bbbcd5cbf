/**
 * The workspace's own Python modules a checked file imports (`from model import Net`), read on the extension host
 * and handed to the snippet worker with the file: an open document's current text first, else the file on disk,
 * only inside the workspace folders and up to a size. A file read from disk is kept until it changes (its size and
 * modification time), so re-checking an edited file reads none of its unchanged imports again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { collectModules, MAX_MODULE_BYTES, ModuleFileCache } from '../imports';

/** What a check of one document sends along: its path, the import roots and the modules found. */
export interface DocumentModules {
  readonly file: string;
  readonly roots: readonly string[];
  readonly modules: readonly { readonly path: string; readonly text: string }[];
}

/** Reads the workspace modules a document imports. */
export class WorkspaceModules {
  /** Module files read from disk, kept until they change. */
  readonly disk = new ModuleFileCache();

  /** The workspace folders (import roots) the document is in, or none for a file outside them. */
  private rootsOf(document: vscode.TextDocument): string[] {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'vscode-notebook-cell') return [];
    const folder = vscode.workspace.getWorkspaceFolder(document.uri.with({ scheme: 'file' }));
    if (!folder || folder.uri.scheme !== 'file') return [];
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /** The modules a document imports, directly or not; undefined for a document outside the workspace folders. */
  collect(document: vscode.TextDocument): DocumentModules | undefined {
    const roots = this.rootsOf(document);
    if (roots.length === 0) return undefined;
    const file = path.resolve(document.uri.fsPath);
    const open = new Map<string, string>();
    for (const d of vscode.workspace.textDocuments)
      if (d.uri.scheme === 'file' && d.languageId === 'python') open.set(path.resolve(d.uri.fsPath), d.getText());
    const realRoots = roots.map(realPath);
    const inside = (candidate: string, within: readonly string[]): boolean =>
      within.some((r) => {
        const rel = path.relative(r, candidate);
        return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      });
    const modules = collectModules(document.getText(), file, roots, (candidate) => {
      if (!inside(candidate, roots)) return undefined;
      const text = open.get(candidate);
      if (text !== undefined) return text.length <= MAX_MODULE_BYTES ? text : undefined;
      // A link that leads out of the workspace is not followed.
      if (!inside(realPath(candidate), realRoots)) return undefined;
      return this.disk.read(candidate);
    });
    return { file, roots, modules: [...modules].map(([p, text]) => ({ path: p, text })) };
  }
}

/** A path with its symbolic links followed (the path itself when it does not exist). */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

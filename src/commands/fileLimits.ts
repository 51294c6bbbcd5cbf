/**
 * What the extension lets a command read: `lossLens.maxFileSizeMB` for every file, and the files a JSON tensor file
 * names only inside its workspace folder (its own folder outside a workspace) unless
 * `lossLens.allowFilesOutsideWorkspace` is on.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileLimits } from '../safeFile';
import type { Services } from '../services';

/** The limits for reading `uri` and the files it names. */
export function fileLimits(services: Services, uri: vscode.Uri): FileLimits {
  const config = services.config(uri);
  const maxBytes = config.maxFileSizeMB * 1024 * 1024;
  if (config.allowFilesOutsideWorkspace) return { maxBytes };
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
  return { maxBytes, root };
}

/** True when `type` says a regular file (a symbolic link to one included); devices and pipes are FileType.Unknown. */
export function isRegularFile(type: vscode.FileType): boolean {
  return (type & vscode.FileType.File) !== 0;
}

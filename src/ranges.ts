/**
 * Conversions between the core's 1-based source ranges (endColumn exclusive) and VS Code's 0-based ranges.
 */
import * as vscode from 'vscode';
import type { SourceRange } from './core/diagnostics';

/** A core range as a VS Code range. */
export function toVscodeRange(range: SourceRange): vscode.Range {
  return new vscode.Range(Math.max(0, range.line - 1), Math.max(0, range.column - 1), Math.max(0, range.endLine - 1), Math.max(0, range.endColumn - 1));
}

/** The core `origin` of a text that starts at `position` in a document. */
export function originOf(position: vscode.Position): { line: number; column: number } {
  return { line: position.line + 1, column: position.character + 1 };
}

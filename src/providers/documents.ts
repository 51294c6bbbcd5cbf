/**
 * Which documents Loss Lens checks, and a per-version cache of the snippet evaluation that hovers share.
 */
import * as vscode from 'vscode';
import type { TorchVersion } from '../core/losses/types';
import { evaluateSnippet, type SnippetEvaluation } from '../core/snippet/index';

/** Python files and Python notebook cells. */
export const PYTHON_SELECTOR: vscode.DocumentSelector = [
  { language: 'python', scheme: 'file' },
  { language: 'python', scheme: 'untitled' },
  { language: 'python', scheme: 'vscode-notebook-cell' },
  { language: 'python', scheme: 'vscode-remote' },
];

/** Documents larger than this are not analysed as you type (the command still works on a selection). */
export const MAX_LIVE_ANALYSIS_CHARS = 500_000;

/** True for a document the live checker reads. */
export function isCheckable(document: vscode.TextDocument): boolean {
  return vscode.languages.match(PYTHON_SELECTOR, document) > 0 && document.getText().length <= MAX_LIVE_ANALYSIS_CHARS;
}

/** Caches one evaluation per document version (hovers ask often; the text changes less often). */
export class EvaluationCache {
  private readonly entries = new Map<string, { version: number; torchVersion: TorchVersion; evaluation: SnippetEvaluation }>();

  /** `torchVersionOf`: the lossLens.torchVersion setting for a document. */
  constructor(private readonly torchVersionOf: (document: vscode.TextDocument) => TorchVersion) {}

  /** The value-mode evaluation of a document's current text. */
  get(document: vscode.TextDocument): SnippetEvaluation {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    const torchVersion = this.torchVersionOf(document);
    if (cached && cached.version === document.version && cached.torchVersion === torchVersion) return cached.evaluation;
    const evaluation = evaluateSnippet(document.getText(), { torchVersion });
    this.entries.set(key, { version: document.version, torchVersion, evaluation });
    return evaluation;
  }

  /** Forgets a closed document. */
  delete(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}

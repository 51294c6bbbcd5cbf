/**
 * Which documents Loss Lens checks, and a per-version cache of the snippet evaluation (run in the snippet worker)
 * that hovers share.
 */
import * as vscode from 'vscode';
import type { TorchVersion } from '../core/losses/types';
import type { SnippetEvaluation } from '../core/snippet/index';
import type { SnippetWorkerClient } from '../worker/snippetClient';

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
  private readonly entries = new Map<
    string,
    { version: number; torchVersion: TorchVersion; evaluation: Promise<SnippetEvaluation | undefined> }
  >();

  /**
   * `torchVersionOf`: the lossLens.torchVersion setting for a document; `snippets`: the worker that evaluates (the
   * host never runs the user's code itself).
   */
  constructor(
    private readonly torchVersionOf: (document: vscode.TextDocument) => TorchVersion,
    private readonly snippets: SnippetWorkerClient,
  ) {}

  /**
   * The value-mode evaluation of a document's current text, from the worker. `undefined` when a newer version
   * superseded it before it was answered, or the worker failed.
   */
  get(document: vscode.TextDocument): Promise<SnippetEvaluation | undefined> {
    const key = document.uri.toString();
    const cached = this.entries.get(key);
    const torchVersion = this.torchVersionOf(document);
    if (cached && cached.version === document.version && cached.torchVersion === torchVersion) return cached.evaluation;
    const evaluation = this.snippets
      .run(`evaluate:${key}`, { kind: 'evaluate', text: document.getText(), options: { torchVersion } })
      .catch(() => undefined);
    const entry = { version: document.version, torchVersion, evaluation };
    this.entries.set(key, entry);
    // A superseded or failed evaluation is not kept: the next hover asks again.
    void evaluation.then((e) => {
      if (e === undefined && this.entries.get(key) === entry) this.entries.delete(key);
    });
    return evaluation;
  }

  /** Forgets a closed document. */
  delete(document: vscode.TextDocument): void {
    this.entries.delete(document.uri.toString());
  }
}

/**
 * The one context object activate() builds and every command and provider receives.
 */
import type * as vscode from 'vscode';
import type { LossLensConfig } from './config';
import type { LossLensViews } from './panel/index';
import type { ProblemPanel } from './panel/problemPanel';
import type { LossStatusBar } from './statusBar';
import type { LossWorkerClient } from './worker/lossClient';
import type { SnippetWorkerClient } from './worker/snippetClient';

/** Everything the commands and providers share. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly views: LossLensViews;
  readonly status: LossStatusBar;
  /** The panel that explains errors and why a selection could not be computed. */
  readonly problems: ProblemPanel;
  /** Runs the checker and the evaluator on the user's Python in a worker thread (never on the extension host). */
  readonly snippets: SnippetWorkerClient;
  /** Reads and computes large tensor files in a kept worker thread (its read buffers reused between jobs). */
  readonly lossWorker: LossWorkerClient;
  /** Reads the settings now (they can change at any time). */
  config(scope?: vscode.ConfigurationScope): LossLensConfig;
}

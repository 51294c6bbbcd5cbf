/**
 * A command for the integration tests only (not contributed, so not in the palette): how many times the extension
 * host's own thread entered an evaluator of user code (it should stay 0: the snippet worker runs them), and what the
 * snippet worker did. The tests read the host's state by structure this way, never by timing.
 */
import * as vscode from 'vscode';
import { evaluatorEntries, type EvaluatorEntries } from './core/entries';
import type { SnippetWorkerClient, SnippetWorkerStats } from './worker/snippetClient';

/** The id of the probe command. */
export const EVALUATOR_PROBE_COMMAND = 'lossLens.internal.evaluatorProbe';

/** What the probe answers. */
export interface EvaluatorProbe {
  /** The evaluator entries on the extension host's thread. */
  readonly host: EvaluatorEntries;
  /** The snippet worker's jobs and its own evaluator entries. */
  readonly worker: SnippetWorkerStats;
}

/** Registers the probe command. */
export function registerEvaluatorProbe(snippets: SnippetWorkerClient): vscode.Disposable {
  return vscode.commands.registerCommand(EVALUATOR_PROBE_COMMAND, (): EvaluatorProbe => ({
    host: { ...evaluatorEntries },
    worker: snippets.stats(),
  }));
}

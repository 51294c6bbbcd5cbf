/**
 * Activation: builds the services and registers them. Reads like a table of contents.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { computeFromJsonFile } from './commands/computeFromJsonFile';
import { computeFromNpy } from './commands/computeFromNpy';
import { computeFromTensorFile } from './commands/computeFromTensorFile';
import { computeOnSelection } from './commands/computeOnSelection';
import { explainPytorchError } from './commands/explainError';
import { explainLiveCall } from './commands/explainLiveCall';
import { showCall } from './commands/showCall';
import { CommandIds } from './commands/ids';
import { readConfig } from './config';
import { LOSSES } from './core/losses/index';
import { runLoss } from './core/run';
import { registerLossLensViews } from './panel/index';
import { ProblemPanel } from './panel/problemPanel';
import { LossCodeActions } from './providers/codeActions';
import { LossDiagnostics } from './providers/diagnostics';
import { EvaluationCache, PYTHON_SELECTOR } from './providers/documents';
import { LossHover } from './providers/hover';
import { LiveCallCodeLens } from './providers/liveCodeLens';
import { LiveTensorHover } from './providers/liveHover';
import { localize, localizeResult } from './providers/localize';
import { LiveConsent } from './liveSession';
import type { Services } from './services';
import { LossStatusBar } from './statusBar';
import { registerEvaluatorProbe } from './testProbe';
import { createLossWorkerClient } from './worker/client';
import { SNIPPET_WORKER_RESOURCE_LIMITS, SnippetWorkerClient } from './worker/snippetClient';

/** Called by VS Code when a contributed command or view is first used. */
export function activate(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Loss Lens', { log: true });
  const status = new LossStatusBar();
  context.subscriptions.push(log, status);
  const views = registerLossLensViews(context, {
    losses: LOSSES,
    compute: (request) => {
      const torchVersion = request.torchVersion ?? readConfig().torchVersion;
      const computed = runLoss({ loss: request.fn, inputs: request.inputs, options: request.options }, { torchVersion });
      const outcome = { results: computed.results.map(localizeResult), diagnostics: computed.diagnostics.map(localize) };
      const result = outcome.results[0];
      if (result) log.info(`${request.title ?? request.fn}: ${result.fn} = ${JSON.stringify(result.value)}`);
      for (const d of outcome.diagnostics) log.info(`[${d.code}] ${d.message}`);
      status.update(result, readConfig().decimals);
      return outcome;
    },
  });
  const problems = new ProblemPanel(context.extensionUri);
  context.subscriptions.push(problems);
  // The user's Python runs in this worker (diagnostics, hovers, selection), never on the extension host's thread.
  const snippetWorker = path.join(context.extensionPath, 'dist', 'snippetWorker.js');
  const snippets = new SnippetWorkerClient(
    () => new Worker(snippetWorker, { resourceLimits: SNIPPET_WORKER_RESOURCE_LIMITS }),
  );
  context.subscriptions.push({ dispose: () => snippets.dispose() });
  // Large tensor files are read and computed in this worker, kept between jobs so that it reuses its read buffers.
  const lossWorker = createLossWorkerClient(context);
  context.subscriptions.push({ dispose: () => lossWorker.dispose() });
  const services: Services = { context, log, views, status, problems, snippets, lossWorker, config: readConfig };
  const evaluations = new EvaluationCache((document) => readConfig(document).torchVersion, snippets);
  const diagnostics = new LossDiagnostics(services);
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidCloseTextDocument((d) => evaluations.delete(d)),
    vscode.languages.registerHoverProvider(PYTHON_SELECTOR, new LossHover(services, evaluations, diagnostics)),
    vscode.languages.registerCodeActionsProvider(PYTHON_SELECTOR, new LossCodeActions(diagnostics), LossCodeActions.metadata),
  );
  // A paused debugger: live tensors on request (code lens, context menu, Compute Loss on Selection), and hovers.
  const consent = new LiveConsent();
  const liveLens = new LiveCallCodeLens();
  context.subscriptions.push(
    liveLens,
    vscode.languages.registerCodeLensProvider(PYTHON_SELECTOR, liveLens),
    vscode.languages.registerHoverProvider(PYTHON_SELECTOR, new LiveTensorHover(services)),
  );

  const commands: [string, (...args: never[]) => unknown][] = [
    [CommandIds.computeOnSelection, () => computeOnSelection(services, consent)],
    [CommandIds.computeFromJsonFile, (uri?: vscode.Uri) => computeFromJsonFile(services, uri)],
    [CommandIds.computeFromNpy, (uri?: vscode.Uri) => computeFromNpy(services, uri)],
    [CommandIds.computeFromTensorFile, (uri?: vscode.Uri) => computeFromTensorFile(services, uri)],
    [CommandIds.explainError, (text?: string) => explainPytorchError(services, text)],
    [
      CommandIds.explainLiveCall,
      async (uri?: vscode.Uri, line?: number) => {
        const document = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
        await explainLiveCall(services, consent, document && line ? { document, line } : undefined);
      },
    ],
    [CommandIds.openInspector, () => vscode.commands.executeCommand('lossLens.inspector.focus')],
    [CommandIds.showBreakdown, () => views.panel.show(false)],
    [
      CommandIds.showCallBreakdown,
      async (uri: string, line: number, column: number) => {
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
        const evaluation = await evaluations.get(document);
        const call = evaluation?.calls.find((c) => c.range.line === line && c.range.column === column);
        if (call) await showCall(services, call, document);
      },
    ],
  ];
  for (const [id, run] of commands) context.subscriptions.push(vscode.commands.registerCommand(id, run));
  context.subscriptions.push(registerEvaluatorProbe(snippets));
  return services;
}

/** Nothing to clean up beyond the disposables in `context.subscriptions`. */
export function deactivate(): void {}

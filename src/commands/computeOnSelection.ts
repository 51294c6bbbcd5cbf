/**
 * "Loss Lens: Compute Loss on Selection". Evaluates the loss calls in the selection; when there are none, reads the
 * tensors in it and offers the losses that fit them. Both run in the snippet worker, never on the extension host.
 */
import * as vscode from 'vscode';
import { findLoss } from '../core/losses/index';
import { buildProgramReport } from '../core/report/program-report';
import type { NamedReadResult } from '../core/reader/index';
import { findLiveCall } from '../core/live/call';
import { rowRanges, type SnippetEvaluation } from '../core/snippet/index';
import { pausedFrame, type LiveConsent } from '../liveSession';
import type { ProgramRequest } from '../panel/index';
import { originOf } from '../ranges';
import { displayLocale } from '../providers/localize';
import type { Services } from '../services';
import { assignInputs } from './assignInputs';
import { explainLiveCall } from './explainLiveCall';
import { pickLoss } from './lossPicker';
import { callRequest, pickCall, showCall } from './showCall';
import { showProblem } from './showProblem';

/** The selection (or the whole document when nothing is selected) and where it starts. */
function selectedText(editor: vscode.TextEditor): { text: string; range: vscode.Range } {
  const document = editor.document;
  const range = editor.selection.isEmpty ? new vscode.Range(0, 0, document.lineCount, 0) : editor.selection;
  return { text: document.getText(range), range: document.validateRange(range) };
}

/** Tells one program run (one draw) from another in the views. */
let nextProgramId = 1;

/**
 * The program for the views: its report, the breakdown request of each loss call, and `redraw`, which evaluates the
 * same text again with another seed when the run drew unseeded random numbers.
 */
function programRequest(
  evaluation: SnippetEvaluation,
  document: vscode.TextDocument,
  title: string,
  evaluate: (seed: number) => Promise<SnippetEvaluation | undefined>,
): ProgramRequest {
  const draw = evaluation.randomDraw;
  // Each draw is its own history entry: its title says which seed.
  const drawTitle = draw ? `${title} · ${vscode.l10n.t('seed {0}', draw.seed)}` : title;
  const callRequests = evaluation.calls.map((call) => {
    const request = callRequest(call, document);
    return request && draw
      ? { ...request, title: `${request.title ?? call.fn} · ${vscode.l10n.t('seed {0}', draw.seed)}` }
      : request;
  });
  const request: ProgramRequest = {
    report: buildProgramReport(evaluation, {
      id: `program-${nextProgramId++}`,
      title: drawTitle,
      locale: displayLocale(),
    }),
    callRequests,
    source: document.uri.toString(),
    ...(draw ? { redraw: (seed: number) => redraw(seed) } : {}),
  };
  return request;

  // A draw superseded by a newer one (another click) leaves this one on screen.
  async function redraw(seed: number): Promise<ProgramRequest> {
    const next = await evaluate(seed);
    return next ? programRequest(next, document, title, evaluate) : request;
  }
}

/** The first line of the selection (or the cursor's) that holds a loss call, for a paused debugger. */
function liveCallLine(editor: vscode.TextEditor): number | undefined {
  const text = editor.document.getText();
  const { start, end } = editor.selection;
  for (let line = start.line + 1; line <= Math.min(end.line + 1, start.line + 50); line++) {
    const found = findLiveCall(text, line);
    if (found.ok || found.kind !== 'no-call') return line;
  }
  return undefined;
}

/** Runs the command on the active editor. Resolves when the breakdown is shown (or the person cancelled). */
export async function computeOnSelection(services: Services, consent?: LiveConsent): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select tensors or a loss call first.'));
    return;
  }
  // 0. A paused debugger and a loss call on the selected line: its live tensors (explainLiveCall.ts).
  const liveLine = consent && pausedFrame() ? liveCallLine(editor) : undefined;
  if (consent && liveLine !== undefined) {
    await explainLiveCall(services, consent, { document: editor.document, line: liveLine });
    return;
  }
  const { text, range } = selectedText(editor);
  const origin = originOf(range.start);
  const document = editor.document;
  const title = `${vscode.workspace.asRelativePath(document.uri)}:${range.start.line + 1}`;

  // 1. The loss calls the selection makes, evaluated as PyTorch would, in the worker (a newer run supersedes this);
  // with `seed`, another draw of its random inputs.
  const key = `selection:${document.uri.toString()}`;
  const torchVersion = services.config(document).torchVersion;
  const evaluate = (seed?: number): Promise<SnippetEvaluation | undefined> =>
    services.snippets.run(seed === undefined ? key : `redraw:${document.uri.toString()}`, {
      kind: 'evaluate',
      text,
      options: { origin, torchVersion, ...(seed !== undefined ? { seed } : {}) },
    });
  const evaluation = await evaluate();
  if (!evaluation) return;
  if (evaluation.program) {
    // A whole program ran: what it printed goes to the log, exactly as Python would print it.
    const printed = (evaluation.stdout ?? '') + (evaluation.displayed !== undefined ? `${evaluation.displayed}\n` : '');
    if (printed) services.log.info(`${vscode.l10n.t('Output of the program in {0}:', title)}\n${printed}`);
    if (evaluation.calls.length === 0) {
      const stop = evaluation.diagnostics.find((d) => d.code.startsWith('runtime/') && d.severity !== 'info');
      if (stop) {
        void showProblem(services, stop, document);
        return;
      }
      if (printed && !evaluation.customLosses?.length) {
        services.log.show(true);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('The program ran and made no loss call; what it printed is in the Loss Lens log.'),
        );
      }
    }
    // The breakdown shows the whole program: its output, every loss call (a picker), its hand-written losses.
    if (printed || evaluation.calls.length > 0 || evaluation.customLosses?.length) {
      const program = programRequest(evaluation, document, title, evaluate);
      const call =
        evaluation.calls.length > 0 ? await pickCall(evaluation.calls, services.config(document).decimals) : undefined;
      if (evaluation.calls.length > 0 && !call) return;
      const index = call ? evaluation.calls.indexOf(call) : -1;
      if (call && program.callRequests[index] === undefined) {
        // PyTorch rejects the chosen call (or its values are unknown): the problem, as before.
        await showCall(services, call, document);
        return;
      }
      await services.views.showProgram(program, index >= 0 ? index : undefined);
      return;
    }
  }
  if (evaluation.calls.length > 0) {
    const call = await pickCall(evaluation.calls, services.config(document).decimals);
    if (call) await showCall(services, call, document);
    return;
  }

  // 2. No loss call: the tensors it holds, and a choice of loss.
  const read = await services.snippets.run(key, { kind: 'readTensors', text, origin });
  if (!read) return;
  if ('error' in read) {
    void showProblem(services, read.error, document);
    return;
  }
  const tensors: NamedReadResult[] = read.filter((t) => t.kind === 'tensor');
  if (tensors.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'No tensors or loss calls found in the selection. Select tensor literals such as torch.tensor([[1., 0.], [0., 1.]]) or a snippet with a loss call.',
      ),
    );
    return;
  }
  const choice = await pickLoss(
    services.context.workspaceState,
    tensors.map((t) => t.tensor),
    services.config(document).defaultLoss,
  );
  if (!choice) return;
  const def = findLoss(choice.loss.name)!;
  const { inputs, used } = assignInputs(def.inputs, tensors);
  const first = used[0] !== undefined ? tensors[used[0]] : undefined;
  const rows = first ? rowRanges(document.getText(), first.range) : [];
  await services.views.show({
    fn: def.name,
    inputs,
    options: choice.options,
    title,
    source: document.uri.toString(),
    ...(rows.length > 0 && rows.length === first?.tensor.shape[0] ? { sampleRanges: rows } : {}),
  });
}

/**
 * "Loss Lens: Compute Loss on Selection". Evaluates the loss calls in the selection; when there are none, reads the
 * tensors in it and offers the losses that fit them. Both run in the snippet worker, never on the extension host.
 */
import * as vscode from 'vscode';
import { findLoss } from '../core/losses/index';
import type { NamedReadResult } from '../core/reader/index';
import { rowRanges } from '../core/snippet/index';
import { originOf } from '../ranges';
import type { Services } from '../services';
import { assignInputs } from './assignInputs';
import { pickLoss } from './lossPicker';
import { pickCall, showCall } from './showCall';
import { showProblem } from './showProblem';

/** The selection (or the whole document when nothing is selected) and where it starts. */
function selectedText(editor: vscode.TextEditor): { text: string; range: vscode.Range } {
  const document = editor.document;
  const range = editor.selection.isEmpty ? new vscode.Range(0, 0, document.lineCount, 0) : editor.selection;
  return { text: document.getText(range), range: document.validateRange(range) };
}

/** Runs the command on the active editor. Resolves when the breakdown is shown (or the person cancelled). */
export async function computeOnSelection(services: Services): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open a file and select tensors or a loss call first.'));
    return;
  }
  const { text, range } = selectedText(editor);
  const origin = originOf(range.start);
  const document = editor.document;
  const title = `${vscode.workspace.asRelativePath(document.uri)}:${range.start.line + 1}`;

  // 1. The loss calls the selection makes, evaluated as PyTorch would (in the worker; a newer run supersedes this).
  const key = `selection:${document.uri.toString()}`;
  const evaluation = await services.snippets.run(key, {
    kind: 'evaluate',
    text,
    options: { origin, torchVersion: services.config(document).torchVersion },
  });
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
      if (printed) {
        services.log.show(true);
        void vscode.window.showInformationMessage(
          vscode.l10n.t('The program ran and made no loss call; what it printed is in the Loss Lens log.'),
        );
        return;
      }
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

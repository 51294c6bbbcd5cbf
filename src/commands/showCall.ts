/**
 * Shows the breakdown of one evaluated loss call of a snippet (from the selection command or a hover's link).
 */
import * as vscode from 'vscode';
import { firstArgumentRange, rowRanges, type SnippetCall } from '../core/snippet/index';
import type { ComputeRequest } from '../panel/index';
import { localize } from '../providers/localize';
import type { Services } from '../services';
import { showProblem } from './showProblem';

/** What to compute for the breakdown of `call`, or `undefined` when it has no value (rejected, or values unknown). */
export function callRequest(call: SnippetCall, document: vscode.TextDocument): ComputeRequest | undefined {
  if (!call.result || !call.computed) return undefined;
  // Each sample's row in the source, when the input is written as a literal (for "click a sample to reveal it").
  const text = document.getText();
  const input = firstArgumentRange(text, call.range);
  const rows = input ? rowRanges(text, input) : [];
  return {
    ...(rows.length === call.result.perSample.length ? { sampleRanges: rows } : {}),
    fn: call.fn,
    inputs: call.computed.inputs,
    options: call.computed.options,
    title: `${vscode.workspace.asRelativePath(document.uri)}:${call.range.line}`,
    source: document.uri.toString(),
  };
}

/** Opens the breakdown of `call`, or tells why it has none (PyTorch rejects it, or values are unknown). */
export async function showCall(services: Services, call: SnippetCall, document: vscode.TextDocument): Promise<void> {
  const request = callRequest(call, document);
  if (request) {
    await services.views.show(request);
    return;
  }
  const problem = call.diagnostics.find((d) => d.severity === 'error') ?? call.diagnostics[0];
  if (problem) {
    void showProblem(services, problem, document);
    return;
  }
  services.problems.show(vscode.l10n.t('No value to show'), [
    {
      message: `${call.fn}(…)`,
      cause: vscode.l10n.t(
        '{0} at line {1}: its tensors are not all known here (random, or computed elsewhere), so there is no value to show.',
        call.fn,
        call.range.line,
      ),
      fix: vscode.l10n.t(
        'Select a snippet whose tensors are written out (torch.tensor([...])), or paste the printed values of the random tensors.',
      ),
      where: `${vscode.workspace.asRelativePath(document.uri)}:${call.range.line}:${call.range.column}`,
    },
  ]);
}

/** The call to show when a selection holds several: asks, listing each with its value or problem. */
export async function pickCall(calls: readonly SnippetCall[], decimals: number): Promise<SnippetCall | undefined> {
  if (calls.length === 1) return calls[0];
  const items = calls.map((call) => {
    const error = call.diagnostics.find((d) => d.severity === 'error');
    const value =
      call.result && typeof call.result.value === 'number' ? call.result.value.toFixed(decimals) : undefined;
    return {
      label: `${call.fn}`,
      description: vscode.l10n.t('line {0}', call.range.line),
      detail: value ?? (error ? localize(error).message : vscode.l10n.t('values unknown')),
      call,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Loss Lens: several loss calls — choose one'),
  });
  return picked?.call;
}

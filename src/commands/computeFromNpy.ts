/**
 * "Loss Lens: Compute Loss from .npy Files": from the explorer's context menu on a .npy file (the input: logits,
 * probabilities, predictions). Asks for the target .npy with a file picker and for the loss, then computes: small
 * arrays right here with the full breakdown, large ones in a worker as a summary.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LossLensError } from '../core/diagnostics';
import { findLoss } from '../core/losses/index';
import { SUMMARY_THRESHOLD_BYTES } from '../core/report/summary';
import { readNpy } from '../core/npy';
import { readRegularFile } from '../safeFile';
import type { Services } from '../services';
import { computeLarge, pickLoss } from './computeLarge';
import { isRegularFile } from './fileLimits';
import { showProblem } from './showProblem';
import { errorText } from '../providers/localize';

/** Refuses a file over lossLens.maxFileSizeMB before reading it; returns its size, or undefined when refused. */
export async function sizeWithinLimit(services: Services, uri: vscode.Uri): Promise<number | undefined> {
  const limitMB = services.config(uri).maxFileSizeMB;
  const { size, type } = await vscode.workspace.fs.stat(uri);
  if (!isRegularFile(type)) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        '{0} is not a regular file (a folder, a device or a pipe): Loss Lens reads only regular files.',
        path.basename(uri.fsPath),
      ),
    );
    return undefined;
  }
  if (size > limitMB * 1024 * 1024) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t(
        '{0} is {1} MB, over the lossLens.maxFileSizeMB limit of {2} MB. Raise the setting to read it.',
        path.basename(uri.fsPath),
        (size / 1048576).toFixed(1),
        limitMB,
      ),
    );
    return undefined;
  }
  return size;
}

/** Computes a loss from a .npy input (`uri`, from the explorer) and a target .npy the person picks. */
export async function computeFromNpy(services: Services, uri?: vscode.Uri): Promise<void> {
  const filters = { [vscode.l10n.t('NumPy arrays')]: ['npy'] };
  const input =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters,
        title: vscode.l10n.t('Choose the input .npy (logits, probabilities or predictions)'),
      })
    )?.[0];
  if (!input) return;
  if (input.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens reads .npy files from the local disk only.'));
    return;
  }
  const target = (
    await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters,
      defaultUri: vscode.Uri.file(path.dirname(input.fsPath)),
      openLabel: vscode.l10n.t('Use as target'),
      title: vscode.l10n.t('Choose the target .npy for {0}', path.basename(input.fsPath)),
    })
  )?.[0];
  if (!target) return;
  const inputSize = await sizeWithinLimit(services, input);
  const targetSize = inputSize === undefined ? undefined : await sizeWithinLimit(services, target);
  if (inputSize === undefined || targetSize === undefined) return;
  const loss = await pickLoss(services, input);
  if (!loss) return;
  if (inputSize + targetSize > SUMMARY_THRESHOLD_BYTES) {
    await computeLarge(
      services,
      async () => ({ source: { kind: 'npy', input: input.fsPath, target: target.fsPath }, transfer: [] }),
      input,
      loss,
    );
    return;
  }
  let inputs;
  try {
    // Read without blocking this thread; the size was checked above and is under the worker's threshold.
    const maxBytes = services.config(input).maxFileSizeMB * 1024 * 1024;
    const [inputBytes, targetBytes] = await Promise.all([
      readRegularFile(input.fsPath, maxBytes),
      readRegularFile(target.fsPath, maxBytes),
    ]);
    inputs = {
      input: readNpy(inputBytes, path.basename(input.fsPath)),
      target: readNpy(targetBytes, path.basename(target.fsPath)),
    };
  } catch (e) {
    if (e instanceof LossLensError) {
      void showProblem(services, e.diagnostic, undefined);
      return;
    }
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', errorText(e)));
    return;
  }
  await services.views.show({
    fn: findLoss(loss)?.name ?? loss,
    inputs,
    options: {},
    title: `${vscode.workspace.asRelativePath(input)} · ${path.basename(target.fsPath)}`,
    source: input.toString(),
  });
}

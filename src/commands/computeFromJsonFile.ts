/**
 * "Loss Lens: Compute Loss from JSON File": from the explorer, the editor title or the palette.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LossLensError } from '../core/diagnostics';
import { member, parseJson } from '../core/json/parse';
import { readTensorFile } from '../core/json/tensorFile';
import { findLoss } from '../core/losses/index';
import { SUMMARY_THRESHOLD_BYTES } from '../core/report/summary';
import { resolveNpyRelativeToAsync } from '../files';
import { regularFileSize, resolveNamedFile } from '../safeFile';
import type { Services } from '../services';
import { computeLarge, jsonSource } from './computeLarge';
import { fileLimits, isRegularFile } from './fileLimits';
import { showProblem } from './showProblem';

/** Computes the loss a JSON tensor file describes; `uri` comes from the explorer, else the active editor. */
export async function computeFromJsonFile(services: Services, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Choose a JSON tensor file in the explorer or open one first.'));
    return;
  }
  const limitMB = services.config(target).maxFileSizeMB;
  const stat = await vscode.workspace.fs.stat(target);
  if (!isRegularFile(stat.type)) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} is not a regular file (a folder, a device or a pipe): Loss Lens reads only regular files.', path.basename(target.fsPath)),
    );
    return;
  }
  if (stat.size > limitMB * 1024 * 1024) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('{0} is {1} MB, over the lossLens.maxFileSizeMB limit of {2} MB. Raise the setting to read it.', path.basename(target.fsPath), (stat.size / 1048576).toFixed(1), limitMB),
    );
    return;
  }
  // Large files are read, parsed and computed in a worker (a summary, with progress), never opened here.
  if (stat.size > SUMMARY_THRESHOLD_BYTES) return computeLarge(services, jsonSource(target), target);
  const document = await vscode.workspace.openTextDocument(target);
  const limits = fileLimits(services, target);
  let file;
  try {
    file = readTensorFile(document.getText());
    if (target.scheme === 'file' && file.npy) {
      // The files it names are checked (regular, within the limits, inside the workspace) before any is read; big
      // ones go to the worker like a big JSON file, and small ones are read without blocking this thread.
      let named = 0;
      for (const { path: p } of Object.values(file.npy)) named += await regularFileSize(resolveNamedFile(target.fsPath, p, limits.root), limits.maxBytes).catch(() => 0);
      if (stat.size + named > SUMMARY_THRESHOLD_BYTES) return computeLarge(services, jsonSource(target), target);
      file = await resolveNpyRelativeToAsync(file, target.fsPath, limits);
    }
  } catch (e) {
    if (e instanceof LossLensError) {
      void showProblem(services, e.diagnostic, document);
      return;
    }
    throw e;
  }
  let loss = file.loss;
  if (!loss) {
    loss = await vscode.window.showQuickPick(
      [services.config(target).defaultLoss, 'cross_entropy', 'nll_loss', 'binary_cross_entropy_with_logits', 'binary_cross_entropy', 'mse_loss'].filter((v, i, a) => a.indexOf(v) === i),
      { title: vscode.l10n.t('The file names no loss: choose one') },
    );
    if (!loss) return;
  }
  const def = findLoss(loss);
  // Each sample's row in the file, for "click a sample to reveal it" (the file parsed above, so this cannot fail).
  const input = member(parseJson(document.getText()), 'input');
  const data = input?.kind === 'object' ? member(input, 'data') : input;
  const rows = data?.kind === 'array' ? data.items.map((i) => i.range) : [];
  await services.views.show({
    fn: def?.name ?? loss,
    inputs: file.inputs,
    options: file.options,
    title: vscode.workspace.asRelativePath(target),
    ...(file.classes ? { classNames: file.classes } : {}),
    ...(rows.length > 0 ? { sampleRanges: rows } : {}),
    source: target.toString(),
    torchVersion: file.torchVersion ?? services.config(target).torchVersion,
  });
}

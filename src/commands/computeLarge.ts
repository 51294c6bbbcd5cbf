/**
 * Large inputs (a JSON tensor file over 5 MB, or .npy files): read, parsed and computed in a worker thread behind a
 * cancellable progress notification, then shown as a summary (worst samples, histogram, confusion matrix, classes)
 * whose rows are computed page by page. What-if changes recompute in a worker too. The extension host only waits.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findLoss } from '../core/losses/index';
import type { LossInputs } from '../core/losses/types';
import type { ComputeFn, ComputeOutcome } from '../panel/session';
import { localize, localizeResult, localizeSummary, errorText } from '../providers/localize';
import type { Services } from '../services';
import { runWorkerJobWithProgress, WorkerFailure, type WorkerAnswer } from '../worker/client';
import { HeldInputs } from '../worker/heldInputs';
import type { WorkerJob, WorkerSource } from '../worker/messages';
import { fileLimits } from './fileLimits';
import { showProblem } from './showProblem';

/** The losses offered when a file names none, the configured default first. */
function lossChoices(services: Services, scope: vscode.Uri): string[] {
  return [
    services.config(scope).defaultLoss,
    'cross_entropy',
    'nll_loss',
    'binary_cross_entropy_with_logits',
    'binary_cross_entropy',
    'mse_loss',
  ].filter((v, i, a) => a.indexOf(v) === i);
}

/** Asks for the loss of a file that names none. */
export async function pickLoss(services: Services, scope: vscode.Uri): Promise<string | undefined> {
  return vscode.window.showQuickPick(lossChoices(services, scope), {
    title: vscode.l10n.t('The file names no loss: choose one'),
  });
}

/** How the worker's large reads went, for the log: ` (2 buffers reused, 0 new)`, a file kept from before, or nothing. */
function readBuffers(answer: WorkerAnswer): string {
  if (answer.fromKept) return ' (the unchanged file, as the worker parsed it before)';
  const b = answer.readBuffers;
  return b && b.reused + b.allocated > 0 ? ` (${b.reused} buffers reused, ${b.allocated} new)` : '';
}

/** Runs one worker job, showing a problem with the input as an error message; `undefined` when cancelled or failed. */
async function runJob(
  services: Services,
  job: WorkerJob,
  title: string,
  transfer: readonly ArrayBuffer[] = [],
): Promise<WorkerAnswer | undefined> {
  const started = Date.now();
  try {
    const answer = await runWorkerJobWithProgress(services.lossWorker, job, title, transfer);
    if (answer)
      services.log.info(
        `${title}: read ${answer.readMs.toFixed(0)} ms${readBuffers(answer)}, computed ${answer.computeMs.toFixed(0)} ms, ${Date.now() - started} ms in all (worker)`,
      );
    else services.log.info(`${title}: cancelled`);
    return answer;
  } catch (e) {
    if (e instanceof WorkerFailure && e.diagnostic) {
      // No document is opened for a big file: the message carries its line:column.
      void showProblem(services, e.diagnostic, undefined);
      return undefined;
    }
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', errorText(e)));
    return undefined;
  }
}

/** The large inputs each panel session holds, by file (one per session: its history is what holds them). */
const heldBySession = new WeakMap<object, HeldInputs>();

function heldInputs(services: Services): HeldInputs {
  const session = services.views.session;
  let held = heldBySession.get(session);
  if (!held) {
    held = new HeldInputs();
    heldBySession.set(session, held);
  }
  return held;
}

/** What a worker reads for a job, and the buffers handed over with it. */
export type SourceFactory = () => Promise<{ readonly source: WorkerSource; readonly transfer: readonly ArrayBuffer[] }>;

/** The worker source of a JSON tensor file: its path on disk, or (a non-file workspace) its bytes read here. */
export function jsonSource(uri: vscode.Uri): SourceFactory {
  return async () => {
    if (uri.scheme === 'file') return { source: { kind: 'json', path: uri.fsPath }, transfer: [] };
    const read = await vscode.workspace.fs.readFile(uri);
    // An exclusively owned buffer, so it can be transferred.
    const bytes = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read : read.slice();
    return { source: { kind: 'jsonBytes', path: uri.fsPath, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  };
}

/**
 * Computes a large input in a worker and shows it. `read` says what the worker reads (each job reads afresh, but an
 * unchanged JSON file the worker parsed last is not read again); `uri` is the file the person chose (for the title,
 * the settings and the snippet); `loss` is the loss when known.
 */
export async function computeLarge(
  services: Services,
  read: SourceFactory,
  uri: vscode.Uri,
  loss?: string,
): Promise<void> {
  const title = vscode.l10n.t('Loss Lens: {0}', path.basename(uri.fsPath));
  const limits = fileLimits(services, uri);
  const job = async (fields: Omit<WorkerJob, 'source'>): Promise<WorkerAnswer | undefined> => {
    const { source, transfer } = await read();
    // The tensors of this file the host may already hold (a previous computation in the history): the worker leaves
    // them out of its answer when the file is unchanged.
    const jsonPath = fields.returnInputs && source.kind === 'json' ? source.path : undefined;
    const held = jsonPath !== undefined ? heldInputs(services).get(jsonPath) : undefined;
    const answer = await runJob(
      services,
      {
        ...fields,
        ...(held ? { heldStamp: held.stamp } : {}),
        source,
        limits,
        torchVersion: services.config(uri).torchVersion,
      },
      title,
      transfer,
    );
    if (!answer || jsonPath === undefined) return answer;
    const inputs = heldInputs(services).settle(jsonPath, held, answer);
    return inputs === answer.inputs ? answer : { ...answer, ...(inputs ? { inputs } : {}) };
  };
  let answer = await job({ ...(loss ? { loss } : {}), returnInputs: true });
  if (!answer) return;
  let fn = loss ?? answer.file.loss;
  if (fn === undefined) {
    fn = await pickLoss(services, uri);
    if (!fn) return;
    answer = await job({ loss: fn, returnInputs: true });
    if (!answer) return;
  }
  // The worker computes in English: its results' wording and its diagnostics follow the display language here.
  let first: ComputeOutcome | undefined = {
    results: answer.results.map(localizeResult),
    summaries: answer.summaries.map(localizeSummary),
    diagnostics: answer.diagnostics.map(localize),
  };
  const compute: ComputeFn = async (request) => {
    if (first) {
      const outcome = first;
      first = undefined;
      return outcome;
    }
    // A what-if change: the worker reads the input again (or keeps the unchanged JSON file it parsed) and computes
    // with the new loss and options.
    const again = await job({ loss: request.fn, options: request.options, returnInputs: false });
    if (!again) {
      return {
        results: [],
        diagnostics: [
          {
            line: 1,
            column: 1,
            endLine: 1,
            endColumn: 1,
            severity: 'error',
            code: 'worker/cancelled',
            message: vscode.l10n.t('The computation was cancelled.'),
          },
        ],
      };
    }
    return {
      results: again.results.map(localizeResult),
      summaries: again.summaries.map(localizeSummary),
      diagnostics: again.diagnostics.map(localize),
    };
  };
  const inputs: LossInputs = answer.inputs ?? {};
  await services.views.show({
    fn: findLoss(fn)?.name ?? fn,
    inputs,
    options: answer.file.options,
    title: vscode.workspace.asRelativePath(uri),
    ...(answer.file.classes ? { classNames: answer.file.classes } : {}),
    source: uri.toString(),
    compute,
  });
}

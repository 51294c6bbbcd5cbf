/**
 * "Loss Lens: Compute Loss from Tensor File": from the explorer's context menu on a .pt/.pth (torch.save),
 * .safetensors or .npz file. Lists the tensors inside (name, shape, dtype), proposes which is the input and which the
 * target from their shapes, dtypes and names, asks for the loss, then computes: small tensors right here with the
 * full breakdown, large files in a worker as a summary, as the .npy command does.
 *
 * A .pt file is read like torch.load(weights_only=True): a file that asks for anything but tensors and containers is
 * refused with the name of what it asked for, and nothing in it is run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeEntry, type TensorInfo } from '../core/io/index';
import { proposeRoles } from '../core/io/roles';
import { findLoss } from '../core/losses/index';
import { SUMMARY_THRESHOLD_BYTES } from '../core/report/summary';
import type { Services } from '../services';
import type { ArchiveListing } from '../worker/snippetMessages';
import { computeLarge, pickLoss } from './computeLarge';
import { sizeWithinLimit } from './computeFromNpy';
import { showProblem } from './showProblem';
import { errorText } from '../providers/localize';

/** The extensions this command reads. */
export const TENSOR_FILE_EXTENSIONS = ['pt', 'pth', 'safetensors', 'npz'];

interface EntryItem extends vscode.QuickPickItem {
  readonly entry: TensorInfo;
}

/** A QuickPick row for a tensor: its key, `[64, 10] float32`, and a mark on the proposed one. */
function itemFor(entry: TensorInfo, proposed: boolean): EntryItem {
  const name = entry.key === '' ? vscode.l10n.t('(the whole file)') : entry.key;
  return {
    label: proposed ? `$(star-full) ${name}` : name,
    description: describeEntry(entry),
    ...(entry.dtype === undefined
      ? { detail: vscode.l10n.t('Loss Lens cannot compute with {0} tensors', entry.dtypeName) }
      : proposed
        ? { detail: vscode.l10n.t('Proposed from the shapes, dtypes and names') }
        : {}),
    entry,
  };
}

/** Asks for one tensor of the file, the proposed one first. */
async function pickEntry(
  archive: ArchiveListing,
  proposed: string | undefined,
  exclude: string | undefined,
  title: string,
): Promise<TensorInfo | undefined> {
  const entries = archive.entries.filter((e) => e.key !== exclude);
  const items = entries
    .map((e) => itemFor(e, e.key === proposed))
    .sort((a, b) => Number(b.entry.key === proposed) - Number(a.entry.key === proposed));
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, ignoreFocusOut: true });
  return picked?.entry;
}

/** What the file says besides its tensors (safetensors metadata, plain values of a .pt), for the picker's title. */
function fileNotes(archive: ArchiveListing): string {
  const notes = { ...(archive.metadata ?? {}), ...(archive.values ?? {}) };
  const text = Object.entries(notes)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return text ? ` (${text})` : '';
}

/** Computes a loss from the tensors inside a .pt/.safetensors/.npz file (`uri`, from the explorer, or picked). */
export async function computeFromTensorFile(services: Services, uri?: vscode.Uri): Promise<void> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        filters: { [vscode.l10n.t('Tensor files')]: TENSOR_FILE_EXTENSIONS },
        title: vscode.l10n.t('Choose a tensor file (.pt, .safetensors, .npz)'),
      })
    )?.[0];
  if (!file) return;
  if (file.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens reads tensor files from the local disk only.'));
    return;
  }
  const size = await sizeWithinLimit(services, file);
  if (size === undefined) return;
  const name = path.basename(file.fsPath);
  // The file is read and parsed in the snippet worker (a zip to inflate, a pickle to walk): never on the host.
  const maxBytes = services.config(file).maxFileSizeMB * 1024 * 1024;
  const key = `tensorFile:${file.toString()}`;
  let listed;
  try {
    listed = await services.snippets.run(key, { kind: 'listArchive', path: file.fsPath, maxBytes });
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', errorText(e)));
    return;
  }
  if (!listed) return;
  if ('error' in listed) {
    void showProblem(services, listed.error, undefined);
    return;
  }
  const archive = listed;
  if (archive.entries.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} holds no tensors.', name));
    return;
  }
  services.log.info(`${name}: ${archive.entries.map((e) => `${e.key || '(file)'} ${describeEntry(e)}`).join('; ')}`);
  const proposal = proposeRoles(archive.entries);
  const input = await pickEntry(
    archive,
    proposal.input,
    undefined,
    vscode.l10n.t('Input of the loss (logits, probabilities or predictions) from {0}{1}', name, fileNotes(archive)),
  );
  if (!input) return;
  const target =
    archive.entries.length === 1
      ? undefined
      : await pickEntry(
          archive,
          proposal.input === input.key ? proposal.target : undefined,
          input.key,
          vscode.l10n.t('Target of the loss (class indices or values) from {0}', name),
        );
  if (!target && archive.entries.length > 1) return;
  const loss = await pickLoss(services, file);
  if (!loss) return;
  const title = `${vscode.workspace.asRelativePath(file)} · ${input.key}${target ? ` · ${target.key}` : ''}`;
  if (size > SUMMARY_THRESHOLD_BYTES) {
    await computeLarge(
      services,
      async () => ({
        source: {
          kind: 'tensorFiles',
          input: { path: file.fsPath, key: input.key },
          ...(target ? { target: { path: file.fsPath, key: target.key } } : {}),
        },
        transfer: [],
      }),
      file,
      loss,
    );
    return;
  }
  let loaded;
  try {
    loaded = await services.snippets.run(key, {
      kind: 'loadArchive',
      path: file.fsPath,
      maxBytes,
      keys: target ? [input.key, target.key] : [input.key],
    });
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Loss Lens: {0}', errorText(e)));
    return;
  }
  if (!loaded) return;
  if ('error' in loaded) {
    void showProblem(services, loaded.error, undefined);
    return;
  }
  const [inputTensor, targetTensor] = loaded.tensors;
  const inputs = { input: inputTensor!, ...(targetTensor ? { target: targetTensor } : {}) };
  await services.views.show({
    fn: findLoss(loss)?.name ?? loss,
    inputs,
    options: {},
    title,
    source: file.toString(),
  });
}

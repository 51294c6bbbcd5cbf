/**
 * The QuickPick path of "Compute Loss on Selection": when the selection holds tensors but no loss call, offer the
 * losses (likely ones first, from the tensors' shapes and dtypes), then the options that matter, remembered per
 * workspace.
 */
import * as vscode from 'vscode';
import { LOSSES } from '../core/losses/index';
import type { LossDefinition, LossOptions, OptionValue } from '../core/losses/types';
import { localizeText } from '../core/i18n/index';
import { suggestLosses } from '../core/suggest';
import { displayLocale } from '../providers/localize';
import type { Tensor } from '../core/tensor';
import { tensorFrom } from '../core/tensor';

/** The options a person usually sets, in the order the picker lists them. */
const EDITABLE_OPTIONS = ['reduction', 'weight', 'pos_weight', 'ignore_index', 'label_smoothing', 'margin', 'beta', 'delta', 'p', 'eps', 'log_target', 'log_input', 'full', 'swap', 'blank', 'zero_infinity'];

const REDUCTIONS: Record<string, readonly string[]> = { kl_div: ['mean', 'batchmean', 'sum', 'none'] };

/** What the person chose. */
export interface LossChoice {
  readonly loss: LossDefinition;
  readonly options: LossOptions;
}

function stateKey(loss: string): string {
  return `lossLens.options.${loss}`;
}

function describeOption(value: OptionValue | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'object') return `[${Array.from(value.data).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** Parses what a person types for an option: a number, True/False, None, a quoted string or a list (a tensor). */
export function parseOptionInput(text: string, previous: OptionValue | undefined): OptionValue | Error {
  const t = text.trim();
  if (t === '' || t === 'None' || t === 'null') return null;
  if (t === 'True' || t === 'true') return true;
  if (t === 'False' || t === 'false') return false;
  if (/^\[.*\]$/s.test(t)) {
    const values = t
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(Number);
    if (values.some((v) => Number.isNaN(v))) return new Error(vscode.l10n.t('Write a list of numbers, e.g. [1.0, 2.0, 0.5].'));
    return tensorFrom(values, [values.length], 'float32');
  }
  const n = Number(t);
  if (!Number.isNaN(n)) return typeof previous === 'boolean' ? n !== 0 : n;
  return t.replace(/^['"]|['"]$/g, '');
}

/** Shows the loss QuickPick for the first two tensors; resolves undefined when cancelled. */
export async function pickLoss(
  state: vscode.Memento,
  tensors: readonly Tensor[],
  defaultLoss: string,
): Promise<LossChoice | undefined> {
  const ranked = suggestLosses(LOSSES, tensors[0], tensors[1]);
  // The configured default goes first when nothing points elsewhere.
  if ((ranked[0]?.score ?? 0) === 0) {
    const i = ranked.findIndex((s) => s.loss.name === defaultLoss);
    if (i > 0) ranked.unshift(...ranked.splice(i, 1));
  }
  type Item = vscode.QuickPickItem & { loss?: LossDefinition };
  const likely = ranked.filter((s) => s.score > 0);
  const others = ranked.filter((s) => s.score === 0);
  const items: Item[] = [];
  const locale = displayLocale();
  const add = (list: typeof ranked, label: string): void => {
    if (list.length === 0) return;
    items.push({ label, kind: vscode.QuickPickItemKind.Separator });
    for (const s of list) {
      const summary = localizeText(s.loss.summary, locale);
      items.push({ label: s.loss.name, description: s.loss.moduleName, detail: s.reason ? `${summary} — ${localizeText(s.reason, locale)}` : summary, loss: s.loss });
    }
  };
  add(likely, vscode.l10n.t('Likely for these tensors'));
  add(others, vscode.l10n.t('Other losses'));
  const shapes = tensors.slice(0, 2).map((t) => `[${t.shape.join(', ')}] ${t.dtype}`).join(' · ');
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Loss Lens: choose a loss'),
    placeHolder: vscode.l10n.t('Tensors: {0}', shapes),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked?.loss) return undefined;
  const options = await pickOptions(state, picked.loss);
  return options ? { loss: picked.loss, options } : undefined;
}

/** The options step: a list of "name = value" rows plus "Compute"; choosing a row edits it. */
async function pickOptions(state: vscode.Memento, loss: LossDefinition): Promise<LossOptions | undefined> {
  const remembered = state.get<Record<string, OptionValue>>(stateKey(loss.name), {});
  const options: Record<string, OptionValue> = {};
  for (const name of EDITABLE_OPTIONS) {
    if (!(name in loss.defaults)) continue;
    const saved = remembered[name];
    // Remembered tensors were stored as plain arrays.
    options[name] = Array.isArray(saved) ? tensorFrom(saved as number[], [(saved as number[]).length], 'float32') : saved !== undefined ? saved : loss.defaults[name]!;
  }
  const names = Object.keys(options);
  if (names.length === 0) return {};
  for (;;) {
    type Item = vscode.QuickPickItem & { option?: string; compute?: boolean };
    const items: Item[] = [
      { label: `$(play) ${vscode.l10n.t('Compute')}`, description: vscode.l10n.t('with these options'), compute: true },
      ...names.map((name) => ({ label: name, description: describeOption(options[name]), option: name })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('{0}: options', loss.moduleName), placeHolder: vscode.l10n.t('Pick an option to change it, or Compute') });
    if (!picked) return undefined;
    if (picked.compute) break;
    const name = picked.option!;
    if (name === 'reduction') {
      const choice = await vscode.window.showQuickPick([...(REDUCTIONS[loss.name] ?? ['mean', 'sum', 'none'])], { title: 'reduction' });
      if (choice) options[name] = choice;
      continue;
    }
    const typed = await vscode.window.showInputBox({
      title: name,
      value: describeOption(options[name]).replace(/^'|'$/g, ''),
      prompt: vscode.l10n.t('A number, True/False, None, or a list such as [1.0, 2.0]'),
      validateInput: (text) => {
        const v = parseOptionInput(text, options[name]);
        return v instanceof Error ? v.message : undefined;
      },
    });
    if (typed === undefined) continue;
    const value = parseOptionInput(typed, options[name]);
    if (!(value instanceof Error)) options[name] = value;
  }
  const toStore = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v !== null && typeof v === 'object' ? Array.from(v.data) : v]));
  await state.update(stateKey(loss.name), toStore);
  return options;
}

/**
 * Hovers: on a tensor variable or literal, its shape, dtype and statistics; on a loss call, its value and a link that
 * opens the breakdown.
 */
import * as vscode from 'vscode';
import type { SourceRange } from '../core/diagnostics';
import { formatValue } from '../core/report/format';
import { describeCallArguments } from '../core/runtime/shape-mode';
import type { CheckedCall, SnippetTensor } from '../core/snippet/index';
import { flatten, tensorStats } from '../core/stats';
import { toVscodeRange } from '../ranges';
import type { Services } from '../services';
import type { EvaluationCache } from './documents';
import { isCheckable } from './documents';
import { displayLocale, localize } from './localize';

/** Where the hover finds what the last check (shape mode) knew of a loss call's arguments. */
export interface CheckedCalls {
  checkedCallAt(document: vscode.TextDocument, position: vscode.Position): CheckedCall | undefined;
}

/** The arguments' inferred shapes and dtypes as a hover line (`input [B, 10] float32 · target [B] int64`). */
function appendShapes(md: vscode.MarkdownString, checked: CheckedCall | undefined): void {
  if (!checked || checked.args.length === 0) return;
  md.appendMarkdown('\n\n');
  md.appendText(describeCallArguments(checked.args, displayLocale()));
}

function contains(range: SourceRange, position: vscode.Position): boolean {
  return toVscodeRange(range).contains(position);
}

function preview(value: ReturnType<typeof flatten>, max = 8, decimals = 4): string {
  const shown = value.slice(0, max).map((v) => formatValue(v, decimals));
  return `[${shown.join(', ')}${value.length > max ? ', …' : ''}]`;
}

/** The hover text of a tensor (Markdown with every user string escaped). */
export function tensorHover(t: SnippetTensor, decimals: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const shape = t.shape ? `[${t.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '?';
  md.appendMarkdown(`**`);
  md.appendText(t.name);
  md.appendMarkdown(`** — ${vscode.l10n.t('tensor')} \`${shape}\` \`${t.dtype ?? '?'}\`\n\n`);
  if (t.value !== undefined) {
    const values = flatten(t.value);
    const s = tensorStats(values, t.shape?.[t.shape.length - 1] ?? undefined);
    md.appendMarkdown(
      `| min | max | mean | std |\n|---:|---:|---:|---:|\n| ${formatValue(s.min, decimals)} | ${formatValue(s.max, decimals)} | ${formatValue(s.mean, decimals)} | ${formatValue(s.std, decimals)} |\n\n`,
    );
    if (s.nanCount || s.infCount)
      md.appendMarkdown(`⚠ ${vscode.l10n.t('{0} nan, {1} inf', s.nanCount, s.infCount)}\n\n`);
    if (s.rowsSumToOne && (t.shape?.length ?? 0) >= 1)
      md.appendMarkdown(
        `${vscode.l10n.t('Every row sums to 1: these look like probabilities (after a softmax), not logits.')}\n\n`,
      );
    md.appendCodeblock(preview(values, 8, decimals), 'python');
  } else {
    md.appendMarkdown(vscode.l10n.t('Values unknown here (random or computed elsewhere); the shape flows through.'));
  }
  return md;
}

/** Hovers for Python documents. */
export class LossHover implements vscode.HoverProvider {
  constructor(
    private readonly services: Services,
    private readonly cache: EvaluationCache,
    private readonly checked?: CheckedCalls,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    token?: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const config = this.services.config(document);
    if (!config.hoverEnabled || !isCheckable(document)) return undefined;
    // Evaluated in the snippet worker; the host only looks the answer up.
    const evaluation = await this.cache.get(document);
    if (!evaluation || token?.isCancellationRequested) return undefined;
    // The tensor under the cursor wins over the call around it: the variable's last assignment above the cursor,
    // or the literal the cursor is in.
    const word = document.getWordRangeAtPosition(position);
    const name = word ? document.getText(word) : undefined;
    const before = evaluation.tensors.filter((t) => toVscodeRange(t.range).start.isBeforeOrEqual(position));
    const tensor =
      [...before].reverse().find((t) => t.name === name) ??
      [...evaluation.tensors].reverse().find((t) => contains(t.range, position));
    if (tensor) return new vscode.Hover(tensorHover(tensor, config.decimals), word);
    // A loss call: its value and a link to the breakdown.
    const call = [...evaluation.calls].reverse().find((c) => contains(c.range, position));
    const checked = this.checked?.checkedCallAt(document, position);
    if (!call) {
      // A loss call only shape mode reached (inside a function, a forward, a loop over a DataLoader): its shapes.
      if (!checked) return undefined;
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**`);
      md.appendText(checked.fn);
      md.appendMarkdown(`**`);
      appendShapes(md, checked);
      return new vscode.Hover(md);
    }
    const md = new vscode.MarkdownString();
    md.isTrusted = { enabledCommands: ['lossLens.showCallBreakdown'] };
    md.appendMarkdown(`**${call.fn}**`);
    if (call.result) {
      const v = call.result.value;
      md.appendMarkdown(
        ` = \`${typeof v === 'number' ? formatValue(v, config.decimals) : vscode.l10n.t('{0} values', call.result.perElement.data.length)}\`\n\n`,
      );
      const args = encodeURIComponent(JSON.stringify([document.uri.toString(), call.range.line, call.range.column]));
      md.appendMarkdown(`[${vscode.l10n.t('Open the breakdown')}](command:lossLens.showCallBreakdown?${args})`);
    } else {
      const error = call.diagnostics.find((d) => d.severity === 'error');
      md.appendMarkdown('\n\n');
      md.appendText(
        error
          ? localize(error).message
          : vscode.l10n.t('Values unknown here (random or computed elsewhere); the shape flows through.'),
      );
    }
    appendShapes(md, checked?.fn === call.fn ? checked : undefined);
    return new vscode.Hover(md, toVscodeRange(call.range));
  }
}

/**
 * While a debug session is paused, hovering a name that holds a tensor shows `[64, 10] float32 cpu`, min/max/mean and
 * the nan/inf counts, from one `evaluate` in the selected frame. Only a Python dotted name (`batch.logits`) is ever
 * sent, built from the identifier under the pointer; nothing is evaluated when no session is paused.
 */
import * as vscode from 'vscode';
import { dottedNameAt } from '../core/live/call';
import { parseStats, statsExpression, type TensorStats } from '../core/live/probe';
import { evaluateIn, pausedFrame } from '../liveSession';
import type { Services } from '../services';

function formatNumber(v: number | undefined): string {
  if (v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v).replace('Infinity', 'inf').replace('NaN', 'nan');
  return Number(v.toPrecision(6)).toString();
}

/** The hover text: shape, dtype, device, then the statistics. */
export function renderStats(name: string, s: TensorStats): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // The name is a checked dotted name; what the program answered goes in as text, never as markdown.
  md.appendMarkdown(`**${name}** `);
  md.appendText(`[${s.shape.join(', ')}] ${s.dtype} ${s.device}`);
  md.appendMarkdown('  \n');
  md.appendText(
    vscode.l10n.t(
      'min {0} · max {1} · mean {2} · nan {3} · inf {4}',
      formatNumber(s.min),
      formatNumber(s.max),
      formatNumber(s.mean),
      String(s.nan),
      String(s.inf),
    ),
  );
  md.appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Loss Lens, from the paused debug session'));
  return md;
}

/** Tensor statistics from the paused debugger. */
export class LiveTensorHover implements vscode.HoverProvider {
  constructor(private readonly services: Services) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const frame = pausedFrame();
    if (!frame || !this.services.config(document).hoverEnabled) return undefined;
    const at = dottedNameAt(document.lineAt(position.line).text, position.character);
    if (!at) return undefined;
    let stats: TensorStats | undefined;
    try {
      stats = parseStats(await evaluateIn(frame, statsExpression(at.name)));
    } catch {
      // Not defined in this frame, or not something the debugger can describe: no hover.
      return undefined;
    }
    if (!stats) return undefined;
    return new vscode.Hover(
      renderStats(at.name, stats),
      new vscode.Range(position.line, at.start, position.line, at.end),
    );
  }
}

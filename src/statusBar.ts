/**
 * The status bar item with the last loss; clicking it opens the breakdown.
 */
import * as vscode from 'vscode';
import { CommandIds } from './commands/ids';
import { formatValue } from './core/report/format';
import type { LossResult } from './core/losses/types';

/** Shows the last computed loss in the status bar. */
export class LossStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lossLens.lastLoss', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = vscode.l10n.t('Loss Lens: last loss');
    this.item.command = CommandIds.showBreakdown;
  }

  /** Shows a result's value (or hides the item when there is none). */
  update(result: LossResult | undefined, decimals: number): void {
    if (!result) {
      this.item.hide();
      return;
    }
    const value = typeof result.value === 'number' ? formatValue(result.value, decimals) : vscode.l10n.t('{0} values', result.perElement.data.length);
    this.item.text = `$(graph) ${result.fn} ${value}`;
    this.item.tooltip = vscode.l10n.t('Last loss computed by Loss Lens. Click to open the breakdown.');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

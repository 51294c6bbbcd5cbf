/**
 * The one context object activate() builds and every command and provider receives.
 */
import type * as vscode from 'vscode';
import type { LossLensConfig } from './config';
import type { LossLensViews } from './panel/index';
import type { LossStatusBar } from './statusBar';

/** Everything the commands and providers share. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly views: LossLensViews;
  readonly status: LossStatusBar;
  /** Reads the settings now (they can change at any time). */
  config(scope?: vscode.ConfigurationScope): LossLensConfig;
}

/**
 * The extension's settings, typed, read in one place and passed to whoever needs them. Mirrors
 * `contributes.configuration` in package.json.
 */
import * as vscode from 'vscode';
import { DEFAULT_TORCH_VERSION, type TorchVersion } from './core/losses/types';

/** Every `lossLens.*` setting. */
export interface LossLensConfig {
  readonly diagnosticsEnabled: boolean;
  readonly diagnosticsDebounceMs: number;
  readonly hoverEnabled: boolean;
  readonly decimals: number;
  readonly defaultLoss: string;
  readonly maxFileSizeMB: number;
  /** Whose PyTorch to reproduce: current 2.x (default) or 1.13. */
  readonly torchVersion: TorchVersion;
  /** Live tensors from a paused debugger up to this many elements come as text; larger ones through an .npy file. */
  readonly debuggerMaxTextElements: number;
  /** Let a JSON tensor file name files outside the workspace folder (off: only inside it). */
  readonly allowFilesOutsideWorkspace: boolean;
}

/** Reads the settings for a resource (or the window). */
export function readConfig(scope?: vscode.ConfigurationScope): LossLensConfig {
  const c = vscode.workspace.getConfiguration('lossLens', scope);
  return {
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    diagnosticsDebounceMs: c.get<number>('diagnostics.debounceMs', 400),
    hoverEnabled: c.get<boolean>('hover.enabled', true),
    decimals: c.get<number>('decimals', 4),
    defaultLoss: c.get<string>('defaultLoss', 'cross_entropy'),
    maxFileSizeMB: c.get<number>('maxFileSizeMB', 200),
    torchVersion: c.get<string>('torchVersion', DEFAULT_TORCH_VERSION) === '1.13' ? '1.13' : '2.x',
    debuggerMaxTextElements: c.get<number>('debugger.maxTextElements', 100_000),
    allowFilesOutsideWorkspace: c.get<boolean>('allowFilesOutsideWorkspace', false),
  };
}

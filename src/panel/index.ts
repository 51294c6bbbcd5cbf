/**
 * The views' entry point for activate(): builds the session, the breakdown panel and the inspector, and registers
 * them. The computation is injected, so the panel layer never imports the core's losses directly.
 */
import * as vscode from 'vscode';
import { BreakdownPanel } from './breakdownPanel';
import type { RevealFn } from './connection';
import { InspectorViewProvider } from './inspectorView';
import { revealInEditor } from './reveal';
import {
  LensSession,
  type ComputeFn,
  type ComputeRequest,
  type LossCatalogEntry,
  type ProgramRequest,
} from './session';

export { BreakdownPanel } from './breakdownPanel';
export { InspectorViewProvider } from './inspectorView';
export {
  LensSession,
  type ComputeFn,
  type ComputeOutcome,
  type ComputeRequest,
  type LossCatalogEntry,
  type ProgramRequest,
} from './session';
export type { RevealFn } from './connection';

/** What {@link registerLossLensViews} needs. */
export interface LossLensViewOptions {
  /** Computes a request (e.g. with `runLoss` from src/core/run.ts). */
  readonly compute: ComputeFn;
  /** The losses the what-if dropdown offers (e.g. `LOSSES` from src/core/losses). */
  readonly losses: readonly LossCatalogEntry[];
  /** Reveals a sample in the source; defaults to selecting `request.sampleRanges[i]` in `request.source`. */
  readonly reveal?: RevealFn;
}

/** The registered views. */
export interface LossLensViews {
  readonly session: LensSession;
  readonly panel: BreakdownPanel;
  readonly inspector: InspectorViewProvider;
  /** Computes `request`, shows it in the inspector and opens the breakdown panel beside the editor. */
  show(request: ComputeRequest): Promise<void>;
  /** Shows a whole program (output, loss calls, hand-written losses) with the breakdown of call `callIndex`. */
  showProgram(request: ProgramRequest, callIndex?: number): Promise<void>;
}

/** Builds and registers the session, the breakdown panel and the inspector; everything is disposed with the extension. */
export function registerLossLensViews(context: vscode.ExtensionContext, options: LossLensViewOptions): LossLensViews {
  const session = new LensSession({ compute: options.compute, losses: options.losses });
  const reveal = options.reveal ?? revealInEditor;
  const panel = new BreakdownPanel({ extensionUri: context.extensionUri, session, reveal });
  const inspector = new InspectorViewProvider({
    extensionUri: context.extensionUri,
    session,
    reveal,
    openBreakdown: () => panel.show(false),
  });
  context.subscriptions.push(session, panel, inspector, inspector.register());
  return {
    session,
    panel,
    inspector,
    show: async (request) => {
      panel.show(true);
      await session.show(request);
    },
    showProgram: async (request, callIndex) => {
      panel.show(true);
      await session.showProgram(request, callIndex);
    },
  };
}

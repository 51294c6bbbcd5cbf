/**
 * What the views can ask for. The app implements these by posting {@link WebviewToHost} messages or changing local
 * view state; views only call them from event handlers.
 */
import type { ExportFormat, WhatIfChange } from '../../src/protocol';

/** Callbacks the views wire to buttons and fields. */
export interface ViewActions {
  exportAs(format: ExportFormat): void;
  setPinned(pinned: boolean): void;
  openBreakdown(): void;
  /** Reveals the sample's place in the source (posts `revealSample`). */
  reveal(sampleIndex: number): void;
  /** Selects a sample in the table and shows its details. */
  selectSample(sampleIndex: number): void;
  /** Switches to the Samples tab, then selects and scrolls to a sample (from the Summary tab's worst samples). */
  showSample?(sampleIndex: number): void;
  whatIf(change: WhatIfChange): void;
  openHistory(entryId: string): void;
  selectTab(id: string): void;
}

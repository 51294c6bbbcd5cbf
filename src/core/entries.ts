/**
 * How many times this thread entered each evaluator of user code. The extension runs them in the snippet worker, and
 * its test-only probe command reads the extension host's copy to show, by structure rather than by timing, that the
 * host never entered one; the worker reports its own copy with each answer.
 */
export interface EvaluatorEntries {
  /** {@link evaluateSnippet}: value mode (hovers, "Compute Loss on Selection", the breakdown link). */
  evaluate: number;
  /** {@link checkSnippet}: shape mode (live diagnostics). */
  check: number;
  /** {@link readTensors}: the tensor literals of a selection without a loss call. */
  read: number;
  /** `readTensorArchive`: a .pt/.safetensors/.npz file's zip and pickle parsed. */
  archive: number;
  /** An imported module parsed by a ModuleCache (not found there by path and content). */
  moduleParse: number;
}

// A counter, not a listener: incrementing it is all an evaluator does with it, and only the probe reads it.
/** This thread's counts (each bundle, and each worker, holds its own). */
export const evaluatorEntries: EvaluatorEntries = { evaluate: 0, check: 0, read: 0, archive: 0, moduleParse: 0 };

/** Counts of zero (what a thread that never evaluated reports). */
export function emptyEntries(): EvaluatorEntries {
  return { evaluate: 0, check: 0, read: 0, archive: 0, moduleParse: 0 };
}

/**
 * Diagnostics and typed errors: every problem Loss Lens reports has a place, a stable code, PyTorch's own text where
 * PyTorch has one, a plain-language cause and a fix.
 */

/** A 1-based source range. `endColumn` is exclusive (one past the last character), as in LSP-style ranges + 1. */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A mechanical fix: replace the text in `range` with `newText`. */
export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/** A fix offered to the user; `edits` is present when the fix is mechanical. */
export interface Fix {
  readonly title: string;
  readonly edits?: readonly TextEdit[];
}

/**
 * One thing to tell the user. `message` is PyTorch's verbatim text when PyTorch raises or warns; `explanation` is the
 * plain-language cause; `hint` is what to do (always present for errors).
 */
export interface Diagnostic extends SourceRange {
  readonly severity: Severity;
  /** Stable identifier, e.g. `reader/ragged`, `loss/target-size`, `warn/softmax-before-ce`. Code actions key on it. */
  readonly code: string;
  readonly message: string;
  readonly explanation?: string;
  readonly hint?: string;
  readonly fixes?: readonly Fix[];
  /**
   * The values the explanation and hint were built from (shapes, class counts, names). The localization layer
   * rebuilds `explanation`/`hint` in another language from `code` + `data`, so fill it whenever the text has values.
   */
  readonly data?: Readonly<Record<string, string | number>>;
  /**
   * Where PyTorch raises, when that is in another file than the diagnostic's (a module the checked file imports and
   * calls into): that file and the range there. The diagnostic itself sits on the checked file's line that led there.
   */
  readonly raisedAt?: SourceRange & { readonly file: string };
}

/** A range that covers "somewhere in the input" when no better place is known. */
export const UNKNOWN_RANGE: SourceRange = { line: 1, column: 1, endLine: 1, endColumn: 1 };

/**
 * The one exception type the core throws on bad input. Anything else escaping the core is a bug.
 */
export class LossLensError extends Error {
  readonly diagnostic: Diagnostic;

  constructor(diagnostic: Omit<Diagnostic, 'severity' | keyof SourceRange> & Partial<SourceRange> & { severity?: Severity }) {
    super(diagnostic.message);
    this.name = 'LossLensError';
    this.diagnostic = {
      ...UNKNOWN_RANGE,
      severity: 'error',
      ...diagnostic,
    };
  }

  /** A copy of this error placed at `range` (used when a loss call's position becomes known). */
  at(range: SourceRange): LossLensError {
    return new LossLensError({ ...this.diagnostic, ...range });
  }
}

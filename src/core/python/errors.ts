/**
 * The Python front end's diagnostics. Messages are CPython's own wording (3.10+) where CPython has one, so a user
 * who searches for them finds the usual answers.
 */
import { LossLensError, type Diagnostic, type SourceRange } from '../diagnostics';

/** Stable codes of the Python front end. */
export const PythonErrorCode = {
  /** Anything the grammar rejects. */
  syntax: 'python/syntax',
  /** An unmatched, mismatched or unclosed bracket. */
  brackets: 'python/brackets',
  /** CPython's TabError: indentation whose meaning depends on the tab width. */
  tabs: 'python/tab-error',
} as const;

/** One of {@link PythonErrorCode}'s values. */
export type PythonErrorCode = (typeof PythonErrorCode)[keyof typeof PythonErrorCode];

/** What a syntax error says, without its place. */
export interface SyntaxProblem {
  readonly code?: PythonErrorCode;
  readonly message: string;
  readonly explanation: string;
  readonly hint: string;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** The diagnostic for a syntax problem at `range`. */
export function syntaxDiagnostic(range: SourceRange, problem: SyntaxProblem): Diagnostic {
  return {
    severity: 'error',
    code: problem.code ?? PythonErrorCode.syntax,
    message: problem.message,
    explanation: problem.explanation,
    hint: problem.hint,
    ...(problem.data ? { data: problem.data } : {}),
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
  };
}

/**
 * What the parser throws internally. Deliberately not an `Error`: creating one captures a stack trace, and a file
 * with thousands of broken lines would pay for thousands of them. Public entry points turn it into a
 * {@link LossLensError} (or a `Skipped` node).
 */
export class ParseFailure {
  constructor(readonly diagnostic: Diagnostic) {}

  toError(): LossLensError {
    return new LossLensError(this.diagnostic);
  }
}

/** A {@link ParseFailure} for a syntax problem at `range`. */
export function syntaxFailure(range: SourceRange, problem: SyntaxProblem): ParseFailure {
  return new ParseFailure(syntaxDiagnostic(range, problem));
}

/** `line:column` as the texts print positions. */
export function formatPosition(p: { readonly line: number; readonly column: number }): string {
  return `${p.line}:${p.column}`;
}

/** A short, printable quote of a token for messages (long tokens are cut). */
export function quoteToken(text: string): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, '⏎');
  return oneLine.length > 24 ? `${oneLine.slice(0, 21)}...` : oneLine;
}

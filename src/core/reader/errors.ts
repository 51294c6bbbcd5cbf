/**
 * The tensor reader's error codes and the one helper that builds its errors, so every reader error has a place, a
 * stable code, a cause and a fix.
 */
import { LossLensError, type Diagnostic, type SourceRange } from '../diagnostics';
import { PythonErrorCode } from '../python/errors';

/** Stable codes of the tensor reader (code actions and the localization layer key on them). */
export const ReaderErrorCode = {
  /** Nothing to read: blank input, or only comments/imports. */
  empty: 'reader/empty',
  /** The text is not valid Python/JSON at this token. */
  syntax: 'reader/syntax',
  /** An unmatched, mismatched or unclosed bracket. */
  brackets: 'reader/brackets',
  /** Rows of different lengths, or a number where a row is expected (and vice versa). */
  ragged: 'reader/ragged',
  /** A summarised printout (`...` in place of values). */
  truncated: 'reader/truncated',
  /** A variable the selection does not define. */
  unknownName: 'reader/unknown-name',
  /** A dtype Loss Lens does not support or that is not valid where it is used. */
  dtype: 'reader/dtype',
  /** A value that does not fit the dtype (PyTorch raises; so does Loss Lens). */
  overflow: 'reader/overflow',
  /** A construct the reader does not evaluate (random tensors, strings, unknown functions...). */
  unsupported: 'reader/unsupported',
  /** `torch.Tensor(2, 3)`: sizes, not data. */
  uninitialized: 'reader/uninitialized',
  /** `requires_grad=True` on an integer tensor. */
  requiresGrad: 'reader/requires-grad',
  /** Several tensors where one was expected. */
  multiple: 'reader/multiple',
  /** Arithmetic inside a literal failed (`1/0`, a result too large). */
  arithmetic: 'reader/arithmetic',
} as const;

/** One of {@link ReaderErrorCode}'s values. */
export type ReaderErrorCode = (typeof ReaderErrorCode)[keyof typeof ReaderErrorCode];

/** The fields of a reader error besides its place. */
export interface ReaderProblem {
  readonly code: ReaderErrorCode;
  /** PyTorch's/NumPy's/Python's own text when they have one. */
  readonly message: string;
  readonly explanation: string;
  readonly hint: string;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** Builds a reader error at `range`. */
export function readerError(range: SourceRange, problem: ReaderProblem): LossLensError {
  return new LossLensError({
    code: problem.code,
    message: problem.message,
    explanation: problem.explanation,
    hint: problem.hint,
    data: problem.data,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
  });
}

/** Re-labels a Python front-end diagnostic with the reader's code (`python/brackets` → `reader/brackets`...). */
export function fromSyntaxDiagnostic(d: Diagnostic): LossLensError {
  const code = d.code === PythonErrorCode.brackets ? ReaderErrorCode.brackets : ReaderErrorCode.syntax;
  return new LossLensError({ ...d, code });
}

/** `n value` / `n values`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

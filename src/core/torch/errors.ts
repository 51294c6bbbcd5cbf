/**
 * The errors the tensor library raises. A {@link TorchError} is an exception Python code can catch (`except
 * RuntimeError`); its message is PyTorch's or NumPy's own text, checked against both oracles. {@link NotModelled}
 * and {@link BudgetExceeded} are Loss Lens's own: the interpreter reports them as located diagnostics.
 */

/** The Python exception classes PyTorch and NumPy raise from the operations modelled here. */
export type PyErrorType =
  | 'RuntimeError'
  | 'ValueError'
  | 'IndexError'
  | 'TypeError'
  | 'ZeroDivisionError'
  | 'AttributeError'
  | 'OverflowError'
  | 'NotImplementedError';

/** An exception PyTorch or NumPy raises, with its Python class and exact message. */
export class TorchError extends Error {
  /** The Python exception class (what `except` matches and what the traceback prints). */
  readonly pyType: PyErrorType;

  /**
   * The exact class when it is a library subclass of `pyType` (NumPy's `AxisError`, `UFuncTypeError`), which is
   * what a traceback prints; `except pyType` still catches it.
   */
  readonly className?: string;

  /**
   * Raised on the arguments' types alone (a dtype PyTorch refuses), so it holds whatever the sizes and values: a
   * shape check reports it even where the tensors are symbolic or placeholders.
   */
  onArgumentTypes?: true;

  /**
   * @param pyType the Python exception class; @param message the library's message text, verbatim;
   * @param className the library's own subclass, when it raises one.
   */
  constructor(pyType: PyErrorType, message: string, className?: string) {
    super(message);
    this.name = 'TorchError';
    this.pyType = pyType;
    if (className !== undefined) this.className = className;
  }
}

/** An operation, argument form or dtype Loss Lens does not compute (never approximated). */
export class NotModelled extends Error {
  /** What is not modelled, as the user wrote it: `torch.fft.fft`, `Tensor.stft`, `F.dropout(training=True)`. */
  readonly what: string;

  /** @param what the function, method or form that is not modelled. */
  constructor(what: string) {
    super(`${what} is not modelled`);
    this.name = 'NotModelled';
    this.what = what;
  }
}

/** A result larger than the context's element budget (`TorchContext.maxElements`). */
export class BudgetExceeded extends Error {
  /** The shape of the refused result. */
  readonly shape: readonly number[];

  /** @param shape the result's shape; @param limit the element budget it exceeds. */
  constructor(shape: readonly number[], limit: number) {
    super(`a tensor of shape [${shape.join(', ')}] has more than ${limit} elements`);
    this.name = 'BudgetExceeded';
    this.shape = [...shape];
  }
}

/** Shorthand for `new TorchError('RuntimeError', message)`. */
export function runtimeError(message: string): TorchError {
  return new TorchError('RuntimeError', message);
}

/** Shorthand for `new TorchError('TypeError', message)`. */
export function typeError(message: string): TorchError {
  return new TorchError('TypeError', message);
}

/** Shorthand for `new TorchError('IndexError', message)`. */
export function indexError(message: string): TorchError {
  return new TorchError('IndexError', message);
}

/** Shorthand for `new TorchError('ValueError', message)`. */
export function valueError(message: string): TorchError {
  return new TorchError('ValueError', message);
}

/**
 * The Python exception a formatting call raises, carried as data so the interpreter can raise it as the Python
 * exception class (`ValueError`, `TypeError`, `OverflowError`, `KeyError`, `IndexError`) with Python's own text.
 */
export class PyFormatError extends Error {
  /** The Python exception class name, e.g. `'ValueError'`. */
  readonly pyType: 'ValueError' | 'TypeError' | 'OverflowError' | 'KeyError' | 'IndexError';

  constructor(pyType: PyFormatError['pyType'], message: string) {
    super(message);
    this.name = 'PyFormatError';
    this.pyType = pyType;
  }
}

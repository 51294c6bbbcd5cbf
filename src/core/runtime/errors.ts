/**
 * Python exceptions inside the runtime, and the runtime's own stops (the step budget, something not modelled).
 *
 * A Python exception is a {@link PyException} carrying the exception instance; `try`/`except` catches it by class,
 * as Python does. PyTorch's errors arrive as the class PyTorch raises (`RuntimeError`, `ValueError`,
 * `IndexError`, ...) with PyTorch's own text. The runtime's stops are not Python exceptions: no `except` catches
 * them, and they end the run with a located diagnostic.
 */
import type { SourceRange } from '../diagnostics';
import { PyClass, PyInstance, PyTuple, type PyValue } from './values';

/** Names of the built-in exception classes, each with its base. */
const HIERARCHY: readonly (readonly [string, string | undefined])[] = [
  ['BaseException', undefined],
  ['Exception', 'BaseException'],
  ['KeyboardInterrupt', 'BaseException'],
  ['SystemExit', 'BaseException'],
  ['ArithmeticError', 'Exception'],
  ['ZeroDivisionError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'],
  ['AssertionError', 'Exception'],
  ['AttributeError', 'Exception'],
  ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'],
  ['KeyError', 'LookupError'],
  ['NameError', 'Exception'],
  ['UnboundLocalError', 'NameError'],
  ['RuntimeError', 'Exception'],
  ['NotImplementedError', 'RuntimeError'],
  ['RecursionError', 'RuntimeError'],
  ['StopIteration', 'Exception'],
  ['TypeError', 'Exception'],
  ['ValueError', 'Exception'],
  ['ImportError', 'Exception'],
  ['ModuleNotFoundError', 'ImportError'],
  ['OSError', 'Exception'],
  ['UserWarning', 'Exception'],
];

/** The built-in exception classes by name. */
export const EXCEPTIONS: ReadonlyMap<string, PyClass> = (() => {
  const map = new Map<string, PyClass>();
  for (const [name, base] of HIERARCHY) {
    map.set(name, new PyClass(name, base ? [map.get(base)!] : [], new Map(), name, { init: initException }));
  }
  return map;
})();

function initException(self: PyInstance, args: { args: readonly PyValue[] }): void {
  self.native = { args: [...args.args] };
  self.attrs.set('args', new PyTuple([...args.args]));
}

/** A Python exception in flight. */
export class PyException extends Error {
  /** Where it was raised (the innermost statement), for the traceback line. */
  range?: SourceRange;
  /**
   * Raised whatever the sizes and values (PyTorch refusing an argument's type): shape mode lets it reach the
   * program's `except` as Python would, where it sets other exceptions aside as possible artifacts of unknowns.
   */
  certain?: true;
  constructor(readonly value: PyInstance) {
    super(exceptionMessage(value));
  }
}

/** The args of an exception instance. */
export function exceptionArgs(e: PyInstance): readonly PyValue[] {
  return ((e.native?.args as PyValue[] | undefined) ?? []) as readonly PyValue[];
}

/** `str(e)` for a message made of plain strings (the common case; the runtime formats others itself). */
function exceptionMessage(e: PyInstance): string {
  const args = exceptionArgs(e);
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return args.map((a) => String(a)).join(', ');
}

/** Builds a built-in exception: `pyError('TypeError', "unsupported operand ...")`. */
export function pyError(className: string, message?: string): PyException {
  const cls = EXCEPTIONS.get(className) ?? EXCEPTIONS.get('RuntimeError')!;
  const inst = new PyInstance(cls);
  initException(inst, { args: message === undefined ? [] : [message] });
  return new PyException(inst);
}

/** The run went over its step or size budget. Not catchable by the program. */
export class BudgetStop extends Error {
  constructor(
    message: string,
    readonly range: SourceRange | undefined,
    readonly data: Record<string, unknown>,
  ) {
    super(message);
  }
}

/**
 * The caller no longer wants the run's answer (a newer edit of the file superseded it) and said so through
 * {@link RunControl.cancelled}. Not catchable by the program, and not a diagnostic: the run gives no answer at all.
 */
export class Cancelled extends Error {
  constructor() {
    super('the run was cancelled: a newer request superseded it');
    this.name = 'Cancelled';
  }
}

/** How a caller controls a run while it goes (the snippet worker, whose host supersedes jobs with newer edits). */
export interface RunControl {
  /**
   * Polled every {@link CANCEL_POLL_STEPS} steps: true stops the run with {@link Cancelled}. A worker answers a newer
   * edit sooner this way, and stays warm: the other way to stop a run is to terminate the thread and start a new one,
   * whose code V8 has yet to compile.
   */
  readonly cancelled?: () => boolean;
}

/** Steps between two polls of {@link RunControl.cancelled} (a power of two: the poll is a mask of the step count). */
export const CANCEL_POLL_STEPS = 1024;

/** Something the runtime does not model (an op, a module, a statement): the run stops there, saying what and where. */
export class NotModelledStop extends Error {
  constructor(
    readonly what: string,
    readonly range: SourceRange | undefined,
    /** Why it is not modelled: `unsafe` (files, processes, network...) or `unsupported`. */
    readonly reason: 'unsafe' | 'unsupported',
  ) {
    super(what);
  }
}

/**
 * Disposables: a small base class with `_register`, as in vscode-pull-request-github's `src/common/lifecycle.ts`.
 * Structural (no `vscode` import) so it also serves code that runs in mocha.
 */

/** Anything with a `dispose()` (a `vscode.Disposable` is one). */
export interface IDisposable {
  dispose(): void;
}

/** Disposes every item, collecting errors so one failure does not leak the rest; rethrows the first. */
export function disposeAll(items: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      item.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** A disposable made from a function. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** Owns disposables; disposing it disposes them (in reverse order of registration) exactly once. */
export abstract class Disposable implements IDisposable {
  private _isDisposed = false;
  private _disposables: IDisposable[] = [];

  /** True once `dispose()` has run. */
  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Disposes everything registered. Safe to call more than once. */
  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    const items = this._disposables.reverse();
    this._disposables = [];
    disposeAll(items);
  }

  /** Takes ownership of `value`; if this is already disposed, disposes it at once. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this._isDisposed) {
      value.dispose();
    } else {
      this._disposables.push(value);
    }
    return value;
  }
}

/** A minimal typed event, so vscode-free code can notify listeners (same shape as `vscode.Event`). */
export type Listener<T> = (value: T) => void;

/** Fires values to listeners; `event` subscribes and returns a disposable. */
export class Emitter<T> implements IDisposable {
  private listeners = new Set<Listener<T>>();

  /** Subscribes; dispose the result to unsubscribe. */
  readonly event = (listener: Listener<T>): IDisposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  /** Calls every listener with `value`. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}

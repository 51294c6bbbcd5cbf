/**
 * JSON written piece by piece, for outputs too large for one string (a per-class block of 10⁷ classes is more than
 * the longest string V8 builds). The text is the same as `JSON.stringify(value, null, indent)`; arrays of numbers
 * (plain or typed) are written without building an intermediate array.
 */

/** Flushes the text gathered so far once it reaches this many characters. */
const FLUSH_CHARS = 1 << 16;

/**
 * Writes `value` as `JSON.stringify(value, null, indent)` would, in chunks passed to `write`. Values JSON cannot hold
 * are written as `JSON.stringify` writes them (`undefined` members skipped, non-finite numbers as `null`); typed
 * arrays are written as arrays of their numbers.
 */
export function writeJson(value: unknown, write: (chunk: string) => void, indent = 2): void {
  let buffer = '';
  const out = (text: string): void => {
    buffer += text;
    if (buffer.length >= FLUSH_CHARS) {
      write(buffer);
      buffer = '';
    }
  };
  const pad = (depth: number): string => (indent > 0 ? `\n${' '.repeat(indent * depth)}` : '');
  const colon = indent > 0 ? ': ' : ':';

  // An explicit stack would be longer than this recursion is deep: outputs nest a handful of levels.
  const emit = (v: unknown, depth: number): void => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') {
      out(JSON.stringify(v));
      return;
    }
    if (typeof v === 'number') {
      out(Number.isFinite(v) ? JSON.stringify(v) : 'null');
      return;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      emitArray(v as unknown as ArrayLike<unknown>, depth);
      return;
    }
    if (Array.isArray(v)) {
      emitArray(v, depth);
      return;
    }
    if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>).filter(
        ([, x]) => x !== undefined && typeof x !== 'function' && typeof x !== 'symbol',
      );
      if (entries.length === 0) {
        out('{}');
        return;
      }
      out('{');
      entries.forEach(([key, x], i) => {
        out(`${i > 0 ? ',' : ''}${pad(depth + 1)}${JSON.stringify(key)}${colon}`);
        emit(x, depth + 1);
      });
      out(`${pad(depth)}}`);
      return;
    }
    // undefined, functions and symbols inside arrays are null, as JSON.stringify writes them.
    out('null');
  };
  const emitArray = (a: ArrayLike<unknown>, depth: number): void => {
    if (a.length === 0) {
      out('[]');
      return;
    }
    out('[');
    for (let i = 0; i < a.length; i++) {
      out(`${i > 0 ? ',' : ''}${pad(depth + 1)}`);
      const x = a[i];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') out('null');
      else emit(x, depth + 1);
    }
    out(`${pad(depth)}]`);
  };

  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return;
  emit(value, 0);
  if (buffer.length > 0) write(buffer);
}

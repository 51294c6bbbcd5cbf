/**
 * NumPy's `print(array)` form, which is not Python: values separated by spaces, no commas, e.g.
 *
 *     [[ 1.  -2.5]
 *      [ nan  inf]]
 *
 * Only tried when the text fails to parse as Python. A `-` or `+` written against the number after it is a sign
 * (NumPy never prints binary operators), so `[ 1 -2]` holds two values.
 */
import type { SourceRange } from '../diagnostics';
import type { Token } from '../python/lexer';
import type { Value } from './evaluate';
import { pyBool, pyFloat, pyInt } from './values';

/** A value read from a NumPy printout, with the label before it (`x: [1 2]`, `x = [1 2]`) when there is one. */
export interface NumpyPrintout {
  readonly name?: string;
  readonly value: Value;
  readonly range: SourceRange;
  /** How many values (numbers, `...`) it holds. */
  readonly count: number;
}

class NotThisFormat extends Error {}

/**
 * Reads a statement's tokens as a NumPy printout; undefined when they are not one (the caller then reports the
 * Python error).
 */
export function readNumpyPrintout(statementTokens: readonly Token[]): NumpyPrintout | undefined {
  const tokens = statementTokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
  if (tokens.some((t) => t.kind === 'error' || (t.kind === 'op' && t.text === ','))) return undefined;
  let i = 0;
  let name: string | undefined;
  const first = tokens[0];
  const second = tokens[1];
  if (first?.kind === 'name' && second?.kind === 'op' && (second.text === ':' || second.text === '=')) {
    name = first.text;
    i = 2;
  }
  if (tokens[i]?.text !== '[') return undefined;
  let count = 0;

  const value = (): Value => {
    const t = tokens[i];
    if (!t) throw new NotThisFormat();
    if (t.kind === 'op' && t.text === '[') {
      i++;
      const items: Value[] = [];
      while (tokens[i] && tokens[i]!.text !== ']') items.push(value());
      const close = tokens[i];
      if (!close) throw new NotThisFormat();
      i++;
      return { type: 'seq', items, range: spanOf(t, close) };
    }
    return atom();
  };

  const atom = (): Value => {
    count++;
    const t = tokens[i]!;
    if (t.kind === 'op' && t.text === '...') {
      i++;
      return { type: 'ellipsis', range: spanOf(t, t) };
    }
    let negative = false;
    let start = t;
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      const next = tokens[i + 1];
      if (!next || next.spaceBefore) throw new NotThisFormat();
      negative = t.text === '-';
      i++;
      start = t;
    }
    const n = tokens[i]!;
    i++;
    const range = spanOf(start, n);
    if (n.kind === 'number' && n.number && !n.number.isImaginary) {
      const v = n.number;
      if (v.isFloat) return { type: 'scalar', ...pyFloat(negative ? -v.value : v.value), range };
      const exact = v.big ?? v.value;
      // `0 - x || 0` keeps -0 out of integers.
      return {
        type: 'scalar',
        ...pyInt(negative ? (typeof exact === 'bigint' ? -exact : 0 - exact || 0) : exact),
        range,
      };
    }
    if (n.kind === 'name') {
      if (n.text === 'nan') return { type: 'scalar', ...pyFloat(NaN), range };
      if (n.text === 'inf') return { type: 'scalar', ...pyFloat(negative ? -Infinity : Infinity), range };
      if (!negative && (n.text === 'True' || n.text === 'False'))
        return { type: 'scalar', ...pyBool(n.text === 'True'), range };
    }
    throw new NotThisFormat();
  };

  try {
    const start = tokens[i]!;
    const v = value();
    if (i !== tokens.length) return undefined;
    // A one-level list with a single value parses as Python; being here means the text really is a printout.
    return { name, value: v, range: spanOf(start, tokens[i - 1]!), count };
  } catch (e) {
    if (e instanceof NotThisFormat) return undefined;
    throw e;
  }
}

function spanOf(a: Token, b: Token): SourceRange {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

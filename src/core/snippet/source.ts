/**
 * The snippet's text, for fixes: maps the parser's ranges (document coordinates, 1-based, endColumn exclusive) back to
 * offsets in the original text and builds the text edits the checker proposes.
 */
import type { SourceRange, TextEdit } from '../diagnostics';
import type { Expr } from '../python/ast';
import type { Origin } from '../python/lexer';

/** Expressions that can take `.method()` without parentheses. */
const PRIMARY = new Set([
  'Name',
  'Attribute',
  'Call',
  'Subscript',
  'List',
  'Dict',
  'Set',
  'ListComp',
  'SetComp',
  'DictComp',
  'GeneratorExp',
]);

/** The source a snippet was parsed from. */
export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    readonly origin: Origin = { line: 1, column: 1 },
  ) {
    if (!text.includes('\r')) {
      // Unix line ends only (most files): the engine's own search finds each one, a few times faster than a loop.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  /** Offset in the text of a document position (clamped into the text). */
  offsetOf(line: number, column: number): number {
    const row = line - this.origin.line;
    if (row < 0) return 0;
    if (row >= this.lineStarts.length) return this.text.length;
    const firstColumn = row === 0 ? this.origin.column : 1;
    return Math.min(this.text.length, this.lineStarts[row]! + Math.max(0, column - firstColumn));
  }

  /** The document position of an offset in the text. */
  positionAt(offset: number): Origin {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const line = this.origin.line + lo;
    const column = offset - this.lineStarts[lo]! + (lo === 0 ? this.origin.column : 1);
    return { line, column };
  }

  /** The text a range covers. */
  slice(range: SourceRange): string {
    return this.text.slice(this.offsetOf(range.line, range.column), this.offsetOf(range.endLine, range.endColumn));
  }

  /** An expression's text, parenthesized when a method call appended to it would bind to a part of it. */
  primary(node: Expr): string {
    const text = this.slice(node.range);
    if (PRIMARY.has(node.kind) || (node.kind === 'Tuple' && node.parenthesized) || node.kind === 'String') return text;
    return `(${text})`;
  }

  /** An edit appending `.method(args)` to an argument: `y` → `y.long()`, `a + b` → `(a + b).long()`. */
  appendCall(node: Expr, call: string): TextEdit {
    return { range: node.range, newText: `${this.primary(node)}${call}` };
  }

  /** An edit replacing a range. */
  replace(range: SourceRange, newText: string): TextEdit {
    return { range, newText };
  }
}

/** A zero-width range at the end of `range`. */
export function endOf(range: SourceRange): SourceRange {
  return { line: range.endLine, column: range.endColumn, endLine: range.endLine, endColumn: range.endColumn };
}

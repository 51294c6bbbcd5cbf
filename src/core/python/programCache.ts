/**
 * Whole-program parsing that remembers its statements between parses of the same document, as the snippet worker
 * checks a file on every edit. Typing changes one statement; the file's other top-level statements come back from
 * the cache, syntax trees and all, instead of being tokenized and parsed again. Besides the parse itself this spares
 * the collector: a check of a 5,000-line file otherwise allocates its whole syntax tree anew, and every scavenge
 * during the run copies it (`npm run bench:program` measures both).
 *
 * The text is cut into top-level statements by a scan of its characters that follows strings, comments, brackets
 * and backslash continuations as the lexer does: a statement starts on a line that begins at column 0 with code,
 * except `else`/`elif`/`except`/`finally` (they continue the statement above) and the line after a decorator. Each
 * piece is parsed on its own, with its document position, and is keyed by its text and that position (line and
 * column are all a syntax tree holds of where it is), so an edit within a line leaves every other piece a hit, and a
 * line added or removed misses the pieces below it once. The result is the tree `parseProgram` gives for the whole
 * text: where the scan could be wrong (an f-string with nested quotes of its own kind) a piece fails to parse on its
 * own, and any piece with a diagnostic sends the whole text to `parseProgram`, so errors are reported exactly as
 * before. `test/unit/python-program-cache.test.ts` compares the two trees on every test program and on random edits.
 */
import type * as ast from './ast';
import { parseProgram } from './program';
import type { ParseOptions } from './stream';

/** The parses a piece stays cached after its last use (a few documents checked in turn keep theirs). */
const KEEP_FOR_PARSES = 8;

interface Piece {
  /** The parse options and document position it was parsed with. */
  readonly mode: string;
  readonly line: number;
  readonly column: number;
  readonly body: readonly ast.ProgramStmt[];
  /** From the piece's first token to its end of input. */
  readonly range: ast.Program['range'];
  used: number;
}

/** Where top-level pieces start: character offsets (the first is 0) and 0-based line numbers. */
export interface Pieces {
  readonly starts: number[];
  readonly lines: number[];
}

/** Top-level pieces of `text`, or undefined when the whole parser should judge its indentation. */
export function topLevelPieces(text: string): Pieces | undefined {
  const n = text.length;
  const starts: number[] = [0];
  const lines: number[] = [0];
  let line = 0;
  let depth = 0;
  /** The open string's quote (34 or 39), 0 outside one. */
  let quote = 0;
  let triple = false;
  let continued = false;
  let afterDecorator = false;
  let seenCode = false;
  let i = 0;
  while (i < n) {
    // At a line's start.
    if (quote === 0 && depth === 0 && !continued) {
      const c = text.charCodeAt(i);
      if (!isBlank(c) && c !== 35 /* # */ && c !== 10 && c !== 13) {
        if (!seenCode) {
          seenCode = true;
        } else if (!afterDecorator && !continuesCompound(text, i)) {
          starts.push(i);
          lines.push(line);
        }
        afterDecorator = c === 64; /* @ */
      } else if (!seenCode && isBlank(c) && !lineIsEmpty(text, i)) {
        // The first code line is indented: the top level's lenient indentation is the whole parser's to judge.
        return undefined;
      }
    }
    continued = false;
    // The rest of the line.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
        line++;
        if (quote !== 0 && !triple) quote = 0; // an unterminated string ends with its line (the lexer's error)
        break;
      }
      if (quote !== 0) {
        if (c === 92 /* \ */) {
          // An escaped character, or a line joined inside the string.
          const d = text.charCodeAt(i + 1);
          i += d === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
          if (d === 10 || d === 13) line++;
          continue;
        }
        if (c === quote) {
          if (!triple) {
            quote = 0;
          } else if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) {
            quote = 0;
            i += 3;
            continue;
          }
        }
        i++;
        continue;
      }
      if (c === 35 /* # */) {
        while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        continue;
      }
      if (c === 34 || c === 39) {
        quote = c;
        triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
        i += triple ? 3 : 1;
        continue;
      }
      if (c === 92 /* \ */) {
        const d = text.charCodeAt(i + 1);
        if (d === 10 || d === 13) {
          i += d === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
          line++;
          continued = true;
          break;
        }
      } else if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
      i++;
    }
  }
  return { starts, lines };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/** The line at `i` holds only whitespace or a comment. */
function lineIsEmpty(text: string, i: number): boolean {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 35) return true;
    if (!isBlank(c)) return false;
  }
  return true;
}

const CONTINUING = ['else', 'elif', 'except', 'finally'];

/** The line at `i` starts with a keyword that continues the compound statement above. */
function continuesCompound(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c !== 101 /* e */ && c !== 102 /* f */) return false;
  for (const k of CONTINUING) {
    if (text.startsWith(k, i)) {
      const after = text.charCodeAt(i + k.length);
      if (!(
        after === 95 ||
        (after >= 48 && after <= 57) ||
        (after >= 65 && after <= 90) ||
        (after >= 97 && after <= 122)
      ))
        return true;
    }
  }
  return false;
}

/** `parseProgram` with a memory of the top-level statements it parsed before (see the module's comment). */
export class ProgramCache {
  /** By their text (the same text may stand at several positions). */
  private readonly pieces = new Map<string, Piece[]>();
  private parses = 0;
  /** Pieces taken from the cache and parsed, over this cache's life (for tests and the bench). */
  hits = 0;
  misses = 0;

  parse(text: string, options: ParseOptions = {}): ast.Program {
    const pieces = topLevelPieces(text);
    if (!pieces || pieces.starts.length < 2) return parseProgram(text, options);
    const { starts, lines } = pieces;
    const parse = ++this.parses;
    const origin = options.origin ?? { line: 1, column: 1 };
    const mode = `${options.fstringNewlines ? 1 : 0}${options.reprs ? 1 : 0}`;
    const body: ast.ProgramStmt[] = [];
    const ranges: ast.Program['range'][] = [];
    for (let k = 0; k < starts.length; k++) {
      const source = text.slice(starts[k], starts[k + 1] ?? text.length);
      const line = origin.line + lines[k]!;
      const column = k === 0 ? origin.column : 1;
      let same = this.pieces.get(source);
      let piece: Piece | undefined;
      if (same) for (const p of same) if (p.line === line && p.column === column && p.mode === mode) piece = p;
      if (piece) {
        this.hits++;
      } else {
        // A copy of the piece's text, not a slice of the document: the key and the tree's names would otherwise keep
        // the whole text of this version alive for as long as the piece stays cached.
        const own = (' ' + source).slice(1);
        const program = parseProgram(own, { ...options, origin: { line, column } });
        this.misses++;
        if (program.diagnostics.length > 0) return parseProgram(text, options);
        piece = { mode, line, column, body: program.body, range: program.range, used: parse };
        if (!same) this.pieces.set(own, (same = []));
        same.push(piece);
      }
      piece.used = parse;
      for (const stmt of piece.body) body.push(stmt);
      if (k === 0 || k === starts.length - 1) ranges.push(piece.range);
    }
    // Forget what the last parses did not use (without a new array for every piece kept).
    const cutoff = parse - KEEP_FOR_PARSES;
    for (const [source, same] of this.pieces) {
      let stale = 0;
      for (const p of same) if (p.used <= cutoff) stale++;
      if (stale === same.length) this.pieces.delete(source);
      else if (stale > 0)
        this.pieces.set(
          source,
          same.filter((p) => p.used > cutoff),
        );
    }
    return {
      kind: 'Program',
      body,
      diagnostics: [],
      // The whole text's range: from the first piece's first token to the last piece's end of input.
      range: {
        line: ranges[0]!.line,
        column: ranges[0]!.column,
        endLine: ranges[1]!.endLine,
        endColumn: ranges[1]!.endColumn,
      },
    };
  }
}

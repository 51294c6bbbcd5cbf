/**
 * A hand-written Python tokenizer: one left-to-right pass, no backtracking, so its cost is linear in the input.
 *
 * It never throws. Problems (an unterminated string, a stray `)`, an invalid character) become `error` tokens that
 * carry their {@link Diagnostic}; the parser raises them when it reaches them, which lets it recover at the next
 * statement instead of losing the whole input.
 *
 * Differences from CPython's tokenizer, on purpose: no INDENT/DEDENT tokens (the parser only needs each logical
 * line's indentation, given on its first token) and no error for an unmatched dedent, because selections copied out
 * of a function are routinely indented oddly. Like CPython, it raises `TabError` for indentation whose meaning
 * depends on the tab width, and it NFKC-normalises identifiers (`ｘ` and `x` are one name, PEP 3131).
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import { formatPosition, PythonErrorCode, syntaxDiagnostic } from './errors';

/** Token categories. Keywords are `name` tokens (see {@link isKeyword}). */
export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'eof' | 'error';

/** A numeric literal's value. */
export interface NumberValue {
  readonly value: number;
  /** Exact value of an integer that a double cannot hold exactly. */
  readonly big?: bigint;
  readonly isFloat: boolean;
  readonly isImaginary: boolean;
}

/** A string literal's decoded value. */
export interface StringValue {
  readonly value: string;
  readonly prefix: string;
}

/** One token. The range is 1-based with an exclusive end column, shifted by {@link LexOptions.origin}. */
export interface Token extends SourceRange {
  readonly kind: TokenKind;
  /** The source text of the token (empty for `newline` at end of input and `eof`). */
  readonly text: string;
  /** Offsets into the tokenized text. */
  readonly start: number;
  readonly end: number;
  /** Whitespace, a comment or a line break separates this token from the previous one. */
  readonly spaceBefore: boolean;
  /** Indentation width of the logical line this token starts (tabs advance to multiples of 8); -1 otherwise. */
  readonly indent: number;
  readonly number: NumberValue | undefined;
  readonly string: StringValue | undefined;
  readonly error: Diagnostic | undefined;
}

/** Where the text sits in a larger document, so reported positions are document positions. */
export interface Origin {
  /** 1-based line of the text's first character. */
  readonly line: number;
  /** 1-based column of the text's first character. */
  readonly column: number;
}

/** Tokenizer options. */
export interface LexOptions {
  readonly origin?: Origin;
  /**
   * Python 3.12+ grammar (PEP 701): a replacement field of a single-quoted f-string may span lines. Off by default
   * (3.11 and earlier, beside torch 1.13, reject it).
   */
  readonly fstringNewlines?: boolean;
}

/** What {@link tokenize} returns. */
export interface LexResult {
  /** Always ends with an `eof` token; each logical line with tokens ends with a `newline` token. */
  readonly tokens: Token[];
  /** True when the text had at least one `#` comment (JSON detection needs to know). */
  readonly hasComments: boolean;
}

/** Python's reserved words (soft keywords such as `match` are names). */
// prettier-ignore
export const KEYWORDS: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** True when a `name` token is a reserved word. */
export function isKeyword(token: Token): boolean {
  return token.kind === 'name' && KEYWORDS.has(token.text);
}

/** CPython's limit on nested brackets (MAXLEVEL); it also bounds the parser's recursion. */
export const MAX_BRACKET_DEPTH = 200;

const OPERATORS_3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
// prettier-ignore
const OPERATORS_2 = new Set([
  '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '->', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
]);
const OPERATORS_1 = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  ';',
  '.',
  '=',
]);
const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 'br', 'rb', 'fr', 'rf']);
const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;
/** Integers with at most this many digits are exact as doubles. */
const SAFE_DIGITS = 15;

const enum Ch {
  Tab = 9,
  LineFeed = 10,
  FormFeed = 12,
  CarriageReturn = 13,
  Space = 32,
  DoubleQuote = 34,
  Hash = 35,
  SingleQuote = 39,
  Star = 42,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Less = 60,
  Equals = 61,
  Greater = 62,
  Backslash = 92,
  Underscore = 95,
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function isAsciiIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === Ch.Underscore;
}

function isAsciiIdContinue(c: number): boolean {
  return isAsciiIdStart(c) || isDigit(c);
}

/** Just the range of a token, for a diagnostic. */
function rangeOfToken(t: SourceRange): SourceRange {
  return { line: t.line, column: t.column, endLine: t.endLine, endColumn: t.endColumn };
}

/** Tokenizes Python source. Linear time; never throws. */
export function tokenize(text: string, options: LexOptions = {}): LexResult {
  return new Lexer(text, options.origin ?? { line: 1, column: 1 }, options.fstringNewlines ?? false).run();
}

class Lexer {
  private pos = 0;
  /** 0-based physical line of `pos` and the offset where that line starts. */
  private line = 0;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  /** The open brackets' own tokens (their text is the bracket; their range is read only for an error). */
  private readonly brackets: Token[] = [];
  private lineHasTokens = false;
  /** CPython's two indentation stacks: tabs to multiples of 8 and tabs as one column (a TabError when they disagree). */
  private readonly indentStack: number[] = [0];
  private readonly altIndentStack: number[] = [0];
  private spaceBefore = true;
  private hasComments = false;
  /** The name being scanned has a non-ASCII character (only those names need NFKC normalisation). */
  private nonAsciiName = false;

  constructor(
    private readonly text: string,
    private readonly origin: Origin,
    private readonly fstringNewlines = false,
  ) {}

  run(): LexResult {
    const text = this.text;
    const n = text.length;
    while (this.pos < n) {
      const c = text.charCodeAt(this.pos);
      // No-break spaces and byte-order marks arrive with text pasted from web pages and notebooks; treating them as
      // spaces (CPython rejects them) costs nothing and saves a confusing error.
      if (c === Ch.Space || c === Ch.Tab || c === Ch.FormFeed || c === 0xa0 || c === 0xfeff) {
        this.pos++;
        this.spaceBefore = true;
      } else if (c === Ch.LineFeed || c === Ch.CarriageReturn) {
        this.lineBreak();
      } else if (c === Ch.Hash) {
        this.hasComments = true;
        while (this.pos < n && !this.isLineBreak(this.pos)) this.pos++;
        this.spaceBefore = true;
      } else if (c === Ch.Backslash) {
        this.continuation();
      } else if (isAsciiIdStart(c) || (c > 127 && ID_START.test(this.codePointAt(this.pos)))) {
        this.nameOrString();
      } else if (isDigit(c) || (c === Ch.Dot && isDigit(text.charCodeAt(this.pos + 1)))) {
        this.numberLiteral();
      } else if (c === Ch.SingleQuote || c === Ch.DoubleQuote) {
        this.stringLiteral(this.pos, '');
      } else {
        this.operator();
      }
    }
    this.finish();
    return { tokens: this.tokens, hasComments: this.hasComments };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Positions
  // -------------------------------------------------------------------------------------------------------------

  private isLineBreak(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return c === Ch.LineFeed || c === Ch.CarriageReturn;
  }

  /** Consumes one line break (`\r\n` counts as one) and starts the next physical line. */
  private consumeLineBreak(): void {
    if (this.text.charCodeAt(this.pos) === Ch.CarriageReturn && this.text.charCodeAt(this.pos + 1) === Ch.LineFeed) {
      this.pos += 2;
    } else {
      this.pos++;
    }
    this.line++;
    this.lineStart = this.pos;
  }

  private codePointAt(at: number): string {
    return String.fromCodePoint(this.text.codePointAt(at) ?? 0);
  }

  /** Document position of an offset on the current physical line (or an earlier one, given its line/start). */
  private position(offset: number, line = this.line, lineStart = this.lineStart): { line: number; column: number } {
    const column = offset - lineStart + 1 + (line === 0 ? this.origin.column - 1 : 0);
    return { line: line + this.origin.line, column };
  }

  private rangeFrom(start: number, startLine: number, startLineStart: number): SourceRange {
    const s = this.position(start, startLine, startLineStart);
    const e = this.position(this.pos);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Emitting
  // -------------------------------------------------------------------------------------------------------------

  private emit(
    kind: TokenKind,
    start: number,
    startLine: number,
    startLineStart: number,
    number?: NumberValue,
    string?: StringValue,
    error?: Diagnostic,
  ): void {
    const first = !this.lineHasTokens && kind !== 'newline' && kind !== 'eof';
    if (first && kind !== 'error') {
      const tabError = this.tabError(startLineStart, start, startLine);
      if (tabError) {
        this.pushToken(
          'error',
          '',
          start,
          start,
          tabError.range,
          this.indentationOf(startLineStart, start),
          tabError.diagnostic,
        );
        this.lineHasTokens = true;
        this.emit(kind, start, startLine, startLineStart, number, string, error);
        return;
      }
    }
    const raw = this.text.slice(start, this.pos);
    // PEP 3131: identifiers are compared after NFKC normalisation (only non-ASCII names can change).
    const tokenText = kind === 'name' && this.nonAsciiName ? raw.normalize('NFKC') : raw;
    this.nonAsciiName = false;
    // One object literal with every field, so all tokens share one hidden class (this loop runs per token).
    this.tokens.push({
      kind,
      text: tokenText,
      start,
      end: this.pos,
      line: startLine + this.origin.line,
      column: start - startLineStart + 1 + (startLine === 0 ? this.origin.column - 1 : 0),
      endLine: this.line + this.origin.line,
      endColumn: this.pos - this.lineStart + 1 + (this.line === 0 ? this.origin.column - 1 : 0),
      spaceBefore: this.spaceBefore,
      indent: first ? this.indentationOf(startLineStart, start) : -1,
      number,
      string,
      error,
    });
    if (kind !== 'newline' && kind !== 'eof') this.lineHasTokens = true;
    this.spaceBefore = false;
  }

  /** Pushes a token with the given range (the TabError before a line's first token). */
  private pushToken(
    kind: TokenKind,
    text: string,
    start: number,
    end: number,
    range: SourceRange,
    indent: number,
    error: Diagnostic | undefined,
  ): void {
    this.tokens.push({
      kind,
      text,
      start,
      end,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      spaceBefore: this.spaceBefore,
      indent,
      number: undefined,
      string: undefined,
      error,
    });
  }

  /**
   * CPython's TabError: the indentation before `tokenStart` measured twice (tabs to multiples of 8, and tabs as one
   * column) must order the same way against the enclosing levels, else its meaning depends on the tab width.
   */
  private tabError(
    lineStart: number,
    tokenStart: number,
    line: number,
  ): { range: SourceRange; diagnostic: Diagnostic } | undefined {
    let col = 0;
    let alt = 0;
    for (let i = lineStart; i < tokenStart; i++) {
      const c = this.text.charCodeAt(i);
      if (c === Ch.Tab) {
        col = col - (col % 8) + 8;
        alt++;
      } else if (c === Ch.FormFeed) {
        col = 0;
        alt = 0;
      } else if (c === Ch.Space || c === 0xa0 || c === 0xfeff) {
        col++;
        alt++;
      } else return undefined;
    }
    const stack = this.indentStack;
    const altStack = this.altIndentStack;
    let inconsistent = false;
    if (col > stack[stack.length - 1]!) {
      inconsistent = alt <= altStack[altStack.length - 1]!;
      stack.push(col);
      altStack.push(alt);
    } else {
      while (stack.length > 1 && col < stack[stack.length - 1]!) {
        stack.pop();
        altStack.pop();
      }
      if (col === stack[stack.length - 1]!) inconsistent = alt !== altStack[altStack.length - 1]!;
      else {
        // An unmatched dedent (a selection cut from a function): a new level, as the lexer is lenient about it.
        stack.push(col);
        altStack.push(alt);
      }
    }
    if (!inconsistent) return undefined;
    const saved = this.pos;
    this.pos = tokenStart;
    const range = this.rangeFrom(lineStart, line, lineStart);
    this.pos = saved;
    return {
      range,
      diagnostic: syntaxDiagnostic(range, {
        code: PythonErrorCode.tabs,
        message: 'TabError: inconsistent use of tabs and spaces in indentation',
        explanation:
          'This line is indented with a mix of tabs and spaces that means one thing if a tab is 8 columns and another if it is 1, so Python refuses it.',
        hint: 'Indent with spaces only (4 per level) or with tabs only; "Convert Indentation to Spaces" in the editor fixes the whole file.',
      }),
    };
  }

  private emitError(start: number, startLine: number, startLineStart: number, error: Diagnostic): void {
    this.emit('error', start, startLine, startLineStart, undefined, undefined, error);
  }

  /** Width of the whitespace before `tokenStart` on its physical line (0 if anything else precedes it). */
  private indentationOf(lineStart: number, tokenStart: number): number {
    let width = 0;
    for (let i = lineStart; i < tokenStart; i++) {
      const c = this.text.charCodeAt(i);
      if (c === Ch.Space || c === Ch.FormFeed || c === 0xa0 || c === 0xfeff) width++;
      else if (c === Ch.Tab) width = width - (width % 8) + 8;
      else return 0;
    }
    return width;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lines
  // -------------------------------------------------------------------------------------------------------------

  private lineBreak(): void {
    if (this.brackets.length === 0 && this.lineHasTokens) {
      const start = this.pos;
      const line = this.line;
      const lineStart = this.lineStart;
      // The newline token covers the line break itself; its end is the break's column, not the next line.
      this.pos = start + 1;
      const range = this.rangeFrom(start, line, lineStart);
      this.pos = start;
      this.tokens.push({
        kind: 'newline',
        text: '',
        start,
        end: start,
        line: range.line,
        column: range.column,
        endLine: range.endLine,
        endColumn: range.endColumn,
        spaceBefore: this.spaceBefore,
        indent: -1,
        number: undefined,
        string: undefined,
        error: undefined,
      });
      this.lineHasTokens = false;
    }
    this.consumeLineBreak();
    this.spaceBefore = true;
  }

  private continuation(): void {
    const start = this.pos;
    this.pos++;
    if (this.pos < this.text.length && this.isLineBreak(this.pos)) {
      this.consumeLineBreak();
      this.spaceBefore = true;
      return;
    }
    if (this.pos >= this.text.length) {
      // A trailing backslash at the very end is harmless in a selection.
      return;
    }
    const line = this.line;
    const lineStart = this.lineStart;
    this.emitError(
      start,
      line,
      lineStart,
      syntaxDiagnostic(this.rangeFrom(start, line, lineStart), {
        message: 'unexpected character after line continuation character',
        explanation: 'A backslash outside a string joins lines, so nothing may follow it on its line.',
        hint: 'Remove the backslash, or move what follows it to the next line.',
      }),
    );
  }

  private finish(): void {
    const open = this.brackets[this.brackets.length - 1];
    if (open) {
      const innermost = { char: open.text, range: rangeOfToken(open) };
      const closer = CLOSER_OF[innermost.char] ?? '';
      this.emitError(
        this.pos,
        this.line,
        this.lineStart,
        syntaxDiagnostic(innermost.range, {
          code: PythonErrorCode.brackets,
          message: `'${innermost.char}' was never closed`,
          explanation: `The '${innermost.char}' opened at ${formatPosition(innermost.range)} has no matching '${closer}' before the end of the text.`,
          hint: `Add the missing '${closer}', or extend the selection to the end of the expression.`,
          data: {
            open: innermost.char,
            close: closer,
            openLine: innermost.range.line,
            openColumn: innermost.range.column,
          },
        }),
      );
      this.brackets.length = 0;
    }
    if (this.lineHasTokens) this.emit('newline', this.pos, this.line, this.lineStart);
    this.emit('eof', this.pos, this.line, this.lineStart);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Names and strings
  // -------------------------------------------------------------------------------------------------------------

  private nameOrString(): void {
    const start = this.pos;
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (isAsciiIdContinue(c)) {
        this.pos++;
      } else if (c > 127 && ID_CONTINUE.test(this.codePointAt(this.pos))) {
        this.pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        this.nonAsciiName = true;
      } else {
        break;
      }
    }
    const next = text.charCodeAt(this.pos);
    if (
      (next === Ch.SingleQuote || next === Ch.DoubleQuote) &&
      this.pos - start <= 2 &&
      STRING_PREFIXES.has(text.slice(start, this.pos).toLowerCase())
    ) {
      this.stringLiteral(start, text.slice(start, this.pos).toLowerCase());
      return;
    }
    this.emit('name', start, this.line, this.lineStart);
  }

  /** Scans a string whose quote is at `this.pos` (prefix letters, if any, start at `start`). */
  private stringLiteral(start: number, prefix: string): void {
    const text = this.text;
    const startLine = this.line;
    const startLineStart = this.lineStart;
    const quote = text[this.pos]!;
    const triple = text.startsWith(quote.repeat(3), this.pos);
    this.pos += triple ? 3 : 1;
    const bodyStart = this.pos;
    const raw = prefix.includes('r');
    const fieldsMaySpanLines = this.fstringNewlines && prefix.includes('f') && !triple;
    let fieldDepth = 0;
    for (;;) {
      if (this.pos >= text.length) {
        this.unterminatedString(start, startLine, startLineStart, triple);
        return;
      }
      const c = text.charCodeAt(this.pos);
      if (fieldsMaySpanLines) {
        if (text[this.pos] === '{') {
          if (fieldDepth === 0 && text[this.pos + 1] === '{') this.pos++;
          else fieldDepth++;
        } else if (text[this.pos] === '}' && fieldDepth > 0) fieldDepth--;
        else if (fieldDepth > 0 && (c === Ch.LineFeed || c === Ch.CarriageReturn)) {
          this.consumeLineBreak();
          continue;
        }
      }
      if (c === Ch.Backslash) {
        this.pos++;
        if (this.pos < text.length && this.isLineBreak(this.pos)) this.consumeLineBreak();
        else if (this.pos < text.length) this.pos++;
        continue;
      }
      if (c === Ch.LineFeed || c === Ch.CarriageReturn) {
        if (!triple) {
          this.unterminatedString(start, startLine, startLineStart, triple);
          return;
        }
        this.consumeLineBreak();
        continue;
      }
      if (text[this.pos] === quote && (!triple || text.startsWith(quote.repeat(3), this.pos))) {
        const body = text.slice(bodyStart, this.pos);
        this.pos += triple ? 3 : 1;
        const value = raw || prefix.includes('f') ? body : decodeEscapes(body);
        this.emit('string', start, startLine, startLineStart, undefined, { value, prefix });
        return;
      }
      this.pos++;
    }
  }

  private unterminatedString(start: number, startLine: number, startLineStart: number, triple: boolean): void {
    const detectedAt = this.line + this.origin.line;
    const s = this.position(start, startLine, startLineStart);
    // Point at the opening quote's line, to its end: that is where the user has to look.
    let lineEnd = start;
    while (lineEnd < this.text.length && !this.isLineBreak(lineEnd)) lineEnd++;
    const endColumn = s.column + (lineEnd - start);
    const range: SourceRange = { line: s.line, column: s.column, endLine: s.line, endColumn };
    this.emitError(
      start,
      startLine,
      startLineStart,
      syntaxDiagnostic(range, {
        message: `unterminated ${triple ? 'triple-quoted ' : ''}string literal (detected at line ${detectedAt})`,
        explanation: 'A string starts here but its closing quote is missing.',
        hint: 'Add the closing quote, or extend the selection to include it.',
        data: { detectedAt },
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Numbers
  // -------------------------------------------------------------------------------------------------------------

  /** Consumes digits of a base with single underscores between them; returns false on a misplaced underscore. */
  /** Set by {@link digits} when an underscore is misplaced (`1__0`, `1_`). */
  private misplacedUnderscore = false;

  /** Consumes digits with single underscores between them and returns how many digits it read. */
  private digits(isBaseDigit: (c: number) => boolean): number {
    const text = this.text;
    let count = 0;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (isBaseDigit(c)) {
        this.pos++;
        count++;
      } else if (c === Ch.Underscore && count > 0 && isBaseDigit(text.charCodeAt(this.pos + 1))) {
        this.pos++;
      } else {
        if (c === Ch.Underscore) this.misplacedUnderscore = true;
        break;
      }
    }
    return count;
  }

  private numberLiteral(): void {
    const text = this.text;
    const start = this.pos;
    const line = this.line;
    const lineStart = this.lineStart;
    const c0 = text.charCodeAt(start);
    const c1 = text[start + 1]?.toLowerCase();
    if (c0 === Ch.Zero && (c1 === 'x' || c1 === 'o' || c1 === 'b')) {
      this.pos += 2;
      const isBaseDigit =
        c1 === 'x'
          ? (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
          : c1 === 'o'
            ? (c: number) => c >= Ch.Zero && c <= 55
            : (c: number) => c === Ch.Zero || c === 49;
      if (text.charCodeAt(this.pos) === Ch.Underscore) this.pos++;
      this.misplacedUnderscore = false;
      const count = this.digits(isBaseDigit);
      const baseName = c1 === 'x' ? 'hexadecimal' : c1 === 'o' ? 'octal' : 'binary';
      if (count === 0 || this.misplacedUnderscore || this.identifierFollows()) {
        this.badNumber(start, line, lineStart, `invalid ${baseName} literal`);
        return;
      }
      const raw = text.slice(start, this.pos);
      const big = BigInt(raw.replace(/_/g, ''));
      const value = Number(big);
      this.emit('number', start, line, lineStart, {
        value,
        big: Number.isSafeInteger(value) ? undefined : big,
        isFloat: false,
        isImaginary: false,
      });
      return;
    }

    this.misplacedUnderscore = false;
    this.digits(isDigit);
    let isFloat = false;
    if (text.charCodeAt(this.pos) === Ch.Dot && !text.startsWith('...', this.pos)) {
      isFloat = true;
      this.pos++;
      this.digits(isDigit);
    }
    const ok = !this.misplacedUnderscore;
    const e = text[this.pos];
    if (e === 'e' || e === 'E') {
      const save = this.pos;
      this.pos++;
      const sign = text[this.pos];
      if (sign === '+' || sign === '-') this.pos++;
      const before = this.misplacedUnderscore;
      const expDigits = this.digits(isDigit);
      if (expDigits === 0 || this.misplacedUnderscore !== before) {
        this.pos = save + 1;
        this.badNumber(start, line, lineStart, 'invalid decimal literal');
        return;
      }
      isFloat = true;
    }
    let isImaginary = false;
    const j = text[this.pos];
    if (j === 'j' || j === 'J') {
      isImaginary = true;
      this.pos++;
    }
    if (!ok || this.identifierFollows()) {
      this.badNumber(start, line, lineStart, 'invalid decimal literal');
      return;
    }
    let digitsOnly = text.slice(start, isImaginary ? this.pos - 1 : this.pos);
    if (digitsOnly.includes('_')) digitsOnly = digitsOnly.replace(/_/g, '');
    if (!isFloat && !isImaginary && c0 === Ch.Zero && /^0+[1-9]/.test(digitsOnly)) {
      this.badNumber(
        start,
        line,
        lineStart,
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
      );
      return;
    }
    let big: bigint | undefined;
    let value: number;
    if (!isFloat && !isImaginary && digitsOnly.length > SAFE_DIGITS) {
      const exact = BigInt(digitsOnly);
      value = Number(exact);
      big = Number.isSafeInteger(value) ? undefined : exact;
    } else {
      value = Number(digitsOnly);
    }
    this.emit('number', start, line, lineStart, { value, big, isFloat, isImaginary });
  }

  private identifierFollows(): boolean {
    const c = this.text.charCodeAt(this.pos);
    return isAsciiIdContinue(c) || (c > 127 && ID_CONTINUE.test(this.codePointAt(this.pos)));
  }

  private badNumber(start: number, line: number, lineStart: number, message: string): void {
    // Swallow the rest of the malformed literal so the error is reported once.
    while (this.pos < this.text.length && (this.identifierFollows() || this.text.charCodeAt(this.pos) === Ch.Dot)) {
      if (this.text.startsWith('...', this.pos)) break;
      this.pos++;
    }
    this.emitError(
      start,
      line,
      lineStart,
      syntaxDiagnostic(this.rangeFrom(start, line, lineStart), {
        message,
        explanation: `'${this.text.slice(start, this.pos)}' is not a number Python can read.`,
        hint: 'Write the number as digits with an optional decimal point and exponent, e.g. 1.5e-3.',
        data: { literal: this.text.slice(start, this.pos) },
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Operators and brackets
  // -------------------------------------------------------------------------------------------------------------

  private operator(): void {
    const text = this.text;
    const start = this.pos;
    const line = this.line;
    const lineStart = this.lineStart;
    const one = text[start]!;
    // Brackets and commas are most tokens of a tensor literal and never start a longer operator.
    const single =
      one === ',' || one === '[' || one === ']' || one === '(' || one === ')' || one === '{' || one === '}';
    // Every operator longer than one character has one of these as its second character; checking it first saves
    // two string slices for most tokens (`=`, `.`, `:`).
    const second = text.charCodeAt(start + 1);
    const longer =
      !single &&
      (second === Ch.Equals ||
        second === Ch.Star ||
        second === Ch.Slash ||
        second === Ch.Less ||
        second === Ch.Greater ||
        second === Ch.Dot);
    if (longer && OPERATORS_3.has(text.slice(start, start + 3))) {
      this.pos += 3;
    } else if (longer && OPERATORS_2.has(text.slice(start, start + 2))) {
      this.pos += 2;
    } else if (OPERATORS_1.has(one)) {
      this.pos += 1;
      if (one === '(' || one === '[' || one === '{') {
        this.openBracket(start, line, lineStart);
        return;
      }
      if (one === ')' || one === ']' || one === '}') {
        this.closeBracket(one, start, line, lineStart);
        return;
      }
    } else {
      const cp = text.codePointAt(start) ?? 0;
      this.pos += cp > 0xffff ? 2 : 1;
      const ch = String.fromCodePoint(cp);
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      this.emitError(
        start,
        line,
        lineStart,
        syntaxDiagnostic(this.rangeFrom(start, line, lineStart), {
          message: `invalid character '${ch}' (U+${hex})`,
          explanation: `'${ch}' cannot appear in Python code outside a string or a comment.`,
          hint: 'Remove it, or check that the selection holds Python (or JSON) and nothing else.',
          data: { character: ch, codePoint: `U+${hex}` },
        }),
      );
      return;
    }
    this.emit('op', start, line, lineStart);
  }

  private openBracket(start: number, line: number, lineStart: number): void {
    // Reported once, at the first bracket past the limit: the parser stops there anyway.
    if (this.brackets.length === MAX_BRACKET_DEPTH) {
      this.emitError(
        start,
        line,
        lineStart,
        syntaxDiagnostic(this.rangeFrom(start, line, lineStart), {
          message: 'too many nested parentheses',
          explanation: `Python allows at most ${MAX_BRACKET_DEPTH} nested brackets.`,
          hint: 'Flatten the expression; no tensor needs that many dimensions.',
          data: { limit: MAX_BRACKET_DEPTH },
        }),
      );
    } else {
      this.emit('op', start, line, lineStart);
    }
    // Pushed even past the limit, so that the closing brackets still pair up. The token just emitted (the bracket,
    // or the error in its place) covers the bracket.
    this.brackets.push(this.tokens[this.tokens.length - 1]!);
  }

  private closeBracket(char: string, start: number, line: number, lineStart: number): void {
    const open = this.brackets[this.brackets.length - 1];
    if (open && CLOSER_OF[open.text] === char) {
      this.brackets.pop();
      this.emit('op', start, line, lineStart);
      return;
    }
    const range = this.rangeFrom(start, line, lineStart);
    if (!open) {
      const opener = char === ')' ? '(' : char === ']' ? '[' : '{';
      this.emitError(
        start,
        line,
        lineStart,
        syntaxDiagnostic(range, {
          code: PythonErrorCode.brackets,
          message: `unmatched '${char}'`,
          explanation: `No '${opener}' is open when this '${char}' closes one.`,
          hint: `Remove the '${char}', or extend the selection to include its '${opener}'.`,
          data: { close: char, open: opener },
        }),
      );
      return;
    }
    const top = { char: open.text, range: rangeOfToken(open) };
    const expected = CLOSER_OF[top.char] ?? '';
    const onLine = top.range.line !== range.line ? ` on line ${top.range.line}` : '';
    this.emitError(
      start,
      line,
      lineStart,
      syntaxDiagnostic(range, {
        code: PythonErrorCode.brackets,
        message: `closing parenthesis '${char}' does not match opening parenthesis '${top.char}'${onLine}`,
        explanation: `The '${top.char}' opened at ${formatPosition(top.range)} must be closed by '${expected}' before this '${char}'.`,
        hint: `Close the '${top.char}' with '${expected}', or check the brackets between ${formatPosition(top.range)} and ${formatPosition(range)}.`,
        data: {
          open: top.char,
          close: char,
          expected,
          openLine: top.range.line,
          openColumn: top.range.column,
        },
      }),
    );
    // Resynchronise: close up to the bracket this one matches, or just the innermost one.
    let match = -1;
    for (let i = this.brackets.length - 1; i >= 0; i--) {
      if (CLOSER_OF[this.brackets[i]!.text] === char) {
        match = i;
        break;
      }
    }
    this.brackets.length = match >= 0 ? match : this.brackets.length - 1;
  }
}

/** Applies Python's backslash escapes to the body of a non-raw string. */
function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(
    /\\(\r\n|[\n\r\\'"abfnrtv]|[0-7]{1,3}|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/g,
    (whole: string, esc: string) => {
      switch (esc[0]) {
        case '\n':
        case '\r':
          return '';
        case 'a':
          return '\x07';
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'v':
          return '\v';
        case 'x':
        case 'u':
        case 'U': {
          const cp = parseInt(esc.slice(1), 16);
          return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
        }
        default:
          return /^[0-7]/.test(esc) ? String.fromCharCode(parseInt(esc, 8)) : esc;
      }
    },
  );
}

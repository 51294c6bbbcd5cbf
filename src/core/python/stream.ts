/**
 * Token cursor shared by the expression and statement parsers: lookahead, expectations, positions and the
 * recursion guard.
 */
import { LossLensError, type SourceRange } from '../diagnostics';
import { ParseFailure, syntaxFailure, type SyntaxProblem } from './errors';
import type { Origin, Token } from './lexer';

/** Parser options. */
export interface ParseOptions {
  /** Document position of the text's first character (ranges are reported in document coordinates). */
  readonly origin?: Origin;
  /**
   * Accept what PyTorch and NumPy print but Python does not parse: `grad_fn=<NllLossBackward0>` and several
   * expressions on one line (`tensor([1]) tensor([2])`, as `print(a, b)` shows them).
   */
  readonly reprs?: boolean;
  /** Python 3.12+ f-strings whose fields span lines (see `LexOptions.fstringNewlines`). */
  readonly fstringNewlines?: boolean;
}

/**
 * How deep expressions may nest (brackets, operator chains, unary prefixes, `**`, conditionals together). Bounds
 * the parser's recursion and the height of every tree it returns, so tree walkers elsewhere cannot overflow the stack.
 */
export const MAX_EXPRESSION_DEPTH = 400;

/** Short description of a token for messages: `the number 2`, `','`, `the end of the line`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'number':
      return `the number ${token.text}`;
    case 'name':
      return `'${token.text}'`;
    case 'string':
      return 'a string';
    case 'newline':
      return 'the end of the line';
    case 'eof':
      return 'the end of the text';
    default:
      return `'${token.text}'`;
  }
}

/** What stands in for a released token (see {@link TokenStream.releaseBefore}); never read by a parser. */
const RELEASED: Token = {
  kind: 'newline',
  text: '',
  start: 0,
  end: 0,
  line: 0,
  column: 0,
  endLine: 0,
  endColumn: 0,
  spaceBefore: false,
  indent: -1,
  number: undefined,
  string: undefined,
  error: undefined,
};

/** The token cursor. */
export class TokenStream {
  protected index = 0;
  private depth = 0;

  constructor(
    protected readonly tokens: readonly Token[],
    protected readonly text: string,
    protected readonly options: ParseOptions,
  ) {}

  /**
   * Lets the tokens before `end` go: a parser that will not look back past `end` (the whole-program parser, between
   * top-level statements) drops them so the collector need not keep a 5,000-line file's tokens while the rest parses.
   */
  protected releaseBefore(end: number): void {
    const tokens = this.tokens as Token[];
    for (let i = this.released; i < end; i++) tokens[i] = RELEASED;
    this.released = Math.max(this.released, end);
  }

  private released = 0;

  /** The current token; raises the error carried by an `error` token. */
  protected cur(): Token {
    const t = this.tokens[this.index]!;
    if (t.kind === 'error') throw new ParseFailure(t.error!);
    return t;
  }

  /** A token ahead of the current one, without raising (used for one-token lookahead decisions). */
  protected peekAt(offset: number): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  /** The last consumed token. */
  protected prev(): Token {
    return this.tokens[Math.max(this.index - 1, 0)]!;
  }

  protected advance(): Token {
    const t = this.cur();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  protected isOp(text: string): boolean {
    const t = this.cur();
    return t.kind === 'op' && t.text === text;
  }

  protected isName(text: string): boolean {
    const t = this.cur();
    return t.kind === 'name' && t.text === text;
  }

  protected acceptOp(text: string): Token | undefined {
    return this.isOp(text) ? this.advance() : undefined;
  }

  protected acceptName(text: string): Token | undefined {
    return this.isName(text) ? this.advance() : undefined;
  }

  /** Consumes the operator `text` or raises `expected '<text>'` (CPython's wording). */
  protected expectOp(text: string, explanation?: string): Token {
    const t = this.cur();
    if (t.kind === 'op' && t.text === text) return this.advance();
    throw this.unexpected(t, {
      message: `expected '${text}'`,
      explanation: explanation ?? `Python expected '${text}' here but found ${describeToken(t)}.`,
      hint: `Insert '${text}', or check the text just before ${describeToken(t)}.`,
      data: { expected: text, found: t.text },
    });
  }

  /** Consumes the keyword `text` or raises. */
  protected expectName(text: string): Token {
    const t = this.cur();
    if (t.kind === 'name' && t.text === text) return this.advance();
    throw this.unexpected(t, {
      message: `expected '${text}'`,
      explanation: `Python expected '${text}' here but found ${describeToken(t)}.`,
      hint: `Insert '${text}'.`,
      data: { expected: text, found: t.text },
    });
  }

  /** The error for an unexpected token (the generic `invalid syntax` unless a problem is given). */
  protected unexpected(token: Token, problem?: SyntaxProblem): ParseFailure {
    if (token.kind === 'error') return new ParseFailure(token.error!);
    if (problem) return syntaxFailure(token, problem);
    if (token.kind === 'newline' || token.kind === 'eof') {
      return syntaxFailure(token, {
        message: 'invalid syntax',
        explanation: `The expression stops at ${describeToken(token)} before it is complete.`,
        hint: 'Complete the expression, or extend the selection to include the rest of it.',
        data: { found: describeToken(token) },
      });
    }
    return syntaxFailure(token, {
      message: 'invalid syntax',
      explanation: `Python does not expect ${describeToken(token)} here.`,
      hint: `Remove ${describeToken(token)}, or check the text just before it.`,
      data: { found: token.text },
    });
  }

  /** The range from a start token to the last consumed token. */
  protected rangeFrom(start: SourceRange): SourceRange {
    const end = this.prev();
    return { line: start.line, column: start.column, endLine: end.endLine, endColumn: end.endColumn };
  }

  /** Enters `levels` nesting levels; raises once the total passes {@link MAX_EXPRESSION_DEPTH}. */
  protected enter(at: Token, levels = 1): void {
    this.depth += levels;
    if (this.depth > MAX_EXPRESSION_DEPTH) {
      this.depth = 0;
      throw syntaxFailure(at, {
        message: 'expression too deeply nested',
        explanation:
          `The expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels (brackets, operators, signs and ` +
          'method calls counted together).',
        hint: 'Split the expression into smaller ones.',
        data: { limit: MAX_EXPRESSION_DEPTH },
      });
    }
  }

  /** Whether one more level would pass the limit ({@link enter} would raise). */
  protected atDepthLimit(): boolean {
    return this.depth >= MAX_EXPRESSION_DEPTH;
  }

  protected leave(levels = 1): void {
    this.depth = Math.max(0, this.depth - levels);
  }

  /** Resets the depth after an error unwound the stack. */
  protected resetDepth(): void {
    this.depth = 0;
  }
}

/**
 * Turns what the parser threw into a {@link ParseFailure}: failures pass through, a stack overflow (a safety net; the
 * depth guard should prevent it) becomes a syntax failure at `at`, anything else is a bug and is rethrown.
 */
export function asParseFailure(e: unknown, at: SourceRange): ParseFailure {
  if (e instanceof ParseFailure) return e;
  if (e instanceof LossLensError) return new ParseFailure(e.diagnostic);
  if (e instanceof RangeError) {
    return syntaxFailure(at, {
      message: 'expression too deeply nested',
      explanation: 'The expression nests too deeply to analyse.',
      hint: 'Split the expression into smaller ones.',
    });
  }
  throw e;
}

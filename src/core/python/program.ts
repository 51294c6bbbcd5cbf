/**
 * Whole-program parsing: every statement of the Python that loss tutorials and training code are written in,
 * compound statements included (`def`, `class`, `if`/`elif`/`else`, `for`/`while` with `else`, `try`/`except`/
 * `finally`, `with`, decorators), into a {@link ast.Program} the runtime executes.
 *
 * Blocks follow Python's indentation rules: a body is the lines indented deeper than its header, all at the body's
 * own indentation; a line indented deeper than its block is CPython's `unexpected indent`, one between two levels
 * `unindent does not match any outer indentation level`. The top level is lenient about a common indentation (a
 * selection copied out of a function), as the statement parser is.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type * as ast from './ast';
import { syntaxFailure } from './errors';
import { tokenize, type Token } from './lexer';
import { StatementParser } from './parser';
import { asParseFailure, type ParseOptions } from './stream';

/**
 * Parses a whole program. Never throws: the statements that do not parse are `Skipped` nodes with reason `error`,
 * and their diagnostics are listed in `Program.diagnostics` (a program with any is not run, as Python runs none).
 */
export function parseProgram(text: string, options: ParseOptions = {}): ast.Program {
  const { tokens } = tokenize(text, { origin: options.origin, fstringNewlines: options.fstringNewlines ?? false });
  return new ProgramParser(tokens, text, options).parseProgram();
}

const SIMPLE_KEYWORDS = new Set([
  'return',
  'pass',
  'break',
  'continue',
  'raise',
  'assert',
  'global',
  'nonlocal',
  'del',
]);

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

class ProgramParser extends StatementParser {
  private readonly errors: Diagnostic[] = [];

  parseProgram(): ast.Program {
    const body: ast.ProgramStmt[] = [];
    const first = this.tokens[0]!;
    for (;;) {
      const t = this.tokens[this.index]!;
      if (t.kind === 'eof') break;
      if (t.kind === 'newline') {
        this.index++;
        continue;
      }
      // Nothing reads behind the previous token once a top-level statement starts.
      this.releaseBefore(this.index - 1);
      this.parseStatementInto(body, -1);
    }
    const last = this.tokens[this.tokens.length - 1]!;
    return {
      kind: 'Program',
      body,
      diagnostics: this.errors,
      range: { line: first.line, column: first.column, endLine: last.endLine, endColumn: last.endColumn },
    };
  }

  /** Parses one statement line (or compound statement) at the current token; errors become Skipped nodes. */
  private parseStatementInto(body: ast.ProgramStmt[], parentIndent: number): void {
    const start = this.index;
    try {
      const t = this.cur();
      if ((t.kind === 'op' && t.text === '@') || (t.kind === 'name' && isCompoundKeyword(t.text))) {
        body.push(this.parseCompound(parentIndent));
        return;
      }
      this.parseSimpleLine(body);
    } catch (e) {
      const skipped = this.recover(start, asParseFailure(e, this.tokens[start]!).diagnostic);
      this.errors.push(skipped.error!);
      body.push(skipped);
      // Skip the rest of a block whose header failed, so its body is not read as top-level code.
      const indent = this.tokens[start]!.indent;
      while (
        this.tokens[this.index]!.kind !== 'eof' &&
        this.tokens[this.index]!.indent > Math.max(indent, parentIndent)
      )
        this.skipToNextLine();
    }
  }

  private skipToNextLine(): void {
    const end = this.findLineEnd(this.index);
    this.index = this.tokens[end]!.kind === 'eof' ? end : end + 1;
  }

  /** `small_stmt (';' small_stmt)* NEWLINE`, with the control-flow statements. */
  private parseSimpleLine(body: ast.ProgramStmt[]): void {
    for (;;) {
      body.push(this.parseProgramSmallStatement());
      if (this.acceptOp(';')) {
        const t = this.cur();
        if (t.kind === 'newline') {
          this.advance();
          return;
        }
        if (t.kind === 'eof') return;
        continue;
      }
      const t = this.cur();
      if (t.kind === 'newline') {
        this.advance();
        return;
      }
      if (t.kind === 'eof') return;
      throw this.unexpected(t);
    }
  }

  private parseProgramSmallStatement(): ast.ProgramStmt {
    const t = this.cur();
    if (t.kind !== 'name' || !SIMPLE_KEYWORDS.has(t.text)) return this.parseSmallStatement();
    this.advance();
    const ends = (): boolean => {
      const c = this.cur();
      return c.kind === 'newline' || c.kind === 'eof' || (c.kind === 'op' && c.text === ';');
    };
    switch (t.text) {
      case 'pass':
        return { kind: 'Pass', range: this.rangeFrom(t) };
      case 'break':
        return { kind: 'Break', range: this.rangeFrom(t) };
      case 'continue':
        return { kind: 'Continue', range: this.rangeFrom(t) };
      case 'return': {
        const value = ends() ? undefined : this.parseTestListStarExpr();
        return { kind: 'Return', value, range: this.rangeFrom(t) };
      }
      case 'raise': {
        if (ends()) return { kind: 'Raise', range: this.rangeFrom(t) };
        const exc = this.parseTest();
        const cause = this.acceptName('from') ? this.parseTest() : undefined;
        return { kind: 'Raise', exc, cause, range: this.rangeFrom(t) };
      }
      case 'assert': {
        const test = this.parseTest();
        const msg = this.acceptOp(',') ? this.parseTest() : undefined;
        return { kind: 'Assert', test, msg, range: this.rangeFrom(t) };
      }
      case 'global':
      case 'nonlocal': {
        const names: string[] = [];
        do {
          const n = this.cur();
          if (n.kind !== 'name') throw this.unexpected(n);
          names.push(this.advance().text);
        } while (this.acceptOp(','));
        return { kind: t.text === 'global' ? 'Global' : 'Nonlocal', names, range: this.rangeFrom(t) };
      }
      default: {
        // del
        const target = this.parseTargetList();
        const targets = target.kind === 'Tuple' && !target.parenthesized ? target.elts : [target];
        return { kind: 'Delete', targets, range: this.rangeFrom(t) };
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Compound statements
  // -------------------------------------------------------------------------------------------------------------

  private parseCompound(parentIndent: number): ast.ProgramStmt {
    const first = this.cur();
    const indent = first.indent;
    const decorators: ast.Expr[] = [];
    while (this.isOp('@')) {
      this.advance();
      decorators.push(this.parseNamedExpr());
      this.expectLineEnd();
    }
    const t = this.cur();
    if (decorators.length > 0 && !(t.kind === 'name' && (t.text === 'def' || t.text === 'class' || t.text === 'async')))
      throw this.unexpected(t);
    const keyword = t.kind === 'name' && t.text === 'async' ? this.advanceAsync() : t;
    switch (keyword.text) {
      case 'def':
        return this.parseDef(first, decorators, indent);
      case 'class':
        return this.parseClass(first, decorators, indent);
      case 'if':
        return this.parseIf(indent, parentIndent);
      case 'for': {
        this.advance();
        const target = this.parseTargetList();
        this.expectName('in');
        const iter = this.parseTestListStarExpr();
        const body = this.parseSuite(indent);
        const orelse = this.parseElse(indent);
        return { kind: 'For', target, iter, body, orelse, range: this.rangeFrom(first) };
      }
      case 'while': {
        this.advance();
        const test = this.parseNamedExpr();
        const body = this.parseSuite(indent);
        const orelse = this.parseElse(indent);
        return { kind: 'While', test, body, orelse, range: this.rangeFrom(first) };
      }
      case 'with': {
        this.advance();
        const items: { context: ast.Expr; target?: ast.Expr }[] = [];
        const parenthesized = this.isOp('(') && this.withItemsParenthesized();
        if (parenthesized) this.advance();
        do {
          if (parenthesized && this.isOp(')')) break;
          const context = this.parseTest();
          const target = this.acceptName('as') ? this.parseTargetList() : undefined;
          items.push({ context, target });
        } while (this.acceptOp(','));
        if (parenthesized) this.expectOp(')');
        const body = this.parseSuite(indent);
        return { kind: 'With', items, body, range: this.rangeFrom(first) };
      }
      case 'try':
        return this.parseTry(first, indent);
      default:
        throw syntaxFailure(keyword, {
          message: 'invalid syntax',
          explanation: `'${keyword.text}' must follow the statement it belongs to, at the same indentation.`,
          hint: `Check the indentation of the line with '${keyword.text}'.`,
          data: { found: keyword.text },
        });
    }
  }

  private advanceAsync(): Token {
    this.advance();
    return this.cur();
  }

  /** `with (a as b, c):` versus `with (a) as b:` — a parenthesized item list ends with `):`. */
  private withItemsParenthesized(): boolean {
    let depth = 0;
    for (let i = this.index; ; i++) {
      const tok = this.tokens[i]!;
      if (tok.kind === 'newline' || tok.kind === 'eof') return false;
      if (tok.kind !== 'op') continue;
      if (tok.text === '(' || tok.text === '[' || tok.text === '{') depth++;
      else if (tok.text === ')' || tok.text === ']' || tok.text === '}') {
        depth--;
        if (depth === 0) {
          const next = this.tokens[i + 1]!;
          return next.kind === 'op' && next.text === ':';
        }
      }
    }
  }

  private parseDef(first: Token, decorators: ast.Expr[], indent: number): ast.FunctionDef {
    this.expectName('def');
    const nameToken = this.cur();
    if (nameToken.kind !== 'name') throw this.unexpected(nameToken);
    this.advance();
    this.expectOp('(');
    this.bracketDepth++;
    let params: ast.Param[];
    try {
      params = this.parseParams(')', true);
    } finally {
      this.bracketDepth--;
    }
    this.expectOp(')');
    const returns = this.acceptOp('->') ? this.parseTest() : undefined;
    const body = this.parseSuite(indent);
    const doc = docstring(body);
    return {
      kind: 'FunctionDef',
      name: nameToken.text,
      nameRange: {
        line: nameToken.line,
        column: nameToken.column,
        endLine: nameToken.endLine,
        endColumn: nameToken.endColumn,
      },
      params,
      body,
      decorators,
      returns,
      doc,
      range: this.rangeFrom(first),
    };
  }

  private parseClass(first: Token, decorators: ast.Expr[], indent: number): ast.ClassDef {
    this.expectName('class');
    const nameToken = this.cur();
    if (nameToken.kind !== 'name') throw this.unexpected(nameToken);
    this.advance();
    let bases: readonly ast.Expr[] = [];
    let keywords: readonly ast.Keyword[] = [];
    if (this.isOp('(')) {
      // A class header's bases parse like a call's arguments.
      const name: ast.Name = { kind: 'Name', id: nameToken.text, range: this.rangeFrom(nameToken) };
      const call = this.parseCall(name);
      if (call.kind === 'Call') {
        bases = call.args;
        keywords = call.keywords;
      }
    }
    const body = this.parseSuite(indent);
    return {
      kind: 'ClassDef',
      name: nameToken.text,
      nameRange: {
        line: nameToken.line,
        column: nameToken.column,
        endLine: nameToken.endLine,
        endColumn: nameToken.endColumn,
      },
      bases,
      keywords,
      body,
      decorators,
      range: this.rangeFrom(first),
    };
  }

  private parseIf(indent: number, parentIndent: number): ast.If {
    const first = this.advance();
    const test = this.parseNamedExpr();
    const body = this.parseSuite(indent);
    let orelse: ast.ProgramStmt[] = [];
    const next = this.tokens[this.index]!;
    if (next.indent === indent && next.kind === 'name' && next.text === 'elif') {
      orelse = [this.parseIf(indent, parentIndent)];
    } else {
      orelse = this.parseElse(indent);
    }
    return { kind: 'If', test, body, orelse, range: this.rangeFrom(first) };
  }

  /** An `else:` clause at `indent`, if there is one. */
  private parseElse(indent: number): ast.ProgramStmt[] {
    const next = this.tokens[this.index]!;
    if (next.indent !== indent || next.kind !== 'name' || next.text !== 'else') return [];
    this.advance();
    return this.parseSuite(indent);
  }

  private parseTry(first: Token, indent: number): ast.Try {
    this.expectName('try');
    const body = this.parseSuite(indent);
    const handlers: ast.ExceptHandler[] = [];
    for (;;) {
      const next = this.tokens[this.index]!;
      if (next.indent !== indent || next.kind !== 'name' || next.text !== 'except') break;
      this.advance();
      this.acceptOp('*');
      let type: ast.Expr | undefined;
      let name: string | undefined;
      if (!this.isOp(':')) {
        type = this.parseTest();
        if (this.acceptOp(',')) {
          const elts = [type];
          do elts.push(this.parseTest());
          while (this.acceptOp(','));
          type = {
            kind: 'Tuple',
            elts,
            parenthesized: false,
            range: span(elts[0]!.range, elts[elts.length - 1]!.range),
          };
        }
        if (this.acceptName('as')) {
          const n = this.cur();
          if (n.kind !== 'name') throw this.unexpected(n);
          name = this.advance().text;
        }
      }
      const handlerBody = this.parseSuite(indent);
      handlers.push({ type, name, body: handlerBody, range: this.rangeFrom(next) });
    }
    const orelse = handlers.length > 0 ? this.parseElse(indent) : [];
    let finalbody: ast.ProgramStmt[] = [];
    const fin = this.tokens[this.index]!;
    if (fin.indent === indent && fin.kind === 'name' && fin.text === 'finally') {
      this.advance();
      finalbody = this.parseSuite(indent);
    }
    if (handlers.length === 0 && finalbody.length === 0) {
      throw syntaxFailure(this.tokens[this.index]!, {
        message: "expected 'except' or 'finally' block",
        explanation: 'A try block needs an except or a finally clause after it.',
        hint: "Add 'except Exception:' or 'finally:' after the try block.",
      });
    }
    return { kind: 'Try', body, handlers, orelse, finalbody, range: this.rangeFrom(first) };
  }

  private expectLineEnd(): void {
    const t = this.cur();
    if (t.kind === 'newline') {
      this.advance();
      return;
    }
    if (t.kind !== 'eof') throw this.unexpected(t);
  }

  /**
   * `':' simple_stmts` on the same line, or `':' NEWLINE` and an indented block deeper than `headerIndent`.
   */
  private parseSuite(headerIndent: number): ast.ProgramStmt[] {
    this.expectOp(':');
    const body: ast.ProgramStmt[] = [];
    const t = this.cur();
    if (t.kind !== 'newline') {
      if (t.kind === 'eof') throw this.expectedBlock(t);
      this.parseSimpleLine(body);
      return body;
    }
    this.advance();
    while (this.tokens[this.index]!.kind === 'newline') this.index++;
    const firstLine = this.tokens[this.index]!;
    if (firstLine.kind === 'eof' || firstLine.indent <= headerIndent) throw this.expectedBlock(firstLine);
    const blockIndent = firstLine.indent;
    for (;;) {
      const next = this.tokens[this.index]!;
      if (next.kind === 'eof') break;
      if (next.kind === 'newline') {
        this.index++;
        continue;
      }
      if (next.indent <= headerIndent) break;
      if (next.indent !== blockIndent) {
        throw syntaxFailure(next, {
          message:
            next.indent > blockIndent ? 'unexpected indent' : 'unindent does not match any outer indentation level',
          explanation:
            next.indent > blockIndent
              ? 'This line is indented deeper than the lines of its block, with no statement ending in a colon above it.'
              : 'This line is indented less than its block but more than the statement that opened it.',
          hint: 'Indent the line like the other lines of its block.',
          data: { indent: next.indent, expected: blockIndent },
        });
      }
      this.parseStatementInto(body, headerIndent);
    }
    return body;
  }

  private expectedBlock(t: Token) {
    return syntaxFailure(t, {
      message: 'expected an indented block',
      explanation: 'A line ending with a colon must be followed by an indented block.',
      hint: "Indent the block under the colon, or write 'pass' in it.",
    });
  }
}

function isCompoundKeyword(text: string): boolean {
  return (
    text === 'def' ||
    text === 'class' ||
    text === 'if' ||
    text === 'for' ||
    text === 'while' ||
    text === 'with' ||
    text === 'try' ||
    text === 'async' ||
    text === 'elif' ||
    text === 'else' ||
    text === 'except' ||
    text === 'finally'
  );
}

/** The docstring of a body that starts with a string expression. */
function docstring(body: readonly ast.ProgramStmt[]): string | undefined {
  const first = body[0];
  if (first && first.kind === 'Expr' && first.value.kind === 'String' && !first.value.isFString)
    return first.value.value;
  return undefined;
}

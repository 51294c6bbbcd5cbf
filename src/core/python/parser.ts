/**
 * Statement-level parsing of the Python subset, with recovery: a logical line that does not parse becomes a
 * `Skipped` node carrying the error, and parsing resumes at the next logical line. Compound statements (`def`,
 * `class`, `for`, `if`, `with`, `try`, decorators...) are kept opaque: header plus indented body.
 *
 * Indentation is only compared between a compound header and the lines after it, so a selection copied from inside
 * a function (common indentation, or a first line that starts mid-line) parses like the dedented code would.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type * as ast from './ast';
import { PythonErrorCode, syntaxFailure } from './errors';
import { ExpressionParser, startsExpression } from './expressions';
import { tokenize, type LexResult, type Token } from './lexer';
import { asParseFailure, type ParseOptions } from './stream';

export type { ParseOptions } from './stream';

/** Keywords that open a compound statement. */
const COMPOUND_KEYWORDS = new Set([
  'def',
  'class',
  'for',
  'while',
  'if',
  'elif',
  'else',
  'with',
  'try',
  'except',
  'finally',
  'async',
]);
/** Clauses that continue the compound statement above them at the same indentation. */
const CONTINUATION_CLAUSES = new Set(['elif', 'else', 'except', 'finally']);
/** Simple statements that are recorded but not analysed. */
const OPAQUE_SIMPLE_STATEMENTS = new Set([
  'return',
  'pass',
  'break',
  'continue',
  'raise',
  'del',
  'global',
  'nonlocal',
  'assert',
  'yield',
]);
const AUGMENTED_OPS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

/**
 * Parses Python source into a {@link ast.Module}. Never throws: lines that do not parse become `Skipped` nodes with
 * reason `error`, and their diagnostics are also listed in `Module.diagnostics`. Linear in the input size.
 */
export function parseModule(text: string, options: ParseOptions = {}): ast.Module {
  return parseTokens(tokenize(text, { origin: options.origin }), text, options);
}

/**
 * {@link parseModule} over tokens the caller already has (tokenized from `text` with the same origin), so a caller
 * that also inspects tokens tokenizes once.
 */
export function parseTokens(lexed: LexResult, text: string, options: ParseOptions = {}): ast.Module {
  return new StatementParser(lexed.tokens, text, options).parseModule();
}

/**
 * Parses text that must hold exactly one expression (a bare `a, b` is a Tuple). Surrounding blank lines and comments
 * are allowed. Throws {@link LossLensError} (`python/syntax`, `python/brackets`) with the offending token's range.
 */
export function parseExpression(text: string, options: ParseOptions = {}): ast.Expr {
  const { tokens } = tokenize(text, { origin: options.origin });
  return new StatementParser(tokens, text, options).parseSingleExpression();
}

class StatementParser extends ExpressionParser {
  parseModule(): ast.Module {
    const body: ast.Stmt[] = [];
    const diagnostics: Diagnostic[] = [];
    for (;;) {
      const first = this.tokens[this.index]!;
      if (first.kind === 'eof') break;
      if (first.kind === 'newline') {
        this.index++;
        continue;
      }
      const lineEnd = this.findLineEnd(this.index);
      if (this.isCompoundHeader(this.index, lineEnd)) {
        const skipped = this.skipCompound();
        if (skipped.error) diagnostics.push(skipped.error);
        body.push(skipped);
        continue;
      }
      const statementStart = { index: this.index };
      try {
        this.parseSimpleStatements(body, statementStart);
      } catch (e) {
        const skipped = this.recover(
          statementStart.index,
          asParseFailure(e, this.tokens[statementStart.index]!).diagnostic,
        );
        diagnostics.push(skipped.error!);
        body.push(skipped);
      }
    }
    const last = this.tokens[this.tokens.length - 1]!;
    const firstToken = this.tokens[0]!;
    return {
      kind: 'Module',
      body,
      diagnostics,
      range: { line: firstToken.line, column: firstToken.column, endLine: last.endLine, endColumn: last.endColumn },
    };
  }

  parseSingleExpression(): ast.Expr {
    const start = this.tokens[0]!;
    try {
      const t = this.cur();
      if (t.kind === 'newline' || t.kind === 'eof') throw this.unexpected(t);
      const expr = this.parseTestListStarExpr();
      const after = this.cur();
      if (after.kind === 'newline') this.advance();
      const end = this.cur();
      if (end.kind !== 'eof') throw this.unexpected(end);
      return expr;
    } catch (e) {
      this.resetDepth();
      throw asParseFailure(e, start).toError();
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Lines
  // -------------------------------------------------------------------------------------------------------------

  /** Index of the `newline` (or `eof`) token ending the logical line that contains `from`. */
  private findLineEnd(from: number): number {
    let i = from;
    while (this.tokens[i]!.kind !== 'newline' && this.tokens[i]!.kind !== 'eof') i++;
    return i;
  }

  private isCompoundHeader(start: number, lineEnd: number): boolean {
    const first = this.tokens[start]!;
    if (first.kind === 'op' && first.text === '@') return true;
    if (first.kind === 'name' && COMPOUND_KEYWORDS.has(first.text)) return true;
    // `match x:` and friends: no simple statement ends with a colon.
    const last = this.tokens[lineEnd - 1];
    return lineEnd > start && last !== undefined && last.kind === 'op' && last.text === ':';
  }

  /** Skips a compound statement: its header, its indented body, and the `elif`/`else`/... clauses after it. */
  private skipCompound(): ast.Skipped {
    const start = this.index;
    const header = this.tokens[start]!;
    const indent = header.indent;
    if (header.kind === 'op' && header.text === '@') {
      // Decorators: absorb the decorator lines and the def/class they decorate.
      while (this.tokens[this.index]!.indent === indent && this.tokens[this.index]!.text === '@') this.skipLine();
      if (this.tokens[this.index]!.indent === indent && this.tokens[this.index]!.kind === 'name') {
        this.skipClause(indent);
      }
    } else {
      this.skipClause(indent);
      for (;;) {
        const next = this.tokens[this.index]!;
        if (next.indent !== indent || next.kind !== 'name' || !CONTINUATION_CLAUSES.has(next.text)) break;
        this.skipClause(indent);
      }
    }
    return this.opaque(start, this.index, 'compound', header.text);
  }

  /** Skips one header line and, when it ends with `:`, the lines indented deeper than `indent`. */
  private skipClause(indent: number): void {
    const lineEnd = this.findLineEnd(this.index);
    const last = this.tokens[lineEnd - 1];
    const opensBlock = last !== undefined && last.kind === 'op' && last.text === ':';
    this.skipLine();
    if (!opensBlock) return;
    while (this.tokens[this.index]!.kind !== 'eof' && this.tokens[this.index]!.indent > indent) this.skipLine();
  }

  private skipLine(): void {
    const end = this.findLineEnd(this.index);
    this.index = this.tokens[end]!.kind === 'eof' ? end : end + 1;
  }

  /**
   * A Skipped node for tokens [start, end). Opaque statements are not analysed, but a bracket error inside one is
   * still reported: an unclosed bracket swallows everything after it, and a TabError makes CPython refuse the file,
   * which the user must hear about.
   */
  private opaque(start: number, end: number, reason: ast.SkipReason, keyword?: string): ast.Skipped {
    let error: Diagnostic | undefined;
    for (let i = start; i < end; i++) {
      const t = this.tokens[i]!;
      // A TabError inside a block is reported too: CPython refuses the whole file for it.
      if (
        t.kind === 'error' &&
        (t.error?.code === PythonErrorCode.brackets || t.error?.code === PythonErrorCode.tabs)
      ) {
        error = t.error;
        break;
      }
    }
    const first = this.tokens[start]!;
    const last = this.lastContentToken(start, end);
    return {
      kind: 'Skipped',
      reason: error ? 'error' : reason,
      keyword,
      error,
      range: { line: first.line, column: first.column, endLine: last.endLine, endColumn: last.endColumn },
      span: { start: first.start, end: last.end },
    };
  }

  /**
   * The last token before `end` that has text (falls back to the first token). Skips line ends and the empty error
   * token an unclosed bracket leaves at the end of the input.
   */
  private lastContentToken(start: number, end: number): Token {
    for (let i = end - 1; i > start; i--) {
      const t = this.tokens[i]!;
      if (t.end > t.start) return t;
    }
    return this.tokens[start]!;
  }

  /** After an error in the statement starting at `start`: skip to the end of the logical line. */
  private recover(start: number, thrown: Diagnostic): ast.Skipped {
    this.resetDepth();
    this.bracketDepth = 0;
    const lineEnd = this.findLineEnd(start);
    let error = thrown;
    // A bracket error explains everything else wrong on its line (CPython reports it first too).
    for (let i = start; i < lineEnd; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'error' && t.error?.code === PythonErrorCode.brackets) {
        error = t.error;
        break;
      }
    }
    const end = this.tokens[lineEnd]!.kind === 'eof' ? lineEnd : lineEnd + 1;
    const first = this.tokens[start]!;
    const last = this.lastContentToken(start, lineEnd + 1);
    this.index = end;
    return {
      kind: 'Skipped',
      reason: 'error',
      error,
      keyword: first.kind === 'name' ? first.text : undefined,
      range: { line: first.line, column: first.column, endLine: last.endLine, endColumn: last.endColumn },
      span: { start: first.start, end: last.end },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Simple statements
  // -------------------------------------------------------------------------------------------------------------

  /** `small_stmt (';' small_stmt)* [';'] NEWLINE`; `startRef.index` tracks the statement being parsed. */
  private parseSimpleStatements(body: ast.Stmt[], startRef: { index: number }): void {
    for (;;) {
      startRef.index = this.index;
      const stmt = this.parseSmallStatement();
      body.push(stmt);
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
      // A printout such as `tensor([1]) tensor([2])` (print(a, b)) holds several values on one line.
      if (this.options.reprs && (stmt.kind === 'Expr' || stmt.kind === 'AnnAssign') && startsExpression(t)) continue;
      throw this.unexpected(t);
    }
  }

  private parseSmallStatement(): ast.Stmt {
    const t = this.cur();
    if (t.kind === 'name') {
      if (t.text === 'import') return this.parseImport();
      if (t.text === 'from') return this.parseFromImport();
      if (OPAQUE_SIMPLE_STATEMENTS.has(t.text)) return this.skipSimpleStatement();
    }
    const first = this.parseTestListStarExpr();
    const next = this.cur();
    if (next.kind === 'op') {
      if (next.text === ':') return this.parseAnnotated(first);
      if (AUGMENTED_OPS.has(next.text)) {
        this.checkTarget(first, 'augmented');
        this.advance();
        const value = this.parseTestListStarExpr();
        return {
          kind: 'AugAssign',
          target: first,
          op: next.text as ast.AugOperator,
          value,
          range: span(first.range, value.range),
        };
      }
      if (next.text === '=') {
        const chain = [first];
        while (this.acceptOp('=')) chain.push(this.parseTestListStarExpr());
        const value = chain.pop()!;
        for (const target of chain) this.checkTarget(target, 'assign');
        return { kind: 'Assign', targets: chain, value, range: span(first.range, value.range) };
      }
    }
    return { kind: 'Expr', value: first, range: first.range };
  }

  private parseAnnotated(target: ast.Expr): ast.Stmt {
    // In a printout, `logits: tensor([...])` labels a value; the annotation is the value.
    this.checkTarget(target, 'annotated');
    this.advance();
    const annotation = this.parseTest();
    let value: ast.Expr | undefined;
    if (this.acceptOp('=')) value = this.parseTestListStarExpr();
    const end = value ?? annotation;
    return { kind: 'AnnAssign', target, annotation, value, range: span(target.range, end.range) };
  }

  private skipSimpleStatement(): ast.Skipped {
    const start = this.index;
    const keyword = this.tokens[start]!.text;
    let i = start;
    for (;;) {
      const t = this.tokens[i]!;
      if (t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'op' && t.text === ';')) break;
      i++;
    }
    this.index = i;
    return this.opaque(start, i, 'statement', keyword);
  }

  private parseDottedName(): { name: string; range: SourceRange } {
    const first = this.cur();
    if (first.kind !== 'name') throw this.unexpected(first);
    this.advance();
    let name = first.text;
    while (this.isOp('.')) {
      this.advance();
      const part = this.cur();
      if (part.kind !== 'name') throw this.unexpected(part);
      this.advance();
      name += `.${part.text}`;
    }
    return { name, range: this.rangeFrom(first) };
  }

  private parseAlias(dotted: boolean): ast.ImportAlias {
    const start = this.cur();
    let name: string;
    if (dotted) {
      name = this.parseDottedName().name;
    } else {
      if (start.kind !== 'name') throw this.unexpected(start);
      name = this.advance().text;
    }
    let asname: string | undefined;
    if (this.acceptName('as')) {
      const alias = this.cur();
      if (alias.kind !== 'name') throw this.unexpected(alias);
      asname = this.advance().text;
    }
    return { name, asname, range: this.rangeFrom(start) };
  }

  private parseImport(): ast.Stmt {
    const start = this.advance();
    const names = [this.parseAlias(true)];
    while (this.acceptOp(',')) names.push(this.parseAlias(true));
    return { kind: 'Import', names, range: this.rangeFrom(start) };
  }

  private parseFromImport(): ast.Stmt {
    const start = this.advance();
    let level = 0;
    for (;;) {
      if (this.acceptOp('.')) level += 1;
      else if (this.acceptOp('...')) level += 3;
      else break;
    }
    const module = this.isName('import') ? '' : this.parseDottedName().name;
    if (module === '' && level === 0) throw this.unexpected(this.cur());
    this.expectName('import');
    if (this.acceptOp('*')) return { kind: 'ImportFrom', module, level, names: '*', range: this.rangeFrom(start) };
    const parenthesized = this.acceptOp('(');
    const names = [this.parseAlias(false)];
    while (this.acceptOp(',')) {
      if (parenthesized && this.isOp(')')) break;
      names.push(this.parseAlias(false));
    }
    if (parenthesized) this.expectOp(')');
    return { kind: 'ImportFrom', module, level, names, range: this.rangeFrom(start) };
  }

  /** Raises CPython's error when `target` cannot be assigned to. */
  private checkTarget(target: ast.Expr, context: 'assign' | 'augmented' | 'annotated'): void {
    switch (target.kind) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        return;
      case 'Starred':
      case 'Tuple':
      case 'List':
        if (context === 'assign') {
          if (target.kind === 'Starred') this.checkTarget(target.value, context);
          else for (const e of target.elts) this.checkTarget(e, context);
          return;
        }
        break;
    }
    const what = describeNode(target);
    const message =
      context === 'assign'
        ? `cannot assign to ${what} here. Maybe you meant '==' instead of '='?`
        : context === 'augmented'
          ? `'${what}' is an illegal expression for augmented assignment`
          : target.kind === 'Tuple'
            ? 'only single target (not tuple) can be annotated'
            : 'illegal target for annotation';
    throw syntaxFailure(target.range, {
      message,
      explanation: `The left side of the assignment is a ${what}, which cannot hold a value.`,
      hint:
        context === 'assign' ? "Assign to a name (x = ...), or write '==' to compare." : 'Assign to a name instead.',
      data: { target: what },
    });
  }
}

/** CPython's name for an expression kind in assignment errors. */
function describeNode(e: ast.Expr): string {
  switch (e.kind) {
    case 'Call':
      return 'function call';
    case 'Number':
    case 'String':
    case 'Constant':
      return 'literal';
    case 'Ellipsis':
      return 'ellipsis';
    case 'Compare':
      return 'comparison';
    case 'Lambda':
      return 'lambda';
    case 'IfExp':
      return 'conditional expression';
    case 'ListComp':
      return 'list comprehension';
    case 'SetComp':
      return 'set comprehension';
    case 'DictComp':
      return 'dict comprehension';
    case 'GeneratorExp':
      return 'generator expression';
    case 'Dict':
      return 'dict literal';
    case 'Set':
      return 'set display';
    case 'NamedExpr':
      return 'named expression';
    case 'Tuple':
      return 'tuple';
    case 'List':
      return 'list';
    case 'Starred':
      return 'starred';
    default:
      return 'expression';
  }
}

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

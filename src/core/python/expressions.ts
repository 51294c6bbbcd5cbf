/**
 * Recursive-descent parsing of Python expressions, one method per precedence level of Python's grammar
 * (`test` → `or_test` → ... → `atom`). Operator chains are parsed with loops; recursion only happens for nesting,
 * which {@link TokenStream.enter} bounds.
 */
import type { SourceRange } from '../diagnostics';
import type * as ast from './ast';
import { syntaxFailure, type ParseFailure } from './errors';
import type { Token } from './lexer';
import { describeToken, TokenStream } from './stream';

const COMPARE_OPS = new Set(['<', '>', '==', '!=', '<=', '>=']);
/** Each binary operator's precedence level, loosest first: `|`, `^`, `&`, shifts, arithmetic, terms. */
const BINARY_LEVEL: ReadonlyMap<string, number> = new Map([
  ['|', 0],
  ['^', 1],
  ['&', 2],
  ['<<', 3],
  ['>>', 3],
  ['+', 4],
  ['-', 4],
  ['*', 5],
  ['/', 5],
  ['//', 5],
  ['%', 5],
  ['@', 5],
]);
const ATOM_KEYWORDS = new Set(['None', 'True', 'False', 'lambda', 'not', 'await']);
/** Keywords that cannot start an expression. */
// prettier-ignore
const NON_EXPRESSION_KEYWORDS = new Set([
  'and', 'as', 'assert', 'async', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally',
  'for', 'from', 'global', 'if', 'import', 'in', 'is', 'nonlocal', 'or', 'pass', 'raise', 'return', 'try', 'while',
  'with', 'yield',
]);

/** Names that do not stand alone as an expression (keywords that start or continue something else). */
const NOT_AN_ATOM: ReadonlySet<string> = new Set([...NON_EXPRESSION_KEYWORDS, 'lambda', 'not', 'await']);

/** A token no trailer or operator starts: a test that reaches it is complete. */
function endsExpression(t: Token): boolean {
  if (t.kind === 'newline' || t.kind === 'eof') return true;
  if (t.kind !== 'op') return false;
  const c = t.text;
  return c === ',' || c === ')' || c === ']' || c === '}' || c === '=' || c === ':';
}

/** True when a token can begin an expression (used for juxtaposition checks). */
export function startsExpression(t: Token): boolean {
  switch (t.kind) {
    case 'number':
    case 'string':
      return true;
    case 'name':
      return !NON_EXPRESSION_KEYWORDS.has(t.text) || ATOM_KEYWORDS.has(t.text);
    case 'op':
      return ['(', '[', '{', '-', '+', '~', '...'].includes(t.text);
    default:
      return false;
  }
}

function span(a: SourceRange, b: SourceRange): SourceRange {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** Expression-level parser; the statement parser extends it. */
export class ExpressionParser extends TokenStream {
  /** How many brackets enclose the current position (for the "forgot a comma" message). */
  protected bracketDepth = 0;

  // -------------------------------------------------------------------------------------------------------------
  // Lists of expressions
  // -------------------------------------------------------------------------------------------------------------

  /** `testlist_star_expr`: `a`, or `a, *b, c` as an unparenthesized Tuple. */
  protected parseTestListStarExpr(): ast.Expr {
    const start = this.cur();
    const first = this.parseStarOrNamed();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (!startsExpression(this.cur()) && !this.isOp('*')) break;
      elts.push(this.parseStarOrNamed());
    }
    return { kind: 'Tuple', elts, parenthesized: false, range: this.rangeFrom(start) };
  }

  /** An element of a display or a statement: `*expr` or a (named) test. */
  protected parseStarOrNamed(): ast.Expr {
    const star = this.acceptOp('*');
    if (star) {
      const value = this.parseBitOr();
      return { kind: 'Starred', value, range: span(star, value.range) };
    }
    return this.parseNamedExpr();
  }

  /** `name := test` or a plain test. */
  protected parseNamedExpr(): ast.Expr {
    const target = this.parseTest();
    if (target.kind === 'Name' && this.isOp(':=')) {
      this.advance();
      const value = this.parseTest();
      return { kind: 'NamedExpr', target, value, range: span(target.range, value.range) };
    }
    return target;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Precedence levels
  // -------------------------------------------------------------------------------------------------------------

  /** `test`: conditional expressions and lambdas. */
  protected parseTest(): ast.Expr {
    const start = this.cur();
    // A lone name or number that the next token ends (an argument, an element, a value — most atoms): the atom
    // itself, rather than a descent through the ten precedence levels that would each hand it back unchanged (the
    // depth it counts is the one level the descent would, so the nesting limit stays where it was).
    if (
      (start.kind === 'number' || (start.kind === 'name' && !NOT_AN_ATOM.has(start.text))) &&
      endsExpression(this.peekAt(1)) &&
      !this.atDepthLimit()
    )
      return this.parseAtom();
    if (start.kind === 'name' && start.text === 'lambda') return this.parseLambda();
    this.enter(start);
    try {
      const body = this.parseOrTest();
      if (!this.isName('if')) return body;
      this.advance();
      const test = this.parseOrTest();
      this.expectName('else');
      const orelse = this.parseTest();
      return { kind: 'IfExp', test, body, orelse, range: span(body.range, orelse.range) };
    } finally {
      this.leave();
    }
  }

  private parseLambda(): ast.Expr {
    const start = this.advance();
    const params = this.parseParams(':', false);
    this.expectOp(':');
    this.enter(start);
    try {
      const body = this.parseTest();
      return { kind: 'Lambda', body, params, range: span(start, body.range) };
    } finally {
      this.leave();
    }
  }

  /**
   * A parameter list up to (not including) `close`: `a, b=1, *args, c, d=2, **kwargs`, with `/` and a bare `*`.
   * Annotations (`x: Tensor`) are read only where `annotations` is true (a `def`; a lambda has none).
   */
  protected parseParams(close: ')' | ':', annotations: boolean): ast.Param[] {
    const params: ast.Param[] = [];
    let kind: 'normal' | 'kwonly' = 'normal';
    while (!this.isOp(close)) {
      const t = this.cur();
      if (t.kind === 'op' && t.text === '/') {
        this.advance();
      } else if (t.kind === 'op' && (t.text === '*' || t.text === '**')) {
        this.advance();
        const nameToken = this.cur();
        if (t.text === '*' && (this.isOp(',') || this.isOp(close))) {
          kind = 'kwonly';
        } else {
          if (nameToken.kind !== 'name') throw this.unexpected(nameToken);
          this.advance();
          const annotation = annotations && this.acceptOp(':') ? this.parseTest() : undefined;
          params.push({
            name: nameToken.text,
            kind: t.text === '*' ? 'vararg' : 'kwarg',
            annotation,
            range: this.rangeFrom(t),
          });
          if (t.text === '*') kind = 'kwonly';
        }
      } else {
        if (t.kind !== 'name') throw this.unexpected(t);
        this.advance();
        const annotation = annotations && this.acceptOp(':') ? this.parseTest() : undefined;
        const value = this.acceptOp('=') ? this.parseTest() : undefined;
        params.push({ name: t.text, kind, default: value, annotation, range: this.rangeFrom(t) });
      }
      if (!this.acceptOp(',')) break;
    }
    return params;
  }

  private parseOrTest(): ast.Expr {
    const first = this.parseAndTest();
    if (!this.isName('or')) return first;
    const values = [first];
    while (this.acceptName('or')) values.push(this.parseAndTest());
    return { kind: 'BoolOp', op: 'or', values, range: span(first.range, values[values.length - 1]!.range) };
  }

  // The two boolean levels and the binary levels below are written without per-call closures or operator arrays:
  // they run for every atom of the file, and those allocations were a tenth of what a check of a large file allocates.
  private parseAndTest(): ast.Expr {
    const first = this.parseNotTest();
    if (!this.isName('and')) return first;
    const values = [first];
    while (this.acceptName('and')) values.push(this.parseNotTest());
    return { kind: 'BoolOp', op: 'and', values, range: span(first.range, values[values.length - 1]!.range) };
  }

  private parseNotTest(): ast.Expr {
    if (!this.isName('not')) return this.parseComparison();
    const nots: Token[] = [];
    while (this.isName('not')) {
      const t = this.advance();
      this.enter(t);
      nots.push(t);
    }
    let expr = this.parseComparison();
    for (let k = nots.length - 1; k >= 0; k--) {
      const t = nots[k]!;
      expr = { kind: 'UnaryOp', op: 'not', operand: expr, range: span(t, expr.range) };
    }
    this.leave(nots.length);
    return expr;
  }

  private parseComparison(): ast.Expr {
    const left = this.parseBitOr();
    // Most expressions compare nothing: test for a comparison before allocating its lists.
    const t0 = this.cur();
    if (t0.kind !== 'name' && (t0.kind !== 'op' || !COMPARE_OPS.has(t0.text))) return left;
    const ops: ast.CompareOperator[] = [];
    const comparators: ast.Expr[] = [];
    for (;;) {
      const t = this.cur();
      let op: ast.CompareOperator | undefined;
      if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
        op = t.text as ast.CompareOperator;
        this.advance();
      } else if (t.kind === 'name' && t.text === 'in') {
        op = 'in';
        this.advance();
      } else if (t.kind === 'name' && t.text === 'not' && this.peekAt(1).text === 'in') {
        op = 'not in';
        this.advance();
        this.advance();
      } else if (t.kind === 'name' && t.text === 'is') {
        this.advance();
        op = this.acceptName('not') ? 'is not' : 'is';
      }
      if (!op) break;
      ops.push(op);
      comparators.push(this.parseBitOr());
    }
    if (ops.length === 0) return left;
    const last = comparators[comparators.length - 1]!;
    return { kind: 'Compare', left, ops, comparators, range: span(left.range, last.range) };
  }

  /** `or_expr` (`|`) and every binary level below it, down to `term`. */
  private parseBitOr(): ast.Expr {
    return this.parseBinary(0);
  }

  /**
   * Binary operators from `|` down to `* / // % @`, by precedence climbing: operators of level `minLevel` or tighter
   * (see {@link BINARY_LEVEL}), left-associative. Each operator counts as a nesting level while its chain is parsed,
   * since the tree grows one level per operator.
   */
  private parseBinary(minLevel: number): ast.Expr {
    let left = this.parseFactor();
    let levels = 0;
    try {
      for (;;) {
        const t = this.cur();
        const level = t.kind === 'op' ? BINARY_LEVEL.get(t.text) : undefined;
        if (level === undefined || level < minLevel) return left;
        this.advance();
        this.enter(t);
        levels++;
        const right = this.parseBinary(level + 1);
        left = { kind: 'BinOp', op: t.text as ast.BinaryOperator, left, right, range: span(left.range, right.range) };
      }
    } finally {
      this.leave(levels);
    }
  }

  /** `factor`: unary `+ - ~` prefixes (collected in a loop) applied to a power. */
  private parseFactor(): ast.Expr {
    const first = this.cur();
    if (first.kind !== 'op' || (first.text !== '-' && first.text !== '+' && first.text !== '~'))
      return this.parsePower();
    const prefixes: Token[] = [];
    for (;;) {
      const t = this.cur();
      if (t.kind !== 'op' || (t.text !== '-' && t.text !== '+' && t.text !== '~')) break;
      this.advance();
      this.enter(t);
      prefixes.push(t);
    }
    try {
      let expr = this.parsePower();
      for (let k = prefixes.length - 1; k >= 0; k--) {
        const t = prefixes[k]!;
        expr = { kind: 'UnaryOp', op: t.text as ast.UnaryOperator, operand: expr, range: span(t, expr.range) };
      }
      return expr;
    } finally {
      this.leave(prefixes.length);
    }
  }

  /** `power`: `atom_expr ['**' factor]` (right-associative, so it recurses; bounded by the depth guard). */
  private parsePower(): ast.Expr {
    const base = this.parseAtomExpr();
    const t = this.cur();
    if (t.kind !== 'op' || t.text !== '**') return base;
    this.advance();
    this.enter(t);
    try {
      const exponent = this.parseFactor();
      return { kind: 'BinOp', op: '**', left: base, right: exponent, range: span(base.range, exponent.range) };
    } finally {
      this.leave();
    }
  }

  /** `['await'] atom trailer*` */
  private parseAtomExpr(): ast.Expr {
    const awaitTok = this.acceptName('await');
    let expr = this.parseAtom();
    expr = this.parseTrailers(expr);
    if (awaitTok) return { kind: 'UnaryOp', op: 'await', operand: expr, range: span(awaitTok, expr.range) };
    return expr;
  }

  /** Calls, subscripts and attributes after an atom. */
  private parseTrailers(atom: ast.Expr): ast.Expr {
    let expr = atom;
    // Each trailer adds a level to the tree (a.b.c is Attribute(Attribute(a))), so it counts toward the depth.
    let levels = 0;
    try {
      for (;;) {
        const t = this.cur();
        if (t.kind !== 'op' || (t.text !== '(' && t.text !== '[' && t.text !== '.')) return expr;
        this.enter(t);
        levels++;
        if (t.text === '(') {
          expr = this.parseCall(expr);
        } else if (t.text === '[') {
          expr = this.parseSubscript(expr);
        } else if (t.text === '.') {
          this.advance();
          const name = this.cur();
          if (name.kind !== 'name') {
            throw this.unexpected(name, {
              message: 'invalid syntax',
              explanation: `An attribute name must follow '.', not ${describeToken(name)}.`,
              hint: 'Write the attribute name after the dot, or remove the dot.',
              data: { found: name.text },
            });
          }
          this.advance();
          expr = {
            kind: 'Attribute',
            value: expr,
            attr: name.text,
            attrRange: rangeOf(name),
            range: span(expr.range, name),
          };
        }
      }
    } finally {
      this.leave(levels);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Atoms
  // -------------------------------------------------------------------------------------------------------------

  private parseAtom(): ast.Expr {
    const t = this.cur();
    switch (t.kind) {
      case 'number': {
        this.advance();
        const n = t.number!;
        return {
          kind: 'Number',
          value: n.value,
          big: n.big,
          isFloat: n.isFloat,
          isImaginary: n.isImaginary,
          raw: t.text,
          range: rangeOf(t),
        };
      }
      case 'string':
        return this.parseStrings();
      case 'name':
        return this.parseNameAtom(t);
      case 'op':
        switch (t.text) {
          case '(':
            return this.parseParenthesized();
          case '[':
            return this.parseListDisplay();
          case '{':
            return this.parseBraceDisplay();
          case '...':
            this.advance();
            return { kind: 'Ellipsis', range: rangeOf(t) };
          case '<':
            if (this.options.reprs) return this.parseReprObject();
            break;
        }
        break;
    }
    throw this.unexpected(t);
  }

  private parseNameAtom(t: Token): ast.Expr {
    switch (t.text) {
      case 'None':
        this.advance();
        return { kind: 'Constant', value: null, range: rangeOf(t) };
      case 'True':
      case 'False':
        this.advance();
        return { kind: 'Constant', value: t.text === 'True', range: rangeOf(t) };
    }
    if (NON_EXPRESSION_KEYWORDS.has(t.text) || t.text === 'lambda' || t.text === 'not' || t.text === 'await') {
      throw this.unexpected(t);
    }
    this.advance();
    return { kind: 'Name', id: t.text, range: rangeOf(t) };
  }

  /** The "Perhaps you forgot a comma?" error when two values follow each other inside brackets. */
  protected missingComma(t: Token): ParseFailure | undefined {
    if (this.bracketDepth === 0 || !startsExpression(t)) return undefined;
    const before = this.prev();
    return syntaxFailure(t, {
      message: 'invalid syntax. Perhaps you forgot a comma?',
      explanation: `${capitalize(describeToken(before))} and ${describeToken(t)} follow each other with nothing between them.`,
      hint: `Put a comma before ${describeToken(t)}.`,
      data: { before: before.text, after: t.text },
    });
  }

  private parseStrings(): ast.Expr {
    const first = this.cur();
    let value = '';
    let isBytes = false;
    let isFString = false;
    let last = first;
    while (this.cur().kind === 'string') {
      last = this.advance();
      const s = last.string!;
      value += s.value;
      isBytes ||= s.prefix.includes('b');
      isFString ||= s.prefix.includes('f');
    }
    return {
      kind: 'String',
      value,
      prefix: first.string!.prefix,
      isBytes,
      isFString,
      range: span(first, last),
    };
  }

  private parseReprObject(): ast.Expr {
    const open = this.advance();
    for (;;) {
      const t = this.cur();
      if (t.kind === 'newline' || t.kind === 'eof') {
        throw this.unexpected(t, {
          message: "expected '>'",
          explanation: `The '<' at ${open.line}:${open.column} starts a printed object such as <NllLossBackward0> that is never closed.`,
          hint: "Add the closing '>'.",
          data: { expected: '>' },
        });
      }
      this.advance();
      if (t.kind === 'op' && t.text === '>') {
        return { kind: 'ReprObject', text: this.text.slice(open.end, t.start).trim(), range: span(open, t) };
      }
    }
  }

  /** Runs `body` with the bracket counter raised. */
  private inBrackets<T>(body: () => T): T {
    this.bracketDepth++;
    try {
      return body();
    } finally {
      this.bracketDepth--;
    }
  }

  /** Parses comma-separated elements up to `close`; stops early at a comprehension's `for`. */
  private parseElements(close: string, element: () => ast.Expr): { elts: ast.Expr[]; trailingComma: boolean } {
    const elts: ast.Expr[] = [];
    let trailingComma = false;
    while (!this.isOp(close)) {
      elts.push(element());
      trailingComma = false;
      if (elts.length === 1 && this.isComprehensionStart()) return { elts, trailingComma };
      if (this.acceptOp(',')) {
        trailingComma = true;
        continue;
      }
      if (!this.isOp(close)) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
    }
    return { elts, trailingComma };
  }

  private isComprehensionStart(): boolean {
    return this.isName('for') || (this.isName('async') && this.peekAt(1).text === 'for');
  }

  private parseParenthesized(): ast.Expr {
    const open = this.advance();
    return this.inBrackets(() => {
      if (this.isName('yield')) {
        throw this.unexpected(this.cur(), {
          message: 'invalid syntax',
          explanation: 'Loss Lens does not read yield expressions.',
          hint: 'Select the code around the yield instead.',
        });
      }
      const { elts, trailingComma } = this.parseElements(')', () => this.parseStarOrNamed());
      if (elts.length === 1 && this.isComprehensionStart()) {
        const comp = this.parseComprehension('GeneratorExp', open, elts[0]!, ')');
        return comp;
      }
      const close = this.expectOp(')');
      if (elts.length === 1 && !trailingComma && elts[0]!.kind !== 'Starred') return elts[0]!;
      return { kind: 'Tuple', elts, parenthesized: true, range: span(open, close) } satisfies ast.Tuple;
    });
  }

  private parseListDisplay(): ast.Expr {
    const open = this.advance();
    return this.inBrackets(() => {
      const { elts } = this.parseElements(']', () => this.parseStarOrNamed());
      if (elts.length === 1 && this.isComprehensionStart())
        return this.parseComprehension('ListComp', open, elts[0]!, ']');
      const close = this.expectOp(']');
      return { kind: 'List', elts, range: span(open, close) } satisfies ast.ListDisplay;
    });
  }

  private parseBraceDisplay(): ast.Expr {
    const open = this.advance();
    return this.inBrackets(() => {
      if (this.isOp('}')) {
        const close = this.advance();
        return { kind: 'Dict', keys: [], values: [], range: span(open, close) } satisfies ast.DictDisplay;
      }
      // Decide dict or set from the first entry.
      if (this.isOp('**')) return this.parseDictRest(open, undefined, undefined);
      const first = this.parseStarOrNamed();
      if (this.acceptOp(':')) {
        const value = this.parseTest();
        if (this.isComprehensionStart()) return this.parseComprehension('DictComp', open, value, '}', first);
        return this.parseDictRest(open, first, value);
      }
      if (this.isComprehensionStart()) return this.parseComprehension('SetComp', open, first, '}');
      const elts = [first];
      while (this.acceptOp(',')) {
        if (this.isOp('}')) break;
        elts.push(this.parseStarOrNamed());
      }
      if (!this.isOp('}')) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
      const close = this.advance();
      return { kind: 'Set', elts, range: span(open, close) } satisfies ast.SetDisplay;
    });
  }

  private parseDictRest(open: Token, firstKey: ast.Expr | undefined, firstValue: ast.Expr | undefined): ast.Expr {
    const keys: (ast.Expr | undefined)[] = [];
    const values: ast.Expr[] = [];
    if (firstValue) {
      keys.push(firstKey);
      values.push(firstValue);
      if (!this.acceptOp(',')) {
        if (!this.isOp('}')) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
      }
    }
    while (!this.isOp('}')) {
      if (this.acceptOp('**')) {
        keys.push(undefined);
        values.push(this.parseBitOr());
      } else {
        keys.push(this.parseTest());
        this.expectOp(':');
        values.push(this.parseTest());
      }
      if (!this.acceptOp(',')) break;
    }
    if (!this.isOp('}')) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
    const close = this.advance();
    return { kind: 'Dict', keys, values, range: span(open, close) };
  }

  /** Parses the `for ... in ... if ...` clauses after `elt` and the closing bracket. */
  private parseComprehension(
    kind: ast.ComprehensionExpr['kind'],
    open: Token,
    elt: ast.Expr,
    close: string,
    key?: ast.Expr,
  ): ast.Expr {
    const generators: ast.Comprehension[] = [];
    while (this.isComprehensionStart()) {
      const start = this.cur();
      const isAsync = !!this.acceptName('async');
      this.expectName('for');
      const target = this.parseTargetList();
      this.expectName('in');
      const iter = this.parseOrTest();
      const ifs: ast.Expr[] = [];
      while (this.acceptName('if')) ifs.push(this.parseOrTest());
      generators.push({ kind: 'Comprehension', target, iter, ifs, isAsync, range: this.rangeFrom(start) });
    }
    const end = this.expectOp(close);
    return { kind, key, elt, generators, range: span(open, end) };
  }

  /** `exprlist` (targets of `for`): `a`, `a, b`, `*a, b`. */
  protected parseTargetList(): ast.Expr {
    const start = this.cur();
    const one = (): ast.Expr => {
      const star = this.acceptOp('*');
      const value = this.parseBitOr();
      return star ? { kind: 'Starred', value, range: span(star, value.range) } : value;
    };
    const first = one();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isName('in') || this.isOp('=')) break;
      elts.push(one());
    }
    return { kind: 'Tuple', elts, parenthesized: false, range: this.rangeFrom(start) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Trailers
  // -------------------------------------------------------------------------------------------------------------

  protected parseCall(func: ast.Expr): ast.Expr {
    this.advance();
    return this.inBrackets(() => {
      const args: ast.Expr[] = [];
      const keywords: ast.Keyword[] = [];
      while (!this.isOp(')')) {
        const t = this.cur();
        if (t.kind === 'op' && t.text === '**') {
          this.advance();
          const value = this.parseTest();
          keywords.push({ kind: 'Keyword', value, range: span(t, value.range) });
        } else if (t.kind === 'op' && t.text === '*') {
          this.advance();
          const value = this.parseTest();
          args.push({ kind: 'Starred', value, range: span(t, value.range) });
        } else if (t.kind === 'name' && this.peekAt(1).kind === 'op' && this.peekAt(1).text === '=') {
          this.advance();
          this.advance();
          const value = this.parseTest();
          keywords.push({ kind: 'Keyword', name: t.text, value, range: span(t, value.range) });
        } else {
          const value = this.parseNamedExpr();
          if (this.isComprehensionStart()) {
            args.push(this.parseGeneratorArgument(value));
            break;
          }
          args.push(value);
        }
        if (!this.acceptOp(',')) break;
      }
      if (!this.isOp(')')) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
      this.advance();
      return { kind: 'Call', func, args, keywords, range: this.rangeFrom(func.range) } satisfies ast.Call;
    });
  }

  /** `f(x for x in y)`: the generator's range ends before the call's `)`. */
  private parseGeneratorArgument(elt: ast.Expr): ast.Expr {
    const generators: ast.Comprehension[] = [];
    while (this.isComprehensionStart()) {
      const start = this.cur();
      const isAsync = !!this.acceptName('async');
      this.expectName('for');
      const target = this.parseTargetList();
      this.expectName('in');
      const iter = this.parseOrTest();
      const ifs: ast.Expr[] = [];
      while (this.acceptName('if')) ifs.push(this.parseOrTest());
      generators.push({ kind: 'Comprehension', target, iter, ifs, isAsync, range: this.rangeFrom(start) });
    }
    return { kind: 'GeneratorExp', elt, generators, range: this.rangeFrom(elt.range) };
  }

  private parseSubscript(value: ast.Expr): ast.Expr {
    this.advance();
    return this.inBrackets(() => {
      const items: ast.Expr[] = [];
      let trailingComma = false;
      while (!this.isOp(']')) {
        items.push(this.parseSliceItem());
        trailingComma = false;
        if (!this.acceptOp(',')) break;
        trailingComma = true;
      }
      if (items.length === 0) {
        throw this.unexpected(this.cur(), {
          message: 'invalid syntax',
          explanation: 'A subscript needs an index between the brackets.',
          hint: 'Write an index such as x[0] or x[:, 1].',
        });
      }
      if (!this.isOp(']')) throw this.missingComma(this.cur()) ?? this.unexpected(this.cur());
      const close = this.advance();
      const index: ast.Expr =
        items.length === 1 && !trailingComma
          ? items[0]!
          : {
              kind: 'Tuple',
              elts: items,
              parenthesized: false,
              range: span(items[0]!.range, items[items.length - 1]!.range),
            };
      return { kind: 'Subscript', value, index, range: span(value.range, close) } satisfies ast.Subscript;
    });
  }

  /** One subscript item: a test, a starred expression, or a slice `a:b:c` with any part omitted. */
  private parseSliceItem(): ast.Expr {
    const start = this.cur();
    if (start.kind === 'op' && start.text === '*') return this.parseStarOrNamed();
    let lower: ast.Expr | undefined;
    if (!this.isOp(':')) {
      lower = this.parseNamedExpr();
      if (!this.isOp(':')) return lower;
    }
    this.advance();
    let upper: ast.Expr | undefined;
    let step: ast.Expr | undefined;
    if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) upper = this.parseTest();
    if (this.acceptOp(':')) {
      if (!this.isOp(']') && !this.isOp(',')) step = this.parseTest();
    }
    return { kind: 'Slice', lower, upper, step, range: this.rangeFrom(start) };
  }
}

/** The range of a single token. */
export function rangeOf(t: SourceRange): SourceRange {
  return { line: t.line, column: t.column, endLine: t.endLine, endColumn: t.endColumn };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

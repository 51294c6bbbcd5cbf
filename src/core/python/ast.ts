/**
 * The syntax tree of the Python subset Loss Lens reads. Every node carries the 1-based {@link SourceRange} of the
 * text it came from (endColumn exclusive), so any later diagnostic can point at the exact characters.
 *
 * The shapes follow Python's own `ast` module where that is cheap (`Call.args` + `Call.keywords`, `Compare.ops`,
 * `Assign.targets`), so that code written against Python's documentation reads naturally here.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';

/** Fields every node has. */
interface NodeBase {
  readonly range: SourceRange;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

/** An int, float or imaginary literal: `1`, `1_000`, `0x1F`, `1.5e-3`, `.5`, `2j`. */
export interface NumberLiteral extends NodeBase {
  readonly kind: 'Number';
  /** The value as a JS number (rounded for integers beyond 2^53; see `big`). */
  readonly value: number;
  /** The exact value of an integer literal that does not fit a double exactly. */
  readonly big?: bigint;
  /** True when written with `.` or an exponent (Python float). */
  readonly isFloat: boolean;
  /** True for `2j`-style imaginary literals. */
  readonly isImaginary: boolean;
  /** The literal as written. */
  readonly raw: string;
}

/** A string literal; adjacent literals (`"a" "b"`) are joined into one node as Python does. */
export interface StringLiteral extends NodeBase {
  readonly kind: 'String';
  /** The decoded value (escapes applied unless raw; f-string fields are left as written). */
  readonly value: string;
  /** Lower-cased prefix letters of the first part: `''`, `'r'`, `'b'`, `'f'`, `'rb'`... */
  readonly prefix: string;
  readonly isBytes: boolean;
  readonly isFString: boolean;
}

/** `None`, `True` or `False`. */
export interface ConstantLiteral extends NodeBase {
  readonly kind: 'Constant';
  readonly value: boolean | null;
}

/** `...` */
export interface EllipsisLiteral extends NodeBase {
  readonly kind: 'Ellipsis';
}

/** An identifier. */
export interface Name extends NodeBase {
  readonly kind: 'Name';
  readonly id: string;
}

/** `value.attr` */
export interface Attribute extends NodeBase {
  readonly kind: 'Attribute';
  readonly value: Expr;
  readonly attr: string;
  /** Where the attribute name itself is written. */
  readonly attrRange: SourceRange;
}

/** A keyword argument `name=value`, or `**value` when `name` is undefined. */
export interface Keyword extends NodeBase {
  readonly kind: 'Keyword';
  readonly name?: string;
  readonly value: Expr;
}

/** `func(args..., keywords...)`. Positional `*x` arguments appear in `args` as {@link Starred}. */
export interface Call extends NodeBase {
  readonly kind: 'Call';
  readonly func: Expr;
  readonly args: readonly Expr[];
  readonly keywords: readonly Keyword[];
}

/** `value[index]`; a multi-item index (`x[:, 1]`) is a {@link Tuple} of items, slices are {@link Slice}. */
export interface Subscript extends NodeBase {
  readonly kind: 'Subscript';
  readonly value: Expr;
  readonly index: Expr;
}

/** `lower:upper:step` inside a subscript; absent parts are undefined. */
export interface Slice extends NodeBase {
  readonly kind: 'Slice';
  readonly lower?: Expr;
  readonly upper?: Expr;
  readonly step?: Expr;
}

/** `*value` in a call, a display or an assignment target. */
export interface Starred extends NodeBase {
  readonly kind: 'Starred';
  readonly value: Expr;
}

/** `[a, b]` */
export interface ListDisplay extends NodeBase {
  readonly kind: 'List';
  readonly elts: readonly Expr[];
}

/** `(a, b)`, `a, b` or `()`. `parenthesized` tells `(1, 2)` from a bare `1, 2`. */
export interface Tuple extends NodeBase {
  readonly kind: 'Tuple';
  readonly elts: readonly Expr[];
  readonly parenthesized: boolean;
}

/** `{a, b}` */
export interface SetDisplay extends NodeBase {
  readonly kind: 'Set';
  readonly elts: readonly Expr[];
}

/** `{k: v, **rest}`; a `**rest` entry has an undefined key. */
export interface DictDisplay extends NodeBase {
  readonly kind: 'Dict';
  readonly keys: readonly (Expr | undefined)[];
  readonly values: readonly Expr[];
}

/** One `for target in iter if cond...` clause of a comprehension. */
export interface Comprehension extends NodeBase {
  readonly kind: 'Comprehension';
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: readonly Expr[];
  readonly isAsync: boolean;
}

/** `[elt for ...]`, `{elt for ...}`, `(elt for ...)` and `{key: elt for ...}`. */
export interface ComprehensionExpr extends NodeBase {
  readonly kind: 'ListComp' | 'SetComp' | 'GeneratorExp' | 'DictComp';
  /** The dictionary key of a DictComp. */
  readonly key?: Expr;
  readonly elt: Expr;
  readonly generators: readonly Comprehension[];
}

/** Unary operators. `await` is included so awaited calls still parse. */
export type UnaryOperator = '-' | '+' | '~' | 'not' | 'await';

/** `-x`, `+x`, `~x`, `not x`, `await x` */
export interface UnaryOp extends NodeBase {
  readonly kind: 'UnaryOp';
  readonly op: UnaryOperator;
  readonly operand: Expr;
}

/** Binary arithmetic and bitwise operators. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '|' | '^';

/** `left op right` */
export interface BinOp extends NodeBase {
  readonly kind: 'BinOp';
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}

/** `a and b and c` / `a or b` (one node per run of the same operator, as in Python's ast). */
export interface BoolOp extends NodeBase {
  readonly kind: 'BoolOp';
  readonly op: 'and' | 'or';
  readonly values: readonly Expr[];
}

/** Comparison operators, including the two-word ones. */
export type CompareOperator = '<' | '>' | '==' | '!=' | '<=' | '>=' | 'in' | 'not in' | 'is' | 'is not';

/** A comparison chain `a < b <= c`: `ops[i]` sits between the i-th and (i+1)-th operand. */
export interface Compare extends NodeBase {
  readonly kind: 'Compare';
  readonly left: Expr;
  readonly ops: readonly CompareOperator[];
  readonly comparators: readonly Expr[];
}

/** `body if test else orelse` */
export interface IfExp extends NodeBase {
  readonly kind: 'IfExp';
  readonly test: Expr;
  readonly body: Expr;
  readonly orelse: Expr;
}

/** One parameter of a `def` or `lambda`. */
export interface Param extends NodeBase {
  readonly name: string;
  /** `normal` (positional or keyword), `vararg` (`*args`), `kwonly` (after `*`), `kwarg` (`**kwargs`). */
  readonly kind: 'normal' | 'vararg' | 'kwonly' | 'kwarg';
  readonly default?: Expr;
  readonly annotation?: Expr;
}

/** `lambda params: body`. */
export interface Lambda extends NodeBase {
  readonly kind: 'Lambda';
  readonly body: Expr;
  /** The parameters (absent only in trees built before they were parsed). */
  readonly params?: readonly Param[];
}

/** `name := value` */
export interface NamedExpr extends NodeBase {
  readonly kind: 'NamedExpr';
  readonly target: Name;
  readonly value: Expr;
}

/**
 * `<NllLossBackward0>` as PyTorch prints `grad_fn=<...>`. Not Python: only produced when the parser runs with
 * `reprs: true`, which the tensor reader uses for pasted printouts.
 */
export interface ReprObject extends NodeBase {
  readonly kind: 'ReprObject';
  /** The text between `<` and `>`. */
  readonly text: string;
}

/** Every expression node. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | ConstantLiteral
  | EllipsisLiteral
  | Name
  | Attribute
  | Call
  | Subscript
  | Slice
  | Starred
  | ListDisplay
  | Tuple
  | SetDisplay
  | DictDisplay
  | ComprehensionExpr
  | UnaryOp
  | BinOp
  | BoolOp
  | Compare
  | IfExp
  | Lambda
  | NamedExpr
  | ReprObject;

// ---------------------------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------------------------

/** `a = b = value` (targets `[a, b]`), `a, b = value` (one Tuple target). */
export interface Assign extends NodeBase {
  readonly kind: 'Assign';
  readonly targets: readonly Expr[];
  readonly value: Expr;
}

/** Augmented assignment operators. */
export type AugOperator = '+=' | '-=' | '*=' | '/=' | '//=' | '%=' | '**=' | '@=' | '&=' | '|=' | '^=' | '>>=' | '<<=';

/** `target op= value` */
export interface AugAssign extends NodeBase {
  readonly kind: 'AugAssign';
  readonly target: Expr;
  readonly op: AugOperator;
  readonly value: Expr;
}

/** `target: annotation` or `target: annotation = value` */
export interface AnnAssign extends NodeBase {
  readonly kind: 'AnnAssign';
  readonly target: Expr;
  readonly annotation: Expr;
  readonly value?: Expr;
}

/** An expression on its own line. */
export interface ExprStmt extends NodeBase {
  readonly kind: 'Expr';
  readonly value: Expr;
}

/** One `name` or `name as asname` of an import. */
export interface ImportAlias extends NodeBase {
  /** Dotted module or member name as written: `a.b`. */
  readonly name: string;
  readonly asname?: string;
}

/** `import a.b as c, d` */
export interface Import extends NodeBase {
  readonly kind: 'Import';
  readonly names: readonly ImportAlias[];
}

/** `from .a import b as c, d` (`module` is `'a'`, `level` 1) or `from a import *` (`names` is `*`). */
export interface ImportFrom extends NodeBase {
  readonly kind: 'ImportFrom';
  readonly module: string;
  readonly level: number;
  readonly names: readonly ImportAlias[] | '*';
}

/** Why a statement was not analysed. */
export type SkipReason =
  /** A compound statement (`def`, `class`, `for`, `if`, decorators...): header plus indented body. */
  | 'compound'
  /** A simple statement Loss Lens does not model (`return`, `pass`, `del`, `raise`, `global`, `assert`...). */
  | 'statement'
  /** The logical line could not be parsed; `error` says where and why. */
  | 'error';

/**
 * A statement kept opaque so the rest of the input still parses. `keyword` is the leading keyword (`def`, `if`,
 * `@` for decorators, `return`...) when there is one; `span` is the character offsets into the parsed text.
 */
export interface Skipped extends NodeBase {
  readonly kind: 'Skipped';
  readonly reason: SkipReason;
  readonly keyword?: string;
  readonly error?: Diagnostic;
  readonly span: { readonly start: number; readonly end: number };
}

/** Every statement node. */
export type Stmt = Assign | AugAssign | AnnAssign | ExprStmt | Import | ImportFrom | Skipped;

// ---------------------------------------------------------------------------------------------------------------
// Whole programs: compound and control-flow statements (parsed by `parseProgram`, run by the runtime)
// ---------------------------------------------------------------------------------------------------------------

/** `def name(params) -> returns: body`, with its decorators. */
export interface FunctionDef extends NodeBase {
  readonly kind: 'FunctionDef';
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly params: readonly Param[];
  readonly body: readonly ProgramStmt[];
  readonly decorators: readonly Expr[];
  readonly returns?: Expr;
  /** The docstring, when the body starts with one. */
  readonly doc?: string;
}

/** `class Name(bases, keywords): body`. */
export interface ClassDef extends NodeBase {
  readonly kind: 'ClassDef';
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly bases: readonly Expr[];
  readonly keywords: readonly Keyword[];
  readonly body: readonly ProgramStmt[];
  readonly decorators: readonly Expr[];
}

/** `if test: body elif ...: ... else: orelse` (an `elif` is an `If` alone in `orelse`). */
export interface If extends NodeBase {
  readonly kind: 'If';
  readonly test: Expr;
  readonly body: readonly ProgramStmt[];
  readonly orelse: readonly ProgramStmt[];
}

/** `for target in iter: body else: orelse` */
export interface For extends NodeBase {
  readonly kind: 'For';
  readonly target: Expr;
  readonly iter: Expr;
  readonly body: readonly ProgramStmt[];
  readonly orelse: readonly ProgramStmt[];
}

/** `while test: body else: orelse` */
export interface While extends NodeBase {
  readonly kind: 'While';
  readonly test: Expr;
  readonly body: readonly ProgramStmt[];
  readonly orelse: readonly ProgramStmt[];
}

/** One `except Type as name:` clause. */
export interface ExceptHandler extends NodeBase {
  readonly type?: Expr;
  readonly name?: string;
  readonly body: readonly ProgramStmt[];
}

/** `try: body except ...: ... else: orelse finally: finalbody` */
export interface Try extends NodeBase {
  readonly kind: 'Try';
  readonly body: readonly ProgramStmt[];
  readonly handlers: readonly ExceptHandler[];
  readonly orelse: readonly ProgramStmt[];
  readonly finalbody: readonly ProgramStmt[];
}

/** `with a as x, b: body` */
export interface With extends NodeBase {
  readonly kind: 'With';
  readonly items: readonly { readonly context: Expr; readonly target?: Expr }[];
  readonly body: readonly ProgramStmt[];
}

/** `return value` */
export interface Return extends NodeBase {
  readonly kind: 'Return';
  readonly value?: Expr;
}

/** `pass`, `break`, `continue` */
export interface Jump extends NodeBase {
  readonly kind: 'Pass' | 'Break' | 'Continue';
}

/** `raise exc from cause` */
export interface Raise extends NodeBase {
  readonly kind: 'Raise';
  readonly exc?: Expr;
  readonly cause?: Expr;
}

/** `assert test, msg` */
export interface Assert extends NodeBase {
  readonly kind: 'Assert';
  readonly test: Expr;
  readonly msg?: Expr;
}

/** `global a, b` / `nonlocal a, b` */
export interface Scoping extends NodeBase {
  readonly kind: 'Global' | 'Nonlocal';
  readonly names: readonly string[];
}

/** `del a, b[0]` */
export interface Delete extends NodeBase {
  readonly kind: 'Delete';
  readonly targets: readonly Expr[];
}

/** Every statement of a whole program. */
export type ProgramStmt =
  Stmt | FunctionDef | ClassDef | If | For | While | Try | With | Return | Jump | Raise | Assert | Scoping | Delete;

/** A whole program: every statement parsed, none kept opaque. */
export interface Program extends NodeBase {
  readonly kind: 'Program';
  readonly body: readonly ProgramStmt[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A parsed input. `diagnostics` collects the errors of every `Skipped` statement with reason `error`, in order. */
export interface Module extends NodeBase {
  readonly kind: 'Module';
  readonly body: readonly Stmt[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Any node. */
export type Node = Expr | Stmt | Module | Keyword | Comprehension;

/**
 * Calls `visit` on the direct child expressions of an expression, in source order. Enough to write searches (the
 * tensor finder) without a visitor class.
 */
export function forEachChild(expr: Expr, visit: (child: Expr) => void): void {
  switch (expr.kind) {
    case 'Number':
    case 'String':
    case 'Constant':
    case 'Ellipsis':
    case 'Name':
    case 'ReprObject':
      return;
    case 'Attribute':
    case 'Starred':
      visit(expr.value);
      return;
    case 'Call':
      visit(expr.func);
      for (const a of expr.args) visit(a);
      for (const k of expr.keywords) visit(k.value);
      return;
    case 'Subscript':
      visit(expr.value);
      visit(expr.index);
      return;
    case 'Slice':
      if (expr.lower) visit(expr.lower);
      if (expr.upper) visit(expr.upper);
      if (expr.step) visit(expr.step);
      return;
    case 'List':
    case 'Tuple':
    case 'Set':
      for (const e of expr.elts) visit(e);
      return;
    case 'Dict':
      expr.values.forEach((v, i) => {
        const k = expr.keys[i];
        if (k) visit(k);
        visit(v);
      });
      return;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
    case 'DictComp':
      if (expr.key) visit(expr.key);
      visit(expr.elt);
      for (const g of expr.generators) {
        visit(g.target);
        visit(g.iter);
        for (const c of g.ifs) visit(c);
      }
      return;
    case 'UnaryOp':
      visit(expr.operand);
      return;
    case 'BinOp':
      visit(expr.left);
      visit(expr.right);
      return;
    case 'BoolOp':
      for (const v of expr.values) visit(v);
      return;
    case 'Compare':
      visit(expr.left);
      for (const c of expr.comparators) visit(c);
      return;
    case 'IfExp':
      visit(expr.body);
      visit(expr.test);
      visit(expr.orelse);
      return;
    case 'Lambda':
      visit(expr.body);
      return;
    case 'NamedExpr':
      visit(expr.target);
      visit(expr.value);
      return;
  }
}

/** The dotted name of `a.b.c` (Names joined by Attributes), or undefined for anything else. */
export function dottedName(expr: Expr): string | undefined {
  const parts: string[] = [];
  let node: Expr = expr;
  // A loop, not recursion, and one join at the end: attribute chains can be long in generated code.
  while (node.kind === 'Attribute') {
    parts.push(node.attr);
    node = node.value;
  }
  if (node.kind !== 'Name') return undefined;
  parts.push(node.id);
  return parts.reverse().join('.');
}

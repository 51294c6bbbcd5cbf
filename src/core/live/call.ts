/**
 * The loss call on one line of a Python file, read from its source so that a paused debugger can be asked for the
 * values of its arguments: which loss it is, which argument expression feeds which input and option, and whether each
 * expression is safe to evaluate in the user's process (reading names, attributes, indexing and pure tensor functions
 * only — never calling the model or anything else that could change the program's state).
 */
import type { SourceRange } from '../diagnostics';
import type { Call, Expr } from '../python/ast';
import { forEachChild } from '../python/ast';
import { parseModule } from '../python/parser';
import type { OptionValue } from '../losses/types';
import { lossByFunctional, lossByLibraryPath, lossByModule, type LossEntry } from '../snippet/loss-calls';

/** One argument of the call: the parameter it fills and the expression written for it. */
export interface LiveArgument {
  /** PyTorch's parameter name (`input`, `target`, `weight`, `reduction`). */
  readonly name: string;
  /** The expression's text as written. */
  readonly expression: string;
  /** Its value when written as a literal (`'sum'`, `0.1`, `-100`, `True`, `None`): nothing to evaluate. */
  readonly literal?: OptionValue;
  readonly range: SourceRange;
}

/** A loss call whose tensors can be asked from a debugger. */
export interface LiveCall {
  readonly range: SourceRange;
  /**
   * `functional`: `F.cross_entropy(x, y)`; `module`: `nn.CrossEntropyLoss(...)(x, y)` (options from the constructor);
   * `variable`: `criterion(x, y)` or `self.loss_fn(x, y)` — which loss it is, and its options, come from the live
   * module object (`moduleExpression`).
   */
  readonly style: 'functional' | 'module' | 'variable';
  /** The loss, when the source names it (functional and module styles). */
  readonly loss?: LossEntry;
  /** The dotted name holding the module (variable style). */
  readonly moduleExpression?: string;
  /** The tensor arguments, in call order. */
  readonly inputs: readonly LiveArgument[];
  /** The options written in the call or the constructor. */
  readonly options: readonly LiveArgument[];
}

/** Why the call on a line cannot be evaluated (each localized by the extension). */
export type LiveCallProblem =
  | { readonly kind: 'no-call' }
  | { readonly kind: 'unsafe'; readonly expression: string; readonly range: SourceRange }
  | { readonly kind: 'starred'; readonly range: SourceRange }
  | { readonly kind: 'too-many-arguments'; readonly fn: string; readonly range: SourceRange }
  | { readonly kind: 'unknown-keyword'; readonly fn: string; readonly keyword: string; readonly range: SourceRange };

/** The result of {@link findLiveCall}. */
export type LiveCallResult =
  { readonly ok: true; readonly call: LiveCall } | ({ readonly ok: false } & LiveCallProblem);

/** A Python dotted name: `logits`, `batch.y`, `self.criterion`. Keywords are not names. */
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case',
]); // prettier-ignore

/** True for a Python dotted name (`batch.logits`), the only text a hover ever sends to a debugger. */
export function isDottedName(text: string): boolean {
  return text.length <= 200 && DOTTED_NAME.test(text) && !text.split('.').some((p) => PYTHON_KEYWORDS.has(p));
}

/** `batch.logits` when the pointer is on `logits` of `batch.logits.shape`: the dotted name up to the hovered part. */
export function dottedNameAt(
  lineText: string,
  character: number,
): { name: string; start: number; end: number } | undefined {
  const word = /[A-Za-z_][A-Za-z0-9_]*/g;
  let m: RegExpExecArray | null;
  while ((m = word.exec(lineText))) {
    if (m.index > character) return undefined;
    if (character > m.index + m[0].length) continue;
    let start = m.index;
    // Walk back over `name.` prefixes.
    while (start > 1 && lineText[start - 1] === '.') {
      const before = /[A-Za-z_][A-Za-z0-9_]*$/.exec(lineText.slice(0, start - 1));
      if (!before) return undefined;
      start -= before[0].length + 1;
    }
    // A name after a digit, a quote or a closing bracket is not a plain dotted name (`1.real`, `x().y`, `"a".b`).
    if (start > 0 && /[\w'")\]]/.test(lineText[start - 1]!)) return undefined;
    const name = lineText.slice(start, m.index + m[0].length);
    return isDottedName(name) ? { name, start, end: m.index + m[0].length } : undefined;
  }
  return undefined;
}

/** Prefixes under which a functional loss name is PyTorch's (`F.cross_entropy`, `torch.nn.functional.mse_loss`). */
const FUNCTIONAL_PREFIXES = new Set(['', 'F', 'functional', 'nn.functional', 'torch.nn.functional', 'torch']);
/** Prefixes under which a class name is torch.nn's loss module (`nn.CrossEntropyLoss`). */
const MODULE_PREFIXES = new Set(['', 'nn', 'torch.nn', 'nn.modules.loss', 'torch.nn.modules.loss']);

/** Tensor methods that only compute a new value from the receiver (no state changes, no user code). */
const PURE_METHODS = new Set([
  'view', 'reshape', 'view_as', 'reshape_as', 'permute', 'transpose', 'squeeze', 'unsqueeze', 'flatten', 'contiguous',
  'detach', 'clone', 'cpu', 'float', 'double', 'half', 'long', 'int', 'bool', 'type_as', 'softmax', 'log_softmax',
  'sigmoid', 'exp', 'log', 'abs', 'argmax', 'squeeze_', 't', 'expand', 'expand_as', 'select', 'narrow', 'unbind',
  'chunk', 'split', 'numpy', 'tolist', 'item', 'mean', 'sum',
]); // prettier-ignore
/** Functions of torch / torch.nn.functional that only compute (the same idea). */
const PURE_FUNCTIONS = new Set([
  'softmax', 'log_softmax', 'sigmoid', 'logsigmoid', 'one_hot', 'tensor', 'as_tensor', 'from_numpy', 'stack', 'cat',
  'exp', 'log', 'flatten', 'reshape', 'squeeze', 'unsqueeze', 'permute', 'transpose', 'argmax', 'full_like',
  'ones_like', 'zeros_like', 'normalize', 'array', 'asarray',
]); // prettier-ignore
const PURE_FUNCTION_PREFIXES = new Set([
  'torch',
  'F',
  'functional',
  'nn.functional',
  'torch.nn.functional',
  'np',
  'numpy',
]);

/** `a.b.c` of a Name/Attribute chain, or undefined. */
function dottedName(expr: Expr): string | undefined {
  if (expr.kind === 'Name') return expr.id;
  if (expr.kind === 'Attribute') {
    const base = dottedName(expr.value);
    return base === undefined ? undefined : `${base}.${expr.attr}`;
  }
  return undefined;
}

function splitLast(path: string): [prefix: string, last: string] {
  const i = path.lastIndexOf('.');
  return i < 0 ? ['', path] : [path.slice(0, i), path.slice(i + 1)];
}

/**
 * The first sub-expression that is not safe to evaluate in the user's process, or undefined when all are: names,
 * attributes, literals, indexing, arithmetic, and calls to the pure tensor methods and torch functions listed above.
 */
export function unsafePart(expr: Expr): Expr | undefined {
  switch (expr.kind) {
    case 'Number':
    case 'String':
    case 'Constant':
    case 'Ellipsis':
    case 'Name':
      return expr.kind === 'String' && expr.isFString ? expr : undefined;
    case 'Attribute':
    case 'Subscript':
    case 'Slice':
    case 'List':
    case 'Tuple':
    case 'UnaryOp':
    case 'BinOp': {
      let bad: Expr | undefined;
      forEachChild(expr, (c) => (bad ??= unsafePart(c)));
      return bad;
    }
    case 'Call': {
      const path = dottedName(expr.func);
      let pure = false;
      if (path !== undefined) {
        const [prefix, last] = splitLast(path);
        pure = PURE_FUNCTION_PREFIXES.has(prefix) && PURE_FUNCTIONS.has(last);
      }
      if (!pure && expr.func.kind === 'Attribute') pure = PURE_METHODS.has(expr.func.attr);
      if (!pure) return expr;
      // The receiver of a method, and every argument, must be safe too.
      if (expr.func.kind === 'Attribute' && !(path && PURE_FUNCTION_PREFIXES.has(splitLast(path)[0]))) {
        const receiver = unsafePart(expr.func.value);
        if (receiver) return receiver;
      }
      for (const a of expr.args) {
        const bad = a.kind === 'Starred' ? a : unsafePart(a);
        if (bad) return bad;
      }
      for (const k of expr.keywords) {
        const bad = k.name === undefined ? k.value : unsafePart(k.value);
        if (bad) return bad;
      }
      return undefined;
    }
    default:
      return expr;
  }
}

/** The value of a literal option (`'sum'`, `-100`, `0.1`, `True`, `None`), or undefined when it is not one. */
function literalValue(expr: Expr): OptionValue | undefined {
  if (expr.kind === 'Number' && !expr.isImaginary) return expr.value;
  if (expr.kind === 'String' && !expr.isBytes && !expr.isFString) return expr.value;
  if (expr.kind === 'Constant') return expr.value;
  if (expr.kind === 'UnaryOp' && (expr.op === '-' || expr.op === '+') && expr.operand.kind === 'Number') {
    return expr.op === '-' ? -expr.operand.value : expr.operand.value;
  }
  return undefined;
}

/** A loss call recognised from its callee, with the style that decides where its options come from. */
interface Candidate {
  readonly call: Call;
  readonly style: LiveCall['style'];
  readonly loss?: LossEntry;
  readonly ctor?: Call;
  readonly moduleExpression?: string;
}

function recognise(call: Call): Candidate | undefined {
  const path = dottedName(call.func);
  if (path !== undefined) {
    const library = lossByLibraryPath(path);
    if (library) return { call, style: 'functional', loss: library };
    const [prefix, last] = splitLast(path);
    const functional = FUNCTIONAL_PREFIXES.has(prefix) ? lossByFunctional(last) : undefined;
    if (functional) return { call, style: 'functional', loss: functional };
    // A constructor call (`nn.CrossEntropyLoss()`) is not the loss call itself.
    if (MODULE_PREFIXES.has(prefix) && lossByModule(last)) return undefined;
    return { call, style: 'variable', moduleExpression: path };
  }
  if (call.func.kind === 'Call') {
    const ctorPath = dottedName(call.func.func);
    if (ctorPath === undefined) return undefined;
    const [prefix, last] = splitLast(ctorPath);
    const loss = MODULE_PREFIXES.has(prefix) ? lossByModule(last) : undefined;
    if (loss) return { call, style: 'module', loss, ctor: call.func };
  }
  return undefined;
}

function collectCalls(expr: Expr, out: Call[]): void {
  if (expr.kind === 'Call') out.push(expr);
  forEachChild(expr, (c) => collectCalls(c, out));
}

/** The expressions of the statement(s) that start on `line` of `text`, with document ranges. */
function statementExpressions(lines: readonly string[], line: number): Expr[] {
  const first = lines[line - 1];
  if (first === undefined) return [];
  const indent = /^\s*/.exec(first)![0].length;
  // A call may continue over the next lines while brackets are open: take lines until the statement parses.
  for (let count = 1; count <= 40 && line - 1 + count <= lines.length; count++) {
    const chunk = lines
      .slice(line - 1, line - 1 + count)
      // `return loss_fn(x, y)` reads as an assignment of the same width, so that columns stay the file's.
      .map((l, i) => (i === 0 ? l.slice(indent).replace(/^return(\s+)/, (_m, gap: string) => `_ =   ${gap}`) : l))
      .join('\n');
    const module = parseModule(chunk, { origin: { line, column: indent + 1 } });
    const stmt = module.body[0];
    if (!stmt) return [];
    if (stmt.kind === 'Skipped') {
      if (
        module.diagnostics.some((d) => d.code === 'python/brackets' || /never closed|unexpected end/i.test(d.message))
      )
        continue;
      return [];
    }
    const exprs: Expr[] = [];
    if (stmt.kind === 'Assign' || stmt.kind === 'AugAssign' || stmt.kind === 'Expr')
      if ('value' in stmt && stmt.value) exprs.push(stmt.value);
    if (stmt.kind === 'AnnAssign' && stmt.value) exprs.push(stmt.value);
    return exprs;
  }
  return [];
}

/** Maps a candidate's arguments to the loss's inputs and options (PyTorch's signatures, as the checker does). */
function mapArguments(c: Candidate, source: (expr: Expr) => string): LiveCallResult {
  const args = c.call.args;
  for (const a of [...args, ...(c.ctor?.args ?? [])])
    if (a.kind === 'Starred') return { ok: false, kind: 'starred', range: a.range };
  for (const k of [...c.call.keywords, ...(c.ctor?.keywords ?? [])])
    if (k.name === undefined) return { ok: false, kind: 'starred', range: k.range };
  const inputs: LiveArgument[] = [];
  const options: LiveArgument[] = [];
  const argument = (name: string, expr: Expr, text: string): LiveArgument => {
    const literal = literalValue(expr);
    return { name, expression: text, range: expr.range, ...(literal !== undefined ? { literal } : {}) };
  };
  const loss = c.loss;
  const inputNames = loss?.inputs ?? [];
  const optionNames = loss?.def ? Object.keys(loss.def.defaults) : [];
  const fn = loss?.fn ?? c.moduleExpression ?? 'loss';
  if (c.style === 'functional') {
    const params = [...inputNames, ...optionNames];
    for (const [i, a] of args.entries()) {
      const name = params[i];
      if (name === undefined) return { ok: false, kind: 'too-many-arguments', fn, range: a.range };
      (i < inputNames.length ? inputs : options).push(argument(name, a, source(a)));
    }
    for (const k of c.call.keywords) {
      const name = loss?.keywordAliases?.[k.name!] ?? k.name!;
      if (inputNames.includes(name)) inputs.push(argument(name, k.value, source(k.value)));
      else if (optionNames.includes(name)) options.push(argument(name, k.value, source(k.value)));
      else return { ok: false, kind: 'unknown-keyword', fn, keyword: k.name!, range: k.range };
    }
  } else {
    for (const [i, a] of args.entries()) {
      const name = inputNames[i];
      if (name === undefined && c.style === 'module')
        return { ok: false, kind: 'too-many-arguments', fn, range: a.range };
      // A module held in a variable: which loss it is is known only from the live object; keep the order.
      inputs.push(argument(name ?? `#${i}`, a, source(a)));
    }
    for (const k of c.call.keywords) inputs.push(argument(k.name!, k.value, source(k.value)));
    if (c.ctor) {
      for (const [i, a] of c.ctor.args.entries()) {
        const name = optionNames[i];
        if (name === undefined) return { ok: false, kind: 'too-many-arguments', fn, range: a.range };
        options.push(argument(name, a, source(a)));
      }
      for (const k of c.ctor.keywords) {
        if (!optionNames.includes(k.name!))
          return { ok: false, kind: 'unknown-keyword', fn, keyword: k.name!, range: k.range };
        options.push(argument(k.name!, k.value, source(k.value)));
      }
    }
  }
  const written = [...c.call.args, ...c.call.keywords.map((k) => k.value)];
  if (c.ctor) written.push(...c.ctor.args, ...c.ctor.keywords.map((k) => k.value));
  for (const e of written) {
    const bad = literalValue(e) === undefined ? unsafePart(e) : undefined;
    if (bad) return { ok: false, kind: 'unsafe', expression: source(bad), range: bad.range };
  }
  return {
    ok: true,
    call: {
      range: c.call.range,
      style: c.style,
      ...(loss ? { loss } : {}),
      ...(c.moduleExpression ? { moduleExpression: c.moduleExpression } : {}),
      inputs,
      options,
    },
  };
}

/**
 * The loss call on `line` (1-based) of a Python file, its arguments mapped to PyTorch's parameters, each checked to
 * be safe to evaluate. A line with several calls gives the outermost built-in loss, else the outermost call of a
 * variable (`criterion(x, y)`, which the debugger will say is a loss or not).
 */
export function findLiveCall(text: string, line: number): LiveCallResult {
  return new LineReader(text).find(line);
}

/** A file's lines, split once, for reading the call on any of them. */
class LineReader {
  private readonly lines: string[];
  private readonly offsets: number[] = [0];
  private readonly normalized: string;

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    for (const l of this.lines) this.offsets.push(this.offsets[this.offsets.length - 1]! + l.length + 1);
    this.normalized = this.lines.join('\n');
  }

  get lineCount(): number {
    return this.lines.length;
  }

  text(line: number): string {
    return this.lines[line - 1] ?? '';
  }

  find(line: number): LiveCallResult {
    const slice = (expr: Expr): string =>
      this.normalized.slice(
        this.offsets[expr.range.line - 1]! + expr.range.column - 1,
        this.offsets[expr.range.endLine - 1]! + expr.range.endColumn - 1,
      );
    const calls: Call[] = [];
    for (const e of statementExpressions(this.lines, line)) collectCalls(e, calls);
    const candidates = calls.map(recognise).filter((c): c is Candidate => c !== undefined);
    const chosen = candidates.find((c) => c.style !== 'variable') ?? candidates[0];
    if (!chosen) return { ok: false, kind: 'no-call' };
    return mapArguments(chosen, slice);
  }
}

/**
 * The lines (1-based) of `text` that start a loss call, for the code lens shown while a debugger is paused: built-in
 * losses, and calls of a variable whose name says it holds one (`criterion(...)`, `self.loss_fn(...)`).
 */
export function liveCallLines(text: string): number[] {
  const reader = new LineReader(text);
  const found: number[] = [];
  for (let line = 1; line <= reader.lineCount; line++) {
    const l = reader.text(line);
    if (!l.includes('(') || /^\s*(def|class|#|@)/.test(l)) continue;
    const r = reader.find(line);
    if (r.ok && (r.call.style !== 'variable' || /loss|criterion/i.test(r.call.moduleExpression ?? '')))
      found.push(line);
  }
  return found;
}

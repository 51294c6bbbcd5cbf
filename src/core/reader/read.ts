/**
 * Reading tensors out of a selection: one tensor (`readTensor`) or every tensor in free-form text (`readTensors`),
 * from Python code, printouts (PyTorch and NumPy, including NumPy's comma-less `print` form), JSON and REPL sessions.
 */
import { type SourceRange } from '../diagnostics';
import { dottedName, forEachChild, type Expr, type Module, type Stmt } from '../python/ast';
import { tokenize, type Origin, type Token } from '../python/lexer';
import { parseTokens } from '../python/parser';
import type { Tensor } from '../tensor';
import { LEGACY_TENSOR_TYPES } from './dtype';
import { fromSyntaxDiagnostic, readerError, ReaderErrorCode } from './errors';
import { Evaluator, type ReadSource, type TensorValue, type Value } from './evaluate';
import { readNumpyPrintout, type NumpyPrintout } from './numpyPrint';
import { evaluatorEntries } from '../entries';

/** Options of {@link readTensor} and {@link readTensors}. */
export interface ReadOptions {
  /** Document position of the text's first character: every range (and error) is then in document coordinates. */
  readonly origin?: Origin;
}

/** One tensor read from text. */
export interface ReadResult {
  readonly tensor: Tensor;
  /** Where the tensor's expression is written. */
  readonly range: SourceRange;
  /**
   * How it was written: a Python list (`literal`), a PyTorch constructor (`torch`), a NumPy constructor (`numpy`),
   * a printout of a tensor or array (`repr`), JSON (`json`), or `torch.Size([...])` (`size`).
   */
  readonly source: ReadSource;
  /** `size` for `torch.Size([...])` (an int64 1-d tensor of the sizes), else `tensor`. */
  readonly kind: 'tensor' | 'size';
  readonly requiresGrad?: boolean;
  /** `NllLossBackward0` from a printed `grad_fn=<NllLossBackward0>`. */
  readonly gradFn?: string;
  /** `cuda:0` from `device='cuda:0'` or `.cuda()`. */
  readonly device?: string;
}

/** A tensor found by {@link readTensors}, with the name it was assigned to or labelled with. */
export interface NamedReadResult extends ReadResult {
  readonly name?: string;
}

/** Functions whose call is a tensor (canonical names). */
// prettier-ignore
const TENSOR_FUNCTIONS = new Set([
  'torch.tensor', 'torch.as_tensor', 'torch.asarray', 'repr.tensor', 'torch.Tensor', 'torch.from_numpy', 'numpy.array',
  'numpy.asarray', 'numpy.asanyarray', 'numpy.ascontiguousarray', 'repr.array', 'torch.Size', 'torch.zeros',
  'torch.ones', 'torch.full', 'torch.eye', 'torch.arange', 'numpy.zeros', 'numpy.ones', 'numpy.full', 'numpy.eye',
  'numpy.arange',
]);

/** Everything one read needs: the parsed text, its import aliases and whether it is JSON. */
class Session {
  readonly module: Module;
  readonly tokens: Token[];
  readonly evaluator: Evaluator;
  readonly json: boolean;
  readonly origin: Origin;

  constructor(
    readonly text: string,
    options: ReadOptions,
  ) {
    this.origin = options.origin ?? { line: 1, column: 1 };
    const lexed = tokenize(text, { origin: this.origin });
    this.tokens = lexed.tokens;
    this.json = isJsonText(lexed.tokens, lexed.hasComments);
    this.module = parseTokens(lexed, text, { origin: this.origin, reprs: true });
    this.evaluator = new Evaluator({ json: this.json, aliases: collectAliases(this.module.body) });
  }

  /** True when the text has no tokens (blank, or comments only). */
  get blank(): boolean {
    return this.tokens.every((t) => t.kind === 'newline' || t.kind === 'eof');
  }

  /** The `reader/empty` error, placed at the start of the text. */
  emptyError(): Error {
    const at: SourceRange = {
      line: this.origin.line,
      column: this.origin.column,
      endLine: this.origin.line,
      endColumn: this.origin.column,
    };
    return readerError(at, {
      code: ReaderErrorCode.empty,
      message: 'no tensor to read: the selection is empty',
      explanation: 'The text is blank, or holds only comments, imports or definitions.',
      hint: 'Select a tensor: a list such as [[1.0, 2.0]], a torch.tensor(...) call, or a printed tensor.',
    });
  }

  /** Evaluates an expression that must be a tensor. */
  read(expr: Expr): ReadResult {
    const value = this.evaluator.evaluate(expr);
    return toResult(this.evaluator.asTensorValue(value, expr.range));
  }

  /** True when `expr` is (a method chain on) a tensor constructor, or a list of plain numbers. */
  isCandidate(expr: Expr): boolean {
    if (expr.kind === 'List') return expr.elts.length > 0 && expr.elts.every((e) => this.isNumeric(e, true));
    return this.isConstructorChain(expr);
  }

  private isConstructorChain(expr: Expr): boolean {
    let node: Expr = expr;
    // Walk down `.float().cuda()` / `.T` chains to the innermost call.
    for (;;) {
      if (node.kind === 'Call') {
        const name = this.evaluator.canonicalName(node.func);
        if (name !== undefined) return TENSOR_FUNCTIONS.has(name) || isLegacyConstructor(name);
        if (node.func.kind !== 'Attribute') return false;
        node = node.func.value;
      } else if (node.kind === 'Attribute' && (node.attr === 'T' || node.attr === 'data')) {
        node = node.value;
      } else {
        return false;
      }
    }
  }

  /** A number-like leaf, or (when `nested`) a list/tuple of them. */
  private isNumeric(e: Expr, nested: boolean): boolean {
    switch (e.kind) {
      case 'Number':
        return !e.isImaginary;
      case 'Constant':
        return e.value !== null;
      case 'Ellipsis':
        return true;
      case 'List':
      case 'Tuple':
        return nested && e.elts.every((x) => this.isNumeric(x, true));
      case 'UnaryOp':
        return e.op !== 'await' && this.isNumeric(e.operand, false);
      case 'BinOp':
        return this.isNumeric(e.left, false) && this.isNumeric(e.right, false);
      case 'Name':
        return e.id === 'nan' || e.id === 'inf' || (this.json && ['true', 'false', 'NaN', 'Infinity'].includes(e.id));
      case 'Attribute': {
        const v = this.tryEvaluate(e);
        return v?.type === 'scalar';
      }
      case 'Call': {
        const name = this.evaluator.canonicalName(e.func);
        return name === 'builtins.float' || name === 'builtins.int' || name === 'builtins.bool';
      }
      default:
        return false;
    }
  }

  private tryEvaluate(e: Expr): Value | undefined {
    try {
      return this.evaluator.evaluate(e);
    } catch {
      return undefined;
    }
  }

  /** The tokens of a statement, found by offset (binary search: tokens are in text order). */
  tokensIn(span: { start: number; end: number }): Token[] {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < span.start) lo = mid + 1;
      else hi = mid;
    }
    const out: Token[] = [];
    for (let i = lo; i < this.tokens.length && this.tokens[i]!.start < span.end; i++) out.push(this.tokens[i]!);
    return out;
  }

  /** A broken statement read as a NumPy `print` output, if it is one. */
  printout(span: { start: number; end: number }): NumpyPrintout | undefined {
    return readNumpyPrintout(this.tokensIn(span));
  }

  /**
   * A statement that parses as Python but is really NumPy `print` output: `[ 1 -2]` is `[1 - 2]` to Python and
   * `[[ 1 -2]\n [ 3 -4]]` indexes a list. Comma-free brackets around two or more numbers are never meant as that.
   */
  printoutFirst(stmt: Stmt): NumpyPrintout | undefined {
    if (stmt.kind !== 'Expr' && stmt.kind !== 'Assign' && stmt.kind !== 'AnnAssign') return undefined;
    const tokens = this.tokensInRange(stmt.range, true);
    if (!tokens) return undefined;
    const printout = readNumpyPrintout(tokens);
    return printout && printout.count >= 2 ? printout : undefined;
  }

  /**
   * The tokens inside a range (binary search on positions: tokens are in text order). With `commaFree`, gives up
   * (undefined) at the first comma, which rules out a NumPy printout before copying a large literal's tokens.
   */
  private tokensInRange(range: SourceRange, commaFree: boolean): Token[] | undefined {
    const before = (t: Token, line: number, column: number): boolean =>
      t.line < line || (t.line === line && t.column < column);
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.tokens[mid]!, range.line, range.column)) lo = mid + 1;
      else hi = mid;
    }
    const out: Token[] = [];
    for (let i = lo; i < this.tokens.length && before(this.tokens[i]!, range.endLine, range.endColumn); i++) {
      const t = this.tokens[i]!;
      if (commaFree && t.kind === 'op' && t.text === ',') return undefined;
      out.push(t);
    }
    return out;
  }

  /** The tensor of a NumPy printout (NumPy's dtype rules: floats are float64). */
  printoutResult(p: NumpyPrintout): ReadResult {
    return { tensor: this.evaluator.literalTensor(p.value, 'numpy'), range: p.range, source: 'repr', kind: 'tensor' };
  }
}

function isLegacyConstructor(name: string): boolean {
  const m = /^torch\.(?:cuda\.)?(\w+Tensor)$/.exec(name);
  return m !== null && LEGACY_TENSOR_TYPES[m[1]!] !== undefined;
}

function toResult(v: TensorValue): ReadResult {
  const result: { -readonly [K in keyof ReadResult]: ReadResult[K] } = {
    tensor: v.tensor,
    range: v.range,
    source: v.source,
    kind: v.kind,
  };
  if (v.requiresGrad) result.requiresGrad = true;
  if (v.gradFn !== undefined) result.gradFn = v.gradFn;
  if (v.device !== undefined) result.device = v.device;
  return result;
}

/** `import numpy as xp` → xp ↦ numpy; `from torch import tensor as T` → T ↦ torch.tensor. */
function collectAliases(body: readonly Stmt[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const s of body) {
    if (s.kind === 'Import') {
      for (const n of s.names) {
        if (n.asname) aliases.set(n.asname, n.name);
        else aliases.set(n.name.split('.')[0]!, n.name.split('.')[0]!);
      }
    } else if (s.kind === 'ImportFrom' && s.level === 0 && s.names !== '*') {
      for (const n of s.names) aliases.set(n.asname ?? n.name, `${s.module}.${n.name}`);
    }
  }
  return aliases;
}

/**
 * True when the whole text is one JSON array or object: only JSON tokens (double-quoted strings, JSON numbers,
 * true/false/null, NaN/Infinity as Python's json module writes them), no comments, no trailing commas.
 */
function isJsonText(tokens: readonly Token[], hasComments: boolean): boolean {
  if (hasComments) return false;
  const content = tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
  const first = content[0];
  if (!first || (first.text !== '[' && first.text !== '{')) return false;
  for (let i = 0; i < content.length; i++) {
    const t = content[i]!;
    const next = content[i + 1];
    switch (t.kind) {
      case 'number':
        if (!/^(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t.text)) return false;
        break;
      case 'string':
        if (!t.text.startsWith('"') || t.text.startsWith('"""')) return false;
        break;
      case 'name':
        if (!['true', 'false', 'null', 'NaN', 'Infinity'].includes(t.text)) return false;
        break;
      case 'op':
        if (t.text === '-') {
          if (!next || next.spaceBefore || !(next.kind === 'number' || next.text === 'Infinity')) return false;
        } else if (t.text === ',') {
          if (!next || next.text === ']' || next.text === '}') return false;
        } else if (!['[', ']', '{', '}', ':'].includes(t.text)) {
          return false;
        }
        break;
      default:
        return false;
    }
  }
  // JSON separates values with commas: `[1 2]` (or NumPy's `[ 1 -2]`) is not JSON.
  for (let i = 0; i + 1 < content.length; i++) {
    const t = content[i]!;
    const next = content[i + 1]!;
    const endsValue = t.kind !== 'op' || t.text === ']' || t.text === '}';
    const startsValue = next.kind !== 'op' || next.text === '[' || next.text === '{' || next.text === '-';
    if (endsValue && startsValue) return false;
  }
  // Newlines outside brackets would mean several values.
  return tokens.filter((t) => t.kind === 'newline').length <= 1;
}

/** Doctest/REPL prompts (`>>> `, `... `) become spaces so the code under them parses at the same columns. */
function stripPrompts(text: string): string {
  if (!/^[ \t]*>>>( |$)/m.test(text)) return text;
  // `... ` only with code after it: a bare `...` line is NumPy's marker for rows left out of a printout.
  return text.replace(
    /^([ \t]*)(>>>(?: |$)|\.\.\. )/gm,
    (_m, indent: string, prompt: string) => indent + ' '.repeat(prompt.length),
  );
}

/** True when a broken statement still looks like a tensor (so its syntax error must be reported, not skipped). */
function looksLikeTensor(tokens: readonly Token[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]!;
    if (
      t.kind === 'op' &&
      (t.text === '[' || t.text === '(') &&
      (next.kind === 'number' || next.text === '-' || next.text === '[')
    )
      return true;
    if (
      t.kind === 'name' &&
      /^(tensor|array|Tensor|\w+Tensor|as_tensor|from_numpy|Size)$/.test(t.text) &&
      next.text === '('
    )
      return true;
  }
  return false;
}

/** The value statements of a module: what each holds, under which name. */
interface Entry {
  readonly expr?: Expr;
  readonly printout?: NumpyPrintout;
  /** The statement it came from (its range places the `reader/multiple` error). */
  readonly statement: Stmt;
}

/**
 * Reads every tensor in a free-form selection, in order: assignments (`logits = torch.tensor(...)`, named), bare
 * expressions and printouts (one per line, or several on a line as `print(a, b)` shows them), labelled printouts
 * (`logits: tensor(...)`), tensors passed to calls (named by keyword), JSON objects (named by key), NumPy `print`
 * output and REPL transcripts. Code that holds no tensor is skipped; a tensor that cannot be read raises.
 *
 * @returns the tensors found (possibly none).
 * @throws LossLensError `reader/empty` for a blank selection, or the first unreadable tensor's error.
 */
export function readTensors(text: string, options: ReadOptions = {}): NamedReadResult[] {
  evaluatorEntries.read++;
  return guarded(() => findTensors(text, options), options);
}

function findTensors(text: string, options: ReadOptions): NamedReadResult[] {
  const session = new Session(stripPrompts(text), options);
  if (session.blank) throw session.emptyError();
  const results: NamedReadResult[] = [];
  const body = session.module.body;
  const push = (name: string | undefined, r: ReadResult): void => {
    results.push(name !== undefined ? { name, ...r } : r);
  };
  const search = (expr: Expr, name: string | undefined): void => {
    if (session.isCandidate(expr)) {
      push(name, session.read(expr));
      return;
    }
    switch (expr.kind) {
      case 'Call':
        for (const a of expr.args) search(a, undefined);
        for (const k of expr.keywords) search(k.value, k.name);
        return;
      case 'Dict':
        expr.values.forEach((v, i) => {
          const key = expr.keys[i];
          search(v, key?.kind === 'String' ? key.value : undefined);
        });
        return;
      case 'Subscript':
        search(expr.value, undefined);
        return;
      case 'Lambda':
      case 'ListComp':
      case 'SetComp':
      case 'DictComp':
      case 'GeneratorExp':
        return;
      default:
        forEachChild(expr, (child) => search(child, undefined));
    }
  };
  for (let i = 0; i < body.length; i++) {
    const stmt = body[i]!;
    const printoutFirst = session.printoutFirst(stmt);
    if (printoutFirst) {
      push(printoutFirst.name, session.printoutResult(printoutFirst));
      continue;
    }
    switch (stmt.kind) {
      case 'Assign': {
        const target = stmt.targets[0]!;
        const value = stmt.value;
        if (
          (target.kind === 'Tuple' || target.kind === 'List') &&
          (value.kind === 'Tuple' || value.kind === 'List') &&
          !session.isCandidate(value) &&
          target.elts.length === value.elts.length
        ) {
          value.elts.forEach((v, k) => search(v, dottedName(target.elts[k]!)));
        } else {
          search(value, dottedName(target));
        }
        break;
      }
      case 'AnnAssign':
        if (stmt.value) search(stmt.value, dottedName(stmt.target));
        else if (session.isCandidate(stmt.annotation)) push(dottedName(stmt.target), session.read(stmt.annotation));
        break;
      case 'Expr': {
        const next = body[i + 1];
        // `x` on its own, then the tensor: a REPL echo (`>>> x` / output) or `print('x', x)`-style label.
        if (stmt.value.kind === 'Name' && next?.kind === 'Expr' && session.isCandidate(next.value)) {
          push(stmt.value.id, session.read(next.value));
          i++;
          break;
        }
        search(stmt.value, undefined);
        break;
      }
      case 'Skipped': {
        if (stmt.reason !== 'error' || !stmt.error) break;
        const printout = session.printout(stmt.span);
        if (printout) {
          push(printout.name, session.printoutResult(printout));
        } else if (looksLikeTensor(session.tokensIn(stmt.span))) {
          throw fromSyntaxDiagnostic(stmt.error);
        }
        break;
      }
      default:
        break;
    }
  }
  return results;
}

/**
 * Reads ONE tensor expression: a Python list, a `torch.tensor(...)`/`np.array(...)` call with casts, a printed
 * tensor or array, `torch.Size([...])`, a number, or JSON. An assignment (`logits = ...`), imports, comments and
 * definitions around it are allowed.
 *
 * @throws LossLensError with the offending token's range: `reader/empty`, `reader/syntax`, `reader/brackets`,
 *   `reader/ragged`, `reader/truncated`, `reader/unknown-name`, `reader/dtype`, `reader/overflow`,
 *   `reader/unsupported`, `reader/uninitialized`, `reader/requires-grad`, `reader/arithmetic`, `reader/multiple`.
 */
export function readTensor(text: string, options: ReadOptions = {}): ReadResult {
  return guarded(() => readOne(text, options), options);
}

/**
 * The core's promise is to throw nothing but LossLensError. Nesting is bounded by the parser, so a stack overflow
 * should not happen; if one does (a deeper-than-expected input), it is reported like any too-deep input.
 */
function guarded<T>(read: () => T, options: ReadOptions): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const origin = options.origin ?? { line: 1, column: 1 };
    throw readerError(
      { line: origin.line, column: origin.column, endLine: origin.line, endColumn: origin.column },
      {
        code: ReaderErrorCode.syntax,
        message: 'expression too deeply nested',
        explanation: 'The text nests too deeply to analyse.',
        hint: 'Split the expression into smaller ones.',
      },
    );
  }
}

function readOne(text: string, options: ReadOptions): ReadResult {
  const session = new Session(stripPrompts(text), options);
  if (session.blank) throw session.emptyError();
  const entries: Entry[] = [];
  for (const stmt of session.module.body) {
    const printoutFirst = session.printoutFirst(stmt);
    if (printoutFirst) {
      entries.push({ printout: printoutFirst, statement: stmt });
      continue;
    }
    switch (stmt.kind) {
      case 'Assign':
        // `a, b = x, y` holds two values: left to the search below.
        entries.push({
          expr: stmt.targets.some((t) => t.kind === 'Tuple' || t.kind === 'List') ? undefined : stmt.value,
          statement: stmt,
        });
        break;
      case 'AnnAssign':
        entries.push({ expr: stmt.value ?? stmt.annotation, statement: stmt });
        break;
      case 'Expr':
        entries.push({ expr: stmt.value, statement: stmt });
        break;
      case 'Skipped':
        if (stmt.reason === 'error' && stmt.error) {
          const printout = session.printout(stmt.span);
          if (!printout) throw fromSyntaxDiagnostic(stmt.error);
          entries.push({ printout, statement: stmt });
        }
        break;
      default:
        break;
    }
  }
  if (entries.length === 0) throw session.emptyError();
  if (entries.length === 1) {
    const only = entries[0]!;
    if (only.printout) return session.printoutResult(only.printout);
    // A dict (a JSON object) is read through the search below, which names its values.
    if (only.expr && only.expr.kind !== 'Dict') return session.read(only.expr);
  }
  // Several statements (e.g. `x = torch.tensor(...)` then `print(x)`): exactly one of them may hold a tensor.
  const found = findTensors(text, options);
  if (found.length === 1) {
    const { name: _name, ...result } = found[0]!;
    return result;
  }
  const at = found[1]?.range ?? (entries[1] ?? entries[0]!).statement.range;
  throw readerError(at, {
    code: ReaderErrorCode.multiple,
    message:
      found.length > 1 ? `found ${found.length} tensors where one was expected` : 'found no single tensor to read',
    explanation:
      found.length > 1
        ? 'The selection holds several tensors, and this command reads one.'
        : 'The selection holds several statements and none of them is a tensor.',
    hint:
      found.length > 1
        ? 'Select just one tensor, or use the command that reads two tensors.'
        : 'Select the tensor itself.',
    data: { count: found.length },
  });
}

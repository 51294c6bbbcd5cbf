/**
 * Runs a Python snippet over symbolic values, statement by statement: assignments, imports, expressions and the loss
 * calls inside them, computing numbers where the snippet spells them (value mode). Blocks (`def`/`for`/`if`/`with`)
 * are not run here: whole programs run in the runtime (../runtime/), and `check` runs them there in shape mode. This
 * evaluator remains for fragments and for the tensors hovers show.
 */
import type { TorchVersion } from '../losses/types';
import { LossLensError, type Diagnostic, type SourceRange } from '../diagnostics';
import * as ast from '../python/ast';
import { parseExpression, parseModule } from '../python/parser';
import { tokenize, type Origin, type Token } from '../python/lexer';
import {
  binaryOp as pyBinaryOp,
  compare as pyCompare,
  pyInt,
  unaryOp as pyUnaryOp,
  type PyScalar,
} from '../reader/values';
import { listToTensor } from '../reader/literal';
import { readTensor } from '../reader/read';
import { numel, toNested, type DType, type Nested } from '../tensor';
import { indexTensor, type IndexItem } from './indexing';
import type { ShapeOutcome } from './check';
import {
  evaluateLossCall,
  lossByFunctional,
  lossByLibraryPath,
  type CallArgs,
  type LossCallSpec,
  type LossHost,
  type SnippetCall,
} from './loss-calls';
import * as ops from './ops';
import { SourceText } from './source';
import {
  apiFunction,
  callModule,
  constantAt,
  moduleAttribute,
  tensorAttribute,
  tensorMethod,
  type ApiCall,
} from './torch-api';
import {
  bool,
  float,
  isTensor,
  known,
  NONE,
  shaped,
  UNKNOWN,
  type Arg,
  type ModuleSpec,
  type TensorValue,
  type Value,
} from './values';

/** A tensor the snippet names, for hovers. */
export interface SnippetTensor {
  /** The variable (or, for a bare expression, its text). */
  readonly name: string;
  /** Where it is assigned. */
  readonly range: SourceRange;
  /** Sizes (null = unknown); null when even the rank is unknown. */
  readonly shape: readonly (number | null)[] | null;
  readonly dtype: DType | null;
  /** The values, when known (and small). */
  readonly value?: Nested;
}

/** Names every snippet may use without importing them. */
const CONVENTIONAL: ReadonlyMap<string, Value> = new Map<string, Value>([
  ['torch', { kind: 'ref', path: 'torch' }],
  ['nn', { kind: 'ref', path: 'torch.nn' }],
  ['F', { kind: 'ref', path: 'torch.nn.functional' }],
  ['np', { kind: 'ref', path: 'numpy' }],
  ['numpy', { kind: 'ref', path: 'numpy' }],
  ['math', { kind: 'ref', path: 'math' }],
]);

const BUILTINS = new Set([
  'print',
  'len',
  'int',
  'float',
  'bool',
  'range',
  'min',
  'max',
  'list',
  'tuple',
  'abs',
  'round',
  'str',
  'isinstance',
  'enumerate',
  'zip',
  'sum',
  'type',
  'dict',
  'set',
  'sorted',
  'map',
  'filter',
]);

/** Method names that change their receiver: PyTorch's in-place methods and the list/dict mutators. */
const MUTATORS = /_$|^(append|extend|insert|pop|remove|clear|update|sort|reverse|setdefault)$/;

/** Methods ending in `_` that do not change the tensor's values or shape. */
const NON_MUTATING = new Set(['requires_grad_', 'retain_grad_', 'share_memory_', 'pin_memory_']);

/** Values up to this many elements are listed with the tensors (hover data). */
const MAX_LISTED_ELEMENTS = 1000;
/** How deep the names a block assigns are looked for in nested blocks. */
const MAX_BLOCK_DEPTH = 12;

/** Canonical spelling of a few paths that reach the same thing. */
function canonical(path: string): string {
  const m = /^torch\.nn\.modules\.(?:[a-z_]+\.)?([A-Za-z_]\w*)$/.exec(path);
  if (m) return `torch.nn.${m[1]}`;
  if (path.startsWith('torch.nn.functional.')) return path;
  return path;
}

function isKnownScalar(v: Value): v is { kind: 'scalar'; value: PyScalar } {
  return v.kind === 'scalar';
}

/** Python truthiness when known. */
function truthiness(v: Value): boolean | undefined {
  switch (v.kind) {
    case 'scalar':
      return v.value.value !== 0;
    case 'none':
      return false;
    case 'str':
      return v.value.length > 0;
    case 'seq':
      return v.items.length > 0;
    case 'tensor':
      return v.data && v.data.data.length === 1 ? v.data.data[0] !== 0 : undefined;
    default:
      return undefined;
  }
}

/** The snippet's variables. */
class Scope {
  private readonly vars = new Map<string, Value>();

  get(name: string): Value | undefined {
    return this.vars.get(name);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  set(name: string, value: Value): void {
    this.vars.set(name, value);
  }
}

/** The evaluator. One instance per snippet. */
export class Interpreter implements LossHost {
  readonly calls: SnippetCall[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly tensors: SnippetTensor[] = [];
  /** The tensors with their values, in the order they were recorded (for `--loss NAME`). */
  readonly recorded: { readonly name: string; readonly range: SourceRange; readonly value: TensorValue }[] = [];
  readonly shapeCache = new Map<string, ShapeOutcome>();
  private env = new Scope();
  private starImports: string[] = [];
  private depth = 0;

  constructor(
    readonly source: SourceText,
    readonly mode: 'value',
    readonly limits: ops.OpLimits,
    readonly torchVersion?: TorchVersion,
  ) {}

  /** Parses and runs the whole text. */
  run(): void {
    // `reprs`: a pasted printout (`tensor([...], grad_fn=<AddmmBackward0>)`) parses instead of failing on `<`.
    const module = parseModule(this.source.text, { origin: this.source.origin, reprs: true });
    for (const d of module.diagnostics) this.diagnostics.push({ ...d, severity: 'warning' });
    this.runBody(module.body, 0);
  }

  /** Runs a list of statements (`base`: offset of the parsed text in the source). */
  private runBody(body: readonly ast.Stmt[], base: number): void {
    for (const stmt of body) this.execGuarded(stmt, base);
  }

  private execGuarded(stmt: ast.Stmt, base: number): void {
    try {
      this.exec(stmt, base);
    } catch (e) {
      // A statement the evaluator cannot follow leaves the rest running; its names become unknown.
      if (stmt.kind === 'Assign') for (const t of stmt.targets) this.assignUnknown(t);
      if (!(e instanceof LossLensError)) {
        this.diagnostics.push({
          ...stmt.range,
          severity: 'info',
          code: 'internal/error',
          message: `Loss Lens could not evaluate this statement: ${e instanceof Error ? e.message : String(e)}`,
          explanation: 'This is a bug in Loss Lens, not in your code; the rest of the snippet was evaluated.',
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Statements

  private exec(stmt: ast.Stmt, base: number): void {
    switch (stmt.kind) {
      case 'Assign': {
        const value = this.eval(stmt.value);
        for (const target of stmt.targets) this.assign(target, value, stmt.value);
        return;
      }
      case 'AugAssign': {
        const current = this.eval(stmt.target);
        const value = this.eval(stmt.value);
        let result = this.binary(stmt.op.slice(0, -1), current, value);
        // In place: the tensor keeps its dtype (PyTorch refuses a float result into an integer tensor).
        if (current.kind === 'tensor' && result.kind === 'tensor' && current.dtype && result.dtype !== current.dtype)
          result = UNKNOWN;
        this.assign(stmt.target, result, stmt.value);
        return;
      }
      case 'AnnAssign':
        if (stmt.value) this.assign(stmt.target, this.eval(stmt.value), stmt.value);
        return;
      case 'Expr': {
        const value = this.eval(stmt.value);
        if (isTensor(value) && !(stmt.value.kind === 'Call' && this.isPrint(stmt.value))) {
          const text = this.source.slice(stmt.value.range);
          this.recordTensor(text.length > 60 ? `${text.slice(0, 57)}...` : text, stmt.value.range, value);
        }
        return;
      }
      case 'Import':
        for (const alias of stmt.names) {
          if (alias.asname) this.bind(alias.asname, { kind: 'ref', path: canonical(alias.name) });
          else {
            const top = alias.name.split('.')[0]!;
            this.bind(top, { kind: 'ref', path: top });
          }
        }
        return;
      case 'ImportFrom':
        if (stmt.level > 0) {
          if (stmt.names !== '*') for (const a of stmt.names) this.bind(a.asname ?? a.name, UNKNOWN);
          return;
        }
        if (stmt.names === '*') {
          this.starImports.push(canonical(stmt.module));
          return;
        }
        for (const a of stmt.names)
          this.bind(a.asname ?? a.name, { kind: 'ref', path: canonical(`${stmt.module}.${a.name}`) });
        return;
      case 'Skipped':
        this.skipped(stmt, base);
        return;
    }
  }

  private isPrint(call: ast.Call): boolean {
    const f = this.eval(call.func);
    return f.kind === 'ref' && f.path === 'builtins.print';
  }

  private bind(name: string, value: Value, range?: SourceRange): void {
    this.env.set(name, value);
    if (range && isTensor(value)) this.recordTensor(name, range, value);
  }

  private recordTensor(name: string, range: SourceRange, v: TensorValue): void {
    const shape = v.shape ? [...v.shape] : null;
    const listed = v.data && numel(v.data.shape) <= MAX_LISTED_ELEMENTS;
    this.tensors.push({ name, range, shape, dtype: v.dtype ?? null, ...(listed ? { value: toNested(v.data!) } : {}) });
    this.recorded.push({ name, range, value: v });
  }

  private assignUnknown(target: ast.Expr): void {
    switch (target.kind) {
      case 'Name':
        this.bind(target.id, UNKNOWN);
        return;
      case 'Tuple':
      case 'List':
        for (const e of target.elts) this.assignUnknown(e);
        return;
      case 'Starred':
        this.assignUnknown(target.value);
        return;
      case 'Attribute': {
        const name = ast.dottedName(target);
        if (name) this.bind(name, UNKNOWN);
        return;
      }
      default:
        return;
    }
  }

  private assign(target: ast.Expr, value: Value, valueNode: ast.Expr): void {
    switch (target.kind) {
      case 'Name':
        this.bind(target.id, value, target.range);
        return;
      case 'Tuple':
      case 'List': {
        const elts = target.elts;
        if (elts.some((e) => e.kind === 'Starred')) {
          for (const e of elts) this.assignUnknown(e);
          return;
        }
        let items: Value[] | undefined;
        if (value.kind === 'seq' && value.items.length === elts.length) items = [...value.items];
        else if (value.kind === 'tensor' && value.shape && value.shape.length > 0 && value.shape[0] === elts.length) {
          items = elts.map((_, i) => indexTensor(this.limits, value, [{ kind: 'int', value: i }]));
        }
        elts.forEach((e, i) => (items ? this.assign(e, items[i]!, valueNode) : this.assignUnknown(e)));
        return;
      }
      case 'Attribute': {
        const name = ast.dottedName(target);
        if (name) this.bind(name, value, target.range);
        else this.eval(target.value);
        return;
      }
      case 'Subscript': {
        // `x[...] = v` changes values in place: the shape stays, the values are no longer known.
        const base = target.value;
        this.eval(target.index);
        if (base.kind === 'Name') {
          const current = this.lookup(base.id);
          if (current.kind === 'tensor')
            this.bind(base.id, shaped(current.shape, current.dtype, { numpy: current.numpy }));
          else if (current.kind === 'seq') this.bind(base.id, UNKNOWN);
        }
        return;
      }
      default:
        this.assignUnknown(target);
    }
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Skipped statements and blocks

  private skipped(stmt: ast.Skipped, base: number): void {
    if (stmt.reason === 'error') return;
    if (stmt.reason === 'statement') {
      if (
        (stmt.keyword === 'return' || stmt.keyword === 'yield') &&
        stmt.span.end > stmt.span.start + stmt.keyword.length
      ) {
        this.evalTextAfterKeyword(stmt, base);
        return;
      }
      if (stmt.keyword === 'del') this.deleteNames(stmt, base);
      if (stmt.keyword !== 'pass') this.skipNote(stmt, `\`${stmt.keyword ?? 'statement'}\``);
      return;
    }
    if (this.depth >= MAX_BLOCK_DEPTH) return;
    this.depth++;
    try {
      // Blocks are not run here (the whole-program runtime runs them), but what they assign can no longer be trusted
      // after them.
      for (const name of this.namesAssignedIn(stmt, base)) this.bind(name, UNKNOWN);
      this.skipNote(stmt, `the \`${stmt.keyword ?? ''}\` block`);
    } finally {
      this.depth--;
    }
  }

  /** `del a, b`: the names are gone. */
  private deleteNames(stmt: ast.Skipped, base: number): void {
    const text = this.source.text.slice(base + stmt.span.start + 3, base + stmt.span.end);
    for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_.]*/g)) this.bind(m[0], UNKNOWN);
  }

  /** Every name a compound statement may assign: targets, loop variables, `as` names, imports, def/class names. */
  private namesAssignedIn(stmt: ast.Skipped, base: number): Set<string> {
    const names = new Set<string>();
    const addTarget = (t: ast.Expr): void => {
      if (t.kind === 'Name') names.add(t.id);
      else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(addTarget);
      else if (t.kind === 'Starred') addTarget(t.value);
      else if (t.kind === 'Attribute') {
        const d = ast.dottedName(t);
        if (d) names.add(d);
      } else if (t.kind === 'Subscript' && t.value.kind === 'Name') names.add(t.value.id);
    };
    const visit = (body: readonly ast.Stmt[], bodyBase: number): void => {
      for (const st of body) {
        switch (st.kind) {
          case 'Assign':
            st.targets.forEach(addTarget);
            break;
          case 'AugAssign':
          case 'AnnAssign':
            addTarget(st.target);
            break;
          case 'Import':
            for (const a of st.names) names.add(a.asname ?? a.name.split('.')[0]!);
            break;
          case 'ImportFrom':
            if (st.names !== '*') for (const a of st.names) names.add(a.asname ?? a.name);
            break;
          case 'Expr':
            // In-place methods (`x.squeeze_(1)`, `rows.append(r)`) change the receiver.
            if (st.value.kind === 'Call' && st.value.func.kind === 'Attribute' && MUTATORS.test(st.value.func.attr)) {
              addTarget(st.value.func.value);
            }
            break;
          case 'Skipped':
            if (st.reason === 'compound' && this.depth < MAX_BLOCK_DEPTH) {
              this.depth++;
              try {
                for (const c of this.clausesOf(st, bodyBase)) {
                  if (c.keyword === 'def' || c.keyword === 'class') {
                    const name = c.header[c.header[0]?.text === 'async' ? 2 : 1];
                    if (name && name.kind === 'name') names.add(name.text);
                    continue;
                  }
                  for (const n of boundByHeader(c.keyword, c.header)) names.add(n);
                  visit(c.body, c.base);
                }
              } finally {
                this.depth--;
              }
            }
            break;
        }
      }
    };
    visit([stmt], base);
    return names;
  }

  private skipNote(stmt: ast.Skipped, what: string): void {
    const lines =
      stmt.range.line === stmt.range.endLine
        ? `line ${stmt.range.line}`
        : `lines ${stmt.range.line}–${stmt.range.endLine}`;
    this.diagnostics.push({
      ...stmt.range,
      severity: 'info',
      code: 'snippet/skipped',
      message: `Skipped ${what} (${lines}).`,
      explanation:
        'Loss Lens evaluates straight-line code: assignments, expressions and imports. Blocks (def, class, for, if, with, ...) and statements such as return or del are not run.',
      hint: 'Select the statements inside the block to evaluate them.',
      data: { keyword: stmt.keyword ?? '', line: stmt.range.line, endLine: stmt.range.endLine },
    });
  }

  /** `return expr` / `yield expr`: the expression is evaluated (a loss call is often returned). */
  private evalTextAfterKeyword(stmt: ast.Skipped, base: number): void {
    const start = base + stmt.span.start + stmt.keyword!.length;
    const end = base + stmt.span.end;
    const text = this.source.text.slice(start, end);
    if (text.trim() === '') return;
    const origin = this.positionAt(start);
    try {
      this.eval(parseExpression(text, { origin }));
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
    }
  }

  /** The document position of an offset in the source text. */
  private positionAt(offset: number): Origin {
    return this.source.positionAt(offset);
  }

  /**
   * Splits a compound statement into its clauses (`if`/`elif`/`else`, `try`/`except`/`finally`, ...): each header is
   * tokenized alone and each body parsed once, so nested blocks cost one more parse of their own text only.
   */
  private clausesOf(stmt: ast.Skipped, base: number): Clause[] {
    const text = this.source.text;
    const start = base + stmt.span.start;
    const end = base + stmt.span.end;
    const header = scanHeader(text, start, end);
    if (!header) return [];
    const headerTokens = tokenize(text.slice(header.start, header.colon), {
      origin: this.positionAt(header.start),
    }).tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');
    const first = headerTokens[0];
    if (!first) return [];
    const keyword = first.text === 'async' ? (headerTokens[1]?.text ?? 'async') : first.text;
    if (header.bodyStart >= end) return [{ keyword, header: headerTokens, body: [], base: header.bodyStart }];
    const body = parseModule(text.slice(header.bodyStart, end), { origin: this.positionAt(header.bodyStart) }).body;
    // The clauses after this one (`else:`...) parse as compound statements at the end of the body.
    const next = body.findIndex(
      (b) => b.kind === 'Skipped' && b.reason === 'compound' && CONTINUATIONS.has(b.keyword ?? ''),
    );
    const own = next < 0 ? body : body.slice(0, next);
    const clauses: Clause[] = [{ keyword, header: headerTokens, body: own, base: header.bodyStart }];
    if (next >= 0) clauses.push(...this.clausesOf(body[next] as ast.Skipped, header.bodyStart));
    return clauses;
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Expressions

  private lookup(name: string): Value {
    const v = this.env.get(name);
    if (v) return v;
    const conventional = CONVENTIONAL.get(name);
    if (conventional) return conventional;
    if (BUILTINS.has(name)) return { kind: 'ref', path: `builtins.${name}` };
    for (const module of this.starImports) {
      const path = `${module}.${name}`;
      if (apiFunction(path) || constantAt(path) || (module === 'torch.nn.functional' && lossByFunctional(name)))
        return { kind: 'ref', path };
    }
    return UNKNOWN;
  }

  /** Evaluates an expression. Never throws for user input. */
  eval(e: ast.Expr): Value {
    switch (e.kind) {
      case 'Number':
        if (e.isImaginary) return UNKNOWN;
        if (e.isFloat) return float(e.value);
        return { kind: 'scalar', value: e.big !== undefined ? pyInt(e.big) : pyInt(e.value) };
      case 'String':
        return e.isBytes || e.isFString ? UNKNOWN : { kind: 'str', value: e.value };
      case 'Constant':
        return e.value === null ? NONE : bool(e.value);
      case 'Name':
        return this.lookup(e.id);
      case 'Attribute': {
        const dotted = ast.dottedName(e);
        if (dotted && this.env.has(dotted)) return this.env.get(dotted)!;
        return this.attribute(this.eval(e.value), e.attr);
      }
      case 'Call':
        return this.call(e);
      case 'Subscript':
        return this.subscript(e);
      case 'List':
      case 'Tuple':
      case 'Set': {
        const items: Value[] = [];
        let unknown = false;
        for (const elt of e.elts) {
          if (elt.kind === 'Starred') {
            const v = this.eval(elt.value);
            if (v.kind === 'seq') items.push(...v.items);
            else unknown = true;
          } else {
            items.push(this.eval(elt));
          }
        }
        if (unknown || e.kind === 'Set') return UNKNOWN;
        return { kind: 'seq', items, tuple: e.kind === 'Tuple' };
      }
      case 'Dict':
        e.keys.forEach((k) => k && this.eval(k));
        for (const v of e.values) this.eval(v);
        return UNKNOWN;
      case 'UnaryOp': {
        const v = this.eval(e.operand);
        if (e.op === 'not') {
          const t = truthiness(v);
          return t === undefined ? UNKNOWN : bool(!t);
        }
        if (e.op === 'await') return UNKNOWN;
        if (isKnownScalar(v)) {
          try {
            return { kind: 'scalar', value: pyUnaryOp(e.op, v.value, e.range) };
          } catch {
            return UNKNOWN;
          }
        }
        if (v.kind === 'tensor') return ops.unaryTensorOp(this.limits, e.op, v);
        return UNKNOWN;
      }
      case 'BinOp':
        return this.binary(e.op, this.eval(e.left), this.eval(e.right));
      case 'BoolOp': {
        const values = e.values.map((v) => this.eval(v));
        for (let i = 0; i < values.length; i++) {
          const t = truthiness(values[i]!);
          if (t === undefined) return UNKNOWN;
          if ((e.op === 'and' && !t) || (e.op === 'or' && t) || i === values.length - 1) return values[i]!;
        }
        return UNKNOWN;
      }
      case 'Compare':
        return this.compare(e);
      case 'IfExp': {
        const t = truthiness(this.eval(e.test));
        if (t === undefined) return UNKNOWN;
        return this.eval(t ? e.body : e.orelse);
      }
      case 'NamedExpr': {
        const v = this.eval(e.value);
        this.bind(e.target.id, v, e.target.range);
        return v;
      }
      default:
        return UNKNOWN;
    }
  }

  private binary(op: string, a: Value, b: Value): Value {
    if (isKnownScalar(a) && isKnownScalar(b)) {
      try {
        return {
          kind: 'scalar',
          value: pyBinaryOp(op, a.value, b.value, { line: 1, column: 1, endLine: 1, endColumn: 1 }),
        };
      } catch {
        return UNKNOWN;
      }
    }
    if ((a.kind === 'tensor' || a.kind === 'scalar') && (b.kind === 'tensor' || b.kind === 'scalar')) {
      return ops.binaryTensorOp(this.limits, op, a, b);
    }
    if (a.kind === 'seq' && b.kind === 'seq' && op === '+' && a.tuple === b.tuple)
      return { kind: 'seq', items: [...a.items, ...b.items], tuple: a.tuple };
    if (a.kind === 'str' && b.kind === 'str' && op === '+') return { kind: 'str', value: a.value + b.value };
    if (a.kind === 'seq' && op === '*' && b.kind === 'scalar' && b.value.kind === 'int') {
      const n = Math.max(0, b.value.value);
      if (n * a.items.length > 100_000) return UNKNOWN;
      return { kind: 'seq', items: Array.from({ length: n }, () => a.items).flat(), tuple: a.tuple };
    }
    return UNKNOWN;
  }

  private compare(e: ast.Compare): Value {
    const operands = [this.eval(e.left), ...e.comparators.map((c) => this.eval(c))];
    if (e.ops.length === 1 && (operands[0]!.kind === 'tensor' || operands[1]!.kind === 'tensor')) {
      const [a, b] = operands as [Value, Value];
      if (
        (a.kind === 'tensor' || a.kind === 'scalar') &&
        (b.kind === 'tensor' || b.kind === 'scalar') &&
        !['in', 'not in', 'is', 'is not'].includes(e.ops[0]!)
      ) {
        return ops.binaryTensorOp(this.limits, e.ops[0]!, a, b);
      }
      return UNKNOWN;
    }
    let result = true;
    for (let i = 0; i < e.ops.length; i++) {
      const a = operands[i]!;
      const b = operands[i + 1]!;
      const op = e.ops[i]!;
      if (a.kind === 'none' || b.kind === 'none') {
        if (op === 'is' || op === '==') result = result && a.kind === b.kind;
        else if (op === 'is not' || op === '!=') result = result && a.kind !== b.kind;
        else return UNKNOWN;
        continue;
      }
      if (a.kind === 'str' && b.kind === 'str' && (op === '==' || op === '!=')) {
        result = result && (op === '==') === (a.value === b.value);
        continue;
      }
      if (!isKnownScalar(a) || !isKnownScalar(b) || op === 'in' || op === 'not in') return UNKNOWN;
      try {
        result = result && pyCompare(op, a.value, b.value, e.range);
      } catch {
        return UNKNOWN;
      }
    }
    return bool(result);
  }

  private attribute(base: Value, attr: string): Value {
    switch (base.kind) {
      case 'ref': {
        const path = canonical(`${base.path}.${attr}`);
        return constantAt(path) ?? { kind: 'ref', path };
      }
      case 'tensor':
        return tensorAttribute(this.limits, base, attr) ?? { kind: 'method', self: base, name: attr };
      case 'module': {
        const a = moduleAttribute(base.module, attr);
        return a.kind !== 'unknown' ? a : { kind: 'method', self: base, name: attr };
      }
      case 'seq':
        if (base.names?.includes(attr)) return base.items[base.names.indexOf(attr)] ?? UNKNOWN;
        return { kind: 'method', self: base, name: attr };
      case 'scalar':
      case 'str':
        return { kind: 'method', self: base, name: attr };
      default:
        return UNKNOWN;
    }
  }

  private subscript(e: ast.Subscript): Value {
    const base = this.eval(e.value);
    const indexNodes = e.index.kind === 'Tuple' ? e.index.elts : [e.index];
    if (base.kind === 'tensor') {
      const items: IndexItem[] = [];
      for (const node of indexNodes) {
        const item = this.indexItem(node);
        if (!item) return base.shape ? UNKNOWN : shaped(undefined, base.dtype);
        items.push(item);
      }
      return indexTensor(this.limits, base, items);
    }
    const index = indexNodes.length === 1 && e.index.kind !== 'Tuple' ? e.index : undefined;
    if (base.kind === 'seq' && index) {
      if (index.kind === 'Slice') {
        const bound = (x?: ast.Expr): number | undefined | null => {
          if (!x) return undefined;
          const v = this.eval(x);
          if (v.kind === 'none') return undefined;
          return v.kind === 'scalar' && v.value.kind !== 'float' ? v.value.value : null;
        };
        const [lo, hi, step] = [bound(index.lower), bound(index.upper), bound(index.step)];
        if (lo === null || hi === null || step === null || (step !== undefined && step !== 1)) return UNKNOWN;
        const n = base.items.length;
        const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
        return {
          kind: 'seq',
          items: base.items.slice(lo === undefined ? 0 : clamp(lo), hi === undefined ? n : clamp(hi)),
          tuple: base.tuple,
        };
      }
      const v = this.eval(index);
      if (v.kind === 'scalar' && v.value.kind !== 'float') {
        const i = v.value.value < 0 ? v.value.value + base.items.length : v.value.value;
        return base.items[i] ?? UNKNOWN;
      }
      return UNKNOWN;
    }
    this.eval(e.index);
    return UNKNOWN;
  }

  /** One index item; undefined when it is not understood. */
  private indexItem(node: ast.Expr): IndexItem | undefined {
    if (node.kind === 'Ellipsis') return { kind: 'ellipsis' };
    if (node.kind === 'Slice') {
      const bound = (x?: ast.Expr): number | null | undefined => {
        if (!x) return undefined;
        const v = this.eval(x);
        if (v.kind === 'none') return undefined;
        if (v.kind === 'scalar' && v.value.kind !== 'float') return v.value.value;
        return null;
      };
      return { kind: 'slice', start: bound(node.lower), stop: bound(node.upper), step: bound(node.step) };
    }
    const v = this.eval(node);
    switch (v.kind) {
      case 'none':
        return { kind: 'none' };
      case 'scalar':
        return v.value.kind === 'int' ? { kind: 'int', value: v.value.value } : undefined;
      case 'tensor':
        if (!v.dtype || (v.dtype !== 'bool' && v.dtype !== 'uint8' && v.dtype !== 'int64' && v.dtype !== 'int32'))
          return undefined;
        if (v.shape?.length === 0 && v.dtype !== 'bool' && v.dtype !== 'uint8')
          return { kind: 'int', value: v.data ? v.data.data[0]! : null };
        return { kind: 'tensor', value: v };
      case 'seq': {
        const leaves = v.items.map((i) => (i.kind === 'scalar' ? i.value : undefined));
        if (leaves.some((l) => l === undefined || l.kind === 'float')) return undefined;
        try {
          const t = listToTensor(leaves as PyScalar[]);
          return { kind: 'tensor', value: { kind: 'tensor', shape: t.shape, dtype: t.dtype, data: t } };
        } catch {
          return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Calls

  private args(call: ast.Call): CallArgs {
    const positional: Arg[] = [];
    const keywords = new Map<string, Arg>();
    let dynamic = false;
    for (const a of call.args) {
      if (a.kind === 'Starred') {
        this.eval(a.value);
        dynamic = true;
      } else {
        positional.push({ value: this.eval(a), node: a });
      }
    }
    for (const k of call.keywords) {
      const value = this.eval(k.value);
      if (k.name === undefined) dynamic = true;
      else keywords.set(k.name, { value, node: k.value });
    }
    return { positional, keywords, dynamic };
  }

  /**
   * A tensor as PyTorch or NumPy prints it (`tensor([...])`, `array([...], dtype=float32)`), pasted into a snippet
   * where no variable of that name exists: read by the tensor reader, so a printout cut with `...` gets the reader's
   * error (how to print it whole) instead of becoming an unknown value.
   */
  private printedTensor(call: ast.Call): Value | undefined {
    if (
      call.func.kind !== 'Name' ||
      (call.func.id !== 'tensor' && call.func.id !== 'array') ||
      this.env.has(call.func.id)
    )
      return undefined;
    try {
      return known(
        readTensor(this.source.slice(call.range), { origin: { line: call.range.line, column: call.range.column } })
          .tensor,
      );
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      this.diagnostics.push(e.diagnostic);
      return UNKNOWN;
    }
  }

  private call(call: ast.Call): Value {
    const printed = this.printedTensor(call);
    if (printed) return printed;
    const fn = this.eval(call.func);
    const args = this.args(call);
    this.invalidateMutated(fn, call);
    const nameRange = call.func.kind === 'Attribute' ? call.func.attrRange : call.func.range;
    const api: ApiCall = {
      limits: this.limits,
      args,
      call,
      name: this.source.slice(call.func.range),
      nameRange,
      report: (d) => this.diagnostics.push(d),
    };
    switch (fn.kind) {
      case 'ref': {
        const path = fn.path;
        if (path.startsWith('torch.nn.functional.')) {
          const loss = lossByFunctional(path.slice('torch.nn.functional.'.length));
          if (loss) return this.lossCall({ loss, style: 'functional', call, nameRange, args });
        }
        const libraryLoss = lossByLibraryPath(path);
        if (libraryLoss) return this.lossCall({ loss: libraryLoss, style: 'functional', call, nameRange, args });
        const f = apiFunction(path);
        return f ? f(api) : UNKNOWN;
      }
      case 'method':
        return this.callMethod(fn.self, fn.name, api, call);
      case 'module':
        return this.callModuleValue(fn.module, api, call, args);
      default:
        return UNKNOWN;
    }
  }

  /**
   * Functions that write into their arguments: `nn.init.normal_(w)` (the trailing underscore) and `out=` keywords.
   * The written tensors keep their shape, their values become unknown.
   */
  private invalidateMutated(fn: Value, call: ast.Call): void {
    const forget = (node: ast.Expr): void => {
      const name = ast.dottedName(node);
      if (!name) return;
      const v = this.lookup(name);
      if (v.kind === 'tensor') this.bind(name, shaped(v.shape, v.dtype, { numpy: v.numpy }));
    };
    if (fn.kind === 'ref' && fn.path.endsWith('_')) for (const a of call.args) forget(a);
    for (const k of call.keywords) if (k.name === 'out') forget(k.value);
  }

  private callModuleValue(module: ModuleSpec, api: ApiCall, call: ast.Call, args: CallArgs): Value {
    if (module.type === 'loss') {
      const ctorFunc = module.ctor.func;
      const nameRange = ctorFunc.kind === 'Attribute' ? ctorFunc.attrRange : ctorFunc.range;
      const loss = lossByFunctional(module.fn)!;
      return this.lossCall({ loss, style: 'module', call, nameRange, module, args });
    }
    return callModule(module, api);
  }

  private callMethod(self: Value, name: string, api: ApiCall, call: ast.Call): Value {
    switch (self.kind) {
      case 'tensor': {
        const receiver = call.func.kind === 'Attribute' ? call.func.value : undefined;
        if (name.endsWith('_') && !NON_MUTATING.has(name)) {
          // In place: the receiver becomes the result (of the out-of-place method, when it is modelled).
          const result = tensorMethod(self, name.slice(0, -1), api, receiver);
          const name0 = receiver ? ast.dottedName(receiver) : undefined;
          // Unmodelled in-place ops (fill_, normal_, masked_fill_...) keep the shape; resize_ does not.
          const after =
            result.kind === 'tensor' ? result : shaped(name.startsWith('resize') ? undefined : self.shape, self.dtype);
          if (name0) this.bind(name0, after);
          return after;
        }
        return tensorMethod(self, name, api, receiver);
      }
      case 'module':
        if (name === 'forward') return this.callModuleValue(self.module, api, call, api.args);
        if (['to', 'cuda', 'cpu', 'eval', 'train', 'float', 'double', 'requires_grad_'].includes(name)) return self;
        return UNKNOWN;
      case 'seq':
        if (name === 'append' && call.func.kind === 'Attribute' && call.func.value.kind === 'Name' && !self.tuple) {
          const item = api.args.positional[0]?.value ?? UNKNOWN;
          this.bind(call.func.value.id, { kind: 'seq', items: [...self.items, item], tuple: false });
          return NONE;
        }
        if (MUTATORS.test(name) && call.func.kind === 'Attribute') {
          const receiver = ast.dottedName(call.func.value);
          if (receiver) this.bind(receiver, UNKNOWN);
        }
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private lossCall(spec: LossCallSpec): Value {
    const { record, value } = evaluateLossCall(this, spec);
    this.calls.push(record);
    return value;
  }

  /** Applies a loss to two tensors (`--loss NAME` on a snippet without a loss call). */
  applyLoss(spec: LossCallSpec): SnippetCall {
    const { record } = evaluateLossCall(this, spec);
    this.calls.push(record);
    return record;
  }
}

/** Clause keywords that continue the compound statement above them. */
const CONTINUATIONS = new Set(['elif', 'else', 'except', 'finally']);

/** One clause of a compound statement: its header tokens (up to the colon) and its body. */
interface Clause {
  readonly keyword: string;
  readonly header: readonly Token[];
  readonly body: readonly ast.Stmt[];
  /** Offset in the source of the text the body was parsed from. */
  readonly base: number;
}

/**
 * Finds the header of a compound statement starting at `from` (decorator lines skipped): where the header starts, its
 * colon (outside brackets, strings and lambdas), and where the body starts (after the colon on the same line, or the
 * next line). A character scan, so that a block is not tokenized twice.
 */
function scanHeader(
  text: string,
  from: number,
  end: number,
): { start: number; colon: number; bodyStart: number } | undefined {
  let start = from;
  let depth = 0;
  let lambdas = 0;
  let i = from;
  const skipString = (at: number): number => {
    const quote = text[at]!;
    const triple = text.startsWith(quote.repeat(3), at);
    const close = triple ? quote.repeat(3) : quote;
    let j = at + close.length;
    while (j < end) {
      if (text[j] === '\\') j += 2;
      else if (text.startsWith(close, j)) return j + close.length;
      else if (!triple && (text[j] === '\n' || text[j] === '\r')) return j;
      else j++;
    }
    return end;
  };
  while (i < end) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '#') {
      while (i < end && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    } else if (c === '\\') {
      i += 2;
      continue;
    } else if (c === '"' || c === "'") {
      i = skipString(i);
      continue;
    } else if ((c === '\n' || c === '\r') && depth === 0) {
      // A decorator line: the header is on a later line.
      if (text[start] === '@') {
        i++;
        while (i < end && /\s/.test(text[i]!)) i++;
        start = i;
        continue;
      }
      return undefined;
    } else if (c === ':' && depth === 0 && text[i + 1] !== '=') {
      if (lambdas > 0) lambdas--;
      else {
        let j = i + 1;
        while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
        if (j >= end || text[j] === '#' || text[j] === '\n' || text[j] === '\r') {
          while (j < end && text[j] !== '\n' && text[j] !== '\r') j++;
          if (text[j] === '\r' && text[j + 1] === '\n') j++;
          return { start, colon: i, bodyStart: Math.min(end, j + 1) };
        }
        return { start, colon: i, bodyStart: j };
      }
    } else if (/[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z0-9_]/.test(text[i - 1]!))) {
      let j = i;
      while (j < end && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      if (depth === 0 && text.slice(i, j) === 'lambda') lambdas++;
      i = j;
      continue;
    }
    i++;
  }
  return undefined;
}

/** Names a clause header binds: def parameters, for targets, `with ... as x`, `except E as e`. */
function boundByHeader(keyword: string, header: readonly Token[]): string[] {
  const names: string[] = [];
  if (keyword === 'def') {
    const open = header.findIndex((t) => t.text === '(');
    let depth = 0;
    let expectName = true;
    for (let i = open + 1; i < header.length && open >= 0; i++) {
      const t = header[i]!;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && t.text === ',') expectName = true;
      else if (depth === 0 && expectName && t.kind === 'name') {
        names.push(t.text);
        expectName = false;
      } else if (depth === 0 && t.text !== '*' && t.text !== '**' && t.text !== '/') expectName = false;
    }
    return names;
  }
  if (keyword === 'for') {
    const inIndex = header.findIndex((t) => t.kind === 'name' && t.text === 'in');
    for (const t of header.slice(1, inIndex < 0 ? header.length : inIndex)) if (t.kind === 'name') names.push(t.text);
    return names;
  }
  if (keyword === 'with' || keyword === 'except') {
    header.forEach((t, i) => {
      if (t.kind === 'name' && t.text === 'as') {
        const next = header[i + 1];
        if (next && next.kind === 'name') names.push(next.text);
        if (next && next.text === '(') {
          for (let j = i + 2; j < header.length && header[j]!.text !== ')'; j++)
            if (header[j]!.kind === 'name') names.push(header[j]!.text);
        }
      }
    });
  }
  return names;
}

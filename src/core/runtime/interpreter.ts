/**
 * The whole-program evaluator: a small tree-walking interpreter over {@link ast.Program} with Python's scoping
 * (module, function and class scopes, closures, `global`/`nonlocal`), functions and classes, control flow,
 * exceptions, comprehensions and an explicit step budget. Tensors and NumPy arrays come from the tensor library
 * (`core/torch`), built-in functions from `builtins.ts`, the torch and NumPy namespaces from `torch-bridge.ts`.
 *
 * Every loop iteration, statement and call costs a step; over the budget the run stops with a located error that
 * names the line and the count, the same on every machine.
 */
import type { SourceRange } from '../diagnostics';
import * as ast from '../python/ast';
import { DICT_VIEWS } from '../torch/args';
import { parseExpression } from '../python/parser';
import { TorchTensor } from '../torch/tensor';
import { shapesEqual } from '../torch/symbolic/dim';
import { SymTensor } from '../torch/symbolic/tensor';
import {
  BudgetStop,
  CANCEL_POLL_STEPS,
  Cancelled,
  EXCEPTIONS,
  NotModelledStop,
  PyException,
  pyError,
  type RunControl,
} from './errors';
import {
  ELLIPSIS,
  PyBoundMethod,
  PyBuiltin,
  PyClass,
  PyDict,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyNamespace,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  hashKey,
  isOpaque,
  isTensorValue,
  PyUnknown,
  typeName,
  type CallArguments,
  type CallSite,
  type PyValue,
} from './values';

/** Limits and choices of one run. */
export interface RuntimeLimits {
  /** Statements, loop iterations and calls the run may take. */
  readonly maxSteps: number;
  /** The largest tensor, list or string (in elements) the run may build. */
  readonly maxElements: number;
  /** Python's recursion limit. */
  readonly maxDepth: number;
}

/** The default limits: generous for tutorials, small enough to answer in well under a second on a slow machine. */
export const DEFAULT_LIMITS: RuntimeLimits = { maxSteps: 2_000_000, maxElements: 2_000_000, maxDepth: 200 };

/** A parameter list's layout, for binding a call's arguments. */
interface ParamLayout {
  /** The parameters a positional argument can fill, in order. */
  readonly positional: readonly ast.Param[];
  /** The parameters a keyword can name (positional-or-keyword and keyword-only), in order. */
  readonly named: readonly ast.Param[];
  /** Each nameable parameter's index in `positional` (-1 for a keyword-only one). */
  readonly position: ReadonlyMap<string, number>;
  readonly vararg: ast.Param | undefined;
  readonly kwarg: ast.Param | undefined;
}

/** Control flow out of a block. */
type Completion = undefined | { readonly kind: 'return'; readonly value: PyValue } | 'break' | 'continue';

/** A variable scope. */
export class Scope {
  readonly vars = new Map<string, PyValue>();
  /** For function scopes: the super() context. */
  owner?: PyClass;
  selfValue?: PyValue;
  constructor(
    readonly kind: 'module' | 'function' | 'class',
    readonly parent: Scope | undefined,
    /** Names local to a function scope (assigned anywhere in its body). */
    readonly locals?: ReadonlySet<string>,
    readonly globalNames?: ReadonlySet<string>,
    readonly nonlocalNames?: ReadonlySet<string>,
  ) {
    this.root = parent?.root ?? this;
  }
  /** The module scope this scope is in: its globals (an imported module has its own). */
  readonly root: Scope;
}

/**
 * Imports of the program's own modules (`from model import Net`), run by ./imports.ts; the host's importModule
 * answers the others (torch, numpy, third-party).
 */
export interface ModuleImporter {
  /** The module `name` (with `level` leading dots) imported from `scope`'s module; undefined when not one of the program's own. */
  load(name: string, level: number, scope: Scope, range: SourceRange): PyValue | undefined;
  /** Where the run is when inside an imported module: its file, and the statement of the checked file that led there. */
  place(module: Scope, mainStatement: SourceRange | undefined): ModulePlace | undefined;
}

/** A record made inside an imported module (see {@link ModuleImporter.place}). */
export interface ModulePlace {
  readonly file: string;
  /** The checked file's statement that called into the module; absent while the module itself is being imported. */
  readonly via?: SourceRange;
}

/** What the host of the interpreter supplies: builtins, printing, the torch bridge. */
export interface RuntimeHost {
  /** The builtins scope (`print`, `len`, exceptions, ...). */
  readonly builtins: ReadonlyMap<string, PyValue>;
  /** `import name` → the module object (or a NotModelledStop / ModuleNotFoundError). */
  importModule(path: string, range: SourceRange): PyValue;
  /**
   * A conventional name used without its import (`torch`, `nn`, `F`, `np`, `math`): tutorials show only the lines
   * that matter, so the import is assumed (and said so); undefined for any other name.
   */
  assumedImport?(name: string): PyValue | undefined;
  /**
   * Shape mode: the value a shape comment after a statement gives its target (`logits = model(x)  # [B, C]`),
   * taken when the statement's value is unknown; undefined when there is no such comment.
   */
  commentValue?(range: SourceRange): PyValue | undefined;
  /** `str(v)`. */
  str(v: PyValue): string;
  /** `repr(v)`. */
  repr(v: PyValue): string;
  /** `format(v, spec)`. */
  format(v: PyValue, spec: string): string;
  /** Attribute of a value the interpreter itself does not handle (tensors, namespaces, built-in types). */
  attribute(obj: PyValue, name: string, site: SourceRange): PyValue | undefined;
  /** Binary operators on values the interpreter does not handle itself (tensors). */
  binary(op: string, a: PyValue, b: PyValue, range: SourceRange): PyValue | undefined;
  /** Unary operators on tensors. */
  unary(op: string, v: PyValue, range: SourceRange): PyValue | undefined;
  /** Subscript of a tensor. */
  getItem(obj: PyValue, index: PyValue, range: SourceRange): PyValue | undefined;
  /** Item assignment into a tensor. */
  setItem(obj: PyValue, index: PyValue, value: PyValue, range: SourceRange): boolean;
  /** Truthiness of a tensor; iteration over a tensor; len of a tensor. */
  tensorTruth(t: TorchTensor): boolean;
  tensorRows(t: TorchTensor): PyValue[];
  /**
   * Called after a call of a function (or `nn.Module`) written in the program returned; `rerun` calls it again
   * with other positional arguments (the same keywords).
   */
  onUserCall?(
    name: string,
    args: readonly PyValue[],
    self: PyValue | undefined,
    result: PyValue,
    site: CallSite,
    rerun?: (args: PyValue[]) => PyValue,
  ): void;
  /** Called when a statement starts (loss calls are attributed to it). */
  onStatement?(stmt: ast.ProgramStmt): void;
  /** Calls a value the interpreter does not know how to call (NumPy scalar types, ...); undefined if not callable. */
  callOther?(fn: PyValue, args: CallArguments, site: CallSite): PyValue | undefined;
  /** A context manager the host knows (`torch.no_grad()`): enter/exit. */
  enterContext?(v: PyValue): (() => void) | undefined;
}

/** Shape mode: a condition whose truth the program cannot know (both branches run). */
export class UnknownCondition extends Error {}

/** Integer literals up to this value share one bigint each (a literal is evaluated every time its line runs). */
const MAX_SMALL_INT = 1024;
const SMALL_INTS: readonly bigint[] = Array.from({ length: MAX_SMALL_INT + 1 }, (_, i) => BigInt(i));
/** The keyword map of every call written without keywords (read-only for every callee). */
const NO_KEYWORDS: ReadonlyMap<string, PyValue> = new Map();
const BREAK = 'break' as const;
const CONTINUE = 'continue' as const;

/** The evaluator. One per run. */
/*
 * What the interpreter works out once per syntax-tree node: each depends on the node alone, so it is kept with the
 * node, across runs (the snippet worker's ProgramCache hands the same nodes to the next check).
 */
/** A function's, lambda's or class body's local, global and nonlocal names. */
const localsCache = new WeakMap<object, { locals: Set<string>; globals: Set<string>; nonlocals: Set<string> }>();
/** An f-string's literal text and fields. */
const fstringCache = new WeakMap<ast.StringLiteral, FStringPart[]>();
/** Whether a `for` loop builds something (see `isStructuralLoop`). */
const structuralLoops = new WeakMap<ast.For, boolean>();
/** Each parameter list's layout (a function is called many times). */
const layouts = new WeakMap<readonly ast.Param[], ParamLayout>();

export class Interpreter {
  steps = 0;
  depth = 0;
  /** The statement being executed (innermost), for locating errors. */
  current: SourceRange | undefined;
  /** The loops running, innermost last: their line and iteration, for loss-call records and budget errors. */
  readonly loops: { line: number; iteration: number }[] = [];
  readonly globals: Scope = new Scope('module', undefined);
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /**
   * Shape mode: values may be unknown or symbolic; a statement that fails on them leaves its targets unknown and
   * the run goes on; both branches of an unknown `if` run and their names are joined; loops run their body once.
   */
  shapeMode = false;
  /** The functions the run called (shape mode runs the others with their parameters unknown). */
  readonly called = new Set<PyFunction>();
  /** Shape mode: the statements that stopped, with what stopped them (the run went on past each). */
  readonly shapeStops: { range: SourceRange; error: unknown }[] = [];
  /** The program's own modules, when the caller can find them (see ./imports.ts). */
  importer?: ModuleImporter;
  /** The module whose statement is running (the program's own globals, or an imported module's). */
  module: Scope = this.globals;
  /** The innermost statement of the program's own file that is running (calls into imported modules start there). */
  mainStatement: SourceRange | undefined;

  constructor(
    readonly host: RuntimeHost,
    readonly limits: RuntimeLimits,
    /** How the caller may stop the run early (see {@link RunControl}). */
    readonly control: RunControl = {},
  ) {
    this.globals.vars.set('__name__', '__main__');
  }

  /** Set when the run is inside an imported module: which, and the program's statement that led there. */
  place(): { readonly inModule?: ModulePlace } {
    if (this.module === this.globals || !this.importer) return {};
    const inModule = this.importer.place(this.module, this.mainStatement);
    return inModule ? { inModule } : {};
  }

  /** Where the run is: the statement being executed (the program's start before the first). */
  here(): SourceRange {
    return this.current ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  }

  /** A stable small integer identity for an object (dict keys, `id()`). */
  identity(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** Counts one step; stops the run past the budget. */
  step(): void {
    // Once cancelled, every later poll throws again: a catch-all on the way out cannot resume the run for long.
    if ((this.steps & (CANCEL_POLL_STEPS - 1)) === 0 && this.control.cancelled?.()) throw new Cancelled();
    if (++this.steps > this.limits.maxSteps) {
      const loop = this.loops[this.loops.length - 1];
      const where = this.current;
      throw new BudgetStop(
        loop
          ? `Stopped after ${this.limits.maxSteps.toLocaleString('en-US')} steps: the loop at line ${loop.line} was still running (iteration ${loop.iteration + 1}).`
          : `Stopped after ${this.limits.maxSteps.toLocaleString('en-US')} steps.`,
        where,
        { steps: this.limits.maxSteps, line: loop?.line ?? where?.line ?? 0, iteration: (loop?.iteration ?? -1) + 1 },
      );
    }
  }

  /** Refuses to build a container or string of more than the element budget. */
  checkSize(n: number | bigint, what: string): void {
    if (Number(n) > this.limits.maxElements) {
      throw new BudgetStop(
        `Not built: ${what} of ${Number(n).toLocaleString('en-US')} elements is over Loss Lens's limit of ${this.limits.maxElements.toLocaleString('en-US')}.`,
        this.current,
        { elements: Number(n), limit: this.limits.maxElements },
      );
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Statements

  /** A while loop's test; in shape mode an unknown test runs the body once, and no loop runs twice. */
  private whileTest(stmt: ast.While, scope: Scope, iteration: number): boolean {
    if (this.shapeMode && iteration > 0) return false;
    try {
      return this.truthy(this.eval(stmt.test, scope), stmt.test.range);
    } catch (e) {
      if (this.shapeMode && e instanceof UnknownCondition) return true;
      throw e;
    }
  }

  /** Loops whose iterable shape mode walks item by item, as Python does (a DataLoader's distinct batch sizes). */
  readonly walkEveryItem = new WeakSet<object>();

  /**
   * Shape mode: how many iterations of a `for` loop to run. A training loop (one that calls `backward`/`step`/
   * `zero_grad`, or nests a loop that is not a building loop) runs once; a building loop over a list, range or zip
   * (nested building loops included) runs up to
   * {@link STRUCTURAL_LOOP_ITERATIONS} times, since what it builds (a list of blocks, a channel count carried to
   * the next block) is the model's structure.
   */
  private shapeModeIterations(stmt: ast.For, iterable: PyValue): number {
    if (typeof iterable === 'object' && iterable !== null && this.walkEveryItem.has(iterable)) return Infinity;
    if (isOpaque(iterable)) return 1;
    return this.structural(stmt) ? STRUCTURAL_LOOP_ITERATIONS : 1;
  }

  /** Whether a `for` loop builds something (see {@link isStructuralLoop}), cached per loop. */
  private structural(stmt: ast.For): boolean {
    let structural = structuralLoops.get(stmt);
    if (structural === undefined) {
      structural = isStructuralLoop(stmt.body);
      structuralLoops.set(stmt, structural);
    }
    return structural;
  }

  /** Shape mode: after a building loop cut short, the names it assigns and the lists it grows become unknown. */
  private forgetLoopState(stmt: ast.For, scope: Scope): void {
    const why = `after the loop on line ${stmt.range.line}, which the check ran only in part`;
    const { names, grown } = loopEffects(stmt.body);
    for (const name of names) if (scope.vars.has(name)) scope.vars.set(name, new PyUnknown(`'${name}' ${why}`));
    for (const target of grown) {
      try {
        if (target.kind === 'Name') {
          if (scope.vars.has(target.id)) scope.vars.set(target.id, new PyUnknown(`'${target.id}' ${why}`));
        } else if (target.kind === 'Attribute' && target.value.kind === 'Name') {
          const obj = this.lookup(target.value.id, scope, target.range);
          if (obj instanceof PyInstance) obj.attrs.set(target.attr, new PyUnknown(`'${target.attr}' ${why}`));
        }
      } catch {
        // A name the loop never bound: nothing to forget.
      }
    }
  }

  /** Runs a module body. */
  runModule(body: readonly ast.ProgramStmt[]): void {
    this.execBlock(body, this.globals);
  }

  execBlock(body: readonly ast.ProgramStmt[], scope: Scope): Completion {
    for (const stmt of body) {
      const c = this.exec(stmt, scope);
      if (c !== undefined) return c;
    }
    return undefined;
  }

  private exec(stmt: ast.ProgramStmt, scope: Scope): Completion {
    this.step();
    const saved = this.current;
    const savedModule = this.module;
    const savedMain = this.mainStatement;
    this.current = stmt.range;
    this.module = scope.root;
    if (scope.root === this.globals) this.mainStatement = stmt.range;
    this.host.onStatement?.(stmt);
    try {
      return this.execInner(stmt, scope);
    } catch (e) {
      if (e instanceof PyException && !e.range) e.range = stmt.range;
      // An exception raised for every size goes to the `try` around it, as in Python (its handler runs).
      if (e instanceof PyException && e.certain && this.tryDepth > 0) throw e;
      if (
        this.shapeMode &&
        (e instanceof PyException || e instanceof NotModelledStop || e instanceof UnknownCondition)
      ) {
        this.shapeStops.push({ range: stmt.range, error: e });
        this.forgetTargets(stmt, scope, e);
        return undefined;
      }
      if (e instanceof RangeError && /call stack/.test(e.message)) {
        const err = pyError('RecursionError', 'maximum recursion depth exceeded');
        err.range = stmt.range;
        throw err;
      }
      throw e;
    } finally {
      this.current = saved;
      this.module = savedModule;
      this.mainStatement = savedMain;
    }
  }

  /** Shape mode: the names a failed statement would have bound become unknown, with why. */
  private forgetTargets(stmt: ast.ProgramStmt, scope: Scope, e: unknown): void {
    const reason =
      e instanceof NotModelledStop
        ? e.what
        : e instanceof PyException
          ? `line ${stmt.range.line} raised ${e.value.cls.name}`
          : `line ${stmt.range.line} depends on a value Loss Lens cannot know`;
    const commented = stmt.kind === 'Assign' && singleTarget(stmt) ? this.host.commentValue?.(stmt.range) : undefined;
    const unknown = commented ?? new PyUnknown(reason);
    const forget = (t: ast.Expr): void => {
      if (t.kind === 'Name') this.assignName(t.id, unknown, scope);
      // `self.net = Sequential(*list(net.children())[:-1])` that failed must not leave the old net in place.
      else if (t.kind === 'Attribute') this.setAttr(this.eval(t.value, scope), t.attr, unknown, t.range);
      else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(forget);
      else if (t.kind === 'Starred') forget(t.value);
    };
    try {
      if (stmt.kind === 'Assign') stmt.targets.forEach(forget);
      else if (stmt.kind === 'AnnAssign' || stmt.kind === 'AugAssign') forget(stmt.target);
      else if (stmt.kind === 'For') forget(stmt.target);
    } catch {
      // A target that cannot be bound stays as it was.
    }
  }

  /** Shape mode: an `if` on an unknown condition runs both branches; names they bind differently become unknown. */
  private execBothBranches(stmt: ast.If, scope: Scope): Completion {
    const before = new Map(scope.vars);
    const first = this.execBlock(stmt.body, scope);
    const afterBody = new Map(scope.vars);
    scope.vars.clear();
    for (const [k, v] of before) scope.vars.set(k, v);
    const second = this.execBlock(stmt.orelse, scope);
    if (first !== undefined && second !== undefined) return first;
    if (second !== undefined) {
      scope.vars.clear();
      for (const [k, v] of afterBody) scope.vars.set(k, v);
      return undefined;
    }
    if (first !== undefined) return undefined;
    for (const [k, a] of afterBody) {
      const b = scope.vars.get(k);
      if (b === undefined || a === b) scope.vars.set(k, a);
      else if (!sameShapeAndDType(a, b))
        scope.vars.set(
          k,
          new PyUnknown(`'${k}' is assigned differently in the branches of the if on line ${stmt.range.line}`),
        );
    }
    return undefined;
  }

  private execInner(stmt: ast.ProgramStmt, scope: Scope): Completion {
    switch (stmt.kind) {
      case 'Expr':
        this.lastExpression = this.eval(stmt.value, scope);
        return undefined;
      case 'Assign': {
        let value = this.eval(stmt.value, scope);
        // A comment is not code: it gives a shape only where the code's own value is unknown.
        if (this.shapeMode && value instanceof PyUnknown && !value.dim && singleTarget(stmt))
          value = this.host.commentValue?.(stmt.range) ?? value;
        for (const t of stmt.targets) this.assign(t, value, scope);
        return undefined;
      }
      case 'AugAssign': {
        const op = stmt.op.slice(0, -1);
        if (stmt.target.kind === 'Name') {
          const cur = this.lookup(stmt.target.id, scope, stmt.target.range);
          const v = this.eval(stmt.value, scope);
          this.assignName(stmt.target.id, this.inplace(op, cur, v, stmt.range), scope);
        } else if (stmt.target.kind === 'Attribute') {
          const obj = this.eval(stmt.target.value, scope);
          const cur = this.getAttr(obj, stmt.target.attr, stmt.target.range);
          const v = this.eval(stmt.value, scope);
          this.setAttr(obj, stmt.target.attr, this.inplace(op, cur, v, stmt.range), stmt.target.range);
        } else if (stmt.target.kind === 'Subscript') {
          const obj = this.eval(stmt.target.value, scope);
          const index = this.evalIndex(stmt.target.index, scope);
          const cur = this.getItem(obj, index, stmt.target.range);
          const v = this.eval(stmt.value, scope);
          this.setItem(obj, index, this.inplace(op, cur, v, stmt.range), stmt.target.range);
        } else {
          throw pyError('SyntaxError', 'illegal expression for augmented assignment');
        }
        return undefined;
      }
      case 'AnnAssign':
        if (stmt.value) this.assign(stmt.target, this.eval(stmt.value, scope), scope);
        return undefined;
      case 'Import':
        for (const alias of stmt.names) {
          const mod = this.importModule(alias.name, 0, scope, alias.range);
          if (alias.asname) this.assignName(alias.asname, mod, scope);
          else {
            const top = alias.name.split('.')[0]!;
            this.assignName(top, this.importModule(top, 0, scope, alias.range), scope);
          }
        }
        return undefined;
      case 'ImportFrom': {
        const own = this.importer?.load(stmt.module, stmt.level, scope, stmt.range);
        if (stmt.level > 0 && own === undefined)
          throw new NotModelledStop(
            `relative import 'from ${'.'.repeat(stmt.level)}${stmt.module} import ...'`,
            stmt.range,
            'unsupported',
          );
        const mod = own ?? this.host.importModule(stmt.module, stmt.range);
        if (stmt.names === '*') {
          if (mod instanceof PyNamespace) {
            for (const [k, v] of mod.attrs) if (!k.startsWith('_')) this.assignName(k, v, scope);
            return undefined;
          }
          throw new NotModelledStop(`'from ${stmt.module} import *'`, stmt.range, 'unsupported');
        }
        for (const alias of stmt.names) {
          let v: PyValue;
          try {
            v = this.getAttr(mod, alias.name, alias.range);
          } catch (e) {
            if (!(e instanceof PyException)) throw e;
            const sub = stmt.module ? `${stmt.module}.${alias.name}` : alias.name;
            v = this.importModule(sub, stmt.level, scope, alias.range);
          }
          this.assignName(alias.asname ?? alias.name, v, scope);
        }
        return undefined;
      }
      case 'Skipped':
        // Not reached: a program with a syntax error is not run.
        return undefined;
      case 'FunctionDef': {
        let fn: PyValue = this.makeFunction(stmt, scope);
        for (const d of [...stmt.decorators].reverse()) fn = this.decorate(d, fn, scope);
        this.assignName(stmt.name, fn, scope);
        return undefined;
      }
      case 'ClassDef':
        this.assignName(stmt.name, this.makeClass(stmt, scope), scope);
        return undefined;
      case 'If': {
        let test: boolean;
        try {
          test = this.truthy(this.eval(stmt.test, scope), stmt.test.range);
        } catch (e) {
          if (!this.shapeMode || e instanceof BudgetStop) throw e;
          return this.execBothBranches(stmt, scope);
        }
        return test ? this.execBlock(stmt.body, scope) : this.execBlock(stmt.orelse, scope);
      }
      case 'While': {
        const loop = { line: stmt.range.line, iteration: 0 };
        this.loops.push(loop);
        try {
          while (this.whileTest(stmt, scope, loop.iteration)) {
            this.step();
            const c = this.execBlock(stmt.body, scope);
            loop.iteration++;
            if (c === BREAK) return undefined;
            if (c !== undefined && c !== CONTINUE) return c;
          }
        } finally {
          this.loops.pop();
        }
        return this.execBlock(stmt.orelse, scope);
      }
      case 'For': {
        const iterable = this.eval(stmt.iter, scope);
        const it = this.iterator(iterable, stmt.iter.range);
        const loop = { line: stmt.range.line, iteration: 0 };
        this.loops.push(loop);
        try {
          for (;;) {
            // Shape mode walks a loop's body once: the shapes of a training loop's first batch are its shapes. A
            // loop that builds something (layers appended, a width carried to the next block) runs in full.
            const cut = this.shapeMode && loop.iteration >= this.shapeModeIterations(stmt, iterable);
            const item = cut ? undefined : it.next();
            if (cut && this.structural(stmt)) {
              // A loop that builds something, cut short (an unknown iterable, or over the bound): what it assigned
              // and the lists it grew are not what Python would have, so they become unknown rather than wrong.
              this.forgetLoopState(stmt, scope);
            }
            if (item === undefined) break;
            this.step();
            this.assign(stmt.target, item, scope);
            const c = this.execBlock(stmt.body, scope);
            loop.iteration++;
            if (c === BREAK) return undefined;
            if (c !== undefined && c !== CONTINUE) return c;
          }
        } finally {
          this.loops.pop();
        }
        return this.execBlock(stmt.orelse, scope);
      }
      case 'Try':
        return this.execTry(stmt, scope);
      case 'With': {
        const exits: (() => void)[] = [];
        try {
          for (const item of stmt.items) {
            const ctx = this.eval(item.context, scope);
            const hostExit = this.host.enterContext?.(ctx);
            let entered: PyValue = ctx;
            if (hostExit) exits.push(hostExit);
            else if (ctx instanceof PyInstance && ctx.cls.lookup('__enter__')) {
              entered = this.callMethod(ctx, '__enter__', [], item.context.range);
              exits.push(() => void this.callMethod(ctx, '__exit__', [null, null, null], item.context.range));
            } else {
              throw pyError('TypeError', `'${typeName(ctx)}' object does not support the context manager protocol`);
            }
            if (item.target) this.assign(item.target, entered, scope);
          }
          return this.execBlock(stmt.body, scope);
        } finally {
          for (const exit of exits.reverse()) exit();
        }
      }
      case 'Return':
        return { kind: 'return', value: stmt.value ? this.eval(stmt.value, scope) : null };
      case 'Pass':
        return undefined;
      case 'Break':
        return BREAK;
      case 'Continue':
        return CONTINUE;
      case 'Raise': {
        if (!stmt.exc) {
          if (this.handling.length > 0) throw this.handling[this.handling.length - 1]!;
          throw pyError('RuntimeError', 'No active exception to reraise');
        }
        const exc = this.eval(stmt.exc, scope);
        throw this.toException(exc);
      }
      case 'Assert': {
        if (!this.truthy(this.eval(stmt.test, scope), stmt.test.range)) {
          const msg = stmt.msg ? this.eval(stmt.msg, scope) : undefined;
          throw pyError('AssertionError', msg === undefined ? undefined : this.host.str(msg));
        }
        return undefined;
      }
      case 'Global':
      case 'Nonlocal':
        return undefined;
      case 'Delete':
        for (const t of stmt.targets) this.delete(t, scope);
        return undefined;
    }
  }

  /** The value of the last expression statement of the module (Jupyter's displayed value). */
  lastExpression: PyValue | undefined;
  private readonly handling: PyException[] = [];

  /** How many `try` bodies are running (shape mode hands them the exceptions that are certain). */
  private tryDepth = 0;

  private execTry(stmt: ast.Try, scope: Scope): Completion {
    let completion: Completion;
    try {
      try {
        this.tryDepth++;
        try {
          completion = this.execBlock(stmt.body, scope);
        } finally {
          this.tryDepth--;
        }
      } catch (e) {
        if (!(e instanceof PyException)) throw e;
        const handler = stmt.handlers.find((h) => !h.type || this.matches(e, this.eval(h.type, scope)));
        if (!handler) throw e;
        if (handler.name) this.assignName(handler.name, e.value, scope);
        this.handling.push(e);
        try {
          return this.execBlock(handler.body, scope);
        } finally {
          this.handling.pop();
        }
      }
      if (completion !== undefined) return completion;
      return this.execBlock(stmt.orelse, scope);
    } finally {
      if (stmt.finalbody.length > 0) {
        const c = this.execBlock(stmt.finalbody, scope);
        // eslint-disable-next-line no-unsafe-finally
        if (c !== undefined) return c;
      }
    }
  }

  private matches(e: PyException, type: PyValue): boolean {
    if (type instanceof PyTuple) return type.items.some((t) => this.matches(e, t));
    if (type instanceof PyClass) return e.value.cls.isSubclassOf(type);
    throw pyError('TypeError', 'catching classes that do not inherit from BaseException is not allowed');
  }

  /** `raise X` / `raise X(...)`: the exception to throw. */
  private toException(v: PyValue): PyException {
    if (v instanceof PyClass && v.isSubclassOf(EXCEPTIONS.get('BaseException')!)) {
      const inst = this.callValue(v, { args: [], kwargs: new Map() }, { node: undefined, range: this.current! });
      return new PyException(inst as PyInstance);
    }
    if (v instanceof PyInstance && v.cls.isSubclassOf(EXCEPTIONS.get('BaseException')!)) return new PyException(v);
    return pyError('TypeError', 'exceptions must derive from BaseException');
  }

  private inplace(op: string, cur: PyValue, v: PyValue, range: SourceRange): PyValue {
    // Lists extend in place; tensors update their storage in place (PyTorch keeps the dtype).
    if (cur instanceof PyList && op === '+') {
      cur.items.push(...this.toArray(v, range));
      return cur;
    }
    if (isTensorValue(cur)) {
      const r = this.host.binary(`${op}=`, cur, v, range);
      if (r !== undefined) return r;
    }
    return this.binary(op, cur, v, range);
  }

  /** `import name`: one of the program's own modules, else the host's (torch, numpy, ...). */
  private importModule(name: string, level: number, scope: Scope, range: SourceRange): PyValue {
    const own = this.importer?.load(name, level, scope, range);
    if (own !== undefined) return own;
    if (level > 0)
      throw new NotModelledStop(`relative import 'from ${'.'.repeat(level)}${name} import ...'`, range, 'unsupported');
    return this.host.importModule(name, range);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Names and scopes

  private scopeInfo(node: ast.FunctionDef | ast.Lambda | ast.ClassDef): {
    locals: Set<string>;
    globals: Set<string>;
    nonlocals: Set<string>;
  } {
    let info = localsCache.get(node);
    if (info) return info;
    info = { locals: new Set(), globals: new Set(), nonlocals: new Set() };
    if (node.kind === 'Lambda') {
      for (const p of node.params ?? []) info.locals.add(p.name);
    } else if (node.kind === 'FunctionDef') {
      for (const p of node.params) info.locals.add(p.name);
      collectLocals(node.body, info);
    }
    for (const g of info.globals) info.locals.delete(g);
    for (const n of info.nonlocals) info.locals.delete(n);
    localsCache.set(node, info);
    return info;
  }

  /** Reads a name: local, enclosing functions, module, builtins. */
  lookup(name: string, scope: Scope, range: SourceRange): PyValue {
    let s: Scope | undefined = scope;
    let first = true;
    while (s) {
      if (s.kind === 'function') {
        if (s.globalNames?.has(name)) return this.lookupGlobal(name, scope, range);
        if (s.locals?.has(name) || !first || s.nonlocalNames?.has(name)) {
          const v = s.vars.get(name);
          if (v !== undefined) return v;
          if (s.locals?.has(name) && first) {
            throw pyError(
              'UnboundLocalError',
              `cannot access local variable '${name}' where it is not associated with a value`,
            );
          }
        }
      } else if (s.kind === 'class') {
        // A class body sees its own names; functions defined in it do not (their closure skips the class).
        if (first) {
          const v = s.vars.get(name);
          if (v !== undefined) return v;
        }
      } else {
        const v = s.vars.get(name);
        if (v !== undefined) return v;
      }
      first = false;
      s = s.parent;
    }
    return this.lookupGlobal(name, scope, range);
  }

  private lookupGlobal(name: string, scope: Scope, _range: SourceRange): PyValue {
    const v = scope.root.vars.get(name) ?? this.host.builtins.get(name) ?? this.host.assumedImport?.(name);
    if (v !== undefined) return v;
    // A checked file or selection often uses names defined elsewhere (a notebook's earlier cell, the part of the
    // file not selected): shape mode goes on with an unknown value rather than stopping at the NameError.
    if (this.shapeMode) return new PyUnknown(`'${name}', which is not defined in the checked code`);
    throw pyError('NameError', `name '${name}' is not defined`);
  }

  /** Binds a name in the scope Python would bind it in. */
  assignName(name: string, value: PyValue, scope: Scope): void {
    if (scope.kind === 'function') {
      if (scope.globalNames?.has(name)) {
        scope.root.vars.set(name, value);
        return;
      }
      if (scope.nonlocalNames?.has(name)) {
        for (let s = scope.parent; s; s = s.parent) {
          if (s.kind === 'function' && s.vars.has(name)) {
            s.vars.set(name, value);
            return;
          }
        }
      }
    }
    scope.vars.set(name, value);
  }

  private assign(target: ast.Expr, value: PyValue, scope: Scope): void {
    switch (target.kind) {
      case 'Name':
        this.assignName(target.id, value, scope);
        return;
      case 'Tuple':
      case 'List': {
        if (value instanceof PyUnknown) {
          for (const e of target.elts) this.assign(e.kind === 'Starred' ? e.value : e, value, scope);
          return;
        }
        const items = this.toArray(value, target.range);
        const star = target.elts.findIndex((e) => e.kind === 'Starred');
        if (star < 0) {
          if (items.length !== target.elts.length) {
            throw pyError(
              'ValueError',
              items.length > target.elts.length
                ? `too many values to unpack (expected ${target.elts.length})`
                : `not enough values to unpack (expected ${target.elts.length}, got ${items.length})`,
            );
          }
          target.elts.forEach((e, i) => this.assign(e, items[i]!, scope));
          return;
        }
        const after = target.elts.length - star - 1;
        if (items.length < target.elts.length - 1) {
          throw pyError(
            'ValueError',
            `not enough values to unpack (expected at least ${target.elts.length - 1}, got ${items.length})`,
          );
        }
        target.elts.slice(0, star).forEach((e, i) => this.assign(e, items[i]!, scope));
        this.assign(
          (target.elts[star] as ast.Starred).value,
          new PyList(items.slice(star, items.length - after)),
          scope,
        );
        target.elts.slice(star + 1).forEach((e, i) => this.assign(e, items[items.length - after + i]!, scope));
        return;
      }
      case 'Attribute':
        this.setAttr(this.eval(target.value, scope), target.attr, value, target.range);
        return;
      case 'Subscript': {
        const obj = this.eval(target.value, scope);
        this.setItem(obj, this.evalIndex(target.index, scope), value, target.range);
        return;
      }
      case 'Starred':
        this.assign(target.value, value, scope);
        return;
      default:
        throw pyError('SyntaxError', 'cannot assign to expression');
    }
  }

  private delete(target: ast.Expr, scope: Scope): void {
    if (target.kind === 'Name') {
      if (!scope.vars.delete(target.id)) throw pyError('NameError', `name '${target.id}' is not defined`);
      return;
    }
    if (target.kind === 'Subscript') {
      const obj = this.eval(target.value, scope);
      const index = this.evalIndex(target.index, scope);
      if (obj instanceof PyDict) {
        if (!obj.entries.delete(hashKey(index, (o) => this.identity(o))))
          throw pyError('KeyError', this.host.repr(index));
        return;
      }
      if (obj instanceof PyList) {
        if (index instanceof PySlice) {
          const [start, stop, step] = this.sliceBounds(index, obj.items.length);
          const keep = obj.items.filter((_, i) => !inSlice(i, start, stop, step));
          obj.items = keep;
          return;
        }
        const i = this.listIndex(obj.items.length, index, 'list assignment');
        obj.items.splice(i, 1);
        return;
      }
    }
    if (target.kind === 'Attribute') {
      const obj = this.eval(target.value, scope);
      if (obj instanceof PyInstance && obj.attrs.delete(target.attr)) return;
      throw pyError('AttributeError', target.attr);
    }
    if (target.kind === 'Tuple' || target.kind === 'List') {
      for (const e of target.elts) this.delete(e, scope);
      return;
    }
    throw pyError('SyntaxError', 'cannot delete expression');
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Functions and classes

  private makeFunction(node: ast.FunctionDef | ast.Lambda, scope: Scope, owner?: PyClass): PyFunction {
    const params = node.kind === 'FunctionDef' ? node.params : (node.params ?? []);
    const defaults = new Map<string, PyValue>();
    for (const p of params) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
    // Functions defined in a class body close over the scope around the class, not the class body.
    const closure = scope.kind === 'class' ? scope.parent : scope;
    const name = node.kind === 'FunctionDef' ? node.name : '<lambda>';
    return new PyFunction(name, node, params, defaults, closure, undefined, owner);
  }

  private decorate(decorator: ast.Expr, fn: PyValue, scope: Scope): PyValue {
    const d = this.eval(decorator, scope);
    if (d instanceof PyBuiltin && fn instanceof PyFunction) {
      if (d.name === 'staticmethod' || d.name === 'classmethod' || d.name === 'property') {
        fn.wrapper = d.name;
        return fn;
      }
    }
    return this.callValue(d, { args: [fn], kwargs: new Map() }, { node: undefined, range: decorator.range });
  }

  private makeClass(node: ast.ClassDef, scope: Scope): PyClass {
    // `class Meter(object):` is `class Meter:` (the builtin `object` is a function here, not a class).
    const bases = node.bases
      .map((b) => this.eval(b, scope))
      .filter((b) => !(b instanceof PyBuiltin && b.name === 'object' && b.typeCheck));
    for (const b of bases) {
      if (!(b instanceof PyClass)) throw pyError('TypeError', `bases must be types, not ${typeName(b)}`);
    }
    const body = new Scope('class', scope);
    this.execBlock(node.body, body);
    const dict = new Map(body.vars);
    const moduleName = scope.root.vars.get('__name__');
    const qual = `${typeof moduleName === 'string' ? moduleName : '__main__'}.${node.name}`;
    const cls = new PyClass(node.name, bases as PyClass[], dict, qual);
    for (const v of dict.values()) if (v instanceof PyFunction) v.owner = cls;
    return cls;
  }

  /** Calls any callable with evaluated arguments. */
  callValue(fn: PyValue, args: CallArguments, site: CallSite): PyValue {
    this.step();
    if (fn instanceof PyFunction) {
      const result = this.callFunction(fn, args.args, args.kwargs);
      this.host.onUserCall?.(fn.name, args.args, undefined, result, site, (a) => this.callFunction(fn, a, args.kwargs));
      return result;
    }
    if (fn instanceof PyBuiltin) return fn.call(args, site);
    if (fn instanceof PyBoundMethod) {
      if (fn.func instanceof PyFunction) return this.callFunction(fn.func, [fn.self, ...args.args], args.kwargs);
      return fn.func.call({ args: [fn.self, ...args.args], kwargs: args.kwargs }, site);
    }
    if (fn instanceof PyClass) return this.instantiate(fn, args, site);
    if (fn instanceof PyInstance) {
      const call = fn.cls.lookup('__call__');
      if (call instanceof PyFunction) return this.callFunction(call, [fn, ...args.args], args.kwargs);
      const native = fn.cls.nativeBase;
      if (native?.call) return native.call(fn, args, site);
    }
    const other = this.host.callOther?.(fn, args, site);
    if (other !== undefined) return other;
    throw pyError('TypeError', `'${typeName(fn)}' object is not callable`);
  }

  /** Creates an instance: `__new__` is the default one; `__init__` from the class or its native base. */
  instantiate(cls: PyClass, args: CallArguments, site: CallSite): PyValue {
    const inst = new PyInstance(cls);
    const init = cls.lookup('__init__');
    if (init instanceof PyFunction) {
      const r = this.callFunction(init, [inst, ...args.args], args.kwargs);
      if (r !== null) throw pyError('TypeError', `__init__() should return None, not '${typeName(r)}'`);
    } else if (init instanceof PyBuiltin) {
      init.call({ args: [inst, ...args.args], kwargs: args.kwargs }, site);
    } else {
      const native = cls.nativeBase;
      if (native?.init) native.init(inst, args, site);
      else if (args.args.length > 0 || args.kwargs.size > 0)
        throw pyError('TypeError', `${cls.name}() takes no arguments`);
    }
    return inst;
  }

  /** Calls a function written in the program. */
  callFunction(fn: PyFunction, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>): PyValue {
    this.called.add(fn);
    if (this.depth >= this.limits.maxDepth) throw pyError('RecursionError', 'maximum recursion depth exceeded');
    // Shape mode runs both branches of an unknown `if`, so a recursive function whose base case depends on unknown
    // values would branch without end (a tree walk over an unknown model): past a few nested calls of the same
    // function (a model built as a tree of modules nests a few), a recursive call gives an unknown.
    const running = this.shapeMode ? (this.active.get(fn.node) ?? 0) : 0;
    if (running >= SHAPE_MODE_RECURSION)
      return new PyUnknown(`the result of the recursive call to ${fn.name}() (nested ${running} deep)`);
    const info = this.scopeInfo(fn.node);
    const scope = new Scope('function', fn.closure as Scope, info.locals, info.globals, info.nonlocals);
    this.bindParams(fn, args, kwargs, scope);
    if (fn.owner) {
      scope.owner = fn.owner;
      scope.selfValue = args[0];
    }
    this.depth++;
    if (this.shapeMode) this.active.set(fn.node, running + 1);
    try {
      if (fn.node.kind === 'Lambda') return this.eval(fn.node.body, scope);
      const c = this.execBlock(fn.node.body, scope);
      return c !== undefined && typeof c === 'object' ? c.value : null;
    } finally {
      this.depth--;
      if (this.shapeMode) this.active.set(fn.node, running);
    }
  }

  /** Shape mode: how many calls of each function are running now (see {@link callFunction}). */
  private readonly active = new Map<object, number>();

  private layoutOf(params: readonly ast.Param[]): ParamLayout {
    let layout = layouts.get(params);
    if (!layout) {
      const positional = params.filter((p) => p.kind === 'normal');
      const named = params.filter((p) => p.kind === 'normal' || p.kind === 'kwonly');
      const position = new Map<string, number>();
      for (const p of named) if (!position.has(p.name)) position.set(p.name, positional.indexOf(p));
      layout = {
        positional,
        named,
        position,
        vararg: params.find((p) => p.kind === 'vararg'),
        kwarg: params.find((p) => p.kind === 'kwarg'),
      };
      layouts.set(params, layout);
    }
    return layout;
  }

  private bindParams(
    fn: PyFunction,
    args: readonly PyValue[],
    kwargs: ReadonlyMap<string, PyValue>,
    scope: Scope,
  ): void {
    const { positional, named, position, vararg, kwarg } = this.layoutOf(fn.params);
    const name = fn.name;
    // The first `given` positional parameters take the positional arguments.
    const given = Math.min(args.length, positional.length);
    for (let i = 0; i < given; i++) scope.vars.set(positional[i]!.name, args[i]!);
    if (args.length > positional.length) {
      if (!vararg) {
        const required = positional.filter((p) => !fn.defaults.has(p.name)).length;
        throw pyError(
          'TypeError',
          required === positional.length
            ? `${name}() takes ${positional.length} positional argument${positional.length === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`
            : `${name}() takes from ${required} to ${positional.length} positional arguments but ${args.length} were given`,
        );
      }
    }
    if (vararg) scope.vars.set(vararg.name, new PyTuple(args.slice(positional.length)));
    const extra = kwarg ? new PyDict() : undefined;
    for (const [k, v] of kwargs) {
      const at = position.get(k);
      if (at !== undefined) {
        if (at >= 0 && at < given) throw pyError('TypeError', `${name}() got multiple values for argument '${k}'`);
        scope.vars.set(k, v);
      } else if (extra) {
        extra.entries.set(
          hashKey(k, (o) => this.identity(o)),
          [k, v],
        );
      } else {
        throw pyError('TypeError', `${name}() got an unexpected keyword argument '${k}'`);
      }
    }
    if (kwarg && extra) scope.vars.set(kwarg.name, extra);
    // Python names the missing positional parameters first, and the keyword-only ones only when none is missing.
    let missing: string[] | undefined;
    let missingKeywordOnly: string[] | undefined;
    for (const p of named) {
      const at = position.get(p.name)!;
      if ((at >= 0 && at < given) || kwargs.has(p.name)) continue;
      const value = fn.defaults.get(p.name);
      if (value !== undefined) scope.vars.set(p.name, value);
      else if (p.kind === 'kwonly') (missingKeywordOnly ??= []).push(p.name);
      else (missing ??= []).push(p.name);
    }
    const names = missing ?? missingKeywordOnly;
    if (names) {
      const list = names.map((m) => `'${m}'`);
      // CPython's wording: 'a'; 'a' and 'b'; 'a', 'b', and 'c'.
      const joined =
        list.length === 1
          ? list[0]
          : list.length === 2
            ? `${list[0]} and ${list[1]}`
            : `${list.slice(0, -1).join(', ')}, and ${list[list.length - 1]}`;
      throw pyError(
        'TypeError',
        `${name}() missing ${names.length} required ${missing ? 'positional' : 'keyword-only'} argument${names.length === 1 ? '' : 's'}: ${joined}`,
      );
    }
  }

  /** Calls `obj.name(*args)`. */
  callMethod(
    obj: PyValue,
    name: string,
    args: PyValue[],
    range: SourceRange,
    kwargs: ReadonlyMap<string, PyValue> = new Map(),
  ): PyValue {
    return this.callValue(this.getAttr(obj, name, range), { args, kwargs }, { node: undefined, range });
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Attributes

  getAttr(obj: PyValue, name: string, range: SourceRange): PyValue {
    if (obj instanceof PyInstance) {
      if (obj.cls.name === 'super' && obj.native?.superOf) return this.superAttr(obj, name, range);
      const own = obj.attrs.get(name);
      if (own !== undefined) return own;
      const v = obj.cls.lookup(name);
      if (v !== undefined) return this.bindClassAttr(v, obj, obj.cls);
      const viaHost = this.host.attribute(obj, name, range);
      if (viaHost !== undefined) return viaHost;
      const getattr = obj.cls.lookup('__getattr__');
      if (getattr instanceof PyFunction) return this.callFunction(getattr, [obj, name], new Map());
      throw pyError('AttributeError', `'${obj.cls.name}' object has no attribute '${name}'`);
    }
    if (obj instanceof PyClass) {
      if (name === '__name__') return obj.name;
      const v = obj.lookup(name);
      if (v !== undefined) {
        if (v instanceof PyFunction && v.wrapper === 'classmethod') return new PyBoundMethod(obj, v);
        return v;
      }
      const viaHost = this.host.attribute(obj, name, range);
      if (viaHost !== undefined) return viaHost;
      throw pyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`);
    }
    if (obj instanceof PyFunction) {
      if (name === '__name__') return obj.name;
      const v = obj.attrs.get(name);
      if (v !== undefined) return v;
    }
    // A builtin function or type: `len.__name__`, `type(d).__name__` of a defaultdict.
    if (obj instanceof PyBuiltin && name === '__name__') return obj.name;
    const v = this.host.attribute(obj, name, range);
    if (v !== undefined) return v;
    if (obj instanceof PyNamespace) throw pyError('AttributeError', `module '${obj.path}' has no attribute '${name}'`);
    throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
  }

  private bindClassAttr(v: PyValue, self: PyValue, cls: PyClass): PyValue {
    if (v instanceof PyFunction) {
      if (v.wrapper === 'staticmethod') return v;
      if (v.wrapper === 'classmethod') return new PyBoundMethod(cls, v);
      if (v.wrapper === 'property') return this.callFunction(v, [self], new Map());
      return new PyBoundMethod(self, v);
    }
    if (v instanceof PyBuiltin && !v.typeCheck) return new PyBoundMethod(self, v);
    return v;
  }

  /** `super()` inside a method: the next class after the method's class in `type(self)`'s MRO. */
  makeSuper(scope: Scope): PyValue {
    let s: Scope | undefined = scope;
    while (s && s.kind !== 'function') s = s.parent;
    if (!s?.owner || s.selfValue === undefined) throw pyError('RuntimeError', 'super(): no arguments');
    const inst = new PyInstance(SUPER_CLASS);
    inst.native = { superOf: s.owner, self: s.selfValue };
    return inst;
  }

  private superAttr(sup: PyInstance, name: string, range: SourceRange): PyValue {
    const start = sup.native!.superOf as PyClass;
    const self = sup.native!.self as PyValue;
    const mro = self instanceof PyInstance ? self.cls.mro : self instanceof PyClass ? self.mro : [start];
    const after = mro.slice(mro.indexOf(start) + 1);
    for (const c of after) {
      const v = c.dict.get(name);
      if (v !== undefined)
        return this.bindClassAttr(v, self, self instanceof PyInstance ? self.cls : (self as PyClass));
      if (name === '__init__' && c.native) {
        const native = c.native;
        return new PyBuiltin('__init__', (args, site) => {
          if (native.init && self instanceof PyInstance) native.init(self, args, site);
          return null;
        });
      }
    }
    if (name === '__init__') return new PyBuiltin('__init__', () => null);
    const viaHost = this.host.attribute(self, name, range);
    if (viaHost !== undefined) return viaHost;
    throw pyError('AttributeError', `'super' object has no attribute '${name}'`);
  }

  setAttr(obj: PyValue, name: string, value: PyValue, range: SourceRange): void {
    if (obj instanceof PyInstance) {
      const setattr = obj.cls.lookup('__setattr__');
      if (setattr instanceof PyFunction) {
        this.callFunction(setattr, [obj, name, value], new Map());
        return;
      }
      obj.attrs.set(name, value);
      return;
    }
    if (obj instanceof PyClass) {
      obj.dict.set(name, value);
      return;
    }
    if (obj instanceof PyFunction) {
      obj.attrs.set(name, value);
      return;
    }
    if (obj instanceof PyNamespace) {
      obj.attrs.set(name, value);
      return;
    }
    if (isTensorValue(obj) && this.host.setItem(obj, `.${name}`, value, range)) return;
    throw pyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Expressions

  eval(e: ast.Expr, scope: Scope): PyValue {
    switch (e.kind) {
      case 'Number':
        if (e.isImaginary) throw new NotModelledStop('complex numbers', e.range, 'unsupported');
        if (e.isFloat) return e.value;
        return e.big ?? (e.value <= MAX_SMALL_INT ? SMALL_INTS[e.value]! : BigInt(e.value));
      case 'String':
        if (e.isBytes) return e.value;
        return e.isFString ? this.fstring(e, scope) : e.value;
      case 'Constant':
        return e.value;
      case 'Ellipsis':
        return ELLIPSIS;
      case 'Name':
        return this.lookup(e.id, scope, e.range);
      case 'Attribute':
        return this.getAttr(this.eval(e.value, scope), e.attr, e.range);
      case 'Call':
        return this.evalCall(e, scope);
      case 'Subscript': {
        const obj = this.eval(e.value, scope);
        return this.getItem(obj, this.evalIndex(e.index, scope), e.range);
      }
      case 'Slice':
        return new PySlice(
          e.lower ? this.eval(e.lower, scope) : null,
          e.upper ? this.eval(e.upper, scope) : null,
          e.step ? this.eval(e.step, scope) : null,
        );
      case 'Starred':
        throw pyError('SyntaxError', "can't use starred expression here");
      case 'List':
        return new PyList(this.evalElements(e.elts, scope));
      case 'Tuple':
        return new PyTuple(this.evalElements(e.elts, scope));
      case 'Set': {
        const s = new PySet();
        for (const v of this.evalElements(e.elts, scope))
          s.entries.set(
            hashKey(v, (o) => this.identity(o)),
            v,
          );
        return s;
      }
      case 'Dict': {
        const d = new PyDict();
        e.keys.forEach((k, i) => {
          const v = this.eval(e.values[i]!, scope);
          if (k === null || k === undefined) {
            const other = v;
            if (!(other instanceof PyDict)) throw pyError('TypeError', `'${typeName(other)}' object is not a mapping`);
            for (const [h, kv] of other.entries) d.entries.set(h, kv);
          } else {
            const key = this.eval(k, scope);
            d.entries.set(this.dictKey(key), [key, v]);
          }
        });
        return d;
      }
      case 'ListComp':
      case 'SetComp':
      case 'GeneratorExp':
      case 'DictComp':
        return this.comprehension(e, scope);
      case 'UnaryOp': {
        const v = this.eval(e.operand, scope);
        return this.unary(e.op, v, e.range);
      }
      case 'BinOp':
        return this.binary(e.op, this.eval(e.left, scope), this.eval(e.right, scope), e.range);
      case 'BoolOp': {
        let v: PyValue = null;
        for (const operand of e.values) {
          v = this.eval(operand, scope);
          const t = this.truthy(v, operand.range);
          if (e.op === 'and' ? !t : t) return v;
        }
        return v;
      }
      case 'Compare': {
        let left = this.eval(e.left, scope);
        let result: PyValue = true;
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.comparators[i]!, scope);
          result = this.compare(e.ops[i]!, left, right, e.range);
          if (e.ops.length > 1 && !this.truthy(result, e.range)) return result;
          left = right;
        }
        return result;
      }
      case 'IfExp':
        return this.truthy(this.eval(e.test, scope), e.test.range)
          ? this.eval(e.body, scope)
          : this.eval(e.orelse, scope);
      case 'Lambda':
        return this.makeFunction(e, scope);
      case 'NamedExpr': {
        const v = this.eval(e.value, scope);
        this.assignName(e.target.id, v, scope);
        return v;
      }
      case 'ReprObject':
        throw new NotModelledStop(`'<${e.text}>'`, e.range, 'unsupported');
    }
  }

  private evalElements(elts: readonly ast.Expr[], scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const elt of elts) {
      if (elt.kind === 'Starred') out.push(...this.toArray(this.eval(elt.value, scope), elt.range));
      else out.push(this.eval(elt, scope));
    }
    return out;
  }

  dictKey(key: PyValue): string {
    if (key instanceof PyList || key instanceof PyDict || key instanceof PySet) {
      throw pyError('TypeError', `unhashable type: '${typeName(key)}'`);
    }
    return hashKey(key, (o) => this.identity(o));
  }

  /** A subscript: a tuple of items for `x[a, b]`. */
  evalIndex(e: ast.Expr, scope: Scope): PyValue {
    return this.eval(e, scope);
  }

  private evalCall(e: ast.Call, scope: Scope): PyValue {
    // `super()` needs the calling method's class and self.
    if (
      e.func.kind === 'Name' &&
      e.func.id === 'super' &&
      !scope.vars.has('super') &&
      !this.globals.vars.has('super')
    ) {
      if (e.args.length === 0) return this.makeSuper(scope);
      // super(Class, self): the class after Class in type(self)'s MRO.
      const cls = this.eval(e.args[0]!, scope);
      const self = e.args[1] ? this.eval(e.args[1], scope) : null;
      if (!(cls instanceof PyClass)) throw pyError('TypeError', 'super() argument 1 must be a type');
      const inst = new PyInstance(SUPER_CLASS);
      inst.native = { superOf: cls, self };
      return inst;
    }
    const fn = this.eval(e.func, scope);
    const args: PyValue[] = [];
    for (const a of e.args) {
      if (a.kind === 'Starred') args.push(...this.toArray(this.eval(a.value, scope), a.range));
      else args.push(this.eval(a, scope));
    }
    // A call without keywords (most calls) shares one empty map: callees only read it (ReadonlyMap).
    if (e.keywords.length === 0) return this.callValue(fn, { args, kwargs: NO_KEYWORDS }, { node: e, range: e.range });
    const kwargs = new Map<string, PyValue>();
    for (const k of e.keywords) {
      const v = this.eval(k.value, scope);
      if (k.name !== undefined) {
        if (kwargs.has(k.name)) throw pyError('SyntaxError', `keyword argument repeated: ${k.name}`);
        kwargs.set(k.name, v);
      } else {
        if (!(v instanceof PyDict))
          throw pyError('TypeError', `argument after ** must be a mapping, not ${typeName(v)}`);
        for (const [key, val] of v.entries.values()) {
          if (typeof key !== 'string') throw pyError('TypeError', 'keywords must be strings');
          kwargs.set(key, val);
        }
      }
    }
    return this.callValue(fn, { args, kwargs }, { node: e, range: e.range });
  }

  // f-strings -------------------------------------------------------------------------------------------------------

  private fstring(e: ast.StringLiteral, scope: Scope): string {
    let parts = fstringCache.get(e);
    if (!parts) {
      parts = parseFString(e.value, e.range);
      fstringCache.set(e, parts);
    }
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = this.eval(p.expr, scope);
      let spec = '';
      // A spec with no nested field (`.4f`, most of them) is its own text; a nested one (`{w}.{p}f`) is an f-string
      // of its own, made once per field so that its parse is cached like the outer one's.
      if (p.spec)
        spec = /[{}]/.test(p.spec)
          ? this.fstring((p.specNode ??= { ...e, value: p.spec, isFString: true }), scope)
          : p.spec;
      const converted = p.conversion === 'r' ? this.host.repr(v) : p.conversion === 's' ? this.host.str(v) : v;
      const text = this.host.format(converted, spec);
      out += p.debug ? `${p.debug}${p.conversion === undefined && !p.spec ? this.host.repr(v) : text}` : text;
    }
    return out;
  }

  // Comprehensions --------------------------------------------------------------------------------------------------

  private comprehension(e: ast.ComprehensionExpr, scope: Scope): PyValue {
    const inner = new Scope('function', scope, comprehensionLocals(e));
    const results: PyValue[] = [];
    const dict = e.kind === 'DictComp' ? new PyDict() : undefined;
    const loop = (g: number): void => {
      const gen = e.generators[g];
      if (!gen) {
        if (dict) {
          const k = this.eval(e.key!, inner);
          dict.entries.set(this.dictKey(k), [k, this.eval(e.elt, inner)]);
        } else {
          results.push(this.eval(e.elt, inner));
          this.checkSize(results.length, 'a comprehension');
        }
        return;
      }
      // The first iterable is evaluated in the enclosing scope, as Python does.
      const it = this.iterator(this.eval(gen.iter, g === 0 ? scope : inner), gen.iter.range);
      for (;;) {
        const item = it.next();
        if (item === undefined) break;
        this.step();
        this.assign(gen.target, item, inner);
        if (gen.ifs.every((c) => this.truthy(this.eval(c, inner), c.range))) loop(g + 1);
      }
    };
    loop(0);
    switch (e.kind) {
      case 'ListComp':
        return new PyList(results);
      case 'SetComp': {
        const s = new PySet();
        for (const v of results) s.entries.set(this.dictKey(v), v);
        return s;
      }
      case 'DictComp':
        return dict!;
      default: {
        let i = 0;
        return new PyIterator(() => (i < results.length ? results[i++] : undefined), 'generator');
      }
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Operators

  unary(op: string, v: PyValue, range: SourceRange): PyValue {
    if (op === 'not') return !this.truthy(v, range);
    if (typeof v === 'boolean') v = v ? 1n : 0n;
    if (typeof v === 'bigint') {
      if (op === '-') return -v;
      if (op === '+') return v;
      if (op === '~') return -v - 1n;
    }
    if (typeof v === 'number') {
      if (op === '-') return -v;
      if (op === '+') return v;
    }
    if (isTensorValue(v) || isOpaque(v)) {
      const r = this.host.unary(op, v, range);
      if (r !== undefined) return r;
    }
    if (v instanceof PyInstance) {
      const dunder = { '-': '__neg__', '+': '__pos__', '~': '__invert__' }[op];
      if (dunder && v.cls.lookup(dunder)) return this.callMethod(v, dunder, [], range);
    }
    throw pyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
  }

  binary(op: string, a: PyValue, b: PyValue, range: SourceRange): PyValue {
    const num = numericBinary(op, a, b);
    if (num !== undefined) return num;
    // `d.keys() & other` (and |, -, ^): a keys or items view is set-like, the other side any iterable; a set results.
    if ((op === '&' || op === '|' || op === '-' || op === '^') && (isSetLikeView(a) || isSetLikeView(b))) {
      const asSet = (v: PyValue): PySet => {
        if (v instanceof PySet) return v;
        const out = new PySet();
        for (const x of this.toArray(v, range)) out.entries.set(this.dictKey(x), x);
        return out;
      };
      return this.binary(op, asSet(a), asSet(b), range);
    }
    if (a instanceof PySet && b instanceof PySet && (op === '&' || op === '|' || op === '-' || op === '^')) {
      const out = new PySet();
      for (const [h, v] of a.entries) if ((op === '&') === b.entries.has(h) || op === '|') out.entries.set(h, v);
      if (op === '|' || op === '^') for (const [h, v] of b.entries) if (!a.entries.has(h)) out.entries.set(h, v);
      return out;
    }
    if (isTensorValue(a) || isTensorValue(b) || isOpaque(a) || isOpaque(b)) {
      const r = this.host.binary(op, a, b, range);
      if (r !== undefined) return r;
    }
    const seq = this.sequenceBinary(op, a, b);
    if (seq !== undefined) return seq;
    if (a instanceof PyInstance || b instanceof PyInstance) {
      const names = DUNDERS[op];
      if (names) {
        if (a instanceof PyInstance && a.cls.lookup(names[0])) {
          const r = this.callMethod(a, names[0], [b], range);
          if (r !== NOT_IMPLEMENTED) return r;
        }
        if (b instanceof PyInstance && b.cls.lookup(names[1])) {
          const r = this.callMethod(b, names[1], [a], range);
          if (r !== NOT_IMPLEMENTED) return r;
        }
      }
    }
    if (op === '%' && typeof a === 'string') return this.percentFormat(a, b);
    throw pyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
  }

  /** `'%.4f' % x` — supplied by the builtins (printing) module. */
  percentFormat: (fmt: string, args: PyValue) => PyValue = () => {
    throw new NotModelledStop("'%' string formatting", this.current, 'unsupported');
  };

  private sequenceBinary(op: string, a: PyValue, b: PyValue): PyValue | undefined {
    if (op === '+') {
      if (typeof a === 'string' && typeof b === 'string') {
        this.checkSize(a.length + b.length, 'a string');
        return a + b;
      }
      if (a instanceof PyList && b instanceof PyList) return new PyList([...a.items, ...b.items]);
      if (a instanceof PyTuple && b instanceof PyTuple && !a.typeName) return new PyTuple([...a.items, ...b.items]);
      if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
    }
    if (op === '*') {
      const [seq, count] = typeof b === 'bigint' || typeof b === 'boolean' ? [a, b] : [b, a];
      if (typeof count === 'bigint' || typeof count === 'boolean') {
        const n = Math.max(0, Number(count));
        if (typeof seq === 'string') {
          this.checkSize(seq.length * n, 'a string');
          return seq.repeat(n);
        }
        if (seq instanceof PyList || seq instanceof PyTuple) {
          this.checkSize(seq.items.length * n, 'a list');
          const items: PyValue[] = [];
          for (let i = 0; i < n; i++) items.push(...seq.items);
          return seq instanceof PyList ? new PyList(items) : new PyTuple(items);
        }
      }
    }
    return undefined;
  }

  compare(op: ast.CompareOperator, a: PyValue, b: PyValue, range: SourceRange): PyValue {
    switch (op) {
      case 'is':
        return this.identical(a, b);
      case 'is not':
        return !this.identical(a, b);
      case 'in':
        return this.contains(b, a, range);
      case 'not in':
        return !this.contains(b, a, range);
    }
    if (isTensorValue(a) || isTensorValue(b) || isOpaque(a) || isOpaque(b)) {
      const r = this.host.binary(op, a, b, range);
      if (r !== undefined) return r;
    }
    if (op === '==') return this.equals(a, b);
    if (op === '!=') return !this.equals(a, b);
    const c = this.order(a, b, op, range);
    switch (op) {
      case '<':
        return c < 0;
      case '<=':
        return c <= 0;
      case '>':
        return c > 0;
      default:
        return c >= 0;
    }
  }

  private identical(a: PyValue, b: PyValue): boolean {
    if (a === b) return true;
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b && a >= -5n && a <= 256n;
    return false;
  }

  /** Python `==`. */
  equals(a: PyValue, b: PyValue): boolean {
    if (a === b) return true;
    if (isNumber(a) && isNumber(b)) return toFloatOrBig(a) === toFloatOrBig(b) || Number(a) === Number(b);
    if (typeof a === 'string' || typeof b === 'string') return a === b;
    if (a === null || b === null) return false;
    if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
      return a.items.length === b.items.length && a.items.every((x, i) => this.equals(x, b.items[i]!));
    }
    if (a instanceof PyDict && b instanceof PyDict) {
      if (a.entries.size !== b.entries.size) return false;
      for (const [h, [, v]] of a.entries) {
        const o = b.entries.get(h);
        if (!o || !this.equals(v, o[1])) return false;
      }
      return true;
    }
    if (a instanceof PySet && b instanceof PySet) {
      return a.entries.size === b.entries.size && [...a.entries.keys()].every((k) => b.entries.has(k));
    }
    if (a instanceof PyInstance && a.cls.lookup('__eq__') instanceof PyFunction) {
      return this.truthy(this.callMethod(a, '__eq__', [b], this.current!), this.current!);
    }
    if (a instanceof PyInstance || b instanceof PyInstance) return false;
    if (
      typeof a === 'object' &&
      typeof b === 'object' &&
      'kind' in a &&
      'kind' in b &&
      a.kind === 'dtype' &&
      b.kind === 'dtype'
    ) {
      return a.dtype === b.dtype;
    }
    return false;
  }

  /** Ordering for `<` and friends, `sorted`, `min`, `max`. */
  order(a: PyValue, b: PyValue, op: string, _range: SourceRange): number {
    if (isNumber(a) && isNumber(b)) {
      if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
      const x = Number(a);
      const y = Number(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
      const n = Math.min(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        if (!this.equals(a.items[i]!, b.items[i]!)) return this.order(a.items[i]!, b.items[i]!, op, _range);
      }
      return a.items.length - b.items.length;
    }
    if (isTensorValue(a) || isTensorValue(b)) {
      const lt = this.host.binary('<', a, b, _range);
      const gt = this.host.binary('>', a, b, _range);
      if (lt !== undefined && gt !== undefined) return this.truthy(lt, _range) ? -1 : this.truthy(gt, _range) ? 1 : 0;
    }
    if (a instanceof PyInstance && a.cls.lookup('__lt__')) {
      return this.truthy(this.callMethod(a, '__lt__', [b], _range), _range)
        ? -1
        : this.truthy(this.callMethod(b, '__lt__', [a], _range), _range)
          ? 1
          : 0;
    }
    throw pyError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
  }

  private contains(container: PyValue, item: PyValue, range: SourceRange): boolean {
    if (typeof container === 'string') {
      if (typeof item !== 'string')
        throw pyError('TypeError', `'in <string>' requires string as left operand, not ${typeName(item)}`);
      return container.includes(item);
    }
    if (container instanceof PyDict) return container.entries.has(this.dictKey(item));
    if (container instanceof PySet) return container.entries.has(this.dictKey(item));
    if (container instanceof PyRange) {
      if (typeof item !== 'bigint' && typeof item !== 'boolean') return false;
      const v = BigInt(item);
      const { start, stop, step } = container;
      return step > 0n
        ? v >= start && v < stop && (v - start) % step === 0n
        : v <= start && v > stop && (start - v) % -step === 0n;
    }
    if (container instanceof PyInstance && container.cls.lookup('__contains__')) {
      return this.truthy(this.callMethod(container, '__contains__', [item], range), range);
    }
    for (const v of this.toArray(container, range)) if (this.identical(v, item) || this.equals(v, item)) return true;
    return false;
  }

  /** Python truthiness. */
  truthy(v: PyValue, range: SourceRange): boolean {
    if (v === null) return false;
    switch (typeof v) {
      case 'boolean':
        return v;
      case 'bigint':
        return v !== 0n;
      case 'number':
        return v !== 0;
      case 'string':
        return v.length > 0;
    }
    if (isTensorValue(v)) return this.host.tensorTruth(v);
    if (isOpaque(v)) throw new UnknownCondition();
    if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
    if (v instanceof PyDict || v instanceof PySet) return v.entries.size > 0;
    if (v instanceof PyRange) return v.length > 0n;
    if (v instanceof PyInstance) {
      if (v.cls.lookup('__bool__')) return this.truthy(this.callMethod(v, '__bool__', [], range), range);
      if (v.cls.lookup('__len__')) return this.truthy(this.callMethod(v, '__len__', [], range), range);
    }
    return true;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Subscripts

  getItem(obj: PyValue, index: PyValue, range: SourceRange): PyValue {
    if (isTensorValue(obj) || isOpaque(obj)) {
      const r = this.host.getItem(obj, index, range);
      if (r !== undefined) return r;
    }
    if (obj instanceof PyTuple && obj.typeName !== undefined && DICT_VIEWS.has(obj.typeName))
      throw pyError('TypeError', `'${obj.typeName}' object is not subscriptable`);
    if (obj instanceof PyList || obj instanceof PyTuple || typeof obj === 'string') {
      const items = typeof obj === 'string' ? [...obj] : obj.items;
      if (index instanceof PySlice) {
        const [start, stop, step] = this.sliceBounds(index, items.length);
        const out: PyValue[] = [];
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]!);
        if (typeof obj === 'string') return out.join('');
        return obj instanceof PyList ? new PyList(out) : new PyTuple(out);
      }
      const kind = obj instanceof PyList ? 'list' : obj instanceof PyTuple ? 'tuple' : 'string';
      const i = this.listIndex(items.length, index, kind);
      return items[i]!;
    }
    if (obj instanceof PyDict) {
      const e = obj.entries.get(this.dictKey(index));
      if (e) return e[1];
      if (obj.factory !== undefined && obj.factory !== null) {
        const v = this.callValue(obj.factory, { args: [], kwargs: new Map() }, { node: undefined, range });
        obj.entries.set(this.dictKey(index), [index, v]);
        return v;
      }
      throw pyError('KeyError', this.host.repr(index));
    }
    if (obj instanceof PyRange) {
      const n = Number(obj.length);
      const i = this.listIndex(n, index, 'range object');
      return obj.start + BigInt(i) * obj.step;
    }
    if (obj instanceof PyInstance) {
      if (obj.cls.lookup('__getitem__')) return this.callMethod(obj, '__getitem__', [index], range);
      const r = this.host.getItem(obj, index, range);
      if (r !== undefined) return r;
    }
    if (obj instanceof PyClass) return obj; // `List[int]`-style annotations evaluated at runtime
    throw pyError('TypeError', `'${typeName(obj)}' object is not subscriptable`);
  }

  setItem(obj: PyValue, index: PyValue, value: PyValue, range: SourceRange): void {
    if (isTensorValue(obj) || isOpaque(obj)) {
      if (this.host.setItem(obj, index, value, range)) return;
    }
    if (obj instanceof PyList) {
      if (index instanceof PySlice) {
        const [start, stop, step] = this.sliceBounds(index, obj.items.length);
        const values = this.toArray(value, range);
        if (step === 1) {
          obj.items.splice(start, Math.max(0, stop - start), ...values);
          return;
        }
        let k = 0;
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) obj.items[i] = values[k++]!;
        return;
      }
      obj.items[this.listIndex(obj.items.length, index, 'list assignment')] = value;
      return;
    }
    if (obj instanceof PyDict) {
      obj.entries.set(this.dictKey(index), [index, value]);
      return;
    }
    if (obj instanceof PyInstance && obj.cls.lookup('__setitem__')) {
      this.callMethod(obj, '__setitem__', [index, value], range);
      return;
    }
    if (obj instanceof PyInstance && this.host.setItem(obj, index, value, range)) return;
    throw pyError('TypeError', `'${typeName(obj)}' object does not support item assignment`);
  }

  /** A sequence index: negative from the end; IndexError outside. */
  listIndex(length: number, index: PyValue, what: string): number {
    if (typeof index !== 'bigint' && typeof index !== 'boolean') {
      if (
        isTensorValue(index) &&
        index.shape.length === 0 &&
        index.dtype !== 'bool' &&
        !index.dtype.startsWith('float')
      ) {
        index = BigInt(index.data[0]!);
      } else {
        throw pyError(
          'TypeError',
          `${what === 'list assignment' ? 'list' : what} indices must be integers or slices, not ${typeName(index)}`,
        );
      }
    }
    let i = Number(index);
    if (i < 0) i += length;
    if (i < 0 || i >= length) throw pyError('IndexError', `${what} index out of range`);
    return i;
  }

  /** Resolves a slice against a length, as `slice.indices(n)`. */
  sliceBounds(s: PySlice, n: number): [number, number, number] {
    const int = (v: PyValue, name: string): number | undefined => {
      if (v === null) return undefined;
      if (typeof v === 'bigint' || typeof v === 'boolean') return Number(v);
      if (isTensorValue(v) && v.shape.length === 0) return Number(v.data[0]);
      throw pyError('TypeError', `slice ${name} must be an integer or None`);
    };
    const step = int(s.step, 'indices') ?? 1;
    if (step === 0) throw pyError('ValueError', 'slice step cannot be zero');
    let start = int(s.start, 'indices');
    let stop = int(s.stop, 'indices');
    if (step > 0) {
      start = start === undefined ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
      stop = stop === undefined ? n : stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
    } else {
      start = start === undefined ? n - 1 : start < 0 ? Math.max(-1, start + n) : Math.min(start, n - 1);
      stop = stop === undefined ? -1 : stop < 0 ? Math.max(-1, stop + n) : Math.min(stop, n - 1);
    }
    return [start, stop, step];
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Iteration

  /** An iterator over any iterable. */
  iterator(v: PyValue, range: SourceRange): { next(): PyValue | undefined } {
    if (v instanceof PyIterator) return v;
    if (isOpaque(v)) {
      // One item of an unknown iterable (a symbolic tensor's first row); shape mode walks a loop once.
      let done = false;
      return {
        next: () => {
          if (done) return undefined;
          done = true;
          return v instanceof PyUnknown ? new PyUnknown(`an item of ${v.reason}`) : this.getItem(v, 0n, range);
        },
      };
    }
    if (v instanceof PyRange) {
      let cur = v.start;
      const { stop, step } = v;
      return { next: () => ((step > 0n ? cur < stop : cur > stop) ? ((cur += step), cur - step) : undefined) };
    }
    if (v instanceof PyList) {
      // Python re-reads the list each step: appending while iterating is seen.
      let i = 0;
      return { next: () => (i < v.items.length ? v.items[i++] : undefined) };
    }
    if (v instanceof PyInstance) {
      if (v.cls.lookup('__iter__')) {
        const it = this.callMethod(v, '__iter__', [], range);
        if (it !== v) return this.iterator(it, range);
      }
      if (v.cls.lookup('__next__')) {
        return {
          next: () => {
            try {
              return this.callMethod(v, '__next__', [], range);
            } catch (e) {
              if (e instanceof PyException && e.value.cls.name === 'StopIteration') return undefined;
              throw e;
            }
          },
        };
      }
      if (v.cls.lookup('__getitem__') && v.cls.lookup('__len__')) {
        let i = 0n;
        return {
          next: () => {
            const n = this.callMethod(v, '__len__', [], range);
            if (typeof n === 'bigint' && i < n) return this.callMethod(v, '__getitem__', [i++], range);
            return undefined;
          },
        };
      }
      const viaHost = this.host.attribute(v, '__iter_items__', range);
      if (viaHost instanceof PyList) return this.iterator(viaHost, range);
    }
    const items = this.toArray(v, range);
    let i = 0;
    return { next: () => (i < items.length ? items[i++] : undefined) };
  }

  /** The items of an iterable as an array. */
  toArray(v: PyValue, range: SourceRange): PyValue[] {
    if (v instanceof PyList || v instanceof PyTuple) return [...v.items];
    if (typeof v === 'string') return [...v];
    if (v instanceof PyDict) return [...v.entries.values()].map(([k]) => k);
    if (v instanceof PySet) return [...v.entries.values()];
    if (isTensorValue(v)) return this.host.tensorRows(v);
    if (v instanceof PyRange) {
      this.checkSize(v.length, 'a range');
      const out: PyValue[] = [];
      for (let c = v.start; v.step > 0n ? c < v.stop : c > v.stop; c += v.step) out.push(c);
      return out;
    }
    if (v instanceof PyIterator || v instanceof PyInstance) {
      const it = this.iterator(v, range);
      const out: PyValue[] = [];
      for (;;) {
        const x = it.next();
        if (x === undefined) return out;
        this.step();
        out.push(x);
      }
    }
    throw pyError('TypeError', `'${typeName(v)}' object is not iterable`);
  }
}

/** The class of `super()` objects. */
const SUPER_CLASS = new PyClass('super', [], new Map());

/** `NotImplemented`. */
export const NOT_IMPLEMENTED = new PyBuiltin('NotImplemented', () => null);

const DUNDERS: Readonly<Record<string, readonly [string, string]>> = {
  '+': ['__add__', '__radd__'],
  '-': ['__sub__', '__rsub__'],
  '*': ['__mul__', '__rmul__'],
  '/': ['__truediv__', '__rtruediv__'],
  '//': ['__floordiv__', '__rfloordiv__'],
  '%': ['__mod__', '__rmod__'],
  '**': ['__pow__', '__rpow__'],
  '@': ['__matmul__', '__rmatmul__'],
};

function isNumber(v: PyValue): v is number | bigint | boolean {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

/** A dict's keys or items view (set-like in Python; a values view is not). */
function isSetLikeView(v: PyValue): boolean {
  return v instanceof PyTuple && v.typeName !== undefined && /^o?dict_(keys|items)$/.test(v.typeName);
}

function toFloatOrBig(v: number | bigint | boolean): number | bigint {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

function inSlice(i: number, start: number, stop: number, step: number): boolean {
  if (step > 0) return i >= start && i < stop && (i - start) % step === 0;
  return i <= start && i > stop && (start - i) % -step === 0;
}

/** Python's int and float arithmetic (bool counts as int). Undefined when an operand is not a number. */
export function numericBinary(op: string, a: PyValue, b: PyValue): PyValue | undefined {
  if (!isNumber(a) || !isNumber(b)) return undefined;
  if (typeof a === 'boolean' && typeof b === 'boolean' && (op === '&' || op === '|' || op === '^')) {
    return op === '&' ? a && b : op === '|' ? a || b : a !== b;
  }
  const x = typeof a === 'boolean' ? (a ? 1n : 0n) : a;
  const y = typeof b === 'boolean' ? (b ? 1n : 0n) : b;
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        if (y === 0n) throw pyError('ZeroDivisionError', 'division by zero');
        return Number(x) / Number(y);
      case '//':
        if (y === 0n) throw pyError('ZeroDivisionError', 'integer division or modulo by zero');
        return floorDiv(x, y);
      case '%':
        if (y === 0n) throw pyError('ZeroDivisionError', 'integer modulo by zero');
        return x - floorDiv(x, y) * y;
      case '**':
        if (y < 0n) return Number(x) ** Number(y);
        if (y > 100000n) throw new BudgetStop(`Not computed: ${x} ** ${y} is too large.`, undefined, {});
        return x ** y;
      case '&':
        return x & y;
      case '|':
        return x | y;
      case '^':
        return x ^ y;
      case '<<':
        if (y < 0n) throw pyError('ValueError', 'negative shift count');
        if (y > 100000n) throw new BudgetStop(`Not computed: ${x} << ${y} is too large.`, undefined, {});
        return x << y;
      case '>>':
        if (y < 0n) throw pyError('ValueError', 'negative shift count');
        return x >> y;
      default:
        return undefined;
    }
  }
  const f = Number(x);
  const g = Number(y);
  switch (op) {
    case '+':
      return f + g;
    case '-':
      return f - g;
    case '*':
      return f * g;
    case '/':
      if (g === 0) throw pyError('ZeroDivisionError', 'float division by zero');
      return f / g;
    case '//':
      if (g === 0) throw pyError('ZeroDivisionError', 'float floor division by zero');
      return Math.floor(f / g);
    case '%': {
      if (g === 0) throw pyError('ZeroDivisionError', 'float modulo');
      const m = f % g;
      return m !== 0 && m < 0 !== g < 0 ? m + g : m;
    }
    case '**':
      if (f === 0 && g < 0) throw pyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      if (f < 0 && !Number.isInteger(g))
        throw new NotModelledStop(
          'a negative number to a fractional power (a complex result)',
          undefined,
          'unsupported',
        );
      return f ** g;
    default:
      if (['&', '|', '^', '<<', '>>'].includes(op)) {
        throw pyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
      }
      return undefined;
  }
}

function floorDiv(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}

/** Every name a program binds anywhere: at module level, in functions and classes, as parameters. */
export function boundNames(body: readonly ast.ProgramStmt[]): Set<string> {
  const info = { locals: new Set<string>(), globals: new Set<string>(), nonlocals: new Set<string>() };
  const visit = (stmts: readonly ast.ProgramStmt[]): void => {
    collectLocals(stmts, info);
    for (const s of stmts) {
      if (s.kind === 'FunctionDef') {
        for (const p of s.params) info.locals.add(p.name);
        visit(s.body);
      } else if (s.kind === 'ClassDef') visit(s.body);
      else if (s.kind === 'If' || s.kind === 'For' || s.kind === 'While') {
        visit(s.body);
        visit(s.orelse);
      } else if (s.kind === 'With') visit(s.body);
      else if (s.kind === 'Try') {
        visit(s.body);
        for (const h of s.handlers) visit(h.body);
        visit(s.orelse);
        visit(s.finalbody);
      }
    }
  };
  visit(body);
  return new Set([...info.locals, ...info.globals]);
}

/** Names assigned in a function body (its locals), with its `global`/`nonlocal` declarations. */
function collectLocals(
  body: readonly ast.ProgramStmt[],
  info: { locals: Set<string>; globals: Set<string>; nonlocals: Set<string> },
): void {
  const target = (t: ast.Expr): void => {
    if (t.kind === 'Name') info.locals.add(t.id);
    else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(target);
    else if (t.kind === 'Starred') target(t.value);
  };
  for (const s of body) {
    switch (s.kind) {
      case 'Assign':
        s.targets.forEach(target);
        namedExprs(s.value, info.locals);
        break;
      case 'AugAssign':
      case 'AnnAssign':
        target(s.target);
        break;
      case 'Expr':
        namedExprs(s.value, info.locals);
        break;
      case 'For':
        target(s.target);
        collectLocals(s.body, info);
        collectLocals(s.orelse, info);
        break;
      case 'While':
      case 'If':
        namedExprs(s.test, info.locals);
        collectLocals(s.body, info);
        collectLocals(s.orelse, info);
        break;
      case 'With':
        for (const item of s.items) if (item.target) target(item.target);
        collectLocals(s.body, info);
        break;
      case 'Try':
        collectLocals(s.body, info);
        for (const h of s.handlers) {
          if (h.name) info.locals.add(h.name);
          collectLocals(h.body, info);
        }
        collectLocals(s.orelse, info);
        collectLocals(s.finalbody, info);
        break;
      case 'FunctionDef':
      case 'ClassDef':
        info.locals.add(s.name);
        break;
      case 'Import':
        for (const a of s.names) info.locals.add(a.asname ?? a.name.split('.')[0]!);
        break;
      case 'ImportFrom':
        if (s.names !== '*') for (const a of s.names) info.locals.add(a.asname ?? a.name);
        break;
      case 'Delete':
        s.targets.forEach(target);
        break;
      case 'Global':
        for (const n of s.names) info.globals.add(n);
        break;
      case 'Nonlocal':
        for (const n of s.names) info.nonlocals.add(n);
        break;
      default:
        break;
    }
  }
}

/** Walrus targets inside an expression (they bind in the enclosing function). */
function namedExprs(e: ast.Expr, out: Set<string>): void {
  if (e.kind === 'NamedExpr') out.add(e.target.id);
  if (e.kind === 'Lambda') return;
  ast.forEachChild(e, (c) => namedExprs(c, out));
}

function comprehensionLocals(e: ast.ComprehensionExpr): Set<string> {
  const names = new Set<string>();
  const target = (t: ast.Expr): void => {
    if (t.kind === 'Name') names.add(t.id);
    else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(target);
    else if (t.kind === 'Starred') target(t.value);
  };
  for (const g of e.generators) target(g.target);
  return names;
}

/** One piece of an f-string: literal text, or a replacement field. */
type FStringPart =
  | string
  | { expr: ast.Expr; conversion?: 'r' | 's' | 'a'; spec?: string; specNode?: ast.StringLiteral; debug?: string };

/** Splits an f-string's text (as written, escapes applied) into literal text and fields. */
function parseFString(text: string, range: SourceRange): FStringPart[] {
  const parts: FStringPart[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '{' && text[i + 1] === '{') {
      lit += '{';
      i += 2;
      continue;
    }
    if (c === '}' && text[i + 1] === '}') {
      lit += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      lit += c;
      i++;
      continue;
    }
    // A field: find its end, minding nested brackets and strings.
    let depth = 0;
    let j = i + 1;
    let exprEnd = -1;
    let quote: string | undefined;
    for (; j < text.length; j++) {
      const d = text[j]!;
      if (quote) {
        if (d === quote) quote = undefined;
        continue;
      }
      if (d === '"' || d === "'") quote = d;
      else if (d === '(' || d === '[' || d === '{') depth++;
      else if ((d === ')' || d === ']' || d === '}') && depth > 0) depth--;
      else if (depth === 0 && (d === '}' || d === ':' || (d === '!' && text[j + 1] !== '='))) {
        if (exprEnd < 0) exprEnd = j;
        if (d === '}') break;
        if (d === ':') {
          // The format spec runs to the matching brace and may hold nested fields.
          let k = j + 1;
          let nest = 0;
          for (; k < text.length; k++) {
            if (text[k] === '{') nest++;
            else if (text[k] === '}') {
              if (nest === 0) break;
              nest--;
            }
          }
          j = k;
          break;
        }
      }
    }
    if (exprEnd < 0 || j >= text.length) {
      throw pyError('SyntaxError', "f-string: expecting '}'");
    }
    const field = text.slice(i + 1, j);
    let exprText = text.slice(i + 1, exprEnd);
    let rest = field.slice(exprEnd - i - 1);
    let conversion: 'r' | 's' | 'a' | undefined;
    let spec: string | undefined;
    let debug: string | undefined;
    if (rest.startsWith('!')) {
      conversion = rest[1] as 'r' | 's' | 'a';
      rest = rest.slice(2);
    }
    if (rest.startsWith(':')) spec = rest.slice(1);
    const trimmed = exprText.trimEnd();
    if (trimmed.endsWith('=') && !/[=!<>]=$/.test(trimmed)) {
      debug = exprText;
      exprText = trimmed.slice(0, -1);
    }
    if (lit) parts.push(lit);
    lit = '';
    let expr: ast.Expr;
    try {
      expr = parseExpression(`(${exprText.trim()})`, { origin: { line: range.line, column: range.column } });
    } catch {
      throw pyError('SyntaxError', `f-string: invalid syntax in '{${exprText}}'`);
    }
    parts.push({ expr, conversion, spec, debug });
    i = j + 1;
  }
  if (lit) parts.push(lit);
  return parts;
}

/** Shape mode's join of two values of one name: the same tensor shape and dtype (or the same object) is kept. */
/** True for `name = ...` / `obj.attr = ...` (a shape comment describes one value, not an unpacked tuple). */
function singleTarget(stmt: ast.Assign): boolean {
  return stmt.targets.length === 1 && (stmt.targets[0]!.kind === 'Name' || stmt.targets[0]!.kind === 'Attribute');
}

/** Shape mode: the nested calls of one function that run before a deeper one gives an unknown. */
const SHAPE_MODE_RECURSION = 6;
/** Shape mode: the iterations a flat loop that builds a model's structure runs at most. */
const STRUCTURAL_LOOP_ITERATIONS = 32;
/** Methods a training loop calls (such a loop runs once in shape mode). */
const TRAINING_STEP_METHODS = new Set(['backward', 'step', 'zero_grad']);

/**
 * True for a loop body with no training step (its nested loops, if any, are building loops too) that changes
 * something from one iteration to the next (an assignment, or a method call such as `layers.append(...)`): a loop that builds something. A body of plain
 * calls (`for _ in range(100): check()`) repeats itself and runs once.
 */
function isStructuralLoop(body: readonly ast.ProgramStmt[]): boolean {
  return isFlatLoopBody(body) && changesState(body);
}

/** True when a loop body assigns, or calls a method (which may mutate its object). */
function changesState(stmts: readonly ast.ProgramStmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case 'Assign':
      case 'AugAssign':
      case 'AnnAssign':
        return true;
      case 'Expr':
        return s.value.kind === 'Call' && s.value.func.kind === 'Attribute';
      case 'If':
        return changesState(s.body) || changesState(s.orelse);
      case 'For':
        return changesState(s.body);
      case 'With':
        return changesState(s.body);
      case 'Try':
        return changesState(s.body) || s.handlers.some((h) => changesState(h.body)) || changesState(s.finalbody);
      default:
        return false;
    }
  });
}

/** Methods that grow a container a building loop fills (`layers.append(block)`). */
const GROWING_METHODS = new Set(['append', 'extend', 'insert', 'add_module', 'update', 'add', 'register_buffer']);

/** The names a loop body assigns, and the containers it grows (`layers.append(...)`, `self.blocks.append(...)`). */
function loopEffects(stmts: readonly ast.ProgramStmt[]): { names: Set<string>; grown: ast.Expr[] } {
  const names = new Set<string>();
  const grown: ast.Expr[] = [];
  const targets = (t: ast.Expr): void => {
    if (t.kind === 'Name') names.add(t.id);
    else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(targets);
    else if (t.kind === 'Starred') targets(t.value);
  };
  const walk = (body: readonly ast.ProgramStmt[]): void => {
    for (const s of body) {
      switch (s.kind) {
        case 'Assign':
          s.targets.forEach(targets);
          break;
        case 'AugAssign':
        case 'AnnAssign':
          targets(s.target);
          break;
        case 'Expr':
          if (s.value.kind === 'Call' && s.value.func.kind === 'Attribute' && GROWING_METHODS.has(s.value.func.attr))
            grown.push(s.value.func.value);
          break;
        case 'For':
          targets(s.target);
          walk(s.body);
          walk(s.orelse);
          break;
        case 'If':
          walk(s.body);
          walk(s.orelse);
          break;
        case 'With':
          walk(s.body);
          break;
        case 'Try':
          walk(s.body);
          s.handlers.forEach((h) => walk(h.body));
          walk(s.orelse);
          walk(s.finalbody);
          break;
        default:
          break;
      }
    }
  };
  walk(stmts);
  return { names, grown };
}

/** True for a loop body with no training step, whose nested loops (if any) are such loops too. */
function isFlatLoopBody(body: readonly ast.ProgramStmt[]): boolean {
  const trainingCall = (e: ast.Expr): boolean => {
    if (e.kind === 'Call' && e.func.kind === 'Attribute' && TRAINING_STEP_METHODS.has(e.func.attr)) return true;
    let found = false;
    ast.forEachChild(e, (c) => {
      if (!found && trainingCall(c)) found = true;
    });
    return found;
  };
  const flat = (stmts: readonly ast.ProgramStmt[]): boolean =>
    stmts.every((s) => {
      switch (s.kind) {
        case 'For':
          // A nested building loop (blocks per stage, `for stride in strides:`) builds too.
          return !trainingCall(s.iter) && flat(s.body) && flat(s.orelse);
        case 'While':
          return false;
        case 'Expr':
          return !trainingCall(s.value);
        case 'Assign':
        case 'AugAssign':
          return !trainingCall(s.value);
        case 'If':
          return !trainingCall(s.test) && flat(s.body) && flat(s.orelse);
        case 'With':
          return flat(s.body);
        case 'Try':
          return flat(s.body) && s.handlers.every((h) => flat(h.body)) && flat(s.orelse) && flat(s.finalbody);
        default:
          return true;
      }
    });
  return flat(body);
}

function sameShapeAndDType(a: PyValue, b: PyValue): boolean {
  const tensorLike = (v: PyValue): v is TorchTensor | SymTensor => isTensorValue(v) || v instanceof SymTensor;
  if (!tensorLike(a) || !tensorLike(b)) return false;
  return a.dtype === b.dtype && shapesEqual(a.shape, b.shape) === true;
}

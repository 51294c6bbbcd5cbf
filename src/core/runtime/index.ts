/**
 * Runs a whole Python program — the tutorials and loss code people paste, with their functions, classes, loops and
 * prints — exactly as Python and PyTorch would, without Python: the program's standard output, every loss call it
 * made (with its line and loop iteration), and a located diagnostic for whatever stopped it (an uncaught Python
 * exception with its traceback line, the step budget, something not modelled or not safe to run).
 *
 * Nothing the program does reaches outside it: no files, network, processes or environment.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { Origin } from '../python/lexer';
import { parseProgram } from '../python/program';
import type { ProgramCache } from '../python/programCache';
import { SourceText } from '../snippet/source';
import { BudgetStop, Cancelled, NotModelledStop, PyException, type RunControl } from './errors';
import { DEFAULT_LIMITS, boundNames, type RuntimeLimits, type Scope } from './interpreter';
import { TorchBridge, type RuntimeLossCall } from './torch-bridge';
import { PyFunction, PyUnknown, type PyValue } from './values';
import { tensorFromAnnotation } from './shape-mode';
import { ModuleLoader, type ImportNote, type ImportOptions } from './imports';
import type { ModulePlace } from './interpreter';

export type { RuntimeLossCall } from './torch-bridge';
export type { CustomLossCall } from './custom-loss';
export type { ImportNote, ImportOptions, ModuleResolver, ModuleSource } from './imports';
export { ModuleCache } from './imports';
export { ProgramCache } from '../python/programCache';
export { Cancelled, type RunControl } from './errors';
export type { ModulePlace } from './interpreter';
import type { CustomLossCall } from './custom-loss';

/** Options of {@link runProgram}. */
export interface RunOptions {
  /** Where the text starts in its document (a selection). */
  readonly origin?: Origin;
  readonly limits?: Partial<RuntimeLimits>;
  /** Which PyTorch (and with it which NumPy) the run behaves as: '2.x' (NumPy 2) by default, or '1.13' (NumPy 1). */
  readonly torchVersion?: '2.x' | '1.13';
  /**
   * The seed of the draws a program makes without seeding first (default 0: the numbers Python gives after
   * `torch.manual_seed(0)`, `np.random.seed(0)`, `random.seed(0)`). A program's own seeds are honoured.
   */
  readonly seed?: number;
  /**
   * `shape`: shape mode, as `check` runs a file: what the program cannot know (third-party calls, files, function
   * parameters no call reaches) is unknown or symbolic instead of stopping the run, both branches of an unknown `if`
   * run, loops run once, random draws have a shape and no numbers.
   */
  readonly mode?: 'value' | 'shape';
  /**
   * How the caller may stop the run early (a newer edit superseded it): the run then throws {@link Cancelled}, and
   * gives neither an answer nor a diagnostic.
   */
  readonly control?: RunControl;
  /**
   * Follows imports of the program's own modules (`from model import Net`) through the caller's resolver; without
   * it every import that is not torch, numpy or the standard library is unknown.
   */
  readonly imports?: ImportOptions;
  /**
   * Parse with this cache of top-level statements (the snippet worker keeps one, so a check after an edit parses only
   * the statements that changed); without it the whole text is parsed.
   */
  readonly programCache?: ProgramCache;
  /**
   * The caller does not read `stdout` (a file check): `print` writes nothing and formats only what may run the
   * program's own code, so the run does not spend its time formatting tensors no one sees.
   */
  readonly quiet?: boolean;
}

/** What a run produced. */
export interface ProgramRun {
  /** False when the text is not a complete Python program (a syntax error): nothing was run. */
  readonly parsed: boolean;
  /** Exactly the text the program printed, up to where it stopped. */
  readonly stdout: string;
  /** Every loss call, in the order it ran. */
  readonly calls: readonly RuntimeLossCall[];
  /** The hand-written losses it called (functions and modules named like a loss), with the built-in beside each. */
  readonly customLosses: readonly CustomLossCall[];
  /** Why the run stopped early, and the syntax errors of a program that was not run. */
  readonly diagnostics: readonly Diagnostic[];
  /** Jupyter's display of the value of a last bare expression, when there is one. */
  readonly displayed?: string;
  /** True when the program ran to its end. */
  readonly completed: boolean;
  /** Every name the program binds somewhere (a NameError for another name means the text is a fragment). */
  readonly boundNames: ReadonlySet<string>;
  /** Set when the program drew random numbers without seeding first: the seed used, and by which libraries. */
  readonly randomDraw?: { readonly seed: number; readonly libraries: readonly string[] };
  /** Shape mode: PyTorch's errors of tensor ops on symbolic shapes, at their statements. */
  readonly shapeErrors?: readonly {
    readonly range: SourceRange;
    readonly message: string;
    readonly pyType: string;
    /** Set when PyTorch refuses an argument's type (a NumPy dtype), whatever the sizes and values. */
    readonly onTypes?: true;
    /** Set for an error inside an imported module (its range is in that module's file). */
    readonly inModule?: ModulePlace;
  }[];
  /** Notes on the program's own imports (a cycle), at the program's statements. */
  readonly importNotes?: readonly ImportNote[];
}

/** Runs a program. Never throws for user input. */
export function runProgram(text: string, options: RunOptions = {}): ProgramRun {
  const version = options.torchVersion ?? '2.x';
  // torch 2.14 comes with Python 3.12+ (f-string fields may span lines); torch 1.13 with Python 3.11.
  const parseOptions = { origin: options.origin, fstringNewlines: version !== '1.13' };
  const program = options.programCache
    ? options.programCache.parse(text, parseOptions)
    : parseProgram(text, parseOptions);
  if (program.diagnostics.length > 0) {
    return {
      parsed: false,
      stdout: '',
      calls: [],
      customLosses: [],
      diagnostics: program.diagnostics,
      completed: false,
      boundNames: new Set(),
    };
  }
  const source = new SourceText(text, options.origin);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const bridge = new TorchBridge(source, limits, {
    numpyMajor: version === '1.13' ? 1 : 2,
    torchVersion: version,
    seed: options.seed ?? 0,
    shapeMode: options.mode === 'shape',
    quiet: options.quiet === true,
    ...(options.control ? { control: options.control } : {}),
  });
  const loader = options.imports ? new ModuleLoader(bridge.interp, options.imports, version !== '1.13') : undefined;
  if (loader) bridge.interp.importer = loader;
  const diagnostics: Diagnostic[] = [];
  let completed = false;
  // Python's exceptions are the interpreter's control flow (a checked file raises one per mistake) and are never
  // shown with a JavaScript stack: V8 need not capture one for each.
  // (V8's property; the core also builds for the webview, whose typings do not declare it.)
  const v8Error = Error as unknown as { stackTraceLimit?: number };
  const stackTraceLimit = v8Error.stackTraceLimit;
  v8Error.stackTraceLimit = 0;
  try {
    bridge.interp.runModule(program.body);
    if (options.mode === 'shape') runUncalledFunctions(bridge);
    completed = true;
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    diagnostics.push(stopDiagnostic(e, bridge, program.range));
  } finally {
    v8Error.stackTraceLimit = stackTraceLimit;
  }
  diagnostics.push(...bridge.checkNotes);
  for (const w of bridge.warnings) {
    diagnostics.push({
      ...w.range,
      severity: 'warning',
      code: 'runtime/warning',
      message: `UserWarning: ${w.message}`,
      explanation: 'PyTorch prints this warning here (to stderr); the program goes on.',
      hint: 'Do what the warning asks, so the code keeps working when PyTorch changes the default.',
      data: { line: w.range.line },
    });
  }
  for (const a of bridge.assumed) {
    diagnostics.push({
      ...a.range,
      severity: 'info',
      code: 'runtime/assumed-import',
      message: `Assumed \`${a.statement}\`: '${a.name}' is used without an import.`,
      explanation: `In Python this line raises a NameError, since ${a.name} is not defined. Tutorials often leave the imports out, so Loss Lens assumes the usual one.`,
      hint: `Add \`${a.statement}\` at the top to run this code in Python.`,
      data: { name: a.name, statement: a.statement },
    });
  }
  const last = program.body[program.body.length - 1];
  let displayed: string | undefined;
  const value: PyValue | undefined = bridge.interp.lastExpression;
  if (completed && last?.kind === 'Expr' && value !== undefined && value !== null && !isPrintCall(last.value)) {
    try {
      displayed = bridge.repr(value);
    } catch {
      displayed = undefined;
    }
  }
  const unseeded = bridge.random.unseeded;
  const libraries = [
    unseeded.torch ? 'torch' : '',
    unseeded.numpy ? 'numpy' : '',
    unseeded.python ? 'random' : '',
  ].filter(Boolean);
  const seed = options.seed ?? 0;
  if (libraries.length > 0) {
    const lines = [
      unseeded.torch ? `torch.manual_seed(${seed})` : '',
      unseeded.numpy ? `np.random.seed(${seed})` : '',
      unseeded.python ? `random.seed(${seed})` : '',
    ].filter(Boolean);
    diagnostics.push({
      ...program.range,
      endLine: program.range.line,
      endColumn: program.range.column,
      severity: 'info',
      code: 'runtime/random-draw',
      message: `Random inputs: one draw, seed ${seed}.`,
      explanation: `The program draws random numbers without setting a seed, so every Python run differs. Loss Lens computed the draw Python makes after ${lines.join(', ')}.`,
      hint: `Add ${lines.join('; ')} at the top to get these numbers in Python, or ask Loss Lens for another draw.`,
      data: { seed, libraries: libraries.join(', ') },
    });
  }
  let bound: ReadonlySet<string> | undefined;
  return {
    parsed: true,
    stdout: bridge.stdout,
    calls: bridge.calls,
    customLosses: bridge.customLosses,
    diagnostics,
    completed,
    // Walked only when asked for (a fragment's fallback): a whole-file check never needs it.
    get boundNames(): ReadonlySet<string> {
      bound ??= boundNames(program.body);
      return bound;
    },
    ...(displayed !== undefined ? { displayed } : {}),
    ...(libraries.length > 0 ? { randomDraw: { seed, libraries } } : {}),
    ...(options.mode === 'shape' ? { shapeErrors: bridge.shapeErrors } : {}),
    ...(loader && loader.notes.length > 0 ? { importNotes: loader.notes } : {}),
  };
}

/**
 * Shape mode: the module's functions no call reached run once, each parameter taking the tensor its annotation
 * describes (jaxtyping, `Annotated`) or an unknown value, so the loss calls inside them are checked too.
 */
function runUncalledFunctions(bridge: TorchBridge): void {
  const interp = bridge.interp;
  for (const [name, fn] of [...interp.globals.vars]) {
    if (!(fn instanceof PyFunction) || interp.called.has(fn) || fn.node.kind !== 'FunctionDef') continue;
    // An imported function is its own module's to check.
    if ((fn.closure as Scope).root !== interp.globals) continue;
    const args: PyValue[] = [];
    for (const p of fn.node.params) {
      if (p.kind !== 'normal' || p.default) break;
      args.push(
        (p.annotation && tensorFromAnnotation(p.annotation, bridge.symbols)) ??
          new PyUnknown(`the parameter '${p.name}' of ${name}(), which no call in the file reaches`),
      );
    }
    try {
      interp.callFunction(fn, args, new Map());
    } catch (e) {
      if (e instanceof BudgetStop) throw e;
      // Whatever stopped the function was recorded where it happened; the next function runs.
    }
  }
}

function isPrintCall(e: { kind: string; func?: { kind: string; id?: string } }): boolean {
  return e.kind === 'Call' && e.func?.kind === 'Name' && e.func.id === 'print';
}

/** The diagnostic for what ended a run early. */
function stopDiagnostic(e: unknown, bridge: TorchBridge, whole: SourceRange): Diagnostic {
  const at = (r: SourceRange | undefined): SourceRange => r ?? bridge.interp.current ?? whole;
  if (e instanceof PyException) {
    const cls = e.value.cls.name;
    const text = bridge.str(e.value);
    const r = at(e.range);
    return {
      ...r,
      severity: 'error',
      code: 'runtime/exception',
      message: text ? `${cls}: ${text}` : cls,
      explanation: `Python would stop here with ${cls} (line ${r.line}); nothing after it ran.`,
      hint: 'Fix the cause above, or catch the exception with try/except.',
      data: { exception: cls, line: r.line },
    };
  }
  if (e instanceof BudgetStop) {
    const r = at(e.range);
    return {
      ...r,
      // A check that stops at the budget reports what it found before; the stop is not a mistake in the file.
      severity: bridge.shapeMode ? 'info' : 'error',
      code: 'runtime/budget',
      message: e.message,
      explanation:
        'Loss Lens stops a program after a fixed number of steps, so a loop that never ends cannot freeze the editor; the count is the same on every machine.',
      hint: 'Make the loop shorter (fewer epochs or batches), or select only the part that computes the loss.',
      data: { line: r.line },
    };
  }
  if (e instanceof NotModelledStop) {
    const r = at(e.range);
    return {
      ...r,
      severity: e.reason === 'unsafe' ? 'warning' : 'info',
      code: e.reason === 'unsafe' ? 'runtime/not-run' : 'runtime/not-modelled',
      message: e.reason === 'unsafe' ? `Not run: ${e.what}` : `Not evaluated: ${e.what} is not modelled by Loss Lens`,
      explanation:
        e.reason === 'unsafe'
          ? 'Loss Lens never touches files, the network, processes or the environment: the program stopped here, and what it computed before is shown.'
          : 'Loss Lens computes what it models exactly, and stops where it would have to guess: what the program computed before this line is shown.',
      hint:
        e.reason === 'unsafe'
          ? 'Replace the file or network access with the tensors it would load.'
          : 'Select the code after this line, or replace this call with the tensors it produces.',
      data: { what: e.what, line: r.line },
    };
  }
  const r = at(undefined);
  return {
    ...r,
    severity: 'info',
    code: 'internal/error',
    message: `Loss Lens could not run this program: ${e instanceof Error ? e.message : String(e)}`,
    explanation: 'This is a bug in Loss Lens, not in your code.',
  };
}

/**
 * Python snippets: evaluate the loss calls in a selection (value mode), or check a whole file for the shape and dtype
 * mistakes PyTorch would raise at its loss calls (shape mode). Pure TypeScript; never throws for user input.
 */
import type { TorchVersion } from '../losses/types';
import type { Diagnostic, SourceRange } from '../diagnostics';
import { evaluatorEntries } from '../entries';
import type { Call, Name } from '../python/ast';
import { parseModule } from '../python/parser';
import type { Origin } from '../python/lexer';
import { runLoss } from '../run';
import {
  Cancelled,
  runProgram,
  type CustomLossCall,
  type ImportOptions,
  type ModulePlace,
  type ProgramCache,
  type ProgramRun,
  type RunControl,
} from '../runtime/index';
import type { ArgumentShape } from '../runtime/shape-mode';
import { Interpreter, type SnippetTensor } from './interpreter';
import { lossByName, type SnippetCall } from './loss-calls';
import { SourceText } from './source';
import type { Arg, TensorValue } from './values';

export type { SnippetCall } from './loss-calls';
export { Cancelled, ProgramCache, type RunControl } from '../runtime/index';
export type { SnippetTensor } from './interpreter';

/** Options of {@link evaluateSnippet} and {@link checkSnippet}. */
export interface SnippetOptions {
  /** With no loss call in the snippet, apply this loss (functional or module name) to its first two tensors. */
  readonly loss?: string;
  /** Where the text starts in its document (a selection), so every range is a document position. */
  readonly origin?: Origin;
  /** Whose PyTorch the loss calls follow (default: current, 2.x). */
  readonly torchVersion?: TorchVersion;
  /** The seed of the random draws a whole program makes without seeding first (default 0). */
  readonly seed?: number;
  /** The caller's cache of parsed top-level statements, kept between runs of the same document (see {@link runProgram}). */
  readonly programCache?: ProgramCache;
}

/** Options of {@link checkSnippet}. */
export interface CheckOptions extends Omit<SnippetOptions, 'loss'> {
  /**
   * Follow the file's imports of its own modules (`from model import Net`): the file's path and how to find the
   * modules. An error PyTorch raises inside an imported module, in code this file calls, is reported on this file's
   * line that called it, with `raisedAt` naming the module's file and line; a module's errors of its own (its top
   * level, its functions no call of this file reaches) are that module's, reported when it is checked.
   */
  readonly imports?: ImportOptions;
}

/** What evaluating a snippet found. */
export interface SnippetEvaluation {
  /** Every loss call, in the order it ran. */
  readonly calls: readonly SnippetCall[];
  /** Every diagnostic (the calls' included), sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** The tensors the snippet assigns, in order (for hovers). */
  readonly tensors: readonly SnippetTensor[];
  /** What the program printed, when it ran as a whole program (see {@link runProgram}). */
  readonly stdout?: string;
  /** Jupyter's display of a last bare expression's value. */
  readonly displayed?: string;
  /** True when the text ran as a whole Python program (false: a fragment, evaluated statement by statement). */
  readonly program?: boolean;
  /** The hand-written losses the program called, each with the built-in it resembles. */
  readonly customLosses?: readonly CustomLossCall[];
  /** Set when the program drew random numbers without seeding first: the seed used, and by which libraries. */
  readonly randomDraw?: { readonly seed: number; readonly libraries: readonly string[] };
}

/** What checking a file found. */
export interface SnippetCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** Every loss call the shape-mode run reached, with what it knew of each argument. */
  readonly calls?: readonly CheckedCall[];
}

/** A loss call as `check --json` lists it. */
export interface CheckedCall {
  readonly line: number;
  readonly column: number;
  readonly fn: string;
  readonly args: readonly ArgumentShape[];
}

/** Values up to this many elements are computed in value mode. */
const VALUE_MODE_ELEMENTS = 1_000_000;

function byPosition(a: SourceRange, b: SourceRange): number {
  return a.line - b.line || a.column - b.column;
}

function sorted(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(byPosition);
}

function internalError(e: unknown, origin: Origin | undefined): Diagnostic {
  const line = origin?.line ?? 1;
  const column = origin?.column ?? 1;
  return {
    line,
    column,
    endLine: line,
    endColumn: column,
    severity: 'info',
    code: 'internal/error',
    message: `Loss Lens could not evaluate this snippet: ${e instanceof Error ? e.message : String(e)}`,
    explanation: 'This is a bug in Loss Lens, not in your code.',
  };
}

/**
 * Evaluates a snippet top to bottom in value mode. Every loss call gets its result (when all its tensors are known and
 * PyTorch accepts it) and its diagnostics at the call's range. Blocks are skipped with an info diagnostic.
 */
export function evaluateSnippet(
  text: string,
  options: SnippetOptions = {},
  control: RunControl = {},
): SnippetEvaluation {
  evaluatorEntries.evaluate++;
  const straight = evaluateStatements(text, options);
  const run = runProgram(text, {
    origin: options.origin,
    control,
    ...(options.torchVersion ? { torchVersion: options.torchVersion } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.programCache ? { programCache: options.programCache } : {}),
  });
  // A fragment that is not a whole program (a printout pasted beside code, a cut-off selection) is evaluated
  // statement by statement, as before.
  if (!run.parsed || (options.loss && run.calls.length === 0)) return straight;
  const stop = run.diagnostics[0];
  // A selection that uses a name it never defines (`model`, `batch`) is a fragment of a bigger program: its
  // unknowns stay unknown, statement by statement, as before.
  const undefinedName =
    stop?.code === 'runtime/exception' ? /^NameError: name '(\w+)' is not defined$/.exec(stop.message)?.[1] : undefined;
  if (undefinedName && !run.boundNames.has(undefinedName)) return straight;
  const stoppedByTorch =
    stop?.code === 'runtime/exception' && run.calls.some((c) => c.diagnostics.some((d) => d.severity === 'error'));
  let calls: SnippetCall[] = [...run.calls];
  const own: Diagnostic[] = stop && !stoppedByTorch ? [stop] : [];
  // A run that stopped short of the end (something not modelled or not safe, a budget) left statements unread.
  const cutShort =
    stop !== undefined &&
    (stop.code === 'runtime/not-modelled' || stop.code === 'runtime/not-run' || stop.code === 'runtime/budget');
  if (cutShort) {
    // Past the line where the run stopped, the statement-by-statement evaluator still reads what it can; the
    // statement that stopped the run never finished, so its calls come from the statement evaluator too.
    const ran = new Set(calls.map((c) => `${c.range.line}:${c.range.column}`));
    calls = [
      ...calls,
      ...straight.calls.filter(
        (c) =>
          c.range.line > stop.line || (c.range.line === stop.line && !ran.has(`${c.range.line}:${c.range.column}`)),
      ),
    ];
    // And what it says about those statements (budgets, unknown names), but not its notes on skipped blocks.
    const fromStatements = new Set(straight.calls.flatMap((c) => c.diagnostics));
    own.push(
      ...straight.diagnostics.filter(
        (d) =>
          d.line >= stop.line &&
          !fromStatements.has(d) &&
          d.code !== 'snippet/skipped' &&
          !d.code.startsWith('python/'),
      ),
    );
  }
  // The note that the numbers are one draw of an unseeded program goes with the result, whatever else the run said.
  const drawNote = run.diagnostics.find((d) => d.code === 'runtime/random-draw');
  if (drawNote && !own.includes(drawNote)) own.push(drawNote);
  const all = [...own, ...calls.flatMap((c) => c.diagnostics)];
  return {
    calls,
    diagnostics: sorted(all),
    tensors: straight.tensors,
    stdout: run.stdout,
    program: true,
    ...(run.customLosses.length > 0 ? { customLosses: run.customLosses } : {}),
    ...(run.displayed !== undefined ? { displayed: run.displayed } : {}),
    ...(run.randomDraw ? { randomDraw: run.randomDraw } : {}),
  };
}

/** The statement-by-statement evaluator (fragments, and the tensors hovers show). */
function evaluateStatements(text: string, options: SnippetOptions): SnippetEvaluation {
  const source = new SourceText(text, options.origin);
  const interpreter = new Interpreter(source, 'value', { maxElements: VALUE_MODE_ELEMENTS }, options.torchVersion);
  try {
    interpreter.run();
    if (options.loss && interpreter.calls.length === 0) applyNamedLoss(interpreter, options.loss, source);
  } catch (e) {
    interpreter.diagnostics.push(internalError(e, options.origin));
  }
  const all = [...interpreter.diagnostics, ...interpreter.calls.flatMap((c) => c.diagnostics)];
  return { calls: interpreter.calls, diagnostics: sorted(all), tensors: interpreter.tensors };
}

/**
 * Checks a file in shape mode: every loss call (inside functions and loops too) is checked against the rules PyTorch
 * applies, on shapes and dtypes, and on values only where they are written in the file.
 */
export function checkSnippet(text: string, options: CheckOptions = {}, control: RunControl = {}): SnippetCheck {
  evaluatorEntries.check++;
  // The whole program in shape mode: calls inside classes, forwards, DataLoader loops and functions (and the
  // project's modules it imports), with symbolic batch sizes; each loss call's errors, warnings and fixes as the
  // engine gives them on known shapes.
  const shape = shapeModeCheck(text, options, control);
  return { diagnostics: sorted([...shape.diagnostics, ...shape.notes]), calls: shape.calls };
}

/** The shape-mode run of a file: the diagnostics of its loss calls and tensor ops, and every loss call it reached. */
function shapeModeCheck(
  text: string,
  options: CheckOptions,
  control: RunControl,
): { diagnostics: Diagnostic[]; calls: CheckedCall[]; notes: Diagnostic[] } {
  let run: ProgramRun;
  try {
    run = runProgram(text, {
      mode: 'shape',
      // A check shows diagnostics, never the program's output.
      quiet: true,
      control,
      origin: options.origin,
      ...(options.torchVersion ? { torchVersion: options.torchVersion } : {}),
      ...(options.imports ? { imports: options.imports } : {}),
      ...(options.programCache ? { programCache: options.programCache } : {}),
    });
  } catch (e) {
    if (e instanceof Cancelled) throw e;
    return { diagnostics: [internalError(e, options.origin)], calls: [], notes: [] };
  }
  const seen = new Set<string>();
  const calls: CheckedCall[] = [];
  const diagnostics: Diagnostic[] = [];
  // The text's lines, for placing notes and errors raised in an imported module (only those need them).
  let lines: SourceText | undefined;
  const source = (): SourceText => (lines ??= new SourceText(text, options.origin));
  const raisedInModule = (d: Diagnostic, inModule: ModulePlace): void => {
    // The module's own errors (at its import) are the module's; errors in code this file called come here.
    if (!inModule.via) return;
    const key = `${inModule.via.line}:${inModule.file}:${d.line}:${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(relocated(d, inModule.file, firstLine(inModule.via, source())));
  };
  for (const c of run.calls) {
    if (c.inModule) {
      for (const d of c.diagnostics) if (d.severity === 'error') raisedInModule(d, c.inModule);
      continue;
    }
    const key = `${c.range.line}:${c.range.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    calls.push({ line: c.range.line, column: c.range.column, fn: c.fn, args: c.args ?? [] });
    // The engine's notes (what a weighted mean divides by...) belong to a computed value, not to a file check.
    diagnostics.push(...c.diagnostics.filter((d) => d.severity !== 'info'));
  }
  // The run's own warnings (PyTorch's UserWarnings, a literal checked by shape only); syntax errors stay notes, as the
  // editor's Python support reports them already. A file that does not parse: the statement parser's account, which
  // names Python's own error (TabError, …).
  const own = run.parsed ? run.diagnostics : parseModule(text, { origin: options.origin }).diagnostics;
  for (const d of own.length > 0 ? own : run.diagnostics) {
    if (d.code.startsWith('python/')) diagnostics.push({ ...d, severity: 'info' });
    // The step budget ends a check early: the lines after it were not checked, and the note says where it stopped.
    else if (d.severity !== 'info' || d.code === 'runtime/budget') diagnostics.push(d);
  }
  // A loop walked once per batch size may raise on a line for each: the first is what PyTorch stops at.
  const errorLines = new Set<number>();
  for (const e of run.shapeErrors ?? []) {
    const d: Diagnostic = {
      ...e.range,
      severity: 'error',
      code: 'shape/op-error',
      message: `${e.pyType}: ${e.message}`,
      ...(e.onTypes
        ? {
            explanation: `PyTorch raises this here whatever the sizes and values: it refuses the type of an argument (line ${e.range.line}).`,
            hint: "Give a torch dtype: dtype=torch.float32, .to(torch.float32) (NumPy's 'float32' and np.float32 are not torch dtypes).",
          }
        : {
            explanation: `PyTorch raises this here for every size the unknown dimensions could take (line ${e.range.line}).`,
            hint: 'Make the shapes agree: print the shapes of the tensors on this line to see which one differs.',
          }),
      data: { line: e.range.line },
    };
    if (e.inModule) raisedInModule(d, e.inModule);
    else if (!errorLines.has(e.range.line)) {
      errorLines.add(e.range.line);
      diagnostics.push(d);
    }
  }
  const notes = (run.importNotes ?? []).map((n): Diagnostic => ({
    ...firstLine(n.range, source()),
    severity: 'info',
    code: n.code,
    message: n.message,
    explanation:
      'Python hands a module that is still being imported over half-built: only the names defined before the import that closed the circle exist yet.',
    hint: 'Move the import that closes the circle into the function that needs it, or move the shared code into a module both can import.',
    data: n.data,
  }));
  return { diagnostics, calls, notes };
}

/** The first line of a statement's range (a `for` or `with` statement spans its whole body). */
function firstLine(range: SourceRange, source: SourceText): SourceRange {
  if (range.endLine === range.line) return range;
  const rest = source
    .slice({ line: range.line, column: range.column, endLine: range.line + 1, endColumn: 1 })
    .replace(/\r?\n$|\r$/, '');
  return { line: range.line, column: range.column, endLine: range.line, endColumn: range.column + rest.length };
}

/** An error PyTorch raises inside an imported module, placed on the checked file's line that called into it. */
function relocated(d: Diagnostic, file: string, at: SourceRange): Diagnostic {
  const name = file.split(/[\\/]/).pop() ?? file;
  const where = `PyTorch raises this in ${name}, line ${d.line}, inside the code this line calls.`;
  return {
    ...at,
    severity: d.severity,
    code: d.code,
    message: d.message,
    explanation: d.explanation ? `${where} ${d.explanation}` : where,
    ...(d.hint ? { hint: d.hint } : {}),
    data: { ...d.data, file: name, raisedLine: d.line },
    raisedAt: { file, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn },
  };
}

/** `--loss NAME` on a snippet without loss calls: the loss of its first two tensors. */
function applyNamedLoss(interpreter: Interpreter, name: string, source: SourceText): void {
  const loss = lossByName(name);
  const first = interpreter.tensors[0];
  const range = first?.range ?? {
    line: source.origin.line,
    column: source.origin.column,
    endLine: source.origin.line,
    endColumn: source.origin.column,
  };
  if (!loss) {
    const outcome = runLoss({ loss: name, inputs: {}, options: {}, range });
    interpreter.calls.push({ range, fn: name, diagnostics: [...outcome.diagnostics] });
    return;
  }
  const picked = interpreter.recorded.slice(0, 2);
  if (picked.length < 2) {
    interpreter.calls.push({
      range,
      fn: loss.fn,
      diagnostics: [
        {
          ...range,
          severity: 'error',
          code: 'snippet/no-tensors',
          message: `${loss.fn} needs two tensors, but the snippet has ${picked.length === 0 ? 'none' : 'only one'}.`,
          explanation: `With --loss and no loss call in the snippet, Loss Lens applies ${loss.fn} to the first two tensors the snippet defines.`,
          hint: 'Select code that defines the input and the target, or a line that calls the loss.',
          data: { loss: loss.fn, tensors: picked.length },
        },
      ],
    });
    return;
  }
  const [a, b] = picked as [
    { name: string; range: SourceRange; value: TensorValue },
    { name: string; range: SourceRange; value: TensorValue },
  ];
  const callRange: SourceRange = {
    line: a.range.line,
    column: a.range.column,
    endLine: b.range.endLine,
    endColumn: b.range.endColumn,
  };
  const node = (t: { name: string; range: SourceRange }): Name => ({ kind: 'Name', id: t.name, range: t.range });
  const call: Call = {
    kind: 'Call',
    func: { kind: 'Name', id: loss.fn, range: callRange },
    args: [node(a), node(b)],
    keywords: [],
    range: callRange,
  };
  const args: Arg[] = [
    { value: a.value, node: call.args[0]! },
    { value: b.value, node: call.args[1]! },
  ];
  interpreter.applyLoss({
    loss,
    style: 'functional',
    call,
    args: { positional: args, keywords: new Map(), dynamic: false },
  });
}
export { firstArgumentRange, rowRanges } from './rows';

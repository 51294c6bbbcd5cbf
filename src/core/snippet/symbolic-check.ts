/**
 * The loss engine's shape checks over symbolic shapes (`[B*T, 10]` against `[B]`). The engine itself runs, on
 * placeholder tensors of the sizes the symbols take under several bindings; an error is reported only when every
 * binding gives it with the same text once the numbers are read back as the symbols (so it holds for every value
 * the symbols could take, as far as the bindings tell), and its message shows the symbols:
 * `Expected input batch_size (B*T) to match target batch_size (B).`
 *
 * Dtype mistakes that depend on one argument only (a Long target for BCELoss, a float target for NLL) are checked
 * even when the other argument is unknown, against a stand-in for it that cannot cause an error of its own.
 */
import type { Diagnostic, SourceRange } from '../diagnostics';
import type { LossDefinition, OptionValue, TorchVersion } from '../losses/types';
import { isFloating, type DType } from '../tensor';
import { isKnown, mulDims, showDim, symbolsOf, type Dim } from '../torch/symbolic/dim';
import { runOnShapes, type ShapeOutcome } from './check';

/** A loss input known by its (possibly symbolic) shape and dtype. */
export interface SymbolicInput {
  readonly shape: readonly Dim[];
  readonly dtype: DType;
}

/** An engine tensor of numbers (what {@link runOnShapes} takes). */
interface NumericInput {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What the engine found on symbolic shapes. */
export interface SymbolicOutcome {
  readonly diagnostics: Diagnostic[];
  /** The output's shape (symbolic) and dtype when every binding accepts the call. */
  readonly output?: { readonly shape: readonly Dim[]; readonly dtype: DType };
}

// Sizes the symbols take: primes far from the sizes people write, so a number in a message reads back as one dim.
const DISTINCT = [1009, 1013, 1019, 1021, 1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069, 1087, 1091, 1093, 1097];
const SHARED = 1103;

/** The value of a dim under a binding of its atoms. */
function evaluate(d: Dim, binding: ReadonlyMap<string, number>): number {
  if (isKnown(d)) return d;
  let total = 0;
  for (const t of d.terms.values()) total += t.atoms.reduce((p, a) => p * binding.get(a)!, t.coefficient);
  return total;
}

/** Every contiguous product of a shape's dims (`B*T` of `[B, T, C]`), which messages print as flattened sizes. */
function products(shape: readonly Dim[]): Dim[] {
  const out: Dim[] = [];
  for (let i = 0; i < shape.length; i++) {
    let p: Dim = 1;
    for (let j = i; j < shape.length; j++) {
      p = mulDims(p, shape[j]!);
      out.push(p);
    }
  }
  return out;
}

/**
 * Runs the engine on a call whose shapes may hold symbols. Shapes of plain numbers go straight to
 * {@link runOnShapes}.
 */
export function runOnSymbolicShapes(
  def: LossDefinition,
  inputs: Readonly<Record<string, SymbolicInput>>,
  options: Readonly<Record<string, OptionValue>>,
  range: SourceRange,
  cache?: Map<string, ShapeOutcome>,
  torchVersion?: TorchVersion,
): SymbolicOutcome {
  const atoms = [
    ...new Set(Object.values(inputs).flatMap((t) => t.shape.flatMap((d) => (isKnown(d) ? [] : atomsOf(d))))),
  ];
  if (atoms.length === 0 || atoms.length > DISTINCT.length) {
    if (atoms.length > 0) return { diagnostics: [] };
    const outcome = runOnShapes(def, inputs as Record<string, NumericInput>, options, range, cache, torchVersion);
    return {
      diagnostics: outcome.diagnostics,
      ...(outcome.output ? { output: outcome.output } : {}),
    };
  }
  const distinct = new Map(atoms.map((a, i) => [a, DISTINCT[i]!]));
  const bind = (binding: ReadonlyMap<string, number>): Record<string, NumericInput> =>
    Object.fromEntries(
      Object.entries(inputs).map(([k, t]) => [k, { shape: t.shape.map((d) => evaluate(d, binding)), dtype: t.dtype }]),
    );
  const first = runOnShapes(def, bind(distinct), options, range, cache, torchVersion);
  // The error must stand when the symbols are all equal, and when they all take one of the sizes written beside
  // them (`B` against a literal 3 is no error if B is 3).
  const sizes = [
    ...new Set(Object.values(inputs).flatMap((t) => t.shape.filter((d): d is number => isKnown(d) && d > 1))),
  ].slice(0, 4);
  const others = [SHARED, ...sizes].map((n) =>
    runOnShapes(def, bind(new Map(atoms.map((a) => [a, n]))), options, range, cache, torchVersion),
  );
  const inEvery = (d: Diagnostic): boolean =>
    others.every((o) => o.diagnostics.some((x) => x.severity === d.severity && x.code === d.code));
  // The numbers of the first binding read back as the dims they came from.
  const names = new Map<number, string>();
  for (const t of Object.values(inputs))
    for (const d of products(t.shape)) if (!isKnown(d)) names.set(evaluate(d, distinct), showDim(d));
  const readBack = (text: string): string =>
    text.replace(/\d+/g, (n) => names.get(Number(n)) ?? n).replace(/\(\(([^()]*)\)\)/g, '($1)');
  const diagnostics = first.diagnostics
    .filter(inEvery)
    .map((d) => ({
      ...d,
      message: readBack(d.message),
      // The cause and the fix name sizes too: they read back the same way (their data keeps the symbols' text).
      ...(d.explanation !== undefined ? { explanation: readBack(d.explanation) } : {}),
      ...(d.hint !== undefined ? { hint: readBack(d.hint) } : {}),
      ...(d.data ? { data: readBackData(d.data, names) } : {}),
    }))
    // A message that still holds a bound number did not read back whole: its text would show invented sizes.
    .filter((d) => !DISTINCT.some((n) => d.message.includes(String(n))));
  const accepted = !first.diagnostics.some((d) => d.severity === 'error');
  const output =
    accepted && first.output
      ? {
          shape: first.output.shape.map((n) => dimOf(n, inputs, distinct)),
          dtype: first.output.dtype,
        }
      : undefined;
  return { diagnostics, ...(output ? { output } : {}) };
}

/** Diagnostic data with every bound number read back as the dim it came from. */
function readBackData(data: NonNullable<Diagnostic['data']>, names: ReadonlyMap<number, string>): Diagnostic['data'] {
  const back = (v: unknown): unknown => {
    if (typeof v === 'number' && names.has(v)) return names.get(v);
    if (typeof v === 'string') return v.replace(/\d+/g, (n) => names.get(Number(n)) ?? n);
    if (Array.isArray(v)) return v.map(back);
    return v;
  };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, back(v)])) as Diagnostic['data'];
}

function atomsOf(d: Dim): string[] {
  if (isKnown(d)) return [];
  const out = new Set<string>();
  for (const t of d.terms.values()) for (const a of t.atoms) out.add(a);
  return [...out];
}

/** The dim an output size came from (a number of the inputs' shapes that no symbol took is itself). */
function dimOf(n: number, inputs: Readonly<Record<string, SymbolicInput>>, binding: ReadonlyMap<string, number>): Dim {
  for (const t of Object.values(inputs)) for (const d of t.shape) if (evaluate(d, binding) === n) return d;
  return n;
}

/** Losses whose target holds class indices: the input has a class dimension at 1 that the target lacks. */
const CLASS_INDEX = new Set(['cross_entropy', 'nll_loss', 'multi_margin_loss']);
/** The argument a dtype error is about (`input` or `target`), or undefined for other errors. */
function dtypeErrorAbout(d: Diagnostic): string | undefined {
  if (d.code === 'loss/target-dtype') return 'target';
  if (d.code === 'loss/input-dtype') return 'input';
  const what = (d.data as Record<string, unknown> | undefined)?.['what'];
  return d.code === 'loss/dtype' && typeof what === 'string' ? what : undefined;
}

/**
 * The dtype errors of a call with one argument unknown: the engine runs with a stand-in for the unknown one
 * (a shape and dtype that fit the known one), and only the errors about the known argument's dtype are kept.
 */
export function checkOneArgumentDtypes(
  def: LossDefinition,
  known: Readonly<Record<string, SymbolicInput>>,
  range: SourceRange,
  cache?: Map<string, ShapeOutcome>,
  torchVersion?: TorchVersion,
): Diagnostic[] {
  const [inputName, targetName] = def.inputs;
  if (!inputName || !targetName || def.inputs.length !== 2) return [];
  const input = known[inputName];
  const target = known[targetName];
  if ((input && target) || (!input && !target)) return [];
  const classIndex = CLASS_INDEX.has(def.name);
  let standIn: SymbolicInput;
  let about: string;
  if (target) {
    about = targetName;
    const dtype: DType = isFloating(target.dtype) ? target.dtype : 'float32';
    // A class-index loss's input: the target's shape with a class dim at 1 (float targets of class probabilities
    // have the input's shape, which a class dim would break: only the rank-matching case is left out).
    standIn = classIndex
      ? { shape: target.shape.length === 0 ? [7] : [target.shape[0]!, 7, ...target.shape.slice(1)], dtype }
      : { shape: target.shape, dtype };
  } else {
    about = inputName;
    const dtype: DType = classIndex ? 'int64' : isFloating(input!.dtype) ? input!.dtype : 'float32';
    standIn = classIndex
      ? { shape: input!.shape.length <= 1 ? [] : [input!.shape[0]!, ...input!.shape.slice(2)], dtype }
      : { shape: input!.shape, dtype };
  }
  const missing = target ? inputName : targetName;
  const errorsWith = (stand: SymbolicInput): Diagnostic[] =>
    runOnSymbolicShapes(def, { ...known, [missing]: stand }, {}, range, cache, torchVersion).diagnostics.filter(
      (d) => d.severity === 'error' && dtypeErrorAbout(d) === (about === targetName ? 'target' : 'input'),
    );
  const found = errorsWith(standIn);
  if (found.length === 0 || !isFloating(standIn.dtype)) return found;
  // The unknown argument may be float32 or float64: an error raised for both is reported, in the text of the
  // default dtype (float32), which is what the code most likely holds.
  const other = new Set(
    errorsWith({ ...standIn, dtype: standIn.dtype === 'float64' ? 'float32' : 'float64' }).map((d) => d.code),
  );
  return found.filter((d) => other.has(d.code));
}

/** The symbols a shape depends on (for "unknown because" texts). */
export function shapeSymbols(shape: readonly Dim[]): string[] {
  return [...new Set(shape.flatMap((d) => symbolsOf(d)))];
}

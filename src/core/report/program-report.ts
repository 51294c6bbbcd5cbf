/**
 * What the breakdown shows about a whole program: what it printed, every loss call it made (with its line and loop
 * iterations), the hand-written losses beside the built-in each resembles, and whether its random inputs are one
 * draw of an unseeded program. JSON-safe (it crosses to the webview as is); every text that comes from the user's
 * program is carried as data, for the views to show as text.
 */
import { localizeDiagnostic, localizeText, type Locale } from '../i18n/index';
import { formatValue, jsonNumber, type JsonNumber } from './format';
import { gradientHeatmap, type ReportHeatmap } from './report';
import type { CustomLossCall } from '../runtime/custom-loss';
import type { SnippetCall, SnippetEvaluation } from '../snippet/index';

/** At most this many lines of the program's output go to the view (the whole text goes to the log). */
export const MAX_OUTPUT_LINES = 400;
/** At most this many characters of the program's output go to the view. */
export const MAX_OUTPUT_CHARS = 40_000;

/** One loss call the program made, for the picker. */
export interface ProgramCallEntry {
  /** Its index in the evaluation's calls (the order it ran). */
  readonly index: number;
  readonly fn: string;
  readonly line: number;
  readonly column: number;
  /** The loops around the call, outermost first, with their 0-based iteration. */
  readonly loops: readonly { readonly line: number; readonly iteration: number }[];
  /** The value as printed, or `null` when there is none (PyTorch rejects the call, or values are unknown). */
  readonly valueText: string | null;
  /** Why there is no value: the first error's message (PyTorch's text, or Loss Lens's own in the locale), or `null`. */
  readonly problem: string | null;
  /** True when the breakdown of this call can be shown. */
  readonly computed: boolean;
}

/** A hand-written loss the program called. */
export interface ProgramCustomLoss {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly shape: readonly number[];
  /** The value as printed: one number, or the first values of a per-sample result. */
  readonly valueText: string;
  /** Per-sample values, when the loss returned one value per sample (`null` for a reduced loss). */
  readonly perSample: readonly JsonNumber[] | null;
  /** The built-in it most resembles, on the same inputs. */
  readonly builtin: {
    readonly label: string;
    readonly valueText: string;
    /** Why the two values differ, `null` when they agree. */
    readonly reason: string | null;
  } | null;
  /** The gradient of the loss with respect to its input, as a heat map, when autograd computed one. */
  readonly gradient: ReportHeatmap | null;
}

/** The whole program, as the views show it. */
export interface ProgramReport {
  readonly id: string;
  /** Where the program is, e.g. `train.py:1`. */
  readonly title: string;
  /** What the program printed (then Jupyter's display of a last bare expression), cut to the limits above. */
  readonly output: string;
  /** Set when `output` was cut: how many lines are shown of how many. */
  readonly outputCut: { readonly shownLines: number; readonly totalLines: number } | null;
  readonly calls: readonly ProgramCallEntry[];
  readonly customLosses: readonly ProgramCustomLoss[];
  /** Set when the program drew random numbers without seeding: the seed used, and by which libraries. */
  readonly randomDraw: { readonly seed: number; readonly libraries: readonly string[] } | null;
}

/** What the program printed and displayed, exactly as Python would show it. */
export function programOutput(evaluation: SnippetEvaluation): string {
  return (evaluation.stdout ?? '') + (evaluation.displayed !== undefined ? `${evaluation.displayed}\n` : '');
}

/** Cuts long output to whole lines within {@link MAX_OUTPUT_LINES} and {@link MAX_OUTPUT_CHARS}. */
export function cutOutput(text: string): { output: string; outputCut: ProgramReport['outputCut'] } {
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another one.
  const totalLines = text.endsWith('\n') ? lines.length - 1 : lines.length;
  if (totalLines <= MAX_OUTPUT_LINES && text.length <= MAX_OUTPUT_CHARS) return { output: text, outputCut: null };
  let shown = 0;
  let length = 0;
  while (shown < Math.min(totalLines, MAX_OUTPUT_LINES) && length + lines[shown]!.length + 1 <= MAX_OUTPUT_CHARS) {
    length += lines[shown]!.length + 1;
    shown++;
  }
  // A single line longer than the limit is cut inside the line rather than shown as nothing.
  if (shown === 0) return { output: text.slice(0, MAX_OUTPUT_CHARS), outputCut: { shownLines: 1, totalLines } };
  return { output: lines.slice(0, shown).join('\n') + '\n', outputCut: { shownLines: shown, totalLines } };
}

function valuesText(values: readonly number[]): string {
  if (values.length === 1) return formatValue(values[0]!);
  const shown = values.slice(0, 6).map((v) => formatValue(v));
  return `[${shown.join(', ')}${values.length > 6 ? ', …' : ''}]`;
}

function callEntry(call: SnippetCall, index: number, locale: Locale): ProgramCallEntry {
  const loops = (call as { loops?: readonly { line: number; iteration: number }[] }).loops ?? [];
  const value = call.result?.output.data;
  const error = call.diagnostics.find((d) => d.severity === 'error');
  return {
    index,
    fn: call.fn,
    line: call.range.line,
    column: call.range.column,
    loops: loops.map((l) => ({ line: l.line, iteration: l.iteration })),
    valueText: value ? valuesText(Array.from(value)) : null,
    // PyTorch's text stays; Loss Lens's own message follows the locale.
    problem: error ? localizeDiagnostic(error, locale).message : null,
    computed: call.result !== undefined && call.computed !== undefined,
  };
}

function customLoss(c: CustomLossCall, locale: Locale): ProgramCustomLoss {
  return {
    name: c.name,
    line: c.range.line,
    column: c.range.column,
    shape: [...c.shape],
    valueText: valuesText(c.value),
    perSample: c.shape.length === 1 ? c.value.map(jsonNumber) : null,
    builtin: c.builtin
      ? {
          label: c.builtin.label,
          valueText: formatValue(c.builtin.value),
          reason: c.builtin.reason !== undefined ? localizeText(c.builtin.reason, locale) : null,
        }
      : null,
    gradient:
      c.inputGradient && c.inputGradient.values.length > 0
        ? gradientHeatmap(c.inputGradient.of, c.inputGradient.shape, c.inputGradient.values)
        : null,
  };
}

/** Builds the program's view model from an evaluation that ran as a whole program, its sentences in `locale`. */
export function buildProgramReport(
  evaluation: SnippetEvaluation,
  context: { readonly id: string; readonly title: string; readonly locale?: Locale },
): ProgramReport {
  const locale = context.locale ?? 'en';
  return {
    id: context.id,
    title: context.title,
    ...cutOutput(programOutput(evaluation)),
    calls: evaluation.calls.map((call, index) => callEntry(call, index, locale)),
    customLosses: (evaluation.customLosses ?? []).map((c) => customLoss(c, locale)),
    randomDraw: evaluation.randomDraw
      ? { seed: evaluation.randomDraw.seed, libraries: [...evaluation.randomDraw.libraries] }
      : null,
  };
}

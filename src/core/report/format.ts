/**
 * Text and JSON renderings of results for the command line (and anything else that wants plain text).
 */
import type { Diagnostic } from '../diagnostics';
import { localizeDiagnostic, localizeReduction, ownText, type Locale } from '../i18n/index';
import { broadcastSource } from '../losses/binary_cross_entropy';
import type { LossInputs, LossResult, ReductionBreakdown } from '../losses/types';
import { numel, toNested, type Nested, type Tensor } from '../tensor';

/** A JSON-safe number: NaN and ±Infinity become the strings "nan", "inf", "-inf" (JSON has no such numbers). */
export type JsonNumber = number | 'nan' | 'inf' | '-inf';
/** Nested arrays of JSON-safe numbers. */
export type JsonNested = JsonNumber | JsonNested[];

/** Converts one number to its JSON-safe form. */
export function jsonNumber(v: number): JsonNumber {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

function jsonNested(n: Nested): JsonNested {
  return typeof n === 'number' ? jsonNumber(n) : n.map(jsonNested);
}

function tensorJson(t: Tensor): { dtype: string; shape: number[]; data: JsonNested } {
  return { dtype: t.dtype, shape: [...t.shape], data: jsonNested(toNested(t)) };
}

function arrayJson(a: ArrayLike<number>): JsonNumber[] {
  return Array.from(a, jsonNumber);
}

/** The `--json` form of one result: value first, then the breakdown. */
export function resultToJson(r: LossResult): Record<string, unknown> {
  const c = r.classification;
  return {
    fn: r.fn,
    value: jsonNested(r.value),
    reduction: {
      ...r.reduction,
      numerator: jsonNumber(r.reduction.numerator),
      denominator: jsonNumber(r.reduction.denominator),
    },
    options: Object.fromEntries(
      Object.entries(r.options).map(([k, v]) => [
        k,
        v !== null && typeof v === 'object' ? tensorJson(v) : typeof v === 'number' ? jsonNumber(v) : v,
      ]),
    ),
    perElement: tensorJson(r.perElement),
    perSample: arrayJson(r.perSample),
    ...(c
      ? {
          classification: {
            classDim: c.classDim,
            numClasses: c.numClasses,
            probabilities: tensorJson(c.probabilities),
            logProbabilities: tensorJson(c.logProbabilities),
            targetClass: Array.from(c.targetClass),
            targetProbability: arrayJson(c.targetProbability),
            predictedClass: Array.from(c.predictedClass),
            sampleWeight: arrayJson(c.sampleWeight),
            ignored: Array.from(c.ignored, (v) => v === 1),
            ...(c.labelSmoothing
              ? {
                  labelSmoothing: {
                    epsilon: c.labelSmoothing.epsilon,
                    nllPart: arrayJson(c.labelSmoothing.nllPart),
                    smoothPart: arrayJson(c.labelSmoothing.smoothPart),
                  },
                }
              : {}),
          },
        }
      : {}),
    gradient: Object.fromEntries(Object.entries(r.gradient).map(([k, t]) => [k, tensorJson(t)])),
    ...(r.extras ? { extras: Object.fromEntries(Object.entries(r.extras).map(([k, t]) => [k, tensorJson(t)])) } : {}),
    warnings: r.warnings,
  };
}

/** Formats a number as PyTorch prints a float tensor element (4 decimals, `nan`, `inf`). */
export function formatValue(v: number, decimals = 4): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v !== 0 && (Math.abs(v) >= 1e8 || Math.abs(v) < 10 ** -decimals)) return v.toExponential(decimals);
  return v.toFixed(decimals);
}

function formatNested(n: Nested, decimals: number): string {
  return typeof n === 'number' ? formatValue(n, decimals) : `[${n.map((x) => formatNested(x, decimals)).join(', ')}]`;
}

/** East Asian wide characters (CJK ideographs and punctuation, full-width forms): two columns in a terminal. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** The columns a text takes in a terminal (a Chinese heading is twice as wide as its length). */
export function displayWidth(text: string): number {
  return text.length + (text.match(WIDE)?.length ?? 0);
}

/** Lays out rows as an aligned text table (right-aligned columns, by display width). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => ' '.repeat(Math.max(0, widths[i]! - displayWidth(c))) + c)
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** An element's index in `shape` as PyTorch prints it: `[0, 2]` (or `0` for a 1-D tensor). */
function elementPosition(k: number, shape: readonly number[]): string {
  if (shape.length <= 1) return String(k);
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(k % shape[d]!);
    k = Math.floor(k / shape[d]!);
  }
  return `[${index.join(', ')}]`;
}

/**
 * BCE / BCE with logits element by element: the target, p (the sigmoid of the logit, or the input), the effective
 * pos_weight and weight of each element (as broadcast against the input), and its loss. Undefined when the target
 * is not at hand or does not match the elements.
 */
function binaryTable(
  r: LossResult,
  inputs: LossInputs | undefined,
  decimals: number,
  maxRows: number,
  locale: Locale,
): string | undefined {
  const target = inputs?.target;
  const pe = r.perElement;
  const probabilities = r.classification?.probabilities;
  const n = pe.data.length;
  if (!target || numel(target.shape) !== n || !probabilities || probabilities.data.length !== n) return undefined;
  const optionTensor = (name: string): Tensor | undefined => {
    const v = r.options[name];
    return v !== null && typeof v === 'object' ? v : undefined;
  };
  const posWeight = optionTensor('pos_weight');
  const weight = optionTensor('weight');
  const pw = posWeight ? broadcastSource(posWeight, pe.shape) : undefined;
  const w = weight ? broadcastSource(weight, pe.shape) : undefined;
  const withLogits = r.fn === 'binary_cross_entropy_with_logits';
  const word = (english: string): string => ownText(english, {}, locale);
  const header = [
    word('element'),
    word('target'),
    withLogits ? 'sigmoid(x)' : 'p',
    ...(withLogits ? ['pos_weight'] : []),
    word('weight'),
    word('loss'),
  ];
  const rows: string[][] = [];
  for (let k = 0; k < Math.min(n, maxRows); k++) {
    rows.push([
      elementPosition(k, pe.shape),
      formatValue(target.data[k]!, decimals),
      formatValue(probabilities.data[k]!, decimals),
      ...(withLogits ? [formatValue(pw ? pw.values[k % pw.period]! : 1, decimals)] : []),
      formatValue(w ? w.values[k % w.period]! : 1, decimals),
      formatValue(pe.data[k]!, decimals),
    ]);
  }
  const lines = [table(header, rows)];
  if (n > maxRows) lines.push(ownText('… {count} more elements (use --json for all)', { count: n - maxRows }, locale));
  return lines.join('\n');
}

/**
 * How a reduction was computed, as the readable reports print it (`reduction: mean = a / b  (label)` and its `why`), in
 * `locale`; `reduction` is localized already.
 */
export function reductionLines(
  reduction: ReductionBreakdown,
  format: (v: number) => string,
  locale: Locale = 'en',
): string[] {
  if (reduction.reduction === 'none') return [ownText('reduction: none — {why}', { why: reduction.why }, locale)];
  return [
    ownText(
      'reduction: {reduction} = {numerator} / {denominator}  ({label})',
      {
        reduction: reduction.reduction,
        numerator: format(reduction.numerator),
        denominator: format(reduction.denominator),
        label: reduction.denominatorLabel,
      },
      locale,
    ),
    `  ${ownText('why: {why}', { why: reduction.why }, locale)}`,
  ];
}

/**
 * The readable report: per-sample table, the reduction, the value. At most `maxRows` rows are listed. With `inputs`
 * (the tensors computed from), BCE losses list every element with its target and effective pos_weight. Headings, labels
 * and the reduction's words in `locale` (../i18n/zh-cn-cli.ts); numbers and class names as they are.
 */
export function formatResult(
  r: LossResult,
  opts: { classes?: readonly string[]; decimals?: number; maxRows?: number; locale?: Locale; inputs?: LossInputs } = {},
): string {
  const decimals = opts.decimals ?? 4;
  const maxRows = opts.maxRows ?? 50;
  const locale = opts.locale ?? 'en';
  const word = (english: string): string => ownText(english, {}, locale);
  const out: string[] = [`${r.fn}`];
  const c = r.classification;
  const className = (k: number): string =>
    k < 0 ? '-' : opts.classes?.[k] !== undefined ? `${k} (${opts.classes[k]})` : String(k);
  const n = r.perSample.length;
  const shown = Math.min(n, maxRows);
  const binary =
    r.fn === 'binary_cross_entropy' || r.fn === 'binary_cross_entropy_with_logits'
      ? binaryTable(r, opts.inputs, decimals, maxRows, locale)
      : undefined;
  if (binary) {
    out.push(binary);
  } else if (c && c.targetClass.length === n) {
    const rows: string[][] = [];
    for (let i = 0; i < shown; i++) {
      // An ignored sample has no p(target), loss or weight that counts: '—', as the breakdown shows it.
      const ignored = c.ignored[i] === 1;
      rows.push([
        String(i),
        ignored ? word('ignored') : className(c.targetClass[i]!),
        className(c.predictedClass[i]!),
        ignored || Number.isNaN(c.targetProbability[i]!) ? '—' : formatValue(c.targetProbability[i]!, decimals),
        ignored ? '—' : formatValue(r.perSample[i]!, decimals),
        ignored ? '—' : formatValue(c.sampleWeight[i]!, decimals),
      ]);
    }
    out.push(
      table([word('sample'), word('target'), word('predicted'), 'p(target)', word('loss'), word('weight')], rows),
    );
  } else {
    const rows: string[][] = [];
    for (let i = 0; i < shown; i++) rows.push([String(i), formatValue(r.perSample[i]!, decimals)]);
    out.push(table([word('sample'), word('loss')], rows));
  }
  if (shown < n && !binary)
    out.push(ownText('… {count} more samples (use --json for all)', { count: n - shown }, locale));
  out.push(...reductionLines(localizeReduction(r.reduction, locale), (v) => formatValue(v, decimals), locale));
  out.push(ownText('value: {value}', { value: formatNested(r.value, decimals) }, locale));
  return out.join('\n');
}

/**
 * One line per diagnostic, `file:line:column: severity: message [code]`, with cause and fix lines; the severity, the
 * labels and Loss Lens's sentences in `locale` (PyTorch's message and the code as they are).
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], file?: string, locale: Locale = 'en'): string {
  return diagnostics
    .map((original) => {
      const d = localizeDiagnostic(original, locale);
      const severity = ownText(d.severity, {}, locale);
      const lines = [`${file ? `${file}:` : ''}${d.line}:${d.column}: ${severity}: ${d.message} [${d.code}]`];
      if (d.explanation) lines.push(`  ${ownText('cause: {text}', { text: d.explanation }, locale)}`);
      if (d.hint) lines.push(`  ${ownText('fix: {text}', { text: d.hint }, locale)}`);
      if (d.raisedAt) {
        const place = `${d.raisedAt.file}:${d.raisedAt.line}:${d.raisedAt.column}`;
        lines.push(`  ${ownText('raised at: {place}', { place }, locale)}`);
      }
      return lines.join('\n');
    })
    .join('\n');
}

/**
 * Localization of the texts the core writes for people: a diagnostic's `explanation`, `hint` and fix titles, an
 * explained error's `cause` and `fix`, a reduction's `denominatorLabel` and `why`.
 *
 * The core stays English and unchanged; this layer translates its output afterwards with a gettext-style catalog of
 * sentence templates (see ./matcher.ts and ./zh-cn.ts). PyTorch's own text (`Diagnostic.message`) is never
 * translated: people search for it. Code, PyTorch names, shapes and numbers pass through verbatim. A sentence no
 * entry matches stays English rather than becoming a guess. Pure TypeScript, no `vscode`.
 */
import type { Diagnostic } from '../diagnostics';
import type { ErrorExplanation } from '../explain';
import type { ReductionBreakdown } from '../losses/types';
import { CompiledCatalog, parseTemplate, templatePattern, type CatalogEntry } from './matcher';
import { ZH_CN } from './zh-cn';
import { CLI_LABELS_ZH, CLI_ZH, COMMANDER_ZH } from './zh-cn-cli';

/** The languages the core's texts come in. */
export type Locale = 'en' | 'zh-cn';

/**
 * The locale for a VS Code display language (`vscode.env.language`) or a POSIX locale (`LANG`, `LC_ALL`):
 * `zh`, `zh-cn`, `zh-CN`, `zh-Hans`, `zh_CN.UTF-8`, `zh-Hans-CN`, `zh-SG` → `'zh-cn'`; everything else (Traditional Chinese
 * included) → `'en'`.
 */
export function normalizeLocale(vscodeOrEnvLanguage: string): Locale {
  const tag = vscodeOrEnvLanguage.trim().toLowerCase().split(/[.@]/)[0]!.replace(/_/g, '-');
  if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag === 'zh-hans' || tag.startsWith('zh-hans-')) {
    return 'zh-cn';
  }
  return 'en';
}

let zhCn: CompiledCatalog | undefined;

/** The compiled catalog of a locale (compiled on first use, once). */
function catalogFor(locale: Locale): CompiledCatalog | undefined {
  if (locale !== 'zh-cn') return undefined;
  zhCn ??= new CompiledCatalog(ZH_CN);
  return zhCn;
}

/** How many sentence templates a locale's catalog holds (0 for English, which needs none). */
export function catalogSize(locale: Locale): number {
  return catalogFor(locale)?.size ?? 0;
}

/** One text in `locale`: whole if the catalog has it, else sentence by sentence; unknown sentences stay English. */
export function localizeText(text: string, locale: Locale): string {
  const catalog = catalogFor(locale);
  return catalog ? catalog.translate(text) : text;
}

/**
 * A description in `locale`, where descriptions nest (why shape mode does not know a value: `an item of the result of
 * calling 'model', which is not defined in the checked code`): every level is translated, code and names stay.
 */
export function localizeDescription(text: string, locale: Locale): string {
  const catalog = catalogFor(locale);
  return catalog ? catalog.translateDescription(text) : text;
}

/** Diagnostics whose `message` is Loss Lens's own sentence rather than PyTorch's or Python's text. */
export const OWN_MESSAGE_CODES: ReadonlySet<string> = new Set([
  'runtime/random-draw',
  'runtime/import-cycle',
  // The activation before a loss (the input's values, or the call that produced it).
  'warn/softmax-before-ce',
  'warn/nll-input-not-log-probs',
  'warn/kl-input-not-log-probs',
  'warn/probabilities-to-logits-loss',
  'warn/bce-input-logits',
  // Loss Lens's own checks of values, shapes and parameters that PyTorch accepts without a word.
  'warn/zero-one-labels',
  'warn/label-values',
  'warn/silent-broadcast',
  'warn/poisson-negative-rate',
  'warn/kl-negative-target',
  'warn/kl-log-target-not-log-probs',
  'warn/bce-target-range',
  'warn/multilabel-duplicate-index',
  'warn/multilabel-multi-hot',
  'warn/empty-mean',
  'warn/all-ignored',
  'warn/empty-batch-undefined',
  'warn/ctc-infinite-loss',
  'warn/ctc-blank-in-target',
  'warn/ctc-zero-input-length',
  'warn/ctc-not-log-probs',
  'warn/focal-alpha-range',
  'warn/focal-gamma-negative',
  'warn/sce-eps',
  'warn/label-smoothing-range',
  // Loss Lens's notes on a result (how it was reduced, weighted or clamped).
  'info/class-weights',
  'info/weighted-mean',
  'info/ignored-mean',
  'info/element-weights',
  'info/pos-weight',
  'info/bce-log-clamp',
  'info/kl-batchmean-value',
  'info/label-smoothing-convention',
  'info/label-smoothing-negative',
  'info/focal-default-none',
  'info/var-clamped',
  'info/ctc-zeroed-infinity',
  'info/sce-prob-clamp',
  'info/half-precision',
  // The JSON tensor file's own syntax and structure errors.
  'json/syntax',
  'json/brackets',
  'json/depth',
  'json/empty',
  'json/not-object',
  'json/duplicate-key',
  'json/unknown-key',
  'json/npy-path',
  'json/key',
  'json/loss-type',
  'json/options-type',
  'json/classes-type',
  'json/torch-version',
  'json/tensor-object',
  'json/no-loss',
  // What Loss Lens does not compute, and what its snippet evaluator assumed, skipped or did not read.
  'loss/unknown',
  'loss/not-reproduced',
  'runtime/assumed-import',
  // Why a program's run ended early: something not run (files, processes, the network), not modelled, or a budget.
  'runtime/not-run',
  'runtime/not-modelled',
  'runtime/budget',
  // Loss Lens's own frame around a bug's JavaScript error text (which stays English, for the bug report).
  'internal/error',
  'snippet/no-tensors',
  'snippet/skipped',
  'budget/elements',
  'io/key',
  // Not listed, as their message is PyTorch's own text (people search for it): warn/broadcast, warn/kl-mean,
  // warn/legacy-reduction-args, warn/deprecated-reduction, warn/half-cpu-kernel, warn/softmax-implicit-dim and
  // warn/backward-error (the error loss.backward() raises).
]);

/**
 * Diagnostics of the tensor readers (the text reader, the JSON tensor file, .npy, .npz, .pt, .safetensors, the zip
 * container, the guarded file reads): their message is Loss Lens's own sentence in some forms and the library's exact
 * text in others (Python's syntax errors, PyTorch's and NumPy's constructor errors, NumPy's header errors, the weights_only
 * unpickler's refusal). The catalog has an entry for each own form (./zh-cn-readers.ts), where the library's words stay
 * verbatim inside the Chinese; a library text has no entry, so it matches nothing and stays as it is.
 */
export const READER_MESSAGE_CODES: ReadonlySet<string> = new Set([
  // reader/errors.ts, json/tensorFile.ts and stream/reader.ts.
  'reader/empty',
  'reader/syntax',
  'reader/brackets',
  'reader/ragged',
  'reader/truncated',
  'reader/unknown-name',
  'reader/dtype',
  'reader/overflow',
  'reader/unsupported',
  'reader/uninitialized',
  'reader/requires-grad',
  'reader/multiple',
  'reader/arithmetic',
  'reader/value',
  'reader/shape',
  'reader/shape-mismatch',
  // npy.ts, and a file a JSON tensor file names that cannot be read (io/index.ts).
  'npy/magic',
  'npy/version',
  'npy/truncated',
  'npy/header',
  'npy/dtype',
  'npy/read',
  // io/*.ts: .npz, .pt (and its pickle), .safetensors, the zip container.
  'npz/magic',
  'io/dtype',
  'pickle/damaged',
  'pickle/global',
  'pickle/opcode',
  'pt/tensor',
  'pt/torchscript',
  'pt/layout',
  'pt/legacy',
  'pt/magic',
  'pt/pickle-size',
  'pt/byteorder',
  'pt/persistent-id',
  'pt/storage',
  'pt/depth',
  'pt/storage-size',
  'pt/tensor-size',
  'pt/tensor-bounds',
  'safetensors/header',
  'safetensors/truncated',
  'zip/damaged',
  'zip/encrypted',
  'zip/truncated',
  'zip/method',
  'zip/inflate',
  'zip/too-big',
  'zip/size-mismatch',
  // safeFile.ts: the guarded reads of the CLI, the worker and the extension.
  'file/not-regular',
  'file/too-large',
  'file/outside',
]);

/**
 * A diagnostic with `explanation`, `hint` and fix titles in `locale`. `message` (PyTorch's text, which people search
 * for) is kept as is, except where the message is Loss Lens's own sentence (OWN_MESSAGE_CODES, READER_MESSAGE_CODES)
 * and a catalog entry matches it whole.
 */
export function localizeDiagnostic(d: Diagnostic, locale: Locale): Diagnostic {
  const catalog = catalogFor(locale);
  if (!catalog) return d;
  const ownMessage =
    d.code !== undefined && (OWN_MESSAGE_CODES.has(d.code) || READER_MESSAGE_CODES.has(d.code))
      ? catalog.translateWhole(d.message)
      : undefined;
  return {
    ...d,
    ...(ownMessage !== undefined ? { message: ownMessage } : {}),
    ...(d.explanation !== undefined ? { explanation: catalog.translate(d.explanation) } : {}),
    ...(d.hint !== undefined ? { hint: catalog.translate(d.hint) } : {}),
    ...(d.fixes ? { fixes: d.fixes.map((f) => ({ ...f, title: catalog.translate(f.title) })) } : {}),
  };
}

/** An error as the breakdown panel shows it: a message, and the code, cause and fix of the diagnostic it came from. */
export interface ErrorText {
  readonly message: string;
  readonly code?: string;
  readonly explanation?: string;
  readonly hint?: string;
}

/**
 * An error shown outside a diagnostic (the breakdown panel's error view) in `locale`, by the rules of
 * {@link localizeDiagnostic}; a message with no code is Loss Lens's own (the panel's session wrote it) and is translated
 * whole or sentence by sentence. Idempotent: an error localized already comes back as it was.
 */
export function localizeErrorText<E extends ErrorText>(e: E, locale: Locale): E {
  const catalog = catalogFor(locale);
  if (!catalog) return e;
  const message =
    e.code === undefined
      ? catalog.translate(e.message)
      : OWN_MESSAGE_CODES.has(e.code) || READER_MESSAGE_CODES.has(e.code)
        ? (catalog.translateWhole(e.message) ?? e.message)
        : e.message;
  return {
    ...e,
    message,
    ...(e.explanation !== undefined ? { explanation: catalog.translate(e.explanation) } : {}),
    ...(e.hint !== undefined ? { hint: catalog.translate(e.hint) } : {}),
  };
}

/** An explained PyTorch error with `cause` and `fix` in `locale` (`matched` is the pasted text and stays). */
export function localizeExplanation(e: ErrorExplanation, locale: Locale): ErrorExplanation {
  const catalog = catalogFor(locale);
  if (!catalog) return e;
  return { ...e, cause: catalog.translate(e.cause), fix: catalog.translate(e.fix) };
}

/** A reduction breakdown with `denominatorLabel` and `why` in `locale`. */
export function localizeReduction(r: ReductionBreakdown, locale: Locale): ReductionBreakdown {
  const catalog = catalogFor(locale);
  if (!catalog) return r;
  // reduction='sum' divides by the bare number 1; say so in words rather than leave a lone digit.
  const label =
    r.reduction === 'sum' && r.denominatorLabel === '1' ? '1（求和，不做除法）' : catalog.translate(r.denominatorLabel);
  return { ...r, denominatorLabel: label, why: catalog.translate(r.why) };
}

/** A value filled into an own-text template. */
export type TemplateValue = string | number;

let zhCnOwnTexts: ReadonlyMap<string, string> | undefined;

/** The translated template of `template` in `locale`, or undefined (English, or no entry). */
export function ownTemplate(template: string, locale: Locale): string | undefined {
  if (locale !== 'zh-cn') return undefined;
  zhCnOwnTexts ??= new Map([...CLI_ZH, ...CLI_LABELS_ZH]);
  return zhCnOwnTexts.get(template);
}

/**
 * One of the command line's own lines or labels (./zh-cn-cli.ts) in `locale`: the entry of the English `template` is
 * looked up exactly and `values` are filled in verbatim. An English plural choice `{file|files}` takes its first form
 * when the number placed last before it is 1. With no entry the English is kept (a unit test lists every template the
 * code names and fails on one with no entry).
 */
export function ownText(
  template: string,
  values: Readonly<Record<string, TemplateValue>> = {},
  locale: Locale = 'en',
): string {
  return ownTextFrom(ownTemplate(template, locale) ?? template, values);
}

/** A template filled with `values` (see {@link ownText}). */
function ownTextFrom(chosen: string, values: Readonly<Record<string, TemplateValue>>): string {
  let out = '';
  let lastNumber: number | undefined;
  for (const token of parseTemplate(chosen)) {
    if (token.kind === 'literal') out += token.text;
    else if (token.kind === 'choice') out += token.options[lastNumber === 1 ? 0 : token.options.length - 1]!;
    else {
      const value = values[token.name];
      if (typeof value === 'number') lastNumber = value;
      out += value === undefined ? `{${token.name}}` : String(value);
    }
  }
  return out;
}

let commanderLines: readonly (readonly [RegExp, string])[] | undefined;

/**
 * A usage error of commander (the CLI's argument parser), line by line in `locale`: a line one of ./zh-cn-cli.ts
 * `COMMANDER_ZH` describes is rewritten with the values it holds (option names, values, choices as written); any other
 * line stays as it is.
 */
export function localizeUsageError(text: string, locale: Locale): string {
  if (locale !== 'zh-cn') return text;
  // The most specific entry first: `(Did you mean one of {suggestions}?)` before `(Did you mean {suggestion}?)`.
  const literal = (t: string): number =>
    parseTemplate(t).reduce((n, k) => n + (k.kind === 'literal' ? k.text.length : 0), 0);
  commanderLines ??= [...COMMANDER_ZH]
    .sort(([a], [b]) => literal(b) - literal(a))
    .map(([en, zh]: CatalogEntry) => [templatePattern(en), zh] as const);
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, zh] of commanderLines!) {
        const m = pattern.exec(line);
        if (m) return ownTextFrom(zh, m.groups ?? {});
      }
      return line;
    })
    .join('\n');
}

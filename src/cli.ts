/**
 * `loss-lens`: the command line over the same core the extension uses.
 *
 *   loss-lens compute FILE.json [--loss NAME] [--reduction R] [--torch 2.x|1.13] [--json] [--explain]
 *   loss-lens eval FILE.py [--loss NAME] [--torch 2.x|1.13] [--json] [--explain]   every loss call of a snippet, top to bottom
 *   loss-lens check PATH... [--torch V] [--json]       shape and dtype mismatches PyTorch would raise at loss calls
 *     (files and folders, folders searched for .py files; imports among them are followed)
 *   loss-lens compute --input logits.npy [--target labels.npy] --loss NAME   tensors from numpy.save files
 *   loss-lens compute --input run.pt:batch.x --target run.pt:batch.y --loss NAME   tensors from .pt/.pth
 *     (torch.save), .safetensors or .npz files: FILE:KEY, KEY a dict key, a dotted path or a list index
 *     (inputs over 5 MB are read by the streaming reader and summarised: worst samples, histogram, classes; --summary)
 *   --lang zh-cn (every subcommand): every line the CLI writes itself in Simplified Chinese (./core/i18n/zh-cn-cli.ts),
 *     causes, fixes and derivations too, and commander's usage errors; the default is English, whatever the
 *     environment's locale. --help stays English.
 *
 * Exit codes: 0 success, 1 the computation was rejected (PyTorch would raise), 2 usage or I/O error (a file refused
 * included), 3 an internal failure of Loss Lens (one line on stderr, never a stack trace).
 */
import { Command, CommanderError, Option } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDerivation, renderDerivation, type DerivationLocale } from './core/report/derivation';
import { LossLensError, type Diagnostic, type SourceRange } from './core/diagnostics';
import { formatDiagnostics, formatResult, formatValue, resultToJson } from './core/report/format';
import {
  localizeDescription,
  localizeDiagnostic,
  localizeReduction,
  localizeText,
  localizeUsageError,
  ownText,
  type Locale,
} from './core/i18n/index';
import { readTensorFile, type TensorFile } from './core/json/tensorFile';
import { runTensorFile, type RunOutcome } from './core/run';
import { TORCH_VERSIONS, type LossInputs, type LossResult, type TorchVersion } from './core/losses/types';
import { checkSnippet, evaluateSnippet, type CheckedCall } from './core/snippet/index';
import { ModuleCache } from './core/runtime/index';
import { diskResolver } from './imports';
import {
  formatSummary,
  summarize,
  summaryToJson,
  SUMMARY_THRESHOLD_BYTES,
  SUMMARY_THRESHOLD_ELEMENTS,
} from './core/report/summary';
import { largestTensor, npyTensorFile, readTensorFileFromDisk, resolveNpyRelativeTo } from './files';
import { writeJson } from './core/jsonWriter';
import { DEFAULT_MAX_FILE_BYTES, readRegularFileSync, type FileLimits } from './safeFile';
import type { Nested } from './core/tensor';

/** Exit codes, as documented in README. */
export const EXIT = { ok: 0, rejected: 1, usage: 2, internal: 3 } as const;

/** Per-class arrays longer than this are cut in `--json` unless `--all-classes`. */
const JSON_MAX_CLASSES = 1000;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What `--lang` switches (the help text itself, commander's, stays English). */
const LANG_HELP =
  "language of the output's sentences: status and error lines, table headings, --explain, causes and fixes (the environment's locale is not read; --help stays English)";

/** `--torch 2.x|1.13`: whose PyTorch to reproduce (default: current, 2.x). */
function torchOption(note?: string): Option {
  const what = `PyTorch version whose behaviour and messages to reproduce (default 2.x)${note ? `, ${note}` : ''}`;
  return new Option('--torch <version>', what).choices([...TORCH_VERSIONS]);
}

/**
 * The `--lang` of a command line, read before commander parses it, for the lines written when parsing itself fails
 * (a usage error, an internal error). Only `--lang zh-cn` / `--lang=zh-cn` switches; the environment's locale is never read.
 */
function langOf(argv: readonly string[]): Locale {
  for (let k = 0; k < argv.length; k++) {
    const value = argv[k] === '--lang' ? argv[k + 1] : argv[k]!.startsWith('--lang=') ? argv[k]!.slice(7) : undefined;
    if (value === 'zh-cn') return 'zh-cn';
  }
  return 'en';
}

/**
 * `loss-lens: cannot read FILE: REASON` on stderr: Loss Lens's refusal (localized), `no such file`, or the system's own
 * error text (Node's `EACCES: permission denied, open '…'`, kept as written).
 */
function cannotRead(file: string, e: unknown, io: Io, locale: Locale): void {
  const reason =
    e instanceof LossLensError
      ? localizeText(e.message, locale)
      : (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? ownText('no such file', {}, locale)
        : (e as Error).message;
  io.stderr(`${ownText('loss-lens: cannot read {file}: {reason}', { file, reason }, locale)}\n`);
}

function readFileOrFail(file: string, io: Io, locale: Locale, maxBytes = DEFAULT_MAX_FILE_BYTES): string | undefined {
  try {
    // The byte-order mark is kept, as readFileSync(file, 'utf8') kept it: the streaming reader counts it as a column too.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readRegularFileSync(file, maxBytes));
  } catch (e) {
    cannotRead(file, e, io, locale);
    return undefined;
  }
}

/** Diagnostics as `--json` writes them: explanations, hints and Loss Lens's own messages in `locale`. */
function jsonDiagnostics(diagnostics: readonly Diagnostic[], locale: Locale): readonly Diagnostic[] {
  return locale === 'en' ? diagnostics : diagnostics.map((d) => localizeDiagnostic(d, locale));
}

/** Prints `value` as indented JSON in pieces: no single string as large as the output. */
function printJson(value: unknown, io: Io): void {
  writeJson(value, (chunk) => io.stdout(chunk));
  io.stdout('\n');
}

/** What `--max-file-size-mb` and `--allow-outside` allow for a JSON file (named files beside or below it by default). */
function limitsFor(file: string | undefined, opts: { maxFileSizeMb?: string; allowOutside?: boolean }): FileLimits {
  const mb = opts.maxFileSizeMb === undefined ? undefined : Number(opts.maxFileSizeMb);
  const maxBytes = mb !== undefined && Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_MAX_FILE_BYTES;
  return { maxBytes, ...(file !== undefined && !opts.allowOutside ? { root: path.dirname(path.resolve(file)) } : {}) };
}

/** `--explain`: the derivation by hand of a result, in the `--lang` language. */
interface Explain {
  readonly inputs: LossInputs;
  readonly locale: DerivationLocale;
}

/**
 * A result's JSON (the reduction's `why` and `denominatorLabel` in `locale`), with its derivation when `--explain`
 * asked for it.
 */
function resultJson(r: LossResult, explain: Explain | undefined, locale: Locale): Record<string, unknown> {
  const json = resultToJson(locale === 'en' ? r : { ...r, reduction: localizeReduction(r.reduction, locale) });
  if (!explain) return json;
  const derivation = buildDerivation(r, explain.inputs);
  return { ...json, derivation, derivationText: renderDerivation(derivation, explain.locale) };
}

function report(
  outcome: RunOutcome,
  file: string,
  json: boolean,
  io: Io,
  extra: { classes?: readonly string[]; inputs?: LossInputs } = {},
  explain?: Explain,
  locale: DerivationLocale = 'en',
): number {
  const failed = outcome.diagnostics.some((d) => d.severity === 'error');
  if (json) {
    printJson(
      {
        results: outcome.results.map((r) => resultJson(r, explain, locale)),
        diagnostics: jsonDiagnostics(outcome.diagnostics, locale),
      },
      io,
    );
  } else {
    for (const r of outcome.results) {
      io.stdout(`${formatResult(r, { ...extra, locale })}\n`);
      if (explain) io.stdout(`\n${renderDerivation(buildDerivation(r, explain.inputs), explain.locale)}\n`);
    }
    if (outcome.diagnostics.length > 0)
      (failed ? io.stderr : io.stdout)(`${formatDiagnostics(outcome.diagnostics, file, locale)}\n`);
  }
  return exitFor(outcome.diagnostics);
}

/** A file's size in bytes (0 when it cannot be read: the reader then reports why). */
function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Prints a summary-mode outcome: the worst samples, the histogram, the classes, the value (or `--json`). */
function reportSummary(
  outcome: RunOutcome,
  inputs: LossInputs,
  file: string,
  json: boolean,
  io: Io,
  classes?: readonly string[],
  allClasses = false,
  locale: Locale = 'en',
): number {
  const failed = outcome.diagnostics.some((d) => d.severity === 'error');
  const result = outcome.results[0];
  const summary = result ? summarize(result, inputs) : undefined;
  if (json) {
    const cut = allClasses ? {} : { maxClasses: JSON_MAX_CLASSES };
    const shown =
      summary && locale !== 'en' ? { ...summary, reduction: localizeReduction(summary.reduction, locale) } : summary;
    printJson(
      { results: shown ? [summaryToJson(shown, cut)] : [], diagnostics: jsonDiagnostics(outcome.diagnostics, locale) },
      io,
    );
  } else {
    if (summary) io.stdout(`${formatSummary(summary, { ...(classes ? { classes } : {}), locale })}\n`);
    if (outcome.diagnostics.length > 0)
      (failed ? io.stderr : io.stdout)(`${formatDiagnostics(outcome.diagnostics, file, locale)}\n`);
  }
  return exitFor(outcome.diagnostics);
}

/** A call's place, as `--json` prints it next to the result. */
function placeOf(r: SourceRange): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

/** True when PyTorch would reject the call. */
function rejectedCall(c: { readonly diagnostics: readonly Diagnostic[] }): boolean {
  return c.diagnostics.some((d) => d.severity === 'error');
}

/** A loss value as the readable output prints it: 4 decimals, nested brackets for reduction='none'. */
function formatNested(n: Nested): string {
  return typeof n === 'number' ? formatValue(n) : `[${n.map(formatNested).join(', ')}]`;
}

function diagnosticsOf(e: unknown): Diagnostic[] {
  if (e instanceof LossLensError) return [e.diagnostic];
  throw e;
}

/** The exit code for a run's diagnostics: 3 when Loss Lens itself failed, 1 when PyTorch would reject, else 0. */
function exitFor(diagnostics: readonly Diagnostic[]): number {
  if (diagnostics.some((d) => d.code === 'internal/error')) return EXIT.internal;
  return diagnostics.some((d) => d.severity === 'error') ? EXIT.rejected : EXIT.ok;
}

/** An error's name and message on one line. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.replace(/\s+/g, ' ').slice(0, 500);
}

/** The one line of an internal failure: Loss Lens's frame in `locale`, the JavaScript error's text as it is. */
function internalError(e: unknown, locale: Locale): string {
  return ownText(
    'loss-lens: internal error: {error} (this is a Loss Lens failure, not a PyTorch error)',
    { error: oneLine(e) },
    locale,
  );
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export function main(
  argv: readonly string[],
  io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
): number {
  let exitCode: number = EXIT.ok;
  // Read before parsing, for what is written when parsing fails: a usage error, an internal failure.
  const lang = langOf(argv);
  const program = new Command()
    .name('loss-lens')
    .description('Compute PyTorch losses exactly as PyTorch does, offline, with a per-sample breakdown.')
    .exitOverride()
    .configureOutput({
      writeOut: (t) => io.stdout(t),
      writeErr: (t) => io.stderr(t),
      // commander's usage error in `--lang` (the help after it stays English).
      outputError: (t, write) => write(localizeUsageError(t, lang)),
    })
    .showHelpAfterError();

  program
    .command('compute')
    .description('compute the loss described by a JSON tensor file, or by tensor files (.npy, .pt, .safetensors, .npz)')
    .argument(
      '[file]',
      'JSON tensor file: {"loss": ..., "input": ..., "target": ..., "options": {...}} (optional with --input)',
    )
    .option('--loss <name>', 'loss to compute (functional or module name), overriding the file')
    .option(
      '--input <FILE[:KEY]>',
      'the input tensor from a .npy, .pt/.pth, .safetensors or .npz file; KEY names it inside (batch.x, 0)',
    )
    .option('--target <FILE[:KEY]>', 'the target tensor, likewise (run.pt:batch.y, labels.npy)')
    .option(
      '--summary',
      'summarise (worst samples, loss histogram, classes) instead of listing samples; automatic for big inputs',
    )
    .addOption(
      new Option('--reduction <r>', 'reduction, overriding the file').choices(['none', 'mean', 'sum', 'batchmean']),
    )
    .option('--json', 'print the result and breakdown as JSON')
    .option(
      '--all-classes',
      `with --json, every class of the per-class block (by default the first ${JSON_MAX_CLASSES})`,
    )
    .option(
      '--max-file-size-mb <n>',
      'refuse any file read (the JSON file and the files it names) over this size',
      String(DEFAULT_MAX_FILE_BYTES / 1048576),
    )
    .option('--allow-outside', 'let a JSON file name files outside its own folder')
    .option('--explain', 'write the arithmetic out by hand with the actual numbers (at most 4 samples × 6 classes)')
    .addOption(new Option('--lang <locale>', LANG_HELP).choices(['en', 'zh-cn']).default('en'))
    .addOption(torchOption('overriding the file\'s "torch"'))
    .action(
      (
        file: string | undefined,
        opts: {
          loss?: string;
          reduction?: string;
          json?: boolean;
          explain?: boolean;
          lang: DerivationLocale;
          input?: string;
          target?: string;
          summary?: boolean;
          torch?: TorchVersion;
          allClasses?: boolean;
          maxFileSizeMb?: string;
          allowOutside?: boolean;
        },
      ) => {
        if (file === undefined && opts.input === undefined) {
          io.stderr(
            `${ownText('loss-lens: give a JSON tensor file, or --input FILE[:KEY] (.npy, .pt, .safetensors, .npz)', {}, opts.lang)}\n`,
          );
          exitCode = EXIT.usage;
          return;
        }
        let summary = opts.summary === true;
        const limits = limitsFor(file, opts);
        let text: string | undefined;
        if (file !== undefined) {
          // Big files go through the streaming reader in chunks (and are summarised); small ones keep the text reader.
          summary ||= fileSize(file) > SUMMARY_THRESHOLD_BYTES;
          if (!summary) {
            text = readFileOrFail(file, io, opts.lang, limits.maxBytes);
            if (text === undefined) {
              exitCode = EXIT.usage;
              return;
            }
          }
        }
        let outcome: RunOutcome;
        let classes: readonly string[] | undefined;
        let inputs: LossInputs = {};
        try {
          let tensorFile: TensorFile =
            file === undefined
              ? npyTensorFile(opts.input!, opts.target, limits)
              : text !== undefined
                ? resolveNpyRelativeTo(readTensorFile(text), file, limits)
                : readTensorFileFromDisk(file, undefined, limits);
          if (file !== undefined && opts.input !== undefined) {
            tensorFile = {
              ...tensorFile,
              inputs: { ...tensorFile.inputs, ...npyTensorFile(opts.input, opts.target, limits).inputs },
            };
          }
          classes = tensorFile.classes;
          inputs = tensorFile.inputs;
          summary ||= largestTensor(tensorFile) > SUMMARY_THRESHOLD_ELEMENTS;
          const overrides = {
            ...(opts.loss ? { loss: opts.loss } : {}),
            ...(opts.reduction ? { reduction: opts.reduction } : {}),
            ...(opts.torch ? { torchVersion: opts.torch } : {}),
          };
          outcome = runTensorFile(tensorFile, overrides, summary ? { detail: 'summary' } : undefined);
        } catch (e) {
          const ioError = e as NodeJS.ErrnoException;
          if (!(e instanceof LossLensError) && typeof ioError.code === 'string') {
            cannotRead(ioError.path ?? file ?? opts.input!, e, io, opts.lang);
            exitCode = EXIT.usage;
            return;
          }
          // A refused file (not a regular file, over the limit, outside the folder) is an I/O problem, not PyTorch's.
          if (
            e instanceof LossLensError &&
            (e.diagnostic.code.startsWith('file/') || e.diagnostic.code === 'npy/read')
          ) {
            io.stderr(`${formatDiagnostics([e.diagnostic], file ?? opts.input!, opts.lang)}\n`);
            exitCode = EXIT.usage;
            return;
          }
          outcome = { results: [], diagnostics: diagnosticsOf(e) };
        }
        if (summary) {
          exitCode = reportSummary(
            outcome,
            inputs,
            file ?? opts.input!,
            opts.json === true,
            io,
            classes,
            opts.allClasses === true,
            opts.lang,
          );
          return;
        }
        file ??= opts.input!;
        const explain = opts.explain ? { inputs, locale: opts.lang } : undefined;
        exitCode = report(
          outcome,
          file,
          opts.json === true,
          io,
          { ...(classes ? { classes } : {}), inputs },
          explain,
          opts.lang,
        );
      },
    );

  program
    .command('eval')
    .description('evaluate every loss call of a Python snippet, top to bottom')
    .argument('<file>', 'Python file or copied snippet')
    .option('--loss <name>', 'with no loss call in the snippet, apply this loss to its first two tensors')
    .option('--json', 'print the results and diagnostics as JSON')
    .option('--explain', 'write each computed call out by hand with the actual numbers (at most 4 samples × 6 classes)')
    .addOption(new Option('--lang <locale>', LANG_HELP).choices(['en', 'zh-cn']).default('en'))
    .addOption(torchOption())
    .option('--seed <n>', 'the seed of the random draws a program makes without seeding (default 0: another draw)')
    .action(
      (
        file: string,
        opts: {
          loss?: string;
          json?: boolean;
          explain?: boolean;
          lang: DerivationLocale;
          torch?: TorchVersion;
          seed?: string;
        },
      ) => {
        const seed = opts.seed === undefined ? undefined : Number(opts.seed);
        if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
          io.stderr(
            `${ownText("loss-lens: --seed takes a whole number from 0 up, not '{seed}'", { seed: opts.seed! }, opts.lang)}\n`,
          );
          exitCode = EXIT.usage;
          return;
        }
        const text = readFileOrFail(file, io, opts.lang);
        if (text === undefined) {
          exitCode = EXIT.usage;
          return;
        }
        const evaluation = evaluateSnippet(text, {
          ...(opts.loss ? { loss: opts.loss } : {}),
          ...(opts.torch ? { torchVersion: opts.torch } : {}),
          ...(seed !== undefined ? { seed } : {}),
        });
        const failed = evaluation.diagnostics.some((d) => d.severity === 'error');
        if (opts.json) {
          const results = evaluation.calls.flatMap((c) =>
            c.result
              ? [
                  {
                    ...resultJson(
                      c.result,
                      opts.explain ? { inputs: c.computed?.inputs ?? {}, locale: opts.lang } : undefined,
                      opts.lang,
                    ),
                    ...placeOf(c.range),
                  },
                ]
              : [],
          );
          // A whole program also reports exactly what it printed.
          const printed = evaluation.program
            ? {
                stdout: evaluation.stdout ?? '',
                ...(evaluation.displayed !== undefined ? { displayed: evaluation.displayed } : {}),
              }
            : {};
          // A hand-written loss's `builtin.reason` is Loss Lens's sentence: in `--lang`.
          const custom = evaluation.customLosses
            ? {
                customLosses: evaluation.customLosses.map((c) => ({
                  ...c,
                  ...(c.builtin?.reason !== undefined
                    ? { builtin: { ...c.builtin, reason: localizeText(c.builtin.reason, opts.lang) } }
                    : {}),
                  ...placeOf(c.range),
                })),
              }
            : {};
          printJson(
            { ...printed, results, ...custom, diagnostics: jsonDiagnostics(evaluation.diagnostics, opts.lang) },
            io,
          );
        } else {
          if (evaluation.program) {
            // What the program printed, exactly, then what Loss Lens found in it.
            const text =
              (evaluation.stdout ?? '') + (evaluation.displayed !== undefined ? `${evaluation.displayed}\n` : '');
            if (text) {
              const [before, after] = [
                ownText('--- program output ---', {}, opts.lang),
                ownText('--- loss calls ---', {}, opts.lang),
              ];
              io.stdout(`${before}\n${text}${text.endsWith('\n') ? '' : '\n'}${after}\n`);
            }
          }
          for (const c of evaluation.calls) {
            const loops = (c as { loops?: readonly { line: number; iteration: number }[] }).loops;
            const call = `${c.range.line}:${c.range.column} ${c.fn}`;
            // Each enclosing loop and the iteration, outermost first.
            const where = (loops ?? []).map((l) =>
              ownText(
                'loop at line {line}, iteration {iteration}',
                { line: l.line, iteration: l.iteration + 1 },
                opts.lang,
              ),
            );
            const head =
              where.length > 0
                ? ownText(
                    '{call} ({loops})',
                    { call, loops: where.reduce((list, item) => ownText('{list}, {item}', { list, item }, opts.lang)) },
                    opts.lang,
                  )
                : call;
            if (c.result) {
              io.stdout(
                `${head} = ${formatNested(c.result.value)}\n${formatResult(c.result, { locale: opts.lang, ...(c.computed ? { inputs: c.computed.inputs } : {}) })}\n\n`,
              );
              if (opts.explain)
                io.stdout(`${renderDerivation(buildDerivation(c.result, c.computed?.inputs ?? {}), opts.lang)}\n\n`);
            } else
              io.stdout(
                `${rejectedCall(c) ? ownText('{head}: rejected', { head }, opts.lang) : ownText('{head}: shapes only', { head }, opts.lang)}\n`,
              );
          }
          for (const c of evaluation.customLosses ?? []) {
            // A hand-written loss: its value, and the built-in it resembles on the same inputs.
            const value =
              c.value.length === 1 ? c.value[0]!.toFixed(4) : `[${c.value.map((v) => v.toFixed(4)).join(', ')}]`;
            const place = `${c.range.line}:${c.range.column}`;
            io.stdout(
              `${ownText('{place} {name} (hand-written) = {value}', { place, name: c.name, value }, opts.lang)}\n`,
            );
            if (c.builtin) {
              const same = { label: c.builtin.label, value: c.builtin.value.toFixed(4) };
              io.stdout(`  ${ownText('{label} on the same inputs = {value}', same, opts.lang)}\n`);
              if (c.builtin.reason) {
                const reason = localizeText(c.builtin.reason, opts.lang);
                io.stdout(`  ${ownText('why they differ: {reason}', { reason }, opts.lang)}\n`);
              }
            }
            io.stdout('\n');
          }
          if (evaluation.calls.length === 0 && !evaluation.customLosses?.length)
            io.stdout(`${ownText('no loss call found', {}, opts.lang)}\n`);
          const listing =
            evaluation.diagnostics.length > 0 ? `${formatDiagnostics(evaluation.diagnostics, file, opts.lang)}\n` : '';
          if (listing) (failed ? io.stderr : io.stdout)(listing);
        }
        exitCode = exitFor(evaluation.diagnostics);
      },
    );

  program
    .command('check')
    .description(
      'check Python files for the shape and dtype mismatches PyTorch would raise at their loss calls (folders: every .py file in them; imports among the files are followed)',
    )
    .argument('<paths...>', 'Python files and folders')
    .option('--json', 'print the diagnostics as JSON')
    .addOption(new Option('--lang <locale>', LANG_HELP).choices(['en', 'zh-cn']).default('en'))
    .addOption(torchOption())
    .action((paths: string[], opts: { json?: boolean; lang: DerivationLocale; torch?: TorchVersion }) => {
      exitCode = checkPaths(paths, opts, io);
    });

  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // A bug or an exhausted resource in Loss Lens: its own exit code and one line, never a trace that reads like
    // PyTorch rejecting the input.
    io.stderr(`${internalError(e, lang)}\n`);
    return EXIT.internal;
  }
  return exitCode;
}

/** Folders `check` does not search: tool and environment folders, caches. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'env']);

/** The .py files under a folder, sorted, as paths joined to the folder as given. */
function pythonFilesUnder(folder: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name)) visit(full);
      } else if (e.isFile() && e.name.endsWith('.py')) out.push(full);
    }
  };
  visit(folder);
  return out;
}

/**
 * `check PATH...`: every file given and every .py file in the folders given, each checked as the program it is,
 * following its imports of the others (the file's own folder first, then the folders given, as Python's `sys.path`
 * with the script's folder). One file given: the output of `check FILE` (diagnostics, or `no problems found`; `--json`:
 * `{diagnostics, calls}`). Several: each file's diagnostics and a summary (`--json`: `{files: [{file, diagnostics,
 * calls}]}`).
 */
function checkPaths(
  paths: readonly string[],
  opts: { json?: boolean; lang: DerivationLocale; torch?: TorchVersion },
  io: Io,
): number {
  const files: string[] = [];
  const roots: string[] = [];
  let unreadable = false;
  for (const p of paths) {
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(p);
    } catch {
      stats = undefined;
    }
    if (stats?.isDirectory()) {
      roots.push(path.resolve(p));
      files.push(...pythonFilesUnder(p));
    } else files.push(p);
  }
  const resolve = diskResolver({ roots });
  const cache = new ModuleCache();
  const single = paths.length === 1 && files.length === 1 && files[0] === paths[0];
  // raisedAt names the module's file as the caller's resolver did (absolute): shown relative to where check runs.
  const shown = (file: string): string => {
    const rel = path.relative(process.cwd(), file);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  };
  const results: { file: string; diagnostics: Diagnostic[]; calls: readonly CheckedCall[] }[] = [];
  for (const file of files) {
    const text = readFileOrFail(file, io, opts.lang);
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    const { diagnostics, calls = [] } = checkSnippet(text, {
      ...(opts.torch ? { torchVersion: opts.torch } : {}),
      imports: { file: path.resolve(file), resolve, cache },
    });
    results.push({
      file,
      diagnostics: diagnostics.map((d) =>
        d.raisedAt ? { ...d, raisedAt: { ...d.raisedAt, file: shown(d.raisedAt.file) } } : d,
      ),
      calls,
    });
  }
  const all = results.flatMap((r) => r.diagnostics);
  const toJson = (c: CheckedCall): unknown => jsonCall(c, opts.lang);
  if (single && results.length === 1) {
    const { file, diagnostics, calls } = results[0]!;
    if (opts.json) printJson({ diagnostics: jsonDiagnostics(diagnostics, opts.lang), calls: calls.map(toJson) }, io);
    else
      io.stdout(
        diagnostics.length > 0
          ? `${formatDiagnostics(diagnostics, file, opts.lang)}\n`
          : `${ownText('no problems found', {}, opts.lang)}\n`,
      );
  } else if (opts.json) {
    printJson(
      {
        files: results.map((r) => ({
          file: r.file,
          diagnostics: jsonDiagnostics(r.diagnostics, opts.lang),
          calls: r.calls.map(toJson),
        })),
      },
      io,
    );
  } else if (results.length > 0) {
    for (const r of results)
      if (r.diagnostics.length > 0) io.stdout(`${formatDiagnostics(r.diagnostics, r.file, opts.lang)}\n`);
    const errors = all.filter((d) => d.severity === 'error').length;
    const withProblems = results.filter((r) => r.diagnostics.length > 0).length;
    const counts = { count: results.length, errors, withProblems };
    io.stdout(
      `${
        all.length === 0
          ? ownText('no problems found in {count} {file|files}', counts, opts.lang)
          : ownText(
              '{count} {file|files} checked: {errors} {error|errors}, problems in {withProblems}',
              counts,
              opts.lang,
            )
      }\n`,
    );
  }
  if (unreadable) return EXIT.usage;
  return exitFor(all);
}

/**
 * A loss call of `check --json`: per argument its shape (numbers and symbol names) and dtype, or why it is unknown
 * (in `locale`; code and names in it stay).
 */
function jsonCall(c: CheckedCall, locale: Locale): unknown {
  return {
    line: c.line,
    column: c.column,
    fn: c.fn,
    args: Object.fromEntries(
      c.args.map((a) => [
        a.name,
        a.shape
          ? { shape: a.shape, dtype: a.dtype }
          : {
              shape: 'unknown',
              reason: a.unknown === undefined ? ownText('unknown', {}, locale) : localizeDescription(a.unknown, locale),
            },
      ]),
    ),
  };
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    // Thrown outside a command (writing the output failed): still one line and exit 3.
    process.stderr.write(`${internalError(e, langOf(process.argv.slice(2)))}\n`);
    process.exitCode = EXIT.internal;
  }
}

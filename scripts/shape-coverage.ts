/**
 * How much of real training code the shape checker understands: runs the CLI's `check --json` (in process, the
 * same `main` the `loss-lens` binary runs) on every .py file under the folders given, and prints
 *
 * - the files checked, the files with an error diagnostic (on code that runs, every one is a false error), and the
 *   files where the checker threw (a bug: the checker must never throw);
 * - from the `"calls"` field of `check --json` (one entry per loss call: `{line, column, fn, args: [{shape?, dtype?,
 *   unknown?}]}`): the loss calls found and the fraction whose first two arguments both have a known shape, and the
 *   most common reasons a shape is unknown;
 * - where `check --json` has no `"calls"` field (before shape mode prints it), a textual count of the places a loss
 *   is named (`F.cross_entropy(`, `nn.CrossEntropyLoss(`), so the denominator is known even then.
 *
 *   npx tsx scripts/shape-coverage.ts FOLDER... [--torch 2.x|1.13] [--slowest N]
 *
 * Measure on repositories fetched locally; never commit their code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { main } from '../src/cli';
import { lossByFunctional, lossByModule } from '../src/core/snippet/loss-calls';

interface CallArg {
  readonly shape?: readonly (number | string)[];
  readonly dtype?: string;
  readonly unknown?: string;
}
interface LossCall {
  readonly line: number;
  readonly column: number;
  readonly fn: string;
  /** By the loss's argument name (`{input: …, target: …}`, as `check --json` prints it), or as a list. */
  readonly args?: readonly CallArg[] | Readonly<Record<string, CallArg>>;
}
interface CheckJson {
  readonly diagnostics?: readonly { line: number; severity: string; code: string; message: string }[];
  readonly calls?: readonly LossCall[];
}

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const torch = option('--torch');
const slowest = Number(option('--slowest') ?? 5);
const folders = argv.filter((a, i) => !a.startsWith('--') && !['--torch', '--slowest'].includes(argv[i - 1] ?? ''));
if (folders.length === 0) {
  console.error('usage: npx tsx scripts/shape-coverage.ts FOLDER... [--torch 2.x|1.13] [--slowest N]');
  process.exit(2);
}

function pythonFiles(dir: string): string[] {
  const st = statSync(dir);
  if (st.isFile()) return dir.endsWith('.py') ? [dir] : [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__') continue;
    const full = path.join(dir, name);
    const s = statSync(full);
    if (s.isDirectory()) out.push(...pythonFiles(full));
    else if (name.endsWith('.py')) out.push(full);
  }
  return out;
}

/** Places a loss is named in the text: `cross_entropy(`, `CrossEntropyLoss(` (the fallback denominator). */
function textualLossMentions(text: string): number {
  let n = 0;
  for (const m of text.matchAll(/(?<![\w])([A-Za-z_]\w*)\s*\(/g)) {
    const name = m[1]!;
    if (lossByFunctional(name) || lossByModule(name)) n++;
  }
  return n;
}

const files = folders.flatMap(pythonFiles).sort();
let filesWithErrors = 0;
let crashed = 0;
let unparsedJson = 0;
let sawCallsField = false;
let calls = 0;
let bothKnown = 0;
let mentions = 0;
let filesWithLoss = 0;
const reasons = new Map<string, number>();
const errorCodes = new Map<string, number>();
const timings: { file: string; ms: number; lines: number }[] = [];

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const named = textualLossMentions(text);
  mentions += named;
  if (named > 0) filesWithLoss++;
  let out = '';
  const started = performance.now();
  try {
    main(['check', file, '--json', ...(torch ? ['--torch', torch] : [])], {
      stdout: (t) => {
        out += t;
      },
      stderr: () => undefined,
    });
  } catch (e) {
    crashed++;
    console.log(`checker threw on ${file}: ${(e as Error).message}`);
    continue;
  }
  timings.push({ file, ms: performance.now() - started, lines: text.split('\n').length });
  let result: CheckJson;
  try {
    result = JSON.parse(out) as CheckJson;
  } catch {
    unparsedJson++;
    continue;
  }
  const errors = (result.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    filesWithErrors++;
    for (const d of errors) errorCodes.set(d.code, (errorCodes.get(d.code) ?? 0) + 1);
    console.log(`error in ${file}:${errors[0]!.line}: ${errors[0]!.message.split('\n')[0]}`);
  }
  if (result.calls) {
    sawCallsField = true;
    for (const call of result.calls) {
      calls++;
      const args: readonly CallArg[] = Array.isArray(call.args)
        ? call.args
        : Object.values((call.args ?? {}) as Record<string, CallArg>);
      if (args.length >= 2 && args.slice(0, 2).every((a) => Array.isArray(a.shape))) bothKnown++;
      for (const a of args.slice(0, 2)) {
        if (!Array.isArray(a.shape)) {
          const reason = (a.unknown ?? (a as { reason?: string }).reason ?? 'no reason given').replace(/`[^`]*`|'[^']*'|\d+/g, '…');
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
      }
    }
  }
}

const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);
console.log(`\n${files.length} Python files; ${filesWithLoss} name a loss (${mentions} textual loss mentions)`);
console.log(
  `files with an error diagnostic: ${filesWithErrors}; checker threw: ${crashed}; unreadable JSON: ${unparsedJson}`,
);
if (errorCodes.size > 0) {
  console.log(`error codes: ${[...errorCodes].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
}
if (sawCallsField) {
  console.log(
    `loss calls found by check: ${calls}; both argument shapes known: ${bothKnown} (${pct(bothKnown, calls)})`,
  );
  const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (top.length > 0) console.log(`why unknown:\n${top.map(([r, n]) => `  ${n} × ${r}`).join('\n')}`);
} else {
  console.log('check --json prints no "calls" field yet: per-call shapes cannot be counted (textual mentions above)');
}
const sorted = [...timings].sort((a, b) => b.ms - a.ms).slice(0, slowest);
console.log(`slowest checks:\n${sorted.map((t) => `  ${t.ms.toFixed(0)} ms  ${t.lines} lines  ${t.file}`).join('\n')}`);

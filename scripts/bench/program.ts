/**
 * How long the whole-program runtime takes, against parsing the same text in the same run (the issue's targets:
 * `eval` of a 200-line tutorial program under 200 ms, `check` of a 5,000-line file under 100 ms). Prints ratios;
 * nothing here is a test. The 5,000-line file is the labelled test programs repeated, whole, to 5,000 lines: code that runs (recursion,
 * loops, formatting) rather than the declarations and loss calls of `npm run bench:check`'s generated file.
 *
 *     npx tsx scripts/bench/program.ts [--warm-up 30]
 *
 * Like `bench-check.ts`, it bundles itself first and measures the bundle (./bundled.ts).
 *
 * Cold and warm are printed apart. V8 compiles the checker's code as it runs: the first check of a large file in a
 * fresh thread runs mostly unoptimized, and it takes tens of checks before the times settle. The extension's snippet
 * worker lives as long as the window and checks on every edit, so the settled ("warm") time is what typing sees; the
 * first check after the window opens is the cold one. The last line measures what a newer edit does to a running
 * check: the worker stops it and stays warm, where terminating the thread (as Loss Lens did before) starts cold.
 *
 * Each warm check sees the file with one line changed, as typing sends it. The snippet worker keeps a parse cache
 * (`ProgramCache`): the statements an edit did not touch come back parsed, so its check is timed with the cache, and
 * the check that parses the whole file (the CLI's, which checks a file once) is printed beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseProgram } from '../../src/core/python/program';
import { runProgram } from '../../src/core/runtime/index';
import { ProgramCache, checkSnippet } from '../../src/core/snippet/index';
import { WorkerChecks, median, repoRoot, runAsBundle, runningBundled, typedEdit } from './bundled';
import { threadCpuMs } from '../threadCpu';

function best(fn: () => void, runs = 7): number {
  let t = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const ms = (t: number): string => `${t.toFixed(1)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'warm-up': { type: 'string', default: '30' } } });
  const warmUp = Math.max(1, Number(values['warm-up']));
  const dir = path.join(repoRoot(), 'test', 'fixtures', 'programs');
  const programs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
  // A ~1,000-line tutorial: the labelled programs one after another.
  const tutorial = programs.join('\n');
  const lines = tutorial.split('\n').length;
  // The 5,000-line file: the programs again and again, whole, until the file has 5,000 lines.
  const parts: string[] = [];
  for (let n = 0, i = 0; n < 5000; i++) {
    const program = programs[i % programs.length]!;
    parts.push(program);
    n += program.split('\n').length;
  }
  const big = parts.join('\n');
  const bigLines = big.split('\n').length;

  // In a fresh thread first: the worker's first check of the big file, before this thread has run any of the code.
  const fresh = new WorkerChecks();
  const firstInWorker = await fresh.check(big);
  fresh.dispose();
  // Typing: each check sees the file with one line changed, a different edit each time (see typedEdit).
  const typed = (k: number): string => typedEdit(big, k);

  // As the extension runs it: in the snippet worker, with its resource limits, before this thread checks anything
  // itself (then this thread's heap and its collector's threads would compete with the worker for the 2 cores).
  const kept = new WorkerChecks();
  try {
    for (let i = 0; i < warmUp; i++) await kept.check(typed(i));
    const inWorker: number[] = [];
    for (let i = 0; i < 10; i++) inWorker.push(await kept.check(typed(warmUp + i)));
    const w = median(inWorker);

    const firstEval = timed(() => runProgram(tutorial));
    const parse = best(() => parseProgram(tutorial));
    for (let i = 0; i < warmUp; i++) runProgram(tutorial);
    const run = best(() => runProgram(tutorial));
    console.log(
      `eval, ${lines}-line program: ${ms(run)} warm (first run ${ms(firstEval)}); parse alone ${parse.toFixed(2)} ms; ratio ${(run / parse).toFixed(1)}x`,
    );

    // A plain parse of the big file, warm, for the ratios.
    for (let i = 0; i < 10; i++) parseProgram(big);
    const bigParse = best(() => parseProgram(big), 5);
    console.log(
      `check in the snippet worker, ${bigLines}-line file: ${ms(w)} warm (median of 10 after ${warmUp} checks, an edit before each; best ${ms(Math.min(...inWorker))}); the fresh worker's first check ${ms(firstInWorker)}; ratio warm ${(w / bigParse).toFixed(1)}x the parse`,
    );

    const warmChecks = (check: (k: number) => void): { curve: number[]; walls: number[]; cpu: number | undefined } => {
      const curve: number[] = [];
      for (let i = 0; i < warmUp; i++) curve.push(timed(() => check(i)));
      const walls: number[] = [];
      const cpu0 = threadCpuMs();
      for (let i = 0; i < 10; i++) walls.push(timed(() => check(warmUp + i)));
      const cpu1 = threadCpuMs();
      return { curve, walls, cpu: cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / 10 : undefined };
    };
    const cpuNote = (cpu: number | undefined): string =>
      cpu !== undefined ? `; this thread's CPU ${ms(cpu)} per check` : '';

    // Without a parse cache (the CLI's `check`, which checks a file once): every check parses the whole file.
    const plain = warmChecks((k) => checkSnippet(typed(k)));
    const warm = median(plain.walls);
    console.log(
      `check, ${bigLines}-line file, parsed whole: ${ms(warm)} warm (median of 10 after ${warmUp} checks; best ${ms(Math.min(...plain.walls))}${cpuNote(plain.cpu)}); parse alone ${ms(bigParse)}; ratio ${(warm / bigParse).toFixed(1)}x`,
    );
    const at = (k: number): string =>
      plain.curve[k - 1] !== undefined ? `${k}: ${plain.curve[k - 1]!.toFixed(0)}` : '';
    console.log(
      `  its warm-up in this thread, check number: ms — ${[1, 2, 3, 5, 10, 20, 30, 50]
        .map(at)
        .filter(Boolean)
        .join(', ')}`,
    );
    // With the snippet worker's parse cache: the statements the edit did not touch come from the previous parse.
    const programCache = new ProgramCache();
    const cached = warmChecks((k) => checkSnippet(typed(k), { programCache }));
    const warmCached = median(cached.walls);
    console.log(
      `check, ${bigLines}-line file, with the worker's parse cache: ${ms(warmCached)} warm (median of 10; best ${ms(Math.min(...cached.walls))}${cpuNote(cached.cpu)}); ratio ${(warmCached / bigParse).toFixed(1)}x the parse; ${(warm / warmCached).toFixed(2)}x faster than parsed whole`,
    );

    // A newer edit while a check runs (a changed line near the end, as typing does), 20 ms into the running check.
    const edited = `${big}\nprint("edited")\n`;
    const stopped: number[] = [];
    for (let i = 0; i < 5; i++) stopped.push(await kept.checkSuperseding(big, edited, 20));
    const termination = new WorkerChecks({ graceMs: 0 });
    const terminated: number[] = [];
    try {
      await termination.check(big);
      for (let i = 0; i < 5; i++) terminated.push(await termination.checkSuperseding(big, edited, 20));
    } finally {
      termination.dispose();
    }
    const s = kept.stats();
    const k = median(stopped);
    const t = median(terminated);
    console.log(
      `a check that supersedes a running one, from the edit to its answer: ${ms(k)} when the worker stops the old check and stays (${s.cancelled} stopped, ${s.terminated} terminated), ${ms(t)} when the worker is terminated and a fresh one starts; ratio ${(t / k).toFixed(1)}x (medians of 5)`,
    );
  } finally {
    kept.dispose();
  }
}

if (runningBundled()) void main();
else runAsBundle(__filename);

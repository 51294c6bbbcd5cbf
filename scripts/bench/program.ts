/**
 * How long the whole-program runtime takes, against parsing the same text in the same run (the issue's targets:
 * `eval` of a 200-line tutorial program under 200 ms, `check` of a 5,000-line file under 100 ms). Prints ratios;
 * nothing here is a test. The 5,000-line file is the labelled test programs repeated: code that runs (recursion,
 * loops, formatting) rather than the declarations and loss calls of `npm run bench:check`'s generated file.
 *
 *     npx tsx scripts/bench/program.ts
 *
 * Like `bench-check.ts`, it bundles itself first and measures the bundle (./bundled.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProgram } from '../../src/core/python/program';
import { runProgram } from '../../src/core/runtime/index';
import { checkSnippet } from '../../src/core/snippet/index';
import { medianInWorker, repoRoot, runAsBundle, runningBundled } from './bundled';

function best(fn: () => void, runs = 7): number {
  let t = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

function main(): void {
  const dir = path.join(repoRoot(), 'test', 'fixtures', 'programs');
  // A ~200-line tutorial: the labelled programs one after another.
  const tutorial = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const lines = tutorial.split('\n').length;
  const parse = best(() => parseProgram(tutorial));
  const run = best(() => runProgram(tutorial));
  console.log(
    `eval, ${lines}-line program: ${run.toFixed(1)} ms; parse alone ${parse.toFixed(2)} ms; ratio ${(run / parse).toFixed(1)}x`,
  );

  const big = Array.from({ length: 5000 / lines + 1 }, () => tutorial).join('\n');
  const bigLines = big.split('\n').length;
  const bigParse = best(() => parseProgram(big), 3);
  // The snippet worker is long-lived: the check is timed warm (the first checks of a large file compile the code).
  for (let i = 0; i < 3; i++) checkSnippet(big);
  const check = best(() => checkSnippet(big), 5);
  console.log(
    `check, ${bigLines}-line file: ${check.toFixed(1)} ms; parse alone ${bigParse.toFixed(1)} ms; ratio ${(check / bigParse).toFixed(1)}x`,
  );
  // As the extension runs it: in the snippet worker, with its resource limits (median of 7 after a warm-up).
  void medianInWorker(big, 7).then((inWorker) =>
    console.log(
      `check in the snippet worker, ${bigLines}-line file: ${inWorker.toFixed(1)} ms (median); ratio ${(inWorker / bigParse).toFixed(1)}x the parse`,
    ),
  );
}

if (runningBundled()) main();
else runAsBundle(__filename);

/**
 * `npm run bench:micro`: the in-process speed figures that used to be wall-clock assertions in the unit tests, each
 * measured against a baseline doing comparable work in the same process and the same run, so the ratio means the
 * same on a quiet laptop and on a busy CI runner while the milliseconds do not. Nothing here fails on a number: it
 * prints them (median and best of several runs, after a warm-up) for a person to read.
 *
 *   npm run bench:micro [-- --only argsort,i18n,parser,ctc,huber,fuzz]
 *
 * The inputs are the unit tests' own: the 2²⁰ samples of test/unit/summary.test.ts, the 1,000-diagnostic batch of
 * test/unit/i18n/matcher.test.ts, the 5,000-line file and 1 MB literal of test/unit/python-parser.test.ts, the CTC
 * batch of test/unit/losses/ctc.test.ts, the Huber million of test/unit/losses/regression.test.ts, and samples of the
 * fuzz families in test/unit/reader.fuzz-inputs.ts and test/unit/snippet/fuzz-inputs.ts.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { localizeDiagnostic } from '../../src/core/i18n/index';
import { CompiledCatalog, splitSentences } from '../../src/core/i18n/matcher';
import { ZH_CN } from '../../src/core/i18n/zh-cn';
import { findLoss } from '../../src/core/losses/index';
import { parseModule, tokenize } from '../../src/core/python/index';
import { readTensor, readTensors } from '../../src/core/reader';
import { checkSnippet, evaluateSnippet } from '../../src/core/snippet/index';
import { argsort } from '../../src/core/report/summary';
import { tensorFrom, type Tensor } from '../../src/core/tensor';
import { buildCorpus } from '../../test/unit/i18n/corpus';
import { readerFuzz } from '../../test/unit/reader.fuzz-inputs';
import { snippetFuzz } from '../../test/unit/snippet/fuzz-inputs';

interface Timing {
  readonly median: number;
  readonly best: number;
}

/** Runs `f` `warmup` times untimed, then `runs` times timed (ms); `setup` runs before each call, untimed. */
function measure(f: () => void, runs = 7, warmup = 2, setup?: () => void): Timing {
  for (let i = 0; i < warmup; i++) {
    setup?.();
    f();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    setup?.();
    const start = performance.now();
    f();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, best: times[0]! };
}

const ms = (t: number): string => (t < 10 ? `${t.toFixed(2)} ms` : `${t.toFixed(1)} ms`);
const rows: string[][] = [];

/** One line of the table: what, its time, the baseline's, and the ratio of the medians. */
function report(what: string, subject: Timing, baselineName: string, baseline: Timing): void {
  rows.push([
    what,
    `${ms(subject.median)} (best ${ms(subject.best)})`,
    `${baselineName}: ${ms(baseline.median)} (best ${ms(baseline.best)})`,
    `${(subject.median / baseline.median).toFixed(2)}×`,
  ]);
  process.stderr.write(
    `  ${what}: ${ms(subject.median)}, ${(subject.median / baseline.median).toFixed(2)}× ${baselineName}\n`,
  );
}

function benchArgsort(): void {
  // test/unit/summary.test.ts's 2²⁰ samples, sorted descending (the table's "worst first").
  const values = Float64Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453);
  let copy = values.slice();
  const nativeSort = measure(
    () => copy.sort(),
    7,
    2,
    () => (copy = values.slice()),
  );
  report(
    'argsort, 2²⁰ doubles, descending',
    measure(() => argsort(values, true)),
    'Float64Array.prototype.sort',
    nativeSort,
  );
  // Per-sample losses of a float32 computation: the low word's lower digits are zero.
  const float32 = Float64Array.from(new Float32Array(values));
  let copy32 = float32.slice();
  report(
    'argsort, 2²⁰ float32 values widened',
    measure(() => argsort(float32, true)),
    'Float64Array.prototype.sort',
    measure(
      () => copy32.sort(),
      7,
      2,
      () => (copy32 = float32.slice()),
    ),
  );
}

function benchI18n(): void {
  // test/unit/i18n/matcher.test.ts's batch: every distinct corpus text first, then repeats, 1,000 diagnostics.
  const corpus = buildCorpus();
  const byText = new Map(
    corpus.diagnostics.map(({ diagnostic }) => [`${diagnostic.explanation}|${diagnostic.hint}`, diagnostic]),
  );
  const batch = [...byText.values(), ...corpus.diagnostics.map((d) => d.diagnostic)].slice(0, 1000);
  const texts = batch.flatMap((x) => [x.explanation, x.hint, ...(x.fixes ?? []).map((f) => f.title)]);
  const present = texts.filter((t): t is string => t !== undefined);
  // The floor for any sentence-level translation: cutting each text into its sentences.
  let sink = 0;
  const split = measure(() => {
    for (const t of present) sink += splitSentences(t).length;
  }, 15);
  let catalog = new CompiledCatalog(ZH_CN);
  report(
    `i18n: ${batch.length} diagnostics (${present.length} texts), empty memo`,
    measure(
      () => {
        for (const t of present) sink += catalog.translate(t).length;
      },
      7,
      2,
      () => (catalog = new CompiledCatalog(ZH_CN)),
    ),
    'splitting the same texts into sentences',
    split,
  );
  report(
    'i18n: the same batch, memoized (localizeDiagnostic)',
    measure(() => {
      for (const x of batch) sink += localizeDiagnostic(x, 'zh-cn').code.length;
    }, 15),
    'splitting the same texts into sentences',
    split,
  );
  if (sink < 0) console.log(sink);
}

function benchParser(): void {
  // test/unit/python-parser.test.ts's 5,000-line file and 1 MB literal.
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    lines.push(
      `def f${i}(x):`,
      `    return x + ${i}`,
      `y${i} = torch.tensor([[1.0, 2.0], [3.0, ${i}]], dtype=torch.float32)  # comment`,
      `z${i} = [a for a in range(${i})] if y${i} else {"k": (1, 2)}`,
      `bad${i} = [1 2]`,
    );
  }
  const file = lines.join('\n');
  report(
    'parse a 5,000-line Python file',
    measure(() => parseModule(file)),
    'tokenize it',
    measure(() => tokenize(file)),
  );
  const row = `[${Array.from({ length: 16 }, (_, j) => (j * 0.125 - 1).toFixed(4)).join(', ')}]`;
  const literal = `[${new Array<string>(8000).fill(row).join(',\n ')}]`;
  report(
    `parse a ${(literal.length / 1e6).toFixed(1)} MB literal (x = [...])`,
    measure(() => parseModule(`x = ${literal}`)),
    'JSON.parse of the same brackets',
    measure(() => JSON.parse(literal)),
  );
}

function benchCtc(): void {
  // test/unit/losses/ctc.test.ts's realistic batch: T=200, N=16, C=30, S=40.
  const [T, N, C, S] = [200, 16, 30, 40];
  const data = new Float64Array(T * N * C);
  let s = 1;
  for (let i = 0; i < data.length; i++) {
    s = (s * 16807) % 2147483647;
    data[i] = (s / 2147483647) * 4 - 2;
  }
  for (let r = 0; r < T * N; r++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, data[r * C + c]!);
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(data[r * C + c]! - m);
    for (let c = 0; c < C; c++) data[r * C + c] = data[r * C + c]! - m - Math.log(z);
  }
  const logProbs: Tensor = { dtype: 'float64', shape: [T, N, C], data };
  const long = (values: number[], shape = [values.length]): Tensor => tensorFrom(values, shape, 'int64');
  const inputs = {
    log_probs: logProbs,
    targets: long(
      Array.from({ length: N * S }, (_, i) => 1 + (i % 29)),
      [N, S],
    ),
    input_lengths: long(new Array<number>(N).fill(T)),
    target_lengths: long(new Array<number>(N).fill(S)),
  };
  const ctc = findLoss('CTCLoss')!;
  // The floor: the forward and backward recursions alone, one log-add-exp per cell of T × N × (2S + 1), both ways.
  const L = 2 * S + 1;
  let sink = 0;
  const recursions = measure(() => {
    const alpha = new Float64Array(L);
    for (let pass = 0; pass < 2; pass++) {
      for (let n = 0; n < N; n++) {
        alpha.fill(-Infinity);
        alpha[0] = 0;
        for (let t = 0; t < T; t++) {
          for (let l = L - 1; l > 0; l--) {
            const a = alpha[l]!;
            const b = alpha[l - 1]!;
            const m = Math.max(a, b);
            alpha[l] =
              (m === -Infinity ? m : m + Math.log(Math.exp(a - m) + Math.exp(b - m))) +
              data[(t * N + n) * C + (l % C)]!;
          }
        }
        sink += alpha[L - 1]!;
      }
    }
  });
  report(
    `CTC loss and gradient, T=${T} N=${N} C=${C} S=${S}`,
    measure(() => ctc.compute(inputs, {})),
    'the bare α/β recursions',
    recursions,
  );
  if (Number.isNaN(sink)) console.log(sink);
}

function benchHuber(): void {
  // test/unit/losses/regression.test.ts's million elements, [1000, 1000] against a broadcast zero target.
  const n = 1_000_000;
  const x = new Float64Array(n).map((_, i) => Math.sin(i));
  const inputs = {
    input: { dtype: 'float64' as const, shape: [1000, 1000], data: x },
    target: tensorFrom([0], [1], 'float64'),
  };
  const huber = findLoss('huber_loss')!;
  // The floor: the same formula in one plain loop, per element and per row.
  const plain = measure(() => {
    const perElement = new Float64Array(n);
    const perRow = new Float64Array(1000);
    for (let i = 0; i < n; i++) {
      const d = Math.abs(x[i]!);
      const value = d < 1 ? 0.5 * d * d : d - 0.5;
      perElement[i] = value;
      const row = Math.floor(i / 1000);
      perRow[row] = perRow[row]! + value;
    }
  });
  report(
    'huber_loss on 10⁶ elements',
    measure(() => huber.compute(inputs, {})),
    'one plain loop of the formula',
    plain,
  );
}

/** Times `run` on each of `inputs` once (after one untimed call each) and reports the slowest against the median. */
function benchFuzz(name: string, inputs: readonly string[], run: (text: string) => void): void {
  const times = inputs.map((text) => {
    try {
      run(text);
    } catch {
      // the reader's contract: a positioned error is a valid outcome
    }
    const start = performance.now();
    try {
      run(text);
    } catch {
      // as above
    }
    return { text, ms: performance.now() - start };
  });
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)]!.ms;
  const slowest = sorted[sorted.length - 1]!;
  const p99 = sorted[Math.floor(sorted.length * 0.99)]!.ms;
  rows.push([
    `${name}: ${inputs.length} inputs, the slowest`,
    `${ms(slowest.ms)} (p99 ${ms(p99)})`,
    `median input: ${ms(median)}`,
    `${(slowest.ms / median).toFixed(0)}×`,
  ]);
  process.stderr.write(`  ${name}: slowest ${ms(slowest.ms)} for ${JSON.stringify(slowest.text.slice(0, 60))}\n`);
}

function benchFuzzFamilies(): void {
  const sample = (arbitrary: fc.Arbitrary<string>, count: number, seed: number): string[] =>
    fc.sample(arbitrary, { numRuns: count, seed });
  const readerInputs = [
    ...sample(readerFuzz.strings, 200, 1),
    ...sample(readerFuzz.soup, 200, 2),
    ...sample(readerFuzz.mutated, 200, 3),
    ...sample(readerFuzz.deep, 30, 4),
  ];
  benchFuzz('reader fuzz (parse, readTensor, readTensors)', readerInputs, (text) => {
    parseModule(text, { reprs: true });
    for (const read of [() => readTensor(text), () => readTensors(text)]) {
      try {
        read();
      } catch {
        // a positioned error is the contract's other outcome
      }
    }
  });
  const snippetInputs = [...sample(snippetFuzz.tokenSoup, 150, 20240917), ...sample(snippetFuzz.mutated, 150, 31337)];
  benchFuzz('snippet fuzz (evaluate, check)', snippetInputs, (text) => {
    evaluateSnippet(text, { loss: 'cross_entropy' });
    checkSnippet(text);
  });
}

const SECTIONS: Record<string, () => void> = {
  argsort: benchArgsort,
  i18n: benchI18n,
  parser: benchParser,
  ctc: benchCtc,
  huber: benchHuber,
  fuzz: benchFuzzFamilies,
};

function main(): void {
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : Object.keys(SECTIONS);
  for (const name of only) {
    const section = SECTIONS[name];
    if (!section) throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.stderr.write(`${name}…\n`);
    section();
  }
  const load = os.loadavg()[0]!.toFixed(2);
  const header = ['what', 'time: median of the runs', 'baseline, same process and run', 'ratio'];
  const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  console.log(
    `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${load} at the end. ` +
      'Times vary with the machine and its load; the ratios much less.\n',
  );
  console.log(table.join('\n'));
}

main();

/**
 * `npm run bench:warm`: Loss Lens's compute path warm against a warm PyTorch, on the same files, in one run.
 *
 * - The inputs (scripts/bench/warm_torch.py `gen`, with Debian's /usr/bin/python3) are written once into a folder
 *   under the system's temp folder (never committed): cross-entropy [512, 32000] and [4096, 1000] with index targets,
 *   [4096, 1000] with probability targets, with class weights + ignore_index + label_smoothing, a segmentation map
 *   [8, 21, 128, 128], BCEWithLogits [4096, 1000] with pos_weight; as .npy, as JSON tensor files, and [512, 32000]
 *   also as .pt and .safetensors. Every form holds the same float32 numbers.
 * - Loss Lens (scripts/bench/warm_child.ts, bundled by esbuild): one Node process runs each row N times, best of N:
 *   the worker's own job code (src/worker/job.ts: read into the worker's pool of buffers → runLoss in summary
 *   mode → toSummaryResult → summarize → the answer, then the pool settled as the worker settles it), then
 *   buildSummaryReport and the first page of rows (the host's). A row's first run is the panel's first computation
 *   (its inputs handed over and then held, as the host holds them, its time printed apart); the figure is the best
 *   of the N what-if recomputations after it, in the same warm process, as a warm worker runs them. The same rows are
 *   also timed through the extension's worker itself (src/worker/lossWorker.ts, bundled, in a worker thread kept for
 *   all rows), from posting a what-if job to the host's first page of rows: the answer's arrays are then transferred
 *   to the host thread as in the extension, so the worker allocates its outputs as it does there.
 * - PyTorch (warm_torch.py `run`): one Python process imports torch once, sets torch.set_num_threads(T), and runs
 *   each row N times, best of N (np.load + torch.from_numpy, json.load + torch.tensor, torch.load, then the loss);
 *   torch 1.13 with /usr/bin/python3 and, when the environment variable ORACLE names the torch 2.x chroot, torch 2.x
 *   there (the files are hard-linked into its /tmp for the run).
 * - Node's own start-up (`node -e 0`, and loading the bundle) is measured separately, never in a warm figure.
 * - The peak memory of one summary of the [512, 32000] JSON file in a fresh process, above Node's baseline: in the
 *   process itself, and through the extension's worker (src/worker/lossWorker.ts, bundled, in a worker thread) with
 *   the input tensors handed back as a panel's first computation asks (`returnInputs`).
 *
 * Prints a Markdown table with each ratio (Loss Lens / PyTorch: below 1 is faster) of the best wall times and of the
 * best CPU times (user + system of the process: on a shared, loaded machine the wall time counts other processes'
 * turns too), and the load average. Nothing here asserts on time.
 *
 *   ORACLE=/path/to/chroot npm run bench:warm -- [--repeats 5] [--rounds 1] [--threads 1] [--only TERM[,TERM…]]
 *     [--memory] [--regenerate]
 *
 * `--only segmentation,npy`: the rows whose name contains, or whose form is, every term; the memory figures are
 * measured with every row, `--only json` or `--memory`. `--rounds R`: Loss Lens and each PyTorch take turns R times,
 * and each row keeps its best over the rounds (a loaded machine's bursts then hit one turn, not the figure). The rows
 * file and the bundles carry this process's id, so that two runs at once (the inputs folder is shared) do not
 * overwrite each other's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { WarmRow } from './warm_child';

const PYTHON = '/usr/bin/python3';
const dataDir = path.join(os.tmpdir(), 'loss-lens-warm');
const rowsFile = path.join(dataDir, `warm-rows-${process.pid}.json`);

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const repeats = Number(option('--repeats', '5'));
const threads = Number(option('--threads', '1'));
const rounds = Number(option('--rounds', '1'));
const only = option('--only', '');

const ROWS: WarmRow[] = [
  {
    name: 'CE [512, 32000] index',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'ce32k-input.npy',
    target: 'ce32k-target.npy',
  },
  { name: 'CE [512, 32000] index', loss: 'cross_entropy', form: 'pt', input: 'ce32k.pt' },
  { name: 'CE [512, 32000] index', loss: 'cross_entropy', form: 'safetensors', input: 'ce32k.safetensors' },
  { name: 'CE [512, 32000] index', loss: 'cross_entropy', form: 'json', input: 'ce32k.json' },
  {
    name: 'CE [512, 32000] weight+ignore+smoothing',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'ce32k-input.npy',
    target: 'ce32k-wis-target.npy',
    options: { ignore_index: -1, label_smoothing: 0.1 },
    tensorOptions: { weight: 'ce32k-weight.npy' },
  },
  {
    name: 'CE [4096, 1000] index',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'ce1k-input.npy',
    target: 'ce1k-target.npy',
  },
  { name: 'CE [4096, 1000] index', loss: 'cross_entropy', form: 'json', input: 'ce1k.json' },
  {
    name: 'CE [4096, 1000] probabilities',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'ce1k-input.npy',
    target: 'ce1k-prob-target.npy',
  },
  { name: 'CE [4096, 1000] probabilities', loss: 'cross_entropy', form: 'json', input: 'ce1k-prob.json' },
  {
    name: 'CE [4096, 1000] weight+ignore+smoothing',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'ce1k-input.npy',
    target: 'ce1k-wis-target.npy',
    options: { ignore_index: -1, label_smoothing: 0.1 },
    tensorOptions: { weight: 'ce1k-weight.npy' },
  },
  { name: 'CE [4096, 1000] weight+ignore+smoothing', loss: 'cross_entropy', form: 'json', input: 'ce1k-wis.json' },
  {
    name: 'segmentation [8, 21, 128, 128]',
    loss: 'cross_entropy',
    form: 'npy',
    input: 'seg-input.npy',
    target: 'seg-target.npy',
  },
  { name: 'segmentation [8, 21, 128, 128]', loss: 'cross_entropy', form: 'json', input: 'seg.json' },
  {
    name: 'BCEWithLogits [4096, 1000] pos_weight',
    loss: 'binary_cross_entropy_with_logits',
    form: 'npy',
    input: 'ce1k-input.npy',
    target: 'bce-target.npy',
    tensorOptions: { pos_weight: 'bce-pos-weight.npy' },
  },
  {
    name: 'BCEWithLogits [4096, 1000] pos_weight',
    loss: 'binary_cross_entropy_with_logits',
    form: 'json',
    input: 'bce.json',
  },
];

interface Timed {
  readonly name: string;
  readonly form: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly value: number;
  readonly readMs?: number;
  /** Loss Lens only: the panel's first computation of the row (its read buffers fresh or from the previous rows). */
  readonly firstMs?: number;
}

function run(command: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, ...(cwd ? { cwd } : {}) });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** Best of `n` wall times of a whole process, in ms. */
function processMs(command: string, args: readonly string[], n: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    run(command, args);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

function ensureData(): void {
  if (fs.existsSync(path.join(dataDir, 'done')) && !process.argv.includes('--regenerate')) return;
  process.stderr.write(`generating the inputs into ${dataDir} (once)…\n`);
  fs.mkdirSync(dataDir, { recursive: true });
  run(PYTHON, [path.join(__dirname, 'warm_torch.py'), 'gen', dataDir]);
}

function bundle(entry: string, name: string): string {
  const outfile = path.join(dataDir, `${name}-${process.pid}.cjs`);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** PyTorch in the chroot named by ORACLE: the files hard-linked (copied across file systems) into its /tmp. */
function oracleRun(oracle: string, rows: readonly WarmRow[]): { torch: string; rows: Timed[] } {
  const name = `perf-warm-${process.pid}`;
  const inside = path.join(oracle, 'tmp', name);
  fs.mkdirSync(inside, { recursive: true });
  try {
    const files = new Set<string>([path.basename(rowsFile)]);
    for (const r of rows) {
      files.add(r.input);
      if (r.target) files.add(r.target);
      for (const f of Object.values(r.tensorOptions ?? {})) files.add(f);
    }
    for (const f of files) {
      try {
        fs.linkSync(path.join(dataDir, f), path.join(inside, f));
      } catch {
        fs.copyFileSync(path.join(dataDir, f), path.join(inside, f));
      }
    }
    fs.copyFileSync(path.join(__dirname, 'warm_torch.py'), path.join(inside, 'warm_torch.py'));
    const out = run('chroot', [
      oracle,
      'python3',
      `/tmp/${name}/warm_torch.py`,
      'run',
      `/tmp/${name}/${path.basename(rowsFile)}`,
      String(repeats),
      String(threads),
    ]);
    return JSON.parse(out) as { torch: string; rows: Timed[] };
  } finally {
    fs.rmSync(inside, { recursive: true, force: true });
  }
}

function main(): void {
  ensureData();
  const terms = only ? only.split(',') : [];
  const rows = ROWS.filter((r) => terms.every((term) => r.name.includes(term) || r.form === term));
  fs.writeFileSync(rowsFile, JSON.stringify(rows));
  const child = bundle(path.join(__dirname, 'warm_child.ts'), 'warm-child');
  const workerBundle = bundle(path.join(__dirname, '..', '..', 'src', 'worker', 'lossWorker.ts'), 'warm-worker');
  try {
    measure(rows, child, workerBundle);
  } finally {
    for (const f of [rowsFile, child, workerBundle]) fs.rmSync(f, { force: true });
  }
}

function measure(rows: readonly WarmRow[], child: string, workerBundle: string): void {
  const load = os.loadavg();

  process.stderr.write('Node start-up…\n');
  const nodeStart = processMs(process.execPath, ['-e', '0'], 5);
  const bundleStart = processMs(process.execPath, [child, 'noop'], 5);

  // Each round runs every side once more; a row keeps its best figures over the rounds, so that a burst of other
  // processes' load during one side's turn does not decide its ratio.
  let ours: { node: string; rows: Timed[] } | undefined;
  // The same rows through the extension's worker thread (src/worker/lossWorker.ts, bundled), best per row.
  const workerMs = new Map<string, number>();
  const peers: { label: string; rows: Timed[] }[] = [];
  const keepBest = (into: Timed[] | undefined, next: Timed[]): Timed[] =>
    into === undefined
      ? next
      : into.map((a) => {
          const b = next.find((r) => r.name === a.name && r.form === a.form)!;
          return { ...(b.ms < a.ms ? b : a), cpuMs: Math.min(a.cpuMs, b.cpuMs) };
        });
  for (let round = 0; round < rounds; round++) {
    process.stderr.write(`round ${round + 1} of ${rounds}: Loss Lens, ${rows.length} rows × ${repeats}…\n`);
    const mine = JSON.parse(run(process.execPath, ['--expose-gc', child, 'time', rowsFile, String(repeats)])) as {
      node: string;
      rows: Timed[];
    };
    ours = { node: mine.node, rows: keepBest(ours?.rows, mine.rows) };
    process.stderr.write(`round ${round + 1} of ${rounds}: Loss Lens through its worker thread…\n`);
    const viaWorker = JSON.parse(
      run(process.execPath, [child, 'time-worker', rowsFile, String(repeats), workerBundle]),
    ) as { rows: { name: string; form: string; ms: number }[] };
    for (const r of viaWorker.rows) {
      const key = `${r.name} ${r.form}`;
      workerMs.set(key, Math.min(workerMs.get(key) ?? Infinity, r.ms));
    }
    const theirs: { label: string; rows: Timed[] }[] = [];
    if (fs.existsSync(PYTHON)) {
      process.stderr.write('PyTorch (/usr/bin/python3)…\n');
      const r = JSON.parse(
        run(PYTHON, [path.join(__dirname, 'warm_torch.py'), 'run', rowsFile, String(repeats), String(threads)]),
      ) as { torch: string; rows: Timed[] };
      theirs.push({ label: `torch ${r.torch}`, rows: r.rows });
    }
    const oracle = process.env.ORACLE;
    if (oracle && fs.existsSync(path.join(oracle, 'usr', 'bin', 'python3'))) {
      process.stderr.write('PyTorch (ORACLE chroot)…\n');
      const r = oracleRun(oracle, rows);
      theirs.push({ label: `torch ${r.torch}`, rows: r.rows });
    }
    theirs.forEach((t, k) => (peers[k] = { label: t.label, rows: keepBest(peers[k]?.rows, t.rows) }));
  }
  if (!ours) throw new Error('--rounds must be at least 1');

  let memoryLine = '';
  if (!only || only === 'json' || process.argv.includes('--memory')) {
    process.stderr.write('peak memory of a [512, 32000] JSON summary…\n');
    const file = path.join(dataDir, 'ce32k.json');
    const m = JSON.parse(run(process.execPath, ['--expose-gc', child, 'memory', file])) as {
      fileBytes: number;
      baseline: number;
      peak: number;
    };
    const w = JSON.parse(run(process.execPath, ['--expose-gc', child, 'memory-worker', file, workerBundle])) as {
      fileBytes: number;
      baseline: number;
      idle: number;
      peak: number;
      inputBytes: number;
      inputBufferBytes: number;
    };
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
    const share = (bytes: number): string => `${(bytes / m.fileBytes).toFixed(2)}×`;
    memoryLine = [
      `Peak memory, one summary of ce32k.json (${mb(m.fileBytes)}), target ≤ 1× the file above Node's baseline:`,
      `- in one process (read, loss, summary, report): ${mb(m.peak)} resident at the peak, Node's baseline ` +
        `${mb(m.baseline)}, so ${mb(m.peak - m.baseline)} above it = ${share(m.peak - m.baseline)} the file;`,
      `- through the extension's worker (a worker thread running src/worker/lossWorker.ts, the answer and its input ` +
        `tensors, ${mb(w.inputBytes)} in buffers of ${mb(w.inputBufferBytes)}, received and held as on a panel's ` +
        `first computation): ${mb(w.peak)} at the peak, ${mb(w.peak - w.baseline)} above the process's baseline ` +
        `(${mb(w.baseline)}) = ${share(w.peak - w.baseline)} the file, of which the idle worker thread itself ` +
        `${mb(w.idle - w.baseline)}; ${mb(w.peak - w.idle)} above the idle worker = ${share(w.peak - w.idle)}.`,
    ].join('\n');
  }

  const header = [
    'row',
    'form',
    'size',
    'Loss Lens ms (CPU ms)',
    'of which read',
    'through the worker thread ms',
    'first computation ms',
  ];
  for (const p of peers) header.push(`${p.label} ms (CPU ms)`, `ratio (CPU ratio)`);
  header.push('values');
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const ours1 of ours.rows) {
    const row = rows.find((r) => r.name === ours1.name && r.form === ours1.form)!;
    const size =
      fs.statSync(path.join(dataDir, row.input)).size +
      (row.target ? fs.statSync(path.join(dataDir, row.target)).size : 0);
    const cells = [
      row.name,
      `.${row.form}`,
      `${(size / 1e6).toFixed(1)} MB`,
      `${ours1.ms.toFixed(1)} (${ours1.cpuMs.toFixed(1)})`,
      (ours1.readMs ?? NaN).toFixed(1),
      (workerMs.get(`${ours1.name} ${ours1.form}`) ?? NaN).toFixed(1),
      (ours1.firstMs ?? NaN).toFixed(1),
    ];
    let worstDelta = 0;
    for (const p of peers) {
      const theirs = p.rows.find((r) => r.name === ours1.name && r.form === ours1.form)!;
      const ratio = ours1.ms / theirs.ms;
      const cpuRatio = ours1.cpuMs / theirs.cpuMs;
      cells.push(
        `${theirs.ms.toFixed(1)} (${theirs.cpuMs.toFixed(1)})`,
        `**${ratio.toFixed(2)}×** (${cpuRatio.toFixed(2)}×)`,
      );
      worstDelta = Math.max(worstDelta, Math.abs(ours1.value - theirs.value) / Math.abs(theirs.value));
    }
    cells.push(`${ours1.value.toPrecision(8)} (rel. Δ ${worstDelta.toExponential(1)})`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const text = [
    `Node ${ours.node}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load.map((l) => l.toFixed(2)).join(' ')} at the start, ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )} at the end; best of ${repeats}${rounds > 1 ? ` in each of ${rounds} rounds` : ''} (wall time, and separately the process's CPU time, which a shared machine disturbs less); torch.set_num_threads(${threads}), Loss Lens on ${threads === 1 ? 'one thread' : `${threads} threads`}.`,
    `Node start-up, not in any figure below: \`node -e 0\` ${nodeStart.toFixed(0)} ms; loading the bundle ${bundleStart.toFixed(0)} ms.`,
    '',
    ...lines,
    '',
    memoryLine,
  ].join('\n');
  console.log(text);
  fs.writeFileSync(path.join(dataDir, 'results.md'), `${text}\n`);
}

main();

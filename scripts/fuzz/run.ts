/**
 * `npm run fuzz`: the fuzz campaign (issue 17). Generated inputs for the JSON readers (the small and the streaming
 * one must agree), the .npy reader, the .pt/.safetensors/.npz readers, the Python front end and checker, the
 * interpreter (whole programs under a step and element budget), and the CLI (in process, and as a child process), each target in its own worker thread with a per-input budget and a watchdog. Reports crashes, hangs and
 * reader disagreements with a reproducible seed and the input.
 *
 *   npm run fuzz                      # 1,000,000 inputs
 *   npm run fuzz -- --inputs 20000    # fewer
 *   npm run fuzz -- --seed 7
 *   npm run fuzz -- --max-minutes 30  # each target stops after 30 minutes; the report counts what ran
 *   npm run fuzz -- --only json       # one target (json, npy, python, program, tensorFile, cli, cli-process)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { threadCpuMs } from '../threadCpu';

/** An input taking longer than this is a hang (the inputs are small: anything near it is a quadratic path). */
const PER_INPUT_MS = 2000;
/**
 * A worker silent this long is stuck inside one input: it is terminated and the input reported as a hang. Generous,
 * because the campaign runs niced on a shared machine: a batch can wait minutes for a core without being stuck.
 */
const WATCHDOG_MS = 300_000;
/** Loading the sources (tsx compiles them in each worker) before the first input, at the lowest priority. */
const STARTUP_MS = 900_000;
/** Progress posts every this many inputs. */
const BATCH = 500;

type Target = 'json' | 'npy' | 'python' | 'program' | 'tensorFile' | 'cli';

interface Job {
  readonly target: Target;
  readonly seed: number;
  readonly count: number;
  /** Stop after this many milliseconds (the report then covers the inputs run). */
  readonly deadlineMs?: number;
}

/**
 * A fixed piece of work (parsing and checking one snippet), timed to tell a slow machine from a slow input: an input
 * is a hang when it is over {@link PER_INPUT_MS} scaled by how much slower this reference runs now than at the start.
 */
function referenceMs(c: typeof import('./campaign')): number {
  const text =
    'import torch\nimport torch.nn.functional as F\nx = torch.tensor([[1.0, 2.0], [0.5, 0.1]])\nF.cross_entropy(x, torch.tensor([0, 1]))\n';
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    c.pythonTarget(text);
    best = Math.min(best, performance.now() - t);
  }
  return Math.max(best, 0.01);
}

interface Report {
  readonly kind: 'crash' | 'hang' | 'disagreement';
  readonly target: string;
  readonly seed: number;
  readonly index: number;
  readonly message: string;
  readonly input: string;
}

type WorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly current: number; readonly currentInput: string }
  | { readonly type: 'finding'; readonly report: Report }
  | { readonly type: 'done'; readonly done: number };

function workerMain(job: Job): void {
  // Loaded here, not at the top: the main thread only watches.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const c = require('./campaign') as typeof import('./campaign');
  const random = c.rng(job.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-fuzz-'));
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  const baseline = referenceMs(c);
  const stopAt = job.deadlineMs === undefined ? Infinity : Date.now() + job.deadlineMs;
  let done = 0;
  for (let index = 0; index < job.count && Date.now() < stopAt; index++) {
    let input = '';
    let run: () => void;
    switch (job.target) {
      case 'json': {
        const text = c.jsonInput(random, c.jsonArbitrary, job.seed);
        input = text;
        run = () => c.jsonTarget(text);
        break;
      }
      case 'npy': {
        const bytes = c.npyInput(random);
        input = Buffer.from(bytes).toString('base64');
        run = () => c.npyTarget(bytes);
        break;
      }
      case 'python': {
        const text = c.pythonInput(random);
        input = text;
        run = () => c.pythonTarget(text);
        break;
      }
      case 'program': {
        const text = c.programInput(random);
        input = text;
        run = () => c.programTarget(text);
        break;
      }
      case 'tensorFile': {
        const file = c.tensorFileInput(random);
        input = `${file.name} ${Buffer.from(file.bytes).toString('base64')}`;
        run = () => c.tensorFileTarget(file);
        break;
      }
      case 'cli': {
        const python = random() < 0.4;
        const text = python ? c.pythonInput(random) : c.jsonInput(random);
        const file = path.join(dir, python ? 'in.py' : 'in.json');
        fs.writeFileSync(file, text);
        const command = python ? (random() < 0.5 ? 'check' : 'eval') : 'compute';
        const args = [command, file, ...(random() < 0.5 ? ['--json'] : [])];
        input = `${args.join(' ')} <<< ${text}`;
        run = () => c.cliTarget(args);
        break;
      }
    }
    if (index % BATCH === 0) post({ type: 'progress', done, current: index, currentInput: input.slice(0, 2000) });
    const started = performance.now();
    const cpuStarted = threadCpuMs();
    try {
      run();
    } catch (e) {
      const kind = e instanceof c.Finding ? e.kind : 'crash';
      post({
        type: 'finding',
        report: {
          kind,
          target: job.target,
          seed: job.seed,
          index,
          message: e instanceof Error ? e.message : String(e),
          input: input.slice(0, 2000),
        },
      });
    }
    const cpuEnded = threadCpuMs();
    // CPU time where the system tells it (the input's own work), else wall time.
    let ms = cpuStarted !== undefined && cpuEnded !== undefined ? cpuEnded - cpuStarted : performance.now() - started;
    if (ms > PER_INPUT_MS && cpuStarted === undefined) {
      // Slow once may be the machine (another process had the core): a hang is slow twice.
      const again = performance.now();
      try {
        run();
      } catch {
        // already reported above
      }
      ms = Math.min(ms, performance.now() - again);
    }
    // Wall time only: the budget grows with the machine's slowdown measured now against the start.
    if (ms > PER_INPUT_MS && (cpuStarted !== undefined || ms > PER_INPUT_MS * (referenceMs(c) / baseline))) {
      post({
        type: 'finding',
        report: {
          kind: 'hang',
          target: job.target,
          seed: job.seed,
          index,
          message: `${ms.toFixed(0)} ms of ${cpuStarted !== undefined ? 'CPU' : 'wall'} time (budget ${PER_INPUT_MS} ms)`,
          input: input.slice(0, 2000),
        },
      });
    }
    done++;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  post({ type: 'done', done });
}

/** Runs one job in a worker under the watchdog; resolves with the inputs run and the findings. */
function runJob(job: Job): Promise<{ done: number; findings: Report[] }> {
  return new Promise((resolve) => {
    const findings: Report[] = [];
    let done = 0;
    let last = { current: 0, input: '' };
    const worker = new Worker(__filename, { workerData: job, execArgv: ['--require', 'tsx/cjs'] });
    let timer: NodeJS.Timeout;
    const arm = (ms = WATCHDOG_MS): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        findings.push({
          kind: 'hang',
          target: job.target,
          seed: job.seed,
          index: last.current,
          message: `no progress for ${ms} ms (somewhere in inputs ${last.current}..${last.current + BATCH - 1})`,
          input: last.input,
        });
        void worker.terminate();
      }, ms);
    };
    arm(STARTUP_MS);
    let reported = Date.now();
    worker.on('message', (m: WorkerMessage) => {
      arm();
      if (m.type === 'progress') {
        done = m.done;
        if (Date.now() - reported > 60_000) {
          reported = Date.now();
          process.stdout.write(`  ${job.target}: ${done} of ${job.count}, ${findings.length} findings\n`);
        }
        last = { current: m.current, input: m.currentInput };
      } else if (m.type === 'finding') findings.push(m.report);
      else done = m.done;
    });
    worker.on('error', (e) =>
      findings.push({
        kind: 'crash',
        target: job.target,
        seed: job.seed,
        index: last.current,
        message: `worker died: ${e.message}`,
        input: last.input,
      }),
    );
    worker.on('exit', () => {
      clearTimeout(timer);
      resolve({ done, findings });
    });
  });
}

/** The CLI as a child process: exit 0/1/2 and no stack trace on stderr, for a few hundred inputs. */
function childProcessRuns(seed: number, count: number): { done: number; findings: Report[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const c = require('./campaign') as typeof import('./campaign');
  const random = c.rng(seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-fuzz-cli-'));
  const cli = path.join(__dirname, '..', '..', 'src', 'cli.ts');
  const findings: Report[] = [];
  for (let index = 0; index < count; index++) {
    const python = random() < 0.4;
    const text = python ? c.pythonInput(random) : c.jsonInput(random);
    const file = path.join(dir, python ? 'in.py' : 'in.json');
    fs.writeFileSync(file, text);
    const args = [python ? 'check' : 'compute', file, '--json'];
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['--require', 'tsx/cjs', cli, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 60_000,
      });
    } catch (e) {
      const err = e as { status: number | null; signal: string | null; stderr?: Buffer };
      status = err.status ?? -1;
      stderr = err.stderr?.toString() ?? '';
      if (err.signal) stderr = `signal ${err.signal} ${stderr}`;
    }
    if (![0, 1, 2].includes(status) || /\n\s+at /.test(stderr)) {
      findings.push({
        kind: status === -1 ? 'hang' : 'crash',
        target: 'cli-process',
        seed,
        index,
        message: `exit ${status}: ${stderr.slice(0, 300)}`,
        input: `${args.join(' ')} <<< ${text.slice(0, 2000)}`,
      });
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { done: count, findings };
}

async function campaign(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const at = argv.indexOf(name);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const total = option('--inputs', 1_000_000);
  const seed = option('--seed', 17);
  const processRuns = option('--process-runs', 100);
  const maxMinutes = option('--max-minutes', Infinity);
  const deadlineMs = Number.isFinite(maxMinutes) ? maxMinutes * 60_000 : undefined;
  // Shares of the inputs: the readers are cheap per input, the CLI in process less so.
  const shares: [Target, number][] = [
    ['json', 0.3],
    ['npy', 0.2],
    ['python', 0.2],
    ['program', 0.15],
    ['tensorFile', 0.1],
    ['cli', 0.05],
  ];
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const started = Date.now();
  const results = await Promise.all(
    shares.map(async ([target, share], k) => {
      if (only !== undefined && only !== target) return { target, done: 0, findings: [] as Report[] };
      const count = Math.round(total * share);
      const r = await runJob({ target, seed: seed * 31 + k, count, ...(deadlineMs ? { deadlineMs } : {}) });
      process.stdout.write(
        `${target}: ${r.done} inputs, ${r.findings.length} findings (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
      return { target, ...r };
    }),
  );
  const child =
    only === undefined || only === 'cli-process' ? childProcessRuns(seed, processRuns) : { done: 0, findings: [] };
  process.stdout.write(`cli (child process): ${child.done} inputs, ${child.findings.length} findings\n`);
  const findings = [...results.flatMap((r) => r.findings), ...child.findings];
  const inputs = results.reduce((a, r) => a + r.done, 0) + child.done;
  const count = (kind: Report['kind']): number => findings.filter((f) => f.kind === kind).length;
  process.stdout.write(
    `\n${inputs} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${seed}): ${count('crash')} crashes, ${count('hang')} hangs, ${count('disagreement')} reader disagreements\n`,
  );
  for (const f of findings.slice(0, 20))
    process.stdout.write(
      `- ${f.kind} [${f.target} seed ${f.seed} #${f.index}] ${f.message}\n  input: ${JSON.stringify(f.input).slice(0, 400)}\n`,
    );
  process.exitCode = findings.length > 0 ? 1 : 0;
}

if (isMainThread) void campaign();
else workerMain(workerData as Job);

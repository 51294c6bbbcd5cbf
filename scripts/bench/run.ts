/**
 * `npm run bench`: Loss Lens against Python + PyTorch on large JSON tensor files, measured in one run on this machine.
 *
 * For each input (scripts/bench/generate.ts → bench/out/): the Loss Lens CLI end to end (`node dist/cli.js compute`,
 * process start to printed result) and the Python + PyTorch peer (scripts/bench/peer.py: json.load → torch.tensor →
 * F.cross_entropy, with Debian's /usr/bin/python3 when `import torch` works there), each the median of 3 runs, as a
 * ratio; the streaming reader's parse throughput in MB/s (in process, the reader bundled by esbuild as the CLI ships
 * it, median of 3); and the peak resident memory of both processes (`/usr/bin/time -v`) against the file size, also
 * counted above the CLI's own baseline (`node dist/cli.js --help`: Node itself plus the bundle). Prints a Markdown
 * table and writes it to bench/out/results.md.
 *
 *   npm run bench [-- --regenerate]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { benchInputs } from './generate';

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'bench', 'out');
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const RUNS = 3;

/** The issue's targets. */
const TARGET_SPEEDUP = 3;
const TARGET_PARSE_MBPS = 300;
const TARGET_RSS_RATIO = 2;

interface Run {
  readonly seconds: number;
  readonly maxRssBytes: number;
  readonly stdout: string;
}

/** Runs a process to its end; wall time from spawn to exit, peak RSS from /usr/bin/time -v when available. */
function timed(command: string, args: readonly string[]): Run {
  const withTime = fs.existsSync(TIME);
  const start = process.hrtime.bigint();
  const r = spawnSync(withTime ? TIME : command, withTime ? ['-v', command, ...args] : [...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    cwd: root,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '')?.[1];
  return { seconds, maxRssBytes: rss ? Number(rss) * 1024 : NaN, stdout: r.stdout };
}

function median<T>(runs: readonly T[], key: (t: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

function repeat(command: string, args: readonly string[]): Run {
  const runs = Array.from({ length: RUNS }, () => timed(command, args));
  const m = median(runs, (r) => r.seconds);
  return { ...m, maxRssBytes: Math.max(...runs.map((r) => r.maxRssBytes)) };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const s = (seconds: number): string => `${seconds.toFixed(2)} s`;

function peerAvailable(): string | undefined {
  if (!fs.existsSync(PYTHON)) return undefined;
  const r = spawnSync(PYTHON, ['-c', 'import torch, sys; print(torch.__version__, sys.version.split()[0])'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What the in-process measurements need, bundled by esbuild like dist/cli.js (not transpiled module by module). */
interface Core {
  readTensorFileFast(bytes: Uint8Array): { inputs: Record<string, unknown> };
  runTensorFile(
    file: unknown,
    overrides: object,
    settings: object,
  ): { results: { output: { data: ArrayLike<number> } }[] };
}

async function bundledCore(): Promise<Core> {
  const entry = path.join(outDir, 'core-entry.mjs');
  fs.writeFileSync(
    entry,
    "export { readTensorFileFast } from '../../src/core/stream/reader';\nexport { runTensorFile } from '../../src/core/run';\n",
  );
  const outfile = path.join(outDir, 'core.cjs');
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(outfile).href)) as Core;
}

async function main(): Promise<void> {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js is missing: `npm run bench` builds it first.');
  const inputs = benchInputs(outDir, process.argv.includes('--regenerate'));
  const peer = peerAvailable();
  const core = await bundledCore();
  const baseline = repeat(process.execPath, [cli, '--help']).maxRssBytes;
  const rows: string[] = [];
  const checks: string[] = [];
  for (const input of inputs) {
    const size = fs.statSync(input.file).size;
    process.stderr.write(`${input.name}: Loss Lens…\n`);
    const ours = repeat(process.execPath, [cli, 'compute', input.file]);
    const printed = /^value: (.+)$/m.exec(ours.stdout)?.[1] ?? '?';

    // Parse throughput and the exact value, in process.
    const bytes = fs.readFileSync(input.file);
    core.readTensorFileFast(bytes);
    const parses = Array.from({ length: RUNS }, () => {
      const start = performance.now();
      const file = core.readTensorFileFast(bytes);
      return { ms: performance.now() - start, file };
    });
    const parse = median(parses, (p) => p.ms);
    const mbps = size / 1e6 / (parse.ms / 1000);
    const result = core.runTensorFile(parse.file, {}, { detail: 'summary' }).results[0];
    const value = result ? result.output.data[0]! : NaN;

    let peerCells = ['peer not installed', '—', '—', '—'];
    let speedup = NaN;
    if (peer) {
      process.stderr.write(`${input.name}: Python + PyTorch…\n`);
      const theirs = repeat(PYTHON, [path.join(root, 'scripts', 'bench', 'peer.py'), input.file]);
      const torchValue = Number(/^value: (.+)$/m.exec(theirs.stdout)?.[1]);
      speedup = theirs.seconds / ours.seconds;
      peerCells = [
        s(theirs.seconds),
        `**${speedup.toFixed(1)}×**`,
        mb(theirs.maxRssBytes),
        `${torchValue.toFixed(6)} (Δ ${Math.abs(value - torchValue).toExponential(1)})`,
      ];
    }
    const ratio = ours.maxRssBytes / size;
    const above = (ours.maxRssBytes - baseline) / size;
    rows.push(
      `| ${input.name} | ${mb(size)} | ${s(ours.seconds)} | ${peerCells[0]} | ${peerCells[1]} | ${mbps.toFixed(0)} MB/s | ${mb(ours.maxRssBytes)} (${ratio.toFixed(2)}×; ${above.toFixed(2)}× above baseline) | ${peerCells[2]} | ${value.toFixed(6)} (prints ${printed}) | ${peerCells[3]} |`,
    );
    const big = input.shape.length === 2;
    if (peer && big)
      checks.push(
        `${speedup >= TARGET_SPEEDUP ? '✓' : '✗'} ${input.name}: ${speedup.toFixed(1)}× faster than the peer end to end (target ≥ ${TARGET_SPEEDUP}×)`,
      );
    checks.push(
      `${mbps >= TARGET_PARSE_MBPS ? '✓' : '✗'} ${input.name}: parse ${mbps.toFixed(0)} MB/s (target ≥ ${TARGET_PARSE_MBPS} MB/s)`,
    );
    checks.push(
      `${ratio <= TARGET_RSS_RATIO ? '✓' : '✗'} ${input.name}: peak memory ${ratio.toFixed(2)}× the file (target ≤ ${TARGET_RSS_RATIO}×)`,
    );
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const table = [
    `Loss Lens ${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version} on Node ${process.version}, ${os.cpus().length} × ${cpu}; peer: ${peer ? `PyTorch ${peer.replace(' ', ', Python ')}` : 'not installed'}. Times are the median of ${RUNS} runs, process start to printed result; peak memory is the largest RSS of the runs; the CLI's baseline (\`node dist/cli.js --help\`) is ${mb(baseline)}.`,
    '',
    '| input | JSON size | Loss Lens CLI | Python + PyTorch | speed-up | parse | Loss Lens peak RSS (× file) | peer peak RSS | value (Loss Lens) | value (PyTorch) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...checks.map((c) => `- ${c}`),
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'results.md'), `${table}\n`);
  process.stdout.write(`${table}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

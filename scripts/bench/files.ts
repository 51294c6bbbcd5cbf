/**
 * Tensor files, measured in one run on this machine: a ~100 MB batch of logits ([2048, 12800] float32 and int64
 * targets) saved as .pt (torch.save), .safetensors and .npy, read and reduced with cross-entropy
 *
 * - by Loss Lens in process (read the file's bytes, decode the tensors, compute; the median of RUNS),
 * - by the Loss Lens CLI end to end (`node dist/cli.js compute --input F:KEY --target F:KEY`, process start to result),
 * - by Python + PyTorch in process (`torch.load(weights_only=True)` / `np.load` + `F.cross_entropy`,
 *   scripts/bench/files_peer.py, with Debian's /usr/bin/python3),
 *
 * and prints each time with its ratio to the .npy read of the same run and to PyTorch's. The values must agree.
 *
 *   npx tsx scripts/bench/files.ts [--rows 2048] [--classes 12800]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTensorArchive, selectTensor } from '../../src/core/io/index';
import { runLoss } from '../../src/core/run';

const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'bench', 'out', 'files');
const PYTHON = '/usr/bin/python3';
const RUNS = 3;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function python(args: string[]): string {
  const r = spawnSync(PYTHON, [path.join(__dirname, 'files_peer.py'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`files_peer.py ${args[0]} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Loss Lens in process: read the bytes, decode both tensors, compute the mean cross-entropy in summary mode. */
function lossLens(inputFile: string, inputKey: string | undefined, targetFile: string, targetKey: string | undefined) {
  const start = performance.now();
  const inputArchive = readTensorArchive(new Uint8Array(fs.readFileSync(inputFile)), path.basename(inputFile));
  const targetArchive =
    targetFile === inputFile
      ? inputArchive
      : readTensorArchive(new Uint8Array(fs.readFileSync(targetFile)), path.basename(targetFile));
  const inputs = { input: selectTensor(inputArchive, inputKey), target: selectTensor(targetArchive, targetKey) };
  const read = performance.now();
  const outcome = runLoss({ loss: 'cross_entropy', inputs, options: {} }, { detail: 'summary' });
  const value = outcome.results[0]!.value as number;
  return { seconds: (performance.now() - start) / 1000, readSeconds: (read - start) / 1000, value };
}

function cli(input: string, target: string): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'dist', 'cli.js'),
      'compute',
      '--input',
      input,
      '--target',
      target,
      '--loss',
      'cross_entropy',
      '--json',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function main(): void {
  const rows = arg('--rows', 2048);
  const classes = arg('--classes', 12800);
  if (!fs.existsSync(path.join(outDir, 'batch.pt')) || process.argv.includes('--regenerate')) {
    python(['gen', outDir, String(rows), String(classes)]);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('run `npm run build` first (dist/cli.js)');
  const pt = path.join(outDir, 'batch.pt');
  const st = path.join(outDir, 'batch.safetensors');
  const npy = path.join(outDir, 'logits.npy');
  const npyTarget = path.join(outDir, 'target.npy');
  const cases = [
    {
      name: '.npy',
      run: () => lossLens(npy, undefined, npyTarget, undefined),
      cli: () => cli(npy, npyTarget),
      peer: 'logits.npy',
    },
    {
      name: '.pt',
      run: () => lossLens(pt, 'logits', pt, 'target'),
      cli: () => cli(`${pt}:logits`, `${pt}:target`),
      peer: 'batch.pt',
    },
    {
      name: '.safetensors',
      run: () => lossLens(st, 'logits', st, 'target'),
      cli: () => cli(`${st}:logits`, `${st}:target`),
      peer: 'batch.safetensors',
    },
  ];
  const peerRuns: Record<string, { seconds: number; value: number }>[] = [];
  let torchVersion = '';
  for (let i = 0; i < RUNS; i++) {
    const parsed = JSON.parse(python(['run', npy, pt, st])) as {
      torch: string;
      results: Record<string, { seconds: number; value: number }>;
    };
    torchVersion = parsed.torch;
    peerRuns.push(parsed.results);
  }
  const rowsOut: string[] = [];
  let npyInProcess = 0;
  let npyCli = 0;
  for (const c of cases) {
    const runs = Array.from({ length: RUNS }, c.run);
    const inProcess = median(runs.map((r) => r.seconds));
    const read = median(runs.map((r) => r.readSeconds));
    const endToEnd = median(Array.from({ length: RUNS }, c.cli));
    const peer = median(peerRuns.map((p) => p[c.peer]!.seconds));
    const torchValue = peerRuns[0]![c.peer]!.value;
    const value = runs[0]!.value;
    if (Math.abs(value - torchValue) > 1e-4 * Math.abs(torchValue))
      throw new Error(`${c.name}: ${value} vs torch ${torchValue}`);
    if (c.name === '.npy') {
      npyInProcess = inProcess;
      npyCli = endToEnd;
    }
    rowsOut.push(
      `| ${c.name} | ${read.toFixed(3)} | ${inProcess.toFixed(3)} | ${(inProcess / npyInProcess).toFixed(2)}× | ${endToEnd.toFixed(3)} | ${(endToEnd / npyCli).toFixed(2)}× | ${peer.toFixed(3)} | ${(inProcess / peer).toFixed(2)}× |`,
    );
  }
  const size = (f: string): string => `${(fs.statSync(f).size / 1e6).toFixed(1)} MB`;
  const table = [
    `Logits [${rows}, ${classes}] float32 + [${rows}] int64 targets: batch.pt ${size(pt)}, batch.safetensors ${size(st)}, logits.npy ${size(npy)}; torch ${torchVersion}; median of ${RUNS}.`,
    '',
    '| file | Loss Lens read (s) | Loss Lens read + cross_entropy (s) | vs .npy | CLI end to end (s) | vs .npy | PyTorch load + F.cross_entropy (s) | Loss Lens / PyTorch |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rowsOut,
  ].join('\n');
  console.log(table);
  fs.writeFileSync(path.join(outDir, 'results.md'), `${table}\n`);
}

main();

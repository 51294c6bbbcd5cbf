/**
 * The fuzz campaign's inputs and checks, shared by `npm run fuzz` (scripts/fuzz/run.ts, a million inputs) and the
 * small slice in `npm test` (test/unit/fuzz-campaign.test.ts). Each target takes one generated input and returns
 * nothing, or throws a {@link Finding}: a crash (anything but a LossLensError escaping) or a disagreement between
 * the small and the streaming JSON reader. Hangs are caught by the runner's watchdog, not here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli';
import { LossLensError } from '../../src/core/diagnostics';
import { readTensorArchive } from '../../src/core/io/index';
import { readTensorFile, type TensorFile } from '../../src/core/json/tensorFile';
import { readNpy } from '../../src/core/npy';
import { parseModule } from '../../src/core/python/parser';
import { runProgram } from '../../src/core/runtime/index';
import { runTensorFile } from '../../src/core/run';
import { checkSnippet } from '../../src/core/snippet/index';
import { readTensorFileFast } from '../../src/core/stream/reader';

/** What a campaign found on one input. */
export class Finding extends Error {
  constructor(
    readonly kind: 'crash' | 'disagreement',
    message: string,
  ) {
    super(message);
  }
}

/** A small, fast pseudo-random generator (mulberry32): inputs are reproducible from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_SEEDS = [
  '{"loss": "cross_entropy", "input": [[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], "target": [0, 2]}',
  '{"loss": "mse_loss", "input": {"data": [1.5, 2], "dtype": "float64", "shape": [2]}, "target": [1.0, 2.5], "options": {"reduction": "sum"}}',
  '{"loss": "nll_loss", "input": [[-0.5, -1.2]], "target": [1], "options": {"weight": [1.0, 2.0], "ignore_index": -100}, "classes": ["a", "b"]}',
  '{"loss": "binary_cross_entropy", "input": [0.2, 0.9, NaN], "target": [0.0, 1.0, 1.0]}',
  '{"input": [[[1, 2], [3, 4]]], "target": {"data": [true, false], "dtype": "bool"}, "loss": "l1_loss"}',
  '{"loss": "kl_div", "input": [-Infinity, -1e308, 1e-320], "target": [0.5, 0.25, 0.25], "options": {"reduction": "batchmean"}}',
  '{"loss": "cross_entropy", "input": {"npy": "logits.npy"}, "target": [0]}',
  '{"$schema": "x", "description": "d", "loss": "CrossEntropyLoss", "input": [], "target": []}',
];
const JSON_FRAGMENTS = [
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '"',
  '"loss"',
  '"input"',
  '1e999',
  '-0',
  '1.',
  '.5',
  'NaN',
  '-Infinity',
  'true',
  'null',
  '\\u0000',
  '\\ud800',
  '"shape"',
  '[0]',
  '"dtype": "bfloat16"',
  '"toString"',
  '"__proto__"',
  ' ',
  '\n',
  '\u00a0',
  '\ufeff',
  '12345678901234567890',
  '"loss": "x"',
];
const PY_SEEDS = [
  'import torch\nimport torch.nn.functional as F\nx = torch.tensor([[1.0, 2.0], [0.5, 0.1]])\ny = torch.tensor([0, 1])\nloss = F.cross_entropy(x, y)\n',
  'import torch\ncriterion = torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))\nloss = criterion(torch.randn(4, 3), torch.rand(4, 3))\n',
  'x = torch.tensor([[0.0]*4]*3)\nif x:\n    y = 1\n\tz = 2\n',
  'def f(a, *b, **c):\n    return a\nclass K:\n    pass\nloss = F.nll_loss(torch.log_softmax(x, 1), t, reduction="sum")\n',
  'ｘ = [1, 2, 3]\nv = x[1:2, ...]\nw = (lambda q: q)(ｘ)\n',
];
const PY_FRAGMENTS = [
  '(',
  ')',
  '[',
  ']',
  ':',
  '\n',
  '\t',
  '    ',
  '*',
  '**',
  '"',
  "'''",
  '\\',
  '#',
  '=',
  '.',
  ',',
  'lambda',
  'torch.tensor(',
  '[0.0]*10000',
  'F.cross_entropy(',
  'reduction=',
  '1e309',
  '0x',
  '_',
  'ﬁ',
  '\u00a0',
];

/** A text mutated from a seed: deletions, insertions of fragments, duplications, byte flips. */
function mutate(seed: string, fragments: readonly string[], random: () => number): string {
  let text = seed;
  const steps = 1 + Math.floor(random() * 6);
  for (let k = 0; k < steps; k++) {
    const at = Math.floor(random() * (text.length + 1));
    const op = random();
    if (op < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
    else if (op < 0.7) text = text.slice(0, at) + fragments[Math.floor(random() * fragments.length)]! + text.slice(at);
    else if (op < 0.85) {
      const len = 1 + Math.floor(random() * 12);
      text = text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    } else text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x250)) + text.slice(at + 1);
  }
  return text;
}

/** A comparable summary of a read tensor file: shapes, dtypes, values (NaN-safe), options, loss, classes, npy. */
function digest(file: TensorFile): string {
  return JSON.stringify({
    loss: file.loss,
    lossRange: file.lossRange,
    inputs: Object.fromEntries(
      Object.entries(file.inputs).map(([k, t]) => [
        k,
        { dtype: t.dtype, shape: t.shape, data: Array.from(t.data, String) },
      ]),
    ),
    inputRanges: file.inputRanges,
    options: Object.fromEntries(
      Object.entries(file.options).map(([k, v]) => [
        k,
        v !== null && typeof v === 'object'
          ? { dtype: v.dtype, shape: v.shape, data: Array.from(v.data, String) }
          : String(v),
      ]),
    ),
    classes: file.classes,
    npy: file.npy,
  });
}

type Outcome = { ok: string } | { error: string };

function outcomeOf(read: () => TensorFile): Outcome {
  try {
    return { ok: digest(read()) };
  } catch (e) {
    if (e instanceof LossLensError) {
      const d = e.diagnostic;
      return { error: `${d.code} ${d.line}:${d.column} ${d.message}` };
    }
    throw new Finding('crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** The JSON readers: the small one and the streaming one (whole, and in 7-byte chunks) must agree. */
export function jsonTarget(generated: string): void {
  // Both readers see the file as it would be on disk: UTF-8 bytes (the streaming reader), and those bytes decoded
  // (the small reader, as VS Code decodes a document). A lone surrogate cannot survive that round trip.
  const bytes = new TextEncoder().encode(generated);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const small = outcomeOf(() => readTensorFile(text));
  const streaming = outcomeOf(() => readTensorFileFast(bytes));
  if (JSON.stringify(small) !== JSON.stringify(streaming)) {
    throw new Finding(
      'disagreement',
      `small ${JSON.stringify(small).slice(0, 300)} vs streaming ${JSON.stringify(streaming).slice(0, 300)}`,
    );
  }
  if ('ok' in small) {
    try {
      runTensorFile(readTensorFile(text));
    } catch (e) {
      throw new Finding('crash', `runTensorFile threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
  }
}

/** The .npy reader: a LossLensError or a tensor whose data matches its shape. */
export function npyTarget(bytes: Uint8Array): void {
  try {
    const t = readNpy(bytes, 'fuzz.npy');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new Finding('crash', `data ${t.data.length} for shape [${t.shape.join(', ')}]`);
  } catch (e) {
    if (e instanceof LossLensError || e instanceof Finding) {
      if (e instanceof Finding) throw e;
      return;
    }
    throw new Finding('crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** The Python front end and the checker: never throw. */
export function pythonTarget(text: string): void {
  try {
    parseModule(text);
    checkSnippet(text);
  } catch (e) {
    throw new Finding('crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** The CLI in process: exit 0, 1 or 2 and no internal failure, on a JSON text or a Python text written to `file`. */
export function cliTarget(args: readonly string[]): void {
  let err = '';
  const code = main(args, { stdout: () => undefined, stderr: (t) => (err += t) });
  if (code !== 0 && code !== 1 && code !== 2) throw new Finding('crash', `exit ${code}: ${err.slice(0, 300)}`);
}

/** A .npy file: a valid header (random dtype, shape, order) with random mutations and random data lengths. */
export function npyInput(random: () => number): Uint8Array {
  const descrs = ['<f4', '<f8', '<i8', '|b1', '|u1', '<f2', '>f4', '<c8', '|O', '<U3', "[('a', '<f4')]"];
  const rank = Math.floor(random() * 4);
  const shape = Array.from({ length: rank }, () => Math.floor(random() * 5));
  const keys = [
    `'descr': '${descrs[Math.floor(random() * descrs.length)]}'`,
    `'fortran_order': ${random() < 0.2 ? 'True' : 'False'}`,
    `'shape': (${shape.join(', ')}${rank === 1 ? ',' : ''})`,
  ];
  let header = `{${keys.join(', ')}, }`;
  if (random() < 0.5)
    header = mutate(
      header,
      ["'", ',', ':', '(', ')', '{', '}', '\u0000', "'extra': 1", 'True', '-1', '99999999999'],
      random,
    );
  const version = random() < 0.8 ? 1 : Math.floor(random() * 5);
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  const padded = header.padEnd(total - prefix - 1, ' ') + '\n';
  const headerBytes = new TextEncoder().encode(padded);
  const dataLength = Math.floor(random() * 80);
  const out = new Uint8Array(prefix + headerBytes.length + dataLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const len = headerBytes.length;
  if (version === 1) out.set([len & 0xff, len >> 8], 8);
  else out.set([len & 0xff, (len >> 8) & 0xff, 0, 0], 8);
  out.set(headerBytes, prefix);
  for (let i = prefix + len; i < out.length; i++) out[i] = Math.floor(random() * 256);
  // Byte flips anywhere, a cut, or a wrong length now and then.
  if (random() < 0.3) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
  return random() < 0.1 ? out.subarray(0, Math.floor(random() * out.length)) : out;
}

/** Texts fast-check generated, by seed: sampling one at a time costs more than reading it. */
const samplePools = new Map<number, string[]>();

/**
 * A JSON tensor file text: a mutated seed, or (with `arbitrary`) one of 2000 fast-check JSON values drawn once per
 * seed, itself mutated half the time.
 */
export function jsonInput(random: () => number, arbitrary?: fc.Arbitrary<string>, poolSeed = 1): string {
  if (arbitrary && random() < 0.2) {
    let pool = samplePools.get(poolSeed);
    if (!pool) samplePools.set(poolSeed, (pool = fc.sample(arbitrary, { seed: poolSeed, numRuns: 2000 })));
    const text = pool[Math.floor(random() * pool.length)]!;
    return random() < 0.5 ? text : mutate(text, JSON_FRAGMENTS, random);
  }
  return mutate(JSON_SEEDS[Math.floor(random() * JSON_SEEDS.length)]!, JSON_FRAGMENTS, random);
}

/** A Python text: a mutated seed. */
export function pythonInput(random: () => number): string {
  return mutate(PY_SEEDS[Math.floor(random() * PY_SEEDS.length)]!, PY_FRAGMENTS, random);
}

/** fast-check's JSON texts, wrapped now and then in a tensor-file object. */
export const jsonArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .record({
      loss: fc.constantFrom('cross_entropy', 'mse_loss', 'nll_loss'),
      input: fc.jsonValue({ maxDepth: 3 }),
      target: fc.jsonValue({ maxDepth: 3 }),
    })
    .map((o) => JSON.stringify(o)),
);

/** Whole programs for the interpreter: loops, functions, classes, comprehensions, exceptions, f-strings, modules. */
const PROGRAM_SEEDS = [
  ...PY_SEEDS,
  'import torch\nimport torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n    def forward(self, x):\n        return self.fc(x)\ntorch.manual_seed(0)\nnet = Net()\nx = torch.randn(2, 4)\nloss = nn.CrossEntropyLoss()(net(x), torch.tensor([0, 2]))\nprint(f"{loss.item():.4f}")\n',
  'total = 0\nfor i in range(10):\n    if i % 3 == 0:\n        continue\n    total += i\nelse:\n    total *= 2\nprint(total, [j * j for j in range(5) if j], {k: str(k) for k in "ab"})\n',
  'def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\ntry:\n    print(fact(30))\n    raise ValueError("x")\nexcept ValueError as e:\n    print("caught", e)\nfinally:\n    print("done")\n',
  'i = 0\nwhile True:\n    i += 1\n    if i > 100:\n        break\nxs = [0.0] * 10\nxs[2:4] = [1, 2]\nprint(sum(xs), "%d-%s" % (i, "z"), "{:>6.2f}".format(3.14159))\n',
  'import numpy as np\nimport torch\na = np.arange(12).reshape(3, 4).astype(np.float32)\nt = torch.from_numpy(a)\nprint(t.softmax(dim=1).sum(1), t.mean(), a.T.shape)\nwith torch.no_grad():\n    print(torch.nn.functional.mse_loss(t, t + 1))\n',
];
const PROGRAM_FRAGMENTS = [
  ...PY_FRAGMENTS,
  'while True:\n    pass\n',
  'for _ in range(10**9):\n    pass\n',
  '[0] * 10**9',
  'def g():\n    return g()\ng()\n',
  'yield',
  'global x\n',
  'nonlocal',
  'super()',
  '**kwargs',
  'async ',
  'f"{',
  '}"',
  '.backward()',
  'del ',
  'assert ',
];

/** A Python program text: a mutated program seed. */
export function programInput(random: () => number): string {
  return mutate(PROGRAM_SEEDS[Math.floor(random() * PROGRAM_SEEDS.length)]!, PROGRAM_FRAGMENTS, random);
}

/** The per-input budget of the interpreter in the campaign: steps and elements, never wall time. */
const PROGRAM_LIMITS = { maxSteps: 20_000, maxElements: 200_000 };

/** The interpreter (the whole-program runtime): never throws for user input, whatever the program does. */
export function programTarget(text: string): void {
  try {
    const run = runProgram(text, { limits: PROGRAM_LIMITS });
    if (typeof run.stdout !== 'string') throw new Error('no stdout');
  } catch (e) {
    throw new Finding('crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** The .pt/.safetensors/.npz files the reader tests use, as mutation seeds (read once per thread). */
let tensorFileSeeds: { name: string; bytes: Uint8Array }[] | undefined;

function tensorFileSeedList(): { name: string; bytes: Uint8Array }[] {
  if (tensorFileSeeds) return tensorFileSeeds;
  const dir = path.join(__dirname, '..', '..', 'test', 'fixtures', 'io', 'torch-2.14');
  tensorFileSeeds = fs
    .readdirSync(dir)
    .filter((f) => /\.(pt|safetensors|npz)$/.test(f))
    .map((f) => ({ name: f, bytes: new Uint8Array(fs.readFileSync(path.join(dir, f))) }));
  return tensorFileSeeds;
}

/** A tensor file: a real .pt/.safetensors/.npz with bytes flipped, cut, or a run of bytes overwritten. */
export function tensorFileInput(random: () => number): { name: string; bytes: Uint8Array } {
  const seeds = tensorFileSeedList();
  const seed = seeds[Math.floor(random() * seeds.length)]!;
  const bytes = seed.bytes.slice();
  const flips = 1 + Math.floor(random() * 8);
  for (let k = 0; k < flips; k++) {
    const at = Math.floor(random() * bytes.length);
    const op = random();
    if (op < 0.6) bytes[at] = Math.floor(random() * 256);
    else if (op < 0.8) bytes.fill(random() < 0.5 ? 0xff : 0, at, at + 1 + Math.floor(random() * 8));
    else bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
  }
  return { name: seed.name, bytes: random() < 0.1 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes };
}

/** The .pt/.safetensors/.npz readers: a LossLensError, or tensors whose data match their shapes. */
export function tensorFileTarget(input: { name: string; bytes: Uint8Array }): void {
  try {
    const archive = readTensorArchive(input.bytes, input.name);
    for (const entry of archive.entries) {
      try {
        const t = entry.load();
        const n = t.shape.reduce((a, b) => a * b, 1);
        if (t.data.length !== n) throw new Finding('crash', `data ${t.data.length} for shape [${t.shape.join(', ')}]`);
      } catch (e) {
        if (!(e instanceof LossLensError)) throw e;
      }
    }
  } catch (e) {
    if (e instanceof Finding) throw e;
    if (e instanceof LossLensError) return;
    throw new Finding('crash', `${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

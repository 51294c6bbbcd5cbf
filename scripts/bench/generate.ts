/**
 * The benchmark's inputs, written into bench/out/ (gitignored): logits [4096, 1000] (~35 MB of JSON), [512, 32000]
 * (~140 MB) and a segmentation map [8, 21, 128, 128] with targets [8, 128, 128], as a PyTorch user would dump them
 * (4 decimals, `json.dump`-like spacing). Deterministic, so every run compares the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One benchmark input. */
export interface BenchInput {
  readonly name: string;
  readonly file: string;
  /** The logits' shape; the target drops dimension 1. */
  readonly shape: readonly number[];
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal-ish logits (sum of uniforms), 4 decimals. */
function logit(next: () => number): string {
  return ((next() + next() + next() - 1.5) * 4).toFixed(4);
}

/** Writes `input` (nested rows of the given shape) and `target` (class indices) for cross_entropy. */
function write(file: string, shape: readonly number[], seed: number): void {
  const next = random(seed);
  const fd = fs.openSync(`${file}.tmp`, 'w');
  const out = (text: string): void => void fs.writeSync(fd, text);
  const classes = shape[1]!;
  out('{"loss": "cross_entropy", "input": ');
  // Nested lists down to the last dimension, one innermost list per write.
  const nest = (dims: readonly number[]): void => {
    if (dims.length === 1) {
      const row = new Array<string>(dims[0]!);
      for (let i = 0; i < row.length; i++) row[i] = logit(next);
      out(`[${row.join(', ')}]`);
      return;
    }
    out('[');
    for (let i = 0; i < dims[0]!; i++) {
      if (i > 0) out(', ');
      nest(dims.slice(1));
    }
    out(']');
  };
  nest(shape);
  out(', "target": ');
  const targetShape = [shape[0]!, ...shape.slice(2)];
  const targets = (dims: readonly number[]): string =>
    dims.length === 1
      ? `[${Array.from({ length: dims[0]! }, () => Math.floor(next() * classes)).join(', ')}]`
      : `[${Array.from({ length: dims[0]! }, () => targets(dims.slice(1))).join(', ')}]`;
  out(targets(targetShape));
  out('}\n');
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
}

/** The inputs, generated when missing (or with `regenerate`). */
export function benchInputs(dir: string, regenerate = false): BenchInput[] {
  fs.mkdirSync(dir, { recursive: true });
  const inputs: BenchInput[] = [
    { name: 'logits [4096, 1000]', file: path.join(dir, 'logits-4096x1000.json'), shape: [4096, 1000] },
    { name: 'logits [512, 32000]', file: path.join(dir, 'logits-512x32000.json'), shape: [512, 32000] },
    {
      name: 'segmentation [8, 21, 128, 128]',
      file: path.join(dir, 'segmentation-8x21x128x128.json'),
      shape: [8, 21, 128, 128],
    },
  ];
  inputs.forEach((input, i) => {
    if (regenerate || !fs.existsSync(input.file)) {
      process.stderr.write(`generating ${path.basename(input.file)}…\n`);
      write(input.file, input.shape, 1311 + i);
    }
  });
  return inputs;
}

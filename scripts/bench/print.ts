/**
 * How long printing takes: `torchRepr` and `ndarrayRepr` on typical and large inputs, each against a baseline
 * measured in the same run (`JSON.stringify` of the same values: the cheapest way to turn them into text), as a
 * ratio, plus the absolute median time per call on this machine.
 *
 *   npx tsx scripts/bench/print.ts
 */
import { ndarrayRepr, type PrintableArray } from '../../src/core/torch/print/ndarray-repr';
import { torchRepr, type PrintableTensor } from '../../src/core/torch/print/tensor-repr';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function values(n: number, scale: number): number[] {
  const rand = seeded(n);
  return Array.from({ length: n }, () => Math.fround(rand() * scale));
}

function median(f: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const cases: { name: string; shape: number[]; scale: number }[] = [
  { name: '0-d loss', shape: [], scale: 1 },
  { name: '10x3 logits', shape: [10, 3], scale: 4 },
  { name: '1000 values (full)', shape: [1000], scale: 2 },
  { name: '100x100 (summarized)', shape: [100, 100], scale: 2 },
  { name: '1000 small values (sci)', shape: [1000], scale: 1e-5 },
];

console.log('| input | torchRepr ms | ndarrayRepr ms | JSON.stringify ms | torch ratio | numpy ratio |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const data = values(n, c.scale);
  const t: PrintableTensor = { dtype: 'float32', shape: c.shape, data };
  const a: PrintableArray = { dtype: 'float32', shape: c.shape, data };
  const runs = n > 500 ? 21 : 201;
  for (let i = 0; i < 3; i++) {
    torchRepr(t);
    ndarrayRepr(a);
  }
  const base = median(() => JSON.stringify(data), runs);
  const torchMs = median(() => torchRepr(t), runs);
  const numpyMs = median(() => ndarrayRepr(a), runs);
  console.log(
    `| ${c.name} | ${torchMs.toFixed(3)} | ${numpyMs.toFixed(3)} | ${base.toFixed(3)} | ${(torchMs / base).toFixed(1)} | ${(numpyMs / base).toFixed(1)} |`,
  );
}

/**
 * `loss-lens eval --seed N`: a program that draws without seeding gets the draw Python makes after
 * torch.manual_seed(N) — the same text the program prints when it seeds itself with N.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli';

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const program = [
  'import torch',
  'import torch.nn.functional as F',
  'x = torch.randn(2, 3)',
  'print(x)',
  'print(F.cross_entropy(x, torch.tensor([0, 2])))',
  '',
].join('\n');

describe('loss-lens eval --seed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-seed-'));
  const unseeded = path.join(dir, 'draw.py');
  const seeded = path.join(dir, 'seeded.py');
  fs.writeFileSync(unseeded, program);
  fs.writeFileSync(seeded, `import torch\ntorch.manual_seed(7)\n${program}`);

  it('draws as torch.manual_seed(N) would, and says which draw it is', () => {
    const a = JSON.parse(run(['eval', unseeded, '--seed', '7', '--json']).out) as {
      stdout: string;
      diagnostics: { code: string; message: string }[];
    };
    const b = JSON.parse(run(['eval', seeded, '--json']).out) as { stdout: string; diagnostics: { code: string }[] };
    assert.equal(a.stdout, b.stdout);
    assert.equal(
      a.diagnostics.find((d) => d.code === 'runtime/random-draw')?.message,
      'Random inputs: one draw, seed 7.',
    );
    assert.equal(
      b.diagnostics.find((d) => d.code === 'runtime/random-draw'),
      undefined,
      'a seeded program is not "random"',
    );
  });

  it('gives another draw for another seed', () => {
    const seven = JSON.parse(run(['eval', unseeded, '--seed', '7', '--json']).out) as { stdout: string };
    const zero = JSON.parse(run(['eval', unseeded, '--json']).out) as { stdout: string };
    assert.notEqual(seven.stdout, zero.stdout);
  });

  it('refuses a seed that is not a whole number', () => {
    const r = run(['eval', unseeded, '--seed', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--seed takes a whole number/);
  });
});

/**
 * `loss-lens eval --seed N` on an unseeded program: the output PyTorch prints after `torch.manual_seed(N)`, and the
 * note that these numbers are one draw (test/fixtures/draws, labelled by both oracles).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli';

const root = path.join(__dirname, '..', '..');
const program = path.join(root, 'examples', 'random-smoothing.py');
const draws = (
  JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'draws', 'random-smoothing.2.x.json'), 'utf8')) as {
    draws: { seed: number; stdout: string }[];
  }
).draws;

function run(args: string[]): { code: number; out: string } {
  let out = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, out };
}

describe('loss-lens eval --seed on an unseeded program', () => {
  for (const draw of draws) {
    it(`prints seed ${draw.seed}'s output and says it is one draw`, () => {
      const { code, out } = run(['eval', program, '--seed', String(draw.seed)]);
      assert.equal(code, 0, out);
      assert.ok(out.startsWith(`--- program output ---\n${draw.stdout}--- loss calls ---\n`), out);
      assert.ok(out.includes(`info: Random inputs: one draw, seed ${draw.seed}. [runtime/random-draw]`), out);
      assert.ok(out.includes(`torch.manual_seed(${draw.seed})`), out);
    });
  }

  it('says so in JSON too, with the same stdout', () => {
    const { out } = run(['eval', program, '--seed', '2', '--json']);
    const parsed = JSON.parse(out) as { stdout: string; diagnostics: { code: string; message: string }[] };
    assert.equal(parsed.stdout, draws[2]!.stdout);
    const note = parsed.diagnostics.find((d) => d.code === 'runtime/random-draw');
    assert.equal(note?.message, 'Random inputs: one draw, seed 2.');
  });
});

/**
 * The loss engine's checks over symbolic shapes against PyTorch: test/fixtures/symbolic/losses-*.json records each
 * call under several bindings of its symbols (scripts/fixtures/gen_symbolic_losses.py). An error must be PyTorch's
 * text under every binding once the symbols are read as their values; an accepted call's output shape must evaluate
 * to PyTorch's.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findLoss } from '../../../src/core/losses/index';
import { checkSnippet } from '../../../src/core/snippet/index';
import type { DType } from '../../../src/core/tensor';
import { mulDims, sym, type Dim } from '../../../src/core/torch/symbolic/dim';
import {
  checkOneArgumentDtypes,
  runOnSymbolicShapes,
  type SymbolicInput,
} from '../../../src/core/snippet/symbolic-check';

type Binding = Record<string, number>;
type EncodedDim = number | string | { mul: string[] };
interface Run {
  binding: Binding;
  fill?: { shape: EncodedDim[]; dtype: DType };
  result?: { shape: number[]; dtype: DType };
  error?: { type: string; message: string };
}
interface Case {
  id: string;
  fn: string;
  inputs: Record<string, { shape: EncodedDim[]; dtype: DType }>;
  kwargs: Record<string, string>;
  unknown?: string;
  runs: Run[];
}

/**
 * Calls that every binding of the fixture rejects but PyTorch accepts for another size of the symbols: shape mode
 * must stay silent on them (an error only where PyTorch raises for every size).
 */
const ACCEPTED_FOR_SOME_SIZE: Record<string, string> = {
  'ce-classes-last': 'input [B, T, 10] and target [B, T] are right when T is 10',
};

const range = { line: 1, column: 1, endLine: 1, endColumn: 2 };

function dimOf(d: EncodedDim): Dim {
  if (typeof d === 'number') return d;
  if (typeof d === 'string') return sym(d);
  return d.mul.map((x) => sym(x) as Dim).reduce((a, b) => mulDims(a, b));
}

function evalDim(d: Dim, binding: Binding): number {
  if (typeof d === 'number') return d;
  let total = 0;
  for (const t of d.terms.values()) total += t.atoms.reduce((p, a) => p * binding[a]!, t.coefficient);
  return total;
}

/** The symbolic message with each product of symbols (`B`, `B*T`) replaced by its value. */
function render(message: string, binding: Binding): string {
  const names = Object.keys(binding).join('|');
  const token = new RegExp(`(?<![A-Za-z_])(?:${names})(?:\\*(?:${names}))*(?![A-Za-z_])`, 'g');
  return message.replace(token, (m) => String(m.split('*').reduce((p, f) => p * binding[f]!, 1)));
}

for (const version of ['1.13', '2.x'] as const) {
  describe(`loss checks on symbolic shapes against PyTorch ${version}`, () => {
    const file = path.join(__dirname, '..', '..', 'fixtures', 'symbolic', `losses-${version}.json`);
    const cases = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Case[] }).cases;
    for (const c of cases) {
      it(c.id, () => {
        const def = findLoss(c.fn)!;
        const inputs: Record<string, SymbolicInput> = Object.fromEntries(
          Object.entries(c.inputs).map(([k, t]) => [k, { shape: t.shape.map(dimOf), dtype: t.dtype }]),
        );
        const torchVersion = version === '1.13' ? '1.13' : undefined;
        if (c.unknown) {
          const errors = checkOneArgumentDtypes(def, inputs, range, undefined, torchVersion);
          if (c.runs.some((r) => !r.error)) {
            assert.deepEqual(errors, [], `${c.id}: PyTorch accepts some ${c.unknown}`);
            return;
          }
          assert.equal(errors.length, 1, `${c.id}: PyTorch raises for every ${c.unknown}`);
          for (const r of c.runs.filter((x) => x.fill?.dtype === 'float32'))
            assert.equal(render(errors[0]!.message, r.binding), r.error!.message);
          return;
        }
        const outcome = runOnSymbolicShapes(def, inputs, c.kwargs, range, undefined, torchVersion);
        const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
        if (c.runs.every((r) => r.error) && !(c.id in ACCEPTED_FOR_SOME_SIZE)) {
          assert.equal(errors.length, 1, `${c.id}: PyTorch raises under every binding`);
          for (const r of c.runs) {
            const shown = render(errors[0]!.message, r.binding);
            assert.ok(
              shown === r.error!.message || shown === `${r.error!.type}: ${r.error!.message}`,
              `${c.id}: "${shown}" is not PyTorch's "${r.error!.message}"`,
            );
          }
          return;
        }
        assert.deepEqual(errors, [], `${c.id}: PyTorch accepts it`);
        for (const r of c.runs.filter((x) => x.result)) {
          assert.deepEqual(
            { shape: outcome.output!.shape.map((d) => evalDim(d, r.binding)), dtype: outcome.output!.dtype },
            r.result,
          );
        }
      });
    }
  });
}

describe('checkSnippet: dtype mistakes of one argument while the other is unknown', () => {
  const labelled = (version: string, id: string): string => {
    const file = path.join(__dirname, '..', '..', 'fixtures', 'symbolic', `losses-${version}.json`);
    const c = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Case[] }).cases.find((x) => x.id === id)!;
    return c.runs.find((r) => r.fill?.dtype === 'float32')!.error!.message;
  };
  const errors = (text: string, torchVersion?: '1.13'): string[] =>
    checkSnippet(text, torchVersion ? { torchVersion } : {})
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.line}: ${d.message}`);

  it('a Long target for BCELoss, the model output unknown', () => {
    const code = ['y = torch.randint(0, 2, (8,))', 'loss = nn.BCELoss()(model(x), y)', ''].join('\n');
    assert.deepEqual(errors(code), [`2: ${labelled('2.x', 'bce-long-target-unknown-input')}`]);
    assert.deepEqual(errors(code.replace('model(x), y)', 'model(x), y.float())')), []);
  });

  it('a float target for nll_loss, in both versions', () => {
    const code = ['y = torch.zeros(8)', 'loss = F.nll_loss(net(x), y)', ''].join('\n');
    assert.deepEqual(errors(code), [`2: ${labelled('2.x', 'nll-float-target-unknown-input')}`]);
    assert.deepEqual(errors(code, '1.13'), [`2: ${labelled('1.13', 'nll-float-target-unknown-input')}`]);
    assert.deepEqual(errors(code.replace('torch.zeros(8)', 'torch.zeros(8, dtype=torch.long)')), []);
  });
});

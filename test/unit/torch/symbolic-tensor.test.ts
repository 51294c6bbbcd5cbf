/**
 * The symbolic shape rules against PyTorch: test/fixtures/symbolic/shapes-*.json records, for each op on tensors
 * whose shapes name symbols, what PyTorch gives under several bindings of the symbols
 * (scripts/fixtures/gen_symbolic_shapes.py). A symbolic result must evaluate to PyTorch's shape under every binding
 * PyTorch accepts; a symbolic error must be PyTorch's text under every binding (and is required where every binding
 * raises).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DType } from '../../../src/core/tensor';
import { TorchError } from '../../../src/core/torch/errors';
import { sym, type Dim } from '../../../src/core/torch/symbolic/dim';
import { indexShape, symbolicOp, SymTensor, type SArg, type SymContext } from '../../../src/core/torch/symbolic/tensor';

type Binding = Record<string, number>;
interface Described {
  shape: number[];
  dtype: DType;
}
interface Run {
  binding: Binding;
  result?: Described | Described[];
  error?: { type: string; message: string };
}
interface Case {
  id: string;
  op: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  runs: Run[];
}

function load(version: string): Case[] {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'symbolic', `shapes-${version}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: Case[] }).cases;
}

function decode(a: unknown): SArg {
  if (a === null) return null;
  if (typeof a === 'number') return Number.isInteger(a) ? BigInt(a) : a;
  if (typeof a === 'boolean') return a;
  if (Array.isArray(a)) return a.map(decode);
  const o = a as Record<string, unknown>;
  if ('shape' in o)
    return new SymTensor(
      o.dtype as DType,
      (o.shape as (number | string)[]).map((d) => (typeof d === 'string' ? sym(d) : d)),
    );
  if ('sym' in o) return sym(o.sym as string);
  if ('tuple' in o) return { kind: 'tuple', items: (o.tuple as unknown[]).map(decode) };
  if ('dtype' in o) return { kind: 'dtype', dtype: o.dtype as DType };
  if ('slice' in o) {
    const [start, stop, step] = (o.slice as unknown[]).map(decode);
    return { kind: 'slice', start: start!, stop: stop!, step: step! };
  }
  if ('ellipsis' in o) return { kind: 'ellipsis' };
  throw new Error(`cannot decode ${JSON.stringify(a)}`);
}

function evalDim(d: Dim, binding: Binding): number {
  if (typeof d === 'number') return d;
  let total = 0;
  for (const t of d.terms.values()) {
    let p = t.coefficient;
    for (const atom of t.atoms) {
      assert.ok(atom in binding, `the result depends on ${atom}, which no binding gives`);
      p *= binding[atom]!;
    }
    total += p;
  }
  return total;
}

/** The symbolic message with each product of symbols (`B`, `12*B`, `B*T`) replaced by its value. */
function render(message: string, binding: Binding): string {
  const names = Object.keys(binding).join('|');
  const token = new RegExp(`(?<![A-Za-z_])(\\d+\\*)?(?:${names})(?:\\*(?:${names}))*(?![A-Za-wyz_])`, 'g');
  return message.replace(token, (m) =>
    String(m.split('*').reduce((p, f) => p * (/^\d+$/.test(f) ? Number(f) : binding[f]!), 1)),
  );
}

function run(c: Case, ctx: SymContext): SArg {
  const args = c.args.map(decode);
  const kwargs = new Map(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
  if (c.op === '[]') return indexShape(args[0] as SymTensor, args[1]!, ctx);
  const name = c.op.slice(c.op.lastIndexOf('.') + 1);
  return symbolicOp(ctx, name, args, kwargs);
}

function described(r: SArg, binding: Binding): Described | Described[] {
  if (r instanceof SymTensor) return { shape: r.shape.map((d) => evalDim(d, binding)), dtype: r.dtype };
  if (typeof r === 'object' && r !== null && 'items' in r)
    return r.items.map((x) => described(x, binding) as Described);
  throw new Error(`unexpected result ${JSON.stringify(r)}`);
}

for (const version of ['1.13', '2.x'] as const) {
  describe(`symbolic tensors against PyTorch ${version} (test/fixtures/symbolic)`, () => {
    const cases = load(version);
    it('covers errors and results', () => {
      assert.ok(cases.length >= 50);
      assert.ok(cases.filter((c) => c.runs.every((r) => r.error)).length >= 10);
    });
    for (const c of cases) {
      it(c.id, () => {
        let fresh = 0;
        const ctx: SymContext = { fresh: (h) => sym(`${h}${++fresh}`), torchVersion: version };
        let result: SArg | undefined;
        let error: TorchError | undefined;
        try {
          result = run(c, ctx);
        } catch (e) {
          if (!(e instanceof TorchError)) throw e;
          error = e;
        }
        if (error) {
          for (const r of c.runs) {
            assert.ok(r.error, `${c.id}: raised "${error.message}", but PyTorch accepts ${JSON.stringify(r.binding)}`);
            assert.equal(render(error.message, r.binding), r.error.message);
            assert.equal(error.pyType, r.error.type);
          }
          return;
        }
        assert.ok(
          c.runs.some((r) => r.result),
          `${c.id}: PyTorch raises under every binding (${c.runs[0]!.error?.message}), shape mode did not`,
        );
        for (const r of c.runs.filter((x) => x.result))
          assert.deepEqual(described(result!, r.binding), r.result, `${c.id} under ${JSON.stringify(r.binding)}`);
      });
    }
  });
}

/**
 * The snippet evaluator and the checker against PyTorch: test/fixtures/snippets/snippets.json records, for every loss
 * call of every snippet, the line and the value or PyTorch's error text (scripts/fixtures/gen_snippets.py).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { checkSnippet, evaluateSnippet, type SnippetCall } from '../../../src/core/snippet/index';
import { toNested, type Nested } from '../../../src/core/tensor';
import { assertClose, decodeTensor, settingFor, type EncodedTensor } from '../fixtures';

interface RecordedCall {
  line: number;
  fn: string;
  value?: EncodedTensor;
  error?: { type: string; message: string };
  warnings?: string[];
}

interface SnippetFixture {
  id: string;
  expect: 'ok' | 'warn' | 'error';
  random: boolean;
  check_only: boolean;
  code: string;
  calls: RecordedCall[];
  /** The oracles that labelled it alike (major.minor). */
  torch?: string[];
}

const file = path.join(__dirname, '..', '..', 'fixtures', 'snippets', 'snippets.json');
const snippets = (JSON.parse(fs.readFileSync(file, 'utf8')) as { snippets: SnippetFixture[] }).snippets;
/** Each snippet under each torch version that labelled it alike. */
const runs = snippets.flatMap((s) =>
  (s.torch ?? ['1.13']).map((oracle) => ({ s, oracle, torchVersion: settingFor(oracle) })),
);

function flat(n: Nested): number[] {
  return typeof n === 'number' ? [n] : n.flatMap(flat);
}

/** PyTorch's text, with or without the exception type in front (Loss Lens keeps the type where users see it). */
function sameMessage(d: Diagnostic, error: { type: string; message: string }): boolean {
  return d.message === error.message || d.message === `${error.type}: ${error.message}`;
}

/** Pairs each recorded call with the evaluator's call on the same line (in order, for several calls on one line). */
function pair(
  recorded: readonly RecordedCall[],
  calls: readonly SnippetCall[],
): [RecordedCall, SnippetCall | undefined][] {
  const used = new Set<SnippetCall>();
  return recorded.map((r) => {
    const match = calls.find((c) => c.range.line === r.line && c.fn === r.fn && !used.has(c));
    if (match) used.add(match);
    return [r, match];
  });
}

describe('snippets against PyTorch (test/fixtures/snippets/snippets.json)', () => {
  it('covers at least 60 labelled snippets, accepted and rejected', () => {
    assert.ok(snippets.length >= 60, `${snippets.length} snippets`);
    assert.ok(snippets.filter((s) => s.expect === 'error').length >= 20);
    assert.ok(snippets.filter((s) => s.expect !== 'error').length >= 40);
  });

  describe('evaluateSnippet: every loss call, its value (rtol 1e-5) or PyTorch error', () => {
    for (const { s, oracle, torchVersion } of runs.filter((r) => !r.s.check_only)) {
      it(`${s.id} [torch ${oracle}]`, () => {
        const result = evaluateSnippet(s.code, { torchVersion });
        for (const [recorded, call] of pair(s.calls, result.calls)) {
          const where = `${s.id}: ${recorded.fn} on line ${recorded.line}`;
          assert.ok(
            call,
            `${where}: no such call found (calls: ${result.calls.map((c) => `${c.fn}@${c.range.line}`).join(', ')})`,
          );
          const errors = call.diagnostics.filter((d) => d.severity === 'error');
          if (recorded.error) {
            assert.ok(
              errors.some((d) => sameMessage(d, recorded.error!)),
              `${where}: expected "${recorded.error.message}", got ${JSON.stringify(errors.map((d) => d.message))}`,
            );
            continue;
          }
          assert.deepEqual(
            errors.map((d) => d.message),
            [],
            `${where}: PyTorch accepts this call`,
          );
          for (const w of recorded.warnings ?? []) {
            assert.ok(
              call.diagnostics.some((d) => d.severity === 'warning' && d.message === w),
              `${where}: PyTorch warns "${w}"`,
            );
          }
          if (s.random || !recorded.value) continue;
          assert.ok(call.result, `${where}: expected a value`);
          const expected = decodeTensor(recorded.value);
          assert.deepEqual([...call.result.output.shape], recorded.value.shape, `${where}: shape`);
          assertClose(flat(toNested(call.result.output)), Array.from(expected.data), where, 1e-5, 1e-6);
        }
        const rejectedLines = new Set(s.calls.filter((c) => c.error).map((c) => c.line));
        for (const d of result.diagnostics.filter((x) => x.severity === 'error')) {
          assert.ok(rejectedLines.has(d.line), `${s.id}: unexpected error on line ${d.line}: ${d.message}`);
        }
        if (s.expect === 'warn')
          assert.ok(
            result.diagnostics.some((d) => d.severity === 'warning'),
            `${s.id}: expected a warning`,
          );
      });
    }
  });

  describe('checkSnippet: flags exactly the calls PyTorch rejects, at their line, with PyTorch text', () => {
    for (const { s, oracle, torchVersion } of runs) {
      it(`${s.id} [torch ${oracle}]`, () => {
        const { diagnostics } = checkSnippet(s.code, { torchVersion });
        const errors = diagnostics.filter((d) => d.severity === 'error');
        const rejected = s.calls.filter((c) => c.error);
        if (rejected.length === 0) {
          assert.deepEqual(
            errors.map((d) => `${d.line}: ${d.message}`),
            [],
            `${s.id}: PyTorch accepts every call`,
          );
        } else {
          for (const r of rejected) {
            assert.ok(
              errors.some((d) => d.line === r.line && sameMessage(d, r.error!)),
              `${s.id}: expected "${r.error!.message}" on line ${r.line}, got ${JSON.stringify(errors.map((d) => `${d.line}: ${d.message}`))}`,
            );
          }
          const lines = new Set(rejected.map((r) => r.line));
          for (const d of errors)
            assert.ok(lines.has(d.line), `${s.id}: unexpected error on line ${d.line}: ${d.message}`);
        }
        if (s.expect === 'warn')
          assert.ok(
            diagnostics.some((d) => d.severity === 'warning'),
            `${s.id}: expected a warning`,
          );
      });
    }
  });
});

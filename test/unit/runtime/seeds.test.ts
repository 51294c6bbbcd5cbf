/**
 * The seed articles' code blocks, pasted whole (test/fixtures/seeds/blocks.json says which lines), give what PyTorch
 * printed for them under torch 2.14 and 1.13 (scripts/fixtures/gen_seeds.py): the same stdout byte for byte, the
 * same error, the same displayed value, and every loss call with PyTorch's value. The articles are read from the
 * shared seeds folder beside the project (CI has it); the expectations are committed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../../../src/core/runtime/index';
import { assertClose } from '../fixtures';
import { assertSameOutput } from './stdout';

interface Block {
  id: string;
  seed: string;
  lines: [number, number][];
  assumeImports?: boolean;
  tabs?: boolean;
  /** Why printed floats may differ in their last digit (see stdout.ts). */
  floatDigits?: string;
}

interface Labelled {
  stdout: string;
  calls: { line: number; fn: string; value: unknown }[];
  error: string | null;
  displayed: string | null;
  python: string;
}

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'seeds');
const seedsDir = path.join(__dirname, '..', '..', '..', '..', 'shared', 'seeds');
const spec = JSON.parse(fs.readFileSync(path.join(fixtures, 'blocks.json'), 'utf8')) as { blocks: Block[] };

/** The same extraction as gen_seeds.py: each range dedented on its own, tabs to four spaces where asked. */
function extract(block: Block): string {
  const lines = fs.readFileSync(path.join(seedsDir, block.seed), 'utf8').split('\n');
  const out: string[] = [];
  for (const [start, end] of block.lines) {
    let picked = lines.slice(start - 1, end);
    if (block.tabs) picked = picked.map((l) => l.replace(/\t/g, '    '));
    picked = picked.map((l) => l.trimEnd());
    const indents = picked.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length);
    const cut = indents.length > 0 ? Math.min(...indents) : 0;
    out.push(...picked.map((l) => l.slice(cut)));
  }
  return `${out.join('\n')}\n`;
}

describe('the seed articles, pasted whole', function () {
  before(function () {
    if (!fs.existsSync(seedsDir)) throw new Error(`the seed articles are not beside the project (${seedsDir})`);
  });

  for (const block of spec.blocks) {
    for (const version of ['2.x', '1.13'] as const) {
      it(`${block.id} under torch ${version}`, () => {
        const expected = JSON.parse(
          fs.readFileSync(path.join(fixtures, `${block.id}.${version}.json`), 'utf8'),
        ) as Labelled;
        const run = runProgram(extract(block), { torchVersion: version });
        if (expected.error?.startsWith('SyntaxError')) {
          // Python 3.11 (beside torch 1.13) rejects what 3.12+ accepts (f-string fields across lines); Loss Lens
          // reads the newer grammar only where its parser does, so it says the block is not a whole program.
          assert.equal(run.parsed, false);
          return;
        }
        const errors = run.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message);
        assert.deepEqual(errors, expected.error ? [expected.error] : []);
        assertSameOutput(run.stdout, expected.stdout, block.floatDigits, block.id);
        assert.equal(run.displayed ?? null, expected.displayed);
        const computed = run.calls.filter((c) => c.result);
        assert.deepEqual(
          computed.map((c) => [c.range.line, c.fn]),
          expected.calls.map((c) => [c.line, c.fn]),
        );
        computed.forEach((c, i) =>
          assertClose(
            c.result!.output.data,
            [expected.calls[i]!.value].flat(3) as number[],
            `${block.id}:${c.range.line}`,
          ),
        );
      });
    }
  }
});

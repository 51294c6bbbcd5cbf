/**
 * Whole programs, labelled by PyTorch: each test/fixtures/programs/*.py was run under torch 2.14 (NumPy 2) and torch
 * 1.13 (NumPy 1) by scripts/fixtures/gen_programs.py. The runtime must print the same text, byte for byte, and make
 * the same loss calls (line, function, value at rtol 1e-5) as that PyTorch did.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../../../src/core/runtime/index';
import { assertClose } from '../fixtures';
import { assertSameOutput } from './stdout';

/** Programs whose printed floats may differ in the last digit, and why (see stdout.ts). */
const FLOAT_DIGITS: Readonly<Record<string, string>> = {
  'main_numpy_torch.py':
    "NumPy's float32 np.exp/np.log are its own SIMD kernels (within 1 ulp of the correctly rounded value).",
};

interface Labelled {
  stdout: string;
  calls: { line: number; fn: string; value: number | number[] | number[][] | null }[];
  error: string | null;
  torch: string;
}

const dir = path.join(__dirname, '..', '..', 'fixtures', 'programs');
const programs = fs.readdirSync(dir).filter((f) => f.endsWith('.py'));

describe('whole programs, as PyTorch runs them', () => {
  it('has labelled programs for both versions', () => {
    assert.ok(programs.length >= 4);
    for (const p of programs) {
      for (const v of ['2.x', '1.13'])
        assert.ok(fs.existsSync(path.join(dir, p.replace(/\.py$/, `.${v}.json`))), `${p} ${v}`);
    }
  });

  for (const file of programs) {
    for (const version of ['2.x', '1.13'] as const) {
      it(`${file} under torch ${version}`, () => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const expected = JSON.parse(
          fs.readFileSync(path.join(dir, file.replace(/\.py$/, `.${version}.json`)), 'utf8'),
        ) as Labelled;
        const run = runProgram(text, { torchVersion: version });
        assert.deepEqual(
          run.diagnostics.map((d) => d.message),
          expected.error ? [expected.error] : [],
        );
        assertSameOutput(run.stdout, expected.stdout, FLOAT_DIGITS[file], file);
        // PyTorch's harness records the calls that returned; a call PyTorch rejected is caught by the program.
        const computed = run.calls.filter((c) => c.result);
        assert.deepEqual(
          computed.map((c) => [c.range.line, c.fn]),
          expected.calls.map((c) => [c.line, c.fn]),
        );
        computed.forEach((c, i) => {
          const want = [expected.calls[i]!.value].flat(3) as number[];
          assertClose(c.result!.output.data, want, `${file}:${c.range.line} ${c.fn}`);
        });
      });
    }
  }

  it('records a hand-written loss with the built-in it resembles, both as PyTorch computes them', () => {
    const file = 'label_smoothing_module.py';
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'label_smoothing_module.2.x.json'), 'utf8')) as Labelled;
    const run = runProgram(text);
    const first = run.customLosses[0]!;
    assert.equal(first.name, 'SmoothedCE');
    assert.equal(first.range.line, 28);
    // The program prints its own loss first: tensor(0.xxxx) as PyTorch printed it.
    const printed = Number(/tensor\(([0-9.]+)\)/.exec(expected.stdout)![1]);
    assert.ok(Math.abs(first.value[0]! - printed) < 5e-5, `${first.value[0]} vs printed ${printed}`);
    // Beside it, nn.CrossEntropyLoss(label_smoothing=0.05) on the same inputs: PyTorch's value of that call.
    assert.equal(first.builtin?.label, 'nn.CrossEntropyLoss(label_smoothing=0.05)');
    assertClose([first.builtin!.value], [expected.calls[0]!.value as number], 'the built-in beside it');
    assert.match(first.builtin!.reason ?? '', /ε\/C/);
  });
});

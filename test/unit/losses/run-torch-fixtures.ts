/**
 * Runs every case of a torch-generated fixture file through `findLoss(case.fn).compute(...)` and compares the value,
 * the reduction='none' output, the gradients, PyTorch's warnings and PyTorch's error texts.
 */
import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import type { LossResult } from '../../../src/core/losses/types';
import { assertTensorClose, decodeOptions, decodeTensor, loadFixtures, type FixtureCase } from '../fixtures';

/** The message Loss Lens reports for a PyTorch exception: RuntimeError texts bare, others prefixed with their type. */
export function expectedErrorMessage(error: { type: string; message: string }): string {
  return error.type === 'RuntimeError' ? error.message : `${error.type}: ${error.message}`;
}

/** Runs one case; returns the result (undefined for error cases). */
export function runCase(c: FixtureCase, rtol = 1e-5, atol = 1e-6): LossResult | undefined {
  const loss = findLoss(c.fn);
  assert.ok(loss, `no loss registered as ${c.fn}`);
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, decodeTensor(v)]));
  // Non-finite option floats (p=inf) are stored as "inf"/"-inf"/"nan", as in tensor data.
  const nonFinite: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
  const options = Object.fromEntries(
    Object.entries(decodeOptions(c.options)).map(([k, v]) => [
      k,
      typeof v === 'string' && v in nonFinite ? nonFinite[v]! : v,
    ]),
  );
  if (c.error) {
    const expected = expectedErrorMessage(c.error);
    assert.throws(
      () => loss.compute(inputs, options),
      (e: unknown) => {
        assert.ok(e instanceof LossLensError, `expected a LossLensError, got ${String(e)}`);
        assert.equal(e.message, expected);
        assert.ok(e.diagnostic.code.startsWith('loss/'), `error code ${e.diagnostic.code}`);
        assert.ok(e.diagnostic.hint, 'errors carry a hint');
        assert.ok(e.diagnostic.explanation, 'errors carry an explanation');
        return true;
      },
    );
    return undefined;
  }
  const result = loss.compute(inputs, options);
  const exp = c.expected!;
  assert.equal(result.output.dtype, exp.value.dtype, 'output dtype');
  assertTensorClose(result.output, exp.value, 'value', rtol, atol);
  // With the legacy size_average/reduce keywords the generator's reduction='none' rerun is overridden by them, so
  // its perElement is not the unreduced loss: skip it there.
  const legacy = 'size_average' in c.options || 'reduce' in c.options;
  if (exp.perElement && !legacy) assertTensorClose(result.perElement, exp.perElement, 'perElement', rtol, atol);
  else if (c.options['reduction'] === 'none') assertTensorClose(result.perElement, exp.value, 'perElement', rtol, atol);
  for (const [name, grad] of Object.entries(exp.gradient ?? {})) {
    const actual = result.gradient[name];
    assert.ok(actual, `gradient for ${name}`);
    assertTensorClose(actual, grad, `gradient[${name}]`, rtol, atol);
  }
  const messages = result.warnings.map((w) => w.message);
  for (const w of c.warnings ?? [])
    assert.ok(messages.includes(w), `missing PyTorch warning: ${w}\n got: ${messages.join(' | ')}`);
  return result;
}

/** Declares one mocha test per fixture case of `test/fixtures/losses/<name>.json`. */
export function describeFixtures(name: string, rtol = 1e-5, atol = 1e-6): void {
  const cases = loadFixtures(name);
  describe(`${name} fixtures (PyTorch ${cases.length} cases)`, () => {
    for (const c of cases) {
      it(`${c.fn}: ${c.id}`, () => {
        runCase(c, rtol, atol);
      });
    }
  });
}

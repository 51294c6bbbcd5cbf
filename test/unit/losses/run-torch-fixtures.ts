/**
 * Runs every case of a torch-generated fixture file through `findLoss(case.fn).compute(...)` and compares the value,
 * the reduction='none' output, the gradients, PyTorch's warnings and PyTorch's error texts.
 */
import * as assert from 'node:assert/strict';
import { LossLensError } from '../../../src/core/diagnostics';
import { findLoss } from '../../../src/core/losses/index';
import type { LossResult, TorchVersion } from '../../../src/core/losses/types';
import {
  assertTensorClose,
  decodeOptions,
  decodeTensor,
  loadFixtures,
  versionsOf,
  type FixtureCase,
} from '../fixtures';

/** The message Loss Lens reports for a PyTorch exception: RuntimeError texts bare, others prefixed with their type. */
export function expectedErrorMessage(error: { type: string; message: string }): string {
  return error.type === 'RuntimeError' ? error.message : `${error.type}: ${error.message}`;
}

/**
 * The 2.x cases Loss Lens refuses on purpose: a half-precision input PyTorch 2.x computes with float16 rounding of
 * every intermediate op, which Loss Lens does not reproduce (see src/core/losses/versions.ts).
 */
export function refusedOnPurpose(c: FixtureCase): boolean {
  if (c.error || (c.torch ?? ['1.13']).includes('1.13')) return false;
  // Computed in the half type under 2.x: the hostile-number fixtures and bce/error/half agree bit for bit.
  if (c.fn === 'binary_cross_entropy') return false;
  const tensors = [...Object.values(c.inputs), ...Object.values(c.options)];
  return tensors.some(
    (t) => typeof t === 'object' && t !== null && 'dtype' in t && (t.dtype === 'float16' || t.dtype === 'bfloat16'),
  );
}

/** Runs one case under one torchVersion; returns the result (undefined for error cases). */
export function runCase(c: FixtureCase, torchVersion: TorchVersion, rtol = 1e-5, atol = 1e-6): LossResult | undefined {
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
      () => loss.compute(inputs, options, { torchVersion }),
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
  if (torchVersion === '2.x' && refusedOnPurpose(c)) {
    // PyTorch 2.x computes these; Loss Lens refuses them on purpose (README: "Refused on purpose").
    assert.throws(
      () => loss.compute(inputs, options, { torchVersion }),
      (e: unknown) => e instanceof LossLensError && e.diagnostic.code === 'loss/not-reproduced' && !!e.diagnostic.hint,
    );
    return undefined;
  }
  const result = loss.compute(inputs, options, { torchVersion });
  const exp = c.expected!;
  assert.equal(result.output.dtype, exp.value.dtype, 'output dtype');
  assertTensorClose(result.output, exp.value, 'value', rtol, atol);
  // With the legacy size_average/reduce keywords the generator's reduction='none' rerun is overridden by them, so
  // its perElement is not the unreduced loss: skip it there.
  const legacy = 'size_average' in c.options || 'reduce' in c.options;
  if (exp.perElement && !legacy) assertTensorClose(result.perElement, exp.perElement, 'perElement', rtol, atol);
  else if (c.options['reduction'] === 'none') assertTensorClose(result.perElement, exp.value, 'perElement', rtol, atol);
  if (exp.backwardError) {
    // PyTorch computed the value and then refused .backward(): no gradient, and the backward's error as a warning.
    assert.deepEqual(Object.keys(result.gradient), [], "no gradient where PyTorch's backward raises");
    const backward = result.warnings.find((w) => w.code === 'warn/backward-error');
    assert.equal(backward?.message, expectedErrorMessage(exp.backwardError), 'the backward error as a warning');
  }
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

/**
 * Declares one mocha test per fixture case of `test/fixtures/losses/<name>.json` and per torch version that labelled
 * it, run with the matching `torchVersion`.
 */
export function describeFixtures(name: string, rtol = 1e-5, atol = 1e-6): void {
  const cases = loadFixtures(name);
  const runs = cases.flatMap((c) =>
    (c.torch ?? ['1.13']).map((oracle, i) => ({ c, oracle, version: versionsOf(c)[i]! })),
  );
  describe(`${name} fixtures (${runs.length} runs of ${cases.length} PyTorch cases)`, () => {
    for (const { c, oracle, version } of runs) {
      it(`${c.fn}: ${c.id} [torch ${oracle}]`, () => {
        runCase(c, version, rtol, atol);
      });
    }
  });
}

/**
 * Shape mode looks into a list repeated by `*` once, not once per reference: `[[0.0]*10000]*10000` holds 10^8
 * references to one float through one inner list, and the freezing line of the hostile-input issue must stay cheap in
 * shape mode too (structure, not a stopwatch: the lists looked into are counted).
 */
import * as assert from 'node:assert/strict';
import { holdsOpaque, holdsUnknown } from '../../../src/core/runtime/shape-mode';
import { PyList, PyTuple, PyUnknown } from '../../../src/core/runtime/values';

describe('shape mode on repeated lists', () => {
  const inner = new PyList(Array.from({ length: 10_000 }, () => 0.0));
  const outer = new PyList(Array.from({ length: 10_000 }, () => inner));

  it('looks into each distinct list once', () => {
    const seen = new Set<PyList | PyTuple>();
    assert.equal(holdsOpaque(outer, seen), false);
    assert.equal(seen.size, 2);
    const seenUnknown = new Set<PyList | PyTuple>();
    assert.equal(holdsUnknown(outer, seenUnknown), undefined);
    assert.equal(seenUnknown.size, 2);
  });

  it('still finds an unknown behind a repeated list', () => {
    const unknown = new PyUnknown('the result of tokenizer(...)');
    const mixed = new PyTuple([outer, new PyList([inner, unknown])]);
    assert.equal(holdsOpaque(mixed), true);
    assert.equal(holdsUnknown(mixed), unknown);
  });
});

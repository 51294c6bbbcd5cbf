/**
 * A quiet run (a file check, which never shows the program's output): `print` writes nothing and skips formatting
 * tensors, numbers and strings, but still runs what may be the program's own code — a class's `__str__` — so its
 * errors and effects stay; and a check finds the same problems as before.
 */
import * as assert from 'node:assert/strict';
import { runProgram } from '../../../src/core/runtime/index';
import { checkSnippet } from '../../../src/core/snippet/index';

const PROGRAM = `import torch
import torch.nn.functional as F

seen = []


class Noisy:
    def __str__(self):
        seen.append("str")
        return "noisy"


class Broken:
    def __str__(self):
        raise ValueError("no text for you")


logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])
print(logits, 3, "text", None)
print(Noisy())
assert len(seen) == 1, "Noisy.__str__ did not run"
print(len(seen))
loss = F.cross_entropy(logits, torch.tensor([1, 2]))
print(f"loss {loss.item():.4f}")
print(Broken())
`;

describe('quiet runs (file checks)', () => {
  it('print writes the program output in a normal run', () => {
    const run = runProgram(PROGRAM);
    assert.match(
      run.stdout,
      /^tensor\(\[\[1\.0000, 2\.0000, 0\.5000\],\n {8}\[0\.1000, 0\.2000, 3\.0000\]\]\) 3 text None\nnoisy\n1\nloss /,
    );
    assert.match(run.diagnostics[0]!.message, /ValueError: no text for you/);
  });

  it('a quiet run writes nothing, yet runs __str__ and stops where it raises', () => {
    const run = runProgram(PROGRAM, { quiet: true });
    assert.equal(run.stdout, '');
    assert.equal(run.calls.length, 1);
    const stop = run.diagnostics[0]!;
    assert.match(stop.message, /ValueError: no text for you/);
    // Raised inside __str__ (the assert after print(Noisy()) held: __str__ ran).
    assert.equal(stop.line, PROGRAM.split('\n').indexOf('        raise ValueError("no text for you")') + 1);
  });

  it('a check (quiet) still finds the loss call', () => {
    const check = checkSnippet(PROGRAM);
    assert.ok(check.calls?.some((c) => c.fn === 'cross_entropy'));
  });
});

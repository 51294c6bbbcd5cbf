/**
 * A run the caller cancels (a newer edit superseded it): the interpreter polls `RunControl.cancelled` every
 * CANCEL_POLL_STEPS steps and stops with `Cancelled`, which no `except` in the program catches and which is not turned
 * into a diagnostic: the caller gets no answer at all. Without a request to stop, the run is the same as without
 * control.
 */
import * as assert from 'node:assert/strict';
import { CANCEL_POLL_STEPS } from '../../../src/core/runtime/errors';
import { Cancelled, runProgram } from '../../../src/core/runtime/index';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';

/** A control that says "stop" from its `after`-th poll on, counting the polls. */
function stopAfter(after: number): { polls: number; cancelled: () => boolean } {
  const control = {
    polls: 0,
    cancelled: () => ++control.polls >= after,
  };
  return control;
}

const LOOP = 'total = 0\nfor i in range(100_000):\n    total += i\nprint(total)\n';

describe('cancelling a run (RunControl)', () => {
  it('stops a long loop at a poll, not at its end, and gives no answer', () => {
    const control = stopAfter(3);
    assert.throws(() => runProgram(LOOP, { control }), Cancelled);
    assert.equal(control.polls, 3, 'the run stopped at the poll that said stop');
  });

  it('polls every CANCEL_POLL_STEPS steps and changes nothing while it is not asked to stop', () => {
    const control = stopAfter(Infinity);
    const run = runProgram(LOOP, { control });
    const plain = runProgram(LOOP);
    assert.equal(run.stdout, plain.stdout);
    assert.equal(run.stdout, `${(100_000 * 99_999) / 2}\n`);
    assert.ok(control.polls >= 100_000 / CANCEL_POLL_STEPS, `${control.polls} polls`);
    assert.ok(control.polls <= (3 * 100_000) / CANCEL_POLL_STEPS + 2, `${control.polls} polls`);
  });

  it("is not caught by the program's try/except, however broad", () => {
    const text = `caught = 0
for attempt in range(3):
    try:
        total = 0
        for i in range(100_000):
            total += i
    except BaseException:
        caught += 1
    except:
        caught += 1
print(caught)
`;
    assert.throws(() => runProgram(text, { control: stopAfter(2) }), Cancelled);
  });

  it('leaves a shape-mode check and a value-mode evaluation without an answer, not with a diagnostic', () => {
    const text = 'total = sum(i * i for i in range(100_000_000))\n';
    assert.throws(() => checkSnippet(text, {}, stopAfter(5)), Cancelled);
    assert.throws(() => evaluateSnippet(text, {}, stopAfter(5)), Cancelled);
  });
});

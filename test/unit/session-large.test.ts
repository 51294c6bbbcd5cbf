/**
 * The session with a large input: a request carrying its own `compute` (a worker in the extension) returns a
 * summary-mode result and its summary; the session shows the summary with rows paged on demand, offers option
 * what-ifs through the same `compute`, never input edits, and exports a snippet that loads the file.
 */
import * as assert from 'node:assert/strict';
import { findLoss, LOSSES } from '../../src/core/losses/index';
import { summarize } from '../../src/core/report/summary';
import { tensorFrom } from '../../src/core/tensor';
import { LensSession, type ComputeFn, type ComputeRequest } from '../../src/panel/session';

describe('session with a large (summary-mode) computation', () => {
  const C = 300;
  const N = 40;
  const input = tensorFrom(
    Array.from({ length: N * C }, (_, i) => Math.sin(i * 0.7) * 5),
    [N, C],
    'float32',
  );
  const target = tensorFrom(
    Array.from({ length: N }, (_, i) => (i * 13) % C),
    [N],
    'int64',
  );
  const inputs = { input, target };
  const calls: string[] = [];
  const compute: ComputeFn = (request) => {
    calls.push(String(request.options.reduction ?? 'mean'));
    const result = findLoss(request.fn)!.compute(request.inputs, request.options, { detail: 'summary' });
    return { results: [result], summaries: [summarize(result, request.inputs)], diagnostics: [] };
  };
  const request: ComputeRequest = {
    fn: 'cross_entropy',
    inputs,
    options: {},
    title: 'big.json',
    source: 'file:///data/big.json',
    compute,
  };

  it("shows the summary, pages rows, and recomputes what-ifs through the request's compute", async () => {
    const session = new LensSession({
      compute: () => {
        throw new Error("the session must use the request's compute");
      },
      losses: LOSSES,
    });
    await session.show(request);
    const view = session.view();
    assert.ok(view.report, view.error?.message);
    const report = view.report.model.report;
    assert.ok(report.large);
    assert.equal(report.sampleCount, N);
    assert.equal(view.report.firstPage.rows.length, N);
    assert.equal(report.classNames.length, 0, 'no 300 class names in the message');
    // cross_entropy takes no pos_weight: no label list (a language model's would be its whole vocabulary).
    assert.deepEqual(view.whatIf?.labelNames, []);
    assert.equal(view.whatIf?.canEditInputs, false);
    assert.equal(view.whatIf?.supportsClassWeights, false);
    const page = session.rows(report.id, 1, 0, 10, { key: 'loss', descending: true });
    assert.equal(page?.rows[0]?.index, report.large.worst[0]?.index);
    await session.whatIf({ kind: 'reduction', reduction: 'sum' });
    assert.deepEqual(calls, ['mean', 'sum']);
    assert.equal(session.view().report?.model.report.reduction.reduction, 'sum');
    const snippet = session.exportText('snippet');
    assert.ok(snippet);
    assert.match(snippet.text, /json\.load/);
    assert.match(snippet.text, /\/data\/big\.json/);
    assert.match(snippet.text, /F\.cross_entropy\(input, target, .*reduction='sum'/);
    session.dispose();
  });

  it('lists the labels for the pos_weight editor of a loss that takes pos_weight', async () => {
    const labels = 7;
    const logits = tensorFrom(
      Array.from({ length: N * labels }, (_, i) => Math.cos(i * 0.3) * 3),
      [N, labels],
      'float32',
    );
    const multiHot = tensorFrom(
      Array.from({ length: N * labels }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [N, labels],
      'float32',
    );
    const session = new LensSession({ compute, losses: LOSSES });
    await session.show({
      ...request,
      fn: 'binary_cross_entropy_with_logits',
      inputs: { input: logits, target: multiHot },
    });
    const view = session.view();
    assert.ok(view.report, view.error?.message);
    assert.equal(view.whatIf?.supportsPosWeight, true);
    assert.deepEqual(view.whatIf?.labelNames, ['0', '1', '2', '3', '4', '5', '6']);
    session.dispose();
  });
});

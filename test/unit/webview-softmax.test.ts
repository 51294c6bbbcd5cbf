/**
 * The views behind "softmax you can see" and "any width": the bars of a row (top classes and "others"), the loss curve
 * whose current point is the sample's computed loss, narrow tables that lead with the loss, headers wide enough for
 * their titles, "—" for ignored samples, and an Overview without the deprecated options nobody passed.
 */
import * as assert from 'node:assert/strict';
import { findLoss } from '../../src/core/losses/index';
import type { LossInputs, LossOptions } from '../../src/core/losses/types';
import { buildReport, decodeNumber } from '../../src/core/report/report';
import { tensorFrom } from '../../src/core/tensor';
import { headerWidth, tableColumns } from '../../webview/views/columns';
import { createTranslator } from '../../webview/views/l10n';
import { crossEntropyCurve, softmaxBars, TOP_CLASSES } from '../../webview/views/softmax';
import { overviewView } from '../../webview/views/summary';
import type { VNode } from '../../webview/vnode';

function report(fn: string, inputs: LossInputs, options: LossOptions) {
  const result = findLoss(fn)!.compute(inputs, options);
  return buildReport(result, { inputs });
}

/** Every text in a view description (components excluded). */
function texts(node: VNode): string[] {
  if (node.kind === 'text') return [node.text];
  if (node.kind === 'element') return node.children.flatMap(texts);
  return [];
}

const t = createTranslator({});

describe('webview: softmax rows, the loss curve and narrow tables', () => {
  const weighted = report(
    'cross_entropy',
    {
      input: tensorFrom([2, 0.5, -1, 0.1, 1.2, 0.3, -0.5, 0.2, 2.2, 1, 1, 1], [4, 3], 'float32'),
      target: tensorFrom([0, 1, 2, -100], [4], 'int64'),
    },
    { weight: tensorFrom([1, 2, 0.5], [3], 'float32'), label_smoothing: 0.1 },
  );
  const rows = weighted.rows(0, 4);

  it("puts the current point of each loss curve on the sample's computed loss (weights and smoothing included)", () => {
    for (const row of rows.filter((r) => !r.ignored)) {
      const curve = crossEntropyCurve(weighted.report, row)!;
      assert.ok(curve, `sample ${row.index}`);
      assert.equal(curve.current[0], decodeNumber(row.inputs![row.target!]!));
      const loss = decodeNumber(row.loss);
      assert.ok(Math.abs(curve.current[1] - loss) <= 1e-6 * Math.max(1, loss), `${curve.current[1]} vs ${loss}`);
      // Raising the target logit lowers the loss: the curve falls to the right.
      assert.ok(curve.points[0]![1] > curve.points[curve.points.length - 1]![1]);
    }
    assert.equal(crossEntropyCurve(weighted.report, rows[3]!), undefined, 'no curve for an ignored sample');
  });

  it('shows every class of a small row, and the top ones plus "others" (target kept) of a large one', () => {
    assert.equal(softmaxBars(rows[0]!, 0).length, 3);
    const C = 12;
    const logits = Array.from({ length: C }, (_, c) => c / 2);
    const big = report(
      'cross_entropy',
      { input: tensorFrom(logits, [1, C], 'float32'), target: tensorFrom([0], [1], 'int64') },
      {},
    );
    const row = big.rows(0, 1)[0]!;
    const bars = softmaxBars(row, 0);
    assert.equal(bars.length, TOP_CLASSES + 1);
    assert.ok(
      bars.some((b) => b.isTarget && b.classIndex === 0),
      'the target (least probable) is shown',
    );
    const others = bars[bars.length - 1]!;
    assert.equal(others.classIndex, -1);
    assert.equal(others.count, C - TOP_CLASSES);
    const total = bars.reduce((s, b) => s + b.p, 0);
    assert.ok(Math.abs(total - 1) < 1e-6, `the bars add up to 1 (${total})`);
  });

  it('leads with the loss at narrow widths and keeps headers wide enough for their titles', () => {
    const wide = tableColumns(weighted.report, t).map((c) => c.id);
    const narrow = tableColumns(weighted.report, t, false, true).map((c) => c.id);
    assert.deepEqual(narrow.slice(0, 2), ['index', 'loss']);
    assert.deepEqual([...narrow].sort(), [...wide].sort());
    for (const c of tableColumns(weighted.report, t))
      assert.ok(c.width >= headerWidth(c.title, c.sortKey !== undefined));
    assert.ok(headerWidth('−log p(target)', true) > headerWidth('Loss', true));
    assert.ok(headerWidth('目标概率', false) > headerWidth('abcd', false), 'CJK characters are wider');
  });

  it('shows "—" for an ignored sample\'s p(target), −log p, weight and loss', () => {
    const columns = tableColumns(weighted.report, t);
    const ignored = rows[3]!;
    assert.equal(ignored.ignored, true);
    for (const id of ['pTarget', 'negLogP', 'weight', 'loss']) {
      assert.equal(columns.find((c) => c.id === id)!.text(ignored), '—', id);
    }
  });

  it('lists only the options that matter in the Overview (no size_average/reduce unless passed)', () => {
    const shown = texts(overviewView(weighted.report, t)).join(' ');
    assert.ok(
      weighted.report.options.some((o) => o.name === 'size_average'),
      'the resolved options include it',
    );
    assert.ok(!shown.includes('size_average') && !shown.includes('reduce='), shown);
    assert.match(shown, /label_smoothing=0\.1/);
    const passed = report(
      'cross_entropy',
      { input: tensorFrom([1, 0, 0, 1], [2, 2], 'float32'), target: tensorFrom([0, 1], [2], 'int64') },
      { size_average: false },
    );
    assert.match(texts(overviewView(passed.report, t)).join(' '), /size_average=False/);
  });
});

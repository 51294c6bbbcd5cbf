/**
 * The loss call on a line, read from the source for a paused debugger (src/core/live/call.ts): which loss, which
 * expression feeds which parameter, and the refusal of anything that is not safe to evaluate in the user's process.
 */
import * as assert from 'node:assert/strict';
import { dottedNameAt, findLiveCall, isDottedName, liveCallLines, unsafePart } from '../../../src/core/live/call';
import { parseExpression } from '../../../src/core/python/parser';

const program = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'criterion = nn.CrossEntropyLoss(label_smoothing=0.1)',
  'for x, y in loader:',
  '    logits = model(x)',
  '    loss = criterion(logits, y)',
  '    l2 = F.cross_entropy(logits.view(-1, 10), y.view(-1), weight=w, reduction="sum", ignore_index=-1)',
  '    l3 = nn.BCEWithLogitsLoss(pos_weight=batch.pw)(out[:, 0], t.float())',
  '    l4 = criterion(model(x), y)',
  '    l5 = F.mse_loss(',
  '        pred,',
  '        target,',
  '    )',
  '    l6 = F.nll_loss(*args)',
  '    l7 = F.cross_entropy(x, y, bogus=1)',
  '    l8 = torchvision.ops.sigmoid_focal_loss(inputs=a, targets=b, alpha=0.5)',
  '    return self.loss_fn(z, y)',
].join('\n');

describe('live call: the loss call on a line', () => {
  it('maps a module held in a variable: the module expression and the inputs in order', () => {
    const r = findLiveCall(program, 7);
    assert.ok(r.ok);
    assert.equal(r.call.style, 'variable');
    assert.equal(r.call.moduleExpression, 'criterion');
    assert.deepEqual(
      r.call.inputs.map((a) => [a.name, a.expression]),
      [
        ['#0', 'logits'],
        ['#1', 'y'],
      ],
    );
    assert.deepEqual(r.call.range, { line: 7, column: 12, endLine: 7, endColumn: 32 });
  });

  it('maps a functional call: inputs, tensor options to evaluate, literal options read from the source', () => {
    const r = findLiveCall(program, 8);
    assert.ok(r.ok);
    assert.equal(r.call.loss?.fn, 'cross_entropy');
    assert.deepEqual(
      r.call.inputs.map((a) => [a.name, a.expression]),
      [
        ['input', 'logits.view(-1, 10)'],
        ['target', 'y.view(-1)'],
      ],
    );
    assert.deepEqual(
      r.call.options.map((a) => [a.name, a.expression, a.literal]),
      [
        ['weight', 'w', undefined],
        ['reduction', '"sum"', 'sum'],
        ['ignore_index', '-1', -1],
      ],
    );
  });

  it('takes options from an inline constructor', () => {
    const r = findLiveCall(program, 9);
    assert.ok(r.ok);
    assert.equal(r.call.style, 'module');
    assert.equal(r.call.loss?.fn, 'binary_cross_entropy_with_logits');
    assert.deepEqual(
      [...r.call.inputs, ...r.call.options].map((a) => [a.name, a.expression]),
      [
        ['input', 'out[:, 0]'],
        ['target', 't.float()'],
        ['pos_weight', 'batch.pw'],
      ],
    );
  });

  it('refuses to evaluate a call of the model (it would run the model again)', () => {
    const r = findLiveCall(program, 10);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.kind === 'unsafe' && r.expression === 'model(x)');
  });

  it('reads a call written over several lines', () => {
    const r = findLiveCall(program, 11);
    assert.ok(r.ok);
    assert.deepEqual(
      r.call.inputs.map((a) => a.expression),
      ['pred', 'target'],
    );
  });

  it('refuses *args, unknown keywords, and lines with no call', () => {
    const starred = findLiveCall(program, 15);
    assert.ok(!starred.ok && starred.kind === 'starred');
    const bogus = findLiveCall(program, 16);
    assert.ok(!bogus.ok && bogus.kind === 'unknown-keyword' && bogus.keyword === 'bogus');
    const none = findLiveCall(program, 1);
    assert.ok(!none.ok && none.kind === 'no-call');
    // The constructor alone is not the loss call.
    assert.ok(!findLiveCall(program, 4).ok);
  });

  it("maps a library loss's own keyword names (torchvision's inputs=/targets=)", () => {
    const r = findLiveCall(program, 17);
    assert.ok(r.ok);
    assert.deepEqual(
      [...r.call.inputs, ...r.call.options].map((a) => [a.name, a.expression]),
      [
        ['input', 'a'],
        ['target', 'b'],
        ['alpha', '0.5'],
      ],
    );
  });

  it('reads the call a return statement makes, at its columns in the file', () => {
    const r = findLiveCall(program, 18);
    assert.ok(r.ok);
    assert.equal(r.call.moduleExpression, 'self.loss_fn');
    assert.equal(r.call.range.column, 12);
  });

  it('lists the lines with a loss call for the code lens', () => {
    assert.deepEqual(
      liveCallLines(program),
      [7, 8, 9, 10, 11, 15, 16, 17, 18].filter((l) => findLiveCall(program, l).ok),
    );
    assert.deepEqual(liveCallLines(program), [7, 8, 9, 11, 17, 18]);
  });
});

describe('live call: what is safe to evaluate', () => {
  const unsafe = (text: string): string | undefined => {
    const bad = unsafePart(parseExpression(text));
    return bad ? text.slice(bad.range.column - 1, bad.range.endColumn - 1) : undefined;
  };
  it('accepts names, attributes, indexing, arithmetic and pure tensor functions', () => {
    for (const ok of [
      'logits',
      'self.out.logits',
      'batch["y"][:, 0]',
      'x / temperature',
      '-x',
      'F.log_softmax(x, dim=1)',
      'x.permute(0, 2, 1).reshape(-1, C)',
      'torch.tensor([1.0, 2.0])',
    ])
      assert.equal(unsafe(ok), undefined, ok);
  });
  it('refuses calls that could run user code or change state, naming the part', () => {
    assert.equal(unsafe('model(x)'), 'model(x)');
    assert.equal(unsafe('F.softmax(model(x), 1)'), 'model(x)');
    assert.equal(unsafe('x.add_(1)'), 'x.add_(1)');
    assert.equal(unsafe('os.system("rm")'), 'os.system("rm")');
    assert.equal(unsafe('[f() for f in fs]'), '[f() for f in fs]');
    assert.equal(unsafe('lambda: 0'), 'lambda: 0');
    assert.equal(unsafe('(y := 3)'), 'y := 3');
    assert.equal(unsafe('get()[0]'), 'get()');
  });
});

describe('live call: dotted names for the hover', () => {
  it('accepts identifiers joined by dots only', () => {
    for (const ok of ['x', 'batch.logits', '_a.b_2', 'self.criterion.weight']) assert.ok(isDottedName(ok), ok);
    for (const bad of [
      '',
      'x.',
      '.x',
      'x..y',
      '1x',
      'x[0]',
      'x()',
      'x y',
      'x;y',
      'a.None',
      'import',
      'x\n',
      '__import__("os")',
    ])
      assert.ok(!isDottedName(bad), JSON.stringify(bad));
  });
});

describe('live call: the name under the pointer', () => {
  const at = (line: string, marker: string, offset = 0): string | undefined =>
    dottedNameAt(line, line.indexOf(marker) + offset)?.name;
  it('takes the dotted name up to the hovered part', () => {
    const line = '    loss = criterion(batch.logits.float(), self.y)';
    assert.equal(at(line, 'logits'), 'batch.logits');
    assert.equal(at(line, 'batch'), 'batch');
    assert.equal(at(line, 'y)'), 'self.y');
    assert.equal(at(line, 'criterion', 3), 'criterion');
  });
  it('gives nothing after a call, a subscript, a string or a number, and nothing on punctuation', () => {
    assert.equal(at('x = f().shape', 'shape'), undefined);
    assert.equal(at('x = a[0].shape', 'shape'), undefined);
    assert.equal(at('x = "s".upper', 'upper'), undefined);
    assert.equal(at('x = (a + b)', '+'), undefined);
    assert.equal(at('for x in y:', 'for'), undefined);
  });
});

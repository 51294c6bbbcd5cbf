/**
 * Shape comments: `logits = model(x)  # [B, C]` gives `logits` that shape when the code's own value is unknown (a
 * third-party call); a comment never overrides a value the checker computed, and never causes an error by itself.
 * A comment that names no dtype leaves the dtype open: an error stands only if it does for float32 and int64 alike.
 */
import * as assert from 'node:assert/strict';
import { Symbols, shapeFromComment } from '../../../src/core/runtime/shape-mode';
import { checkSnippet } from '../../../src/core/snippet/index';
import { showDim } from '../../../src/core/torch/symbolic/dim';

function read(comment: string): string | undefined {
  const shape = shapeFromComment(comment, new Symbols('2.x'));
  return shape && `[${shape.dims.map((d) => showDim(d)).join(', ')}]${shape.dtype ? ` ${shape.dtype}` : ''}`;
}

function errors(lines: readonly string[]): string[] {
  return checkSnippet(lines.join('\n'))
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}: ${d.message}`);
}

const HEADER = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'from mylib import encoder, load',
];

describe('shape comments', () => {
  it('reads the usual spellings', () => {
    assert.equal(read('# [B, C]'), '[B, C]');
    assert.equal(read('# (B, 10)'), '[B, 10]');
    assert.equal(read('# shape: [B, T, C]'), '[B, T, C]');
    assert.equal(read('# B x C'), '[B, C]');
    assert.equal(read('#shape (N, 3, 32, 32)'), '[N, 3, 32, 32]');
    assert.equal(read('# [B] long'), '[B] int64');
    assert.equal(read('# (B, T) torch.float64'), '[B, T] float64');
    assert.equal(read('# [B]'), '[B]');
  });

  it('does not read prose as a shape', () => {
    for (const prose of ['# (optional)', '# see the paper', '# max_len', '# TODO: fix', '# [unused]', '# x'])
      assert.equal(read(prose), undefined, prose);
  });

  it("gives an unknown value the comment's shape, so a layer after it is checked", () => {
    const found = errors([...HEADER, 'h = encoder(load())  # [B, 64]', 'logits = nn.Linear(32, 5)(h)']);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^6: RuntimeError: mat1 and mat2 shapes cannot be multiplied \(Bx64 and 32x5\)$/);
    assert.deepEqual(errors([...HEADER, 'h = encoder(load())  # [B, 32]', 'logits = nn.Linear(32, 5)(h)']), []);
  });

  it('never overrides a value the code gives, nor reports a comment that disagrees with it', () => {
    assert.deepEqual(errors([...HEADER, 'h = torch.zeros(4, 32)  # [B, 64]', 'logits = nn.Linear(32, 5)(h)']), []);
  });

  it('leaves a dtype the comment does not name open', () => {
    // Token ids typed by a comment: an Embedding takes them, cross_entropy takes them as class indices.
    const lines = [
      ...HEADER,
      'ids = load()  # [B, T]',
      'labels = load()  # [B]',
      'e = nn.Embedding(100, 8)(ids[:, 1:]).sum(dim=1)',
      'loss = F.cross_entropy(e, labels)',
    ];
    assert.deepEqual(errors(lines), []);
    // The loss call shows the shapes the comments gave, and no dtype for them.
    const [call] = checkSnippet(lines.join('\n')).calls!;
    assert.deepEqual(call!.args[1], { name: 'target', shape: ['B'] });
    // Named as float, the ids are refused by the Embedding as PyTorch refuses them.
    const typed = errors([...HEADER, 'ids = load()  # [B, T] float', 'e = nn.Embedding(100, 8)(ids)']);
    assert.equal(typed.length, 1);
    assert.match(typed[0]!, /^6: RuntimeError: Expected tensor for argument #1 'indices'/);
  });
});

/**
 * How many times shape mode runs a `for` loop's body: a flat loop that builds a model's structure (blocks appended,
 * a width carried to the next block) runs in full, as Python does; a training loop (a nested loop, a `backward()`)
 * runs once, since its later iterations repeat the first one's shapes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../../../src/core/runtime/index';
import { checkSnippet } from '../../../src/core/snippet/index';

function shapeRun(text: string): string {
  return runProgram(text, { mode: 'shape' }).stdout;
}

describe('shape mode loops', () => {
  it('runs a flat loop that builds a list in full', () => {
    const out = shapeRun(
      [
        'blocks = []',
        'width = 1',
        'for c in (8, 16, 32):',
        '    blocks.append((width, c))',
        '    width = c',
        'print(len(blocks), width)',
      ].join('\n'),
    );
    assert.equal(out, '3 32\n');
  });

  it('runs a training loop (a backward call, or a nested training loop) once, and nested building loops in full', () => {
    const nested = shapeRun(
      ['n = 0', 'for epoch in range(5):', '    for step in range(3):', '        n += 1', 'print(n)'].join('\n'),
    );
    // Both loops only build (a count): they run in full, as Python does.
    assert.equal(nested, '15\n');
    const training = shapeRun(
      [
        'import torch',
        'n = 0',
        'for step in range(5):',
        '    loss = torch.zeros(1, requires_grad=True).sum()',
        '    loss.backward()',
        '    n += 1',
        'print(n)',
      ].join('\n'),
    );
    assert.equal(training, '1\n');
  });

  it('runs a loop of plain calls once (each iteration repeats the first)', () => {
    const out = shapeRun(
      [
        'seen = []',
        'def check():',
        '    seen.append(1)',
        'for _ in range(100):',
        '    check()',
        'print(len(seen))',
      ].join('\n'),
    );
    assert.equal(out, '1\n');
  });

  it('stops a flat loop after a bounded number of iterations, and then forgets what it counted', () => {
    const lines = shapeRun(
      ['n = 0', 'for i in range(1000):', '    n += 1', '    print(n)', 'print(n == 32)'].join('\n'),
    )
      .trimEnd()
      .split('\n');
    assert.equal(lines.length, 33);
    assert.equal(lines[31], '32');
    // Python would have counted to 1000: after the cut the check no longer claims n == 32.
    assert.notEqual(lines[32], 'True');
  });
});

describe('shape mode recursion', () => {
  it('gives an unknown for a recursive call, so a walk over an unknown model ends at once', () => {
    const code = [
      'def unwrap(model):',
      '    if hasattr(model, "module"):',
      '        return unwrap(model.module)',
      '    elif hasattr(model, "inner"):',
      '        return unwrap(model.inner)',
      '    return model',
      '',
      'def main(model):',
      '    core = unwrap(model)',
      '    print("walked")',
      '',
    ].join('\n');
    const run = runProgram(code, { mode: 'shape' });
    // Both branches of each unknown `if` run; without the rule the walk branches 2^depth times up to the budget.
    assert.equal(run.stdout, 'walked\n');
    assert.ok(!run.diagnostics.some((d) => d.code === 'runtime/budget'), JSON.stringify(run.diagnostics));
  });

  it('follows a model built as a tree of modules (a few nested calls of one function)', () => {
    const code = [
      'import torch',
      'import torch.nn as nn',
      'class Tree(nn.Module):',
      '    def __init__(self, c_in, c_out, level):',
      '        super().__init__()',
      '        if level == 1:',
      '            self.left = nn.Linear(c_in, c_out)',
      '            self.right = nn.Linear(c_out, c_out)',
      '        else:',
      '            self.left = Tree(c_in, c_out, level - 1)',
      '            self.right = Tree(c_out, c_out, level - 1)',
      '    def forward(self, x):',
      '        return self.right(self.left(x))',
      'net = Tree(8, 16, level=3)',
      'print(net(torch.randn(4, 8)).shape)',
      '',
    ].join('\n');
    assert.equal(runProgram(code, { mode: 'shape' }).stdout, 'torch.Size([4, 16])\n');
  });

  it('reports the step budget in a check as a note, not as a mistake', () => {
    const code = Array.from({ length: 20 }, (_, i) => `x${i} = ${i}`).join('\n');
    const stop = runProgram(code, { mode: 'shape', limits: { maxSteps: 5 } }).diagnostics.find(
      (d) => d.code === 'runtime/budget',
    );
    assert.equal(stop?.severity, 'info');
    assert.equal(
      runProgram(code, { limits: { maxSteps: 5 } }).diagnostics.find((d) => d.code === 'runtime/budget')?.severity,
      'error',
    );
  });

  it('a file check that runs out of steps shows that note where it stopped (the lines after it went unchecked)', () => {
    const check = checkSnippet('import torch\ntotal = sum(i * i for i in range(100_000_000))\nprint(total)\n');
    const stop = check.diagnostics.find((d) => d.code === 'runtime/budget');
    assert.equal(stop?.severity, 'info', JSON.stringify(check.diagnostics));
    assert.equal(stop?.line, 2);
  });
});

describe('shape mode building loops', () => {
  it('runs nested building loops in full (stages of blocks), so the model after them has its real widths', () => {
    const text = fs.readFileSync(
      path.join(__dirname, '..', '..', 'fixtures', 'shape-programs', 'nested_stage_loops_ok.py'),
      'utf8',
    );
    const run = runProgram(text, { mode: 'shape' });
    assert.deepEqual(run.shapeErrors, []);
    assert.equal(run.stdout, 'torch.Size([2, 10])\n');
  });

  it('makes what a building loop assigned and grew unknown when it was cut short', () => {
    const run = runProgram(
      [
        'import torch',
        'import torch.nn as nn',
        'layers = []',
        'width = 4',
        'for w in range(5, 45):',
        '    layers.append(nn.Linear(width, w))',
        '    width = w',
        'head = nn.Linear(44, 3)',
        'x = torch.randn(2, 4)',
        'print(width, head(x if False else torch.randn(2, width)).shape)',
        'y = nn.Sequential(*layers)(x)',
        '',
      ].join('\n'),
      { mode: 'shape' },
    );
    // 40 iterations are over the bound: the 32nd width would have given a false mismatch with Linear(44, 3).
    assert.deepEqual(run.shapeErrors, []);
  });
});

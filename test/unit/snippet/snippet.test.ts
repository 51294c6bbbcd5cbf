/**
 * The snippet API beyond the PyTorch fixtures: ranges in the original text (indented selections, document origins),
 * the tensors list, `loss` on snippets without a loss call, skipped blocks, the checker walking into blocks without
 * false alarms, and fixes that, once applied, make the checker's error go away. Expected numbers come from the
 * fixtures (PyTorch) or from evaluating the equivalent explicit code, never typed by hand.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, TextEdit } from '../../../src/core/diagnostics';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';
import { SourceText } from '../../../src/core/snippet/source';

const root = path.join(__dirname, '..', '..', '..');
const example = (name: string): string => fs.readFileSync(path.join(root, 'examples', name), 'utf8');

interface Fixture {
  id: string;
  code: string;
  calls: { line: number; error?: { message: string } }[];
}
const fixtures = (
  JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'snippets', 'snippets.json'), 'utf8')) as {
    snippets: Fixture[];
  }
).snippets;

/** Applies text edits (ranges in the text's own coordinates) from the last to the first. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const source = new SourceText(text);
  const placed = edits
    .map((e) => ({
      start: source.offsetOf(e.range.line, e.range.column),
      end: source.offsetOf(e.range.endLine, e.range.endColumn),
      text: e.newText,
    }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const p of placed) out = out.slice(0, p.start) + p.text + out.slice(p.end);
  return out;
}

function errors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

describe('evaluateSnippet', () => {
  it('places each call at its range in the original text, also in an indented selection', () => {
    const text = example('indented-selection.py');
    const result = evaluateSnippet(text);
    assert.equal(result.calls.length, 1);
    const call = result.calls[0]!;
    const source = new SourceText(text);
    assert.equal(
      source.slice(call.range),
      "F.cross_entropy(logits, targets,\n                               reduction='sum')",
    );
    assert.equal(call.range.column, 16);
    // The same code without the indentation gives the same value.
    const dedented = text.replace(/^ {8}/gm, '');
    const plain = evaluateSnippet(dedented).calls[0]!;
    assert.deepEqual(plain.result?.value, call.result?.value);
    assert.equal(plain.range.column, 8);
    // Tabs work as indentation too.
    const tabbed = evaluateSnippet(dedented.replace(/^/gm, '\t'));
    assert.deepEqual(tabbed.calls[0]!.result?.value, call.result?.value);
  });

  it('reports document positions when the selection starts elsewhere (origin)', () => {
    const text = example('seed-one-hot.py');
    const at = evaluateSnippet(text, { origin: { line: 41, column: 9 } });
    const plain = evaluateSnippet(text);
    assert.equal(at.calls.length, plain.calls.length);
    at.calls.forEach((c, i) => {
      assert.equal(c.range.line, plain.calls[i]!.range.line + 40);
      assert.equal(c.range.column, plain.calls[i]!.range.column);
      assert.deepEqual(c.result?.value, plain.calls[i]!.result?.value);
    });
    const firstLine = evaluateSnippet('loss = F.mse_loss(torch.tensor([1.0]), torch.tensor([2.0]))', {
      origin: { line: 3, column: 5 },
    });
    assert.deepEqual(firstLine.calls[0]!.range, { line: 3, column: 12, endLine: 3, endColumn: 64 });
  });

  it('finds several calls on one line, each at its own range', () => {
    const text = example('label-smoothing.py');
    const result = evaluateSnippet(text);
    const source = new SourceText(text);
    assert.deepEqual(
      result.calls.map((c) => source.slice(c.range)),
      ['F.cross_entropy(x, y)', 'F.cross_entropy(x, y, label_smoothing=0.05)'],
    );
    assert.equal(result.calls[0]!.range.line, result.calls[1]!.range.line);
  });

  it('lists the tensors it assigns with shape, dtype and known values', () => {
    const result = evaluateSnippet(example('seed-one-hot.py'));
    const byName = new Map(result.tensors.map((t) => [t.name, t]));
    assert.deepEqual(byName.get('x')?.shape, [3, 3]);
    assert.equal(byName.get('x')?.dtype, 'float32');
    assert.deepEqual(byName.get('y')?.value, [0, 1, 2]);
    assert.equal(byName.get('y')?.dtype, 'int64');
    assert.deepEqual(byName.get('y')?.range, { line: 4, column: 1, endLine: 4, endColumn: 2 });
    const random = evaluateSnippet(example('embedding-mismatch.py'));
    const logits = random.tensors.find((t) => t.name === 'logits')!;
    assert.deepEqual(logits.shape, [2, 5, 3]);
    assert.equal(logits.value, undefined);
  });

  it('applies `loss` to the first two tensors when the snippet calls no loss', () => {
    const tensors = 'x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])\ny = torch.tensor([1, 2])\n';
    const applied = evaluateSnippet(tensors, { loss: 'CrossEntropyLoss' });
    const explicit = evaluateSnippet(`${tensors}F.cross_entropy(x, y)\n`);
    assert.equal(applied.calls.length, 1);
    assert.equal(applied.calls[0]!.fn, 'cross_entropy');
    assert.deepEqual(applied.calls[0]!.result?.value, explicit.calls[0]!.result?.value);
    // A snippet with its own loss call keeps it.
    assert.equal(
      evaluateSnippet(`${tensors}F.cross_entropy(x, y)\n`, { loss: 'mse_loss' }).calls[0]!.fn,
      'cross_entropy',
    );
    // Bare tensor expressions count as tensors too.
    const bare = evaluateSnippet('torch.tensor([0.5, 1.5])\ntorch.tensor([1.0, 1.0])\n', { loss: 'mse_loss' });
    assert.ok(bare.calls[0]!.result);
    const unknown = evaluateSnippet(tensors, { loss: 'cross_entropyy' });
    assert.equal(unknown.diagnostics[0]!.code, 'loss/unknown');
    const missing = evaluateSnippet('x = torch.tensor([1.0])\n', { loss: 'mse_loss' });
    assert.equal(errors(missing.diagnostics)[0]!.code, 'snippet/no-tensors');
  });

  it('runs blocks as Python does, and a name removed by del is a NameError there', () => {
    const text = [
      'x = torch.tensor([1.0, 2.0])',
      'y = torch.tensor([1.5, 1.0])',
      'for _ in range(3):',
      '    x = x * 2',
      'loss = F.mse_loss(x, y)',
      'del y',
      'other = F.mse_loss(x, y)',
    ].join('\n');
    const result = evaluateSnippet(text);
    assert.equal(result.program, true);
    assert.deepEqual(
      result.diagnostics.filter((d) => d.code === 'snippet/skipped'),
      [],
    );
    assert.equal(result.calls.length, 1, 'the second call never ran');
    assert.ok(result.calls[0]!.result, 'x after the loop is known');
    // The loop doubled x three times: the loss was computed from [8, 16], as the inputs it records show.
    assert.deepEqual(Array.from(result.calls[0]!.computed!.inputs.input!.data), [8, 16]);
    assert.deepEqual(
      errors(result.diagnostics).map((d) => [d.line, d.message]),
      [[7, "NameError: name 'y' is not defined"]],
    );
  });

  it('evaluates the expression of a return statement (a loss returned by a function body)', () => {
    const text = '    logits = torch.tensor([[0.2, 1.5]])\n    return F.cross_entropy(logits, torch.tensor([1]))\n';
    const result = evaluateSnippet(text);
    assert.equal(result.calls.length, 1);
    assert.ok(result.calls[0]!.result);
    assert.equal(result.calls[0]!.range.column, 12);
  });

  it('treats unknown names and values as unknown, never as an error', () => {
    const text = [
      'out = model(batch)',
      'loss = criterion(out, labels)',
      'l2 = F.cross_entropy(out, labels) + F.mse_loss(net(x), torch.zeros(3))',
      'weird = F.cross_entropy(*args, **kwargs)',
      'np_loss = F.mse_loss(np.array([1.0]), np.array([2.0]))',
      // ignore_index may well be 5: the index 5 is not reported while the option is unknown.
      'pad_loss = F.cross_entropy(torch.tensor([[1.0, 2.0]]), torch.tensor([5]), ignore_index=pad)',
    ].join('\n');
    const result = evaluateSnippet(text);
    assert.deepEqual(errors(result.diagnostics), []);
    assert.deepEqual(errors(checkSnippet(text).diagnostics), []);
  });

  it('follows in-place methods and functions that write into tensors', () => {
    const text = [
      'logits = torch.randn(4, 3)',
      'labels = torch.randint(0, 3, (4, 1))',
      'labels.squeeze_(1)',
      'loss = F.cross_entropy(logits, labels)',
      'w = torch.zeros(3)',
      'torch.nn.init.normal_(w)',
      'loss2 = F.mse_loss(w, torch.ones(3))',
    ].join('\n');
    assert.deepEqual(errors(checkSnippet(text).diagnostics), []);
    const result = evaluateSnippet(text);
    assert.deepEqual(errors(result.diagnostics), []);
    // nn.init.normal_ draws into w in place (seed 0 when the program sets none): the loss sees the drawn values,
    // not the zeros w held before (whose MSE against ones would be exactly 1).
    const drawn = result.calls[1]!.result?.output.data[0];
    assert.ok(drawn !== undefined && drawn !== 1, `w was overwritten in place: ${drawn}`);
  });
});

describe('checkSnippet', () => {
  it('walks into functions, loops and branches', () => {
    const text = example('embedding-mismatch.py')
      .split('\n')
      .map((l) => (l ? `    ${l}` : l))
      .join('\n');
    const inFunction = `def build():\n${text}\n`;
    const found = errors(checkSnippet(inFunction).diagnostics);
    assert.equal(found.length, 1);
    assert.equal(
      found[0]!.message,
      fixtures.find((f) => f.id === 'examples/embedding-mismatch.py')!.calls[0]!.error!.message,
    );
    assert.equal(found[0]!.line, 11);
    // Value mode skips the block (info) and finds nothing.
    assert.deepEqual(errors(evaluateSnippet(inFunction).diagnostics), []);
  });

  it('keeps branches apart and forgets what they assign', () => {
    const text = [
      'logits = torch.randn(4, 3)',
      'labels = torch.randint(0, 3, (4,))',
      'if use_float:',
      '    labels = labels.float()',
      '    loss = F.binary_cross_entropy_with_logits(logits[:, 0], labels)',
      'else:',
      '    loss = F.cross_entropy(logits, labels)',
      'loss = F.cross_entropy(logits, labels)',
      'def f(logits, labels):',
      '    return F.cross_entropy(logits, labels)',
      'for labels in batches:',
      '    loss = F.cross_entropy(logits, labels)',
      'with torch.no_grad():',
      '    bad = F.cross_entropy(logits, labels.unsqueeze(1))',
    ].join('\n');
    const found = errors(checkSnippet(text).diagnostics);
    assert.deepEqual(
      found.map((d) => d.line),
      [],
    );
    const inWith = [
      'logits = torch.randn(4, 3)',
      'labels = torch.randint(0, 3, (4,))',
      'with torch.no_grad():',
      '    bad = F.cross_entropy(logits, labels.unsqueeze(1))',
    ];
    assert.deepEqual(
      errors(checkSnippet(inWith.join('\n')).diagnostics).map((d) => [d.line, d.code]),
      [[4, 'loss/multi-target']],
    );
  });

  it('reports nothing but information for code it cannot parse', () => {
    const { diagnostics } = checkSnippet('x = (1,\nloss = F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]))\n');
    assert.deepEqual(errors(diagnostics), []);
  });

  it('offers fixes that make the error go away when applied', () => {
    let fixesTried = 0;
    for (const f of fixtures.filter((x) => x.calls.some((c) => c.error))) {
      const found = errors(checkSnippet(f.code).diagnostics);
      for (const d of found) {
        for (const fix of d.fixes ?? []) {
          if (!fix.edits) continue;
          const fixed = applyEdits(f.code, fix.edits);
          const after = errors(checkSnippet(fixed).diagnostics).filter((e) => e.line === d.line);
          assert.deepEqual(
            after.map((e) => e.message),
            [],
            `${f.id}: "${fix.title}" leaves ${JSON.stringify(fixed)}`,
          );
          fixesTried++;
        }
      }
    }
    assert.ok(fixesTried >= 10, `${fixesTried} fixes tried`);
  });

  it('moves the classes of the embedding example to dim 1 with .permute(0, 2, 1), or flattens both', () => {
    const text = example('embedding-mismatch.py');
    const [d] = errors(checkSnippet(text).diagnostics);
    assert.equal(d!.code, 'loss/target-size');
    const titles = d!.fixes!.map((f) => f.title);
    assert.ok(titles[0]!.includes('.permute(0, 2, 1)'));
    assert.equal(
      applyEdits(text, d!.fixes![0]!.edits!).split('\n')[9],
      'loss = nn.CrossEntropyLoss()(logits.permute(0, 2, 1), labels)',
    );
    assert.equal(
      applyEdits(text, d!.fixes![1]!.edits!).split('\n')[9],
      'loss = nn.CrossEntropyLoss()(logits.reshape(-1, 3), labels.reshape(-1))',
    );
  });

  it('warns about softmax before cross_entropy from the code, with a fix that removes it', () => {
    const inline = fixtures.find((f) => f.id === 'softmax-before-ce-inline')!.code;
    const warning = checkSnippet(inline).diagnostics.find((d) => d.code === 'warn/softmax-before-ce')!;
    const fixed = applyEdits(inline, warning.fixes![0]!.edits!);
    assert.ok(fixed.includes('F.cross_entropy(logits, y)'));
    assert.equal(checkSnippet(fixed).diagnostics.filter((d) => d.code === 'warn/softmax-before-ce').length, 0);
    // Shape mode sees it even when the values are random.
    const random = checkSnippet(
      'p = F.softmax(torch.randn(4, 3), dim=1)\nloss = nn.CrossEntropyLoss()(p, torch.randint(0, 3, (4,)))\n',
    );
    assert.deepEqual(
      random.diagnostics.map((d) => [d.code, d.line]),
      [['warn/softmax-before-ce', 2]],
    );
  });

  it("suggests reduction='batchmean' for KLDivLoss's default mean", () => {
    const code = fixtures.find((f) => f.id === 'kl-div-mean')!.code;
    const warning = checkSnippet(code).diagnostics.find((d) => d.code === 'warn/kl-mean')!;
    const fixed = applyEdits(code, warning.fixes![0]!.edits!);
    assert.ok(fixed.includes("nn.KLDivLoss(reduction='batchmean')(inp, tgt)"), fixed);
    assert.deepEqual(
      checkSnippet(fixed).diagnostics.filter((d) => d.code === 'warn/kl-mean'),
      [],
    );
  });

  it('never reports an internal error on the fixtures', () => {
    for (const f of fixtures) {
      const all = [...checkSnippet(f.code).diagnostics, ...evaluateSnippet(f.code).diagnostics];
      assert.deepEqual(
        all.filter((d) => d.code === 'internal/error'),
        [],
        f.id,
      );
    }
  });
});

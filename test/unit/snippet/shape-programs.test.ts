/**
 * `check` on training programs written as real projects are (a model class, a DataLoader loop, a criterion, a
 * helper function), each with a planted mistake and its corrected twin, against PyTorch: test/fixtures/shape-programs
 * /labels-*.json records where each program stops and with what (scripts/fixtures/gen_shape_programs.py). The batch
 * size is a symbol B in shape mode; PyTorch's text is compared with B read as the loader's batch_size.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCallArguments } from '../../../src/core/runtime/shape-mode';
import { checkSnippet } from '../../../src/core/snippet/index';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'shape-programs');

/** The message with the symbol B (and its multiples, `12*B`) read as the batch size. */
function render(message: string, batch: number): string {
  return message.replace(/(?<![A-Za-z_])(?:(\d+)\*)?B(?![A-Za-z_])/g, (_m, k: string | undefined) =>
    String((k ? Number(k) : 1) * batch),
  );
}

for (const version of ['1.13', '2.x'] as const) {
  describe(`check on training programs against PyTorch ${version} (test/fixtures/shape-programs)`, () => {
    const labels = (
      JSON.parse(fs.readFileSync(path.join(dir, `labels-${version}.json`), 'utf8')) as {
        programs: Record<string, { line: number; type: string; message: string } | null>;
      }
    ).programs;
    it('has planted mistakes and corrected twins', () => {
      assert.ok(Object.values(labels).filter((l) => l).length >= 3);
      assert.ok(Object.values(labels).filter((l) => !l).length >= 3);
    });
    for (const [file, label] of Object.entries(labels)) {
      it(file, () => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const batch = Number(/batch_size=(\d+)/.exec(text)?.[1] ?? 0);
        const result = checkSnippet(text, version === '1.13' ? { torchVersion: '1.13' } : {});
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        if (!label) {
          assert.deepEqual(
            errors.map((d) => `${d.line}: ${d.message}`),
            [],
          );
          return;
        }
        assert.deepEqual(
          errors.map((d) => [d.line, render(d.message, batch).replace(/^\w+Error: /, '')]),
          [[label.line, label.message]],
        );
        // No text shows a size shape mode invented to run the engine (the symbols are bound to primes ≥ 1009).
        for (const d of errors)
          assert.doesNotMatch(`${d.message} ${d.explanation ?? ''} ${d.hint ?? ''}`, /\b1[01]\d\d\b/);
        // The loss call is listed with what shape mode knew of its arguments: a shape and dtype, or why not (the
        // model of branches_bug.py is built differently in the two branches of an if whose test is unknown).
        const call = result.calls!.find((c) => c.line === label.line)!;
        assert.ok(
          call.args.every((a) => (a.shape && a.dtype) || (a.unknown && /branches/.test(file))),
          JSON.stringify(call.args),
        );
      });
    }
  });
}

describe('what check knows of a loss call, shown', () => {
  it('lists every loss call with the shapes and dtypes of its arguments, even when nothing is wrong', () => {
    const text = fs.readFileSync(path.join(dir, 'classifier_fixed.py'), 'utf8');
    const [call] = checkSnippet(text).calls!;
    // The dataset's length is known: the loop sees the loader's first batch, of batch_size rows.
    const batch = Number(/batch_size=(\d+)/.exec(text)![1]);
    assert.deepEqual(call, {
      line: 25,
      column: 16,
      fn: 'cross_entropy',
      args: [
        { name: 'input', shape: [batch, 5], dtype: 'float32' },
        { name: 'target', shape: [batch], dtype: 'int64' },
      ],
    });
    assert.equal(describeCallArguments(call!.args), `input [${batch}, 5] float32 · target [${batch}] int64`);
  });

  it('says why an argument is unknown, in English and Chinese', () => {
    const text = [
      'import torch.nn.functional as F',
      'def loss_of(logits, labels):',
      '    return F.cross_entropy(logits, labels)',
      '',
    ].join('\n');
    const [call] = checkSnippet(text).calls!;
    assert.equal(
      describeCallArguments(call!.args),
      "input unknown: the parameter 'logits' of loss_of(), which no call in the file reaches · target unknown: the parameter 'labels' of loss_of(), which no call in the file reaches",
    );
    assert.ok(describeCallArguments(call!.args, 'zh-cn').startsWith('input 未知：loss_of() 的参数 “logits”'));
  });

  it('reads jaxtyping annotations of a parameter no call reaches', () => {
    const text = [
      'import torch.nn.functional as F',
      'from jaxtyping import Float, Int',
      'from torch import Tensor',
      'def loss_of(logits: Float[Tensor, "batch classes"], labels: Int[Tensor, "batch"]):',
      '    return F.cross_entropy(logits, labels)',
      '',
    ].join('\n');
    const [call] = checkSnippet(text).calls!;
    assert.equal(describeCallArguments(call!.args), 'input [batch, classes] float32 · target [batch] int64');
  });
});

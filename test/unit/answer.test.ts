/**
 * The answer under the value, word for word in English and Chinese, for the seed's one-hot logits and for a weighted,
 * ignore_index, label-smoothed batch. The numbers in the expected sentences are read from the computed result (whose
 * value is first checked against PyTorch's, from the committed fixtures), never typed in.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ANSWER_PHRASES, buildAnswer, MEANING_WARNINGS, renderAnswer } from '../../src/core/report/answer';
import { formatValue } from '../../src/core/report/format';
import { findLoss } from '../../src/core/losses/index';
import type { LossInputs, LossResult } from '../../src/core/losses/types';
import { buildReport } from '../../src/core/report/report';
import { tensorFrom } from '../../src/core/tensor';
import { assertClose, decodeOptions, decodeTensor, loadFixtures } from './fixtures';

const root = path.join(__dirname, '..', '..');

/** A loss as the breakdown prints it. */
const loss = (v: number): string => formatValue(v, 4);
/** A probability with 5 significant digits. */
const prob = (p: number): string => String(Number(p.toPrecision(5)));

function compute(fn: string, inputs: LossInputs, options: Record<string, unknown>): LossResult {
  return findLoss(fn)!.compute(inputs, options as never);
}

describe('the answer under the value', () => {
  describe("the seed's one-hot logits (PyTorch: 0.5514)", () => {
    const spec = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'one-hot-logits.json'), 'utf8')) as {
      input: number[][];
      target: number[];
    };
    const torch = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'examples.json'), 'utf8')) as {
      examples: Record<string, { value: number[] }>;
    };
    const inputs = {
      input: tensorFrom(spec.input.flat(), [spec.input.length, spec.input[0]!.length], 'float32'),
      target: tensorFrom(spec.target, [spec.target.length], 'int64'),
    };
    const result = compute('cross_entropy', inputs, {});
    const answer = buildAnswer(result, inputs);
    const p = result.classification!.targetProbability[0]!;
    const value = result.output.data[0]!;
    const logits = `[${spec.input[0]!.join(', ')}]`;
    // With every other logit `gap` below the correct one, loss = ln(1 + (C − 1)·e^(−gap)); the smallest whole gap that
    // brings it to at most 0.02 is the "about" the sentence quotes.
    const C = spec.input[0]!.length;
    let gap = 0;
    while (Math.log1p((C - 1) * Math.exp(-gap)) > 0.02) gap++;

    it("computes PyTorch's value", () => {
      assertClose([value], torch.examples['one-hot-logits.json']!.value, 'value');
    });

    it('reads in English', () => {
      assert.equal(
        renderAnswer(answer, 'en'),
        `The logits ${logits} give the correct class only p = ${prob(p)} after softmax, so each sample costs ` +
          `−ln ${prob(p)} = ${loss(result.perSample[0]!)}; the mean is ${loss(value)}. ` +
          `Logits are not probabilities: a gap of about ${gap} between the correct logit and the others brings the loss near 0.`,
      );
    });

    it('reads in Chinese', () => {
      assert.equal(
        renderAnswer(answer, 'zh-cn'),
        `logits ${logits} 经过 softmax 后，正确类别只得到 p = ${prob(p)}，所以每个样本的损失是 −ln ${prob(p)} = ` +
          `${loss(result.perSample[0]!)}；平均值是 ${loss(value)}。` +
          `logits 不是概率：正确类别的 logit 比其余类别高出约 ${gap}，损失才会接近 0。`,
      );
    });

    it('shows −ln of the quoted p as the quoted loss', () => {
      assert.equal(loss(-Math.log(Number(prob(p)))), loss(result.perSample[0]!));
    });

    it('puts the softmax-before-CE warning in the banner', () => {
      assert.deepEqual(answer.warningCodes, ['warn/softmax-before-ce']);
      assert.deepEqual(answer.notes, []);
    });
  });

  describe('a weighted, ignore_index, label-smoothed batch (PyTorch fixture)', () => {
    const fixture = loadFixtures('classification').find((c) => c.id === 'ce/index/NC/mean/ls0.2+weight+ignored')!;
    const inputs = Object.fromEntries(Object.entries(fixture.inputs).map(([k, v]) => [k, decodeTensor(v)]));
    const options = decodeOptions(fixture.options);
    const result = compute(fixture.fn, inputs, options);
    const cls = result.classification!;
    const answer = buildAnswer(result, inputs);
    const n = result.perSample.length;
    const counted = [...Array(n).keys()].filter((i) => !cls.ignored[i]);
    const ps = counted.map((i) => cls.targetProbability[i]!);
    const ls = counted.map((i) => result.perSample[i]!);
    const worst = counted[ls.indexOf(Math.max(...ls))]!;
    const weights = Array.from((options.weight as { data: ArrayLike<number> }).data);
    const weightList = weights.map((w, c) => `w[${c}] = ${String(Number(w.toPrecision(6)))}`).join(', ');
    const value = result.output.data[0]!;
    const red = result.reduction;
    const smooth = counted.reduce((s, i) => s + cls.labelSmoothing!.smoothPart[i]!, 0);
    const nll = counted.reduce((s, i) => s + cls.labelSmoothing!.nllPart[i]!, 0);
    const share = `${((smooth / (smooth + nll)) * 100).toFixed(1)}%`;
    const eps = String(options.label_smoothing);
    const ignoreIndex = String(options.ignore_index ?? -100);

    it("computes PyTorch's value", () => {
      assertClose([value], fixture.expected!.value.data as number[], 'value');
      assert.ok(n - counted.length > 0 && weights.length > 0, 'the fixture has ignored samples and weights');
    });

    it('reads in English', () => {
      assert.equal(
        renderAnswer(answer, 'en'),
        `After softmax the correct class gets p = ${prob(Math.min(...ps))} to ${prob(Math.max(...ps))}, so the ` +
          `${counted.length} counted samples cost ${loss(Math.min(...ls))} to ${loss(Math.max(...ls))}, sample ${worst} ` +
          `(target ${cls.targetClass[worst]}) the most; each loss is multiplied by its target class’s weight (${weightList}); ` +
          `the weighted mean divides their sum ${loss(red.numerator)} by Σ w[yᵢ] = ${String(Number(red.denominator.toPrecision(6)))} ` +
          `(not by ${counted.length} samples), giving ${loss(value)}. ` +
          `Samples whose target is ignore_index (${ignoreIndex}) add 0 and are not counted: ${n - counted.length} of the ${n}. ` +
          `With label_smoothing = ${eps}, each loss is (1 − ε)·(−ln p) plus ε/C times −ln p summed over all ` +
          `${cls.numClasses} classes; that second part is ${share} of the total.`,
      );
    });

    it('reads in Chinese', () => {
      assert.equal(
        renderAnswer(answer, 'zh-cn'),
        `经过 softmax 后，正确类别得到 p = ${prob(Math.min(...ps))} 到 ${prob(Math.max(...ps))}，所以计入的 ` +
          `${counted.length} 个样本损失为 ${loss(Math.min(...ls))} 到 ${loss(Math.max(...ls))}，其中样本 ${worst}` +
          `（目标 ${cls.targetClass[worst]}）最大；每个损失都乘以其目标类别的权重（${weightList}）；` +
          `加权平均把它们的和 ${loss(red.numerator)} 除以 Σ w[yᵢ] = ${String(Number(red.denominator.toPrecision(6)))}` +
          `（而不是样本数 ${counted.length}），得到 ${loss(value)}。` +
          `目标等于 ignore_index（${ignoreIndex}）的样本贡献 0，也不计入：${n} 个中有 ${n - counted.length} 个。` +
          `label_smoothing = ${eps} 时，每个损失是 (1 − ε)·(−ln p) 加上 ε/C 乘以全部 ${cls.numClasses} 个类别的 −ln p 之和；` +
          `后一部分占总数的 ${share}。`,
      );
    });

    it('puts the weighted mean in the banner', () => {
      assert.ok(answer.warningCodes.includes('info/weighted-mean'), answer.warningCodes.join());
      // Said once: the notice carries it, so no note of the answer's own repeats it.
      assert.deepEqual(answer.notes, []);
    });
  });

  it('notes a weighted mean that no notice covers, with the plain average it is not', () => {
    const inputs = {
      input: tensorFrom([2, 0.5, -1, 0.1, 1.2, 0.3], [2, 3], 'float32'),
      target: tensorFrom([0, 1], [2], 'int64'),
    };
    const result = compute('cross_entropy', inputs, { weight: tensorFrom([1, 3, 1], [3], 'float32') });
    const bare = { ...result, warnings: result.warnings.filter((w) => w.code !== 'info/weighted-mean') };
    const red = result.reduction;
    assert.deepEqual(buildAnswer(bare, inputs).notes, [
      { phrase: 'noteWeightedMean', args: [String(red.denominator), '2', loss(red.numerator / 2)] },
    ]);
  });

  it('quotes no range when every sample is the same (the seed with label_smoothing)', () => {
    const inputs = {
      input: tensorFrom([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3], 'float32'),
      target: tensorFrom([0, 1, 2], [3], 'int64'),
    };
    const result = compute('cross_entropy', inputs, { label_smoothing: 0.05 });
    const p = result.classification!.targetProbability[0]!;
    const text = renderAnswer(buildAnswer(result, inputs), 'en');
    assert.ok(
      text.startsWith(
        `After softmax the correct class gets p = ${prob(p)} in each of the 3 counted samples, so each costs ` +
          `${loss(result.perSample[0]!)}; the mean is ${loss(result.output.data[0]!)}. With label_smoothing = 0.05,`,
      ),
      text,
    );
  });

  it('words every phrase in both languages with the same placeholders', () => {
    for (const [key, phrase] of Object.entries(ANSWER_PHRASES)) {
      const holes = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
      assert.deepEqual(holes(phrase['zh-cn']), holes(phrase.en), key);
    }
  });

  it('explains BCE with logits element by element, pos_weight included', () => {
    const inputs = {
      input: tensorFrom([0.5, -1, 2, 0.1], [2, 2], 'float32'),
      target: tensorFrom([1, 0, 1, 1], [2, 2], 'float32'),
    };
    const result = compute('binary_cross_entropy_with_logits', inputs, {
      pos_weight: tensorFrom([2, 1], [2], 'float32'),
    });
    const text = renderAnswer(buildAnswer(result, inputs), 'en');
    assert.match(text, /pos_weight·y·ln p/);
    assert.ok(text.endsWith(`the mean is ${loss(result.output.data[0]!)}.`), text);
  });

  it('only lists meaning-changing warnings for the banner', () => {
    assert.ok(MEANING_WARNINGS.includes('warn/kl-mean'));
    const inputs = { input: tensorFrom([0.1, 0.2], [2], 'float32'), target: tensorFrom([0.3, 0.4], [2], 'float32') };
    const report = buildReport(compute('mse_loss', inputs, {}), { inputs }).report;
    assert.deepEqual(report.answer?.warningCodes, []);
    assert.match(renderAnswer(report.answer!, 'en'), /^The 2 per-sample losses are /);
  });
});

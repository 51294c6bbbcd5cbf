/**
 * The answer first: one or two sentences under the value that explain this number with these inputs, built from the
 * computed result (per-sample probabilities and losses, reduction, class weights, ignored samples, label smoothing,
 * warnings), never canned per example. For the seed's one-hot logits it reads:
 *
 *   The logits [1, 0, 0] give the correct class only p = 0.57612 after softmax, so each sample costs
 *   −ln 0.57612 = 0.5514; the mean is 0.5514. Logits are not probabilities: a gap of about 5 between the correct logit
 *   and the others brings the loss near 0.
 *
 * Like the derivation (./derivation.ts), the answer is language-neutral data: phrase keys with arguments (numbers
 * already formatted), worded by {@link renderAnswer} in English or Simplified Chinese. Notes that change the meaning of
 * the number (a weighted mean) come as banner phrases; the warnings that do so are picked by code
 * ({@link MEANING_WARNINGS}). Pure TypeScript, no `vscode`.
 */
import type { LossInputs, LossResult } from '../losses/types';
import { formatValue } from './format';
import type { Tensor } from '../tensor';

/** The languages an answer is worded in. */
export type AnswerLocale = 'en' | 'zh-cn';

/**
 * Warning codes that change what the number means, so they belong beside the value, not only in a tab: softmax before
 * CrossEntropyLoss, sigmoid before BCEWithLogitsLoss, probabilities or logits in the wrong loss, KLDiv's 'mean', a
 * batch with every sample ignored, and a weighted mean.
 */
export const MEANING_WARNINGS: readonly string[] = [
  'warn/softmax-before-ce',
  'warn/probabilities-to-logits-loss',
  'warn/bce-input-logits',
  'warn/nll-input-not-log-probs',
  'warn/kl-input-not-log-probs',
  'warn/kl-mean',
  'warn/all-ignored',
  'info/weighted-mean',
];

/** Every phrase of an answer, English and Simplified Chinese; `{0}`, `{1}`… are filled with the arguments. */
export const ANSWER_PHRASES = {
  uniformSoftmaxLow: {
    en: 'The logits {0} give the correct class only p = {1} after softmax, so each sample costs −ln {1} = {2}',
    'zh-cn': 'logits {0} 经过 softmax 后，正确类别只得到 p = {1}，所以每个样本的损失是 −ln {1} = {2}',
  },
  uniformSoftmax: {
    en: 'The logits {0} give the correct class p = {1} after softmax, so each sample costs −ln {1} = {2}',
    'zh-cn': 'logits {0} 经过 softmax 后，正确类别得到 p = {1}，所以每个样本的损失是 −ln {1} = {2}',
  },
  uniformLogProbs: {
    en: 'The log-probabilities {0} give the correct class p = {1}, so each sample costs −ln {1} = {2}',
    'zh-cn': '对数概率 {0} 给正确类别 p = {1}，所以每个样本的损失是 −ln {1} = {2}',
  },
  uniformSoftmaxCounted: {
    en: 'After softmax the correct class gets p = {0} in each of the {1} counted samples, so each costs {2}',
    'zh-cn': '经过 softmax 后，计入的 {1} 个样本中正确类别都得到 p = {0}，所以每个样本的损失是 {2}',
  },
  uniformLogProbsCounted: {
    en: 'The log-probabilities give the correct class p = {0} in each of the {1} counted samples, so each costs {2}',
    'zh-cn': '对数概率在计入的 {1} 个样本中都给正确类别 p = {0}，所以每个样本的损失是 {2}',
  },
  varyingSoftmax: {
    en: 'After softmax the correct class gets p = {0} to {1}, so the {2} counted samples cost {3} to {4}, sample {5} (target {6}) the most',
    'zh-cn':
      '经过 softmax 后，正确类别得到 p = {0} 到 {1}，所以计入的 {2} 个样本损失为 {3} 到 {4}，其中样本 {5}（目标 {6}）最大',
  },
  varyingLogProbs: {
    en: 'The log-probabilities give the correct class p = {0} to {1}, so the {2} counted samples cost {3} to {4}, sample {5} (target {6}) the most',
    'zh-cn': '对数概率给正确类别 p = {0} 到 {1}，所以计入的 {2} 个样本损失为 {3} 到 {4}，其中样本 {5}（目标 {6}）最大',
  },
  weightedLosses: {
    en: 'each loss is multiplied by its target class’s weight ({0})',
    'zh-cn': '每个损失都乘以其目标类别的权重（{0}）',
  },
  meanPlain: { en: 'the mean is {0}', 'zh-cn': '平均值是 {0}' },
  meanCounted: { en: 'the mean over the {0} counted samples is {1}', 'zh-cn': '计入的 {0} 个样本的平均值是 {1}' },
  meanWeighted: {
    en: 'the weighted mean divides their sum {0} by Σ w[yᵢ] = {1} (not by {2} samples), giving {3}',
    'zh-cn': '加权平均把它们的和 {0} 除以 Σ w[yᵢ] = {1}（而不是样本数 {2}），得到 {3}',
  },
  meanElements: {
    en: 'the mean divides their sum {0} by {1}, giving {2}',
    'zh-cn': '平均值把它们的和 {0} 除以 {1}，得到 {2}',
  },
  sum: { en: 'their sum is {0}', 'zh-cn': '它们的和是 {0}' },
  none: {
    en: "reduction='none' returns every one of them as is",
    'zh-cn': "reduction='none' 原样返回每一个损失",
  },
  ignored: {
    en: 'Samples whose target is ignore_index ({2}) add 0 and are not counted: {0} of the {1}',
    'zh-cn': '目标等于 ignore_index（{2}）的样本贡献 0，也不计入：{1} 个中有 {0} 个',
  },
  smoothing: {
    en: 'With label_smoothing = {0}, each loss is (1 − ε)·(−ln p) plus ε/C times −ln p summed over all {1} classes; that second part is {2} of the total',
    'zh-cn':
      'label_smoothing = {0} 时，每个损失是 (1 − ε)·(−ln p) 加上 ε/C 乘以全部 {1} 个类别的 −ln p 之和；后一部分占总数的 {2}',
  },
  lessonLogits: {
    en: 'Logits are not probabilities: a gap of about {0} between the correct logit and the others brings the loss near 0',
    'zh-cn': 'logits 不是概率：正确类别的 logit 比其余类别高出约 {0}，损失才会接近 0',
  },
  binary: {
    en: 'Each of the {0} elements compares p = {1} with its target y: ℓ = −[{2}y·ln p + (1 − y)·ln(1 − p)], here {3} to {4}, element {5} (p = {6}, y = {7}) the most',
    'zh-cn':
      '{0} 个元素各自把 p = {1} 与目标 y 比较：ℓ = −[{2}y·ln p + (1 − y)·ln(1 − p)]，这里为 {3} 到 {4}，其中元素 {5}（p = {6}，y = {7}）最大',
  },
  sigmoidOfLogit: { en: 'sigmoid(logit)', 'zh-cn': 'sigmoid(logit)' },
  inputProbability: { en: 'the input', 'zh-cn': '输入值' },
  generic: {
    en: 'The {0} per-sample losses are {1} to {2}, sample {3} the most',
    'zh-cn': '{0} 个样本的损失为 {1} 到 {2}，其中样本 {3} 最大',
  },
  single: { en: 'The one sample costs {0}', 'zh-cn': '唯一的样本损失为 {0}' },
  noteWeightedMean: {
    en: 'Weighted mean: PyTorch divides by Σ w[yᵢ] = {0}, not by the {1} samples, so the value is not the plain average of the losses ({2}).',
    'zh-cn': '加权平均：PyTorch 除以 Σ w[yᵢ] = {0}，而不是样本数 {1}，所以这个值不是各损失的简单平均（{2}）。',
  },
} as const;

/** A phrase key of {@link ANSWER_PHRASES}. */
export type AnswerPhraseKey = keyof typeof ANSWER_PHRASES;

/** One phrase with its arguments (already formatted). */
export interface AnswerPhrase {
  readonly phrase: AnswerPhraseKey;
  readonly args: readonly string[];
}

/** The answer: sentences (each a list of clauses), banner notes, and the warnings that change the meaning. */
export interface Answer {
  readonly sentences: readonly (readonly AnswerPhrase[])[];
  /** Notes that change the meaning of the number and are not warnings of their own (e.g. a weighted mean). */
  readonly notes: readonly AnswerPhrase[];
  /** Codes of the result's warnings that change the meaning of the number, in the result's order. */
  readonly warningCodes: readonly string[];
}

/** A loss as the breakdown shows it (PyTorch prints 4 decimals). */
function lossText(v: number): string {
  return formatValue(v, 4);
}

/** A probability with 5 significant digits, so −ln of the shown number reproduces the shown loss. */
function probabilityText(p: number): string {
  if (!Number.isFinite(p)) return formatValue(p);
  if (p === 0 || p === 1) return String(p);
  return String(Number(p.toPrecision(5)));
}

/** A number the user gave (a logit, a weight), as short as it reads back. */
function givenText(v: number): string {
  if (!Number.isFinite(v)) return formatValue(v);
  return String(Number(v.toPrecision(6)));
}

function percentText(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** The values of sample `i` along the class axis `classDim` of `t` (an [N, C, …] or [C] tensor). */
function classRow(t: Tensor, classDim: number, numClasses: number, i: number): number[] {
  const shape = t.shape;
  const inner = shape.slice(classDim + 1).reduce((a, b) => a * b, 1);
  const outerIndex = Math.floor(i / inner);
  const innerIndex = i % inner;
  const row: number[] = [];
  for (let c = 0; c < numClasses; c++) row.push(t.data[(outerIndex * numClasses + c) * inner + innerIndex]!);
  return row;
}

/** Two numbers equal to 12 significant digits (float32 rows that are "the same" compute to the same double). */
function same(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

/** Index of the largest finite-or-NaN loss among `indices` (NaN counts as the largest). */
function worstOf(values: ArrayLike<number>, indices: readonly number[]): number {
  let worst = indices[0]!;
  for (const i of indices) {
    const v = values[i]!;
    const w = values[worst]!;
    if ((Number.isNaN(v) && !Number.isNaN(w)) || v > w) worst = i;
  }
  return worst;
}

function rangeOf(values: ArrayLike<number>, indices: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const i of indices) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  return { min, max };
}

/** The reduction clause: how the per-sample losses became the value. */
function reductionClause(
  result: LossResult,
  value: number,
  counted: number,
  ignoredCount: number,
  weighted: boolean,
): AnswerPhrase {
  const red = result.reduction;
  if (red.reduction === 'none') return { phrase: 'none', args: [] };
  if (red.reduction === 'sum') return { phrase: 'sum', args: [lossText(value)] };
  if (weighted)
    return {
      phrase: 'meanWeighted',
      args: [lossText(red.numerator), givenText(red.denominator), String(counted), lossText(value)],
    };
  if (ignoredCount > 0) return { phrase: 'meanCounted', args: [String(counted), lossText(value)] };
  if (red.denominator === counted) return { phrase: 'meanPlain', args: [lossText(value)] };
  return {
    phrase: 'meanElements',
    args: [lossText(red.numerator), givenText(red.denominator), lossText(value)],
  };
}

/** The reported value as one number (NaN for reduction='none'). */
function scalarValue(result: LossResult): number {
  return result.output.shape.length === 0 ? result.output.data[0]! : NaN;
}

/** Cross-entropy / NLL with class-index targets. */
function indexTargetAnswer(
  result: LossResult,
  inputs: LossInputs,
  classNames: readonly string[] | undefined,
): AnswerPhrase[][] {
  const cls = result.classification!;
  const n = result.perSample.length;
  const counted: number[] = [];
  for (let i = 0; i < n; i++) if (!cls.ignored[i]) counted.push(i);
  const ignoredCount = n - counted.length;
  const weights = result.options.weight;
  const weighted = weights !== null && typeof weights === 'object';
  const eps = typeof result.options.label_smoothing === 'number' ? result.options.label_smoothing : 0;
  const softmax = result.fn === 'cross_entropy';
  const value = scalarValue(result);
  const sentences: AnswerPhrase[][] = [];
  const first: AnswerPhrase[] = [];

  if (counted.length > 0) {
    const p0 = cls.targetProbability[counted[0]!]!;
    const l0 = result.perSample[counted[0]!]!;
    const uniform = counted.every((i) => same(cls.targetProbability[i]!, p0) && same(result.perSample[i]!, l0));
    const input = inputs.input;
    if (uniform && !weighted && eps === 0 && input && cls.classDim >= 0) {
      const row = classRow(input, cls.classDim, cls.numClasses, counted[0]!);
      const rowText = `[${row.map(givenText).join(', ')}]`;
      const phrase: AnswerPhraseKey = softmax ? (p0 < 0.9 ? 'uniformSoftmaxLow' : 'uniformSoftmax') : 'uniformLogProbs';
      first.push({ phrase, args: [rowText, probabilityText(p0), lossText(l0)] });
    } else if (uniform) {
      // The same p and loss everywhere, but weights or smoothing make the loss more than −ln p: no range to quote.
      first.push({
        phrase: softmax ? 'uniformSoftmaxCounted' : 'uniformLogProbsCounted',
        args: [probabilityText(p0), String(counted.length), lossText(l0)],
      });
    } else {
      const p = rangeOf(cls.targetProbability, counted);
      const l = rangeOf(result.perSample, counted);
      const worst = worstOf(result.perSample, counted);
      const target = cls.targetClass[worst]!;
      const targetName = classNames?.[target] !== undefined ? `${classNames[target]} (${target})` : String(target);
      first.push({
        phrase: softmax ? 'varyingSoftmax' : 'varyingLogProbs',
        args: [
          probabilityText(p.min),
          probabilityText(p.max),
          String(counted.length),
          lossText(l.min),
          lossText(l.max),
          String(worst),
          targetName,
        ],
      });
      // Listing the weights helps while they fit in a sentence.
      if (weighted && (weights as Tensor).data.length <= 6) {
        const w = weights as Tensor;
        const listed = Array.from(w.data, (v, c) => `w[${classNames?.[c] ?? c}] = ${givenText(v)}`).join(', ');
        first.push({ phrase: 'weightedLosses', args: [listed] });
      }
    }
  }
  first.push(
    reductionClause(result, value, counted.length, ignoredCount, weighted && result.reduction.reduction === 'mean'),
  );
  sentences.push(first);

  if (ignoredCount > 0) {
    sentences.push([
      { phrase: 'ignored', args: [String(ignoredCount), String(n), givenText(Number(result.options.ignore_index))] },
    ]);
  }
  const ls = cls.labelSmoothing;
  if (ls && eps > 0) {
    let nll = 0;
    let smooth = 0;
    for (const i of counted) {
      nll += ls.nllPart[i]!;
      smooth += ls.smoothPart[i]!;
    }
    sentences.push([
      {
        phrase: 'smoothing',
        args: [givenText(eps), String(cls.numClasses), percentText(nll + smooth > 0 ? smooth / (nll + smooth) : 0)],
      },
    ]);
  }
  // Every prediction right and still a visible loss: the classic "logits are not probabilities" surprise.
  const allRight = counted.length > 0 && counted.every((i) => cls.predictedClass[i] === cls.targetClass[i]);
  const meanP = counted.reduce((s, i) => s + cls.targetProbability[i]!, 0) / Math.max(1, counted.length);
  if (softmax && eps === 0 && allRight && meanP < 0.9 && cls.numClasses >= 2) {
    // loss(gap) = ln(1 + (C − 1)·e^(−gap)) with every other logit `gap` below; "near 0" = at most 0.02.
    const gap = Math.log((cls.numClasses - 1) / Math.expm1(0.02));
    sentences.push([{ phrase: 'lessonLogits', args: [String(Math.round(gap))] }]);
  }
  return sentences;
}

/** BCE and BCE with logits, element by element. */
function binaryAnswer(result: LossResult, inputs: LossInputs): AnswerPhrase[][] {
  const cls = result.classification;
  const pe = result.perElement;
  const target = inputs.target;
  const n = pe.data.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const first: AnswerPhrase[] = [];
  if (n > 0 && cls && cls.probabilities.data.length === n && target && target.data.length === n) {
    const l = rangeOf(pe.data, all);
    const worst = worstOf(pe.data, all);
    const posWeight = result.options.pos_weight;
    first.push({
      phrase: 'binary',
      args: [
        String(n),
        result.fn === 'binary_cross_entropy_with_logits' ? 'sigmoid(logit)' : 'p',
        posWeight !== null && typeof posWeight === 'object' ? 'pos_weight·' : '',
        lossText(l.min),
        lossText(l.max),
        String(worst),
        probabilityText(cls.probabilities.data[worst]!),
        givenText(target.data[worst]!),
      ],
    });
  }
  first.push(reductionClause(result, scalarValue(result), n, 0, false));
  return [first];
}

/** Any other loss: the range of its per-sample losses and the reduction. */
function genericAnswer(result: LossResult): AnswerPhrase[][] {
  const n = result.perSample.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const first: AnswerPhrase[] = [];
  if (n === 1) first.push({ phrase: 'single', args: [lossText(result.perSample[0]!)] });
  else if (n > 1) {
    const l = rangeOf(result.perSample, all);
    first.push({
      phrase: 'generic',
      args: [String(n), lossText(l.min), lossText(l.max), String(worstOf(result.perSample, all))],
    });
  }
  first.push(reductionClause(result, scalarValue(result), n, 0, false));
  return [first];
}

/**
 * The answer for a computed result. `inputs` are the tensors it was computed from (for the logits to quote);
 * `classNames` name the classes where the user named them.
 */
export function buildAnswer(result: LossResult, inputs: LossInputs = {}, classNames?: readonly string[]): Answer {
  const cls = result.classification;
  const indexTargets =
    cls !== undefined &&
    cls.classDim >= 0 &&
    cls.targetClass.length === result.perSample.length &&
    Array.from(cls.targetClass).some((t) => t >= 0);
  const sentences =
    indexTargets && (result.fn === 'cross_entropy' || result.fn === 'nll_loss')
      ? indexTargetAnswer(result, inputs, classNames)
      : result.fn === 'binary_cross_entropy' || result.fn === 'binary_cross_entropy_with_logits'
        ? binaryAnswer(result, inputs)
        : genericAnswer(result);
  const warningCodes = result.warnings.map((w) => w.code).filter((c) => MEANING_WARNINGS.includes(c));
  const notes: AnswerPhrase[] = [];
  const weights = result.options.weight;
  // The weighted mean has a notice of its own in most losses; say it here only where none does.
  if (
    !warningCodes.includes('info/weighted-mean') &&
    indexTargets &&
    cls &&
    result.reduction.reduction === 'mean' &&
    weights !== null &&
    typeof weights === 'object' &&
    (result.fn === 'cross_entropy' || result.fn === 'nll_loss')
  ) {
    const counted = Array.from(cls.ignored).filter((v) => v === 0).length;
    const plain = counted > 0 ? result.reduction.numerator / counted : NaN;
    // Only when it makes a difference: all weights 1 divide by the count anyway.
    if (!same(result.reduction.denominator, counted)) {
      notes.push({
        phrase: 'noteWeightedMean',
        args: [givenText(result.reduction.denominator), String(counted), lossText(plain)],
      });
    }
  }
  return { sentences, notes, warningCodes };
}

/** One phrase in `locale`. */
export function answerPhrase(p: AnswerPhrase, locale: AnswerLocale): string {
  const template: string = ANSWER_PHRASES[p.phrase][locale];
  return template.replace(/\{(\d+)\}/g, (match, index: string) => p.args[Number(index)] ?? match);
}

/** The answer's sentences as one paragraph in `locale` (clauses joined by a semicolon, each sentence closed). */
export function renderAnswer(answer: Answer, locale: AnswerLocale = 'en'): string {
  const zh = locale === 'zh-cn';
  return answer.sentences
    .map((clauses) => {
      const text = clauses.map((c) => answerPhrase(c, locale)).join(zh ? '；' : '; ');
      return `${text}${zh ? '。' : '.'}`;
    })
    .join(zh ? '' : ' ');
}

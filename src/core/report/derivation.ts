/**
 * The derivation by hand: for a small computation (at most {@link MAX_DERIVATION_SAMPLES} samples ×
 * {@link MAX_DERIVATION_CLASSES} classes, or {@link MAX_DERIVATION_ELEMENTS} elements for elementwise losses) the
 * arithmetic written out with the actual numbers, the way a person checks a loss with paper and a calculator:
 *
 *   p = e^4 / (e^1 + e^4 + e^1 + e^1) = 0.87005
 *   ℓ₀ = −ln(0.87005) = 0.13921
 *   (0.13921 + 0.40761) / 2 = 0.27341
 *
 * The mathematics is language-neutral and every line of it can be recomputed from the numbers it shows (the unit
 * tests parse them back). Each line and section carries a phrase key with arguments; {@link renderDerivation} words
 * them in English or Simplified Chinese for the CLI, and the webview words the same keys through the host's
 * `vscode.l10n.t` (the phrases below are the l10n bundle's English keys and Chinese values).
 *
 * Numbers the user gave (logits, targets, weights) are shown as given (shortest text that reads back to the stored
 * value); computed ones with at least 5 significant digits, and probabilities with as many as it takes for the next
 * line (−ln p, 1 − p) to come out right when recomputed from what is shown.
 */
import { broadcastSource } from '../losses/binary_cross_entropy';
import type { LossInputs, LossResult } from '../losses/types';
import { numel, type DType, type Tensor } from '../tensor';

/** The languages a derivation is written in. */
export type DerivationLocale = 'en' | 'zh-cn';

/** At most this many samples get a derivation. */
export const MAX_DERIVATION_SAMPLES = 4;
/** At most this many classes per sample. */
export const MAX_DERIVATION_CLASSES = 6;
/** At most this many elements for elementwise losses (BCE, BCE with logits, sigmoid focal). */
export const MAX_DERIVATION_ELEMENTS = 24;

/**
 * Every phrase of a derivation, English and Simplified Chinese. `{0}`, `{1}` are filled with the arguments. The keys
 * are also keys of the webview's string bundle (src/protocol.ts), and these English texts are its l10n keys.
 */
export const DERIVATION_PHRASES = {
  derivHeading: { en: '{0} by hand', 'zh-cn': '{0} 手算推导' },
  derivSample: { en: 'Sample {0} · target class {1}', 'zh-cn': '样本 {0} · 目标类别 {1}' },
  derivSampleIgnored: { en: 'Sample {0} · target {1} = ignore_index', 'zh-cn': '样本 {0} · 目标 {1} = ignore_index' },
  derivSampleSoft: { en: 'Sample {0} · target probabilities', 'zh-cn': '样本 {0} · 目标概率' },
  derivElement: { en: 'Element {0} · target {1}', 'zh-cn': '元素 {0} · 目标 {1}' },
  derivSmoothedTargets: { en: 'The smoothed target (clamp convention)', 'zh-cn': '平滑后的目标（clamp 约定）' },
  derivReduction: { en: 'Reduction: {0}', 'zh-cn': '归约：{0}' },
  derivShift: {
    en: 'the largest logit m = {0} is subtracted first: it cancels out and keeps e^x finite',
    'zh-cn': '先减去最大的 logit m = {0}：它会被约掉，并让 e^x 保持有限',
  },
  derivSoftmaxTarget: { en: 'softmax: the probability of the target class', 'zh-cn': 'softmax：目标类别的概率' },
  derivExpSum: { en: 'the softmax denominator', 'zh-cn': 'softmax 的分母' },
  derivSoftmaxClass: { en: 'softmax probability of class {0}', 'zh-cn': '类别 {0} 的 softmax 概率' },
  derivNegLog: { en: 'the loss is minus the log of that probability', 'zh-cn': '损失是该概率的负对数' },
  derivWeighted: { en: 'times the target class’s weight w[{0}] = {1}', 'zh-cn': '乘以目标类别的权重 w[{0}] = {1}' },
  derivIgnored: { en: 'ignored: adds 0 and is not counted', 'zh-cn': '被忽略：贡献 0，也不计入分母' },
  derivSmoothingIndex: {
    en: 'label smoothing ε = {0}: (1 − ε) times the target’s −ln p, plus ε/C times the sum over every class',
    'zh-cn': '标签平滑 ε = {0}：(1 − ε) 乘以目标类别的 −ln p，加上 ε/C 乘以所有类别之和',
  },
  derivSmoothedTarget: {
    en: 'smoothed target of class {0}: (1 − ε)·t + ε/C',
    'zh-cn': '类别 {0} 的平滑目标：(1 − ε)·t + ε/C',
  },
  derivProbTargets: {
    en: 'cross-entropy against the target probabilities: −Σ t_c·ln p_c',
    'zh-cn': '与目标概率的交叉熵：−Σ t_c·ln p_c',
  },
  derivNll: {
    en: 'minus the input at the target class (the input already holds log-probabilities)',
    'zh-cn': '目标类别处输入的相反数（输入本身就是对数概率）',
  },
  derivBce: {
    en: 'binary cross-entropy: −(y·ln x + (1 − y)·ln(1 − x))',
    'zh-cn': '二元交叉熵：−(y·ln x + (1 − y)·ln(1 − x))',
  },
  derivLogClamp: {
    en: 'PyTorch clamps each log at −100, so ln 0 counts as −100',
    'zh-cn': 'PyTorch 把每个对数截断在 −100，所以 ln 0 记为 −100',
  },
  derivSigmoid: { en: 'the sigmoid turns the logit into a probability', 'zh-cn': 'sigmoid 把 logit 变成概率' },
  derivBceLogits: {
    en: 'binary cross-entropy of the sigmoid: −(pos_weight·y·ln σ + (1 − y)·ln(1 − σ)), pos_weight = {0}',
    'zh-cn': 'sigmoid 概率的二元交叉熵：−(pos_weight·y·ln σ + (1 − y)·ln(1 − σ))，pos_weight = {0}',
  },
  derivStableForm: {
    en: 'for a large |x| the stable form PyTorch computes: (1 − y)·x + (1 + (pos_weight − 1)·y)·ln(1 + e^(−x))',
    'zh-cn': '|x| 较大时用 PyTorch 实际计算的稳定形式：(1 − y)·x + (1 + (pos_weight − 1)·y)·ln(1 + e^(−x))',
  },
  derivElementWeight: { en: 'times the element’s weight {0}', 'zh-cn': '乘以该元素的权重 {0}' },
  derivRce: {
    en: 'reverse cross-entropy: ln 0 is replaced by ln ε, so RCE = −ln ε·(1 − p)',
    'zh-cn': '反向交叉熵：ln 0 被替换为 ln ε，因此 RCE = −ln ε·(1 − p)',
  },
  derivRceClamped: {
    en: 'reverse cross-entropy −ln ε·Σ p_c over the other classes, probabilities below {0} raised to it',
    'zh-cn': '反向交叉熵 −ln ε·Σ p_c（对其余类别求和），低于 {0} 的概率先提升到该值',
  },
  derivSce: { en: 'α·CE + β·RCE with α = {0}, β = {1}', 'zh-cn': 'α·CE + β·RCE，其中 α = {0}，β = {1}' },
  derivClampOn: { en: 'the target class keeps 1 − ε', 'zh-cn': '目标类别保留 1 − ε' },
  derivClampOff: { en: 'every other class gets ε/(C − 1)', 'zh-cn': '其余每个类别得到 ε/(C − 1)' },
  derivClampLoss: {
    en: 'cross-entropy against the smoothed target: −Σ q_c·ln p_c',
    'zh-cn': '与平滑目标的交叉熵：−Σ q_c·ln p_c',
  },
  derivPt: { en: 'p_t: the predicted probability of the true label', 'zh-cn': 'p_t：预测为真实标签的概率' },
  derivFocalCe: { en: 'the binary cross-entropy −ln p_t', 'zh-cn': '二元交叉熵 −ln p_t' },
  derivFocalCeSoft: {
    en: 'the binary cross-entropy of a soft target: −(y·ln p + (1 − y)·ln(1 − p))',
    'zh-cn': '软目标的二元交叉熵：−(y·ln p + (1 − y)·ln(1 − p))',
  },
  derivFocalStable: {
    en: 'for a large |x| the stable form torchvision computes: max(x, 0) − x·y + ln(1 + e^(−|x|))',
    'zh-cn': '|x| 较大时用 torchvision 实际计算的稳定形式：max(x, 0) − x·y + ln(1 + e^(−|x|))',
  },
  derivModulating: {
    en: 'modulating factor (1 − p_t)^γ: small for easy, confident predictions',
    'zh-cn': '调制因子 (1 − p_t)^γ：对容易、有把握的预测很小',
  },
  derivAlphaT: { en: 'α_t: α for a positive, 1 − α for a negative', 'zh-cn': 'α_t：正样本取 α，负样本取 1 − α' },
  derivAlphaClass: { en: 'α_t: the weight of the target class', 'zh-cn': 'α_t：目标类别的权重' },
  derivFocal: { en: 'focal loss: α_t·(1 − p_t)^γ·CE', 'zh-cn': 'focal loss：α_t·(1 − p_t)^γ·CE' },
  derivMean: { en: 'mean: the sum divided by the number of samples, {0}', 'zh-cn': '平均：总和除以样本数 {0}' },
  derivMeanElements: {
    en: 'mean: the sum divided by the number of elements, {0}',
    'zh-cn': '平均：总和除以元素个数 {0}',
  },
  derivMeanKept: {
    en: 'mean over the {0} samples whose target is not ignore_index',
    'zh-cn': '对目标不等于 ignore_index 的 {0} 个样本取平均',
  },
  derivWeightedMean: {
    en: 'weighted mean: divided by the sum of the targets’ class weights, not by N',
    'zh-cn': '加权平均：除以各样本目标类别权重之和，而不是除以 N',
  },
  derivSum: { en: 'sum: the losses added up', 'zh-cn': '求和：把损失加起来' },
  derivNone: {
    en: "reduction='none': one loss per sample, nothing is added up",
    'zh-cn': "reduction='none'：每个样本一个损失，不做相加",
  },
  derivTooLarge: {
    en: 'The derivation by hand is written for at most {0} samples × {1} classes ({2} elements for elementwise losses); this computation has {3}.',
    'zh-cn': '手算推导最多支持 {0} 个样本 × {1} 个类别（逐元素损失为 {2} 个元素）；此计算有 {3}。',
  },
  derivUnsupported: { en: 'There is no derivation by hand for {0} yet.', 'zh-cn': '暂时没有 {0} 的手算推导。' },
} as const satisfies Record<string, Readonly<Record<DerivationLocale, string>>>;

/** A phrase of a derivation. */
export type DerivationPhrase = keyof typeof DERIVATION_PHRASES;

/** A phrase with its arguments (numbers and names, filled into `{0}`, `{1}`…). */
export interface DerivationText {
  readonly phrase: DerivationPhrase;
  readonly args: readonly (string | number)[];
}

/** What a line's last number is, so it can be checked against the result. */
export type DerivationRole = 'targetProbability' | 'sampleLoss' | 'elementLoss' | 'value';

/** One line of arithmetic: `name = expression = … = number`, with an optional gloss. */
export interface DerivationLine {
  readonly math: string;
  readonly note?: DerivationText;
  readonly role?: DerivationRole;
  /** The sample (or flat element) index the role refers to. */
  readonly index?: number;
}

/** A group of lines under a heading (one sample, the reduction…). */
export interface DerivationSection {
  readonly heading: DerivationText;
  readonly lines: readonly DerivationLine[];
}

/** A derivation by hand. JSON-safe (it travels in the breakdown report). */
export interface Derivation {
  readonly fn: string;
  readonly heading: DerivationText;
  readonly sections: readonly DerivationSection[];
  /** Set, with no sections, when the computation is too large or the loss has no derivation yet. */
  readonly skipped?: DerivationText;
}

/** The losses with a derivation. */
export const DERIVATION_LOSSES: readonly string[] = [
  'cross_entropy',
  'nll_loss',
  'binary_cross_entropy',
  'binary_cross_entropy_with_logits',
  'symmetric_cross_entropy',
  'label_smoothing_clamp',
  'sigmoid_focal_loss',
  'softmax_focal_loss',
];

// ---------------------------------------------------------------------------------------------------------------------
// Numbers as text

const MINUS = '−';
const SUBSCRIPTS = '₀₁₂₃₄₅₆₇₈₉';

function subscript(i: number): string {
  return String(i)
    .split('')
    .map((d) => SUBSCRIPTS[Number(d)]!)
    .join('');
}

function nonFinite(v: number): string | undefined {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return `${MINUS}inf`;
  return undefined;
}

function withMinus(text: string): string {
  return text.startsWith('-') ? `${MINUS}${text.slice(1)}` : text;
}

/** A computed number: integers as they are, else at least 5 significant digits (5 decimals from 0.1 up). */
export function formatDerivationNumber(v: number): string {
  const special = nonFinite(v);
  if (special) return special;
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return withMinus(String(v));
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return withMinus(v.toExponential(4));
  if (a >= 0.1) return withMinus(v.toFixed(5));
  return withMinus(v.toPrecision(5));
}

/** A sum or denominator: 10 significant digits, so what divides by it stays exact to the digits shown. */
function precise(v: number): string {
  const special = nonFinite(v);
  if (special) return special;
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return withMinus(String(v));
  const a = Math.abs(v);
  if (a >= 1e9 || a < 1e-6) return withMinus(v.toExponential(9).replace(/\.?0+e/, 'e'));
  return withMinus(String(Number(v.toPrecision(10))));
}

/** The value of the last digit {@link formatDerivationNumber} shows for `v`. */
function displayUnit(v: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a) || a === 0 || (Number.isInteger(v) && a < 1e6)) return 0.5;
  if (a >= 0.1 && a < 1e6) return 1e-5;
  return 10 ** (Math.floor(Math.log10(a)) - 4);
}

/**
 * A probability with as many digits as it takes for the next lines, −ln p and 1 − p recomputed from the text, to
 * land within half a shown digit of their values (a confident 0.9999991 must not print as 1.00000).
 */
function probability(p: number): string {
  const special = nonFinite(p);
  if (special) return special;
  if (p <= 0 || p >= 1) return formatDerivationNumber(p);
  const fits = (text: string): boolean => {
    const q = Number(text);
    const lnOk = Math.abs(Math.log(q) - Math.log(p)) <= 0.5 * displayUnit(Math.log(p));
    const complementOk = Math.abs(q - p) <= 0.5 * displayUnit(1 - p);
    return lnOk && complementOk;
  };
  for (let digits = 5; digits <= 17; digits++) {
    const text = p >= 0.1 ? p.toFixed(digits) : p >= 1e-4 ? p.toPrecision(digits) : p.toExponential(digits - 1);
    if (fits(text)) return text;
  }
  return String(p);
}

/** A value the user gave (a logit, a target, a weight): the shortest text that reads back to the stored value. */
function given(v: number, dtype: DType): string {
  const special = nonFinite(v);
  if (special) return special;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return withMinus(String(v));
  let text = String(v);
  if (dtype !== 'float64') {
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(v.toPrecision(p));
      if (Math.fround(candidate) === Math.fround(v)) {
        text = String(candidate);
        break;
      }
    }
  }
  return withMinus(text);
}

/** Wraps a negative number's text in parentheses for use inside a product or after an operator. */
function paren(text: string): string {
  return text.startsWith(MINUS) ? `(${text})` : text;
}

/** `e^4`, `e^(−1.5)`, or `e^(4 − 8)` when shifted by the maximum. */
function exp(x: string, shift?: string): string {
  if (shift !== undefined) return `e^(${x} ${MINUS} ${paren(shift)})`;
  return x.startsWith(MINUS) || x.includes('e') ? `e^(${x})` : `e^${x}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Building

const text = (phrase: DerivationPhrase, ...args: (string | number)[]): DerivationText => ({ phrase, args });

/** Reads class c of sample i of a [N, C, d...] (or unbatched [C]) tensor. */
function classReader(t: Tensor, classDim: number): (i: number, c: number) => number {
  if (classDim === 0) return (_i, c) => t.data[c]!;
  const C = t.shape[1]!;
  const S = numel(t.shape.slice(2));
  return (i, c) => {
    const n = Math.floor(i / S);
    return t.data[n * C * S + c * S + (i - n * S)]!;
  };
}

/** Multi-index text of a flat element index: `[0, 2]`. */
function position(k: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let rest = k;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    idx.unshift(size > 0 ? rest % size : 0);
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return `[${idx.join(', ')}]`;
}

/** The softmax of one sample's logits, written out. */
interface SoftmaxText {
  /** `e^1`, `e^4`… (or shifted) per class. */
  readonly terms: string[];
  readonly shift?: number;
  readonly sum: number;
}

function softmaxText(xs: readonly number[], dtype: DType): SoftmaxText {
  const finite = xs.filter((x) => Number.isFinite(x));
  const max = finite.length > 0 ? Math.max(...finite) : 0;
  const shift = Math.abs(max) > 30 ? max : undefined;
  const m = shift !== undefined ? given(shift, dtype) : undefined;
  const terms = xs.map((x) => exp(given(x, dtype), m));
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - (shift ?? 0));
  return { terms, ...(shift !== undefined ? { shift } : {}), sum };
}

/** Lines `Σ = …` and `p[c] = e^x_c / Σ = …` for every class; returns the probabilities as shown. */
function allProbabilities(
  xs: readonly number[],
  dtype: DType,
  target: number,
  sample: number,
): { lines: DerivationLine[]; shown: string[]; probabilities: number[] } {
  const sm = softmaxText(xs, dtype);
  const lines: DerivationLine[] = [];
  if (sm.shift !== undefined)
    lines.push({ math: `m = ${given(sm.shift, dtype)}`, note: text('derivShift', given(sm.shift, dtype)) });
  const sumText = precise(sm.sum);
  lines.push({ math: `Σ = ${sm.terms.join(' + ')} = ${sumText}`, note: text('derivExpSum') });
  const probabilities = xs.map((x) => Math.exp(x - (sm.shift ?? 0)) / sm.sum);
  const shown = probabilities.map(probability);
  xs.forEach((_, c) => {
    lines.push({
      math: `p[${c}] = ${sm.terms[c]} / ${sumText} = ${shown[c]}`,
      note: text('derivSoftmaxClass', c),
      ...(c === target ? { role: 'targetProbability' as const, index: sample } : {}),
    });
  });
  return { lines, shown, probabilities };
}

/**
 * The one line `p = e^x_y / (e^… + …) = …`, the probability as shown, and `−ln p` written so it can be recomputed
 * (from the log-sum-exp when p underflows to 0).
 */
function targetProbability(
  xs: readonly number[],
  dtype: DType,
  y: number,
  sample: number,
  name = 'p',
): { lines: DerivationLine[]; shown: string; value: number; negLog: string } {
  const sm = softmaxText(xs, dtype);
  const lines: DerivationLine[] = [];
  if (sm.shift !== undefined)
    lines.push({ math: `m = ${given(sm.shift, dtype)}`, note: text('derivShift', given(sm.shift, dtype)) });
  const value = Math.exp(xs[y]! - (sm.shift ?? 0)) / sm.sum;
  const shown = probability(value);
  lines.push({
    math: `${name} = ${sm.terms[y]} / (${sm.terms.join(' + ')}) = ${shown}`,
    note: text('derivSoftmaxTarget'),
    role: 'targetProbability',
    index: sample,
  });
  const shifted =
    sm.shift !== undefined ? `${given(xs[y]!, dtype)} ${MINUS} ${paren(given(sm.shift, dtype))}` : given(xs[y]!, dtype);
  const negLog = value > 1e-300 ? `${MINUS}ln(${shown})` : `${MINUS}(${shifted} ${MINUS} ln(${precise(sm.sum)}))`;
  return { lines, shown, value, negLog };
}

/** `ln(0.87005)`, or `(−100)` where PyTorch's BCE clamps the log. */
function clampedLog(value: number, argument: string): { text: string; clamped: boolean } {
  const l = Math.log(value);
  if (!(l >= -100)) return { text: `(${MINUS}100)`, clamped: true };
  return { text: `ln(${argument})`, clamped: false };
}

/** The reduction section, from the losses as shown. */
function reductionSection(
  result: LossResult,
  shownLosses: readonly { readonly text: string; readonly counted: boolean; readonly weight?: string }[],
  kind: 'samples' | 'elements',
  weighted: boolean,
): DerivationSection {
  const red = result.reduction.reduction;
  const heading = text('derivReduction', red);
  const value = result.output.shape.length === 0 ? result.output.data[0]! : NaN;
  const valueLine = (math: string, note: DerivationText): DerivationLine => ({ math, note, role: 'value' });
  const counted = shownLosses.filter((l) => l.counted);
  const sumText = counted.length > 0 ? counted.map((l) => paren(l.text)).join(' + ') : '0';
  const sumGroup = counted.length > 1 ? `(${sumText})` : sumText;
  if (red === 'none')
    return { heading, lines: [{ math: `[${shownLosses.map((l) => l.text).join(', ')}]`, note: text('derivNone') }] };
  if (red === 'sum')
    return { heading, lines: [valueLine(`${sumText} = ${formatDerivationNumber(value)}`, text('derivSum'))] };
  const ignored = shownLosses.length - counted.length;
  if (weighted) {
    const weights = counted.map((l) => paren(l.weight ?? '1')).join(' + ');
    const weightGroup = counted.length > 1 ? `(${weights})` : weights;
    return {
      heading,
      lines: [valueLine(`${sumGroup} / ${weightGroup} = ${formatDerivationNumber(value)}`, text('derivWeightedMean'))],
    };
  }
  const note =
    ignored > 0
      ? text('derivMeanKept', counted.length)
      : kind === 'elements'
        ? text('derivMeanElements', counted.length)
        : text('derivMean', counted.length);
  return { heading, lines: [valueLine(`${sumGroup} / ${counted.length} = ${formatDerivationNumber(value)}`, note)] };
}

function optionNumber(result: LossResult, key: string, fallback: number): number {
  const v = result.options[key];
  return typeof v === 'number' ? v : fallback;
}

function optionTensor(result: LossResult, key: string): Tensor | undefined {
  const v = result.options[key];
  return v !== null && typeof v === 'object' ? v : undefined;
}

/** The skipped derivation for a loss without one or a computation too large to write out. */
function skipped(fn: string, reason: DerivationText): Derivation {
  return { fn, heading: text('derivHeading', fn), sections: [], skipped: reason };
}

/** Cross-entropy, NLL, SCE, the clamp smoothing and softmax focal loss: one section per sample. */
function classSections(result: LossResult, input: Tensor, target: Tensor | undefined): DerivationSection[] {
  const cls = result.classification!;
  const fn = result.fn;
  const C = cls.numClasses;
  const N = result.perSample.length;
  const x = classReader(input, cls.classDim);
  const dtype = input.dtype;
  const weights = optionTensor(result, 'weight');
  const w = (c: number): string => (weights ? given(weights.data[c]!, weights.dtype) : '1');
  const sections: DerivationSection[] = [];
  const shownLosses: { text: string; counted: boolean; weight?: string }[] = [];
  const indexTargets = Array.from(cls.targetClass).some((t) => t >= 0);
  const epsilon = cls.labelSmoothing?.epsilon ?? 0;

  if (fn === 'label_smoothing_clamp') {
    const eps = optionNumber(result, 'epsilon', 0.1);
    sections.push({
      heading: text('derivSmoothedTargets'),
      lines: [
        {
          math: `q[target] = 1 ${MINUS} ${paren(given(eps, 'float64'))} = ${formatDerivationNumber(1 - eps)}`,
          note: text('derivClampOn'),
        },
        {
          math: `q[other] = ${given(eps, 'float64')} / (${C} ${MINUS} 1) = ${formatDerivationNumber(eps / (C - 1))}`,
          note: text('derivClampOff'),
        },
      ],
    });
  }

  for (let i = 0; i < N; i++) {
    const xs = Array.from({ length: C }, (_, c) => x(i, c));
    const y = cls.targetClass[i]!;
    const loss = result.perSample[i]!;
    const lossText = formatDerivationNumber(loss);
    const l = `ℓ${subscript(i)}`;
    const lossLine = (math: string, note?: DerivationText): DerivationLine => ({
      math: `${l} = ${math} = ${lossText}`,
      ...(note ? { note } : {}),
      role: 'sampleLoss',
      index: i,
    });
    if (indexTargets && cls.ignored[i]) {
      sections.push({
        heading: text('derivSampleIgnored', i, given(y, 'int64')),
        lines: [{ math: `${l} = 0`, note: text('derivIgnored'), role: 'sampleLoss', index: i }],
      });
      shownLosses.push({ text: '0', counted: false });
      continue;
    }
    const lines: DerivationLine[] = [];
    if (fn === 'nll_loss') {
      const xy = paren(given(xs[y]!, dtype));
      lines.push(
        weights
          ? lossLine(`${MINUS}w[${y}] × x[${y}] = ${MINUS}${paren(w(y))} × ${xy}`, text('derivNll'))
          : lossLine(`${MINUS}x[${y}] = ${MINUS}${xy}`, text('derivNll')),
      );
    } else if (fn === 'cross_entropy' && !indexTargets) {
      const all = allProbabilities(xs, dtype, -1, i);
      lines.push(...all.lines);
      const t = classReader(target!, cls.classDim);
      const ts: string[] = [];
      for (let c = 0; c < C; c++) {
        const raw = t(i, c);
        if (epsilon > 0) {
          const smoothed = raw * (1 - epsilon) + epsilon / C;
          const shown = formatDerivationNumber(smoothed);
          lines.push({
            math: `t[${c}] = (1 ${MINUS} ${given(epsilon, 'float64')}) × ${paren(given(raw, target!.dtype))} + ${given(epsilon, 'float64')}/${C} = ${shown}`,
            note: text('derivSmoothedTarget', c),
          });
          ts.push(shown);
        } else ts.push(given(raw, target!.dtype));
      }
      const terms = ts
        .map((tc, c) =>
          Number(tc.replace(MINUS, '-')) === 0
            ? ''
            : `${weights ? `${paren(w(c))} × ` : ''}${paren(tc)} × ln(${all.shown[c]})`,
        )
        .filter((s) => s !== '');
      lines.push(lossLine(`${MINUS}(${terms.length > 0 ? terms.join(' + ') : '0'})`, text('derivProbTargets')));
    } else if ((fn === 'cross_entropy' && epsilon > 0) || fn === 'label_smoothing_clamp') {
      const all = allProbabilities(xs, dtype, y, i);
      lines.push(...all.lines);
      if (fn === 'cross_entropy') {
        const wy = weights ? `${paren(w(y))} × ` : '';
        const smoothTerms = all.shown.map((p, c) => `${MINUS}${weights ? `${paren(w(c))} × ` : ''}ln(${p})`).join(' ');
        const e = given(epsilon, 'float64');
        lines.push(
          lossLine(
            `(1 ${MINUS} ${e}) × ${wy}(${MINUS}ln(${all.shown[y]})) + ${e}/${C} × (${smoothTerms})`,
            text('derivSmoothingIndex', e),
          ),
        );
      } else {
        const eps = optionNumber(result, 'epsilon', 0.1);
        const on = formatDerivationNumber(1 - eps);
        const off = formatDerivationNumber(eps / (C - 1));
        const terms = all.shown.map((p, c) => `${paren(c === y ? on : off)} × ln(${p})`).join(' + ');
        lines.push(lossLine(`${MINUS}(${terms})`, text('derivClampLoss')));
      }
    } else if (fn === 'cross_entropy') {
      const tp = targetProbability(xs, dtype, y, i);
      lines.push(...tp.lines);
      lines.push(
        weights
          ? lossLine(`w[${y}] × (${MINUS}ln(p)) = ${paren(w(y))} × (${tp.negLog})`, text('derivWeighted', y, w(y)))
          : lossLine(tp.negLog, text('derivNegLog')),
      );
    } else if (fn === 'symmetric_cross_entropy') {
      const alpha = optionNumber(result, 'alpha', 0.1);
      const beta = optionNumber(result, 'beta', 1);
      const eps = optionNumber(result, 'eps', 1e-4);
      const predMin = optionNumber(result, 'pred_min', 1e-7);
      const ce = result.extras?.ce?.data[i] ?? NaN;
      const rce = result.extras?.rce?.data[i] ?? NaN;
      const ceText = formatDerivationNumber(ce);
      const rceText = formatDerivationNumber(rce);
      const probs = Array.from({ length: C }, (_, c) => cls.probabilities.data[i * C + c]!);
      const clampActive = probs.some((p, c) => c !== y && p < predMin);
      let pShown: string;
      if (clampActive) {
        const all = allProbabilities(xs, dtype, y, i);
        lines.push(...all.lines);
        pShown = all.shown[y]!;
        lines.push({ math: `CE = ${MINUS}ln(${pShown}) = ${ceText}`, note: text('derivNegLog') });
        const others = all.shown
          .map((p, c) => (c === y ? '' : `max(${p}, ${given(predMin, 'float64')})`))
          .filter((s) => s !== '')
          .join(' + ');
        lines.push({
          math: `RCE = ${MINUS}ln(${given(eps, 'float64')}) × (${others}) = ${rceText}`,
          note: text('derivRceClamped', given(predMin, 'float64')),
        });
      } else {
        const tp = targetProbability(xs, dtype, y, i);
        lines.push(...tp.lines);
        pShown = tp.shown;
        lines.push({ math: `CE = ${tp.negLog} = ${ceText}`, note: text('derivNegLog') });
        lines.push({
          math: `RCE = ${MINUS}ln(${given(eps, 'float64')}) × (1 ${MINUS} ${pShown}) = ${rceText}`,
          note: text('derivRce'),
        });
      }
      const a = given(alpha, 'float64');
      const b = given(beta, 'float64');
      lines.push(lossLine(`${paren(a)} × ${ceText} + ${paren(b)} × ${rceText}`, text('derivSce', a, b)));
    } else if (fn === 'softmax_focal_loss') {
      const gamma = optionNumber(result, 'gamma', 2);
      const tp = targetProbability(xs, dtype, y, i, 'p_t');
      lines.push(...tp.lines);
      const m = result.extras?.modulatingFactor?.data[i] ?? NaN;
      const mText = formatDerivationNumber(m);
      const g = given(gamma, 'float64');
      lines.push({
        math: `(1 ${MINUS} p_t)^${paren(g)} = (1 ${MINUS} ${tp.shown})^${paren(g)} = ${mText}`,
        note: text('derivModulating'),
      });
      const alphaSet = result.options.alpha !== null && result.options.alpha !== undefined;
      if (alphaSet) {
        const at = given(cls.sampleWeight[i]!, dtype);
        lines.push({ math: `α_t = ${at}`, note: text('derivAlphaClass') });
        lines.push(lossLine(`${paren(at)} × ${mText} × (${tp.negLog})`, text('derivFocal')));
      } else {
        lines.push(lossLine(`${mText} × (${tp.negLog})`, text('derivFocal')));
      }
    } else {
      return [];
    }
    sections.push({ heading: indexTargets ? text('derivSample', i, y) : text('derivSampleSoft', i), lines });
    const counted = !(indexTargets && cls.ignored[i]);
    shownLosses.push({ text: lossText, counted, ...(weights && indexTargets ? { weight: w(y) } : {}) });
  }
  // CrossEntropyLoss/NLLLoss divide by Σ w[yᵢ] with class weights and index targets; probability targets by N.
  const weightedMean = weights !== undefined && indexTargets && (fn === 'cross_entropy' || fn === 'nll_loss');
  sections.push(reductionSection(result, shownLosses, 'samples', weightedMean));
  return sections;
}

/** BCE, BCE with logits and sigmoid focal loss: one section per element. */
function elementSections(result: LossResult, input: Tensor, target: Tensor): DerivationSection[] {
  const fn = result.fn;
  const n = input.data.length;
  const dtype = input.dtype;
  const weight = optionTensor(result, 'weight');
  const posWeight = optionTensor(result, 'pos_weight');
  // weight and pos_weight broadcast against the elements as PyTorch broadcasts them.
  const weightSource = weight ? broadcastSource(weight, input.shape) : undefined;
  const posWeightSource = posWeight ? broadcastSource(posWeight, input.shape) : undefined;
  const broadcastValue = (t: Tensor | undefined, k: number): number | undefined => {
    const source = t === weight ? weightSource : t === posWeight ? posWeightSource : undefined;
    return t && source ? source.values[k % source.period] : undefined;
  };
  const sections: DerivationSection[] = [];
  const shownLosses: { text: string; counted: boolean }[] = [];
  for (let k = 0; k < n; k++) {
    const xk = input.data[k]!;
    const yk = target.data[k]!;
    const xText = given(xk, dtype);
    const yText = given(yk, target.dtype);
    const loss = result.perElement.data[k]!;
    const lossText = formatDerivationNumber(loss);
    const pos = position(k, input.shape);
    const l = `ℓ${pos}`;
    const lossLine = (math: string, note: DerivationText): DerivationLine => ({
      math: `${l} = ${math} = ${lossText}`,
      note,
      role: 'elementLoss',
      index: k,
    });
    const lines: DerivationLine[] = [];
    const wk = broadcastValue(weight, k);
    const wPrefix = wk !== undefined ? `${paren(given(wk, weight!.dtype))} × ` : '';
    if (fn === 'binary_cross_entropy') {
      const a = clampedLog(xk, xText);
      const b = clampedLog(1 - xk, `1 ${MINUS} ${xText}`);
      lines.push(
        lossLine(
          `${wPrefix}${MINUS}(${paren(yText)} × ${a.text} + (1 ${MINUS} ${paren(yText)}) × ${b.text})`,
          text('derivBce'),
        ),
      );
      if (a.clamped || b.clamped) lines.push({ math: `ln 0 → ${MINUS}100`, note: text('derivLogClamp') });
    } else if (fn === 'binary_cross_entropy_with_logits') {
      const pk = broadcastValue(posWeight, k);
      const pwText = pk !== undefined ? given(pk, posWeight!.dtype) : '1';
      if (Math.abs(xk) <= 15) {
        const sigma = 1 / (1 + Math.exp(-xk));
        const sShown = probability(sigma);
        lines.push({ math: `σ = 1 / (1 + e^(${MINUS}${paren(xText)})) = ${sShown}`, note: text('derivSigmoid') });
        const posTerm = pk !== undefined ? `${paren(pwText)} × ${paren(yText)}` : paren(yText);
        lines.push(
          lossLine(
            `${wPrefix}${MINUS}(${posTerm} × ln(${sShown}) + (1 ${MINUS} ${paren(yText)}) × ln(1 ${MINUS} ${sShown}))`,
            text('derivBceLogits', pwText),
          ),
        );
      } else {
        lines.push(
          lossLine(
            `${wPrefix}((1 ${MINUS} ${paren(yText)}) × ${paren(xText)} + (1 + (${paren(pwText)} ${MINUS} 1) × ${paren(yText)}) × ln(1 + e^(${MINUS}${paren(xText)})))`,
            text('derivStableForm'),
          ),
        );
      }
    } else if (fn === 'sigmoid_focal_loss') {
      const alpha = optionNumber(result, 'alpha', 0.25);
      const gamma = optionNumber(result, 'gamma', 2);
      const p = result.classification?.probabilities.data[k] ?? 1 / (1 + Math.exp(-xk));
      const pShown = probability(p);
      const ptValue = result.extras?.pt?.data[k] ?? NaN;
      const ptShown = probability(ptValue);
      const ce = result.extras?.ce?.data[k] ?? NaN;
      const ceText = formatDerivationNumber(ce);
      const m = result.extras?.modulatingFactor?.data[k] ?? NaN;
      const mText = formatDerivationNumber(m);
      lines.push({ math: `p = σ(x) = 1 / (1 + e^(${MINUS}${paren(xText)})) = ${pShown}`, note: text('derivSigmoid') });
      const ptMath =
        yk === 1
          ? `p_t = p = ${ptShown}`
          : yk === 0
            ? `p_t = 1 ${MINUS} ${pShown} = ${ptShown}`
            : `p_t = ${paren(yText)} × ${pShown} + (1 ${MINUS} ${paren(yText)}) × (1 ${MINUS} ${pShown}) = ${ptShown}`;
      lines.push({ math: ptMath, note: text('derivPt') });
      if (Math.abs(xk) > 15 || !(ptValue > 0)) {
        lines.push({
          math: `CE = ${given(Math.max(xk, 0), dtype)} ${MINUS} ${paren(xText)} × ${paren(yText)} + ln(1 + e^(${MINUS}${given(Math.abs(xk), dtype)})) = ${ceText}`,
          note: text('derivFocalStable'),
        });
      } else if (yk === 0 || yk === 1) {
        lines.push({ math: `CE = ${MINUS}ln(${ptShown}) = ${ceText}`, note: text('derivFocalCe') });
      } else {
        lines.push({
          math: `CE = ${MINUS}(${paren(yText)} × ln(${pShown}) + (1 ${MINUS} ${paren(yText)}) × ln(1 ${MINUS} ${pShown})) = ${ceText}`,
          note: text('derivFocalCeSoft'),
        });
      }
      const g = given(gamma, 'float64');
      lines.push({
        math: `(1 ${MINUS} p_t)^${paren(g)} = (1 ${MINUS} ${ptShown})^${paren(g)} = ${mText}`,
        note: text('derivModulating'),
      });
      if (alpha >= 0) {
        const a = given(alpha, 'float64');
        const at = result.extras?.alphaT?.data[k] ?? NaN;
        const atMath =
          yk === 1
            ? `α_t = ${a}`
            : yk === 0
              ? `α_t = 1 ${MINUS} ${a} = ${formatDerivationNumber(at)}`
              : `α_t = ${a} × ${paren(yText)} + (1 ${MINUS} ${a}) × (1 ${MINUS} ${paren(yText)}) = ${formatDerivationNumber(at)}`;
        lines.push({ math: atMath, note: text('derivAlphaT') });
        lines.push(lossLine(`${formatDerivationNumber(at)} × ${mText} × ${ceText}`, text('derivFocal')));
      } else {
        lines.push(lossLine(`${mText} × ${ceText}`, text('derivFocal')));
      }
    } else {
      return [];
    }
    if (wk !== undefined)
      lines[lines.length - 1] = {
        ...lines[lines.length - 1]!,
        note: text('derivElementWeight', given(wk, weight!.dtype)),
      };
    sections.push({ heading: text('derivElement', pos, yText), lines });
    shownLosses.push({ text: lossText, counted: true });
  }
  sections.push(reductionSection(result, shownLosses, 'elements', false));
  return sections;
}

/**
 * The derivation by hand of a result, from the tensors it was computed on (`inputs.input`, `inputs.target`). Always
 * returns a derivation; `skipped` says why it has no sections (the loss has none yet, or the input is too large).
 */
export function buildDerivation(result: LossResult, inputs: LossInputs): Derivation {
  const fn = result.fn;
  const input = inputs.input;
  const target = inputs.target;
  if (!DERIVATION_LOSSES.includes(fn) || !input || !target) return skipped(fn, text('derivUnsupported', fn));
  const cls = result.classification;
  const elementwise = !cls || cls.classDim < 0;
  const tooLarge = text(
    'derivTooLarge',
    MAX_DERIVATION_SAMPLES,
    MAX_DERIVATION_CLASSES,
    MAX_DERIVATION_ELEMENTS,
    elementwise ? `${input.data.length}` : `${result.perSample.length} × ${cls!.numClasses}`,
  );
  if (elementwise) {
    if (input.data.length > MAX_DERIVATION_ELEMENTS || input.data.length === 0) return skipped(fn, tooLarge);
    if (numel(target.shape) !== input.data.length) return skipped(fn, text('derivUnsupported', fn));
    const sections = elementSections(result, input, target);
    return sections.length > 0
      ? { fn, heading: text('derivHeading', fn), sections }
      : skipped(fn, text('derivUnsupported', fn));
  }
  const N = result.perSample.length;
  if (N === 0 || N > MAX_DERIVATION_SAMPLES || cls!.numClasses > MAX_DERIVATION_CLASSES) return skipped(fn, tooLarge);
  const sections = classSections(result, input, target);
  return sections.length > 0
    ? { fn, heading: text('derivHeading', fn), sections }
    : skipped(fn, text('derivUnsupported', fn));
}

// ---------------------------------------------------------------------------------------------------------------------
// Words

/** A phrase in a language, with its `{n}` placeholders filled. */
export function derivationPhrase(t: DerivationText, locale: DerivationLocale): string {
  const template: string = DERIVATION_PHRASES[t.phrase][locale];
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const arg = t.args[Number(index)];
    return arg === undefined ? match : String(arg);
  });
}

/** The derivation as plain text for the terminal: heading, one block per section, the gloss after each line. */
export function renderDerivation(d: Derivation, locale: DerivationLocale = 'en'): string {
  const out = [derivationPhrase(d.heading, locale)];
  if (d.skipped) {
    out.push(`  ${derivationPhrase(d.skipped, locale)}`);
    return out.join('\n');
  }
  for (const section of d.sections) {
    out.push('', derivationPhrase(section.heading, locale));
    const width = Math.min(72, Math.max(...section.lines.map((l) => l.math.length)));
    for (const line of section.lines) {
      const gloss = line.note ? derivationPhrase(line.note, locale) : '';
      out.push(`  ${gloss ? `${line.math.padEnd(width)}   ${locale === 'zh-cn' ? '——' : '—'} ${gloss}` : line.math}`);
    }
  }
  return out.join('\n');
}

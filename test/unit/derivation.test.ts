/**
 * The derivation by hand: every line's arithmetic, recomputed from the numbers it shows, gives the number it ends with;
 * the probabilities, per-sample losses and the value it ends with are the computed result's; both languages word the
 * same mathematics; and its phrases are the webview's l10n strings.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  buildDerivation,
  DERIVATION_PHRASES,
  derivationPhrase,
  renderDerivation,
  type Derivation,
} from '../../src/core/report/derivation';
import { findLoss } from '../../src/core/losses/index';
import type { LossInputs, LossOptions, LossResult } from '../../src/core/losses/types';
import { tensorFrom, type Tensor } from '../../src/core/tensor';

// ---------------------------------------------------------------------------------------------------------------------
// A calculator for the notation the derivation writes: numbers, + − × · / ^, parentheses, ln(…), e^…, max(a, b).

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: string } | { kind: 'name'; value: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const num = /^\d+(?:\.\d+)?(?:e[-+]?\d+)?/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = /^(ln|max|e)(?![A-Za-z_])/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[1]! });
      i += name[0].length;
      continue;
    }
    const ch = text[i]!;
    if ('+-−×·/^(),'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch === '-' ? '−' : ch === '·' ? '×' : ch });
      i++;
      continue;
    }
    return undefined; // a symbol (p, ℓ₀, w[1], RCE…): not arithmetic
  }
  return tokens;
}

/** Evaluates an arithmetic expression, or undefined when the text is not one. */
function evaluate(text: string): number | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let k = 0;
  const peek = (): Token | undefined => tokens[k];
  const isOp = (v: string): boolean => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string): void => {
    if (!isOp(v)) throw new Error(`expected ${v}`);
    k++;
  };
  const atom = (): number => {
    const t = tokens[k++];
    if (!t) throw new Error('end');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op' && t.value === '(') {
      const v = expr();
      expect(')');
      return v;
    }
    if (t.kind === 'name' && t.value === 'ln') {
      expect('(');
      const v = expr();
      expect(')');
      return Math.log(v);
    }
    if (t.kind === 'name' && t.value === 'max') {
      expect('(');
      const a = expr();
      expect(',');
      const b = expr();
      expect(')');
      return Math.max(a, b);
    }
    if (t.kind === 'name' && t.value === 'e') {
      expect('^');
      return Math.exp(unary());
    }
    throw new Error(`unexpected ${t.value}`);
  };
  const power = (): number => {
    const base = atom();
    if (isOp('^')) {
      k++;
      return base ** unary();
    }
    return base;
  };
  const unary = (): number => {
    if (isOp('−')) {
      k++;
      return -unary();
    }
    return power();
  };
  const term = (): number => {
    let v = unary();
    while (isOp('×') || isOp('/')) {
      const op = tokens[k++]!.value;
      const r = unary();
      v = op === '×' ? v * r : v / r;
    }
    return v;
  };
  const expr = (): number => {
    let v = term();
    while (isOp('+') || isOp('−')) {
      const op = tokens[k++]!.value;
      const r = term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  try {
    const v = expr();
    return k === tokens.length ? v : undefined;
  } catch {
    return undefined;
  }
}

function close(a: number, b: number, rtol = 2e-4): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= rtol * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/** Checks every line of a derivation against itself and against the result; returns how many numbers were checked. */
function checkDerivation(d: Derivation, result: LossResult): number {
  assert.equal(d.skipped, undefined, d.skipped ? derivationPhrase(d.skipped, 'en') : '');
  let checked = 0;
  let sawValue = false;
  for (const section of d.sections) {
    for (const line of section.lines) {
      const parts = line.math.split(' = ');
      const last = evaluate(parts[parts.length - 1]!);
      if (last === undefined) continue;
      for (const part of parts.slice(0, -1)) {
        const v = evaluate(part);
        if (v === undefined) continue;
        assert.ok(close(v, last), `${line.math}: ${part} is ${v}, not ${last}`);
        checked++;
      }
      const i = line.index ?? -1;
      switch (line.role) {
        case 'targetProbability':
          assert.ok(
            close(last, result.classification!.targetProbability[i]!),
            `${line.math} vs p = ${result.classification!.targetProbability[i]}`,
          );
          checked++;
          break;
        case 'sampleLoss':
          assert.ok(close(last, result.perSample[i]!), `${line.math} vs ℓ = ${result.perSample[i]}`);
          checked++;
          break;
        case 'elementLoss':
          assert.ok(close(last, result.perElement.data[i]!), `${line.math} vs ℓ = ${result.perElement.data[i]}`);
          checked++;
          break;
        case 'value':
          assert.ok(close(last, result.output.data[0]!), `${line.math} vs value ${result.output.data[0]}`);
          sawValue = true;
          checked++;
          break;
        default:
      }
    }
  }
  if (result.reduction.reduction !== 'none') assert.ok(sawValue, 'the derivation ends with the value');
  return checked;
}

function run(
  fn: string,
  inputs: LossInputs,
  options: LossOptions = {},
): { result: LossResult; derivation: Derivation } {
  const result = findLoss(fn)!.compute(inputs, options);
  return { result, derivation: buildDerivation(result, inputs) };
}

const f32 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float32');
const i64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'int64');

/** A small deterministic generator, so the random cases are the same every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the derivation by hand', () => {
  it('writes the tutorial example: p = e^4 / (e^1 + e^4 + e^1 + e^1) = 0.87005 and −ln(0.87005) = 0.13921', () => {
    const { result, derivation } = run('cross_entropy', {
      input: f32([1, 4, 1, 1, 2, 0.5, -1, 3], [2, 4]),
      target: i64([1, 3], [2]),
    });
    const lines = derivation.sections[0]!.lines.map((l) => l.math);
    assert.deepEqual(lines, ['p = e^4 / (e^1 + e^4 + e^1 + e^1) = 0.87005', 'ℓ₀ = −ln(0.87005) = 0.13921']);
    assert.equal(derivation.sections[2]!.lines[0]!.math, '(0.13921 + 0.38409) / 2 = 0.26165');
    checkDerivation(derivation, result);
  });

  const x24 = f32([1, 8, 1, 1, 1, 8], [2, 3]);
  const y2 = i64([1, 2], [2]);
  const cases: [string, string, LossInputs, LossOptions][] = [
    ['cross_entropy sum', 'cross_entropy', { input: x24, target: y2 }, { reduction: 'sum' }],
    ['cross_entropy none', 'cross_entropy', { input: x24, target: y2 }, { reduction: 'none' }],
    [
      'cross_entropy weight + ignore_index',
      'cross_entropy',
      { input: f32([1, 8, 1, 2, 0, 1, 0.5, 0.5, 3], [3, 3]), target: i64([1, -100, 2], [3]) },
      { weight: f32([1, 2, 0.5], [3]) },
    ],
    ['cross_entropy label_smoothing 0.05', 'cross_entropy', { input: x24, target: y2 }, { label_smoothing: 0.05 }],
    [
      'cross_entropy label_smoothing + weight',
      'cross_entropy',
      { input: x24, target: y2 },
      { label_smoothing: 0.2, weight: f32([1, 2, 3], [3]) },
    ],
    ['cross_entropy ignore_index 1', 'cross_entropy', { input: x24, target: y2 }, { ignore_index: 1 }],
    ['cross_entropy probabilities', 'cross_entropy', { input: x24, target: f32([0.2, 0.8, 0, 0, 0, 1], [2, 3]) }, {}],
    [
      'cross_entropy probabilities + smoothing + weight',
      'cross_entropy',
      { input: x24, target: f32([0.2, 0.8, 0, 0.5, 0.25, 0.25], [2, 3]) },
      { label_smoothing: 0.1, weight: f32([1, 2, 3], [3]) },
    ],
    [
      'cross_entropy extreme logits',
      'cross_entropy',
      { input: f32([1e4, -1e4, 0, 50, 60, 70], [2, 3]), target: i64([1, 2], [2]) },
      {},
    ],
    ['cross_entropy unbatched', 'cross_entropy', { input: f32([0.5, 2, -1], [3]), target: i64([2], []) }, {}],
    [
      'cross_entropy spatial',
      'cross_entropy',
      { input: f32([1, 2, 3, 4, 0, -1], [1, 3, 2]), target: i64([0, 2], [1, 2]) },
      {},
    ],
    ['nll_loss', 'nll_loss', { input: f32([-0.5, -1, -2, -0.1], [2, 2]), target: i64([0, 1], [2]) }, {}],
    [
      'nll_loss weighted',
      'nll_loss',
      { input: f32([-0.5, -1, -2, -0.1], [2, 2]), target: i64([0, 1], [2]) },
      { weight: f32([3, 0.5], [2]) },
    ],
    [
      'binary_cross_entropy',
      'binary_cross_entropy',
      { input: f32([0.8, 0, 0.3, 1], [2, 2]), target: f32([1, 1, 0, 0.5], [2, 2]) },
      {},
    ],
    [
      'binary_cross_entropy weight',
      'binary_cross_entropy',
      { input: f32([0.8, 0.1, 0.3], [3]), target: f32([1, 0, 1], [3]) },
      { weight: f32([2, 1, 0.5], [3]), reduction: 'sum' },
    ],
    [
      'binary_cross_entropy weight per row',
      'binary_cross_entropy',
      { input: f32([0.8, 0.1, 0.3, 0.6], [2, 2]), target: f32([1, 0, 1, 1], [2, 2]) },
      { weight: f32([2, 0.5], [2, 1]) },
    ],
    [
      'bce with logits',
      'binary_cross_entropy_with_logits',
      { input: f32([0.5, -2, 30, -40], [4]), target: f32([1, 0, 0, 1], [4]) },
      {},
    ],
    [
      'bce with logits pos_weight 49',
      'binary_cross_entropy_with_logits',
      { input: f32([0.5, -2, 3, 1, 0, -1], [2, 3]), target: f32([1, 0, 1, 0, 1, 0], [2, 3]) },
      { pos_weight: f32([49, 1, 2], [3]) },
    ],
    ['symmetric_cross_entropy', 'symmetric_cross_entropy', { input: x24, target: y2 }, {}],
    [
      'symmetric_cross_entropy clamped probabilities',
      'symmetric_cross_entropy',
      { input: f32([20, 0, -5, 1, 2, 3], [2, 3]), target: i64([0, 2], [2]) },
      { eps: 1e-18, reduction: 'sum' },
    ],
    ['label_smoothing_clamp', 'label_smoothing_clamp', { input: x24, target: y2 }, { epsilon: 0.05 }],
    [
      'sigmoid_focal_loss',
      'sigmoid_focal_loss',
      { input: f32([0.5, -2, 3, 20, -0.3, 1], [2, 3]), target: f32([1, 0, 0.5, 1, 0, 1], [2, 3]) },
      { reduction: 'mean' },
    ],
    [
      'sigmoid_focal_loss no alpha, gamma 1',
      'sigmoid_focal_loss',
      { input: f32([0.5, -2, 3], [3]), target: f32([1, 0, 1], [3]) },
      { alpha: -1, gamma: 1, reduction: 'sum' },
    ],
    ['softmax_focal_loss', 'softmax_focal_loss', { input: x24, target: y2 }, {}],
    [
      'softmax_focal_loss alpha per class',
      'softmax_focal_loss',
      { input: x24, target: y2 },
      { alpha: f32([0.25, 0.5, 2], [3]), gamma: 0.5 },
    ],
  ];
  for (const [name, fn, inputs, options] of cases) {
    it(`${name}: every number agrees with itself and with the result`, () => {
      const { result, derivation } = run(fn, inputs, options);
      assert.ok(checkDerivation(derivation, result) >= 3);
    });
  }

  it('agrees with 200 random small computations of every supported loss', () => {
    const rand = lcg(42);
    const fns = ['cross_entropy', 'symmetric_cross_entropy', 'label_smoothing_clamp', 'softmax_focal_loss', 'nll_loss'];
    let checked = 0;
    for (let k = 0; k < 200; k++) {
      const N = 1 + Math.floor(rand() * 4);
      const C = 2 + Math.floor(rand() * 5);
      const scale = rand() < 0.2 ? 12 : 3;
      const x = f32(
        Array.from({ length: N * C }, () => (rand() - 0.5) * 2 * scale),
        [N, C],
      );
      const y = i64(
        Array.from({ length: N }, () => Math.floor(rand() * C)),
        [N],
      );
      const fn = fns[k % fns.length]!;
      const reduction = ['none', 'mean', 'sum'][k % 3]!;
      const options: LossOptions =
        fn === 'cross_entropy'
          ? { reduction, label_smoothing: k % 4 === 0 ? 0.1 : 0 }
          : fn === 'label_smoothing_clamp'
            ? { reduction, epsilon: 0.15 }
            : { reduction };
      const inputs =
        fn === 'nll_loss'
          ? {
              input: f32(
                Array.from(x.data, (v) => -Math.abs(v)),
                [N, C],
              ),
              target: y,
            }
          : { input: x, target: y };
      const { result, derivation } = run(fn, inputs, options);
      checked += checkDerivation(derivation, result);
      const logits = f32(
        Array.from({ length: N * C }, () => (rand() - 0.5) * 8),
        [N, C],
      );
      const labels = f32(
        Array.from({ length: N * C }, () => (rand() < 0.5 ? 1 : 0)),
        [N, C],
      );
      for (const elementwise of ['binary_cross_entropy_with_logits', 'sigmoid_focal_loss']) {
        const r = run(elementwise, { input: logits, target: labels }, { reduction });
        checked += checkDerivation(r.derivation, r.result);
      }
    }
    assert.ok(checked > 2000, `${checked} numbers checked`);
  });

  it('writes the same mathematics in Simplified Chinese, with Chinese words around it', () => {
    const { derivation } = run('symmetric_cross_entropy', { input: x24, target: y2 });
    const en = renderDerivation(derivation, 'en');
    const zh = renderDerivation(derivation, 'zh-cn');
    const numbers = (s: string): string[] => s.match(/\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? [];
    const mathOnly = (s: string): string[] => s.split('\n').map((l) => l.split(/ {3}—/)[0]!.trim());
    assert.match(zh, /symmetric_cross_entropy 手算推导/);
    assert.match(zh, /样本 0 · 目标类别 1/);
    assert.match(zh, /反向交叉熵/);
    assert.deepEqual(
      mathOnly(zh)
        .filter((l) => l.includes('='))
        .flatMap(numbers),
      mathOnly(en)
        .filter((l) => l.includes('='))
        .flatMap(numbers),
    );
  });

  it('says why it stops: too large, or a loss without a derivation yet', () => {
    const big = run('cross_entropy', {
      input: f32(new Array(15).fill(0.5), [5, 3]),
      target: i64([0, 1, 2, 0, 1], [5]),
    });
    assert.equal(big.derivation.sections.length, 0);
    assert.equal(
      derivationPhrase(big.derivation.skipped!, 'en'),
      'The derivation by hand is written for at most 4 samples × 6 classes (24 elements for elementwise losses); this computation has 5 × 3.',
    );
    const mse = run('mse_loss', { input: f32([1, 2], [2]), target: f32([0, 0], [2]) });
    assert.equal(derivationPhrase(mse.derivation.skipped!, 'zh-cn'), '暂时没有 mse_loss 的手算推导。');
  });

  it('uses phrases that are the webview’s l10n strings, with the same Chinese in the bundle', () => {
    const root = path.join(__dirname, '..', '..');
    const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<
      string,
      string
    >;
    const strings = fs.readFileSync(path.join(root, 'src', 'panel', 'strings.ts'), 'utf8');
    const protocol = fs.readFileSync(path.join(root, 'src', 'protocol.ts'), 'utf8');
    for (const [key, phrase] of Object.entries(DERIVATION_PHRASES)) {
      assert.equal(bundle[phrase.en], phrase['zh-cn'], `bundle entry for ${key}`);
      assert.ok(protocol.includes(`'${key}'`), `WEBVIEW_STRING_KEYS lacks ${key}`);
      const literal = phrase.en.includes("'") ? `"${phrase.en}"` : `'${phrase.en}'`;
      assert.ok(
        strings.replace(/\(\s+/g, '(').includes(`${key}: t(${literal}`),
        `strings.ts lacks ${key}: t(${literal}…)`,
      );
    }
  });
});

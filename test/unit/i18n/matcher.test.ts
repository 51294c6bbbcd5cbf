/**
 * The template matcher: sentence splitting, placeholders (untyped, typed, choices), code and decimals passing through,
 * whole-text entries winning over sentences, unknown text left alone, the locale switch and a memoized batch.
 */
import * as assert from 'node:assert/strict';
import {
  localizeDiagnostic,
  localizeExplanation,
  localizeReduction,
  localizeText,
  normalizeLocale,
} from '../../../src/core/i18n/index';
import { CompiledCatalog, splitSentences, type Catalog } from '../../../src/core/i18n/matcher';
import { ZH_CN } from '../../../src/core/i18n/zh-cn';
import { UNKNOWN_RANGE, type Diagnostic } from '../../../src/core/diagnostics';
import { buildCorpus } from './corpus';

const toy: Catalog = {
  sentences: [
    ['The input has {n} samples.', '输入有 {n} 个样本。'],
    ['Use {code} to convert.', '用 {code} 转换。'],
    ['Move the classes to dim 1: {call}.', '把类别移到维度 1：{call}。'],
    ['The input has 3 samples. Whole text wins.', '整段优先。'],
    ['Whole text wins.', '整句。'],
    ['{loss:id} averages over {n:num} samples.', '{loss} 对 {n} 个样本求平均。'],
    ['Got {n} {value|values}.', '得到 {n} 个值。'],
    ['Add {missing:ids}.', '请添加 {missing}。'],
    ["Insert '{text:raw}'.", "插入 '{text}'。"],
    ['Write \\{"a": 1\\} or {"b": 2}.', '写 \\{"a": 1\\} 或 {"b": 2}。'],
    ['{a} and {b} cannot be broadcast.', '{a} 和 {b} 无法广播。'],
    ['Python expected {token}.', 'Python 期望 {token}。'],
  ],
  fragments: [
    ['the end of the text', '文本末尾'],
    ['{Row|row} {n}', '第 {n} 行'],
  ],
};
const catalog = new CompiledCatalog(toy);
const t = (s: string): string => catalog.translate(s);

describe('i18n matcher: sentence splitting', () => {
  it('splits after . ? ! followed by a space, keeping what follows each sentence', () => {
    assert.deepEqual(
      splitSentences('First one. Second one? Third! Fourth').map((u) => u.text),
      ['First one.', 'Second one?', 'Third!', 'Fourth'],
    );
    assert.deepEqual(
      splitSentences('A.  B.').map((u) => u.separator),
      ['  ', ''],
    );
  });

  it('does not split e.g., decimals or code', () => {
    assert.equal(splitSentences('Use a small value, e.g. 0.1 or 0.5.').length, 1);
    assert.equal(splitSentences('Convert with x.float() and target.long() first.').length, 1);
    assert.equal(splitSentences('The values lie in [0.5, 1.5], i.e. Float ones.').length, 1);
  });

  it('splits at line breaks', () => {
    assert.deepEqual(
      splitSentences('one\ntwo').map((u) => u.text),
      ['one', 'two'],
    );
  });
});

describe('i18n matcher: templates', () => {
  it('carries placeholders over: numbers, shapes, code', () => {
    assert.equal(t('The input has 12 samples.'), '输入有 12 个样本。');
    assert.equal(t('Use target.to(torch.float64) to convert.'), '用 target.to(torch.float64) 转换。');
    assert.equal(t('Move the classes to dim 1: input.permute(0, 2, 1).'), '把类别移到维度 1：input.permute(0, 2, 1)。');
  });

  it('keeps decimals whole', () => {
    assert.equal(t('The input has 0.5 samples.'), '输入有 0.5 个样本。');
    assert.equal(t('nll_loss averages over 1e-3 samples.'), 'nll_loss 对 1e-3 个样本求平均。');
  });

  it('keeps code in backticks and brackets as written', () => {
    assert.equal(t('Use `x.float()` to convert.'), '用 `x.float()` 转换。');
    assert.equal(t('[3, 4, 2] and torch.Size([3]) cannot be broadcast.'), '[3, 4, 2] 和 torch.Size([3]) 无法广播。');
  });

  it('splits placeholders at bracket groups, not inside them', () => {
    assert.equal(t('[1, 2] and [3] and x cannot be broadcast.'), '[1, 2] 和 [3] and x 无法广播。');
  });

  it('typed placeholders match only names, lists of names or numbers', () => {
    assert.equal(t('cross_entropy averages over 4 samples.'), 'cross_entropy 对 4 个样本求平均。');
    assert.equal(t('The batch averages over 4 samples.'), 'The batch averages over 4 samples.');
    assert.equal(t('Add input, target.'), '请添加 input, target。');
    assert.equal(t('Add the missing bracket.'), 'Add the missing bracket.');
    assert.equal(t("Insert ')'."), "插入 ')'。");
  });

  it('choices cover plurals without a counterpart in the translation', () => {
    assert.equal(t('Got 1 value.'), '得到 1 个值。');
    assert.equal(t('Got 3 values.'), '得到 3 个值。');
  });

  it('escaped braces and JSON braces are literal', () => {
    assert.equal(t('Write {"a": 1} or {"b": 2}.'), '写 {"a": 1} 或 {"b": 2}。');
  });

  it('translates English fragments that fill a placeholder', () => {
    assert.equal(t('Python expected the end of the text.'), 'Python 期望文本末尾。');
    assert.equal(t('Python expected row 3.'), 'Python 期望第 3 行。');
    assert.equal(t("Python expected 'x'."), "Python 期望 'x'。");
  });

  it('drops the space between Chinese and a placeholder only where the value is itself Chinese', () => {
    const spaced = new CompiledCatalog({
      sentences: [['Not {what} here.', '这里不 {what} 处理。']],
      fragments: [
        ['a list', '列表'],
        ['a {dtype:id} list', '{dtype} 列表'],
      ],
    });
    // Code keeps its space on both sides; a Chinese fragment joins the text; a fragment that starts or ends with
    // code keeps the space on that side.
    assert.equal(spaced.translate('Not x.sum() here.'), '这里不 x.sum() 处理。');
    assert.equal(spaced.translate('Not a list here.'), '这里不列表处理。');
    assert.equal(spaced.translate('Not a float32 list here.'), '这里不 float32 列表处理。');
  });

  it('a whole-text entry wins over the sentence split', () => {
    assert.equal(t('The input has 3 samples. Whole text wins.'), '整段优先。');
    assert.equal(t('The input has 4 samples. Whole text wins.'), '输入有 4 个样本。整句。');
  });

  it('translates sentence by sentence and leaves unknown sentences in English', () => {
    assert.equal(t('The input has 2 samples. Nobody wrote this one.'), '输入有 2 个样本。Nobody wrote this one.');
    assert.equal(t('Nobody wrote this one. The input has 2 samples.'), 'Nobody wrote this one. 输入有 2 个样本。');
  });

  it('passes unknown text through unchanged', () => {
    for (const s of ['', 'Nothing here matches.', 'The input has', 'A. B. C.', '[1, 2]']) assert.equal(t(s), s);
  });

  it('a placeholder never swallows the next sentence', () => {
    assert.equal(t('The input has 2 samples. The input has 3 samples.'), '输入有 2 个样本。输入有 3 个样本。');
  });

  it('rejects a catalog whose translation names an unknown placeholder', () => {
    assert.throws(
      () => new CompiledCatalog({ sentences: [['A {x}.', 'B {y}。']], fragments: [] }),
      /not a placeholder/,
    );
    assert.throws(() => new CompiledCatalog({ sentences: [['A {x} {x}.', 'B {x}。']], fragments: [] }), /repeated/);
  });
});

describe('i18n API', () => {
  it('normalizes VS Code and POSIX language tags', () => {
    for (const tag of ['zh', 'zh-cn', 'zh-CN', 'zh-Hans', 'zh_CN.UTF-8', 'ZH-CN', 'zh-Hans-CN', 'zh_CN', 'zh-SG']) {
      assert.equal(normalizeLocale(tag), 'zh-cn', tag);
    }
    for (const tag of ['en', 'en-US', 'C.UTF-8', '', 'zh-TW', 'zh-Hant', 'zh_HK.UTF-8', 'ja', 'fr-FR']) {
      assert.equal(normalizeLocale(tag), 'en', tag);
    }
  });

  const d: Diagnostic = {
    ...UNKNOWN_RANGE,
    severity: 'error',
    code: 'loss/target-dtype',
    message: 'expected scalar type Long but found Float',
    explanation: 'Class indices must be int64 (Long); the target is Float (float32).',
    hint: 'Convert with target.long().',
    fixes: [{ title: 'Convert the class indices: .long()', edits: [] }],
    data: { found: 'Float' },
  };

  it("'en' is the identity", () => {
    assert.equal(localizeDiagnostic(d, 'en'), d);
    assert.equal(localizeText('Convert with target.long().', 'en'), 'Convert with target.long().');
    const r = { reduction: 'sum' as const, numerator: 1, denominator: 1, denominatorLabel: '1', why: 'x' };
    assert.equal(localizeReduction(r, 'en'), r);
    const e = { code: 'c', matched: 'm', cause: 'c', fix: 'f', data: {} };
    assert.equal(localizeExplanation(e, 'en'), e);
  });

  it('localizes explanation, hint and fix titles, never the message', () => {
    const zh = localizeDiagnostic(d, 'zh-cn');
    assert.equal(zh.message, d.message);
    assert.equal(zh.explanation, '类别索引必须是 int64（Long）；目标是 Float（float32）。');
    assert.equal(zh.hint, '用 target.long() 转换。');
    assert.equal(zh.fixes?.[0]?.title, '转换类别索引：.long()');
    assert.equal(zh.fixes?.[0]?.edits, d.fixes?.[0]?.edits);
  });

  it("says what reduction='sum' divides by in words", () => {
    const r = {
      reduction: 'sum' as const,
      numerator: 1,
      denominator: 1,
      denominatorLabel: '1',
      why: "reduction='sum' adds the losses without dividing",
    };
    const zh = localizeReduction(r, 'zh-cn');
    assert.match(zh.denominatorLabel, /^1（/);
    assert.equal(zh.why, "reduction='sum' 只把损失相加，不做除法");
    assert.equal(zh.numerator, 1);
  });

  it('localizes a 1,000-diagnostic batch the same with an empty memo as memoized (speed: npm run bench:micro)', () => {
    const corpus = buildCorpus();
    // As many different texts as the corpus has first (the worst case for the memo), then repeats.
    const byText = new Map(
      corpus.diagnostics.map(({ diagnostic }) => [`${diagnostic.explanation}|${diagnostic.hint}`, diagnostic]),
    );
    const pool = [...byText.values(), ...corpus.diagnostics.map((d) => d.diagnostic)];
    const batch = pool.slice(0, 1000);
    assert.equal(batch.length, 1000);
    const fresh = new CompiledCatalog(ZH_CN);
    for (const pass of ['first', 'memoized'] as const) {
      for (const x of batch) {
        const localized = localizeDiagnostic(x, 'zh-cn');
        const where = `${pass} pass: ${x.code}`;
        if (x.explanation) assert.equal(localized.explanation, fresh.translate(x.explanation), where);
        if (x.hint) assert.equal(localized.hint, fresh.translate(x.hint), where);
        (x.fixes ?? []).forEach((f, k) => assert.equal(localized.fixes?.[k]?.title, fresh.translate(f.title), where));
      }
    }
  });
});

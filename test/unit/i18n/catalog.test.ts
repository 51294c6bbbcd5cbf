/**
 * The zh-cn catalog itself: every entry compiles, reads as Chinese, keeps every placeholder and every literal number
 * of its English, and wins for a text built from its own template (so no other entry shadows it).
 */
import * as assert from 'node:assert/strict';
import { catalogSize, localizeText } from '../../../src/core/i18n/index';
import { parseTemplate, placeholderNames, type CatalogEntry } from '../../../src/core/i18n/matcher';
import { ZH_CN } from '../../../src/core/i18n/zh-cn';
import { hasCjk, numbersOf } from './checks';

/** A text an entry's English template describes, with a distinct value per placeholder, and what it must become. */
function instantiate([english, chinese]: CatalogEntry): { text: string; expected: string } {
  const values = new Map<string, string>();
  let text = '';
  let k = 0;
  for (const token of parseTemplate(english)) {
    if (token.kind === 'literal') text += token.text;
    else if (token.kind === 'choice') text += token.options[0]!;
    else {
      k++;
      const value =
        token.type === 'num'
          ? `${40 + k}`
          : token.type === 'id'
            ? `name_${k}`
            : token.type === 'ids'
              ? `a_${k}, b_${k}`
              : token.type === 'raw'
                ? `r${k}`
                : `[${70 + k}, 2]`;
      values.set(token.name, value);
      text += value;
    }
  }
  let expected = '';
  for (const token of parseTemplate(chinese)) {
    if (token.kind === 'literal') expected += token.text;
    else if (token.kind === 'placeholder') expected += values.get(token.name) ?? `{${token.name}}`;
  }
  return { text, expected };
}

describe('zh-cn catalog', () => {
  const entries = ZH_CN.sentences;

  it(`holds ${entries.length} sentence templates and ${ZH_CN.fragments.length} fragments, all compiling`, () => {
    assert.equal(catalogSize('zh-cn'), entries.length);
    assert.equal(catalogSize('en'), 0);
    assert.ok(entries.length > 500);
  });

  it('has each English template once', () => {
    const seen = new Set<string>();
    for (const [en] of entries) {
      assert.ok(!seen.has(en), `duplicate: ${en}`);
      seen.add(en);
    }
  });

  it('translates every template into Chinese that keeps its placeholders and numbers', () => {
    for (const [en, zh] of [...entries, ...ZH_CN.fragments]) {
      assert.ok(hasCjk(zh), `no Chinese in the translation of: ${en}`);
      assert.deepEqual([...placeholderNames(zh)].sort(), [...placeholderNames(en)].sort(), en);
      const literalNumbers = numbersOf(en.replace(/\{[^{}]*\}/g, ' '));
      for (const n of literalNumbers) assert.ok(zh.includes(n), `${n} missing from the translation of: ${en}`);
      assert.ok(!/\s$|^\s/.test(zh), `stray whitespace in: ${zh}`);
      assert.ok(!/[（(]\s|\s[）)]/.test(zh) || /[(]\s|\s[)]/.test(en), `space inside brackets: ${zh}`);
    }
  });

  it('matches a text built from each template with that template (no entry shadows another)', () => {
    for (const entry of entries) {
      const { text, expected } = instantiate(entry);
      assert.equal(localizeText(text, 'zh-cn'), expected, `for: ${entry[0]}`);
    }
  });

  it('uses full-width punctuation between Chinese words', () => {
    for (const [, zh] of entries) {
      assert.ok(!/[\u4e00-\u9fff][,;]/.test(zh), `ASCII comma after Chinese in: ${zh}`);
      assert.ok(!/[\u4e00-\u9fff]\.$/.test(zh), `ASCII full stop in: ${zh}`);
    }
  });
});

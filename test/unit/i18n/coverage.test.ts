/**
 * Coverage of the zh-cn catalog over what the core really says: every text of the corpus (./corpus.ts) is localized
 * and must come out Chinese, with no English prose left outside code and every number carried over, while PyTorch's
 * message stays byte for byte. A message that is Loss Lens's own sentence (OWN_MESSAGE_CODES) is translated whole and
 * checked the same way, and every form of its templates must be one the core really writes.
 */
import * as assert from 'node:assert/strict';
import {
  localizeDiagnostic,
  localizeExplanation,
  localizeReduction,
  localizeText,
  OWN_MESSAGE_CODES,
  READER_MESSAGE_CODES,
} from '../../../src/core/i18n/index';
import { CompiledCatalog } from '../../../src/core/i18n/matcher';
import { OWN_ERRORS, OWN_NOTES, OWN_WARNINGS } from '../../../src/core/i18n/zh-cn';
import { RUNTIME_STOPS_ZH } from '../../../src/core/i18n/zh-cn-runtime';
import { translationProblems } from './checks';
import { buildCorpus, fixtureNames, snippetSources } from './corpus';
import { templateForms } from './forms';
import { readerMessageProblems } from './reader-messages';

interface Sample {
  readonly origin: string;
  readonly field: string;
  readonly english: string;
  readonly chinese: string;
}

const corpus = buildCorpus();
const samples = new Map<string, Sample>();
const add = (origin: string, field: string, english: string | undefined, chinese: string | undefined): void => {
  if (english === undefined) return;
  const key = `${field}\u0000${english}`;
  if (!samples.has(key)) samples.set(key, { origin, field, english, chinese: chinese ?? '' });
};
for (const { origin, diagnostic } of corpus.diagnostics) {
  const zh = localizeDiagnostic(diagnostic, 'zh-cn');
  add(origin, `${diagnostic.code} explanation`, diagnostic.explanation, zh.explanation);
  add(origin, `${diagnostic.code} hint`, diagnostic.hint, zh.hint);
  (diagnostic.fixes ?? []).forEach((f, k) =>
    add(origin, `${diagnostic.code} fix title`, f.title, zh.fixes?.[k]?.title),
  );
}
for (const { origin, reduction } of corpus.reductions) {
  const zh = localizeReduction(reduction, 'zh-cn');
  add(origin, `${reduction.reduction} denominatorLabel`, reduction.denominatorLabel, zh.denominatorLabel);
  add(origin, `${reduction.reduction} why`, reduction.why, zh.why);
}
for (const { origin, explanation } of corpus.explanations) {
  const zh = localizeExplanation(explanation, 'zh-cn');
  add(origin, `${explanation.code} cause`, explanation.cause, zh.cause);
  add(origin, `${explanation.code} fix`, explanation.fix, zh.fix);
}

const all = [...samples.values()];
const failures = all
  .map((s) => ({ s, problems: translationProblems(s.english, s.chinese) }))
  .filter((f) => f.problems.length > 0);
const covered = all.length - failures.length;
const percent = all.length === 0 ? 0 : Math.floor((covered / all.length) * 1000) / 10;

describe('zh-cn coverage of what the core produces', () => {
  it(`localizes ${covered} of ${all.length} distinct texts (${percent}%) from ${fixtureNames().length} torch fixture files, the reader, the JSON file, the runner, ${snippetSources().length} snippets and Explain PyTorch Error`, () => {
    const report = failures
      .slice(0, 40)
      .map(
        (f) =>
          `- [${f.s.field}] (${f.s.origin})\n    en: ${f.s.english}\n    zh: ${f.s.chinese}\n    ${f.problems.join('; ')}`,
      )
      .join('\n');
    assert.equal(failures.length, 0, `${failures.length} texts not fully translated:\n${report}`);
  });

  it('collects a corpus worth the name (errors, warnings, breakdowns, explanations)', () => {
    assert.ok(corpus.diagnostics.filter((d) => d.diagnostic.severity === 'error').length > 300);
    assert.ok(corpus.diagnostics.filter((d) => d.diagnostic.severity !== 'error').length > 100);
    assert.ok(corpus.reductions.length > 1000);
    assert.ok(corpus.explanations.length > 50);
    const codes = new Set(corpus.explanations.map((e) => e.explanation.code));
    for (const code of [
      'loss/target-size',
      'loss/size-mismatch',
      'loss/batch-size',
      'loss/multi-target',
      'loss/target-dtype',
      'loss/probability-target-dtype',
      'loss/index-out-of-bounds',
      'loss/weight-size',
      'loss/ignore-index-probabilities',
      'loss/label-smoothing-range',
      'loss/invalid-reduction',
      'loss/bce-input-range',
      'loss/bce-target-range',
      'loss/bce-size',
      'warn/broadcast',
      'loss/not-implemented-dtype',
      'loss/cosine-dims',
      'warn/kl-mean',
    ]) {
      assert.ok(codes.has(code), `no PyTorch text exercises the explain pattern ${code}`);
    }
  });

  it("never touches PyTorch's message (only Loss Lens's own sentences), the code, the place or the data", () => {
    for (const { diagnostic } of corpus.diagnostics) {
      const zh = localizeDiagnostic(diagnostic, 'zh-cn');
      // Loss Lens's own messages (the random-draw note, its own warnings and notes) are translated whole and checked
      // like every other text; every other message is PyTorch's or Python's text and stays as it is.
      if (diagnostic.code === 'runtime/random-draw') assert.match(zh.message, /^随机输入：一次抽样，种子 \d+。$/);
      else if (diagnostic.code !== undefined && OWN_MESSAGE_CODES.has(diagnostic.code)) {
        const problems = translationProblems(diagnostic.message, zh.message);
        assert.deepEqual(problems, [], `${diagnostic.code}: ${diagnostic.message}\n  zh: ${zh.message}`);
      } else if (diagnostic.code !== undefined && READER_MESSAGE_CODES.has(diagnostic.code)) {
        // The readers' own forms are Chinese, their library texts verbatim (see ./readers.test.ts).
        const problems = readerMessageProblems(diagnostic, zh.message);
        assert.deepEqual(problems, [], `${diagnostic.code}: ${diagnostic.message}\n  zh: ${zh.message}`);
      } else assert.equal(zh.message, diagnostic.message);
      assert.equal(zh.code, diagnostic.code);
      assert.equal(zh.severity, diagnostic.severity);
      assert.deepEqual(
        [zh.line, zh.column, zh.endLine, zh.endColumn],
        [diagnostic.line, diagnostic.column, diagnostic.endLine, diagnostic.endColumn],
      );
      assert.deepEqual(zh.data, diagnostic.data);
      assert.deepEqual(
        zh.fixes?.map((f) => f.edits),
        diagnostic.fixes?.map((f) => f.edits),
      );
    }
    for (const { explanation } of corpus.explanations) {
      const zh = localizeExplanation(explanation, 'zh-cn');
      assert.equal(zh.matched, explanation.matched);
      assert.deepEqual(zh.data, explanation.data);
    }
  });

  it("reaches every code whose message is Loss Lens's own, and every form of each own-message template", () => {
    const ownMessages = corpus.diagnostics
      .map((d) => d.diagnostic)
      .filter((d) => d.code !== undefined && OWN_MESSAGE_CODES.has(d.code));
    const reached = new Set(ownMessages.map((d) => d.code));
    // A circular import needs a program of several files: test/unit/runtime/imports.test.ts checks both its forms.
    // An internal error is a bug no input reaches on purpose: ./runtime-stops.test.ts checks its frames.
    const unreachable = new Set(['runtime/import-cycle', 'internal/error']);
    const codesNotReached = [...OWN_MESSAGE_CODES].filter((c) => !reached.has(c) && !unreachable.has(c));
    const texts = [...new Set(ownMessages.map((d) => d.message))];
    // Each template, and each alternative of its `{one|other}` choices, must match a message the core really wrote:
    // a form of a message the catalog does not cover shows up as an untranslated message above, and a template no
    // message matches is either dead or spelled differently from the code.
    const formsNotReached = [...OWN_WARNINGS, ...OWN_NOTES, ...OWN_ERRORS, ...RUNTIME_STOPS_ZH]
      .flatMap(([english]) => templateForms(english))
      .filter((form) => {
        const catalog = new CompiledCatalog({ sentences: [[form, '-']], fragments: [] });
        return !texts.some((t) => catalog.translateWhole(t) !== undefined);
      });
    assert.deepEqual({ codesNotReached, formsNotReached }, { codesNotReached: [], formsNotReached: [] });
  });

  it('leaves no English description inside the message of a run that stopped (not run, not modelled, a budget)', () => {
    const stops = corpus.diagnostics.filter(({ diagnostic: d }) =>
      ['runtime/not-run', 'runtime/not-modelled', 'runtime/budget'].includes(d.code ?? ''),
    );
    assert.ok(stops.length >= 50, `only ${stops.length} stopped runs in the corpus`);
    const leftovers = stops.flatMap(({ origin, diagnostic }) => {
      const zh = localizeDiagnostic(diagnostic, 'zh-cn').message;
      const words = descriptionProse(zh);
      return words.length > 0 ? [`${origin}: ${zh} (${words.join(' ')})`] : [];
    });
    assert.deepEqual(leftovers, []);
  });

  it("keeps 'en' the identity", () => {
    for (const { diagnostic } of corpus.diagnostics) assert.equal(localizeDiagnostic(diagnostic, 'en'), diagnostic);
    for (const { reduction } of corpus.reductions) assert.equal(localizeReduction(reduction, 'en'), reduction);
    for (const s of all) assert.equal(localizeText(s.english, 'en'), s.english);
  });
});

/** English words no code description is made of: a description with one of them is prose. */
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'of', 'on', 'to', 'with', 'without', 'for', 'in', 'by', 'is', 'are']);

/**
 * The English prose left in a translated stop message: outside quotes and `Loss Lens`, a function word, or two plain
 * words in a row (`complex numbers`) other than a statement such as `import mypackage`. Code (`torch.fft.fft`,
 * `open()`, `F.pad(mode='circular')`) never counts, so the check is stricter than {@link translationProblems}'s
 * four-word runs, which a short untranslated description would pass.
 */
function descriptionProse(text: string): string[] {
  const plain = (w: string | undefined): boolean => w !== undefined && /^[A-Za-z]+$/.test(w);
  // Words are next to each other only with spaces between them: `PyTorch 会引发 TypeError` is two names.
  return text
    .replace(/Loss Lens/g, ' ')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, ' ')
    .split(/[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+/)
    .flatMap((run) => {
      const words = run.split(/\s+/).filter((w) => w !== '');
      return words.filter(
        (w, k) =>
          plain(w) &&
          (FUNCTION_WORDS.has(w.toLowerCase()) ||
            (plain(words[k + 1]) && w !== 'import') ||
            (plain(words[k - 1]) && words[k - 1] !== 'import')),
      );
    });
}

/**
 * What a translated text must satisfy: it holds Chinese, it leaves no English prose behind (code, PyTorch names and
 * quoted PyTorch messages may stay), and every number of the English survives.
 */

const CJK = /[\u4e00-\u9fff]/;

/** True when the text holds at least one Chinese character. */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

/** The text without its code spans and quotations: backticks, "double", “curly” and 'single' quoted spans. */
function withoutCode(text: string): string {
  return text
    .replace(/`[^`]*`/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/“[^”]*”/g, ' ')
    .replace(/(^|[^A-Za-z])'[^']*'/g, '$1 ');
}

/** A word of plain English prose: letters only, maybe followed by one punctuation mark. */
const PLAIN_WORD = /^[A-Za-z]+[,;:.]?$/;

/**
 * Runs of four or more plain English words in a row, outside code and quotes: English prose left untranslated.
 * Code such as `target.long()`, `reduction='mean'` or `[N, C]` never counts as a plain word.
 */
export function englishLeftovers(text: string): string[] {
  const runs: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    // `anchor, positive, negative, var` is a list of names, not a sentence.
    const list = run.slice(0, -1).every((w) => w.endsWith(','));
    if (run.length >= 4 && !list) runs.push(run.join(' '));
    run = [];
  };
  for (const token of withoutCode(text).split(/\s+/)) {
    if (PLAIN_WORD.test(token)) {
      run.push(token);
    } else {
      flush();
    }
  }
  flush();
  return runs;
}

/** The numbers written in a text (digits with an optional decimal part). */
export function numbersOf(text: string): string[] {
  return [...new Set(text.match(/\d+(?:\.\d+)?/g) ?? [])];
}

/**
 * What must reach the translation verbatim: shapes (`[2, 5, 3]`), snake_case names (`ignore_index`) and calls
 * (`target.long()`, `input.permute(0, 2, 1)`).
 */
export function codeOf(text: string): string[] {
  const shapes = text.match(/\[[\d, ]*\]/g) ?? [];
  const names = text.match(/\b[A-Za-z]\w*_\w+\b/g) ?? [];
  const calls = text.match(/[\w.]+\.\w+\([^()]*\)/g) ?? [];
  return [...new Set([...shapes, ...names, ...calls])];
}

/** Problems of one translated text, empty when it is a good translation of `english`. */
export function translationProblems(english: string, translated: string): string[] {
  const problems: string[] = [];
  if (!hasCjk(translated)) problems.push('no Chinese');
  for (const run of englishLeftovers(translated)) problems.push(`English left: "${run}"`);
  const missing = numbersOf(english).filter((n) => !numbersOf(translated).includes(n) && !translated.includes(n));
  if (missing.length > 0) problems.push(`numbers lost: ${missing.join(', ')}`);
  const lostCode = codeOf(english).filter((c) => !translated.includes(c));
  if (lostCode.length > 0) problems.push(`code lost: ${lostCode.join(' ')}`);
  return problems;
}

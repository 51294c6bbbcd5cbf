/**
 * The gettext-style matcher behind the localization layer: English sentence templates with placeholders, parsed
 * once, matched sentence by sentence against the texts the core produces, and filled into the translated template.
 *
 * Template syntax (the same on both sides of a catalog entry):
 * - `{name}`: a placeholder. It captures the variable part (a number, a shape such as `[2, 5, 3]`, a PyTorch name,
 *   code such as `.permute(0, 2, 1)`) and the translation repeats it verbatim (or as its fragment translation, see
 *   {@link Catalog.fragments}). A value is as short as possible (the next literal text ends it), has balanced
 *   brackets (so `{input}, {fn}` splits `[3, 4, 2], nll_loss` after the shape, not inside it) and never crosses a
 *   sentence boundary (a template ending in a placeholder cannot swallow the sentence after it).
 * - `{name:id}`, `{name:ids}`, `{name:num}`: a placeholder that only matches one PyTorch name (`cross_entropy`,
 *   `nn.BCELoss`), a comma-separated list of names, or one number; the translation still writes `{name}`. Typed
 *   placeholders keep a generic template such as `Add {missing:ids}.` from swallowing an unrelated sentence.
 * - `{name:raw}`: any text, unbalanced brackets included (a quoted token such as `'('`).
 * - `{one|other}`: literal alternatives that need no counterpart in the translation (English plurals: `sample|samples`).
 * - `\{` and `\}`: literal braces where the text around would read as a placeholder (`{objects}`).
 * - everything else is literal, matched exactly (JSON such as `{"loss": "mse_loss"}` needs no escaping).
 *
 * Matching is a small backtracking search over the literal runs (found with `indexOf`), not a regular expression per
 * entry: compiling hundreds of expressions would cost more than everything else the first time a batch is localized.
 */

/** English template → translated template. */
export type CatalogEntry = readonly [english: string, translated: string];

/** A language's catalog. */
export interface Catalog {
  /** Whole texts and single sentences. A whole-text entry wins over translating the text sentence by sentence. */
  readonly sentences: readonly CatalogEntry[];
  /**
   * English words that reach a sentence through a placeholder (`the end of the line`, `row 3`, `the target`): a
   * captured value that matches one of these whole is translated too; any other value is kept verbatim.
   */
  readonly fragments: readonly CatalogEntry[];
}

/** What a typed placeholder may hold (see the module comment). */
export type PlaceholderType = 'id' | 'ids' | 'num' | 'raw';

/** One piece of a parsed template. */
export type TemplateToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'placeholder'; readonly name: string; readonly type?: PlaceholderType }
  | { readonly kind: 'choice'; readonly options: readonly string[] };

/**
 * `\{`, `{name}`, `{name:type}` or `{a|b}`; JSON braces such as `{"loss": ...}` contain quotes or colons and stay
 * literal.
 */
const TOKEN = /\\([{}])|\{([A-Za-z_][A-Za-z0-9_]*)(?::(id|ids|num|raw))?\}|\{([^{}"':]*\|[^{}"':]*)\}/g;

/** Parses a template into literals, placeholders and choices. */
export function parseTemplate(template: string): TemplateToken[] {
  const tokens: TemplateToken[] = [];
  let last = 0;
  const literal = (text: string): void => {
    const prev = tokens[tokens.length - 1];
    if (prev?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: prev.text + text };
    else tokens.push({ kind: 'literal', text });
  };
  for (const m of template.matchAll(TOKEN)) {
    if (m.index > last) literal(template.slice(last, m.index));
    if (m[1] !== undefined) literal(m[1]);
    else if (m[2] !== undefined) {
      tokens.push({ kind: 'placeholder', name: m[2], ...(m[3] ? { type: m[3] as PlaceholderType } : {}) });
    } else tokens.push({ kind: 'choice', options: m[4]!.split('|') });
    last = m.index + m[0].length;
  }
  if (last < template.length) literal(template.slice(last));
  return tokens;
}

/** The placeholder names of a template, in order. */
export function placeholderNames(template: string): string[] {
  return parseTemplate(template).flatMap((t) => (t.kind === 'placeholder' ? [t.name] : []));
}

/** A template as an anchored pattern over a whole line: a placeholder is any text (captured by name), a choice one of its forms. */
export function templatePattern(template: string): RegExp {
  const escape = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let source = '';
  for (const t of parseTemplate(template)) {
    if (t.kind === 'literal') source += escape(t.text);
    else if (t.kind === 'choice') source += `(?:${t.options.map(escape).join('|')})`;
    else source += `(?<${t.name}>.*?)`;
  }
  return new RegExp(`^${source}$`);
}

/** What a typed placeholder's whole value must look like. */
const TYPED: Readonly<Record<Exclude<PlaceholderType, 'raw'>, RegExp>> = {
  id: /^[A-Za-z_][\w.]*$/,
  ids: /^[\w."'-]+(?:, [\w."'-]+)*$/,
  num: /^[-+]?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|inf|nan)$/,
};

/** A sentence boundary inside a text: `.`, `?` or `!`, whitespace, then a letter, a backtick, a quote or a bracket. */
const BOUNDARY = /[.?!]\s+(?=[A-Za-z`'"([])/g;

/** The text being matched, with where its sentence boundaries are (computed once per text). */
interface Subject {
  readonly text: string;
  /** Positions of the `.`/`?`/`!` that end a sentence, ascending. */
  readonly boundaries: readonly number[];
}

function subjectOf(text: string): Subject {
  const boundaries: number[] = [];
  for (const m of text.matchAll(BOUNDARY)) boundaries.push(m.index);
  return { text, boundaries };
}

/** True when `text[from, to)` has balanced `[]`/`()` and no sentence boundary. */
function plainValue(s: Subject, from: number, to: number): boolean {
  for (const b of s.boundaries) {
    if (b >= to) break;
    if (b >= from) return false;
  }
  const closers: number[] = [];
  for (let i = from; i < to; i++) {
    const ch = s.text.charCodeAt(i);
    if (ch === 0x5b) closers.push(0x5d);
    else if (ch === 0x28) closers.push(0x29);
    else if ((ch === 0x5d || ch === 0x29) && closers.pop() !== ch) return false;
  }
  return closers.length === 0;
}

function validValue(s: Subject, type: PlaceholderType | undefined, from: number, to: number): boolean {
  if (to <= from) return false;
  if (type === 'raw') return true;
  if (type) return TYPED[type].test(s.text.slice(from, to));
  return plainValue(s, from, to);
}

/** One parsed catalog entry. */
interface Compiled {
  readonly tokens: readonly TemplateToken[];
  /** The translation, split at its placeholders: `parts[0] + value(slots[0]) + parts[1] + ...`. */
  readonly parts: readonly string[];
  readonly slots: readonly number[];
  /** Literal characters: more literal text means a more specific template, tried first. */
  readonly weight: number;
  /** The literal runs in order, with whether the template starts and ends with one: a cheap test before matching. */
  readonly chunks: readonly string[];
  readonly anchoredStart: boolean;
  readonly anchoredEnd: boolean;
  /** Position in the catalog: the tie-break between equally specific entries. */
  readonly order: number;
}

/**
 * True when the template's literal runs occur in the text in order (at its start and end where the template starts or
 * ends with one). False for nearly every template that does not match, for the price of a few `indexOf`.
 */
function mayMatch(c: Compiled, text: string): boolean {
  const { chunks } = c;
  if (chunks.length === 0) return true;
  if (c.anchoredStart && !text.startsWith(chunks[0]!)) return false;
  if (c.anchoredEnd && !text.endsWith(chunks[chunks.length - 1]!)) return false;
  let at = 0;
  for (const chunk of chunks) {
    const found = text.indexOf(chunk, at);
    if (found < 0) return false;
    at = found + chunk.length;
  }
  return true;
}

/**
 * The placeholder values when the whole text matches the template, else undefined. Each placeholder takes the
 * shortest valid value after which the rest of the template still matches (backtracking to longer ones if not).
 */
function matchTemplate(c: Compiled, s: Subject): string[] | undefined {
  const values: string[] = [];
  const { tokens } = c;
  const text = s.text;
  const step = (k: number, pos: number): boolean => {
    if (k === tokens.length) return pos === text.length;
    const token = tokens[k]!;
    if (token.kind === 'literal') return text.startsWith(token.text, pos) && step(k + 1, pos + token.text.length);
    if (token.kind === 'choice') {
      return token.options.some((o) => text.startsWith(o, pos) && step(k + 1, pos + o.length));
    }
    const slot = values.length;
    const next = tokens[k + 1];
    const accept = (end: number): boolean => {
      if (!validValue(s, token.type, pos, end)) return false;
      values[slot] = text.slice(pos, end);
      if (step(k + 1, end)) return true;
      values.length = slot;
      return false;
    };
    if (!next) return accept(text.length);
    if (next.kind === 'literal') {
      for (let end = text.indexOf(next.text, pos + 1); end >= 0; end = text.indexOf(next.text, end + 1)) {
        if (accept(end)) return true;
      }
      return false;
    }
    for (let end = pos + 1; end <= text.length; end++) if (accept(end)) return true;
    return false;
  };
  return step(0, 0) ? values : undefined;
}

function compileEntry([english, translated]: CatalogEntry, order: number): Compiled {
  const tokens = parseTemplate(english);
  const names: string[] = [];
  const chunks: string[] = [];
  let weight = 0;
  for (const t of tokens) {
    if (t.kind === 'literal') {
      weight += t.text.length;
      chunks.push(t.text);
    } else if (t.kind === 'placeholder') {
      if (names.includes(t.name)) throw new Error(`catalog: placeholder {${t.name}} repeated in "${english}"`);
      names.push(t.name);
    } else {
      weight += Math.min(...t.options.map((o) => o.length));
    }
  }
  const parts: string[] = [];
  const slots: number[] = [];
  let current = '';
  for (const t of parseTemplate(translated)) {
    if (t.kind === 'placeholder') {
      const slot = names.indexOf(t.name);
      if (slot < 0) throw new Error(`catalog: {${t.name}} is not a placeholder of "${english}"`);
      parts.push(current);
      slots.push(slot);
      current = '';
    } else if (t.kind === 'literal') {
      current += t.text;
    } else {
      throw new Error(`catalog: a translation cannot hold a choice: "${translated}"`);
    }
  }
  parts.push(current);
  const anchoredStart = tokens[0]?.kind === 'literal';
  const anchoredEnd = tokens[tokens.length - 1]?.kind === 'literal';
  return { tokens, parts, slots, weight, chunks, anchoredStart, anchoredEnd, order };
}

/** The text of a template made of literals only (escapes resolved), else undefined. */
function literalText(template: string): string | undefined {
  const tokens = parseTemplate(template);
  if (tokens.some((t) => t.kind !== 'literal')) return undefined;
  return tokens.map((t) => (t.kind === 'literal' ? t.text : '')).join('');
}

/**
 * The whole words of a template: the whitespace-delimited words inside its literal runs that no placeholder or choice
 * touches, so a text the template matches has each of them as a word too.
 */
function wholeWords(tokens: readonly TemplateToken[]): string[] {
  const words: string[] = [];
  tokens.forEach((t, k) => {
    if (t.kind !== 'literal') return;
    const parts = t.text.split(/\s+/);
    parts.forEach((w, i) => {
      if (w === '') return;
      const touchesBefore = i === 0 && k > 0;
      const touchesAfter = i === parts.length - 1 && k < tokens.length - 1;
      if (!touchesBefore && !touchesAfter) words.push(w);
    });
  });
  return words;
}

const byWeight = (a: Compiled, b: Compiled): number => b.weight - a.weight || a.order - b.order;

/** A catalog prepared for matching. */
export class CompiledCatalog {
  /** Entries without placeholders, by their exact text. */
  private readonly exact = new Map<string, string>();
  /**
   * Entries with placeholders, by the rarest of their whole words: a text can only match the entries filed under one
   * of its own words, so a lookup costs one map access per word of the text.
   */
  private readonly byWord = new Map<string, Compiled[]>();
  /** Entries without a whole word (none in practice), tried against every text. */
  private readonly everywhere: Compiled[] = [];
  private readonly fragmentExact = new Map<string, string>();
  private readonly fragmentPatterns: Compiled[] = [];
  private readonly cache = new Map<string, string>();
  /** How many sentence entries the catalog holds. */
  readonly size: number;

  constructor(catalog: Catalog) {
    this.size = catalog.sentences.length;
    const patterns: Compiled[] = [];
    for (const [order, entry] of catalog.sentences.entries()) {
      const compiled = compileEntry(entry, order);
      const literalOnly = literalText(entry[0]);
      if (literalOnly !== undefined) {
        if (this.exact.has(literalOnly)) throw new Error(`catalog: "${entry[0]}" appears twice`);
        this.exact.set(literalOnly, compiled.parts.join(''));
      } else {
        patterns.push(compiled);
      }
    }
    const frequency = new Map<string, number>();
    const wordsOf = patterns.map((c) => [...new Set(wholeWords(c.tokens))]);
    for (const words of wordsOf) for (const w of words) frequency.set(w, (frequency.get(w) ?? 0) + 1);
    patterns.forEach((c, k) => {
      const words = wordsOf[k]!;
      if (words.length === 0) {
        this.everywhere.push(c);
        return;
      }
      const rarest = words.reduce((best, w) => (frequency.get(w)! < frequency.get(best)! ? w : best));
      this.byWord.set(rarest, [...(this.byWord.get(rarest) ?? []), c]);
    });
    for (const [order, entry] of catalog.fragments.entries()) {
      const compiled = compileEntry(entry, order);
      const literalOnly = literalText(entry[0]);
      if (literalOnly !== undefined) this.fragmentExact.set(literalOnly, compiled.parts.join(''));
      else this.fragmentPatterns.push(compiled);
    }
    this.fragmentPatterns.sort(byWeight);
  }

  /** Translates a text: whole, else sentence by sentence; what no entry matches stays as it was. */
  translate(text: string): string {
    if (text === '') return text;
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const result = this.translateUncached(text);
    // Diagnostics repeat the same few texts; a bounded memo keeps a long session from growing without end.
    if (this.cache.size >= 4096) this.cache.clear();
    this.cache.set(text, result);
    return result;
  }

  private translateUncached(text: string): string {
    const whole = this.matchOne(text);
    if (whole !== undefined) return whole;
    const units = splitSentences(text);
    if (units.length <= 1) return text;
    const pieces: { text: string; separator: string }[] = [];
    let i = 0;
    while (i < units.length) {
      let matched = false;
      // The longest run of sentences an entry matches wins (an entry may span a split that is not a real boundary).
      for (let j = units.length - 1; j >= i && !matched; j--) {
        if (i === 0 && j === units.length - 1) continue;
        const translated = this.matchOne(joinUnits(units, i, j));
        if (translated !== undefined) {
          pieces.push({ text: translated, separator: units[j]!.separator });
          i = j + 1;
          matched = true;
        }
      }
      if (!matched) {
        pieces.push({ text: units[i]!.text, separator: units[i]!.separator });
        i++;
      }
    }
    return joinPieces(pieces);
  }

  /** The translation of a text one entry matches whole, else undefined (nothing translated piecemeal). */
  translateWhole(text: string): string | undefined {
    return this.matchOne(text);
  }

  /**
   * Translates a description that nests others (`the result of calling the output of nn.Linear with these arguments`):
   * the sentence or fragment entry that matches it whole, each placeholder's value translated the same way, so every
   * level of the nesting comes out translated; what no entry matches stays as it was (code, names).
   */
  translateDescription(text: string): string {
    return this.describe(text, 0);
  }

  private describe(text: string, depth: number): string {
    // Descriptions nest a few levels; the bound keeps a pathological one cheap.
    if (depth > 12 || !/[A-Za-z]{2}/.test(text)) return text;
    const value = (v: string): string => this.describe(v, depth + 1);
    return this.matchOne(text, value) ?? this.matchFragment(text, value) ?? text;
  }

  /** The translation of a text that one entry matches whole, if any. */
  private matchOne(text: string, translateValue = (v: string): string => this.fragment(v)): string | undefined {
    const exact = this.exact.get(text);
    if (exact !== undefined) return exact;
    const candidates = this.candidates(text);
    let subject: Subject | undefined;
    for (const c of candidates) {
      if (!mayMatch(c, text)) continue;
      subject ??= subjectOf(text);
      const values = matchTemplate(c, subject);
      if (values) return fill(c, values, translateValue);
    }
    return undefined;
  }

  /** The translation of a text that one fragment entry matches whole, if any. */
  private matchFragment(text: string, translateValue: (v: string) => string): string | undefined {
    const exact = this.fragmentExact.get(text);
    if (exact !== undefined) return exact;
    let subject: Subject | undefined;
    for (const f of this.fragmentPatterns) {
      if (!mayMatch(f, text)) continue;
      subject ??= subjectOf(text);
      const values = matchTemplate(f, subject);
      if (values) return fill(f, values, translateValue);
    }
    return undefined;
  }

  /** The entries filed under the words of a text, most specific first. */
  private candidates(text: string): Compiled[] {
    const found = [...this.everywhere];
    const seen = new Set<string>();
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      const ch = i < text.length ? text.charCodeAt(i) : 0x20;
      if (ch !== 0x20 && ch !== 0x0a && ch !== 0x09) continue;
      if (i > start) {
        const word = text.slice(start, i);
        if (!seen.has(word)) {
          seen.add(word);
          const filed = this.byWord.get(word);
          if (filed) for (const c of filed) found.push(c);
        }
      }
      start = i + 1;
    }
    return found.length > 1 ? found.sort(byWeight) : found;
  }

  /** A placeholder's value, translated when it is one of the known English fragments. */
  private fragment(value: string): string {
    const exact = this.fragmentExact.get(value);
    if (exact !== undefined) return exact;
    if (!/[A-Za-z]{2}/.test(value)) return value;
    let subject: Subject | undefined;
    for (const f of this.fragmentPatterns) {
      if (!mayMatch(f, value)) continue;
      subject ??= subjectOf(value);
      const values = matchTemplate(f, subject);
      if (values) return fill(f, values, (v) => v);
    }
    return value;
  }
}

function fill(c: Compiled, values: readonly string[], translateValue: (v: string) => string): string {
  let out = c.parts[0]!;
  for (let k = 0; k < c.slots.length; k++) {
    const value = translateValue(values[c.slots[k]!]!);
    let next = c.parts[k + 1]!;
    // Chinese puts no space between two Chinese characters: the space a translation keeps beside a placeholder (right
    // for code such as `不支持 torch.fft.fft`) goes where the value is itself a Chinese fragment (`不支持复数`).
    if (WIDE.test(value.charAt(0)) && out.endsWith(' ') && WIDE.test(out.charAt(out.length - 2))) {
      out = out.slice(0, -1);
    }
    if (WIDE.test(value.charAt(value.length - 1)) && next.startsWith(' ') && WIDE.test(next.charAt(1))) {
      next = next.slice(1);
    }
    out += value + next;
  }
  return out;
}

/** One sentence of a text and the whitespace that followed it. */
export interface SentenceUnit {
  readonly text: string;
  readonly separator: string;
}

/** Words whose period does not end a sentence. */
const ABBREVIATIONS = /(?:^|[\s(])(?:e\.g|i\.e|vs|cf|etc)$/;

/**
 * Splits a text after `.`, `?` or `!` followed by whitespace, and at line breaks. Splits inside a sentence
 * (`[1., 2.]`, `x. float`) are harmless: the matcher tries runs of units, longest first. Periods of `e.g.`/`i.e.`
 * never split, and a period needs whitespace after it, so `x.float()` and `0.5` stay whole.
 */
export function splitSentences(text: string): SentenceUnit[] {
  const units: SentenceUnit[] = [];
  const boundary = /([.?!])([ \t]+)(?=\S)|\n+/g;
  let start = 0;
  for (const m of text.matchAll(boundary)) {
    const end = m[1] !== undefined ? m.index + 1 : m.index;
    const separator = m[1] !== undefined ? m[2]! : m[0];
    if (m[1] === '.' && ABBREVIATIONS.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
    units.push({ text: text.slice(start, end), separator });
    start = end + separator.length;
  }
  units.push({ text: text.slice(start), separator: '' });
  return units.filter((u, k) => u.text !== '' || k === units.length - 1);
}

function joinUnits(units: readonly SentenceUnit[], from: number, to: number): string {
  let s = units[from]!.text;
  for (let k = from + 1; k <= to; k++) s += units[k - 1]!.separator + units[k]!.text;
  return s;
}

const WIDE = /[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]/;

/** Joins translated and untranslated sentences: after Chinese punctuation no space is needed, English keeps it. */
function joinPieces(pieces: readonly { text: string; separator: string }[]): string {
  let out = '';
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    out += piece.text;
    if (k === pieces.length - 1) break;
    const sep = piece.separator;
    // Full-width punctuation carries its own spacing; an English sentence keeps its space before what follows.
    out += !sep.includes('\n') && WIDE.test(piece.text.slice(-1)) ? '' : sep;
  }
  return out;
}

/**
 * A JSON parser that keeps what `JSON.parse` throws away and Loss Lens needs: each value's source range (for
 * line:column errors) and each number's spelling (`1` is an integer, `1.0` and `1e0` are floats — the `torch.tensor`
 * rule). It also accepts `NaN`, `Infinity` and `-Infinity`, which Python's `json.dump` writes.
 */
import { LossLensError, type SourceRange } from '../diagnostics';

/** A parsed JSON value with its place in the text. */
export type JsonNode =
  | { readonly kind: 'number'; readonly value: number; readonly isFloat: boolean; readonly range: SourceRange }
  | { readonly kind: 'string'; readonly value: string; readonly range: SourceRange }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly range: SourceRange }
  | { readonly kind: 'null'; readonly range: SourceRange }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[]; readonly range: SourceRange }
  | {
      readonly kind: 'object';
      readonly entries: readonly { readonly key: string; readonly keyRange: SourceRange; readonly value: JsonNode }[];
      readonly range: SourceRange;
    };

/** Parses JSON text into nodes with ranges. Throws LossLensError (`json/syntax`) with the place of the first error. */
export function parseJson(text: string): JsonNode {
  return new Parser(text).parseDocument();
}

/**
 * The error for a key written twice in one object: at the second, naming the first. Shared with the streaming
 * reader, which reports it in the same place.
 */
export function duplicateKeyError(key: string, first: SourceRange, second: SourceRange): LossLensError {
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return new LossLensError({
    code: 'json/duplicate-key',
    message: `Duplicate key "${shown}" at ${second.line}:${second.column}: it is already at ${first.line}:${first.column}.`,
    explanation: "A JSON object holds each key once: Python's json.load keeps the last value without a word, and other readers keep the first.",
    hint: 'Remove one of the two members, or rename one.',
    ...second,
    data: { key: shown },
  });
}

/** Finds an object's member by key. */
export function member(node: JsonNode, key: string): JsonNode | undefined {
  if (node.kind !== 'object') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value;
  return undefined;
}

class Parser {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('json/empty', 'The JSON file is empty.', 'Write an object such as {"loss": "cross_entropy", "input": [[...]], "target": [...]}.');
    // Objects and arrays nest; an explicit stack keeps deep inputs from overflowing the call stack.
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('json/syntax', `Unexpected ${this.describe()} after the end of the JSON value.`, 'Remove the extra text or wrap the values in one object.');
    return value;
  }

  private parseValue(depth: number): JsonNode {
    if (depth > 512) this.fail('json/depth', 'JSON nested more than 512 levels deep.', 'Tensors have at most a few dimensions; check the brackets.');
    this.skipSpace();
    const start = this.here();
    const ch = this.text[this.pos];
    if (ch === '{') return this.parseObject(start, depth);
    if (ch === '[') return this.parseArray(start, depth);
    if (ch === '"') {
      const value = this.parseString();
      return { kind: 'string', value, range: this.rangeFrom(start) };
    }
    if (ch === '-' || ch === '+' || (ch !== undefined && ch >= '0' && ch <= '9') || ch === 'N' || ch === 'I') return this.parseNumber(start);
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.advance(word.length);
        return { ...node, range: this.rangeFrom(start) } as JsonNode;
      }
    }
    if (ch === undefined) this.fail('json/syntax', 'The JSON ends where a value was expected.', 'Complete the value or close the open brackets.');
    this.fail('json/syntax', `Unexpected ${this.describe()} where a value was expected.`, 'JSON values are numbers, strings, true/false/null, [arrays] or {objects}.');
  }

  private parseObject(start: Position, depth: number): JsonNode {
    this.advance(1);
    const entries: { key: string; keyRange: SourceRange; value: JsonNode }[] = [];
    const seen = new Map<string, SourceRange>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.advance(1);
      return { kind: 'object', entries, range: this.rangeFrom(start) };
    }
    for (;;) {
      this.skipSpace();
      const keyStart = this.here();
      if (this.text[this.pos] !== '"') this.fail('json/syntax', `Expected a quoted key, found ${this.describe()}.`, 'Object keys are strings in double quotes, e.g. "input".');
      const key = this.parseString();
      const keyRange = this.rangeFrom(keyStart);
      const earlier = seen.get(key);
      if (earlier) throw duplicateKeyError(key, earlier, keyRange);
      seen.set(key, keyRange);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('json/syntax', `Expected ':' after the key "${key}", found ${this.describe()}.`, 'Write "key": value.');
      this.advance(1);
      const value = this.parseValue(depth + 1);
      entries.push({ key, keyRange, value });
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.advance(1);
        continue;
      }
      if (ch === '}') {
        this.advance(1);
        return { kind: 'object', entries, range: this.rangeFrom(start) };
      }
      this.fail('json/brackets', `Expected ',' or '}' in the object opened at ${start.line}:${start.column}, found ${this.describe()}.`, 'Separate members with commas and close the object with }.');
    }
  }

  private parseArray(start: Position, depth: number): JsonNode {
    this.advance(1);
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.advance(1);
      return { kind: 'array', items, range: this.rangeFrom(start) };
    }
    for (;;) {
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.advance(1);
        continue;
      }
      if (ch === ']') {
        this.advance(1);
        return { kind: 'array', items, range: this.rangeFrom(start) };
      }
      this.fail('json/brackets', `Expected ',' or ']' in the list opened at ${start.line}:${start.column}, found ${this.describe()}.`, 'Separate values with commas and close the list with ].');
    }
  }

  private parseString(): string {
    const start = this.here();
    this.advance(1);
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined || ch === '\n') {
        this.pos = Math.min(this.pos, this.text.length);
        this.failAt(start, 'json/syntax', 'A string is not closed.', 'Close the string with a double quote.');
      }
      if (ch === '"') {
        this.advance(1);
        return out;
      }
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (next !== undefined && next in simple) {
          out += simple[next];
          this.advance(2);
          continue;
        }
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.advance(6);
          continue;
        }
        this.fail('json/syntax', 'Invalid escape in a string.', 'Use \\" \\\\ \\n \\t or \\uXXXX.');
      }
      out += ch;
      this.advance(1);
    }
  }

  private parseNumber(start: Position): JsonNode {
    const rest = this.text.slice(this.pos, this.pos + 64);
    const special = /^([+-]?)(NaN|Infinity)/.exec(rest);
    if (special) {
      this.advance(special[0].length);
      const value = special[2] === 'NaN' ? NaN : special[1] === '-' ? -Infinity : Infinity;
      return { kind: 'number', value, isFloat: true, range: this.rangeFrom(start) };
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m || m[0] === '-') this.fail('json/syntax', `Invalid number ${this.describe()}.`, 'Write numbers like 1, -2.5 or 1e-3 (a leading + or a bare . is not JSON).');
    this.advance(m[0].length);
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9.eE]/.test(next)) this.fail('json/syntax', `Invalid number ${this.describe()}.`, 'Write numbers like 1, -2.5 or 1e-3.');
    return { kind: 'number', value: Number(m[0]), isFloat: m[1] !== undefined || m[2] !== undefined, range: this.rangeFrom(start) };
  }

  private skipSpace(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === '\n') {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\uFEFF') {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private advance(n: number): void {
    this.pos += n;
  }

  private here(): Position {
    return { line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private rangeFrom(start: Position): SourceRange {
    return { line: start.line, column: start.column, endLine: this.line, endColumn: this.pos - this.lineStart + 1 };
  }

  private describe(): string {
    const ch = this.text[this.pos];
    if (ch === undefined) return 'the end of the file';
    const token = /^[^\s,\]}[{:]{1,20}/.exec(this.text.slice(this.pos))?.[0] ?? ch;
    return `'${token}'`;
  }

  private fail(code: string, message: string, hint: string): never {
    this.failAt(this.here(), code, message, hint);
  }

  private failAt(at: Position, code: string, message: string, hint: string): never {
    throw new LossLensError({ code, message, explanation: 'The file is not valid JSON at this place.', hint, line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 });
  }
}

interface Position {
  line: number;
  column: number;
}

/**
 * `str.format` templates: parsing `'{} {:.3f} {name} {0[1]} {x.attr!r:>{width}}'` into literal text and replacement
 * fields, mirroring CPython's `Objects/stringlib/unicode_format.h` (MarkupIterator, FieldNameIterator, auto-numbering).
 */
import { PyFormatError } from './errors';

/** One step after the first name of a field: `.attr` or `[key]` (`[1]` → number, `[name]` → string). */
export type FieldAccessor =
  { readonly kind: 'attr'; readonly name: string } | { readonly kind: 'index'; readonly key: number | string };

/** A part of a parsed template. */
export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | {
      readonly kind: 'field';
      /** Positional index (auto-numbered `{}` already resolved) or keyword name. */
      readonly arg: number | string;
      readonly accessors: readonly FieldAccessor[];
      /** `!r`, `!s`, `!a`, or null. */
      readonly conversion: 'r' | 's' | 'a' | null;
      /** The format spec, itself a template: nested fields (`{:{width}.{prec}f}`) are resolved before use. */
      readonly spec: readonly TemplatePart[];
    };

interface AutoNumber {
  mode: 'none' | 'auto' | 'manual';
  next: number;
}

/**
 * Parses a `str.format` template. Auto-numbered fields get their index here, in the order CPython assigns them
 * (a field before the fields nested in its spec). Raises CPython's ValueErrors: `Single '}' encountered in format
 * string`, `cannot switch from manual field specification to automatic field numbering`, `Max string recursion
 * exceeded`, ….
 */
export function parseFormatTemplate(template: string): TemplatePart[] {
  return parseLevel(template, { mode: 'none', next: 0 }, 2);
}

function parseLevel(s: string, auto: AutoNumber, recursionLeft: number): TemplatePart[] {
  if (recursionLeft <= 0) throw new PyFormatError('ValueError', 'Max string recursion exceeded');
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (c === '}') {
      if (s[i + 1] === '}') {
        literal += '}';
        i += 2;
        continue;
      }
      throw new PyFormatError('ValueError', "Single '}' encountered in format string");
    }
    if (c !== '{') {
      literal += c;
      i++;
      continue;
    }
    if (s[i + 1] === '{') {
      literal += '{';
      i += 2;
      continue;
    }
    // a replacement field: find its closing brace, counting nested braces
    let depth = 1;
    let j = i + 1;
    let inSpec = false;
    while (j < n) {
      const d = s[j]!;
      if (d === '[' && !inSpec) {
        // an index in the field name may hold braces: skip to its ']'
        while (j < n && s[j] !== ']') j++;
        if (j >= n) break;
      } else if (d === ':' && depth === 1) inSpec = true;
      else if (d === '{') depth++;
      else if (d === '}') {
        depth--;
        if (depth === 0) break;
      }
      j++;
    }
    if (j >= n) {
      throw new PyFormatError(
        'ValueError',
        i + 1 >= n ? "Single '{' encountered in format string" : "expected '}' before end of string",
      );
    }
    if (literal !== '') {
      parts.push({ kind: 'literal', text: literal });
      literal = '';
    }
    parts.push(parseField(s.slice(i + 1, j), auto, recursionLeft));
    i = j + 1;
  }
  if (literal !== '') parts.push({ kind: 'literal', text: literal });
  return parts;
}

function parseField(body: string, auto: AutoNumber, recursionLeft: number): TemplatePart {
  // the field name ends at ':' or '!' outside brackets
  let k = 0;
  while (k < body.length) {
    const c = body[k]!;
    if (c === '{') throw new PyFormatError('ValueError', "unexpected '{' in field name");
    if (c === '[') {
      while (k < body.length && body[k] !== ']') k++;
      continue;
    }
    if (c === ':' || c === '!') break;
    k++;
  }
  const name = body.slice(0, k);
  let conversion: 'r' | 's' | 'a' | null = null;
  let specText = '';
  if (body[k] === '!') {
    if (k + 1 >= body.length)
      throw new PyFormatError('ValueError', 'end of string while looking for conversion specifier');
    const conv = body[k + 1]!;
    if (k + 2 < body.length && body[k + 2] !== ':') {
      throw new PyFormatError('ValueError', "expected ':' after conversion specifier");
    }
    if (conv !== 'r' && conv !== 's' && conv !== 'a') {
      throw new PyFormatError('ValueError', `Unknown conversion specifier ${conv}`);
    }
    conversion = conv;
    specText = body.slice(k + 3);
  } else if (body[k] === ':') {
    specText = body.slice(k + 1);
  }
  const { arg, accessors } = parseFieldName(name, auto);
  const spec = specText === '' ? [] : parseLevel(specText, auto, recursionLeft - 1);
  return { kind: 'field', arg, accessors, conversion, spec };
}

function parseFieldName(name: string, auto: AutoNumber): { arg: number | string; accessors: FieldAccessor[] } {
  let k = 0;
  while (k < name.length && name[k] !== '.' && name[k] !== '[') k++;
  const first = name.slice(0, k);
  let arg: number | string;
  if (first === '') {
    if (auto.mode === 'manual') {
      throw new PyFormatError(
        'ValueError',
        'cannot switch from manual field specification to automatic field numbering',
      );
    }
    auto.mode = 'auto';
    arg = auto.next++;
  } else if (/^[0-9]+$/.test(first)) {
    if (auto.mode === 'auto') {
      throw new PyFormatError(
        'ValueError',
        'cannot switch from automatic field numbering to manual field specification',
      );
    }
    auto.mode = 'manual';
    arg = Number(first);
  } else {
    arg = first;
  }
  const accessors: FieldAccessor[] = [];
  while (k < name.length) {
    if (name[k] === '.') {
      let e = k + 1;
      while (e < name.length && name[e] !== '.' && name[e] !== '[') e++;
      const attr = name.slice(k + 1, e);
      if (attr === '') throw new PyFormatError('ValueError', 'Empty attribute in format string');
      accessors.push({ kind: 'attr', name: attr });
      k = e;
    } else if (name[k] === '[') {
      const close = name.indexOf(']', k + 1);
      if (close < 0) throw new PyFormatError('ValueError', "Missing ']' in format string");
      const key = name.slice(k + 1, close);
      if (key === '') throw new PyFormatError('ValueError', 'Empty attribute in format string');
      accessors.push({ kind: 'index', key: /^[0-9]+$/.test(key) ? Number(key) : key });
      k = close + 1;
      if (k < name.length && name[k] !== '.' && name[k] !== '[') {
        throw new PyFormatError('ValueError', "Only '.' or '[' may follow ']' in format field specifier");
      }
    } else {
      break;
    }
  }
  return { arg, accessors };
}

/** What {@link renderFormatTemplate} asks the interpreter for. */
export interface TemplateHooks<V> {
  /** The argument `args[arg]` / `kwargs[arg]`, then each accessor applied (`getattr` / `__getitem__`). */
  field(arg: number | string, accessors: readonly FieldAccessor[]): V;
  /** `repr(v)`, `str(v)` or `ascii(v)` as a value to format. */
  convert(value: V, conversion: 'r' | 's' | 'a'): V;
  /** `format(v, spec)`, i.e. `type(v).__format__(v, spec)`. */
  format(value: V, spec: string): string;
}

/** Drives a parsed template: `template.format(*args, **kwargs)` given the interpreter's hooks. */
export function renderFormatTemplate<V>(parts: readonly TemplatePart[], hooks: TemplateHooks<V>): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'literal') {
      out += part.text;
      continue;
    }
    let value = hooks.field(part.arg, part.accessors);
    if (part.conversion !== null) value = hooks.convert(value, part.conversion);
    out += hooks.format(value, renderFormatTemplate(part.spec, hooks));
  }
  return out;
}

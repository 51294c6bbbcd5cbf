/**
 * `repr()` / `str()` of Python floats and ints.
 */
import { formatFloatShort } from '../../torch/print/decimal';

/**
 * Python's `float.__repr__` (and `float.__str__`, the same since Python 3.2): the shortest string that round-trips,
 * in scientific notation when the exponent is < -4 or ≥ 16 (`1e-05`, `1e+16`), otherwise positional with at least
 * one fractional digit (`100.0`, `-0.0`); `inf`, `-inf`, `nan`.
 */
export function pyFloatRepr(x: number): string {
  return formatFloatShort(x, 'r', 0, { addDot0: true });
}

/** Python's `int.__repr__` for an int held as a bigint (or a safe integer number). */
export function pyIntRepr(x: bigint | number): string {
  return typeof x === 'bigint' ? x.toString() : BigInt(x).toString();
}

/** Python's `repr(True)` / `repr(False)`. */
export function pyBoolRepr(x: boolean): string {
  return x ? 'True' : 'False';
}

/** Python's non-printable characters: categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs other than the ASCII space. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/**
 * Python's `str.__repr__`: single quotes unless the text contains a single quote and no double quote; escapes
 * `\\`, the chosen quote, `\n`, `\r`, `\t`, and characters `str.isprintable()` rejects as `\xNN`, `\uNNNN` or
 * `\UNNNNNNNN` (so `'\xa0'`, `'\u200b'`), keeping printable non-ASCII text (`'损失'`) as it is.
 */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      if (cp < 0x100) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

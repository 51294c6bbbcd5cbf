/**
 * Python's `repr()` of a str, shared by NumPy string-array printing here and by the runtime's own reprs.
 */

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

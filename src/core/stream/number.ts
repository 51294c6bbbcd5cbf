/**
 * Decimal numbers parsed straight from UTF-8 bytes, giving exactly what `Number(text)` gives.
 *
 * The fast path is Clinger's: when the decimal digits form an integer m < 2^53 and the decimal exponent e satisfies
 * |e| ≤ 22, both m and 10^|e| are exact doubles, so the one IEEE multiplication or division m·10^e (m/10^−e) is
 * correctly rounded, which is what `Number` returns. Everything else (17-digit mantissas, huge exponents) falls back to
 * `Number()` on the token's text, so the result is always bit-identical to `Number(text)`.
 */

/** 10^0 … 10^22: every one is an exact double. */
export const POWERS_OF_TEN: Float64Array = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** 2^53: integers below it are exact doubles, so digit accumulation below it is exact. */
export const EXACT_INTEGER_LIMIT = 9007199254740992;

/** The token's text from ASCII bytes (numbers are ASCII by construction). */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

/**
 * The value of a JSON number token `bytes[start, end)` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`, already validated),
 * equal to `Number(text)` bit for bit.
 */
export function decimalValue(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  const negative = bytes[p] === 45;
  if (negative) p++;
  let mantissa = 0;
  let b = bytes[p]!;
  while (p < end && b >= 48 && b <= 57) {
    mantissa = mantissa * 10 + (b - 48);
    b = bytes[++p]!;
  }
  let fractionDigits = 0;
  if (p < end && b === 46) {
    b = bytes[++p]!;
    while (p < end && b >= 48 && b <= 57) {
      mantissa = mantissa * 10 + (b - 48);
      fractionDigits++;
      b = bytes[++p]!;
    }
  }
  let exponent = 0;
  if (p < end && (b === 101 || b === 69)) {
    b = bytes[++p]!;
    let exponentNegative = false;
    if (b === 43 || b === 45) {
      exponentNegative = b === 45;
      b = bytes[++p]!;
    }
    while (p < end && b >= 48 && b <= 57) {
      // Past 10^6 the exponent alone decides (0 or Infinity); Number() handles it below.
      if (exponent < 1e6) exponent = exponent * 10 + (b - 48);
      b = bytes[++p]!;
    }
    if (exponentNegative) exponent = -exponent;
  }
  const e10 = exponent - fractionDigits;
  if (mantissa < EXACT_INTEGER_LIMIT) {
    let value: number | undefined;
    if (mantissa === 0) value = 0;
    else if (e10 === 0) value = mantissa;
    else if (e10 > 0 && e10 <= 22) value = mantissa * POWERS_OF_TEN[e10]!;
    else if (e10 < 0 && e10 >= -22) value = mantissa / POWERS_OF_TEN[-e10]!;
    else if (e10 > 22 && e10 <= 22 + 15) {
      // A short mantissa with a large exponent: m·10^(e−22) may still be an exact integer below 2^53.
      const scaled = mantissa * POWERS_OF_TEN[e10 - 22]!;
      if (scaled < EXACT_INTEGER_LIMIT) value = scaled * 1e22;
    }
    if (value !== undefined) return negative ? -value : value;
  }
  return Number(asciiText(bytes, start, end));
}

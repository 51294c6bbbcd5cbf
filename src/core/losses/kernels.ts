/**
 * Elementary functions for the losses' inner loops: `exp` of a non-positive argument and `log1p` on [0, 1], as
 * table-driven polynomials in plain double arithmetic.
 *
 * `Math.exp` and `Math.log1p` are calls out of the optimised code in V8 (tens of nanoseconds each), and a
 * cross-entropy over logits [512, 32000] takes 16 million exponentials. These take a few nanoseconds and stay within
 * 4·10⁻¹⁶ (relative) of the correctly rounded value, a few ulp: far inside the rtol 1e-5 at which every loss is
 * checked against PyTorch, whose float32 kernels are themselves only within ~1e-7.
 */

/** exp table: 2^(j/256) for j = 0…255 (Tang's method: exp(x) = 2^(k/256) · exp(r), |r| ≤ ln 2/512). */
const EXP_STEPS = 256;
const EXP_TABLE = Float64Array.from({ length: EXP_STEPS }, (_, j) => Math.pow(2, j / EXP_STEPS));
/** 2^m for m = −1100 … 0 (index m + 1100), for the integer part of the exponent; subnormals included. */
const POW2_OFFSET = 1100;
const POW2 = Float64Array.from({ length: POW2_OFFSET + 1 }, (_, i) => Math.pow(2, i - POW2_OFFSET));
const STEPS_PER_LN = EXP_STEPS / Math.LN2;
// ln 2 / 256 split in a high part with trailing zero bits (exact products with k) and the rest.
const LN2_HI = 6.9314718036912381649e-1 / EXP_STEPS;
const LN2_LO = 1.90821492927058770002e-10 / EXP_STEPS;
/** Adding and subtracting 1.5·2^52 rounds a double to the nearest integer (|t| < 2^51). */
const ROUND = 6755399441055744;

/**
 * e^x for x ≤ 0 (and NaN, which stays NaN): 0 below −745.2, where the double underflows. Within 4·10⁻¹⁶ of
 * `Math.exp` on normal results. Not for positive arguments.
 */
export function expNonPositive(x: number): number {
  if (x < -745.2) return 0;
  const kd = x * STEPS_PER_LN + ROUND - ROUND;
  const r = x - kd * LN2_HI - kd * LN2_LO;
  const k = kd | 0;
  // |r| ≤ 0.00136: the degree-4 Taylor polynomial leaves r⁵/120 < 4·10⁻¹⁷.
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  return EXP_TABLE[k & (EXP_STEPS - 1)]! * POW2[(k >> 8) + POW2_OFFSET]! * p;
}

/** log1p table over [0, 1] in steps of 1/128: log(1 + j/128) and 1/(1 + j/128). */
const LOG_STEPS = 128;
const LOG_TABLE = Float64Array.from({ length: LOG_STEPS + 1 }, (_, j) => Math.log1p(j / LOG_STEPS));
const INV_TABLE = Float64Array.from({ length: LOG_STEPS + 1 }, (_, j) => 1 / (1 + j / LOG_STEPS));

/**
 * log(1 + e) for e in [0, 1] (the softplus of a logit: e = exp(−|x|)), relative error below 10⁻¹⁵ also for tiny e
 * (1 + e is never formed). NaN stays NaN. Not for arguments outside [0, 1].
 */
export function log1pUnit(e: number): number {
  const j = (e * LOG_STEPS) | 0;
  // log(1 + e) = log(1 + j/128) + log1p(r) with r = (e − j/128) / (1 + j/128) in [0, 1/128).
  const r = (e - j / LOG_STEPS) * INV_TABLE[j]!;
  // Degree 7: r⁸/8 < 2·10⁻¹⁸.
  const q = r * (1 + r * (-1 / 2 + r * (1 / 3 + r * (-1 / 4 + r * (1 / 5 + r * (-1 / 6 + r * (1 / 7)))))));
  return LOG_TABLE[j]! + q;
}

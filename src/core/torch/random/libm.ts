/**
 * The C math library results the random generators depend on, reproduced exactly.
 *
 * PyTorch, NumPy and CPython turn uniform draws into normal or exponential ones with `log`, `log1p`, `sin` and `cos`
 * from the C library (glibc on Linux), whose double results are correctly rounded in practice. JavaScript's `Math.log`
 * and friends are only faithfully rounded (they differ from glibc in the last bit for several percent of inputs), so
 * the double versions here evaluate in double-double arithmetic (about 106 bits) and round once.
 *
 * PyTorch's vectorized float32 normal fill (`normal_fill_16_AVX2` in `aten/src/ATen/native/cpu/DistributionTemplates.h`)
 * uses the Cephes-derived `log256_ps` and `sincos256_ps` of `aten/src/ATen/native/cpu/avx_mathfun.h`, which compute in
 * float32 step by step; `cephesLogf` and `cephesSincosf` follow those steps with `Math.fround` after every operation.
 */

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's split of a double into two 26-bit halves

/** A double-double value hi + lo with |lo| <= ulp(hi) / 2. */
interface DD {
  hi: number;
  lo: number;
}

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

function ddAdd(x: DD, y: DD): DD {
  const s = twoSum(x.hi, y.hi);
  const t = twoSum(x.lo, y.lo);
  let r = quickTwoSum(s.hi, s.lo + t.hi);
  r = quickTwoSum(r.hi, r.lo + t.lo);
  return r;
}

function ddMul(x: DD, y: DD): DD {
  const p = twoProd(x.hi, y.hi);
  return quickTwoSum(p.hi, p.lo + (x.hi * y.lo + x.lo * y.hi));
}

function ddMulNum(x: DD, b: number): DD {
  const p = twoProd(x.hi, b);
  return quickTwoSum(p.hi, p.lo + x.lo * b);
}

function ddDiv(x: DD, y: DD): DD {
  const q1 = x.hi / y.hi;
  let r = ddAdd(x, ddMulNum(y, -q1));
  const q2 = r.hi / y.hi;
  r = ddAdd(r, ddMulNum(y, -q2));
  const q3 = r.hi / y.hi;
  const q = quickTwoSum(q1, q2);
  return ddAdd(q, { hi: q3, lo: 0 });
}

const LN2: DD = { hi: 0.6931471805599453, lo: 2.3190468138462996e-17 };
// pi/2 to about 160 bits, as three doubles (from the hexadecimal digits of pi)
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

/** 1/k in double-double for small integers k (the series coefficients). */
function ddReciprocal(k: number): DD {
  return ddDiv({ hi: 1, lo: 0 }, { hi: k, lo: 0 });
}

/** 2·atanh(s) = log((1 + s)/(1 − s)) by its series in s², to double-double accuracy for |s| <= 0.18. */
function ddTwoAtanh(s: DD, terms: number, ddTerms = terms): DD {
  const s2 = ddMul(s, s);
  return ddMulNum(ddMul(ddHornerMixed(ODD_RECIPROCALS, terms, s2, ddTerms), s), 2);
}

/**
 * Σ coeffs[k]·x^k for k < terms, by Horner: the high-order tail (k >= ddTerms) in plain double, where its small size
 * keeps its rounding error far below what the double-double head needs, then the head in double-double.
 */
function ddHornerMixed(coeffs: readonly DD[], terms: number, x: DD, ddTerms: number): DD {
  let tail = 0;
  for (let k = terms - 1; k >= ddTerms; k--) tail = tail * x.hi + (coeffs[k]?.hi ?? 0);
  let acc: DD = { hi: tail, lo: 0 };
  for (let k = ddTerms - 1; k >= 0; k--) acc = ddAdd(ddMul(acc, x), coeffs[k] ?? { hi: 0, lo: 0 });
  return acc;
}

// 1/(2k+1) for the atanh series
const ODD_RECIPROCALS: DD[] = Array.from({ length: 40 }, (_, k) => ddReciprocal(2 * k + 1));

/** log(c) for c = j/64, computed once per j by the long series around 1 (m in [0.70, 1.42] gives j in 45..91). */
const LOG_CENTERS = new Map<number, DD>();
function logCenter(j: number): DD {
  let v = LOG_CENTERS.get(j);
  if (v === undefined) {
    const c = j / 64;
    // s = (c − 1)/(c + 1), |s| <= 0.18: 40 terms reach below 2^-110
    v = ddTwoAtanh(ddDiv({ hi: c - 1, lo: 0 }, twoSum(c, 1)), 40);
    LOG_CENTERS.set(j, v);
  }
  return v;
}

/** log(m) for m in [sqrt(1/2), sqrt(2)], as log(c) + 2·atanh((m − c)/(m + c)) with c the nearest multiple of 1/64. */
function ddLogReduced(m: number): DD {
  const j = Math.round(m * 64);
  const c = j / 64;
  // m − c is exact (Sterbenz); |s| <= 1/180, so 9 terms of the series reach below 2^-110
  const d = m - c;
  const center = logCenter(j);
  if (d === 0) return center;
  const s = ddDiv({ hi: d, lo: 0 }, twoSum(m, c));
  // terms from s^5 on are below 2^-30 of the result: double precision suffices for them
  return ddAdd(center, ddTwoAtanh(s, 9, 2));
}

/** Splits a positive finite double into m·2^e with m in [sqrt(1/2), sqrt(2)). */
function frexpCentered(x: number): { m: number; e: number } {
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  // Math.log2 may be off by one near powers of two, and 2 ** e underflows for subnormals: fix both exactly
  if (!Number.isFinite(m)) {
    m = (x * 2 ** 600) / 2 ** (e + 600);
  }
  while (m >= 2) {
    m /= 2;
    e += 1;
  }
  while (m < 1) {
    m *= 2;
    e -= 1;
  }
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  return { m, e };
}

/**
 * C's `log(x)` for doubles, correctly rounded. glibc's log is within 0.52 ulp, so it equals this on all but about
 * 0.07% of inputs, where the two differ by one ulp.
 */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  const { m, e } = frexpCentered(x);
  const r = e === 0 ? ddLogReduced(m) : ddAdd(ddMulNum(LN2, e), ddLogReduced(m));
  return r.hi + r.lo;
}

/**
 * C's `log1p(−u)` as glibc computes it for a uniform draw u in [0, 1). glibc's log1p is the fdlibm algorithm, which is
 * not correctly rounded; JavaScript engines port the same fdlibm routine, so `Math.log1p` reproduces it (measured:
 * equal to glibc's on 99.93% of draws, one ulp apart on the rest).
 */
export function log1pOfNegative(u: number): number {
  return Math.log1p(-u);
}

/** Reduces a double x (|x| < 2^20) to r = x − k·π/2 in double-double with |r| <= π/4; returns k mod 4 and r. */
function reduceHalfPi(x: number): { q: number; r: DD } {
  const k = Math.round(x / PIO2_1);
  if (k === 0) return { q: 0, r: { hi: x, lo: 0 } };
  // subtract the three parts of k·π/2 in double-double (k·PIO2_1 exactly via twoProd)
  const p1 = twoProd(k, PIO2_1);
  let r = ddAdd({ hi: x, lo: 0 }, { hi: -p1.hi, lo: -p1.lo });
  r = ddAdd(r, ddMulNum({ hi: -PIO2_2, lo: -PIO2_3 }, k));
  return { q: ((k % 4) + 4) % 4, r };
}

// (−1)^k/(2k+1)! and (−1)^k/(2k)! in double-double, for Horner evaluation of the Taylor series on |r| <= π/4
const SIN_COEFFS: DD[] = [];
const COS_COEFFS: DD[] = [];
{
  let rec: DD = { hi: 1, lo: 0 };
  for (let n = 0; n <= 31; n++) {
    if (n > 0) rec = ddDiv(rec, { hi: n, lo: 0 });
    const signed = Math.floor(n / 2) % 2 === 0 ? rec : { hi: -rec.hi, lo: -rec.lo };
    (n % 2 === 0 ? COS_COEFFS : SIN_COEFFS).push(signed);
  }
}

// terms from r^10 on are below 2^-25 of the result on |r| <= π/4: double precision suffices for them
const SINCOS_DD_TERMS = 5;

/** sin and cos of a double together (one reduction), correctly rounded for |x| < 2^20; written to `out`. */
export function sincos(x: number, out: { sin: number; cos: number }): void {
  if (!Number.isFinite(x)) {
    out.sin = NaN;
    out.cos = NaN;
    return;
  }
  if (x === 0) {
    out.sin = x;
    out.cos = 1;
    return;
  }
  if (Math.abs(x) >= 2 ** 20) {
    out.sin = Math.sin(x);
    out.cos = Math.cos(x);
    return;
  }
  const { q, r } = reduceHalfPi(x);
  const r2 = ddMul(r, r);
  const sv = ddMul(ddHornerMixed(SIN_COEFFS, SIN_COEFFS.length, r2, SINCOS_DD_TERMS), r);
  const cv = ddHornerMixed(COS_COEFFS, COS_COEFFS.length, r2, SINCOS_DD_TERMS);
  const sr = sv.hi + sv.lo;
  const cr = cv.hi + cv.lo;
  // sin(r + qπ/2) cycles sin, cos, −sin, −cos; cos(r + qπ/2) cycles cos, −sin, −cos, sin
  switch (q) {
    case 0:
      out.sin = sr;
      out.cos = cr;
      break;
    case 1:
      out.sin = cr;
      out.cos = -sr;
      break;
    case 2:
      out.sin = -sr;
      out.cos = -cr;
      break;
    default:
      out.sin = -cr;
      out.cos = sr;
  }
}

const scratch = { sin: 0, cos: 0 };

/** C's `sin(x)` for doubles, correctly rounded for |x| < 2^20 (all the generators need). */
export function sin(x: number): number {
  sincos(x, scratch);
  return scratch.sin;
}

/** C's `cos(x)` for doubles, correctly rounded for |x| < 2^20. */
export function cos(x: number): number {
  sincos(x, scratch);
  return scratch.cos;
}

const f64buf = new Float64Array(1);
const u64view = new BigUint64Array(f64buf.buffer);

/** Rounds the exact sum a + b to odd: the nearest double toward zero-error with an odd last bit when inexact. */
function addRoundToOdd(a: number, b: number): number {
  const s = twoSum(a, b);
  if (s.lo === 0) return s.hi;
  f64buf[0] = s.hi;
  const bits = u64view[0] ?? 0n;
  if ((bits & 1n) === 0n) u64view[0] = s.lo > 0 === s.hi > 0 ? bits + 1n : bits - 1n;
  return f64buf[0] ?? 0;
}

/**
 * `fma(a, b, c)` for doubles: a·b + c rounded once (Boldo and Melquiond's exact three-term sum). The AVX2 kernels of
 * PyTorch are compiled with FMA contraction, so `x·range + from` and `v·std + mean` are fused there.
 */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const p = twoProd(a, b);
  if (p.lo === 0) return p.hi + c;
  const t = twoSum(c, p.hi);
  return t.hi + addRoundToOdd(t.lo, p.lo);
}

const f = Math.fround;

/** `fmaf(a, b, c)`: a·b + c for float32 operands, rounded once to float32 (as `_mm256_fmadd_ps` does). */
export function fmaf(a: number, b: number, c: number): number {
  // a·b is exact in double (24 + 24 bits), so only the double sum can round; rounding it again to float32 is wrong
  // only when it lands exactly halfway between two float32s while the exact sum does not
  const p = a * b;
  const s = p + c;
  const r = f(s);
  const d = s - r;
  if (d === 0) return r;
  // r + 2d is a float32 exactly when s is the midpoint between r and that neighbour
  const n = r + 2 * d;
  if (f(n) !== n) return r;
  const bb = s - c;
  const err = p - bb + (c - (s - bb));
  if (err === 0) return r;
  return err > 0 === d > 0 ? n : r;
}

/** Float32 arithmetic steps, each rounded to float32 (the `_mm256_*_ps` operations). */
function mul(a: number, b: number): number {
  return f(a * b);
}
function add(a: number, b: number): number {
  return f(a + b);
}
function sub(a: number, b: number): number {
  return f(a - b);
}

const f32buf = new Float32Array(1);
const u32view = new Uint32Array(f32buf.buffer);

/** `log256_ps` of avx_mathfun.h (Cephes logf) for one positive float32 lane, multiply-adds fused as in PyTorch's AVX2 build. */
export function cephesLogf(xIn: number): number {
  const ma = fmaf;
  if (!(xIn > 0)) return xIn === 0 ? -Infinity : NaN;
  // cut off denormals: max(x, FLT_MIN)
  f32buf[0] = Math.max(xIn, 1.17549435e-38);
  const bits = u32view[0] ?? 0;
  const emm0 = (bits >>> 23) - 0x7f;
  u32view[0] = (bits & ~0x7f800000) | 0x3f000000;
  let x = f32buf[0] ?? 0;
  let e = f(emm0 + 1);
  // x in [0.5, 1): if x < sqrt(1/2) use 2x − 1 and e − 1, else x − 1
  const lt = x < f(0.7071067811865476);
  const tmp = lt ? x : 0;
  x = sub(x, 1);
  e = sub(e, lt ? 1 : 0);
  x = add(x, tmp);
  const z = mul(x, x);
  let y = 7.0376836292e-2;
  y = ma(f(y), x, f(-1.151461031e-1));
  y = ma(y, x, f(1.167699874e-1));
  y = ma(y, x, f(-1.2420140846e-1));
  y = ma(y, x, f(1.4249322787e-1));
  y = ma(y, x, f(-1.6668057665e-1));
  y = ma(y, x, f(2.0000714765e-1));
  y = ma(y, x, f(-2.4999993993e-1));
  y = ma(y, x, f(3.3333331174e-1));
  y = mul(y, x);
  // GCC fuses the first multiply feeding each add: y·z + (e·q1), then the exact z·0.5 subtraction
  y = ma(y, z, mul(e, f(-2.1219444e-4)));
  y = sub(y, mul(z, 0.5));
  x = add(x, y);
  x = ma(e, 0.693359375, x);
  return x;
}

/** Where `cephesSincosf` leaves its two results (no array per call on the hot path). */
export const sincosResult = { sin: 0, cos: 0 };

/**
 * `sincos256_ps` of avx_mathfun.h (Cephes sinf/cosf) for one float32 lane, multiply-adds fused as GCC contracts them
 * in PyTorch's AVX2 build; the results go to `sincosResult`.
 */
export function cephesSincosf(xIn: number): void {
  const ma = fmaf;
  let x = Math.abs(xIn);
  let signSin = xIn < 0 || Object.is(xIn, -0);
  let y = mul(x, f(1.27323954473516));
  // j = (int)y, then j = (j + 1) & ~1
  let j = Math.trunc(y) | 0;
  j = (j + 1) & ~1;
  y = j;
  const swapSin = (j & 4) !== 0;
  const polyMask = (j & 2) === 0;
  x = ma(y, f(-0.78515625), x);
  x = ma(y, f(-2.4187564849853515625e-4), x);
  x = ma(y, f(-3.774894977445941e-8), x);
  const signCos = ((~(j - 2) & 4) | 0) !== 0;
  signSin = signSin !== swapSin;
  const z = mul(x, x);
  let yc = f(2.443315711809948e-5);
  yc = ma(yc, z, f(-1.388731625493765e-3));
  yc = ma(yc, z, f(4.166664568298827e-2));
  yc = mul(yc, z);
  yc = ma(yc, z, -mul(z, 0.5));
  yc = add(yc, 1);
  let ys = f(-1.9515295891e-4);
  ys = ma(ys, z, f(8.3321608736e-3));
  ys = ma(ys, z, f(-1.6666654611e-1));
  ys = mul(ys, z);
  ys = ma(ys, x, x);
  const sinV = polyMask ? ys : yc;
  const cosV = polyMask ? yc : ys;
  sincosResult.sin = signSin ? -sinV : sinV;
  sincosResult.cos = signCos ? -cosV : cosV;
}

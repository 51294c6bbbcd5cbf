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

/** log(m) for m in [sqrt(1/2), sqrt(2)] given exactly as m = 1 + f, as 2·atanh((m−1)/(m+1)) in double-double. */
function ddLogNearOne(f: number): DD {
  if (f === 0) return { hi: 0, lo: 0 };
  // s = f / (2 + f); 2 + f is exact here because f is in [-0.3, 0.42] with at most 53 significant bits at ulp >= 2^-53
  const s = ddDiv({ hi: f, lo: 0 }, twoSum(2, f));
  const s2 = ddMul(s, s);
  let term = s;
  let sum: DD = s;
  for (let k = 3; k < 80; k += 2) {
    term = ddMul(term, s2);
    const add = ddDiv(term, { hi: k, lo: 0 });
    sum = ddAdd(sum, add);
    if (Math.abs(add.hi) < Math.abs(sum.hi) * 1e-34) break;
  }
  return ddMulNum(sum, 2);
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

/** C's `log(x)` for doubles, correctly rounded (glibc's result). */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  const { m, e } = frexpCentered(x);
  // m − 1 is exact (Sterbenz) since m is in [0.707, 1.415)
  const r = ddAdd(ddMulNum(LN2, e), ddLogNearOne(m - 1));
  return r.hi + r.lo;
}

/** C's `log1p(x)` for doubles whose 1 + x is exact (every −u with u a 53-bit uniform draw), correctly rounded. */
export function log1p(x: number): number {
  const one = twoSum(1, x);
  if (one.lo === 0) return log(one.hi);
  // 1 + x not exact: log(hi + lo) = log(hi) + log1p(lo / hi), the second term being lo/hi to double-double accuracy
  const { m, e } = frexpCentered(one.hi);
  const corr = ddDiv({ hi: one.lo, lo: 0 }, { hi: one.hi, lo: 0 });
  const r = ddAdd(ddAdd(ddMulNum(LN2, e), ddLogNearOne(m - 1)), corr);
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
  // k·PIO2_1 is exact in two parts for |k| < 2^20; subtract the three parts of k·π/2 in double-double
  let r = twoSum(x, -k * PIO2_1);
  const p1 = twoProd(k, PIO2_1);
  r = ddAdd({ hi: x, lo: 0 }, { hi: -p1.hi, lo: -p1.lo });
  r = ddAdd(r, ddMulNum({ hi: -PIO2_2, lo: -PIO2_3 }, k));
  return { q: ((k % 4) + 4) % 4, r };
}

function ddSinTaylor(r: DD): DD {
  const r2 = ddMul(r, r);
  let term = r;
  let sum = r;
  for (let n = 3; n < 60; n += 2) {
    term = ddDiv(ddMul(term, r2), { hi: -(n - 1) * n, lo: 0 });
    sum = ddAdd(sum, term);
    if (Math.abs(term.hi) < 1e-36) break;
  }
  return sum;
}

function ddCosTaylor(r: DD): DD {
  const r2 = ddMul(r, r);
  let term: DD = { hi: 1, lo: 0 };
  let sum: DD = { hi: 1, lo: 0 };
  for (let n = 2; n < 60; n += 2) {
    term = ddDiv(ddMul(term, r2), { hi: -(n - 1) * n, lo: 0 });
    sum = ddAdd(sum, term);
    if (Math.abs(term.hi) < 1e-36) break;
  }
  return sum;
}

function sinCosDD(x: number, wantSin: boolean): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0) return wantSin ? x : 1;
  if (Math.abs(x) >= 2 ** 20) return wantSin ? Math.sin(x) : Math.cos(x);
  const { q, r } = reduceHalfPi(x);
  // sin(r + qπ/2) cycles sin, cos, −sin, −cos; cos(r + qπ/2) cycles cos, −sin, −cos, sin
  const idx = wantSin ? q : (q + 1) % 4;
  const v = idx % 2 === 0 ? ddSinTaylor(r) : ddCosTaylor(r);
  const s = v.hi + v.lo;
  return idx >= 2 ? -s : s;
}

/** C's `sin(x)` for doubles, correctly rounded for |x| < 2^20 (all the generators need). */
export function sin(x: number): number {
  return sinCosDD(x, true);
}

/** C's `cos(x)` for doubles, correctly rounded for |x| < 2^20. */
export function cos(x: number): number {
  return sinCosDD(x, false);
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
  // a·b is exact in double (24 + 24 bits); the sum then needs round-to-odd to avoid a double rounding
  const p = a * b;
  const s = twoSum(p, c);
  if (s.lo === 0) return f(s.hi);
  // round-to-odd s.hi: if the double sum is inexact, force its last bit to 1 toward the true value
  const buf = new Float64Array([s.hi]);
  const bits = new BigUint64Array(buf.buffer);
  const b0 = bits[0] ?? 0n;
  if ((b0 & 1n) === 0n) {
    // move one ulp toward the true value (lo's sign relative to hi's magnitude)
    const towardLarger = s.lo > 0 === s.hi > 0;
    bits[0] = towardLarger ? b0 + 1n : b0 - 1n;
  }
  return f(buf[0] ?? 0);
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

/** Whether the float32 polynomial steps of avx_mathfun are contracted to fused multiply-adds. */
export type MulAdd = (a: number, b: number, c: number) => number;
/** Separate multiply then add, each rounded. */
export const separateMulAdd: MulAdd = (a, b, c) => add(mul(a, b), c);

const f32buf = new Float32Array(1);
const u32view = new Uint32Array(f32buf.buffer);
const i32view = new Int32Array(f32buf.buffer);

/** `log256_ps` of avx_mathfun.h (Cephes logf) for one positive float32 lane. */
export function cephesLogf(xIn: number, ma: MulAdd = separateMulAdd): number {
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

/** `sincos256_ps` of avx_mathfun.h (Cephes sinf/cosf) for one float32 lane; returns [sin, cos]. */
export function cephesSincosf(xIn: number, ma: MulAdd = separateMulAdd): [number, number] {
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
  return [signSin ? -sinV : sinV, signCos ? -cosV : cosV];
}

/** The bits of a float32 as an unsigned integer (for tests and debugging). */
export function float32Bits(v: number): number {
  f32buf[0] = v;
  return u32view[0] ?? 0;
}

/** Reinterprets the 32 bits as a float32. */
export function float32FromBits(bits: number): number {
  i32view[0] = bits | 0;
  return f32buf[0] ?? 0;
}

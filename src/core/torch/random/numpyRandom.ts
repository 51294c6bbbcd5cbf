/**
 * NumPy's legacy global generator, `np.random.seed` + `np.random.*` (`numpy.random.RandomState`, `numpy/random/mtrand.pyx`,
 * `numpy/random/src/legacy/legacy-distributions.c`, `numpy/random/src/distributions/distributions.c`,
 * `numpy/random/_bounded_integers.pyx`). NumPy 1.x and 2.x give the same streams.
 *
 * Sizes are element counts (a `size=None` call draws one element the same way); results are C-ordered.
 */
import { RandomArgumentError } from './errors';
import { log } from './libm';
import { MT19937 } from './mt19937';

/** `np.random.RandomState`: MT19937 seeded by `init_genrand`, plus the legacy cached Gaussian. */
export class NumpyRandomState {
  private mt: MT19937;
  private hasGauss = false;
  private gaussValue = 0;

  constructor(seed = 0) {
    this.mt = MT19937.fromSeed(checkNumpySeed(seed));
  }

  /** `np.random.seed(seed)`: 0 <= seed <= 2^32 − 1; clears the cached Gaussian. */
  seed(seed: number): void {
    this.mt = MT19937.fromSeed(checkNumpySeed(seed));
    this.hasGauss = false;
    this.gaussValue = 0;
  }

  /** `next_uint32`. */
  nextUint32(): number {
    return this.mt.nextUint32();
  }

  /** `mt19937_next_double`: (a >> 5, b >> 6) → a 53-bit double in [0, 1). */
  nextDouble(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `np.random.random_sample(size)` / `np.random.random` / `np.random.rand(*shape)`. */
  randomSample(size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextDouble();
    return out;
  }

  /** `np.random.rand(*shape)` (same stream as random_sample). */
  rand(size: number): Float64Array {
    return this.randomSample(size);
  }

  /** `legacy_gauss`: Marsaglia's polar method, returning f·x2 and caching f·x1 for the next call. */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const cached = this.gaussValue;
      this.gaussValue = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * log(r2)) / r2);
    this.gaussValue = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `np.random.standard_normal(size)` / `np.random.randn(*shape)`. */
  standardNormal(size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.gauss();
    return out;
  }

  /** `np.random.randn(*shape)`. */
  randn(size: number): Float64Array {
    return this.standardNormal(size);
  }

  /** `np.random.normal(loc, scale, size)`: loc + scale·gauss. */
  normal(loc: number, scale: number, size: number): Float64Array {
    if (scale < 0) throw new RandomArgumentError('ValueError', 'scale < 0');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.gauss();
    return out;
  }

  /** `np.random.exponential(scale, size)`: scale·(−log(1 − next_double)) (`legacy_standard_exponential`). */
  exponential(scale: number, size: number): Float64Array {
    if (scale < 0) throw new RandomArgumentError('ValueError', 'scale < 0');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = scale * -log(1.0 - this.nextDouble());
    return out;
  }

  /**
   * `np.random.binomial(n, p, size)` (`random_binomial` of distributions.c): the inversion algorithm when
   * n·min(p, 1 − p) <= 30, else Kachitvichyanukul and Schmeiser's BTPE. Values as doubles.
   */
  binomial(n: number, p: number, size: number): Float64Array {
    if (n < 0) throw new RandomArgumentError('ValueError', 'n < 0');
    if (!(p >= 0 && p <= 1)) throw new RandomArgumentError('ValueError', 'p < 0, p > 1 or p is NaN');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.binomialOne(n, p);
    return out;
  }

  private binomialOne(n: number, p: number): number {
    if (n === 0 || p === 0) return 0;
    if (p <= 0.5) return p * n <= 30.0 ? this.binomialInversion(n, p) : this.binomialBtpe(n, p);
    const q = 1.0 - p;
    return n - (q * n <= 30.0 ? this.binomialInversion(n, q) : this.binomialBtpe(n, q));
  }

  private binomialInversion(n: number, p: number): number {
    const q = 1.0 - p;
    const qn = Math.exp(n * log(q));
    const np = n * p;
    const bound = Math.trunc(Math.min(n, np + 10.0 * Math.sqrt(np * q + 1)));
    let x = 0;
    let px = qn;
    let u = this.nextDouble();
    while (u > px) {
      x++;
      if (x > bound) {
        x = 0;
        px = qn;
        u = this.nextDouble();
      } else {
        u -= px;
        px = ((n - x + 1) * p * px) / (x * q);
      }
    }
    return x;
  }

  private binomialBtpe(n: number, p: number): number {
    const r = Math.min(p, 1.0 - p);
    const q = 1.0 - r;
    const fm = n * r + r;
    const m = Math.floor(fm);
    const p1 = Math.floor(2.195 * Math.sqrt(n * r * q) - 4.6 * q) + 0.5;
    const xm = m + 0.5;
    const xl = xm - p1;
    const xr = xm + p1;
    const c = 0.134 + 20.5 / (15.3 + m);
    let a = (fm - xl) / (fm - xl * r);
    const laml = a * (1.0 + a / 2.0);
    a = (xr - fm) / (xr * q);
    const lamr = a * (1.0 + a / 2.0);
    const p2 = p1 * (1.0 + 2.0 * c);
    const p3 = p2 + c / laml;
    const p4 = p3 + c / lamr;
    const nrq = n * r * q;
    for (;;) {
      const u = this.nextDouble() * p4;
      let v = this.nextDouble();
      let y: number;
      if (u <= p1) {
        y = Math.floor(xm - p1 * v + u);
        return p > 0.5 ? n - y : y;
      }
      if (u <= p2) {
        const x = xl + (u - p1) / c;
        v = v * c + 1.0 - Math.abs(m - x + 0.5) / p1;
        if (v > 1.0) continue;
        y = Math.floor(x);
      } else if (u <= p3) {
        y = Math.floor(xl + log(v) / laml);
        if (y < 0 || v === 0.0) continue;
        v = v * (u - p2) * laml;
      } else {
        y = Math.floor(xr - log(v) / lamr);
        if (y > n || v === 0.0) continue;
        v = v * (u - p3) * lamr;
      }
      const k = Math.abs(y - m);
      if (!(k > 20 && k < nrq / 2.0 - 1)) {
        // explicit evaluation of f(y)/f(m)
        const s = r / q;
        const aa = s * (n + 1);
        let F = 1.0;
        if (m < y) for (let i = m + 1; i <= y; i++) F *= aa / i - s;
        else if (m > y) for (let i = y + 1; i <= m; i++) F /= aa / i - s;
        if (v > F) continue;
        return p > 0.5 ? n - y : y;
      }
      // squeeze with Stirling's formula
      const rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
      const t = (-k * k) / (2 * nrq);
      const A = log(v);
      if (A < t - rho) return p > 0.5 ? n - y : y;
      if (A > t + rho) continue;
      const x1 = y + 1;
      const f1 = m + 1;
      const z = n + 1 - m;
      const w = n - y + 1;
      const x2 = x1 * x1;
      const f2 = f1 * f1;
      const z2 = z * z;
      const w2 = w * w;
      const stirling = (d: number, d2: number): number =>
        (13680 - (462 - (132 - (99 - 140 / d2) / d2) / d2) / d2) / d / 166320;
      const bound =
        xm * log(f1 / x1) +
        (n - m + 0.5) * log(z / w) +
        (y - m) * log((w * r) / (x1 * q)) +
        stirling(f1, f2) +
        stirling(z, z2) +
        stirling(x1, x2) +
        stirling(w, w2);
      if (A > bound) continue;
      return p > 0.5 ? n - y : y;
    }
  }

  /** `np.random.uniform(low, high, size)`: low + (high − low)·next_double. */
  uniform(low: number, high: number, size: number): Float64Array {
    const range = high - low;
    if (!Number.isFinite(range)) throw new RandomArgumentError('OverflowError', 'Range exceeds valid bounds');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /**
   * `np.random.randint(low, high=None, size, dtype)`: integers in [low, high) (or [0, low) without high) by masked
   * rejection: draw, keep the bits under the smallest mask covering high − low − 1, retry while above it. Ranges that
   * fit 32 bits draw 32-bit words, larger ones (int64 only) 64-bit words. Values as doubles (exact to 2^53).
   */
  randint(low: number, high: number | null, size: number, dtype: 'int64' | 'int32' = 'int64'): Float64Array {
    let lo = low;
    let hi = high;
    if (hi === null) {
      hi = lo;
      lo = 0;
    }
    if (!(lo < hi)) throw new RandomArgumentError('ValueError', 'low >= high');
    if (dtype === 'int32' && (lo < -(2 ** 31) || hi > 2 ** 31)) {
      throw new RandomArgumentError(
        'ValueError',
        lo < -(2 ** 31) ? `low is out of bounds for int32` : `high is out of bounds for int32`,
      );
    }
    const rng = hi - lo - 1;
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = lo + this.boundedUint(rng);
    return out;
  }

  /** A value in [0, rng] by masked rejection (`random_bounded_uint64_fill` with use_masked). */
  private boundedUint(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.mt.nextUint32();
      const mask = smallestMask(rng);
      let v: number;
      do v = (this.mt.nextUint32() & mask) >>> 0;
      while (v > rng);
      return v;
    }
    const big = BigInt(rng);
    let mask = big;
    for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> s;
    let v: bigint;
    do {
      const hiWord = BigInt(this.mt.nextUint32());
      const loWord = BigInt(this.mt.nextUint32());
      v = ((hiWord << 32n) | loWord) & mask;
    } while (v > big);
    return Number(v);
  }

  /** `random_interval(max)`: a value in [0, max] by masked rejection, as shuffle/permutation draw. */
  private randomInterval(max: number): number {
    return this.boundedUint(max);
  }

  /** `np.random.shuffle(x)` in place: for i from n − 1 down to 1, swap x[i] with x[random_interval(i)]. */
  shuffle<T>(x: T[] | Float64Array): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const t = x[i] as T;
      x[i] = x[j] as T;
      x[j] = t;
    }
  }

  /** `np.random.permutation(n)`: a shuffled arange(n). */
  permutation(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out);
    return out;
  }

  /**
   * `np.random.choice(a, size, replace, p)` for an integer population `a` (index into an array population with the
   * result). With replacement: without p, `randint(0, a, size)`; with p, inverse CDF on `random_sample(size)`.
   * Without replacement: without p, `permutation(a)[:size]`; with p, NumPy's rounds of inverse-CDF draws keeping the
   * first occurrence of each new index.
   */
  choice(a: number, size: number, replace = true, p: readonly number[] | null = null): Float64Array {
    const popSize = a;
    if (popSize <= 0 && size > 0)
      throw new RandomArgumentError('ValueError', 'a must be greater than 0 unless no samples are taken');
    if (p !== null) checkProbabilities(p, popSize);
    if (replace) {
      if (p === null) return this.randint(0, popSize, size);
      const cdf = cumulative(p);
      const u = this.randomSample(size);
      return Float64Array.from(u, (x) => searchsortedRight(cdf, x));
    }
    if (size > popSize)
      throw new RandomArgumentError('ValueError', "Cannot take a larger sample than population when 'replace=False'");
    if (p === null) return this.permutation(popSize).slice(0, size);
    if (p.filter((v) => v > 0).length < size)
      throw new RandomArgumentError('ValueError', 'Fewer non-zero entries in p than size');
    const probs = Array.from(p);
    const found = new Float64Array(size);
    let nUniq = 0;
    while (nUniq < size) {
      const x = this.rand(size - nUniq);
      for (let i = 0; i < nUniq; i++) probs[found[i] ?? 0] = 0;
      const cdf = cumulative(probs);
      const seen = new Set<number>();
      for (const v of x) {
        const idx = searchsortedRight(cdf, v);
        if (!seen.has(idx)) {
          seen.add(idx);
          found[nUniq++] = idx;
        }
      }
    }
    return found;
  }
}

function checkNumpySeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RandomArgumentError('ValueError', 'Seed must be between 0 and 2**32 - 1');
  return seed;
}

function smallestMask(rng: number): number {
  let mask = rng;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

function checkProbabilities(p: readonly number[], popSize: number): void {
  if (p.length !== popSize) throw new RandomArgumentError('ValueError', "'a' and 'p' must have same size");
  if (p.some((v) => !Number.isFinite(v))) throw new RandomArgumentError('ValueError', 'probabilities contain NaN');
  if (p.some((v) => v < 0)) throw new RandomArgumentError('ValueError', 'probabilities are not non-negative');
  // Kahan summation as NumPy's kahan_sum, tolerance sqrt(float64 eps)
  let sum = 0;
  let c = 0;
  for (const v of p) {
    const y = v - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  if (Math.abs(sum - 1) > Math.sqrt(2.220446049250313e-16))
    throw new RandomArgumentError('ValueError', 'probabilities do not sum to 1');
}

/** `cdf = p.cumsum(); cdf /= cdf[-1]`. */
function cumulative(p: readonly number[]): Float64Array {
  const cdf = new Float64Array(p.length);
  let s = 0;
  p.forEach((v, i) => {
    s += v;
    cdf[i] = s;
  });
  const last = cdf[p.length - 1] ?? 1;
  for (let i = 0; i < cdf.length; i++) cdf[i] = (cdf[i] ?? 0) / last;
  return cdf;
}

/** `cdf.searchsorted(x, side='right')`: the number of entries <= x. */
function searchsortedRight(cdf: Float64Array, x: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] ?? 0) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

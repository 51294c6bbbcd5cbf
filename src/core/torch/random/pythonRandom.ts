/**
 * CPython's `random` module with an integer seed (`Lib/random.py` over `Modules/_randommodule.c`): `random.seed(n)`,
 * `random()`, `getrandbits`, `randrange`/`randint` (via `_randbelow_with_getrandbits`), `choice`, `shuffle`, `sample`,
 * `uniform`, `gauss`, `normalvariate`. CPython 3.11 to 3.14 give the same streams.
 */
import { RandomArgumentError } from './errors';
import { log, sincos } from './libm';
import { MT19937 } from './mt19937';

const TWOPI = 2.0 * Math.PI;
const trig = { sin: 0, cos: 0 };
/** `NV_MAGICCONST = 4 * exp(-0.5) / sqrt(2.0)` as CPython computes it. */
const NV_MAGICCONST = 1.7155277699214135;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** The CPython release whose error texts to use (the streams are the same): 3.11 (bookworm) or 3.14 (current). */
export type PythonVersion = '3.11' | '3.14';

/** A `random.Random` instance; the module-level functions use one shared instance. */
export class PythonRandom {
  private mt: MT19937;
  private gaussNext: number | null = null;

  constructor(
    seed: bigint | number = 0,
    readonly version: PythonVersion = '3.14',
  ) {
    this.mt = PythonRandom.engineFor(seed);
  }

  /** `random.seed(n)` for an int n: `init_by_array` over the 32-bit words of |n|, least significant first. */
  seed(seed: bigint | number): void {
    this.mt = PythonRandom.engineFor(seed);
    this.gaussNext = null;
  }

  private static engineFor(seed: bigint | number): MT19937 {
    let n = typeof seed === 'bigint' ? seed : BigInt(Math.trunc(seed));
    if (n < 0n) n = -n;
    const key: number[] = [];
    do {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    return MT19937.fromKey(key);
  }

  /** `random.random()`: a 53-bit double in [0, 1) from two 32-bit outputs. */
  random(): number {
    const a = this.mt.nextUint32() >>> 5;
    const b = this.mt.nextUint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** `random.getrandbits(k)`: k random bits, 32-bit words filled least significant first. */
  getrandbits(k: number): bigint {
    if (k < 0) {
      throw new RandomArgumentError(
        'ValueError',
        this.version === '3.11' ? 'number of bits must be non-negative' : 'Cannot convert negative int',
      );
    }
    if (k === 0) return 0n;
    if (k <= 32) return BigInt(this.mt.nextUint32() >>> (32 - k));
    let result = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.mt.nextUint32();
      if (left < 32) r >>>= 32 - left;
      result |= BigInt(r) << shift;
      shift += 32n;
    }
    return result;
  }

  /** `_randbelow(n)`: getrandbits(n.bit_length()) until below n. */
  randbelow(n: bigint | number): bigint {
    const m = BigInt(n);
    const k = bitLength(m);
    let r = this.getrandbits(k);
    while (r >= m) r = this.getrandbits(k);
    return r;
  }

  /** `random.randrange(start, stop?, step?)`. */
  randrange(start: bigint | number, stop: bigint | number | null = null, step: bigint | number = 1): bigint {
    const istart = BigInt(start);
    if (stop === null) {
      if (istart > 0n) return this.randbelow(istart);
      throw new RandomArgumentError('ValueError', 'empty range for randrange()');
    }
    const istop = BigInt(stop);
    const istep = BigInt(step);
    const width = istop - istart;
    if (istep === 1n) {
      if (width > 0n) return istart + this.randbelow(width);
      throw new RandomArgumentError(
        'ValueError',
        this.version === '3.11'
          ? `empty range for randrange() (${istart}, ${istop}, ${width})`
          : `empty range in randrange(${istart}, ${istop})`,
      );
    }
    let n: bigint;
    if (istep > 0n) n = floorDiv(width + istep - 1n, istep);
    else if (istep < 0n) n = floorDiv(width + istep + 1n, istep);
    else throw new RandomArgumentError('ValueError', 'zero step for randrange()');
    if (n <= 0n) {
      throw new RandomArgumentError(
        'ValueError',
        this.version === '3.11'
          ? 'empty range for randrange()'
          : `empty range in randrange(${istart}, ${istop}, ${istep})`,
      );
    }
    return istart + istep * this.randbelow(n);
  }

  /** `random.randint(a, b)`: randrange(a, b + 1). */
  randint(a: bigint | number, b: bigint | number): bigint {
    // 3.12+ checks here with its own message; 3.11 lets randrange(a, b + 1) complain
    if (this.version !== '3.11' && BigInt(b) < BigInt(a)) {
      throw new RandomArgumentError('ValueError', `empty range in randint(${a}, ${b})`);
    }
    return this.randrange(BigInt(a), BigInt(b) + 1n);
  }

  /** `random.choice(seq)` as the index it picks in a sequence of `length` items. */
  choiceIndex(length: number): number {
    if (length === 0) throw new RandomArgumentError('IndexError', 'Cannot choose from an empty sequence');
    return Number(this.randbelow(length));
  }

  /** `random.shuffle(x)` in place. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = Number(this.randbelow(i + 1));
      const t = x[i] as T;
      x[i] = x[j] as T;
      x[j] = t;
    }
  }

  /** `random.sample(population, k)` as the indices it picks from a population of size n, in order. */
  sampleIndices(n: number, k: number): number[] {
    if (!(k >= 0 && k <= n))
      throw new RandomArgumentError('ValueError', 'Sample larger than population or is negative');
    const result: number[] = [];
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(log(k * 3) / log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = Number(this.randbelow(n - i));
        result.push(pool[j] ?? 0);
        pool[j] = pool[n - i - 1] ?? 0;
      }
      return result;
    }
    const selected = new Set<number>();
    for (let i = 0; i < k; i++) {
      let j = Number(this.randbelow(n));
      while (selected.has(j)) j = Number(this.randbelow(n));
      selected.add(j);
      result.push(j);
    }
    return result;
  }

  /**
   * `random.choices(population, weights=None, k=k)` as the indices it picks from a population of size n: without
   * weights `floor(random()·n)`; with weights, bisect_right of `random()·total` in the running sums.
   */
  choicesIndices(n: number, k: number, weights: readonly number[] | null = null): number[] {
    const out: number[] = [];
    if (weights === null) {
      if (n === 0 && k > 0) throw new RandomArgumentError('IndexError', 'list index out of range');
      for (let i = 0; i < k; i++) out.push(Math.floor(this.random() * n));
      return out;
    }
    if (weights.length !== n)
      throw new RandomArgumentError('ValueError', 'The number of weights does not match the population');
    const cum: number[] = [];
    let acc = 0;
    for (const w of weights) {
      acc += w;
      cum.push(acc);
    }
    const total = (cum[n - 1] ?? 0) + 0.0;
    if (!(total > 0.0)) throw new RandomArgumentError('ValueError', 'Total of weights must be greater than zero');
    if (!Number.isFinite(total)) throw new RandomArgumentError('ValueError', 'Total of weights must be finite');
    const hi = n - 1;
    for (let i = 0; i < k; i++) {
      const x = this.random() * total;
      // bisect_right(cum, x, 0, hi)
      let lo = 0;
      let up = hi;
      while (lo < up) {
        const mid = (lo + up) >>> 1;
        if (x < (cum[mid] ?? 0)) up = mid;
        else lo = mid + 1;
      }
      out.push(lo);
    }
    return out;
  }

  /** `random.expovariate(lambd)`: −log(1 − random())/λ. */
  expovariate(lambd = 1.0): number {
    return -log(1.0 - this.random()) / lambd;
  }

  /** `random.uniform(a, b)`: a + (b − a)·random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** `random.gauss(mu, sigma)`: Box-Muller with the second value kept for the next call. */
  gauss(mu = 0, sigma = 1): number {
    let z = this.gaussNext;
    this.gaussNext = null;
    if (z === null) {
      const x2pi = this.random() * TWOPI;
      const g2rad = Math.sqrt(-2.0 * log(1.0 - this.random()));
      sincos(x2pi, trig);
      z = trig.cos * g2rad;
      this.gaussNext = trig.sin * g2rad;
    }
    return mu + z * sigma;
  }

  /** `random.normalvariate(mu, sigma)`: Kinderman and Monahan's ratio method. */
  normalvariate(mu = 0, sigma = 1): number {
    let z: number;
    for (;;) {
      const u1 = this.random();
      const u2 = 1.0 - this.random();
      z = (NV_MAGICCONST * (u1 - 0.5)) / u2;
      const zz = (z * z) / 4.0;
      if (zz <= -log(u2)) break;
    }
    return mu + z * sigma;
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * The 32-bit Mersenne Twister (MT19937) shared by PyTorch's CPU generator (`at::mt19937` in
 * `aten/src/ATen/core/MT19937RNGEngine.h`), NumPy's legacy `RandomState` (`numpy/random/src/mt19937/mt19937.c`) and
 * CPython's `random` module (`Modules/_randommodule.c`). The three differ only in how they seed it.
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** One MT19937 stream: 624 words of state and a position in them. */
export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /**
   * Knuth's linear seeding `init_genrand(seed)`: what `at::mt19937(seed)` does with the seed's low 32 bits
   * (`torch.manual_seed`) and what NumPy's `mt19937_seed` does (`np.random.seed`).
   */
  static fromSeed(seed32: number): MT19937 {
    const mt = new MT19937();
    mt.initGenrand(seed32 >>> 0);
    return mt;
  }

  /** Matsumoto and Nishimura's `init_by_array(key)`: how CPython's `random.seed(int)` seeds from the int's 32-bit words. */
  static fromKey(key: readonly number[]): MT19937 {
    const mt = new MT19937();
    mt.initGenrand(19650218);
    const s = mt.state;
    let i = 1;
    let j = 0;
    const keyLength = key.length;
    for (let k = Math.max(N, keyLength); k > 0; k--) {
      const prev = (s[i - 1] ?? 0) ^ ((s[i - 1] ?? 0) >>> 30);
      s[i] = ((s[i] ?? 0) ^ Math.imul(prev, 1664525)) + (key[j] ?? 0) + j;
      i++;
      j++;
      if (i >= N) {
        s[0] = s[N - 1] ?? 0;
        i = 1;
      }
      if (j >= keyLength) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = (s[i - 1] ?? 0) ^ ((s[i - 1] ?? 0) >>> 30);
      s[i] = ((s[i] ?? 0) ^ Math.imul(prev, 1566083941)) - i;
      i++;
      if (i >= N) {
        s[0] = s[N - 1] ?? 0;
        i = 1;
      }
    }
    s[0] = 0x80000000;
    mt.index = N;
    return mt;
  }

  private initGenrand(seed: number): void {
    const s = this.state;
    s[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = (s[i - 1] ?? 0) ^ ((s[i - 1] ?? 0) >>> 30);
      s[i] = Math.imul(1812433253, prev) + i;
    }
    this.index = N;
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = ((s[k] ?? 0) & UPPER_MASK) | ((s[(k + 1) % N] ?? 0) & LOWER_MASK);
      s[k] = (s[(k + M) % N] ?? 0) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }

  /** The next 32-bit output (`genrand_int32`), as a non-negative number. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++] ?? 0;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** An independent copy of this stream at the same position. */
  clone(): MT19937 {
    const mt = new MT19937();
    mt.state.set(this.state);
    mt.index = this.index;
    return mt;
  }
}

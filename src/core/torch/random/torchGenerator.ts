/**
 * PyTorch's CPU generator (`at::CPUGeneratorImpl`, `aten/src/ATen/CPUGeneratorImpl.cpp`): an MT19937 engine seeded
 * with the low 32 bits of the 64-bit seed, plus the cached second values of the scalar Box-Muller normal.
 */
import { RandomArgumentError } from './errors';
import { MT19937 } from './mt19937';

/** `default_rng_seed_val` (c10/core/GeneratorImpl.h): the seed of a generator nobody seeded. */
export const DEFAULT_TORCH_SEED = 67280421310721n;

const TWO_POW_32 = 4294967296;
const MASK_64 = (1n << 64n) - 1n;

/**
 * Which PyTorch's formulas to follow where releases differ: 2.x draws the scalar Box-Muller radius and exponentials
 * with `log1p(−u)`, 1.13 with `log(1 − u)`; the two differ in the last bit of some float64 values.
 */
export type TorchVersion = '2.x' | '1.13';

/**
 * A `torch.Generator` on the CPU. `torch.manual_seed(s)` is `defaultGenerator.manualSeed(s)`.
 * The distributions (rand, randn, randint, …) live in their own files and draw through `random()`/`random64()`.
 */
export class TorchGenerator {
  private engine: MT19937;
  private seed: bigint;
  /** `next_float_normal_sample_` (kept for parity with PyTorch; the CPU kernels draw normals as doubles). */
  nextFloatNormal: number | null = null;
  /** `next_double_normal_sample_`: the sin half of the last scalar Box-Muller pair, returned by the next scalar draw. */
  nextDoubleNormal: number | null = null;

  /** The PyTorch release whose formulas the distributions follow. */
  readonly version: TorchVersion;
  /**
   * True for a generator whose draws are never read (a shape check): the bulk distributions return zero-filled arrays
   * of the right size without drawing (see {@link ShapeOnlyGenerator}).
   */
  get shapeOnly(): boolean {
    return false;
  }

  /** What a shape-only draw returns: `numel` zeros (see {@link ShapeOnlyGenerator}). */
  zeros(dtype: 'float32' | 'float64', numel: number): Float32Array | Float64Array {
    return dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
  }

  constructor(seed: bigint | number = DEFAULT_TORCH_SEED, version: TorchVersion = '2.x') {
    this.version = version;
    this.seed = normalizeTorchSeed(seed, version);
    this.engine = MT19937.fromSeed(Number(this.seed & 0xffffffffn));
  }

  /** `Generator.manual_seed(seed)` / `torch.manual_seed(seed)`: reseeds the engine and clears the normal caches. */
  manualSeed(seed: bigint | number): this {
    this.seed = normalizeTorchSeed(seed, this.version);
    this.engine = MT19937.fromSeed(Number(this.seed & 0xffffffffn));
    this.nextFloatNormal = null;
    this.nextDoubleNormal = null;
    return this;
  }

  /** `Generator.initial_seed()`: the 64-bit seed last set, as PyTorch returns it (an unsigned integer). */
  initialSeed(): bigint {
    return this.seed;
  }

  /** `CPUGeneratorImpl::random()`: one 32-bit draw. */
  random(): number {
    return this.engine.nextUint32();
  }

  /** `CPUGeneratorImpl::random64()`: two 32-bit draws, the first as the high word. */
  random64(): bigint {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** `random64() & (2^53 − 1)` as an exact number: the mantissa of a double uniform draw. */
  random53(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return (hi & 0x1fffff) * TWO_POW_32 + lo;
  }

  /** `random64() % m` for 1 <= m <= 2^53, exactly, without a BigInt when the modulus allows. */
  random64Mod(m: number): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    if (m <= TWO_POW_32) {
      // (hi·2^32 + lo) mod m from the two halves, every intermediate below 2^53
      return ((((hi % m) * (TWO_POW_32 % m)) % m) + (lo % m)) % m;
    }
    return Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(m));
  }

  /** `torch.get_rng_state()` / `Generator.get_state()`: a snapshot to restore later (opaque; not PyTorch's bytes). */
  getState(): TorchGeneratorState {
    return {
      seed: this.seed,
      engine: this.engine.clone(),
      nextFloatNormal: this.nextFloatNormal,
      nextDoubleNormal: this.nextDoubleNormal,
    };
  }

  /** `torch.set_rng_state(state)` / `Generator.set_state(state)`: continue from a snapshot (which stays reusable). */
  setState(state: TorchGeneratorState): this {
    this.seed = state.seed;
    this.engine = state.engine.clone();
    this.nextFloatNormal = state.nextFloatNormal;
    this.nextDoubleNormal = state.nextDoubleNormal;
    return this;
  }

  /** An independent generator in the same state (`Generator.clone_state`/`get_state` then `set_state`). */
  clone(): TorchGenerator {
    const g = new TorchGenerator(this.seed, this.version);
    g.engine = this.engine.clone();
    g.nextFloatNormal = this.nextFloatNormal;
    g.nextDoubleNormal = this.nextDoubleNormal;
    return g;
  }
}

/** A saved generator state (see `TorchGenerator.getState`). */
export interface TorchGeneratorState {
  readonly seed: bigint;
  readonly engine: MT19937;
  readonly nextFloatNormal: number | null;
  readonly nextDoubleNormal: number | null;
}

/**
 * The seed as `torch.manual_seed` stores it: Python ints in [−2^63, 2^64) are accepted, negative ones wrap to their
 * two's-complement unsigned value (PyTorch's `manual_seed` adds 2^64 before unpacking).
 */
export function normalizeTorchSeed(seed: bigint | number, version: TorchVersion = '2.x'): bigint {
  const s = typeof seed === 'bigint' ? seed : BigInt(Math.trunc(seed));
  if (s >= 1n << 64n || s < -(1n << 63n)) {
    // the wording and class changed between releases (1.13: RuntimeError, 2.x: ValueError)
    if (version === '1.13') throw new RandomArgumentError('RuntimeError', 'Overflow when unpacking long');
    throw new RandomArgumentError('ValueError', 'Overflow when unpacking long long');
  }
  return s & MASK_64;
}

/**
 * A generator for shape checks: the bulk fills (`uniform`, `normal`) give zero-filled arrays of the right length
 * without drawing, so a layer's parameters have their shapes at no cost. Its values are never shown or computed with.
 */
export class ShapeOnlyGenerator extends TorchGenerator {
  private float32 = new Float32Array(0);
  private float64 = new Float64Array(0);

  override get shapeOnly(): boolean {
    return true;
  }

  /**
   * `numel` zeros, as a view of one buffer per dtype that later calls reuse (and zero again): a shape check builds
   * thousands of layers whose values nobody reads, and a fresh typed array each costs more than the rest of the layer.
   */
  override zeros(dtype: 'float32' | 'float64', numel: number): Float32Array | Float64Array {
    if (dtype === 'float32') {
      if (this.float32.length < numel) this.float32 = new Float32Array(numel);
      return this.float32.subarray(0, numel).fill(0);
    }
    if (this.float64.length < numel) this.float64 = new Float64Array(numel);
    return this.float64.subarray(0, numel).fill(0);
  }
}

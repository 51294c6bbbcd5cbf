/**
 * Integer draws on the CPU: `torch.randint`, `torch.randint_like`, `Tensor.random_()` / `random_(to)` /
 * `random_(from, to)` (`random_from_to_kernel` and `random_kernel` of `aten/src/ATen/native/cpu/DistributionTemplates.h`,
 * `uniform_int_from_to_distribution` and `uniform_int_distribution` of `aten/src/ATen/core/DistributionsHelper.h`),
 * and `torch.randperm` (`randperm_cpu` in `aten/src/ATen/native/TensorFactories.cpp`).
 *
 * A range below 2^32 takes one 32-bit draw per element, `random() % range + from`; a larger one (int64, float32 and
 * float64 tensors) takes `random64() % range + from`.
 */
import { RandomArgumentError } from './errors';
import type { TorchGenerator } from './torchGenerator';

/** The dtypes `random_` fills here. */
export type RandomDType = 'int64' | 'int32' | 'float32' | 'float64' | 'bool';

const TWO_POW_32 = 4294967296;

function checkRange(from: number | bigint, to: number | bigint): void {
  if (!(BigInt(from) < BigInt(to))) {
    throw new RandomArgumentError(
      'RuntimeError',
      `random_ expects 'from' to be less than 'to', but got from=${from} >= to=${to}`,
    );
  }
}

/** `random_(from, to)` values as BigInts: exact over the whole int64 range. */
export function randintBig(
  gen: TorchGenerator,
  low: bigint,
  high: bigint,
  numel: number,
  dtype: RandomDType = 'int64',
): BigInt64Array {
  checkRange(low, high);
  const range = high - low;
  const wide = range >= 1n << 32n && dtype !== 'int32' && dtype !== 'bool';
  const out = new BigInt64Array(numel);
  for (let i = 0; i < numel; i++) {
    const v = wide ? gen.random64() : BigInt(gen.random());
    out[i] = (v % range) + low;
  }
  return out;
}

/**
 * `torch.randint(low, high, (numel,))` and `torch.empty(numel, dtype=…).random_(low, high)`: integers in [low, high)
 * as doubles (exact while |value| <= 2^53; use `randintBig` beyond). For float dtypes PyTorch stores the integer cast
 * to the dtype, which `castRandom` applies.
 */
export function randint(
  gen: TorchGenerator,
  lowIn: number,
  highIn: number,
  numel: number,
  dtype: RandomDType = 'int64',
): Float64Array {
  checkRange(lowIn, highIn);
  const { low, high } = boundsForDtype(lowIn, highIn, dtype);
  const range = high - low;
  const out = new Float64Array(numel);
  if (range < TWO_POW_32 || dtype === 'int32' || dtype === 'bool') {
    for (let i = 0; i < numel; i++) out[i] = castRandom((gen.random() % range) + low, dtype);
  } else if (range <= 2 ** 53) {
    for (let i = 0; i < numel; i++) out[i] = castRandom(gen.random64Mod(range) + low, dtype);
  } else {
    const big = randintBig(gen, BigInt(low), BigInt(high), numel, dtype);
    for (let i = 0; i < numel; i++) out[i] = castRandom(Number(big[i] ?? 0n), dtype);
  }
  return out;
}

/**
 * `update_from`/`update_to` of DistributionTemplates.h: for a float dtype, bounds beyond its exact integers are moved
 * inward to the nearest representable ones, so the range shrinks (`random_(0, 2**40)` on float32 uses 2^40 − 2^16).
 */
function boundsForDtype(low: number, high: number, dtype: RandomDType): { low: number; high: number } {
  if (dtype !== 'float32' && dtype !== 'float64') return { low, high };
  const digits = dtype === 'float32' ? 24 : 53;
  const cast = dtype === 'float32' ? Math.fround : (v: number): number => v;
  let from = low;
  let to = high;
  const fromPlus1 = cast(from + 1);
  if (fromPlus1 < from) {
    const n = Math.floor(Math.log2(Math.abs(from + 1)));
    from = fromPlus1 + 2 ** (n - digits + 1);
  }
  const toMinus1 = cast(to - 1);
  if (toMinus1 >= to) {
    const n = Math.floor(Math.log2(Math.abs(to - 1)));
    to = toMinus1 - 2 ** (n - digits + 1);
  }
  if (!(from < to)) {
    throw new RandomArgumentError(
      'RuntimeError',
      `random_ expects 'from' casted to dtype to be less than 'to' casted to dtype, but got from=${from} >= to=${to}`,
    );
  }
  return { low: from, high: to };
}

/** The integer as the dtype stores it: rounded to float32 for float32 tensors, 0/1 for bool. */
function castRandom(v: number, dtype: RandomDType): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  return v;
}

/**
 * `Tensor.random_()` with no bounds: int64 `random64() % 2^63`, int32 `random() % 2^31`, float32 `random() % (2^24 + 1)`,
 * float64 `random64() % (2^53 + 1)`, bool `random() & 1`. int64 values can exceed 2^53, hence BigInts.
 */
export function randomFull(gen: TorchGenerator, numel: number, dtype: RandomDType = 'int64'): BigInt64Array {
  const out = new BigInt64Array(numel);
  for (let i = 0; i < numel; i++) {
    switch (dtype) {
      case 'int64':
        out[i] = gen.random64() % (1n << 63n);
        break;
      case 'int32':
        out[i] = BigInt(gen.random() % 2147483648);
        break;
      case 'float32':
        out[i] = BigInt(gen.random() % 16777217);
        break;
      case 'float64':
        out[i] = gen.random64() % ((1n << 53n) + 1n);
        break;
      case 'bool':
        out[i] = BigInt(gen.random() & 1);
        break;
    }
  }
  return out;
}

/**
 * `torch.randperm(n)`: for n < 2^32/20 (every practical n) a Fisher-Yates shuffle from the front, `z = random() % (n − i)`
 * swapped into place i; beyond that, PyTorch's inside-out shuffle with `random64() % (i + 1)`.
 */
export function randperm(gen: TorchGenerator, n: number): Float64Array {
  if (!(n >= 0) || !Number.isInteger(n)) {
    throw new RandomArgumentError('RuntimeError', `Trying to create tensor with negative dimension ${n}: [${n}]`);
  }
  const r = new Float64Array(n);
  if (n < Math.floor(0xffffffff / 20)) {
    for (let i = 0; i < n; i++) r[i] = i;
    for (let i = 0; i < n - 1; i++) {
      const z = gen.random() % (n - i);
      const sav = r[i] ?? 0;
      r[i] = r[z + i] ?? 0;
      r[z + i] = sav;
    }
    return r;
  }
  for (let i = 0; i < n; i++) {
    const z = gen.random64Mod(i + 1);
    r[i] = r[z] ?? 0;
    r[z] = i;
  }
  return r;
}

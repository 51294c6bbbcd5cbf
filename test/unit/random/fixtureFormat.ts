/**
 * Reads the random-generator fixtures written by scripts/fixtures/gen_random.py and compares typed arrays with them
 * bit for bit.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A result as the generator encodes it: float bits in hex, integers as decimal strings. */
export interface EncodedResult {
  dtype: 'float32' | 'float64' | 'int64' | 'int32';
  shape: number[];
  values?: string[];
  head?: string[];
  sha256?: string;
}

/** One seeded program: steps run in order on the freshly seeded generator, with their outputs. */
export interface RandomProgram {
  name: string;
  seed: number | string;
  steps: Record<string, unknown>[];
  outputs: unknown[];
}

/** A fixture file: one library at one version. */
export interface RandomFixture {
  library: 'torch' | 'numpy' | 'python';
  version: string;
  programs: RandomProgram[];
  generator?: Record<string, unknown>;
}

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'random');

/** Every fixture file of a library (one per oracle version). */
export function loadFixtures(library: RandomFixture['library']): RandomFixture[] {
  return fs
    .readdirSync(DIR)
    .filter((name) => name.startsWith(`${library}-`) && name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')) as RandomFixture);
}

/** The hex of a float32's bits, as the generator writes it. */
export function hex32(v: number): string {
  const b = Buffer.alloc(4);
  b.writeFloatBE(v);
  return b.toString('hex');
}

/** The hex of a float64's bits. */
export function hex64(v: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(v);
  return b.toString('hex');
}

/** Encodes our values the way the fixture encodes PyTorch's/NumPy's, for a direct deepEqual. */
export function encode(
  values: Float32Array | Float64Array | BigInt64Array | readonly number[],
  dtype: EncodedResult['dtype'],
  shape: number[],
): EncodedResult {
  const n = values.length;
  const item = (i: number): string => {
    const v = values[i];
    if (dtype === 'float32') return hex32(Number(v));
    if (dtype === 'float64') return hex64(Number(v));
    return typeof v === 'bigint' ? v.toString() : String(v);
  };
  const out: EncodedResult = { dtype, shape };
  if (n > (dtype === 'float64' ? 4096 : 64)) {
    out.head = Array.from({ length: 8 }, (_, i) => item(i));
    let bytes: Buffer;
    if (dtype === 'float32') bytes = Buffer.from(Float32Array.from(values as ArrayLike<number>).buffer);
    else if (dtype === 'float64') bytes = Buffer.from(Float64Array.from(values as ArrayLike<number>).buffer);
    else {
      const big =
        values instanceof BigInt64Array
          ? values
          : BigInt64Array.from(Array.from(values as ArrayLike<number>, (v) => BigInt(v)));
      bytes = Buffer.from(big.buffer);
    }
    out.sha256 = createHash('sha256').update(bytes).digest('hex');
  } else {
    out.values = Array.from({ length: n }, (_, i) => item(i));
  }
  return out;
}

/** Distance in units in the last place between two doubles given as hex bits (0 when identical). */
export function ulpDistance64(aHex: string, bHex: string): number {
  const a = Buffer.from(aHex, 'hex').readBigInt64BE(0);
  const b = Buffer.from(bHex, 'hex').readBigInt64BE(0);
  // same sign for all values compared here; the integer difference of the bit patterns counts ulps
  const d = a - b;
  return Number(d < 0n ? -d : d);
}

/**
 * Compares our result with the oracle's: identical, or (when `ulpTolerant`) float64 values at most 4 ulps apart
 * because the C library's log/sin/cos are not correctly rounded (a one-ulp difference there grows when the value is
 * then scaled by std or 1/λ and shifted). Returns the number of values that are not identical.
 */
export function compareResult(
  got: EncodedResult,
  expected: EncodedResult,
  ulpTolerant: boolean,
): { ok: boolean; offByOne: number; total: number } {
  const total = expected.values?.length ?? 0;
  if (JSON.stringify(got) === JSON.stringify(expected)) return { ok: true, offByOne: 0, total };
  if (!ulpTolerant || got.dtype !== 'float64' || !got.values || !expected.values)
    return { ok: false, offByOne: 0, total };
  if (JSON.stringify(got.shape) !== JSON.stringify(expected.shape) || got.values.length !== expected.values.length) {
    return { ok: false, offByOne: 0, total };
  }
  let offByOne = 0;
  for (let i = 0; i < got.values.length; i++) {
    const d = ulpDistance64(got.values[i] ?? '', expected.values[i] ?? '');
    if (d > 4) return { ok: false, offByOne, total };
    if (d > 0) offByOne += 1;
  }
  return { ok: true, offByOne, total };
}

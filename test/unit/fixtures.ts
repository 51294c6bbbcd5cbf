/**
 * Loads the torch-generated fixtures (test/fixtures/losses/*.json) and compares results at a relative tolerance.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TorchVersion } from '../../src/core/losses/types';
import { tensorFrom, type DType, type Tensor } from '../../src/core/tensor';

/** A tensor as the generators write it. */
export interface EncodedTensor {
  dtype: DType;
  shape: number[];
  data: (number | 'nan' | 'inf' | '-inf')[];
}

export interface FixtureCase {
  id: string;
  fn: string;
  /** The oracles that labelled the case alike, major.minor: ['1.13'], ['2.14'] or both. */
  torch?: string[];
  inputs: Record<string, EncodedTensor>;
  options: Record<string, EncodedTensor | number | string | boolean | null>;
  warnings?: string[];
  error?: { type: string; message: string };
  expected?: {
    value: EncodedTensor;
    perElement?: EncodedTensor;
    gradient?: Record<string, EncodedTensor>;
    /** PyTorch computed the value, then `.backward()` raised this (no gradient). */
    backwardError?: { type: string; message: string };
  };
}

/** The torchVersion setting that reproduces an oracle: 1.13 for 1.13, '2.x' for every 2.* release. */
export function settingFor(oracle: string): TorchVersion {
  return oracle.startsWith('1.') ? '1.13' : '2.x';
}

/** The settings a case runs under, one per oracle that labelled it (cases from before versioning: 1.13). */
export function versionsOf(c: { torch?: string[] }): TorchVersion[] {
  return (c.torch ?? ['1.13']).map(settingFor);
}

function decodeNumber(v: number | string): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

/** True when a value is an encoded tensor. */
export function isEncodedTensor(v: unknown): v is EncodedTensor {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

/** Decodes an encoded tensor into a core Tensor of the same dtype. */
export function decodeTensor(e: EncodedTensor): Tensor {
  return tensorFrom(e.data.map(decodeNumber), e.shape, e.dtype);
}

/** Loads test/fixtures/losses/<name>.json. */
export function loadFixtures(name: string): FixtureCase[] {
  const file = path.join(__dirname, '..', 'fixtures', 'losses', `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: FixtureCase[] }).cases;
}

/** Decodes a case's options (tensors become Tensors). */
export function decodeOptions(
  options: FixtureCase['options'],
): Record<string, Tensor | number | string | boolean | null> {
  const out: Record<string, Tensor | number | string | boolean | null> = {};
  for (const [k, v] of Object.entries(options)) out[k] = isEncodedTensor(v) ? decodeTensor(v) : v;
  return out;
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, with NaN matching NaN and ±inf matching exactly. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 1e-5,
  atol = 1e-6,
): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected nan, got ${a}`);
    } else if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]: expected ${e}, got ${a}`);
    } else {
      assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: expected ${e}, got ${a}`);
    }
  }
}

/** Asserts a tensor equals an encoded expectation in shape and values. */
export function assertTensorClose(
  actual: Tensor,
  expected: EncodedTensor,
  what: string,
  rtol = 1e-5,
  atol = 1e-6,
): void {
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape`);
  assertClose(actual.data, expected.data.map(decodeNumber), what, rtol, atol);
}

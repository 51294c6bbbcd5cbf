/**
 * Loads the printing oracles written by scripts/fixtures/gen_print.py (one JSON per PyTorch/NumPy/Python install)
 * and decodes their values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleReprNode } from '../../../src/core/torch/print/module-repr';

/** A flat encoded number: non-finite values are strings. */
export type EncodedNumber = number | 'nan' | 'inf' | '-inf';

/** An encoded tensor or ndarray. */
export interface EncodedArray {
  dtype: string;
  shape: number[];
  data: EncodedNumber[];
}

/** An encoded Python value. */
export type EncodedPy =
  | { t: 'int'; v: string }
  | { t: 'float'; v: EncodedNumber }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'list'; v: EncodedPy[] }
  | { t: 'tuple'; v: EncodedPy[] }
  | { t: 'dict'; v: Record<string, EncodedPy> };

/** What the oracle did: printed `out`, or raised `error`. */
export interface Outcome {
  out?: string;
  error?: { type: string; message: string };
}

export interface Oracle {
  label: string;
  versions: { python: string; torch: string; numpy: string };
  torch: {
    id: string;
    tensor: EncodedArray;
    requires_grad: boolean;
    grad_fn: string | null;
    parameter: boolean;
    print_options: Record<string, unknown>;
    repr: string;
  }[];
  torch_size: { shape: number[]; repr: string; str: string }[];
  numpy: { id: string; array: EncodedArray; repr: string; str: string }[];
  numpy_scalars: { value: EncodedNumber; dtype: string; repr: string; str: string }[];
  float_repr: { value: EncodedNumber; repr: string; str: string }[];
  format_spec: ({ value: EncodedPy; spec: string } & Outcome)[];
  percent: ({ fmt: string; args: EncodedPy } & Outcome)[];
  template: ({ template: string; args: EncodedPy[]; kwargs: Record<string, EncodedPy> } & Outcome)[];
  round: ({ value: EncodedNumber; ndigits: number | null } & Outcome)[];
  interop: { kind: string; value: EncodedNumber; spec?: string; out: string }[];
  numpy_options: { id: string; array: EncodedArray; options: Record<string, unknown>; repr: string; str: string }[];
  torch_default_dtype: (Oracle['torch'][number] & { default_dtype: 'float64' })[];
  modules: { id: string; module: ModuleReprNode; repr: string }[];
  str_repr: { text: string; repr: string }[];
  string_arrays: { id: string; shape: number[]; data: string[]; itemsize: number; repr: string; str: string }[];
}

/** Decodes a number of the fixture encoding. */
export function decodeNumber(v: EncodedNumber): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/** Decodes a tensor or array's flat data. */
export function decodeData(a: EncodedArray): number[] {
  return a.data.map(decodeNumber);
}

/** Both oracles: torch 1.13 + NumPy 1.24 + Python 3.11, and torch 2.14 + NumPy 2.x + Python 3.14. */
export function loadOracles(): Oracle[] {
  const dir = path.join(__dirname, '..', '..', 'fixtures', 'print');
  return ['oracle-1.13.json', 'oracle-2.14.json'].map((file) => {
    const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Omit<Oracle, 'label'>;
    return {
      ...data,
      label: `torch ${data.versions.torch}, NumPy ${data.versions.numpy}, Python ${data.versions.python}`,
    };
  });
}

/**
 * Replays the op table of scripts/fixtures/gen_torch_ops.py through the tensor library and compares with what
 * PyTorch/NumPy recorded. Shared by the fixture test and by scripts that measure agreement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  binaryOp,
  getItem,
  inPlaceOp,
  scalarOf,
  setItem,
  tensorAttribute,
  tensorMethod,
  torchFunction,
  truthiness,
  unaryOp,
  type TorchContext,
} from '../../../src/core/torch/api';
import type { IndexArg, TArg } from '../../../src/core/torch/args';
import { fromData } from '../../../src/core/torch/create';
import type { BinaryOperator } from '../../../src/core/torch/elementwise';
import { NotModelled, TorchError } from '../../../src/core/torch/errors';
import { cloneTensor, make, TorchTensor } from '../../../src/core/torch/tensor';
import type { DType } from '../../../src/core/tensor';

/** One recorded case. */
export interface OpCase {
  id: string;
  call: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  result?: Encoded;
  error?: { type: string; message: string };
}

/** A recorded Python value. */
export type Encoded =
  | {
      kind: 'tensor';
      flavor: 'torch' | 'numpy';
      npScalar?: boolean;
      dtype: string;
      shape: number[];
      data: Array<number | string>;
    }
  | { kind: 'int'; value: string }
  | { kind: 'float'; value: number | string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tuple'; typeName: string | null; items: Encoded[] }
  | { kind: 'list'; items: Encoded[] }
  | { kind: 'dtype'; dtype: string }
  | { kind: 'none' }
  | { kind: 'str'; value: string };

/** A fixture file. */
export interface OpFixture {
  torch: string;
  numpy: string;
  cases: OpCase[];
}

/** Reads test/fixtures/torch/ops-<version>.json. */
export function loadFixture(version: '1.13' | '2.x'): OpFixture {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'torch', `ops-${version}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as OpFixture;
}

function num(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
}

function leaf(v: unknown, dtype: string): TArg {
  if (typeof v === 'boolean') return dtype === 'bool' ? v : v ? 1n : 0n;
  const x = num(v as number | string);
  if (dtype === 'bool') return x !== 0;
  if (dtype.startsWith('float') || dtype === 'bfloat16') return x;
  return BigInt(x);
}

function nested(v: unknown, dtype: string): TArg {
  return Array.isArray(v) ? v.map((x) => nested(x, dtype)) : leaf(v, dtype);
}

/** Decodes an argument into the library's argument model. */
export function decode(ctx: TorchContext, a: unknown): TArg {
  if (a === null) return null;
  if (typeof a === 'boolean' || typeof a === 'string') return a;
  if (Array.isArray(a)) return a.map((x) => decode(ctx, x));
  const o = a as Record<string, unknown>;
  if ('t' in o) return fromData(ctx, nested(o.t, o.dtype as string), o.dtype as DType, 'torch');
  if ('np' in o) return fromData(ctx, nested(o.np, o.dtype as string), o.dtype as DType, 'numpy');
  if ('nps' in o) {
    const t = make([num(o.nps as number)], [], o.dtype as DType, 'numpy');
    t.npScalar = true;
    return t;
  }
  if ('f' in o) return num(o.f as number);
  if ('i' in o) return BigInt(o.i as number);
  if ('tuple' in o) return { kind: 'tuple', items: (o.tuple as unknown[]).map((x) => decode(ctx, x)) };
  if ('dtype' in o) return { kind: 'dtype', dtype: o.dtype as DType };
  if ('npdtype' in o) return { kind: 'dtype', dtype: o.npdtype as DType };
  if ('slice' in o) {
    const [s, e, st] = o.slice as Array<number | null>;
    const b = (x: number | null | undefined): bigint | null => (x === null || x === undefined ? null : BigInt(x));
    return { kind: 'slice', start: b(s), stop: b(e), step: b(st) } as unknown as TArg;
  }
  if ('ellipsis' in o) return { kind: 'ellipsis' } as unknown as TArg;
  throw new Error(`cannot decode ${JSON.stringify(a)}`);
}

/** Runs one case through the library. */
export function run(ctx: TorchContext, c: OpCase): TArg {
  const args = c.args.map((a) => decode(ctx, a));
  const kwargs = new Map(Object.entries(c.kwargs).map(([k, v]) => [k, decode(ctx, v)] as [string, TArg]));
  const call = c.call;
  if (call.startsWith('op:')) return binaryOp(ctx, call.slice(3) as BinaryOperator, args[0]!, args[1]!);
  if (call.startsWith('unary:')) return unaryOp(ctx, call.slice(6) as '-', args[0] as TorchTensor);
  if (call.startsWith('iop:')) {
    const t = cloneTensor(args[0] as TorchTensor);
    return inPlaceOp(ctx, call.slice(4) as BinaryOperator, t, args[1]!);
  }
  if (call === 'getitem') return getItem(ctx, args[0] as TorchTensor, args[1] as IndexArg);
  if (call === 'setitem') {
    const t = cloneTensor(args[0] as TorchTensor);
    setItem(ctx, t, args[1] as IndexArg, args[2] as TorchTensor);
    return t;
  }
  if (call.startsWith('method:'))
    return tensorMethod(ctx, args[0] as TorchTensor, call.slice(7), args.slice(1), kwargs);
  if (call.startsWith('attr:')) {
    const r = tensorAttribute(ctx, args[0] as TorchTensor, call.slice(5));
    if (r === undefined) throw new Error('no attribute');
    return r;
  }
  if (call === 'bool') return truthiness(args[0] as TorchTensor);
  if (call === 'item') return scalarOf(args[0] as TorchTensor, ctx.torchVersion);
  return torchFunction(ctx, call, args, kwargs);
}

/** Relative tolerance per dtype for float comparisons (the library computes in float64 and rounds once). */
function tolerance(dtype: string): number {
  if (dtype === 'float16' || dtype === 'bfloat16') return 1e-2;
  if (dtype === 'float32') return 5e-7;
  return 1e-13;
}

/** Compares a library result with a recorded one; returns a description of the first difference, or undefined. */
export function compare(
  actual: TArg,
  expected: Encoded,
  where = 'result',
  exact?: { n: number; exact: number },
  floatTolerance?: number,
): string | undefined {
  switch (expected.kind) {
    case 'tensor': {
      if (!(actual instanceof TorchTensor)) return `${where}: expected a tensor, got ${String(actual)}`;
      if (actual.flavor !== expected.flavor) return `${where}: flavor ${actual.flavor} != ${expected.flavor}`;
      if (actual.dtype !== expected.dtype) return `${where}: dtype ${actual.dtype} != ${expected.dtype}`;
      if (actual.shape.join(',') !== expected.shape.join(','))
        return `${where}: shape [${actual.shape}] != [${expected.shape}]`;
      if (expected.flavor === 'numpy' && Boolean(actual.npScalar) !== Boolean(expected.npScalar)) {
        return `${where}: npScalar ${Boolean(actual.npScalar)} != ${Boolean(expected.npScalar)}`;
      }
      const tol = floatTolerance ?? tolerance(expected.dtype);
      for (let i = 0; i < expected.data.length; i++) {
        const e = num(expected.data[i]!);
        const a = actual.data[i]!;
        if (exact) {
          exact.n++;
          if (Object.is(a, e) || a === e) exact.exact++;
        }
        if (Number.isNaN(e) ? !Number.isNaN(a) : !(a === e || Math.abs(a - e) <= tol * Math.max(Math.abs(e), 1e-30))) {
          return `${where}: element ${i}: ${a} != ${e}`;
        }
      }
      return undefined;
    }
    case 'int':
      return actual === BigInt(expected.value) ? undefined : `${where}: ${String(actual)} != int ${expected.value}`;
    case 'float': {
      const e = num(expected.value);
      return typeof actual === 'number' && (Object.is(actual, e) || Math.abs(actual - e) <= 1e-13 * Math.abs(e))
        ? undefined
        : `${where}: ${String(actual)} != float ${e}`;
    }
    case 'bool':
      return actual === expected.value ? undefined : `${where}: ${String(actual)} != ${expected.value}`;
    case 'none':
      return actual === null ? undefined : `${where}: expected None`;
    case 'str':
      return actual === expected.value ? undefined : `${where}: ${String(actual)} != '${expected.value}'`;
    case 'dtype':
      return typeof actual === 'object' &&
        actual !== null &&
        !Array.isArray(actual) &&
        !(actual instanceof TorchTensor) &&
        actual.kind === 'dtype' &&
        actual.dtype === expected.dtype
        ? undefined
        : `${where}: expected dtype ${expected.dtype}`;
    case 'list':
    case 'tuple': {
      const items = Array.isArray(actual)
        ? actual
        : typeof actual === 'object' && actual !== null && !(actual instanceof TorchTensor) && actual.kind === 'tuple'
          ? actual.items
          : undefined;
      if (!items) return `${where}: expected a ${expected.kind}`;
      if (expected.kind === 'list' && !Array.isArray(actual)) return `${where}: expected a list, got a tuple`;
      if (expected.kind === 'tuple') {
        if (Array.isArray(actual)) return `${where}: expected a tuple, got a list`;
        const typeName = (actual as { typeName?: string }).typeName ?? null;
        if (typeName !== expected.typeName) return `${where}: tuple type ${typeName} != ${expected.typeName}`;
      }
      if (items.length !== expected.items.length) return `${where}: length ${items.length} != ${expected.items.length}`;
      for (let i = 0; i < items.length; i++) {
        const d = compare(items[i]!, expected.items[i]!, `${where}[${i}]`, exact, floatTolerance);
        if (d) return d;
      }
      return undefined;
    }
  }
}

/** Runs and compares one case; undefined when the library agrees with the oracle. */
export function check(
  ctx: TorchContext,
  c: OpCase,
  exact?: { n: number; exact: number },
  floatTolerance?: number,
): string | undefined {
  let actual: TArg;
  try {
    actual = run(ctx, c);
  } catch (e) {
    if (e instanceof TorchError && c.error) {
      const type = e.className ?? e.pyType;
      if (type !== c.error.type) return `error type ${type} != ${c.error.type} (${e.message})`;
      if (e.message !== c.error.message) return `message "${e.message}" != "${c.error.message}"`;
      return undefined;
    }
    if (e instanceof NotModelled) return `not modelled: ${e.what}`;
    return `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}${c.error ? ` (expected ${c.error.type}: ${c.error.message})` : ''}`;
  }
  if (c.error) return `expected ${c.error.type}: ${c.error.message}`;
  return compare(actual, c.result!, 'result', exact, floatTolerance);
}

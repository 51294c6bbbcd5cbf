/**
 * A WebAssembly SIMD kernel for BCEWithLogits' summary mode on float32 logits and targets, the way PyTorch's CPU
 * kernel works on them: exp and log1p on float32 vectors (4 lanes), then the sums the summary reports (per sample, per
 * label, the total, positives and negatives) in float64, in the same module, so no element loss goes through
 * JavaScript. ./binary_cross_entropy_with_logits.ts calls it; `npm run bench:warm` measures it.
 *
 * The module is assembled with the assembler of ./simd.ts and compiled once, on first use; where WebAssembly SIMD is
 * missing {@link bceKernel} returns undefined and the caller keeps its other passes.
 *
 * Numbers. Each element's loss is computed in the stable form w·[(1 − y)·softplus(x) + p·y·softplus(−x)] (the same
 * value as PyTorch's (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), without its cancellation), softplus(±x) =
 * max(±x, 0) + log1p(e^−|x|):
 * - e^−|x| is Cody–Waite reduction and Cephes' degree-7 `expf` polynomial in float32 (as in ./simd.ts);
 * - log1p(e) = 2·atanh(z), z = e / (2 + e) ≤ 1/3: 2z·S(z²), S(u) = Σ u^j / (2j + 1) as a degree-4 polynomial within
 *   5·10⁻⁹, in float32;
 * - the terms are non-negative when 0 ≤ y ≤ 1 and p ≥ 0, so the loss keeps their accuracy: within 5·10⁻⁷ of the
 *   exact value (10⁻⁴⁰ absolute where p·y·log1p falls below float32's normal range; test/unit/losses/simd-bce.test.ts
 *   measures it), where PyTorch's own float32 kernel, computing the cancelling form, is no closer; the weight
 *   multiplies in float64.
 * When a call's elements hold a logit with |x| > 87 (e^−|x| is no longer a normal float32), ±inf or NaN, or a target
 * outside [0, 1] or NaN, the flags say so and the caller recomputes that block with the float64 kernel of ./simd.ts
 * (linked into this module as `bce64`), which follows full mode's formula within 10⁻⁹.
 * The caller takes this path only for pos_weight values in [0, 10³⁰] and finite weights.
 *
 * The sums: per label, each label's own float64 sum in C order (as full mode's); per sample, row sums over runs of
 * consecutive elements (two float64 lanes, ≈ 10⁻¹⁶ from a sequential sum); the total, a compensated sum of those
 * runs' sums.
 */
import {
  BLOCK,
  C1,
  C2,
  END,
  F32X4_ADD,
  F32X4_GE,
  F32X4_MUL,
  F32X4_PMAX,
  F32X4_SUB,
  F64X2_ADD,
  F64X2_MUL,
  F64X2_PROMOTE_LOW,
  HIGH_TO_LOW,
  I32,
  I32X4_SHL,
  I32_ADD,
  I32_GE_U,
  I32_SHL,
  I32_SUB,
  LOG2E,
  LOOP,
  P,
  V128,
  V128_AND,
  bceFunction,
  br,
  brIf,
  f64x2Lane,
  get,
  i32c,
  section,
  set,
  simd,
  splat,
  uleb,
  vconst,
  vector,
  withPool,
  type WasmApi,
  type WasmMemory,
} from './simd';

const F64 = 0x7c;
const IF = [0x04, 0x40];
const SELECT = [0x1b];
const I32_EQ = [0x46];
const I32_LT_U = [0x49];
const I32_GT_U = [0x4b];
const F64_ABS = [0x99];
const F64_ADD = [0xa0];
const F64_SUB = [0xa1];
const F64_GE = [0x66];
const i32Load = (offset: number): number[] => [0x28, 2, ...uleb(offset)];
const i32Store = (offset: number): number[] => [0x36, 2, ...uleb(offset)];
const f64Load = (offset: number): number[] => [0x2b, 3, ...uleb(offset)];
const f64Store = (offset: number): number[] => [0x39, 3, ...uleb(offset)];
const v128Load = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
const v128Store = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
const v128Load32Zero = (offset: number): number[] => simd(0x5c, 2, ...uleb(offset));
const v128Load64Zero = (offset: number): number[] => simd(0x5d, 3, ...uleb(offset));
const F32X4_LE = simd(0x45);
const F32X4_NEG = simd(0xe1);
const F32X4_DIV = simd(0xe7);
const I32X4_ALL_TRUE = simd(0xa3);
const I64X2_EXTEND_LOW_I32X4_S = simd(0xc7);
const I64X2_SUB = simd(0xd1);
const V128_ANDNOT = simd(0x4f);
const V128_OR = simd(0x50);
const I32X4_SUB = simd(0xb1);

/** 1.5·2²³: adding it to a float32 of magnitude below 2²² rounds it to an integer, which lands in the low bits. */
const ROUNDING = 12582912;
const ROUNDING_BITS = 0x4b400000;
/** A constant vector of four equal int32 lanes. */
const splatI32 = (v: number): number[] => {
  const lane = [...new Uint8Array(Int32Array.of(v).buffer)];
  return [...lane, ...lane, ...lane, ...lane];
};

/** Above this |x|, e^−|x| leaves float32's normal range: the float64 kernel takes the group. */
export const FLOAT32_SAFE_LOGIT = 87;
/**
 * S(u) = atanh(√u)/√u = Σ u^j / (2j + 1) on u = z² ∈ [0, 1/9] as a degree-4 polynomial (Horner order, highest
 * first): the interpolant at the 5 Chebyshev nodes of the interval, within 5·10⁻⁹ of S (the Taylor series needs
 * degree 6 for 1.5·10⁻⁸). Computed here once, in float64.
 */
const ATANH_SERIES = chebyshevInterpolant(
  (u) => {
    let sum = 0;
    for (let j = 30; j >= 0; j--) sum = sum * u + 1 / (2 * j + 1);
    return sum;
  },
  1 / 9,
  4,
).reverse();

/** The monomial coefficients (lowest first) of the degree-`degree` interpolant of f at the Chebyshev nodes of [0, h]. */
function chebyshevInterpolant(fn: (u: number) => number, h: number, degree: number): number[] {
  const n = degree + 1;
  const nodes = Array.from({ length: n }, (_, k) => (h / 2) * (1 + Math.cos(((2 * k + 1) * Math.PI) / (2 * n))));
  // The Vandermonde system, by Gaussian elimination with partial pivoting.
  const rows = nodes.map((u) => [...Array.from({ length: n }, (_, j) => u ** j), fn(u)]);
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(rows[r]![i]!) > Math.abs(rows[pivot]![i]!)) pivot = r;
    [rows[i], rows[pivot]] = [rows[pivot]!, rows[i]!];
    for (let r = i + 1; r < n; r++) {
      const factor = rows[r]![i]! / rows[i]![i]!;
      for (let c = i; c <= n; c++) rows[r]![c]! -= factor * rows[i]![c]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let v = rows[i]![n]!;
    for (let c = i + 1; c < n; c++) v -= rows[i]![c]! * out[c]!;
    out[i] = v / rows[i]![i]!;
  }
  return out;
}

/** Groups of 4 elements computed per turn of the loop (their dependency chains overlap; 4 measured best). */
const GROUPS = 4;
/** Elements per turn of `bce32`'s loop: the caller pads its arrays to a multiple of this. */
export const BCE32_STEP = 4 * GROUPS;

/** The temporaries of one group of 4 elements in {@link bce32Body}. */
interface GroupLocals {
  readonly xv: number;
  readonly yv: number;
  readonly a: number;
  readonly k: number;
  readonly e: number;
  readonly z: number;
  readonly z2: number;
  readonly s: number;
  readonly u: number;
}

/** Which `bce32` (4 are compiled): whether it checks that every x lies in [0, 1], whether it multiplies by w. */
export interface Bce32Variant {
  readonly checkLogits: boolean;
  readonly weighted: boolean;
}

const VARIANTS: readonly Bce32Variant[] = [
  { checkLogits: true, weighted: true },
  { checkLogits: true, weighted: false },
  { checkLogits: false, weighted: true },
  { checkLogits: false, weighted: false },
];

/** The export name of a variant. */
const variantName = (v: Bce32Variant): string => `bce32${v.checkLogits ? 'c' : ''}${v.weighted ? 'w' : ''}`;

/**
 * `bce32(x, y, p, w, count, out, stats)`: the element losses of `count` float32 elements (x, y, p at byte offsets,
 * float32; w and out float64), 16 at a time (so up to 15 elements past `count` are read and written). At `stats` (an
 * i32): bit 0 when every x lies in [0, 1], bit 1 when every y does, bit 2 when every |x| ≤ 87 (no NaN): without bits
 * 1 and 2 some loss is not within the stated bound and the caller recomputes the block.
 *
 * ```
 * for each group of 4:  a = |x|;  e = expf(−a);  z = e / (2 + e);  L = 2z·S(z²)
 *   u = (1 − y)·(max(x, 0) + L) + (p·y)·(max(−x, 0) + L)        (float32)
 *   out = u·w                                                   (float64)
 * ```
 */
function bce32Body(variant: Bce32Variant): number[] {
  // Parameters: x 0, y 1, p 2, w 3, count 4, out 5, stats 6. Locals: i32 i (bytes into the float32 arrays), end;
  // v128 inX, inY, safe (all ones in a lane while it holds), then two groups' temporaries.
  const [i, end, inX, inY, safe] = [7, 8, 9, 10, 11];
  const groupLocals = (from: number): GroupLocals => {
    const [xv, yv, a, k, e, z, z2, s, u] = Array.from({ length: 9 }, (_, j) => from + j);
    return { xv: xv!, yv: yv!, a: a!, k: k!, e: e!, z: z!, z2: z2!, s: s!, u: u! };
  };
  const groups = Array.from({ length: GROUPS }, (_, g) => groupLocals(12 + 9 * g));
  const at = (param: number): number[] => [...get(param), ...get(i), ...I32_ADD];
  /** The float64 arrays are indexed twice as far as the float32 ones. */
  const at64 = (param: number): number[] => [...get(param), ...get(i), ...get(i), ...I32_ADD, ...I32_ADD];
  const horner = (coefficients: readonly number[], v: number): number[] => {
    const out = [...splat(coefficients[0]!)];
    for (let j = 1; j < coefficients.length; j++)
      out.push(...get(v), ...F32X4_MUL, ...splat(coefficients[j]!), ...F32X4_ADD);
    return out;
  };
  const group = (off: number, G: GroupLocals): number[] => [
    ...at(0),
    ...v128Load(off),
    ...set(G.xv),
    ...at(1),
    ...v128Load(off),
    ...set(G.yv),
    // the flags
    ...(variant.checkLogits
      ? [
          ...get(inX),
          ...get(G.xv),
          ...splat(0),
          ...F32X4_GE,
          ...V128_AND,
          ...get(G.xv),
          ...splat(1),
          ...F32X4_LE,
          ...V128_AND,
          ...set(inX),
        ]
      : []),
    ...get(inY),
    ...get(G.yv),
    ...splat(0),
    ...F32X4_GE,
    ...V128_AND,
    ...get(G.yv),
    ...splat(1),
    ...F32X4_LE,
    ...V128_AND,
    ...set(inY),
    // a = −|x| (the sign bit set); safe while a ≥ −87 (false for NaN)
    ...get(G.xv),
    ...splat(-0),
    ...V128_OR,
    ...set(G.a),
    ...get(safe),
    ...get(G.a),
    ...splat(-FLOAT32_SAFE_LOGIT),
    ...F32X4_GE,
    ...V128_AND,
    ...set(safe),
    // e = expf(a): t = a·log2 e + 1.5·2²³ rounds a·log2 e to the integer k in its low bits, k = t − 1.5·2²³;
    // r = a − k·C1 − k·C2 (in z); e = (poly(r)·r² + r + 1)·2^k, 2^k's bits being (bits(t) − bits(1.5·2²³) + 127) << 23
    ...get(G.a),
    ...splat(LOG2E),
    ...F32X4_MUL,
    ...splat(ROUNDING),
    ...F32X4_ADD,
    ...set(G.k),
    ...get(G.k),
    ...splat(ROUNDING),
    ...F32X4_SUB,
    ...set(G.e),
    ...get(G.a),
    ...get(G.e),
    ...splat(C1),
    ...F32X4_MUL,
    ...F32X4_SUB,
    ...get(G.e),
    ...splat(C2),
    ...F32X4_MUL,
    ...F32X4_SUB,
    ...set(G.z),
    ...horner(P, G.z),
    ...get(G.z),
    ...get(G.z),
    ...F32X4_MUL,
    ...F32X4_MUL,
    ...get(G.z),
    ...F32X4_ADD,
    ...splat(1),
    ...F32X4_ADD,
    ...get(G.k),
    ...vconst(splatI32(ROUNDING_BITS - 127)),
    ...I32X4_SUB,
    ...i32c(23),
    ...I32X4_SHL,
    ...F32X4_MUL,
    ...set(G.e),
    // L = 2z·S(z²), z = e / (2 + e)
    ...get(G.e),
    ...splat(2),
    ...get(G.e),
    ...F32X4_ADD,
    ...F32X4_DIV,
    ...set(G.z),
    ...get(G.z),
    ...get(G.z),
    ...F32X4_MUL,
    ...set(G.z2),
    ...horner(ATANH_SERIES, G.z2),
    ...get(G.z),
    ...get(G.z),
    ...F32X4_ADD,
    ...F32X4_MUL,
    ...set(G.s),
    // u = (1 − y)·(max(x, 0) + L) + (p·y)·(max(−x, 0) + L)
    ...splat(1),
    ...get(G.yv),
    ...F32X4_SUB,
    ...get(G.xv),
    ...splat(0),
    ...F32X4_PMAX,
    ...get(G.s),
    ...F32X4_ADD,
    ...F32X4_MUL,
    ...at(2),
    ...v128Load(off),
    ...get(G.yv),
    ...F32X4_MUL,
    ...get(G.xv),
    ...F32X4_NEG,
    ...splat(0),
    ...F32X4_PMAX,
    ...get(G.s),
    ...F32X4_ADD,
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(G.u),
    // out = u·w in float64, lanes 0–1 then 2–3
    ...at64(5),
    ...get(G.u),
    ...F64X2_PROMOTE_LOW,
    ...(variant.weighted ? [...at64(3), ...v128Load(2 * off), ...F64X2_MUL] : []),
    ...v128Store(2 * off),
    ...at64(5),
    ...get(G.u),
    ...get(G.u),
    ...HIGH_TO_LOW,
    ...F64X2_PROMOTE_LOW,
    ...(variant.weighted ? [...at64(3), ...v128Load(2 * off + 16), ...F64X2_MUL] : []),
    ...v128Store(2 * off + 16),
  ];
  const allOnes = vconst(new Array<number>(16).fill(0xff));
  return [
    ...get(4),
    ...i32c(2),
    ...I32_SHL,
    ...set(end),
    ...i32c(0),
    ...set(i),
    // Without the logits' check, bit 0 reads 0 (not known).
    ...(variant.checkLogits ? allOnes : vconst(new Array<number>(16).fill(0))),
    ...set(inX),
    ...allOnes,
    ...set(inY),
    ...allOnes,
    ...set(safe),
    ...BLOCK,
    ...LOOP,
    ...get(i),
    ...get(end),
    ...I32_GE_U,
    ...brIf(1),
    ...groups.flatMap((G, g) => group(16 * g, G)),
    ...get(i),
    ...i32c(16 * GROUPS),
    ...I32_ADD,
    ...set(i),
    ...br(0),
    ...END,
    ...END,
    ...get(6),
    ...get(inX),
    ...I32X4_ALL_TRUE,
    ...get(inY),
    ...I32X4_ALL_TRUE,
    ...i32c(1),
    ...I32_SHL,
    ...[0x72], // i32.or
    ...get(safe),
    ...I32X4_ALL_TRUE,
    ...i32c(2),
    ...I32_SHL,
    ...[0x72],
    ...i32Store(0),
  ];
}

function bce32Function(variant: Bce32Variant): number[] {
  const { code, constants } = withPool(12 + 9 * GROUPS, () => bce32Body(variant));
  const locals = vector([
    [2, I32],
    [3 + 9 * GROUPS, V128],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

/**
 * Byte offsets in the accumulator's state (at `state`, 16-byte aligned): the layout (i32: elements per sample,
 * labels, then where the next element falls: sample, index in the sample, label; byte offsets of the per-sample and
 * per-label float64 sums), the total and its compensation (f64), and the positive/negative split (f64x2 sums, an
 * i64x2 count of positives).
 */
export const STATE = {
  perRow: 0,
  labels: 4,
  row: 8,
  inRow: 12,
  label: 16,
  perSample: 20,
  perLabel: 24,
  sum: 32,
  compensation: 40,
  positiveSum: 48,
  negativeSum: 64,
  positiveCount: 80,
  bytes: 96,
} as const;

/**
 * `accumulate(out, y, count, state)`: folds `count` float64 losses (at `out`) with their float32 targets (at `y`) into
 * the sums at `state` ({@link STATE}), in runs of consecutive elements that share a sample and a row of labels.
 *
 * ```
 * while elements are left:  n = min(left, perRow − inRow, labels − label)
 *   for each pair (a last single element zero-extended):
 *     acc += ℓ;  perLabel[label + j …] += ℓ;  m = y ≥ 0.5;  pos += ℓ & m;  neg += ℓ & ~m;  positives −= m
 *   perSample[row] += Σ acc;  total += Σ acc (compensated);  advance row, inRow, label by n
 * ```
 */
function accumulateBody(): number[] {
  // Parameters: out 0, y 1, count 2, state 3. Locals: i32 i, n, j, perRow, labels, row, inRow, label, perSample,
  // perLabel, room; f64 sum, compensation, s, t; v128 acc, pos, neg, positives, l, m.
  const [i, n, j, perRow, labels, row, inRow, label, perSample, perLabel, room] = [
    4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
  ];
  const [sum, compensation, s, t] = [15, 16, 17, 18];
  const [acc, pos, neg, positives, l, m] = [19, 20, 21, 22, 23, 24];
  const stateI32 = (local: number, offset: number): number[] => [...get(3), ...i32Load(offset), ...set(local)];
  const minInto = (local: number, other: number[]): number[] => [
    ...other,
    ...set(room),
    ...get(room),
    ...get(local),
    ...get(room),
    ...get(local),
    ...I32_LT_U,
    ...SELECT,
    ...set(local),
  ];
  /** One pair of elements (or, `single`, one element with zeros in the second lane) at index i + j. */
  const pair = (single: boolean): number[] => [
    ...get(0),
    ...get(i),
    ...get(j),
    ...I32_ADD,
    ...i32c(3),
    ...I32_SHL,
    ...I32_ADD,
    ...(single ? v128Load64Zero(0) : v128Load(0)),
    ...set(l),
    ...get(acc),
    ...get(l),
    ...F64X2_ADD,
    ...set(acc),
    // perLabel[label + j …] += ℓ (a single element adds 0 to the next slot, which exists: the array has 2 spare)
    ...get(perLabel),
    ...get(label),
    ...get(j),
    ...I32_ADD,
    ...i32c(3),
    ...I32_SHL,
    ...I32_ADD,
    ...set(room),
    ...get(room),
    ...get(room),
    ...v128Load(0),
    ...get(l),
    ...F64X2_ADD,
    ...v128Store(0),
    // m = y ≥ 0.5 as two 64-bit lanes
    ...get(1),
    ...get(i),
    ...get(j),
    ...I32_ADD,
    ...i32c(2),
    ...I32_SHL,
    ...I32_ADD,
    ...(single ? v128Load32Zero(0) : v128Load64Zero(0)),
    ...splat(0.5),
    ...F32X4_GE,
    ...I64X2_EXTEND_LOW_I32X4_S,
    ...set(m),
    ...get(pos),
    ...get(l),
    ...get(m),
    ...V128_AND,
    ...F64X2_ADD,
    ...set(pos),
    ...get(neg),
    ...get(l),
    ...get(m),
    ...V128_ANDNOT,
    ...F64X2_ADD,
    ...set(neg),
    ...get(positives),
    ...get(m),
    ...I64X2_SUB,
    ...set(positives),
  ];
  const zero = vconst(new Array<number>(16).fill(0));
  return [
    ...stateI32(perRow, STATE.perRow),
    ...stateI32(labels, STATE.labels),
    ...stateI32(row, STATE.row),
    ...stateI32(inRow, STATE.inRow),
    ...stateI32(label, STATE.label),
    ...stateI32(perSample, STATE.perSample),
    ...stateI32(perLabel, STATE.perLabel),
    ...get(3),
    ...f64Load(STATE.sum),
    ...set(sum),
    ...get(3),
    ...f64Load(STATE.compensation),
    ...set(compensation),
    ...get(3),
    ...v128Load(STATE.positiveSum),
    ...set(pos),
    ...get(3),
    ...v128Load(STATE.negativeSum),
    ...set(neg),
    ...get(3),
    ...v128Load(STATE.positiveCount),
    ...set(positives),
    ...i32c(0),
    ...set(i),
    ...BLOCK,
    ...LOOP,
    ...get(i),
    ...get(2),
    ...I32_GE_U,
    ...brIf(1),
    // n = min(count − i, perRow − inRow, labels − label)
    ...get(2),
    ...get(i),
    ...I32_SUB,
    ...set(n),
    ...minInto(n, [...get(perRow), ...get(inRow), ...I32_SUB]),
    ...minInto(n, [...get(labels), ...get(label), ...I32_SUB]),
    ...zero,
    ...set(acc),
    ...i32c(0),
    ...set(j),
    ...BLOCK,
    ...LOOP,
    ...get(j),
    ...i32c(2),
    ...I32_ADD,
    ...get(n),
    ...I32_GT_U,
    ...brIf(1),
    ...pair(false),
    ...get(j),
    ...i32c(2),
    ...I32_ADD,
    ...set(j),
    ...br(0),
    ...END,
    ...END,
    ...get(j),
    ...get(n),
    ...I32_LT_U,
    ...IF,
    ...pair(true),
    ...END,
    // s = Σ acc;  perSample[row] += s;  sum, compensation: Neumaier's step
    ...get(acc),
    ...f64x2Lane(0),
    ...get(acc),
    ...f64x2Lane(1),
    ...F64_ADD,
    ...set(s),
    ...get(perSample),
    ...get(row),
    ...i32c(3),
    ...I32_SHL,
    ...I32_ADD,
    ...set(room),
    ...get(room),
    ...get(room),
    ...f64Load(0),
    ...get(s),
    ...F64_ADD,
    ...f64Store(0),
    ...get(sum),
    ...get(s),
    ...F64_ADD,
    ...set(t),
    ...get(compensation),
    ...get(sum),
    ...get(t),
    ...F64_SUB,
    ...get(s),
    ...F64_ADD,
    ...get(s),
    ...get(t),
    ...F64_SUB,
    ...get(sum),
    ...F64_ADD,
    ...get(sum),
    ...F64_ABS,
    ...get(s),
    ...F64_ABS,
    ...F64_GE,
    ...SELECT,
    ...F64_ADD,
    ...set(compensation),
    ...get(t),
    ...set(sum),
    // advance
    ...get(inRow),
    ...get(n),
    ...I32_ADD,
    ...set(inRow),
    ...get(inRow),
    ...get(perRow),
    ...I32_EQ,
    ...IF,
    ...i32c(0),
    ...set(inRow),
    ...get(row),
    ...i32c(1),
    ...I32_ADD,
    ...set(row),
    ...END,
    ...get(label),
    ...get(n),
    ...I32_ADD,
    ...set(label),
    ...get(label),
    ...get(labels),
    ...I32_EQ,
    ...IF,
    ...i32c(0),
    ...set(label),
    ...END,
    ...get(i),
    ...get(n),
    ...I32_ADD,
    ...set(i),
    ...br(0),
    ...END,
    ...END,
    ...get(3),
    ...get(row),
    ...i32Store(STATE.row),
    ...get(3),
    ...get(inRow),
    ...i32Store(STATE.inRow),
    ...get(3),
    ...get(label),
    ...i32Store(STATE.label),
    ...get(3),
    ...get(sum),
    ...f64Store(STATE.sum),
    ...get(3),
    ...get(compensation),
    ...f64Store(STATE.compensation),
    ...get(3),
    ...get(pos),
    ...v128Store(STATE.positiveSum),
    ...get(3),
    ...get(neg),
    ...v128Store(STATE.negativeSum),
    ...get(3),
    ...get(positives),
    ...v128Store(STATE.positiveCount),
  ];
}

function accumulateFunction(): number[] {
  const { code, constants } = withPool(25, accumulateBody);
  const locals = vector([
    [11, I32],
    [4, F64],
    [6, V128],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

function moduleBytes(): Uint8Array {
  const bce32 = VARIANTS.map(bce32Function);
  const accumulate = accumulateFunction();
  const bce64 = bceFunction();
  const name = (text: string): number[] => vector([...text].map((c) => [c.charCodeAt(0)]));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 = (i32 ×7) → (), 1 = (i32 ×4) → ()
    ...section(
      1,
      vector([
        [0x60, ...vector(new Array(7).fill([I32])), 0],
        [0x60, ...vector(new Array(4).fill([I32])), 0],
      ]),
    ),
    ...section(3, vector([...VARIANTS.map(() => [0]), [1], [0]])),
    ...section(5, vector([[0x00, 1]])),
    ...section(
      7,
      vector([
        [...name('memory'), 0x02, 0],
        ...VARIANTS.map((v, f) => [...name(variantName(v)), 0x00, f]),
        [...name('accumulate'), 0x00, VARIANTS.length],
        [...name('bce64'), 0x00, VARIANTS.length + 1],
      ]),
    ),
    ...section(
      10,
      vector([
        ...bce32.map((code) => [...uleb(code.length), ...code]),
        [...uleb(accumulate.length), ...accumulate],
        [...uleb(bce64.length), ...bce64],
      ]),
    ),
  ]);
}

type Bce32Fn = (x: number, y: number, p: number, w: number, count: number, out: number, stats: number) => void;

/** What {@link BceKernel.bce32} learned about a block. */
export interface Bce32Flags {
  /** Every x lies in [0, 1]. */
  readonly logitsInUnitInterval: boolean;
  /** Every y lies in [0, 1] (no NaN). */
  readonly targetsInUnitInterval: boolean;
  /** Every |x| ≤ {@link FLOAT32_SAFE_LOGIT} (no NaN). */
  readonly logitsSafe: boolean;
}

/** The compiled kernel with its memory, grown on demand. All offsets are byte offsets into {@link memory}. */
export class BceKernel {
  private readonly memory: WasmMemory;
  /** The {@link VARIANTS} in their order. */
  private readonly bce32Fns: Bce32Fn[];
  private readonly bce64Fn: (x: number, y: number, p: number, w: number, n: number, out: number, at: number) => void;
  private readonly accumulateFn: (out: number, y: number, count: number, state: number) => void;
  /** Views of the memory (renewed by {@link reserve}). */
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;

  constructor(instance: { exports: Record<string, unknown> }) {
    this.memory = instance.exports['memory'] as WasmMemory;
    this.bce32Fns = VARIANTS.map((v) => instance.exports[variantName(v)] as Bce32Fn);
    this.bce64Fn = instance.exports['bce64'] as BceKernel['bce64Fn'];
    this.accumulateFn = instance.exports['accumulate'] as BceKernel['accumulateFn'];
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Makes the memory at least `bytes` long (the views are renewed). */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (have >= bytes) return;
    this.memory.grow(Math.ceil((bytes - have) / 65536));
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /**
   * The float32 path: losses of `count` elements, float32 x, y, p and float64 w, out (16-byte aligned; 16 elements at a
   * time ({@link BCE32_STEP}), so up to 15 past `count` are read and written: give them x = y = 0). `scratch` (4 bytes)
   * is overwritten.
   * `variant`: without `checkLogits` the flag `logitsInUnitInterval` is false; without `weighted`, w is not read.
   */
  bce32(
    x: number,
    y: number,
    p: number,
    w: number,
    count: number,
    out: number,
    scratch: number,
    variant: Bce32Variant = VARIANTS[0]!,
  ): Bce32Flags {
    this.bce32Fns[(variant.checkLogits ? 0 : 2) + (variant.weighted ? 0 : 1)]!(x, y, p, w, count, out, scratch);
    const flags = this.i32[scratch >> 2]!;
    return {
      logitsInUnitInterval: (flags & 1) !== 0,
      targetsInUnitInterval: (flags & 2) !== 0,
      logitsSafe: (flags & 4) !== 0,
    };
  }

  /**
   * The float64 kernel of ./simd.ts (`SoftmaxRowKernel.bce`) on float64 x, y, p, w, out (4 at a time: up to 3 past
   * `count`, with targets in [0, 1]). Returns whether every y lies in [0, 1]; `scratch` (4 bytes) is overwritten.
   */
  bce64(x: number, y: number, p: number, w: number, count: number, out: number, scratch: number): boolean {
    this.bce64Fn(x, y, p, w, count, out, scratch);
    return this.i32[scratch >> 2] === 1;
  }

  /** Folds `count` float64 losses at `out` with their float32 targets at `y` into the sums at `state` ({@link STATE}). */
  accumulate(out: number, y: number, count: number, state: number): void {
    this.accumulateFn(out, y, count, state);
  }
}

let kernel: BceKernel | null | undefined;
let disabled = false;

/** The kernel, compiled on first use; undefined where WebAssembly SIMD is unavailable (or in a test that said so). */
export function bceKernel(): BceKernel | undefined {
  if (disabled) return undefined;
  if (kernel === undefined) {
    kernel = null;
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      const bytes = moduleBytes();
      if (wasm && wasm.validate(bytes)) kernel = new BceKernel(new wasm.Instance(new wasm.Module(bytes), {}));
    } catch {
      kernel = null;
    }
  }
  return kernel ?? undefined;
}

/** Tests: behave as where WebAssembly SIMD is missing (`true`), or as usual again (`false`). */
export function disableBceKernel(disable: boolean): void {
  disabled = disable;
}

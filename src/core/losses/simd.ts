/**
 * A WebAssembly SIMD kernel for softmax rows of float32 logits: per row, the maximum, Σ exp(x − max) and the first
 * 4-element group that holds the maximum. Cross-entropy's summary mode (./cross_entropy.ts) spends most of its time
 * there; in plain JavaScript every exponential is a scalar double computation, while PyTorch's CPU kernel computes
 * `exp` on float32 vectors. This kernel does the same on 128-bit vectors (4 lanes); `npm run bench:warm` measures the
 * effect.
 *
 * The module is assembled here, byte by byte, from the listing below (no toolchain and no binary file in the repo),
 * compiled once, on first use. Where WebAssembly or its SIMD extension is missing, {@link softmaxRowKernel} returns
 * undefined and the callers keep their JavaScript loops.
 *
 * Numbers (against the exact value, the JavaScript loop being within 4·10⁻¹⁶ of it):
 * - the maximum is exact (a maximum of float32 values is one of them);
 * - x − max is formed in float32 with its rounding error carried (Knuth's TwoSum; Dekker's cheaper Fast2Sum where
 *   every value of the row has at most the maximum's exponent), so a term's exponent is exact to a few units in the
 *   last place of float32 ≈ 10⁻⁸;
 * - exp is Cody–Waite reduction to |r| ≤ ln 2 / 2 and a degree-6 polynomial in float32 (`Q`, as accurate as Cephes'
 *   degree-7 `expf`): within 2·10⁻⁷ relative per term, exactly 1 at the maximum; arguments below −87.3
 *   (e^x < 1.2·10⁻³⁸) count as 0 (a row with none skips the clamp and the mask that ensure it);
 * - the terms are summed in float64 (two 2-lane accumulators), those of four vectors first added in float32 except
 *   in the turn that holds the maximum, so the terms beside the maximum (the loss of a confident row) keep their own
 *   accuracy: a float32 rounding there costs at most 1.2·10⁻⁷ of their sum.
 * A row's loss is therefore within ~2·10⁻⁷ (relative) of the exact value, as PyTorch's own float32 kernel is; every
 * loss is checked against PyTorch at rtol 1e-5 and summary mode against full mode at 1e-6.
 * Rows whose maximum is NaN or ±inf are left to the caller (reported as a non-finite maximum).
 */

/** The WebAssembly API as far as used here (the project's TypeScript libraries declare none). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

// --- a tiny assembler -------------------------------------------------------------------------------------------

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit values). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f32Bytes(v: number): number[] {
  return [...new Uint8Array(Float32Array.of(v).buffer)];
}

function f64Bytes(v: number): number[] {
  return [...new Uint8Array(Float64Array.of(v).buffer)];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

// Core opcodes.
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];

const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const br = (depth: number): number[] => [0x0c, ...uleb(depth)];
const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];
const I32_ADD = [0x6a];
const I32_SUB = [0x6b];
const I32_SHL = [0x74];
const I32_SHR_U = [0x76];
const I32_LT_U = [0x49];
const I32_GE_U = [0x4f];
const F32_MAX = [0x97];
const F32_MIN = [0x96];
const F32_ADD = [0x92];
const F32_GE = [0x60];
const F32_GT = [0x5e];
const F32_NEG = [0x8c];
const I32_AND = [0x71];
const I32_REINTERPRET_F32 = [0xbc];
const F32_REINTERPRET_I32 = [0xbe];
const IF = [0x04, 0x40];
const ELSE = [0x05];
const f32c = (v: number): number[] => [0x43, ...f32Bytes(v)];
const F64_ADD = [0xa0];
/** memarg: alignment exponent, offset. */
const f64Store = (offset: number): number[] => [0x39, 3, ...uleb(offset)];
const f32Store = (offset: number): number[] => [0x38, 2, ...uleb(offset)];
const i32Store = (offset: number): number[] => [0x36, 2, ...uleb(offset)];

// SIMD opcodes (prefix 0xfd, then the sub-opcode as unsigned LEB128).
const simd = (op: number, ...immediates: number[]): number[] => [0xfd, ...uleb(op), ...immediates];
const V128_LOAD = simd(0x00, 4, 0);
const f32x4Splat = simd(0x13);
const f32x4Lane = (lane: number): number[] => simd(0x1f, lane);
const f64x2Lane = (lane: number): number[] => simd(0x21, lane);
const F32X4_EQ = simd(0x41);
const F32X4_GE = simd(0x46);
const V128_AND = simd(0x4e);
const V128_ANY_TRUE = simd(0x53);
const F64X2_PROMOTE_LOW = simd(0x5f);
const I32X4_SHL = simd(0xab);
const I32X4_ADD = simd(0xae);
const F32X4_ADD = simd(0xe4);
const F32X4_SUB = simd(0xe5);
const F32X4_MUL = simd(0xe6);
const F64X2_ADD = simd(0xf0);
const F64X2_GE = simd(0x4c);
/** pmax(a, b) = a < b ? b : a: one instruction, where `max`'s NaN and −0 rules cost several. */
const F32X4_PMAX = simd(0xeb);
/** pmin(a, b) = b < a ? b : a. */
const F32X4_PMIN = simd(0xea);
const F64X2_PMAX = simd(0xf7);
const F64X2_LE = simd(0x4b);
const I64X2_ALL_TRUE = simd(0xc3);
const F64X2_NEAREST = simd(0x94);
const F64X2_ABS = simd(0xec);
const F64X2_NEG = simd(0xed);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
const F64X2_DIV = simd(0xf3);
const I32X4_TRUNC_SAT_F64X2_S_ZERO = simd(0xfc);
const I64X2_EXTEND_LOW_I32X4_S = simd(0xc7);
const I64X2_SHL = simd(0xcb);
const I64X2_ADD = simd(0xce);

/** i8x16.shuffle of a vector with itself: the high 8 bytes to the low half. */
const HIGH_TO_LOW = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
/**
 * Constant vectors are read from locals set once before the loops: V8 builds a `v128.const` with several
 * instructions each time it runs, which inside a loop cost more than the arithmetic.
 */
let pool: { base: number; entries: Map<string, { index: number; bytes: number[] }> } | undefined;

/** A constant vector: a local of the current pool (or, outside one, the constant itself). */
function vconst(bytes: number[]): number[] {
  if (!pool) return simd(0x0c, ...bytes);
  const key = bytes.join(',');
  let entry = pool.entries.get(key);
  if (!entry) pool.entries.set(key, (entry = { index: pool.base + pool.entries.size, bytes }));
  return get(entry.index);
}

/** Generates a body with its constant vectors in locals from `base` on: the prologue setting them, then the body. */
function withPool(base: number, generate: () => number[]): { code: number[]; constants: number } {
  pool = { base, entries: new Map() };
  try {
    const body = generate();
    const prologue = [...pool.entries.values()].flatMap((e) => [...simd(0x0c, ...e.bytes), ...set(e.index)]);
    return { code: [...prologue, ...body], constants: pool.entries.size };
  } finally {
    pool = undefined;
  }
}

const zero = (): number[] => vconst(new Array<number>(16).fill(0));
/** A constant vector of four equal float32 lanes (v128.const: no splat in the loop). */
const splat = (v: number): number[] => vconst([...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v), ...f32Bytes(v)]);

// Cephes expf: ln 2 in two parts (C1 exact with few bits, so k·C1 is exact), and the polynomial.
const LOG2E = Math.LOG2E;
const C1 = 0.693359375;
const C2 = -2.1219444e-4;
const P = [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
/**
 * A degree-4 polynomial q with e^r ≈ 1 + r + r²·q(r) on |r| ≤ ln 2 / 2, one degree below Cephes' P (two operations
 * less per vector): a least-squares fit of the relative error on a Chebyshev grid, reweighted towards its largest
 * errors (a minimax approximation by iteration), then rounded to float32. Its own error is below 3.1·10⁻⁹, evaluated
 * in float32 by Horner's rule below 6.7·10⁻⁸ (Cephes': 6.5·10⁻⁸).
 */
const Q = [0.0013814612, 0.00836871, 0.04166839, 0.16666521, 0.49999994];
/** A constant vector of two equal float64 lanes. */
const splat64 = (v: number): number[] => vconst([...f64Bytes(v), ...f64Bytes(v)]);
/** A constant vector of two equal int64 lanes (0 ≤ v < 2^32). */
const splatI64 = (v: number): number[] => {
  const lane = [...new Uint8Array(Uint32Array.of(v).buffer), 0, 0, 0, 0];
  return vconst([...lane, ...lane]);
};
/** Below this, e^x is under float32's smallest normal: counted as 0. */
const LOWEST = -87.3;
/** 1.5·2²³: adding it to a float32 of magnitude below 2²² rounds it to an integer held in the low mantissa bits. */
const ROUNDING = 12582912;
/** A constant vector of four equal int32 lanes. */
const splatI32 = (v: number): number[] => {
  const lane = [...new Uint8Array(Int32Array.of(v).buffer)];
  return vconst([...lane, ...lane, ...lane, ...lane]);
};

/**
 * `rows(ptr, count, stride, out)`: `count` rows of `stride` float32 values (stride a multiple of 8, a row padded with
 * −inf) from byte `ptr`; for row r, at `out + 16·r`: Σ exp(x − max) (f64), max (f32), the index of the first group of
 * 4 values that holds the maximum (i32; = stride when none does, i.e. a NaN maximum).
 *
 * ```
 * for r in 0 … count−1:  p = ptr + 4·stride·r,  end = p + 4·stride
 *   m = max over the row (f32x4.pmax, then the 4 lanes)           // NaN anywhere → NaN (flagged apart)
 *   lo = min over the row;  first group with a lane = m
 *   fast = lo ≥ m − 87.3 and m > 0 and lo > −2^(e+1) (m = 1.f·2^e)  // most rows: a loop without the clamp, Fast2Sum
 *   for each group x:  s = x − m with its error e (fast: Fast2Sum, else TwoSum);  s' = fast ? s : max(s, −87.3)
 *     k = nearest(s'·log2 e);  r = s' − k·C1 − k·C2 + e;  y = q(r)·r² + r + 1;  y·2^k  (not fast: 0 where s < −87.3)
 *     four groups per turn (two for a row's last 8 values); their terms added in float32 (but one by one in the turn
 *     that holds the first maximum), then  acc0 += lanes 0–1 as f64,  acc1 += lanes 2–3 as f64
 * ```
 */
type Tuple9 = [number, number, number, number, number, number, number, number, number];
type Tuple7 = [number, number, number, number, number, number, number];

/** The temporaries of one group of 4 values in {@link rowsBody}. */
interface GroupLocals {
  readonly x: number;
  readonly s: number;
  readonly bb: number;
  readonly err: number;
  readonly k: number;
  readonly t: number;
  readonly e: number;
}

/** Groups of 4 values per turn of the exponential loop: more independent chains than two, fewer spills than eight. */
const ROW_GROUPS = 4;

function rowsBody(): number[] {
  // Parameters: ptr 0, count 1, stride 2, out 3. Locals: i32 r, p, q, end, at, top (the first group holding the
  // maximum); v128 m, m2, lo, lo2, acc0, acc1, nan0, nan1 and each group's temporaries; f32 mx, mn.
  const [r, p, q, end, at, top] = [4, 5, 6, 7, 8, 9];
  const [m, m2, lo, lo2, acc0, acc1, nan0, nan1] = [10, 11, 12, 13, 14, 15, 16, 17];
  const groups = Array.from({ length: ROW_GROUPS }, (_, j): GroupLocals => {
    const [x, s, bb, err, k, t, e] = Array.from({ length: 7 }, (_, i) => 18 + 7 * j + i) as Tuple7;
    return { x, s, bb, err, k, t, e };
  });
  const mx = 18 + 7 * ROW_GROUPS;
  const mn = mx + 1;
  const polynomial = (t: number): number[] => {
    const out = [...splat(Q[0]!)];
    for (let i = 1; i < Q.length; i++) out.push(...get(t), ...F32X4_MUL, ...splat(Q[i]!), ...F32X4_ADD);
    return out;
  };
  const advance = (v: number, bytes = 16): number[] => [...get(v), ...i32c(bytes), ...I32_ADD, ...set(v)];
  const load = (off: number): number[] => simd(0x00, 4, ...uleb(off));
  /**
   * One group of 4 values at byte offset `off` from q into G.e, with its own temporaries (several groups interleave
   * per turn). `clamp`: arguments below LOWEST are clamped and their terms zeroed; without it, the row holds none.
   */
  const group = (off: number, G: GroupLocals, clamp: boolean): number[] => [
    ...get(q),
    ...load(off),
    ...set(G.x),
    ...get(G.x),
    ...get(m),
    ...F32X4_SUB,
    ...set(G.s),
    ...(clamp
      ? [
          // s = x − m;  bb = s − x;  err = (x − (s − bb)) − (m + bb) (TwoSum)
          ...get(G.s),
          ...get(G.x),
          ...F32X4_SUB,
          ...set(G.bb),
          ...get(G.x),
          ...get(G.s),
          ...get(G.bb),
          ...F32X4_SUB,
          ...F32X4_SUB,
          ...get(m),
          ...get(G.bb),
          ...F32X4_ADD,
          ...F32X4_SUB,
        ]
      : [
          // s = x − m;  err = x − (s + m) (Fast2Sum: every x of the row has at most m's exponent)
          ...get(G.x),
          ...get(G.s),
          ...get(m),
          ...F32X4_ADD,
          ...F32X4_SUB,
        ]),
    ...set(G.err),
    // t = max(s, LOWEST) (or s);  bb = t·log2 e + 1.5·2²³ (so bb's low bits hold the nearest integer k, rounded to
    // even as f32x4.nearest rounds; cheaper than nearest and a float-to-int conversion);  k = bb − 1.5·2²³;
    // t = t − k·C1 − k·C2 + err
    ...get(G.s),
    ...(clamp ? [...splat(LOWEST), ...F32X4_PMAX] : []),
    ...set(G.t),
    ...get(G.t),
    ...splat(LOG2E),
    ...F32X4_MUL,
    ...splat(ROUNDING),
    ...F32X4_ADD,
    ...set(G.bb),
    ...get(G.bb),
    ...splat(ROUNDING),
    ...F32X4_SUB,
    ...set(G.k),
    ...get(G.t),
    ...get(G.k),
    ...splat(C1),
    ...F32X4_MUL,
    ...F32X4_SUB,
    ...get(G.k),
    ...splat(C2),
    ...F32X4_MUL,
    ...F32X4_SUB,
    ...get(G.err),
    ...F32X4_ADD,
    ...set(G.t),
    // e = (poly(t)·t² + t + 1)·2^k (clamp: and 0 where s < LOWEST: −inf, the padding)
    ...polynomial(G.t),
    ...get(G.t),
    ...get(G.t),
    ...F32X4_MUL,
    ...F32X4_MUL,
    ...get(G.t),
    ...F32X4_ADD,
    ...splat(1),
    ...F32X4_ADD,
    // ·2^k: k added to the exponent's bits, bits(bb) << 23 = k << 23 (the shift drops bits(1.5·2²³), whose low 22
    // bits are 0); k ≥ −126 (s ≥ LOWEST, or clamped to it), so the exponent stays ≥ 0 (a term below 2^−126 may come
    // out as a subnormal of the wrong size: an absolute error under 10⁻³⁸)
    ...get(G.bb),
    ...i32c(23),
    ...I32X4_SHL,
    ...I32X4_ADD,
    ...(clamp ? [...get(G.s), ...splat(LOWEST), ...F32X4_GE, ...V128_AND] : []),
    ...set(G.e),
  ];
  /**
   * The terms of `n` groups added in float32 (a tree), then into the float64 accumulators: a rounding costs at most
   * 6·10⁻⁸ of the vectors' sum, which holds no term of 1 (the maximum's turn takes {@link accumulateEach}) unless
   * the maximum ties, and then the row's loss is at least log 2.
   */
  const accumulate = (n: number): number[] => {
    const sum =
      n === 4
        ? [
            ...get(groups[0]!.e),
            ...get(groups[1]!.e),
            ...F32X4_ADD,
            ...get(groups[2]!.e),
            ...get(groups[3]!.e),
            ...F32X4_ADD,
            ...F32X4_ADD,
          ]
        : [...get(groups[0]!.e), ...get(groups[1]!.e), ...F32X4_ADD];
    return [
      ...sum,
      ...set(groups[0]!.e),
      ...get(acc0),
      ...get(groups[0]!.e),
      ...F64X2_PROMOTE_LOW,
      ...F64X2_ADD,
      ...set(acc0),
      ...get(acc1),
      ...get(groups[0]!.e),
      ...get(groups[0]!.e),
      ...HIGH_TO_LOW,
      ...F64X2_PROMOTE_LOW,
      ...F64X2_ADD,
      ...set(acc1),
    ];
  };
  /** The terms of `n` groups into the float64 accumulators one by one (the turn that holds the maximum). */
  const accumulateEach = (n: number): number[] =>
    groups
      .slice(0, n)
      .flatMap((G) => [
        ...get(acc0),
        ...get(G.e),
        ...F64X2_PROMOTE_LOW,
        ...F64X2_ADD,
        ...set(acc0),
        ...get(acc1),
        ...get(G.e),
        ...get(G.e),
        ...HIGH_TO_LOW,
        ...F64X2_PROMOTE_LOW,
        ...F64X2_ADD,
        ...set(acc1),
      ]);
  /**
   * Σ exp(x − m) over the row into acc0 + acc1: turns of four groups while 16 values are left, then one of two (the
   * stride is a multiple of 8).
   */
  const terms = (clamp: boolean): number[] => [
    ...get(p),
    ...set(q),
    ...BLOCK,
    ...LOOP,
    ...get(end),
    ...get(q),
    ...I32_SUB,
    ...i32c(64),
    ...I32_LT_U,
    ...brIf(1),
    ...groups.flatMap((G, j) => group(16 * j, G, clamp)),
    ...get(top),
    ...get(q),
    ...I32_SUB,
    ...i32c(64),
    ...I32_LT_U,
    ...IF,
    ...accumulateEach(4),
    ...ELSE,
    ...accumulate(4),
    ...END,
    ...advance(q, 64),
    ...br(0),
    ...END,
    ...END,
    ...get(q),
    ...get(end),
    ...I32_LT_U,
    ...IF,
    ...group(0, groups[0]!, clamp),
    ...group(16, groups[1]!, clamp),
    ...get(top),
    ...get(q),
    ...I32_SUB,
    ...i32c(32),
    ...I32_LT_U,
    ...IF,
    ...accumulateEach(2),
    ...ELSE,
    ...accumulate(2),
    ...END,
    ...END,
  ];
  const [first, second] = groups as [GroupLocals, GroupLocals];
  return [
    ...get(0),
    ...set(p),
    ...i32c(0),
    ...set(r),
    ...BLOCK, // $done
    ...LOOP, // $row
    ...get(r),
    ...get(1),
    ...I32_GE_U,
    ...brIf(1),
    ...get(p),
    ...get(2),
    ...i32c(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(end),
    // maximum: pmax (one instruction; a NaN never wins it) and, apart, whether a NaN came (x ≠ x), or-ed into the
    // maximum at the end so that a row with a NaN reports a NaN maximum (all bits set), as f32x4.max would; the
    // minimum with pmin, to know whether any argument falls below LOWEST
    ...splat(-Infinity),
    ...set(m),
    ...splat(-Infinity),
    ...set(m2),
    ...splat(Infinity),
    ...set(lo),
    ...splat(Infinity),
    ...set(lo2),
    ...zero(),
    ...set(nan0),
    ...zero(),
    ...set(nan1),
    ...get(p),
    ...set(q),
    ...LOOP,
    ...get(q),
    ...load(0),
    ...set(first.x),
    ...get(q),
    ...load(16),
    ...set(second.x),
    ...get(m),
    ...get(first.x),
    ...F32X4_PMAX,
    ...set(m),
    ...get(m2),
    ...get(second.x),
    ...F32X4_PMAX,
    ...set(m2),
    ...get(lo),
    ...get(first.x),
    ...F32X4_PMIN,
    ...set(lo),
    ...get(lo2),
    ...get(second.x),
    ...F32X4_PMIN,
    ...set(lo2),
    ...get(nan0),
    ...get(first.x),
    ...get(first.x),
    ...F32X4_NE,
    ...V128_OR,
    ...set(nan0),
    ...get(nan1),
    ...get(second.x),
    ...get(second.x),
    ...F32X4_NE,
    ...V128_OR,
    ...set(nan1),
    ...advance(q, 32),
    ...get(q),
    ...get(end),
    ...I32_LT_U,
    ...brIf(0),
    ...END,
    ...get(m),
    ...get(m2),
    ...F32X4_PMAX,
    ...get(nan0),
    ...get(nan1),
    ...V128_OR,
    ...V128_OR,
    ...set(m),
    ...get(m),
    ...f32x4Lane(0),
    ...get(m),
    ...f32x4Lane(1),
    ...F32_MAX,
    ...get(m),
    ...f32x4Lane(2),
    ...get(m),
    ...f32x4Lane(3),
    ...F32_MAX,
    ...F32_MAX,
    ...set(mx),
    ...get(lo),
    ...get(lo2),
    ...F32X4_PMIN,
    ...set(lo),
    ...get(lo),
    ...f32x4Lane(0),
    ...get(lo),
    ...f32x4Lane(1),
    ...F32_MIN,
    ...get(lo),
    ...f32x4Lane(2),
    ...get(lo),
    ...f32x4Lane(3),
    ...F32_MIN,
    ...F32_MIN,
    ...set(mn),
    ...get(mx),
    ...f32x4Splat,
    ...set(m),
    // the first group holding the maximum (q stops at end when none does)
    ...get(p),
    ...set(q),
    ...BLOCK,
    ...LOOP,
    ...get(q),
    ...V128_LOAD,
    ...get(m),
    ...F32X4_EQ,
    ...V128_ANY_TRUE,
    ...brIf(1),
    ...advance(q),
    ...get(q),
    ...get(end),
    ...I32_LT_U,
    ...brIf(0),
    ...END,
    ...END,
    ...get(q),
    ...set(top),
    // Σ exp(x − m): without the clamp when the row's minimum is at least m + LOWEST (false for a NaN maximum)
    ...zero(),
    ...set(acc0),
    ...zero(),
    ...set(acc1),
    ...get(mn),
    ...get(mx),
    ...f32c(LOWEST),
    ...F32_ADD,
    ...F32_GE,
    // and every x has at most m's exponent: x > −2^(e+1) where m = 1.f·2^e > 0 (x ≤ m < 2^(e+1) holds already)
    ...get(mn),
    ...get(mx),
    ...I32_REINTERPRET_F32,
    ...i32c(0x7f800000),
    ...I32_AND,
    ...i32c(0x00800000),
    ...I32_ADD,
    ...F32_REINTERPRET_I32,
    ...F32_NEG,
    ...F32_GT,
    ...I32_AND,
    ...get(mx),
    ...f32c(0),
    ...F32_GT,
    ...I32_AND,
    ...IF,
    ...terms(false),
    ...ELSE,
    ...terms(true),
    ...END,
    // out + 16·r: the sum (f64), the maximum (f32), the group's first index (i32)
    ...get(3),
    ...get(r),
    ...i32c(4),
    ...I32_SHL,
    ...I32_ADD,
    ...set(at),
    ...get(at),
    ...get(acc0),
    ...get(acc1),
    ...F64X2_ADD,
    ...set(acc0),
    ...get(acc0),
    ...f64x2Lane(0),
    ...get(acc0),
    ...f64x2Lane(1),
    ...F64_ADD,
    ...f64Store(0),
    ...get(at),
    ...get(mx),
    ...f32Store(8),
    ...get(at),
    ...get(top),
    ...get(p),
    ...I32_SUB,
    ...i32c(2),
    ...I32_SHR_U,
    ...i32Store(12),
    // next row
    ...get(end),
    ...set(p),
    ...get(r),
    ...i32c(1),
    ...I32_ADD,
    ...set(r),
    ...br(0),
    ...END,
    ...END,
  ];
}

/** `rows` as a code entry: its locals (the constant vectors' after the named ones) and body. */
function rowsFunction(): number[] {
  const base = 18 + 7 * ROW_GROUPS + 2;
  const { code, constants } = withPool(base, rowsBody);
  const locals = vector([
    [6, I32],
    [8 + 7 * ROW_GROUPS, V128],
    [2, F32],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

// fdlibm's ln 2 split for float64 (the high part's low 32 bits are zero, so k·LN2_HI is exact).
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
/** Below this, e^x counts as 0 (e^−708 ≈ 3·10⁻³⁰⁸, the edge of the normal doubles). */
const LOWEST64 = -708;
/** Taylor coefficients 1/j! for j = 8 … 2 (|r| ≤ ln 2 / 2: the degree-8 remainder is below 3·10⁻¹⁰). */
const EXP_COEFFICIENTS = [8, 7, 6, 5, 4, 3, 2].map(
  (j) => 1 / Array.from({ length: j }, (_, i) => i + 1).reduce((a, b) => a * b, 1),
);
/** log1p(e) = 2·atanh(z), z = e / (2 + e) ≤ 1/3: Σ z^(2j+1) / (2j+1), j ≤ 8 (remainder below 2·10⁻¹⁰·z). */
const ATANH_COEFFICIENTS = Array.from({ length: 9 }, (_, j) => 1 / (2 * (8 - j) + 1));

/**
 * `bce(x, y, p, w, count, out, stats)`: BCEWithLogits' element loss for `count` float64 elements (arrays at byte
 * offsets x, y, p, w, out; 4 at a time, so up to 3 elements past `count` are read and written), in float64 as full mode's
 * loop computes it — ((1 − y)·x + (1 + (p − 1)·y)·(max(−x, 0) + log1p(e^−|x|)))·w — with e^−|x| and log1p from
 * polynomials (within 10⁻⁹ relative; e^−|x| counts as 0 below −708, and for NaN, whose loss stays NaN through x).
 * At `stats` (an i32): 1 when every y of the call lies in [0, 1] (no NaN), else 0.
 */
/** The temporaries of one pair of elements in {@link bceBody}. */
interface PairLocals {
  readonly xv: number;
  readonly yv: number;
  readonly a: number;
  readonly k: number;
  readonly r: number;
  readonly e: number;
  readonly z: number;
  readonly z2: number;
  readonly q: number;
}

function bceBody(): number[] {
  // Parameters: x 0, y 1, p 2, w 3, count 4, out 5, stats 6. Locals: i32 o, end; v128 inside (all ones in a lane
  // while its targets lie in [0, 1]), then each pair's temporaries.
  const [o, end, inside] = [7, 8, 9];
  const locals = (from: number): PairLocals => {
    const [xv, yv, a, k, r, e, z, z2, q] = Array.from({ length: 9 }, (_, i) => from + i) as Tuple9;
    return { xv, yv, a, k, r, e, z, z2, q };
  };
  const first = locals(10);
  const second = locals(19);
  const horner = (coefficients: number[], v: number, into: number): number[] => {
    const out = [...splat64(coefficients[0]!)];
    for (let i = 1; i < coefficients.length; i++)
      out.push(...get(v), ...F64X2_MUL, ...splat64(coefficients[i]!), ...F64X2_ADD);
    return [...out, ...set(into)];
  };
  const at = (param: number): number[] => [...get(param), ...get(o), ...I32_ADD];
  const load = (off: number): number[] => simd(0x00, 4, ...uleb(off));
  const store = (off: number): number[] => simd(0x0b, 4, ...uleb(off));
  /** One pair of elements at byte offset `off` from o, with its own temporaries (two pairs interleave per turn). */
  const pair = (off: number, L: PairLocals): number[] => [
    ...at(0),
    ...load(off),
    ...set(L.xv),
    ...at(1),
    ...load(off),
    ...set(L.yv),
    ...get(inside),
    ...get(L.yv),
    ...splat64(0),
    ...F64X2_GE,
    ...V128_AND,
    ...get(L.yv),
    ...splat64(1),
    ...F64X2_LE,
    ...V128_AND,
    ...set(inside),
    // a = −|x|;  k = nearest(max(a, LOWEST64)·log2 e);  r = a' − k·LN2_HI − k·LN2_LO
    ...get(L.xv),
    ...F64X2_ABS,
    ...F64X2_NEG,
    ...set(L.a),
    ...get(L.a),
    ...splat64(LOWEST64),
    ...F64X2_PMAX,
    ...set(L.r),
    ...get(L.r),
    ...splat64(Math.LOG2E),
    ...F64X2_MUL,
    ...F64X2_NEAREST,
    ...set(L.k),
    ...get(L.r),
    ...get(L.k),
    ...splat64(LN2_HI),
    ...F64X2_MUL,
    ...F64X2_SUB,
    ...get(L.k),
    ...splat64(LN2_LO),
    ...F64X2_MUL,
    ...F64X2_SUB,
    ...set(L.r),
    // e = (1 + r·(1 + r·(1/2 + …)))·2^k, 0 where a < LOWEST64 or a is NaN
    ...horner(EXP_COEFFICIENTS, L.r, L.q),
    ...get(L.q),
    ...get(L.r),
    ...F64X2_MUL,
    ...splat64(1),
    ...F64X2_ADD,
    ...get(L.r),
    ...F64X2_MUL,
    ...splat64(1),
    ...F64X2_ADD,
    ...get(L.k),
    ...I32X4_TRUNC_SAT_F64X2_S_ZERO,
    ...I64X2_EXTEND_LOW_I32X4_S,
    ...splatI64(1023),
    ...I64X2_ADD,
    ...i32c(52),
    ...I64X2_SHL,
    ...F64X2_MUL,
    ...get(L.a),
    ...splat64(LOWEST64),
    ...F64X2_GE,
    ...V128_AND,
    ...set(L.e),
    // log1p(e) = 2z·Σ z^2j / (2j + 1), z = e / (2 + e)
    ...get(L.e),
    ...splat64(2),
    ...get(L.e),
    ...F64X2_ADD,
    ...F64X2_DIV,
    ...set(L.z),
    ...get(L.z),
    ...get(L.z),
    ...F64X2_MUL,
    ...set(L.z2),
    ...horner(ATANH_COEFFICIENTS, L.z2, L.q),
    // out = ((1 − y)·x + (1 + (p − 1)·y)·(max(−x, 0) + log1p))·w
    ...at(5),
    ...splat64(1),
    ...get(L.yv),
    ...F64X2_SUB,
    ...get(L.xv),
    ...F64X2_MUL,
    ...splat64(1),
    ...at(2),
    ...load(off),
    ...splat64(1),
    ...F64X2_SUB,
    ...get(L.yv),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...get(L.xv),
    ...F64X2_NEG,
    ...splat64(0),
    ...F64X2_PMAX,
    ...get(L.z),
    ...get(L.z),
    ...F64X2_ADD,
    ...get(L.q),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...at(3),
    ...load(off),
    ...F64X2_MUL,
    ...store(off),
  ];
  return [
    ...get(4),
    ...i32c(3),
    ...I32_SHL,
    ...set(end),
    ...i32c(0),
    ...set(o),
    ...vconst(new Array<number>(16).fill(0xff)),
    ...set(inside),
    ...BLOCK,
    ...LOOP,
    ...get(o),
    ...get(end),
    ...I32_GE_U,
    ...brIf(1),
    ...pair(0, first),
    ...pair(16, second),
    ...get(o),
    ...i32c(32),
    ...I32_ADD,
    ...set(o),
    ...br(0),
    ...END,
    ...END,
    ...get(6),
    ...get(inside),
    ...I64X2_ALL_TRUE,
    ...i32Store(0),
  ];
}

/** `bce` as a code entry: its locals (the constant vectors' from 20 on) and body. */
function bceFunction(): number[] {
  const { code, constants } = withPool(28, bceBody);
  const locals = vector([
    [2, I32],
    [19, V128],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

// --- the class planes of a segmentation map -----------------------------------------------------------------

const V128_STORE = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
const I32_MUL = [0x6c];
const I32X4_EQ = simd(0x37);
const F32X4_NE = simd(0x42);
const F32X4_GT = simd(0x44);
const V128_OR = simd(0x50);
const V128_BITSELECT = simd(0x52);
const I32X4_ALL_TRUE = simd(0xa3);
const I32X4_SPLAT = simd(0x11);
const I32X4_LT_U = simd(0x3a);
const F64X2_GT = simd(0x4a);
const I64X2_SHR_U = simd(0xcd);
const I64X2_EXTEND_HIGH_I32X4_S = simd(0xc8);
/** A constant vector of two equal 64-bit lanes from their high and low 32 bits. */
const splatBits64 = (hi: number, lo: number): number[] => {
  const lane = [...new Uint8Array(Uint32Array.of(lo, hi).buffer)];
  return vconst([...lane, ...lane]);
};
/** 1/(2j+1) for j = 8 … 0: log m = 2z·Σ z^2j/(2j+1). */
const LOG_ATANH = Array.from({ length: 9 }, (_, j) => 1 / (2 * (8 - j) + 1));

/**
 * Bytes of output per position of a block's stride in {@link planesBody}: six arrays of `stride` values from `out`
 * on, at the byte offsets {@link PLANE_OUTPUT}·stride.
 */
export const PLANE_OUTPUT_BYTES = 36;

/**
 * Where each output array of {@link planesBody} starts, in bytes per position of the stride: log Σ exp(x) (f64),
 * the loss −log p[y] (f64, 0 where y is not a class), p[y] (f64, NaN where y is not a class), the maximum (f32, NaN
 * where a NaN is), the first class holding it (i32), x[y] (f32, 0 where y is not a class).
 */
export const PLANE_OUTPUT = { logSumExp: 0, loss: 8, targetProbability: 16, max: 24, argmax: 28, targetLogit: 32 };

/** The vectors of one group of 4 positions in {@link planesBody}. */
interface PlaneGroup {
  readonly m: number;
  readonly arg: number;
  readonly bad: number;
  readonly xy: number;
  readonly tgt: number;
  readonly x: number;
  readonly sv: number;
  readonly bb: number;
  readonly err: number;
  readonly k: number;
  readonly t: number;
  readonly e: number;
  readonly acc0: number;
  readonly acc1: number;
  readonly ey: number;
  readonly lo: number;
}

/**
 * `planes(ptr, classes, stride, count, targets, out)`: a [C, stride] block of float32 class planes from byte `ptr`
 * (plane c at ptr + 4·stride·c; a [N, C, d…] map's positions are contiguous within a plane), `count` positions (a
 * multiple of 8, ≤ stride), class-index targets as i32 from byte `targets`. Four adjacent positions are the four
 * lanes of a vector, so nothing is transposed. Per position, in the arrays {@link PLANE_OUTPUT} lays out from `out`:
 * log Σ exp(x) = max + log Σ exp(x − max) and the loss −log p[y] = log Σ exp(x − max) − (x[y] − max) in float64 (the
 * logarithm from a series, within 10⁻¹⁵), p[y] = exp(x[y] − max) / Σ, the maximum (NaN where a NaN occurs at the
 * position), the first class holding it and x[y]. A position whose maximum is not finite gets numbers without meaning
 * beside its maximum: the caller computes it apart.
 *
 * ```
 * for each group of 4 positions (two groups per turn):
 *   m = −inf;  for c: arg = x_c > m ? c : arg;  m = pmax(m, x_c);  lo = pmin(lo, x_c);  bad |= x_c ≠ x_c
 *   for c: e = exp(x_c − m) as in `rows` (TwoSum error carried, Cody–Waite, q; the clamp to −87.3 and its mask only
 *          in a turn where some lo < m − 87.3);  acc += e as f64;
 *          x[y], e[y] = c = y ? x_c, e : x[y], e[y]
 *   L = log acc (f64: exponent and mantissa, 2·atanh series);  out: m + L,  y a class ? L − (x[y] − m) : 0,
 *   y a class ? e[y] / acc : NaN,  m | bad,  arg,  x[y]
 * ```
 */
function planesBody(): number[] {
  // Parameters: ptr 0, classes 1, stride 2, count 3, targets 4, out 5. Locals: i32 g (byte offset of the turn's
  // first group within a plane), q, c, at, plane; v128 cv (the class index in every lane), then each group's vectors.
  // Two groups of 4 positions (16 bytes apart) interleave per turn, so that one's chain of dependent operations
  // fills the other's waits.
  const [g, q, c, plane] = [6, 7, 8, 9];
  // The output arrays' byte addresses (see PLANE_OUTPUT_BYTES), set once per call.
  const [lseAt, lossAt, tpAt, maxAt, argAt, xyAt] = [10, 11, 12, 13, 14, 15];
  const [cv, classesV] = [16, 17];
  const groupLocals = (from: number): PlaneGroup => {
    const [m, arg, bad, xy, tgt, x, sv, bb, err, k, t, e, acc0, acc1, ey, lo] = Array.from(
      { length: 16 },
      (_, i) => from + i,
    );
    return {
      m: m!,
      arg: arg!,
      bad: bad!,
      xy: xy!,
      tgt: tgt!,
      x: x!,
      sv: sv!,
      bb: bb!,
      err: err!,
      k: k!,
      t: t!,
      e: e!,
      acc0: acc0!,
      acc1: acc1!,
      ey: ey!,
      lo: lo!,
    };
  };
  const groups = [groupLocals(18), groupLocals(34)] as const;
  const one = (): number[] => splatI32(1);
  const load = (off: number): number[] => simd(0x00, 4, ...uleb(off));
  const polynomial = (v: number): number[] => {
    const out = [...splat(Q[0]!)];
    for (let i = 1; i < Q.length; i++) out.push(...get(v), ...F32X4_MUL, ...splat(Q[i]!), ...F32X4_ADD);
    return out;
  };
  /** Loops over the classes: q from ptr + g by one plane, c from `classes` down to 1; `body(G, off)` per group. */
  const overClasses = (body: (G: PlaneGroup, off: number) => number[]): number[] => [
    ...get(0),
    ...get(g),
    ...I32_ADD,
    ...set(q),
    ...get(1),
    ...set(c),
    ...zero(),
    ...set(cv),
    ...LOOP,
    ...body(groups[0], 0),
    ...body(groups[1], 16),
    ...get(cv),
    ...one(),
    ...I32X4_ADD,
    ...set(cv),
    ...get(q),
    ...get(plane),
    ...I32_ADD,
    ...set(q),
    ...get(c),
    ...i32c(1),
    ...I32_SUB,
    ...set(c),
    ...get(c),
    ...brIf(0),
    ...END,
  ];
  const maximum = (G: PlaneGroup, off: number): number[] => [
    ...get(q),
    ...load(off),
    ...set(G.x),
    // x > m: ties keep the first class, and a NaN never wins (it is flagged in `bad`); pmax(m, x) = m < x ? x : m
    ...get(cv),
    ...get(G.arg),
    ...get(G.x),
    ...get(G.m),
    ...F32X4_GT,
    ...V128_BITSELECT,
    ...set(G.arg),
    ...get(G.m),
    ...get(G.x),
    ...F32X4_PMAX,
    ...set(G.m),
    ...get(G.lo),
    ...get(G.x),
    ...F32X4_PMIN,
    ...set(G.lo),
    ...get(G.bad),
    ...get(G.x),
    ...get(G.x),
    ...F32X4_NE,
    ...V128_OR,
    ...set(G.bad),
  ];
  const terms =
    (clamp: boolean) =>
    (G: PlaneGroup, off: number): number[] => [
      ...get(q),
      ...load(off),
      ...set(G.x),
      // s = x − m;  bb = s − x;  err = (x − (s − bb)) − (m + bb)
      ...get(G.x),
      ...get(G.m),
      ...F32X4_SUB,
      ...set(G.sv),
      ...get(G.sv),
      ...get(G.x),
      ...F32X4_SUB,
      ...set(G.bb),
      ...get(G.x),
      ...get(G.sv),
      ...get(G.bb),
      ...F32X4_SUB,
      ...F32X4_SUB,
      ...get(G.m),
      ...get(G.bb),
      ...F32X4_ADD,
      ...F32X4_SUB,
      ...set(G.err),
      // t = max(s, LOWEST) (or s);  bb = t·log2 e + 1.5·2²³;  k = bb − 1.5·2²³;  t = t − k·C1 − k·C2 + err
      ...get(G.sv),
      ...(clamp ? [...splat(LOWEST), ...F32X4_PMAX] : []),
      ...set(G.t),
      ...get(G.t),
      ...splat(LOG2E),
      ...F32X4_MUL,
      ...splat(ROUNDING),
      ...F32X4_ADD,
      ...set(G.bb),
      ...get(G.bb),
      ...splat(ROUNDING),
      ...F32X4_SUB,
      ...set(G.k),
      ...get(G.t),
      ...get(G.k),
      ...splat(C1),
      ...F32X4_MUL,
      ...F32X4_SUB,
      ...get(G.k),
      ...splat(C2),
      ...F32X4_MUL,
      ...F32X4_SUB,
      ...get(G.err),
      ...F32X4_ADD,
      ...set(G.t),
      // e = (q(t)·t² + t + 1)·2^k (k added to the exponent's bits, as in `rows`), and 0 where s < LOWEST
      ...polynomial(G.t),
      ...get(G.t),
      ...get(G.t),
      ...F32X4_MUL,
      ...F32X4_MUL,
      ...get(G.t),
      ...F32X4_ADD,
      ...splat(1),
      ...F32X4_ADD,
      ...get(G.bb),
      ...i32c(23),
      ...I32X4_SHL,
      ...I32X4_ADD,
      ...(clamp ? [...get(G.sv), ...splat(LOWEST), ...F32X4_GE, ...V128_AND] : []),
      ...set(G.e),
      ...get(G.acc0),
      ...get(G.e),
      ...F64X2_PROMOTE_LOW,
      ...F64X2_ADD,
      ...set(G.acc0),
      ...get(G.acc1),
      ...get(G.e),
      ...get(G.e),
      ...HIGH_TO_LOW,
      ...F64X2_PROMOTE_LOW,
      ...F64X2_ADD,
      ...set(G.acc1),
      // the target's logit and term (sv, free again, holds the mask of the lanes whose target is c)
      ...get(cv),
      ...get(G.tgt),
      ...I32X4_EQ,
      ...set(G.sv),
      ...get(G.e),
      ...get(G.ey),
      ...get(G.sv),
      ...V128_BITSELECT,
      ...set(G.ey),
      ...get(G.x),
      ...get(G.xy),
      ...get(G.sv),
      ...V128_BITSELECT,
      ...set(G.xy),
    ];
  /** Before the classes: the group's targets, and its maximum and sums at their starting values. */
  const start = (G: PlaneGroup, off: number): number[] => [
    ...get(4),
    ...get(g),
    ...I32_ADD,
    ...load(off),
    ...set(G.tgt),
    ...splat(-Infinity),
    ...set(G.m),
    ...splat(Infinity),
    ...set(G.lo),
    ...zero(),
    ...set(G.arg),
    ...zero(),
    ...set(G.bad),
    ...zero(),
    ...set(G.xy),
    ...zero(),
    ...set(G.acc0),
    ...zero(),
    ...set(G.acc1),
    ...zero(),
    ...set(G.ey),
  ];
  /** log(v) of a positive normal f64x2 on the stack into `into`, with `G`'s vectors x, sv, bb, err, k as scratch. */
  const log64 = (G: PlaneGroup, into: number): number[] => [
    // v = 2^e·m with m in [1, 2), then m in [√½, √2): e = (bits >> 52) − 1023 read as a double (the exponent's bits
    // or-ed into 2^52's), m from v's mantissa bits with 1's exponent
    ...set(G.x),
    ...get(G.x),
    ...i32c(52),
    ...I64X2_SHR_U,
    ...splatBits64(0x43300000, 0),
    ...V128_OR,
    ...splat64(2 ** 52 + 1023),
    ...F64X2_SUB,
    ...set(G.k),
    ...get(G.x),
    ...splatBits64(0x000fffff, 0xffffffff),
    ...V128_AND,
    ...splatBits64(0x3ff00000, 0),
    ...V128_OR,
    ...set(G.sv),
    ...get(G.sv),
    ...splat64(Math.SQRT2),
    ...F64X2_GT,
    ...set(G.bb),
    ...get(G.sv),
    ...splat64(0.5),
    ...F64X2_MUL,
    ...get(G.sv),
    ...get(G.bb),
    ...V128_BITSELECT,
    ...set(G.sv),
    ...get(G.k),
    ...get(G.bb),
    ...splat64(1),
    ...V128_AND,
    ...F64X2_ADD,
    ...set(G.k),
    // log m = 2·atanh(z), z = (m − 1) / (m + 1), |z| ≤ 0.172: 2·Σ z^(2j+1) / (2j+1), j ≤ 8 (the rest is below
    // 3·10⁻¹⁷; z is exact to rounding, so near v = 1 the logarithm keeps its relative accuracy)
    ...get(G.sv),
    ...splat64(1),
    ...F64X2_SUB,
    ...get(G.sv),
    ...splat64(1),
    ...F64X2_ADD,
    ...F64X2_DIV,
    ...set(G.err),
    ...get(G.err),
    ...get(G.err),
    ...F64X2_MUL,
    ...set(G.bb),
    ...splat64(LOG_ATANH[0]!),
    ...LOG_ATANH.slice(1).flatMap((coefficient) => [...get(G.bb), ...F64X2_MUL, ...splat64(coefficient), ...F64X2_ADD]),
    ...get(G.err),
    ...get(G.err),
    ...F64X2_ADD,
    ...F64X2_MUL,
    // + e·ln 2 (in two parts: e·LN2_HI is exact)
    ...get(G.k),
    ...splat64(LN2_LO),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...get(G.k),
    ...splat64(LN2_HI),
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(into),
  ];
  /** The address of output array `base` for the group `j` of the turn: `size` bytes per position. */
  const address = (base: number, j: number, size: 4 | 8): number[] => [
    ...get(base),
    ...get(g),
    ...(size === 8 ? [...i32c(1), ...I32_SHL] : []),
    ...I32_ADD,
    ...(j ? [...i32c(16 * j * (size / 4)), ...I32_ADD] : []),
  ];
  /**
   * After the classes, group `j`'s outputs: the maximum (NaN where a NaN is), its first class and x[y] as they are;
   * per position in float64 log Σ exp(x − max) + max, the loss log Σ − (x[y] − max) (0 where y is not a class: an
   * ignored position) and p[y] = e[y] / Σ (NaN where y is not a class).
   */
  const finish = (G: PlaneGroup, j: number): number[] => [
    ...address(maxAt, j, 4),
    ...get(G.m),
    ...get(G.bad),
    ...V128_OR,
    ...V128_STORE(0),
    ...address(argAt, j, 4),
    ...get(G.arg),
    ...V128_STORE(0),
    ...address(xyAt, j, 4),
    ...get(G.xy),
    ...V128_STORE(0),
    // tgt becomes the mask of the lanes whose target is a class
    ...get(G.tgt),
    ...get(classesV),
    ...I32X4_LT_U,
    ...set(G.tgt),
    ...[0, 1].flatMap((h) => {
      const sum = h ? G.acc1 : G.acc0;
      const half = (v: number): number[] => (h ? [...get(v), ...get(v), ...HIGH_TO_LOW] : get(v));
      return [
        ...get(sum),
        ...log64(G, G.t),
        // max as f64 in e; the lanes' mask widened to 64 bits in lo
        ...half(G.m),
        ...F64X2_PROMOTE_LOW,
        ...set(G.e),
        ...get(G.tgt),
        ...(h ? I64X2_EXTEND_HIGH_I32X4_S : I64X2_EXTEND_LOW_I32X4_S),
        ...set(G.lo),
        ...address(lseAt, j, 8),
        ...get(G.e),
        ...get(G.t),
        ...F64X2_ADD,
        ...V128_STORE(16 * h),
        ...address(lossAt, j, 8),
        ...get(G.t),
        ...half(G.xy),
        ...F64X2_PROMOTE_LOW,
        ...get(G.e),
        ...F64X2_SUB,
        ...F64X2_SUB,
        ...get(G.lo),
        ...V128_AND,
        ...V128_STORE(16 * h),
        ...address(tpAt, j, 8),
        ...half(G.ey),
        ...F64X2_PROMOTE_LOW,
        ...get(sum),
        ...F64X2_DIV,
        ...splat64(NaN),
        ...get(G.lo),
        ...V128_BITSELECT,
        ...V128_STORE(16 * h),
      ];
    }),
  ];
  return [
    ...get(2),
    ...i32c(2),
    ...I32_SHL,
    ...set(plane),
    ...i32c(0),
    ...set(g),
    // the output arrays: out + 0, 8, 16, 24, 28, 32 bytes per position of the stride
    ...[lseAt, lossAt, tpAt, maxAt, argAt, xyAt].flatMap((local, i) => [
      ...get(5),
      ...get(2),
      ...i32c([0, 8, 16, 24, 28, 32][i]!),
      ...I32_MUL,
      ...I32_ADD,
      ...set(local),
    ]),
    ...get(1),
    ...I32X4_SPLAT,
    ...set(classesV),
    ...BLOCK, // $done
    ...LOOP, // $turn
    ...get(g),
    ...get(3),
    ...i32c(2),
    ...I32_SHL,
    ...I32_GE_U,
    ...brIf(1),
    ...start(groups[0], 0),
    ...start(groups[1], 16),
    ...overClasses(maximum),
    // without the clamp when no position of the turn holds a value below its maximum + LOWEST (false for NaN)
    ...groups.flatMap((G) => [...get(G.lo), ...get(G.m), ...splat(LOWEST), ...F32X4_ADD, ...F32X4_GE]),
    ...V128_AND,
    ...I32X4_ALL_TRUE,
    ...IF,
    ...overClasses(terms(false)),
    ...ELSE,
    ...overClasses(terms(true)),
    ...END,
    ...finish(groups[0], 0),
    ...finish(groups[1], 1),
    ...get(g),
    ...i32c(32),
    ...I32_ADD,
    ...set(g),
    ...br(0),
    ...END,
    ...END,
  ];
}

/** `planes` as a code entry: its locals (the constant vectors' from 42 on) and body. */
function planesFunction(): number[] {
  const { code, constants } = withPool(50, planesBody);
  const locals = vector([
    [10, I32],
    [34, V128],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

// --- dot products of rows ---------------------------------------------------------------------------------------

/**
 * `dots(a, b, rows, stride, bStride, groups, out)`: for row r, the float32 values a + 4·stride·r and b + 4·bStride·r
 * (bStride 0: the same b for every row), over the first 4·`groups` of them: Σ a·b and Σ b, each in float64 (a
 * float32 product is exact in float64), at out + 16·r. Cross-entropy's summary takes Σ t·x and Σ t for probability
 * targets, Σ w·x for label smoothing.
 *
 * ```
 * for r:  for each group of 4:  ab0 += lo(a)·lo(b);  ab1 += hi(a)·hi(b);  b0 += lo(b);  b1 += hi(b)   (f64x2)
 * ```
 */
function dotsBody(): number[] {
  // Parameters: a 0, b 1, rows 2, stride 3, bStride 4, groups 5, out 6. Locals: i32 r, p, q, j; v128 va, vb, ab0,
  // ab1, b0, b1.
  const [r, p, q, j] = [7, 8, 9, 10];
  const [va, vb, ab0, ab1, b0, b1] = [11, 12, 13, 14, 15, 16];
  const sum = (v: number): number[] => [...get(v), ...f64x2Lane(0), ...get(v), ...f64x2Lane(1), ...F64_ADD];
  return [
    ...i32c(0),
    ...set(r),
    ...BLOCK, // $done
    ...LOOP, // $row
    ...get(r),
    ...get(2),
    ...I32_GE_U,
    ...brIf(1),
    // p = a + 4·stride·r;  q = b + 4·bStride·r
    ...get(0),
    ...get(3),
    ...get(r),
    ...I32_MUL,
    ...i32c(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(p),
    ...get(1),
    ...get(4),
    ...get(r),
    ...I32_MUL,
    ...i32c(2),
    ...I32_SHL,
    ...I32_ADD,
    ...set(q),
    ...zero(),
    ...set(ab0),
    ...zero(),
    ...set(ab1),
    ...zero(),
    ...set(b0),
    ...zero(),
    ...set(b1),
    ...get(5),
    ...set(j),
    ...BLOCK, // $row done
    ...LOOP, // $group
    ...get(j),
    ...I32_EQZ,
    ...brIf(1),
    ...get(p),
    ...V128_LOAD,
    ...set(va),
    ...get(q),
    ...V128_LOAD,
    ...set(vb),
    ...get(ab0),
    ...get(va),
    ...F64X2_PROMOTE_LOW,
    ...get(vb),
    ...F64X2_PROMOTE_LOW,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(ab0),
    ...get(b0),
    ...get(vb),
    ...F64X2_PROMOTE_LOW,
    ...F64X2_ADD,
    ...set(b0),
    ...get(va),
    ...get(va),
    ...HIGH_TO_LOW,
    ...set(va),
    ...get(vb),
    ...get(vb),
    ...HIGH_TO_LOW,
    ...set(vb),
    ...get(ab1),
    ...get(va),
    ...F64X2_PROMOTE_LOW,
    ...get(vb),
    ...F64X2_PROMOTE_LOW,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(ab1),
    ...get(b1),
    ...get(vb),
    ...F64X2_PROMOTE_LOW,
    ...F64X2_ADD,
    ...set(b1),
    ...get(p),
    ...i32c(16),
    ...I32_ADD,
    ...set(p),
    ...get(q),
    ...i32c(16),
    ...I32_ADD,
    ...set(q),
    ...get(j),
    ...i32c(1),
    ...I32_SUB,
    ...set(j),
    ...br(0),
    ...END,
    ...END,
    // out + 16·r: Σ a·b, Σ b
    ...get(6),
    ...get(r),
    ...i32c(4),
    ...I32_SHL,
    ...I32_ADD,
    ...get(ab0),
    ...get(ab1),
    ...F64X2_ADD,
    ...set(ab0),
    ...sum(ab0),
    ...f64Store(0),
    ...get(6),
    ...get(r),
    ...i32c(4),
    ...I32_SHL,
    ...I32_ADD,
    ...get(b0),
    ...get(b1),
    ...F64X2_ADD,
    ...set(b0),
    ...sum(b0),
    ...f64Store(8),
    ...get(r),
    ...i32c(1),
    ...I32_ADD,
    ...set(r),
    ...br(0),
    ...END,
    ...END,
  ];
}

const I32_EQZ = [0x45];

/** `dots` as a code entry: its locals (the constant vectors' from 17 on) and body. */
function dotsFunction(): number[] {
  const { code, constants } = withPool(17, dotsBody);
  const locals = vector([
    [4, I32],
    [6, V128],
    [constants, V128],
  ]);
  return [...locals, ...code, ...END];
}

/** The module: one memory (exported as `memory`), the functions `rows`, `bce`, `planes` and `dots`. */
function moduleBytes(): Uint8Array {
  const rows = rowsFunction();
  const bce = bceFunction();
  const planes = planesFunction();
  const dots = dotsFunction();
  const name = (text: string): number[] => vector([...text].map((c) => [c.charCodeAt(0)]));
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 = (i32 ×4) → (), 1 = (i32 ×7) → (), 2 = (i32 ×6) → (); dots is of type 1
    ...section(
      1,
      vector([
        [0x60, ...vector(new Array(4).fill([I32])), 0],
        [0x60, ...vector(new Array(7).fill([I32])), 0],
        [0x60, ...vector(new Array(6).fill([I32])), 0],
      ]),
    ),
    ...section(3, vector([[0], [1], [2], [1]])),
    ...section(5, vector([[0x00, 1]])), // memory 0: at least 1 page
    ...section(
      7,
      vector([
        [...name('memory'), 0x02, 0],
        [...name('rows'), 0x00, 0],
        [...name('bce'), 0x00, 1],
        [...name('planes'), 0x00, 2],
        [...name('dots'), 0x00, 3],
      ]),
    ),
    ...section(
      10,
      vector([
        [...uleb(rows.length), ...rows],
        [...uleb(bce.length), ...bce],
        [...uleb(planes.length), ...planes],
        [...uleb(dots.length), ...dots],
      ]),
    ),
  ]);
}

/** Bytes of output per row: the sum (f64), the maximum (f32), the group index (i32). */
export const ROW_OUTPUT_BYTES = 16;

/** The compiled kernel with its memory, grown on demand. */
export class SoftmaxRowKernel {
  private memory: WasmMemory;
  private rowsFn: (ptr: number, count: number, stride: number, out: number) => void;
  private bceFn: (x: number, y: number, p: number, w: number, count: number, out: number, stats: number) => void;
  private planesFn: (ptr: number, classes: number, stride: number, count: number, targets: number, out: number) => void;
  private dotsFn: (
    a: number,
    b: number,
    rows: number,
    stride: number,
    bStride: number,
    groups: number,
    out: number,
  ) => void;
  /** float32 view of the memory (valid until the next {@link reserve}). */
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;

  constructor(instance: { exports: Record<string, unknown> }) {
    this.memory = instance.exports['memory'] as WasmMemory;
    this.rowsFn = instance.exports['rows'] as SoftmaxRowKernel['rowsFn'];
    this.bceFn = instance.exports['bce'] as SoftmaxRowKernel['bceFn'];
    this.planesFn = instance.exports['planes'] as SoftmaxRowKernel['planesFn'];
    this.dotsFn = instance.exports['dots'] as SoftmaxRowKernel['dotsFn'];
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
   * Runs the kernel over `count` rows of `stride` float32 values at float index `from` (16-byte aligned: `from` a
   * multiple of 4), writing {@link ROW_OUTPUT_BYTES} per row at byte `out` (a multiple of 16).
   */
  rows(from: number, count: number, stride: number, out: number): void {
    this.rowsFn(from * 4, count, stride, out);
  }

  /**
   * BCEWithLogits' element losses of `count` elements: float64 arrays x, y, pos_weight, weight and out at float64
   * indices (even: 16-byte aligned; 4 elements at a time, so up to 3 past `count` are read and written, and need
   * targets in [0, 1]). Returns whether every y lies in [0, 1] (no NaN); the int32 at float64 index `scratch` is
   * overwritten.
   */
  bce(x: number, y: number, p: number, w: number, count: number, out: number, scratch: number): boolean {
    this.bceFn(x * 8, y * 8, p * 8, w * 8, count, out * 8, scratch * 8);
    return this.i32[scratch * 2] === 1;
  }

  /**
   * A block of class planes: `classes` planes of `stride` float32 values each from float index `from` (a multiple of
   * 4), the first `count` positions of each (`count` a multiple of 8, ≤ `stride`), with class-index targets as int32
   * at int32 index `targets` (a multiple of 4); writes {@link PLANE_OUTPUT_BYTES} per position of the stride from
   * byte `out` (a multiple of 16), as {@link PLANE_OUTPUT} lays them out. `classes` ≥ 1.
   */
  planes(from: number, classes: number, stride: number, count: number, targets: number, out: number): void {
    this.planesFn(from * 4, classes, stride, count, targets * 4, out);
  }

  /**
   * Σ a·b and Σ b (float64) over the first 4·`groups` float32 values of `rows` rows: row r of a from float index
   * a + stride·r, of b from b + bStride·r (bStride 0: one b for all rows); a and b multiples of 4. Writes 16 bytes per
   * row at byte `out` (a multiple of 8): Σ a·b, then Σ b.
   */
  dots(a: number, b: number, rows: number, stride: number, bStride: number, groups: number, out: number): void {
    this.dotsFn(a * 4, b * 4, rows, stride, bStride, groups, out);
  }
}

let kernel: SoftmaxRowKernel | null | undefined;
/** Set while {@link withoutSimd} runs. */
let disabled = false;

/**
 * Runs `body` as where WebAssembly SIMD is missing ({@link softmaxRowKernel} gives undefined meanwhile), so that tests
 * reach the JavaScript loops the callers fall back on.
 */
export function withoutSimd<T>(body: () => T): T {
  const was = disabled;
  disabled = true;
  try {
    return body();
  } finally {
    disabled = was;
  }
}

/** The kernel, compiled on first use; undefined where WebAssembly SIMD is unavailable. */
export function softmaxRowKernel(): SoftmaxRowKernel | undefined {
  if (disabled) return undefined;
  if (kernel === undefined) {
    kernel = null;
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      const bytes = moduleBytes();
      if (wasm && wasm.validate(bytes)) kernel = new SoftmaxRowKernel(new wasm.Instance(new wasm.Module(bytes), {}));
    } catch {
      kernel = null;
    }
  }
  return kernel ?? undefined;
}

// The assembler and the float32 exp constants, for the other kernels' modules (./simd-bce.ts); `bceFunction` is the
// float64 BCEWithLogits kernel, which ./simd-bce.ts also links into its module for the elements it leaves to it.
export {
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
};
export type { WasmApi, WasmMemory };

/**
 * Nested Python values → Tensor, with the constructor's rules: the shape comes from the first element at each
 * depth, every other row must match it (`reader/ragged`), the dtype is inferred from the values (or forced), and
 * each value is converted with the constructor's own overflow checks (`reader/overflow`).
 */
import { UNKNOWN_RANGE, type SourceRange } from '../diagnostics';
import { allocate, isFloating, numel, type DType, type Tensor } from '../tensor';
import { INT_LIMITS, numpyPromoteTypes, promoteTypes, roundToFloatType, wrapInt } from './dtype';
import { plural, readerError, ReaderErrorCode } from './errors';
import type { NestedValues, PyScalar } from './values';

/** The source range of the value at `path` (indices from the outermost list; `[]` is the whole value). */
export type RangeOf = (path: readonly number[]) => SourceRange | undefined;

/**
 * Whose rules apply. `torch`: `torch.tensor`/`torch.as_tensor`/legacy constructors (Python floats infer float32,
 * out-of-range values raise). `numpy`: `np.array` (floats infer float64, out-of-range ints wrap, NaN → int raises).
 */
export type ConstructorFlavor = 'torch' | 'numpy';

function isScalar(v: NestedValues): v is PyScalar {
  return !Array.isArray(v);
}

/**
 * Builds a tensor from nested Python values, applying dtype inference (all ints → int64, any float → float32 for
 * torch / float64 for numpy, all bools → bool, bool+int → int64, empty → float) or `dtypeOverride`, and the ragged
 * check at every depth. `ranges` places errors: a range used for everything, or a lookup by path.
 *
 * @throws LossLensError `reader/ragged` (rows of different lengths; a number where a row is expected or the
 *   reverse) and `reader/overflow` (a value that does not fit `dtypeOverride`).
 */
export function listToTensor(
  values: NestedValues,
  ranges?: SourceRange | RangeOf,
  dtypeOverride?: DType,
  flavor: ConstructorFlavor = 'torch',
): Tensor {
  const rangeOf: RangeOf = typeof ranges === 'function' ? ranges : () => ranges;
  const shape = inferShape(values);
  const leaves: PyScalar[] = [];
  // PyTorch only checks the rows while copying values, which it skips when the tensor is empty ([[], [1]] is a
  // [2, 0] tensor); NumPy always checks.
  if (flavor === 'numpy' || numel(shape) > 0) {
    try {
      collect(values, shape, [], leaves, rangeOf, flavor);
    } catch (e) {
      if (!(e instanceof ListWhereNumber)) throw e;
      // PyTorch's wording depends on the dtype it inferred from every value, so infer it before reporting.
      const all: PyScalar[] = [];
      allScalars(values, all);
      const dtype = dtypeOverride ?? inferDType(all, flavor);
      throw raggedError(e.path, shape, rangeOf, flavor, 'list', 0, isFloating(dtype));
    }
  }
  const dtype = dtypeOverride ?? inferDType(leaves, flavor);
  const data = allocate(dtype, leaves.length);
  for (let i = 0; i < leaves.length; i++) {
    data[i] = convertScalar(leaves[i]!, dtype, flavor, () => rangeOf(unravel(i, shape)) ?? UNKNOWN_RANGE);
  }
  return { dtype, shape, data };
}

/** The index path of the i-th value in C order (the rows are regular once collected). */
function unravel(flat: number, shape: readonly number[]): number[] {
  const path = new Array<number>(shape.length);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    path[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return path;
}

/** The shape implied by the first element at each depth. */
function inferShape(values: NestedValues): number[] {
  const shape: number[] = [];
  let node: NestedValues | undefined = values;
  while (node !== undefined && !isScalar(node)) {
    shape.push(node.length);
    node = node[0];
  }
  return shape;
}

/** Depth-first copy of the leaves in C order, checking every row against `shape`. */
function collect(
  node: NestedValues,
  shape: readonly number[],
  path: number[],
  leaves: PyScalar[],
  rangeOf: RangeOf,
  flavor: ConstructorFlavor,
): void {
  const dim = path.length;
  if (isScalar(node)) {
    if (dim < shape.length) throw raggedError(path, shape, rangeOf, flavor, 'scalar');
    leaves.push(node);
    return;
  }
  if (dim >= shape.length) throw new ListWhereNumber(path.slice());
  if (node.length !== shape[dim]) throw raggedError(path, shape, rangeOf, flavor, 'length', node.length);
  for (let i = 0; i < node.length; i++) {
    path.push(i);
    collect(node[i]!, shape, path, leaves, rangeOf, flavor);
    path.pop();
  }
}

/** Raised inside {@link collect} when a list sits where a number belongs; reported once the dtype is known. */
class ListWhereNumber {
  constructor(readonly path: readonly number[]) {}
}

function allScalars(node: NestedValues, out: PyScalar[]): void {
  if (isScalar(node)) out.push(node);
  else for (const item of node) allScalars(item, out);
}

/** `row 3`, `row 2 of block 1` (1-based), and the Python index `[2]` / `[0][1]`. */
function describeRow(path: readonly number[]): { label: string; index: string } {
  const last = path[path.length - 1] ?? 0;
  const outer = path.slice(0, -1).map((i) => i + 1);
  const label = outer.length === 0 ? `row ${last + 1}` : `row ${last + 1} of block ${outer.join('.')}`;
  return { label, index: path.map((i) => `[${i}]`).join('') };
}

function raggedError(
  path: readonly number[],
  shape: readonly number[],
  rangeOf: RangeOf,
  flavor: ConstructorFlavor,
  problem: 'length' | 'scalar' | 'list',
  got = 0,
  floating = false,
): Error {
  const dim = path.length;
  const range = rangeOf(path) ?? UNKNOWN_RANGE;
  const { label, index } = describeRow(path);
  const expected = shape[dim] ?? 0;
  const rowNumber = (path[path.length - 1] ?? 0) + 1;
  const above = rowNumber === 2 ? 'the row above has' : 'rows above have';
  const numpyMessage =
    'setting an array element with a sequence. The requested array has an inhomogeneous shape after ' +
    `${dim} dimensions. The detected shape was (${shape.slice(0, dim).join(', ')}${dim === 1 ? ',' : ''}) + inhomogeneous part.`;
  let message: string;
  let explanation: string;
  if (problem === 'length') {
    message = flavor === 'numpy' ? numpyMessage : `expected sequence of length ${expected} at dim ${dim} (got ${got})`;
    explanation = `${capitalize(label)} has ${plural(got, 'value')}, ${above} ${expected}.`;
  } else if (problem === 'scalar') {
    message = flavor === 'numpy' ? numpyMessage : 'not a sequence';
    explanation = `${capitalize(label)} is a single number, but ${above} ${plural(expected, 'value')}.`;
  } else {
    message =
      flavor === 'numpy'
        ? numpyMessage
        : floating
          ? 'must be real number, not list'
          : "'list' object cannot be interpreted as an integer";
    explanation = `${capitalize(label)} is a list, but the ${rowNumber === 2 ? 'value above is a number' : 'values above are numbers'}.`;
  }
  return readerError(range, {
    code: ReaderErrorCode.ragged,
    message,
    explanation,
    hint:
      'Every row of a tensor needs the same number of values: fix the row, or pad the rows to one length ' +
      '(torch.nn.utils.rnn.pad_sequence does this for lists of tensors).',
    data: { row: rowNumber, dim, got, expected, index, label },
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Infers the dtype the constructor would choose. */
function inferDType(leaves: readonly PyScalar[], flavor: ConstructorFlavor): DType {
  const pythonFloat: DType = flavor === 'torch' ? 'float32' : 'float64';
  if (leaves.length === 0) return pythonFloat;
  const promote = flavor === 'torch' ? promoteTypes : numpyPromoteTypes;
  let dtype: DType | undefined;
  for (const leaf of leaves) {
    const own: DType = leaf.dtype ?? (leaf.kind === 'float' ? pythonFloat : leaf.kind === 'int' ? 'int64' : 'bool');
    dtype = dtype === undefined ? own : dtype === own ? dtype : promote(dtype, own);
  }
  return dtype!;
}

function overflowError(range: SourceRange, message: string, value: string, dtype: DType, explanation?: string): Error {
  return readerError(range, {
    code: ReaderErrorCode.overflow,
    message,
    explanation: explanation ?? `${value} does not fit in ${dtype}.`,
    hint: isFloating(dtype)
      ? 'Use a wider dtype.'
      : `Use a value within ${dtype}'s range (${INT_LIMITS[dtype as keyof typeof INT_LIMITS]?.min ?? 0} to ${INT_LIMITS[dtype as keyof typeof INT_LIMITS]?.max ?? 1}), or a wider dtype.`,
    data: { value, dtype },
  });
}

/** Converts one Python scalar to a dtype with the constructor's checks. */
function convertScalar(s: PyScalar, dtype: DType, flavor: ConstructorFlavor, range: () => SourceRange): number {
  if (dtype === 'bool') return s.value !== 0 ? 1 : 0;
  if (isFloating(dtype)) {
    const v = s.big !== undefined ? Number(s.big) : s.value;
    return roundToFloatType(v, dtype as 'float16' | 'bfloat16' | 'float32' | 'float64');
  }
  const limits = INT_LIMITS[dtype as keyof typeof INT_LIMITS];
  if (s.kind !== 'float') {
    const exact = s.big ?? BigInt(s.value);
    if (exact < INT_LIMITS.int64.min || exact > INT_LIMITS.int64.max) {
      throw overflowError(
        range(),
        flavor === 'torch' ? 'Overflow when unpacking long' : 'Python int too large to convert to C long',
        exact.toString(),
        dtype,
        `${exact} does not fit in a 64-bit integer.`,
      );
    }
    if (flavor === 'torch') {
      // c10::checked_convert lets negative values wrap into unsigned types (down to -max), like `a - b` on uint8.
      const unsigned = limits.min === 0n;
      const bad = unsigned
        ? exact > limits.max || (exact < 0n && -exact > limits.max)
        : exact < limits.min || exact > limits.max;
      if (bad)
        throw overflowError(
          range(),
          `value cannot be converted to type ${dtype} without overflow`,
          exact.toString(),
          dtype,
        );
    }
    return wrapInt(s.big !== undefined ? Number(s.big) : s.value, dtype);
  }
  const v = s.value;
  if (flavor === 'numpy') {
    if (Number.isNaN(v))
      throw overflowError(range(), 'cannot convert float NaN to integer', 'nan', dtype, 'NaN has no integer value.');
    if (!Number.isFinite(v)) {
      throw overflowError(
        range(),
        'cannot convert float infinity to integer',
        String(v),
        dtype,
        'Infinity has no integer value.',
      );
    }
    const t = Math.trunc(v);
    return wrapInt(t >= 2 ** 63 || t < -(2 ** 63) ? -(2 ** 63) : t, dtype);
  }
  // c10::checked_convert<int, double>: NaN and values outside [lowest, max] raise; the rest truncate.
  if (Number.isNaN(v) || v < Number(limits.min) || v > Number(limits.max)) {
    throw overflowError(range(), `value cannot be converted to type ${dtype} without overflow`, formatFloat(v), dtype);
  }
  const t = Math.trunc(v);
  // 2^63 passes the check as a double (max rounds up to it) and then wraps, as on x86.
  return t >= 2 ** 63 ? -(2 ** 63) : t;
}

function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

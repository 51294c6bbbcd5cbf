/**
 * The JSON tensor file: one loss computation written as data.
 *
 * ```json
 * { "loss": "cross_entropy", "input": [[1.0, 0.0], [0.0, 1.0]], "target": [0, 1],
 *   "options": { "reduction": "mean", "weight": [1.0, 2.0] }, "classes": ["cat", "dog"] }
 * ```
 * Tensor keys are PyTorch's functional parameter names. A number written with `.` or an exponent is a float,
 * otherwise an integer (the `torch.tensor` rule), so `[1, 0, 2]` are class indices and `[1.0, 0.0]` float targets.
 * A tensor may also be `{"data": [...], "dtype": "float64"}`.
 */
import { LossLensError, type SourceRange } from '../diagnostics';
import type { LossOptions, OptionValue } from '../losses/types';
import { tensorFrom, type DType, type Tensor } from '../tensor';
import { readTensorFileFast } from '../stream/reader';
import { member, parseJson, type JsonNode } from './parse';

/** The tensor parameter names a file may hold (PyTorch's functional parameter names). */
export const TENSOR_KEYS = [
  'input',
  'target',
  'input1',
  'input2',
  'anchor',
  'positive',
  'negative',
  'var',
  'log_probs',
  'targets',
  'input_lengths',
  'target_lengths',
] as const;

/** Every key a tensor file's top level may hold. */
export const TOP_LEVEL_KEYS = new Set<string>(['$schema', 'loss', 'options', 'classes', 'description', ...TENSOR_KEYS]);

/** Option names whose values are tensors. */
const TENSOR_OPTIONS = new Set(['weight', 'pos_weight']);

const DTYPES: readonly DType[] = ['float16', 'bfloat16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

/** A JSON tensor file, read. */
export interface TensorFile {
  /** The loss named in the file (functional or module name), if any. */
  readonly loss?: string;
  readonly lossRange?: SourceRange;
  /** Tensors by parameter name. */
  readonly inputs: Readonly<Record<string, Tensor>>;
  /** Where each tensor stands in the file. */
  readonly inputRanges: Readonly<Record<string, SourceRange>>;
  readonly options: LossOptions;
  readonly classes?: readonly string[];
  /**
   * Tensors written as `{"npy": "logits.npy"}`: the path (relative to the JSON file) and where it stands. They are
   * not in `inputs` until `resolveNpySources` (src/core/npy.ts) has read them.
   */
  readonly npy?: Readonly<Record<string, NpySource>>;
}

/** A tensor given as a .npy file in a JSON tensor file. */
export interface NpySource {
  readonly path: string;
  readonly range: SourceRange;
}

/** The .npy path of a `{"npy": "…"}` tensor object (without "data"), `undefined` for any other value. */
export function npySourceOf(node: JsonNode): NpySource | undefined {
  if (node.kind !== 'object' || member(node, 'data') !== undefined) return undefined;
  const path = member(node, 'npy');
  if (path === undefined) return undefined;
  if (path.kind !== 'string' || path.value === '') {
    throw errorAt(path.range, 'json/npy-path', '"npy" must be the path of a .npy file, such as "logits.npy".', 'Write "input": {"npy": "logits.npy"}, relative to this JSON file.');
  }
  return { path: path.value, range: node.range };
}

/** Texts longer than this (in UTF-16 units) go through the streaming reader, src/core/stream. */
export const FAST_READER_THRESHOLD = 1 << 20;

/** Reads a JSON tensor file. Throws LossLensError with the place of the first problem. */
export function readTensorFile(text: string): TensorFile {
  // A big file would cost a node per number here; the streaming reader gives the same result and errors.
  if (text.length > FAST_READER_THRESHOLD) return readTensorFileFast(new TextEncoder().encode(text));
  const root = parseJson(text);
  if (root.kind !== 'object') {
    throw errorAt(root.range, 'json/not-object', 'A tensor file is a JSON object.', 'Write {"loss": "cross_entropy", "input": [[...]], "target": [...]}.');
  }
  const inputs: Record<string, Tensor> = {};
  const inputRanges: Record<string, SourceRange> = {};
  const npy: Record<string, NpySource> = {};
  for (const entry of root.entries) {
    if (!TOP_LEVEL_KEYS.has(entry.key)) {
      throw errorAt(
        entry.keyRange,
        'json/unknown-key',
        `Unknown key "${entry.key}".`,
        `Use PyTorch's parameter names (${TENSOR_KEYS.join(', ')}), "loss", "options" or "classes".`,
        { key: entry.key },
      );
    }
    if ((TENSOR_KEYS as readonly string[]).includes(entry.key)) {
      const source = npySourceOf(entry.value);
      if (source) {
        npy[entry.key] = source;
        delete inputs[entry.key];
      } else {
        inputs[entry.key] = jsonToTensor(entry.value);
        delete npy[entry.key];
      }
      inputRanges[entry.key] = entry.value.range;
    }
  }
  return {
    ...readFileMembers(member(root, 'loss'), member(root, 'options'), member(root, 'classes')),
    inputs,
    inputRanges,
    ...(Object.keys(npy).length > 0 ? { npy } : {}),
  };
}

/**
 * The non-tensor members of a tensor file, checked in the reader's order: "loss", then "options", then "classes"
 * (the first member of each name). Shared with the streaming reader (src/core/stream).
 */
export function readFileMembers(
  lossNode: JsonNode | undefined,
  optionsNode: JsonNode | undefined,
  classesNode: JsonNode | undefined,
): Omit<TensorFile, 'inputs' | 'inputRanges' | 'npy'> {
  if (lossNode && lossNode.kind !== 'string') throw errorAt(lossNode.range, 'json/loss-type', '"loss" must be a string such as "cross_entropy" or "CrossEntropyLoss".', 'Quote the loss name.');
  const options: Record<string, OptionValue> = {};
  if (optionsNode) {
    if (optionsNode.kind !== 'object') throw errorAt(optionsNode.range, 'json/options-type', '"options" must be an object of keyword arguments.', 'Write "options": {"reduction": "sum"}.');
    // Defined, not assigned: a "__proto__" option becomes an own key (refused like any unknown name), not a prototype.
    for (const e of optionsNode.entries) {
      Object.defineProperty(options, e.key, { value: jsonToOption(e.key, e.value), enumerable: true, writable: true, configurable: true });
    }
  }
  let classes: string[] | undefined;
  if (classesNode) {
    if (classesNode.kind !== 'array' || classesNode.items.some((i) => i.kind !== 'string')) {
      throw errorAt(classesNode.range, 'json/classes-type', '"classes" must be a list of class names.', 'Write "classes": ["cat", "dog", "bird"].');
    }
    classes = classesNode.items.map((i) => (i.kind === 'string' ? i.value : ''));
  }
  return {
    ...(lossNode?.kind === 'string' ? { loss: lossNode.value, lossRange: lossNode.range } : {}),
    options,
    ...(classes ? { classes } : {}),
  };
}

/** An option's value: tensors for `weight`/`pos_weight` and for any list or object, else the plain value. */
export function jsonToOption(key: string, node: JsonNode): OptionValue {
  if (TENSOR_OPTIONS.has(key) || node.kind === 'array' || node.kind === 'object') return jsonToTensor(node);
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'string':
      return node.value;
    case 'boolean':
      return node.value;
    case 'null':
      return null;
  }
}

/**
 * Converts a JSON value (nested arrays of numbers/booleans, a bare number, or {"data", "dtype"}) into a tensor with
 * torch.tensor's dtype inference. Ragged nesting is an error naming the row.
 */
export function jsonToTensor(node: JsonNode): Tensor {
  let dtypeOverride: DType | undefined;
  let dataNode = node;
  if (node.kind === 'object') {
    const data = member(node, 'data');
    if (!data) throw errorAt(node.range, 'json/tensor-object', 'A tensor object needs a "data" member.', 'Write {"data": [[...]], "dtype": "float32"} or just the nested list.');
    const dtype = member(node, 'dtype');
    if (dtype) dtypeOverride = dtypeOfNode(dtype);
    dataNode = data;
  }
  const shape: number[] = [];
  const values: number[] = [];
  let sawFloat = false;
  let sawInt = false;
  let sawBool = false;
  // First pass: the shape along the first item at every depth.
  for (let n: JsonNode = dataNode; n.kind === 'array'; ) {
    shape.push(n.items.length);
    if (n.items.length === 0) break;
    n = n.items[0]!;
  }
  const walk = (n: JsonNode, depth: number, path: number[]): void => {
    if (depth < shape.length) {
      if (n.kind !== 'array') {
        throw errorAt(n.range, 'reader/ragged', `Expected a list at depth ${depth + 1} (like the rows above), found a single value.`, 'Every row must have the same nesting; check for a missing bracket.', {
          row: (path[path.length - 1] ?? 0) + 1,
        });
      }
      if (n.items.length !== shape[depth]) {
        const row = (path[path.length - 1] ?? 0) + 1;
        throw errorAt(
          n.range,
          'reader/ragged',
          `row ${row} has ${n.items.length} values, rows above have ${shape[depth]}`,
          'A tensor is rectangular: every row needs the same number of values. Pad the short row or split the data.',
          { row, count: n.items.length, expected: shape[depth]! },
        );
      }
      n.items.forEach((item, i) => walk(item, depth + 1, [...path, i]));
      return;
    }
    switch (n.kind) {
      case 'number':
        values.push(n.value);
        if (n.isFloat) sawFloat = true;
        else sawInt = true;
        return;
      case 'boolean':
        values.push(n.value ? 1 : 0);
        sawBool = true;
        return;
      case 'string': {
        const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
        if (Object.prototype.hasOwnProperty.call(special, n.value)) {
          values.push(special[n.value]!);
          sawFloat = true;
          return;
        }
        throw errorAt(n.range, 'reader/value', `"${n.value}" is not a number.`, 'Tensor values are numbers, true/false, or "nan", "inf", "-inf".');
      }
      case 'array':
        throw errorAt(n.range, 'reader/ragged', `Expected a number at depth ${depth + 1}, found a list (this row is nested deeper than the rows above).`, 'Every row must have the same nesting.');
      default:
        throw errorAt(n.range, 'reader/value', `Expected a number, found ${n.kind}.`, 'Tensor values are numbers, true/false, or "nan", "inf", "-inf".');
    }
  };
  walk(dataNode, 0, []);
  const inferred: DType = sawFloat ? 'float32' : sawInt ? 'int64' : sawBool ? 'bool' : 'float32';
  const tensor = tensorFrom(values, shape, dtypeOverride ?? inferred);
  if (node.kind === 'object') checkDeclaredShape(member(node, 'shape'), tensor.shape);
  return tensor;
}

/**
 * A tensor object's `"shape"`, when it has one, must be the shape its `"data"` has: a claimed shape is never taken on
 * trust (a file claiming 10¹⁵ elements for three numbers is wrong, not big). Shared with the streaming reader.
 */
export function checkDeclaredShape(shapeNode: JsonNode | undefined, actual: readonly number[]): void {
  if (!shapeNode) return;
  const sizes =
    shapeNode.kind === 'array' && shapeNode.items.every((i) => i.kind === 'number' && !i.isFloat && Number.isSafeInteger(i.value) && i.value >= 0)
      ? shapeNode.items.map((i) => (i.kind === 'number' ? i.value : 0))
      : undefined;
  if (!sizes) throw errorAt(shapeNode.range, 'reader/shape', '"shape" must be a list of sizes such as [2, 3].', 'Write the sizes as whole numbers, or leave "shape" out: the data gives it.');
  if (sizes.length !== actual.length || sizes.some((s, i) => s !== actual[i])) {
    throw errorAt(
      shapeNode.range,
      'reader/shape-mismatch',
      `"shape" says [${sizes.join(', ')}] but "data" holds [${actual.join(', ')}].`,
      'Correct "shape" to match the data, or leave it out: the data alone gives the shape.',
      { declared: `[${sizes.join(', ')}]`, actual: `[${actual.join(', ')}]` },
    );
  }
}

/** The dtype a tensor object's "dtype" member names (`"float64"`, `"torch.long"`...), or `reader/dtype` at its place. */
export function dtypeOfNode(dtype: JsonNode): DType {
  const name = dtype.kind === 'string' ? dtype.value.replace(/^torch\./, '') : '';
  const aliases: Record<string, DType> = { float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32', short: 'int16' };
  const resolved = (DTYPES as readonly string[]).includes(name)
    ? (name as DType)
    : Object.prototype.hasOwnProperty.call(aliases, name)
      ? aliases[name]
      : undefined;
  if (!resolved) throw errorAt(dtype.range, 'reader/dtype', `Unsupported dtype ${dtype.kind === 'string' ? `"${dtype.value}"` : ''}.`, `Use one of ${DTYPES.join(', ')}.`);
  return resolved;
}

/** A LossLensError placed at a range. */
export function errorAt(range: SourceRange, code: string, message: string, hint: string, data?: Record<string, string | number>): LossLensError {
  return new LossLensError({ code, message, hint, ...range, ...(data ? { data } : {}) });
}

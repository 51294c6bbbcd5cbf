/**
 * Evaluates the few Python expressions that spell tensor values: literals, arithmetic on numbers, known constants
 * (`math.inf`, `np.nan`), dtypes, and calls to tensor constructors (see constructors.ts). Anything else is reported,
 * never guessed.
 */
import { UNKNOWN_RANGE, type SourceRange } from '../diagnostics';
import { dottedName, type Expr } from '../python/ast';
import { isFloating, isIntegral, type DType, type Tensor } from '../tensor';
import { callFunction, callMethod, tensorAttribute } from './constructors';
import { lookupTable, NUMPY_DTYPES, TORCH_DTYPES } from './dtype';
import { readerError, ReaderErrorCode } from './errors';
import { listToTensor, type ConstructorFlavor, type RangeOf } from './literal';
import { binaryOp, compare, pyBool, pyFloat, pyInt, truthy, unaryOp, type NestedValues, type PyScalar } from './values';

/** Where a tensor came from. */
export type ReadSource = 'literal' | 'torch' | 'numpy' | 'repr' | 'json' | 'size';

/** A Python number with its place. */
export interface ScalarValue extends PyScalar {
  readonly type: 'scalar';
  readonly range: SourceRange;
}

/** A list or tuple. */
export interface SeqValue {
  readonly type: 'seq';
  readonly items: readonly Value[];
  readonly range: SourceRange;
}

/** A tensor (PyTorch) or ndarray (NumPy), with what the printout said about it. */
export interface TensorValue {
  readonly type: 'tensor';
  readonly tensor: Tensor;
  readonly lib: 'torch' | 'numpy';
  readonly source: ReadSource;
  readonly kind: 'tensor' | 'size';
  readonly requiresGrad?: boolean;
  readonly gradFn?: string;
  readonly device?: string;
  readonly range: SourceRange;
}

/** A dtype object: `torch.float32`, `np.int64`, `float`, `'f4'`. `dtype` null = known but unsupported. */
export interface DTypeValue {
  readonly type: 'dtype';
  readonly dtype: DType | null;
  readonly lib: 'torch' | 'numpy' | 'python' | 'string';
  readonly name: string;
  readonly range: SourceRange;
}

/** Other values the reader meets as arguments. */
export type OtherValue =
  | { readonly type: 'string'; readonly value: string; readonly range: SourceRange }
  | { readonly type: 'none'; readonly range: SourceRange }
  | { readonly type: 'ellipsis'; readonly range: SourceRange }
  | { readonly type: 'device'; readonly name: string; readonly range: SourceRange }
  | { readonly type: 'repr'; readonly text: string; readonly range: SourceRange }
  /** A known callable named by its canonical dotted name (`torch.tensor`, `repr.tensor`, `builtins.float`). */
  | { readonly type: 'function'; readonly name: string; readonly range: SourceRange };

/** Every value the evaluator produces. */
export type Value = ScalarValue | SeqValue | TensorValue | DTypeValue | OtherValue;

/** What the evaluator knows about the text around the expression. */
export interface EvalContext {
  /** The text is JSON: `true`, `false`, `null`, `NaN`, `Infinity` are values, and bare lists are `json`. */
  readonly json: boolean;
  /** Import aliases from the selection: `np` → `numpy`, `T` → `torch.tensor`. */
  readonly aliases: ReadonlyMap<string, string>;
}

/** Module names every snippet assumes. */
const DEFAULT_ALIASES: Readonly<Record<string, string>> = lookupTable({
  torch: 'torch',
  np: 'numpy',
  numpy: 'numpy',
  math: 'math',
});

/** Names that printouts use without a module: `tensor(...)`, `array(...)`, `nan`, `inf`. */
const BARE_NAMES: Readonly<Record<string, string>> = lookupTable({
  tensor: 'repr.tensor',
  array: 'repr.array',
  float: 'builtins.float',
  int: 'builtins.int',
  bool: 'builtins.bool',
});

/** Float constants by canonical name. */
const CONSTANTS: Readonly<Record<string, number>> = lookupTable({
  'math.inf': Infinity,
  'math.nan': NaN,
  'math.pi': Math.PI,
  'math.e': Math.E,
  'math.tau': 2 * Math.PI,
  'numpy.inf': Infinity,
  'numpy.Inf': Infinity,
  'numpy.PINF': Infinity,
  'numpy.NINF': -Infinity,
  'numpy.infty': Infinity,
  'numpy.Infinity': Infinity,
  'numpy.nan': NaN,
  'numpy.NaN': NaN,
  'numpy.NAN': NaN,
  'numpy.pi': Math.PI,
  'numpy.e': Math.E,
  'torch.inf': Infinity,
  'torch.nan': NaN,
  'torch.pi': Math.PI,
  'torch.e': Math.E,
});

/** The error for something the reader does not evaluate. */
export function unsupported(range: SourceRange, what: string, hint?: string, message?: string): Error {
  return readerError(range, {
    code: ReaderErrorCode.unsupported,
    message: message ?? `${what} is not something Loss Lens can read`,
    explanation:
      'Loss Lens reads tensor values written in the text: literals, torch.tensor/np.array calls (with dtype and ' +
      'casts such as .float()), and printed tensors.',
    hint: hint ?? 'Select the values themselves, or print the tensor and paste the output.',
    data: { what },
  });
}

/** The hint for a summarised printout, worded for the library that printed it. */
export function truncatedError(range: SourceRange, lib: 'torch' | 'numpy'): Error {
  const torchHint = 'torch.set_printoptions(profile="full")';
  const numpyHint = 'np.set_printoptions(threshold=sys.maxsize)';
  return readerError(range, {
    code: ReaderErrorCode.truncated,
    message: "the printout is truncated: '...' stands for values that were not printed",
    explanation: 'PyTorch and NumPy summarise large tensors when printing them, so the values in between are missing.',
    hint:
      lib === 'numpy'
        ? `Print it whole with ${numpyHint} (or, for a torch tensor, ${torchHint}) and copy the output again.`
        : `Print it whole with ${torchHint} (or, for a NumPy array, ${numpyHint}) and copy the output again.`,
    data: { torchOption: torchHint, numpyOption: numpyHint },
  });
}

/** Evaluates tensor expressions. One instance per read; it holds no state between calls besides the context. */
export class Evaluator {
  constructor(readonly context: EvalContext) {}

  /** The canonical dotted name of `a.b.c` after aliases (`np.float32` → `numpy.float32`), if rooted in a module. */
  canonicalName(expr: Expr): string | undefined {
    const dotted = dottedName(expr);
    if (dotted === undefined) return undefined;
    const dot = dotted.indexOf('.');
    const root = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? '' : dotted.slice(dot);
    const mapped = this.context.aliases.get(root) ?? DEFAULT_ALIASES[root];
    if (mapped !== undefined) return mapped + rest;
    if (dot < 0 && BARE_NAMES[root] !== undefined) return BARE_NAMES[root];
    return undefined;
  }

  /** Evaluates an expression. */
  evaluate(node: Expr): Value {
    switch (node.kind) {
      case 'Number':
        if (node.isImaginary) {
          throw readerError(node.range, {
            code: ReaderErrorCode.dtype,
            message: `complex numbers are not supported (${node.raw})`,
            explanation: 'An imaginary literal makes a complex tensor; Loss Lens reads real-valued tensors only.',
            hint: 'Remove the imaginary part.',
            data: { literal: node.raw },
          });
        }
        return scalar(
          node.isFloat ? pyFloat(node.value) : node.big !== undefined ? pyInt(node.big) : pyInt(node.value),
          node.range,
        );
      case 'String':
        return { type: 'string', value: node.value, range: node.range };
      case 'Constant':
        return node.value === null ? { type: 'none', range: node.range } : scalar(pyBool(node.value), node.range);
      case 'Ellipsis':
        return { type: 'ellipsis', range: node.range };
      case 'Name':
        return this.evaluateName(node.id, node.range);
      case 'Attribute':
        return this.evaluateAttribute(node);
      case 'List':
      case 'Tuple':
        return { type: 'seq', items: node.elts.map((e) => this.evaluate(e)), range: node.range };
      case 'Call':
        return this.evaluateCall(node);
      case 'UnaryOp': {
        const operand = this.evaluate(node.operand);
        if (operand.type !== 'scalar' || node.op === 'await') throw this.notANumber(operand, node.range);
        return scalar(unaryOp(node.op, operand, node.range), node.range);
      }
      case 'BinOp': {
        const left = this.evaluate(node.left);
        const right = this.evaluate(node.right);
        if (left.type !== 'scalar') throw this.notANumber(left, node.range);
        if (right.type !== 'scalar') throw this.notANumber(right, node.range);
        return scalar(binaryOp(node.op, left, right, node.range), node.range);
      }
      case 'BoolOp': {
        let last: Value | undefined;
        for (const operand of node.values) {
          last = this.evaluate(operand);
          if (last.type !== 'scalar') throw this.notANumber(last, node.range);
          if (truthy(last) === (node.op === 'or')) return last;
        }
        return last!;
      }
      case 'Compare': {
        let left = this.evaluate(node.left);
        let result = true;
        for (let i = 0; i < node.ops.length && result; i++) {
          const right = this.evaluate(node.comparators[i]!);
          if (left.type !== 'scalar') throw this.notANumber(left, node.range);
          if (right.type !== 'scalar') throw this.notANumber(right, node.range);
          result = compare(node.ops[i]!, left, right, node.range);
          left = right;
        }
        return scalar(pyBool(result), node.range);
      }
      case 'IfExp': {
        const test = this.evaluate(node.test);
        if (test.type !== 'scalar') throw this.notANumber(test, node.test.range);
        return this.evaluate(truthy(test) ? node.body : node.orelse);
      }
      case 'ReprObject':
        return { type: 'repr', text: node.text, range: node.range };
      case 'Dict':
        throw unsupported(node.range, 'A dictionary', 'Select one of its values.');
      case 'Set':
        throw unsupported(node.range, 'A set', 'Use a list: a set has no order.');
      default:
        throw unsupported(node.range, describeExpr(node));
    }
  }

  private evaluateName(id: string, range: SourceRange): Value {
    if (this.context.json) {
      switch (id) {
        case 'true':
        case 'false':
          return scalar(pyBool(id === 'true'), range);
        case 'NaN':
          return scalar(pyFloat(NaN), range);
        case 'Infinity':
          return scalar(pyFloat(Infinity), range);
        case 'null':
          return { type: 'none', range };
      }
    }
    // PyTorch and NumPy print these bare.
    if (id === 'nan') return scalar(pyFloat(NaN), range);
    if (id === 'inf') return scalar(pyFloat(Infinity), range);
    const canonical = this.context.aliases.get(id) ?? BARE_NAMES[id];
    if (canonical !== undefined) return { type: 'function', name: canonical, range };
    if (DEFAULT_ALIASES[id] !== undefined) {
      throw unsupported(range, `The module '${id}'`, 'Select a tensor, not the module.');
    }
    throw readerError(range, {
      code: ReaderErrorCode.unknownName,
      message: `name '${id}' is not defined`,
      explanation: `'${id}' is a variable, and Loss Lens reads values, not variables: the selection does not give its value.`,
      hint: `Select the value of '${id}' instead, or print it (print(${id})) and paste the output.`,
      data: { name: id },
    });
  }

  private evaluateAttribute(node: Expr & { kind: 'Attribute' }): Value {
    const canonical = this.canonicalName(node);
    if (canonical !== undefined && /^(torch|numpy|math)\./.test(canonical)) {
      const constant = CONSTANTS[canonical];
      if (constant !== undefined) return scalar(pyFloat(constant), node.range);
      const [lib, ...rest] = canonical.split('.');
      const member = rest.join('.');
      if (lib === 'torch' && member in TORCH_DTYPES) {
        return { type: 'dtype', dtype: TORCH_DTYPES[member] ?? null, lib: 'torch', name: canonical, range: node.range };
      }
      if (lib === 'numpy' && member in NUMPY_DTYPES) {
        return { type: 'dtype', dtype: NUMPY_DTYPES[member] ?? null, lib: 'numpy', name: canonical, range: node.range };
      }
      return { type: 'function', name: canonical, range: node.range };
    }
    const receiver = this.evaluate(node.value);
    if (receiver.type === 'tensor') return tensorAttribute(receiver, node.attr, node.range);
    throw unsupported(node.range, `The attribute '${node.attr}'`);
  }

  private evaluateCall(node: Expr & { kind: 'Call' }): Value {
    const func = node.func;
    const canonical = this.canonicalName(func);
    if (canonical !== undefined) return callFunction(this, canonical, node);
    if (func.kind === 'Attribute') {
      const receiver = this.evaluate(func.value);
      return callMethod(this, receiver, func.attr, node);
    }
    if (func.kind === 'Name') this.evaluateName(func.id, func.range);
    throw unsupported(func.range, describeExpr(func));
  }

  /** The error for a non-number where arithmetic needs one. */
  notANumber(v: Value, range: SourceRange): Error {
    if (v.type === 'tensor') {
      return unsupported(
        range,
        'Arithmetic on tensors',
        'Select the tensor itself; Loss Lens computes the loss from it.',
      );
    }
    if (v.type === 'ellipsis') return truncatedError(v.range, 'torch');
    return unsupported(range, describeValue(v));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Values → tensors
  // -------------------------------------------------------------------------------------------------------------

  /** Converts a list/tuple/scalar value to nested Python values, checking each leaf is a number. */
  toNested(v: Value, flavor: ConstructorFlavor): NestedValues {
    switch (v.type) {
      case 'scalar':
        return v;
      case 'seq':
        return v.items.map((item) => this.toNested(item, flavor));
      case 'tensor':
        if (v.tensor.shape.length === 0) {
          const value = v.tensor.data[0]!;
          const kind = isFloating(v.tensor.dtype) ? 'float' : isIntegral(v.tensor.dtype) ? 'int' : 'bool';
          return { kind, value, dtype: v.tensor.dtype };
        }
        throw unsupported(
          v.range,
          'A list of tensors',
          'Build one tensor with torch.stack([...]) and print it, or write the values as one nested list.',
          'only one element tensors can be converted to Python scalars',
        );
      case 'ellipsis':
        throw truncatedError(v.range, flavor);
      case 'string':
        throw unsupported(
          v.range,
          'A string',
          'Tensors hold numbers; remove the quotes if the value is a number.',
          "too many dimensions 'str'",
        );
      case 'none':
        throw unsupported(v.range, 'None', 'Replace None by a number (or nan).', 'Could not infer dtype of NoneType');
      default:
        throw unsupported(v.range, describeValue(v));
    }
  }

  /** Builds a tensor from a list/scalar value with a constructor's rules. */
  literalTensor(v: Value, flavor: ConstructorFlavor, dtype?: DType): Tensor {
    return listToTensor(this.toNested(v, flavor), rangeLookup(v), dtype, flavor);
  }

  /** Any value as a tensor value: tensors pass through, lists and numbers follow `torch.tensor`'s rules. */
  asTensorValue(v: Value, range: SourceRange): TensorValue {
    if (v.type === 'tensor') return v;
    const tensor = this.literalTensor(v, 'torch');
    return {
      type: 'tensor',
      tensor,
      lib: 'torch',
      source: this.context.json ? 'json' : 'literal',
      kind: 'tensor',
      range,
    };
  }
}

function scalar(s: PyScalar, range: SourceRange): ScalarValue {
  return { type: 'scalar', kind: s.kind, value: s.value, big: s.big, range };
}

/** A {@link RangeOf} that walks a value tree by index. */
export function rangeLookup(root: Value): RangeOf {
  return (path) => {
    let v: Value = root;
    for (const i of path) {
      if (v.type !== 'seq') break;
      const next: Value | undefined = v.items[i];
      if (!next) break;
      v = next;
    }
    return v.range ?? UNKNOWN_RANGE;
  };
}

/** A short name for a value kind in messages. */
export function describeValue(v: Value): string {
  switch (v.type) {
    case 'scalar':
      return 'A number';
    case 'seq':
      return 'A list';
    case 'tensor':
      return 'A tensor';
    case 'dtype':
      return `The dtype ${v.name}`;
    case 'string':
      return 'A string';
    case 'none':
      return 'None';
    case 'ellipsis':
      return "'...'";
    case 'device':
      return 'A device';
    case 'repr':
      return `<${v.text}>`;
    case 'function':
      return `${v.name.replace(/^(repr|builtins)\./, '')}`;
  }
}

/** A short name for an expression kind in messages. */
export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'Lambda':
      return 'A lambda';
    case 'ListComp':
    case 'SetComp':
    case 'DictComp':
    case 'GeneratorExp':
      return 'A comprehension';
    case 'Subscript':
      return 'Indexing';
    case 'Starred':
      return 'Unpacking with *';
    case 'NamedExpr':
      return 'An assignment expression';
    default: {
      const name = dottedName(e);
      return name ? `'${name}'` : 'This expression';
    }
  }
}

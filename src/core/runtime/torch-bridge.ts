/**
 * The runtime's view of PyTorch and NumPy: the `torch`, `torch.nn`, `torch.nn.functional`, `numpy` and `math`
 * namespaces, `nn.Module` and the layers, the loss functions and loss modules (computed by the loss engine, each
 * call recorded with its line), and the conversions between runtime values and the tensor library's arguments.
 *
 * Imports of anything that could reach outside the program (`os`, `subprocess`, `pickle`, `requests`, ...) bind a
 * module whose every use stops the run with a located "not run" diagnostic; other third-party modules the same, as
 * "not modelled".
 */
import type { SourceRange } from '../diagnostics';
import type * as ast from '../python/ast';
import {
  evaluateLossCall,
  lossByFunctional,
  lossByLibraryPath,
  lossByModule,
  buildLossModule,
  type CallArgs,
  type LossEntry,
  type SnippetCall,
  warnsOfProducer,
  withCodeLevelDiagnostics,
} from '../snippet/loss-calls';
import { SourceText } from '../snippet/source';
import { known, NONE, UNKNOWN, type Arg, type LossModuleSpec, type Producer, type Value } from '../snippet/values';
import { isFloating, type DType } from '../tensor';
import * as torchApi from '../torch/api';
import type { IndexArg, TArg } from '../torch/args';
import type { BinaryOperator } from '../torch/elementwise';
import { BudgetExceeded, NotModelled, TorchError } from '../torch/errors';
import { TorchTensor, storeValues } from '../torch/tensor';
import {
  convInit,
  embeddingInit,
  layerNormInit,
  linearInit,
  type NamedTensor,
  type TorchGenerator,
} from '../torch/random/index';
import { RandomBridge } from './random-bridge';
import { makeCopyModule } from './copying';
import {
  OPTIMIZERS,
  optimizerAttribute,
  optimizerClass,
  SCHEDULERS,
  schedulerAttribute,
  schedulerClass,
} from './optim';
import { AutogradBridge, swapArgs } from './autograd-bridge';
import { inPlaceRecordName, recordLoss, recordNotModelled, type OpCall } from '../torch/autograd/rules';
import { autogradMessage, bumpVersion, type AutogradTensor } from '../torch/autograd/graph';
import { functionalDropout, makeNnLayer } from './nn-layers';
import { shapeThirdPartyModule } from './shape-thirdparty';
import { transformerStack, withShapeRules } from './shape-layers';
import { nnInitFunction } from './nn-init';
import {
  dataClass,
  generatorArgument,
  loaderEpochOrder,
  randomSplit,
  samplerAttribute,
  samplerLength,
  subsetItem,
  subsetLength,
  type SamplerSpec,
} from './data-sampling';
import { addDims, floorDivDims, isKnown, mulDims, shapesEqual, type Dim } from '../torch/symbolic/dim';
import {
  SymTensor,
  indexShape,
  symbolicAttribute,
  symbolicFactory,
  symbolicOp,
  toSym,
  type SArg,
} from '../torch/symbolic/tensor';
import { checkOneArgumentDtypes, runOnSymbolicShapes, type SymbolicInput } from '../snippet/symbolic-check';
import type { OptionValue } from '../losses/types';
import {
  Symbols,
  describeArgument,
  fromSArg,
  dimValue,
  holdsOpaque,
  holdsUnknown,
  shapeFromComment,
  toSArg,
  type ArgumentShape,
} from './shape-mode';
import { customLossCall, looksLikeLoss, type CustomLossCall } from './custom-loss';
import { builtinMethod, makeBuiltins, makeCollections, makeMath, type BuiltinsHost } from './builtins';
import { BudgetStop, NotModelledStop, PyException, pyError, type RunControl } from './errors';
import { Interpreter, type ModulePlace, type RuntimeHost, type RuntimeLimits } from './interpreter';
import { Printer } from './printing';
import { tensorRepr, tensorStr, moduleRepr } from './reprs';
import {
  PyBuiltin,
  PyClass,
  PyFunction,
  PyDType,
  PyDict,
  PyInstance,
  PyList,
  PyNamespace,
  PySlice,
  PyTuple,
  PyEllipsis,
  PyRange,
  PyUnknown,
  isOpaque,
  isTensorValue,
  typeName,
  type CallArguments,
  type NativeClass,
  type CallSite,
  type PyValue,
} from './values';

/** Modules whose use would reach outside the program. */
const UNSAFE_MODULES = new Set([
  'os',
  'sys',
  'subprocess',
  'shutil',
  'socket',
  'pickle',
  'requests',
  'urllib',
  'http',
  'pathlib',
  'glob',
  'io',
  'tempfile',
  'ctypes',
  'multiprocessing',
  'threading',
  'importlib',
  'builtins',
  'signal',
  'webbrowser',
  'json',
  'csv',
  'h5py',
  'wandb',
  'tensorboard',
]);

/** Modules that are only names here: importing them is fine, using them is "not modelled". */
const OPAQUE_MODULES = new Set([
  'matplotlib',
  'tqdm',
  'sklearn',
  'pandas',
  'scipy',
  'torchvision',
  'seaborn',
  'PIL',
  'time',
  'datetime',
  'logging',
  'argparse',
  'warnings',
  'functools',
  'itertools',
  'copy',
  'typing',
  'dataclasses',
  'abc',
  'collections',
  'jaxtyping',
  'einops',
  'timm',
  'transformers',
]);

/** The largest contraction (product of the two operands' sizes) computed; a 1000×1000 matmul is 10^12. */
const MAX_CONTRACTION_COST = 1e11;

/** The legacy tensor types, which are also constructors: `torch.FloatTensor([[1., 0.]])`. */
const LEGACY_TENSOR_TYPES: Readonly<Record<string, DType>> = {
  'torch.FloatTensor': 'float32',
  'torch.DoubleTensor': 'float64',
  'torch.HalfTensor': 'float16',
  'torch.LongTensor': 'int64',
  'torch.IntTensor': 'int32',
  'torch.ShortTensor': 'int16',
  'torch.CharTensor': 'int8',
  'torch.ByteTensor': 'uint8',
  'torch.BoolTensor': 'bool',
};

/** Names tutorials use without showing their import. */
const CONVENTIONAL_IMPORTS: Readonly<Record<string, string>> = {
  torch: 'torch',
  nn: 'torch.nn',
  F: 'torch.nn.functional',
  np: 'numpy',
  math: 'math',
};

/** A loss call the run made: the snippet record plus where in the program's loops it happened. */
export interface RuntimeLossCall extends SnippetCall {
  /** The loops around the call (outermost first) and their iteration numbers (0-based). */
  readonly loops?: readonly { readonly line: number; readonly iteration: number }[];
  /** Shape mode: what is known of each tensor argument. */
  readonly args?: readonly ArgumentShape[];
  /** Set for a call made inside an imported module (its range is in that module's file). */
  readonly inModule?: ModulePlace;
}

/** Random draws: in shape mode they are symbolic tensors of their shape (no numbers are needed). */
const RANDOM_FACTORIES = new Set([
  'randn',
  'rand',
  'randint',
  'randperm',
  'normal',
  'rand_like',
  'randn_like',
  'randint_like',
]);
/** Python's types that PyTorch and NumPy take as a dtype (NumPy's `int` is int64 where Loss Lens runs). */
const PYTHON_TYPE_DTYPES: Readonly<Record<string, DType>> = { float: 'float64', int: 'int64', bool: 'bool' };
/** NumPy's scalar type names, as a message names `np.float32` (`numpy.float32`). */
const NUMPY_SCALAR_NAMES: Partial<Record<DType, string>> = { bool: 'bool_' };

/**
 * The functions whose output the loss calls' code-level warnings look at (softmax before cross-entropy, sigmoid
 * before BCEWithLogits, unbounded scores into BCE), by canonical path.
 */
const PRODUCER_FUNCTIONS: Readonly<Record<string, Producer['op']>> = {
  'torch.softmax': 'softmax',
  'torch.nn.functional.softmax': 'softmax',
  'torch.log_softmax': 'log_softmax',
  'torch.nn.functional.log_softmax': 'log_softmax',
  'torch.sigmoid': 'sigmoid',
  'torch.nn.functional.sigmoid': 'sigmoid',
  'torch.randn': 'unbounded',
  'torch.randn_like': 'unbounded',
  'torch.normal': 'unbounded',
  'torch.rand': 'unit',
  'torch.rand_like': 'unit',
};
/** The same for tensor methods and nn layers. */
const PRODUCER_METHODS: Readonly<Record<string, Producer['op']>> = {
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  sigmoid: 'sigmoid',
};
const PRODUCER_LAYERS: Readonly<Record<string, Producer['op']>> = {
  Softmax: 'softmax',
  LogSoftmax: 'log_softmax',
  Sigmoid: 'sigmoid',
  Linear: 'unbounded',
  Embedding: 'unbounded',
};

/** The functions that build a tensor from nested Python data. */
const TENSOR_FROM_DATA = new Set(['tensor', 'as_tensor', 'array', 'asarray']);

/** Float draws that shape mode makes symbolic (see {@link TorchBridge.resolve}). */
const SHAPE_ONLY_DRAWS = new Set(['randn', 'rand', 'rand_like', 'randn_like']);
/** The torch function of a Python arithmetic operator (shape mode runs operators as these ops). */
const ARITHMETIC_OPS: Readonly<Record<string, string>> = {
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '//': 'floor_divide',
  '%': 'remainder',
  '**': 'pow',
};
const FACTORIES = new Set(['zeros', 'ones', 'empty', 'full', 'randn', 'rand', 'randint']);

/** The bridge: the runtime host over PyTorch's and NumPy's namespaces. */
export class TorchBridge implements RuntimeHost, BuiltinsHost {
  readonly interp: Interpreter;
  readonly builtins: Map<string, PyValue>;
  readonly printer: Printer;
  readonly calls: RuntimeLossCall[] = [];
  readonly ctx: torchApi.TorchContext;
  private out = '';
  private readonly namespaces = new Map<string, PyNamespace>();
  private readonly lossHost;
  /** Grad mode, op recording and the autograd API. */
  readonly autograd: AutogradBridge;
  readonly classes: { module: PyClass; tensor: PyClass; ndarray: PyClass; parameter: PyClass };

  readonly random: RandomBridge;
  /** Shape mode: unknown values and symbolic tensors instead of stopping (see {@link Interpreter.shapeMode}). */
  readonly shapeMode: boolean;
  readonly symbols: Symbols;
  /** Shape mode: PyTorch errors of tensor ops on symbolic shapes (raised for every value of the symbols). */
  readonly shapeErrors: {
    range: SourceRange;
    message: string;
    pyType: string;
    onTypes?: true;
    inModule?: ModulePlace;
  }[] = [];

  /**
   * Shape mode: records PyTorch's error at the statement running (once per line and message); `onTypes` when it
   * refuses an argument's type rather than a size.
   */
  recordShapeError(pyType: string, message: string, onTypes = false): void {
    const range = this.here();
    if (!this.shapeErrors.some((x) => x.range.line === range.line && x.message === message))
      this.shapeErrors.push({ range, message, pyType, ...(onTypes ? { onTypes } : {}), ...this.interp.place() });
  }

  /** Runs a symbolic op, recording PyTorch's error (it holds for every size) before raising it in the program. */
  symbolic(what: string, fn: () => SArg): PyValue {
    try {
      return fromSArg(fn());
    } catch (e) {
      if (e instanceof TorchError) {
        this.recordShapeError(e.pyType, e.message);
        throw pyError(e.pyType, e.message);
      }
      if (e instanceof NotModelled) return new PyUnknown(e.what || what);
      throw e;
    }
  }

  /**
   * Shape mode: runs an op on concrete tensors; when PyTorch raises, the op runs again on their shapes and dtypes
   * alone, and the error is reported (as a symbolic op's is) only if it raises there too: an error that depends on
   * the numbers (a drawn index out of range) could be another draw's luck, one of shapes is not.
   */
  private confirmedOnShapes<T>(name: string, args: CallArguments, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (!this.shapeMode || !(e instanceof PyException)) throw e;
      const shapeOnly = (v: PyValue): PyValue =>
        isTensorValue(v)
          ? new SymTensor(v.dtype, v.shape, v.flavor)
          : v instanceof PyList
            ? new PyList(v.items.map(shapeOnly))
            : v instanceof PyTuple
              ? new PyTuple(v.items.map(shapeOnly))
              : v;
      const kwargs = new Map([...args.kwargs].map(([k, v]) => [k, shapeOnly(v)] as const));
      try {
        this.symbolicCall(name, args.args.map(shapeOnly), kwargs);
      } catch {
        // symbolic() recorded PyTorch's error when the shapes alone give it; the program sees the first error.
      }
      throw e;
    }
  }

  /** What produced a tensor, where it matters to a loss call's code-level warnings (see {@link PRODUCER_FUNCTIONS}). */
  private readonly producers = new WeakMap<object, { op: Producer['op']; call: ast.Call; self: boolean }>();

  /** Wraps a callable so that its tensor result remembers the call that produced it. */
  private producing(op: Producer['op'] | undefined, fn: PyValue | undefined, self?: boolean): PyValue | undefined {
    if (op === undefined || !(fn instanceof PyBuiltin)) return fn;
    return new PyBuiltin(fn.name, (a, site) => {
      const r = fn.call(a, site);
      this.noteProducer(op, r, site, self);
      return r;
    });
  }

  /** Records `r` as produced by the call at `site` (`self`: a method, whose operand is the object before the dot). */
  noteProducer(op: Producer['op'], r: PyValue, site: CallSite, self = false): void {
    if (site.node && (r instanceof SymTensor || isTensorValue(r))) this.producers.set(r, { op, call: site.node, self });
  }

  /** The producer of a tensor as the loss calls' warnings take it (built only when a loss call asks). */
  private producerOf(v: object): Producer | undefined {
    const p = this.producers.get(v);
    if (!p) return undefined;
    const func = p.call.func;
    const operand = p.self && func.kind === 'Attribute' ? func.value : p.call.args[0];
    return {
      op: p.op,
      range: p.call.range,
      name: this.source.slice(func.range),
      nameRange: func.kind === 'Attribute' ? func.attrRange : func.range,
      ...(operand && operand.kind !== 'Starred' ? { argRange: operand.range } : {}),
    };
  }

  /** True when a tensor was produced by the activation a loss call warns of (its code-level warnings may apply). */
  private hasWarnedProducer(v: PyValue | undefined, fn: string): boolean {
    if (typeof v !== 'object' || v === null) return false;
    const p = this.producers.get(v);
    return p !== undefined && warnsOfProducer(fn, p.op);
  }

  /**
   * Raises PyTorch's TypeError for a dtype it refuses in a call of `path` (`torch.zeros`, `Tensor.to`; `args`
   * without the tensor a method is called on), judged on the arguments' types as PyTorch judges them. It holds
   * whatever the sizes, so shape mode reports it too: `torch.zeros(batch, 3, dtype='float32')` with `batch`
   * symbolic, or `logits.to('float32')` on a model's output.
   */
  refuseOnTypes(path: string, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>): void {
    const dtypeLike = (v: PyValue | undefined): boolean => typeof v === 'string' || v instanceof PyDType;
    const method = path === 'Tensor.to' || path === 'Tensor.type';
    if (!dtypeLike(kwargs.get('dtype')) && !(method && args.some(dtypeLike))) return;
    if (!path.startsWith('torch.') && !path.startsWith('Tensor.')) return;
    // Only the types matter: a symbolic tensor stands as an empty one, a symbolic size as an int, a list as an
    // empty one (nothing is built).
    const typed = (v: PyValue): TArg | undefined => {
      if (v instanceof SymTensor) return new TorchTensor(v.dtype, [0], new Float64Array(0), v.flavor);
      if (v instanceof PyUnknown) return v.dim !== undefined ? 0n : undefined;
      if (v instanceof PyList) return [];
      if (v instanceof PyTuple) return { kind: 'tuple', items: [], ...(v.typeName ? { typeName: v.typeName } : {}) };
      try {
        return this.toArg(v);
      } catch {
        return undefined;
      }
    };
    const list: TArg[] = [];
    for (const v of args) {
      const a = typed(v);
      if (a === undefined) return;
      list.push(a);
    }
    const kw = new Map<string, TArg>();
    for (const [k, v] of kwargs) {
      const a = typed(v);
      if (a === undefined) return;
      kw.set(k, a);
    }
    const refusal = torchApi.torchDtypeRefusal(this.ctx, path, list, kw);
    if (refusal) this.refuse(refusal);
  }

  /** Raises PyTorch's refusal of an argument's type in the program: certain, and reported by a shape check. */
  private refuse(refusal: TorchError): never {
    if (this.shapeMode) this.recordShapeError(refusal.pyType, refusal.message, true);
    const e = pyError(refusal.pyType, refusal.message);
    e.certain = true;
    throw e;
  }

  /** A method or torch function applied in shape mode. */
  private symbolicCall(name: string, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>): PyValue {
    const unknown = [...args, ...kwargs.values()].map((v) => holdsUnknown(v)).find((u) => u);
    if (unknown) return new PyUnknown(`${name}(...) of ${unknown.reason}`);
    const sargs = args.map(toSArg);
    const skw = new Map<string, SArg>();
    for (const [k, v] of kwargs) {
      if (k === 'device' || k === 'requires_grad' || k === 'non_blocking') continue;
      const a = toSArg(v);
      if (a === undefined) return new PyUnknown(`${name}(...) with ${k}=${typeName(v)}`);
      skw.set(k, a);
    }
    if (sargs.some((a) => a === undefined)) return new PyUnknown(`${name}(...) of a value Loss Lens cannot know`);
    if (args.some((a) => this.isDtypeAssumed(a)))
      return this.withOpenDtypes(args, (variant) => symbolicOp(this.symbols, name, variant.map(toSArg) as SArg[], skw));
    return this.symbolic(name, () => symbolicOp(this.symbols, name, sargs as SArg[], skw));
  }

  /** Shape mode: tensors typed by a shape comment that names no dtype (float32 or int64 for all the checker knows). */
  private readonly dtypeAssumed = new WeakSet<SymTensor>();
  /** Whether any tensor is of open dtype (most files have no shape comments: no lookup is needed then). */
  private anyDtypeAssumed = false;

  /** Whether `v` is a tensor of open dtype (see {@link dtypeAssumed}). */
  isDtypeAssumed(v: unknown): v is SymTensor {
    return this.anyDtypeAssumed && v instanceof SymTensor && this.dtypeAssumed.has(v);
  }

  /**
   * Runs an op whose arguments include tensors of open dtype: as float32, then as int64. PyTorch's error is
   * reported only when both raise; the result (of the first that runs) is of open dtype too.
   */
  private withOpenDtypes(args: readonly PyValue[], run: (variant: PyValue[]) => SArg): PyValue {
    let first: TorchError | undefined;
    for (const dtype of ['float32', 'int64'] as const) {
      const variant = args.map((a) => (this.isDtypeAssumed(a) ? new SymTensor(dtype, a.shape, a.flavor) : a));
      try {
        return this.openDtype(fromSArg(run(variant)));
      } catch (e) {
        if (e instanceof NotModelled) return new PyUnknown(e.what);
        if (!(e instanceof TorchError)) throw e;
        first ??= e;
      }
    }
    this.recordShapeError(first!.pyType, first!.message);
    throw pyError(first!.pyType, first!.message);
  }

  /** Marks the tensors of a value as of open dtype (see {@link dtypeAssumed}). */
  openDtype<T extends PyValue>(v: T): T {
    if (v instanceof SymTensor) {
      this.dtypeAssumed.add(v);
      this.anyDtypeAssumed = true;
    } else if (v instanceof PyTuple || v instanceof PyList) v.items.forEach((x) => this.openDtype(x));
    return v;
  }

  /** Shape mode: the tensor a shape comment after a statement gives (`h = model(x)  # [B, C]`), if any. */
  commentValue(range: SourceRange): PyValue | undefined {
    const text = this.source.text;
    const start = this.source.offsetOf(range.endLine, range.endColumn);
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const rest = text.slice(start, end).trim();
    if (!rest.startsWith('#')) return undefined;
    const shape = shapeFromComment(rest, this.symbols);
    if (!shape) return undefined;
    const t = new SymTensor(shape.dtype ?? 'float32', shape.dims, 'torch', `the comment "${rest}"`);
    return shape.dtype ? t : this.openDtype(t);
  }

  /** Shape mode's factories: symbolic sizes, and random draws (shape only). */
  private symbolicFactoryCall(name: string, args: CallArguments): PyValue | undefined {
    if (!FACTORIES.has(name) && !RANDOM_FACTORIES.has(name)) return undefined;
    const dtypeArg = args.kwargs.get('dtype');
    const dtype = dtypeArg instanceof PyDType ? dtypeArg.dtype : undefined;
    if (name.endsWith('_like')) {
      const t = args.args[0];
      if (t instanceof SymTensor || (t !== undefined && isTensorValue(t)))
        return new SymTensor(dtype ?? (name === 'randint_like' ? 'int64' : t.dtype), t.shape, 'torch');
      return undefined;
    }
    let sizes: readonly PyValue[];
    if (name === 'randint') {
      const size = args.kwargs.get('size') ?? args.args[args.args.length - 1];
      sizes = size instanceof PyTuple || size instanceof PyList ? size.items : [];
    } else if (name === 'full') {
      const size = args.args[0] ?? args.kwargs.get('size');
      sizes = size instanceof PyTuple || size instanceof PyList ? size.items : [];
      const fill = args.args[1] ?? args.kwargs.get('fill_value');
      const fillType = typeof fill === 'bigint' ? 'int64' : typeof fill === 'boolean' ? 'bool' : 'float32';
      return this.factoryOf(name, sizes, dtype ?? fillType);
    } else if (name === 'normal' || name === 'randperm') {
      return RANDOM_FACTORIES.has(name) ? undefined : undefined;
    } else {
      const first = args.args[0] ?? args.kwargs.get('size');
      sizes =
        args.args.length === 1 && (first instanceof PyTuple || first instanceof PyList) ? first.items : [...args.args];
    }
    return this.factoryOf(name, sizes, dtype);
  }

  /** A loss call in shape mode with a symbolic or unknown argument: the engine's checks over symbolic shapes. */
  private symbolicLossCall(
    loss: LossEntry,
    style: 'functional' | 'module',
    args: CallArguments,
    site: CallSite,
    module?: LossModuleSpec,
  ): PyValue {
    const call = site.node ?? syntheticCall(site.range);
    const def = loss.def;
    const given = new Map<string, PyValue>();
    loss.inputs.forEach((n, i) => {
      const v = args.args[i] ?? args.kwargs.get(n);
      if (v !== undefined) given.set(n, v);
    });
    const described = loss.inputs.map((n) => {
      const v = given.get(n);
      const d = describeArgument(n, v);
      // A shape comment that names no dtype leaves it open: the hover shows the shape alone.
      return this.isDtypeAssumed(v) ? { name: d.name, shape: d.shape } : d;
    });
    const notTensor = sizeOfNonTensor(loss.fn, given);
    if (notTensor) {
      const loops = this.interp.loops.map((l) => ({ line: l.line, iteration: l.iteration }));
      const diagnostic = notTensorDiagnostic(call.range, loss.fn, notTensor.name, notTensor.type);
      this.calls.push({
        range: call.range,
        fn: loss.fn,
        diagnostics: [diagnostic],
        args: described,
        ...(loops.length > 0 ? { loops } : {}),
      });
      throw pyError('AttributeError', `'${notTensor.type}' object has no attribute 'size'`);
    }
    const options: Record<string, OptionValue> = {};
    let optionsKnown = true;
    const optionSource = new Map<string, PyValue>();
    if (style === 'functional') for (const [k, v] of args.kwargs) if (!loss.inputs.includes(k)) optionSource.set(k, v);
    for (const [k, v] of optionSource) {
      if (typeof v === 'string' || typeof v === 'boolean' || v === null) options[k] = v;
      else if (typeof v === 'bigint') options[k] = Number(v);
      else if (typeof v === 'number') options[k] = v;
      else optionsKnown = false;
    }
    if (module && module.options.size > 0) {
      for (const [k, a] of module.options) {
        const v = a.value;
        if (v.kind === 'str') options[k] = v.value;
        else if (v.kind === 'scalar') options[k] = v.value.value;
        else if (v.kind === 'none') options[k] = null;
        else optionsKnown = false;
      }
    }
    const inputs: Record<string, SymbolicInput> = {};
    for (const [n, v] of given)
      if (v instanceof SymTensor || isTensorValue(v)) inputs[n] = { shape: v.shape, dtype: v.dtype };
    // Arguments whose dtype a shape comment left open: checked as float32 and as int64.
    const open: string[] = [];
    if (this.anyDtypeAssumed) for (const [n, v] of given) if (this.isDtypeAssumed(v)) open.push(n);
    let diagnostics: import('../diagnostics').Diagnostic[] = [];
    let output: PyValue | undefined;
    if (def && optionsKnown) {
      const known = Object.keys(inputs).length;
      if (known === def.inputs.length && known === given.size) {
        const outcomes = dtypeCombinations(inputs, open).map((variant) =>
          runOnSymbolicShapes(def, variant, options, call.range, this.lossHost.shapeCache, this.lossHost.torchVersion),
        );
        const inEvery = (d: import('../diagnostics').Diagnostic): boolean =>
          outcomes.every((o) => o.diagnostics.some((x) => x.code === d.code && x.message === d.message));
        diagnostics = outcomes[0]!.diagnostics.filter((d) => d.severity !== 'info' && inEvery(d));
        const accepted = outcomes.find((o) => o.output);
        if (accepted?.output) output = new SymTensor(accepted.output.dtype, accepted.output.shape, 'torch');
      } else if (open.length > 0) {
        // Only dtype mistakes are checked with one argument unknown, and this one's dtype is open.
      } else if (known === def.inputs.length - 1 && given.size === def.inputs.length) {
        diagnostics = checkOneArgumentDtypes(
          def,
          inputs,
          call.range,
          this.lossHost.shapeCache,
          this.lossHost.torchVersion,
        );
      }
    }
    // What produced the input (softmax before cross-entropy, …) and the mechanical fixes, as on known shapes.
    if (diagnostics.length > 0 || this.hasWarnedProducer(given.get(loss.inputs[0] ?? 'input'), loss.fn))
      diagnostics = withCodeLevelDiagnostics(
        this.lossHost,
        {
          loss,
          style,
          call,
          args: this.snippetArgs(call, args),
          ...(module ? { module } : {}),
          nameRange: lossNameRange(call, module),
        },
        diagnostics,
      );
    const loops = this.interp.loops.map((l) => ({ line: l.line, iteration: l.iteration }));
    this.calls.push({
      range: call.range,
      fn: loss.fn,
      diagnostics,
      args: described,
      ...(loops.length > 0 ? { loops } : {}),
      ...this.interp.place(),
    });
    const error = diagnostics.find((d) => d.severity === 'error');
    if (error) throw pyError(exceptionClassOf(error.message), error.message.replace(/^(\w+Error): /, ''));
    return output ?? new PyUnknown(`the value of ${loss.fn}`);
  }

  private factoryOf(name: string, sizes: readonly PyValue[], dtype: DType | undefined): PyValue | undefined {
    const dims = sizes.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof PyUnknown ? v.dim : undefined));
    if (dims.some((d) => d === undefined))
      return sizes.some((v) => v instanceof PyUnknown) ? new PyUnknown(`torch.${name} of an unknown size`) : undefined;
    // Concrete sizes of a deterministic factory are computed as in value mode.
    if (!RANDOM_FACTORIES.has(name) && dims.every((d) => typeof d === 'number')) return undefined;
    return symbolicFactory(name, dims as NonNullable<(typeof dims)[number]>[], dtype);
  }

  constructor(
    readonly source: SourceText,
    limits: RuntimeLimits,
    options: {
      numpyMajor: 1 | 2;
      torchVersion: '2.x' | '1.13';
      seed?: number;
      shapeMode?: boolean;
      quiet?: boolean;
      control?: RunControl;
    },
  ) {
    this.quiet = options.quiet === true;
    this.interp = new Interpreter(this, limits, options.control);
    this.shapeMode = options.shapeMode === true;
    this.interp.shapeMode = this.shapeMode;
    this.symbols = new Symbols(options.torchVersion);
    this.random = new RandomBridge(this, options.seed ?? 0, options.torchVersion);
    this.autograd = new AutogradBridge({
      version: options.torchVersion,
      warn: (m) => this.warn(m),
      truthy: (v) => this.interp.truthy(v, this.here()),
      guard: (what, fn) => this.guard(what, fn),
    });
    this.ctx = { maxElements: limits.maxElements, numpyMajor: options.numpyMajor, torchVersion: options.torchVersion };
    this.printer = new Printer(this.interp, {
      tensorStr: (t) => tensorStr(t, this.ctx),
      tensorRepr: (t) => tensorRepr(t, this.ctx),
      moduleRepr: (inst) => {
        // PyTorch prints an optimizer's every hyperparameter, and which ones differ by release.
        if (inst.native?.optimizer)
          throw new NotModelledStop(`printing ${inst.cls.qualname}`, this.interp.current, 'unsupported');
        return moduleRepr(this, inst);
      },
      tensorScalar: (t) => this.tensorScalar(t),
      python312: this.ctx.torchVersion !== '1.13',
    });
    this.builtins = makeBuiltins(this);
    this.interp.percentFormat = (fmt, args) => this.printer.percent(fmt, args);
    this.lossHost = {
      mode: 'value' as const,
      limits: { maxElements: limits.maxElements },
      source,
      shapeCache: new Map(),
      torchVersion: options.torchVersion,
    };
    const module = new PyClass('Module', [], new Map(), 'torch.nn.modules.module.Module', {
      init: (self) => {
        self.native = { ...(self.native ?? {}), training: true };
      },
      call: (self, args, site) => this.callModule(self, args, site),
    });
    this.classes = {
      module,
      tensor: new PyClass('Tensor', [], new Map(), 'torch.Tensor'),
      ndarray: new PyClass('ndarray', [], new Map(), 'numpy.ndarray'),
      parameter: new PyClass('Parameter', [], new Map(), 'torch.nn.parameter.Parameter'),
    };
  }

  /** The hand-written losses the program called, in order. */
  readonly customLosses: CustomLossCall[] = [];

  onUserCall(
    name: string,
    args: readonly PyValue[],
    self: PyValue | undefined,
    result: PyValue,
    site: CallSite,
    rerun?: (args: PyValue[]) => PyValue,
  ): void {
    // A check (shape mode) reports no hand-written losses: their values and gradients are eval's.
    if (this.shapeMode || this.rerunning || !looksLikeLoss(name, args, result)) return;
    const call = customLossCall(name, site.range, args, self, result);
    const inputGradient = this.lossInputGradient(args, result, site, rerun);
    this.customLosses.push(inputGradient ? { ...call, inputGradient } : call);
  }

  private rerunning = false;

  /** The source text of a call's positional argument `i`, where the call's own text shows it. */
  private argumentText(site: CallSite, i: number): string | undefined {
    const node = site.node?.args[i];
    if (!site.node || !node || node.kind === 'Starred') return undefined;
    // Calls inside f-string fields carry positions within the field; their text is checked before it is used.
    const callText = this.source.slice(site.node.range);
    const text = this.source.slice(node.range);
    return text && /\)\s*$/.test(callText) && callText.includes(`${text}`) ? text : undefined;
  }

  /**
   * The gradient of a hand-written loss (of the sum of its values) w.r.t. its first float tensor argument: from the
   * graph the call built when that argument requires grad, else from running the call again, silently, on a copy
   * that requires grad. The program's own `.grad`s, output, loss calls and warnings are left as they were.
   */
  private lossInputGradient(
    args: readonly PyValue[],
    result: TorchTensor,
    site: CallSite,
    rerun: ((args: PyValue[]) => PyValue) | undefined,
  ): CustomLossCall['inputGradient'] {
    const i = args.findIndex((a) => isTensorValue(a) && a.flavor === 'torch' && isFloating(a.dtype));
    if (i < 0) return undefined;
    const input = args[i] as TorchTensor;
    const of = this.argumentText(site, i) ?? `argument ${i + 1}`;
    let grad = this.autograd.gradientOf(result, input);
    if (!grad && rerun) {
      const saved = {
        out: this.out,
        calls: this.calls.length,
        losses: this.customLosses.length,
        warnings: this.warnings.length,
        enabled: this.autograd.enabled,
      };
      this.rerunning = true;
      try {
        const leaf = new TorchTensor(input.dtype, input.shape, input.data.slice(), 'torch') as GradTensor;
        leaf.requiresGrad = true;
        this.autograd.enabled = true;
        const again = rerun(args.map((a, j) => (j === i ? leaf : a)));
        if (isTensorValue(again)) grad = this.autograd.gradientOf(again, leaf);
      } catch {
        // A loss whose gradient Loss Lens cannot compute is shown without one.
        grad = undefined;
      } finally {
        this.rerunning = false;
        this.out = saved.out;
        this.calls.length = saved.calls;
        this.customLosses.length = saved.losses;
        this.warnings.length = saved.warnings;
        this.autograd.enabled = saved.enabled;
      }
    }
    return grad ? { of, shape: [...input.shape], values: Array.from(grad) } : undefined;
  }

  /** A new torch tensor holding `data` converted to `dtype`. */
  makeTensor(data: ArrayLike<number>, shape: readonly number[], dtype: DType): TorchTensor {
    return new TorchTensor(dtype, shape, storeValues(data, dtype), 'torch');
  }

  /**
   * A layer's parameter (`requires_grad`, listed by `parameters()`) or buffer, from its initialiser's values. Built
   * while the draws only size their results (a shape check's layers), it is a symbolic tensor of that shape instead:
   * those values are zeros nobody reads, and copying them into a tensor was most of a layer's cost.
   */
  layerTensor(p: { shape: readonly number[]; data: ArrayLike<number>; dtype: DType }, parameter: boolean): PyValue {
    if (this.random.drawsShapesOnly) return new SymTensor(p.dtype, p.shape, 'torch');
    const t = this.makeTensor(p.data, p.shape, p.dtype) as GradTensor;
    if (parameter) {
      t.requiresGrad = true;
      t.isParameter = true;
    }
    return t;
  }

  /** The program's standard output so far. */
  get stdout(): string {
    return this.out;
  }

  /** See `BuiltinsHost.quiet`. */
  readonly quiet: boolean;

  write(text: string): void {
    this.out += text;
    if (this.out.length > this.ctx.maxElements) {
      throw new BudgetStop('Stopped: the program printed more than Loss Lens keeps.', this.interp.current, {});
    }
  }

  str(v: PyValue): string {
    return this.printer.str(v);
  }

  repr(v: PyValue): string {
    return this.printer.repr(v);
  }

  format(v: PyValue, spec: string): string {
    return this.printer.format(v, spec);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Conversions

  /** A runtime value as the tensor library takes it. */
  toArg(v: PyValue): TArg {
    if (v instanceof PyList || v instanceof PyTuple) {
      // Count before building: `[[0.0] * 10000] * 10000` is 10^4 objects but 10^8 values.
      const n = this.leafCount(v, new Map());
      if (n > this.ctx.maxElements) {
        throw new BudgetStop(
          `Not built: a nested list of ${n.toLocaleString('en-US')} values is over Loss Lens's limit of ${this.ctx.maxElements.toLocaleString('en-US')}.`,
          this.interp.current,
          { elements: n, limit: this.ctx.maxElements },
        );
      }
    }
    return this.toArgUnchecked(v);
  }

  /** The number of scalars in nested lists and tuples (a list repeated by reference is counted from a memo). */
  private leafCount(v: PyValue, memo: Map<object, number>): number {
    if (!(v instanceof PyList || v instanceof PyTuple)) return isTensorValue(v) ? v.data.length : 1;
    const known = memo.get(v);
    if (known !== undefined) return known;
    let n = 0;
    for (const item of v.items) {
      n += this.leafCount(item, memo);
      if (n > this.ctx.maxElements) break;
    }
    memo.set(v, n);
    return n;
  }

  private toArgUnchecked(v: PyValue): TArg {
    if (v === null || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string')
      return v;
    if (isTensorValue(v)) return v;
    if (v instanceof PyList) return v.items.map((x) => this.toArgUnchecked(x));
    if (v instanceof PyTuple)
      return {
        kind: 'tuple',
        items: v.items.map((x) => this.toArgUnchecked(x)),
        ...(v.typeName ? { typeName: v.typeName } : {}),
      };
    if (v instanceof PyDType)
      return v.flavor === 'numpy' && v.scalarType
        ? {
            kind: 'dtype',
            dtype: v.dtype,
            from: { kind: 'numpy', name: `numpy.${NUMPY_SCALAR_NAMES[v.dtype] ?? v.dtype}` },
          }
        : { kind: 'dtype', dtype: v.dtype };
    if (v instanceof PyBuiltin) {
      const legacy = this.legacyTypes.get(v);
      if (legacy) return { kind: 'dtype', dtype: legacy };
      // Python's own types as a dtype: torch.tensor(x, dtype=float) is float64, as NumPy's np.array(x, dtype=float).
      const python = PYTHON_TYPE_DTYPES[v.name];
      if (python && this.builtins.get(v.name) === v)
        return { kind: 'dtype', dtype: python, from: { kind: 'python', name: v.name } };
    }
    if (v instanceof PyRange) return this.interp.toArray(v, this.here()).map((x) => this.toArgUnchecked(x));
    if (v instanceof PyInstance && v.native?.device) return { kind: 'device', name: String(v.native.device) };
    throw pyError('TypeError', `expected a tensor, number or sequence, got ${typeName(v)}`);
  }

  /** A tensor-library result as a runtime value. */
  fromArg(a: TArg): PyValue {
    if (a === null || typeof a !== 'object') return a;
    if (a instanceof TorchTensor) return a;
    if (Array.isArray(a)) return new PyList(a.map((x) => this.fromArg(x)));
    switch (a.kind) {
      case 'tuple':
        return new PyTuple(
          a.items.map((x) => this.fromArg(x)),
          a.typeName,
          a.names,
        );
      case 'dtype':
        return new PyDType(a.dtype, 'torch');
      case 'device': {
        const inst = new PyInstance(this.deviceClass);
        inst.native = { device: a.name };
        return inst;
      }
    }
  }

  private readonly deviceClass = new PyClass('device', [], new Map(), 'torch.device');
  /** `torch.LongTensor` and friends, which `x.type(torch.LongTensor)` passes as a dtype. */
  private readonly legacyTypes = new Map<PyBuiltin, DType>();
  /** PyTorch's warnings, located at the statement that raised them. */
  readonly warnings: { range: SourceRange; message: string }[] = [];

  /** Records a warning PyTorch prints (once per line and text, as Python's default warning filter does). */
  warn(message: string): void {
    const range = this.here();
    if (!this.warnings.some((w) => w.range.line === range.line && w.message === message))
      this.warnings.push({ range, message });
  }

  private toIndex(v: PyValue): IndexArg {
    if (v === null || typeof v === 'bigint' || typeof v === 'boolean') return v;
    if (isTensorValue(v)) return v;
    if (v instanceof PySlice) {
      const int = (x: PyValue): bigint | null => {
        if (x === null) return null;
        if (typeof x === 'bigint') return x;
        if (typeof x === 'boolean') return x ? 1n : 0n;
        if (isTensorValue(x) && x.shape.length === 0) return BigInt(Math.trunc(Number(x.data[0])));
        throw pyError('TypeError', 'slice indices must be integers or None or have an __index__ method');
      };
      return { kind: 'slice', start: int(v.start), stop: int(v.stop), step: int(v.step) };
    }
    if (v instanceof PyEllipsis) return { kind: 'ellipsis' };
    if (v instanceof PyTuple)
      return { kind: 'tuple', items: v.items.map((x) => this.toIndex(x)) } as unknown as IndexArg;
    if (v instanceof PyList) return v.items.map((x) => this.toArg(x));
    if (typeof v === 'number')
      throw pyError(
        'IndexError',
        'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got float)',
      );
    throw pyError(
      'IndexError',
      `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${typeName(v)})`,
    );
  }

  private here(): SourceRange {
    return this.interp.here();
  }

  /** Runs a tensor-library call, turning its errors into Python exceptions and located stops. */
  guard<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof TorchError) {
        // A refusal of the arguments' types holds for every size: the shape check reports it, as the program sees it.
        if (e.onArgumentTypes) this.refuse(e);
        throw pyError(e.pyType, e.message);
      }
      if (e instanceof NotModelled) throw new NotModelledStop(e.what || what, this.interp.current, 'unsupported');
      if (e instanceof BudgetExceeded) throw new BudgetStop(e.message, this.interp.current, {});
      throw e;
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // RuntimeHost

  tensorScalar(t: TorchTensor): number | bigint | boolean {
    return this.guard('item', () => torchApi.scalarOf(t) as number | bigint | boolean);
  }

  tensorLength(t: TorchTensor): number {
    return this.guard('len', () => torchApi.length(t));
  }

  tensorTruth(t: TorchTensor): boolean {
    return this.guard('bool', () => torchApi.truthiness(t));
  }

  tensorRows(t: TorchTensor): PyValue[] {
    return this.guard('iter', () => torchApi.rows(t).map((r) => this.fromArg(r)));
  }

  binary(op: string, a: PyValue, b: PyValue): PyValue | undefined {
    if (isOpaque(a) || isOpaque(b)) return this.opaqueBinary(op, a, b);
    if (op === 'round') {
      return this.fromArg(
        this.guard('round', () =>
          torchApi.tensorMethod(this.ctx, a as TorchTensor, 'round', b === null ? [] : [this.toArg(b)], new Map()),
        ),
      );
    }
    const inplace = op.endsWith('=') && !['==', '!=', '<=', '>='].includes(op);
    const x = this.operand(a);
    const y = this.operand(b);
    if (x === undefined || y === undefined) return undefined;
    if (inplace && isTensorValue(a)) {
      const base = op.slice(0, -1) as BinaryOperator;
      let r: TArg = null;
      this.autograd.inPlace(
        a,
        [b],
        () => {
          r = this.guard(`${base}=`, () => torchApi.inPlaceOp(this.ctx, base, a, y));
        },
        (before) => this.autograd.record(this.binaryCall(base, before, y), a),
      );
      return this.fromArg(r);
    }
    if (op === '@') this.beforeTorchCall('matmul', [a, b], new Map());
    const r = this.guard(op, () => torchApi.binaryOp(this.ctx, op as BinaryOperator, x, y));
    this.autograd.record(this.binaryCall(op as BinaryOperator, x, y), r);
    return this.fromArg(r);
  }

  /** A Python operator as the autograd records it (`x - 1` is `sub`, `1 - x` is `sub` with a scalar first). */
  binaryCall(op: BinaryOperator, x: TArg, y: TArg): OpCall {
    const names: Partial<Record<string, string>> = {
      '+': 'add',
      '-': 'sub',
      '*': 'mul',
      '/': 'div',
      '**': 'pow',
      '@': 'matmul',
      '%': 'remainder',
    };
    return {
      name: names[op] ?? op,
      args: [x, y],
      kwargs: new Map(),
      replay: (swap) => {
        const [sx, sy] = swapArgs([x, y], swap);
        return torchApi.binaryOp(this.ctx, op, sx!, sy!);
      },
    };
  }

  private operand(v: PyValue): TorchTensor | number | bigint | boolean | undefined {
    if (isTensorValue(v) || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
    return undefined;
  }

  /** Shape mode's operators: symbolic tensors by PyTorch's rules, symbolic sizes as polynomials, unknowns stay so. */
  private opaqueBinary(op: string, a: PyValue, b: PyValue): PyValue | undefined {
    const base = op.endsWith('=') && !['==', '!=', '<=', '>='].includes(op) ? op.slice(0, -1) : op;
    const ua = a instanceof PyUnknown ? a : undefined;
    const ub = b instanceof PyUnknown ? b : undefined;
    if ((ua && !ua.dim) || (ub && !ub.dim)) return new PyUnknown((ua && !ua.dim ? ua : ub)!.reason);
    if (a instanceof SymTensor || b instanceof SymTensor || isTensorValue(a) || isTensorValue(b)) {
      if (base === '@') return this.symbolicCall('matmul', [a, b], new Map());
      return this.symbolicCall(ARITHMETIC_OPS[base] ?? base, [a, b], new Map());
    }
    // Symbolic ints: sums and products stay exact; anything else is a size of its own.
    const dimOf = (v: PyValue) => (v instanceof PyUnknown ? v.dim : typeof v === 'bigint' ? Number(v) : undefined);
    const x = dimOf(a);
    const y = dimOf(b);
    if (x === undefined || y === undefined) return new PyUnknown('arithmetic on a symbolic size');
    return this.symbolic(base, () => {
      switch (base) {
        case '+':
          return fromDim(addDims(x, y));
        case '*':
          return fromDim(mulDims(x, y));
        case '-':
          return fromDim(addDims(x, mulDims(-1, y)));
        case '//':
          return fromDim(floorDivDims(x, y));
      }
      throw new NotModelled(`${base} on a symbolic size`);
    });
  }

  unary(op: string, v: PyValue): PyValue | undefined {
    if (v instanceof PyUnknown) return v.dim && op === '-' ? this.opaqueBinary('*', -1n, v) : v;
    if (v instanceof SymTensor) return new SymTensor(v.dtype, v.shape, v.flavor);
    if (!isTensorValue(v)) return undefined;
    const r = this.guard(op, () => torchApi.unaryOp(this.ctx, op as '-', v));
    if (op === '-' || op === 'abs')
      this.autograd.record(
        {
          name: op === '-' ? 'neg' : 'abs',
          args: [v],
          kwargs: new Map(),
          replay: (swap) => torchApi.unaryOp(this.ctx, op as '-', swap(v)),
        },
        r,
      );
    return this.fromArg(r);
  }

  getItem(obj: PyValue, index: PyValue): PyValue | undefined {
    if (obj instanceof PyUnknown) return new PyUnknown(`an item of ${obj.reason}`);
    if (obj instanceof SymTensor || (isTensorValue(obj) && this.shapeMode && holdsOpaque(index))) {
      const u = holdsUnknown(index);
      if (u) return new PyUnknown(`an index that is ${u.reason}`);
      const sindex = toSArg(index);
      if (sindex === undefined) return new PyUnknown('this kind of index');
      const item = this.symbolic('indexing', () => indexShape(toSym(obj as SymTensor), sindex, this.symbols));
      return this.isDtypeAssumed(obj) ? this.openDtype(item) : item;
    }
    if (isTensorValue(obj)) {
      const idx = this.toIndex(index);
      const r = this.guard('indexing', () => torchApi.getItem(this.ctx, obj, idx));
      this.autograd.record(
        {
          name: '__getitem__',
          args: [obj],
          kwargs: new Map(),
          index: idx,
          replay: (swap) => torchApi.getItem(this.ctx, swap(obj), idx),
        },
        r,
      );
      return this.fromArg(r);
    }
    if (obj instanceof PyInstance) {
      const items = obj.native?.items as PyValue[] | undefined;
      if (items) {
        if (index instanceof PySlice) return this.sliceModule(obj, index);
        return items[this.interp.listIndex(items.length, index, 'index')]!;
      }
      if (obj.native?.moduleDict) {
        const m = typeof index === 'string' ? obj.attrs.get(index) : undefined;
        if (m === undefined) throw pyError('KeyError', this.repr(index));
        return m;
      }
      if (obj.native?.subset) return subsetItem(this, obj, index);
      const dataset = obj.native?.tensors as PyValue[] | undefined;
      if (dataset)
        return new PyTuple(
          dataset.map((t) =>
            isTensorValue(t)
              ? this.fromArg(this.guard('indexing', () => torchApi.getItem(this.ctx, t, this.toIndex(index))))
              : (this.getItem(t, index) ?? new PyUnknown('an item of a dataset Loss Lens cannot know')),
          ),
        );
    }
    return undefined;
  }

  private sliceModule(obj: PyInstance, index: PySlice): PyValue {
    const items = obj.native!.items as PyValue[];
    const [start, stop, step] = this.interp.sliceBounds(index, items.length);
    const out = new PyInstance(obj.cls);
    const picked: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(items[i]!);
    out.native = { ...obj.native, items: picked };
    return out;
  }

  setItem(obj: PyValue, index: PyValue | string, value: PyValue): boolean {
    // Shape mode: writing into a symbolic or unknown tensor keeps its shape (values are not tracked).
    if (isOpaque(obj)) return true;
    // `heads['topic'] = nn.Linear(8, 3)`: a ModuleDict's entries are its attributes.
    if (obj instanceof PyInstance) {
      if (!obj.native?.moduleDict || typeof index !== 'string') return false;
      obj.attrs.set(index, value);
      return true;
    }
    if (this.shapeMode && isTensorValue(obj) && isOpaque(value)) return true;
    if (!isTensorValue(obj)) return false;
    if (typeof index === 'string' && index.startsWith('.')) {
      const name = index.slice(1);
      if (name === 'requires_grad') {
        this.autograd.setRequiresGrad(obj, this.interp.truthy(value, this.here()));
        return true;
      }
      if (name === 'grad') {
        (obj as GradTensor).grad = value === null ? undefined : (value as TorchTensor);
        return true;
      }
      if (name === 'data' && isTensorValue(value)) {
        obj.data = value.data;
        obj.shape = [...value.shape];
        obj.dtype = value.dtype;
        return true;
      }
      return false;
    }
    const v =
      this.operand(value) ??
      (value instanceof PyList || value instanceof PyTuple
        ? this.guard('tensor', () => torchApi.fromData(this.ctx, this.toArg(value), undefined, obj.flavor))
        : undefined);
    if (v === undefined)
      throw pyError(
        'TypeError',
        `can't assign a ${typeName(value)} to a ${obj.flavor === 'numpy' ? 'numpy array' : 'torch.FloatTensor'}`,
      );
    const idx = this.toIndex(index as PyValue);
    this.autograd.inPlace(
      obj,
      [value],
      () => this.guard('item assignment', () => torchApi.setItem(this.ctx, obj, idx, v)),
      (before) =>
        this.autograd.copySlices(
          obj,
          idx,
          typeof v === 'number' || v instanceof TorchTensor ? v : Number(v),
          before,
          (t) => torchApi.getItem(this.ctx, t, idx),
        ),
    );
    return true;
  }

  enterContext(v: PyValue): (() => void) | undefined {
    const gradMode = this.autograd.enter(v);
    if (gradMode) return gradMode;
    if (v instanceof PyInstance && v.native?.context === 'null') return () => undefined;
    return undefined;
  }

  callOther(fn: PyValue, args: CallArguments): PyValue | undefined {
    if (fn instanceof PyUnknown) return new PyUnknown(`the result of calling ${fn.reason}`);
    if (fn instanceof PyDType) {
      if (fn.flavor === 'numpy') return this.callTorch(`numpy.${fn.dtype}`, args);
      throw pyError('TypeError', "'torch.dtype' object is not callable");
    }
    return undefined;
  }

  /** The imports a run assumed, in the order it first used them. */
  readonly assumed: { name: string; statement: string; range: SourceRange }[] = [];

  assumedImport(name: string): PyValue | undefined {
    const path = CONVENTIONAL_IMPORTS[name];
    if (!path) return undefined;
    if (!this.assumed.some((a) => a.name === name)) {
      const statement = path === name ? `import ${name}` : `import ${path} as ${name}`;
      this.assumed.push({ name, statement, range: this.here() });
    }
    return this.namespace(path);
  }

  importModule(path: string, range: SourceRange): PyValue {
    const top = path.split('.')[0]!;
    if (top === 'torch' || top === 'numpy' || top === 'math' || top === '__future__' || path === 'random')
      return this.namespace(path);
    if (path === 'collections' || path === 'copy') return this.namespace(path);
    const thirdParty = this.shapeMode ? shapeThirdPartyModule(this, path) : undefined;
    if (thirdParty) return thirdParty;
    if (UNSAFE_MODULES.has(top)) return this.namespace(path, 'unsafe');
    if (OPAQUE_MODULES.has(top)) return this.namespace(path, 'opaque');
    throw new NotModelledStop(`import ${path}`, range, 'unsupported');
  }

  /** `torch.optim.SGD`, `Adam`, `AdamW` (made once, so `isinstance` and `type()` see one class). */
  private readonly optimizerClasses = new Map<string, PyClass>();

  /** The module object for a dotted path (made once). */
  namespace(path: string, kind?: 'unsafe' | 'opaque'): PyNamespace {
    let ns = this.namespaces.get(path);
    if (!ns) {
      ns =
        path === 'math'
          ? makeMath(this)
          : path === 'collections'
            ? makeCollections(this, this.builtins)
            : path === 'copy'
              ? makeCopyModule(this.interp)
              : path === 'random'
                ? this.random.pythonModule()
                : path === 'numpy.random'
                  ? this.random.numpyModule()
                  : new PyNamespace(path);
      if (kind) ns.attrs.set('__kind__', kind);
      this.namespaces.set(path, ns);
    }
    return ns;
  }

  attribute(obj: PyValue, name: string, range: SourceRange): PyValue | undefined {
    if (obj instanceof PyNamespace) return this.namespaceAttribute(obj, name, range);
    if (obj instanceof PyUnknown) return new PyUnknown(obj.reason);
    if (obj instanceof SymTensor) {
      const attr = symbolicAttribute(obj, name);
      if (attr !== undefined) return fromSArg(attr);
      return this.producing(
        PRODUCER_METHODS[name],
        new PyBuiltin(name, (a) => {
          if (obj.flavor === 'torch') this.refuseOnTypes(`Tensor.${name}`, a.args, a.kwargs);
          return this.symbolicCall(name, [obj, ...a.args], a.kwargs);
        }),
        true,
      );
    }
    if (isTensorValue(obj)) return this.producing(PRODUCER_METHODS[name], this.tensorAttribute(obj, name), true);
    if (obj instanceof PyInstance) return this.instanceAttribute(obj, name);
    if (obj instanceof PyDType) {
      if (name === 'is_floating_point') return obj.dtype.startsWith('float') || obj.dtype === 'bfloat16';
      if (name === 'itemsize')
        return BigInt(
          ({ float64: 8, int64: 8, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2 } as Record<string, number>)[
            obj.dtype
          ] ?? 1,
        );
      return undefined;
    }
    return builtinMethod(this, obj, name);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Namespaces

  private namespaceAttribute(ns: PyNamespace, name: string, range: SourceRange): PyValue | undefined {
    const own = ns.attrs.get(name);
    if (own !== undefined && name !== '__kind__') return own;
    const kind = ns.attrs.get('__kind__');
    if (kind === 'unsafe' || kind === 'opaque') {
      if (name === 'stdout' || name === 'stderr') return this.namespace(`${ns.path}.${name}`);
      throw new NotModelledStop(`${ns.path}.${name}`, range, kind === 'unsafe' ? 'unsafe' : 'unsupported');
    }
    const path = `${ns.path}.${name}`;
    const value = this.producing(PRODUCER_FUNCTIONS[path], this.resolve(path));
    if (value !== undefined) ns.attrs.set(name, value);
    return value;
  }

  /** What a dotted torch/numpy path names: a submodule, a dtype, a class, a loss, or a library function. */
  private resolve(path: string): PyValue | undefined {
    const canonical = path.replace(/^torch\.nn\.modules\.(?:[a-z_]+\.)?/, 'torch.nn.');
    const last = canonical.slice(canonical.lastIndexOf('.') + 1);
    if (canonical === `torch.${last}`) {
      const random = this.random.torchFunction(last);
      if (random !== undefined && this.shapeMode && SHAPE_ONLY_DRAWS.has(last) && random instanceof PyBuiltin) {
        // A shape check never reads these numbers, and drawing them is most of its cost; integer draws stay real
        // (class indices out of range are an error the check reports).
        return new PyBuiltin(last, (a, site) => {
          this.refuseOnTypes(canonical, a.args, a.kwargs);
          return this.symbolicFactoryCall(last, a) ?? random.call(a, site);
        });
      }
      if (random !== undefined) return random;
    }
    // torch.compile returns a wrapper (OptimizedModule) that computes what the original does: a shape check can take
    // the original (value mode does not, as the wrapper's repr and identity differ).
    if (this.shapeMode && canonical === 'torch.compile')
      return new PyBuiltin(last, (a) => a.args[0] ?? a.kwargs.get('model') ?? null);
    if (this.shapeMode && canonical === 'numpy.random.default_rng')
      return new PyBuiltin(last, () => this.shapeModeRng());
    const autograd = this.autograd.torchFunction(canonical);
    if (autograd !== undefined) return autograd;
    if (SUBMODULES.has(canonical)) return this.namespace(canonical);
    if ((canonical.startsWith('torch.') || canonical.startsWith('numpy.')) && canonical.split('.').length === 2) {
      if (canonical.startsWith('numpy.')) {
        // np.float_ and the other aliases NumPy 2 removed: AttributeError there, as NumPy raises it.
        const removed = torchApi.numpyRemovedAlias(this.ctx, last);
        if (removed) throw pyError(removed.pyType, removed.message);
        if (canonical === 'numpy.float_') return new PyDType('float64', 'numpy', true);
      }
      const dtype = this.guard(canonical, () => torchApi.dtypeAttribute(canonical));
      if (dtype)
        return canonical.startsWith('numpy.') ? new PyDType(dtype, 'numpy', true) : new PyDType(dtype, 'torch');
    }
    if (canonical.startsWith('torch.nn.init.')) {
      const init = nnInitFunction(this, last);
      if (init) return init;
    }
    if (canonical === 'torch.nn.functional.dropout') return new PyBuiltin('dropout', (a) => functionalDropout(this, a));
    if (canonical.startsWith('torch.nn.functional.') || lossByLibraryPath(canonical)) {
      const loss = canonical.startsWith('torch.nn.functional.') ? lossByFunctional(last) : lossByLibraryPath(canonical);
      if (loss) return new PyBuiltin(last, (args, site) => this.lossCall(loss, 'functional', args, site));
    }
    if (canonical.startsWith('torch.nn.') && canonical.split('.').length === 3) {
      const cls = this.nnClass(last);
      if (cls) return cls;
    }
    const legacy = LEGACY_TENSOR_TYPES[canonical];
    if (legacy) {
      // torch.FloatTensor([..]) builds from data; torch.FloatTensor(2, 3) would be uninitialised memory.
      const ctor = new PyBuiltin(last, (a) => {
        const data = a.args[0];
        if (
          a.args.length !== 1 ||
          !(data instanceof PyList || data instanceof PyTuple || isTensorValue(data ?? null))
        ) {
          throw new NotModelledStop(`${canonical}(sizes) (uninitialised memory)`, this.interp.current, 'unsupported');
        }
        return this.callTorch('torch.tensor', {
          args: [data!],
          kwargs: new Map([['dtype', new PyDType(legacy, 'torch')]]),
        });
      });
      this.legacyTypes.set(ctor, legacy);
      return ctor;
    }
    if (canonical === 'torch.optim.lr_scheduler') return this.namespace(canonical);
    if (canonical === `torch.optim.lr_scheduler.${last}` && SCHEDULERS.has(last)) {
      let cls = this.optimizerClasses.get(canonical);
      if (!cls) this.optimizerClasses.set(canonical, (cls = schedulerClass(this, last)));
      return cls;
    }
    if (canonical.startsWith('torch.optim.') && canonical.split('.').length === 3 && OPTIMIZERS.has(last)) {
      let cls = this.optimizerClasses.get(last);
      if (!cls) this.optimizerClasses.set(last, (cls = optimizerClass(this, last as 'SGD' | 'Adam' | 'AdamW')));
      return cls;
    }
    // `torch.__version__`, `np.__version__`: the release the user runs, which Loss Lens does not know.
    if (last.startsWith('__') && last.endsWith('__'))
      throw new NotModelledStop(canonical, this.interp.current, 'unsupported');
    switch (canonical) {
      case 'torch.Tensor':
        return this.classes.tensor;
      case 'numpy.ndarray':
        return this.classes.ndarray;
      case 'torch.nn.Parameter':
        return new PyBuiltin('Parameter', (a) => {
          const t = a.args[0] ?? null;
          if (!isTensorValue(t)) throw pyError('TypeError', 'Parameter expects a tensor');
          const p = new TorchTensor(t.dtype, t.shape, t.data, 'torch');
          setRequiresGrad(p, a.kwargs.get('requires_grad') !== false && isFloating(p.dtype));
          (p as GradTensor).isParameter = true;
          return p;
        });
      case 'torch.nn.utils.clip_grad_norm_':
        return new PyBuiltin('clip_grad_norm_', (a) => this.clipGradNorm(a));
      case 'torch.device':
        return new PyBuiltin('device', (a) => this.fromArg({ kind: 'device', name: String(a.args[0] ?? 'cpu') }));
      case 'torch.cuda.is_available':
      case 'torch.accelerator.is_available':
      case 'torch.backends.mps.is_available':
        return new PyBuiltin('is_available', () => false);
      case 'torch.set_printoptions':
        return new PyBuiltin('set_printoptions', (a) => {
          for (const [k, v] of a.kwargs)
            (this.ctx as { printOptions?: Record<string, unknown> }).printOptions = {
              ...((this.ctx as { printOptions?: Record<string, unknown> }).printOptions ?? {}),
              [k]: v,
            };
          return null;
        });
      case 'torch.is_tensor':
        return new PyBuiltin(
          'is_tensor',
          (a) => isTensorValue(a.args[0] ?? null) && (a.args[0] as TorchTensor).flavor === 'torch',
        );
      case 'torch.utils.data.Dataset':
        return this.datasetClass;
      case 'torch.utils.data.TensorDataset':
        return this.tensorDatasetClass;
      case 'torch.utils.data.DataLoader':
        return this.dataLoaderClass;
      case 'torch.utils.data.random_split':
        return new PyBuiltin('random_split', (a) => randomSplit(this, a));
      case 'torch.utils.data.Subset':
      case 'torch.utils.data.RandomSampler':
      case 'torch.utils.data.SubsetRandomSampler':
      case 'torch.utils.data.SequentialSampler':
        return dataClass(this, last);
    }
    if (
      canonical.startsWith('torch.optim.') ||
      canonical.startsWith('torch.distributions') ||
      canonical.startsWith('torch.utils.')
    ) {
      throw new NotModelledStop(canonical, this.interp.current, 'unsupported');
    }
    return new PyBuiltin(last, (args) => this.callTorch(canonical, args));
  }

  /** Calls a torch/numpy function through the tensor library. */
  callTorch(path: string, args: CallArguments): PyValue {
    const name = path.slice(path.lastIndexOf('.') + 1);
    // Before the bridge sets the device and grad keywords aside: PyTorch's message lists every argument.
    this.refuseOnTypes(path, args.args, args.kwargs);
    if (this.shapeMode) {
      const made = this.symbolicFactoryCall(name, args);
      if (made !== undefined) return made;
      if (args.args.some((v) => holdsOpaque(v)) || [...args.kwargs.values()].some((v) => holdsOpaque(v)))
        return this.symbolicCall(name, args.args, args.kwargs);
    }
    this.beforeTorchCall(name, args.args, args.kwargs);
    if (this.shapeMode && TENSOR_FROM_DATA.has(name)) {
      const over = this.overBudgetData(path, args);
      if (over) return over;
    }
    const kwargs = new Map<string, TArg>();
    let requiresGrad = false;
    for (const [k, v] of args.kwargs) {
      if (k === 'requires_grad') requiresGrad = this.interp.truthy(v, this.here());
      else if (k === 'device' || k === 'pin_memory') continue;
      else kwargs.set(k, this.toArg(v));
    }
    const r = this.confirmedOnShapes(name, args, () =>
      this.guard(path, () =>
        torchApi.torchFunction(
          this.ctx,
          path,
          args.args.map((a) => this.toArg(a)),
          kwargs,
        ),
      ),
    );
    if (requiresGrad && r instanceof TorchTensor) this.autograd.setRequiresGrad(r, true);
    else if (path.startsWith('torch.')) {
      const argList = args.args.map((a) => this.toArg(a));
      this.autograd.record(
        {
          name: path.replace(/^torch\.(nn\.functional\.)?/, ''),
          args: argList,
          kwargs,
          replay: (swap) => torchApi.torchFunction(this.ctx, path, swapArgs(argList, swap), kwargs),
        },
        r,
      );
    }
    return this.fromArg(r);
  }

  /**
   * Shape mode's `torch.tensor(data)` of a nested list over the element budget: a warning at the line and a tensor
   * of the shape the list claims along its first elements (reading every value would stall the check).
   */
  private overBudgetData(path: string, args: CallArguments): SymTensor | undefined {
    const shape: number[] = [];
    let x: PyValue | undefined = args.args[0] ?? args.kwargs.get('data');
    while (x instanceof PyList || x instanceof PyTuple) {
      shape.push(x.items.length);
      if (x.items.length === 0) break;
      x = x.items[0];
    }
    const elements = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 0 || elements <= this.ctx.maxElements) return undefined;
    const written = args.kwargs.get('dtype');
    const dtype: DType =
      written instanceof PyDType
        ? written.dtype
        : typeof x === 'bigint'
          ? 'int64'
          : typeof x === 'boolean'
            ? 'bool'
            : path.startsWith('numpy.')
              ? 'float64'
              : 'float32';
    const range = this.here();
    const name = path.replace(/^torch\./, 'torch.').replace(/^numpy\./, 'np.');
    this.checkNotes.push({
      ...range,
      severity: 'warning',
      code: 'budget/elements',
      message: `${name}(...) builds ${elements} elements, over Loss Lens's budget of ${this.ctx.maxElements} for reading values.`,
      explanation:
        'Loss Lens checks this tensor by its shape only: reading that many values one by one would stall the editor.',
      hint: 'Nothing to fix for PyTorch; to see values, try the code on a smaller tensor.',
      data: { fn: name, budget: this.ctx.maxElements },
    });
    return new SymTensor(dtype, shape, path.startsWith('numpy.') ? 'numpy' : 'torch');
  }

  /** Shape mode's notes about what it checked by shape only (a literal over the budget), for the file check. */
  readonly checkNotes: import('../diagnostics').Diagnostic[] = [];

  /** PyTorch's warnings for a call, and the cost bound of the few ops whose work is far above their output's size. */
  private beforeTorchCall(name: string, args: readonly PyValue[], kwargs: ReadonlyMap<string, PyValue>): void {
    if ((name === 'softmax' || name === 'log_softmax' || name === 'softmin') && args.length < 2 && !kwargs.has('dim')) {
      this.warn(
        `Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`,
      );
    }
    if (['matmul', 'mm', 'bmm', 'dot', 'einsum', 'linear', 'conv1d', 'conv2d'].includes(name)) {
      const tensors = args.filter((a): a is TorchTensor => isTensorValue(a));
      const cost = tensors.reduce((c, t) => c * Math.max(1, t.data.length), 1);
      // The product of the operands' sizes bounds the multiply-adds of a contraction (generously).
      if (tensors.length >= 2 && cost > MAX_CONTRACTION_COST && Math.sqrt(cost) > this.ctx.maxElements) {
        throw new BudgetStop(
          `Not computed: ${name} of tensors ${tensors.map((t) => `[${t.shape.join(', ')}]`).join(' and ')} is over Loss Lens's compute limit.`,
          this.interp.current,
          {},
        );
      }
    }
  }

  private tensorAttribute(t: TorchTensor, name: string): PyValue | undefined {
    if (t.flavor === 'torch') {
      const grad = this.autograd.attribute(t, name);
      if (grad !== undefined) return grad;
    }
    if (name === 'data') return new TorchTensor(t.dtype, t.shape, t.data, t.flavor);
    if (name === 'dtype' && t.flavor === 'numpy') return new PyDType(t.dtype, 'numpy');
    const draw = this.random.tensorMethod(t, name);
    if (draw !== undefined) return draw;
    const attr = this.guard(name, () => torchApi.tensorAttribute(this.ctx, t, name));
    if (attr !== undefined) {
      if ((name === 'T' || name === 'mT') && attr instanceof TorchTensor)
        this.autograd.record(
          { name, args: [t], kwargs: new Map(), replay: (swap) => torchApi.tensorAttribute(this.ctx, swap(t), name)! },
          attr,
        );
      return this.fromArg(attr);
    }
    return new PyBuiltin(name, (args) => {
      if (
        this.shapeMode &&
        (args.args.some((v) => holdsOpaque(v)) || [...args.kwargs.values()].some((v) => holdsOpaque(v)))
      ) {
        if (t.flavor === 'torch') this.refuseOnTypes(`Tensor.${name}`, args.args, args.kwargs);
        return this.symbolicCall(name, [t, ...args.args], args.kwargs);
      }
      const kwargs = new Map<string, TArg>();
      for (const [k, v] of args.kwargs) kwargs.set(k, this.toArg(v));
      const argList = args.args.map((a) => this.toArg(a));
      if (name === 'numpy' && (t as AutogradTensor).requiresGrad)
        throw pyError('RuntimeError', autogradMessage(this.ctx.torchVersion, 'numpy_requires_grad'));
      const call = (base: string, self: TorchTensor, recorded = base): OpCall => ({
        name: recorded,
        args: [self, ...argList],
        kwargs,
        replay: (swap) => torchApi.tensorMethod(this.ctx, swap(self), base, swapArgs(argList, swap), kwargs),
      });
      if (t.flavor === 'torch' && /^[a-z][a-z0-9_]*[a-z0-9]_$/.test(name)) {
        let r: TArg = null;
        this.autograd.inPlace(
          t,
          args.args,
          () => {
            r = this.guard(`Tensor.${name}`, () => torchApi.tensorMethod(this.ctx, t, name, argList, kwargs));
          },
          (before) => this.autograd.record(call(name.slice(0, -1), before, inPlaceRecordName(name)), t),
        );
        return this.fromArg(r);
      }
      const r = this.confirmedOnShapes(name, { args: [t, ...args.args], kwargs: args.kwargs }, () =>
        this.guard(`Tensor.${name}`, () => torchApi.tensorMethod(this.ctx, t, name, argList, kwargs)),
      );
      if (t.flavor === 'torch') this.autograd.record(call(name, t), r);
      return this.fromArg(r);
    });
  }

  /**
   * Marks a layer's output as requiring grad when an input does (and grad mode is on): a node whose backward is not
   * modelled, so `backward()` through the layer stops with a located note rather than giving a wrong gradient.
   */
  markGrad(r: TArg, inputs: readonly PyValue[], op = 'an operation', gradFnName?: string): void {
    if (!this.autograd.enabled || !(r instanceof TorchTensor)) return;
    if (inputs.some((i) => isTensorValue(i) && (i as AutogradTensor).requiresGrad === true))
      recordNotModelled(op, r, gradFnName);
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Losses

  /** A loss call: computed by the loss engine, recorded with its line and loops, its value returned as a tensor. */
  lossCall(
    loss: LossEntry,
    style: 'functional' | 'module',
    args: CallArguments,
    site: CallSite,
    module?: LossModuleSpec,
  ): PyValue {
    if (this.shapeMode && (args.args.some((v) => holdsOpaque(v)) || someValue(args.kwargs, holdsOpaque)))
      return this.symbolicLossCall(loss, style, args, site, module);
    const call = site.node ?? syntheticCall(site.range);
    const callArgs = this.snippetArgs(call, args);
    const { record, value } = evaluateLossCall(this.lossHost, {
      loss,
      style,
      call,
      args: callArgs,
      ...(module ? { module } : {}),
      nameRange: lossNameRange(call, module),
    });
    const loops = this.interp.loops.map((l) => ({ line: l.line, iteration: l.iteration }));
    this.calls.push({ ...record, ...(loops.length > 0 ? { loops } : {}), ...this.interp.place() });
    const error = record.diagnostics.find((d) => d.severity === 'error');
    if (error) throw pyError(exceptionClassOf(error.message), error.message.replace(/^(\w+Error): /, ''));
    if (value.kind !== 'tensor' || !value.data) {
      throw new NotModelledStop(`${loss.fn} with these arguments`, site.range, 'unsupported');
    }
    // The engine computes in float64; the output is stored in its dtype, as PyTorch's is.
    const out = torchApi.fromData(
      this.ctx,
      new TorchTensor('float64', value.data.shape, Float64Array.from(value.data.data), 'torch'),
      value.data.dtype,
      'torch',
    );
    const inputs = [...args.args, ...args.kwargs.values()].filter((v): v is TorchTensor => isTensorValue(v));
    if (this.autograd.enabled && inputs.some((i) => (i as GradTensor).requiresGrad) && record.result) {
      const name =
        gradFnOfLoss(
          loss.fn,
          record.computed?.options as Record<string, unknown> | undefined,
          record.computed?.inputs as Record<string, { dtype: string }> | undefined,
        ) ?? `${loss.fn}'s backward`;
      const grads: { tensor: TorchTensor; gradient: ArrayLike<number> }[] = [];
      loss.inputs.forEach((n, i) => {
        const input = args.args[i] ?? args.kwargs.get(n);
        const grad = record.result!.gradient[n];
        if (input && isTensorValue(input) && grad && (input as GradTensor).requiresGrad)
          grads.push({ tensor: input, gradient: grad.data });
      });
      recordLoss(out, name, grads);
    }
    return out;
  }

  private snippetArgs(call: ast.Call, args: CallArguments): CallArgs {
    const hasStar = call.args.some((a) => a.kind === 'Starred') || call.keywords.some((k) => k.name === undefined);
    const positional: Arg[] = args.args.map((v, i) => ({
      value: this.snippetValue(v),
      node: (!hasStar && call.args[i]) || call,
    }));
    const keywords = new Map<string, Arg>();
    for (const [k, v] of args.kwargs) {
      const node = call.keywords.find((kw) => kw.name === k)?.value ?? call;
      keywords.set(k, { value: this.snippetValue(v), node });
    }
    return { positional, keywords, dynamic: false };
  }

  /** A runtime value as the snippet layer's loss-call code takes it. */
  private snippetValue(v: PyValue): Value {
    if (v === null) return NONE;
    switch (typeof v) {
      case 'boolean':
        return { kind: 'scalar', value: { kind: 'bool', value: v ? 1 : 0 } };
      case 'bigint':
        return {
          kind: 'scalar',
          value: { kind: 'int', value: Number(v), ...(v > 2n ** 53n || v < -(2n ** 53n) ? { big: v } : {}) },
        };
      case 'number':
        return { kind: 'scalar', value: { kind: 'float', value: v } };
      case 'string':
        return { kind: 'str', value: v };
    }
    const producer = typeof v === 'object' && v !== null ? this.producerOf(v) : undefined;
    if (isTensorValue(v))
      return known(
        { dtype: v.dtype, shape: [...v.shape], data: v.data },
        { ...(v.flavor === 'numpy' ? { numpy: true } : {}), ...(producer ? { producer } : {}) },
      );
    if (v instanceof SymTensor)
      return {
        kind: 'tensor',
        shape: v.shape.map((d) => (isKnown(d) ? d : null)),
        dtype: v.dtype,
        ...(v.flavor === 'numpy' ? { numpy: true } : {}),
        ...(producer ? { producer } : {}),
      };
    if (v instanceof PyList || v instanceof PyTuple)
      return { kind: 'seq', items: v.items.map((x) => this.snippetValue(x)), tuple: v instanceof PyTuple };
    return UNKNOWN;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // nn.Module and the layers

  private readonly nnClasses = new Map<string, PyClass>();

  private nnClass(name: string): PyClass | undefined {
    const cached = this.nnClasses.get(name);
    if (cached) return cached;
    let cls: PyClass | undefined;
    if (name === 'Module') cls = this.classes.module;
    else {
      const loss = lossByModule(name);
      if (loss) {
        cls = new PyClass(name, [this.classes.module], new Map(), `torch.nn.modules.loss.${name}`, {
          init: (self, args, site) => {
            const call = site.node ?? syntheticCall(site.range);
            self.native = {
              training: true,
              loss: buildLossModule(loss, call, this.snippetArgs(call, args)),
              lossEntry: loss,
              ctorArgs: args,
            };
          },
          call: (self, args, site) => this.lossCall(loss, 'module', args, site, self.native!.loss as LossModuleSpec),
        });
      } else {
        const built = makeLayer(this, name);
        // Shape mode answers a layer called on tensors from PyTorch's layer rules (also layers value mode lacks).
        const layer = this.shapeMode ? this.shapeLayer(name, built) : built;
        const op = PRODUCER_LAYERS[name];
        const noted: NativeClass | undefined =
          layer && op && layer.call
            ? {
                ...layer,
                call: (self, a, site) => {
                  const r = layer.call!(self, a, site);
                  this.noteProducer(op, r, site);
                  return r;
                },
              }
            : layer;
        if (noted) cls = new PyClass(name, [this.classes.module], new Map(), `torch.nn.modules.${name}`, noted);
      }
    }
    if (cls) this.nnClasses.set(name, cls);
    return cls;
  }

  /** Shape mode's version of a torch.nn layer class (see {@link withShapeRules}). */
  private shapeLayer(
    name: string,
    built: import('./values').NativeClass | undefined,
  ): import('./values').NativeClass | undefined {
    if (name === 'TransformerEncoder' || name === 'TransformerDecoder')
      return transformerStack(name, {
        call: (layer, args) =>
          this.interp.callValue(layer, { args, kwargs: new Map() }, { node: undefined, range: this.here() }),
      });
    return withShapeRules(name, built, {
      torchVersion: this.lossHost.torchVersion,
      onError: (pyType, message) => this.recordShapeError(pyType, message),
      withoutDraws: (fn) => this.random.withoutDraws(fn),
      openDtype: {
        has: (v) => this.isDtypeAssumed(v),
        mark: (v) => this.openDtype(v),
      },
    });
  }

  /** Calling an nn.Module instance: `forward` of a program-written subclass, or the layer's own computation. */
  private callModule(self: PyInstance, args: CallArguments, site: CallSite): PyValue {
    const forward = self.cls.lookup('forward');
    if (forward instanceof PyFunction) {
      const result = this.interp.callFunction(forward, [self, ...args.args], args.kwargs);
      this.onUserCall(self.cls.name, args.args, self, result, site, (a) =>
        this.interp.callFunction(forward, [self, ...a], args.kwargs),
      );
      return result;
    }
    throw pyError('NotImplementedError', `Module [${self.cls.name}] is missing the required "forward" function`);
  }

  private instanceAttribute(inst: PyInstance, name: string): PyValue | undefined {
    if (!inst.cls.isSubclassOf(this.classes.module)) {
      if (inst.native?.optimizer) return optimizerAttribute(this, inst, name);
      if (inst.native?.scheduler) return schedulerAttribute(this, inst, name);
      if (inst.native?.loader && name === '__iter_items__') return new PyList(this.loaderBatches(inst));
      if (inst.native?.loader && name === 'dataset') return inst.native.dataset as PyValue;
      if (inst.native?.loader && name === 'batch_size') return BigInt(inst.native.batchSize as number);
      if (inst.native?.loader && name === 'drop_last') return inst.native.dropLast as boolean;
      if (inst.native?.loader && name === '__len__')
        return new PyBuiltin('__len__', () => BigInt(this.loaderLength(inst)));
      if (inst.native?.subset && name === '__len__') return new PyBuiltin('__len__', () => BigInt(subsetLength(inst)));
      const sampled = samplerAttribute(this, inst, name);
      if (sampled !== undefined) return sampled;
      if (inst.native?.tensors && name === '__len__')
        return new PyBuiltin('__len__', () => {
          const first = (inst.native!.tensors as PyValue[])[0];
          if (first instanceof SymTensor) return dimValue(first.shape[0] ?? 0);
          if (first === undefined || !isTensorValue(first))
            return first === undefined ? 0n : new PyUnknown('the length of a dataset Loss Lens cannot know');
          return BigInt(first.shape[0] ?? 0);
        });
      return undefined;
    }
    switch (name) {
      case 'training':
        return inst.native?.training !== false;
      case 'train':
      case 'eval':
        return new PyBuiltin(name, (a) => {
          const mode =
            name === 'train' ? (a.args[0] === undefined ? true : this.interp.truthy(a.args[0], this.here())) : false;
          for (const m of this.modulesOf(inst)) m.native = { ...(m.native ?? {}), training: mode };
          return inst;
        });
      case 'to':
      case 'cuda':
      case 'cpu':
      case 'float':
      case 'double':
      case 'requires_grad_':
      case 'zero_grad':
        return new PyBuiltin(name, (a) => (name === 'zero_grad' ? this.zeroGrad(inst, a) : inst));
      case 'parameters':
        return new PyBuiltin(name, () => new PyList(this.parametersOf(inst).map(([, p]) => p)));
      case 'named_parameters':
        return new PyBuiltin(name, () => new PyList(this.parametersOf(inst).map(([n, p]) => new PyTuple([n, p]))));
      case 'children':
        return new PyBuiltin(name, () => new PyList(this.childrenOf(inst).map(([, m]) => m)));
      case 'modules':
        return new PyBuiltin(name, () => new PyList(this.modulesOf(inst)));
      case 'forward': {
        const native = inst.cls.nativeBase;
        if (native?.call) return new PyBuiltin('forward', (a, site) => native.call!(inst, a, site));
        return undefined;
      }
      case 'add_module':
      case 'register_module':
        return new PyBuiltin(name, (a) => {
          inst.attrs.set(String(a.args[0]), a.args[1] ?? null);
          return null;
        });
      case 'register_buffer':
        return new PyBuiltin(name, (a) => {
          const key = String(a.args[0]);
          inst.attrs.set(key, a.args[1] ?? null);
          // A persistent buffer (the default) is part of the state_dict.
          const persistent = a.args[2] ?? a.kwargs.get('persistent') ?? true;
          if (this.interp.truthy(persistent, this.here())) {
            inst.native ??= {};
            inst.native.buffers = [...((inst.native.buffers as string[] | undefined) ?? []), key];
          }
          return null;
        });
      case 'load_state_dict':
        return new PyBuiltin(name, (a) => this.loadStateDict(inst, a.args[0] ?? a.kwargs.get('state_dict') ?? null));
      case 'state_dict':
        return new PyBuiltin(name, () => {
          const d = new PyDict();
          d.ordered = true;
          for (const [k, t] of this.stateOf(inst)) d.entries.set(this.interp.dictKey(k), [k, t]);
          return d;
        });
      case 'append':
        if (inst.native?.items) {
          return new PyBuiltin(name, (a) => {
            (inst.native!.items as PyValue[]).push(a.args[0] ?? null);
            return inst;
          });
        }
        return undefined;
      case '__len__':
        if (inst.native?.items) return new PyBuiltin(name, () => BigInt((inst.native!.items as PyValue[]).length));
        if (inst.native?.moduleDict) return new PyBuiltin(name, () => BigInt(inst.attrs.size));
        return undefined;
      case '__iter_items__':
        if (inst.native?.items) return new PyList([...(inst.native.items as PyValue[])]);
        if (inst.native?.moduleDict) return new PyList([...inst.attrs.keys()]);
        return undefined;
      case 'keys':
      case 'values':
      case 'items':
        if (!inst.native?.moduleDict) return undefined;
        return new PyBuiltin(name, () => {
          const entries = [...inst.attrs];
          return new PyList(
            entries.map(([k, v]) => (name === 'keys' ? k : name === 'values' ? v : new PyTuple([k, v]))),
          );
        });
    }
    const params = inst.native?.params as Map<string, PyValue> | undefined;
    if (params?.has(name)) return params.get(name)!;
    const opts = inst.native?.options as Map<string, PyValue> | undefined;
    if (opts?.has(name)) return opts.get(name)!;
    return undefined;
  }

  /** `zero_grad(set_to_none=…)`: the default is True from torch 2.0, False (zero the grads in place) in 1.13. */
  private zeroGrad(inst: PyInstance, a: CallArguments): PyValue {
    return this.zeroGrads(
      this.parametersOf(inst).map(([, p]) => p),
      a,
    );
  }

  /** `zero_grad(set_to_none=…)` of a module or an optimizer over `params`, with each release's default. */
  zeroGrads(params: readonly TorchTensor[], a: CallArguments): PyValue {
    const flag = a.args[0] ?? a.kwargs.get('set_to_none');
    const toNone = flag === undefined ? this.ctx.torchVersion !== '1.13' : this.interp.truthy(flag, this.here());
    for (const p of params) {
      const g = p as GradTensor;
      if (toNone) g.grad = undefined;
      else g.grad?.data.fill(0);
    }
    return null;
  }

  /** The direct submodules, in registration order. */
  childrenOf(inst: PyInstance): [string, PyInstance][] {
    const out: [string, PyInstance][] = [];
    const items = inst.native?.items as PyValue[] | undefined;
    if (items)
      items.forEach(
        (m, i) =>
          m instanceof PyInstance && out.push([String(inst.native?.names ? (inst.native.names as string[])[i] : i), m]),
      );
    for (const [k, v] of inst.attrs)
      if (v instanceof PyInstance && v.cls.isSubclassOf(this.classes.module)) out.push([k, v]);
    return out;
  }

  private modulesOf(inst: PyInstance): PyInstance[] {
    return [inst, ...this.childrenOf(inst).flatMap(([, m]) => this.modulesOf(m))];
  }

  /**
   * `state_dict()`: each module's parameters (detached) then its persistent buffers, then each child's, prefixed, as
   * PyTorch's `_save_to_state_dict` walks them.
   */
  /**
   * `torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type=2.0)` as PyTorch's CPU code computes it: each
   * gradient's vector norm, the norm of those norms, `max_norm / (total + 1e-6)` clamped at 1, every gradient
   * multiplied by it in place (even when it is 1); returns the total norm. An infinite norm type is not modelled.
   */
  private clipGradNorm(a: CallArguments): PyValue {
    const source = a.args[0] ?? a.kwargs.get('parameters') ?? null;
    const params = isTensorValue(source) ? [source] : this.interp.toArray(source, this.here());
    const maxNorm = a.args[1] ?? a.kwargs.get('max_norm') ?? null;
    const normType = a.args[2] ?? a.kwargs.get('norm_type') ?? 2.0;
    if (typeof normType === 'number' && !Number.isFinite(normType))
      throw new NotModelledStop('clip_grad_norm_ with an infinite norm_type', this.interp.current, 'unsupported');
    if (a.kwargs.has('error_if_nonfinite') || a.kwargs.has('foreach'))
      throw new NotModelledStop('clip_grad_norm_(error_if_nonfinite=/foreach=)', this.interp.current, 'unsupported');
    const grads = params
      .map((p) => (isTensorValue(p) ? (p as GradTensor).grad : undefined))
      .filter((g): g is TorchTensor => g !== undefined);
    const call = (path: string, args: PyValue[], kwargs: [string, PyValue][] = []): PyValue =>
      this.callTorch(path, { args, kwargs: new Map(kwargs) });
    if (grads.length === 0) return call('torch.tensor', [0.0]);
    const norms = grads.map((g) => call('torch.linalg.vector_norm', [g, normType]));
    const total = call('torch.linalg.vector_norm', [call('torch.stack', [new PyList(norms)]), normType]);
    const coef = this.interp.binary('/', maxNorm, this.interp.binary('+', total, 1e-6, this.here()), this.here());
    const clamped = call('torch.clamp', [coef], [['max', 1.0]]);
    for (const g of grads) {
      const r = this.guard('clip_grad_norm_', () => torchApi.binaryOp(this.ctx, '*', g, clamped as TorchTensor));
      if (!(r instanceof TorchTensor) || r.dtype !== g.dtype)
        throw new NotModelledStop('clip_grad_norm_ of these gradients', this.interp.current, 'unsupported');
      g.data.set(r.data as never);
      bumpVersion(g);
    }
    return total;
  }

  /**
   * `load_state_dict(sd)` with every key matching and every shape equal: the values are copied into the module's
   * tensors in place, and the answer prints `<All keys matched successfully>`. A partial or mismatched dict stops
   * with a located note (PyTorch's error lists the keys in a form not modelled here).
   */
  private loadStateDict(inst: PyInstance, sd: PyValue): PyValue {
    if (!(sd instanceof PyDict))
      throw new NotModelledStop('load_state_dict of this value', this.interp.current, 'unsupported');
    const own = this.stateOf(inst);
    const given = new Map([...sd.entries.values()].map(([k, v]) => [String(k), v] as const));
    const fits =
      own.length === given.size &&
      own.every(([k, t]) => {
        const v = given.get(k);
        return (
          v !== undefined &&
          isTensorValue(v) &&
          isTensorValue(t) &&
          v.dtype === t.dtype &&
          shapesEqual(v.shape, t.shape)
        );
      });
    if (!fits)
      throw new NotModelledStop(
        'load_state_dict of a state_dict whose keys, shapes or dtypes differ from the module',
        this.interp.current,
        'unsupported',
      );
    for (const [k, t] of own) {
      const target = t as TorchTensor;
      const source = given.get(k) as TorchTensor;
      for (let i = 0; i < target.data.length; i++) target.data[i] = source.data[i] as never;
      bumpVersion(target);
    }
    return new PyTuple([new PyList([]), new PyList([])], '_IncompatibleKeys', ['missing_keys', 'unexpected_keys']);
  }

  private stateOf(inst: PyInstance, prefix = ''): [string, PyValue][] {
    const out: [string, PyValue][] = [];
    const detached = (v: PyValue): PyValue =>
      v instanceof TorchTensor ? new TorchTensor(v.dtype, v.shape, v.data, v.flavor) : v;
    const params = inst.native?.params as Map<string, PyValue> | undefined;
    if (params) for (const [k, v] of params) if (isTensorValue(v)) out.push([prefix + k, detached(v)]);
    for (const [k, v] of inst.attrs)
      if (isTensorValue(v) && (v as GradTensor).isParameter) out.push([prefix + k, detached(v)]);
    for (const k of (inst.native?.buffers as string[] | undefined) ?? []) {
      const v = inst.attrs.get(k);
      if (v !== undefined && v !== null) out.push([prefix + k, detached(v)]);
    }
    for (const [k, m] of this.childrenOf(inst)) out.push(...this.stateOf(m, `${prefix}${k}.`));
    return out;
  }

  /** `named_parameters()`: own parameters first, then each child's, prefixed. */
  parametersOf(inst: PyInstance, prefix = ''): [string, TorchTensor][] {
    const out: [string, TorchTensor][] = [];
    const params = inst.native?.params as Map<string, PyValue> | undefined;
    if (params) for (const [k, v] of params) if (isTensorValue(v)) out.push([prefix + k, v]);
    for (const [k, v] of inst.attrs) if (isTensorValue(v) && (v as GradTensor).isParameter) out.push([prefix + k, v]);
    for (const [k, m] of this.childrenOf(inst)) out.push(...this.parametersOf(m, `${prefix}${k}.`));
    return out;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Data

  readonly datasetClass = new PyClass('Dataset', [], new Map(), 'torch.utils.data.dataset.Dataset');

  readonly tensorDatasetClass = new PyClass(
    'TensorDataset',
    [this.datasetClass],
    new Map(),
    'torch.utils.data.dataset.TensorDataset',
    {
      init: (self, args) => {
        // Shape mode: a symbolic tensor (a random draw) is a column too; sizes are compared where both are known.
        const tensors = args.args.filter(
          (a): a is TorchTensor | SymTensor => isTensorValue(a) || a instanceof SymTensor,
        );
        const n = tensors[0]?.shape[0];
        if (tensors.some((t) => t.shape[0] !== n && isKnown(t.shape[0]!) && n !== undefined && isKnown(n)))
          throw pyError('AssertionError', 'Size mismatch between tensors');
        // Shape mode keeps symbolic and unknown tensors in their places (a sample is a row of each).
        self.native = { tensors: this.shapeMode && args.args.some((a) => isOpaque(a)) ? [...args.args] : tensors };
      },
    },
  );

  readonly dataLoaderClass = new PyClass('DataLoader', [], new Map(), 'torch.utils.data.dataloader.DataLoader', {
    init: (self, args) => {
      const dataset = args.args[0] ?? args.kwargs.get('dataset') ?? null;
      const batchSize = args.args[1] ?? args.kwargs.get('batch_size') ?? 1n;
      const shuffle = args.args[2] ?? args.kwargs.get('shuffle') ?? false;
      if ((args.kwargs.get('batch_sampler') ?? null) !== null)
        throw new NotModelledStop('DataLoader(batch_sampler=...)', this.interp.current, 'unsupported');
      const samplerArg = args.args[3] ?? args.kwargs.get('sampler') ?? null;
      const sampler =
        samplerArg instanceof PyInstance && samplerArg.native?.sampler
          ? (samplerArg.native.sampler as SamplerSpec)
          : null;
      if (samplerArg !== null && !sampler)
        throw new NotModelledStop('DataLoader(sampler=...) with this sampler', this.interp.current, 'unsupported');
      if (sampler && this.interp.truthy(shuffle, this.here()))
        throw pyError('ValueError', 'sampler option is mutually exclusive with shuffle');
      self.native = {
        loader: true,
        dataset,
        batchSize: Number(batchSize),
        dropLast: this.interp.truthy(args.kwargs.get('drop_last') ?? false, this.here()),
        shuffle: this.interp.truthy(shuffle, this.here()),
        generator: generatorArgument(args.kwargs.get('generator')),
        sampler,
      };
    },
  });

  private datasetLength(dataset: PyValue): number {
    const site = { node: undefined, range: this.here() };
    return Number(this.interp.callValue(this.builtins.get('len')!, { args: [dataset], kwargs: new Map() }, site));
  }

  /** `len(loader)`: the number of batches (no draw). */
  private loaderLength(inst: PyInstance): number {
    const { dataset, batchSize, dropLast, sampler } = inst.native as {
      dataset: PyValue;
      batchSize: number;
      dropLast: boolean;
      sampler: SamplerSpec | null;
    };
    const n = sampler ? samplerLength(this, sampler) : this.datasetLength(dataset);
    return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  }

  /**
   * One pass over a DataLoader: the draws PyTorch makes when the iteration starts (data-sampling.ts), then the
   * items in the sampler's order, `batch_size` at a time, collated by stacking.
   */
  private loaderBatches(inst: PyInstance): PyValue[] {
    const { dataset, batchSize, dropLast, shuffle, generator, sampler } = inst.native as {
      dataset: PyValue;
      batchSize: number;
      dropLast: boolean;
      shuffle: boolean;
      generator: TorchGenerator | null;
      sampler: SamplerSpec | null;
    };
    const r = this.here();
    if (this.shapeMode) {
      const sample = this.interp.getItem(dataset, 0n, r);
      // A dataset of known length: one batch of each size the loader gives (a full one, the shorter last one),
      // walked by the loop in turn. Otherwise one batch whose first dim is a symbol B.
      const sizes = sampler ? [] : this.shapeModeBatchSizes(dataset, batchSize, dropLast);
      if (sizes.length > 0) {
        this.interp.walkEveryItem.add(inst);
        return sizes.map((n) => this.symbolicCollate(sample, n));
      }
      const batch = this.symbols.fresh('B');
      return [this.symbolicCollate(sample, batch)];
    }
    const order = loaderEpochOrder(this, sampler ? 0 : this.datasetLength(dataset), shuffle, generator, sampler);
    const n = order.length;
    const batches: PyValue[] = [];
    for (let start = 0; start < n; start += batchSize) {
      if (dropLast && start + batchSize > n) break;
      const samples: PyValue[] = [];
      for (let i = start; i < Math.min(n, start + batchSize); i++)
        samples.push(this.interp.getItem(dataset, order[i]!, r));
      batches.push(this.collate(samples));
    }
    return batches;
  }

  /**
   * Shape mode: NumPy's `default_rng()` Generator, whose draws have the shape `size=` gives and no numbers
   * (float64, or int64 for `integers`); a draw without a size is an unknown scalar.
   */
  private shapeModeRng(): PyValue {
    const rng = new PyNamespace('numpy.random.Generator');
    // Where each method takes `size` by position.
    const sizeAt: Readonly<Record<string, number>> = {
      random: 0,
      standard_normal: 0,
      normal: 2,
      uniform: 2,
      integers: 2,
      exponential: 1,
      poisson: 1,
      binomial: 2,
    };
    rng.attrs.set('__kind__', 'opaque');
    for (const [method, at] of Object.entries(sizeAt)) {
      rng.attrs.set(
        method,
        new PyBuiltin(method, (a) => {
          const size = a.kwargs.get('size') ?? a.args[at] ?? null;
          const dims =
            typeof size === 'bigint'
              ? [Number(size)]
              : size instanceof PyTuple || size instanceof PyList
                ? size.items.map((d) =>
                    typeof d === 'bigint' ? Number(d) : d instanceof PyUnknown ? d.dim : undefined,
                  )
                : undefined;
          if (!dims || dims.some((d) => d === undefined))
            return new PyUnknown(`a draw of numpy's Generator.${method} without a size Loss Lens can read`);
          const dtype = method === 'integers' || method === 'poisson' || method === 'binomial' ? 'int64' : 'float64';
          return new SymTensor(dtype, dims as Dim[], 'numpy', `Generator.${method}`);
        }),
      );
    }
    return rng;
  }

  /** Shape mode: the distinct batch sizes of a pass over a dataset of known length (none when it is not known). */
  private shapeModeBatchSizes(dataset: PyValue, batchSize: number, dropLast: boolean): number[] {
    let n: number;
    try {
      n = this.datasetLength(dataset);
    } catch (e) {
      if (e instanceof PyException || e instanceof NotModelledStop) return [];
      throw e;
    }
    if (!Number.isSafeInteger(n) || n <= 0 || !Number.isSafeInteger(batchSize) || batchSize <= 0) return [];
    const sizes = n >= batchSize ? [batchSize] : [];
    if (n % batchSize > 0 && !dropLast) sizes.push(n % batchSize);
    return sizes;
  }

  /** Shape mode's collate of one sample into a batch of `batch` samples. */
  private symbolicCollate(sample: PyValue, batch: Dim): PyValue {
    if (sample instanceof PyTuple || sample instanceof PyList)
      return new PyList(sample.items.map((x) => this.symbolicCollate(x, batch)));
    if (sample instanceof SymTensor || isTensorValue(sample))
      return new SymTensor(sample.dtype, [batch, ...sample.shape], 'torch', 'a DataLoader batch');
    if (typeof sample === 'bigint' || typeof sample === 'boolean') return new SymTensor('int64', [batch], 'torch');
    if (typeof sample === 'number') return new SymTensor('float64', [batch], 'torch');
    return new PyUnknown('a DataLoader batch of values Loss Lens cannot know');
  }

  private collate(samples: PyValue[]): PyValue {
    const first = samples[0];
    if (first instanceof PyTuple || first instanceof PyList) {
      const cols = first.items.map((_, j) => this.collate(samples.map((s) => (s as PyTuple).items[j]!)));
      return first instanceof PyTuple ? new PyList(cols) : new PyList(cols);
    }
    if (first !== undefined && isTensorValue(first))
      return this.callTorch('torch.stack', { args: [new PyList(samples)], kwargs: new Map() });
    if (typeof first === 'bigint' || typeof first === 'number')
      return this.callTorch('torch.tensor', { args: [new PyList(samples)], kwargs: new Map() });
    return new PyList(samples);
  }
}

/** Gradient bookkeeping the bridge attaches to tensors. */
export type GradTensor = AutogradTensor;

function setRequiresGrad(t: TorchTensor, on: boolean): void {
  (t as GradTensor).requiresGrad = on;
}

/**
 * The `grad_fn` PyTorch gives a loss's output, by loss, target kind and reduction: `fn/kind/reduction`. Generated by
 * scripts/fixtures/gen_grad_fn_names.py (torch 1.13 and 2.14 agree; test/fixtures/grad-fn-names.*.json).
 */
export const LOSS_GRAD_FN: Readonly<Record<string, string>> = {
  'binary_cross_entropy/-/mean': 'BinaryCrossEntropyBackward0',
  'binary_cross_entropy/-/none': 'BinaryCrossEntropyBackward0',
  'binary_cross_entropy/-/sum': 'BinaryCrossEntropyBackward0',
  'binary_cross_entropy_with_logits/-/mean': 'BinaryCrossEntropyWithLogitsBackward0',
  'binary_cross_entropy_with_logits/-/none': 'BinaryCrossEntropyWithLogitsBackward0',
  'binary_cross_entropy_with_logits/-/sum': 'BinaryCrossEntropyWithLogitsBackward0',
  'cosine_embedding_loss/-/mean': 'MeanBackward0',
  'cosine_embedding_loss/-/none': 'AddBackward0',
  'cosine_embedding_loss/-/sum': 'SumBackward0',
  'cross_entropy/index/mean': 'NllLossBackward0',
  'cross_entropy/index/none': 'NllLossBackward0',
  'cross_entropy/index/sum': 'NllLossBackward0',
  'cross_entropy/probabilities/mean': 'DivBackward1',
  'cross_entropy/probabilities/none': 'NegBackward0',
  'cross_entropy/probabilities/sum': 'NegBackward0',
  'cross_entropy/smoothing/mean': 'AddBackward0',
  'cross_entropy/smoothing/none': 'AddBackward0',
  'cross_entropy/smoothing/sum': 'AddBackward0',
  'gaussian_nll_loss/-/mean': 'MeanBackward0',
  'gaussian_nll_loss/-/none': 'MulBackward0',
  'gaussian_nll_loss/-/sum': 'SumBackward0',
  'hinge_embedding_loss/-/mean': 'MeanBackward0',
  'hinge_embedding_loss/-/none': 'AddBackward0',
  'hinge_embedding_loss/-/sum': 'SumBackward0',
  'huber_loss/-/mean': 'HuberLossBackward0',
  'huber_loss/-/none': 'HuberLossBackward0',
  'huber_loss/-/sum': 'HuberLossBackward0',
  'kl_div/-/batchmean': 'DivBackward0',
  'kl_div/-/mean': 'MeanBackward0',
  'kl_div/-/none': 'SubBackward0',
  'kl_div/-/sum': 'SumBackward0',
  'l1_loss/-/mean': 'MeanBackward0',
  'l1_loss/-/none': 'AbsBackward0',
  'l1_loss/-/sum': 'SumBackward0',
  'margin_ranking_loss/-/mean': 'MeanBackward0',
  'margin_ranking_loss/-/none': 'ClampMinBackward0',
  'margin_ranking_loss/-/sum': 'SumBackward0',
  'mse_loss/-/mean': 'MseLossBackward0',
  'mse_loss/-/none': 'MseLossBackward0',
  'mse_loss/-/sum': 'MseLossBackward0',
  'multi_margin_loss/-/mean': 'MultiMarginLossBackward0',
  'multi_margin_loss/-/none': 'MultiMarginLossBackward0',
  'multi_margin_loss/-/sum': 'MultiMarginLossBackward0',
  'multilabel_soft_margin_loss/-/mean': 'MeanBackward0',
  'multilabel_soft_margin_loss/-/none': 'DivBackward0',
  'multilabel_soft_margin_loss/-/sum': 'SumBackward0',
  'nll_loss/index/mean': 'NllLossBackward0',
  'nll_loss/index/none': 'NllLossBackward0',
  'nll_loss/index/sum': 'NllLossBackward0',
  'poisson_nll_loss/-/mean': 'MeanBackward0',
  'poisson_nll_loss/-/none': 'SubBackward0',
  'poisson_nll_loss/-/sum': 'SumBackward0',
  'smooth_l1_loss/-/mean': 'SmoothL1LossBackward0',
  'smooth_l1_loss/-/none': 'SmoothL1LossBackward0',
  'smooth_l1_loss/-/sum': 'SmoothL1LossBackward0',
  'soft_margin_loss/-/mean': 'SoftMarginLossBackward0',
  'soft_margin_loss/-/none': 'SoftMarginLossBackward0',
  'soft_margin_loss/-/sum': 'SoftMarginLossBackward0',
  'triplet_margin_loss/-/mean': 'MeanBackward0',
  'triplet_margin_loss/-/none': 'ClampMinBackward0',
  'triplet_margin_loss/-/sum': 'SumBackward0',
};

/** The `grad_fn` of a loss call's output; undefined when Loss Lens does not know it. */
function gradFnOfLoss(
  fn: string,
  options: Readonly<Record<string, unknown>> | undefined,
  inputs: Readonly<Record<string, { dtype: string }>> | undefined,
): string | undefined {
  const reduction = typeof options?.reduction === 'string' ? options.reduction : 'mean';
  let kind = '-';
  if (fn === 'cross_entropy') {
    const target = inputs?.target;
    kind =
      target && target.dtype.startsWith('float')
        ? 'probabilities'
        : Number(options?.label_smoothing ?? 0) > 0
          ? 'smoothing'
          : 'index';
  } else if (fn === 'nll_loss') kind = 'index';
  return LOSS_GRAD_FN[`${fn}/${kind}/${reduction}`];
}

/** The Python exception class PyTorch raises with this message. */
function exceptionClassOf(message: string): string {
  const m = /^(\w+Error): /.exec(message);
  if (m) return m[1]!;
  if (
    /^(Expected input batch_size|Target size|Using a target size|Expected target size|Expected floating point type|reduction=|Input and target should have|margin must be)/.test(
      message,
    )
  ) {
    if (
      /^(Expected input batch_size|Target size|Using a target size|Input and target should have|margin must be)/.test(
        message,
      )
    )
      return 'ValueError';
  }
  if (/out of bounds|index \d+ is out of/.test(message)) return 'IndexError';
  return 'RuntimeError';
}

/** A Call node standing for a call made without one in the source (`map(F.mse_loss, ...)`). */
function syntheticCall(range: SourceRange): ast.Call {
  const name: ast.Name = { kind: 'Name', id: 'loss', range };
  return { kind: 'Call', func: name, args: [], keywords: [], range };
}

const SUBMODULES = new Set([
  'torch.nn',
  'torch.nn.functional',
  'torch.nn.init',
  'torch.optim',
  'torch.utils',
  'torch.utils.data',
  'torch.autograd',
  'torch.cuda',
  'torch.accelerator',
  'torch.backends',
  'torch.backends.mps',
  'torch.nn.utils',
  'torch.backends.cudnn',
  'torch.backends.cuda',
  'torch.linalg',
  'torch.fft',
  'torch.special',
  'torch.distributions',
  'torch.testing',
  'numpy.random',
  'numpy.linalg',
  'numpy.testing',
  'torch.nn.modules',
  'torch.nn.modules.loss',
]);

/** The built-in layers: their constructor and forward. */
function makeLayer(bridge: TorchBridge, name: string): import('./values').NativeClass | undefined {
  const fn = (path: string, args: PyValue[], kwargs: Map<string, PyValue> = new Map()): PyValue =>
    bridge.callTorch(path, { args, kwargs });
  const activation = (path: string, keys: readonly string[] = [], defaults: readonly PyValue[] = []) => ({
    init: (self: PyInstance, a: CallArguments) => {
      const options = new Map<string, PyValue>();
      keys.forEach((k, i) => options.set(k, a.args[i] ?? a.kwargs.get(k) ?? defaults[i] ?? null));
      self.native = { training: true, options };
    },
    call: (self: PyInstance, a: CallArguments) => {
      const options = self.native!.options as Map<string, PyValue>;
      const kw = new Map<string, PyValue>();
      for (const [k, v] of options) if (v !== null && k !== 'inplace') kw.set(k, v);
      return fn(path, [a.args[0] ?? null], kw);
    },
  });
  const nnLayer = makeNnLayer(bridge, name);
  if (nnLayer) return nnLayer;
  switch (name) {
    case 'ReLU':
      return activation('torch.nn.functional.relu', ['inplace'], [false]);
    case 'Sigmoid':
      return activation('torch.sigmoid');
    case 'Tanh':
      return activation('torch.tanh');
    case 'GELU':
      return activation('torch.nn.functional.gelu');
    case 'Softmax':
      return activation('torch.nn.functional.softmax', ['dim']);
    case 'LogSoftmax':
      return activation('torch.nn.functional.log_softmax', ['dim']);
    case 'LeakyReLU':
      return activation('torch.nn.functional.leaky_relu', ['negative_slope'], [0.01]);
    case 'Softplus':
      return activation('torch.nn.functional.softplus');
    case 'Identity':
      return { init: (self) => void (self.native = { training: true }), call: (_self, a) => a.args[0] ?? null };
    case 'Flatten':
      return {
        init: (self, a) =>
          void (self.native = {
            training: true,
            options: new Map([
              ['start_dim', a.args[0] ?? a.kwargs.get('start_dim') ?? 1n],
              ['end_dim', a.args[1] ?? a.kwargs.get('end_dim') ?? -1n],
            ]),
          }),
        call: (self, a) => {
          const o = self.native!.options as Map<string, PyValue>;
          return fn('torch.flatten', [a.args[0] ?? null, o.get('start_dim')!, o.get('end_dim')!]);
        },
      };
    case 'Sequential':
    case 'ModuleList':
      return {
        init: (self, a) => {
          const items =
            name === 'ModuleList'
              ? a.args[0] === undefined
                ? []
                : bridge.interp.toArray(a.args[0], bridge.interp.current!)
              : [...a.args];
          self.native = { training: true, items };
        },
        call: (self, a) => {
          if (name === 'ModuleList')
            throw pyError('NotImplementedError', 'Module [ModuleList] is missing the required "forward" function');
          let x: PyValue = a.args[0] ?? null;
          for (const m of self.native!.items as PyValue[])
            x = bridge.interp.callValue(
              m,
              { args: [x], kwargs: new Map() },
              { node: undefined, range: bridge.interp.current! },
            );
          return x;
        },
      };
    case 'ModuleDict':
      return {
        init: (self, a) => {
          const d = a.args[0];
          if (d instanceof PyDict) for (const [k, v] of d.entries.values()) self.attrs.set(String(k), v);
          // Its entries are its attributes, in insertion order (PyTorch keeps them as the module's submodules).
          self.native = { training: true, moduleDict: true };
        },
      };
  }
  const params = PARAM_LAYERS[name];
  if (params) return paramLayer(bridge, name, params);
  return undefined;
}

/** A layer with parameters: how its constructor's arguments read, how it draws them, and its forward. */
interface ParamLayerSpec {
  /** Constructor parameters in order, with defaults (`null` = required). */
  readonly args: readonly (readonly [string, PyValue | null])[];
  readonly init: (bridge: TorchBridge, o: ReadonlyMap<string, PyValue>) => NamedTensor[];
  /** `torch.nn.functional` function and how the module's options become its arguments. */
  readonly forward: (bridge: TorchBridge, self: PyInstance, x: PyValue) => PyValue;
  /** Options shown in the module's repr, in order (`in_features=3, out_features=2, bias=True`). */
  readonly repr: readonly string[];
}

const num = (v: PyValue | undefined): number => Number(v);
const tuple2 = (v: PyValue | undefined): number[] =>
  v instanceof PyTuple || v instanceof PyList ? v.items.map(Number) : [Number(v), Number(v)];

const PARAM_LAYERS: Readonly<Record<string, ParamLayerSpec>> = {
  Linear: {
    args: [
      ['in_features', null],
      ['out_features', null],
      ['bias', true],
    ],
    init: (b, o) =>
      b.random.draw((g) =>
        linearInit(g, num(o.get('in_features')), num(o.get('out_features')), o.get('bias') !== false),
      ),
    forward: (b, self, x) =>
      b.callTorch('torch.nn.functional.linear', {
        args: [x, param(self, 'weight'), param(self, 'bias')],
        kwargs: new Map(),
      }),
    repr: ['in_features', 'out_features', 'bias'],
  },
  Embedding: {
    args: [
      ['num_embeddings', null],
      ['embedding_dim', null],
      ['padding_idx', null],
    ],
    init: (b, o) =>
      b.random.draw((g) =>
        embeddingInit(
          g,
          num(o.get('num_embeddings')),
          num(o.get('embedding_dim')),
          o.get('padding_idx') === null ? null : num(o.get('padding_idx')),
        ),
      ),
    forward: (b, self, x) =>
      b.callTorch('torch.nn.functional.embedding', { args: [x, param(self, 'weight')], kwargs: new Map() }),
    repr: ['num_embeddings', 'embedding_dim', 'padding_idx'],
  },
  Conv2d: {
    args: [
      ['in_channels', null],
      ['out_channels', null],
      ['kernel_size', null],
      ['stride', 1n],
      ['padding', 0n],
      ['dilation', 1n],
      ['groups', 1n],
      ['bias', true],
    ],
    init: (b, o) =>
      b.random.draw((g) =>
        convInit(g, num(o.get('in_channels')), num(o.get('out_channels')), tuple2(o.get('kernel_size')), {
          groups: num(o.get('groups')),
          bias: o.get('bias') !== false,
        }),
      ),
    forward: (b, self, x) => {
      const o = self.native!.options as Map<string, PyValue>;
      return b.callTorch('torch.nn.functional.conv2d', {
        args: [
          x,
          param(self, 'weight'),
          param(self, 'bias'),
          o.get('stride')!,
          o.get('padding')!,
          o.get('dilation')!,
          o.get('groups')!,
        ],
        kwargs: new Map(),
      });
    },
    repr: ['in_channels', 'out_channels', 'kernel_size', 'stride'],
  },
  LayerNorm: {
    args: [
      ['normalized_shape', null],
      ['eps', 1e-5],
      ['elementwise_affine', true],
    ],
    init: (_b, o) => layerNormInit(shapeList(o.get('normalized_shape')), o.get('elementwise_affine') !== false),
    forward: (b, self, x) => {
      const o = self.native!.options as Map<string, PyValue>;
      return b.callTorch('torch.nn.functional.layer_norm', {
        args: [
          x,
          new PyTuple(shapeList(o.get('normalized_shape')).map(BigInt)),
          param(self, 'weight'),
          param(self, 'bias'),
          o.get('eps')!,
        ],
        kwargs: new Map(),
      });
    },
    repr: ['normalized_shape', 'eps', 'elementwise_affine'],
  },
};

function shapeList(v: PyValue | undefined): number[] {
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map(Number);
  return [Number(v)];
}

function param(self: PyInstance, name: string): PyValue {
  return (self.native!.params as Map<string, PyValue>).get(name) ?? null;
}

function paramLayer(bridge: TorchBridge, name: string, spec: ParamLayerSpec): import('./values').NativeClass {
  return {
    init: (self, a) => {
      const options = new Map<string, PyValue>();
      spec.args.forEach(([k, dflt], i) => {
        const v = a.args[i] ?? a.kwargs.get(k) ?? dflt;
        if (v === null && dflt === null && k !== 'padding_idx')
          throw pyError('TypeError', `${name}.__init__() missing 1 required positional argument: '${k}'`);
        options.set(k, v);
      });
      for (const k of a.kwargs.keys()) {
        if (!spec.args.some(([n]) => n === k) && k !== 'device' && k !== 'dtype') {
          throw new NotModelledStop(`nn.${name}(${k}=...)`, bridge.interp.current, 'unsupported');
        }
      }
      // A float where PyTorch takes an int size: PyTorch raises a TypeError whose text differs between releases and
      // argument positions; Loss Lens stops there rather than build a layer of a fractional size.
      for (const [k, v] of options) {
        const items = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
        if (k !== 'eps' && k !== 'momentum' && items.some((x) => typeof x === 'number'))
          throw new NotModelledStop(
            `nn.${name}(${k}=${bridge.repr(v)}), a float where PyTorch takes an int size (PyTorch raises a TypeError)`,
            bridge.interp.current,
            'unsupported',
          );
      }
      const params = new Map<string, PyValue>();
      for (const p of spec.init(bridge, options)) params.set(p.name, bridge.layerTensor(p, true));
      const shown = new Map<string, PyValue>();
      for (const k of spec.repr) {
        const v = options.get(k);
        if (v === undefined || (k === 'padding_idx' && v === null)) continue;
        shown.set(
          k,
          k === 'bias'
            ? v !== false
            : v instanceof PyList
              ? new PyTuple(v.items)
              : k === 'kernel_size' || k === 'stride'
                ? new PyTuple(tuple2(v).map(BigInt))
                : k === 'normalized_shape'
                  ? new PyTuple(shapeList(v).map(BigInt))
                  : v,
        );
      }
      self.native = { training: true, options, params, shown };
      // Embedding.extra_repr shows its two sizes bare: `Embedding(10, 4, padding_idx=0)`.
      if (name === 'Embedding') {
        const pad = options.get('padding_idx');
        self.native.extraRepr =
          `${num(options.get('num_embeddings'))}, ${num(options.get('embedding_dim'))}` +
          (pad === null || pad === undefined ? '' : `, padding_idx=${num(pad)}`);
      }
    },
    call: (self, a) => spec.forward(bridge, self, a.args[0] ?? null),
  };
}

export { PyException };

/** Where the loss's name is written: the functional's name, or the class in the module's constructor (for renames). */
function lossNameRange(call: ast.Call, module: LossModuleSpec | undefined): SourceRange {
  const func = module?.ctor?.func ?? call.func;
  return func.kind === 'Attribute' ? func.attrRange : func.range;
}

function fromDim(d: Dim): SArg {
  return isKnown(d) ? BigInt(d) : d;
}

/** Every way of giving the open-dtype inputs float32 or int64 (the inputs as they are when none is open). */
function dtypeCombinations(
  inputs: Readonly<Record<string, SymbolicInput>>,
  open: readonly string[],
): Record<string, SymbolicInput>[] {
  let out: Record<string, SymbolicInput>[] = [{ ...inputs }];
  for (const n of open) {
    out = out.flatMap((v) =>
      (['float32', 'int64'] as const).map((dtype) => ({ ...v, [n]: { shape: v[n]!.shape, dtype } })),
    );
  }
  return out;
}

/**
 * `F.mse_loss` compares `target.size()` with `input.size()` before anything else: a tuple or list there (an RNN's
 * `(output, h_n)` returned as is) raises Python's AttributeError. The argument it is about, and its type name.
 */
function sizeOfNonTensor(fn: string, given: ReadonlyMap<string, PyValue>): { name: string; type: string } | undefined {
  if (fn !== 'mse_loss') return undefined;
  const input = given.get('input');
  const target = given.get('target');
  const isTensor = (v: PyValue | undefined) => v instanceof SymTensor || (v !== undefined && isTensorValue(v));
  const sequence = (v: PyValue | undefined) => v instanceof PyTuple || v instanceof PyList;
  if (sequence(target)) return { name: 'target', type: target instanceof PyTuple ? 'tuple' : 'list' };
  if (isTensor(target) && sequence(input)) return { name: 'input', type: input instanceof PyTuple ? 'tuple' : 'list' };
  return undefined;
}

function notTensorDiagnostic(
  range: SourceRange,
  fn: string,
  name: string,
  type: string,
): import('../diagnostics').Diagnostic {
  return {
    ...range,
    severity: 'error',
    code: 'loss/argument-type',
    message: `AttributeError: '${type}' object has no attribute 'size'`,
    explanation: `${fn} reads the size of its ${name}, which is a ${type} here, not a tensor (a recurrent layer returns the tuple (output, h_n)).`,
    hint: `Pass the tensor inside it: unpack the ${type}, e.g. output, _ = rnn(x).`,
    data: { name, type, fn },
  };
}

/** True when a value of the map passes the test (without copying the values out). */
function someValue<V>(map: ReadonlyMap<string, V>, test: (v: V) => boolean): boolean {
  for (const v of map.values()) if (test(v)) return true;
  return false;
}

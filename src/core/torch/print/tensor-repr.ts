/**
 * PyTorch's tensor printing: `Tensor.__repr__` / `str(tensor)` (`torch/_tensor_str.py`), `torch.Size` repr and
 * `torch.set_printoptions`, for torch 1.13 and torch 2.x (they differ only where noted).
 */
import type { DType } from '../../tensor';
import { pyExponent, pyFixed, storedValue } from './decimal';

/** A dense C-contiguous tensor as printing sees it (int64 as doubles, bool as 0/1). */
export interface PrintableTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** `torch._tensor_str.PRINT_OPTS`. */
export interface TorchPrintOptions {
  readonly precision: number;
  /** `Infinity` for `profile='full'`. */
  readonly threshold: number;
  readonly edgeitems: number;
  readonly linewidth: number;
  /** null = chosen per tensor (`sci_mode=None`). */
  readonly sciMode: boolean | null;
}

/** The defaults of `torch.set_printoptions(profile='default')`. */
export const DEFAULT_TORCH_PRINT_OPTIONS: TorchPrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

/** The keyword arguments of `torch.set_printoptions`. */
export interface SetPrintOptionsArgs {
  readonly precision?: number;
  readonly threshold?: number;
  readonly edgeitems?: number;
  readonly linewidth?: number;
  readonly profile?: 'default' | 'short' | 'full';
  readonly sci_mode?: boolean | null;
}

/**
 * `torch.set_printoptions(**args)` applied to the current options, returning the new ones. As in PyTorch, a
 * profile is applied first, then the explicit fields, and `sci_mode` is reset to None whenever it is not passed.
 */
export function setPrintOptions(current: TorchPrintOptions, args: SetPrintOptionsArgs): TorchPrintOptions {
  let next: TorchPrintOptions = { ...current };
  if (args.profile === 'default') next = { ...next, precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 };
  else if (args.profile === 'short') next = { ...next, precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 };
  else if (args.profile === 'full') next = { ...next, precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 };
  return {
    precision: args.precision ?? next.precision,
    threshold: args.threshold ?? next.threshold,
    edgeitems: args.edgeitems ?? next.edgeitems,
    linewidth: args.linewidth ?? next.linewidth,
    sciMode: args.sci_mode ?? null,
  };
}

/** What `Tensor.__repr__` needs beyond the values. */
export interface TorchReprOptions {
  /** Which PyTorch prints: '2.x' (default) or '1.13'. */
  readonly version?: '2.x' | '1.13';
  readonly printOptions?: TorchPrintOptions;
  readonly requiresGrad?: boolean;
  /** The autograd node's class name, e.g. `'NllLossBackward0'`; shown instead of `requires_grad=True`. */
  readonly gradFn?: string | null;
  /** An `nn.Parameter`: prefixed with `Parameter containing:\n`. */
  readonly parameter?: boolean;
  /** `torch.get_default_dtype()` (default float32). */
  readonly defaultDtype?: 'float32' | 'float64';
}

/** `str(torch.float64)` → `'torch.float64'`. */
export function torchDtypeRepr(dtype: DType): string {
  return 'torch.' + dtype;
}

/** `repr(torch.Size([10, 3]))` → `'torch.Size([10, 3])'`. */
export function torchSizeRepr(shape: readonly number[]): string {
  return 'torch.Size([' + shape.join(', ') + '])';
}

/** Python's `str(tuple(shape))`: `(0,)`, `(2, 0, 3)`. */
export function pyTupleOfInts(shape: readonly number[]): string {
  if (shape.length === 1) return '(' + shape[0] + ',)';
  return '(' + shape.join(', ') + ')';
}

function isFloatingDtype(dtype: DType): boolean {
  return dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float32' || dtype === 'float64';
}

/** `str(value)` of a Python int or bool element, as `f"{value}"` prints it. */
function intElementStr(value: number, dtype: DType): string {
  if (dtype === 'bool') return value !== 0 ? 'True' : 'False';
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  return String(Math.trunc(value));
}

/** A stored element as Python sees it after `.item()`; float32/float16/bfloat16 values given as doubles are rounded first. */
function elementValue(value: number, dtype: DType): number {
  return storedValue(value, dtype);
}

/** `torch._tensor_str._Formatter`. */
class Formatter {
  private readonly floating: boolean;
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    private readonly dtype: DType,
    values: readonly number[],
    private readonly opts: TorchPrintOptions,
    version: '2.x' | '1.13',
  ) {
    this.floating = isFloatingDtype(dtype);
    if (!this.floating) {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, intElementStr(v, dtype).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    for (const v of finite) {
      if (v !== Math.ceil(v)) {
        this.intMode = false;
        break;
      }
    }
    const precision = opts.precision;
    const auto = this.intMode ? max / min > 1000 || max > 1e8 : max / min > 1000 || max > 1e8 || min < 1e-4;
    // torch 2.x sizes the columns for the mode it prints in; 1.13 sized them for the automatic mode and applied a
    // forced sci_mode afterwards
    this.sciMode = version === '2.x' && opts.sciMode !== null ? opts.sciMode : auto;
    if (this.intMode) {
      if (this.sciMode)
        for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExponent(v, precision).length);
      else for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, 0).length + 1);
    } else if (this.sciMode) {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyExponent(v, precision).length);
    } else {
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, pyFixed(v, precision).length);
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  width(): number {
    return this.maxWidth;
  }

  format(value: number): string {
    let ret: string;
    if (this.floating) {
      if (this.sciMode) {
        ret = pyExponent(value, this.opts.precision);
        if (ret.length < this.maxWidth) ret = ' '.repeat(this.maxWidth - ret.length) + ret;
      } else if (this.intMode) {
        ret = pyFixed(value, 0);
        if (Number.isFinite(value)) ret += '.';
      } else {
        ret = pyFixed(value, this.opts.precision);
      }
    } else {
      ret = intElementStr(value, this.dtype);
    }
    return ret.length < this.maxWidth ? ' '.repeat(this.maxWidth - ret.length) + ret : ret;
  }
}

/** A view of a contiguous tensor: the element offset of index 0 along the remaining dims. */
interface View {
  readonly offset: number;
  readonly dims: readonly number[];
  readonly strides: readonly number[];
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

function sub(view: View, i: number): View {
  return { offset: view.offset + i * view.strides[0]!, dims: view.dims.slice(1), strides: view.strides.slice(1) };
}

/**
 * The rows `self[:e]` and `self[-e:]` of a dimension of size n, as Python slices them: with e = 0, `self[-0:]` is the
 * whole dimension (which torch 1.13 prints).
 */
function edgeIndices(n: number, e: number): { head: number[]; tail: number[] } {
  const head: number[] = [];
  for (let i = 0; i < Math.min(e, n); i++) head.push(i);
  const tail: number[] = [];
  const start = e === 0 ? 0 : Math.max(0, n - e);
  for (let i = start; i < n; i++) tail.push(i);
  return { head, tail };
}

/** `get_summarized_data`: the values the formatter sizes its columns with. */
function summarizedValues(
  data: ArrayLike<number>,
  view: View,
  opts: TorchPrintOptions,
  version: '2.x' | '1.13',
  out: number[],
  dtype: DType,
): void {
  const dim = view.dims.length;
  if (dim === 0) {
    out.push(elementValue(data[view.offset]!, dtype));
    return;
  }
  const n = view.dims[0]!;
  const e = opts.edgeitems;
  let rows: number[];
  if (dim === 1) {
    if (n > 2 * e) {
      const { head, tail } = edgeIndices(n, e);
      rows = head.concat(tail);
    } else rows = range(n);
    for (const i of rows) out.push(elementValue(data[view.offset + i * view.strides[0]!]!, dtype));
    return;
  }
  if (version === '2.x' && e === 0) return;
  if (n > 2 * e) {
    const { head, tail } = edgeIndices(n, e);
    rows = head.concat(tail);
  } else rows = range(n);
  for (const i of rows) summarizedValues(data, sub(view, i), opts, version, out, dtype);
}

function range(n: number): number[] {
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

function allValues(data: ArrayLike<number>, count: number, dtype: DType): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = elementValue(data[i]!, dtype);
  return out;
}

function vectorStr(
  data: ArrayLike<number>,
  view: View,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
  opts: TorchPrintOptions,
  version: '2.x' | '1.13',
  dtype: DType,
): string {
  const elementLength = formatter.width() + 2;
  const perLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  const n = view.dims[0]!;
  const at = (i: number): string => formatter.format(elementValue(data[view.offset + i * view.strides[0]!]!, dtype));
  let items: string[];
  if (summarize && version === '2.x' && opts.edgeitems === 0) items = ['...'];
  else if (summarize && n > 2 * opts.edgeitems) {
    const { head, tail } = edgeIndices(n, opts.edgeitems);
    items = head.map(at).concat([' ...'], tail.map(at));
  } else items = range(n).map(at);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

function tensorStrWithFormatter(
  data: ArrayLike<number>,
  view: View,
  indent: number,
  summarize: boolean,
  formatter: Formatter,
  opts: TorchPrintOptions,
  version: '2.x' | '1.13',
  dtype: DType,
): string {
  const dim = view.dims.length;
  if (dim === 0) return formatter.format(elementValue(data[view.offset]!, dtype));
  if (dim === 1) return vectorStr(data, view, indent, summarize, formatter, opts, version, dtype);
  const n = view.dims[0]!;
  const slice = (i: number): string =>
    tensorStrWithFormatter(data, sub(view, i), indent + 1, summarize, formatter, opts, version, dtype);
  let slices: string[];
  if (summarize && n > 2 * opts.edgeitems) {
    const e = opts.edgeitems;
    const head = range(e).map(slice);
    const tail: string[] = [];
    for (let i = n - e; i < n; i++) tail.push(slice(i));
    slices = head.concat(['...'], tail);
  } else slices = range(n).map(slice);
  return '[' + slices.join(',' + '\n'.repeat(dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** `torch._tensor_str._tensor_str(self, indent)`: the bracketed values without prefix or suffixes. */
export function tensorBodyStr(
  t: PrintableTensor,
  indent: number,
  opts: TorchPrintOptions = DEFAULT_TORCH_PRINT_OPTIONS,
  version: '2.x' | '1.13' = '2.x',
): string {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count === 0) return '[]';
  const summarize = count > opts.threshold;
  const view: View = { offset: 0, dims: t.shape, strides: stridesOf(t.shape) };
  let values: number[];
  if (summarize) {
    values = [];
    summarizedValues(t.data, view, opts, version, values, t.dtype);
  } else values = allValues(t.data, count, t.dtype);
  const formatter = new Formatter(t.dtype, values, opts, version);
  return tensorStrWithFormatter(t.data, view, indent, summarize, formatter, opts, version, t.dtype);
}

/** `_add_suffixes`: `, dtype=…` on the last line, or on a new line when it would pass the line width. */
function addSuffixes(tensorStr: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  let out = tensorStr;
  // PyTorch's own arithmetic (rfind of -1 gives len + 2)
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      out += ',\n' + ' '.repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      out += ', ' + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return out + ')';
}

/**
 * `repr(tensor)` = `str(tensor)` = `print(tensor)`, as `torch._tensor_str._str` prints a dense CPU tensor:
 * `tensor(0.1017)`, `tensor([[-0.5514, -1.5514]], grad_fn=<NllLossBackward0>)`, `tensor([], size=(0, 3))`,
 * `tensor([1, 2], dtype=torch.int32)`, summarised with `...` past the threshold; `Parameter containing:\n…` for
 * an `nn.Parameter`.
 */
export function torchRepr(t: PrintableTensor, opts: TorchReprOptions = {}): string {
  const version = opts.version ?? '2.x';
  const print = opts.printOptions ?? DEFAULT_TORCH_PRINT_OPTIONS;
  const defaultDtype = opts.defaultDtype ?? 'float32';
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  const count = t.shape.reduce((a, b) => a * b, 1);
  let body: string;
  if (count === 0) {
    if (t.shape.length !== 1) suffixes.push('size=' + pyTupleOfInts(t.shape));
    if (t.dtype !== defaultDtype) suffixes.push('dtype=' + torchDtypeRepr(t.dtype));
    body = '[]';
  } else {
    if (version === '2.x' && print.edgeitems === 0) suffixes.push('size=' + pyTupleOfInts(t.shape));
    if (t.dtype !== defaultDtype && t.dtype !== 'int64' && t.dtype !== 'bool') {
      suffixes.push('dtype=' + torchDtypeRepr(t.dtype));
    }
    body = tensorBodyStr(t, indent, print, version);
  }
  if (opts.gradFn) suffixes.push('grad_fn=<' + opts.gradFn + '>');
  else if (opts.requiresGrad) suffixes.push('requires_grad=True');
  const repr = addSuffixes(prefix + body, suffixes, indent, print.linewidth);
  return opts.parameter ? 'Parameter containing:\n' + repr : repr;
}

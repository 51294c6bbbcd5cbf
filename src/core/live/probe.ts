/**
 * What Loss Lens asks a paused Python process, and how it reads the answers. Each question is one Python expression
 * sent with DAP `evaluate`; the expression wraps the user's own expression in a fixed description that returns one
 * string: base64 of JSON (plain ASCII, so the debugger's repr of it needs no unescaping). Tensor values come back as
 * the text of `tolist()` read by the project's tensor reader, or, for large tensors, in an .npy file the process
 * writes to a folder Loss Lens created. Nothing here evaluates Python: the answers are data.
 */
import type { Tensor } from '../tensor';
import { readTensor } from '../reader/index';
import type { OptionValue } from '../losses/types';
import { TORCH_DTYPES } from '../reader/dtype';

/** A tensor (or array) as the debuggee describes it. */
export interface TensorDescription {
  readonly kind: 'tensor';
  readonly shape: readonly number[];
  /** `float32`, `int64`… (PyTorch's name without `torch.`, or NumPy's). */
  readonly dtype: string;
  readonly device: string;
  readonly numel: number;
  /** The text of `tolist()`, when the tensor is at most the text limit. */
  readonly text?: string;
  /** True when the debuggee wrote the tensor to the .npy path it was given. */
  readonly npy?: boolean;
  /** The Python type (`torch.Tensor`, `numpy.ndarray`, `list`). */
  readonly type: string;
}

/** Anything the debuggee may answer about one expression. */
export type Description =
  | TensorDescription
  | { readonly kind: 'value'; readonly value: OptionValue; readonly type: string }
  | { readonly kind: 'module'; readonly type: string; readonly options: Readonly<Record<string, Description>> }
  | { readonly kind: 'other'; readonly type: string };

/** Limits of one question. */
export interface ProbeLimits {
  /** Tensors up to this many elements come back as text. */
  readonly maxTextElements: number;
  /** Where the debuggee may write a larger tensor as .npy (absent: it only describes it). */
  readonly npyPath?: string;
  /** For a module: the attribute names to read as options (`reduction`, `weight`…). */
  readonly optionNames?: readonly string[];
}

/** A Python string literal for `text` (JSON's escapes are Python's for these characters). */
function pythonString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The description, as one Python lambda taking (value, itself). It reads only type names, `shape`, `dtype`, `device`,
 * `numel()`, `tolist()` and the listed attributes; the only thing it writes is `np.save` to the given path.
 */
function describer(limits: ProbeLimits): string {
  const npy = limits.npyPath === undefined ? undefined : pythonString(limits.npyPath);
  const limit = Math.max(0, Math.floor(limits.maxTextElements));
  const names = `(${(limits.optionNames ?? []).map(pythonString).join(', ')}${limits.optionNames?.length === 1 ? ',' : ''})`;
  // For torch: detach, to the CPU; NumPy has no bfloat16, so .npy gets float32 for it (exact).
  return [
    '(lambda v, d: (lambda T: (lambda tn:',
    ' {"kind": "tensor", "type": tn, "shape": [int(s) for s in v.shape],',
    '  "dtype": str(v.dtype).replace("torch.", ""), "device": str(getattr(v, "device", "cpu")),',
    '  "numel": int(v.numel()) if tn.startswith("torch") else int(v.size),',
    `  "text": repr((v.detach().cpu() if tn.startswith("torch") else v).tolist()) if (int(v.numel()) if tn.startswith("torch") else int(v.size)) <= ${limit} else None,`,
    npy === undefined
      ? '  "npy": False}'
      : `  "npy": False if (int(v.numel()) if tn.startswith("torch") else int(v.size)) <= ${limit} else (__import__("numpy").save(${npy}, (lambda c: c.float() if str(c.dtype) == "torch.bfloat16" else c)(v.detach().cpu()).numpy() if tn.startswith("torch") else v), True)[1]}`,
    ' if (tn.startswith("torch.") or tn.startswith("numpy.")) and hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, type)',
    ' else {"kind": "value", "type": tn, "value": v} if v is None or isinstance(v, (bool, int, str))',
    ' else {"kind": "value", "type": tn, "value": repr(v)} if isinstance(v, float)',
    ' else {"kind": "tensor", "type": tn, "shape": [len(v)], "dtype": "", "device": "cpu", "numel": len(v), "text": repr(list(v))}',
    '  if isinstance(v, (list, tuple)) and all(isinstance(x, (bool, int, float)) for x in v)',
    ' else {"kind": "module", "type": T.__name__, "options": {k: d(getattr(v, k), d) for k in',
    `  ${names} if hasattr(v, k)}} if tn.startswith("torch.nn.")`,
    ' else {"kind": "other", "type": tn})(T.__module__ + "." + T.__name__))(type(v)))',
  ].join('\n');
}

/**
 * The expression that describes `expression` (already checked safe by the caller) in the paused frame. An error in
 * the user's expression is the debugger's error answer (a NameError names what is missing).
 */
export function describeExpression(expression: string, limits: ProbeLimits): string {
  const body = describer(limits);
  return [
    '(lambda d: (lambda r: __import__("base64").b64encode(__import__("json").dumps(r).encode()).decode())(',
    `  d((${expression}\n), d)))(${body})`,
  ].join('\n');
}

/** Why an answer could not be read. */
export class ProbeAnswerError extends Error {}

/** The debugger's `result` for a string: its repr, `'…'` (quotes included) around base64 text. */
function unquote(result: string): string {
  const m = /^(?:b)?(['"])([A-Za-z0-9+/=]*)\1$/.exec(result.trim());
  if (!m)
    throw new ProbeAnswerError(
      `the debugger answered ${JSON.stringify(result.slice(0, 200))}, not the description Loss Lens asked for`,
    );
  return m[2]!;
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

/** Python's float repr (`0.1`, `inf`, `-inf`, `nan`, `1e-05`) as a number. */
export function pythonFloat(repr: string): number {
  if (repr === 'inf') return Infinity;
  if (repr === '-inf') return -Infinity;
  if (repr === 'nan') return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(repr)) throw new ProbeAnswerError(`not a float: ${repr}`);
  return Number(repr);
}

function validate(raw: unknown): Description {
  if (typeof raw !== 'object' || raw === null) throw new ProbeAnswerError('the description is not an object');
  const d = raw as Record<string, unknown>;
  const type = typeof d.type === 'string' ? d.type : '';
  switch (d.kind) {
    case 'tensor': {
      const shape = d.shape;
      if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0))
        throw new ProbeAnswerError('the tensor description has no valid shape');
      if (typeof d.numel !== 'number' || typeof d.dtype !== 'string')
        throw new ProbeAnswerError('the tensor description is incomplete');
      return {
        kind: 'tensor',
        type,
        shape: shape as number[],
        dtype: d.dtype,
        device: typeof d.device === 'string' ? d.device : 'cpu',
        numel: d.numel,
        ...(typeof d.text === 'string' ? { text: d.text } : {}),
        ...(d.npy === true ? { npy: true } : {}),
      };
    }
    case 'value': {
      const v = d.value;
      // Floats come as their repr (JSON has no inf/nan).
      if (type === 'builtins.float' && typeof v === 'string') return { kind: 'value', type, value: pythonFloat(v) };
      if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string')
        return { kind: 'value', type, value: v };
      throw new ProbeAnswerError('the value description is not a plain value');
    }
    case 'module': {
      const options: Record<string, Description> = {};
      if (typeof d.options === 'object' && d.options !== null)
        for (const [k, v] of Object.entries(d.options)) options[k] = validate(v);
      return { kind: 'module', type, options };
    }
    default:
      return { kind: 'other', type };
  }
}

/** Reads the debugger's answer to {@link describeExpression}. Throws {@link ProbeAnswerError} on anything else. */
export function parseDescription(result: string): Description {
  let json: unknown;
  try {
    json = JSON.parse(decodeBase64(unquote(result)));
  } catch (e) {
    if (e instanceof ProbeAnswerError) throw e;
    throw new ProbeAnswerError('the description is not valid JSON');
  }
  return validate(json);
}

/** The dtype Loss Lens computes with for a described dtype name, or undefined (complex, quantized…). */
function dtypeOf(name: string): string | undefined {
  if (name === '') return '';
  const torch = TORCH_DTYPES[name];
  return torch ? name : undefined;
}

/**
 * The tensor a description holds as text, read by the tensor reader (`torch.tensor(<tolist text>, dtype=…)`), so
 * that the values and the dtype follow PyTorch's rules exactly. Throws the reader's LossLensError on bad text.
 */
export function tensorFromText(d: TensorDescription): Tensor {
  if (d.text === undefined) throw new ProbeAnswerError('the tensor came without its values');
  const dtype = dtypeOf(d.dtype);
  if (dtype === undefined) throw new ProbeAnswerError(`Loss Lens cannot compute with ${d.dtype} tensors`);
  const source = dtype === '' ? `torch.tensor(${d.text})` : `torch.tensor(${d.text}, dtype=torch.${dtype})`;
  const read = readTensor(source);
  // A 0-d tensor's tolist() is a bare number; the reader gives it shape [] too. Anything else must match.
  if (read.tensor.shape.join(',') !== d.shape.join(',') && d.numel > 0)
    throw new ProbeAnswerError(
      `the values read have shape [${read.tensor.shape.join(', ')}], not [${d.shape.join(', ')}]`,
    );
  return read.tensor;
}

/** `[64, 10] float32 cpu`: how a hover and the log name a described tensor. */
export function describeTensor(d: TensorDescription): string {
  return `[${d.shape.join(', ')}] ${d.dtype || 'list'} ${d.device}`;
}

/** Statistics of a tensor for the hover. */
export interface TensorStats {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly device: string;
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly nan: number;
  readonly inf: number;
}

/**
 * The expression a hover sends: statistics of the tensor `name` holds, or an empty string for anything else. `name`
 * must be a dotted name ({@link isDottedName}); the caller refuses anything else.
 */
export function statsExpression(name: string): string {
  return [
    '(lambda v: (lambda tn: __import__("base64").b64encode(__import__("json").dumps(',
    ' (lambda f, n: {"shape": [int(s) for s in v.shape], "dtype": str(v.dtype).replace("torch.", ""),',
    '   "device": str(getattr(v, "device", "cpu")), "numel": n,',
    '   "nan": int(f.isnan().sum()) if f is not None else 0, "inf": int(f.isinf().sum()) if f is not None else 0,',
    '   "min": repr(float(f[~f.isnan()].min())) if f is not None and n > int(f.isnan().sum()) else None,',
    '   "max": repr(float(f[~f.isnan()].max())) if f is not None and n > int(f.isnan().sum()) else None,',
    '   "mean": repr(float(f.double().mean())) if f is not None and n > 0 else None})(',
    '  (lambda t: t.detach().cpu().double() if not t.is_complex() else None)(',
    '    v if tn.startswith("torch") else __import__("torch").from_numpy(v)),',
    '  int(v.numel()) if tn.startswith("torch") else int(v.size))).encode()).decode()',
    ` if (tn.startswith("torch.") or tn.startswith("numpy.")) and hasattr(v, "shape") and hasattr(v, "dtype") and not isinstance(v, type) else "")(type(v).__module__ + "." + type(v).__name__))(${name})`,
  ].join('\n');
}

/** Reads the answer to {@link statsExpression}; undefined when the name holds no tensor. */
export function parseStats(result: string): TensorStats | undefined {
  const text = unquote(result);
  if (text === '') return undefined;
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(decodeBase64(text)) as Record<string, unknown>;
  } catch {
    throw new ProbeAnswerError('the statistics are not valid JSON');
  }
  if (!Array.isArray(d.shape) || typeof d.dtype !== 'string')
    throw new ProbeAnswerError('the statistics are incomplete');
  const num = (v: unknown): number | undefined => (typeof v === 'string' ? pythonFloat(v) : undefined);
  const min = num(d.min);
  const max = num(d.max);
  const mean = num(d.mean);
  return {
    shape: d.shape as number[],
    dtype: d.dtype,
    device: typeof d.device === 'string' ? d.device : 'cpu',
    nan: typeof d.nan === 'number' ? d.nan : 0,
    inf: typeof d.inf === 'number' ? d.inf : 0,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(mean !== undefined ? { mean } : {}),
  };
}

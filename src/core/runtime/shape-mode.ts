/**
 * Shape mode of the runtime: conversions between runtime values and the symbolic tensor library's arguments, the
 * symbols a run hands out, the shapes annotations give (jaxtyping `Float[Tensor, "batch classes"]`, a comment
 * `# [B, C]` on an assignment), and the description of a loss call's arguments (`input [B, 10] float32`).
 */
import type * as ast from '../python/ast';
import { localizeDescription } from '../i18n/index';
import type { DType } from '../tensor';
import { TorchTensor } from '../torch/tensor';
import { isKnown, showDim, sym, type Dim, type SymDim } from '../torch/symbolic/dim';
import { SymTensor, type SArg, type SymContext } from '../torch/symbolic/tensor';
import {
  PyDType,
  PyEllipsis,
  PyInstance,
  PyList,
  PySlice,
  PyTuple,
  PyUnknown,
  isOpaque,
  isTensorValue,
  type PyValue,
} from './values';

/** The symbols of one run: a name is handed out once (`B`, then `B2`). */
export class Symbols implements SymContext {
  private readonly used = new Set<string>();
  constructor(readonly torchVersion: '2.x' | '1.13') {}

  /** A new symbol named after `hint`. */
  fresh(hint: string): SymDim {
    let name = hint;
    for (let i = 2; this.used.has(name); i++) name = `${hint}${i}`;
    this.used.add(name);
    return sym(name);
  }

  /** The symbol a name in an annotation stands for (the same name is the same symbol). */
  named(name: string): SymDim {
    this.used.add(name);
    return sym(name);
  }
}

/** True when a value (or a list/tuple in it) is unknown or symbolic. */
export function holdsOpaque(v: PyValue, seen: Set<PyList | PyTuple> = new Set()): boolean {
  if (isOpaque(v)) return true;
  // A list repeated by `*` holds the same inner list many times over: each is looked into once.
  if (v instanceof PyList || v instanceof PyTuple) {
    if (seen.has(v)) return false;
    seen.add(v);
    return v.items.some((x) => holdsOpaque(x, seen));
  }
  return false;
}

/** True when a value (or a list/tuple in it) is unknown, not merely symbolic. */
export function holdsUnknown(v: PyValue, seen: Set<PyList | PyTuple> = new Set()): PyUnknown | undefined {
  if (v instanceof PyUnknown && !v.dim) return v;
  if (v instanceof PyList || v instanceof PyTuple) {
    if (seen.has(v)) return undefined;
    seen.add(v);
    for (const x of v.items) {
      const u = holdsUnknown(x, seen);
      if (u) return u;
    }
  }
  return undefined;
}

/** A runtime value as the symbolic ops take it; undefined for a value they cannot take. */
export function toSArg(v: PyValue): SArg | undefined {
  if (v === null || typeof v !== 'object') return v;
  if (isTensorValue(v) || v instanceof SymTensor) return v;
  if (v instanceof PyUnknown) return v.dim;
  if (v instanceof PyList || v instanceof PyTuple) {
    const items = v.items.map(toSArg);
    if (items.some((x) => x === undefined)) return undefined;
    return v instanceof PyList ? (items as SArg[]) : { kind: 'tuple', items: items as SArg[] };
  }
  if (v instanceof PyDType) return { kind: 'dtype', dtype: v.dtype };
  if (v instanceof PySlice) {
    const [start, stop, step] = [v.start, v.stop, v.step].map(toSArg);
    if (start === undefined || stop === undefined || step === undefined) return undefined;
    return { kind: 'slice', start, stop, step };
  }
  if (v instanceof PyEllipsis) return { kind: 'ellipsis' };
  // `x.to(device)`: a device moves the tensor and keeps its shape; the ops take its name, as for `x.to("cuda")`.
  if (v instanceof PyInstance && typeof v.native?.device === 'string') return v.native.device;
  return undefined;
}

/** A symbolic op's result as a runtime value. */
export function fromSArg(a: SArg): PyValue {
  if (a === null || typeof a !== 'object') return a;
  if (a instanceof SymTensor || a instanceof TorchTensor) return a;
  if (Array.isArray(a)) return new PyList(a.map(fromSArg));
  switch (a.kind) {
    case 'sym':
      return new PyUnknown(`the size ${showDim(a)}`, a);
    case 'tuple':
      return new PyTuple(a.items.map(fromSArg), a.typeName);
    case 'dtype':
      return new PyDType(a.dtype, 'torch');
    default:
      return null;
  }
}

/** A Python int that may be a symbolic size. */
export function dimValue(d: Dim): PyValue {
  return isKnown(d) ? BigInt(d) : new PyUnknown(`the size ${showDim(d)}`, d);
}

const JAXTYPING_DTYPES: Readonly<Record<string, DType>> = {
  Float: 'float32',
  Float32: 'float32',
  Float64: 'float64',
  Int: 'int64',
  Int64: 'int64',
  Long: 'int64',
  Int32: 'int32',
  Bool: 'bool',
  Shaped: 'float32',
  Num: 'float32',
};

/** The dims of a shape string (`"batch classes"`, `"B 10"`, `"*batch C"` is not taken). */
function dimsOfText(text: string, symbols: Symbols): Dim[] | undefined {
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.some((w) => !/^([A-Za-z_]\w*|\d+)$/.test(w))) return undefined;
  return words.map((w) => (/^\d+$/.test(w) ? Number(w) : symbols.named(w)));
}

/**
 * The tensor a parameter's annotation describes: jaxtyping's `Float[Tensor, "batch classes"]` or
 * `typing.Annotated[Tensor, "B C"]`; undefined for any other annotation.
 */
export function tensorFromAnnotation(annotation: ast.Expr, symbols: Symbols): SymTensor | undefined {
  if (annotation.kind !== 'Subscript') return undefined;
  const head = annotation.value;
  const name = head.kind === 'Name' ? head.id : head.kind === 'Attribute' ? head.attr : undefined;
  if (!name) return undefined;
  const index = annotation.index;
  if (index.kind !== 'Tuple' || index.elts.length !== 2) return undefined;
  const text = index.elts[1]!;
  if (text.kind !== 'String') return undefined;
  const value = (text as unknown as { value: string }).value;
  if (typeof value !== 'string') return undefined;
  const dtype = name === 'Annotated' ? 'float32' : JAXTYPING_DTYPES[name];
  if (!dtype) return undefined;
  const dims = dimsOfText(value, symbols);
  return dims ? new SymTensor(dtype, dims, 'torch', `the annotation "${value}"`) : undefined;
}

const COMMENT_DTYPES: Readonly<Record<string, DType>> = {
  float: 'float32',
  float32: 'float32',
  float64: 'float64',
  double: 'float64',
  half: 'float16',
  float16: 'float16',
  bfloat16: 'bfloat16',
  long: 'int64',
  int64: 'int64',
  int: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
};

/** What a shape comment says: the dims, and the dtype when it names one (`# [B] int64`). */
export interface CommentShape {
  readonly dims: Dim[];
  readonly dtype?: DType;
}

/** A dim word of a comment: a number or a name. */
const DIM_WORD = /^([A-Za-z_]\w*|\d+)$/;

/**
 * The shape a comment gives an assignment: `# [B, C]`, `# (B, 10)`, `# shape: [B, T, C]`, `# B x C`, optionally
 * followed by a dtype (`# [B] long`). Prose is not read as a shape: a bracketed single word counts only when it
 * is a number, upper case (`# [B]`) or at most two letters, or after `shape`; `B x C` needs two dims or more.
 */
export function shapeFromComment(comment: string, symbols: Symbols): CommentShape | undefined {
  let text = comment.trim();
  if (!text.startsWith('#')) return undefined;
  text = text.slice(1).trim();
  const labelled = /^shape\b\s*[:=]?\s*/i.exec(text);
  if (labelled) text = text.slice(labelled[0].length);
  let dtype: DType | undefined;
  const typed = /\s+(?:torch\.|np\.)?([A-Za-z]\w*)$/.exec(text);
  if (typed && COMMENT_DTYPES[typed[1]!.toLowerCase()] && /[\])]\s+\S+$/.test(text)) {
    dtype = COMMENT_DTYPES[typed[1]!.toLowerCase()];
    text = text.slice(0, typed.index).trim();
  }
  let words: string[];
  const bracketed = /^[[(]([^\])]*)[\])]$/.exec(text);
  if (bracketed) {
    words = bracketed[1]!
      .split(',')
      .map((w) => w.trim())
      .filter((w, i, all) => w !== '' || i < all.length - 1);
    if (words.length === 1 && !labelled && !/^(\d+|[A-Z_][A-Z0-9_]*|[A-Za-z]{1,2})$/.test(words[0]!)) return undefined;
  } else {
    words = text.split(/\s+x\s+|\s*×\s*/);
    if (words.length < 2) return undefined;
  }
  if (words.length === 0 || words.some((w) => !DIM_WORD.test(w))) return undefined;
  const dims = words.map((w) => (/^\d+$/.test(w) ? Number(w) : symbols.named(w)));
  return dtype ? { dims, dtype } : { dims };
}

/** One argument of a loss call as `check --json` and the hover show it. */
export interface ArgumentShape {
  /** The loss's name for it (`input`, `target`). */
  readonly name: string;
  /** Sizes: numbers, and symbol expressions as text (`"B"`, `"B*T"`). */
  readonly shape?: readonly (number | string)[];
  readonly dtype?: DType;
  /** Why it is unknown, when it is. */
  readonly unknown?: string;
}

/** Describes a loss argument. */
export function describeArgument(name: string, v: PyValue | undefined): ArgumentShape {
  if (v instanceof SymTensor || (v !== undefined && isTensorValue(v)))
    return { name, shape: v.shape.map((d) => (isKnown(d) ? d : showDim(d))), dtype: v.dtype };
  if (v instanceof PyUnknown) return { name, unknown: v.reason };
  return { name, unknown: v === undefined ? 'not given' : 'not a tensor' };
}

/**
 * The hover text of a loss call's arguments: `input [B, 10] float32 · target [B] int64`, and for an unknown one
 * why (`target unknown: the result of tokenizer(...)`), in English or Simplified Chinese.
 */
export function describeCallArguments(args: readonly ArgumentShape[], locale: 'en' | 'zh-cn' = 'en'): string {
  return args
    .map((a) => {
      if (a.shape) return `${a.name} [${a.shape.join(', ')}] ${a.dtype ?? ''}`.trimEnd();
      const reason = locale === 'zh-cn' ? localizeDescription(a.unknown ?? '', 'zh-cn') : (a.unknown ?? '');
      return locale === 'zh-cn' ? `${a.name} 未知：${reason}` : `${a.name} unknown: ${reason}`;
    })
    .join(' · ');
}

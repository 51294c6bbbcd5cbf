/**
 * `str()`, `repr()` and `format()` of every runtime value, exactly as Python, PyTorch and NumPy print them: Python's
 * own reprs here, tensors and arrays through `core/torch/print`, numbers through `runtime/format`.
 */
import { PyFormatError, formatSpec, percentFormat as percent, pyFloatRepr, pyStrRepr } from './format/index';
import { exceptionArgs, pyError } from './errors';
import type { Interpreter } from './interpreter';
import {
  PyBoundMethod,
  PyBuiltin,
  PyClass,
  PyDict,
  PyDType,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyNamespace,
  PyRange,
  PySet,
  PySlice,
  PyTuple,
  isTensorValue,
  typeName,
  type PyValue,
} from './values';
import { DICT_VIEWS } from '../torch/args';
import { numpyDTypeName } from '../torch/dims';
import type { TorchTensor } from '../torch/tensor';

/** How tensors and module instances print: supplied by the torch bridge. */
export interface PrintHooks {
  tensorStr(t: TorchTensor): string;
  tensorRepr(t: TorchTensor): string;
  /** `repr(module)` for nn.Module instances (`Linear(in_features=3, ...)`), undefined for other instances. */
  moduleRepr(inst: PyInstance): string | undefined;
  /** `float(t)` of a one-element tensor / NumPy scalar, for `format`. */
  tensorScalar(t: TorchTensor): number | bigint | boolean;
  /**
   * Whether the Python beside this PyTorch is 3.12 or later, where an OrderedDict prints as `OrderedDict({k: v})`
   * rather than `OrderedDict([(k, v)])` (torch 2.x runs on Python 3.12+ here, torch 1.13 on 3.11).
   */
  readonly python312: boolean;
}

/** Python's printing over the runtime's values. */
export class Printer {
  constructor(
    private readonly interp: Interpreter,
    private readonly hooks: PrintHooks,
  ) {}

  str(v: PyValue): string {
    if (typeof v === 'string') return v;
    if (isTensorValue(v)) return this.hooks.tensorStr(v);
    // A torch.device prints as its name: `cpu`, `cuda:0`.
    if (v instanceof PyInstance && typeof v.native?.device === 'string') return v.native.device;
    if (v instanceof PyInstance) {
      const custom = v.cls.lookup('__str__');
      if (custom instanceof PyFunction)
        return this.asString(this.interp.callFunction(custom, [v], new Map()), '__str__');
      if (isException(v)) {
        const args = exceptionArgs(v);
        if (args.length === 0) return '';
        if (args.length === 1) return this.str(args[0]!);
        return this.repr(new PyTuple(args));
      }
    }
    if (v instanceof PyDType) {
      if (v.flavor === 'torch') return `torch.${v.dtype}`;
      return v.scalarType ? `<class 'numpy.${numpyDTypeName(v.dtype)}'>` : numpyDTypeName(v.dtype);
    }
    return this.repr(v);
  }

  repr(v: PyValue, seen: Set<object> = new Set()): string {
    if (v === null) return 'None';
    switch (typeof v) {
      case 'boolean':
        return v ? 'True' : 'False';
      case 'bigint':
        return v.toString();
      case 'number':
        return pyFloatRepr(v);
      case 'string':
        return pyStrRepr(v);
    }
    if (isTensorValue(v)) return this.hooks.tensorRepr(v);
    if (seen.has(v)) return v instanceof PyList ? '[...]' : v instanceof PyDict ? '{...}' : '...';
    seen.add(v);
    try {
      if (v instanceof PyList) return `[${v.items.map((x) => this.repr(x, seen)).join(', ')}]`;
      if (v instanceof PyTuple) {
        if (v.typeName === 'torch.Size') return `torch.Size([${v.items.map((x) => this.repr(x, seen)).join(', ')}])`;
        // What `load_state_dict` answers when every key matched.
        if (v.typeName === '_IncompatibleKeys' && v.items.every((x) => x instanceof PyList && x.items.length === 0))
          return '<All keys matched successfully>';
        if (v.names && v.typeName) {
          return `${v.typeName}(\n${v.items.map((x, i) => `${v.names![i]}=${this.repr(x, seen)}`).join(',\n')})`;
        }
        if (v.typeName !== undefined && DICT_VIEWS.has(v.typeName))
          return `${v.typeName}([${v.items.map((x) => this.repr(x, seen)).join(', ')}])`;
        if (v.items.length === 1) return `(${this.repr(v.items[0]!, seen)},)`;
        return `(${v.items.map((x) => this.repr(x, seen)).join(', ')})`;
      }
      if (v instanceof PyDict) {
        const entries = [...v.entries.values()];
        const body = `{${entries.map(([k, x]) => `${this.repr(k, seen)}: ${this.repr(x, seen)}`).join(', ')}}`;
        if (v.ordered) {
          if (this.hooks.python312) return entries.length === 0 ? 'OrderedDict()' : `OrderedDict(${body})`;
          const pairs = entries.map(([k, x]) => `(${this.repr(k, seen)}, ${this.repr(x, seen)})`);
          return entries.length === 0 ? 'OrderedDict()' : `OrderedDict([${pairs.join(', ')}])`;
        }
        return v.factory !== undefined ? `defaultdict(${this.repr(v.factory, seen)}, ${body})` : body;
      }
      if (v instanceof PySet)
        return v.entries.size === 0
          ? 'set()'
          : `{${[...v.entries.values()].map((x) => this.repr(x, seen)).join(', ')}}`;
      if (v instanceof PyRange)
        return v.step === 1n ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
      if (v instanceof PySlice) return `slice(${this.repr(v.start)}, ${this.repr(v.stop)}, ${this.repr(v.step)})`;
      if (v instanceof PyFunction) return `<function ${v.name} at 0x${address(this.interp.identity(v))}>`;
      // The builtins that are types (`list`, `int`) print as classes.
      if (v instanceof PyBuiltin)
        return v.typeCheck ? `<class '${v.qualname ?? v.name}'>` : `<built-in function ${v.name}>`;
      if (v instanceof PyBoundMethod) return `<bound method ${v.func.name} of ${this.repr(v.self, seen)}>`;
      if (v instanceof PyClass) return `<class '${v.qualname}'>`;
      if (v instanceof PyNamespace) return `<module '${v.path}'>`;
      if (v instanceof PyDType) {
        if (v.flavor === 'torch') return `torch.${v.dtype}`;
        return v.scalarType ? `<class 'numpy.${numpyDTypeName(v.dtype)}'>` : `dtype('${numpyDTypeName(v.dtype)}')`;
      }
      if (v instanceof PyIterator) return `<${v.typeName} object at 0x${address(this.interp.identity(v))}>`;
      if (v instanceof PyInstance && typeof v.native?.device === 'string') {
        const [type, index] = v.native.device.split(':');
        return `device(type='${type}'${index !== undefined ? `, index=${index}` : ''})`;
      }
      if (v instanceof PyInstance) {
        const custom = v.cls.lookup('__repr__');
        if (custom instanceof PyFunction)
          return this.asString(this.interp.callFunction(custom, [v], new Map()), '__repr__');
        const module = this.hooks.moduleRepr(v);
        if (module !== undefined) return module;
        if (isException(v)) {
          const args = exceptionArgs(v);
          return `${v.cls.name}(${args.map((a) => this.repr(a, seen)).join(', ')})`;
        }
        return `<${v.cls.qualname} object at 0x${address(this.interp.identity(v))}>`;
      }
      return 'Ellipsis';
    } finally {
      seen.delete(v);
    }
  }

  private asString(v: PyValue, method: string): string {
    if (typeof v !== 'string') throw pyError('TypeError', `${method} returned non-string (type ${typeName(v)})`);
    return v;
  }

  /** `format(v, spec)`: numbers and strings by Python's format-spec mini-language, 0-d tensors by their item. */
  format(v: PyValue, spec: string): string {
    if (v instanceof PyInstance) {
      const custom = v.cls.lookup('__format__');
      if (custom instanceof PyFunction)
        return this.asString(this.interp.callFunction(custom, [v, spec], new Map()), '__format__');
    }
    if (isTensorValue(v)) {
      // Tensor.__format__ formats the item of a 0-d tensor; NumPy scalars format as the Python number they hold.
      if (v.shape.length === 0) return this.format(this.hooks.tensorScalar(v), spec);
      if (spec === '') return this.str(v);
      throw pyError(
        'TypeError',
        v.flavor === 'numpy'
          ? 'unsupported format string passed to numpy.ndarray.__format__'
          : 'unsupported format string passed to Tensor.__format__',
      );
    }
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      try {
        return formatSpec(v, spec);
      } catch (e) {
        throw asPyError(e);
      }
    }
    if (spec === '') return this.str(v);
    throw pyError('TypeError', `unsupported format string passed to ${typeName(v)}.__format__`);
  }

  /** `fmt % args`. */
  percent(fmt: string, args: PyValue): string {
    const hooks = {
      str: (x: unknown) => this.str(x as PyValue),
      repr: (x: unknown) => this.repr(x as PyValue),
      toFloat: (x: unknown) =>
        isTensorValue(x as PyValue) ? Number(this.hooks.tensorScalar(x as TorchTensor)) : undefined,
      toInt: (x: unknown) => {
        if (!isTensorValue(x as PyValue)) return undefined;
        const s = this.hooks.tensorScalar(x as TorchTensor);
        return typeof s === 'bigint' ? s : BigInt(Math.trunc(Number(s)));
      },
      typeName: (x: unknown) => typeName(x as PyValue),
    };
    try {
      if (args instanceof PyTuple) return percent(fmt, { tuple: args.items }, hooks);
      if (args instanceof PyDict) {
        const d = args;
        return percent(
          fmt,
          {
            single: args,
            mapping: (key: string) => {
              const e = d.entries.get(this.interp.dictKey(key));
              if (!e) throw pyError('KeyError', pyStrRepr(key));
              return e[1];
            },
          },
          hooks,
        );
      }
      return percent(fmt, { single: args }, hooks);
    } catch (e) {
      throw asPyError(e);
    }
  }
}

function isException(v: PyInstance): boolean {
  return v.cls.mro.some((c) => c.name === 'BaseException');
}

function address(id: number): string {
  return (0x7f0000000000 + id * 0x40).toString(16);
}

/** A formatting library error as the Python exception it stands for. */
function asPyError(e: unknown): unknown {
  if (e instanceof PyFormatError) return pyError(e.pyType, e.message);
  return e;
}

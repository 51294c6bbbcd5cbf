/**
 * Python's builtins as tutorial and loss code uses them (`print`, `len`, `range`, `enumerate`, `zip`, `sum`, `min`,
 * `max`, `sorted`, `isinstance`, the type constructors, ...), the methods of `str`, `list`, `dict` and `set`, and
 * the `math` module. The functions that would reach outside the program (`open`, `input`, `eval`, `exec`,
 * `__import__`, ...) are never run: calling one stops the run with a located "not run" diagnostic.
 */
import { NotModelledStop, EXCEPTIONS, PyException, pyError } from './errors';
import type { Interpreter } from './interpreter';
import { NOT_IMPLEMENTED } from './interpreter';
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
  PyUnknown,
  typeName,
  type CallArguments,
  type PyValue,
} from './values';
import type { TorchTensor } from '../torch/tensor';
import { pyRound, pyRoundToInt } from './format/index';

/** What the builtins need from their surroundings besides the interpreter. */
export interface BuiltinsHost {
  readonly interp: Interpreter;
  /** Appends text to the program's standard output. */
  write(text: string): void;
  /**
   * The caller does not read the program's output (a file check): `print` writes nothing, and formats only the
   * values whose text may run the program's own code (`__str__`, `__repr__`, an error PyTorch raises for it).
   */
  readonly quiet: boolean;
  str(v: PyValue): string;
  repr(v: PyValue): string;
  format(v: PyValue, spec: string): string;
  /** `float(t)`, `int(t)`, `bool(t)` of a tensor / NumPy scalar (one element), with PyTorch's errors. */
  tensorScalar(t: TorchTensor): number | bigint | boolean;
  /** `len(t)`. */
  tensorLength(t: TorchTensor): number;
  /** `isinstance(v, cls)` for classes the bridge owns (`torch.Tensor`, `np.ndarray`, `nn.Module`). */
  isInstance?(v: PyValue, cls: PyValue): boolean | undefined;
}

type Fn = (args: CallArguments) => PyValue;

function arg(args: CallArguments, i: number, name: string): PyValue | undefined {
  const v = args.args[i];
  return v !== undefined ? v : args.kwargs.get(name);
}

/** Builds the builtins table. */
export function makeBuiltins(host: BuiltinsHost): Map<string, PyValue> {
  const { interp } = host;
  const table = new Map<string, PyValue>();
  const def = (name: string, fn: Fn, typeCheck?: (v: PyValue) => boolean): void => {
    table.set(name, new PyBuiltin(name, (a) => fn(a), typeCheck));
  };
  const range = () => interp.here();
  const items = (v: PyValue): PyValue[] => interp.toArray(v, range());
  const call = (fn: PyValue, ...args: PyValue[]): PyValue =>
    interp.callValue(fn, { args, kwargs: new Map() }, { node: undefined, range: range() });

  const toFloat = (v: PyValue): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase().replace(/_/g, '');
      if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
      if (/^[+-]?nan$/.test(s)) return NaN;
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return Number(s);
      throw pyError('ValueError', `could not convert string to float: ${host.repr(v)}`);
    }
    if (isTensorValue(v)) return Number(host.tensorScalar(v));
    if (v instanceof PyInstance && v.cls.lookup('__float__'))
      return toFloat(interp.callMethod(v, '__float__', [], range()));
    throw pyError('TypeError', `float() argument must be a string or a real number, not '${typeName(v)}'`);
  };
  const toInt = (v: PyValue, base?: PyValue): bigint => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        throw pyError(
          Number.isNaN(v) ? 'ValueError' : 'OverflowError',
          Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
        );
      }
      return BigInt(Math.trunc(v));
    }
    if (typeof v === 'string') {
      const s = v.trim().replace(/_/g, '');
      const b = base === undefined ? 10 : Number(base);
      if (b === 10 && /^[+-]?\d+$/.test(s)) return BigInt(s);
      if (b !== 10) {
        const n = parseInt(s, b);
        if (!Number.isNaN(n)) return BigInt(n);
      }
      throw pyError('ValueError', `invalid literal for int() with base ${b}: ${host.repr(v)}`);
    }
    if (isTensorValue(v)) {
      const x = host.tensorScalar(v);
      return typeof x === 'bigint' ? x : toInt(x);
    }
    if (v instanceof PyInstance && v.cls.lookup('__int__')) return toInt(interp.callMethod(v, '__int__', [], range()));
    throw pyError(
      'TypeError',
      `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`,
    );
  };

  // Output -----------------------------------------------------------------------------------------------------------
  def('print', (a) => {
    const sep = a.kwargs.get('sep');
    const end = a.kwargs.get('end');
    const file = a.kwargs.get('file');
    if (file !== undefined && file !== null && !(file instanceof PyNamespace && file.path === 'sys.stdout')) {
      if (!(file instanceof PyNamespace && file.path === 'sys.stderr')) {
        throw new NotModelledStop('print(..., file=...) to a file', interp.current, 'unsafe');
      }
      return null;
    }
    if (host.quiet) {
      for (const v of a.args)
        if (!(typeof v !== 'object' || v === null || isTensorValue(v) || v instanceof PyUnknown)) host.str(v);
      return null;
    }
    const text = a.args.map((v) => host.str(v)).join(sep === undefined || sep === null ? ' ' : host.str(sep));
    host.write(text + (end === undefined || end === null ? '\n' : host.str(end)));
    return null;
  });
  def('repr', (a) => host.repr(a.args[0] ?? null));
  def('ascii', (a) =>
    [...host.repr(a.args[0] ?? null)]
      .map((c) => (c.charCodeAt(0) < 128 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
      .join(''),
  );
  def('format', (a) => host.format(a.args[0] ?? null, typeof a.args[1] === 'string' ? a.args[1] : ''));

  // Types ------------------------------------------------------------------------------------------------------------
  def(
    'int',
    (a) => (a.args.length === 0 ? 0n : toInt(a.args[0]!, arg(a, 1, 'base'))),
    (v) => typeof v === 'bigint' || typeof v === 'boolean',
  );
  def(
    'float',
    (a) => (a.args.length === 0 ? 0 : toFloat(a.args[0]!)),
    (v) => typeof v === 'number',
  );
  def(
    'bool',
    (a) => (a.args.length === 0 ? false : interp.truthy(a.args[0]!, range())),
    (v) => typeof v === 'boolean',
  );
  def(
    'str',
    (a) => (a.args.length === 0 ? '' : host.str(a.args[0]!)),
    (v) => typeof v === 'string',
  );
  def(
    'list',
    (a) => new PyList(a.args.length === 0 ? [] : items(a.args[0]!)),
    (v) => v instanceof PyList,
  );
  def(
    'tuple',
    (a) => new PyTuple(a.args.length === 0 ? [] : items(a.args[0]!)),
    (v) => v instanceof PyTuple,
  );
  def(
    'set',
    (a) => {
      const s = new PySet();
      if (a.args.length > 0) for (const v of items(a.args[0]!)) s.entries.set(interp.dictKey(v), v);
      return s;
    },
    (v) => v instanceof PySet,
  );
  def('frozenset', (a) => call(table.get('set')!, ...a.args));
  def(
    'dict',
    (a) => {
      const d = new PyDict();
      const src = a.args[0];
      if (src instanceof PyDict) for (const [h, kv] of src.entries) d.entries.set(h, [kv[0], kv[1]]);
      else if (src !== undefined) {
        for (const pair of items(src)) {
          const [k, v] = items(pair);
          d.entries.set(interp.dictKey(k!), [k!, v!]);
        }
      }
      for (const [k, v] of a.kwargs) d.entries.set(interp.dictKey(k), [k, v]);
      return d;
    },
    (v) => v instanceof PyDict,
  );
  def(
    'object',
    () => new PyInstance(OBJECT),
    (v) => v !== undefined,
  );
  def('type', (a) => {
    const v = a.args[0] ?? null;
    if (v instanceof PyInstance) return v.cls;
    const name = typeName(v);
    // A dotted type name (`collections.defaultdict`, `torch.Size`) is the class's qualified name; `__name__` is its
    // last part.
    return (
      table.get(name === 'NoneType' ? 'type' : name) ??
      new PyClass(name.slice(name.lastIndexOf('.') + 1), [], new Map(), name)
    );
  });
  def(
    'range',
    (a) => {
      const ints = a.args.map((v) => {
        if (typeof v === 'bigint') return v;
        if (typeof v === 'boolean') return v ? 1n : 0n;
        if (isTensorValue(v) && v.shape.length === 0 && !v.dtype.startsWith('float')) return toInt(v);
        throw pyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
      });
      if (ints.length === 0) throw pyError('TypeError', 'range expected at least 1 argument, got 0');
      const [start, stop, step] = ints.length === 1 ? [0n, ints[0]!, 1n] : [ints[0]!, ints[1]!, ints[2] ?? 1n];
      if (step === 0n) throw pyError('ValueError', 'range() arg 3 must not be zero');
      return new PyRange(start, stop, step);
    },
    (v) => v instanceof PyRange,
  );
  def('slice', (a) =>
    a.args.length === 1
      ? new PySlice(null, a.args[0]!, null)
      : new PySlice(a.args[0] ?? null, a.args[1] ?? null, a.args[2] ?? null),
  );

  // Sequences --------------------------------------------------------------------------------------------------------
  def('len', (a) => {
    const v = a.args[0] ?? null;
    if (typeof v === 'string') return BigInt([...v].length);
    if (v instanceof PyList || v instanceof PyTuple) return BigInt(v.items.length);
    if (v instanceof PyDict || v instanceof PySet) return BigInt(v.entries.size);
    if (v instanceof PyRange) return v.length;
    if (isTensorValue(v)) return BigInt(host.tensorLength(v));
    if (v instanceof PyInstance && v.cls.lookup('__len__')) return interp.callMethod(v, '__len__', [], range());
    if (v instanceof PyInstance) {
      const n = interp.host.attribute(v, '__len__', range());
      if (n !== undefined) return call(n);
    }
    throw pyError('TypeError', `object of type '${typeName(v)}' has no len()`);
  });
  def('enumerate', (a) => {
    const it = interp.iterator(a.args[0] ?? null, range());
    let i = a.args[1] !== undefined ? toInt(a.args[1]) : a.kwargs.has('start') ? toInt(a.kwargs.get('start')!) : 0n;
    return new PyIterator(() => {
      const v = it.next();
      if (v === undefined) return undefined;
      return new PyTuple([i++, v]);
    }, 'enumerate');
  });
  def('zip', (a) => {
    const its = a.args.map((v) => interp.iterator(v, range()));
    return new PyIterator(() => {
      if (its.length === 0) return undefined;
      const row: PyValue[] = [];
      for (const it of its) {
        const v = it.next();
        if (v === undefined) return undefined;
        row.push(v);
      }
      return new PyTuple(row);
    }, 'zip');
  });
  def('map', (a) => {
    const fn = a.args[0]!;
    const its = a.args.slice(1).map((v) => interp.iterator(v, range()));
    return new PyIterator(() => {
      const row: PyValue[] = [];
      for (const it of its) {
        const v = it.next();
        if (v === undefined) return undefined;
        row.push(v);
      }
      return call(fn, ...row);
    }, 'map');
  });
  def('filter', (a) => {
    const fn = a.args[0]!;
    const it = interp.iterator(a.args[1]!, range());
    return new PyIterator(() => {
      for (;;) {
        const v = it.next();
        if (v === undefined) return undefined;
        if (interp.truthy(fn === null ? v : call(fn, v), range())) return v;
      }
    }, 'filter');
  });
  def('reversed', (a) => {
    const xs = items(a.args[0] ?? null).reverse();
    let i = 0;
    return new PyIterator(() => (i < xs.length ? xs[i++] : undefined), 'reversed');
  });
  def('iter', (a) => {
    const v = a.args[0] ?? null;
    if (v instanceof PyIterator) return v;
    if (v instanceof PyInstance && v.cls.lookup('__iter__')) return interp.callMethod(v, '__iter__', [], range());
    const it = interp.iterator(v, range());
    return new PyIterator(() => it.next(), 'iterator');
  });
  def('next', (a) => {
    const v = a.args[0] ?? null;
    let out: PyValue | undefined;
    if (v instanceof PyIterator) out = v.next();
    else if (v instanceof PyInstance && v.cls.lookup('__next__')) return interp.callMethod(v, '__next__', [], range());
    else throw pyError('TypeError', `'${typeName(v)}' object is not an iterator`);
    if (out === undefined) {
      if (a.args.length > 1) return a.args[1]!;
      throw pyError('StopIteration');
    }
    return out;
  });
  def('sorted', (a) => {
    const xs = items(a.args[0] ?? null);
    return new PyList(
      sortValues(interp, xs, a.kwargs.get('key') ?? null, interp.truthy(a.kwargs.get('reverse') ?? false, range())),
    );
  });
  def('sum', (a) => {
    let acc: PyValue = a.args[1] ?? a.kwargs.get('start') ?? 0n;
    const it = interp.iterator(a.args[0] ?? null, range());
    for (;;) {
      const v = it.next();
      if (v === undefined) return acc;
      interp.step();
      acc = interp.binary('+', acc, v, range());
    }
  });
  const extreme =
    (name: 'min' | 'max') =>
    (a: CallArguments): PyValue => {
      const xs = a.args.length === 1 ? items(a.args[0]!) : [...a.args];
      const key = a.kwargs.get('key') ?? null;
      if (xs.length === 0) {
        if (a.kwargs.has('default')) return a.kwargs.get('default')!;
        throw pyError('ValueError', `${name}() iterable argument is empty`);
      }
      let best: PyValue = xs[0]!;
      let bestKey: PyValue = key === null ? best : call(key, best);
      for (const x of xs.slice(1)) {
        const k = key === null ? x : call(key, x);
        const c = interp.order(k, bestKey, name === 'min' ? '<' : '>', range());
        if (name === 'min' ? c < 0 : c > 0) {
          best = x;
          bestKey = k;
        }
      }
      return best;
    };
  def('min', extreme('min'));
  def('max', extreme('max'));
  def('any', (a) => items(a.args[0] ?? null).some((v) => interp.truthy(v, range())));
  def('all', (a) => items(a.args[0] ?? null).every((v) => interp.truthy(v, range())));

  // Numbers ----------------------------------------------------------------------------------------------------------
  def('abs', (a) => {
    const v = a.args[0] ?? null;
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') return Math.abs(v);
    return interp.unary('abs', v, range());
  });
  def('round', (a) => {
    const v = a.args[0] ?? null;
    const nd = arg(a, 1, 'ndigits');
    if (isTensorValue(v)) {
      if (v.flavor === 'numpy' && v.npScalar) {
        const x = Number(host.tensorScalar(v));
        return nd === undefined || nd === null ? pyRoundToInt(x) : pyRound(x, Number(nd));
      }
      return interp.host.binary('round', v, nd ?? null, range()) ?? null;
    }
    if (typeof v === 'bigint' || typeof v === 'boolean') return toInt(v);
    if (typeof v !== 'number') throw pyError('TypeError', `type ${typeName(v)} doesn't define __round__ method`);
    if (nd === undefined || nd === null) {
      if (!Number.isFinite(v))
        throw pyError(
          Number.isNaN(v) ? 'ValueError' : 'OverflowError',
          Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
        );
      return pyRoundToInt(v);
    }
    return pyRound(v, Number(nd));
  });
  def(
    'divmod',
    (a) =>
      new PyTuple([
        interp.binary('//', a.args[0]!, a.args[1]!, range()),
        interp.binary('%', a.args[0]!, a.args[1]!, range()),
      ]),
  );
  def('pow', (a) => interp.binary('**', a.args[0]!, a.args[1]!, range()));
  def('hash', (a) => BigInt(hashString(interp.dictKey(a.args[0] ?? null))));
  def('id', (a) => {
    const v = a.args[0] ?? null;
    return BigInt(140000000000000 + (typeof v === 'object' && v !== null ? interp.identity(v) : 0) * 16);
  });
  def('chr', (a) => String.fromCodePoint(Number(toInt(a.args[0] ?? 0n))));
  def('ord', (a) => BigInt((a.args[0] as string).codePointAt(0) ?? 0));
  def('hex', (a) => {
    const n = toInt(a.args[0] ?? 0n);
    return (n < 0n ? '-0x' : '0x') + (n < 0n ? -n : n).toString(16);
  });
  def('bin', (a) => {
    const n = toInt(a.args[0] ?? 0n);
    return (n < 0n ? '-0b' : '0b') + (n < 0n ? -n : n).toString(2);
  });

  // Objects ----------------------------------------------------------------------------------------------------------
  def('isinstance', (a) => isInstance(host, a.args[0] ?? null, a.args[1] ?? null, table));
  def('issubclass', (a) => {
    const c = a.args[0];
    const b = a.args[1];
    if (c instanceof PyClass && b instanceof PyClass) return c.isSubclassOf(b);
    if (c instanceof PyClass && b instanceof PyTuple)
      return b.items.some((x) => x instanceof PyClass && c.isSubclassOf(x));
    return false;
  });
  def('callable', (a) => {
    const v = a.args[0] ?? null;
    return (
      v instanceof PyFunction ||
      v instanceof PyBuiltin ||
      v instanceof PyBoundMethod ||
      v instanceof PyClass ||
      (v instanceof PyInstance && (v.cls.lookup('__call__') !== undefined || v.cls.nativeBase?.call !== undefined))
    );
  });
  def('hasattr', (a) => {
    try {
      interp.getAttr(a.args[0] ?? null, String(a.args[1]), range());
      return true;
    } catch (e) {
      if (e instanceof PyException && e.value.cls.name === 'AttributeError') return false;
      throw e;
    }
  });
  def('getattr', (a) => {
    try {
      return interp.getAttr(a.args[0] ?? null, String(a.args[1]), range());
    } catch (e) {
      if (e instanceof PyException && e.value.cls.name === 'AttributeError' && a.args.length > 2) return a.args[2]!;
      throw e;
    }
  });
  def('setattr', (a) => {
    interp.setAttr(a.args[0] ?? null, String(a.args[1]), a.args[2] ?? null, range());
    return null;
  });
  def('vars', (a) => {
    const v = a.args[0];
    const d = new PyDict();
    if (v instanceof PyInstance) for (const [k, x] of v.attrs) d.entries.set(interp.dictKey(k), [k, x]);
    return d;
  });
  for (const name of ['staticmethod', 'classmethod', 'property']) def(name, (a) => a.args[0] ?? null);
  table.set('NotImplemented', NOT_IMPLEMENTED);
  table.set('Ellipsis', null);
  for (const [name, cls] of EXCEPTIONS) table.set(name, cls);
  table.set('Warning', EXCEPTIONS.get('UserWarning')!);

  // Never run ----------------------------------------------------------------------------------------------------------
  for (const name of [
    'open',
    'input',
    'eval',
    'exec',
    'compile',
    '__import__',
    'exit',
    'quit',
    'breakpoint',
    'help',
    'globals',
    'locals',
  ]) {
    def(name, () => {
      throw new NotModelledStop(
        `${name}()`,
        interp.current,
        name === 'globals' || name === 'locals' || name === 'help' ? 'unsupported' : 'unsafe',
      );
    });
  }
  return table;
}

/** The base of every class written without bases. */
export const OBJECT = new PyClass('object', [], new Map());

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function isInstance(host: BuiltinsHost, v: PyValue, cls: PyValue, table: Map<string, PyValue>): boolean {
  if (cls instanceof PyTuple) return cls.items.some((c) => isInstance(host, v, c, table));
  const viaHost = host.isInstance?.(v, cls);
  if (viaHost !== undefined) return viaHost;
  if (cls instanceof PyClass) {
    if (cls === OBJECT) return true;
    return v instanceof PyInstance && v.cls.isSubclassOf(cls);
  }
  if (cls instanceof PyBuiltin && cls.typeCheck) return cls.typeCheck(v);
  if (cls instanceof PyDType) return false;
  throw pyError('TypeError', 'isinstance() arg 2 must be a type, a tuple of types, or a union');
}

/** A stable sort with Python's ordering, `key=` and `reverse=`. */
export function sortValues(interp: Interpreter, xs: PyValue[], key: PyValue, reverse: boolean): PyValue[] {
  const r = interp.here();
  const keyed = xs.map((x, i) => ({
    x,
    i,
    k: key === null ? x : interp.callValue(key, { args: [x], kwargs: new Map() }, { node: undefined, range: r }),
  }));
  keyed.sort((p, q) => {
    const c = interp.order(p.k, q.k, '<', r);
    const d = reverse ? -c : c;
    return d !== 0 && !Number.isNaN(d) ? d : p.i - q.i;
  });
  return keyed.map((k) => k.x);
}

/** Methods of `str`, `list`, `dict`, `set` and `tuple` values. */
export function builtinMethod(host: BuiltinsHost, obj: PyValue, name: string): PyValue | undefined {
  const { interp } = host;
  const r = () => interp.here();
  const m = (fn: (a: CallArguments) => PyValue): PyBuiltin => new PyBuiltin(name, fn);
  if (typeof obj === 'string') return strMethod(host, obj, name, m);
  if (obj instanceof PyList) {
    switch (name) {
      case 'append':
        return m((a) => {
          obj.items.push(a.args[0] ?? null);
          interp.checkSize(obj.items.length, 'a list');
          return null;
        });
      case 'extend':
        return m((a) => {
          obj.items.push(...interp.toArray(a.args[0] ?? null, r()));
          interp.checkSize(obj.items.length, 'a list');
          return null;
        });
      case 'insert':
        return m((a) => {
          let i = Number(a.args[0]);
          if (i < 0) i = Math.max(0, i + obj.items.length);
          obj.items.splice(i, 0, a.args[1] ?? null);
          return null;
        });
      case 'pop':
        return m((a) => {
          if (obj.items.length === 0) throw pyError('IndexError', 'pop from empty list');
          const i = a.args.length > 0 ? interp.listIndex(obj.items.length, a.args[0]!, 'pop') : obj.items.length - 1;
          return obj.items.splice(i, 1)[0]!;
        });
      case 'remove':
        return m((a) => {
          const i = obj.items.findIndex((x) => interp.equals(x, a.args[0] ?? null));
          if (i < 0) throw pyError('ValueError', 'list.remove(x): x not in list');
          obj.items.splice(i, 1);
          return null;
        });
      case 'index':
        return m((a) => {
          const i = obj.items.findIndex((x) => interp.equals(x, a.args[0] ?? null));
          if (i < 0) throw pyError('ValueError', `${host.repr(a.args[0] ?? null)} is not in list`);
          return BigInt(i);
        });
      case 'count':
        return m((a) => BigInt(obj.items.filter((x) => interp.equals(x, a.args[0] ?? null)).length));
      case 'sort':
        return m((a) => {
          obj.items = sortValues(
            interp,
            obj.items,
            a.kwargs.get('key') ?? null,
            interp.truthy(a.kwargs.get('reverse') ?? false, r()),
          );
          return null;
        });
      case 'reverse':
        return m(() => {
          obj.items.reverse();
          return null;
        });
      case 'copy':
        return m(() => new PyList([...obj.items]));
      case 'clear':
        return m(() => {
          obj.items = [];
          return null;
        });
    }
    return undefined;
  }
  if (obj instanceof PyTuple) {
    if (obj.names?.includes(name)) return obj.items[obj.names.indexOf(name)]!;
    if (name === 'index') return m((a) => BigInt(obj.items.findIndex((x) => interp.equals(x, a.args[0] ?? null))));
    if (name === 'count') return m((a) => BigInt(obj.items.filter((x) => interp.equals(x, a.args[0] ?? null)).length));
    return undefined;
  }
  if (obj instanceof PyDict) {
    switch (name) {
      // A view is taken as it is now (Python's follows later changes to the dict); it prints as `dict_keys([...])`.
      case 'keys':
        return m(
          () =>
            new PyTuple(
              [...obj.entries.values()].map(([k]) => k),
              view(obj, 'keys'),
            ),
        );
      case 'values':
        return m(
          () =>
            new PyTuple(
              [...obj.entries.values()].map(([, v]) => v),
              view(obj, 'values'),
            ),
        );
      case 'items':
        return m(
          () =>
            new PyTuple(
              [...obj.entries.values()].map(([k, v]) => new PyTuple([k, v])),
              view(obj, 'items'),
            ),
        );
      case 'get':
        return m((a) => obj.entries.get(interp.dictKey(a.args[0] ?? null))?.[1] ?? a.args[1] ?? null);
      case 'setdefault':
        return m((a) => {
          const h = interp.dictKey(a.args[0] ?? null);
          const e = obj.entries.get(h);
          if (e) return e[1];
          obj.entries.set(h, [a.args[0] ?? null, a.args[1] ?? null]);
          return a.args[1] ?? null;
        });
      case 'pop':
        return m((a) => {
          const h = interp.dictKey(a.args[0] ?? null);
          const e = obj.entries.get(h);
          if (e) {
            obj.entries.delete(h);
            return e[1];
          }
          if (a.args.length > 1) return a.args[1]!;
          throw pyError('KeyError', host.repr(a.args[0] ?? null));
        });
      case 'update':
        return m((a) => {
          const src = a.args[0];
          if (src instanceof PyDict) for (const [h, kv] of src.entries) obj.entries.set(h, kv);
          else if (src !== undefined)
            for (const pair of interp.toArray(src, r())) {
              const [k, v] = interp.toArray(pair, r());
              obj.entries.set(interp.dictKey(k!), [k!, v!]);
            }
          for (const [k, v] of a.kwargs) obj.entries.set(interp.dictKey(k), [k, v]);
          return null;
        });
      case 'copy':
        return m(() => {
          const d = new PyDict();
          for (const [h, kv] of obj.entries) d.entries.set(h, kv);
          return d;
        });
      case 'clear':
        return m(() => {
          obj.entries.clear();
          return null;
        });
    }
    return undefined;
  }
  if (obj instanceof PySet) {
    switch (name) {
      case 'add':
        return m((a) => {
          obj.entries.set(interp.dictKey(a.args[0] ?? null), a.args[0] ?? null);
          return null;
        });
      case 'update':
        return m((a) => {
          for (const v of interp.toArray(a.args[0] ?? null, r())) obj.entries.set(interp.dictKey(v), v);
          return null;
        });
      case 'discard':
      case 'remove':
        return m((a) => {
          if (!obj.entries.delete(interp.dictKey(a.args[0] ?? null)) && name === 'remove')
            throw pyError('KeyError', host.repr(a.args[0] ?? null));
          return null;
        });
    }
    return undefined;
  }
  return undefined;
}

function strMethod(
  host: BuiltinsHost,
  s: string,
  name: string,
  m: (fn: (a: CallArguments) => PyValue) => PyBuiltin,
): PyValue | undefined {
  const { interp } = host;
  const r = () => interp.here();
  const str = (v: PyValue | undefined): string => {
    if (typeof v !== 'string') throw pyError('TypeError', `must be str, not ${typeName(v ?? null)}`);
    return v;
  };
  switch (name) {
    case 'format':
      return m((a) => strFormat(host, s, a));
    case 'join':
      return m((a) =>
        interp
          .toArray(a.args[0] ?? null, r())
          .map((v, i) => {
            if (typeof v !== 'string')
              throw pyError('TypeError', `sequence item ${i}: expected str instance, ${typeName(v)} found`);
            return v;
          })
          .join(s),
      );
    case 'split':
      return m((a) => {
        const sep = a.args[0] ?? a.kwargs.get('sep') ?? null;
        if (sep === null)
          return new PyList(
            s
              .trim()
              .split(/\s+/)
              .filter((x) => x !== ''),
          );
        return new PyList(s.split(str(sep)));
      });
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return m((a) => {
        const chars = a.args[0];
        const set = typeof chars === 'string' ? chars : ' \t\n\r\x0b\x0c';
        let start = 0;
        let end = s.length;
        if (name !== 'rstrip') while (start < end && set.includes(s[start]!)) start++;
        if (name !== 'lstrip') while (end > start && set.includes(s[end - 1]!)) end--;
        return s.slice(start, end);
      });
    case 'lower':
      return m(() => s.toLowerCase());
    case 'upper':
      return m(() => s.toUpperCase());
    case 'title':
      return m(() => s.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()));
    case 'capitalize':
      return m(() => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s));
    case 'replace':
      return m((a) => s.split(str(a.args[0])).join(str(a.args[1])));
    case 'startswith':
    case 'endswith':
      return m((a) => {
        const p = a.args[0];
        const options = p instanceof PyTuple ? p.items.map((x) => str(x)) : [str(p)];
        return options.some((o) => (name === 'startswith' ? s.startsWith(o) : s.endsWith(o)));
      });
    case 'find':
      return m((a) => BigInt(s.indexOf(str(a.args[0]))));
    case 'count':
      return m((a) => BigInt(s.split(str(a.args[0])).length - 1));
    case 'ljust':
    case 'rjust':
    case 'center':
      return m((a) => {
        const width = Number(a.args[0]);
        const fill = typeof a.args[1] === 'string' ? a.args[1] : ' ';
        const pad = Math.max(0, width - s.length);
        if (name === 'ljust') return s + fill.repeat(pad);
        if (name === 'rjust') return fill.repeat(pad) + s;
        const left = Math.floor(pad / 2) + (pad % 2 && width % 2 ? 1 : 0);
        return fill.repeat(left) + s + fill.repeat(pad - left);
      });
    case 'zfill':
      return m((a) => {
        const width = Number(a.args[0]);
        const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
        return sign + s.slice(sign.length).padStart(width - sign.length, '0');
      });
    case 'isdigit':
      return m(() => /^\d+$/.test(s));
    case 'isalpha':
      return m(() => /^[A-Za-z]+$/.test(s));
    case 'islower':
    case 'isupper': {
      // At least one cased character, and every cased character in the case asked for.
      const cased = s.replace(/[^A-Za-z]/g, '');
      return m(
        () => cased.length > 0 && (name === 'islower' ? cased === cased.toLowerCase() : cased === cased.toUpperCase()),
      );
    }
    case 'splitlines':
      return m(() => new PyList(s.split(/\r?\n/)));
  }
  return undefined;
}

/** `template.format(*args, **kwargs)`. */
export function strFormat(host: BuiltinsHost, template: string, a: CallArguments): string {
  const { interp } = host;
  const r = () => interp.here();
  let out = '';
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    let depth = 1;
    let j = i + 1;
    for (; j < template.length && depth > 0; j++) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') depth--;
    }
    if (depth > 0) throw pyError('ValueError', "expected '}' before end of string");
    const field = template.slice(i + 1, j - 1);
    i = j - 1;
    const m = /^([^!:[.]*)((?:\.[A-Za-z_]\w*|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!m) throw pyError('ValueError', `unmatched '{' in format spec`);
    const [, head, accessors, conversion, rawSpec] = m;
    let v: PyValue;
    if (head === '') {
      v = a.args[auto++] ?? null;
      if (auto > a.args.length)
        throw pyError('IndexError', `Replacement index ${auto - 1} out of range for positional args tuple`);
    } else if (/^\d+$/.test(head!)) {
      const k = Number(head);
      if (k >= a.args.length)
        throw pyError('IndexError', `Replacement index ${k} out of range for positional args tuple`);
      v = a.args[k]!;
    } else {
      if (!a.kwargs.has(head!)) throw pyError('KeyError', `'${head}'`);
      v = a.kwargs.get(head!)!;
    }
    for (const acc of accessors!.match(/\.[A-Za-z_]\w*|\[[^\]]*\]/g) ?? []) {
      if (acc.startsWith('.')) v = interp.getAttr(v, acc.slice(1), r());
      else {
        const key = acc.slice(1, -1);
        v = interp.getItem(v, /^\d+$/.test(key) ? BigInt(key) : key, r());
      }
    }
    const spec = rawSpec ? strFormat(host, rawSpec, a) : '';
    const converted = conversion === 'r' ? host.repr(v) : conversion === 's' ? host.str(v) : v;
    out += host.format(converted, spec);
  }
  return out;
}

/**
 * The `collections` module as far as training code uses it: `defaultdict` (a dict whose missing keys its factory
 * fills, printed `defaultdict(<class 'list'>, {...})`) and `OrderedDict` (what `state_dict()` returns). Its other
 * types are reported as not modelled where used.
 */
export function makeCollections(host: BuiltinsHost, builtins: Map<string, PyValue>): PyNamespace {
  const ns = new PyNamespace('collections');
  const dict = builtins.get('dict') as PyBuiltin;
  ns.attrs.set(
    'defaultdict',
    new PyBuiltin(
      'defaultdict',
      (a, site) => {
        const [factory = null, ...rest] = a.args;
        if (factory !== null && !isCallable(factory))
          throw pyError('TypeError', 'first argument must be callable or None');
        const d = dict.call({ args: rest, kwargs: a.kwargs }, site) as PyDict;
        d.factory = factory;
        return d;
      },
      (v) => v instanceof PyDict && v.factory !== undefined,
      'collections.defaultdict',
    ),
  );
  ns.attrs.set(
    'OrderedDict',
    new PyBuiltin(
      'OrderedDict',
      (a, site) => {
        const d = dict.call(a, site) as PyDict;
        d.ordered = true;
        return d;
      },
      (v) => v instanceof PyDict && v.ordered === true,
      'collections.OrderedDict',
    ),
  );
  // `type()` of such a dict finds its type in the builtins' table under the qualified name, so that
  // `type(d) is defaultdict` holds as in Python (no identifier has a dot: no program name reaches these entries).
  for (const name of ['defaultdict', 'OrderedDict']) builtins.set(`collections.${name}`, ns.attrs.get(name)!);
  for (const name of ['Counter', 'deque', 'namedtuple', 'ChainMap', 'UserDict', 'UserList'])
    ns.attrs.set(
      name,
      new PyBuiltin(name, () => {
        throw new NotModelledStop(`collections.${name}`, host.interp.current, 'unsupported');
      }),
    );
  return ns;
}

/** The type of a dict's view: `dict_keys`, or `odict_keys` for an OrderedDict. */
function view(d: PyDict, which: 'keys' | 'values' | 'items'): string {
  return `${d.ordered ? 'odict' : 'dict'}_${which}`;
}

function isCallable(v: PyValue): boolean {
  return (
    v instanceof PyBuiltin ||
    v instanceof PyFunction ||
    v instanceof PyClass ||
    v instanceof PyBoundMethod ||
    (v instanceof PyInstance && v.cls.lookup('__call__') !== undefined)
  );
}

/** `math` module functions over Python floats (their arguments go through `float()`, as CPython's do). */
export function makeMath(host: BuiltinsHost): PyNamespace {
  const ns = new PyNamespace('math');
  const f = (v: PyValue | undefined): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v !== undefined && isTensorValue(v)) return Number(host.tensorScalar(v));
    throw pyError('TypeError', `must be real number, not ${typeName(v ?? null)}`);
  };
  const domain = (ok: boolean): void => {
    if (!ok) throw pyError('ValueError', 'math domain error');
  };
  const unary: Record<string, (x: number) => number> = {
    exp: (x) => {
      const y = Math.exp(x);
      if (!Number.isFinite(y) && Number.isFinite(x)) throw pyError('OverflowError', 'math range error');
      return y;
    },
    sqrt: (x) => (domain(x >= 0 || Number.isNaN(x)), Math.sqrt(x)),
    log2: (x) => (domain(x > 0 || Number.isNaN(x)), Math.log2(x)),
    log10: (x) => (domain(x > 0 || Number.isNaN(x)), Math.log10(x)),
    log1p: (x) => (domain(x > -1 || Number.isNaN(x)), Math.log1p(x)),
    expm1: Math.expm1,
    fabs: Math.abs,
    sin: Math.sin,
    cos: Math.cos,
    tan: Math.tan,
    asin: Math.asin,
    acos: Math.acos,
    atan: Math.atan,
    sinh: Math.sinh,
    cosh: Math.cosh,
    tanh: Math.tanh,
    erf: erf,
    erfc: (x) => 1 - erf(x),
    degrees: (x) => (x * 180) / Math.PI,
    radians: (x) => (x * Math.PI) / 180,
  };
  for (const [name, fn] of Object.entries(unary)) ns.attrs.set(name, new PyBuiltin(name, (a) => fn(f(a.args[0]))));
  ns.attrs.set(
    'log',
    new PyBuiltin('log', (a) => {
      const x = f(a.args[0]);
      domain(x > 0 || Number.isNaN(x));
      return a.args.length > 1 ? Math.log(x) / Math.log(f(a.args[1])) : Math.log(x);
    }),
  );
  ns.attrs.set('pow', new PyBuiltin('pow', (a) => f(a.args[0]) ** f(a.args[1])));
  ns.attrs.set('atan2', new PyBuiltin('atan2', (a) => Math.atan2(f(a.args[0]), f(a.args[1]))));
  ns.attrs.set('hypot', new PyBuiltin('hypot', (a) => Math.hypot(...a.args.map((v) => f(v)))));
  for (const name of ['floor', 'ceil', 'trunc']) {
    const fn = name === 'floor' ? Math.floor : name === 'ceil' ? Math.ceil : Math.trunc;
    ns.attrs.set(
      name,
      new PyBuiltin(name, (a) => {
        const v = a.args[0];
        if (typeof v === 'bigint') return v;
        const x = f(v);
        if (!Number.isFinite(x))
          throw pyError(
            Number.isNaN(x) ? 'ValueError' : 'OverflowError',
            Number.isNaN(x) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
          );
        return BigInt(fn(x));
      }),
    );
  }
  ns.attrs.set('isnan', new PyBuiltin('isnan', (a) => Number.isNaN(f(a.args[0]))));
  ns.attrs.set('isinf', new PyBuiltin('isinf', (a) => Math.abs(f(a.args[0])) === Infinity));
  ns.attrs.set('isfinite', new PyBuiltin('isfinite', (a) => Number.isFinite(f(a.args[0]))));
  ns.attrs.set(
    'isclose',
    new PyBuiltin('isclose', (a) => {
      const x = f(a.args[0]);
      const y = f(a.args[1]);
      const rel = a.kwargs.has('rel_tol') ? f(a.kwargs.get('rel_tol')) : 1e-9;
      const abs = a.kwargs.has('abs_tol') ? f(a.kwargs.get('abs_tol')) : 0;
      return x === y || Math.abs(x - y) <= Math.max(rel * Math.max(Math.abs(x), Math.abs(y)), abs);
    }),
  );
  ns.attrs.set(
    'fsum',
    new PyBuiltin('fsum', (a) =>
      host.interp.toArray(a.args[0] ?? null, host.interp.current!).reduce<number>((s, v) => s + f(v), 0),
    ),
  );
  ns.attrs.set(
    'prod',
    new PyBuiltin('prod', (a) =>
      host.interp
        .toArray(a.args[0] ?? null, host.interp.current!)
        .reduce<PyValue>((s, v) => host.interp.binary('*', s, v, host.interp.current!), 1n),
    ),
  );
  ns.attrs.set(
    'factorial',
    new PyBuiltin('factorial', (a) => {
      let n = 1n;
      for (let i = 2n; i <= BigInt(a.args[0] as bigint); i++) n *= i;
      return n;
    }),
  );
  ns.attrs.set('pi', Math.PI);
  ns.attrs.set('e', Math.E);
  ns.attrs.set('tau', 2 * Math.PI);
  ns.attrs.set('inf', Infinity);
  ns.attrs.set('nan', NaN);
  return ns;
}

/** The error function (Abramowitz–Stegun 7.1.26 is too coarse; this is the W. J. Cody rational approximation). */
function erf(x: number): number {
  // Series for small |x|, continued fraction (via erfc) otherwise; accurate to ~1e-15.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = ax;
    let term = ax;
    for (let n = 1; n < 100; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  let cf = 0;
  for (let n = 60; n >= 1; n--) cf = n / 2 / (ax + cf);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + cf);
  return x < 0 ? erfc - 1 : 1 - erfc;
}

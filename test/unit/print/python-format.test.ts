/**
 * Python float repr, format specs, %-formatting and str.format against Python 3.11 and 3.14 (expectations from
 * scripts/fixtures/gen_print.py).
 */
import * as assert from 'node:assert/strict';
import { PyFormatError } from '../../../src/core/runtime/format/errors';
import { pyFloatRepr, pyStrRepr } from '../../../src/core/runtime/format/py-repr';
import { formatSpec, type PyFormattable } from '../../../src/core/runtime/format/format-spec';
import { percentFormat, type PercentArgs } from '../../../src/core/runtime/format/percent';
import { parseFormatTemplate, renderFormatTemplate } from '../../../src/core/runtime/format/template';
import { decodeNumber, loadOracles, type EncodedPy, type Outcome } from './oracle';

/** A decoded Python value: primitives as the format functions take them, containers as JS arrays/maps. */
type PyValue = PyFormattable | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

function decode(v: EncodedPy): PyValue {
  switch (v.t) {
    case 'int':
      return BigInt(v.v);
    case 'float':
      return decodeNumber(v.v);
    case 'bool':
    case 'str':
      return v.v;
    case 'list':
      return v.v.map(decode);
    case 'tuple':
      return { tuple: v.v.map(decode) };
    case 'dict':
      return new Map(Object.entries(v.v).map(([k, x]) => [k, decode(x)]));
  }
}

/** Python's repr of the decoded test values (lists and dicts only hold primitives here). */
function repr(v: PyValue): string {
  if (typeof v === 'string') return pyStrRepr(v);
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return '[' + v.map(repr).join(', ') + ']';
  if (v instanceof Map) return '{' + [...v].map(([k, x]) => pyStrRepr(k) + ': ' + repr(x)).join(', ') + '}';
  return '(' + v.tuple.map(repr).join(', ') + (v.tuple.length === 1 ? ',)' : ')');
}

function str(v: PyValue): string {
  return typeof v === 'string' ? v : repr(v);
}

/** Runs one case; returns a description of the mismatch, or null when it matches the oracle. */
function check(outcome: Outcome, run: () => string, what: string): string | null {
  let got: string;
  try {
    got = run();
  } catch (e) {
    if (!(e instanceof PyFormatError)) return `${what}: threw ${String(e)}`;
    if (!outcome.error)
      return `${what}: raised ${e.pyType}: ${e.message}, Python printed ${JSON.stringify(outcome.out)}`;
    if (e.pyType !== outcome.error.type || e.message !== outcome.error.message) {
      return `${what}: raised ${e.pyType}: ${e.message}, Python raised ${outcome.error.type}: ${outcome.error.message}`;
    }
    return null;
  }
  if (outcome.error)
    return `${what}: gave ${JSON.stringify(got)}, Python raised ${outcome.error.type}: ${outcome.error.message}`;
  return got === outcome.out
    ? null
    : `${what}: gave ${JSON.stringify(got)}, Python printed ${JSON.stringify(outcome.out)}`;
}

/** Fails with every mismatch listed. */
function expectNone(failures: (string | null)[]): void {
  const real = failures.filter((f): f is string => f !== null);
  if (real.length > 0) assert.fail(`${real.length} mismatches:\n` + real.join('\n'));
}

for (const oracle of loadOracles()) {
  describe(`Python formatting matches ${oracle.label}`, () => {
    it('repr/str of floats', () => {
      for (const c of oracle.float_repr) {
        assert.equal(pyFloatRepr(decodeNumber(c.value)), c.repr, String(c.value));
        assert.equal(pyFloatRepr(decodeNumber(c.value)), c.str, String(c.value));
      }
    });
    it('repr of str', () => {
      for (const c of oracle.str_repr) assert.equal(pyStrRepr(c.text), c.repr, JSON.stringify(c.text));
    });
    it('format(value, spec)', () => {
      assert.ok(oracle.format_spec.length > 2000);
      expectNone(
        oracle.format_spec.map((c) => {
          const value = decode(c.value) as PyFormattable;
          return check(c, () => formatSpec(value, c.spec), `format(${repr(value)}, ${JSON.stringify(c.spec)})`);
        }),
      );
    });
    it('fmt % args', () => {
      const failures = oracle.percent.map((c) => {
        const decoded = decode(c.args);
        const args: PercentArgs =
          typeof decoded === 'object' && decoded !== null && 'tuple' in decoded
            ? { tuple: decoded.tuple }
            : decoded instanceof Map
              ? { single: decoded, mapping: (k) => decoded.get(k) }
              : { single: decoded };
        return check(
          c,
          () =>
            percentFormat(c.fmt, args, {
              str: (v) => str(v as PyValue),
              repr: (v) => repr(v as PyValue),
              typeName: (v) => (Array.isArray(v) ? 'list' : v instanceof Map ? 'dict' : 'tuple'),
            }),
          `${JSON.stringify(c.fmt)} % ${repr(decoded)}`,
        );
      });
      expectNone(failures);
    });
    it('str.format', () => {
      const failures = oracle.template.map((c) => {
        const args = c.args.map(decode);
        const kwargs = new Map(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
        return check(
          c,
          () =>
            renderFormatTemplate<PyValue>(parseFormatTemplate(c.template), {
              field(arg, accessors) {
                let v: PyValue | undefined = typeof arg === 'number' ? args[arg] : kwargs.get(arg);
                if (v === undefined) {
                  throw typeof arg === 'number'
                    ? new PyFormatError('IndexError', `Replacement index ${arg} out of range for positional args tuple`)
                    : new PyFormatError('KeyError', `'${arg}'`);
                }
                for (const a of accessors) {
                  if (a.kind !== 'index') throw new Error('attributes are not in these fixtures');
                  v = Array.isArray(v) ? v[a.key as number] : (v as Map<string, PyValue>).get(String(a.key));
                }
                return v!;
              },
              convert: (v, conversion) => {
                if (conversion === 's') return str(v);
                const r = repr(v);
                if (conversion === 'r') return r;
                return Array.from(r)
                  .map((ch) =>
                    ch.codePointAt(0)! < 128 ? ch : '\\x' + ch.codePointAt(0)!.toString(16).padStart(2, '0'),
                  )
                  .join('');
              },
              format: (v, spec) => {
                if (typeof v !== 'object') return formatSpec(v, spec);
                if (spec === '') return str(v);
                const name = Array.isArray(v) ? 'list' : v instanceof Map ? 'dict' : 'tuple';
                throw new PyFormatError('TypeError', `unsupported format string passed to ${name}.__format__`);
              },
            }),
          c.template,
        );
      });
      expectNone(failures);
    });
  });
}

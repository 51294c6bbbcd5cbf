/**
 * The reduction helper every loss shares: validates `reduction` with PyTorch's message and spells out what was summed
 * and what it was divided by.
 */
import { LossLensError, UNKNOWN_RANGE, type Diagnostic } from '../diagnostics';
import type { Tensor } from '../tensor';
import type { LossInputs, LossOptions, OptionValue, Reduction, ReductionBreakdown } from './types';

/** Validates a reduction string the way `torch.nn._reduction.get_enum` does. */
export function parseReduction(value: unknown, allowBatchmean = false): Reduction {
  if (value === 'none' || value === 'mean' || value === 'sum') return value;
  if (allowBatchmean && value === 'batchmean') return value;
  throw new LossLensError({
    code: 'loss/invalid-reduction',
    message: `ValueError: ${String(value)} is not a valid value for reduction`,
    explanation: `reduction must be one of 'none', 'mean' or 'sum'${allowBatchmean ? " (or 'batchmean' for kl_div)" : ''}.`,
    hint: "Use reduction='mean' (the default), 'sum' or 'none'.",
    data: { value: String(value) },
  });
}

/** Sums a typed array in float64 (Kahan–Babuška/Neumaier compensated, so large batches stay accurate). */
export function sum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = s + v;
    if (Math.abs(s) >= Math.abs(v)) c += s - t + v;
    else c += v - t + s;
    s = t;
  }
  // Once the running sum is infinite or NaN the compensation is meaningless (inf − inf): plain summation decides.
  return Number.isFinite(s) ? s + c : s;
}

/**
 * Reduces elementwise losses. For 'mean' the denominator is `count` unless `weightedDenominator` is given (the
 * CE/NLL weighted mean). Returns the value and its breakdown.
 */
export function reduce(
  perElement: ArrayLike<number>,
  reduction: Reduction,
  opts: {
    /** Divide by this instead of the element count (e.g. Σ w[yᵢ]). */
    denominator?: number;
    denominatorLabel?: string;
    why?: string;
    /** For 'batchmean': the batch size. */
    batchSize?: number;
  } = {},
): { value: number; breakdown: ReductionBreakdown } {
  return reduceTotal(sum(perElement), perElement.length, reduction, opts);
}

/**
 * {@link reduce} when the compensated sum of the `n` elementwise losses is already known (summary mode computes it
 * on the fly, in the same order, instead of keeping every element).
 */
export function reduceTotal(
  numerator: number,
  n: number,
  reduction: Reduction,
  opts: Parameters<typeof reduce>[2] = {},
): { value: number; breakdown: ReductionBreakdown } {
  switch (reduction) {
    case 'none':
      return {
        value: NaN,
        breakdown: {
          reduction,
          numerator,
          denominator: NaN,
          denominatorLabel: 'no reduction',
          why: "reduction='none' returns every element's loss",
        },
      };
    case 'sum':
      return {
        value: numerator,
        breakdown: {
          reduction,
          numerator,
          denominator: 1,
          denominatorLabel: '1',
          why: "reduction='sum' adds the losses without dividing",
        },
      };
    case 'batchmean': {
      const b = opts.batchSize ?? n;
      return {
        value: numerator / b,
        breakdown: {
          reduction,
          numerator,
          denominator: b,
          denominatorLabel: opts.denominatorLabel ?? `batch size ${b}`,
          why:
            opts.why ??
            "reduction='batchmean' divides the summed KL by the batch size, matching the mathematical definition of KL divergence",
        },
      };
    }
    case 'mean': {
      const d = opts.denominator ?? n;
      return {
        value: numerator / d,
        breakdown: {
          reduction,
          numerator,
          denominator: d,
          denominatorLabel: opts.denominatorLabel ?? `N = ${n} elements`,
          why: opts.why ?? "reduction='mean' divides the sum by the number of elements",
        },
      };
    }
  }
}

/**
 * Folds the deprecated `size_average`/`reduce` keywords into a reduction as `torch.nn._reduction.legacy_get_string`
 * does (an unset one counts as True), with PyTorch's deprecation warning text. Undefined when neither is set.
 */
export function legacyReduction(
  sizeAverage: unknown,
  reduceFlag: unknown,
): { reduction: 'none' | 'mean' | 'sum'; warning: string } | undefined {
  const isSet = (v: unknown): boolean => v !== null && v !== undefined;
  if (!isSet(sizeAverage) && !isSet(reduceFlag)) return undefined;
  // Python truthiness of the keyword values.
  const truthy = (v: unknown): boolean => (isSet(v) ? Boolean(v) : true);
  const reduction = truthy(sizeAverage) && truthy(reduceFlag) ? 'mean' : truthy(reduceFlag) ? 'sum' : 'none';
  return {
    reduction,
    warning: `size_average and reduce args will be deprecated, please use reduction='${reduction}' instead.`,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared option, broadcast and notice helpers (PyTorch's argument-parser and broadcasting texts).

/** The Python type name PyTorch's argument parser prints for an option value (`int`, `float`, `str`, `list`, ...). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object' && 'dtype' in value && 'shape' in value) return 'Tensor';
  return typeof value;
}

/**
 * PyTorch's TypeError for a keyword of the wrong type, e.g.
 * `cross_entropy_loss(): argument 'ignore_index' (position 5) must be int, not float`.
 */
export function optionTypeError(
  op: string,
  name: string,
  position: number | undefined,
  expected: string,
  value: unknown,
): LossLensError {
  const where = position === undefined ? '' : ` (position ${position})`;
  const got = pythonTypeName(value);
  return new LossLensError({
    code: 'loss/option-type',
    message: `TypeError: ${op}(): argument '${name}'${where} must be ${expected}, not ${got}`,
    explanation: `The ${name} option must be a ${expected}, but a ${got} was given.`,
    hint:
      expected === 'Tensor' ? `Wrap the values in torch.tensor([...]) for ${name}.` : `Pass ${name} as a ${expected}.`,
    data: { op, name, expected, got },
  });
}

/**
 * The broadcast shape of `a` and `b`, or PyTorch's error naming the first mismatching dimension from the right:
 * `The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1`.
 */
export function broadcastOrThrow(a: readonly number[], b: readonly number[], what: { a: string; b: string }): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const sizeA = a[a.length - n + i] ?? 1;
    const sizeB = b[b.length - n + i] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      throw new LossLensError({
        code: 'loss/broadcast',
        message: `The size of tensor a (${sizeA}) must match the size of tensor b (${sizeB}) at non-singleton dimension ${i}`,
        explanation: `${what.a} [${a.join(', ')}] and ${what.b} [${b.join(', ')}] cannot be broadcast together: dimension ${i} is ${sizeA} in one and ${sizeB} in the other.`,
        hint: `Give ${what.b} a shape that broadcasts against ${what.a}: each dimension equal, 1, or missing on the left.`,
        data: { a: `[${a.join(', ')}]`, b: `[${b.join(', ')}]`, sizeA, sizeB, dim: i, nameA: what.a, nameB: what.b },
      });
    }
    out[i] = sizeA === 1 ? sizeB : sizeA;
  }
  return out;
}

/**
 * PyTorch's error for an in-place op whose result would be larger than its output:
 * `output with shape [3, 2] doesn't match the broadcast shape [4, 3, 2]`.
 */
export function inPlaceBroadcastError(
  output: readonly number[],
  broadcast: readonly number[],
  what: string,
): LossLensError {
  return new LossLensError({
    code: 'loss/broadcast',
    message: `output with shape [${output.join(', ')}] doesn't match the broadcast shape [${broadcast.join(', ')}]`,
    explanation: `${what} has more dimensions or larger sizes than the loss itself ([${output.join(', ')}]), so PyTorch cannot apply it in place.`,
    hint: `Give ${what} a shape that broadcasts to [${output.join(', ')}] without growing it.`,
    data: { output: `[${output.join(', ')}]`, broadcast: `[${broadcast.join(', ')}]`, what },
  });
}

/** A warning or info notice for LossResult.warnings (placed later by the caller). */
export function notice(
  severity: 'warning' | 'info',
  code: string,
  message: string,
  explanation: string,
  hint?: string,
  data?: Readonly<Record<string, string | number>>,
): Diagnostic {
  return {
    ...UNKNOWN_RANGE,
    severity,
    code,
    message,
    explanation,
    ...(hint ? { hint } : {}),
    ...(data ? { data } : {}),
  };
}

/**
 * Checks keyword names against a loss's defaults (PyTorch's TypeError for an unknown one), fills in the defaults, and
 * folds deprecated `size_average`/`reduce` into `reduction` with PyTorch's deprecation warning.
 */
export function resolveOptions(
  fn: string,
  defaults: LossOptions,
  options: LossOptions,
): { options: Record<string, OptionValue>; warnings: Diagnostic[]; legacy: boolean } {
  for (const key of Object.keys(options)) {
    // Own properties only: `toString` or `valueOf` is no more a parameter than `foo` is.
    if (!Object.hasOwn(defaults, key)) {
      throw new LossLensError({
        code: 'loss/unexpected-argument',
        message: `TypeError: ${fn}() got an unexpected keyword argument '${key}'`,
        explanation: `${fn} has no parameter named ${key}.`,
        hint: `Its keyword parameters are ${Object.keys(defaults).join(', ')}.`,
        data: { loss: fn, key },
      });
    }
  }
  const resolved: Record<string, OptionValue> = { ...defaults };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) resolved[key] = value;
  const warnings: Diagnostic[] = [];
  const legacy = legacyReduction(resolved['size_average'], resolved['reduce']);
  if (legacy) {
    resolved['reduction'] = legacy.reduction;
    warnings.push(
      notice(
        'warning',
        'warn/legacy-reduction-args',
        legacy.warning,
        `size_average and reduce are deprecated; together they mean reduction='${legacy.reduction}', which overrides the reduction argument.`,
        `Remove size_average/reduce and pass reduction='${legacy.reduction}'.`,
        { reduction: legacy.reduction },
      ),
    );
  }
  return { options: resolved, warnings, legacy: legacy !== undefined };
}

/** The named input tensors, or PyTorch's TypeError for the missing ones. */
export function requireInputs(fn: string, inputs: LossInputs, names: readonly string[]): Tensor[] {
  const missing = names.filter((n) => inputs[n] === undefined);
  if (missing.length > 0) {
    const plural = missing.length > 1 ? 's' : '';
    throw new LossLensError({
      code: 'loss/missing-argument',
      message: `TypeError: ${fn}() missing ${missing.length} required positional argument${plural}: ${missing.map((m) => `'${m}'`).join(' and ')}`,
      explanation: `${fn} needs the tensors ${names.join(', ')}.`,
      hint: `Add ${missing.join(', ')}.`,
      data: { loss: fn, missing: missing.join(', ') },
    });
  }
  return names.map((n) => inputs[n]!);
}

/** True when an option value is a tensor (not a number, string, list or None). */
export function isTensorValue(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'dtype' in value && 'shape' in value;
}

/** A `Tensor`-typed keyword (`weight`, `pos_weight`): the tensor, undefined for None, or PyTorch's TypeError. */
export function tensorOption(
  op: string,
  name: string,
  position: number | undefined,
  value: OptionValue | undefined,
): Tensor | undefined {
  if (value === null || value === undefined) return undefined;
  if (isTensorValue(value)) return value;
  throw optionTypeError(op, name, position, 'Tensor', value);
}

/** An `int` keyword (`ignore_index`). Omitted gives the fallback; None and bool are TypeErrors, as in PyTorch. */
export function intOption(
  op: string,
  name: string,
  position: number | undefined,
  value: OptionValue | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw optionTypeError(op, name, position, 'int', value);
}

/** A `float` keyword (`label_smoothing`, `margin`): ints and booleans are accepted, None is a TypeError. */
export function floatOption(
  op: string,
  name: string,
  position: number | undefined,
  value: OptionValue | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  throw optionTypeError(op, name, position, 'float', value);
}

/** A `bool` keyword (`log_target`): only True/False, as PyTorch's argument parser insists. */
export function boolOption(
  op: string,
  name: string,
  position: number | undefined,
  value: OptionValue | undefined,
  fallback: boolean,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw optionTypeError(op, name, position, 'bool', value);
}

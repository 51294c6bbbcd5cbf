/**
 * The static checker for one loss call. Shape-mode errors are not re-implemented here: the loss engine itself runs on
 * placeholder tensors of the call's shapes and dtypes (literal values where they are known), so value mode and shape
 * mode reject exactly the same calls with exactly the same text. This module chooses the placeholders, keeps the
 * diagnostics that do not depend on invented values, and adds the mechanical fixes (text edits on the call's
 * arguments) for the mistakes people make most.
 */
import type { TorchVersion } from '../losses/types';
import type { Diagnostic, Fix, SourceRange, TextEdit } from '../diagnostics';
import type { Call, Expr } from '../python/ast';
import type { LossDefinition, LossOptions, LossResult, OptionValue } from '../losses/types';
import { broadcastWarning } from '../losses/regression';
import { runLoss } from '../run';
import { allocate, formatShape, isFloating, numel, type DType, type Tensor } from '../tensor';
import type { SourceText } from './source';
import { concreteShape, type Arg, type TensorValue } from './values';

/** Warnings that depend only on shapes, dtypes and options, so they hold for placeholder values too. */
const SHAPE_WARNINGS = new Set([
  'warn/broadcast',
  'warn/silent-broadcast',
  'warn/kl-mean',
  'warn/legacy-reduction-args',
  'warn/deprecated-reduction',
  'warn/half-cpu-kernel',
  'warn/empty-mean',
  'warn/empty-batch-undefined',
  'info/label-smoothing-negative',
]);

/** True for a warning that depends only on shapes, dtypes and options. */
export function isShapeWarning(code: string): boolean {
  return SHAPE_WARNINGS.has(code);
}

/** Work (elements) up to which the engine runs on the real shapes with placeholders. */
const REAL_SHAPE_LIMIT = 1 << 16;
/** Element reads allowed when the engine runs on virtual (unallocated) data of large shapes. */
const VIRTUAL_READ_BUDGET = 200_000;
/** Most elements a call may compute with known values (beyond it, only the shapes are checked). */
const MAX_WORK = 4_000_000;
/** Known tensors up to this many values take part in the memo key (literals repeat in a file, large data does not). */
const CACHED_VALUES = 64;

/** Where a loss call stands and what it was given, for running the engine and building fixes. */
export interface LossSite {
  /** Functional name (`cross_entropy`). */
  readonly fn: string;
  readonly moduleName: string;
  readonly def: LossDefinition | undefined;
  readonly style: 'functional' | 'module';
  /** The call `F.cross_entropy(x, y)` or `criterion(x, y)`. */
  readonly call: Call;
  /** Where the loss's name is written (to switch losses): the functional's name, or the module class in the constructor. */
  readonly nameRange?: SourceRange;
  /** The module's constructor call (module style). */
  readonly ctor?: Call;
  /** Tensor arguments by parameter name. */
  readonly inputs: ReadonlyMap<string, Arg>;
  /** Keyword options by name (from the call, or from the constructor for module style). */
  readonly options: ReadonlyMap<string, Arg>;
  readonly source: SourceText;
}

/** What running the engine on a call's shapes produced. */
export interface ShapeOutcome {
  readonly diagnostics: Diagnostic[];
  /** The engine's result when it ran on real values only (value mode). */
  readonly result?: LossResult;
  /** The output's shape and dtype when the call is accepted. */
  readonly output?: { readonly shape: readonly number[]; readonly dtype: DType };
}

/** The value a placeholder holds: 0 is a valid class index and 0.5 a valid probability, so no value check fires. */
function placeholderValue(dtype: DType): number {
  return isFloating(dtype) ? 0.5 : 0;
}

class BudgetExceeded extends Error {}

/** Placeholder data that is never allocated: every read returns the same value, and reads are counted. */
function virtualData(length: number, value: number, budget: { left: number }): Tensor['data'] {
  const handler: ProxyHandler<object> = {
    get(_target, prop) {
      if (prop === 'length') return length;
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        if (--budget.left < 0) throw new BudgetExceeded();
        return Number(prop) < length ? value : undefined;
      }
      if (prop === Symbol.iterator) {
        return function* iterate() {
          for (let i = 0; i < length; i++) {
            if (--budget.left < 0) throw new BudgetExceeded();
            yield value;
          }
        };
      }
      return undefined;
    },
  };
  return new Proxy({}, handler) as unknown as Tensor['data'];
}

function placeholder(shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, numel(shape));
  data.fill(placeholderValue(dtype));
  return { dtype, shape: [...shape], data };
}

/** An engine input: known values, or a placeholder of the shape and dtype. */
interface EngineTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data?: Tensor;
}

/** The shape and dtype of a tensor value when both are fully known. */
export function engineTensor(v: TensorValue, maxKnown: number): EngineTensor | undefined {
  const shape = concreteShape(v.shape);
  if (!shape || !v.dtype) return undefined;
  return v.data && numel(shape) <= maxKnown ? { shape, dtype: v.dtype, data: v.data } : { shape, dtype: v.dtype };
}

/**
 * Runs the engine on a call's tensors. Tensors with known values are passed as they are; the others become
 * placeholders. With placeholders, only errors and shape-derived warnings are kept (a warning about values would be
 * about invented values). Large shapes run on small stand-in sizes first, and on the real sizes (unallocated) only
 * when that run finds an error, to get PyTorch's text with the real sizes.
 */
export function runOnShapes(
  def: LossDefinition,
  inputs: Readonly<Record<string, EngineTensor>>,
  options: Readonly<Record<string, OptionValue | EngineTensor>>,
  range: SourceRange,
  cache?: Map<string, ShapeOutcome>,
  torchVersion?: TorchVersion,
): ShapeOutcome {
  // Calls on placeholders only depend on the shapes, dtypes and options: a file repeats them, the engine runs once.
  const key = cache && cacheKey(def, inputs, options);
  if (key !== undefined) {
    const hit = cache!.get(key);
    if (hit) return { ...hit, diagnostics: hit.diagnostics.map((d) => ({ ...d, ...range })) };
  }
  const outcome = runUncached(def, inputs, options, range, torchVersion);
  if (key !== undefined) cache!.set(key, outcome);
  return outcome;
}

/**
 * A tensor's values as key text: their bytes (the dtype is in the key beside them), a fifth of the cost of printing
 * each number, and -0 and 0 stay apart. `apply` takes the typed array as it is, where a spread would iterate it (three
 * to five times slower); at most {@link CACHED_VALUES} values come here, far below any limit on arguments.
 */
function valuesKey(data: Tensor['data']): string {
  const bytes = data.byteLength;
  const units =
    bytes % 2 === 0
      ? new Uint16Array(data.buffer, data.byteOffset, bytes / 2)
      : new Uint8Array(data.buffer, data.byteOffset, bytes);
  return String.fromCharCode.apply(null, units as unknown as number[]);
}

/** One tensor's part of a memo key (undefined when it holds more known values than are worth comparing). */
function tensorKey(name: string, t: EngineTensor): string | undefined {
  if (t.data && t.data.data.length > CACHED_VALUES) return undefined;
  let key = `${name}:${t.dtype}[`;
  for (let i = 0; i < t.shape.length; i++) key += i === 0 ? `${t.shape[i]}` : `,${t.shape[i]}`;
  key += ']';
  return t.data ? `${key}=${valuesKey(t.data.data)}` : key;
}

/**
 * The memo key of a call (undefined when it holds more known values than are worth comparing). Built by
 * concatenation: a check makes one per loss call, and the entries/join version was a tenth of a call's time.
 */
function cacheKey(
  def: LossDefinition,
  inputs: Readonly<Record<string, EngineTensor>>,
  options: Readonly<Record<string, OptionValue | EngineTensor>>,
): string | undefined {
  let key = def.name;
  for (const k in inputs) {
    const part = tensorKey(k, inputs[k]!);
    if (part === undefined) return undefined;
    key += `;${part}`;
  }
  for (const k in options) {
    const v = options[k]!;
    if (isEngineTensor(v)) {
      const part = tensorKey(k, v);
      if (part === undefined) return undefined;
      key += `;${part}`;
    } else {
      key += `;${k}=${JSON.stringify(v)}`;
    }
  }
  return key;
}

function runUncached(
  def: LossDefinition,
  inputs: Readonly<Record<string, EngineTensor>>,
  options: Readonly<Record<string, OptionValue | EngineTensor>>,
  range: SourceRange,
  torchVersion?: TorchVersion,
): ShapeOutcome {
  const tensors = [...Object.values(inputs), ...Object.values(options).filter(isEngineTensor)];
  // Broadcasting can make the work far larger than the operands ([N, 1] against [N] is N² elements).
  const work = Math.max(
    tensors.reduce((s, t) => s + numel(t.shape), 0),
    numel(broadcastOf(...tensors.map((t) => t.shape))),
  );
  if (work > MAX_WORK && tensors.some((t) => t.data)) {
    // Too much to compute: check the shapes alone.
    const strip = (t: EngineTensor): EngineTensor => ({ shape: t.shape, dtype: t.dtype });
    return runUncached(
      def,
      mapRecord(inputs, strip),
      mapRecord(options, (v) => (isEngineTensor(v) ? strip(v) : v)),
      range,
    );
  }
  const settings = torchVersion ? { torchVersion } : undefined;
  const placeholders = tensors.filter((t) => !t.data);
  if (placeholders.length === 0 || work <= REAL_SHAPE_LIMIT) {
    const materialize = (t: EngineTensor): Tensor => t.data ?? placeholder(t.shape, t.dtype);
    const outcome = runLoss(
      {
        loss: def.name,
        inputs: mapValues(inputs, materialize),
        options: mapOptions(options, materialize),
        range,
      },
      settings,
    );
    return summarize(outcome, placeholders.length > 0);
  }
  // Stand-in sizes: every distinct size above 1 gets a small one (equal sizes stay equal; 0 and 1 stay as they are).
  const sizes = [...new Set(tensors.flatMap((t) => t.shape).filter((d) => d > 1))].sort((a, b) => a - b);
  const small = new Map<number, number>(sizes.map((d, i) => [d, i + 2]));
  const back = new Map<number, number>(sizes.map((d, i) => [i + 2, d]));
  const shrink = (t: EngineTensor): Tensor =>
    placeholder(
      t.shape.map((d) => small.get(d) ?? d),
      t.dtype,
    );
  const trial = runLoss(
    {
      loss: def.name,
      inputs: mapValues(inputs, shrink),
      options: mapOptions(options, shrink),
      range,
    },
    settings,
  );
  const failed = trial.diagnostics.some((d) => d.severity === 'error');
  if (!failed) {
    const result = trial.results[0];
    const output = result
      ? { shape: result.output.shape.map((d) => back.get(d) ?? d), dtype: result.output.dtype }
      : undefined;
    const diagnostics = trial.diagnostics.flatMap((d) => {
      if (!SHAPE_WARNINGS.has(d.code)) return [];
      if (!/\d/.test(d.message)) return [d];
      if (d.code === 'warn/broadcast' && inputs['input'] && inputs['target']) {
        const input = { shape: inputs['input'].shape } as Tensor;
        const target = { shape: inputs['target'].shape } as Tensor;
        const shape = output?.shape ?? [];
        return [
          {
            ...broadcastWarning(input, target, shape.length > 0 ? shape : broadcastOf(input.shape, target.shape)),
            ...range,
          },
        ];
      }
      return [];
    });
    return { diagnostics, ...(output ? { output } : {}) };
  }
  // Real sizes on virtual data: the checks that fail come before any loop over the values.
  const budget = { left: VIRTUAL_READ_BUDGET };
  const virtual = (t: EngineTensor): Tensor => ({
    dtype: t.dtype,
    shape: [...t.shape],
    data: virtualData(numel(t.shape), placeholderValue(t.dtype), budget),
  });
  try {
    const real = runLoss(
      {
        loss: def.name,
        inputs: mapValues(inputs, virtual),
        options: mapOptions(options, virtual),
        range,
      },
      settings,
    );
    const errors = real.diagnostics.filter((d) => d.severity === 'error' && d.code !== 'internal/error');
    return { diagnostics: errors };
  } catch {
    return { diagnostics: [] };
  }
}

/** The broadcast of shapes, taking the larger size where they disagree (an estimate of the work, not a check). */
function broadcastOf(...shapes: (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: n }, (_, i) => Math.max(1, ...shapes.map((s) => s[s.length - n + i] ?? 1)));
}

function mapRecord<T, U>(record: Readonly<Record<string, T>>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

function isEngineTensor(v: unknown): v is EngineTensor {
  return typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v && !('kind' in v);
}

function mapValues(
  inputs: Readonly<Record<string, EngineTensor>>,
  f: (t: EngineTensor) => Tensor,
): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, f(t)]));
}

function mapOptions(
  options: Readonly<Record<string, OptionValue | EngineTensor>>,
  f: (t: EngineTensor) => Tensor,
): LossOptions {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, isEngineTensor(v) ? f(v) : v]));
}

function summarize(
  outcome: { results: readonly LossResult[]; diagnostics: readonly Diagnostic[] },
  placeholders: boolean,
): ShapeOutcome {
  const diagnostics = outcome.diagnostics.filter(
    (d) => d.code !== 'internal/error' && (d.severity === 'error' || !placeholders || SHAPE_WARNINGS.has(d.code)),
  );
  const result = outcome.results[0];
  return {
    diagnostics,
    ...(result && !placeholders ? { result } : {}),
    ...(result ? { output: { shape: result.output.shape, dtype: result.output.dtype } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Fixes

function shapeOf(arg: Arg | undefined): readonly number[] | undefined {
  if (!arg || arg.value.kind !== 'tensor') return undefined;
  return concreteShape(arg.value.shape);
}

function dtypeOf(arg: Arg | undefined): DType | undefined {
  return arg && arg.value.kind === 'tensor' ? arg.value.dtype : undefined;
}

function fix(title: string, edits: readonly TextEdit[]): Fix {
  return { title, edits };
}

/** The text edits for the keyword `reduction=...`: replace its value, or add it to the call that holds the options. */
function reductionEdit(site: LossSite, value: string): TextEdit | undefined {
  const existing = site.options.get('reduction');
  if (existing) return { range: existing.node.range, newText: `'${value}'` };
  const holder = site.style === 'module' ? site.ctor : site.call;
  if (!holder) return undefined;
  return insertArgument(holder, `reduction='${value}'`);
}

/** An edit adding `text` as the last argument of a call. */
function insertArgument(call: Call, text: string): TextEdit {
  const args: Expr[] = [...call.args, ...call.keywords.map((k) => k.value)];
  if (args.length === 0) {
    const end = call.range;
    const at = { line: end.endLine, column: end.endColumn - 1, endLine: end.endLine, endColumn: end.endColumn - 1 };
    return { range: at, newText: text };
  }
  const last = args.reduce((a, b) =>
    a.range.endLine > b.range.endLine || (a.range.endLine === b.range.endLine && a.range.endColumn >= b.range.endColumn)
      ? a
      : b,
  );
  const at = {
    line: last.range.endLine,
    column: last.range.endColumn,
    endLine: last.range.endLine,
    endColumn: last.range.endColumn,
  };
  return { range: at, newText: `, ${text}` };
}

/** The functional/module name of the other BCE flavour. */
function switchBceEdit(site: LossSite, toLogits: boolean): TextEdit | undefined {
  if (!site.nameRange) return undefined;
  const current = site.source.slice(site.nameRange);
  const from =
    site.style === 'module'
      ? toLogits
        ? 'BCELoss'
        : 'BCEWithLogitsLoss'
      : toLogits
        ? 'binary_cross_entropy'
        : 'binary_cross_entropy_with_logits';
  const to =
    site.style === 'module'
      ? toLogits
        ? 'BCEWithLogitsLoss'
        : 'BCELoss'
      : toLogits
        ? 'binary_cross_entropy_with_logits'
        : 'binary_cross_entropy';
  if (!current.endsWith(from)) return undefined;
  return { range: site.nameRange, newText: current.slice(0, current.length - from.length) + to };
}

/** Fixes that move a trailing class dimension to dimension 1, or flatten input and target. */
function classDimFixes(site: LossSite, input: Arg, target: Arg, s: readonly number[]): Fix[] {
  const src = site.source;
  const rank = s.length;
  const perm = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)].join(', ');
  const classes = s[rank - 1]!;
  return [
    fix(`Move the classes to dimension 1: .permute(${perm})`, [src.appendCall(input.node, `.permute(${perm})`)]),
    fix(`Flatten: input .reshape(-1, ${classes}) and target .reshape(-1)`, [
      src.appendCall(input.node, `.reshape(-1, ${classes})`),
      src.appendCall(target.node, '.reshape(-1)'),
    ]),
  ];
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Adds the mechanical fixes for a diagnostic of a loss call (the diagnostic is returned unchanged when none apply). */
export function withFixes(d: Diagnostic, site: LossSite): Diagnostic {
  const fixes = fixesFor(d, site);
  if (fixes.length === 0) return d;
  return { ...d, fixes: [...fixes, ...(d.fixes ?? [])] };
}

function fixesFor(d: Diagnostic, site: LossSite): Fix[] {
  const src = site.source;
  const input = site.inputs.get('input');
  const target = site.inputs.get('target');
  const s = shapeOf(input);
  const t = shapeOf(target);
  const classIndexLoss = site.fn === 'cross_entropy' || site.fn === 'nll_loss';
  const bce = site.fn === 'binary_cross_entropy' || site.fn === 'binary_cross_entropy_with_logits';
  switch (d.code) {
    case 'loss/target-size': {
      if (!input || !target || !s || !t) return [];
      if (classIndexLoss && s.length >= 3 && sameDims(t, s.slice(0, -1))) return classDimFixes(site, input, target, s);
      if (bce || site.fn === 'mse_loss') return elementwiseShapeFixes(site, input, target, s, t);
      return [];
    }
    case 'loss/batch-size': {
      if (!input || !target || !s || !t || !classIndexLoss) return [];
      if (s.length >= 3 && numel(s.slice(0, -1)) === numel(t)) {
        const classes = s[s.length - 1]!;
        return [
          fix(`Flatten: input .reshape(-1, ${classes}) and target .reshape(-1)`, [
            src.appendCall(input.node, `.reshape(-1, ${classes})`),
            src.appendCall(target.node, '.reshape(-1)'),
          ]),
        ];
      }
      if (t.length >= 2 && numel(t) === s[0])
        return [fix('Flatten the target: .reshape(-1)', [src.appendCall(target.node, '.reshape(-1)')])];
      return [];
    }
    case 'loss/multi-target': {
      if (!target || !t) return [];
      if (t.length === 2 && t[1] === 1)
        return [fix('Drop the extra dimension: .squeeze(1)', [src.appendCall(target.node, '.squeeze(1)')])];
      if (s && t.length === 2 && t[1] === s[1])
        return [fix('Use class indices: .argmax(dim=1)', [src.appendCall(target.node, '.argmax(dim=1)')])];
      return [];
    }
    case 'loss/target-dtype': {
      if (!target) return [];
      const dtype = dtypeOf(target);
      if (d.message.startsWith('Expected floating point type for target with class probabilities')) {
        const fixes = [fix('Keep class probabilities: .float()', [src.appendCall(target.node, '.float()')])];
        if (s && s.length >= 1)
          fixes.unshift(
            fix(`Use class indices: .argmax(dim=${s.length === 1 ? 0 : 1})`, [
              src.appendCall(target.node, `.argmax(dim=${s.length === 1 ? 0 : 1})`),
            ]),
          );
        return fixes;
      }
      if (d.message.startsWith('expected scalar type Long'))
        return [fix('Convert the class indices: .long()', [src.appendCall(target.node, '.long()')])];
      if (dtype && !isFloating(dtype)) {
        const inputDtype = dtypeOf(input);
        const call = inputDtype === 'float64' ? '.double()' : '.float()';
        return [fix(`Convert the target: ${call}`, [src.appendCall(target.node, call)])];
      }
      return [];
    }
    case 'loss/input-dtype': {
      if (!input) return [];
      const dtype = dtypeOf(input);
      if (dtype && !isFloating(dtype))
        return [fix('Convert the input: .float()', [src.appendCall(input.node, '.float()')])];
      return [];
    }
    case 'loss/bce-input-range': {
      const fixes: Fix[] = [];
      const edit = switchBceEdit(site, true);
      if (edit)
        fixes.push(
          fix(site.style === 'module' ? 'Switch to BCEWithLogitsLoss' : 'Switch to binary_cross_entropy_with_logits', [
            edit,
          ]),
        );
      if (input)
        fixes.push(
          fix('Apply the sigmoid first: torch.sigmoid(input)', [
            { range: input.node.range, newText: `torch.sigmoid(${src.slice(input.node.range)})` },
          ]),
        );
      return fixes;
    }
    case 'warn/broadcast': {
      if (!input || !target || !s || !t) return [];
      return elementwiseShapeFixes(site, input, target, s, t);
    }
    case 'warn/kl-mean': {
      const edit = reductionEdit(site, 'batchmean');
      return edit ? [fix("Use reduction='batchmean'", [edit])] : [];
    }
    default:
      return [];
  }
}

/** For elementwise losses given [N, 1] against [N] (or the reverse): squeeze the extra dimension. */
function elementwiseShapeFixes(
  site: LossSite,
  input: Arg,
  target: Arg,
  s: readonly number[],
  t: readonly number[],
): Fix[] {
  const src = site.source;
  // `.view_as(x)` only when the input is a plain name (repeating an expression would compute it twice).
  const viewAs = input.node.kind === 'Name' ? src.slice(input.node.range) : undefined;
  if (s.length === t.length + 1 && s[s.length - 1] === 1 && sameDims(s.slice(0, -1), t)) {
    return [
      fix(`Drop the input's last dimension: .squeeze(${s.length - 1})`, [
        src.appendCall(input.node, `.squeeze(${s.length - 1})`),
      ]),
      ...(viewAs
        ? [
            fix(`Give the target the input's shape: .view_as(${viewAs})`, [
              src.appendCall(target.node, `.view_as(${viewAs})`),
            ]),
          ]
        : []),
    ];
  }
  if (t.length === s.length + 1 && t[t.length - 1] === 1 && sameDims(t.slice(0, -1), s)) {
    return [
      fix(`Drop the target's last dimension: .squeeze(${t.length - 1})`, [
        src.appendCall(target.node, `.squeeze(${t.length - 1})`),
      ]),
    ];
  }
  if (numel(s) === numel(t) && viewAs) {
    return [
      fix(`Give the target the input's shape ${formatShape(s)}: .view_as(${viewAs})`, [
        src.appendCall(target.node, `.view_as(${viewAs})`),
      ]),
    ];
  }
  return [];
}

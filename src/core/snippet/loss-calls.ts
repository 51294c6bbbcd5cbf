/**
 * Loss calls in a snippet: which calls are losses (`F.cross_entropy(...)`, `torch.nn.functional.cross_entropy(...)`,
 * `nn.CrossEntropyLoss(...)(x, y)`, a module held in a variable), how their arguments map to the engine's inputs and
 * options, and what running them gives: a value and breakdown when every tensor is known, the checker's diagnostics
 * when only shapes are, and the warnings that come from the code itself (softmax before cross_entropy...).
 */
import type { TorchVersion } from '../losses/types';
import type { Diagnostic, Fix, SourceRange, TextEdit } from '../diagnostics';
import type { Call } from '../python/ast';
import { findLoss } from '../losses/index';
import type { LossDefinition, LossInputs, LossOptions, LossResult, OptionValue } from '../losses/types';
import { isFloating } from '../tensor';
import { checkOneArgumentDtypes, type SymbolicInput } from './symbolic-check';
import { sym } from '../torch/symbolic/dim';
import { engineTensor, isShapeWarning, runOnShapes, withFixes, type LossSite, type ShapeOutcome } from './check';
import type { OpLimits } from './ops';
import type { SourceText } from './source';
import {
  known,
  shaped,
  UNKNOWN,
  type Arg,
  type LossModuleSpec,
  type Producer,
  type TensorValue,
  type Value,
} from './values';

/** torch.nn's losses: functional name, module name and tensor parameters. */
const CATALOGUE: readonly (readonly [fn: string, moduleName: string, inputs: readonly string[]])[] = [
  ['cross_entropy', 'CrossEntropyLoss', ['input', 'target']],
  ['nll_loss', 'NLLLoss', ['input', 'target']],
  ['binary_cross_entropy', 'BCELoss', ['input', 'target']],
  ['binary_cross_entropy_with_logits', 'BCEWithLogitsLoss', ['input', 'target']],
  ['kl_div', 'KLDivLoss', ['input', 'target']],
  ['mse_loss', 'MSELoss', ['input', 'target']],
  ['l1_loss', 'L1Loss', ['input', 'target']],
  ['smooth_l1_loss', 'SmoothL1Loss', ['input', 'target']],
  ['huber_loss', 'HuberLoss', ['input', 'target']],
  ['soft_margin_loss', 'SoftMarginLoss', ['input', 'target']],
  ['margin_ranking_loss', 'MarginRankingLoss', ['input1', 'input2', 'target']],
  ['hinge_embedding_loss', 'HingeEmbeddingLoss', ['input', 'target']],
  ['multi_margin_loss', 'MultiMarginLoss', ['input', 'target']],
  ['multilabel_margin_loss', 'MultiLabelMarginLoss', ['input', 'target']],
  ['multilabel_soft_margin_loss', 'MultiLabelSoftMarginLoss', ['input', 'target']],
  ['cosine_embedding_loss', 'CosineEmbeddingLoss', ['input1', 'input2', 'target']],
  ['triplet_margin_loss', 'TripletMarginLoss', ['anchor', 'positive', 'negative']],
  ['triplet_margin_with_distance_loss', 'TripletMarginWithDistanceLoss', ['anchor', 'positive', 'negative']],
  ['poisson_nll_loss', 'PoissonNLLLoss', ['input', 'target']],
  ['gaussian_nll_loss', 'GaussianNLLLoss', ['input', 'target', 'var']],
  ['ctc_loss', 'CTCLoss', ['log_probs', 'targets', 'input_lengths', 'target_lengths']],
  // PyTorch 2.x. The module holds its own (randomly initialised) linear layer: its calls are recognised, not computed.
  ['linear_cross_entropy', 'LinearCrossEntropyLoss', ['input', 'linear_weight', 'target']],
];

/** Inputs whose values (not only shapes) the engine needs before it can judge a call (CTC's lengths). */
const VALUE_INPUTS: Readonly<Record<string, readonly string[]>> = {
  ctc_loss: ['targets', 'input_lengths', 'target_lengths'],
};

/** Errors about values that an option (ignore_index...) can excuse. */
const VALUE_ERRORS = new Set(['loss/index-out-of-bounds', 'loss/target-range', 'loss/bce-input-range']);

/** A loss as the catalogue and the engine know it. */
export interface LossEntry {
  readonly fn: string;
  readonly moduleName: string;
  readonly inputs: readonly string[];
  readonly def: LossDefinition | undefined;
  /** Keyword names a library spells differently from the engine (torchvision's `inputs=` is the engine's `input`). */
  readonly keywordAliases?: Readonly<Record<string, string>>;
}

/**
 * Losses outside torch.nn, by their full path. Kept apart from the torch catalogue so that `F.sigmoid_focal_loss`
 * (which does not exist) is not taken for torchvision's.
 */
const LIBRARY_LOSSES: Readonly<Record<string, { fn: string; keywordAliases: Readonly<Record<string, string>> }>> = {
  'torchvision.ops.sigmoid_focal_loss': {
    fn: 'sigmoid_focal_loss',
    keywordAliases: { inputs: 'input', targets: 'target' },
  },
  'torchvision.ops.focal_loss.sigmoid_focal_loss': {
    fn: 'sigmoid_focal_loss',
    keywordAliases: { inputs: 'input', targets: 'target' },
  },
};

/** The loss a library function path (`torchvision.ops.sigmoid_focal_loss`) names. */
export function lossByLibraryPath(path: string): LossEntry | undefined {
  const known = LIBRARY_LOSSES[path];
  const def = known ? findLoss(known.fn) : undefined;
  return known && def
    ? { fn: known.fn, moduleName: def.moduleName, inputs: def.inputs, def, keywordAliases: known.keywordAliases }
    : undefined;
}

function entry(row: (typeof CATALOGUE)[number]): LossEntry {
  const def = findLoss(row[0]);
  return { fn: row[0], moduleName: row[1], inputs: def?.inputs ?? row[2], def };
}

/** The loss a functional name (`cross_entropy`) names. */
export function lossByFunctional(name: string): LossEntry | undefined {
  const row = CATALOGUE.find((r) => r[0] === name);
  return row ? entry(row) : undefined;
}

/** The loss a module class (`CrossEntropyLoss`) names. */
export function lossByModule(name: string): LossEntry | undefined {
  const row = CATALOGUE.find((r) => r[1] === name);
  return row ? entry(row) : undefined;
}

/** The loss a `--loss NAME` option names (functional or module). */
export function lossByName(name: string): LossEntry | undefined {
  return lossByFunctional(name) ?? lossByModule(name);
}

/** A call's arguments as evaluated. `dynamic` when `*args`/`**kwargs` make the mapping unknowable. */
export interface CallArgs {
  readonly positional: readonly Arg[];
  readonly keywords: ReadonlyMap<string, Arg>;
  readonly dynamic: boolean;
}

/** One loss call found in the snippet. */
export interface SnippetCall {
  /** The whole call expression. */
  readonly range: SourceRange;
  /** Functional name of the loss (`cross_entropy`). */
  readonly fn: string;
  /** The value and breakdown, when every tensor's values were known and PyTorch would accept the call. */
  readonly result?: LossResult;
  /** The tensors and options the call computed `result` from (present with `result`), for recomputing what-ifs. */
  readonly computed?: { readonly inputs: LossInputs; readonly options: LossOptions };
  readonly diagnostics: readonly Diagnostic[];
}

/** What the evaluator lends to loss calls. */
export interface LossHost {
  readonly mode: 'value' | 'shape';
  readonly limits: OpLimits;
  readonly source: SourceText;
  /** Outcomes of calls on placeholders, by shapes, dtypes and options. */
  readonly shapeCache: Map<string, ShapeOutcome>;
  /** Whose PyTorch the loss calls follow (default: current, 2.x). */
  readonly torchVersion?: TorchVersion;
}

/** Builds the module value for `nn.CrossEntropyLoss(...)`: constructor arguments become the call's options. */
export function buildLossModule(loss: LossEntry, call: Call, args: CallArgs): LossModuleSpec {
  const names = loss.def ? Object.keys(loss.def.defaults) : [];
  const options = new Map<string, Arg>();
  // nn.LinearCrossEntropyLoss(in_features, num_classes) owns its weights: nothing to compute from the snippet.
  let complete =
    !args.dynamic && loss.fn !== 'linear_cross_entropy' && (loss.def !== undefined || args.positional.length === 0);
  args.positional.forEach((a, i) => {
    const name = names[i];
    if (name === undefined) complete = false;
    else options.set(name, a);
  });
  for (const [k, a] of args.keywords) options.set(k, a);
  return { type: 'loss', fn: loss.fn, moduleName: loss.moduleName, def: loss.def, options, complete, ctor: call };
}

/** Python's TypeError for too many positional arguments. */
function tooManyArguments(fn: string, required: number, total: number, given: number, range: SourceRange): Diagnostic {
  return {
    ...range,
    severity: 'error',
    code: 'loss/too-many-arguments',
    message: `TypeError: ${fn}() takes from ${required} to ${total} positional arguments but ${given} were given`,
    explanation: `${fn} takes ${total} parameters at most; the extra positional arguments have nowhere to go.`,
    hint: "Pass the options by keyword, e.g. reduction='sum'.",
    data: { fn, required, total, given },
  };
}

/** Python's TypeError for an argument given both by position and by keyword. */
function multipleValues(fn: string, name: string, range: SourceRange): Diagnostic {
  return {
    ...range,
    severity: 'error',
    code: 'loss/unexpected-argument',
    message: `TypeError: ${fn}() got multiple values for argument '${name}'`,
    explanation: `${name} is given by position and again by keyword.`,
    hint: `Remove one of the two ${name} arguments.`,
    data: { fn, name },
  };
}

/** The shape of a loss call: what is the loss, which arguments are tensors and which are options. */
export interface LossCallSpec {
  readonly loss: LossEntry;
  readonly style: 'functional' | 'module';
  readonly call: Call;
  readonly nameRange?: SourceRange;
  readonly module?: LossModuleSpec;
  readonly args: CallArgs;
}

/** A call's arguments by the loss's parameter names, with the argument-binding problems and the fix-building site. */
function lossSite(
  host: LossHost,
  spec: LossCallSpec,
): { inputs: Map<string, Arg>; options: Map<string, Arg>; problems: Diagnostic[]; complete: boolean; site: LossSite } {
  const { loss, call, args } = spec;
  const range = call.range;
  const inputs = new Map<string, Arg>();
  const options = new Map<string, Arg>();
  const problems: Diagnostic[] = [];
  let complete = !args.dynamic && (spec.module ? spec.module.complete : true);
  if (spec.style === 'functional') {
    const params = [...loss.inputs, ...(loss.def ? Object.keys(loss.def.defaults) : [])];
    args.positional.forEach((a, i) => {
      const name = params[i];
      if (name === undefined) return;
      (i < loss.inputs.length ? inputs : options).set(name, a);
    });
    if (loss.def && !args.dynamic && args.positional.length > params.length) {
      const required = loss.inputs.length - (loss.def.optionalInputs?.length ?? 0);
      problems.push(tooManyArguments(loss.fn, required, params.length, args.positional.length, range));
    }
    if (!loss.def && args.positional.length > loss.inputs.length) complete = false;
    for (const [written, a] of args.keywords) {
      const alias =
        loss.keywordAliases && Object.hasOwn(loss.keywordAliases, written) ? loss.keywordAliases[written] : undefined;
      const k = alias ?? written;
      if (inputs.has(k) || options.has(k)) problems.push(multipleValues(loss.fn, k, range));
      else (loss.inputs.includes(k) ? inputs : options).set(k, a);
    }
  } else {
    if (args.positional.length > loss.inputs.length) complete = false;
    args.positional.forEach((a, i) => {
      const name = loss.inputs[i];
      if (name !== undefined) inputs.set(name, a);
    });
    for (const [k, a] of args.keywords) {
      if (loss.inputs.includes(k) && !inputs.has(k)) inputs.set(k, a);
      else complete = false;
    }
    for (const [k, a] of spec.module!.options) options.set(k, a);
  }
  const site: LossSite = {
    fn: loss.fn,
    moduleName: loss.moduleName,
    def: loss.def,
    style: spec.style,
    call,
    ...(spec.nameRange ? { nameRange: spec.nameRange } : {}),
    ...(spec.module ? { ctor: spec.module.ctor } : {}),
    inputs,
    options,
    source: host.source,
  };
  return { inputs, options, problems, complete, site };
}

/**
 * A call checked over symbolic shapes (shape mode): its engine diagnostics with their mechanical fixes, and the
 * code-level warnings about what produced its input (softmax before cross-entropy, …), as {@link evaluateLossCall}
 * gives them on known shapes.
 */
export function withCodeLevelDiagnostics(
  host: LossHost,
  spec: LossCallSpec,
  engine: readonly Diagnostic[],
): Diagnostic[] {
  const { problems, site } = lossSite(host, spec);
  if (problems.length > 0) return problems;
  const codeWarnings = producerWarnings(site);
  const codes = new Set(codeWarnings.map((d) => d.code));
  const rest = engine.filter((d) => !codes.has(d.code)).map((d) => withFixes(d, site));
  return [
    ...rest.filter((d) => d.severity === 'error'),
    ...codeWarnings,
    ...rest.filter((d) => d.severity !== 'error'),
  ];
}

/**
 * Evaluates a loss call: maps the arguments, adds the code-level warnings, then computes (all values known) or checks
 * (shapes known) with the engine. Returns the call's record and the value the call evaluates to.
 */
export function evaluateLossCall(host: LossHost, spec: LossCallSpec): { record: SnippetCall; value: Value } {
  const { loss, call } = spec;
  const range = call.range;
  const record = (diagnostics: Diagnostic[], result?: LossResult, computed?: SnippetCall['computed']): SnippetCall => ({
    range,
    fn: loss.fn,
    ...(result ? { result } : {}),
    ...(result && computed ? { computed } : {}),
    diagnostics,
  });
  const { inputs, options, problems, complete, site } = lossSite(host, spec);
  if (problems.length > 0) return { record: record(problems), value: UNKNOWN };

  const codeWarnings = producerWarnings(site);
  const tensorInputs = [...inputs.values()].map((a) => a.value);
  const outputGuess = guessOutput(loss, inputs, options);
  if (!complete || !loss.def) {
    const notes = loss.def ? [] : [unsupportedLoss(loss, range)];
    return { record: record([...codeWarnings, ...notes]), value: outputGuess };
  }
  if (tensorInputs.some((v) => v.kind !== 'tensor' || v.numpy)) {
    const dtypeErrors = host.mode === 'shape' ? oneArgumentDtypeErrors(loss.def, inputs, host, range) : [];
    if (dtypeErrors.length > 0)
      return { record: record([...dtypeErrors.map((d) => withFixes(d, site)), ...codeWarnings]), value: UNKNOWN };
    return { record: record(codeWarnings), value: outputGuess };
  }

  const maxKnown = host.limits.maxElements;
  const engineInputs: Record<string, NonNullable<ReturnType<typeof engineTensor>>> = {};
  for (const [name, a] of inputs) {
    const t = engineTensor(a.value as TensorValue, maxKnown);
    if (!t) return { record: record(codeWarnings), value: outputGuess };
    engineInputs[name] = t;
  }
  for (const name of VALUE_INPUTS[loss.fn] ?? []) {
    if (engineInputs[name] && !engineInputs[name].data) return { record: record(codeWarnings), value: outputGuess };
  }
  const engineOptions: Record<string, OptionValue | NonNullable<ReturnType<typeof engineTensor>>> = {};
  let optionsKnown = true;
  for (const [name, a] of options) {
    const v =
      loss.fn === 'triplet_margin_with_distance_loss' && name === 'distance_function'
        ? namedDistance(host.source.slice(a.node.range))
        : optionValue(a.value, maxKnown);
    if (v === undefined) optionsKnown = false;
    else engineOptions[name] = v;
  }
  const outcome = runOnShapes(loss.def, engineInputs, engineOptions, range, host.shapeCache, host.torchVersion);
  const result = optionsKnown ? outcome.result : undefined;
  // The code-level warnings explain more than the value-level ones with the same code (and carry fixes).
  const codes = new Set(codeWarnings.map((d) => d.code));
  // An option whose value is unknown was left out: what it could have changed (ignore_index excusing an index, a
  // weight changing a value-based note) is not reported.
  const trusted = (d: Diagnostic): boolean =>
    optionsKnown || (d.severity === 'error' ? !VALUE_ERRORS.has(d.code) : isShapeWarning(d.code));
  const engineDiagnostics = outcome.diagnostics
    .filter((d) => !codes.has(d.code) && trusted(d))
    .map((d) => withFixes(d, site));
  const diagnostics = [
    ...engineDiagnostics.filter((d) => d.severity === 'error'),
    ...codeWarnings,
    ...engineDiagnostics.filter((d) => d.severity !== 'error'),
  ];
  const rejected = diagnostics.some((d) => d.severity === 'error');
  let value: Value = UNKNOWN;
  if (!rejected) {
    if (result) value = known(result.output);
    else if (outcome.output && optionsKnown) value = shaped(outcome.output.shape, outcome.output.dtype);
    else value = outputGuess;
  }
  // With a result every tensor's data was known: the engine inputs hold complete tensors.
  const computed = result
    ? {
        inputs: Object.fromEntries(
          Object.entries(engineInputs).flatMap(([k, t]) => (t.data ? [[k, t.data]] : [])),
        ) as LossInputs,
        options: Object.fromEntries(
          Object.entries(engineOptions).map(([k, v]) => [k, engineOptionToOption(v)]),
        ) as LossOptions,
      }
    : undefined;
  return { record: record(diagnostics, rejected ? undefined : result, computed), value };
}

/** An engine option as a plain option: a placeholder tensor option becomes its data (known when a result exists). */
function engineOptionToOption(v: OptionValue | NonNullable<ReturnType<typeof engineTensor>>): OptionValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v.data)) return v as OptionValue;
  return (v.data as OptionValue | undefined) ?? null;
}

/**
 * Shape mode, one of input/target unknown: the dtype errors the other one causes whatever the unknown one is (a
 * Long target for BCELoss, a float target for NLL).
 */
function oneArgumentDtypeErrors(
  def: LossDefinition,
  inputs: ReadonlyMap<string, Arg>,
  host: LossHost,
  range: SourceRange,
): Diagnostic[] {
  const known: Record<string, SymbolicInput> = {};
  let unknown = 0;
  for (const name of def.inputs) {
    const v = inputs.get(name)?.value;
    if (!v || v.kind !== 'tensor' || v.numpy || !v.dtype || !v.shape) {
      unknown++;
      continue;
    }
    // An unknown size is a symbol of its own: the errors kept do not depend on sizes.
    known[name] = { shape: v.shape.map((d, i) => d ?? sym(`${name}${i}`)), dtype: v.dtype };
  }
  if (unknown !== 1 || inputs.size !== def.inputs.length) return [];
  return checkOneArgumentDtypes(def, known, range, host.shapeCache, host.torchVersion);
}

/** The output when the engine cannot say: a 0-d float tensor unless the reduction is 'none' or unknown. */
function guessOutput(loss: LossEntry, inputs: ReadonlyMap<string, Arg>, options: ReadonlyMap<string, Arg>): Value {
  const reduction = options.get('reduction')?.value;
  const first = inputs.get(loss.inputs[0]!)?.value;
  const dtype = first && first.kind === 'tensor' && first.dtype && isFloating(first.dtype) ? first.dtype : 'float32';
  if (reduction === undefined || (reduction.kind === 'str' && reduction.value !== 'none')) return shaped([], dtype);
  return shaped(undefined, dtype);
}

/** An option argument as the engine takes it; undefined when its value is unknown. */
/**
 * The name a tensor file gives the distance written in a snippet (see losses/triplet_margin_with_distance_loss.ts):
 * `nn.PairwiseDistance(p=1)`, `F.pairwise_distance`, `lambda x, y: 1.0 - F.cosine_similarity(x, y)`, `None`.
 * Any other callable is not modelled (undefined: the call is checked on shapes only).
 */
export function namedDistance(text: string): string | null | undefined {
  const code = text.replace(/\s+/g, ' ').trim();
  if (code === 'None') return null;
  if (/^(torch\.nn\.functional\.|F\.|torch\.)?pairwise_distance$/.test(code)) return 'pairwise_distance';
  const pd = /^(torch\.nn\.|nn\.)?PairwiseDistance\((.*)\)$/.exec(code);
  if (pd) {
    const args = pd[2]!.trim();
    if (args === '') return 'PairwiseDistance()';
    const parts = args.split(',').map((x) => x.trim());
    const kwargs: string[] = [];
    const positional = ['p', 'eps'];
    for (let i = 0; i < parts.length; i++) {
      const kv = /^(p|eps)\s*=\s*(.+)$/.exec(parts[i]!);
      const [key, value] = kv ? [kv[1]!, kv[2]!] : [positional[i], parts[i]!];
      if (key === undefined || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^float\('inf'\)$/.test(value))
        return undefined;
      kwargs.push(`${key}=${value}`);
    }
    return `PairwiseDistance(${kwargs.join(', ')})`;
  }
  const cosine =
    /^lambda (\w+) ?, ?(\w+) ?: ?1(\.0*)? ?- ?(torch\.nn\.functional\.|F\.|torch\.)?cosine_similarity\( ?(\w+) ?, ?(\w+) ?\)$/.exec(
      code,
    );
  if (cosine && cosine[5] === cosine[1] && cosine[6] === cosine[2]) return 'cosine';
  return undefined;
}

function optionValue(
  v: Value,
  maxKnown: number,
): OptionValue | NonNullable<ReturnType<typeof engineTensor>> | undefined {
  switch (v.kind) {
    case 'scalar':
      return v.value.kind === 'bool' ? v.value.value !== 0 : v.value.value;
    case 'str':
      return v.value;
    case 'none':
      return null;
    case 'tensor':
      return v.numpy ? undefined : engineTensor(v, maxKnown);
    case 'seq': {
      // PyTorch rejects lists where it wants tensors; the engine words that error when it sees an array.
      const items = v.items.map((i) => (i.kind === 'scalar' ? i.value.value : undefined));
      return items.every((i) => i !== undefined) ? (items as unknown as OptionValue) : undefined;
    }
    default:
      return undefined;
  }
}

function unsupportedLoss(loss: LossEntry, range: SourceRange): Diagnostic {
  return {
    ...range,
    severity: 'info',
    code: 'snippet/loss-not-computed',
    message: `Loss Lens does not compute ${loss.fn} yet.`,
    explanation: `${loss.moduleName} is a PyTorch loss, but Loss Lens has no implementation of it, so this call is neither computed nor checked.`,
    data: { loss: loss.fn },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Warnings read from the code: an activation applied before a loss that applies its own

function lineOf(range: SourceRange): number {
  return range.line;
}

/** Is the input argument the activation call itself (`F.cross_entropy(F.softmax(x), y)`)? */
function direct(arg: Arg, producerRange: SourceRange): boolean {
  const r = arg.node.range;
  return (
    r.line === producerRange.line &&
    r.column === producerRange.column &&
    r.endLine === producerRange.endLine &&
    r.endColumn === producerRange.endColumn
  );
}

/** Fixes that remove the activation: in place when it is the argument, else by passing its operand (a plain name). */
function removeActivationFixes(site: LossSite, arg: Arg, what: string): Fix[] {
  const producer = (arg.value as TensorValue).producer!;
  if (!producer.argRange) return [];
  const operand = site.source.slice(producer.argRange);
  if (direct(arg, producer.range))
    return [{ title: `Remove the ${what}: pass ${operand}`, edits: [{ range: arg.node.range, newText: operand }] }];
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(operand))
    return [
      { title: `Pass the ${what}'s input ${operand} instead`, edits: [{ range: arg.node.range, newText: operand }] },
    ];
  return [];
}

function renameFix(producerNameRange: SourceRange | undefined, source: SourceText, from: string, to: string): Fix[] {
  if (!producerNameRange) return [];
  const text = source.slice(producerNameRange);
  if (text !== from) return [];
  const edit: TextEdit = { range: producerNameRange, newText: to };
  return [{ title: `Use ${to} instead of ${from}`, edits: [edit] }];
}

function codeWarning(
  site: LossSite,
  code: string,
  message: string,
  explanation: string,
  hint: string,
  fixes: Fix[],
  data: Record<string, string | number>,
): Diagnostic {
  return {
    ...site.call.range,
    severity: 'warning',
    code,
    message,
    explanation,
    hint,
    ...(fixes.length > 0 ? { fixes } : {}),
    data,
  };
}

/** The warnings a loss call deserves because of how its input was computed. */
/** The activation each loss's code-level warning is about: its first input produced by that op is warned of. */
const WARNED_PRODUCER: Readonly<Record<string, Producer['op']>> = {
  cross_entropy: 'softmax',
  nll_loss: 'softmax',
  kl_div: 'softmax',
  binary_cross_entropy_with_logits: 'sigmoid',
  binary_cross_entropy: 'unbounded',
};

/** True when a loss's first input produced by `op` gets a code-level warning (the runtime asks before mapping a call). */
export function warnsOfProducer(fn: string, op: Producer['op']): boolean {
  return WARNED_PRODUCER[fn] === op;
}

function producerWarnings(site: LossSite): Diagnostic[] {
  const first = site.def?.inputs[0] ?? 'input';
  const arg = site.inputs.get(first);
  if (!arg || arg.value.kind !== 'tensor' || !arg.value.producer) return [];
  const p = arg.value.producer;
  if (!warnsOfProducer(site.fn, p.op)) return [];
  const where = direct(arg, p.range)
    ? `${p.name}(...)`
    : `${site.source.slice(arg.node.range)} = ${p.name}(...) on line ${lineOf(p.range)}`;
  const data = { loss: site.fn, activation: p.name, line: lineOf(p.range) };
  switch (site.fn) {
    case 'cross_entropy':
      return [
        codeWarning(
          site,
          'warn/softmax-before-ce',
          `The input of ${site.fn} is softmax output (${where}), but CrossEntropyLoss expects raw logits.`,
          'CrossEntropyLoss applies log_softmax itself, so the probabilities are softmaxed a second time: the loss cannot get near 0 and the gradients shrink, so training stalls. PyTorch raises nothing.',
          'Pass the raw logits (remove the softmax), or use F.nll_loss(torch.log(probabilities), target).',
          removeActivationFixes(site, arg, 'softmax'),
          data,
        ),
      ];
    case 'nll_loss':
      return [
        codeWarning(
          site,
          'warn/nll-input-not-log-probs',
          `The input of ${site.fn} is softmax output (${where}), but NLLLoss expects log-probabilities.`,
          'NLLLoss only picks −input[target]; on probabilities that is the negative probability, not a log-likelihood, and it is not a cross-entropy. PyTorch raises nothing.',
          'Use log_softmax instead of softmax.',
          renameFix(p.nameRange, site.source, 'softmax', 'log_softmax'),
          data,
        ),
      ];
    case 'kl_div':
      return [
        codeWarning(
          site,
          'warn/kl-input-not-log-probs',
          `The input of ${site.fn} is softmax output (${where}), but KLDivLoss expects log-probabilities.`,
          'kl_div computes target·(log target − input): with probabilities as the input the result is not a KL divergence. PyTorch raises nothing.',
          'Use log_softmax for the input.',
          renameFix(p.nameRange, site.source, 'softmax', 'log_softmax'),
          data,
        ),
      ];
    case 'binary_cross_entropy_with_logits': {
      const fixes = removeActivationFixes(site, arg, 'sigmoid');
      const name = site.nameRange ? site.source.slice(site.nameRange) : '';
      const to = site.style === 'module' ? 'BCELoss' : 'binary_cross_entropy';
      const from = site.style === 'module' ? 'BCEWithLogitsLoss' : 'binary_cross_entropy_with_logits';
      if (site.nameRange && name.endsWith(from))
        fixes.push({
          title: `Keep the sigmoid and switch to ${to}`,
          edits: [{ range: site.nameRange, newText: name.slice(0, name.length - from.length) + to }],
        });
      return [
        codeWarning(
          site,
          'warn/probabilities-to-logits-loss',
          `The input of ${site.fn} is sigmoid output (${where}), but BCEWithLogitsLoss expects raw logits.`,
          'BCEWithLogitsLoss applies the sigmoid itself. On probabilities it squashes twice: every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so the loss cannot go low and training stalls. PyTorch raises nothing.',
          'Remove the sigmoid before the loss, or keep it and use BCELoss.',
          fixes,
          data,
        ),
      ];
    }
    case 'binary_cross_entropy': {
      if (arg.value.data) return [];
      const name = site.nameRange ? site.source.slice(site.nameRange) : '';
      const from = site.style === 'module' ? 'BCELoss' : 'binary_cross_entropy';
      const to = site.style === 'module' ? 'BCEWithLogitsLoss' : 'binary_cross_entropy_with_logits';
      const fixes: Fix[] = [];
      if (site.nameRange && name.endsWith(from))
        fixes.push({
          title: `Switch to ${to}`,
          edits: [{ range: site.nameRange, newText: name.slice(0, name.length - from.length) + to }],
        });
      fixes.push({
        title: 'Apply the sigmoid first',
        edits: [{ range: arg.node.range, newText: `torch.sigmoid(${site.source.slice(arg.node.range)})` }],
      });
      return [
        codeWarning(
          site,
          'warn/bce-input-logits',
          `The input of ${site.fn} comes from ${p.name}(...) (line ${lineOf(p.range)}), whose values are not limited to [0, 1], but BCELoss expects probabilities.`,
          'BCELoss raises "all elements of input should be between 0 and 1" as soon as one value falls outside [0, 1], which unbounded scores (logits) do.',
          'Use BCEWithLogitsLoss on the raw scores, or apply torch.sigmoid first.',
          fixes,
          data,
        ),
      ];
    }
    default:
      return [];
  }
}

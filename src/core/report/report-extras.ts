/**
 * The breakdown report's teaching sections, built from a result and the tensors it ran on: the derivation by hand,
 * the information view (CE = H + KL for probability targets), both label-smoothing conventions side by side, and the
 * per-sample parts of symmetric cross-entropy and focal loss. JSON-safe like the rest of the report (see
 * src/core/report/report.ts, which attaches these as optional fields of `LossReport`).
 */
import { LossLensError } from '../diagnostics';
import { buildDerivation, DERIVATION_LOSSES, type Derivation } from './derivation';
import { jsonNumber, type JsonNumber } from './format';
import { identityResidual } from '../info';
import { compareLabelSmoothing } from '../losses/extra/index';
import type { LossInputs, LossResult } from '../losses/types';
import { numel, tensorFrom, type Tensor } from '../tensor';

/** At most this many per-sample rows travel in each teaching section (the means cover every sample). */
export const MAX_TEACHING_ROWS = 200;

/** One sample of the information view. */
export interface ReportInfoRow {
  readonly index: number;
  /** H(p): the target's entropy. */
  readonly entropy: JsonNumber;
  /** KL(p‖q). */
  readonly kl: JsonNumber;
  /** H(p, q), the cross-entropy. */
  readonly crossEntropy: JsonNumber;
  /** H(p, q) − (H(p) + KL(p‖q)): zero up to rounding. */
  readonly residual: JsonNumber;
}

/** H(p), KL(p‖q) and H(p, q) per sample for cross-entropy against probability targets, with CE = H + KL checked. */
export interface ReportInfo {
  readonly rows: readonly ReportInfoRow[];
  /** How many samples there are (rows holds the first {@link MAX_TEACHING_ROWS}). */
  readonly sampleCount: number;
  readonly meanEntropy: JsonNumber;
  readonly meanKl: JsonNumber;
  readonly meanCrossEntropy: JsonNumber;
  /** max |H(p, q) − (H(p) + KL(p‖q))| over every sample. */
  readonly maxResidual: JsonNumber;
  /** True when the identity holds to 1e-5 (relative) on every sample. */
  readonly identityHolds: boolean;
  /** True when every target is one-hot, so H = 0 and CE = KL. */
  readonly oneHot: boolean;
  /** True when class weights make the loss differ from the unweighted H(p, q) shown here. */
  readonly weighted: boolean;
  /** The label smoothing the targets were smoothed with (0 for none). */
  readonly labelSmoothing: number;
}

/** One convention of label smoothing in the side-by-side view. */
export interface ReportSmoothingConvention {
  readonly onTarget: JsonNumber;
  readonly offTarget: JsonNumber;
  readonly value: JsonNumber;
}

/** One sample under both conventions. */
export interface ReportSmoothingRow {
  readonly index: number;
  readonly pytorch: JsonNumber;
  readonly clamp: JsonNumber;
}

/** Both label-smoothing conventions on the same logits and targets. */
export interface ReportSmoothingComparison {
  readonly epsilon: number;
  readonly classes: number;
  readonly reduction: string;
  /** (1 − ε)·one_hot + ε/C: what `nn.CrossEntropyLoss(label_smoothing=ε)` computes. */
  readonly pytorch: ReportSmoothingConvention;
  /** 1 − ε on the target class, ε/(C − 1) elsewhere. */
  readonly clamp: ReportSmoothingConvention;
  /** Which convention the shown computation uses. */
  readonly shown: 'pytorch' | 'clamp';
  /** Always `pytorch`: what `nn.CrossEntropyLoss(label_smoothing=ε)` computes. */
  readonly crossEntropyLossComputes: 'pytorch';
  /** False when the comparison leaves out the shown computation's class weights or ignored samples. */
  readonly sameSettings: boolean;
  readonly rows: readonly ReportSmoothingRow[];
}

/** The per-sample parts of a loss made of named factors (SCE's CE and RCE, focal loss's p_t, (1 − p_t)^γ, α_t). */
export interface ReportLossParts {
  /** Column labels, in the loss's own notation (`CE`, `RCE`, `(1 − p_t)^γ`…). The last column is the loss. */
  readonly columns: readonly string[];
  readonly rows: readonly { readonly label: string; readonly values: readonly JsonNumber[] }[];
  readonly rowCount: number;
  /** The mean of each column over every row. */
  readonly means: readonly JsonNumber[];
}

/** The teaching sections of one result. */
export interface TeachingSections {
  readonly derivation?: Derivation;
  readonly info?: ReportInfo;
  readonly smoothingComparison?: ReportSmoothingComparison;
  readonly lossParts?: ReportLossParts;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length > 0 ? s / values.length : NaN;
}

function infoOf(result: LossResult, target: Tensor | undefined): ReportInfo | undefined {
  const extras = result.extras;
  if (result.fn !== 'cross_entropy' || !extras?.entropy || !extras.kl || !extras.crossEntropy) return undefined;
  const entropy = Float64Array.from(extras.entropy.data);
  const kl = Float64Array.from(extras.kl.data);
  const crossEntropy = Float64Array.from(extras.crossEntropy.data);
  const n = crossEntropy.length;
  const rows: ReportInfoRow[] = [];
  let holds = true;
  for (let i = 0; i < n; i++) {
    const residual = crossEntropy[i]! - (entropy[i]! + kl[i]!);
    if (!(Math.abs(residual) <= 1e-5 * Math.max(1, Math.abs(crossEntropy[i]!)))) holds = false;
    if (i < MAX_TEACHING_ROWS) {
      rows.push({
        index: i,
        entropy: jsonNumber(entropy[i]!),
        kl: jsonNumber(kl[i]!),
        crossEntropy: jsonNumber(crossEntropy[i]!),
        residual: jsonNumber(residual),
      });
    }
  }
  const labelSmoothing = result.classification?.labelSmoothing?.epsilon ?? 0;
  const oneHot =
    target !== undefined && labelSmoothing === 0 && Array.from(target.data).every((v) => v === 0 || v === 1);
  const weight = result.options['weight'];
  return {
    rows,
    sampleCount: n,
    meanEntropy: jsonNumber(mean(entropy)),
    meanKl: jsonNumber(mean(kl)),
    meanCrossEntropy: jsonNumber(mean(crossEntropy)),
    maxResidual: jsonNumber(identityResidual({ entropy, kl, crossEntropy })),
    identityHolds: holds,
    oneHot,
    weighted: weight !== null && weight !== undefined && typeof weight === 'object',
    labelSmoothing,
  };
}

/** The rows of a 2-D input whose target is not `ignoreIndex` (for comparing without ignored samples). */
function withoutIgnored(
  input: Tensor,
  target: Tensor,
  ignoreIndex: number,
): { input: Tensor; target: Tensor } | undefined {
  if (input.shape.length !== 2) return undefined;
  const C = input.shape[1]!;
  const keep: number[] = [];
  for (let i = 0; i < target.data.length; i++) if (target.data[i] !== ignoreIndex) keep.push(i);
  if (keep.length === 0) return undefined;
  const x: number[] = [];
  for (const i of keep) for (let c = 0; c < C; c++) x.push(input.data[i * C + c]!);
  return {
    input: tensorFrom(x, [keep.length, C], input.dtype),
    target: tensorFrom(
      keep.map((i) => target.data[i]!),
      [keep.length],
      target.dtype,
    ),
  };
}

function smoothingOf(result: LossResult, inputs: LossInputs): ReportSmoothingComparison | undefined {
  const input = inputs.input;
  const target = inputs.target;
  if (!input || !target || target.dtype !== 'int64') return undefined;
  let epsilon: number;
  let shown: 'pytorch' | 'clamp';
  let sameSettings = true;
  let pair: { input: Tensor; target: Tensor } | undefined = { input, target };
  if (result.fn === 'cross_entropy') {
    const ls = result.classification?.labelSmoothing;
    if (!ls || !(ls.epsilon > 0)) return undefined;
    epsilon = ls.epsilon;
    shown = 'pytorch';
    const weight = result.options['weight'];
    if (weight !== null && weight !== undefined) sameSettings = false;
    const ignoreIndex = typeof result.options['ignore_index'] === 'number' ? result.options['ignore_index'] : -100;
    if (Array.from(target.data).some((v) => v === ignoreIndex)) {
      sameSettings = false;
      pair = withoutIgnored(input, target, ignoreIndex);
    }
  } else if (result.fn === 'label_smoothing_clamp') {
    epsilon = typeof result.options['epsilon'] === 'number' ? result.options['epsilon'] : 0.1;
    shown = 'clamp';
  } else {
    return undefined;
  }
  if (!pair) return undefined;
  const reduction = result.reduction.reduction === 'none' ? 'sum' : result.reduction.reduction;
  try {
    const cmp = compareLabelSmoothing(pair.input, pair.target, epsilon, reduction);
    const rows: ReportSmoothingRow[] = [];
    for (let i = 0; i < Math.min(cmp.pytorch.perSample.length, MAX_TEACHING_ROWS); i++) {
      rows.push({
        index: i,
        pytorch: jsonNumber(cmp.pytorch.perSample[i]!),
        clamp: jsonNumber(cmp.clamp.perSample[i]!),
      });
    }
    const convention = (c: typeof cmp.pytorch): ReportSmoothingConvention => ({
      onTarget: jsonNumber(c.onTarget),
      offTarget: jsonNumber(c.offTarget),
      value: jsonNumber(c.value),
    });
    return {
      epsilon,
      classes: cmp.classes,
      reduction: cmp.reduction,
      pytorch: convention(cmp.pytorch),
      clamp: convention(cmp.clamp),
      shown,
      crossEntropyLossComputes: 'pytorch',
      sameSettings,
      rows,
    };
  } catch (e) {
    if (e instanceof LossLensError) return undefined;
    throw e;
  }
}

function partsOf(result: LossResult): ReportLossParts | undefined {
  const extras = result.extras ?? {};
  const loss = result.perElement;
  const n = numel(loss.shape);
  const label = (k: number): string => {
    if (loss.shape.length <= 1) return String(k);
    const idx: number[] = [];
    let rest = k;
    for (let d = loss.shape.length - 1; d >= 0; d--) {
      idx.unshift(rest % loss.shape[d]!);
      rest = Math.floor(rest / loss.shape[d]!);
    }
    return `[${idx.join(', ')}]`;
  };
  let columns: string[];
  let series: ArrayLike<number>[];
  if (result.fn === 'symmetric_cross_entropy' && extras.ce && extras.rce) {
    const alpha = typeof result.options['alpha'] === 'number' ? result.options['alpha'] : 0.1;
    const beta = typeof result.options['beta'] === 'number' ? result.options['beta'] : 1;
    const ce = extras.ce.data;
    const rce = extras.rce.data;
    columns = ['CE', 'RCE', `α·CE (α = ${alpha})`, `β·RCE (β = ${beta})`, 'ℓ'];
    series = [ce, rce, Array.from(ce, (v) => alpha * v), Array.from(rce, (v) => beta * v), loss.data];
  } else if (
    (result.fn === 'sigmoid_focal_loss' || result.fn === 'softmax_focal_loss') &&
    extras.pt &&
    extras.modulatingFactor &&
    extras.alphaT &&
    extras.ce
  ) {
    const gamma = typeof result.options['gamma'] === 'number' ? result.options['gamma'] : 2;
    columns = [
      'p_t',
      `(1 − p_t)^γ (γ = ${gamma})`,
      'α_t',
      result.fn === 'sigmoid_focal_loss' ? 'BCE' : '−log p_t',
      'ℓ',
    ];
    series = [extras.pt.data, extras.modulatingFactor.data, extras.alphaT.data, extras.ce.data, loss.data];
  } else {
    return undefined;
  }
  if (series.some((s) => s.length !== n)) return undefined;
  const rows = [];
  for (let k = 0; k < Math.min(n, MAX_TEACHING_ROWS); k++) {
    rows.push({ label: label(k), values: series.map((s) => jsonNumber(s[k]!)) });
  }
  return { columns, rows, rowCount: n, means: series.map((s) => jsonNumber(mean(s))) };
}

/**
 * The teaching sections for a result. `inputs` are the tensors the loss ran on; without them only the parts the
 * result itself holds are built.
 */
export function buildTeachingSections(result: LossResult, inputs: LossInputs | undefined): TeachingSections {
  const info = infoOf(result, inputs?.target);
  // Large inputs computed in summary mode keep no input-sized tensor: recomputing both conventions would make them.
  const summary = (result as { readonly detail?: string }).detail === 'summary';
  const smoothingComparison = inputs && !summary ? smoothingOf(result, inputs) : undefined;
  const lossParts = partsOf(result);
  const derivation =
    inputs?.input && inputs.target && DERIVATION_LOSSES.includes(result.fn)
      ? buildDerivation(result, inputs)
      : undefined;
  return {
    ...(derivation ? { derivation } : {}),
    ...(info ? { info } : {}),
    ...(smoothingComparison ? { smoothingComparison } : {}),
    ...(lossParts ? { lossParts } : {}),
  };
}

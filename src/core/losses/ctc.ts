/**
 * `ctc_loss` (Connectionist Temporal Classification), computed as PyTorch 1.13's CPU kernel does: the forward (alpha)
 * recursion in log space over the blank-extended target l' = (blank, l1, blank, l2, …, blank), the backward (beta)
 * recursion for the gradient, `zero_infinity`, and reduction='mean' dividing each loss by its target length (at least
 * 1) before averaging over the batch.
 *
 * Shapes: log_probs [T, N, C] (or [T, C] unbatched); targets padded [N, S] or concatenated [Σ target_lengths];
 * input_lengths and target_lengths integer tensors with N values.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { formatShape, isIntegral, type Tensor } from '../tensor';
import { notice, requireInputs } from './reduction';
import { finishResult, gradTensor, kernelDtypeError, OptionReader, rounderFor, type Rounder } from './torch-semantics';
import type { LossDefinition, LossInputs, LossOptions, LossResult } from './types';

const CTC_DEFAULTS: LossOptions = { blank: 0, reduction: 'mean', zero_infinity: false };
const WHERE = '(while checking arguments for ctc_loss_cpu)';

function ctcError(
  code: string,
  message: string,
  explanation: string,
  hint: string,
  data: Record<string, string | number>,
): LossLensError {
  return new LossLensError({ code, message, explanation, hint, data });
}

/** log(e^a + e^b + e^c) the way PyTorch's kernel writes it (max-shifted, with −inf handled). */
function logSumExp3(a: number, b: number, c: number): number {
  let m = a;
  if (b > m) m = b;
  if (c > m) m = c;
  if (m === -Infinity) m = 0;
  return Math.log(Math.exp(a - m) + Math.exp(b - m) + Math.exp(c - m)) + m;
}

/** One batch element's forward and backward passes. */
interface Sample {
  inputLength: number;
  targetLength: number;
  /** Extended-label index l'(s): blank for even s, the target for odd s. */
  labels: Int32Array;
  nll: number;
  /** log alpha, [inputLength, 2·targetLength + 1]. */
  alpha: Float64Array;
}

function forward(
  lp: Float64Array,
  N: number,
  C: number,
  b: number,
  labels: Int32Array,
  il: number,
  r: Rounder,
): Sample {
  const S = labels.length;
  const tl = (S - 1) / 2;
  const alpha = new Float64Array(Math.max(il, 0) * S).fill(-Infinity);
  const at = (t: number, c: number): number => lp[(t * N + b) * C + c]!;
  if (il === 0) {
    // PyTorch 1.13 reads uninitialised memory here; the well-defined value is: the empty path explains an empty target.
    return { inputLength: il, targetLength: tl, labels, nll: tl === 0 ? 0 : Infinity, alpha };
  }
  alpha[0] = at(0, labels[0]!);
  if (tl > 0) alpha[1] = at(0, labels[1]!);
  for (let t = 1; t < il; t++) {
    const prev = (t - 1) * S;
    for (let s = 0; s < S; s++) {
      const la1 = alpha[prev + s]!;
      const la2 = s > 0 ? alpha[prev + s - 1]! : -Infinity;
      const la3 = s > 1 && labels[s - 2] !== labels[s] ? alpha[prev + s - 2]! : -Infinity;
      alpha[t * S + s] = r(r(logSumExp3(la1, la2, la3)) + at(t, labels[s]!));
    }
  }
  const last = (il - 1) * S;
  const l1 = alpha[last + S - 1]!;
  const l2 = tl > 0 ? alpha[last + S - 2]! : -Infinity;
  let m = Math.max(l1, l2);
  if (m === -Infinity) m = 0;
  const ll = r(Math.log(Math.exp(l1 - m) + Math.exp(l2 - m)) + m);
  return { inputLength: il, targetLength: tl, labels, nll: -ll, alpha };
}

/**
 * PyTorch's backward for one sample: beta recursion, log Σ_s alpha·beta collected per (t, class), then
 * grad = (exp(lp) − exp(collected + nll − lp)) · gradOut for t < inputLength, 0 after. Also returns the per-frame
 * posterior exp(collected + nll − lp).
 */
function backward(
  lp: Float64Array,
  N: number,
  C: number,
  b: number,
  sample: Sample,
  gradOut: number,
  r: Rounder,
  grad: Float64Array,
  posterior: Float64Array,
): void {
  const { inputLength: il, labels, nll, alpha } = sample;
  if (il <= 0) return;
  const S = labels.length;
  const tl = sample.targetLength;
  const at = (t: number, c: number): number => lp[(t * N + b) * C + c]!;
  const beta = new Float64Array(il * S).fill(-Infinity);
  const collected = new Float64Array(il * C).fill(-Infinity);
  const last = il - 1;
  beta[last * S + 2 * tl] = at(last, labels[2 * tl]!);
  collected[last * C + labels[2 * tl]!] = r(alpha[last * S + 2 * tl]! + beta[last * S + 2 * tl]!);
  if (tl > 0) {
    const c = labels[2 * tl - 1]!;
    beta[last * S + 2 * tl - 1] = at(last, c);
    // PyTorch assigns (not log-adds) here, assuming the label differs from blank.
    collected[last * C + c] = r(alpha[last * S + 2 * tl - 1]! + beta[last * S + 2 * tl - 1]!);
  }
  for (let t = il - 2; t >= 0; t--) {
    const next = (t + 1) * S;
    for (let s = 2 * tl; s >= 0; s--) {
      const c = labels[s]!;
      const lb1 = beta[next + s]!;
      const lb2 = s < 2 * tl ? beta[next + s + 1]! : -Infinity;
      const lb3 = s < 2 * tl - 1 && labels[s + 2] !== c ? beta[next + s + 2]! : -Infinity;
      const lb = r(r(logSumExp3(lb1, lb2, lb3)) + at(t, c));
      beta[t * S + s] = lb;
      const lab = r(alpha[t * S + s]! + lb);
      const k = t * C + c;
      const cur = collected[k]!;
      if (cur === -Infinity) collected[k] = lab;
      else {
        const mx = Math.max(cur, lab);
        collected[k] = r(Math.log(Math.exp(cur - mx) + Math.exp(lab - mx)) + mx);
      }
    }
  }
  for (let t = 0; t < il; t++) {
    for (let c = 0; c < C; c++) {
      const l = at(t, c);
      const occupancy = r(Math.exp(r(r(collected[t * C + c]! + nll) - l)));
      posterior[(t * N + b) * C + c] = occupancy;
      grad[(t * N + b) * C + c] = r(r(r(Math.exp(l)) - occupancy) * gradOut);
    }
  }
}

function integerValues(t: Tensor): number[] {
  return Array.from(t.data, (v) => Math.trunc(v));
}

function ctcLoss(inputs: LossInputs, options: LossOptions): LossResult {
  const fn = 'ctc_loss';
  const opts = new OptionReader(fn, CTC_DEFAULTS, options);
  const [logProbsIn, targets, inputLengths, targetLengths] = requireInputs(fn, inputs, [
    'log_probs',
    'targets',
    'input_lengths',
    'target_lengths',
  ]) as [Tensor, Tensor, Tensor, Tensor];
  const reduction = opts.reduction();
  const blank = opts.integer('blank');
  const zeroInfinity = opts.bool('zero_infinity');
  for (const [name, t] of [
    ['input_lengths', inputLengths],
    ['target_lengths', targetLengths],
  ] as const) {
    if (!isIntegral(t.dtype)) {
      throw ctcError(
        'loss/ctc-lengths-dtype',
        `${name} must be integral`,
        `${name} holds sequence lengths and must be an integer tensor; it is ${t.dtype}.`,
        `Build it with dtype=torch.long, e.g. torch.full((N,), T, dtype=torch.long), or convert with ${name}.long().`,
        { name, dtype: t.dtype },
      );
    }
  }
  const batched = logProbsIn.shape.length === 3;
  if (logProbsIn.shape.length === 0) {
    throw ctcError(
      'loss/ctc-log-probs-dims',
      'IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
      'log_probs is a 0-d tensor; it must be [T, N, C] (or [T, C] for one sequence).',
      'Pass the log-softmax output of the model, shape [T, N, C].',
      { shape: '[]' },
    );
  }
  // Unbatched [T, C] becomes [T, 1, C] (any other rank is unsqueezed too, and then rejected below).
  const lpShape = batched ? logProbsIn.shape : [logProbsIn.shape[0]!, 1, ...logProbsIn.shape.slice(1)];
  if (!(logProbsIn.dtype === 'float32' || logProbsIn.dtype === 'float64'))
    throw kernelDtypeError(fn, 'ctc_loss_cpu', logProbsIn.dtype, 'log_probs');
  if (lpShape.length !== 3) {
    throw ctcError(
      'loss/ctc-log-probs-dims',
      `Expected 3-dimensional tensor, but got ${lpShape.length}-dimensional tensor for argument #1 'log_probs' ${WHERE}`,
      `log_probs must be [T, N, C] (time, batch, classes) or [T, C] for one sequence; it is ${formatShape(logProbsIn.shape)}.`,
      lpShape.length === 2
        ? 'A 1-D log_probs has no class dimension: pass [T, C].'
        : 'CTC expects time first: permute a [N, T, C] output with .permute(1, 0, 2), or flatten extra dimensions.',
      { shape: formatShape(logProbsIn.shape) },
    );
  }
  if (targets.shape.length < 1 || targets.shape.length > 2) {
    throw ctcError(
      'loss/ctc-targets-dims',
      `Expected 1 to 2 dimensions, but got ${targets.shape.length}-dimensional tensor for argument #2 'targets' ${WHERE}`,
      `targets must be padded [N, S] or all target sequences concatenated [Σ target_lengths]; it is ${formatShape(targets.shape)}.`,
      'Pass padded targets [N, S] or concatenate them into one 1-D tensor.',
      { shape: formatShape(targets.shape) },
    );
  }
  const [T, N, C] = lpShape as [number, number, number];
  if (!(blank >= 0 && blank < C)) {
    throw ctcError(
      'loss/ctc-blank',
      'blank must be in label range',
      `blank is ${blank}, but log_probs has ${C} classes (0…${C - 1}).`,
      `Use the index of the blank class in log_probs' last dimension (usually blank=0).`,
      { blank, classes: C },
    );
  }
  const il = integerValues(inputLengths);
  const tlens = integerValues(targetLengths);
  if (il.length !== N) {
    throw ctcError(
      'loss/ctc-lengths-size',
      'input_lengths must be of size batch_size',
      `input_lengths has ${il.length} value${il.length === 1 ? '' : 's'} but the batch has ${N} sequence${N === 1 ? '' : 's'} (log_probs ${formatShape(logProbsIn.shape)}).`,
      `Give one input length per sequence${batched ? '' : ' (for unbatched log_probs a 0-d tensor)'}.`,
      { count: il.length, batch: N },
    );
  }
  if (tlens.length !== N) {
    throw ctcError(
      'loss/ctc-lengths-size',
      'target_lengths must be of size batch_size',
      `target_lengths has ${tlens.length} value${tlens.length === 1 ? '' : 's'} but the batch has ${N} sequence${N === 1 ? '' : 's'}.`,
      'Give one target length per sequence.',
      { count: tlens.length, batch: N },
    );
  }
  const negative = [...il, ...tlens].find((v) => v < 0);
  if (negative !== undefined) {
    throw ctcError(
      'loss/ctc-length-range',
      `lengths must be non-negative, got ${negative}`,
      'PyTorch 1.13 does not check this and reads outside its buffers, so its result is undefined.',
      'Pass non-negative input_lengths and target_lengths.',
      { value: negative },
    );
  }
  // Where each sequence's labels start in the (contiguous) targets.
  const offsets = new Array<number>(N);
  if (targets.shape.length === 1) {
    let pos = 0;
    for (let b = 0; b < N; b++) {
      offsets[b] = pos;
      pos += tlens[b]!;
    }
    if (targets.shape[0] !== pos) {
      throw ctcError(
        'loss/ctc-targets-size',
        `Expected tensor to have size ${pos} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${WHERE}`,
        `Concatenated targets must hold exactly Σ target_lengths = ${pos} labels; there are ${targets.shape[0]}.`,
        'Make target_lengths add up to the number of concatenated labels (or pass padded [N, S] targets).',
        { expected: pos, got: targets.shape[0]! },
      );
    }
  } else {
    const maxTl = tlens.reduce((m, v) => Math.max(m, v), 0);
    if (targets.shape[0] !== N) {
      throw ctcError(
        'loss/ctc-targets-size',
        `Expected tensor to have size ${N} at dimension 0, but got size ${targets.shape[0]} for argument #2 'targets' ${WHERE}`,
        `Padded targets need one row per sequence (${N}); there are ${targets.shape[0]}.`,
        'Give targets one row per sequence in the batch.',
        { expected: N, got: targets.shape[0]! },
      );
    }
    if (targets.shape[1]! < maxTl) {
      throw ctcError(
        'loss/ctc-targets-size',
        `Expected tensor to have size at least ${maxTl} at dimension 1, but got size ${targets.shape[1]} for argument #2 'targets' ${WHERE}`,
        `A target length is ${maxTl}, but the padded targets have only ${targets.shape[1]} columns.`,
        'Check target_lengths: each must be at most the padded target width.',
        { expected: maxTl, got: targets.shape[1]! },
      );
    }
    for (let b = 0; b < N; b++) offsets[b] = b * targets.shape[1]!;
  }
  for (let b = 0; b < N; b++) {
    if (il[b]! > T) {
      throw ctcError(
        'loss/ctc-input-length',
        `Expected input_lengths to have value at most ${T}, but got value ${il[b]} ${WHERE}`,
        `Sequence ${b} claims ${il[b]} frames, but log_probs has only T = ${T} time steps.`,
        'Input lengths count frames of log_probs (its first dimension), after any downsampling in the model.',
        { sample: b, length: il[b]!, T },
      );
    }
  }
  if (T === 0) {
    throw ctcError(
      'loss/ctc-empty-time',
      'start (0) + length (1) exceeds dimension size (0).',
      'log_probs has no time steps (T = 0).',
      'Give log_probs at least one frame.',
      { T },
    );
  }
  const warnings: Diagnostic[] = opts.warnings;
  // Extended labels per sample; reject labels PyTorch's CPU kernel would read out of bounds.
  const labelSets: Int32Array[] = [];
  let blankTargets = 0;
  for (let b = 0; b < N; b++) {
    const tl = tlens[b]!;
    const labels = new Int32Array(2 * tl + 1).fill(blank);
    for (let k = 0; k < tl; k++) {
      const v = Math.trunc(targets.data[offsets[b]! + k]!);
      if (!(v >= 0 && v < C)) {
        throw ctcError(
          'loss/ctc-target-range',
          `targets hold class ${v} but log_probs has ${C} classes`,
          `Sequence ${b}, label ${k} is ${v}; labels must be class indices in [0, ${C - 1}]. PyTorch's CPU kernel does not check and reads outside log_probs (CUDA raises a device-side assert).`,
          'Check the label encoding and the size of the model output (C must include the blank).',
          { sample: b, position: k, value: v, classes: C },
        );
      }
      if (v === blank) blankTargets++;
      labels[2 * k + 1] = v;
    }
    labelSets.push(labels);
  }
  const r = rounderFor(logProbsIn.dtype);
  const lp = logProbsIn.data instanceof Float64Array ? logProbsIn.data : Float64Array.from(logProbsIn.data);
  const samples: Sample[] = [];
  const losses = new Float64Array(N);
  const zeroed = new Uint8Array(N);
  for (let b = 0; b < N; b++) {
    const s = forward(lp, N, C, b, labelSets[b]!, il[b]!, r);
    samples.push(s);
    losses[b] = s.nll;
    if (zeroInfinity && s.nll === Infinity) {
      losses[b] = 0;
      zeroed[b] = 1;
    }
  }
  // Gradient of the reported value: d(mean)/d(loss_b) = 1 / (N · max(target_length_b, 1)).
  const divisors = new Float64Array(N);
  for (let b = 0; b < N; b++) divisors[b] = Math.max(tlens[b]!, 1);
  const grad = new Float64Array(lp.length);
  const posterior = new Float64Array(lp.length);
  for (let b = 0; b < N; b++) {
    if (zeroed[b]) continue;
    const gradOut = reduction === 'mean' ? r(r(1 / N) / divisors[b]!) : 1;
    backward(lp, N, C, b, samples[b]!, gradOut, r, grad, posterior);
  }
  let normalizedSum = 0;
  for (let b = 0; b < N; b++) normalizedSum += r(losses[b]! / divisors[b]!);
  addCtcWarnings(warnings, { samples, il, tlens, zeroInfinity, zeroed, blankTargets, blank, lp, T, N, C });
  const shape = batched ? [N] : [];
  const sampleWord = (n: number): string => `${n} sequence${n === 1 ? '' : 's'}`;
  return finishResult({
    fn,
    dtype: logProbsIn.dtype,
    shape,
    perElement: losses,
    reduction,
    meanOverride: {
      value: r(normalizedSum) / N,
      numerator: normalizedSum,
      denominator: N,
      denominatorLabel: `batch size N = ${sampleWord(N)}, after dividing each loss by its target length (at least 1)`,
      why: "CTCLoss's 'mean' divides each sequence's loss by its target length, then averages over the batch",
    },
    gradient: { log_probs: gradTensor(grad, logProbsIn) },
    extras: {
      targetLengthDivisor: { dtype: 'float64', shape: [N], data: divisors },
      framePosterior: { dtype: 'float64', shape: logProbsIn.shape, data: posterior },
    },
    warnings,
    options: { ...opts.values, reduction },
  });
}

/** The fewest frames that can emit a target: one per label plus a blank between equal neighbours. */
function minimumFrames(labels: Int32Array): number {
  const tl = (labels.length - 1) / 2;
  let repeats = 0;
  for (let k = 1; k < tl; k++) if (labels[2 * k + 1] === labels[2 * k - 1]) repeats++;
  return tl + repeats;
}

function addCtcWarnings(
  warnings: Diagnostic[],
  ctx: {
    samples: Sample[];
    il: number[];
    tlens: number[];
    zeroInfinity: boolean;
    zeroed: Uint8Array;
    blankTargets: number;
    blank: number;
    lp: Float64Array;
    T: number;
    N: number;
    C: number;
  },
): void {
  const infinite = ctx.samples.map((s, b) => (s.nll === Infinity ? b : -1)).filter((b) => b >= 0);
  if (infinite.length > 0) {
    const b = infinite[0]!;
    const need = minimumFrames(ctx.samples[b]!.labels);
    const impossible = need > ctx.il[b]!;
    const detail = impossible
      ? `sequence ${b} has ${ctx.il[b]} input frame${ctx.il[b] === 1 ? '' : 's'} but its ${ctx.tlens[b]} labels need at least ${need} (a blank must separate repeated labels)`
      : `sequence ${b} has probability 0 (log-probability −inf) on every alignment`;
    if (ctx.zeroInfinity) {
      warnings.push(
        notice(
          'info',
          'info/ctc-zeroed-infinity',
          `zero_infinity=True replaced ${infinite.length} infinite loss${infinite.length === 1 ? '' : 'es'} (and their gradients) with 0.`,
          `No alignment exists: ${detail}.`,
          'These sequences do not train; check input_lengths against target_lengths.',
          { count: infinite.length, sample: b },
        ),
      );
    } else {
      warnings.push(
        notice(
          'warning',
          'warn/ctc-infinite-loss',
          `ctc_loss is inf for ${infinite.length} sequence${infinite.length === 1 ? '' : 's'}: no alignment of the target fits the input.`,
          `${detail[0]!.toUpperCase()}${detail.slice(1)}. The loss is inf and its gradient NaN, which poisons training.`,
          'Make input_lengths long enough (check the model’s downsampling), or pass zero_infinity=True to skip such sequences.',
          { count: infinite.length, sample: b, needed: need, frames: ctx.il[b]! },
        ),
      );
    }
  }
  if (ctx.blankTargets > 0) {
    warnings.push(
      notice(
        'warning',
        'warn/ctc-blank-in-target',
        `The targets contain the blank label ${ctx.blank} ${ctx.blankTargets} time${ctx.blankTargets === 1 ? '' : 's'} within their target lengths.`,
        'Targets cannot be blank: PyTorch raises nothing and treats it as an ordinary label, which makes the target ambiguous with the separator (its CPU gradient is then also inexact at the last frame).',
        'Reserve one class for the blank (usually 0) and shift the real labels to start at 1.',
        { blank: ctx.blank, count: ctx.blankTargets },
      ),
    );
  }
  const zeroLength = ctx.il.map((v, b) => (v === 0 ? b : -1)).filter((b) => b >= 0);
  if (zeroLength.length > 0) {
    warnings.push(
      notice(
        'warning',
        'warn/ctc-zero-input-length',
        `input_lengths is 0 for ${zeroLength.length} sequence${zeroLength.length === 1 ? '' : 's'}.`,
        'PyTorch 1.13 reads uninitialised memory for a zero-length input, so its value is undefined; Loss Lens reports 0 for an empty target and inf otherwise.',
        'Drop empty sequences from the batch.',
        { count: zeroLength.length, sample: zeroLength[0]! },
      ),
    );
  }
  // Are the rows log-probabilities? logsumexp over the classes should be 0 for every valid frame.
  let worst = 0;
  let worstAt = '';
  let probabilityLike = true;
  for (let b = 0; b < ctx.N; b++) {
    for (let t = 0; t < ctx.il[b]!; t++) {
      const base = (t * ctx.N + b) * ctx.C;
      let m = -Infinity;
      let rowSum = 0;
      for (let c = 0; c < ctx.C; c++) {
        const v = ctx.lp[base + c]!;
        m = Math.max(m, v);
        rowSum += v;
        if (v < 0 || v > 1) probabilityLike = false;
      }
      if (Math.abs(rowSum - 1) > 1e-3) probabilityLike = false;
      if (m === -Infinity || !Number.isFinite(m)) continue;
      let s = 0;
      for (let c = 0; c < ctx.C; c++) s += Math.exp(ctx.lp[base + c]! - m);
      const lse = m + Math.log(s);
      if (Math.abs(lse) > Math.abs(worst)) {
        worst = lse;
        worstAt = `t=${t}, sequence ${b}`;
      }
    }
  }
  if (Math.abs(worst) > 1e-3) {
    warnings.push(
      notice(
        'warning',
        'warn/ctc-not-log-probs',
        probabilityLike
          ? 'log_probs looks like probabilities (rows in [0, 1] summing to 1), not log-probabilities.'
          : `log_probs rows are not normalised log-probabilities: logsumexp over the classes is ${worst.toPrecision(4)} at ${worstAt} (it should be 0).`,
        'ctc_loss takes log_probs as given; raw logits or probabilities give a meaningless loss (even negative) without any error.',
        probabilityLike
          ? 'Pass log-probabilities: probs.log(), or better log_softmax on the logits.'
          : 'Apply log_softmax(dim=2) to the model output first.',
        { logsumexp: worst, at: worstAt },
      ),
    );
  }
}

/** `F.ctc_loss` / `nn.CTCLoss`: −log Σ over alignments of Π log_probs, per sequence. */
export const ctcLossDefinition: LossDefinition = {
  name: 'ctc_loss',
  moduleName: 'CTCLoss',
  inputs: ['log_probs', 'targets', 'input_lengths', 'target_lengths'],
  defaults: CTC_DEFAULTS,
  summary: 'Connectionist Temporal Classification for unaligned sequences (speech, handwriting); log_probs [T, N, C].',
  compute: ctcLoss,
};

/** The sequence family. */
export const CTC_LOSSES: readonly LossDefinition[] = [ctcLossDefinition];

/**
 * What PyTorch 2.x does differently from 1.13, for the losses whose code is written to 1.13's rules: checks 2.x adds
 * (a BCE target outside [0, 1], a non-positive triplet margin, a multi_margin weight of the wrong length, …), the texts
 * it rewrote (target dtype, target size, invalid reduction, `NotImplementedError` for a missing kernel), and inputs
 * it now accepts (a 1-D input with a [1] target). Differences inside a loss's arithmetic (the gradient at a kink,
 * gaussian_nll_loss's var broadcasting) live in that loss's file and read `settings.torchVersion` themselves.
 *
 * Every rule here was observed on PyTorch 2.14 against 1.13 with the fixture generators (scripts/fixtures/).
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { broadcastShapes, formatShape, isFloating, numel, scalarTypeName, type DType, type Tensor } from '../tensor';
import { notice } from './reduction';

import {
  DEFAULT_TORCH_VERSION,
  type ComputeSettings,
  type LossDefinition,
  type LossInputs,
  type LossOptions,
  type LossResult,
  type TorchVersion,
} from './types';

/** The version a computation follows: the chosen one, else current PyTorch. */
export function torchVersionOf(settings: ComputeSettings | undefined): TorchVersion {
  return settings?.torchVersion ?? DEFAULT_TORCH_VERSION;
}

/** True when a computation follows PyTorch 2.x. */
export function isTorch2(settings: ComputeSettings | undefined): boolean {
  return torchVersionOf(settings) === '2.x';
}

/**
 * Whether the gradient flows through `clamp_min(v, 0)` at v: 1.13's autograd passes it at v = 0 too (v ≥ 0), 2.x's
 * only for v > 0. This decides the gradient exactly at a margin.
 */
export function kinkPasses(v: number, settings: ComputeSettings | undefined): boolean {
  return isTorch2(settings) ? v > 0 : v >= 0;
}

/** Python's repr of a float option (`-1.0`, `0.5`): how 2.x prints a margin in its message. */
function pyFloat(value: unknown): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

/** `margin must be greater than 0, got -1.0` (triplet losses in 2.x). */
export function tripletMarginError(fn: string, margin: number): LossLensError {
  return new LossLensError({
    code: 'loss/margin-not-positive',
    message: `ValueError: margin must be greater than 0, got ${pyFloat(margin)}`,
    explanation: `Since PyTorch 2.0, ${fn} requires a positive margin: with margin ≤ 0 the loss is zero as soon as the negative is no closer than the positive, so nothing is learned.`,
    hint: 'Use a positive margin, e.g. margin=1.0 (the default) or margin=0.2 for normalised embeddings.',
    data: { loss: fn, margin },
  });
}

/** `The anchor, positive, and negative tensors are expected to have the same number of dimensions, …` (2.x). */
export function tripletDimsError(fn: string, da: number, dp: number, dn: number): LossLensError {
  return new LossLensError({
    code: 'loss/triplet-dims',
    message: `The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${da}D, positive ${dp}D, and negative ${dn}D inputs`,
    explanation: `${fn} compares the anchor with the positive and the negative row by row, so the three need the same number of dimensions: ${da}D, ${dp}D and ${dn}D here.`,
    hint: 'Give anchor, positive and negative the same shape [N, D] (or [D] for one triplet), e.g. with .unsqueeze(0).',
    data: { loss: fn, anchor: da, positive: dp, negative: dn },
  });
}

/** PyTorch 2.x raises `NotImplementedError` (not RuntimeError) for a missing kernel and for bool arithmetic. */
function isNotImplemented(message: string): boolean {
  return (
    /^"[A-Za-z0-9_]+" not implemented for '[A-Za-z0-9]+'$/.test(message) ||
    message.startsWith('Subtraction, the `-` operator') ||
    message.startsWith('Negation, the `-` operator')
  );
}

/** A copy of `e` with another message (its cause, fix and code kept, or replaced where given). */
function withMessage(e: LossLensError, message: string, more: Partial<Diagnostic> = {}): LossLensError {
  return new LossLensError({ ...e.diagnostic, ...more, message });
}

/** Texts of the losses beyond torch.nn whose torch reference ops changed their words in 2.x. */
const REWORDED: ReadonlyArray<readonly [RegExp, string]> = [
  [/^one_hot is only applicable to index tensor\.$/, 'one_hot is only applicable to index tensor of type LongTensor.'],
  [/^(scatter|gather)\(\): Expected dtype int64 for index$/, '$1(): Expected dtype int32/int64 for index'],
  [/^ZeroDivisionError: float division by zero$/, 'ZeroDivisionError: division by zero'],
  [/to be smaller than self (\[[^\]]*\]) apart from dimension/, 'to be no larger than self $1 apart from dimension'],
  [/\(while checking arguments for ctc_loss_cpu\)$/, '(while checking arguments for ctc_loss_allocate_outputs)'],
  [/^"softmax_kernel_impl" not implemented/, '"log_softmax_kernel_impl" not implemented'],
];

/** The index path of cross_entropy / nll_loss: the target is not a same-shaped probability tensor. */
function indexTarget(fn: string, input: Tensor | undefined, target: Tensor | undefined): boolean {
  if (!input || !target) return false;
  if (fn === 'nll_loss') return true;
  return !(input.shape.length === target.shape.length && input.shape.every((s, i) => s === target.shape[i]));
}

/** 2.x's target dtype message of nll_loss (and cross_entropy's index path). */
function targetDtypeError(fn: string, found: DType): LossLensError {
  return new LossLensError({
    code: 'loss/dtype',
    message: `expected target dtype to be Long or Byte, but got ${scalarTypeName(found)}`,
    explanation: `${fn} reads class indices from the target, which must be int64 (Long) or uint8 (Byte); it is ${found} (${scalarTypeName(found)}).`,
    hint: 'Convert the target with target.long() (or, for one-hot or probability rows, use target.argmax(dim=1)).',
    data: { loss: fn, expected: 'int64', found, what: 'target' },
  });
}

/** Checks 2.x makes before (or instead of) the 1.13 computation. */
function checkBefore(fn: string, inputs: LossInputs, options: LossOptions): void {
  const input = inputs['input'];
  const target = inputs['target'];
  if (fn === 'nll_loss' && input && target && input.shape.length === 1 && target.shape.length === 1) {
    if (numel(target.shape) !== 1) {
      throw new LossLensError({
        code: 'loss/target-size',
        message: `ValueError: For 1D input, 1D target must have size 1, but got target size: ${numel(target.shape)}`,
        explanation: `A 1-D input ${formatShape(input.shape)} is one sample's class scores, so the target is one class index: 0-d or of shape [1]; it has ${numel(target.shape)} entries.`,
        hint: 'For several samples give the input shape [N, C]; for one sample pass target[0] or torch.tensor(k).',
        data: { loss: fn, input: formatShape(input.shape), target: formatShape(target.shape) },
      });
    }
  }
  if (fn === 'binary_cross_entropy' && input) {
    const weight = options['weight'];
    if (weight && typeof weight === 'object' && 'shape' in weight) {
      const w = weight as Tensor;
      const out = broadcastShapes(w.shape, input.shape);
      if (!out) {
        // expand() names the first dimension, counted from the end, where the weight cannot be stretched.
        let at = -1;
        for (let k = 1; k <= w.shape.length; k++) {
          const ws = w.shape[w.shape.length - k]!;
          const is = input.shape[input.shape.length - k];
          if (is === undefined || (ws !== 1 && ws !== is)) {
            at = -k;
            break;
          }
        }
        throw new LossLensError({
          code: 'loss/weight-shape',
          message: `Attempting to broadcast a dimension of length ${w.shape[w.shape.length + at]} at ${at}! Mismatching argument at index 1 had torch.Size(${formatShape(w.shape)}); but expected shape should be broadcastable to ${formatShape(input.shape)}`,
          explanation: `binary_cross_entropy expands weight to the input's shape ${formatShape(input.shape)}, and a weight of shape ${formatShape(w.shape)} cannot be expanded to it.`,
          hint: `Give weight the input's shape ${formatShape(input.shape)}, or a shape that broadcasts to it (one weight per element of the last dimension: [${input.shape[input.shape.length - 1] ?? 1}]).`,
          data: { loss: fn, weight: formatShape(w.shape), input: formatShape(input.shape) },
        });
      }
    }
  }
  if (fn === 'binary_cross_entropy_with_logits' && input && !isFloating(input.dtype) && input.dtype !== 'bool') {
    const sameShape = target && formatShape(target.shape) === formatShape(input.shape);
    if (sameShape) {
      throw new LossLensError({
        code: 'loss/dtype-not-implemented',
        message: `NotImplementedError: "log_sigmoid_cpu" not implemented for '${scalarTypeName(input.dtype)}'`,
        explanation: `binary_cross_entropy_with_logits takes log σ(input), which PyTorch computes for floating-point inputs only; the input is ${input.dtype} (${scalarTypeName(input.dtype)}).`,
        hint: 'Convert the input (the logits) with .float() before calling binary_cross_entropy_with_logits.',
        data: { loss: fn, kernel: 'log_sigmoid_cpu', dtype: input.dtype, what: 'input' },
      });
    }
  }
  if (fn === 'cosine_embedding_loss') {
    const a = inputs['input1'];
    const b = inputs['input2'];
    if (a && b && target && (target.shape.length === 0 || target.shape.length === 1)) {
      const want = target.shape.length + 1;
      // Inputs of equal rank get 1.13's check, which words it the same; 2.x also checks inputs of unequal rank.
      if (a.shape.length !== b.shape.length && (a.shape.length !== want || b.shape.length !== want)) {
        throw new LossLensError({
          code: 'loss/cosine-dims',
          message: `${target.shape.length}D target tensor expects ${want}D input tensors, but found inputs with sizes ${formatShape(a.shape)} and ${formatShape(b.shape)}.`,
          explanation: `With a ${target.shape.length}-D target, cosine_embedding_loss compares ${want === 1 ? 'one pair of 1-D vectors' : 'pairs of rows of 2-D inputs [N, D]'}; the inputs are ${formatShape(a.shape)} and ${formatShape(b.shape)}.`,
          hint:
            want === 1
              ? 'Give both inputs the shape [D] for one pair, or batch them as [N, D] with a target of shape [N].'
              : 'Give both inputs the shape [N, D] (use .unsqueeze(0) on a single vector).',
          data: { loss: fn, input1: formatShape(a.shape), input2: formatShape(b.shape) },
        });
      }
    }
  }
  if (fn === 'ctc_loss') {
    const logProbs = inputs['log_probs'];
    if (logProbs && logProbs.shape.length === 3 && numel(logProbs.shape) === 0 && isFloating(logProbs.dtype)) {
      throw new LossLensError({
        code: 'loss/ctc-empty',
        message: 'log_probs tensor must not be empty',
        explanation: `log_probs ${formatShape(logProbs.shape)} has no elements (no time steps, no batch or no classes), and PyTorch 2.x refuses to compute ctc_loss on it.`,
        hint: 'Check that the model produced at least one time step for at least one sample.',
        data: { loss: fn, shape: formatShape(logProbs.shape) },
      });
    }
  }
  // 2.x checks the weight's length before the target's dtype.
  if (fn === 'multi_margin_loss' && input) {
    const weight = options['weight'];
    const classes = input.shape.length === 0 ? 1 : input.shape[input.shape.length - 1]!;
    if (weight && typeof weight === 'object' && 'shape' in weight) {
      const w = weight as Tensor;
      // A weight that is not 1-D gets 1.13's check first (the same ValueError in both versions).
      if (w.shape.length === 1 && numel(w.shape) !== classes) {
        throw new LossLensError({
          code: 'loss/weight-size',
          message: `inconsistent weight size, expected ${classes} but got ${formatShape(w.shape)}`,
          explanation: `multi_margin_loss weighs each class once, so weight needs exactly C = ${classes} entries; it has shape ${formatShape(w.shape)}. 1.13 read the first ${classes} and ignored the rest.`,
          hint: `Give weight ${classes} entries, one per class.`,
          data: { loss: fn, classes, weight: formatShape(w.shape) },
        });
      }
    }
  }
}

/** Checks 2.x makes that 1.13 did not, on inputs 1.13's rules accepted. */
function checkAfter(fn: string, inputs: LossInputs): void {
  const target = inputs['target'];
  if (fn === 'binary_cross_entropy' && target) {
    for (let i = 0; i < target.data.length; i++) {
      const t = target.data[i]!;
      if (!(t >= 0 && t <= 1)) {
        throw new LossLensError({
          code: 'loss/bce-target-range',
          message: 'all elements of target should be between 0 and 1',
          explanation: `binary_cross_entropy reads the target as a probability; PyTorch 2.x refuses values outside [0, 1] (here ${t} at flat index ${i}). 1.13 computed them.`,
          hint: 'Give targets in [0, 1] (e.g. labels 0/1, not -1/1 or class indices); for class indices use cross_entropy.',
          data: { loss: fn, value: t, index: i },
        });
      }
    }
  }
}

/** 1.13's error → the error 2.x raises for the same input (unchanged where 2.x agrees). */
function adaptError(fn: string, e: LossLensError, inputs: LossInputs, options: LossOptions): LossLensError {
  const input = inputs['input'];
  const target = inputs['target'];
  let message = e.diagnostic.message;
  if ((fn === 'cross_entropy' || fn === 'nll_loss') && indexTarget(fn, input, target) && target) {
    // 2.x checks the target's dtype first, and with its own words.
    if (
      target.dtype !== 'int64' &&
      target.dtype !== 'uint8' &&
      /^expected scalar type \w+ but found \w+$/.test(message)
    ) {
      return targetDtypeError(fn, target.dtype);
    }
  }
  if (fn === 'multi_margin_loss' && input && target && message.startsWith('inconsistent target size, got:')) {
    const n = input.shape.length === 2 ? input.shape[0]! : 1;
    return withMessage(
      e,
      `multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples (batch size). Expected target size [${n}], but got ${formatShape(target.shape)}. Input has shape ${formatShape(input.shape)}.`,
    );
  }
  if (
    fn === 'multilabel_margin_loss' &&
    input &&
    target &&
    /^inconsistent size .* for argument #2 'target'$/.test(message)
  ) {
    return withMessage(
      e,
      `inconsistent target size: ${formatShape(target.shape)} for input of size: ${formatShape(input.shape)}`,
    );
  }
  if (fn === 'triplet_margin_loss' && message.startsWith('All inputs should have same dimension')) {
    const [a, p, n] = [inputs['anchor'], inputs['positive'], inputs['negative']];
    if (a && p && n) return tripletDimsError(fn, a.shape.length, p.shape.length, n.shape.length);
  }
  if (fn === 'poisson_nll_loss') {
    const m = /^ValueError: (.*) is not valid$/.exec(message);
    if (m) message = `ValueError: ${m[1]} is not a valid value for reduction`;
  }
  for (const [pattern, replacement] of REWORDED) message = message.replace(pattern, replacement);
  if (isNotImplemented(message)) message = `NotImplementedError: ${message}`;
  void options;
  return message === e.diagnostic.message ? e : withMessage(e, message);
}

/** The losses PyTorch 2.x computes on float16 (and some on bfloat16) on the CPU, where 1.13 had no kernel. */
const HALF_IN_2X = new Set([
  'cross_entropy',
  'nll_loss',
  'binary_cross_entropy_with_logits',
  'multilabel_soft_margin_loss',
  'cosine_embedding_loss',
  'triplet_margin_loss',
  'poisson_nll_loss',
  'gaussian_nll_loss',
  'soft_margin_loss',
  'hinge_embedding_loss',
  'margin_ranking_loss',
  'mse_loss',
]);

/** The losses PyTorch 2.x also computes on bfloat16 on the CPU, where 1.13 had no kernel, and Loss Lens does not. */
const BFLOAT16_IN_2X = new Set(['mse_loss']);

/**
 * Loss Lens's own refusal where 2.x computes a half-precision loss that 1.13 refused: 2.x rounds every intermediate
 * op to float16, and a value computed otherwise could differ in its last digits, so no number is better than a
 * silently different one.
 */
function halfRefusal(fn: string, dtype: string): LossLensError {
  return new LossLensError({
    code: 'loss/not-reproduced',
    message: `Loss Lens does not reproduce PyTorch 2.x's ${dtype} CPU arithmetic for ${fn}.`,
    explanation: `PyTorch 2.x computes ${fn} on ${dtype} tensors, rounding every intermediate step to ${dtype}; PyTorch 1.13 had no such kernel. Loss Lens refuses rather than give a value that may differ from PyTorch's in its last digits.`,
    hint: 'Convert the tensors with .float() (PyTorch and Loss Lens then agree), or choose torch version 1.13 to see its error.',
    data: { loss: fn, dtype },
  });
}

/** 2.x's wording of the warnings 1.13 also gives. */
function adaptWarning(w: Diagnostic): Diagnostic {
  if (w.code === 'warn/backward-error' && isNotImplemented(w.message)) {
    return { ...w, message: `NotImplementedError: ${w.message}` };
  }
  if (w.message === "reduction='elementwise_mean' is deprecated, please use reduction='mean' instead.") {
    return { ...w, message: "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead." };
  }
  return w;
}

/**
 * 2.x computes the forward of cross_entropy / nll_loss on a 1-D input with a [1] target (1.13 refused it) and then
 * refuses `.backward()`: the value, no gradient, and a warning with the backward's error.
 */
function oneDimensionalWithSingleTarget(
  def: LossDefinition,
  inputs: LossInputs,
  options: LossOptions,
  settings: ComputeSettings | undefined,
): LossResult | undefined {
  const input = inputs['input'];
  const target = inputs['target'];
  if (!input || !target || input.shape.length !== 1 || target.shape.length !== 1 || target.shape[0] !== 1)
    return undefined;
  if (target.dtype !== 'int64' && target.dtype !== 'uint8') return undefined;
  const scalarTarget: Tensor = { ...target, shape: [] };
  const result = def.compute({ ...inputs, target: scalarTarget }, options, settings);
  const backward = notice(
    'warning',
    'warn/backward-error',
    `size mismatch (got input: ${formatShape(input.shape)}, target: ${formatShape(target.shape)})`,
    `PyTorch 2.x computes ${def.name} for a 1-D input with a target of shape [1], but loss.backward() then raises this error: the gradient exists only for a 0-d target.`,
    'Pass the target as a 0-d tensor (target[0] or torch.tensor(k)), or give the input a batch dimension: input.unsqueeze(0).',
    { loss: def.name, input: formatShape(input.shape), target: formatShape(target.shape) },
  );
  return { ...result, gradient: {}, warnings: [...result.warnings, backward] };
}

/**
 * A loss that follows `settings.torchVersion`: 1.13 runs the loss as written; 2.x adds 2.x's checks, its texts and
 * the inputs it newly accepts.
 */
export function versioned(def: LossDefinition): LossDefinition {
  return {
    ...def,
    compute(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
      if (!isTorch2(settings)) return def.compute(inputs, options, settings);
      try {
        checkBefore(def.name, inputs, options);
        const result = def.compute(inputs, options, settings);
        checkAfter(def.name, inputs);
        return { ...result, warnings: result.warnings.map(adaptWarning) };
      } catch (e) {
        if (!(e instanceof LossLensError)) throw e;
        if (
          (def.name === 'cross_entropy' || def.name === 'nll_loss') &&
          e.diagnostic.message.startsWith('size mismatch')
        ) {
          const accepted = oneDimensionalWithSingleTarget(def, inputs, options, settings);
          if (accepted) return accepted;
        }
        const half = /not implemented for '(Half|BFloat16)'$/.exec(e.diagnostic.message);
        if (half && HALF_IN_2X.has(def.name) && (half[1] === 'Half' || BFLOAT16_IN_2X.has(def.name))) {
          throw halfRefusal(def.name, half[1] === 'Half' ? 'float16' : 'bfloat16');
        }
        throw adaptError(def.name, e, inputs, options);
      }
    },
  };
}

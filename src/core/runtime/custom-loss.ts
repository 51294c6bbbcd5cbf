/**
 * Hand-written losses as results: a call of the program's own function or `nn.Module` named like a loss
 * (`CELoss`, `focal_loss`, `criterion`) that returns a float tensor is recorded with its value and per-sample values,
 * and beside it the PyTorch built-in it most resembles, computed by the loss engine on the same inputs, with the
 * reason the two differ where Loss Lens knows it.
 */
import type { SourceRange } from '../diagnostics';
import type { LossInputs, LossOptions } from '../losses/types';
import { runLoss } from '../run';
import type { TorchTensor } from '../torch/tensor';
import { PyInstance, isTensorValue, type PyValue } from './values';

/** A hand-written loss the program called. */
export interface CustomLossCall {
  /** The call. */
  readonly range: SourceRange;
  /** The function or class, as the program names it. */
  readonly name: string;
  /** The value (one number for a reduced loss, per-sample values otherwise). */
  readonly value: readonly number[];
  readonly shape: readonly number[];
  /**
   * The gradient of the loss's value (of the sum of its values) w.r.t. its first float tensor argument, `of` being
   * that argument's source text, as PyTorch's autograd computes it.
   */
  readonly inputGradient?: {
    readonly of: string;
    readonly shape: readonly number[];
    readonly values: readonly number[];
  };
  /** The built-in it resembles, on the same inputs. */
  readonly builtin?: {
    /** As a user would write it: `nn.CrossEntropyLoss(label_smoothing=0.05)`. */
    readonly label: string;
    readonly fn: string;
    readonly value: number;
    /** Why the two values differ (absent when they agree). */
    readonly reason?: string;
  };
}

/** Names that say "this is a loss". */
const LOSS_NAME = /loss|criterion/i;

/**
 * True when a call of `name` with `args` returning `result` is a hand-written loss worth recording: the name says
 * loss (`CELoss`, `focal_loss`, `criterion`) and the result is a float tensor of at most one dimension, or, whatever
 * the name, it reduces two or more tensors (a prediction and a target) to one float.
 */
export function looksLikeLoss(name: string, args: readonly PyValue[], result: PyValue): result is TorchTensor {
  if (!isTensorValue(result) || result.flavor !== 'torch' || (result.dtype !== 'float32' && result.dtype !== 'float64'))
    return false;
  if (LOSS_NAME.test(name)) return result.shape.length <= 1;
  return result.shape.length === 0 && args.filter((a) => isTensorValue(a)).length >= 2;
}

/** Records a hand-written loss call: its value and the built-in beside it. */
export function customLossCall(
  name: string,
  range: SourceRange,
  args: readonly PyValue[],
  self: PyValue | undefined,
  result: TorchTensor,
): CustomLossCall {
  const value = Array.from(result.data, Number);
  const tensors = args.filter((a): a is TorchTensor => isTensorValue(a) && a.flavor === 'torch');
  const builtin = resemble(tensors, self, value);
  return { range, name, value, shape: [...result.shape], ...(builtin ? { builtin } : {}) };
}

function resemble(
  tensors: readonly TorchTensor[],
  self: PyValue | undefined,
  value: readonly number[],
): CustomLossCall['builtin'] {
  const [input, target] = tensors;
  if (!input || !target || value.length !== 1) return undefined;
  const reduced = value[0]!;
  const float = (t: TorchTensor): boolean => t.dtype === 'float32' || t.dtype === 'float64';
  if (float(input) && input.shape.length === 2 && target.dtype === 'int64' && target.shape.length === 1) {
    const smoothing = smoothingOf(self);
    const options: LossOptions = smoothing !== undefined ? { label_smoothing: smoothing } : {};
    const computed = compute('cross_entropy', { input: asTensor(input), target: asTensor(target) }, options);
    if (computed === undefined) return undefined;
    const label =
      smoothing !== undefined ? `nn.CrossEntropyLoss(label_smoothing=${smoothing})` : 'nn.CrossEntropyLoss()';
    const agree = Math.abs(computed - reduced) <= 1e-5 * Math.max(1, Math.abs(computed));
    const classes = input.shape[1]!;
    const reason = agree
      ? undefined
      : smoothing !== undefined
        ? `PyTorch's label smoothing gives the target class 1 − ε + ε/C and every other class ε/C (C = ${classes}); a hand-written smoothing that clamps the one-hot target to [ε/(C−1), 1 − ε] gives the target 1 − ε and the others ε/(C−1) instead, so the two losses differ.`
        : 'The built-in computes log_softmax(input) and averages −log p(target) over the samples; the hand-written loss computes something else on the same inputs.';
    return { label, fn: 'cross_entropy', value: computed, ...(reason ? { reason } : {}) };
  }
  if (float(input) && float(target) && input.shape.join() === target.shape.join()) {
    const probabilities = Array.from(input.data).every((v) => v >= 0 && v <= 1);
    const fn = probabilities ? 'binary_cross_entropy' : 'mse_loss';
    const computed = compute(fn, { input: asTensor(input), target: asTensor(target) }, {});
    if (computed === undefined) return undefined;
    const agree = Math.abs(computed - reduced) <= 1e-5 * Math.max(1, Math.abs(computed));
    return {
      label: probabilities ? 'nn.BCELoss()' : 'nn.MSELoss()',
      fn,
      value: computed,
      ...(agree
        ? {}
        : {
            reason:
              'The built-in on the same inputs gives another value: the hand-written formula is not the same loss.',
          }),
    };
  }
  return undefined;
}

/** A label-smoothing amount held by a loss module (`self.label_smooth = 0.05`, `self.eps = 0.1`). */
function smoothingOf(self: PyValue | undefined): number | undefined {
  if (!(self instanceof PyInstance)) return undefined;
  for (const [k, v] of self.attrs) {
    if (/smooth|^eps(ilon)?$/i.test(k) && typeof v === 'number' && v > 0 && v < 1) return v;
  }
  return undefined;
}

function asTensor(t: TorchTensor): LossInputs[string] {
  return { dtype: t.dtype, shape: [...t.shape], data: t.data };
}

function compute(fn: string, inputs: LossInputs, options: LossOptions): number | undefined {
  try {
    const outcome = runLoss({ loss: fn, inputs, options });
    const r = outcome.results[0];
    return r && !outcome.diagnostics.some((d) => d.severity === 'error') ? Number(r.output.data[0]) : undefined;
  } catch {
    return undefined;
  }
}

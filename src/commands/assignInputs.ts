/**
 * Matches the tensors found in a selection to a loss's parameters: by name where the name says it (`target`, `y`,
 * `labels` → target; `logits`, `x`, `output` → input), otherwise in the order they were written.
 */
import type { Tensor } from '../core/tensor';

const ALIASES: Record<string, readonly string[]> = {
  input: ['input', 'inputs', 'x', 'logits', 'logit', 'output', 'outputs', 'out', 'pred', 'preds', 'prediction', 'predictions', 'scores', 'y_pred', 'y_hat'],
  target: ['target', 'targets', 'y', 'label', 'labels', 'y_true', 'gt', 'truth'],
};

/** One tensor with the name it was assigned to, if any. */
export interface NamedTensor {
  readonly name?: string;
  readonly tensor: Tensor;
}

/** Assigns tensors to `parameters`; returns the inputs and the indices of the tensors used, in parameter order. */
export function assignInputs(parameters: readonly string[], tensors: readonly NamedTensor[]): { inputs: Record<string, Tensor>; used: number[] } {
  const inputs: Record<string, Tensor> = {};
  const used: number[] = [];
  const taken = new Set<number>();
  for (const p of parameters) {
    const names = ALIASES[p] ?? [p];
    const i = tensors.findIndex((t, k) => !taken.has(k) && t.name !== undefined && names.includes(t.name.toLowerCase()));
    if (i >= 0) {
      inputs[p] = tensors[i]!.tensor;
      taken.add(i);
    }
  }
  for (const p of parameters) {
    if (p in inputs) continue;
    const i = tensors.findIndex((_, k) => !taken.has(k));
    if (i < 0) break;
    inputs[p] = tensors[i]!.tensor;
    taken.add(i);
  }
  for (const p of parameters) {
    const i = tensors.findIndex((t) => t.tensor === inputs[p]);
    if (i >= 0) used.push(i);
  }
  return { inputs, used };
}

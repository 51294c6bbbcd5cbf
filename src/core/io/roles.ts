/**
 * Which tensors of a file are the input and the target of a loss, guessed from their shapes, dtypes and names: class
 * indices are integers shaped like the input without its class dimension ([N, C] logits with [N] labels, [N, C, d1]
 * with [N, d1]); probabilities and regression targets are floats of the input's shape; names such as `logits` and
 * `labels` settle a tie. The guess is only a proposal: the person confirms or changes it.
 */
import { isFloating, isIntegral, numel } from '../tensor';
import type { TensorInfo } from './archive';

/** The proposal: keys of the input and target (absent when nothing fits), and why, for the picker. */
export interface RoleProposal {
  readonly input?: string;
  readonly target?: string;
  /** `class-indices`, `same-shape` or `name`: what made the pair. */
  readonly reason?: 'class-indices' | 'same-shape' | 'name';
}

const INPUT_NAMES =
  /^(logits?|inputs?|preds?|predictions?|outputs?|scores?|y_?hat|yhat|probs?|probabilities|log_probs|x)$/i;
const TARGET_NAMES = /^(targets?|labels?|y|gt|ground_?truth|classes|class_ids?|answers?)$/i;

function lastName(key: string): string {
  const parts = key.split('.');
  return parts[parts.length - 1] ?? key;
}

/** True when `target` is `input`'s shape without dim 1 (the class dimension), or [] for a [C] input. */
function classIndexShape(input: readonly number[], target: readonly number[]): boolean {
  if (input.length === 1) return target.length === 0;
  if (input.length < 2 || target.length !== input.length - 1) return false;
  return target[0] === input[0] && input.slice(2).every((d, i) => d === target[i + 1]);
}

/** Proposes the input and the target among a file's tensors. */
export function proposeRoles(entries: readonly TensorInfo[]): RoleProposal {
  const usable = entries.filter((e) => e.dtype !== undefined && numel(e.shape) > 0);
  let best: { input: TensorInfo; target: TensorInfo; score: number; reason: RoleProposal['reason'] } | undefined;
  for (const input of usable) {
    if (!isFloating(input.dtype!) || input.shape.length === 0) continue;
    for (const target of usable) {
      if (target === input) continue;
      let score = 0;
      let reason: RoleProposal['reason'];
      if ((isIntegral(target.dtype!) || target.dtype === 'bool') && classIndexShape(input.shape, target.shape)) {
        score += 4;
        reason = 'class-indices';
      } else if (target.shape.length === input.shape.length && target.shape.every((d, i) => d === input.shape[i])) {
        score += 3;
        reason = 'same-shape';
      } else {
        continue;
      }
      if (INPUT_NAMES.test(lastName(input.key))) score += 2;
      if (TARGET_NAMES.test(lastName(target.key))) score += 2;
      if (TARGET_NAMES.test(lastName(input.key)) || INPUT_NAMES.test(lastName(target.key))) score -= 3;
      // Tensors saved side by side (batch.x, batch.y) belong together.
      if (input.key.split('.').slice(0, -1).join('.') === target.key.split('.').slice(0, -1).join('.')) score += 1;
      const better =
        !best || score > best.score || (score === best.score && numel(input.shape) > numel(best.input.shape));
      if (better) best = { input, target, score, reason };
    }
  }
  if (best) return { input: best.input.key, target: best.target.key, reason: best.reason };
  const named = usable.find((e) => INPUT_NAMES.test(lastName(e.key)) && isFloating(e.dtype!));
  const largest = [...usable].filter((e) => isFloating(e.dtype!)).sort((a, b) => numel(b.shape) - numel(a.shape))[0];
  const input = named ?? largest;
  return input ? { input: input.key, reason: 'name' } : {};
}

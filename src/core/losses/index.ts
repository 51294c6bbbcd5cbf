/**
 * The registry of every loss Loss Lens computes. Look a loss up by its functional name (`cross_entropy`) or its
 * torch.nn module name (`CrossEntropyLoss`).
 */
import { binaryCrossEntropy } from './binary_cross_entropy';
import { binaryCrossEntropyWithLogits } from './binary_cross_entropy_with_logits';
import { crossEntropy } from './cross_entropy';
import { CTC_LOSSES } from './ctc';
import { EXTRA_ALIASES, EXTRA_LOSSES } from './extra/index';
import { klDiv } from './kl_div';
import { linearCrossEntropyLoss } from './linear_cross_entropy';
import { EMBEDDING_LOSSES } from './embedding';
import { LIKELIHOOD_LOSSES } from './likelihood';
import { MARGIN_LOSSES } from './margin';
import { multilabelSoftMarginLoss } from './multilabel_soft_margin_loss';
import { nllLoss } from './nll_loss';
import { REGRESSION_LOSSES } from './regression';
import { tripletMarginWithDistanceLoss } from './triplet_margin_with_distance_loss';
import type { LossDefinition } from './types';
import { versioned } from './versions';

/** Every loss, in the order pickers list them, each following `settings.torchVersion` (see ./versions.ts). */
export const LOSSES: readonly LossDefinition[] = [
  // classification losses
  crossEntropy,
  linearCrossEntropyLoss,
  nllLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  klDiv,
  multilabelSoftMarginLoss,
  // regression, margin, likelihood and sequence losses
  ...REGRESSION_LOSSES,
  ...MARGIN_LOSSES,
  ...EMBEDDING_LOSSES,
  tripletMarginWithDistanceLoss,
  ...LIKELIHOOD_LOSSES,
  ...CTC_LOSSES,
  // beyond torch.nn: symmetric CE, clamp-convention label smoothing, focal losses
  ...EXTRA_LOSSES,
].map(versioned);

/** Finds a loss by functional name, module name or alias such as `focal_loss` (exact match). */
export function findLoss(name: string): LossDefinition | undefined {
  const canonical = EXTRA_ALIASES[name] ?? name;
  return LOSSES.find((l) => l.name === canonical || l.moduleName === canonical);
}

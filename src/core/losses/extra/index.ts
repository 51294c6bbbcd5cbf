/**
 * The losses beyond torch.nn that tutorials teach and copy: symmetric cross-entropy, the clamp convention of label
 * smoothing, and focal loss (torchvision's sigmoid form and the softmax multi-class form). Each is a reference
 * implementation written with torch ops; the fixture generator (scripts/fixtures/gen_extra.py) runs the same code.
 */
import type { LossDefinition } from '../types';
import { labelSmoothingClamp } from './label_smoothing_clamp';
import { sigmoidFocalLoss } from './sigmoid_focal_loss';
import { softmaxFocalLoss } from './softmax_focal_loss';
import { symmetricCrossEntropy } from './symmetric_cross_entropy';

export {
  compareLabelSmoothing,
  type LabelSmoothingComparison,
  type SmoothingConvention,
} from './label_smoothing_clamp';

/** The extra losses, in the order pickers list them. */
export const EXTRA_LOSSES: readonly LossDefinition[] = [
  symmetricCrossEntropy,
  labelSmoothingClamp,
  sigmoidFocalLoss,
  softmaxFocalLoss,
];

/** Other names people use for these losses in JSON files and on the command line. */
export const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  focal_loss: 'sigmoid_focal_loss',
  sce: 'symmetric_cross_entropy',
};

/**
 * `F.linear_cross_entropy` / `nn.LinearCrossEntropyLoss` (new in PyTorch 2.x): cross-entropy of a linear layer's
 * output, `cross_entropy(linear(input, linear_weight, linear_bias), target, ...)`, fused in PyTorch to spare the
 * logits of a large vocabulary. Loss Lens computes PyTorch's reference path (`options=None`): the logits, then every
 * option `cross_entropy` has; the breakdown is cross_entropy's on those logits, with the gradients of the input, the
 * linear weight and the bias.
 *
 * A `linear_weight` of shape [C, d1, …, dK, in] gives K-dimensional logits [N, C, d1, …, dK] (batched input only).
 */
import { LossLensError } from '../diagnostics';
import { isFloating, numel, type Tensor } from '../tensor';
import { crossEntropy } from './cross_entropy';
import { requireInputs } from './reduction';
import { gradTensor, OptionReader, promoteTypes, rounderFor } from './torch-semantics';
import type { ComputeSettings, LossDefinition, LossInputs, LossOptions, LossResult } from './types';
import { isTorch2, versioned } from './versions';

const FN = 'linear_cross_entropy';

const DEFAULTS: LossOptions = {
  linear_bias: null,
  weight: null,
  reduction: 'mean',
  ignore_index: null,
  label_smoothing: 0.0,
  options: null,
};

/** cross_entropy as the registry runs it (with the torch version's rules). */
const CROSS_ENTROPY = versioned(crossEntropy);

/** Python's repr of a shape tuple: `(5,)`, `(5, 2)`. */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function shapeError(message: string, explanation: string, hint: string): LossLensError {
  return new LossLensError({ code: 'loss/linear-shape', message, explanation, hint, data: { loss: FN } });
}

function linearCrossEntropy(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult {
  if (!isTorch2(settings)) {
    throw new LossLensError({
      code: 'loss/not-in-version',
      message: "AttributeError: module 'torch.nn.functional' has no attribute 'linear_cross_entropy'",
      explanation:
        'linear_cross_entropy (nn.LinearCrossEntropyLoss) is new in PyTorch 2.x; PyTorch 1.13 does not have it.',
      hint: 'Choose torch version 2.x, or write cross_entropy(F.linear(input, linear_weight, linear_bias), target).',
      data: { loss: FN },
    });
  }
  const opts = new OptionReader(FN, DEFAULTS, options);
  const [input, weight, target] = requireInputs(FN, inputs, ['input', 'linear_weight', 'target']) as [
    Tensor,
    Tensor,
    Tensor,
  ];
  const bias = opts.tensor('linear_bias');
  if (opts.values['options'] !== null) {
    throw new LossLensError({
      code: 'loss/not-reproduced',
      message: 'Loss Lens computes linear_cross_entropy with options=None (the reference path) only.',
      explanation:
        "With LinearCrossEntropyOptions PyTorch computes the loss in chunks, in another order of rounding; its value equals the reference path's up to the last digits.",
      hint: 'Leave "options" out to compute the reference path.',
      data: { loss: FN },
    });
  }
  if (input.shape.length < 1 || input.shape.length > 2) {
    throw shapeError(
      `expected input with dimensionality 1 or 2, got ${input.shape.length}`,
      'linear_cross_entropy takes one sample [in_features] or a batch [N, in_features]; flatten other dimensions into the batch.',
      'Reshape the input to [N, in_features] (e.g. input.reshape(-1, input.shape[-1])) and the target to [N].',
    );
  }
  if (weight.shape.length < 2) {
    throw shapeError(
      `expected linear_weight with dimensionality at least 2, got ${weight.shape.length}`,
      "linear_weight is the linear layer's weight [C, in_features]: one row of in_features numbers per class.",
      'Pass the weight of nn.Linear(in_features, C), shape [C, in_features].',
    );
  }
  const inFeatures = input.shape[input.shape.length - 1]!;
  if (inFeatures !== weight.shape[weight.shape.length - 1]) {
    throw shapeError(
      `expected equal input and linear_weight last dimensions (in_features), got ${inFeatures} and ${weight.shape[weight.shape.length - 1]}, respectively`,
      `The linear layer multiplies each input row (${inFeatures} features) by each weight row, so both need the same last dimension.`,
      `Give linear_weight the shape [C, ${inFeatures}], or check which layer's weight is passed.`,
    );
  }
  const batch = input.shape.slice(0, -1);
  const classes = weight.shape[0]!;
  const outFeatures = weight.shape.slice(1, -1);
  const biasShape = [classes, ...outFeatures];
  if (bias && pyTuple(bias.shape) !== pyTuple(biasShape)) {
    throw shapeError(
      `expected linear_bias shape ${pyTuple(biasShape)}, got ${pyTuple(bias.shape)}`,
      `The bias adds one number per output of the linear layer: shape ${pyTuple(biasShape)}.`,
      `Give linear_bias the shape ${pyTuple(biasShape)}.`,
    );
  }
  if (outFeatures.length > 0 && batch.length === 0) {
    throw shapeError(
      `K-dimensional loss defined by linear_weight shape ${pyTuple(weight.shape)} requires batched input, (N, ${inFeatures}), got unbatched input with shape ${pyTuple(input.shape)}`,
      'A linear_weight with more than two dimensions gives K-dimensional logits, which need a batch dimension.',
      'Add the batch dimension: input.unsqueeze(0), and the target likewise.',
    );
  }
  const logitsShape = [...batch, classes, ...outFeatures];
  const probabilities =
    target.shape.length === logitsShape.length && target.shape.every((s, i) => s === logitsShape[i]);
  if (probabilities && opts.values['ignore_index'] !== null) {
    throw shapeError(
      'ignore_index cannot be specified when target contains probabilities',
      'The target has the logits\u2019 shape, so it holds class probabilities, and there is no class index to ignore.',
      'Leave ignore_index out, or pass class indices as the target.',
    );
  }
  // logits = input · Wᵀ + b with W flattened to [C·d1…dK, in], in the promoted floating dtype.
  const dtype = promoteTypes(promoteTypes(input.dtype, weight.dtype), bias ? bias.dtype : input.dtype);
  const r = rounderFor(dtype);
  const rows = batch.length === 0 ? 1 : batch[0]!;
  const outputs = numel(biasShape);
  const logits = new Float64Array(rows * outputs);
  for (let n = 0; n < rows; n++) {
    for (let o = 0; o < outputs; o++) {
      let s = 0;
      for (let k = 0; k < inFeatures; k++) s += input.data[n * inFeatures + k]! * weight.data[o * inFeatures + k]!;
      logits[n * outputs + o] = r(bias ? r(s) + bias.data[o]! : s);
    }
  }
  const logitsTensor: Tensor = {
    dtype,
    shape: logitsShape,
    data: dtype === 'float32' ? Float32Array.from(logits) : logits,
  };
  const ceOptions: Record<string, LossOptions[string]> = {
    weight: opts.values['weight'] ?? null,
    reduction: opts.values['reduction'] ?? 'mean',
    label_smoothing: opts.values['label_smoothing'] ?? 0,
  };
  // ignore_index=None means -100 for class indices; cross_entropy refuses it for probabilities only when set.
  if (opts.values['ignore_index'] !== null) ceOptions['ignore_index'] = opts.values['ignore_index']!;
  const ce = CROSS_ENTROPY.compute({ input: logitsTensor, target }, ceOptions, settings);
  // Chain the logits' gradient back through the linear layer.
  const gLogits = ce.gradient['input'];
  const gradient: Record<string, Tensor> = {};
  if (gLogits) {
    const gIn = new Float64Array(input.data.length);
    const gW = new Float64Array(weight.data.length);
    const gB = new Float64Array(outputs);
    for (let n = 0; n < rows; n++) {
      for (let o = 0; o < outputs; o++) {
        const g = gLogits.data[n * outputs + o]!;
        if (g === 0) continue;
        gB[o]! += g;
        for (let k = 0; k < inFeatures; k++) {
          gIn[n * inFeatures + k]! += g * weight.data[o * inFeatures + k]!;
          gW[o * inFeatures + k]! += g * input.data[n * inFeatures + k]!;
        }
      }
    }
    if (isFloating(input.dtype)) gradient['input'] = gradTensor(gIn, input);
    if (isFloating(weight.dtype)) gradient['linear_weight'] = gradTensor(gW, weight);
    if (bias && isFloating(bias.dtype)) gradient['linear_bias'] = gradTensor(gB, bias);
  }
  return {
    ...ce,
    fn: FN,
    gradient,
    extras: { ...ce.extras, logits: { dtype: 'float64', shape: logitsShape, data: logits } },
    options: { ...opts.values, ...ce.options, linear_bias: bias, ignore_index: opts.values['ignore_index'] ?? null },
  };
}

/** `F.linear_cross_entropy` / `nn.LinearCrossEntropyLoss` (PyTorch 2.x). */
export const linearCrossEntropyLoss: LossDefinition = {
  name: FN,
  moduleName: 'LinearCrossEntropyLoss',
  inputs: ['input', 'linear_weight', 'target'],
  defaults: DEFAULTS,
  summary: 'Cross-entropy of a linear layer\u2019s output (input · Wᵀ + b) for large vocabularies; PyTorch 2.x.',
  compute: linearCrossEntropy,
};

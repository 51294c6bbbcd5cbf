/**
 * `F.multilabel_soft_margin_loss` / `nn.MultiLabelSoftMarginLoss`: a sigmoid cross-entropy per label, averaged over
 * the labels of each sample.
 *
 * Shapes: input (logits) [N, C] (or [C], or [N, …, C]); target of 0/1 labels broadcasting against it; `weight`
 * (usually [C]) broadcasts against the loss. Per sample: (1/C)·Σ_c w_c·[−y_c·log σ(x_c) − (1 − y_c)·log σ(−x_c)],
 * summed over the last dimension of the input. `mean` then averages over the samples.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import { allocate, isFloating, numel, scalarTypeName, toNested, type DType, type Tensor } from '../tensor';
import { binaryClassification, elementWeightsNotice, expandTo, rowSums, sumToShape } from './binary_cross_entropy';
import { classWeightsNotice, reducedOutput } from './nll_loss';
import {
  broadcastOrThrow,
  isTensorValue,
  notice,
  pythonTypeName,
  reduce,
  requireInputs,
  resolveOptions,
} from './reduction';
import type { LossDefinition, LossOptions, LossResult, Reduction } from './types';

const MLSM_DEFAULTS: LossOptions = { weight: null, size_average: null, reduce: null, reduction: 'mean' };

function promoteFloat(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}

/** Multi-label one-versus-all loss on logits, averaged over the labels of each sample. */
export const multilabelSoftMarginLoss: LossDefinition = {
  name: 'multilabel_soft_margin_loss',
  moduleName: 'MultiLabelSoftMarginLoss',
  inputs: ['input', 'target'],
  defaults: MLSM_DEFAULTS,
  summary: 'Multi-label sigmoid cross-entropy on logits, averaged over the C labels of each sample.',
  compute(inputs, options): LossResult {
    const resolved = resolveOptions('multilabel_soft_margin_loss', MLSM_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('multilabel_soft_margin_loss', inputs, ['input', 'target']) as [
      Tensor,
      Tensor,
    ];
    // PyTorch computes everything first and checks the reduction string last.
    if (input.dtype !== 'float32' && input.dtype !== 'float64' && input.dtype !== 'bfloat16') {
      const name = scalarTypeName(input.dtype);
      throw new LossLensError({
        code: 'loss/input-dtype',
        message: `"log_sigmoid_cpu" not implemented for '${name}'`,
        explanation: isFloating(input.dtype)
          ? `PyTorch 1.13 has no CPU kernel for ${name} (${input.dtype}) here.`
          : `The input holds integers (${name}); MultiLabelSoftMarginLoss needs floating-point logits.`,
        hint: 'Convert the input with .float().',
        data: { dtype: name },
      });
    }
    const lossShape = broadcastOrThrow(target.shape, input.shape, { a: 'the target', b: 'the input' });
    if (target.dtype === 'bool') {
      throw new LossLensError({
        code: 'loss/target-dtype',
        message:
          'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
        explanation:
          'The target is a bool tensor; MultiLabelSoftMarginLoss computes 1 − target, which PyTorch refuses for bools.',
        hint: 'Convert the target with target.float().',
        data: { dtype: 'Bool' },
      });
    }
    const weightOption = opts['weight'];
    let weight: Tensor | undefined;
    let scalarWeight: number | undefined;
    let shape = lossShape;
    if (weightOption !== null && weightOption !== undefined) {
      if (typeof weightOption === 'number' || typeof weightOption === 'boolean') scalarWeight = Number(weightOption);
      else if (isTensorValue(weightOption)) {
        weight = weightOption;
        shape = broadcastOrThrow(lossShape, weight.shape, { a: 'the loss', b: 'weight' });
      } else {
        throw new LossLensError({
          code: 'loss/option-type',
          message: 'TypeError: only integer tensors of a single element can be converted to an index',
          explanation: `weight must be a tensor (or a number); a ${pythonTypeName(weightOption)} was given.`,
          hint: 'Wrap the weights in torch.tensor([...]).',
          data: { name: 'weight', got: pythonTypeName(weightOption) },
        });
      }
    }
    if (input.shape.length === 0) {
      throw new LossLensError({
        code: 'loss/input-dims',
        message: 'IndexError: Dimension specified as -1 but tensor has no dimensions',
        explanation: 'The input is a 0-d scalar; MultiLabelSoftMarginLoss needs one logit per label ([C] or [N, C]).',
        hint: 'Pass one logit per label, e.g. shape [N, C].',
        data: { dims: 0 },
      });
    }
    const reductionText = opts['reduction'];
    if (reductionText !== 'none' && reductionText !== 'mean' && reductionText !== 'sum') {
      throw new LossLensError({
        code: 'loss/invalid-reduction',
        message: `ValueError: ${String(reductionText)} is not valid`,
        explanation: "reduction must be one of 'none', 'mean' or 'sum'.",
        hint: "Use reduction='mean' (the default), 'sum' or 'none'.",
        data: { value: String(reductionText) },
      });
    }
    const reduction: Reduction = reductionText;

    let dtype: DType = input.dtype;
    if (isFloating(target.dtype)) dtype = promoteFloat(dtype, target.dtype);
    if (weight && isFloating(weight.dtype)) dtype = promoteFloat(dtype, weight.dtype);
    const classDim = input.shape.length - 1;
    const C = input.shape[classDim]!;
    const n = numel(shape);
    const x = expandTo(input, shape);
    const t = expandTo(target, shape);
    const w = weight ? expandTo(weight, shape) : undefined;
    // The sum runs over dimension (input.dim() − 1) of the (possibly larger) broadcast loss.
    const outer = numel(shape.slice(0, classDim));
    const size = shape[classDim]!;
    const inner = numel(shape.slice(classDim + 1));
    const rowShape = [...shape.slice(0, classDim), ...shape.slice(classDim + 1)];
    const rows = outer * inner;
    const scale = (reduction === 'mean' ? 1 / rows : 1) / C;

    const positiveTerm = allocate(dtype, n);
    const negativeTerm = allocate(dtype, n);
    const probabilities = allocate(dtype, n);
    const logProbabilities = allocate(dtype, n);
    const gradFull = new Float64Array(n);
    const rowValues = new Float64Array(rows);
    let allInUnitInterval = n > 0;
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < size; c++) {
        for (let i = 0; i < inner; i++) {
          const k = (o * size + c) * inner + i;
          const xk = x[k]!;
          const tk = t[k]!;
          const wk = w ? w[k]! : (scalarWeight ?? 1);
          if (!(xk >= 0 && xk <= 1)) allInUnitInterval = false;
          // −log σ(x) = softplus(−x) and −log σ(−x) = softplus(x), from one exponential.
          const e = Math.exp(-Math.abs(xk));
          const l = Math.log1p(e);
          const softplusNeg = Math.max(-xk, 0) + l;
          const sigma = xk >= 0 ? 1 / (1 + e) : e / (1 + e);
          const pos = wk * tk * softplusNeg;
          const neg = wk * (1 - tk) * (Math.max(xk, 0) + l);
          positiveTerm[k] = pos;
          negativeTerm[k] = neg;
          probabilities[k] = sigma;
          logProbabilities[k] = -softplusNeg;
          rowValues[o * inner + i]! += pos + neg;
          gradFull[k] = (sigma - tk) * wk * scale;
        }
      }
    }
    for (let r = 0; r < rows; r++) rowValues[r] = rowValues[r]! / C;
    const gradient = sumToShape(gradFull, shape, input.shape);
    const perElementData = allocate(dtype, rows);
    perElementData.set(rowValues);
    const perElement: Tensor = { dtype, shape: rowShape, data: perElementData };
    const breakdown = reduce(rowValues, reduction, {
      denominatorLabel: `N = ${rows} ${rows === 1 ? 'sample' : 'samples'} (each already averaged over its ${C} labels)`,
      why: "MultiLabelSoftMarginLoss averages each sample's label losses over the C labels, then reduction='mean' averages over the samples",
    }).breakdown;
    const value = reduction === 'none' ? NaN : breakdown.numerator / breakdown.denominator;
    const output = reducedOutput(dtype, reduction, perElement, value);

    const warnings: Diagnostic[] = [...resolved.warnings];
    if (allInUnitInterval) {
      warnings.push(
        notice(
          'warning',
          'warn/probabilities-to-logits-loss',
          'Every input value lies in [0, 1]: these look like probabilities, but MultiLabelSoftMarginLoss expects raw logits.',
          'MultiLabelSoftMarginLoss applies the sigmoid itself. On probabilities it squashes twice: every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so the loss cannot go low and training stalls.',
          'Remove the sigmoid before the loss and pass the raw logits.',
          { count: n },
        ),
      );
    }
    if (rows === 0 && reduction === 'mean') {
      warnings.push(
        notice(
          'warning',
          'warn/empty-mean',
          "The batch is empty, so reduction='mean' is 0/0 = nan.",
          'MultiLabelSoftMarginLoss averages over the samples, and there are none.',
          "Skip empty batches, or use reduction='sum'.",
          {
            samples: 0,
          },
        ),
      );
    }
    if (weight) {
      const note =
        weight.shape.length === 1
          ? classWeightsNotice('MultiLabelSoftMarginLoss', weight.data)
          : elementWeightsNotice('MultiLabelSoftMarginLoss', weight);
      if (note) warnings.push(note);
    }
    const gradientData = allocate(input.dtype, gradient.length);
    gradientData.set(gradient);
    return {
      fn: 'multilabel_soft_margin_loss',
      value: toNested(output),
      output,
      perElement,
      perSample: rowSums(rowValues, rowShape),
      reduction: breakdown,
      classification: binaryClassification(
        dtype,
        shape,
        probabilities,
        logProbabilities,
        t,
        w ? { values: w, period: n } : scalarWeight !== undefined ? { values: [scalarWeight], period: 1 } : undefined,
      ),
      gradient: { input: { dtype: input.dtype, shape: [...input.shape], data: gradientData } },
      extras: {
        positiveTerm: { dtype, shape: [...shape], data: positiveTerm },
        negativeTerm: { dtype, shape: [...shape], data: negativeTerm },
      },
      warnings,
      options: { ...opts, reduction },
    };
  },
};

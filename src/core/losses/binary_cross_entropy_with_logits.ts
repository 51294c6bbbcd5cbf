/**
 * `F.binary_cross_entropy_with_logits` / `nn.BCEWithLogitsLoss`: sigmoid + binary cross-entropy in one stable formula.
 *
 * Shapes: input (logits) and target identical (any shape). `weight` broadcasts against the loss; `pos_weight`
 * broadcasts against the target, so a [C] pos_weight gives one weight per class (the last dimension). With p the
 * pos_weight: ℓ = w·[p·y·softplus(−x) + (1 − y)·softplus(x)], which is PyTorch's
 * (1 − y)·x + (1 + (p − 1)·y)·(log(e^{−m} + e^{−x−m}) + m), m = max(−x, 0). `mean` divides by the number of elements.
 */
import { LossLensError, type Diagnostic } from '../diagnostics';
import {
  formatShape,
  formatTorchSize,
  isFloating,
  scalarTypeName,
  type DType,
  type Tensor,
  type TensorData,
} from '../tensor';
import {
  bceBuffers,
  bceEmptyMeanNotice,
  bceReduced,
  bceResult,
  broadcastSource,
  elementWeightsNotice,
  shapeHint,
  targetRangeNotice,
  weightSpread,
} from './binary_cross_entropy';
import type { ElementwiseAccumulator } from './elementwise_summary';
import { expNonPositive, log1pUnit } from './kernels';
import { softmaxRowKernel, type SoftmaxRowKernel } from './simd';
import { BCE32_STEP, bceKernel, STATE, type BceKernel } from './simd-bce';
import { fmt } from './nll_loss';
import {
  broadcastOrThrow,
  inPlaceBroadcastError,
  notice,
  parseReduction,
  requireInputs,
  resolveOptions,
  tensorOption,
} from './reduction';
import type { LossDefinition, LossOptions, LossResult } from './types';

const BCEWL_DEFAULTS: LossOptions = {
  weight: null,
  size_average: null,
  reduce: null,
  reduction: 'mean',
  pos_weight: null,
};

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function castError(resultType: string, target: Tensor, what: string): LossLensError {
  const to = scalarTypeName(target.dtype);
  return new LossLensError({
    code: what === 'input' ? 'loss/input-dtype' : 'loss/target-dtype',
    message: `result type ${resultType} can't be cast to the desired output type ${to}`,
    explanation:
      what === 'input'
        ? `The logits are integers (${scalarTypeName(target.dtype)}); BCEWithLogitsLoss computes exponentials in place and needs floating-point logits.`
        : `The target is ${to} (${target.dtype}); BCEWithLogitsLoss builds the loss in the target's dtype, so it must be floating point. Integer labels such as torch.tensor([1, 0]) are Long.`,
    hint: `Convert the ${what} with ${what}.float().`,
    data: { resultType, outputType: to, what },
  });
}

/** Elements per block of the summary pass. */
const BLOCK = 8192;

/**
 * Summary mode's pass: each element's loss, the same expression as full mode's, folded into `summary` a block at a
 * time (and written to `perElement` for reduction='none'). The logits and targets of a block are copied into float64
 * scratch and the broadcast weights walked with counters, so the loop reads one array type and divides nothing.
 * Returns whether every logit lies in [0, 1].
 */
function summaryPass(
  x: TensorData,
  y: TensorData,
  w: { values: ArrayLike<number>; period: number } | undefined,
  pw: { values: ArrayLike<number>; period: number } | undefined,
  summary: ElementwiseAccumulator,
  perElement: TensorData | undefined,
): boolean {
  const n = x.length;
  const xs = new Float64Array(BLOCK);
  const ys = new Float64Array(BLOCK);
  const losses = new Float64Array(BLOCK);
  const wValues = Float64Array.from(w ? w.values : [1]);
  const pValues = Float64Array.from(pw ? pw.values : [1]);
  const wPeriod = w ? w.period : 1;
  const pPeriod = pw ? pw.period : 1;
  let wAt = 0;
  let pAt = 0;
  let allInUnitInterval = n > 0;
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const count = Math.min(BLOCK, n - k0);
    xs.set(x.subarray(k0, k0 + count));
    ys.set(y.subarray(k0, k0 + count));
    for (let j = 0; j < count; j++) {
      const xk = xs[j]!;
      const yk = ys[j]!;
      const wk = wValues[wAt]!;
      const pk = pValues[pAt]!;
      if (++wAt === wPeriod) wAt = 0;
      if (++pAt === pPeriod) pAt = 0;
      if (!(xk >= 0 && xk <= 1)) allInUnitInterval = false;
      const softplusNeg = Math.max(-xk, 0) + log1pUnit(expNonPositive(-Math.abs(xk)));
      losses[j] = ((1 - yk) * xk + (1 + (pk - 1) * yk) * softplusNeg) * wk;
    }
    summary.addBlock(losses, count, ys);
    if (perElement) perElement.set(losses.subarray(0, count), k0);
  }
  return allInUnitInterval;
}

/** The least common multiple of a and b (positive integers). */
function lcm(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** Above this block length (the broadcast periods' least common multiple), the JavaScript pass runs instead. */
const SIMD_MAX_BLOCK = 1 << 16;

/**
 * {@link summaryPass} with the element losses computed by the WebAssembly kernel of ./simd.ts (float64, 2 lanes; its
 * exp and log1p are polynomials within 10⁻¹² of full mode's), folded into `summary` the same way. The weights are
 * tiled once into a block whose length is a multiple of both broadcast periods, so every block starts at phase 0.
 * Returns whether every logit lies in [0, 1] and whether every target does (from the kernel's running min and max),
 * or undefined when the periods make the block too long (the caller runs {@link summaryPass}).
 */
function summaryPassSimd(
  kernel: SoftmaxRowKernel,
  x: TensorData,
  y: TensorData,
  w: { values: ArrayLike<number>; period: number } | undefined,
  pw: { values: ArrayLike<number>; period: number } | undefined,
  summary: ElementwiseAccumulator,
  perElement: TensorData | undefined,
): { allInUnitInterval: boolean; targetsInUnitInterval: boolean } | undefined {
  const n = x.length;
  const period = lcm(lcm(4, w ? w.period : 1), pw ? pw.period : 1);
  if (period > SIMD_MAX_BLOCK) return undefined;
  const block = period * Math.max(1, Math.floor(BLOCK / period));
  // Layout (float64 indices): x, y, pos_weight, weight, losses (one block each), then the kernel's flag.
  kernel.reserve((5 * block + 2) * 8);
  const memory = kernel.f64;
  const xs = memory.subarray(0, block);
  const ys = memory.subarray(block, 2 * block);
  const losses = memory.subarray(4 * block, 5 * block);
  for (let j = 0; j < block; j++) {
    memory[2 * block + j] = pw ? pw.values[j % pw.period]! : 1;
    memory[3 * block + j] = w ? w.values[j % w.period]! : 1;
  }
  const scratch = 5 * block;
  let allInUnitInterval = n > 0;
  let targetsInUnitInterval = true;
  for (let k0 = 0; k0 < n; k0 += block) {
    const count = Math.min(block, n - k0);
    xs.set(x.subarray(k0, k0 + count));
    ys.set(y.subarray(k0, k0 + count));
    // The kernel works 4 elements at a time: those past the end get a target in [0, 1].
    for (let j = count; j % 4 !== 0; j++) {
      xs[j] = 0;
      ys[j] = 0;
    }
    if (allInUnitInterval) {
      for (let j = 0; j < count; j++) {
        if (!(xs[j]! >= 0 && xs[j]! <= 1)) {
          allInUnitInterval = false;
          break;
        }
      }
    }
    if (!kernel.bce(0, block, 2 * block, 3 * block, count, 4 * block, scratch)) targetsInUnitInterval = false;
    summary.addBlock(losses, count, ys);
    if (perElement) perElement.set(losses.subarray(0, count), k0);
  }
  return { allInUnitInterval, targetsInUnitInterval };
}

/** Below this many elements per sample, the sums are folded in JavaScript (the kernel's runs would be too short). */
const KERNEL_MIN_RUN = 16;

/** Whether every value of a weight lies in [min, max] (no NaN). */
function within(w: { values: ArrayLike<number> } | undefined, min: number, max: number): boolean {
  if (!w) return true;
  for (let j = 0; j < w.values.length; j++) if (!(w.values[j]! >= min && w.values[j]! <= max)) return false;
  return true;
}

/**
 * {@link summaryPass} for float32 logits and targets with the float32 kernel of ./simd-bce.ts: each block of x and y
 * is copied into the kernel's memory as it is (no conversion), the element losses computed there in float32 (blocks
 * that hold a logit beyond ±87, a NaN or a target outside [0, 1] again with the float64 kernel), and folded into the
 * sums there too when samples are long enough, else here. The weights are tiled once into a block whose length is a
 * multiple of both broadcast periods. Returns undefined when the inputs are not for this path (the caller runs
 * {@link summaryPassSimd} or {@link summaryPass}): not float32, pos_weight outside [0, 10³⁰], a non-finite weight, or
 * periods that make the block too long.
 */
function summaryPassFloat32(
  kernel: BceKernel,
  x: TensorData,
  y: TensorData,
  w: { values: ArrayLike<number>; period: number } | undefined,
  pw: { values: ArrayLike<number>; period: number } | undefined,
  summary: ElementwiseAccumulator,
  perElement: TensorData | undefined,
): { allInUnitInterval: boolean; targetsInUnitInterval: boolean } | undefined {
  if (!(x instanceof Float32Array) || !(y instanceof Float32Array)) return undefined;
  if (!within(pw, 0, 1e30) || !within(w, -Number.MAX_VALUE, Number.MAX_VALUE)) return undefined;
  const n = x.length;
  const period = lcm(lcm(BCE32_STEP, w ? w.period : 1), pw ? pw.period : 1);
  if (period > SIMD_MAX_BLOCK) return undefined;
  const block = period * Math.max(1, Math.floor(BLOCK / period));
  const inKernel = summary.perRow >= KERNEL_MIN_RUN;
  const labels = summary.labels > 0 ? summary.labels : summary.perRow;
  const rows = summary.perSample.length;
  // Layout (bytes): x, y, p (float32), w, losses, and for the float64 kernel x, y, p (float64), one block each; the
  // flags, the sums' state, the per-label sums (2 spare) and the per-sample sums.
  const [X, Y, PW, W, OUT] = [0, 4 * block, 8 * block, 12 * block, 20 * block] as const;
  const [X64, Y64, P64] = [28 * block, 36 * block, 44 * block] as const;
  const flagsAt = 52 * block;
  const state = flagsAt + 16;
  const perLabelAt = state + STATE.bytes;
  const perSampleAt = perLabelAt + 8 * (labels + 2);
  kernel.reserve(perSampleAt + 8 * (inKernel ? rows : 0));
  const { f32, f64, i32 } = kernel;
  for (let j = 0; j < block; j++) {
    f32[PW / 4 + j] = pw ? pw.values[j % pw.period]! : 1;
    f64[W / 8 + j] = w ? w.values[j % w.period]! : 1;
  }
  let pos64Tiled = false;
  if (inKernel) {
    f64.fill(0, state / 8, (perSampleAt + 8 * rows) / 8);
    i32[(state + STATE.perRow) / 4] = summary.perRow;
    i32[(state + STATE.labels) / 4] = labels;
    i32[(state + STATE.perSample) / 4] = perSampleAt;
    i32[(state + STATE.perLabel) / 4] = perLabelAt;
  }
  let allInUnitInterval = n > 0;
  let targetsInUnitInterval = true;
  for (let k0 = 0; k0 < n; k0 += block) {
    const count = Math.min(block, n - k0);
    const padded = Math.ceil(count / BCE32_STEP) * BCE32_STEP;
    f32.set(x.subarray(k0, k0 + count), X / 4);
    f32.set(y.subarray(k0, k0 + count), Y / 4);
    // The kernel works BCE32_STEP elements at a time: those past the end are 0 (a safe logit, a target in [0, 1]).
    f32.fill(0, X / 4 + count, X / 4 + padded);
    f32.fill(0, Y / 4 + count, Y / 4 + padded);
    const flags = kernel.bce32(X, Y, PW, W, count, OUT, flagsAt, {
      checkLogits: allInUnitInterval,
      weighted: w !== undefined,
    });
    if (!flags.logitsInUnitInterval) allInUnitInterval = false;
    const targets64 = !inKernel || !flags.logitsSafe || !flags.targetsInUnitInterval;
    if (targets64) {
      f64.set(y.subarray(k0, k0 + count), Y64 / 8);
      f64.fill(0, Y64 / 8 + count, Y64 / 8 + padded);
    }
    if (!flags.logitsSafe || !flags.targetsInUnitInterval) {
      // Outside the float32 path's bound: the float64 kernel recomputes the block (full mode's formula, within 1e-9).
      if (!flags.targetsInUnitInterval) targetsInUnitInterval = false;
      if (!pos64Tiled) {
        for (let j = 0; j < block; j++) f64[P64 / 8 + j] = pw ? pw.values[j % pw.period]! : 1;
        pos64Tiled = true;
      }
      f64.set(x.subarray(k0, k0 + count), X64 / 8);
      f64.fill(0, X64 / 8 + count, X64 / 8 + padded);
      kernel.bce64(X64, Y64, P64, W, count, OUT, flagsAt);
    }
    if (inKernel) kernel.accumulate(OUT, Y, count, state);
    else summary.addBlock(f64.subarray(OUT / 8, OUT / 8 + count), count, f64.subarray(Y64 / 8, Y64 / 8 + count));
    if (perElement) perElement.set(f64.subarray(OUT / 8, OUT / 8 + count), k0);
  }
  if (inKernel) {
    const lanes = (at: number): number => f64[at / 8]! + f64[at / 8 + 1]!;
    // The count of positives: two int64 lanes (each below 2⁵³), read as pairs of 32-bit words.
    const words = new Uint32Array(f64.buffer, state + STATE.positiveCount, 4);
    const positiveCount = words[0]! + words[1]! * 2 ** 32 + words[2]! + words[3]! * 2 ** 32;
    summary.addTotals({
      perSample: f64.subarray(perSampleAt / 8, perSampleAt / 8 + rows),
      perLabel: f64.subarray(perLabelAt / 8, perLabelAt / 8 + summary.perLabel.length),
      sum: f64[(state + STATE.sum) / 8]!,
      compensation: f64[(state + STATE.compensation) / 8]!,
      positiveCount,
      positiveSum: lanes(state + STATE.positiveSum),
      negativeCount: n - positiveCount,
      negativeSum: lanes(state + STATE.negativeSum),
    });
  }
  return { allInUnitInterval, targetsInUnitInterval };
}

/** Binary cross-entropy on logits with optional per-element `weight` and per-class `pos_weight`. */
export const binaryCrossEntropyWithLogits: LossDefinition = {
  name: 'binary_cross_entropy_with_logits',
  moduleName: 'BCEWithLogitsLoss',
  inputs: ['input', 'target'],
  defaults: BCEWL_DEFAULTS,
  summary: 'Sigmoid + binary cross-entropy on raw logits, numerically stable, with pos_weight for imbalanced labels.',
  compute(inputs, options, settings): LossResult {
    const resolved = resolveOptions('binary_cross_entropy_with_logits', BCEWL_DEFAULTS, options);
    const opts = resolved.options;
    const [input, target] = requireInputs('binary_cross_entropy_with_logits', inputs, ['input', 'target']) as [
      Tensor,
      Tensor,
    ];
    const reduction = parseReduction(opts['reduction']);
    const shape = input.shape;
    if (!sameShape(target.shape, shape)) {
      throw new LossLensError({
        code: 'loss/target-size',
        message: `ValueError: Target size (${formatTorchSize(target.shape)}) must be the same as input size (${formatTorchSize(shape)})`,
        explanation: `BCEWithLogitsLoss compares logits and targets element by element, so they need the same shape; input is ${formatShape(shape)}, target ${formatShape(target.shape)}.`,
        hint: shapeHint(shape, target.shape),
        data: { input: formatShape(shape), target: formatShape(target.shape) },
      });
    }
    const weight = tensorOption('binary_cross_entropy_with_logits', 'weight', 3, opts['weight']);
    const posWeight = tensorOption('binary_cross_entropy_with_logits', 'pos_weight', 4, opts['pos_weight']);
    // PyTorch's order: max(−x, 0) (no Half kernel), pos_weight·target, (1 − target)·x in place, then the weight.
    if (input.dtype === 'float16') {
      throw new LossLensError({
        code: 'loss/input-dtype',
        message: `"clamp_min_cpu" not implemented for 'Half'`,
        explanation: 'PyTorch 1.13 has no CPU kernel for float16 here.',
        hint: 'Convert input and target with .float().',
        data: { dtype: 'Half' },
      });
    }
    let posShape: number[] | undefined;
    if (posWeight) posShape = broadcastOrThrow(posWeight.shape, target.shape, { a: 'pos_weight', b: 'the target' });
    if (target.dtype === 'bool') {
      throw new LossLensError({
        code: 'loss/target-dtype',
        message:
          'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
        explanation:
          'The target is a bool tensor; BCEWithLogitsLoss computes 1 − target, which PyTorch refuses for bools.',
        hint: 'Convert the target with target.float().',
        data: { dtype: 'Bool' },
      });
    }
    if (!isFloating(target.dtype))
      throw castError(isFloating(input.dtype) ? scalarTypeName(input.dtype) : 'Float', target, 'target');
    if (!isFloating(input.dtype)) throw castError('Float', input, 'input');
    if (posShape && !sameShape(posShape, shape)) throw inPlaceBroadcastError(shape, posShape, 'pos_weight');
    if (weight) {
      const weightShape = broadcastOrThrow(shape, weight.shape, { a: 'the loss', b: 'weight' });
      if (!sameShape(weightShape, shape)) throw inPlaceBroadcastError(shape, weightShape, 'weight');
    }

    // The loss is built in the target's dtype (PyTorch computes (1 − target)·input in place).
    const dtype: DType = target.dtype;
    const n = input.data.length;
    const x = input.data;
    const y = target.data;
    const w = weight ? broadcastSource(weight, shape) : undefined;
    const pw = posWeight ? broadcastSource(posWeight, shape) : undefined;
    const buffers = bceBuffers(dtype, input.dtype, shape, n, reduction, settings?.detail !== 'summary');
    const { summary, perElementData, perElementValues, positiveTerm, negativeTerm, gradient } = buffers;
    const { probabilities, logProbabilities } = buffers;
    const scale = reduction === 'mean' ? 1 / n : 1;
    let allInUnitInterval = n > 0;
    // Summary mode with the SIMD kernel also learns whether every target lies in [0, 1] (no scan of its own then).
    let targetsInUnitInterval: boolean | undefined;
    if (summary) {
      const perElement = reduction === 'none' ? perElementData : undefined;
      const float32 = input.dtype === 'float32' && dtype === 'float32' ? bceKernel() : undefined;
      const kernel = softmaxRowKernel();
      const simd =
        (float32 ? summaryPassFloat32(float32, x, y, w, pw, summary, perElement) : undefined) ??
        (kernel ? summaryPassSimd(kernel, x, y, w, pw, summary, perElement) : undefined);
      if (simd) ({ allInUnitInterval, targetsInUnitInterval } = simd);
      else allInUnitInterval = summaryPass(x, y, w, pw, summary, perElement);
    }
    for (let k = 0; k < (summary ? 0 : n); k++) {
      const xk = x[k]!;
      const yk = y[k]!;
      const wk = w ? w.values[k % w.period]! : 1;
      const pk = pw ? pw.values[k % pw.period]! : 1;
      if (!(xk >= 0 && xk <= 1)) allInUnitInterval = false;
      // softplus(±x) = max(±x, 0) + log1p(e^{−|x|}) and σ(x) from the same exponential.
      const e = expNonPositive(-Math.abs(xk));
      const l = log1pUnit(e);
      const softplusNeg = Math.max(-xk, 0) + l;
      const softplusPos = Math.max(xk, 0) + l;
      const sigma = xk >= 0 ? 1 / (1 + e) : e / (1 + e);
      const pos = wk * pk * yk * softplusNeg;
      const neg = wk * (1 - yk) * softplusPos;
      // PyTorch's own form (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), so ±inf logits give nan exactly as there.
      const loss = ((1 - yk) * xk + (1 + (pk - 1) * yk) * softplusNeg) * wk;
      positiveTerm[k] = pos;
      negativeTerm[k] = neg;
      perElementValues[k] = loss;
      perElementData[k] = loss;
      probabilities[k] = sigma;
      logProbabilities[k] = -softplusNeg;
      // PyTorch's backward: ((p·y + 1 − y)·σ(x) − p·y)·w.
      gradient[k] = ((pk * yk + 1 - yk) * sigma - pk * yk) * wk * scale;
    }
    const reduced = bceReduced(buffers, dtype, shape, n, reduction);

    const warnings: Diagnostic[] = [...resolved.warnings];
    if (allInUnitInterval) {
      warnings.push(
        notice(
          'warning',
          'warn/probabilities-to-logits-loss',
          'Every input value lies in [0, 1]: these look like probabilities, but BCEWithLogitsLoss expects raw logits.',
          'BCEWithLogitsLoss applies the sigmoid itself. On probabilities it squashes twice: every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so the loss cannot go low and training stalls.',
          'Remove the sigmoid before the loss and pass the raw logits, or keep the probabilities and use BCELoss.',
          { count: n },
        ),
      );
    }
    const range = targetsInUnitInterval ? undefined : targetRangeNotice('BCEWithLogitsLoss', target);
    if (range) warnings.push(range);
    if (n === 0 && reduction === 'mean') warnings.push(bceEmptyMeanNotice('BCEWithLogitsLoss'));
    if (posWeight) {
      const { differing, min, max } = weightSpread(posWeight);
      if (differing > 0) {
        warnings.push(
          notice(
            'info',
            'info/pos-weight',
            `pos_weight differs from 1 (${min === max ? fmt(min) : `${fmt(min)} to ${fmt(max)}`}, shape ${formatShape(posWeight.shape)}).`,
            `pos_weight multiplies only the positive term y·log σ(x): a positive label counts ${min === max ? `${fmt(min)}×` : 'pos_weight times'} as much as a negative one. It broadcasts against the target's last dimension, one weight per class; the usual choice is #negatives / #positives.`,
            undefined,
            { min, max, shape: formatShape(posWeight.shape) },
          ),
        );
      }
    }
    if (weight) {
      const note = elementWeightsNotice('BCEWithLogitsLoss', weight);
      if (note) warnings.push(note);
    }
    return bceResult('binary_cross_entropy_with_logits', buffers, {
      dtype,
      gradientDtype: input.dtype,
      shape,
      reduced,
      target: y,
      weights: w,
      reduction,
      warnings,
      options: { ...opts, reduction },
    });
  },
};

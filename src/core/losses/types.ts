/**
 * The contract every loss implements: inputs by PyTorch parameter name, options by PyTorch keyword name, and a result
 * that carries the value plus the full breakdown the webview draws.
 */
import type { Diagnostic } from '../diagnostics';
import type { Nested, Tensor } from '../tensor';

/** PyTorch's reductions. `batchmean` is valid for `kl_div` only. */
export type Reduction = 'none' | 'mean' | 'sum' | 'batchmean';

/** A keyword option's value: numbers, booleans, strings, tensors (`weight`, `pos_weight`) or null (`None`). */
export type OptionValue = number | boolean | string | Tensor | null;

/** Tensors by PyTorch functional parameter name: `input`, `target`, `input1`, `anchor`, `log_probs`, ... */
export type LossInputs = Readonly<Record<string, Tensor>>;

/** Keyword options by PyTorch name: `reduction`, `weight`, `ignore_index`, `label_smoothing`, `pos_weight`, ... */
export type LossOptions = Readonly<Record<string, OptionValue>>;

/** How the unreduced losses became the reported value. */
export interface ReductionBreakdown {
  readonly reduction: Reduction;
  /** Σ of the unreduced (already weighted) losses that count. */
  readonly numerator: number;
  /** What the sum was divided by (1 for `sum`, NaN where not applicable e.g. `none`). */
  readonly denominator: number;
  /** What the denominator is, in words: e.g. `Σ w[yᵢ] over 3 non-ignored samples`, `N = 4 elements`, `batch size 2`. */
  readonly denominatorLabel: string;
  /** Why PyTorch divides by that: e.g. `weighted mean: CrossEntropyLoss divides by the sum of the target weights`. */
  readonly why: string;
}

/** Label-smoothing split for cross-entropy: loss = (1−ε)·nll + ε·smooth. Per sample, unreduced and unweighted by mean. */
export interface LabelSmoothingBreakdown {
  readonly epsilon: number;
  /** (1−ε)·NLL part per sample. */
  readonly nllPart: Float64Array;
  /** ε/C·Σ_c(−w_c·log p_c) part per sample. */
  readonly smoothPart: Float64Array;
}

/**
 * Per-sample details for classification losses (cross_entropy, nll_loss, BCE family, multi-margin...).
 * "Sample" means one prediction: for [N,C,d1..dk] inputs that is one (n, d1..dk) position, flattened in C order.
 */
export interface ClassificationBreakdown {
  /** Which axis holds the classes in the input (1 for [N,C,...], 0 for unbatched [C], -1 when elementwise e.g. BCE). */
  readonly classDim: number;
  readonly numClasses: number;
  /** softmax (CE), exp(input) (NLL on log-probs), or sigmoid (BCE with logits) / the input itself (BCE): [samples, C] or elementwise. */
  readonly probabilities: Tensor;
  /** log of the above. */
  readonly logProbabilities: Tensor;
  /** Per sample: the target class index, or -1 for probability targets / elementwise losses. */
  readonly targetClass: Int32Array;
  /** Per sample: p(target class) (NaN for probability targets). */
  readonly targetProbability: Float64Array;
  /** Per sample: argmax of the input. */
  readonly predictedClass: Int32Array;
  /** Per sample: weight applied (w[yᵢ], 1 without class weights, 0 when ignored). */
  readonly sampleWeight: Float64Array;
  /** Per sample: 1 when the target equals ignore_index. */
  readonly ignored: Uint8Array;
  readonly labelSmoothing?: LabelSmoothingBreakdown;
}

/** How much of the breakdown a computation materialises. */
export type ComputeDetail = 'full' | 'summary';

/**
 * Which PyTorch to reproduce where versions differ (accepted inputs, error texts, values): `2.x`, current PyTorch
 * (checked against 2.14), or `1.13`. Chosen by the user (setting, `--torch`, a tensor file's `"torch"`), never guessed.
 */
export type TorchVersion = '2.x' | '1.13';

/** Every {@link TorchVersion}, the default first. */
export const TORCH_VERSIONS: readonly TorchVersion[] = ['2.x', '1.13'];

/** The version computed when none is chosen: current PyTorch. */
export const DEFAULT_TORCH_VERSION: TorchVersion = '2.x';

/** How to compute, beyond PyTorch's own options. */
export interface ComputeSettings {
  /** Whose behaviour and messages to reproduce; {@link DEFAULT_TORCH_VERSION} when absent. */
  readonly torchVersion?: TorchVersion;
  /**
   * `full` (the default): every probability, log-probability and gradient. `summary`, for large inputs: the value,
   * the reduction and everything per sample, without any tensor the size of the input (see `LossResult.detail`).
   * Losses without a summary path compute in full.
   */
  readonly detail?: ComputeDetail;
  /**
   * Where summary mode takes the memory of its large per-sample outputs (the loss worker's pre-faulted spares:
   * src/worker/spares.ts); fresh arrays when absent. Only cross-entropy's class-plane path takes from it today.
   */
  readonly outputs?: OutputBuffers;
}

/**
 * Memory for a loss's per-sample outputs: each `take(byteLength)` gives an ArrayBuffer of exactly that size, filled
 * with zeros (as a fresh typed array is), that no one else holds.
 */
export interface OutputBuffers {
  take(byteLength: number): ArrayBuffer;
}

/** A zero-filled Float64Array of `length` from `outputs`, or a fresh one. */
export function float64Output(outputs: OutputBuffers | undefined, length: number): Float64Array {
  return outputs ? new Float64Array(outputs.take(length * 8)) : new Float64Array(length);
}

/** A zero-filled Int32Array of `length` from `outputs`, or a fresh one. */
export function int32Output(outputs: OutputBuffers | undefined, length: number): Int32Array {
  return outputs ? new Int32Array(outputs.take(length * 4)) : new Int32Array(length);
}

/** A zero-filled Uint8Array of `length` from `outputs`, or a fresh one. */
export function uint8Output(outputs: OutputBuffers | undefined, length: number): Uint8Array {
  return outputs ? new Uint8Array(outputs.take(length)) : new Uint8Array(length);
}

/** What summary mode computes instead of the input-sized tensors. */
export interface SummaryAggregates {
  /** Per sample: log Σ_c exp(x_c) over the class axis (softmax losses), to recompute a row's probabilities on demand. */
  readonly logSumExp?: Float64Array;
  /** Elementwise losses on ≥ 2-D inputs: Σ of the element losses per label (the last axis). */
  readonly perLabel?: Float64Array;
  /** Elementwise binary losses: the elements whose target is ≥ 0.5, and their total loss. */
  readonly positives?: { readonly count: number; readonly lossSum: number };
  /** Elementwise binary losses: the elements whose target is < 0.5, and their total loss. */
  readonly negatives?: { readonly count: number; readonly lossSum: number };
}

/** Everything one loss computation produces. */
export interface LossResult {
  /** The functional name: `cross_entropy`, `nll_loss`, ... */
  readonly fn: string;
  /** The reduced value (a number), or nested arrays for `reduction='none'`. */
  readonly value: Nested;
  /** The reduced value as a tensor (0-d unless `reduction='none'`). */
  readonly output: Tensor;
  /** The unreduced, weighted loss, in PyTorch's `reduction='none'` shape. */
  readonly perElement: Tensor;
  /** One loss per sample (perElement summed over non-batch dims where it has more than one per sample; else flattened). */
  readonly perSample: Float64Array;
  readonly reduction: ReductionBreakdown;
  readonly classification?: ClassificationBreakdown;
  /**
   * Gradient of the reported value with respect to each differentiable input, by parameter name (`input`, `input1`,
   * `anchor`, ...). For `reduction='none'` it is the gradient of `output.sum()` (what `.backward(ones)` gives).
   */
  readonly gradient: Readonly<Record<string, Tensor>>;
  /** Extra per-loss terms for the webview (e.g. BCE positive/negative terms, KL per-class terms). */
  readonly extras?: Readonly<Record<string, Tensor>>;
  /** PyTorch's warnings and Loss Lens's pitfall warnings (severity 'warning' or 'info'). No position yet: caller places them. */
  readonly warnings: readonly Diagnostic[];
  /** The options as resolved with PyTorch's defaults filled in. */
  readonly options: LossOptions;
  /**
   * `summary` when computed with `{ detail: 'summary' }` by a loss that has a summary path. Then `gradient` is `{}`,
   * `classification.probabilities`/`logProbabilities` hold no data (shape [0]), `extras` is absent, `perElement` of an
   * elementwise loss is empty (shape [0]) unless reduction='none', a reduction='none' `value` is NaN (read `output`),
   * and `summary` carries the aggregates. Every other field, the value included, is what full mode gives.
   */
  readonly detail?: ComputeDetail;
  readonly summary?: SummaryAggregates;
}

/** A loss implementation. Throws LossLensError (only) on inputs PyTorch rejects, with PyTorch's message text. */
export interface LossDefinition {
  /** Functional name, e.g. `cross_entropy`. */
  readonly name: string;
  /** The torch.nn module name, e.g. `CrossEntropyLoss`. */
  readonly moduleName: string;
  /** Tensor parameter names in functional positional order, e.g. ['input', 'target']. */
  readonly inputs: readonly string[];
  /** Parameters that may be omitted (e.g. nothing for most; `weight` is an option not an input). */
  readonly optionalInputs?: readonly string[];
  /** Options with PyTorch's defaults, in the functional signature's keyword order. */
  readonly defaults: LossOptions;
  /** One line for pickers: what it is for. */
  readonly summary: string;
  compute(inputs: LossInputs, options: LossOptions, settings?: ComputeSettings): LossResult;
}

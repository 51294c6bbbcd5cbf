/**
 * Shape and dtype rules of the torch.nn layers real models are built from, over symbolic dims: given a layer's
 * constructor configuration (PyTorch's keyword names) and the shapes/dtypes of its forward inputs, the shapes/dtypes
 * of its outputs, or the exception PyTorch raises with PyTorch's own message.
 *
 * An error is returned only when PyTorch raises for every value of the symbols (a definite rank mismatch, or
 * {@link dimsEqual} answering `false`); where the answer depends on the symbols the output is returned, since an
 * unknown is not a mistake. Messages show symbolic sizes with {@link showDim} (`input[B, 1, 28, 28]`).
 *
 * The rules and texts are labelled against torch 1.13 and 2.14 by scripts/fixtures/gen_layer_shapes.py; where the
 * two versions differ, {@link LayerOptions.torchVersion} picks the text.
 */
import { cName, convDtypeMessage } from '../conv-dtype';
import { scalarTypeName, type DType } from '../../tensor';
import {
  addDims,
  dimsEqual,
  floorDivDims,
  isKnown,
  modDims,
  mulDims,
  productOfDims,
  showDim,
  showShape,
  subDims,
  sym,
  type Dim,
} from './dim';

/** The shape and dtype of one tensor. */
export interface TensorSpec {
  readonly shape: readonly Dim[];
  readonly dtype: DType;
}

/** A layer's output: a tensor, a tuple of outputs (`(output, (h, c))`), or `None`. */
export type LayerOutput = TensorSpec | null | readonly LayerOutput[];

/** The exception PyTorch raises, with its type name and its message's first line. */
export interface LayerError {
  readonly error: 'RuntimeError' | 'ValueError' | 'IndexError' | 'AssertionError' | 'NotImplementedError';
  readonly message: string;
  /** Whether the constructor raises (`init`) or the call (`forward`). */
  readonly stage: 'init' | 'forward';
}

/** What a layer call gives: its output, or PyTorch's exception. */
export type LayerResult = { readonly output: LayerOutput } | LayerError;

/** How the layer is run. */
export interface LayerOptions {
  /** Whose messages to use; default `'2.x'`. */
  readonly torchVersion?: '2.x' | '1.13';
  /** `model.train()` (the default, as a freshly built module) or `model.eval()`. */
  readonly training?: boolean;
  /** The dtype of the layer's parameters: float32 as built, float64 after `model.double()`. */
  readonly parameterDtype?: DType;
}

/** Whether a result is PyTorch's exception. */
export function isLayerError(r: LayerResult): r is LayerError {
  return 'error' in r;
}

function fail(error: LayerError['error'], message: string, stage: LayerError['stage'] = 'forward'): LayerError {
  return { error, message, stage };
}

function ok(output: LayerOutput): LayerResult {
  return { output };
}

const v1 = (o: LayerOptions | undefined): boolean => o?.torchVersion === '1.13';
const paramDtype = (o: LayerOptions | undefined): DType => o?.parameterDtype ?? 'float32';
/** `Float`, `Double`, `Long`: the names of ATen's dtype messages. */
const Name = scalarTypeName;
/** `float`, `double`, `c10::Half`: C++'s names, in the dtype messages. */
const lower = cName;
/** The `mat1 and mat2 must have the same dtype` of a matrix product with the layer's weight. */
function matmulDtype(input: DType, param: DType, options?: LayerOptions): LayerError {
  return fail(
    'RuntimeError',
    v1(options)
      ? 'mat1 and mat2 must have the same dtype'
      : `mat1 and mat2 must have the same dtype, but got ${Name(input)} and ${Name(param)}`,
  );
}

/** A definite "these differ" (an unknown answer is not a mismatch). */
function differs(a: Dim, b: Dim): boolean {
  return dimsEqual(a, b) === false;
}

/** `a < b` when it holds for every value of the symbols; `undefined` when it depends on them. */
function lessThan(a: Dim, b: Dim): boolean | undefined {
  const d = subDims(a, b);
  return typeof d === 'number' ? d < 0 : undefined;
}

/** A dim inside `4x8`-style text: a sum is parenthesised so `(B + 1)x8` reads right. */
const g = (d: Dim): string => showDim(d, true);
/** A Python tuple of sizes: `(1, B, 20)`. */
const tuple = (dims: readonly Dim[]): string => `(${dims.map((d) => showDim(d)).join(', ')})`;
const torchSize = (dims: readonly Dim[]): string => `torch.Size(${showShape(dims)})`;

/** `n` as a list of `count` sizes (PyTorch's `_single/_pair/_triple`). */
function expand<T>(value: T | readonly T[], count: number): T[] {
  return Array.isArray(value) ? [...(value as readonly T[])] : Array.from({ length: count }, () => value as T);
}

/** Wraps a possibly negative dim index, or PyTorch's IndexError. */
function wrapDim(dim: number, rank: number): number | LayerError {
  const r = Math.max(rank, 1);
  if (dim < -r || dim >= r) {
    return fail('IndexError', `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + r : dim;
}

// --- Linear / Bilinear ---------------------------------------------------------------------------------------------

/** `nn.Linear(in_features, out_features, bias=True)`. */
export interface LinearConfig {
  readonly in_features: number;
  readonly out_features: number;
  readonly bias?: boolean;
}

/** `nn.Linear`: `[*, in] -> [*, out]`; a mismatch is `mat1 and mat2 shapes cannot be multiplied`. */
export function linear(config: LinearConfig, input: TensorSpec, options?: LayerOptions): LayerResult {
  return matmulLayer(input, config.in_features, config.out_features, options);
}

/** The `x @ W.T` of a Linear with its weight `[out, in]`: PyTorch's addmm/matmul checks. */
function matmulLayer(input: TensorSpec, inFeatures: number, outFeatures: number, options?: LayerOptions): LayerResult {
  const { shape, dtype } = input;
  if (shape.length === 0) {
    const fn = v1(options) ? 'matmul' : 'linear';
    return fail('RuntimeError', `both arguments to ${fn} need to be at least 1D, but they are 0D and 2D`);
  }
  if (dtype !== paramDtype(options)) return matmulDtype(dtype, paramDtype(options), options);
  const last = shape[shape.length - 1]!;
  if (differs(last, inFeatures)) {
    const rows = productOfDims(shape.slice(0, -1));
    return fail(
      'RuntimeError',
      `mat1 and mat2 shapes cannot be multiplied (${g(rows)}x${g(last)} and ${inFeatures}x${outFeatures})`,
    );
  }
  return ok({ shape: [...shape.slice(0, -1), outFeatures], dtype });
}

/** `nn.Bilinear(in1_features, in2_features, out_features)`. */
export interface BilinearConfig {
  readonly in1_features: number;
  readonly in2_features: number;
  readonly out_features: number;
}

/** `nn.Bilinear`: `[*, in1], [*, in2] -> [*, out]`. */
export function bilinear(
  config: BilinearConfig,
  input1: TensorSpec,
  input2: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const a = input1.shape;
  const b = input2.shape;
  if (a.length === 0 || b.length === 0) {
    return fail('IndexError', 'Dimension specified as -1 but tensor has no dimensions');
  }
  const lastA = a[a.length - 1]!;
  const lastB = b[b.length - 1]!;
  if (differs(lastA, config.in1_features)) {
    return fail(
      'RuntimeError',
      `bilinear(): input1 size does not match weight size: got ${showDim(lastA)} but expected ${config.in1_features}`,
    );
  }
  if (differs(lastB, config.in2_features)) {
    return fail(
      'RuntimeError',
      `bilinear(): input2 size does not match weight size: got ${showDim(lastB)} but expected ${config.in2_features}`,
    );
  }
  if (a.length === b.length) {
    for (let i = 0; i < a.length - 1; i++) {
      if (differs(a[i]!, b[i]!)) {
        return fail(
          'RuntimeError',
          `bilinear(): input batch dimensions do not match at dim ${i}: got ${showDim(a[i]!)} and ${showDim(b[i]!)}`,
        );
      }
    }
  }
  const param = paramDtype(options);
  if (input1.dtype !== param || input2.dtype !== param) {
    return fail(
      'RuntimeError',
      v1(options)
        ? `expected scalar type ${Name(input1.dtype)} but found ${Name(param)}`
        : `All tensors must have the same dtype, got input1: ${lower(input1.dtype)}, input2: ${lower(input2.dtype)}, weight: ${lower(param)}, bias: ${lower(param)}`,
    );
  }
  return ok({ shape: [...a.slice(0, -1), config.out_features], dtype: input1.dtype });
}

// --- Embedding / EmbeddingBag ----------------------------------------------------------------------------------------

/** `nn.Embedding(num_embeddings, embedding_dim, ...)`. */
export interface EmbeddingConfig {
  readonly num_embeddings: number;
  readonly embedding_dim: number;
}

function indicesCheck(dtype: DType, fn: string): LayerError | undefined {
  if (dtype === 'int64' || dtype === 'int32') return undefined;
  return fail(
    'RuntimeError',
    `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.${scalarTypeName(dtype)}Tensor instead (while checking arguments for ${fn})`,
  );
}

/** `nn.Embedding`: integer indices `[*] -> [*, embedding_dim]` float32. */
export function embedding(config: EmbeddingConfig, input: TensorSpec, options?: LayerOptions): LayerResult {
  const bad = indicesCheck(input.dtype, 'embedding');
  if (bad) return bad;
  return ok({ shape: [...input.shape, config.embedding_dim], dtype: paramDtype(options) });
}

/** `nn.EmbeddingBag(num_embeddings, embedding_dim, mode='mean', include_last_offset=False)`. */
export interface EmbeddingBagConfig extends EmbeddingConfig {
  readonly mode?: 'mean' | 'sum' | 'max';
  readonly include_last_offset?: boolean;
}

/** `nn.EmbeddingBag`: `[B, L]` bags, or flat `[N]` indices with `offsets [B]`, `-> [B, embedding_dim]`. */
export function embeddingBag(
  config: EmbeddingBagConfig,
  input: TensorSpec,
  offsets?: TensorSpec | null,
  options?: LayerOptions,
): LayerResult {
  const rank = input.shape.length;
  let bags: Dim;
  if (rank === 2) {
    if (offsets) {
      return fail(
        'ValueError',
        "if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>",
      );
    }
    bags = input.shape[0]!;
  } else if (rank === 1) {
    if (!offsets) return fail('ValueError', 'offsets has to be a 1D Tensor but got None');
    if (offsets.shape.length !== 1) return fail('ValueError', 'offsets has to be a 1D Tensor');
    bags = config.include_last_offset ? subDims(offsets.shape[0]!, 1) : offsets.shape[0]!;
  } else {
    return fail('ValueError', `input has to be 1D or 2D Tensor, but got Tensor of dimension ${rank}`);
  }
  const bad = indicesCheck(input.dtype, 'embedding_bag');
  if (bad) return bad;
  return ok({ shape: [bags, config.embedding_dim], dtype: paramDtype(options) });
}

// --- Convolutions ----------------------------------------------------------------------------------------------------

type IntOrTuple = number | readonly number[];

/** `nn.Conv{1,2,3}d` / `nn.ConvTranspose{1,2,3}d` constructor keywords. */
export interface ConvConfig {
  readonly in_channels: number;
  readonly out_channels: number;
  readonly kernel_size: IntOrTuple;
  readonly stride?: IntOrTuple;
  readonly padding?: IntOrTuple | 'same' | 'valid';
  readonly output_padding?: IntOrTuple;
  readonly dilation?: IntOrTuple;
  readonly groups?: number;
  readonly bias?: boolean;
}

/**
 * `nn.Conv{n}d` (or with `transposed`, `nn.ConvTranspose{n}d`): `[N, C_in, *spatial]` or unbatched
 * `[C_in, *spatial]` to `[N, C_out, *spatial']`.
 */
export function conv(
  spatialDims: 1 | 2 | 3,
  config: ConvConfig,
  input: TensorSpec,
  options?: LayerOptions & { readonly transposed?: boolean },
): LayerResult {
  const n = spatialDims;
  const transposed = options?.transposed ?? false;
  const groups = config.groups ?? 1;
  const kernel = expand(config.kernel_size, n);
  const stride = expand(config.stride ?? 1, n);
  const dilation = expand(config.dilation ?? 1, n);
  const outputPadding = expand(config.output_padding ?? 0, n);
  if (config.in_channels % groups !== 0) return fail('ValueError', 'in_channels must be divisible by groups', 'init');
  if (config.out_channels % groups !== 0) return fail('ValueError', 'out_channels must be divisible by groups', 'init');
  const paddingMode = typeof config.padding === 'string' ? config.padding : undefined;
  if (paddingMode === 'same' && stride.some((s) => s !== 1)) {
    return fail('ValueError', "padding='same' is not supported for strided convolutions", 'init');
  }
  const padding = paddingMode ? Array<number>(n).fill(0) : expand((config.padding as IntOrTuple | undefined) ?? 0, n);

  const fn = `${transposed ? 'conv_transpose' : 'conv'}${n}d`;
  const rank = input.shape.length;
  if (rank !== n + 1 && rank !== n + 2) {
    return fail(
      'RuntimeError',
      `Expected ${n + 1}D (unbatched) or ${n + 2}D (batched) input to ${fn}, but got input of size: ${showShape(input.shape)}`,
    );
  }
  const unbatched = rank === n + 1;
  const batched = unbatched ? [1, ...input.shape] : input.shape;
  if (input.dtype !== paramDtype(options)) return convDtype(n, transposed, config.bias ?? true, input.dtype, options);
  const channels = batched[1]!;
  const weight = transposed
    ? [config.in_channels, config.out_channels / groups, ...kernel]
    : [config.out_channels, config.in_channels / groups, ...kernel];
  if (differs(channels, config.in_channels)) {
    const given = transposed ? 'transposed=1' : `groups=${groups}`;
    return fail(
      'RuntimeError',
      `Given ${given}, weight of size ${showShape(weight)}, expected input${showShape(batched)} to have ${config.in_channels} channels, but got ${showDim(channels)} channels instead`,
    );
  }
  const spatial = batched.slice(2);
  const out: Dim[] = [];
  if (!transposed && paddingMode !== 'same') {
    const padded = spatial.map((d, i) => addDims(d, 2 * padding[i]!));
    const effective = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
    if (padded.some((d, i) => lessThan(d, effective[i]!) === true)) {
      return fail(
        'RuntimeError',
        `Calculated padded input size per channel: (${padded.map((d) => showDim(d)).join(' x ')}). Kernel size: (${effective.join(' x ')}). Kernel size can't be greater than actual input size`,
      );
    }
  }
  for (let i = 0; i < n; i++) {
    const L = spatial[i]!;
    if (transposed) {
      // (L - 1)*s - 2p + d*(k - 1) + output_padding + 1
      const tail = -2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1;
      out.push(addDims(mulDims(subDims(L, 1), stride[i]!), tail));
    } else if (paddingMode === 'same') {
      out.push(L);
    } else {
      const span = 2 * padding[i]! - dilation[i]! * (kernel[i]! - 1) - 1;
      out.push(addDims(floorDivDims(addDims(L, span), stride[i]!), 1));
    }
  }
  const shape = [batched[0]!, config.out_channels, ...out];
  return ok({ shape: unbatched ? shape.slice(1) : shape, dtype: input.dtype });
}

/** The dtype mismatch of a convolution's input and weights: the kernel that notices, and so the text, varies. */
function convDtype(n: number, transposed: boolean, bias: boolean, input: DType, options?: LayerOptions): LayerError {
  return fail('RuntimeError', convDtypeMessage(n, transposed, bias, input, paramDtype(options), v1(options)));
}

// --- Pooling ---------------------------------------------------------------------------------------------------------

/** `nn.MaxPool{n}d` / `nn.AvgPool{n}d` constructor keywords. */
export interface PoolConfig {
  readonly kernel_size: IntOrTuple;
  readonly stride?: IntOrTuple | null;
  readonly padding?: IntOrTuple;
  readonly dilation?: IntOrTuple;
  readonly ceil_mode?: boolean;
  readonly return_indices?: boolean;
}

/** PyTorch's `pooling_output_shape`, over symbolic sizes. */
function poolOutput(L: Dim, k: number, s: number, p: number, d: number, ceil: boolean): Dim {
  const numerator = addDims(L, 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0));
  let out = addDims(floorDivDims(numerator, s), 1);
  if (ceil) {
    // The last window must start inside the input (or the left padding): `(out - 1)*s >= L + p` drops it.
    const drop = subDims(mulDims(subDims(out, 1), s), addDims(L, p));
    if (typeof drop === 'number') {
      if (drop >= 0) out = subDims(out, 1);
    } else if (d * (k - 1) + 1 < s + p) {
      // Depends on L; `(out - 1)*s < L + 2p - k_eff + s <= L + p` settles it only when k_eff >= s + p.
      out = sym(`ceil((${showDim(addDims(L, 2 * p - d * (k - 1) - 1))})/${s}) + 1`);
    }
  }
  return out;
}

/**
 * `nn.MaxPool{n}d` / `nn.AvgPool{n}d`: `[N, C, *spatial]` or `[C, *spatial]`; with `return_indices`, the
 * `(output, indices)` pair.
 */
export function pool(
  kind: 'max' | 'avg',
  spatialDims: 1 | 2 | 3,
  config: PoolConfig,
  input: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const n = spatialDims;
  const kernel = expand(config.kernel_size, n);
  const stride = config.stride === undefined || config.stride === null ? kernel : expand(config.stride, n);
  const padding = expand(config.padding ?? 0, n);
  const dilation = kind === 'max' ? expand(config.dilation ?? 1, n) : Array<number>(n).fill(1);
  const ceil = config.ceil_mode ?? false;
  const rank = input.shape.length;
  const shape = input.shape;
  const rankOk = rank === n + 1 || rank === n + 2;

  if (!rankOk) {
    if (kind === 'max' && n === 1) {
      return fail(
        'RuntimeError',
        `max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(shape)}`,
      );
    }
    if (kind === 'avg' && n === 1) {
      return fail(
        'RuntimeError',
        `Expected 2 to 3 dimensions, but got ${rank}-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)`,
      );
    }
    if (kind === 'avg' && n === 2) {
      if (rank < 3) return wrapDim(-3, rank) as LayerError;
      return fail(
        'RuntimeError',
        `Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${showShape(shape)}`,
      );
    }
    return fail('RuntimeError', `non-empty ${n + 1}D or ${n + 2}D (batch mode) tensor expected for input`);
  }

  // The pad check: PyTorch 2.x compares with the dilated ("effective") kernel.
  const padIndex = n === 3 ? 0 : n - 1;
  const padTooLarge = kernel.some((k, i) =>
    v1(options) ? padding[i]! > Math.floor(k / 2) : padding[i]! > Math.floor(((k - 1) * dilation[i]! + 1) / 2),
  );
  if (padTooLarge) {
    const [p, k, d] = [padding[padIndex]!, kernel[padIndex]!, dilation[padIndex]!];
    if (kind === 'max' && n === 1) {
      return fail(
        'RuntimeError',
        `max_pool1d() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`,
      );
    }
    return fail(
      'RuntimeError',
      v1(options)
        ? `pad should be at most half of kernel size, but got pad=${p} and kernel_size=${k}`
        : `pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k} and dilation=${d}`,
    );
  }
  const lead = shape.slice(0, rank - n);
  const spatial = shape.slice(rank - n);
  if (kind === 'avg' && n === 3 && spatial.some((L, i) => lessThan(L, kernel[i]!) === true)) {
    return fail(
      'RuntimeError',
      `input image (T: ${showDim(spatial[0]!)} H: ${showDim(spatial[1]!)} W: ${showDim(spatial[2]!)}) smaller than kernel size (kT: ${kernel[0]} kH: ${kernel[1]} kW: ${kernel[2]})`,
    );
  }
  const out = spatial.map((L, i) => poolOutput(L, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceil));
  const tooSmall = out.some((o) => lessThan(o, 1) === true);
  if (tooSmall) {
    if (kind === 'max' && n === 1) {
      if (!v1(options)) {
        return fail(
          'RuntimeError',
          `max_pool1d() Invalid computed output size: ${showDim(out.find((o) => lessThan(o, 1) === true)!)}`,
        );
      }
    } else {
      // avg_pool1d runs as a 2-d pool over a height of 1.
      const planes = lead[lead.length - 1]!;
      const inDims = kind === 'avg' && n === 1 ? [planes, 1, ...spatial] : [planes, ...spatial];
      const outDims = kind === 'avg' && n === 1 ? [planes, 1, ...out] : [planes, ...out];
      return fail(
        'RuntimeError',
        `Given input size: (${inDims.map(g).join('x')}). Calculated output size: (${outDims.map(g).join('x')}). Output size is too small`,
      );
    }
  }
  const result: TensorSpec = { shape: [...lead, ...out], dtype: input.dtype };
  if (kind === 'max' && config.return_indices) return ok([result, { shape: result.shape, dtype: 'int64' }]);
  return ok(result);
}

/** `nn.AdaptiveAvgPool{n}d` / `nn.AdaptiveMaxPool{n}d(output_size, return_indices=False)`. */
export interface AdaptivePoolConfig {
  readonly output_size: number | null | readonly (number | null)[];
  readonly return_indices?: boolean;
}

/** `nn.Adaptive{Avg,Max}Pool{n}d`: the spatial dims become `output_size` (`None` keeps the input's). */
export function adaptivePool(
  kind: 'max' | 'avg',
  spatialDims: 1 | 2 | 3,
  config: AdaptivePoolConfig,
  input: TensorSpec,
): LayerResult {
  const n = spatialDims;
  const rank = input.shape.length;
  if (rank !== n + 1 && rank !== n + 2) {
    const fn = `adaptive_${kind}_pool${n}d`;
    if (n === 1) {
      return fail(
        'RuntimeError',
        `Expected 2 to 3 dimensions, but got ${rank}-dimensional tensor for argument #1 'self' (while checking arguments for ${fn})`,
      );
    }
    return fail(
      'RuntimeError',
      `${fn}(): Expected ${n + 1}D or ${n + 2}D tensor, but got${kind === 'max' ? ':' : ''} ${showShape(input.shape)}`,
    );
  }
  const sizes = expand(config.output_size, n);
  const lead = input.shape.slice(0, rank - n);
  const spatial = input.shape.slice(rank - n);
  const result: TensorSpec = { shape: [...lead, ...sizes.map((s, i) => s ?? spatial[i]!)], dtype: input.dtype };
  if (kind === 'max' && config.return_indices) return ok([result, { shape: result.shape, dtype: 'int64' }]);
  return ok(result);
}

// --- Normalisation ---------------------------------------------------------------------------------------------------

/** `nn.BatchNorm{n}d(num_features, affine=True, track_running_stats=True)`. */
export interface BatchNormConfig {
  readonly num_features: number;
  readonly affine?: boolean;
  readonly track_running_stats?: boolean;
}

/** The "more than 1 value per channel" check of training-mode batch statistics. */
function verifyBatchSize(sizes: readonly Dim[]): LayerError | undefined {
  const values = productOfDims([sizes[0]!, ...sizes.slice(2)]);
  if (dimsEqual(values, 1) !== true) return undefined;
  return fail('ValueError', `Expected more than 1 value per channel when training, got input size ${torchSize(sizes)}`);
}

/** `nn.BatchNorm{1,2,3}d`: shape-preserving over `[N, C, *]`. */
export function batchNorm(
  spatialDims: 1 | 2 | 3,
  config: BatchNormConfig,
  input: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const rank = input.shape.length;
  const okRank = spatialDims === 1 ? rank === 2 || rank === 3 : rank === spatialDims + 2;
  if (!okRank) {
    const expected = spatialDims === 1 ? '2D or 3D' : `${spatialDims + 2}D`;
    return fail('ValueError', `expected ${expected} input (got ${rank}D input)`);
  }
  const tracking = config.track_running_stats ?? true;
  if (options?.training ?? true) {
    const bad = verifyBatchSize(input.shape);
    if (bad) return bad;
  }
  if (input.dtype !== paramDtype(options) && (tracking || (config.affine ?? true))) {
    return normDtype('batch', input.dtype, options);
  }
  const channels = input.shape[1]!;
  if (differs(channels, config.num_features)) {
    if (tracking) {
      return fail(
        'RuntimeError',
        `running_mean should contain ${showDim(channels)} elements not ${config.num_features}`,
      );
    }
    if (config.affine ?? true) {
      return fail('RuntimeError', `weight should contain ${showDim(channels)} elements not ${config.num_features}`);
    }
  }
  return ok(input);
}

/** The dtype mismatch of a normalisation's input and its weight or running statistics. */
function normDtype(kind: 'batch' | 'layer' | 'group', input: DType, options?: LayerOptions): LayerError {
  // torch 1.13 had the mixed-dtype kernels for batch norm only.
  if (v1(options) && kind !== 'batch') {
    return fail('RuntimeError', `expected scalar type ${Name(input)} but found ${Name(paramDtype(options))}`);
  }
  if (input === 'float32')
    return fail('RuntimeError', 'mixed dtype (CPU): expect parameter to have scalar type of Float');
  return fail(
    'RuntimeError',
    v1(options)
      ? 'mixed dtype (CPU): expect input to have scalar type of BFloat16'
      : 'mixed dtype (CPU): all inputs must share same datatype.',
  );
}

/** `nn.LayerNorm(normalized_shape, eps, elementwise_affine=True)`. */
export interface LayerNormConfig {
  readonly normalized_shape: number | readonly number[];
  readonly elementwise_affine?: boolean;
}

/** `nn.LayerNorm`: the trailing dims must equal `normalized_shape`. */
export function layerNorm(config: LayerNormConfig, input: TensorSpec, options?: LayerOptions): LayerResult {
  const ns = typeof config.normalized_shape === 'number' ? [config.normalized_shape] : [...config.normalized_shape];
  const shape = input.shape;
  const tail = shape.slice(shape.length - ns.length);
  const mismatch = shape.length < ns.length || tail.some((d, i) => differs(d, ns[i]!));
  if (mismatch) {
    return fail(
      'RuntimeError',
      `Given normalized_shape=${showShape(ns)}, expected input with shape [*, ${ns.join(', ')}], but got input of size${showShape(shape)}`,
    );
  }
  if ((config.elementwise_affine ?? true) && input.dtype !== paramDtype(options)) {
    return normDtype('layer', input.dtype, options);
  }
  return ok(input);
}

/** `nn.GroupNorm(num_groups, num_channels, affine=True)`. */
export interface GroupNormConfig {
  readonly num_groups: number;
  readonly num_channels: number;
  readonly affine?: boolean;
}

/** `nn.GroupNorm`: shape-preserving over `[N, C, *]`, `C == num_channels`, divisible by `num_groups`. */
export function groupNorm(config: GroupNormConfig, input: TensorSpec, options?: LayerOptions): LayerResult {
  const { num_groups: groups, num_channels: channels } = config;
  if (channels % groups !== 0) {
    return fail(
      'ValueError',
      v1(options)
        ? 'num_channels must be divisible by num_groups'
        : `num_channels (${channels}) must be divisible by num_groups (${groups})`,
      'init',
    );
  }
  const shape = input.shape;
  if (shape.length < 2) {
    // torch 1.13 has no rank check of its own: reading the channel count fails.
    if (v1(options)) return wrapDim(1, shape.length) as LayerError;
    return fail('RuntimeError', `Expected at least 2 dimensions for input tensor but received ${shape.length}`);
  }
  const c = shape[1]!;
  if (options?.training ?? true) {
    const bad = verifyBatchSize([floorDivDims(mulDims(shape[0]!, c), groups), groups, ...shape.slice(2)]);
    if (bad) return bad;
  }
  const rest = modDims(c, groups);
  if (typeof rest === 'number' && rest !== 0) {
    return fail(
      'RuntimeError',
      `Expected number of channels in input to be divisible by num_groups, but got input of shape ${showShape(shape)} and num_groups=${groups}`,
    );
  }
  if ((config.affine ?? true) && differs(c, channels)) {
    return fail(
      'RuntimeError',
      `Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [${channels}] and input of shape ${showShape(shape)}`,
    );
  }
  if ((config.affine ?? true) && input.dtype !== paramDtype(options)) return normDtype('group', input.dtype, options);
  return ok(input);
}

/** `nn.InstanceNorm{n}d(num_features, affine=False, track_running_stats=False)`. */
export interface InstanceNormConfig {
  readonly num_features: number;
  readonly affine?: boolean;
  readonly track_running_stats?: boolean;
}

/** `nn.InstanceNorm{1,2,3}d`: shape-preserving over `[N, C, *spatial]` or `[C, *spatial]`. */
export function instanceNorm(
  spatialDims: 1 | 2 | 3,
  config: InstanceNormConfig,
  input: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const rank = input.shape.length;
  const unbatchedRank = spatialDims + 1;
  if (rank !== unbatchedRank && rank !== unbatchedRank + 1) {
    return fail('ValueError', `expected ${unbatchedRank}D or ${unbatchedRank + 1}D input (got ${rank}D input)`);
  }
  const batched = rank === unbatchedRank ? [1, ...input.shape] : input.shape;
  const featureDim = rank - unbatchedRank;
  const channels = batched[1]!;
  const affine = config.affine ?? false;
  if (!v1(options) && affine && differs(channels, config.num_features)) {
    return fail(
      'ValueError',
      `expected input's size at dim=${featureDim} to match num_features (${config.num_features}), but got: ${showDim(channels)}.`,
    );
  }
  const usesInputStats = (options?.training ?? true) || !(config.track_running_stats ?? false);
  if (usesInputStats && dimsEqual(productOfDims(batched.slice(2)), 1) === true) {
    return fail(
      'ValueError',
      `Expected more than 1 spatial element when training, got input size ${torchSize(batched)}`,
    );
  }
  if (v1(options) && affine && differs(channels, config.num_features)) {
    // 1.13 folds the batch into the channels and repeats the weight once per sample.
    const n = batched[0]!;
    return fail(
      'RuntimeError',
      `weight should contain ${showDim(mulDims(n, channels))} elements not ${showDim(mulDims(n, config.num_features))}`,
    );
  }
  return ok(input);
}

// --- Element-wise, softmax, reshaping --------------------------------------------------------------------------------

/** `nn.Dropout` / `Dropout1d/2d/3d` / `AlphaDropout`: shape-preserving; Dropout1d wants 2-D or 3-D input. */
export function dropout(
  variant: 'Dropout' | 'Dropout1d' | 'Dropout2d' | 'Dropout3d' | 'AlphaDropout',
  input: TensorSpec,
): LayerResult {
  const rank = input.shape.length;
  if (variant === 'Dropout1d' && rank !== 2 && rank !== 3) {
    return fail(
      'RuntimeError',
      `dropout1d: Expected 2D or 3D input, but received a ${rank}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
    );
  }
  return ok(input);
}

/** `nn.PReLU(num_parameters=1)`. */
export interface PReLUConfig {
  readonly num_parameters?: number;
}

/** Shape-preserving activations (`ReLU`, `GELU`, `Tanh`, …, `Identity`); PReLU checks its channel count. */
export function activation(
  name: string,
  input: TensorSpec,
  config: PReLUConfig = {},
  options?: LayerOptions,
): LayerResult {
  if (name === 'PReLU' && (config.num_parameters ?? 1) !== 1) {
    // A 0-d or 1-d input has one channel.
    const channels = input.shape.length >= 2 ? input.shape[1]! : 1;
    if (differs(channels, config.num_parameters!)) {
      return fail(
        'RuntimeError',
        `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${config.num_parameters} and channel size = ${showDim(channels)}.`,
      );
    }
  }
  const param = paramDtype(options);
  if (name === 'PReLU' && input.dtype !== param) {
    return fail(
      'RuntimeError',
      v1(options)
        ? `Found dtype ${Name(param)} but expected ${Name(input.dtype)}`
        : `prelu: Type promoting not supported. Got ${Name(input.dtype)} and ${Name(param)}`,
    );
  }
  return ok(input);
}

/** `nn.Softmax(dim)` / `LogSoftmax` / `Softmin`: shape-preserving, `dim` must be in range. */
export function softmax(config: { readonly dim?: number | null }, input: TensorSpec): LayerResult {
  const rank = input.shape.length;
  const dim = config.dim ?? (rank === 0 || rank === 1 || rank === 3 ? 0 : 1);
  const wrapped = wrapDim(dim, rank);
  if (typeof wrapped !== 'number') return wrapped;
  return ok(input);
}

/** `nn.Flatten(start_dim=1, end_dim=-1)`. */
export function flatten(
  config: { readonly start_dim?: number; readonly end_dim?: number },
  input: TensorSpec,
): LayerResult {
  const shape = input.shape;
  const start = wrapDim(config.start_dim ?? 1, shape.length);
  if (typeof start !== 'number') return start;
  const end = wrapDim(config.end_dim ?? -1, shape.length);
  if (typeof end !== 'number') return end;
  if (start > end) return fail('RuntimeError', 'flatten() has invalid args: start_dim cannot come after end_dim');
  if (shape.length === 0) return ok({ shape: [1], dtype: input.dtype });
  return ok({
    shape: [...shape.slice(0, start), productOfDims(shape.slice(start, end + 1)), ...shape.slice(end + 1)],
    dtype: input.dtype,
  });
}

/** `nn.Unflatten(dim, unflattened_size)`; one size may be `-1`. */
export function unflatten(
  config: { readonly dim: number; readonly unflattened_size: readonly number[] },
  input: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const shape = input.shape;
  const dim = wrapDim(config.dim, shape.length);
  if (typeof dim !== 'number') return dim;
  if (shape.length === 0) {
    return v1(options)
      ? fail('IndexError', `Dimension specified as ${config.dim} but tensor has no dimensions`)
      : fail('RuntimeError', 'unflatten got an unexpected error:');
  }
  const sizes = config.unflattened_size;
  const size = shape[dim]!;
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const wrong = (): LayerError =>
    fail(
      'RuntimeError',
      `unflatten: Provided sizes ${showShape(sizes)} don't multiply up to the size of dim ${dim} (${showDim(size)}) in the input tensor`,
    );
  let out: Dim[];
  if (sizes.includes(-1)) {
    const rest = modDims(size, known);
    if (typeof rest === 'number' && rest !== 0) return wrong();
    const inferred = floorDivDims(size, known);
    out = sizes.map((s) => (s === -1 ? inferred : s));
  } else {
    if (differs(size, known)) return wrong();
    out = [...sizes];
  }
  return ok({ shape: [...shape.slice(0, dim), ...out, ...shape.slice(dim + 1)], dtype: input.dtype });
}

// --- Recurrent -------------------------------------------------------------------------------------------------------

/** `nn.RNN` / `nn.LSTM` / `nn.GRU` constructor keywords. */
export interface RecurrentConfig {
  readonly input_size: number;
  readonly hidden_size: number;
  readonly num_layers?: number;
  readonly batch_first?: boolean;
  readonly bidirectional?: boolean;
  readonly proj_size?: number;
  readonly nonlinearity?: 'tanh' | 'relu';
}

/**
 * `nn.RNN` / `nn.GRU` → `(output, h_n)`; `nn.LSTM` → `(output, (h_n, c_n))`. Input `[T, N, input_size]`
 * (`[N, T, …]` with `batch_first`) or unbatched `[T, input_size]`; `hx` the optional initial state (for an LSTM,
 * the `(h_0, c_0)` pair).
 */
export function recurrent(
  kind: 'RNN' | 'LSTM' | 'GRU',
  config: RecurrentConfig,
  input: TensorSpec,
  hx?: TensorSpec | readonly TensorSpec[] | null,
  options?: LayerOptions,
): LayerResult {
  const layers = config.num_layers ?? 1;
  const directions = config.bidirectional ? 2 : 1;
  const hiddenOut = kind === 'LSTM' && config.proj_size ? config.proj_size : config.hidden_size;
  const rank = input.shape.length;
  if (rank !== 2 && rank !== 3) {
    if (v1(options)) return fail('RuntimeError', `input must have 3 dimensions, got ${rank + 1}`);
    return fail(
      'ValueError',
      `${kind}: Expected input to be 2D or 3D, got ${rank}D${kind === 'RNN' ? ' tensor' : ''} instead`,
    );
  }
  const batched = rank === 3;
  const last = input.shape[rank - 1]!;
  if (differs(last, config.input_size)) {
    return fail(
      'RuntimeError',
      `input.size(-1) must be equal to input_size. Expected ${config.input_size}, got ${showDim(last)}`,
    );
  }
  const steps = batched && config.batch_first ? input.shape[1]! : input.shape[0]!;
  const batch: Dim | undefined = batched ? (config.batch_first ? input.shape[0]! : input.shape[1]!) : undefined;
  const stateShape = (size: number): Dim[] =>
    batch === undefined ? [directions * layers, size] : [directions * layers, batch, size];
  if (hx && batched) {
    const states = Array.isArray(hx) ? (hx as readonly TensorSpec[]) : [hx as TensorSpec];
    for (let i = 0; i < states.length; i++) {
      const expected = stateShape(kind === 'LSTM' && i === 1 ? config.hidden_size : hiddenOut);
      const got = states[i]!.shape;
      if (got.length !== expected.length || got.some((d, j) => differs(d, expected[j]!))) {
        const which = kind === 'LSTM' ? `hidden[${i}]` : 'hidden';
        return fail('RuntimeError', `Expected ${which} size ${tuple(expected)}, got ${showShape(got)}`);
      }
    }
  }
  const param = paramDtype(options);
  if (input.dtype !== param) {
    return fail(
      v1(options) ? 'RuntimeError' : 'ValueError',
      v1(options)
        ? 'mat1 and mat2 must have the same dtype'
        : `RNN input dtype (torch.${input.dtype}) does not match weight dtype (torch.${param}). Convert input: input.to(torch.${param}), or convert model: model.to(torch.${input.dtype})`,
    );
  }
  const features = directions * hiddenOut;
  const outShape: Dim[] =
    batch === undefined ? [steps, features] : config.batch_first ? [batch, steps, features] : [steps, batch, features];
  const output: TensorSpec = { shape: outShape, dtype: input.dtype };
  const h: TensorSpec = { shape: stateShape(hiddenOut), dtype: input.dtype };
  if (kind !== 'LSTM') return ok([output, h]);
  return ok([output, [h, { shape: stateShape(config.hidden_size), dtype: input.dtype }]]);
}

// --- Attention and Transformer layers --------------------------------------------------------------------------------

/** `nn.MultiheadAttention(embed_dim, num_heads, batch_first=False, kdim=None, vdim=None)`. */
export interface MultiheadAttentionConfig {
  readonly embed_dim: number;
  readonly num_heads: number;
  readonly batch_first?: boolean;
  readonly kdim?: number | null;
  readonly vdim?: number | null;
}

/** The call's keywords, and which arguments are the same tensor (PyTorch projects them together). */
export interface MultiheadAttentionCall {
  readonly need_weights?: boolean;
  readonly average_attn_weights?: boolean;
  /** `query is key` (self-attention: `mha(x, x, x)`). */
  readonly queryIsKey?: boolean;
  /** `key is value` (`mha(x, memory, memory)`). */
  readonly keyIsValue?: boolean;
}

/**
 * `nn.MultiheadAttention` → `(attn_output, attn_weights)`: output like the query, weights `[N, L, S]` (averaged
 * over heads) or `[N, heads, L, S]`, or `None` without `need_weights`; unbatched 2-D inputs drop `N`.
 */
export function multiheadAttention(
  config: MultiheadAttentionConfig,
  query: TensorSpec,
  key: TensorSpec,
  value: TensorSpec,
  call: MultiheadAttentionCall = {},
  options?: LayerOptions,
): LayerResult {
  const E = config.embed_dim;
  const heads = config.num_heads;
  if (Math.floor(E / heads) * heads !== E)
    return fail('AssertionError', 'embed_dim must be divisible by num_heads', 'init');
  const kdim = config.kdim ?? E;
  const vdim = config.vdim ?? E;
  const sameEmbed = kdim === E && vdim === E;
  const qr = query.shape.length;
  const kr = key.shape.length;
  const vr = value.shape.length;
  if (qr === 3) {
    if (kr !== 3 || vr !== 3) {
      return fail(
        'AssertionError',
        `For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${kr}-D and ${vr}-D tensors respectively`,
      );
    }
  } else if (qr === 2) {
    if (kr !== 2 || vr !== 2) {
      return fail(
        'AssertionError',
        `For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${kr}-D and ${vr}-D tensors respectively`,
      );
    }
  } else {
    return fail(
      'AssertionError',
      `query should be unbatched 2D or batched 3D tensor but received ${qr}-D query tensor`,
    );
  }
  const batched = qr === 3;
  // Sequence-first views [L, N, E] (the module transposes batch_first inputs before the functional form).
  const seqFirst = (s: readonly Dim[]): Dim[] => (batched && config.batch_first ? [s[1]!, s[0]!, s[2]!] : [...s]);
  const q = batched ? seqFirst(query.shape) : [query.shape[0]!, 1, query.shape[1]!];
  const k = batched ? seqFirst(key.shape) : [key.shape[0]!, 1, key.shape[1]!];
  const v = batched ? seqFirst(value.shape) : [value.shape[0]!, 1, value.shape[1]!];
  if (differs(q[2]!, E))
    return fail('AssertionError', `was expecting embedding dimension of ${E}, but got ${showDim(q[2]!)}`);
  // The input projection is the first product with the weights.
  if (query.dtype !== paramDtype(options)) return matmulDtype(query.dtype, paramDtype(options), options);
  if (sameEmbed) {
    const kk = batched ? k : key.shape;
    const vv = batched ? v : value.shape;
    if (kk.length !== vv.length || kk.some((d, i) => differs(d, vv[i]!))) {
      return fail('AssertionError', `key shape ${torchSize(kk)} does not match value shape ${torchSize(vv)}`);
    }
    // The input projection: one packed weight [3E, E] for self-attention, [2E, E] for a shared key/value.
    if (!call.queryIsKey) {
      const kvWidth = call.keyIsValue ? 2 * E : E;
      if (differs(k[2]!, E)) {
        return fail(
          'RuntimeError',
          `mat1 and mat2 shapes cannot be multiplied (${g(mulDims(k[0]!, k[1]!))}x${g(k[2]!)} and ${E}x${kvWidth})`,
        );
      }
      if (!call.keyIsValue && differs(v[2]!, E)) {
        return fail(
          'RuntimeError',
          `mat1 and mat2 shapes cannot be multiplied (${g(mulDims(v[0]!, v[1]!))}x${g(v[2]!)} and ${E}x${E})`,
        );
      }
    }
  } else {
    if (differs(k[0]!, v[0]!) || differs(k[1]!, v[1]!)) {
      return fail(
        'AssertionError',
        `key's sequence and batch dims ${torchSize(k.slice(0, 2))} do not match value's ${torchSize(v.slice(0, 2))}`,
      );
    }
    if (differs(k[2]!, kdim)) {
      return fail(
        'AssertionError',
        `expecting key weights shape of ${tuple([E, k[2]!])}, but got torch.Size([${E}, ${kdim}])`,
      );
    }
    if (differs(v[2]!, vdim)) {
      return fail(
        'AssertionError',
        `expecting value weights shape of ${tuple([E, v[2]!])}, but got torch.Size([${E}, ${vdim}])`,
      );
    }
  }
  // k.view(S, N*heads, head_dim) with the query's batch size.
  if (differs(k[1]!, q[1]!)) {
    return fail(
      'RuntimeError',
      `shape '${showShape([k[0]!, mulDims(q[1]!, heads), E / heads])}' is invalid for input of size ${showDim(productOfDims([k[0]!, k[1]!, E]))}`,
    );
  }
  const L = q[0]!;
  const S = k[0]!;
  const N = q[1]!;
  const output: TensorSpec = {
    shape: batched ? (config.batch_first ? [N, L, E] : [L, N, E]) : [L, E],
    dtype: query.dtype,
  };
  if (call.need_weights === false) return ok([output, null]);
  const average = call.average_attn_weights ?? true;
  const weights: Dim[] = average ? [L, S] : [heads, L, S];
  return ok([output, { shape: batched ? [N, ...weights] : weights, dtype: query.dtype }]);
}

/** `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, batch_first=False, norm_first=False)`. */
export interface TransformerLayerConfig {
  readonly d_model: number;
  readonly nhead: number;
  readonly dim_feedforward?: number;
  readonly batch_first?: boolean;
  readonly norm_first?: boolean;
}

function selfAttention(config: TransformerLayerConfig, x: TensorSpec, options?: LayerOptions): LayerResult {
  const mha = { embed_dim: config.d_model, num_heads: config.nhead, batch_first: config.batch_first };
  if (config.norm_first) {
    const normed = layerNorm({ normalized_shape: [config.d_model] }, x, options);
    if (isLayerError(normed)) return normed;
  }
  return multiheadAttention(mha, x, x, x, { queryIsKey: true, keyIsValue: true }, options);
}

/** `nn.TransformerEncoderLayer`: `src` → the same shape. */
export function transformerEncoderLayer(
  config: TransformerLayerConfig,
  src: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const attended = selfAttention(config, src, options);
  if (isLayerError(attended)) return attended;
  return ok(src);
}

/** `nn.TransformerDecoderLayer`: `(tgt, memory)` → the shape of `tgt`. */
export function transformerDecoderLayer(
  config: TransformerLayerConfig,
  tgt: TensorSpec,
  memory: TensorSpec,
  options?: LayerOptions,
): LayerResult {
  const attended = selfAttention(config, tgt, options);
  if (isLayerError(attended)) return attended;
  const mha = { embed_dim: config.d_model, num_heads: config.nhead, batch_first: config.batch_first };
  const cross = multiheadAttention(mha, tgt, memory, memory, { keyIsValue: true }, options);
  if (isLayerError(cross)) return cross;
  return ok(tgt);
}

// --- Resampling ------------------------------------------------------------------------------------------------------

/** `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None)`. */
export interface UpsampleConfig {
  readonly size?: number | readonly number[] | null;
  readonly scale_factor?: number | readonly number[] | null;
  readonly mode?: string;
  readonly align_corners?: boolean | null;
}

const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

/** `floor(L * scale)`, kept exact for symbolic `L` when the scale is a small fraction. */
function scaleDim(L: Dim, scale: number): Dim {
  if (isKnown(L)) return Math.floor(L * scale);
  for (let q = 1; q <= 64; q++) {
    const p = scale * q;
    if (Number.isInteger(p)) return floorDivDims(mulDims(L, p), q);
  }
  return sym(`floor(${showDim(L, true)}*${scale})`);
}

/** `nn.Upsample` / `F.interpolate`: `[N, C, *spatial]` with `size` or `floor(spatial * scale_factor)`. */
export function upsample(config: UpsampleConfig, input: TensorSpec, options?: LayerOptions): LayerResult {
  const mode = config.mode ?? 'nearest';
  const rank = input.shape.length;
  const n = rank - 2;
  const spatial = input.shape.slice(2);
  const interpolating = ['linear', 'bilinear', 'bicubic', 'trilinear'];
  if (config.align_corners !== undefined && config.align_corners !== null && !interpolating.includes(mode)) {
    return fail(
      'ValueError',
      'align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear',
    );
  }
  const spatialText = showShape(spatial);
  let out: Dim[];
  if (config.size !== undefined && config.size !== null) {
    if (Array.isArray(config.size)) {
      const sizes = config.size as readonly number[];
      if (sizes.length !== n) {
        return fail(
          'ValueError',
          `Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatialText} and output size of ${tuple(sizes)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
        );
      }
      out = [...sizes];
    } else {
      out = spatial.map(() => config.size as number);
    }
  } else {
    const sf = config.scale_factor ?? 1;
    let scales: number[];
    if (Array.isArray(sf)) {
      scales = [...(sf as readonly number[])];
      if (scales.length !== n) {
        return fail(
          'ValueError',
          `Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ${spatialText} and scale_factor of shape (${scales.map(pyFloat).join(', ')}). Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`,
        );
      }
    } else {
      scales = spatial.map(() => sf as number);
    }
    out = spatial.map((L, i) => scaleDim(L, scales[i]!));
  }
  const needs: Record<string, number> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };
  if (rank >= 3 && rank <= 5 && needs[mode] !== undefined && needs[mode] !== rank) {
    return fail('NotImplementedError', `Got ${rank}D input, but ${mode} mode needs ${needs[mode]}D input`);
  }
  if (rank < 3 || rank > 5) {
    const modes = v1(options)
      ? 'nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact'
      : 'nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact';
    return fail(
      'NotImplementedError',
      `Input Error: Only 3D, 4D and 5D input Tensors supported (got ${rank}D) for the modes: ${modes} (got ${mode})`,
    );
  }
  return ok({ shape: [...input.shape.slice(0, 2), ...out], dtype: input.dtype });
}

/** `nn.PixelShuffle(upscale_factor)`: `[*, C*r², H, W] → [*, C, H*r, W*r]`. */
export function pixelShuffle(config: { readonly upscale_factor: number }, input: TensorSpec): LayerResult {
  const r = config.upscale_factor;
  const shape = input.shape;
  if (shape.length < 3) {
    return fail(
      'RuntimeError',
      `pixel_shuffle expects input to have at least 3 dimensions, but got input with ${shape.length} dimension(s)`,
    );
  }
  const [c, h, w] = shape.slice(-3) as [Dim, Dim, Dim];
  const rest = modDims(c, r * r);
  if (typeof rest === 'number' && rest !== 0) {
    return fail(
      'RuntimeError',
      `pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${showDim(c)} is not divisible by ${r * r}`,
    );
  }
  return ok({
    shape: [...shape.slice(0, -3), floorDivDims(c, r * r), mulDims(h, r), mulDims(w, r)],
    dtype: input.dtype,
  });
}

/** `nn.PixelUnshuffle(downscale_factor)`: `[*, C, H*r, W*r] → [*, C*r², H, W]`. */
export function pixelUnshuffle(config: { readonly downscale_factor: number }, input: TensorSpec): LayerResult {
  const r = config.downscale_factor;
  const shape = input.shape;
  if (shape.length < 3) {
    return fail(
      'RuntimeError',
      `pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${shape.length} dimension(s)`,
    );
  }
  const [c, h, w] = shape.slice(-3) as [Dim, Dim, Dim];
  for (const [name, d, index] of [
    ['height', h, -2],
    ['width', w, -1],
  ] as const) {
    const rest = modDims(d, r);
    if (typeof rest === 'number' && rest !== 0) {
      return fail(
        'RuntimeError',
        `pixel_unshuffle expects ${name} to be divisible by downscale_factor, but input.size(${index})=${showDim(d)} is not divisible by ${r}`,
      );
    }
  }
  return ok({
    shape: [...shape.slice(0, -3), mulDims(c, r * r), floorDivDims(h, r), floorDivDims(w, r)],
    dtype: input.dtype,
  });
}

// --- By class name ---------------------------------------------------------------------------------------------------

/** A forward argument: a tensor, `None`, or a tuple of tensors (an LSTM's `(h_0, c_0)`). */
export type LayerInput = TensorSpec | null | readonly TensorSpec[];

/** Constructor keywords as the runtime holds them (PyTorch's names). */
export type LayerConfig = Readonly<Record<string, unknown>>;

const ACTIVATIONS = new Set([
  'ReLU',
  'GELU',
  'Tanh',
  'Sigmoid',
  'LeakyReLU',
  'ELU',
  'SELU',
  'CELU',
  'SiLU',
  'Mish',
  'Softplus',
  'Softsign',
  'Hardswish',
  'Hardsigmoid',
  'Hardtanh',
  'ReLU6',
  'PReLU',
  'Identity',
  'Tanhshrink',
  'LogSigmoid',
]);

/** The `torch.nn` class names {@link layerForward} knows. */
export function isKnownLayer(name: string): boolean {
  return (
    ACTIVATIONS.has(name) ||
    /^(Linear|Bilinear|Embedding|EmbeddingBag|Conv(Transpose)?[123]d|(Max|Avg|AdaptiveMax|AdaptiveAvg)Pool[123]d|BatchNorm[123]d|InstanceNorm[123]d|LayerNorm|GroupNorm|Dropout[123]?d?|AlphaDropout|Softmax|LogSoftmax|Softmin|Flatten|Unflatten|RNN|LSTM|GRU|MultiheadAttention|Transformer(Encoder|Decoder)Layer|Upsample|PixelShuffle|PixelUnshuffle)$/.test(
      name,
    )
  );
}

/**
 * Runs the shape rule of `torch.nn.<name>(**config)` called with `inputs` (positional forward arguments) and
 * `call` (forward keywords). `undefined` for a class this module does not know.
 */
export function layerForward(
  name: string,
  config: LayerConfig,
  inputs: readonly LayerInput[],
  call: Readonly<Record<string, unknown>> = {},
  options?: LayerOptions,
): LayerResult | undefined {
  const tensor = (i: number): TensorSpec => inputs[i] as TensorSpec;
  const c = config as never;
  const spatial = Number(name.match(/([123])d$/)?.[1] ?? 0) as 1 | 2 | 3;
  if (name === 'Linear') return linear(c, tensor(0), options);
  if (name === 'Bilinear') return bilinear(c, tensor(0), tensor(1), options);
  if (name === 'Embedding') return embedding(c, tensor(0), options);
  if (name === 'EmbeddingBag') return embeddingBag(c, tensor(0), inputs[1] as TensorSpec | null | undefined, options);
  if (/^Conv[123]d$/.test(name)) return conv(spatial, c, tensor(0), options);
  if (/^ConvTranspose[123]d$/.test(name)) return conv(spatial, c, tensor(0), { ...options, transposed: true });
  if (/^(Max|Avg)Pool[123]d$/.test(name))
    return pool(name.startsWith('Max') ? 'max' : 'avg', spatial, c, tensor(0), options);
  if (/^Adaptive(Max|Avg)Pool[123]d$/.test(name))
    return adaptivePool(name.includes('Max') ? 'max' : 'avg', spatial, c, tensor(0));
  if (/^BatchNorm[123]d$/.test(name)) return batchNorm(spatial, c, tensor(0), options);
  if (/^InstanceNorm[123]d$/.test(name)) return instanceNorm(spatial, c, tensor(0), options);
  if (name === 'LayerNorm') return layerNorm(c, tensor(0), options);
  if (name === 'GroupNorm') return groupNorm(c, tensor(0), options);
  if (/^(Dropout[123]?d?|AlphaDropout)$/.test(name)) return dropout(name as Parameters<typeof dropout>[0], tensor(0));
  if (ACTIVATIONS.has(name)) return activation(name, tensor(0), c, options);
  if (name === 'Softmax' || name === 'LogSoftmax' || name === 'Softmin') return softmax(c, tensor(0));
  if (name === 'Flatten') return flatten(c, tensor(0));
  if (name === 'Unflatten') return unflatten(c, tensor(0), options);
  if (name === 'RNN' || name === 'LSTM' || name === 'GRU') {
    return recurrent(name, c, tensor(0), inputs[1] as TensorSpec | readonly TensorSpec[] | null | undefined, options);
  }
  if (name === 'MultiheadAttention') {
    return multiheadAttention(c, tensor(0), tensor(1), tensor(2), call as MultiheadAttentionCall, options);
  }
  if (name === 'TransformerEncoderLayer') return transformerEncoderLayer(c, tensor(0), options);
  if (name === 'TransformerDecoderLayer') return transformerDecoderLayer(c, tensor(0), tensor(1), options);
  if (name === 'Upsample') return upsample(c, tensor(0), options);
  if (name === 'PixelShuffle') return pixelShuffle(c, tensor(0));
  if (name === 'PixelUnshuffle') return pixelUnshuffle(c, tensor(0));
  return undefined;
}

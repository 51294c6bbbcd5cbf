/**
 * Shape mode's torch.nn layers: when a layer is called on tensors (symbolic, or concrete ones whose numbers shape
 * mode does not need), its output shape and dtype (or PyTorch's error) come from the layer rules of
 * core/torch/symbolic/layers.ts, fed with the constructor's arguments under PyTorch's keyword names. A layer whose
 * configuration is not plain numbers and flags, or whose inputs are not tensors, runs as it does in value mode; a
 * layer only the rules know (no value-mode forward) then gives an unknown value.
 */
import {
  layerForward,
  isKnownLayer,
  isLayerError,
  type LayerConfig,
  type LayerInput,
  type LayerOutput,
} from '../torch/symbolic/layers';
import { SymTensor } from '../torch/symbolic/tensor';
import { pyError } from './errors';
import { holdsOpaque } from './shape-mode';
import {
  PyInstance,
  PyList,
  PyTuple,
  PyUnknown,
  isTensorValue,
  type CallArguments,
  type NativeClass,
  type PyValue,
} from './values';

/** PyTorch's positional parameters of each layer's constructor, in order. */
const CONSTRUCTOR_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  Linear: ['in_features', 'out_features', 'bias'],
  Bilinear: ['in1_features', 'in2_features', 'out_features', 'bias'],
  Embedding: ['num_embeddings', 'embedding_dim', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq'],
  Conv: ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias'],
  ConvTranspose: [
    'in_channels',
    'out_channels',
    'kernel_size',
    'stride',
    'padding',
    'output_padding',
    'groups',
    'bias',
    'dilation',
  ],
  MaxPool: ['kernel_size', 'stride', 'padding', 'dilation', 'return_indices', 'ceil_mode'],
  AvgPool: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
  AdaptivePool: ['output_size'],
  BatchNorm: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
  InstanceNorm: ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats'],
  LayerNorm: ['normalized_shape', 'eps', 'elementwise_affine'],
  GroupNorm: ['num_groups', 'num_channels', 'eps', 'affine'],
  Dropout: ['p', 'inplace'],
  Softmax: ['dim'],
  Flatten: ['start_dim', 'end_dim'],
  Unflatten: ['dim', 'unflattened_size'],
  RNN: ['input_size', 'hidden_size', 'num_layers', 'nonlinearity', 'bias', 'batch_first', 'dropout', 'bidirectional'],
  LSTM: ['input_size', 'hidden_size', 'num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional', 'proj_size'],
  EmbeddingBag: [
    'num_embeddings',
    'embedding_dim',
    'max_norm',
    'norm_type',
    'scale_grad_by_freq',
    'mode',
    'sparse',
    '_weight',
    'include_last_offset',
    'padding_idx',
  ],
  MultiheadAttention: [
    'embed_dim',
    'num_heads',
    'dropout',
    'bias',
    'add_bias_kv',
    'add_zero_attn',
    'kdim',
    'vdim',
    'batch_first',
  ],
  TransformerLayer: [
    'd_model',
    'nhead',
    'dim_feedforward',
    'dropout',
    'activation',
    'layer_norm_eps',
    'batch_first',
    'norm_first',
    'bias',
  ],
  PixelShuffle: ['upscale_factor'],
  PixelUnshuffle: ['downscale_factor'],
  Upsample: ['size', 'scale_factor', 'mode', 'align_corners'],
};

function parametersOf(name: string): readonly string[] | undefined {
  if (name === 'GRU') return CONSTRUCTOR_PARAMETERS.LSTM!.slice(0, 7);
  if (/^ConvTranspose[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.ConvTranspose;
  if (/^Conv[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.Conv;
  if (/^MaxPool[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.MaxPool;
  if (/^AvgPool[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.AvgPool;
  if (/^Adaptive(Max|Avg)Pool[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.AdaptivePool;
  if (/^BatchNorm[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.BatchNorm;
  if (/^InstanceNorm[123]d$/.test(name)) return CONSTRUCTOR_PARAMETERS.InstanceNorm;
  if (/^(Dropout[123]?d?|AlphaDropout)$/.test(name)) return CONSTRUCTOR_PARAMETERS.Dropout;
  if (name === 'LogSoftmax' || name === 'Softmin') return CONSTRUCTOR_PARAMETERS.Softmax;
  if (/^Transformer(Encoder|Decoder)Layer$/.test(name)) return CONSTRUCTOR_PARAMETERS.TransformerLayer;
  return CONSTRUCTOR_PARAMETERS[name];
}

/** A constructor argument as the layer rules take it, or undefined when it is not a plain value (a symbol, a tensor). */
function plain(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyTuple || v instanceof PyList) {
    const items = v.items.map(plain);
    return items.some((i) => i === undefined) ? undefined : items;
  }
  return undefined;
}

/** Constructor arguments no shape rule reads, whatever their value (an activation function, a device). */
const SHAPE_NEUTRAL_OPTIONS = new Set(['activation', 'device', 'dtype', '_weight', 'dropout', 'layer_norm_eps']);

/** The constructor's arguments under PyTorch's names; undefined when one of them is not a plain value. */
function configOf(name: string, a: CallArguments): LayerConfig | undefined {
  const names = parametersOf(name) ?? [];
  if (a.args.length > names.length) return undefined;
  const config: Record<string, unknown> = {};
  const take = (k: string, v: PyValue): boolean => {
    const value = plain(v);
    if (value === undefined) return SHAPE_NEUTRAL_OPTIONS.has(k);
    config[k] = value;
    return true;
  };
  for (let i = 0; i < a.args.length; i++) if (!take(names[i]!, a.args[i]!)) return undefined;
  for (const [k, v] of a.kwargs) if (!take(k, v)) return undefined;
  return config;
}

function toValue(out: LayerOutput): PyValue {
  if (out === null) return null;
  if (Array.isArray(out)) return new PyTuple((out as readonly LayerOutput[]).map(toValue));
  const spec = out as { shape: SymTensor['shape']; dtype: SymTensor['dtype'] };
  return new SymTensor(spec.dtype, spec.shape, 'torch');
}

/** A forward argument as the layer rules take it: a tensor's shape and dtype, a tuple of them (`(h0, c0)`), `None`. */
function inputOf(v: PyValue): LayerInput | undefined {
  if (v === null) return null;
  if (v instanceof SymTensor || isTensorValue(v)) return { shape: v.shape, dtype: v.dtype };
  if (v instanceof PyTuple || v instanceof PyList) {
    const items = v.items.map(inputOf);
    return items.every((i) => i !== undefined && i !== null && !Array.isArray(i))
      ? (items as LayerInput[] as never)
      : undefined;
  }
  return undefined;
}

/** Forward keywords that name an input by position (`lstm(x, hx=h)`, `bag(ids, offsets=o)`). */
const INPUT_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  RNN: ['input', 'hx'],
  LSTM: ['input', 'hx'],
  GRU: ['input', 'hx'],
  Bilinear: ['input1', 'input2'],
  EmbeddingBag: ['input', 'offsets', 'per_sample_weights'],
  MultiheadAttention: ['query', 'key', 'value'],
  TransformerEncoderLayer: ['src'],
  TransformerDecoderLayer: ['tgt', 'memory'],
};
/** Forward keywords that do not change an output's shape (masks), or that the rules read as call options. */
const SHAPE_NEUTRAL_KEYWORDS = new Set([
  'key_padding_mask',
  'attn_mask',
  'src_mask',
  'src_key_padding_mask',
  'tgt_mask',
  'memory_mask',
  'tgt_key_padding_mask',
  'memory_key_padding_mask',
  'is_causal',
  'tgt_is_causal',
  'memory_is_causal',
  'need_weights',
  'average_attn_weights',
]);

/** What shape mode reports a layer's PyTorch error to (the error then stops the statement as it does in Python). */
export type LayerErrorSink = (pyType: string, message: string) => void;

/**
 * Wraps a layer so that, in shape mode, a call on tensors (symbolic or concrete) answers from the layer rules
 * (PyTorch's output shape and dtype, or its exception, handed to `onError` before it is raised); every other call
 * runs the layer as before. With no value-mode layer (`layer` undefined: a layer only the rules know, such as
 * `MaxPool2d` or `ConvTranspose2d`), a call the rules cannot answer gives an unknown value.
 */
export function withShapeRules(
  name: string,
  layer: NativeClass | undefined,
  options: {
    readonly torchVersion: '2.x' | '1.13';
    readonly onError?: LayerErrorSink;
    /** Runs the layer's constructor without drawing its parameters (their values are never read in shape mode). */
    readonly withoutDraws?: <T>(fn: () => T) => T;
    /** Tensors whose dtype is open (typed by a shape comment naming none), and how to mark an output so. */
    readonly openDtype?: { has(v: PyValue): boolean; mark(v: PyValue): PyValue };
  },
): NativeClass | undefined {
  if (!isKnownLayer(name)) return layer;
  const configs = new WeakMap<PyInstance, LayerConfig>();
  const unknownSizes = new WeakSet<PyInstance>();
  // Layers whose parameters are shapes without values: only the rules can answer for them.
  const symbolic = new WeakSet<PyInstance>();
  const fallback = (self: PyInstance, a: CallArguments, site: Parameters<NonNullable<NativeClass['call']>>[2]) =>
    layer?.call && !symbolic.has(self)
      ? layer.call(self, a, site)
      : new PyUnknown(`the output of nn.${name} with these arguments`);
  return {
    init: (self, a, site) => {
      const config = configOf(name, a);
      if (config) configs.set(self, config);
      else if (a.args.some((v) => holdsOpaque(v)) || [...a.kwargs.values()].some((v) => holdsOpaque(v))) {
        // A size Loss Lens cannot know (`nn.Linear(32, out_dim)` after an if): the layer's output is unknown too,
        // rather than parameters built from a size that is not a number.
        unknownSizes.add(self);
        self.native = { ...(self.native ?? {}), training: true };
        return;
      }
      if (layer?.init) {
        const init = layer.init;
        if (config && options.withoutDraws) {
          options.withoutDraws(() => init(self, a, site));
          // The parameters become shapes: a shape check never reads a weight, and drawing them was most of its cost.
          const params = self.native?.params as Map<string, PyValue> | undefined;
          if (params && params.size > 0) {
            for (const [k, v] of params) if (isTensorValue(v)) params.set(k, new SymTensor(v.dtype, v.shape, 'torch'));
            symbolic.add(self);
          }
        } else init(self, a, site);
      } else self.native = { ...(self.native ?? {}), training: true };
    },
    call: (self, a, site) => {
      if (unknownSizes.has(self))
        return new PyUnknown(`the output of nn.${name} built with a size Loss Lens cannot know`);
      const config = configs.get(self);
      if (!config) return fallback(self, a, site);
      const positional: PyValue[] = [...a.args];
      const keywords = INPUT_KEYWORDS[name] ?? [];
      const call: Record<string, unknown> = {};
      for (const [k, v] of a.kwargs) {
        const at = keywords.indexOf(k);
        if (at >= positional.length) {
          while (positional.length < at) positional.push(null);
          positional[at] = v;
        } else if (k === 'need_weights' || k === 'average_attn_weights') {
          if (typeof v !== 'boolean') return fallback(self, a, site);
          call[k] = v;
        } else if (!SHAPE_NEUTRAL_KEYWORDS.has(k)) return fallback(self, a, site);
      }
      // Masks passed by position do not change a shape: only the layer's tensor inputs are read.
      const count = keywords.length > 0 ? Math.min(positional.length, keywords.length) : 1;
      const inputs = positional.slice(0, count).map(inputOf);
      if (inputs.length === 0 || inputs[0] === null || inputs.some((i) => i === undefined))
        return fallback(self, a, site);
      if (name === 'MultiheadAttention') {
        // PyTorch projects the same tensor once: its messages depend on which arguments are the same object.
        call.queryIsKey = positional[0] === positional[1];
        call.keyIsValue = positional[1] === positional[2];
      }
      const run = (dtypeOf: (v: PyValue, spec: LayerInput) => LayerInput) =>
        layerForward(
          name,
          config,
          inputs.map((i, k) => dtypeOf(positional[k]!, i!)),
          call,
          { torchVersion: options.torchVersion, training: self.native?.training !== false },
        );
      let result = run((_v, spec) => spec);
      const open = options.openDtype;
      let opened = false;
      if (open && positional.slice(0, count).some((v) => open.has(v))) {
        // An input whose dtype a shape comment left open: float32 and int64 are both tried, an error stands only
        // when both raise it.
        opened = true;
        const retyped = (dtype: 'int64') => (v: PyValue, spec: LayerInput) =>
          open.has(v) ? { shape: (spec as { shape: SymTensor['shape'] }).shape, dtype } : spec;
        if (result !== undefined && isLayerError(result)) {
          const other = run(retyped('int64'));
          if (other !== undefined && !isLayerError(other)) result = other;
        }
      }
      if (result === undefined) return fallback(self, a, site);
      if (isLayerError(result)) {
        options.onError?.(result.error, result.message);
        throw pyError(result.error, result.message);
      }
      const out = toValue(result.output);
      return opened && open ? open.mark(out) : out;
    },
  };
}

/** `nn.TransformerEncoder(layer, num_layers)` / `nn.TransformerDecoder`: the layer applied `num_layers` times. */
export function transformerStack(name: 'TransformerEncoder' | 'TransformerDecoder', host: LayerHost): NativeClass {
  return {
    init: (self, a) => {
      const layer = a.args[0] ?? a.kwargs.get(name === 'TransformerEncoder' ? 'encoder_layer' : 'decoder_layer');
      const count = a.args[1] ?? a.kwargs.get('num_layers');
      self.native = { training: true, layer: layer ?? null, count: typeof count === 'bigint' ? Number(count) : 1 };
    },
    call: (self, a) => {
      const { layer, count } = self.native as unknown as { layer: PyValue; count: number };
      let x: PyValue = a.args[0] ?? a.kwargs.get(name === 'TransformerEncoder' ? 'src' : 'tgt') ?? null;
      const memory = name === 'TransformerDecoder' ? (a.args[1] ?? a.kwargs.get('memory') ?? null) : undefined;
      // Every copy of the layer has the same configuration: one call tells the shape, and the first error.
      if (count > 0) x = host.call(layer, memory === undefined ? [x] : [x, memory]);
      return x;
    },
  };
}

/** How a container layer calls the layers it holds. */
export interface LayerHost {
  call(layer: PyValue, args: PyValue[]): PyValue;
}

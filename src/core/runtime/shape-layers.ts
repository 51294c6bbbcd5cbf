/**
 * Shape mode's torch.nn layers: when a layer is called on a symbolic tensor, its output shape and dtype (or
 * PyTorch's error) come from the layer rules of core/torch/symbolic/layers.ts, fed with the constructor's arguments
 * under PyTorch's keyword names. A layer whose configuration is not plain numbers and flags, or whose input is not
 * symbolic, runs as it does in value mode.
 */
import { layerForward, isKnownLayer, isLayerError, type LayerConfig, type LayerOutput } from '../torch/symbolic/layers';
import { SymTensor } from '../torch/symbolic/tensor';
import { pyError } from './errors';
import { holdsOpaque, holdsUnknown } from './shape-mode';
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

/** The constructor's arguments under PyTorch's names; undefined when one of them is not a plain value. */
function configOf(name: string, a: CallArguments): LayerConfig | undefined {
  const names = parametersOf(name) ?? [];
  if (a.args.length > names.length) return undefined;
  const config: Record<string, unknown> = {};
  for (let i = 0; i < a.args.length; i++) {
    const value = plain(a.args[i]!);
    if (value === undefined) return undefined;
    config[names[i]!] = value;
  }
  for (const [k, v] of a.kwargs) {
    const value = plain(v);
    if (value === undefined) return undefined;
    config[k] = value;
  }
  return config;
}

function toValue(out: LayerOutput): PyValue {
  if (out === null) return null;
  if (Array.isArray(out)) return new PyTuple((out as readonly LayerOutput[]).map(toValue));
  const spec = out as { shape: SymTensor['shape']; dtype: SymTensor['dtype'] };
  return new SymTensor(spec.dtype, spec.shape, 'torch');
}

/**
 * Wraps a layer so that, in shape mode, a call on a symbolic tensor answers from the layer rules (PyTorch's output
 * shape and dtype, or its exception); every other call runs the layer as before.
 */
export function withShapeRules(
  name: string,
  layer: NativeClass,
  options: {
    readonly torchVersion: '2.x' | '1.13';
    /** Runs the layer's constructor without drawing its parameters (their values are never read in shape mode). */
    readonly withoutDraws: <T>(fn: () => T) => T;
  },
): NativeClass {
  // Attention's messages depend on which arguments are the same tensor; it keeps its own path.
  if (!isKnownLayer(name) || name === 'MultiheadAttention' || name.startsWith('Transformer')) return layer;
  const configs = new WeakMap<PyInstance, LayerConfig>();
  // Layers whose parameters are symbolic (shapes without values): every call answers from the rules.
  const symbolic = new WeakSet<PyInstance>();
  // Layers built from an argument the program cannot know, with why.
  const unknownBuilt = new WeakMap<PyInstance, string>();
  return {
    init: (self, a, site) => {
      const config = configOf(name, a);
      if (!config) {
        // A size the program cannot know (a value joined from two branches, a third-party result): the layer's
        // parameters would have no shape, so its output is unknown rather than computed with a made-up size.
        const opaque = [...a.args, ...a.kwargs.values()].find((v) => holdsOpaque(v));
        if (opaque !== undefined) {
          unknownBuilt.set(self, holdsUnknown(opaque)?.reason ?? 'a size Loss Lens cannot know');
          return;
        }
        layer.init?.(self, a, site);
        return;
      }
      configs.set(self, config);
      options.withoutDraws(() => layer.init?.(self, a, site));
      // The parameters become shapes: a shape check never reads a weight, and drawing them is most of its cost.
      const params = self.native?.params as Map<string, PyValue> | undefined;
      if (params && params.size > 0) {
        for (const [k, v] of params) if (isTensorValue(v)) params.set(k, new SymTensor(v.dtype, v.shape, 'torch'));
        symbolic.add(self);
      }
    },
    call: (self, a, site) => {
      const why = unknownBuilt.get(self);
      if (why !== undefined) return new PyUnknown(`the output of nn.${name} built from ${why}`);
      const config = configs.get(self);
      const ruled = symbolic.has(self);
      const inputs = a.args.map((v) =>
        v instanceof SymTensor || (ruled && isTensorValue(v)) ? { shape: v.shape, dtype: v.dtype } : undefined,
      );
      const answerable =
        config !== undefined &&
        (ruled || a.args.some((v) => v instanceof SymTensor)) &&
        inputs.every((i) => i !== undefined) &&
        a.kwargs.size === 0;
      const result = answerable
        ? layerForward(
            name,
            config,
            inputs.map((i) => i!),
            {},
            {
              torchVersion: options.torchVersion,
              training: self.native?.training !== false,
            },
          )
        : undefined;
      if (result === undefined) {
        // Symbolic parameters cannot be computed with: the output is unknown, and says why.
        if (ruled) return new PyUnknown(`the output of nn.${name}`);
        return layer.call ? layer.call(self, a, site) : null;
      }
      if (isLayerError(result)) throw pyError(result.error, result.message);
      return toValue(result.output);
    },
  };
}

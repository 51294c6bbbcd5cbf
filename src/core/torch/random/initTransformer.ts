/**
 * Default initialisation of the attention modules (`torch/nn/modules/activation.py` `MultiheadAttention`,
 * `torch/nn/modules/transformer.py`). Same in PyTorch 1.13 and 2.x.
 *
 * `nn.MultiheadAttention` builds its `out_proj` Linear first (which draws its weight and bias), then `_reset_parameters`
 * draws `xavier_uniform_` for the input projection(s), zeroes `in_proj_bias` and `out_proj.bias`, and draws
 * `xavier_normal_` for `bias_k`/`bias_v`. Parameters are listed in `named_parameters()` order: the module's own, then
 * `out_proj.*`.
 */
import { RandomArgumentError } from './errors';
import { initConstant, layerNormInit, linearInit, xavierNormal, xavierUniform, type NamedTensor } from './init';
import type { TorchGenerator } from './torchGenerator';
import type { FloatDType } from './torchUniform';

/** Options of `nn.MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  bias?: boolean;
  addBiasKv?: boolean;
  kdim?: number;
  vdim?: number;
  dtype?: FloatDType;
}

function prefixed(prefix: string, params: NamedTensor[]): NamedTensor[] {
  return params.map((p) => ({ ...p, name: `${prefix}${p.name}` }));
}

/** `nn.MultiheadAttention(embed_dim, num_heads, …)`. */
export function multiheadAttentionInit(
  gen: TorchGenerator,
  embedDim: number,
  numHeads: number,
  options: MultiheadAttentionOptions = {},
): NamedTensor[] {
  if (embedDim % numHeads !== 0)
    throw new RandomArgumentError('AssertionError', 'embed_dim must be divisible by num_heads');
  const dtype = options.dtype ?? 'float32';
  const bias = options.bias ?? true;
  const kdim = options.kdim ?? embedDim;
  const vdim = options.vdim ?? embedDim;
  const sameDims = kdim === embedDim && vdim === embedDim;
  const outProj = prefixed('out_proj.', linearInit(gen, embedDim, embedDim, bias, dtype));
  const own: NamedTensor[] = [];
  if (sameDims) {
    const shape = [3 * embedDim, embedDim];
    own.push({ name: 'in_proj_weight', shape, dtype, data: xavierUniform(gen, shape, 1, dtype) });
  } else {
    for (const [name, inDim] of [
      ['q_proj_weight', embedDim],
      ['k_proj_weight', kdim],
      ['v_proj_weight', vdim],
    ] as const) {
      const shape = [embedDim, inDim];
      own.push({ name, shape, dtype, data: xavierUniform(gen, shape, 1, dtype) });
    }
  }
  if (bias) {
    own.push({ name: 'in_proj_bias', shape: [3 * embedDim], dtype, data: initConstant([3 * embedDim], 0, dtype) });
    const outBias = outProj.find((p) => p.name === 'out_proj.bias');
    if (outBias) outBias.data.fill(0);
  }
  if (options.addBiasKv) {
    for (const name of ['bias_k', 'bias_v']) {
      const shape = [1, 1, embedDim];
      own.push({ name, shape, dtype, data: xavierNormal(gen, shape, 1, dtype) });
    }
  }
  return [...own, ...outProj];
}

/** Options shared by the transformer layers. */
export interface TransformerLayerOptions {
  dimFeedforward?: number;
  /** PyTorch 2.1+: `bias=False` drops every bias, LayerNorm's included. */
  bias?: boolean;
  dtype?: FloatDType;
}

/** `nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward)`: self_attn, linear1, linear2, norm1, norm2. */
export function transformerEncoderLayerInit(
  gen: TorchGenerator,
  dModel: number,
  nhead: number,
  options: TransformerLayerOptions = {},
): NamedTensor[] {
  const dtype = options.dtype ?? 'float32';
  const bias = options.bias ?? true;
  const ff = options.dimFeedforward ?? 2048;
  return [
    ...prefixed('self_attn.', multiheadAttentionInit(gen, dModel, nhead, { bias, dtype })),
    ...prefixed('linear1.', linearInit(gen, dModel, ff, bias, dtype)),
    ...prefixed('linear2.', linearInit(gen, ff, dModel, bias, dtype)),
    ...prefixed('norm1.', layerNormInit([dModel], true, bias, dtype)),
    ...prefixed('norm2.', layerNormInit([dModel], true, bias, dtype)),
  ];
}

/** `nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward)`: self_attn, multihead_attn, linear1, linear2, norm1–3. */
export function transformerDecoderLayerInit(
  gen: TorchGenerator,
  dModel: number,
  nhead: number,
  options: TransformerLayerOptions = {},
): NamedTensor[] {
  const dtype = options.dtype ?? 'float32';
  const bias = options.bias ?? true;
  const ff = options.dimFeedforward ?? 2048;
  return [
    ...prefixed('self_attn.', multiheadAttentionInit(gen, dModel, nhead, { bias, dtype })),
    ...prefixed('multihead_attn.', multiheadAttentionInit(gen, dModel, nhead, { bias, dtype })),
    ...prefixed('linear1.', linearInit(gen, dModel, ff, bias, dtype)),
    ...prefixed('linear2.', linearInit(gen, ff, dModel, bias, dtype)),
    ...prefixed('norm1.', layerNormInit([dModel], true, bias, dtype)),
    ...prefixed('norm2.', layerNormInit([dModel], true, bias, dtype)),
    ...prefixed('norm3.', layerNormInit([dModel], true, bias, dtype)),
  ];
}

/**
 * `nn.TransformerEncoder(layer, num_layers)` / `nn.TransformerDecoder`: deep copies of the given layer (no draw), so
 * every layer starts with the same values. Returns the copies' parameters named `layers.{i}.…`.
 */
export function cloneLayers(layer: NamedTensor[], numLayers: number): NamedTensor[] {
  const out: NamedTensor[] = [];
  for (let i = 0; i < numLayers; i++) {
    for (const p of layer) out.push({ ...p, name: `layers.${i}.${p.name}`, data: p.data.slice() });
  }
  return out;
}

/** Options of `nn.Transformer`. */
export interface TransformerOptions extends TransformerLayerOptions {
  numEncoderLayers?: number;
  numDecoderLayers?: number;
}

/**
 * `nn.Transformer(d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward)`: an encoder layer and a
 * decoder layer are built (drawing as above), cloned, each stack gets a final LayerNorm, then `_reset_parameters`
 * redraws every parameter with more than one dimension by `xavier_uniform_`, in `parameters()` order.
 */
export function transformerInit(
  gen: TorchGenerator,
  dModel = 512,
  nhead = 8,
  options: TransformerOptions = {},
): NamedTensor[] {
  const dtype = options.dtype ?? 'float32';
  const bias = options.bias ?? true;
  const encoderLayer = transformerEncoderLayerInit(gen, dModel, nhead, options);
  const encoder = [
    ...cloneLayers(encoderLayer, options.numEncoderLayers ?? 6),
    ...prefixed('norm.', layerNormInit([dModel], true, bias, dtype)),
  ];
  const decoderLayer = transformerDecoderLayerInit(gen, dModel, nhead, options);
  const decoder = [
    ...cloneLayers(decoderLayer, options.numDecoderLayers ?? 6),
    ...prefixed('norm.', layerNormInit([dModel], true, bias, dtype)),
  ];
  const all = [...prefixed('encoder.', encoder), ...prefixed('decoder.', decoder)];
  for (const p of all) {
    if (p.shape.length > 1) p.data = xavierUniform(gen, p.shape, 1, dtype);
  }
  return all;
}

/**
 * The forward pass of `nn.RNN`, `nn.LSTM` and `nn.GRU` on concrete values, as ATen's CPU implementation composes it
 * (`aten/src/ATen/native/RNN.cpp`: `FullLayer`, `FullBidirectionalLayer`, the `SimpleCell`/`LSTMCell`/`GRUCell`
 * cells): per layer and direction, every time step applies the cell to `linear_ih(x_t)` and `linear_hh(h)`; the
 * reverse direction walks the sequence backwards; the two directions' outputs are concatenated on the feature axis;
 * in training mode a dropout draw follows every layer but the last.
 *
 * Each elementwise operation is rounded to the dtype as PyTorch's float32 kernels round it; the matrix products sum
 * in float64 and round once, so results agree with PyTorch's to about 1e-6 relative (its GEMM sums in float32 in an
 * order of its own), not bit for bit.
 */

/** Which recurrent module. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** The module's configuration, as its constructor stored it. */
export interface RecurrentConfig {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly bidirectional: boolean;
  /** LSTM's `proj_size`; 0 for none. */
  readonly projSize: number;
  readonly float32: boolean;
}

/** Values in C order. */
type Values = ArrayLike<number>;

/** The result in time-major layout: output (T, B, D·H_out), h_n (L·D, B, H_out), c_n (L·D, B, H) for LSTM. */
export interface RecurrentResult {
  readonly output: Float64Array;
  readonly hN: Float64Array;
  readonly cN: Float64Array | null;
}

/**
 * Runs the module over a time-major input (T, B, input_size).
 * `weight(name)` returns a parameter by its PyTorch name (`weight_ih_l0_reverse`, ...); `h0`/`c0` are
 * (L·D, B, H_out) / (L·D, B, H) or null for zeros; `dropout(layerOutput)` is called between layers in training
 * mode with dropout > 0 and returns the dropped values.
 */
export function recurrentForward(
  config: RecurrentConfig,
  weight: (name: string) => Values | null,
  input: Values,
  steps: number,
  batch: number,
  h0: Values | null,
  c0: Values | null,
  dropout: ((layerOutput: Float64Array) => Float64Array) | null,
): RecurrentResult {
  const r = config.float32 ? Math.fround : (v: number): number => v;
  const directions = config.bidirectional ? 2 : 1;
  const hidden = config.hiddenSize;
  const outSize = config.projSize > 0 ? config.projSize : hidden;
  const gates = (config.mode === 'LSTM' ? 4 : config.mode === 'GRU' ? 3 : 1) * hidden;
  const hN = new Float64Array(config.numLayers * directions * batch * outSize);
  const cN = config.mode === 'LSTM' ? new Float64Array(config.numLayers * directions * batch * hidden) : null;
  let layerInput: Values = input;
  let layerInputSize = config.inputSize;
  let layerOutput = new Float64Array(0);
  for (let layer = 0; layer < config.numLayers; layer++) {
    layerOutput = new Float64Array(steps * batch * directions * outSize);
    for (let direction = 0; direction < directions; direction++) {
      const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`;
      const wIh = weight(`weight_ih${suffix}`)!;
      const wHh = weight(`weight_hh${suffix}`)!;
      const bIh = config.bias ? weight(`bias_ih${suffix}`) : null;
      const bHh = config.bias ? weight(`bias_hh${suffix}`) : null;
      const wHr = config.projSize > 0 ? weight(`weight_hr${suffix}`) : null;
      const slot = layer * directions + direction;
      const h = new Float64Array(batch * outSize);
      const c = new Float64Array(batch * hidden);
      if (h0) for (let i = 0; i < h.length; i++) h[i] = h0[slot * batch * outSize + i]!;
      if (c0) for (let i = 0; i < c.length; i++) c[i] = c0[slot * batch * hidden + i]!;
      const ih = new Float64Array(batch * gates);
      const hh = new Float64Array(batch * gates);
      const full = new Float64Array(batch * hidden);
      for (let s = 0; s < steps; s++) {
        const t = direction === 1 ? steps - 1 - s : s;
        linear(layerInput, t * batch * layerInputSize, batch, layerInputSize, wIh, bIh, gates, ih, r);
        linear(h, 0, batch, outSize, wHh, bHh, gates, hh, r);
        for (let b = 0; b < batch; b++) {
          const g = b * gates;
          for (let k = 0; k < hidden; k++) {
            switch (config.mode) {
              case 'RNN_TANH':
                full[b * hidden + k] = r(Math.tanh(r(ih[g + k]! + hh[g + k]!)));
                break;
              case 'RNN_RELU':
                full[b * hidden + k] = Math.max(0, r(ih[g + k]! + hh[g + k]!));
                break;
              case 'LSTM': {
                const gate = (j: number): number => r(ih[g + j * hidden + k]! + hh[g + j * hidden + k]!);
                const inGate = r(sigmoid(gate(0)));
                const forgetGate = r(sigmoid(gate(1)));
                const cellGate = r(Math.tanh(gate(2)));
                const outGate = r(sigmoid(gate(3)));
                const cy = r(r(forgetGate * c[b * hidden + k]!) + r(inGate * cellGate));
                c[b * hidden + k] = cy;
                full[b * hidden + k] = r(outGate * r(Math.tanh(cy)));
                break;
              }
              case 'GRU': {
                const resetGate = r(sigmoid(r(ih[g + k]! + hh[g + k]!)));
                const updateGate = r(sigmoid(r(ih[g + hidden + k]! + hh[g + hidden + k]!)));
                const newGate = r(Math.tanh(r(ih[g + 2 * hidden + k]! + r(hh[g + 2 * hidden + k]! * resetGate))));
                // ATen: (hidden - new_gate) * update_gate + new_gate
                full[b * hidden + k] = r(r(r(h[b * outSize + k]! - newGate) * updateGate) + newGate);
                break;
              }
            }
          }
        }
        if (wHr) linear(full, 0, batch, hidden, wHr, null, outSize, h, r);
        else h.set(full);
        for (let b = 0; b < batch; b++) {
          const at = ((t * batch + b) * directions + direction) * outSize;
          for (let k = 0; k < outSize; k++) layerOutput[at + k] = h[b * outSize + k]!;
        }
      }
      hN.set(h, slot * batch * outSize);
      if (cN) cN.set(c, slot * batch * hidden);
    }
    layerInputSize = directions * outSize;
    layerInput = dropout && layer < config.numLayers - 1 ? dropout(layerOutput) : layerOutput;
  }
  return { output: layerOutput, hN, cN };
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** out (batch, outF) = x[offset:] (batch, inF) · Wᵀ + b, each sum rounded once to the dtype. */
function linear(
  x: Values,
  offset: number,
  batch: number,
  inF: number,
  w: Values,
  b: Values | null,
  outF: number,
  out: Float64Array,
  r: (v: number) => number,
): void {
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let i = 0; i < inF; i++) s += x[offset + n * inF + i]! * w[o * inF + i]!;
      out[n * outF + o] = b ? r(r(s) + b[o]!) : r(s);
    }
  }
}

/** (B, T, F) → (T, B, F), or back: swaps the first two axes of a contiguous 3-d array. */
export function swapLeadingAxes(values: Values, first: number, second: number, features: number): Float64Array {
  const out = new Float64Array(first * second * features);
  for (let i = 0; i < first; i++)
    for (let j = 0; j < second; j++)
      for (let k = 0; k < features; k++) out[(j * first + i) * features + k] = values[(i * second + j) * features + k]!;
  return out;
}

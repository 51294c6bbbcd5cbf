import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DType } from '../../../src/core/tensor';
import { addDims, mulDims, showShape, sym, type Dim } from '../../../src/core/torch/symbolic/dim';
import {
  conv,
  isKnownLayer,
  isLayerError,
  layerForward,
  linear,
  recurrent,
  type LayerInput,
  type LayerOutput,
  type LayerResult,
  type TensorSpec,
} from '../../../src/core/torch/symbolic/layers';

interface FixtureSpec {
  shape: number[] | number[][];
  dtype: DType;
}
interface FixtureCase {
  id: string;
  layer: string;
  config: Record<string, unknown>;
  inputs: (FixtureSpec | null)[];
  call: Record<string, unknown>;
  param_dtype?: DType;
  output?: unknown;
  error?: { type: string; message: string; stage: string };
}

const fixtures = path.join(__dirname, '..', '..', 'fixtures');

function toInput(spec: FixtureSpec | null): LayerInput {
  if (spec === null) return null;
  // A list of shapes is an (h_0, c_0) tuple.
  if (Array.isArray(spec.shape[0])) return (spec.shape as number[][]).map((s) => ({ shape: s, dtype: spec.dtype }));
  return { shape: spec.shape as number[], dtype: spec.dtype };
}

/** The result in the fixture's form: nested {shape, dtype} / lists / null, or the error triple. */
function plain(result: LayerResult): unknown {
  if (isLayerError(result)) return { error: { type: result.error, message: result.message, stage: result.stage } };
  const walk = (o: LayerOutput): unknown =>
    o === null
      ? null
      : Array.isArray(o)
        ? o.map(walk)
        : { shape: [...(o as TensorSpec).shape], dtype: (o as TensorSpec).dtype };
  return { output: walk(result.output) };
}

for (const version of ['2.x', '1.13'] as const) {
  const file = JSON.parse(readFileSync(path.join(fixtures, `layer-shapes.${version}.json`), 'utf8')) as {
    torch: string;
    cases: FixtureCase[];
  };
  describe(`nn layer shapes against torch ${file.torch}`, () => {
    it('labels cases with both outputs and errors', () => {
      assert.ok(file.cases.length > 400);
      assert.ok(file.cases.filter((c) => c.error).length > 100);
    });
    for (const c of file.cases) {
      it(`${c.id} ${JSON.stringify(c.config)} ${JSON.stringify(c.inputs.map((i) => i?.shape ?? null))}`, () => {
        const result = layerForward(c.layer, c.config, c.inputs.map(toInput), c.call, {
          torchVersion: version,
          ...(c.param_dtype ? { parameterDtype: c.param_dtype } : {}),
        });
        assert.ok(result, `no rule for ${c.layer}`);
        const expected = c.error ? { error: c.error } : { output: c.output };
        assert.deepEqual(plain(result), expected);
      });
    }
  });
}

/** The value of a dim at `S = value`; `undefined` when it holds an opaque atom (`S//2`). */
function evalAt(d: Dim, value: number): number | undefined {
  if (typeof d === 'number') return d;
  let total = 0;
  for (const t of d.terms.values()) {
    if (t.atoms.some((a) => a !== 'S')) return undefined;
    total += t.coefficient * value ** t.atoms.length;
  }
  return total;
}

describe('nn layer shapes: a symbol in place of any labelled size', () => {
  // The labelled size is one value the symbol can take, so a definite error must be PyTorch's for it too, and an
  // output must be PyTorch's once the symbol is given that value back.
  const file = JSON.parse(readFileSync(path.join(fixtures, 'layer-shapes.2.x.json'), 'utf8')) as {
    cases: FixtureCase[];
  };
  const S = sym('S');
  let compared = 0;
  for (const c of file.cases) {
    const first = c.inputs[0];
    if (!first || Array.isArray(first.shape[0])) continue;
    const shape = first.shape as number[];
    shape.forEach((size, axis) => {
      it(`${c.id} with S for dim ${axis}`, () => {
        const inputs = c.inputs.map(toInput);
        inputs[0] = { shape: shape.map((d, i) => (i === axis ? S : d)), dtype: first.dtype };
        const result = layerForward(c.layer, c.config, inputs, c.call, {
          torchVersion: '2.x',
          ...(c.param_dtype ? { parameterDtype: c.param_dtype } : {}),
        })!;
        if (isLayerError(result)) {
          // Which exception can depend on the symbol (a query width that is not embed_dim fails one check, one
          // that is fails on the key), but that one is raised must not.
          assert.ok(c.error, `error where PyTorch runs: ${result.message}`);
          return;
        }
        if (c.error) return;
        const walk = (o: LayerOutput, want: unknown): void => {
          if (o === null) return assert.equal(want, null);
          if (Array.isArray(o)) return o.forEach((x, i) => walk(x, (want as unknown[])[i]));
          const spec = o as TensorSpec;
          const dims = spec.shape.map((d) => evalAt(d, size));
          if (dims.some((d) => d === undefined)) return;
          compared++;
          assert.deepEqual({ shape: dims, dtype: spec.dtype }, want);
        };
        walk(result.output, c.output);
      });
    });
  }
  after(() => assert.ok(compared > 1000, `only ${compared} outputs compared`));
});

describe('nn layer shapes over symbolic dims', () => {
  const B = sym('B');
  const T = sym('T');
  const H = sym('H');
  const f32 = (...shape: Dim[]): TensorSpec => ({ shape, dtype: 'float32' });
  const shapeOf = (r: LayerResult | undefined, ...at: number[]): string => {
    assert.ok(r && !isLayerError(r), JSON.stringify(r));
    let o: LayerOutput = r.output;
    for (const i of at) o = (o as readonly LayerOutput[])[i]!;
    return showShape((o as TensorSpec).shape);
  };
  const errorOf = (r: LayerResult | undefined): string => {
    assert.ok(r && isLayerError(r), `expected an error, got ${JSON.stringify(r)}`);
    return r.message;
  };

  it('carries the batch symbol through Linear, and reports a definite in_features mismatch with it', () => {
    assert.equal(shapeOf(linear({ in_features: 10, out_features: 5 }, f32(B, 10))), '[B, 5]');
    assert.equal(
      errorOf(linear({ in_features: 10, out_features: 5 }, f32(B, T, 8))),
      'mat1 and mat2 shapes cannot be multiplied (B*Tx8 and 10x5)',
    );
  });

  it('gives no error where the answer depends on the symbols', () => {
    assert.equal(shapeOf(linear({ in_features: 10, out_features: 5 }, f32(B, H))), '[B, 5]');
    assert.equal(shapeOf(layerForward('BatchNorm1d', { num_features: 10 }, [f32(B, 10)])), '[B, 10]');
    assert.equal(
      shapeOf(layerForward('Conv2d', { in_channels: 3, out_channels: 8, kernel_size: 5 }, [f32(B, 3, H, H)])),
      '[B, 8, H - 4, H - 4]',
    );
    assert.equal(shapeOf(layerForward('PixelShuffle', { upscale_factor: 2 }, [f32(B, H, 4, 4)])), '[B, H//4, 8, 8]');
    assert.equal(
      shapeOf(layerForward('Unflatten', { dim: 1, unflattened_size: [4, -1] }, [f32(B, H)])),
      '[B, 4, H//4]',
    );
  });

  it('computes conv and pool sizes as expressions of the symbols', () => {
    const c = conv(2, { in_channels: 1, out_channels: 8, kernel_size: 3, padding: 1 }, f32(B, 1, H, 28));
    assert.equal(shapeOf(c), '[B, 8, H, 28]');
    const strided = conv(
      1,
      { in_channels: 1, out_channels: 8, kernel_size: 4, stride: 2 },
      f32(B, 1, addDims(mulDims(2, T), 4)),
    );
    assert.equal(shapeOf(strided), '[B, 8, T + 1]');
    assert.equal(
      shapeOf(layerForward('MaxPool2d', { kernel_size: 2 }, [f32(B, 8, H, 28)])),
      '[B, 8, (H - 2)//2 + 1, 14]',
    );
    assert.equal(
      shapeOf(
        layerForward('ConvTranspose1d', { in_channels: 2, out_channels: 1, kernel_size: 2, stride: 2 }, [f32(B, 2, T)]),
      ),
      '[B, 1, 2*T]',
    );
    assert.equal(shapeOf(layerForward('Upsample', { scale_factor: 2 }, [f32(B, 3, H, 5)])), '[B, 3, 2*H, 10]');
  });

  it("reports a definite channel mismatch with the symbol in PyTorch's text", () => {
    const wrong = conv(2, { in_channels: 3, out_channels: 8, kernel_size: 3 }, f32(B, 1, 28, 28));
    assert.equal(
      errorOf(wrong),
      'Given groups=1, weight of size [8, 3, 3, 3], expected input[B, 1, 28, 28] to have 3 channels, but got 1 channels instead',
    );
    assert.equal(
      errorOf(layerForward('BatchNorm2d', { num_features: 6 }, [f32(B, 3, H, H)])),
      'running_mean should contain 3 elements not 6',
    );
    assert.equal(
      errorOf(layerForward('LayerNorm', { normalized_shape: [10] }, [f32(B, T, 5)])),
      'Given normalized_shape=[10], expected input with shape [*, 10], but got input of size[B, T, 5]',
    );
  });

  it('follows RNN layouts with symbolic batch and time, and checks the initial state definitely', () => {
    const lstm = recurrent(
      'LSTM',
      { input_size: 10, hidden_size: 20, batch_first: true, bidirectional: true },
      f32(B, T, 10),
    );
    assert.equal(shapeOf(lstm, 0), '[B, T, 40]');
    assert.equal(shapeOf(lstm, 1, 0), '[2, B, 20]');
    assert.equal(shapeOf(lstm, 1, 1), '[2, B, 20]');
    assert.equal(
      errorOf(recurrent('GRU', { input_size: 10, hidden_size: 20 }, f32(T, B, 10), f32(2, B, 20))),
      'Expected hidden size (1, B, 20), got [2, B, 20]',
    );
    // An initial state whose batch is another symbol may still match: no error.
    assert.equal(
      shapeOf(recurrent('GRU', { input_size: 10, hidden_size: 20 }, f32(T, B, 10), f32(1, H, 20)), 0),
      '[T, B, 20]',
    );
    assert.equal(
      errorOf(recurrent('LSTM', { input_size: 10, hidden_size: 20 }, f32(T, B, 8))),
      'input.size(-1) must be equal to input_size. Expected 10, got 8',
    );
  });

  it('gives attention weights over the symbolic sequence lengths', () => {
    const S = sym('S');
    const r = layerForward(
      'MultiheadAttention',
      { embed_dim: 16, num_heads: 4, batch_first: true },
      [f32(B, T, 16), f32(B, S, 16), f32(B, S, 16)],
      {
        average_attn_weights: false,
      },
    );
    assert.equal(shapeOf(r, 0), '[B, T, 16]');
    assert.equal(shapeOf(r, 1), '[B, 4, T, S]');
    assert.equal(
      errorOf(layerForward('TransformerEncoderLayer', { d_model: 16, nhead: 4 }, [f32(T, B, 12)])),
      'was expecting embedding dimension of 16, but got 12',
    );
  });

  it('knows every labelled layer class by name, and no other', () => {
    const file = JSON.parse(readFileSync(path.join(fixtures, 'layer-shapes.2.x.json'), 'utf8')) as {
      cases: FixtureCase[];
    };
    for (const name of new Set(file.cases.map((c) => c.layer))) assert.ok(isKnownLayer(name), name);
    for (const name of ['Transformer', 'Conv4d', 'MyBlock', 'Sequential']) assert.ok(!isKnownLayer(name), name);
    assert.equal(layerForward('MyBlock', {}, [f32(B, 3)]), undefined);
  });

  it('never throws, whatever the rank of the inputs', () => {
    const file = JSON.parse(readFileSync(path.join(fixtures, 'layer-shapes.2.x.json'), 'utf8')) as {
      cases: FixtureCase[];
    };
    for (const c of file.cases) {
      for (let rank = 0; rank <= 6; rank++) {
        for (const dims of [
          Array<Dim>(rank).fill(B),
          Array.from({ length: rank }, (_, i) => i + 1),
          Array<Dim>(rank).fill(0),
        ]) {
          const inputs = c.inputs.map((i): LayerInput => {
            if (i === null) return null;
            return Array.isArray(i.shape[0]) ? [{ shape: dims, dtype: i.dtype }] : { shape: dims, dtype: i.dtype };
          });
          for (const torchVersion of ['2.x', '1.13'] as const) {
            assert.doesNotThrow(
              () => layerForward(c.layer, c.config, inputs, c.call, { torchVersion }),
              `${c.id} ${rank}`,
            );
          }
        }
      }
    }
  });

  it('keeps a fractional scale exact over a symbolic size', () => {
    assert.equal(shapeOf(layerForward('Upsample', { scale_factor: 1.5 }, [f32(B, 3, H, 4)])), '[B, 3, 3*H//2, 6]');
    assert.equal(shapeOf(layerForward('Upsample', { scale_factor: 0.5 }, [f32(B, 3, H, 4)])), '[B, 3, H//2, 2]');
  });

  it('reports training-mode batch statistics on one sample only when the size is definitely 1', () => {
    assert.equal(
      errorOf(layerForward('BatchNorm1d', { num_features: 10 }, [f32(1, 10)])),
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 10])',
    );
    assert.ok(!isLayerError(layerForward('BatchNorm1d', { num_features: 10 }, [f32(1, 10)], {}, { training: false })!));
  });
});

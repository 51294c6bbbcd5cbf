/**
 * The layers a run builds and calls, against PyTorch 2.14 and 1.13 (test/fixtures/nn/layers.*.json, written by
 * scripts/fixtures/gen_nn_layers.py): each case is a program run after `torch.manual_seed(s)` for s in 0, 1, 42,
 * 2^31 − 1. Plain printed lines must match byte for byte (initial parameters printed with `.tolist()`, so float32 bit
 * for bit; reprs; dropout masks; batch orders); lines starting with "~" hold forward values, compared at rtol 1e-5;
 * an uncaught exception must be PyTorch's, text and class.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../../../src/core/runtime/index';
import { checkSnippet } from '../../../src/core/snippet/index';

interface LayerCase {
  name: string;
  seed: number;
  program: string;
  stdout: string;
  error: string | null;
}

const dir = path.join(__dirname, '..', '..', 'fixtures', 'nn');
const NUMBER = /-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)/g;

/** Compares two "~" lines number by number at rtol 1e-5 (atol 1e-6 for values near zero). */
function assertCloseLine(got: string, want: string, where: string): void {
  assert.equal(got.replace(NUMBER, '#'), want.replace(NUMBER, '#'), `${where}: the same layout`);
  const g = got.match(NUMBER) ?? [];
  const w = want.match(NUMBER) ?? [];
  w.forEach((text, i) => {
    const a = Number(g[i]);
    const b = Number(text);
    assert.ok(Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b), `${where}: value ${i} is ${a}, PyTorch ${b}`);
  });
}

for (const version of ['2.x', '1.13'] as const) {
  const fixture = JSON.parse(fs.readFileSync(path.join(dir, `layers.${version}.json`), 'utf8')) as {
    torch: string;
    cases: LayerCase[];
  };
  describe(`nn layers as torch ${fixture.torch} builds and runs them`, () => {
    it('covers every layer family with the four seeds', () => {
      const names = new Set(fixture.cases.map((c) => c.name));
      for (const n of ['lstm_init_forward', 'gru', 'rnn_tanh_relu', 'conv1d_conv3d', 'batchnorm', 'dropout'])
        assert.deepEqual(
          fixture.cases.filter((c) => c.name === n).map((c) => c.seed),
          [0, 1, 42, 2 ** 31 - 1],
        );
      assert.ok(names.size >= 20);
    });
    for (const c of fixture.cases) {
      it(`${c.name}, seed ${c.seed}`, () => {
        const run = runProgram(c.program, { torchVersion: version });
        assert.deepEqual(
          run.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
          c.error ? [c.error] : [],
        );
        const got = run.stdout.split('\n');
        const want = c.stdout.split('\n');
        assert.equal(got.length, want.length, `line count\n${run.stdout}`);
        want.forEach((line, i) => {
          if (line.startsWith('~')) assertCloseLine(got[i]!, line, `${c.name} line ${i + 1}`);
          else assert.equal(got[i], line, `${c.name} line ${i + 1}`);
        });
      });
    }
  });
}

describe('nn layers over Loss Lens limits', () => {
  it('stops, located, before a recurrent forward pass too costly to compute', () => {
    const program = [
      'import torch',
      'import torch.nn as nn',
      'lstm = nn.LSTM(512, 512, num_layers=3)',
      'out, _ = lstm(torch.randn(60, 8, 512))',
      'print(out.shape)',
    ].join('\n');
    const run = runProgram(program);
    assert.equal(run.stdout, '');
    const stop = run.diagnostics.find((d) => /compute limit/.test(d.message));
    assert.ok(stop, run.diagnostics.map((d) => d.message).join('\n'));
    assert.match(stop.message, /nn\.LSTM over an input of size \[60, 8, 512\]/);
    assert.equal(stop.line, 4);
  });
});

describe('a layer given a float size', () => {
  it('stops at the line with a note instead of building a layer of a fractional size', () => {
    const run = runProgram(
      ['import torch.nn as nn', 'hidden = 64 / 2', 'head = nn.Linear(hidden, 3)', 'print(head)', ''].join('\n'),
    );
    const stop = run.diagnostics.find((d) => d.code === 'runtime/not-modelled');
    assert.ok(stop, run.diagnostics.map((d) => d.message).join('\n'));
    assert.equal(stop.line, 3);
    assert.match(stop.message, /nn\.Linear\(in_features=32\.0\), a float where PyTorch takes an int size/);
    assert.equal(run.stdout, '');
  });
});

describe('torch.compile in a check', () => {
  it('follows the compiled module as the original (its shapes are the same)', () => {
    const run = runProgram(
      [
        'import torch',
        'import torch.nn as nn',
        'model = torch.compile(nn.Linear(3, 2))',
        'out = model(torch.randn(4, 3))',
        'print(out.shape)',
        '',
      ].join('\n'),
      { mode: 'shape' },
    );
    assert.equal(run.stdout, 'torch.Size([4, 2])\n', run.diagnostics.map((d) => d.message).join('\n'));
  });
});

describe("torch's submodules Loss Lens does not compute", () => {
  it('stops at torch.fft.* and torch.special.* with a located note, not an AttributeError PyTorch never raises', () => {
    const cases: [string, string][] = [
      ['', 'torch.fft.fft(x)'],
      ['import torch.fft', 'torch.fft.rfft(x)'],
      ['', 'torch.special.expit(x)'],
    ];
    for (const [setup, call] of cases) {
      const run = runProgram(
        ['import torch', setup, 'x = torch.ones(4)', 'print("before")', `y = ${call}`, ''].join('\n'),
      );
      assert.equal(run.stdout, 'before\n');
      assert.ok(
        !run.diagnostics.some((d) => d.code === 'runtime/exception'),
        run.diagnostics.map((d) => d.message).join('\n'),
      );
      const stop = run.diagnostics.find((d) => d.code === 'runtime/not-modelled');
      assert.ok(stop, run.diagnostics.map((d) => d.message).join('\n'));
      assert.equal(stop.line, 5);
      assert.match(stop.message, new RegExp(call.slice(0, call.indexOf('(')).replace(/\./g, '\\.')));
    }
  });
});

describe('nn.Bilinear in a shape check', () => {
  it('reads both inputs: the output shape, and PyTorch 1.13/2.x error for a second input of the wrong width', () => {
    const ok = runProgram(
      'import torch\nimport torch.nn as nn\nm = nn.Bilinear(8, 6, 4)\nprint(m(torch.ones(2, 8), torch.ones(2, 6)).shape)\n',
      { mode: 'shape' },
    );
    assert.deepEqual(ok.diagnostics, []);
    assert.equal(ok.stdout, 'torch.Size([2, 4])\n');
    const bad = checkSnippet(
      'import torch\nimport torch.nn as nn\nm = nn.Bilinear(8, 6, 4)\ny = m(torch.ones(2, 8), torch.ones(2, 5))\n',
    );
    assert.equal(bad.diagnostics.length, 1, JSON.stringify(bad.diagnostics));
    assert.equal(bad.diagnostics[0]!.line, 4);
    assert.match(
      bad.diagnostics[0]!.message,
      /^RuntimeError: bilinear\(\): input2 size does not match weight size: got 5 but expected 6$/,
    );
  });
});

/**
 * Everything English the core says to people, produced by running it: every case of every torch fixture file (errors,
 * warnings and reduction breakdowns, under each reduction), the tensor reader and the JSON tensor file on broken
 * inputs, a tensor file's key, the loss runner's argument errors, the losses on inputs that write the remaining forms
 * of Loss Lens's own warnings and notes, the snippet checker on every snippet fixture and example, and "Explain PyTorch
 * Error" on every PyTorch message in the fixtures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError, type Diagnostic } from '../../../src/core/diagnostics';
import { explainError, type ErrorExplanation } from '../../../src/core/explain';
import { readTensorArchive, selectTensor } from '../../../src/core/io/index';
import { readTensorFile } from '../../../src/core/json/tensorFile';
import { findLoss } from '../../../src/core/losses/index';
import type { ComputeSettings, LossOptions, ReductionBreakdown } from '../../../src/core/losses/types';
import { readTensor } from '../../../src/core/reader/index';
import { runLoss, runTensorFile } from '../../../src/core/run';
import { runProgram, type RunOptions } from '../../../src/core/runtime/index';
import { checkSnippet, evaluateSnippet } from '../../../src/core/snippet/index';
import { tensorFrom } from '../../../src/core/tensor';
import { decodeOptions, decodeTensor, loadFixtures, type FixtureCase } from '../fixtures';

/** What the core produced, with where it came from (for failure messages). */
export interface Corpus {
  readonly diagnostics: { readonly origin: string; readonly diagnostic: Diagnostic }[];
  readonly reductions: { readonly origin: string; readonly reduction: ReductionBreakdown }[];
  readonly explanations: { readonly origin: string; readonly explanation: ErrorExplanation }[];
}

const fixtureDir = path.join(__dirname, '..', '..', 'fixtures', 'losses');
const snippetFile = path.join(__dirname, '..', '..', 'fixtures', 'snippets', 'snippets.json');
const examplesDir = path.join(__dirname, '..', '..', '..', 'examples');

/** The Python snippets the snippet tests and the examples use, by name. */
export function snippetSources(): { name: string; code: string }[] {
  const sources: { name: string; code: string }[] = [];
  if (fs.existsSync(snippetFile)) {
    const { snippets } = JSON.parse(fs.readFileSync(snippetFile, 'utf8')) as {
      snippets: { id: string; code: string }[];
    };
    for (const s of snippets) sources.push({ name: `snippet ${s.id}`, code: s.code });
  }
  if (fs.existsSync(examplesDir)) {
    for (const f of fs
      .readdirSync(examplesDir)
      .filter((f) => f.endsWith('.py'))
      .sort()) {
      sources.push({ name: `example ${f}`, code: fs.readFileSync(path.join(examplesDir, f), 'utf8') });
    }
  }
  return sources;
}

/** The torch fixture files, by name (`classification`, `ctc`, ...). */
export function fixtureNames(): string[] {
  return fs
    .readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

const NON_FINITE: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };

function caseInputs(c: FixtureCase): { inputs: Record<string, ReturnType<typeof decodeTensor>>; options: LossOptions } {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, decodeTensor(v)]));
  const options = Object.fromEntries(
    Object.entries(decodeOptions(c.options)).map(([k, v]) => [
      k,
      typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v]! : v,
    ]),
  );
  return { inputs, options };
}

/** Texts that are not in the fixtures but that explain.ts recognises (CUDA errors, the KLDiv warning). */
const EXTRA_PYTORCH_TEXTS = [
  `RuntimeError: "nll_loss_forward_reduce_cuda_kernel_2d_index" not implemented for 'Int'`,
  '../aten/src/ATen/native/cuda/Loss.cu:242: nll_loss_forward_reduce_cuda_kernel_2d: block: [0,0,0], thread: [0,0,0] Assertion `t >= 0 && t < n_classes` failed.',
  "UserWarning: reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
  'RuntimeError: expected scalar type Float but found Double',
  'RuntimeError: all elements of target should be between 0 and 1',
  'RuntimeError: Expected target size [4, 10], got [4, 7]',
  'RuntimeError: size mismatch (got input: [2, 3, 4, 4] , target: [2, 5, 5]',
  "RuntimeError: result type Float can't be cast to the desired output type Long",
  'ValueError: Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])) is deprecated. Please ensure they have the same size.',
  'UserWarning: Using a target size (torch.Size([4])) that is different to the input size (torch.Size([4, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
];

/** Broken selections for the tensor reader, one per kind of problem it reports. */
export const READER_INPUTS = [
  '[[1, 2, 3],\n [4, 5, 6],\n [7, 8, 9, 0]]',
  '[[1, 2], [3]]',
  '[[[1, 2], [3, 4]], [[5, 6], [7]]]',
  '[[1, 2], 3]',
  '[[1, 2], [3, 4], 5]',
  '[1, [2, 3]]',
  '[1, 2, [3, 4]]',
  '[1.5, [2, 3]]',
  '[[1], []]',
  'np.array([[1, 2], [3]])',
  'np.array([[1, 2], [3, 4], [5]])',
  'torch.LongTensor([[1, 2], [3]])',
  'tensor([0.0000e+00, 1.0000e+00,  ..., 1.9980e+03, 1.9990e+03])',
  'array([  0,   1,   2, ..., 997, 998, 999])',
  '[0 1 2 ... 7 8 9]',
  'x = [[1, 2],\n     [3, 4]',
  '[[1, 2), [3, 4]]',
  '[1, 2]]',
  'torch.tensor([[a, 1.0]])',
  'torch.tensor(data)',
  '[1.0 2.0, 3.0]',
  '[1, , 2]',
  '[1, 2 $]',
  '[1, 2] \\ 3',
  '"abc',
  '[1, 0x]',
  'x = torch.tensor([1]).',
  'x = [1, 2 "a"]',
  '[1, 2] = 3',
  'f(x) = [1]',
  '[1, (yield 2)]',
  'x[]',
  'tensor([1.], grad_fn=<NllLossBackward0)',
  '['.repeat(300) + ']'.repeat(300),
  'x = ' + '-'.repeat(400) + '1',
  '',
  '  # nothing\n',
  'import torch\nimport numpy as np',
  'torch.tensor([1, 2], dtype=torch.complex64)',
  '[1, 2j]',
  'torch.tensor([1, 2], dtype=np.float32)',
  'np.array([1, 2], dtype=torch.float32)',
  "np.array([1, 2], dtype='bfloat16')",
  'torch.tensor([1], dtype=torch.float33)',
  'np.array([1], dtype=np.float33)',
  "torch.tensor([1], dtype='float32')",
  'torch.tensor([1], dtype=3)',
  '[2**63]',
  'torch.tensor([2**31], dtype=torch.int32)',
  'torch.ByteTensor([300])',
  "np.array([float('nan')], dtype=np.int64)",
  'np.array([np.inf], dtype=np.int32)',
  "torch.tensor([float('nan')], dtype=torch.int64)",
  "[int(float('nan'))]",
  "[int(float('inf'))]",
  'torch.Tensor(2, 3)',
  'torch.LongTensor(3)',
  'torch.Tensor(1.5)',
  "torch.tensor(['a'])",
  '[None, 1]',
  'torch.randn(3)',
  'torch.foo([1])',
  'torch.tensor([1]).softmax(0)',
  'torch.from_numpy([1.5])',
  'torch.from_numpy()',
  'torch.tensor([1, 2, 3]).reshape(2, 2)',
  'torch.tensor([1], foo=1)',
  'torch.tensor()',
  'np.array()',
  '{1, 2}',
  'torch.tensor([1]).type()',
  'np.array([1]).astype()',
  'torch.zeros()',
  'np.full((2, 3))',
  'torch.arange(0, 1, 0)',
  'torch.zeros(100000, 100000)',
  "[float('abc')]",
  "[int('x')]",
  'torch.tensor(*a)',
  'torch.tensor([1], **k)',
  'torch.tensor([1], 2)',
  'torch.tensor([1.], requires_grad=[1])',
  'torch.tensor([1.], device=[1])',
  'torch.zeros((2.5, 2))',
  'torch.tensor([torch.tensor([1, 2])])',
  'torch',
  'torch.tensor([1]) + 1',
  'lambda: 1',
  'torch.tensor([1]).to(5)',
  'torch.tensor([1]).unsqueeze(5)',
  'torch.tensor([[[1]]]).t()',
  'torch.tensor([1, 2], requires_grad=True)',
  '[1 / 0]',
  '[1 // 0]',
  '[1.0 % 0]',
  '[0 ** -1]',
  '[2 ** 100000]',
  '[(-8) ** 0.5]',
  '[10.0 ** 400]',
  '[1 << -1]',
  '[1 << 5000]',
  '[~1.5]',
  'tensor([1]) tensor([2])',
  'x = 1\ny = 2',
  '{"a": [1], "b": [2]}',
  'torch.tensor([1]).T.foo',
];

/** Broken JSON tensor files. */
export const JSON_INPUTS = [
  '',
  '{',
  '{"loss": "mse_loss"} extra',
  '[1, 2]',
  '{"foo": 1}',
  '{"loss": 1}',
  '{"options": 1}',
  '{"classes": [1]}',
  '{"input": {"x": 1}}',
  '{"input": {"data": [1], "dtype": "complex64"}}',
  '{"input": [[1, 2], 3]}',
  '{"input": [[1, 2], [3]]}',
  '{"input": ["abc"]}',
  '{"input": [[1], [[2]]]}',
  '{"input": [null]}',
  '{"a" 1}',
  '{1: 2}',
  '{"input": [1 2]}',
  '{"input": {"a": 1 "b": 2}}',
  '{"a": "x\\q"}',
  '{"a": 01}',
  '{"a": +1}',
  '{"a": "abc',
  '{"a": .5}',
  '['.repeat(600) + ']'.repeat(600),
  '{"input": @}',
  '{"a": 1, "a": 2}',
  '{"input": {"npy": 1}}',
  '{"input": {"pt": "x.pt", "key": 1}}',
  '{"torch": "3"}',
  '{"a"',
  '{"a": 1',
  '{"input": [1',
  '{"a":',
];

const f32 = (values: number[], shape: number[]) => tensorFrom(values, shape, 'float32');
const i64 = (values: number[], shape: number[]) => tensorFrom(values, shape, 'int64');

/**
 * Inputs on which the losses write the forms of Loss Lens's own warnings, notes and refusals that the torch fixtures
 * never reach (one value or several, each branch of a message). The messages come from running the losses, as
 * everything else here.
 */
export function ownMessageInputs(): {
  name: string;
  fn: string;
  inputs: Parameters<typeof runLoss>[0]['inputs'];
  options: LossOptions;
  settings?: ComputeSettings;
}[] {
  const logits = f32([2, -1, 0.5, 0.1, 0.3, -2], [2, 3]);
  const ctc = (logProbs: number[], targets: number[], inputLengths: number[], targetLengths: number[]) => ({
    log_probs: f32(logProbs, [2, 2, 2]),
    targets: i64(targets, [2, 1]),
    input_lengths: i64(inputLengths, [2]),
    target_lengths: i64(targetLengths, [2]),
  });
  const logHalf = Math.log(0.5);
  const logUniform = [logHalf, logHalf, logHalf, logHalf, logHalf, logHalf, logHalf, logHalf];
  return [
    {
      name: 'one negative Poisson rate',
      fn: 'poisson_nll_loss',
      inputs: { input: f32([-1, 2, 3], [3]), target: f32([1, 2, 3], [3]) },
      options: { log_input: false },
    },
    {
      name: 'negative Poisson rates',
      fn: 'poisson_nll_loss',
      inputs: { input: f32([-1, -2, 3], [3]), target: f32([1, 2, 3], [3]) },
      options: { log_input: false },
    },
    {
      name: 'negative KL targets',
      fn: 'kl_div',
      inputs: { input: f32([logHalf, logHalf], [1, 2]), target: f32([-0.5, -0.5], [1, 2]) },
      options: { reduction: 'sum' },
    },
    {
      name: 'one positive log-target',
      fn: 'kl_div',
      inputs: { input: f32([logHalf, logHalf], [1, 2]), target: f32([0.5, logHalf], [1, 2]) },
      options: { reduction: 'sum', log_target: true },
    },
    {
      name: 'one positive KL input',
      fn: 'kl_div',
      inputs: { input: f32([0.5, logHalf], [1, 2]), target: f32([0.5, 0.5], [1, 2]) },
      options: { reduction: 'sum' },
    },
    {
      name: 'one KL row not normalised',
      fn: 'kl_div',
      inputs: { input: f32([-1, -1, logHalf, logHalf], [2, 2]), target: f32([0.5, 0.5, 0.5, 0.5], [2, 2]) },
      options: { reduction: 'sum' },
    },
    {
      name: 'one of several rows not log-probabilities',
      fn: 'nll_loss',
      inputs: { input: f32([logHalf, logHalf, 1, 2], [2, 2]), target: i64([0, 1], [2]) },
      options: {},
    },
    {
      name: 'one BCE target outside [0, 1]',
      fn: 'binary_cross_entropy_with_logits',
      inputs: { input: f32([2, -1], [2]), target: f32([1.5, 0], [2]) },
      options: {},
    },
    {
      name: 'BCE targets outside [0, 1]',
      fn: 'binary_cross_entropy_with_logits',
      inputs: { input: f32([2, -1], [2]), target: f32([1.5, -1], [2]) },
      options: {},
    },
    {
      name: 'the blank once in a target',
      fn: 'ctc_loss',
      inputs: ctc(logUniform, [0, 1], [2, 2], [1, 1]),
      options: {},
    },
    {
      name: 'one zero input length',
      fn: 'ctc_loss',
      inputs: ctc(logUniform, [1, 1], [0, 2], [0, 1]),
      options: {},
    },
    {
      name: 'zero input lengths',
      fn: 'ctc_loss',
      inputs: ctc(logUniform, [1, 1], [0, 0], [0, 0]),
      options: {},
    },
    {
      name: 'focal alpha above 1',
      fn: 'sigmoid_focal_loss',
      inputs: { input: f32([2, -1], [2]), target: f32([1, 0], [2]) },
      options: { alpha: 1.5, reduction: 'mean' },
    },
    {
      name: 'negative focal gamma',
      fn: 'softmax_focal_loss',
      inputs: { input: logits, target: i64([0, 2], [2]) },
      options: { gamma: -1 },
    },
    {
      name: 'SCE eps at 0',
      fn: 'symmetric_cross_entropy',
      inputs: { input: logits, target: i64([0, 2], [2]) },
      options: { eps: 0 },
    },
    {
      name: 'SCE eps at 1',
      fn: 'symmetric_cross_entropy',
      inputs: { input: logits, target: i64([0, 2], [2]) },
      options: { eps: 1 },
    },
    {
      name: 'one BCE log clamped',
      fn: 'binary_cross_entropy',
      inputs: { input: f32([0, 0.5], [2]), target: f32([1, 0], [2]) },
      options: {},
    },
    {
      name: 'one SCE probability clamped',
      fn: 'symmetric_cross_entropy',
      inputs: { input: f32([20, 0, 20], [1, 3]), target: i64([0], [1]) },
      options: {},
    },
    {
      name: 'more class weights than the note lists',
      fn: 'cross_entropy',
      inputs: { input: f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 10]), target: i64([3], [1]) },
      options: { weight: f32([2, 2, 2, 2, 2, 2, 2, 2, 2, 3], [10]) },
    },
    {
      name: 'a half-precision result in summary mode',
      fn: 'mse_loss',
      inputs: { input: tensorFrom([1, 2, 3], [3], 'float16'), target: tensorFrom([1, 2, 4], [3], 'float16') },
      options: {},
      settings: { detail: 'summary' },
    },
    {
      name: 'linear_cross_entropy with options',
      fn: 'linear_cross_entropy',
      inputs: {
        input: f32([1, 2], [1, 2]),
        linear_weight: f32([1, 2, 3, 4, 5, 6], [3, 2]),
        target: i64([1], [1]),
      },
      options: { options: 1 },
    },
    {
      name: 'cosine distance of 3-D embeddings',
      fn: 'triplet_margin_with_distance_loss',
      inputs: {
        anchor: f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]),
        positive: f32([1, 2, 3, 4, 5, 6, 7, 9], [2, 2, 2]),
        negative: f32([8, 7, 6, 5, 4, 3, 2, 1], [2, 2, 2]),
      },
      options: { distance_function: 'cosine' },
    },
    {
      name: 'clamp smoothing above 1',
      fn: 'label_smoothing_clamp',
      inputs: { input: logits, target: i64([0, 2], [2]) },
      options: { epsilon: 1.5 },
    },
  ];
}

/**
 * Programs whose run stops early, each at one of the runtime's own stops: something not run (files, processes, the
 * network), something not modelled (with the descriptions tutorials reach most), and each budget, made small through
 * `limits` so a few lines reach it.
 */
export function runtimeStopPrograms(): { name: string; code: string; options?: RunOptions }[] {
  const t = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport numpy as np\n';
  const small = (limits: RunOptions['limits']): RunOptions => ({ limits });
  return [
    // Not run: files, processes, the network, code from strings.
    { name: 'open', code: "with open('data.txt') as f:\n    text = f.read()\n" },
    { name: 'os.system', code: "import os\nos.system('ls')\n" },
    { name: 'subprocess', code: "import subprocess\nsubprocess.run(['ls'])\n" },
    { name: 'pickle.load', code: 'import pickle\nload = pickle.load\n' },
    { name: 'requests', code: "import requests\nr = requests.get('https://example.com/data.json')\n" },
    { name: 'eval', code: "x = eval('1 + 1')\n" },
    { name: 'exec', code: "exec('x = 1')\n" },
    { name: 'print to a file', code: "f = 3\nprint('loss', 0.5, file=f)\n" },
    // Not modelled: Python.
    { name: 'complex', code: 'z = 1 + 2j\n' },
    { name: 'negative fractional power', code: 'x = (-8) ** 0.5\n' },
    { name: 'relative import', code: 'from .model import Net\n' },
    { name: 'unknown module', code: 'import mypackage\n' },
    { name: 'globals', code: 'g = globals()\n' },
    // Not modelled: random draws.
    { name: 'torch.seed', code: `${t}s = torch.seed()\n` },
    { name: 'random_ without bounds', code: `${t}x = torch.zeros(3).random_()\n` },
    { name: 'permutation of an array', code: `${t}p = np.random.permutation(np.arange(4))\n` },
    { name: 'random.seed of a float', code: 'import random\nrandom.seed(1.5)\n' },
    { name: 'shuffle of a tuple', code: 'import random\nrandom.shuffle((1, 2, 3))\n' },
    // Not modelled: torch and NumPy.
    { name: 'uninitialised FloatTensor', code: `${t}x = torch.FloatTensor(2, 3)\n` },
    { name: 'optimizer', code: `${t}model = nn.Linear(2, 1)\nopt = torch.optim.RMSprop(model.parameters(), lr=0.1)\n` },
    { name: 'stft', code: `${t}y = torch.stft(torch.ones(64), 16, return_complex=True)\n` },
    { name: 'matrix norm', code: `${t}y = torch.linalg.norm(torch.ones(2, 2), ord=2)\n` },
    { name: 'np.sum of a tensor', code: `${t}y = np.sum(torch.ones(2, 2))\n` },
    { name: 'np.unique indices', code: `${t}u = np.unique(np.array([1, 2, 2]), return_index=True)\n` },
    {
      name: "padding='same'",
      code: `${t}y = F.conv1d(torch.ones(1, 1, 8), torch.ones(1, 1, 4), padding='same')\n`,
    },
    {
      name: 'attention mask',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, q, q, attn_mask=torch.ones(5, 5))\n`,
    },
    { name: 'RNN hx', code: `${t}rnn = nn.RNN(2, 3)\ny = rnn(torch.ones(1, 1, 2), 'h')\n` },
    { name: 'GRU hx', code: `${t}gru = nn.GRU(2, 3)\ny = gru(torch.ones(1, 1, 2), (torch.ones(1, 1, 3),))\n` },
    { name: 'LSTM on a string', code: `${t}lstm = nn.LSTM(2, 3)\ny = lstm('abc')\n` },
    { name: 'LSTM dtype', code: `${t}lstm = nn.LSTM(2, 3, dtype=torch.float16)\n` },
    { name: 'LSTM of size zero', code: `${t}lstm = nn.LSTM(2, 0)\n` },
    { name: 'LSTM backward', code: `${t}lstm = nn.LSTM(2, 3)\ny, _ = lstm(torch.ones(1, 1, 2))\ny.sum().backward()\n` },
    { name: 'RNNCell hx', code: `${t}cell = nn.RNNCell(2, 3)\ny = cell(torch.ones(1, 2), (torch.ones(1, 3),))\n` },
    { name: 'RNNCell on a string', code: `${t}cell = nn.RNNCell(2, 3)\ny = cell('abc')\n` },
    { name: 'Bilinear shapes', code: `${t}m = nn.Bilinear(2, 3, 4)\ny = m(torch.ones(2), torch.ones(5, 3))\n` },
    { name: 'attention of size zero', code: `${t}m = nn.MultiheadAttention(0, 1)\n` },
    { name: 'attention on strings', code: `${t}m = nn.MultiheadAttention(4, 2)\ny = m('a', 'b', 'c')\n` },
    {
      name: 'attention ranks',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, torch.ones(3, 4), q)\n`,
    },
    {
      name: 'attention key shape',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, torch.ones(3, 1, 5), q)\n`,
    },
    {
      name: 'attention mask type',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, q, q, attn_mask='x')\n`,
    },
    {
      name: 'padding mask type',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, q, q, key_padding_mask='x')\n`,
    },
    {
      name: 'padding mask shape',
      code: `${t}m = nn.MultiheadAttention(4, 2)\nq = torch.ones(3, 1, 4)\ny = m(q, q, q, key_padding_mask=torch.ones(7, 7))\n`,
    },
    {
      name: 'attention dropout',
      code: `${t}m = nn.MultiheadAttention(4, 2, dropout=0.5)\nq = torch.ones(3, 1, 4)\ny = m(q, q, q, need_weights=False)\n`,
    },
    {
      name: 'DataLoader sampler',
      code: `${t}from torch.utils.data import DataLoader\nd = DataLoader([1, 2], sampler=[0, 1])\n`,
    },
    { name: 'einsum sublists', code: `${t}x = np.einsum(np.ones(3), [0], np.ones(3), [0])\n` },
    { name: 'NumPy string dtype', code: `${t}x = np.ones(2).astype('U3')\n` },
    {
      name: 'NumPy 1 casting',
      code: `${t}x = np.array([1, 2], dtype=np.uint8) + 300\n`,
      options: { torchVersion: '1.13' },
    },
    { name: 'einsum ellipsis', code: `${t}a = torch.ones(2, 3)\ny = torch.einsum('...i,...i->...', a, a)\n` },
    { name: 'np.dot 3-D', code: `${t}a = np.ones((2, 2, 2))\ny = np.dot(a, a)\n` },
    { name: 'numpy strings', code: `${t}a = np.array(['cat', 'dog'])\n` },
    { name: 'Dropout2d on 1-D', code: `${t}y = nn.Dropout2d()(torch.ones(4))\n` },
    { name: 'init of an int tensor', code: `${t}w = torch.zeros(2, 2, dtype=torch.int64)\nnn.init.normal_(w)\n` },
    { name: 'float layer size', code: `${t}layer = nn.Linear(2.0, 3)\n` },
    { name: 'unknown layer argument', code: `${t}layer = nn.Linear(2, 3, frobnicate=True)\n` },
    {
      name: 'LSTM hx',
      code: `${t}lstm = nn.LSTM(2, 3)\ny = lstm(torch.zeros(1, 1, 2), torch.zeros(1, 1, 3))\n`,
    },
    {
      name: 'grad of grad',
      code: `${t}x = torch.ones(2, requires_grad=True)\ny = (x * x).sum()\ng = torch.autograd.grad(y, x, create_graph=True)\n`,
    },
    // Budgets: steps (in a loop and in a recursion), elements, printing, numbers too large to compute.
    { name: 'endless loop', code: 'i = 0\nwhile True:\n    i += 1\n', options: small({ maxSteps: 500 }) },
    {
      name: 'endless recursion',
      code: 'def f(n):\n    return f(n + 1)\n\nf(0)\n',
      options: small({ maxSteps: 50, maxDepth: 1000 }),
    },
    { name: 'long list', code: 'x = [0] * 5000\n', options: small({ maxElements: 1000 }) },
    { name: 'long string', code: "s = 'ab' * 5000\n", options: small({ maxElements: 1000 }) },
    { name: 'long range', code: 'x = list(range(5000))\n', options: small({ maxElements: 1000 }) },
    { name: 'long comprehension', code: 'x = [i for i in range(5000)]\n', options: small({ maxElements: 1000 }) },
    { name: 'large random tensor', code: `${t}x = torch.rand(5000)\n`, options: small({ maxElements: 1000 }) },
    { name: 'large tensor', code: `${t}x = torch.zeros(100, 100)\n`, options: small({ maxElements: 1000 }) },
    {
      name: 'nested list',
      code: `${t}x = torch.tensor([[0.0] * 40] * 40)\n`,
      options: small({ maxElements: 1000 }),
    },
    {
      name: 'long print',
      code: "for i in range(100):\n    print('epoch', i)\n",
      options: small({ maxElements: 200 }),
    },
    {
      name: 'LSTM output',
      code: `${t}lstm = nn.LSTM(1, 10)\ny = lstm(torch.ones(200, 1, 1))\n`,
      options: small({ maxElements: 1000 }),
    },
    {
      name: 'attention weights',
      code: `${t}m = nn.MultiheadAttention(4, 1)\nq = torch.ones(40, 1, 4)\ny = m(q, q, q)\n`,
      options: small({ maxElements: 1000 }),
    },
    {
      name: 'bilinear product',
      code: `${t}m = nn.Bilinear(8, 8, 8)\ny = m(torch.ones(4, 8), torch.ones(4, 8))\n`,
      options: small({ maxElements: 1000 }),
    },
    // A recurrent forward pass over the compute limit is refused before it runs (its weights are built, ~60 ms).
    {
      name: 'GRU compute',
      code: `${t}gru = nn.GRU(1, 600)\ny = gru(torch.ones(1000, 1, 1))\n`,
      options: small({ maxElements: 3_000_000 }),
    },
    { name: 'huge power', code: 'x = 2 ** 200000\n' },
    { name: 'huge shift', code: 'x = 1 << 200000\n' },
  ];
}

/** Runs the core on everything above and collects what it says. */
export function buildCorpus(): Corpus {
  const diagnostics: Corpus['diagnostics'] = [];
  const reductions: Corpus['reductions'] = [];
  const explanations: Corpus['explanations'] = [];
  const pytorchTexts = new Set<string>(EXTRA_PYTORCH_TEXTS);

  const compute = (
    origin: string,
    fn: string,
    inputs: Parameters<typeof runLoss>[0]['inputs'],
    options: LossOptions,
    settings?: ComputeSettings,
  ): void => {
    const loss = findLoss(fn)!;
    try {
      const result = loss.compute(inputs, options, settings);
      for (const w of result.warnings) diagnostics.push({ origin, diagnostic: w });
      reductions.push({ origin, reduction: result.reduction });
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      diagnostics.push({ origin, diagnostic: e.diagnostic });
    }
  };

  for (const name of fixtureNames()) {
    for (const c of loadFixtures(name)) {
      const origin = `${name}:${c.id}`;
      const { inputs, options } = caseInputs(c);
      compute(origin, c.fn, inputs, options);
      if (c.error) pytorchTexts.add(`${c.error.type}: ${c.error.message}`);
      for (const w of c.warnings ?? []) pytorchTexts.add(`UserWarning: ${w}`);
      // The same inputs under every reduction, for every breakdown the engine can write about them.
      const legacy = 'size_average' in options || 'reduce' in options;
      if (c.error || legacy) continue;
      const reductionsToTry = c.fn === 'kl_div' ? ['none', 'mean', 'sum', 'batchmean'] : ['none', 'mean', 'sum'];
      for (const reduction of reductionsToTry) {
        if (options['reduction'] === reduction) continue;
        compute(`${origin} reduction=${reduction}`, c.fn, inputs, { ...options, reduction });
      }
    }
  }

  for (const text of READER_INPUTS) {
    try {
      readTensor(text);
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      diagnostics.push({ origin: `reader ${JSON.stringify(text.slice(0, 60))}`, diagnostic: e.diagnostic });
    }
  }
  for (const text of JSON_INPUTS) {
    try {
      readTensorFile(text);
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      diagnostics.push({ origin: `json ${JSON.stringify(text.slice(0, 60))}`, diagnostic: e.diagnostic });
    }
  }

  const snippets = [
    ...snippetSources(),
    { name: 'block', code: 'for i in range(3):\n    x = i\n' },
    {
      name: 'positional',
      code: 'import torch.nn.functional as F\nF.cross_entropy(x, y, None, None, -100, None, "mean", 0.0, 1)\n',
    },
    // A fragment that is no whole program (a printout pasted below it): the statement evaluator skips blocks and
    // statements, on one line or several.
    {
      name: 'fragment with blocks',
      code: [
        'import torch',
        'for i in range(3): x = i',
        'while i:',
        '    pass',
        'return',
        'raise ValueError(',
        '    "x")',
        'tensor([1.], grad_fn=<NllLossBackward0)',
        '',
      ].join('\n'),
    },
    // A nested list over the budget for reading values in both modes.
    { name: 'large literal', code: 'import torch\nx = torch.tensor([[0.0] * 2000] * 1001)\n' },
    // The activation before a loss, inside the call and on an earlier line, for each loss the code-level warnings
    // read (snippet/loss-calls.ts).
    {
      name: 'activations before losses',
      code: [
        'import torch',
        'import torch.nn.functional as F',
        'logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])',
        'target = torch.tensor([0, 2])',
        'probs = F.softmax(logits, dim=1)',
        'a = F.nll_loss(probs, target)',
        'b = F.nll_loss(F.softmax(logits, dim=1), target)',
        'p = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])',
        "c = F.kl_div(probs, p, reduction='batchmean')",
        "d = F.kl_div(F.softmax(logits, dim=1), p, reduction='batchmean')",
        'y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])',
        's = torch.sigmoid(logits)',
        'e = F.binary_cross_entropy_with_logits(s, y)',
        'scores = torch.randn(2, 3)',
        'f = F.binary_cross_entropy(scores, y)',
        '',
      ].join('\n'),
    },
  ];
  for (const { name, code } of snippets) {
    for (const d of evaluateSnippet(code).diagnostics)
      diagnostics.push({ origin: `${name} (evaluated)`, diagnostic: d });
    for (const d of checkSnippet(code).diagnostics) diagnostics.push({ origin: `${name} (checked)`, diagnostic: d });
  }
  for (const code of [
    'x = 1',
    'import torch\nx = torch.tensor([[1.0, 2.0]])',
    'import torch\nx = torch.tensor([[1.0, 2.0]])\ny = torch.tensor([1])',
  ]) {
    for (const d of evaluateSnippet(code, { loss: 'cross_entropy' }).diagnostics) {
      diagnostics.push({ origin: `--loss on ${JSON.stringify(code)}`, diagnostic: d });
    }
  }

  for (const { name, code, options } of runtimeStopPrograms()) {
    for (const d of runProgram(code, options).diagnostics)
      diagnostics.push({ origin: `program ${name}`, diagnostic: d });
  }

  const x = tensorFrom([0.1, 0.9], [1, 2], 'float32');
  const y = tensorFrom([1], [1], 'int64');
  const runs = [
    runLoss({ loss: 'cross_entropyy', inputs: { input: x, target: y }, options: {} }),
    runLoss({ loss: 'no_such_loss_at_all', inputs: { input: x, target: y }, options: {} }),
    runLoss({ loss: 'cross_entropy', inputs: { input: x }, options: {} }),
    runLoss({ loss: 'ctc_loss', inputs: { log_probs: x }, options: {} }),
    runLoss({ loss: 'cross_entropy', inputs: { input: x, target: y }, options: { foo: 1 } }),
    runTensorFile(readTensorFile('{"input": [[0.1, 0.9]], "target": [1]}')),
  ];
  for (const [k, r] of runs.entries())
    for (const d of r.diagnostics) diagnostics.push({ origin: `run #${k}`, diagnostic: d });
  for (const [k, fn] of ['cross_entropy', 'mse_loss', 'ctc_loss'].entries()) {
    compute(`missing #${k}`, fn, {}, {});
    compute(`unexpected #${k}`, fn, {}, { no_such_option: 1 });
  }
  for (const { name, fn, inputs, options, settings } of ownMessageInputs())
    compute(`own message: ${name}`, fn, inputs, options, settings);

  // A tensor file's key: missing, unknown, in a file of one unnamed tensor, in an empty archive.
  const ioDir = path.join(__dirname, '..', '..', 'fixtures', 'io', 'torch-2.14');
  const archive = (name: string) => readTensorArchive(new Uint8Array(fs.readFileSync(path.join(ioDir, name))), name);
  const emptyZip = new Uint8Array(22);
  emptyZip.set([0x50, 0x4b, 0x05, 0x06]);
  const keyLookups: [string, () => unknown][] = [
    ['run.pt, no key', () => selectTensor(archive('run.pt'), undefined)],
    ['run.pt:logits', () => selectTensor(archive('run.pt'), 'logits')],
    ['single.pt:x', () => selectTensor(archive('single.pt'), 'x')],
    ['empty.npz, no key', () => selectTensor(readTensorArchive(emptyZip, 'empty.npz'), undefined)],
    ['empty.npz:x', () => selectTensor(readTensorArchive(emptyZip, 'empty.npz'), 'x')],
  ];
  for (const [name, lookup] of keyLookups) {
    try {
      lookup();
    } catch (e) {
      if (!(e instanceof LossLensError)) throw e;
      diagnostics.push({ origin: `tensor file ${name}`, diagnostic: e.diagnostic });
    }
  }

  for (const text of pytorchTexts) {
    for (const explanation of explainError(text)) explanations.push({ origin: text.slice(0, 80), explanation });
  }
  return { diagnostics, reductions, explanations };
}

/**
 * The tensor reader. The value table was produced by evaluating each text with PyTorch 1.13 / NumPy 1.24 (Debian's
 * python3, the project's oracle) and recording dtype, shape and values; printouts were evaluated as the calls that
 * print them. Error cases assert the code, the exact place, and PyTorch's/NumPy's/Python's own message where they
 * have one.
 */
import * as assert from 'node:assert/strict';
import { LossLensError, type SourceRange } from '../../src/core/diagnostics';
import { listToTensor, pyBool, pyFloat, pyInt, readTensor, readTensors, ReaderErrorCode } from '../../src/core/reader';
import { roundToBFloat16, roundToFloat16 } from '../../src/core/reader';
import type { DType } from '../../src/core/tensor';

type Expected = number | string;

/** Decodes the table's encoding: 'nan', 'inf', '-inf', and integers beyond 2^53 written as strings. */
function decode(v: Expected): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function at(r: SourceRange): string {
  return `${r.line}:${r.column}-${r.endLine}:${r.endColumn}`;
}

function errorOf(f: () => unknown): LossLensError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof LossLensError, `expected a LossLensError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

/** [label, text, dtype, shape, values in C order] — dtype, shape and values from the oracle. */
const ORACLE: [string, string, DType, number[], Expected[]][] = [
  ['all-int list', '[1, 2, 3]', 'int64', [3], [1, 2, 3]],
  ['any float', '[[1.0, 2], [3, 4]]', 'float32', [2, 2], [1.0, 2.0, 3.0, 4.0]],
  ['trailing dot float', '[1., 2.]', 'float32', [2], [1.0, 2.0]],
  ['all bool', '[True, False]', 'bool', [2], [1, 0]],
  ['bool + int', '[True, 2]', 'int64', [2], [1, 2]],
  ['bool + float', '[False, 2.5]', 'float32', [2], [0.0, 2.5]],
  ['nested tuples', '((1, 2), (3, 4))', 'int64', [2, 2], [1, 2, 3, 4]],
  ['tuple in list', '[(1, 2), [3, 4]]', 'int64', [2, 2], [1, 2, 3, 4]],
  ['scalar int', '7', 'int64', [], [7]],
  ['scalar float', '-1.5e-3', 'float32', [], [-0.001500000013038516]],
  ['scalar bool', 'True', 'bool', [], [1]],
  ['empty list', '[]', 'float32', [0], []],
  ['empty rows', '[[], []]', 'float32', [2, 0], []],
  ['empty then nonempty (torch skips checks)', '[[], [1]]', 'float32', [2, 0], []],
  ['exponents', '[1e3, 2E-2, 1.5e+2]', 'float32', [3], [1000.0, 0.019999999552965164, 150.0]],
  ['underscores hex octal binary', '[1_000, 0x1F, 0o17, 0b101]', 'int64', [4], [1000, 31, 15, 5]],
  ['signs', '[-1, +2, -(3), - -4]', 'int64', [4], [-1, 2, -3, 4]],
  [
    'arithmetic',
    '[1/3, 2**-1, -7//2, 7 % 3, 2**10, 5.5 // -2, -5.5 % 3]',
    'float32',
    [7],
    [0.3333333432674408, 0.5, -4.0, 1.0, 1024.0, -3.0, 0.5],
  ],
  ['bool arithmetic', '[True + True, -True, ~True, not 0]', 'int64', [4], [2, -1, -2, 1]],
  ['inf nan words', '[nan, inf, -inf]', 'float32', [3], ['nan', 'inf', '-inf']],
  [
    'float() calls',
    "[float('inf'), float('-inf'), float('nan'), float(' 1.5 '), float(3), int(3.9), int('7')]",
    'float32',
    [7],
    ['inf', '-inf', 'nan', 1.5, 3.0, 3.0, 7.0],
  ],
  [
    'module constants',
    '[math.inf, -math.inf, math.nan, np.nan, np.inf, torch.inf, torch.nan, math.pi]',
    'float32',
    [8],
    ['inf', '-inf', 'nan', 'nan', 'inf', 'inf', 'nan', 3.1415927410125732],
  ],
  [
    'multi-line with comments and trailing commas',
    '[\n  [0.1, 0.2],  # first row\n  [0.3, 0.4],\n]  # done',
    'float32',
    [2, 2],
    [0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645],
  ],
  ['backslash continuation', '[1, \\\n 2]', 'int64', [2], [1, 2]],
  ['float32 rounding', '[0.1, 16777217.0]', 'float32', [2], [0.10000000149011612, 16777216.0]],
  ['big int exact', '[9007199254740993]', 'int64', [1], ['9007199254740993']],
  [
    'int64 extremes',
    '[9223372036854775807, -9223372036854775808]',
    'int64',
    [2],
    ['9223372036854775807', '-9223372036854775808'],
  ],
  ['float beyond float32', '[1e40, 1e-50]', 'float32', [2], ['inf', 0.0]],
  ['huge int with a float', '[2**70, 1.5]', 'float32', [2], [1.1805916207174113e21, 1.5]],
  ['assignment', 'logits = [[2.0, 1.0, 0.1]]', 'float32', [1, 3], [2.0, 1.0, 0.10000000149011612]],
  ['annotated assignment', 'y: list = [0, 2]', 'int64', [2], [0, 2]],
  ['indented selection', '        x = [1, 2]\n', 'int64', [2], [1, 2]],
  ['semicolon and import', 'import torch; t = torch.tensor([1.5])', 'float32', [1], [1.5]],
  ['json ints', '[[0, 1], [2, 3]]', 'int64', [2, 2], [0, 1, 2, 3]],
  ['json float marks', '[[1.0, 2], [3, 4e0]]', 'float32', [2, 2], [1.0, 2.0, 3.0, 4.0]],
  ['json words', '[true, false]', 'bool', [2], [1, 0]],
  ['json NaN Infinity', '[NaN, Infinity, -Infinity, 1]', 'float32', [4], ['nan', 'inf', '-inf', 1.0]],
  ['torch.tensor ints', 'torch.tensor([1, 2])', 'int64', [2], [1, 2]],
  ['torch.tensor dtype float64', 'torch.tensor([1, 2], dtype=torch.float64)', 'float64', [2], [1.0, 2.0]],
  ['torch.tensor dtype torch.float', 'torch.tensor([1, 2], dtype=torch.float)', 'float32', [2], [1.0, 2.0]],
  [
    'torch.tensor dtype torch.long truncates',
    'torch.tensor([1.5, -1.5, 2.7], dtype=torch.long)',
    'int64',
    [3],
    [1, -1, 2],
  ],
  ['torch.tensor dtype bool', "torch.tensor([1.5, 0.0, float('nan')], dtype=torch.bool)", 'bool', [3], [1, 0, 1]],
  [
    'torch.tensor dtype half',
    'torch.tensor([0.1, 65519.0, 70000.0, 1e-8], dtype=torch.half)',
    'float16',
    [4],
    [0.0999755859375, 65504.0, 'inf', 0.0],
  ],
  [
    'torch.tensor dtype bfloat16',
    'torch.tensor([0.1, 3.4e38], dtype=torch.bfloat16)',
    'bfloat16',
    [2],
    [0.10009765625, 'inf'],
  ],
  ['torch.tensor dtype int/short/int8/uint8', 'torch.tensor([[1, -2]], dtype=torch.int)', 'int32', [1, 2], [1, -2]],
  ['torch.tensor dtype=float builtin', 'torch.tensor([1, 2], dtype=float)', 'float64', [2], [1.0, 2.0]],
  ['torch.tensor dtype=int builtin', 'torch.tensor([1.9, 2], dtype=int)', 'int64', [2], [1, 2]],
  ['torch.tensor dtype=bool builtin', 'torch.tensor([0, 2], dtype=bool)', 'bool', [2], [0, 1]],
  ['uint8 negative wraps', 'torch.tensor([-1, -255, 255], dtype=torch.uint8)', 'uint8', [3], [255, 1, 255]],
  ['int8 edges', 'torch.tensor([-128, 127], dtype=torch.int8)', 'int8', [2], [-128, 127]],
  ['int16', 'torch.tensor([-32768, 32767], dtype=torch.int16)', 'int16', [2], [-32768, 32767]],
  [
    'float 2^63 into long',
    'torch.tensor([9223372036854775807.0], dtype=torch.long)',
    'int64',
    [1],
    ['-9223372036854775808'],
  ],
  ['torch.tensor scalar', 'torch.tensor(3.5)', 'float32', [], [3.5]],
  ['torch.tensor tuple', 'torch.tensor((1, 2))', 'int64', [2], [1, 2]],
  ['torch.as_tensor', 'torch.as_tensor([1, 2.])', 'float32', [2], [1.0, 2.0]],
  [
    'torch.tensor requires_grad device',
    "torch.tensor([1., 2.], requires_grad=True, device='cpu')",
    'float32',
    [2],
    [1.0, 2.0],
  ],
  ['torch.Tensor ints', 'torch.Tensor([1, 2])', 'float32', [2], [1.0, 2.0]],
  ['torch.Tensor bools', 'torch.Tensor([True, False])', 'float32', [2], [1.0, 0.0]],
  ['torch.Tensor empty', 'torch.Tensor()', 'float32', [0], []],
  ['FloatTensor', 'torch.FloatTensor([1, 2])', 'float32', [2], [1.0, 2.0]],
  ['DoubleTensor', 'torch.DoubleTensor([1])', 'float64', [1], [1.0]],
  ['LongTensor truncates', 'torch.LongTensor([1.5, -1.7])', 'int64', [2], [1, -1]],
  ['IntTensor', 'torch.IntTensor([1.9, -2])', 'int32', [2], [1, -2]],
  ['BoolTensor', 'torch.BoolTensor([0, 2, 0.5])', 'bool', [3], [0, 1, 1]],
  ['HalfTensor', 'torch.HalfTensor([0.1])', 'float16', [1], [0.0999755859375]],
  ['ByteTensor bools', 'torch.ByteTensor([True, False])', 'uint8', [2], [1, 0]],
  ['cuda legacy', 'torch.cuda.LongTensor([1, 2])', 'int64', [2], [1, 2]],
  ['tensor in list promotes', 'torch.tensor([torch.tensor(1.5, dtype=torch.float64), 2])', 'float64', [2], [1.5, 2.0]],
  ['0-d tensor bool in list', 'torch.tensor([torch.tensor(True), 2])', 'int64', [2], [1, 2]],
  ['np.array ints', 'np.array([1, 2])', 'int64', [2], [1, 2]],
  ['np.array floats are float64', 'np.array([1, 2.])', 'float64', [2], [1.0, 2.0]],
  ['np.array bools', 'np.array([True, False])', 'bool', [2], [1, 0]],
  ['np.array bool+int', 'np.array([True, 1])', 'int64', [2], [1, 1]],
  ['np.array empty', 'np.array([])', 'float64', [0], []],
  ['np.array dtype np.float32', 'np.array([1, 2], dtype=np.float32)', 'float32', [2], [1.0, 2.0]],
  ['np.array dtype string', "np.array([1, 2], dtype='float32')", 'float32', [2], [1.0, 2.0]],
  ['np.array dtype f4', "np.array([1, 2], dtype='f4')", 'float32', [2], [1.0, 2.0]],
  ['np.array dtype i8', "np.array([1.5, 2], dtype='i8')", 'int64', [2], [1, 2]],
  ['np.array dtype float', 'np.array([1, 2], dtype=float)', 'float64', [2], [1.0, 2.0]],
  ['np.array dtype int', 'np.array([1.9, -1.9], dtype=int)', 'int64', [2], [1, -1]],
  ['np.array dtype positional', 'np.array([1, 2], np.float16)', 'float16', [2], [1.0, 2.0]],
  ['np.array uint8 wraps', 'np.array([-1, 300], dtype=np.uint8)', 'uint8', [2], [255, 44]],
  ['np.array int32 from big float', 'np.array([1e10], dtype=np.int32)', 'int32', [1], [1410065408]],
  ['np.asarray', 'np.asarray([1., 2])', 'float64', [2], [1.0, 2.0]],
  ['np.array ndmin', 'np.array([[1, 2]], ndmin=3)', 'int64', [1, 1, 2], [1, 2]],
  ['numpy alias', 'import numpy\nnumpy.array([1.5])', 'float64', [1], [1.5]],
  ['from_numpy float64', 'torch.from_numpy(np.array([1.5]))', 'float64', [1], [1.5]],
  ['from_numpy int64', 'torch.from_numpy(np.array([1, 2]))', 'int64', [2], [1, 2]],
  ['from_numpy float32', 'torch.from_numpy(np.array([1, 2], dtype=np.float32))', 'float32', [2], [1.0, 2.0]],
  ['torch.tensor of ndarray keeps dtype', 'torch.tensor(np.array([1.5]))', 'float64', [1], [1.5]],
  ['torch.tensor of ndarray with dtype', 'torch.tensor(np.array([300]), dtype=torch.uint8)', 'uint8', [1], [44]],
  ['torch.Tensor of ndarray', 'torch.Tensor(np.array([1.5]))', 'float32', [1], [1.5]],
  ['LongTensor of ndarray', 'torch.LongTensor(np.array([300.5]))', 'int64', [1], [300]],
  ['np scalar keeps dtype', 'np.array([np.float32(1.5), 2])', 'float64', [2], [1.5, 2.0]],
  ['.long()', 'torch.tensor([1.5, 2]).long()', 'int64', [2], [1, 2]],
  ['.float()', 'torch.tensor([1, 2]).float()', 'float32', [2], [1.0, 2.0]],
  ['.double()', 'torch.tensor([1, 2]).double()', 'float64', [2], [1.0, 2.0]],
  ['.half()', 'torch.tensor([0.1, 0.2]).half()', 'float16', [2], [0.0999755859375, 0.199951171875]],
  ['.int()', 'torch.tensor([1.7, -1.7]).int()', 'int32', [2], [1, -1]],
  ['.bool()', 'torch.tensor([1, 0]).bool()', 'bool', [2], [1, 0]],
  ['.byte() wraps', 'torch.tensor([300, -1]).byte()', 'uint8', [2], [44, 255]],
  ['.char() wraps', 'torch.tensor([200]).char()', 'int8', [1], [-56]],
  [
    '.long() of nan/inf',
    "torch.tensor([float('nan'), float('inf'), -float('inf'), 1e19]).long()",
    'int64',
    [4],
    ['-9223372036854775808', '-9223372036854775808', '-9223372036854775808', '-9223372036854775808'],
  ],
  [
    '.int() of overflow',
    "torch.tensor([float('nan'), 3e9, -3e9]).int()",
    'int32',
    [3],
    [-2147483648, -2147483648, -2147483648],
  ],
  ['.byte() of floats', 'torch.tensor([300.7, -1.5, 1e10]).byte()', 'uint8', [3], [44, 255, 0]],
  ['.short() of floats', 'torch.tensor([1e5, 70000.0]).short()', 'int16', [2], [-31072, 4464]],
  ['.byte() of float64 via int64', 'torch.tensor([3000000007.0], dtype=torch.float64).byte()', 'uint8', [1], [7]],
  ['.short() of float64 via int32', 'torch.tensor([3000000007.0], dtype=torch.float64).short()', 'int16', [1], [0]],
  ['.to(torch.float64)', 'torch.tensor([1.5]).to(torch.float64)', 'float64', [1], [1.5]],
  ['.to(device, dtype)', "torch.tensor([1.5]).to('cpu', torch.float64)", 'float64', [1], [1.5]],
  ['.to(dtype=)', 'torch.tensor([1.5]).to(dtype=torch.int64)', 'int64', [1], [1]],
  ['.type(torch.LongTensor)', 'torch.tensor([1.5]).type(torch.LongTensor)', 'int64', [1], [1]],
  ['.type(torch.long)', 'torch.tensor([1.5]).type(torch.long)', 'int64', [1], [1]],
  ['.cuda().cpu().requires_grad_()', 'torch.tensor([1.5]).cpu().requires_grad_()', 'float32', [1], [1.5]],
  ['.detach().clone()', 'torch.tensor([1.5]).detach().clone()', 'float32', [1], [1.5]],
  ['.astype', 'np.array([1.5]).astype(np.int32)', 'int32', [1], [1]],
  ['.numpy()', 'torch.tensor([1, 2], dtype=torch.float64).numpy()', 'float64', [2], [1.0, 2.0]],
  ['.reshape', 'torch.tensor([1, 2, 3, 4]).reshape(2, 2)', 'int64', [2, 2], [1, 2, 3, 4]],
  ['.view(-1, 2)', 'torch.tensor([1, 2, 3, 4]).view(-1, 2)', 'int64', [2, 2], [1, 2, 3, 4]],
  ['.unsqueeze', 'torch.tensor([1, 2]).unsqueeze(0)', 'int64', [1, 2], [1, 2]],
  ['.squeeze', 'torch.tensor([[1], [2]]).squeeze()', 'int64', [2], [1, 2]],
  ['.T', 'torch.tensor([[1, 2], [3, 4]]).T', 'int64', [2, 2], [1, 3, 2, 4]],
  ['.t()', 'torch.tensor([[1, 2, 3], [4, 5, 6]]).t()', 'int64', [3, 2], [1, 4, 2, 5, 3, 6]],
  ['.flatten()', 'torch.tensor([[1, 2], [3, 4]]).flatten()', 'int64', [4], [1, 2, 3, 4]],
  ['torch.zeros', 'torch.zeros(2, 3)', 'float32', [2, 3], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],
  ['torch.zeros dtype', 'torch.zeros(3, dtype=torch.long)', 'int64', [3], [0, 0, 0]],
  ['torch.ones tuple', 'torch.ones((2, 1))', 'float32', [2, 1], [1.0, 1.0]],
  ['torch.full int', 'torch.full((2,), 1)', 'int64', [2], [1, 1]],
  ['torch.full float', 'torch.full((2,), 1.5)', 'float32', [2], [1.5, 1.5]],
  ['torch.arange int', 'torch.arange(3)', 'int64', [3], [0, 1, 2]],
  ['torch.arange float', 'torch.arange(0, 1, 0.25)', 'float32', [4], [0.0, 0.25, 0.5, 0.75]],
  ['torch.arange step', 'torch.arange(10, 0, -3)', 'int64', [4], [10, 7, 4, 1]],
  ['torch.eye', 'torch.eye(2, 3)', 'float32', [2, 3], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]],
  ['np.zeros', 'np.zeros((2, 2))', 'float64', [2, 2], [0.0, 0.0, 0.0, 0.0]],
  ['np.full int', 'np.full((2,), 1)', 'int64', [2], [1, 1]],
  ['np.arange float', 'np.arange(0, 1, 0.25)', 'float64', [4], [0.0, 0.25, 0.5, 0.75]],
  ['np.ones dtype positional', 'np.ones(2, np.int32)', 'int32', [2], [1, 1]],
  ['repr float', 'tensor([0.1000, 0.2000])', 'float32', [2], [0.10000000149011612, 0.20000000298023224]],
  ['repr int', 'tensor([1, 2])', 'int64', [2], [1, 2]],
  ['repr bool', 'tensor([ True, False])', 'bool', [2], [1, 0]],
  ['repr 0-d', 'tensor(1.3767)', 'float32', [], [1.3767000436782837]],
  ['repr dtype', 'tensor([1, 2], dtype=torch.int32)', 'int32', [2], [1, 2]],
  ['repr float64', 'tensor([1., 2.], dtype=torch.float64)', 'float64', [2], [1.0, 2.0]],
  ['repr half', 'tensor([0.1000], dtype=torch.float16)', 'float16', [1], [0.0999755859375]],
  ['repr grad_fn', 'tensor(0.4170, grad_fn=<NllLossBackward0>)', 'float32', [], [0.4169999957084656]],
  ['repr requires_grad', 'tensor([1., 2.], requires_grad=True)', 'float32', [2], [1.0, 2.0]],
  ['repr device', "tensor([0, 1], device='cuda:0')", 'int64', [2], [0, 1]],
  [
    'repr everything',
    "tensor([[-0.2, 1.5]], device='cuda:0', dtype=torch.float64, grad_fn=<AddmmBackward0>)",
    'float64',
    [1, 2],
    [-0.2, 1.5],
  ],
  [
    'repr scientific',
    'tensor([1.0000e-05, 1.0000e+05,        nan,        inf,       -inf])',
    'float32',
    [5],
    [9.999999747378752e-6, 100000.0, 'nan', 'inf', '-inf'],
  ],
  [
    'repr multi-line',
    'tensor([[ 1.5410, -0.2934],\n        [-2.1788,  0.5684]])',
    'float32',
    [2, 2],
    [1.5410000085830688, -0.29339998960494995, -2.178800106048584, 0.5684000253677368],
  ],
  ['repr empty with size', 'tensor([], size=(0, 3))', 'float32', [0, 3], []],
  ['repr empty int64', 'tensor([], dtype=torch.int64)', 'int64', [0], []],
  ['repr Parameter', 'Parameter containing:\ntensor([0.5000, 1.0000], requires_grad=True)', 'float32', [2], [0.5, 1.0]],
  ['numpy repr float', 'array([1., 2.])', 'float64', [2], [1.0, 2.0]],
  ['numpy repr int', 'array([1, 2])', 'int64', [2], [1, 2]],
  ['numpy repr dtype', 'array([1., 2.], dtype=float32)', 'float32', [2], [1.0, 2.0]],
  ['numpy repr int32', 'array([1, 2], dtype=int32)', 'int32', [2], [1, 2]],
  ['numpy repr bool', 'array([ True, False])', 'bool', [2], [1, 0]],
  ['numpy repr 0-d', 'array(1.5, dtype=float32)', 'float32', [], [1.5]],
  ['numpy repr empty shape', 'array([], shape=(0, 3), dtype=float64)', 'float64', [0, 3], []],
  [
    'numpy repr nan inf',
    'array([1.e-05, 1.e+05,    nan,    inf,   -inf])',
    'float64',
    [5],
    [1e-5, 100000.0, 'nan', 'inf', '-inf'],
  ],
  [
    'numpy repr 3-d with blank line',
    'array([[[ 0,  1],\n        [ 2,  3]],\n\n       [[ 4,  5],\n        [ 6,  7]]])',
    'int64',
    [2, 2, 2],
    [0, 1, 2, 3, 4, 5, 6, 7],
  ],
  ['numpy print float', '[[1. 2.]\n [3. 4.]]', 'float64', [2, 2], [1.0, 2.0, 3.0, 4.0]],
  ['numpy print int with signs', '[ 1 -2  3]', 'int64', [3], [1, -2, 3]],
  [
    'numpy print nan inf',
    '[1.e-05 1.e+05    nan    inf   -inf]',
    'float64',
    [5],
    [1e-5, 100000.0, 'nan', 'inf', '-inf'],
  ],
  ['numpy print bool', '[ True False]', 'bool', [2], [1, 0]],
  ['numpy print 3-d', '[[[ 0  1]\n  [ 2  3]]\n\n [[ 4  5]\n  [ 6  7]]]', 'int64', [2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]],
  ['numpy print two values with a sign', '[ 1 -2]', 'int64', [2], [1, -2]],
  ['numpy print 2x2 with signs (valid Python, but a printout)', '[[ 1 -2]\n [ 3 -4]]', 'int64', [2, 2], [1, -2, 3, -4]],
  ['numpy print labelled', 'labels = [0 1 1]', 'int64', [3], [0, 1, 1]],
  ['python subtraction stays subtraction', '[1 - 2]', 'int64', [1], [-1]],
  ['torch.Size', 'torch.Size([2, 5])', 'int64', [2], [2, 5]],
  ['torch.Size empty', 'torch.Size([])', 'int64', [0], []],
  ['torch.Size tuple', 'torch.Size((3,))', 'int64', [1], [3]],
  ['repl transcript', '>>> import torch\n>>> x = torch.tensor([1., 2.])', 'float32', [2], [1.0, 2.0]],
];

describe('reader: values and dtypes (oracle table)', () => {
  for (const [label, text, dtype, shape, values] of ORACLE) {
    it(`${label}: ${JSON.stringify(text)}`, () => {
      const { tensor } = readTensor(text);
      assert.equal(tensor.dtype, dtype);
      assert.deepEqual(tensor.shape, shape);
      assert.equal(tensor.data.length, values.length);
      values.forEach((v, i) => {
        assert.ok(sameValue(tensor.data[i]!, decode(v)), `value ${i}: got ${tensor.data[i]}, expected ${v}`);
      });
    });
  }
});

describe('reader: what the text says about the tensor', () => {
  const cases: [
    string,
    Partial<{ source: string; kind: string; requiresGrad: boolean; gradFn: string; device: string; range: string }>,
  ][] = [
    ['[1, 2]', { source: 'json', kind: 'tensor', range: '1:1-1:7' }],
    ['[True, 2]', { source: 'literal' }],
    ['x = [1, 2,]', { source: 'literal', range: '1:5-1:12' }],
    ['torch.tensor([1.])', { source: 'torch' }],
    ['np.array([1.])', { source: 'numpy' }],
    ['torch.from_numpy(np.array([1.]))', { source: 'torch' }],
    ['tensor([1.])', { source: 'repr' }],
    ['array([1.])', { source: 'repr' }],
    ['[1. 2.]', { source: 'repr', range: '1:1-1:8' }],
    ['torch.Size([2, 5])', { source: 'size', kind: 'size' }],
    ['tensor(0.4170, grad_fn=<NllLossBackward0>)', { requiresGrad: true, gradFn: 'NllLossBackward0' }],
    ["tensor([1., 2.], device='cuda:0', requires_grad=True)", { requiresGrad: true, device: 'cuda:0' }],
    ['torch.tensor([1.]).cuda()', { device: 'cuda' }],
    ['torch.tensor([1.]).to(device)', { source: 'torch' }],
    ["torch.tensor([1.], device=torch.device('cuda', 1))", { device: 'cuda:1' }],
    ['torch.tensor([1.], requires_grad=True).detach()', { requiresGrad: undefined }],
    ['torch.tensor([1.]).requires_grad_()', { requiresGrad: true }],
    ['\n\n  y = torch.tensor([1])  # target\n', { range: '3:7-3:24' }],
  ];
  for (const [text, expected] of cases) {
    it(JSON.stringify(text), () => {
      const r = readTensor(text);
      for (const [key, value] of Object.entries(expected)) {
        const actual = key === 'range' ? at(r.range) : (r as unknown as Record<string, unknown>)[key];
        assert.equal(actual, value, key);
      }
    });
  }

  it('reports positions in document coordinates with an origin', () => {
    const r = readTensor('x = [1,\n  2]', { origin: { line: 41, column: 9 } });
    assert.equal(at(r.range), '41:13-42:5');
    const e = errorOf(() => readTensor('[[1, 2],\n [3]]', { origin: { line: 10, column: 5 } }));
    assert.equal(at(e.diagnostic), '11:2-11:5');
  });

  it('stores float16/bfloat16 values rounded to their precision', () => {
    assert.equal(roundToFloat16(65519), 65504);
    assert.equal(roundToFloat16(65520), Infinity);
    assert.equal(roundToFloat16(2 ** -24), 2 ** -24);
    assert.equal(roundToFloat16(2 ** -26), 0);
    assert.equal(roundToBFloat16(Math.fround(0.1)), 0.10009765625);
  });
});

/** [label, text, code, range, message] */
const ERRORS: [string, string, string, string, string][] = [
  [
    'ragged row 3',
    '[[1, 2, 3],\n [4, 5, 6],\n [7, 8, 9, 0]]',
    'reader/ragged',
    '3:2-3:14',
    'expected sequence of length 3 at dim 1 (got 4)',
  ],
  ['ragged row 2', '[[1, 2], [3]]', 'reader/ragged', '1:10-1:13', 'expected sequence of length 2 at dim 1 (got 1)'],
  [
    'ragged at depth 2',
    '[[[1, 2], [3, 4]], [[5, 6], [7]]]',
    'reader/ragged',
    '1:29-1:32',
    'expected sequence of length 2 at dim 2 (got 1)',
  ],
  ['number where a row is', '[[1, 2], 3]', 'reader/ragged', '1:10-1:11', 'not a sequence'],
  [
    'row where a number is',
    '[1, [2, 3]]',
    'reader/ragged',
    '1:5-1:11',
    "'list' object cannot be interpreted as an integer",
  ],
  ['row where a float is', '[1.5, [2, 3]]', 'reader/ragged', '1:7-1:13', 'must be real number, not list'],
  [
    'empty row after a full one',
    '[[1], []]',
    'reader/ragged',
    '1:7-1:9',
    'expected sequence of length 1 at dim 1 (got 0)',
  ],
  [
    'ragged np.array',
    'np.array([[1, 2], [3]])',
    'reader/ragged',
    '1:19-1:22',
    'setting an array element with a sequence. The requested array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.',
  ],
  [
    'ragged LongTensor',
    'torch.LongTensor([[1, 2], [3]])',
    'reader/ragged',
    '1:27-1:30',
    'expected sequence of length 2 at dim 1 (got 1)',
  ],
  [
    'truncated torch printout',
    'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    'reader/truncated',
    '1:46-1:49',
    "the printout is truncated: '...' stands for values that were not printed",
  ],
  [
    'truncated rows',
    'tensor([[   0,    1,  ...,    8,    9],\n        ...,\n        [1990, 1991,  ..., 1998, 1999]])',
    'reader/truncated',
    '1:23-1:26',
    "the printout is truncated: '...' stands for values that were not printed",
  ],
  [
    'truncated numpy repr',
    'array([  0,   1,   2, ..., 997, 998, 999])',
    'reader/truncated',
    '1:23-1:26',
    "the printout is truncated: '...' stands for values that were not printed",
  ],
  [
    'truncated numpy print',
    '[0 1 2 ... 7 8 9]',
    'reader/truncated',
    '1:8-1:11',
    "the printout is truncated: '...' stands for values that were not printed",
  ],
  ['unclosed bracket', 'x = [[1, 2],\n     [3, 4]', 'reader/brackets', '1:5-1:6', "'[' was never closed"],
  [
    'mismatched bracket',
    '[[1, 2), [3, 4]]',
    'reader/brackets',
    '1:7-1:8',
    "closing parenthesis ')' does not match opening parenthesis '['",
  ],
  [
    'mismatched across lines',
    '[[1, 2],\n [3, 4)]',
    'reader/brackets',
    '2:7-2:8',
    "closing parenthesis ')' does not match opening parenthesis '['",
  ],
  ['unmatched closing bracket', '[1, 2]]', 'reader/brackets', '1:7-1:8', "unmatched ']'"],
  ['unknown name', 'torch.tensor([[a, 1.0]])', 'reader/unknown-name', '1:16-1:17', "name 'a' is not defined"],
  ['variable as data', 'torch.tensor(data)', 'reader/unknown-name', '1:14-1:18', "name 'data' is not defined"],
  ['missing comma', '[1.0 2.0, 3.0]', 'reader/syntax', '1:6-1:9', 'invalid syntax. Perhaps you forgot a comma?'],
  ['double comma', '[1, , 2]', 'reader/syntax', '1:5-1:6', 'invalid syntax'],
  ['invalid character', '[1, 2 $]', 'reader/syntax', '1:7-1:8', "invalid character '$' (U+0024)"],
  ['empty', '', 'reader/empty', '1:1-1:1', 'no tensor to read: the selection is empty'],
  ['only comments', '  # nothing\n', 'reader/empty', '1:1-1:1', 'no tensor to read: the selection is empty'],
  [
    'only imports',
    'import torch\nimport numpy as np',
    'reader/empty',
    '1:1-1:1',
    'no tensor to read: the selection is empty',
  ],
  [
    'complex dtype',
    'torch.tensor([1, 2], dtype=torch.complex64)',
    'reader/dtype',
    '1:28-1:43',
    'unsupported dtype torch.complex64',
  ],
  ['complex literal', '[1, 2j]', 'reader/dtype', '1:5-1:7', 'complex numbers are not supported (2j)'],
  [
    'numpy dtype in torch',
    'torch.tensor([1, 2], dtype=np.float32)',
    'reader/dtype',
    '1:28-1:38',
    "tensor(): argument 'dtype' must be torch.dtype, not type",
  ],
  [
    'torch dtype in numpy',
    'np.array([1, 2], dtype=torch.float32)',
    'reader/dtype',
    '1:24-1:37',
    "Cannot interpret 'torch.float32' as a data type",
  ],
  [
    'unknown numpy dtype string',
    "np.array([1, 2], dtype='bfloat16')",
    'reader/dtype',
    '1:24-1:34',
    "data type 'bfloat16' not understood",
  ],
  [
    'unknown torch dtype',
    'torch.tensor([1], dtype=torch.float33)',
    'reader/dtype',
    '1:25-1:38',
    "module 'torch' has no attribute 'float33'",
  ],
  [
    'overflow uint8',
    'torch.tensor([256], dtype=torch.uint8)',
    'reader/overflow',
    '1:15-1:18',
    'value cannot be converted to type uint8 without overflow',
  ],
  [
    'overflow int8 from float',
    'torch.tensor([127.9], dtype=torch.int8)',
    'reader/overflow',
    '1:15-1:20',
    'value cannot be converted to type int8 without overflow',
  ],
  [
    'nan into long',
    "torch.tensor([1, float('nan')], dtype=torch.long)",
    'reader/overflow',
    '1:18-1:30',
    'value cannot be converted to type int64 without overflow',
  ],
  [
    'inf into LongTensor',
    "torch.LongTensor([float('inf')])",
    'reader/overflow',
    '1:19-1:31',
    'value cannot be converted to type int64 without overflow',
  ],
  ['int beyond int64', '[2**63]', 'reader/overflow', '1:2-1:7', 'Overflow when unpacking long'],
  [
    'overflow int32',
    'torch.tensor([2**31], dtype=torch.int32)',
    'reader/overflow',
    '1:15-1:20',
    'value cannot be converted to type int32 without overflow',
  ],
  [
    'overflow ByteTensor',
    'torch.ByteTensor([300])',
    'reader/overflow',
    '1:19-1:22',
    'value cannot be converted to type uint8 without overflow',
  ],
  [
    'numpy nan into int',
    "np.array([float('nan')], dtype=np.int64)",
    'reader/overflow',
    '1:11-1:23',
    'cannot convert float NaN to integer',
  ],
  [
    'numpy inf into int',
    'np.array([np.inf], dtype=np.int32)',
    'reader/overflow',
    '1:11-1:17',
    'cannot convert float infinity to integer',
  ],
  [
    'torch.Tensor with sizes',
    'torch.Tensor(2, 3)',
    'reader/uninitialized',
    '1:1-1:19',
    'torch.Tensor(2, 3) makes an uninitialized tensor of shape [2, 3]',
  ],
  [
    'LongTensor with a size',
    'torch.LongTensor(3)',
    'reader/uninitialized',
    '1:1-1:20',
    'torch.LongTensor(3) makes an uninitialized tensor of shape [3]',
  ],
  [
    'torch.Tensor of a float',
    'torch.Tensor(1.5)',
    'reader/unsupported',
    '1:14-1:17',
    'new(): data must be a sequence (got float)',
  ],
  [
    'requires_grad on ints',
    'torch.tensor([1, 2], requires_grad=True)',
    'reader/requires-grad',
    '1:22-1:40',
    'Only Tensors of floating point and complex dtype can require gradients',
  ],
  ['string data', "torch.tensor(['a'])", 'reader/unsupported', '1:15-1:18', "too many dimensions 'str'"],
  ['None in a list', '[None, 1]', 'reader/unsupported', '1:2-1:6', 'Could not infer dtype of NoneType'],
  ['division by zero', '[1 / 0]', 'reader/arithmetic', '1:2-1:7', 'division by zero'],
  [
    'random values',
    'torch.randn(3)',
    'reader/unsupported',
    '1:1-1:15',
    'torch.randn() makes values that are not in the text',
  ],
  [
    'unknown function',
    'torch.foo([1])',
    'reader/unsupported',
    '1:1-1:10',
    'torch.foo() is not something Loss Lens can read',
  ],
  [
    'unknown method',
    'torch.tensor([1]).softmax(0)',
    'reader/unsupported',
    '1:19-1:26',
    "The method '.softmax()' is not something Loss Lens can read",
  ],
  [
    'two tensors for one',
    'tensor([1]) tensor([2])',
    'reader/multiple',
    '1:13-1:24',
    'found 2 tensors where one was expected',
  ],
  [
    'from_numpy of a list',
    'torch.from_numpy([1.5])',
    'reader/unsupported',
    '1:18-1:23',
    'expected np.ndarray (got list)',
  ],
  [
    'reshape mismatch',
    'torch.tensor([1, 2, 3]).reshape(2, 2)',
    'reader/unsupported',
    '1:1-1:38',
    "shape '[2, 2]' is invalid for input of size 3",
  ],
  [
    'unexpected keyword',
    'torch.tensor([1], foo=1)',
    'reader/unsupported',
    '1:19-1:24',
    "tensor() got an unexpected keyword argument 'foo'",
  ],
];

describe('reader: errors have a code, a place, a cause and a fix', () => {
  for (const [label, text, code, range, message] of ERRORS) {
    it(`${label}: ${JSON.stringify(text)}`, () => {
      const e = errorOf(() => readTensor(text));
      const d = e.diagnostic;
      assert.equal(d.code, code);
      assert.equal(at(d), range);
      assert.equal(d.message, message);
      assert.equal(d.severity, 'error');
      assert.ok(d.explanation && d.explanation.length > 0, 'explanation');
      assert.ok(d.hint && d.hint.length > 0, 'hint');
    });
  }

  it('explains ragged rows by 1-based row number and the values behind the text', () => {
    const d = errorOf(() => readTensor('[[1, 2, 3],\n [4, 5, 6],\n [7, 8, 9, 0]]')).diagnostic;
    assert.equal(d.explanation, 'Row 3 has 4 values, rows above have 3.');
    assert.deepEqual(d.data, { row: 3, dim: 1, got: 4, expected: 3, index: '[2]', label: 'row 3' });
    const deep = errorOf(() => readTensor('[[[1, 2], [3, 4]], [[5, 6], [7]]]')).diagnostic;
    assert.equal(deep.explanation, 'Row 2 of block 2 has 1 value, the row above has 2.');
    assert.equal(deep.data?.index, '[1][1]');
  });

  it('says which bracket opened where', () => {
    const d = errorOf(() => readTensor('[[1, 2],\n [3, 4)]')).diagnostic;
    assert.match(d.explanation!, /'\[' opened at 2:2/);
    assert.deepEqual(d.data, { open: '[', close: ')', expected: ']', openLine: 2, openColumn: 2 });
  });

  it('hints at the print options for truncated printouts, NumPy first for NumPy output', () => {
    const torchHint = errorOf(() => readTensor('tensor([1., ..., 2.])')).diagnostic.hint!;
    assert.ok(torchHint.startsWith('Print it whole with torch.set_printoptions(profile="full")'), torchHint);
    const numpyHint = errorOf(() => readTensor('[0 1 ... 8 9]')).diagnostic.hint!;
    assert.ok(numpyHint.startsWith('Print it whole with np.set_printoptions(threshold=sys.maxsize)'), numpyHint);
  });
});

describe('reader: readTensors finds every tensor in a selection', () => {
  function names(text: string): [string | undefined, string, number[]][] {
    return readTensors(text).map((r) => [r.name, r.tensor.dtype, [...r.tensor.shape]]);
  }

  it('reads assignments in order, with their names, and skips other code', () => {
    const text = [
      'import torch',
      'import torch.nn.functional as F',
      'logits = torch.tensor([[2.0, 1.0, 0.1],',
      '                       [0.5, 2.5, 0.3]])',
      'y = [0, 1]',
      'def helper(x):',
      '    return x',
      'loss = F.cross_entropy(logits, y)',
      'print(loss)',
    ].join('\n');
    assert.deepEqual(names(text), [
      ['logits', 'float32', [2, 3]],
      ['y', 'int64', [2]],
    ]);
  });

  it('reads printouts one per line, and several per line as print(a, b) shows them', () => {
    assert.deepEqual(names('tensor([[0.1, 0.9]])\ntensor([1])'), [
      [undefined, 'float32', [1, 2]],
      [undefined, 'int64', [1]],
    ]);
    assert.deepEqual(names('tensor([0.2000, 0.8000]) tensor(1)'), [
      [undefined, 'float32', [2]],
      [undefined, 'int64', []],
    ]);
  });

  it('names labelled printouts, REPL echoes and keyword arguments', () => {
    assert.deepEqual(names('logits: tensor([[1., 2.]])\ntarget: tensor([1])'), [
      ['logits', 'float32', [1, 2]],
      ['target', 'int64', [1]],
    ]);
    assert.deepEqual(names('>>> x\ntensor([1, 2])\n>>> w = torch.tensor([1., 2.])'), [
      ['x', 'int64', [2]],
      ['w', 'float32', [2]],
    ]);
    assert.deepEqual(names('F.cross_entropy(torch.tensor([[1., 2.]]), target=torch.tensor([1]), weight=[1., 2.])'), [
      [undefined, 'float32', [1, 2]],
      ['target', 'int64', [1]],
      ['weight', 'float32', [2]],
    ]);
  });

  it('splits tuple assignments and reads JSON objects by key', () => {
    assert.deepEqual(names('a, b = torch.tensor([1.]), [0]'), [
      ['a', 'float32', [1]],
      ['b', 'int64', [1]],
    ]);
    const json = readTensors('{"input": [[1.0, 2], [3, 4]], "target": [1, 0]}');
    assert.deepEqual(
      json.map((r) => [r.name, r.source, r.tensor.dtype]),
      [
        ['input', 'json', 'float32'],
        ['target', 'json', 'int64'],
      ],
    );
  });

  it('reads NumPy print output, labelled or not', () => {
    assert.deepEqual(names('[[1. 2.]\n [3. 4.]]\nlabels = [0 1]'), [
      [undefined, 'float64', [2, 2]],
      ['labels', 'int64', [2]],
    ]);
  });

  it('follows import aliases', () => {
    assert.deepEqual(names('import numpy as xp\nfrom torch import tensor as T\na = xp.array([1.5])\nb = T([1])'), [
      ['a', 'float64', [1]],
      ['b', 'int64', [1]],
    ]);
  });

  it('ignores broken lines that are not tensors but reports broken tensors', () => {
    assert.deepEqual(names('x = torch.tensor([1.])\nloss = F.cross_entropy(x,'), [['x', 'float32', [1]]]);
    const e = errorOf(() => readTensors('x = torch.tensor([1.])\ny = [[1, 2], [3 4]]'));
    assert.equal(e.diagnostic.code, ReaderErrorCode.syntax);
    assert.equal(at(e.diagnostic), '2:17-2:18');
    const ragged = errorOf(() => readTensors('x = [[1, 2], [3]]'));
    assert.equal(ragged.diagnostic.code, ReaderErrorCode.ragged);
  });

  it('returns nothing for code without tensors and raises reader/empty for a blank selection', () => {
    assert.deepEqual(readTensors('n = 3\nreduction = "mean"\nitems = []'), []);
    assert.equal(errorOf(() => readTensors('   \n# only a comment')).diagnostic.code, ReaderErrorCode.empty);
  });

  it("keeps NumPy's row-truncation marker in a REPL transcript", () => {
    const text = '>>> print(a)\n[[0 1 2]\n [3 4 5]\n ...\n [9 9 9]]';
    assert.equal(errorOf(() => readTensors(text)).diagnostic.code, ReaderErrorCode.truncated);
  });

  it('reads text pasted with no-break spaces or a byte-order mark', () => {
    assert.deepEqual([...readTensor('\ufeff[1,\u00a02]').tensor.shape], [2]);
  });

  it('lets readTensor read a JSON object holding one tensor', () => {
    assert.equal(readTensor('{"target": [1, 0]}').tensor.dtype, 'int64');
    assert.equal(errorOf(() => readTensor('{"a": [1], "b": [2]}')).diagnostic.code, ReaderErrorCode.multiple);
  });

  it('lets readTensor pick the single tensor among several statements', () => {
    const r = readTensor('import torch\nx = torch.tensor([1., 2.])\nprint(x)\nn = 2');
    assert.equal(r.tensor.dtype, 'float32');
    assert.equal(at(r.range), '2:5-2:27');
  });
});

describe('reader: listToTensor', () => {
  const r = (line: number, column: number, endColumn: number): SourceRange => ({
    line,
    column,
    endLine: line,
    endColumn,
  });

  it('applies the dtype inference', () => {
    assert.equal(listToTensor([pyInt(1), pyInt(2)]).dtype, 'int64');
    assert.equal(listToTensor([pyInt(1), pyFloat(2)]).dtype, 'float32');
    assert.equal(listToTensor([pyInt(1), pyFloat(2)], undefined, undefined, 'numpy').dtype, 'float64');
    assert.equal(listToTensor([pyBool(true), pyInt(2)]).dtype, 'int64');
    assert.equal(listToTensor([pyBool(true), pyBool(false)]).dtype, 'bool');
    assert.equal(listToTensor([]).dtype, 'float32');
    assert.equal(listToTensor(pyFloat(1.5)).shape.length, 0);
    assert.equal(listToTensor([pyFloat(1.5)], undefined, 'int64').data[0], 1);
    assert.equal(listToTensor([pyInt(9007199254740993n)]).data[0], 9007199254740992);
  });

  it('places ragged rows through a range lookup', () => {
    const ranges = (path: readonly number[]): SourceRange => r(1, 10 + path.length * 100 + (path[0] ?? 0), 20);
    const e = errorOf(() => listToTensor([[pyInt(1), pyInt(2)], [pyInt(3)]], ranges));
    assert.equal(e.diagnostic.code, ReaderErrorCode.ragged);
    assert.equal(e.diagnostic.column, 111);
  });

  it('places overflow errors at the value, or uses one range for everything', () => {
    const ranges = (path: readonly number[]): SourceRange =>
      r(
        2,
        path.reduce((a, b) => a * 10 + b + 1, 0),
        99,
      );
    const e = errorOf(() =>
      listToTensor(
        [
          [pyInt(1), pyInt(2)],
          [pyInt(300), pyInt(4)],
        ],
        ranges,
        'uint8',
      ),
    );
    assert.equal(e.diagnostic.code, ReaderErrorCode.overflow);
    assert.equal(e.diagnostic.column, 21);
    const whole = errorOf(() => listToTensor([pyFloat(NaN)], r(7, 1, 5), 'int64'));
    assert.equal(at(whole.diagnostic), '7:1-7:5');
  });
});

/**
 * The autograd engine against PyTorch: small programs (scripts/fixtures/gen_autograd_grads.py) build graphs from
 * leaf tensors over the ops the runtime supports, call backward and print the grad_fn name and every leaf's gradient
 * at full precision; torch 2.14 and 1.13 labelled them. The runtime must print the same names and gradients within
 * rtol 1e-5. Plus the engine's own API, grad_fn names, errors and the hand-written loss's input gradient.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runProgram } from '../../../src/core/runtime/index';
import { AUTOGRAD_NAMES } from '../../../src/core/torch/autograd/names';
import { groupIndex, unbroadcast } from '../../../src/core/torch/autograd/rules';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'autograd');

interface Labelled {
  torch: string;
  cases: Record<string, { program: string; stdout: string }>;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;

/**
 * Cases whose small entries PyTorch itself computes with float32 cancellation, so they are compared with a larger
 * absolute tolerance, and why.
 */
const LOOSER_ATOL: Readonly<Record<string, number>> = {
  // torch 2.x's vectorised float32 layer_norm backward loses ~5e-7 in entries of ~0.03 (1.13 matches at 1e-7).
  'layer-norm': 1e-6,
};

/** Same text around the numbers; each number within rtol 1e-5 (atol 1e-7 for float32 noise around zero). */
function assertSameGradients(actual: string, expected: string, what: string): void {
  const atol = LOOSER_ATOL[what] ?? 1e-7;
  assert.equal(actual.replace(NUMBER, '#'), expected.replace(NUMBER, '#'), `${what}: text`);
  const a = actual.match(NUMBER) ?? [];
  const e = expected.match(NUMBER) ?? [];
  e.forEach((x, i) => {
    const want = Number(x);
    const got = Number(a[i]);
    assert.ok(Math.abs(got - want) <= 1e-5 * Math.abs(want) + atol, `${what}: ${a[i]} vs PyTorch's ${x}`);
  });
}

describe('autograd: gradients of every supported op, as torch.autograd computes them', () => {
  for (const version of ['2.x', '1.13'] as const) {
    const labelled = JSON.parse(fs.readFileSync(path.join(dir, `grads.${version}.json`), 'utf8')) as Labelled;
    for (const [name, { program, stdout }] of Object.entries(labelled.cases)) {
      it(`${name} under torch ${version}`, () => {
        const run = runProgram(program, { torchVersion: version });
        assert.deepEqual(
          run.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
          [],
        );
        assertSameGradients(run.stdout, stdout, name);
      });
    }
  }
});

/**
 * Labelled names the runtime does not reproduce, and why: ops the tensor library does not run, and results PyTorch
 * returns as the input itself or through a node Loss Lens does not model.
 */
const NAME_GAPS: Readonly<Record<string, string>> = {
  cdist: 'torch.cdist is not in the tensor library',
  iadd: 'Tensor.__iadd__ called by name is not in the tensor library',
  imul: 'Tensor.__imul__ called by name is not in the tensor library',
  movedim: 'Tensor.movedim is not in the tensor library',
  nan_to_num: 'Tensor.nan_to_num is not in the tensor library',
  repeat_interleave: 'Tensor.repeat_interleave is not in the tensor library',
  roll: 'Tensor.roll is not in the tensor library',
  select: 'Tensor.select is not in the tensor library',
  take_along_dim: 'torch.take_along_dim is not in the tensor library',
  contiguous: "the runtime's tensors are always contiguous, so .contiguous() after .t() copies nothing",
  'flatten/1d': 'PyTorch returns the 1-d input itself; the runtime returns a view with the same gradient',
  floor_divide: "PyTorch's NotImplemented node is not modelled",
};

interface NameTable {
  names: Record<string, string | null>;
  setup: string;
  cases: Record<string, string>;
}

describe('autograd: every labelled grad_fn name', () => {
  for (const version of ['2.x', '1.13'] as const) {
    it(`matches torch ${version} on each labelled op variant`, () => {
      const table = JSON.parse(fs.readFileSync(path.join(dir, `names.${version}.json`), 'utf8')) as NameTable;
      const wrong: string[] = [];
      let checked = 0;
      for (const [key, expr] of Object.entries(table.cases)) {
        if (NAME_GAPS[key]) continue;
        const program = `${table.setup}\nr = ${expr}\nprint(r.grad_fn.name() if r.grad_fn is not None else None)\n`;
        const got = runProgram(program, { torchVersion: version }).stdout.trim();
        const want = table.names[key] ?? 'None';
        if (got !== want) wrong.push(`${key}: ${got} (PyTorch ${want})`);
        checked++;
      }
      assert.deepEqual(wrong, []);
      assert.ok(checked > 200, `${checked} variants checked`);
    });
  }
});

describe('autograd: grad_fn names and messages', () => {
  it('keeps the labelled tables of both versions, which differ where PyTorch changed', () => {
    const v2 = AUTOGRAD_NAMES['2.x'].names;
    const v1 = AUTOGRAD_NAMES['1.13'].names;
    assert.equal(v2['mean/dim'], 'MeanBackward1');
    assert.equal(v2['div/ts'], 'DivBackward0');
    assert.equal(v2['sub/st'], 'RsubBackward1');
    assert.notEqual(v2['pow/st'], v1['pow/st']);
    assert.notEqual(v2['reshape'], v1['reshape']);
  });

  it('prints grad_fn names per version (reshape of a leaf is a ReshapeAlias in 1.13)', () => {
    const program =
      'import torch\nx = torch.ones(2, 3, requires_grad=True)\nprint(x.reshape(3, 2).grad_fn.name(), (2 ** x).grad_fn.name(), x[:, :].grad_fn.name())\n';
    assert.equal(runProgram(program, { torchVersion: '2.x' }).stdout, 'ViewBackward0 PowBackward2 AliasBackward0\n');
    assert.equal(
      runProgram(program, { torchVersion: '1.13' }).stdout,
      'ReshapeAliasBackward0 PowBackward1 SliceBackward0\n',
    );
  });

  it('warns, as PyTorch does, when .grad of a non-leaf is read', () => {
    const run = runProgram('import torch\nx = torch.ones(2, requires_grad=True)\ny = x * 2\nprint(y.grad)\n');
    assert.equal(run.stdout, 'None\n');
    const warning = run.diagnostics.find((d) => d.severity === 'warning');
    assert.match(warning?.message ?? '', /^UserWarning: The \.grad attribute of a Tensor that is not a leaf Tensor/);
    assert.equal(warning?.line, 4);
  });

  it("raises PyTorch's errors as catchable RuntimeErrors, with each version's text", () => {
    const program =
      'import torch\nx = torch.ones(2, requires_grad=True)\ntry:\n    torch.autograd.grad((x * 2).sum(), [torch.ones(1, requires_grad=True)])\nexcept RuntimeError as e:\n    print(e)\n';
    assert.match(runProgram(program, { torchVersion: '2.x' }).stdout, /^The differentiated Tensor at index 0/);
    assert.match(runProgram(program, { torchVersion: '1.13' }).stdout, /^One of the differentiated Tensors/);
    const shape = runProgram(
      'import torch\nx = torch.ones(2, 3, requires_grad=True)\n(x * 2).backward(torch.ones(3))\n',
    ).diagnostics.find((d) => d.severity === 'error');
    assert.match(
      shape?.message ?? '',
      /Mismatch in shape: grad_output\[0\] has a shape of torch\.Size\(\[3\]\) and output\[0\] has a shape of torch\.Size\(\[2, 3\]\)/,
    );
  });

  it('raises PyTorch\'s "modified by an inplace operation" error for a saved tensor written in place, not a wrong gradient', () => {
    const program = `import torch
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
for case in range(3):
    try:
        if case == 0:
            e = (x * 1).exp()
            e.add_(1)
            e.sum().backward()
        elif case == 1:
            c = torch.tensor([1.0, 2.0, 3.0])
            r = x * c
            c.add_(1)
            c.mul_(2)
            r.sum().backward()
        else:
            h = x * 2
            s = h + 1
            h.add_(1)
            s.sum().backward()
            print(x.grad.tolist())
    except RuntimeError as err:
        print(err)
`;
    for (const version of ['2.x', '1.13'] as const) {
      const errors = AUTOGRAD_NAMES[version].errors;
      const strip = (m: string | null | undefined): string => (m ?? '').replace(/^RuntimeError: /, '');
      assert.equal(
        runProgram(program, { torchVersion: version }).stdout,
        `${strip(errors.modified_output)}\n${strip(errors.modified_constant)}\n[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]\n`,
      );
    }
  });

  it('leaves an op without a backward rule visible: printing its grad_fn is reported as not modelled', () => {
    const run = runProgram('import torch\nx = torch.ones(3, requires_grad=True)\ny = x.ceil()\nprint(y)\n');
    assert.equal(run.stdout, '');
    assert.match(run.diagnostics[0]?.message ?? '', /grad_fn/);
  });
});

describe('autograd: the engine helpers', () => {
  it('sums a broadcast gradient back to the operand shape', () => {
    const g = Float64Array.from([1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(unbroadcast(g, [2, 3], [3])), [5, 7, 9]);
    assert.deepEqual(Array.from(unbroadcast(g, [2, 3], [2, 1])), [6, 15]);
    assert.deepEqual(Array.from(unbroadcast(g, [2, 3], [])), [21]);
  });

  it('groups the elements of a reduction', () => {
    const { group, groups, size } = groupIndex([2, 3], [1]);
    assert.deepEqual(Array.from(group), [0, 0, 0, 1, 1, 1]);
    assert.equal(groups, 2);
    assert.equal(size, 3);
    assert.deepEqual(Array.from(groupIndex([2, 3], [0]).group), [0, 1, 2, 0, 1, 2]);
  });
});

describe("autograd: a hand-written loss's input gradient", () => {
  const program = `import torch
import torch.nn.functional as F

def focal_loss(logits, target, gamma=2.0):
    ce = F.cross_entropy(logits, target, reduction="none")
    return ((1 - torch.exp(-ce)) ** gamma * ce).mean()

logits = torch.tensor([[1.0, -0.5, 0.25], [0.1, 0.2, 2.0]])
target = torch.tensor([0, 1])
print(focal_loss(logits, target))
x = logits.clone().requires_grad_()
loss = focal_loss(x, target)
loss.backward()
print(x.grad.tolist())
print(logits.requires_grad, logits.grad, target.grad)
`;

  it('is computed for a loss of plain tensors, and equals the gradient backward() gives', () => {
    const run = runProgram(program);
    assert.equal(run.customLosses.length, 2);
    const [plain, tracked] = run.customLosses;
    assert.equal(plain!.inputGradient?.of, 'logits');
    assert.deepEqual(plain!.inputGradient?.shape, [2, 3]);
    assert.equal(tracked!.inputGradient?.of, 'x');
    const printed = JSON.parse(run.stdout.split('\n')[1]!) as number[][];
    plain!.inputGradient!.values.forEach((v, i) => assert.ok(Math.abs(v - printed.flat()[i]!) < 1e-7));
    tracked!.inputGradient!.values.forEach((v, i) => assert.ok(Math.abs(v - printed.flat()[i]!) < 1e-7));
  });

  it("leaves the program's output, loss calls and .grad as they were", () => {
    const run = runProgram(program);
    const lines = run.stdout.split('\n');
    // Printed once, without a grad_fn: the silent second run printed nothing and built no graph on `logits`.
    assert.match(lines[0]!, /^tensor\(0\.\d{4}\)$/);
    assert.equal((run.stdout.match(/tensor\(/g) ?? []).length, 1);
    assert.equal(lines[2], 'False None None');
    // One cross_entropy call per focal_loss call made by the program; none from the second run.
    assert.equal(run.calls.length, 2);
  });
});

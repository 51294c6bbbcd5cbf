/**
 * Shape mode's third-party shape sources (src/core/runtime/shape-thirdparty.ts): argparse defaults, torchvision
 * datasets, transforms and models, tqdm. Training programs written as real scripts are (argparse in `main()` under
 * `if __name__ == "__main__":`, a DataLoader over a torchvision dataset, a ResNet with its head replaced), each with a
 * planted mistake and its corrected twin, labelled by PyTorch 1.13 and 2.14 with a stand-in torchvision that builds
 * the same-shaped tensors (scripts/fixtures/gen_shape_thirdparty.py); then one small program per modelled API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCallArguments, type ArgumentShape } from '../../../src/core/runtime/shape-mode';
import { checkSnippet } from '../../../src/core/snippet/index';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'shape-thirdparty');

/** The message with the symbol B (`[B, 10]`, `Bx512`) read as the batch size the programs use. */
function render(message: string, batch: number): string {
  return message.replace(/(?<![A-Za-z_])B(?![A-Za-z_]|\d)|(?<![A-Za-z_])B(?=x\d)/g, String(batch));
}

/** `input [B, 10] float32 · target [B] int64` of the program's loss call on `line` (the first one without it). */
function callAt(text: string, line?: number): string {
  const calls = checkSnippet(text).calls ?? [];
  const call = line === undefined ? calls[0] : calls.find((c) => c.line === line);
  assert.ok(call, `no loss call found: ${JSON.stringify(calls)}`);
  return describeCallArguments(call.args as ArgumentShape[]);
}

/**
 * The description with a batch dimension of `batch` written `B`: a DataLoader's first batch is `B` (at most
 * batch_size), or batch_size itself where the dataset's length says the batch is full.
 */
function batchAsB(description: string, batch: number): string {
  return description.replace(new RegExp(`\\[${batch}(?=[,\\]])`, 'g'), '[B');
}

for (const version of ['1.13', '2.x'] as const) {
  describe(`check on torchvision/argparse training scripts against PyTorch ${version} (test/fixtures/shape-thirdparty)`, () => {
    const labels = (
      JSON.parse(fs.readFileSync(path.join(dir, `labels-${version}.json`), 'utf8')) as {
        programs: Record<string, { line: number; type: string; message: string } | null>;
      }
    ).programs;
    it('has planted mistakes and corrected twins', () => {
      assert.ok(Object.values(labels).filter((l) => l).length >= 4);
      assert.ok(Object.values(labels).filter((l) => !l).length >= 4);
    });
    for (const [file, label] of Object.entries(labels)) {
      it(file, () => {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        const result = checkSnippet(text, version === '1.13' ? { torchVersion: '1.13' } : {});
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        if (!label) {
          assert.deepEqual(
            errors.map((d) => `${d.line}: ${d.message}`),
            [],
          );
          // Both arguments of every loss call are known: the dataset, the transforms and the model were followed.
          for (const call of result.calls ?? [])
            assert.ok(
              call.args.slice(0, 2).every((a) => a.shape && a.dtype),
              JSON.stringify(call.args),
            );
          return;
        }
        assert.deepEqual(
          errors.map((d) => [d.line, render(d.message, 4).replace(/^\w+Error: /, '')]),
          [[label.line, label.message]],
        );
      });
    }
  });
}

describe('what the torchvision/argparse scripts infer at their loss calls', () => {
  const read = (f: string): string => fs.readFileSync(path.join(dir, f), 'utf8');
  it('MNIST through Compose(ToTensor, Normalize), a CNN, train() reached from main() with argparse defaults', () => {
    assert.equal(batchAsB(callAt(read('mnist_cli_fixed.py')), 4), 'input [B, 10] float32 · target [B] int64');
  });
  it('CIFAR10 with RandomCrop(32, padding=4) into resnet18(num_classes=args.classes), through tqdm', () => {
    assert.equal(batchAsB(callAt(read('cifar_resnet_fixed.py')), 4), 'input [B, 10] float32 · target [B, 10] float32');
  });
  it('a ResNet whose fc head the program replaced, sized by len(dataset.classes)', () => {
    assert.equal(batchAsB(callAt(read('fashion_finetune_fixed.py')), 4), 'input [B, 10] float32 · target [B] int64');
  });
  it('ImageFolder (sizes unknown) brought to 64x64 by Resize + CenterCrop', () => {
    assert.equal(callAt(read('folder_crop_fixed.py')), 'input [4, 3, 64, 64] float32 · target [B, 3, 64, 64] float32');
  });
});

/**
 * A loss call on the shapes the program's setup gives. Each argument gets a symbolic scalar added (of an annotated
 * parameter), so that it is a symbolic tensor whose shape the call lists even when the setup made it concrete.
 */
const probe = (setup: string, input: string, target: string): string =>
  callAt(
    `import torch\nimport torch.nn.functional as F\nfrom jaxtyping import Float\n${setup}\n` +
      `def probe(s: Float[torch.Tensor, "S"]):\n    F.mse_loss((${input}) + s.sum(), (${target}) + s.sum())\n`,
  );

describe('argparse in shape mode', () => {
  const parser = `import argparse
p = argparse.ArgumentParser(description="x")
p.add_argument("--batch-size", type=int, default=8)
p.add_argument("--width", type=int, default="16")
p.add_argument("--n-out", dest="outputs", type=int, default=3)
p.add_argument("--verbose", action="store_true")
p.add_argument("--depth", type=int)
group = p.add_argument_group("extra")
group.add_argument("--extra", type=int, default=2)
args = p.parse_args()`;
  it('parse_args() gives the defaults (a string default converted by its type, dest honoured, groups too)', () => {
    assert.equal(
      probe(parser, 'torch.zeros(args.batch_size, args.width)', 'torch.zeros(args.outputs, args.extra)'),
      'input [8, 16] float32 · target [3, 2] float32',
    );
  });
  it('an argument without a default is unknown, with why', () => {
    assert.equal(
      probe(parser, 'args.depth', 'torch.zeros(2)'),
      "input unknown: the command-line argument '--depth', which has no default · target [2] float32",
    );
  });
  it('store_true is False, set_defaults and parse_known_args work', () => {
    assert.equal(
      probe(
        `${parser}\np.set_defaults(width=5)\nargs, rest = p.parse_known_args()\nn = 7 if args.verbose else 9`,
        'torch.zeros(n, args.width)',
        'torch.zeros(9, 5)',
      ),
      'input [9, 5] float32 · target [9, 5] float32',
    );
  });
});

describe('torchvision datasets and transforms in shape mode', () => {
  const batches = (dataset: string, transform: string): string =>
    callAt(
      `import torch\nimport torch.nn.functional as F\nfrom torchvision import datasets, transforms\n` +
        `ds = datasets.${dataset}("d", transform=transforms.Compose([${transform}]))\n` +
        `x, y = next(iter(torch.utils.data.DataLoader(ds, batch_size=2)))\nF.mse_loss(x, y)\n`,
    ).replace(/\[2(?=[,\]])/g, '[B');
  it('MNIST after ToTensor: [B, 1, 28, 28] float32 and int64 labels', () => {
    assert.equal(batches('MNIST', 'transforms.ToTensor()'), 'input [B, 1, 28, 28] float32 · target [B] int64');
  });
  it('CIFAR100 resized: Resize(40) of 32x32', () => {
    assert.equal(
      batches('CIFAR100', 'transforms.Resize(40), transforms.RandomHorizontalFlip(), transforms.ToTensor()'),
      'input [B, 3, 40, 40] float32 · target [B] int64',
    );
  });
  it('Pad and Grayscale change H, W and C; PILToTensor gives uint8', () => {
    assert.equal(
      batches('FashionMNIST', 'transforms.Pad(2), transforms.Grayscale(3), transforms.PILToTensor()'),
      'input [B, 3, 32, 32] uint8 · target [B] int64',
    );
  });
  it('ImageFolder keeps H and W as symbols until a crop fixes them', () => {
    assert.equal(batches('ImageFolder', 'transforms.ToTensor()'), 'input [B, 3, H, W] float32 · target [B] int64');
    assert.equal(
      batches('ImageFolder', 'transforms.RandomResizedCrop((96, 128)), transforms.ToTensor()'),
      'input [B, 3, 96, 128] float32 · target [B] int64',
    );
  });
  it('without ToTensor a sample is a PIL image, unknown, with why', () => {
    assert.match(
      probe(
        'from torchvision import datasets, transforms\nds = datasets.MNIST("d", transform=transforms.RandomHorizontalFlip())\nx, y = ds[0]',
        'x',
        'y',
      ),
      /^input unknown: a PIL image of torchvision.datasets.MNIST \(a DataLoader needs transforms.ToTensor\(\) to batch it\)/,
    );
  });
  it("a transform of the program's own makes the sample unknown", () => {
    assert.match(
      probe(
        `from torchvision import datasets, transforms\nclass Jitter:\n    def __call__(self, img):\n        return img\nds = datasets.MNIST("d", transform=transforms.Compose([Jitter(), transforms.ToTensor()]))\nx, y = ds[0]`,
        'x',
        'y',
      ),
      /^input unknown: a transform Loss Lens does not model/,
    );
  });
  it("MNIST keeps .data and .targets as tensors; its length is torchvision's documented count", () => {
    assert.equal(
      probe('from torchvision import datasets\nds = datasets.MNIST("d")', 'ds.data.float()', 'ds.targets.float()'),
      'input [60000, 28, 28] float32 · target [60000] float32',
    );
  });
});

describe('torchvision models and tqdm in shape mode', () => {
  const model = (build: string, input = '5, 3, 64, 64'): string =>
    probe(
      `import torchvision\nfrom tqdm import tqdm\nimport torch.nn as nn\n${build}\nfor x in tqdm([torch.randn(${input})]):\n    out = m(x)`,
      'out',
      'out',
    );
  it('resnet18(num_classes=7) gives [B, 7]; vgg16() gives [B, 1000]', () => {
    assert.equal(
      model('m = torchvision.models.resnet18(num_classes=7)'),
      'input [5, 7] float32 · target [5, 7] float32',
    );
    assert.equal(model('m = torchvision.models.vgg16()'), 'input [5, 1000] float32 · target [5, 1000] float32');
  });
  it("a ResNet runs its layers: a replaced fc head or conv1 is followed; another model's replaced layer is unknown", () => {
    assert.equal(
      model('m = torchvision.models.resnet50()\nm.fc = nn.Linear(m.fc.in_features, 4)'),
      'input [5, 4] float32 · target [5, 4] float32',
    );
    assert.equal(
      model('m = torchvision.models.resnet50()\nm.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)', '5, 1, 64, 64'),
      'input [5, 1000] float32 · target [5, 1000] float32',
    );
    assert.match(
      model('m = torchvision.models.vgg16()\nm.classifier = nn.Identity()'),
      /whose layers the program replaced/,
    );
  });
  it('the children() of a ResNet are its layers: without fc, the pooled features [B, 512, 1, 1]', () => {
    assert.equal(
      model('m = nn.Sequential(*list(torchvision.models.resnet18().children())[:-1])', '5, 3, 100, 80'),
      'input [5, 512, 1, 1] float32 · target [5, 512, 1, 1] float32',
    );
    assert.equal(
      model('m = nn.Sequential(*list(torchvision.models.resnet50().children())[:-2])', '5, 3, 100, 80'),
      'input [5, 2048, 4, 3] float32 · target [5, 2048, 4, 3] float32',
    );
  });
  it('models.__dict__[name]() builds the named model; children() is unknown', () => {
    assert.equal(
      model('m = torchvision.models.__dict__["resnet34"]()'),
      'input [5, 1000] float32 · target [5, 1000] float32',
    );
    assert.match(
      model('m = torchvision.models.vgg16()\nm = nn.Sequential(*list(m.children())[:-1])'),
      /^input unknown/,
    );
  });
});

describe('training scaffolding in shape mode', () => {
  it('class X(object) is a class; x.to(device) keeps the shape; torch.accelerator.is_available() is False', () => {
    assert.equal(
      probe(
        'class Meter(object):\n    def __init__(self):\n        self.n = 3\ndevice = torch.device("cuda" if torch.accelerator.is_available() else "cpu")\nx = torch.zeros(Meter().n, 2).to(device)',
        'x',
        'x * 0.5 + 1',
      ),
      'input [3, 2] float32 · target [3, 2] float32',
    );
  });
});

describe('why a third-party value is unknown, in Simplified Chinese', () => {
  const reasons = [
    "the command-line argument '--depth', which has no default",
    'parse_args(...) of an explicit argument list',
    'transforms.Normalize(...) of a PIL image (it takes a tensor)',
    'transforms.ToTensor(...) of a tensor (it takes a PIL image)',
    'transforms.Resize(...) with arguments Loss Lens does not model',
    'transforms.CenterCrop(...) of a size Loss Lens cannot know',
    'transforms.Compose(...) of transforms Loss Lens cannot know',
    'transforms.RandomApply(...) of transforms that change the image',
    'transforms.Resize(...) of a value Loss Lens cannot know',
    'a transform Loss Lens does not model',
    'a PIL image of torchvision.datasets.MNIST (a DataLoader needs transforms.ToTensor() to batch it)',
    'len() of torchvision.datasets.ImageFolder',
    'the target_transform of torchvision.datasets.CIFAR10',
    'children() of torchvision.models.resnet18(...)',
    'torchvision.models.resnet18(...) of an input Loss Lens cannot know',
    'torchvision.models.vgg16(...) whose layers the program replaced',
    'torchvision.models.resnet18(...) with a num_classes Loss Lens cannot know',
  ];
  for (const reason of reasons) {
    it(reason, () => {
      const zh = describeCallArguments([{ name: 'input', unknown: reason }], 'zh-cn');
      assert.match(zh, /^input 未知：/);
      assert.match(zh, /[\u4e00-\u9fff].*[\u4e00-\u9fff]/);
      // No English prose left: what remains in Latin letters is code (names, calls).
      const prose = zh.replace(/[\w.]+\(\.\.\.\)|[\w.]+\(\)|'[^']*'|[\w.-]+/g, (m) =>
        /^(Loss|Lens|PIL|DataLoader|input|num_classes|target_transform|parse_args)$/.test(m) || /[._(]/.test(m)
          ? ''
          : m,
      );
      assert.doesNotMatch(prose, /\b(of|the|a|which|with|cannot|know)\b/, zh);
    });
  }
});

describe('lengths shape mode cannot know', () => {
  it('len(loader) over a torchvision dataset stops that statement only; the loss call after it is still checked', () => {
    const text = `import torch
import torch.nn.functional as F
from torchvision import datasets, transforms
ds = datasets.ImageFolder("d", transform=transforms.ToTensor())
loader = torch.utils.data.DataLoader(ds, batch_size=8)
steps = len(loader)
names = sorted(n for n in ["resnet18", "VGG", "__x"] if n.islower())
for x, y in loader:
    F.cross_entropy(x.mean((2, 3)), y)
`;
    assert.equal(callAt(text), 'input [B, 3] float32 · target [B] int64');
  });
  it('len(loader) over MNIST is its number of batches, so a loop over range(len(loader)) runs', () => {
    const text = `import torch
import torch.nn.functional as F
from torchvision import datasets, transforms
test_set = datasets.MNIST("d", train=False, transform=transforms.ToTensor())
loader = torch.utils.data.DataLoader(test_set, batch_size=32)
it = iter(loader)
for step in range(len(loader)):
    x, y = next(it)
    F.cross_entropy(x.view(x.size(0), -1)[:, :10] * (step + 1), y)
`;
    assert.equal(batchAsB(callAt(text), 32), 'input [B, 10] float32 · target [B] int64');
    assert.match(
      probe(
        'from torchvision import datasets\nn = len(datasets.CIFAR100("d", train=False)) + len(datasets.FashionMNIST("d"))',
        'torch.zeros(n)',
        'torch.zeros(n)',
      ),
      /^input \[70000\] float32/,
    );
  });
});

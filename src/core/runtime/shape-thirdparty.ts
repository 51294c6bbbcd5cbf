/**
 * Shape mode's third-party libraries of a training script: the ones that decide what reaches the loss, modelled as
 * shape sources only (nothing is read, downloaded or parsed from a command line).
 *
 * - `argparse`: `parse_args()` gives a namespace whose attributes are the defaults of `add_argument` (the check has
 *   no command line); an argument without a default, or a required one, is unknown.
 * - `torchvision.datasets` (MNIST and its kin, CIFAR10/100, SVHN, STL10, FakeData, ImageFolder, ImageNet) with the
 *   `torchvision.transforms` that change a sample's size, channels or type (ToTensor, Resize, crops, Pad, Grayscale)
 *   and those that keep it (Normalize, flips, colour jitter, …): a sample is `(image, label)`, the image a tensor
 *   `[C, H, W]` after `ToTensor()` (a PIL image, unknown, without it), the label an int64 scalar, so a `DataLoader`
 *   over it gives batches `[B, C, H, W]` and `[B]`.
 * - `torchvision.models` classifiers (`resnet18(num_classes=10)`, …): `[B, 3, H, W]` in, `[B, num_classes]` out.
 * - `tqdm(iterable)` passes its iterable through.
 */
import { addDims, floorDivDims, isKnown, productOfDims, subDims, type Dim } from '../torch/symbolic/dim';
import { SymTensor } from '../torch/symbolic/tensor';
import type { DType } from '../tensor';
import { NotModelledStop, pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import {
  PyBuiltin,
  PyClass,
  PyDType,
  PyDict,
  PyInstance,
  PyList,
  PyNamespace,
  PyTuple,
  PyUnknown,
  hashKey,
  isTensorValue,
  type CallArguments,
  type PyValue,
} from './values';

const modules = new WeakMap<TorchBridge, Map<string, PyNamespace>>();

/**
 * The module shape mode models for an import path (`argparse`, `torchvision`, `torchvision.transforms`, `tqdm`,
 * …), made once per run; undefined for the others.
 */
export function shapeThirdPartyModule(bridge: TorchBridge, path: string): PyNamespace | undefined {
  let made = modules.get(bridge);
  if (!made) {
    made = new Map();
    modules.set(bridge, made);
  }
  const cached = made.get(path);
  if (cached) return cached;
  const ns = buildModule(bridge, path, made);
  if (ns) made.set(path, ns);
  return ns;
}

function buildModule(bridge: TorchBridge, path: string, made: Map<string, PyNamespace>): PyNamespace | undefined {
  const sub = (p: string): PyNamespace => shapeThirdPartyModule(bridge, p)!;
  switch (path) {
    case 'argparse':
      return namespaceOf(path, argparseMembers(bridge));
    case 'torchvision': {
      const ns = namespaceOf(path, new Map());
      made.set(path, ns);
      for (const name of ['datasets', 'transforms', 'models']) ns.attrs.set(name, sub(`torchvision.${name}`));
      return ns;
    }
    case 'torchvision.datasets':
      return namespaceOf(path, datasetMembers(bridge));
    case 'torchvision.transforms':
      return namespaceOf(path, transformMembers(bridge));
    case 'torchvision.models':
      return namespaceOf(path, modelMembers(bridge));
    case 'tqdm':
    case 'tqdm.auto':
    case 'tqdm.notebook': {
      const tqdm = new PyBuiltin('tqdm', (a) => a.args[0] ?? a.kwargs.get('iterable') ?? null);
      const trange = new PyBuiltin('trange', (a) =>
        bridge.interp.callValue(bridge.builtins.get('range')!, a, { node: undefined, range: bridge.interp.here() }),
      );
      const ns = namespaceOf(
        path,
        new Map<string, PyValue>([
          ['tqdm', tqdm],
          ['trange', trange],
        ]),
      );
      if (path === 'tqdm') for (const name of ['auto', 'notebook']) ns.attrs.set(name, sub(`tqdm.${name}`));
      return ns;
    }
  }
  return undefined;
}

/** A module object whose other attributes are "not modelled" (the run goes on with them unknown). */
function namespaceOf(path: string, members: ReadonlyMap<string, PyValue>): PyNamespace {
  const ns = new PyNamespace(path);
  ns.attrs.set('__kind__', 'opaque');
  for (const [k, v] of members) ns.attrs.set(k, v);
  return ns;
}

/** A method of a built-in class: `self` comes first. */
function method(name: string, body: (self: PyInstance, a: CallArguments) => PyValue): PyBuiltin {
  return new PyBuiltin(name, (a) => {
    const [self, ...rest] = a.args;
    return body(self as PyInstance, { args: rest, kwargs: a.kwargs });
  });
}

function arg(a: CallArguments, index: number, name: string): PyValue | undefined {
  return a.args[index] ?? a.kwargs.get(name);
}

// ---------------------------------------------------------------------------------------------------------------------
// argparse

interface ParserState {
  /** The namespace's attributes in the order they were added, with the value parse_args gives without a command line. */
  readonly values: Map<string, PyValue>;
}

function argparseMembers(bridge: TorchBridge): Map<string, PyValue> {
  const namespaceClass = new PyClass('Namespace', [], new Map(), 'argparse.Namespace', {
    init: (self, a) => {
      for (const [k, v] of a.kwargs) self.attrs.set(k, v);
    },
  });
  const state = (self: PyInstance): ParserState => self.native!.parser as ParserState;
  const addArgument = method('add_argument', (self, a) => {
    const names = a.args.filter((x): x is string => typeof x === 'string');
    const dest = a.kwargs.get('dest') ?? destOf(names);
    if (typeof dest !== 'string') return null;
    const action = a.kwargs.get('action') ?? 'store';
    if (action === 'help' || action === 'version') return null;
    state(self).values.set(dest, argumentValue(bridge, names, action, a.kwargs));
    return null;
  });
  const group = (self: PyInstance): PyInstance => {
    const g = new PyInstance(groupClass);
    g.native = { parser: state(self) };
    return g;
  };
  const groupClass: PyClass = new PyClass(
    '_ArgumentGroup',
    [],
    new Map<string, PyValue>([
      ['add_argument', addArgument],
      ['add_argument_group', method('add_argument_group', group)],
      ['add_mutually_exclusive_group', method('add_mutually_exclusive_group', group)],
    ]),
    'argparse._ArgumentGroup',
  );
  const parse = (self: PyInstance, a: CallArguments): PyValue => {
    const given = arg(a, 0, 'args');
    if (given !== undefined && given !== null && !(given instanceof PyList && given.items.length === 0))
      return new PyUnknown('parse_args(...) of an explicit argument list');
    const ns = new PyInstance(namespaceClass);
    for (const [k, v] of state(self).values) ns.attrs.set(k, v);
    const explicit = arg(a, 1, 'namespace');
    if (explicit instanceof PyInstance) {
      for (const [k, v] of ns.attrs) explicit.attrs.set(k, v);
      return explicit;
    }
    return ns;
  };
  const parserClass = new PyClass(
    'ArgumentParser',
    [],
    new Map<string, PyValue>([
      ['add_argument', addArgument],
      ['add_argument_group', method('add_argument_group', group)],
      ['add_mutually_exclusive_group', method('add_mutually_exclusive_group', group)],
      [
        'set_defaults',
        method('set_defaults', (self, a) => {
          for (const [k, v] of a.kwargs) state(self).values.set(k, v);
          return null;
        }),
      ],
      [
        'get_default',
        method('get_default', (self, a) => {
          const v = state(self).values.get(String(a.args[0]));
          return v instanceof PyUnknown ? null : (v ?? null);
        }),
      ],
      ['parse_args', method('parse_args', parse)],
      ['parse_known_args', method('parse_known_args', (self, a) => new PyTuple([parse(self, a), new PyList([])]))],
      ['print_help', method('print_help', () => null)],
      ['print_usage', method('print_usage', () => null)],
      [
        'error',
        method('error', (_self, a) => {
          throw pyError('SystemExit', String(a.args[0] ?? ''));
        }),
      ],
    ]),
    'argparse.ArgumentParser',
    {
      init: (self) => {
        self.native = { parser: { values: new Map() } satisfies ParserState };
      },
    },
  );
  return new Map<string, PyValue>([
    ['ArgumentParser', parserClass],
    ['Namespace', namespaceClass],
    ['SUPPRESS', '==SUPPRESS=='],
    ['HelpFormatter', null],
    ['ArgumentDefaultsHelpFormatter', null],
    ['RawTextHelpFormatter', null],
    ['RawDescriptionHelpFormatter', null],
    ['BooleanOptionalAction', 'BooleanOptionalAction'],
  ]);
}

/** argparse's attribute name: `--batch-size` → `batch_size`, `-b` alone → `b`, a positional's own name. */
function destOf(names: readonly string[]): string | undefined {
  const long = names.find((n) => n.startsWith('--'));
  const name = long ?? names.find((n) => n.startsWith('-')) ?? names[0];
  return name?.replace(/^-+/, '').replace(/-/g, '_');
}

/** What `parse_args()` gives an argument when the command line does not mention it. */
function argumentValue(
  bridge: TorchBridge,
  names: readonly string[],
  action: PyValue,
  kwargs: ReadonlyMap<string, PyValue>,
): PyValue {
  const option = names.find((n) => n.startsWith('-')) ?? names[0] ?? '';
  const unknown = (): PyUnknown => new PyUnknown(`the command-line argument '${option}', which has no default`);
  const positional = !option.startsWith('-');
  const nargs = kwargs.get('nargs');
  if (kwargs.get('required') === true || (positional && nargs !== '?' && nargs !== '*')) return unknown();
  const hasDefault = kwargs.has('default');
  const dflt = kwargs.get('default') ?? null;
  switch (action) {
    case 'store_true':
      return hasDefault ? dflt : false;
    case 'store_false':
      return hasDefault ? dflt : true;
    case 'store_const':
    case 'append':
    case 'append_const':
    case 'count':
    case 'extend':
      return dflt;
    case 'BooleanOptionalAction':
      return dflt;
  }
  if (!hasDefault) return unknown();
  // argparse converts a string default with the argument's type, as if it came from the command line.
  const type = kwargs.get('type');
  if (typeof dflt === 'string' && type instanceof PyBuiltin && (type.name === 'int' || type.name === 'float')) {
    try {
      return bridge.interp.callValue(
        type,
        { args: [dflt], kwargs: new Map() },
        {
          node: undefined,
          range: bridge.interp.here(),
        },
      );
    } catch {
      return unknown();
    }
  }
  if (typeof dflt === 'string' && type !== undefined && !(type instanceof PyBuiltin && type.name === 'str'))
    return unknown();
  return dflt;
}

// ---------------------------------------------------------------------------------------------------------------------
// torchvision images and transforms

/** An image on its way through the transforms: a PIL image or a tensor, `[C, H, W]`. */
interface Image {
  readonly tensor: boolean;
  readonly dtype: DType;
  readonly c: Dim;
  readonly h: Dim;
  readonly w: Dim;
  /** The dataset it came from, for where a batch's shape came from. */
  readonly source: string;
}

/** What a transform does to an image; a string says why the result is unknown. */
type TransformStep = (img: Image, bridge: TorchBridge) => Image | string;

const sizePair = (v: PyValue | undefined): [Dim, Dim] | undefined => {
  if (typeof v === 'bigint') return [Number(v), Number(v)];
  if ((v instanceof PyList || v instanceof PyTuple) && v.items.every((x) => typeof x === 'bigint')) {
    const n = v.items.map(Number);
    if (n.length === 1) return [n[0]!, n[0]!];
    if (n.length === 2) return [n[0]!, n[1]!];
  }
  return undefined;
};

const keeps: TransformStep = (img) => img;
const tensorOnly =
  (name: string): TransformStep =>
  (img) =>
    img.tensor ? img : `transforms.${name}(...) of a PIL image (it takes a tensor)`;

/** The transforms by name: their constructor's arguments give the step. */
const TRANSFORMS: Readonly<Record<string, (a: CallArguments) => TransformStep>> = {
  ToTensor: () => (img) =>
    img.tensor
      ? 'transforms.ToTensor(...) of a tensor (it takes a PIL image)'
      : { ...img, tensor: true, dtype: 'float32' },
  PILToTensor: () => (img) =>
    img.tensor
      ? 'transforms.PILToTensor(...) of a tensor (it takes a PIL image)'
      : { ...img, tensor: true, dtype: 'uint8' },
  ToPILImage: () => (img) => ({ ...img, tensor: false }),
  ConvertImageDtype: (a) => (img) => {
    const d = arg(a, 0, 'dtype');
    return img.tensor && d instanceof PyDType
      ? { ...img, dtype: d.dtype }
      : 'transforms.ConvertImageDtype(...) with arguments Loss Lens does not model';
  },
  Normalize: () => tensorOnly('Normalize'),
  RandomErasing: () => tensorOnly('RandomErasing'),
  Resize: (a) => {
    const size = arg(a, 0, 'size');
    const maxSize = arg(a, 2, 'max_size');
    return (img, bridge) => {
      if (maxSize !== undefined && maxSize !== null)
        return 'transforms.Resize(...) with arguments Loss Lens does not model';
      if ((size instanceof PyList || size instanceof PyTuple) && size.items.length === 2) {
        const pair = sizePair(size);
        return pair ? { ...img, h: pair[0], w: pair[1] } : 'transforms.Resize(...) of a size Loss Lens cannot know';
      }
      const s = typeof size === 'bigint' ? Number(size) : sizePair(size)?.[0];
      if (typeof s !== 'number') return 'transforms.Resize(...) of a size Loss Lens cannot know';
      // The shorter side becomes `size`, the longer one keeps the aspect ratio (torchvision rounds down).
      if (isKnown(img.h) && isKnown(img.w)) {
        if (img.h <= img.w) return { ...img, h: s, w: Math.floor((s * img.w) / img.h) };
        return { ...img, h: Math.floor((s * img.h) / img.w), w: s };
      }
      if (img.h === img.w) return { ...img, h: s, w: s };
      return { ...img, h: bridge.symbols.fresh('H'), w: bridge.symbols.fresh('W') };
    };
  },
  CenterCrop: (a) => crop(arg(a, 0, 'size'), 'CenterCrop'),
  RandomCrop: (a) => crop(arg(a, 0, 'size'), 'RandomCrop'),
  RandomResizedCrop: (a) => crop(arg(a, 0, 'size'), 'RandomResizedCrop'),
  RandomSizedCrop: (a) => crop(arg(a, 0, 'size'), 'RandomSizedCrop'),
  Pad: (a) => {
    const p = arg(a, 0, 'padding');
    const n = typeof p === 'bigint' ? [p, p, p, p] : p instanceof PyList || p instanceof PyTuple ? p.items : [];
    const [l, t, r, b] =
      n.length === 1 ? [n[0], n[0], n[0], n[0]] : n.length === 2 ? [n[0], n[1], n[0], n[1]] : n.length === 4 ? n : [];
    return (img) =>
      [l, t, r, b].every((x) => typeof x === 'bigint')
        ? {
            ...img,
            h: addDims(img.h, Number(t) + Number(b)),
            w: addDims(img.w, Number(l) + Number(r)),
          }
        : 'transforms.Pad(...) of a size Loss Lens cannot know';
  },
  Grayscale: (a) => {
    const n = arg(a, 0, 'num_output_channels') ?? 1n;
    return (img) =>
      typeof n === 'bigint'
        ? { ...img, c: Number(n) }
        : 'transforms.Grayscale(...) with arguments Loss Lens does not model';
  },
  RandomRotation: (a) => (img) =>
    a.kwargs.get('expand') === true || a.args[2] === true
      ? 'transforms.RandomRotation(...) with arguments Loss Lens does not model'
      : img,
  RandomApply: (a) => sequence(arg(a, 0, 'transforms'), 'RandomApply', true),
  RandomOrder: (a) => sequence(arg(a, 0, 'transforms'), 'RandomOrder', true),
  Compose: (a) => sequence(arg(a, 0, 'transforms'), 'Compose', false),
};
for (const name of [
  'RandomHorizontalFlip',
  'RandomVerticalFlip',
  'ColorJitter',
  'RandomAffine',
  'RandomPerspective',
  'GaussianBlur',
  'RandomGrayscale',
  'RandomInvert',
  'RandomPosterize',
  'RandomSolarize',
  'RandomAdjustSharpness',
  'RandomAutocontrast',
  'RandomEqualize',
  'AutoAugment',
  'RandAugment',
  'TrivialAugmentWide',
  'AugMix',
  'ElasticTransform',
])
  (TRANSFORMS as Record<string, () => TransformStep>)[name] = () => keeps;

/** A crop to `size` (an int: a square). */
function crop(size: PyValue | undefined, name: string): TransformStep {
  const pair = sizePair(size);
  return (img) =>
    pair ? { ...img, h: pair[0], w: pair[1] } : `transforms.${name}(...) of a size Loss Lens cannot know`;
}

/**
 * Transforms applied in turn. `RandomApply` applies them or not, `RandomOrder` in any order: their result is known
 * only when every order gives the same shape, which holds when each step keeps the shape.
 */
function sequence(list: PyValue | undefined, name: string, mustKeepShape: boolean): TransformStep {
  const items = list instanceof PyList || list instanceof PyTuple ? list.items : undefined;
  return (img, bridge) => {
    if (!items) return `transforms.${name}(...) of transforms Loss Lens cannot know`;
    let cur: Image | string = img;
    for (const t of items) {
      if (typeof cur === 'string') return cur;
      cur = applyTransform(t, cur, bridge);
    }
    if (
      mustKeepShape &&
      typeof cur !== 'string' &&
      (cur.tensor !== img.tensor || cur.dtype !== img.dtype || cur.c !== img.c || cur.h !== img.h || cur.w !== img.w)
    )
      return `transforms.${name}(...) of transforms that change the image`;
    return cur;
  };
}

const transformSteps = new WeakMap<PyInstance, TransformStep>();

/** A transform (one of torchvision's, or a callable of the program's own: unknown) applied to an image. */
function applyTransform(t: PyValue, img: Image, bridge: TorchBridge): Image | string {
  if (t === null) return img;
  const step = t instanceof PyInstance ? transformSteps.get(t) : undefined;
  if (!step) return 'a transform Loss Lens does not model';
  return step(img, bridge);
}

function transformMembers(bridge: TorchBridge): Map<string, PyValue> {
  const members = new Map<string, PyValue>();
  for (const [name, make] of Object.entries(TRANSFORMS)) {
    const cls: PyClass = new PyClass(
      name,
      [],
      new Map<string, PyValue>([
        [
          '__call__',
          method('__call__', (self, a) => {
            const x = a.args[0] ?? null;
            if (!(x instanceof SymTensor || isTensorValue(x)) || x.shape.length !== 3)
              return new PyUnknown(`transforms.${name}(...) of a value Loss Lens cannot know`);
            const r = transformSteps.get(self)!(
              { tensor: true, dtype: x.dtype, c: x.shape[0]!, h: x.shape[1]!, w: x.shape[2]!, source: '' },
              bridge,
            );
            return typeof r === 'string' ? new PyUnknown(r) : imageValue(r, `transforms.${name}(...)`);
          }),
        ],
      ]),
      `torchvision.transforms.${name}`,
      {
        init: (self, a) => {
          transformSteps.set(self, make(a));
          self.native = { transform: name };
        },
      },
    );
    members.set(name, cls);
  }
  return members;
}

/** An image as a value: a symbolic tensor `[C, H, W]`, or unknown for a PIL image. */
function imageValue(img: Image, source: string): PyValue {
  if (!img.tensor)
    return new PyUnknown(`a PIL image of ${source} (a DataLoader needs transforms.ToTensor() to batch it)`);
  return new SymTensor(img.dtype, [img.c, img.h, img.w], 'torch', source);
}

// ---------------------------------------------------------------------------------------------------------------------
// torchvision datasets

interface DatasetSpec {
  /** The constructor's positional parameters, PyTorch's names. */
  readonly params: readonly string[];
  /** Channels, height, width of a sample; undefined H/W: the files decide (a symbol). */
  readonly c: number;
  readonly hw?: readonly [number, number];
  /** The class names, when the dataset fixes them. */
  readonly classes?: number;
  /** The number of samples of each split torchvision documents (`train=True`/`False`, or the `split` name). */
  readonly lengths?: Readonly<Record<string, number>>;
}

const MNIST_PARAMS = ['root', 'train', 'transform', 'target_transform', 'download'];
const MNIST_LENGTHS = { train: 60000, test: 10000 };
const CIFAR_LENGTHS = { train: 50000, test: 10000 };
const DATASETS: Readonly<Record<string, DatasetSpec>> = {
  MNIST: { params: MNIST_PARAMS, c: 1, hw: [28, 28], classes: 10, lengths: MNIST_LENGTHS },
  FashionMNIST: { params: MNIST_PARAMS, c: 1, hw: [28, 28], classes: 10, lengths: MNIST_LENGTHS },
  KMNIST: { params: MNIST_PARAMS, c: 1, hw: [28, 28], classes: 10, lengths: MNIST_LENGTHS },
  QMNIST: { params: ['root', 'what', 'compat', 'train'], c: 1, hw: [28, 28], classes: 10 },
  EMNIST: { params: ['root', 'split'], c: 1, hw: [28, 28] },
  CIFAR10: { params: MNIST_PARAMS, c: 3, hw: [32, 32], classes: 10, lengths: CIFAR_LENGTHS },
  CIFAR100: { params: MNIST_PARAMS, c: 3, hw: [32, 32], classes: 100, lengths: CIFAR_LENGTHS },
  SVHN: { params: ['root', 'split', 'transform', 'target_transform', 'download'], c: 3, hw: [32, 32], classes: 10 },
  STL10: {
    params: ['root', 'split', 'folds', 'transform', 'target_transform', 'download'],
    c: 3,
    hw: [96, 96],
    classes: 10,
  },
  FakeData: { params: ['size', 'image_size', 'num_classes', 'transform', 'target_transform'], c: 3, hw: [224, 224] },
  ImageFolder: { params: ['root', 'transform', 'target_transform', 'loader', 'is_valid_file'], c: 3 },
  ImageNet: { params: ['root', 'split'], c: 3, classes: 1000 },
};

function datasetMembers(bridge: TorchBridge): Map<string, PyValue> {
  const members = new Map<string, PyValue>();
  for (const [name, spec] of Object.entries(DATASETS)) {
    const cls: PyClass = new PyClass(
      name,
      [bridge.datasetClass],
      new Map<string, PyValue>([
        ['__getitem__', method('__getitem__', (self) => datasetSample(bridge, self))],
        [
          '__len__',
          method('__len__', (self) => {
            // The number of samples is in the files; `len(loader)` and the like need an int, so it stops there.
            const n = self.native!.length;
            if (typeof n === 'bigint') return n;
            throw new NotModelledStop(`len() of torchvision.datasets.${name}`, bridge.interp.here(), 'unsupported');
          }),
        ],
      ]),
      `torchvision.datasets.${name}`,
      {
        init: (self, a) => {
          const get = (p: string): PyValue | undefined => {
            const i = spec.params.indexOf(p);
            return (i >= 0 ? a.args[i] : undefined) ?? a.kwargs.get(p);
          };
          let { c } = spec;
          let hw: [Dim, Dim] | undefined = spec.hw ? [spec.hw[0], spec.hw[1]] : undefined;
          let classes: PyValue | undefined = spec.classes;
          let length: PyValue | undefined;
          if (name === 'FakeData') {
            const size = get('image_size');
            if (size instanceof PyTuple || size instanceof PyList) {
              const [cc, hh, ww] = size.items;
              if (
                typeof cc === 'bigint' &&
                typeof hh === 'bigint' &&
                typeof ww === 'bigint' &&
                size.items.length === 3
              ) {
                c = Number(cc);
                hw = [Number(hh), Number(ww)];
              } else hw = undefined;
            }
            classes = get('num_classes') ?? 10n;
            length = get('size') ?? 1000n;
          }
          if (!hw) hw = [bridge.symbols.fresh('H'), bridge.symbols.fresh('W')];
          if (spec.lengths) {
            const train = get('train') ?? true;
            if (typeof train === 'boolean') length = BigInt(spec.lengths[train ? 'train' : 'test']!);
          }
          // The number of samples: torchvision's documented count, or a symbol N when it depends on the files.
          const n = typeof length === 'bigint' ? Number(length) : bridge.symbols.fresh('N');
          if (spec.c === 1 && name !== 'EMNIST') {
            // The MNIST family keeps its images and labels as tensors: `.data` [N, 28, 28] uint8, `.targets` [N].
            self.attrs.set('data', new SymTensor('uint8', [n, 28, 28], 'torch', `torchvision.datasets.${name}.data`));
            self.attrs.set('targets', new SymTensor('int64', [n], 'torch', `torchvision.datasets.${name}.targets`));
          }
          self.native = {
            dataset: name,
            image: { tensor: false, dtype: 'uint8', c, h: hw[0], w: hw[1], source: `torchvision.datasets.${name}` },
            transform: get('transform') ?? null,
            targetTransform: get('target_transform') ?? null,
            length,
          };
          if (typeof classes === 'number' && name !== 'ImageNet')
            self.attrs.set('classes', new PyList(Array.from({ length: classes }, (_, i) => String(i))));
        },
      },
    );
    members.set(name, cls);
  }
  return members;
}

/** One sample `(image, label)` of a torchvision dataset, through its transform. */
function datasetSample(bridge: TorchBridge, self: PyInstance): PyValue {
  const native = self.native as { dataset: string; image: Image; transform: PyValue; targetTransform: PyValue };
  const img = applyTransform(native.transform, native.image, bridge);
  const source = `torchvision.datasets.${native.dataset}`;
  const image = typeof img === 'string' ? new PyUnknown(img) : imageValue(img, source);
  const label =
    native.targetTransform === null
      ? new SymTensor('int64', [], 'torch', `a torchvision.datasets.${native.dataset} label`)
      : new PyUnknown(`the target_transform of torchvision.datasets.${native.dataset}`);
  return new PyTuple([image, label]);
}

// ---------------------------------------------------------------------------------------------------------------------
// torchvision models

/** The classifiers of torchvision.models, with the width of the features their `fc` head reads (ResNets). */
const MODELS: Readonly<Record<string, number | undefined>> = {
  resnet18: 512,
  resnet34: 512,
  resnet50: 2048,
  resnet101: 2048,
  resnet152: 2048,
  resnext50_32x4d: 2048,
  resnext101_32x8d: 2048,
  resnext101_64x4d: 2048,
  wide_resnet50_2: 2048,
  wide_resnet101_2: 2048,
  alexnet: undefined,
  vgg11: undefined,
  vgg11_bn: undefined,
  vgg13: undefined,
  vgg13_bn: undefined,
  vgg16: undefined,
  vgg16_bn: undefined,
  vgg19: undefined,
  vgg19_bn: undefined,
  densenet121: undefined,
  densenet161: undefined,
  densenet169: undefined,
  densenet201: undefined,
  mobilenet_v2: undefined,
  mobilenet_v3_small: undefined,
  mobilenet_v3_large: undefined,
  squeezenet1_0: undefined,
  squeezenet1_1: undefined,
  shufflenet_v2_x0_5: undefined,
  shufflenet_v2_x1_0: undefined,
  mnasnet0_5: undefined,
  mnasnet1_0: undefined,
  efficientnet_b0: undefined,
  efficientnet_b1: undefined,
  efficientnet_b2: undefined,
  efficientnet_b3: undefined,
  efficientnet_b4: undefined,
  convnext_tiny: undefined,
  convnext_small: undefined,
  convnext_base: undefined,
  regnet_y_400mf: undefined,
};

/** The layers of a ResNet in `forward`'s order, as `children()` lists them. */
const RESNET_LAYERS = ['conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc'];

function modelMembers(bridge: TorchBridge): Map<string, PyValue> {
  const members = new Map<string, PyValue>();
  const unknownList = (what: string): PyBuiltin =>
    method(what, (self) => new PyUnknown(`${what}() of torchvision.models.${String(self.native?.model)}(...)`));
  // A ResNet's layers are built (see resnetLayers); the other models' are not, and what lists them is unknown (a
  // program slicing `children()` must not get a wrong net).
  const children = (named: boolean): PyBuiltin =>
    method(named ? 'named_children' : 'children', (self) => {
      if (self.native?.features === undefined)
        return unknownList(named ? 'named_children' : 'children').call(
          { args: [self], kwargs: new Map() },
          { node: undefined, range: bridge.interp.here() },
        );
      const layers = RESNET_LAYERS.map((n) => [n, self.attrs.get(n)] as const);
      if (layers.some(([, m]) => m === undefined))
        return new PyUnknown(`children() of a torchvision model the program changed`);
      return new PyList(layers.map(([n, m]) => (named ? new PyTuple([n, m!]) : m!)));
    });
  const modelClass = new PyClass(
    'TorchvisionModel',
    [bridge.classes.module],
    new Map<string, PyValue>([
      ['children', children(false)],
      ['named_children', children(true)],
      ...['modules', 'named_modules', 'state_dict'].map((n): [string, PyValue] => [n, unknownList(n)]),
    ]),
    'torchvision.models',
    { call: (self, a, site) => modelForward(bridge, self, a, site) },
  );
  const stageClass = new PyClass(
    'ResNetStage',
    [bridge.classes.module],
    new Map(),
    'torch.nn.modules.container.Sequential',
    {
      call: (self, a) => stageForward(self, a),
    },
  );
  const dict = new PyDict();
  for (const [name, features] of Object.entries(MODELS)) {
    const factory = new PyBuiltin(name, (a, site) => {
      const classes = a.kwargs.get('num_classes') ?? 1000n;
      const inst = new PyInstance(modelClass);
      inst.native = { model: name, classes, features, training: true };
      if (features !== undefined && typeof classes === 'bigint')
        for (const [k, v] of resnetLayers(bridge, stageClass, features, classes, site)) inst.attrs.set(k, v);
      return inst;
    });
    members.set(name, factory);
    dict.entries.set(
      hashKey(name, (o) => bridge.interp.identity(o)),
      [name, factory],
    );
  }
  members.set('__dict__', dict);
  return members;
}

/**
 * A ResNet's layers, real torch.nn layers where they are one layer (`conv1`, `bn1`, `maxpool`, `avgpool`, `fc`: a
 * program reads `model.fc.in_features` and replaces `conv1` or `fc`), and each residual stage `layer1`…`layer4` as
 * one module that maps `[B, C_in, H, W]` to its output channels at its stride.
 */
function resnetLayers(
  bridge: TorchBridge,
  stageClass: PyClass,
  features: number,
  classes: bigint,
  site: Parameters<PyBuiltin['call']>[1],
): [string, PyValue][] {
  const here = bridge.interp.here();
  const nn = bridge.importModule('torch.nn', here);
  const layer = (cls: string, args: PyValue[], kwargs: [string, PyValue][] = []): PyValue =>
    bridge.interp.callValue(bridge.interp.getAttr(nn, cls, here), { args, kwargs: new Map(kwargs) }, site);
  // Basic blocks (resnet18/34) keep 64·2^k channels; bottlenecks (the others) expand them 4 times.
  const expansion = features === 512 ? 1 : 4;
  const stage = (k: number): PyValue => {
    const inst = new PyInstance(stageClass);
    const width = 64 * 2 ** k;
    inst.native = {
      inChannels: k === 0 ? 64 : (width / 2) * expansion,
      outChannels: width * expansion,
      stride: k === 0 ? 1 : 2,
    };
    return inst;
  };
  return [
    [
      'conv1',
      layer(
        'Conv2d',
        [3n, 64n, 7n],
        [
          ['stride', 2n],
          ['padding', 3n],
          ['bias', false],
        ],
      ),
    ],
    ['bn1', layer('BatchNorm2d', [64n])],
    ['relu', layer('ReLU', [], [['inplace', true]])],
    [
      'maxpool',
      layer(
        'MaxPool2d',
        [3n],
        [
          ['stride', 2n],
          ['padding', 1n],
        ],
      ),
    ],
    ['layer1', stage(0)],
    ['layer2', stage(1)],
    ['layer3', stage(2)],
    ['layer4', stage(3)],
    ['avgpool', layer('AdaptiveAvgPool2d', [new PyTuple([1n, 1n])])],
    ['fc', layer('Linear', [BigInt(features), classes])],
  ];
}

/** A residual stage: its first block's 3x3 convolution (padding 1) sets the stride; the channels become its width. */
function stageForward(self: PyInstance, a: CallArguments): PyValue {
  const { inChannels, outChannels, stride } = self.native as {
    inChannels: number;
    outChannels: number;
    stride: number;
  };
  const x = a.args[0] ?? null;
  if (!(x instanceof SymTensor) || x.shape.length !== 4 || (isKnown(x.shape[1]!) && x.shape[1] !== inChannels))
    return new PyUnknown('a ResNet stage of an input Loss Lens cannot know');
  const down = (d: Dim): Dim => (stride === 1 ? d : addDims(floorDivDims(subDims(d, 1), stride), 1));
  return new SymTensor(x.dtype, [x.shape[0]!, outChannels, down(x.shape[2]!), down(x.shape[3]!)], 'torch');
}

/**
 * A torchvision classifier called on `[B, 3, H, W]`: `[B, num_classes]`. A ResNet runs its layers in turn (those the
 * program replaced included); another model whose layers the program changed gives an unknown output.
 */
function modelForward(
  bridge: TorchBridge,
  self: PyInstance,
  a: CallArguments,
  site: Parameters<PyBuiltin['call']>[1],
): PyValue {
  const { model, classes, features } = self.native as { model: string; classes: PyValue; features?: number };
  const arg0 = a.args[0] ?? null;
  const what = `torchvision.models.${model}(...)`;
  if (!(arg0 instanceof SymTensor || isTensorValue(arg0)) || arg0.shape.length !== 4)
    return new PyUnknown(`${what} of an input Loss Lens cannot know`);
  // Only shapes matter here: a concrete input is not pushed through the convolutions.
  let x: PyValue = arg0 instanceof SymTensor ? arg0 : new SymTensor(arg0.dtype, arg0.shape, 'torch', what);
  if (features !== undefined && self.attrs.size > 0) {
    for (const name of RESNET_LAYERS) {
      const layer = self.attrs.get(name);
      if (layer === undefined) return new PyUnknown(`${what} whose layers the program replaced`);
      if (name === 'fc') {
        if (!(x instanceof SymTensor)) return x;
        x = new SymTensor(x.dtype, [x.shape[0]!, productOfDims(x.shape.slice(1))], 'torch');
      }
      x = bridge.interp.callValue(layer, { args: [x], kwargs: new Map() }, site);
    }
    return x;
  }
  if (self.attrs.size > 0) return new PyUnknown(`${what} whose layers the program replaced`);
  if (isKnown(x.shape[1]!) && x.shape[1] !== 3) return new PyUnknown(`${what} of an input Loss Lens cannot know`);
  if (typeof classes !== 'bigint') return new PyUnknown(`${what} with a num_classes Loss Lens cannot know`);
  return new SymTensor(x.dtype, [x.shape[0]!, Number(classes)], 'torch', what);
}

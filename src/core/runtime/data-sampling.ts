/**
 * The random parts of `torch.utils.data` as PyTorch draws them (`torch/utils/data/{dataloader,sampler,dataset}.py`,
 * alike in 1.13 and 2.x):
 * - every `iter(DataLoader)` first draws `_base_seed` (`torch.empty((), dtype=torch.int64).random_(generator=
 *   loader.generator)`), shuffled or not;
 * - `shuffle=True` makes a `RandomSampler`, which on its first `next` draws a seed the same way from the default
 *   generator (or, with `generator=g`, uses g itself) and yields `torch.randperm(n, generator=...)`;
 * - `random_split(dataset, lengths)` takes `randperm(sum(lengths))` from the default generator and cuts it in order;
 * - `RandomSampler` (with or without replacement, `num_samples`), `SubsetRandomSampler` and `SequentialSampler` given
 *   as `sampler=` yield their indices as PyTorch's do.
 */
import { TorchGenerator, randint, randomFull, randperm } from '../torch/random/index';
import { pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import { PyBuiltin, PyClass, PyInstance, PyList, PyTuple, type CallArguments, type PyValue } from './values';

/** The generator given as `generator=`, or null for the default one. */
export function generatorArgument(v: PyValue | undefined): TorchGenerator | null {
  if (v instanceof PyInstance && v.native?.generator instanceof TorchGenerator) return v.native.generator;
  return null;
}

/** A sampler object's description (`sampler=` of a DataLoader). */
export interface SamplerSpec {
  readonly kind: 'sequential' | 'random' | 'subset';
  /** The dataset (sequential, random). */
  readonly dataSource?: PyValue;
  /** SubsetRandomSampler's indices. */
  readonly indices?: readonly PyValue[];
  readonly replacement?: boolean;
  /** RandomSampler's `num_samples`; null for len(data_source). */
  readonly numSamples?: number | null;
  readonly generator: TorchGenerator | null;
}

/**
 * What one `for batch in loader` draws, and the dataset indices it then visits in order: the base seed from the
 * loader's generator (or the default one), then the sampler's draws.
 */
export function loaderEpochOrder(
  bridge: TorchBridge,
  size: number,
  shuffle: boolean,
  generator: TorchGenerator | null,
  sampler: SamplerSpec | null,
): PyValue[] {
  const draw = <T>(fn: (g: TorchGenerator) => T): T => (generator ? fn(generator) : bridge.random.draw(fn));
  // _BaseDataLoaderIter.__init__: the base seed of the workers, drawn even with no workers and no shuffling.
  draw((g) => randomFull(g, 1, 'int64'));
  if (sampler) return samplerOrder(bridge, sampler);
  if (!shuffle) return Array.from({ length: size }, (_, i) => BigInt(i));
  return samplerOrder(bridge, {
    kind: 'random',
    numSamples: null,
    replacement: false,
    generator,
    size,
  } as SamplerSpec & {
    size: number;
  });
}

/** The indices one pass over a sampler yields, with its draws. */
export function samplerOrder(bridge: TorchBridge, sampler: SamplerSpec & { size?: number }): PyValue[] {
  const fromDefault = <T>(fn: (g: TorchGenerator) => T): T =>
    sampler.generator ? fn(sampler.generator) : bridge.random.draw(fn);
  if (sampler.kind === 'subset') {
    const indices = sampler.indices!;
    return Array.from(
      fromDefault((g) => randperm(g, indices.length)),
      (i) => indices[i]!,
    );
  }
  const n = sampler.size ?? datasetLength(bridge, sampler.dataSource ?? null);
  if (sampler.kind === 'sequential') return Array.from({ length: n }, (_, i) => BigInt(i));
  // RandomSampler.__iter__: a private generator seeded from the default one unless one was given.
  const g =
    sampler.generator ??
    new TorchGenerator(bridge.random.draw((d) => randomFull(d, 1, 'int64'))[0]!, bridge.random.torchDefault.version);
  const numSamples = sampler.numSamples ?? n;
  const out: number[] = [];
  if (sampler.replacement) {
    for (let i = 0; i < Math.floor(numSamples / 32); i++) out.push(...randint(g, 0, n, 32, 'int64'));
    out.push(...randint(g, 0, n, numSamples % 32, 'int64'));
  } else {
    for (let i = 0; i < Math.floor(numSamples / n); i++) out.push(...randperm(g, n));
    // The last permutation is drawn whole even when none of it is used.
    out.push(...Array.from(randperm(g, n)).slice(0, numSamples % n));
  }
  return out.map((i) => BigInt(i));
}

/** `len(sampler)`. */
export function samplerLength(bridge: TorchBridge, sampler: SamplerSpec): number {
  if (sampler.kind === 'subset') return sampler.indices!.length;
  if (sampler.kind === 'random' && sampler.numSamples !== null && sampler.numSamples !== undefined)
    return sampler.numSamples;
  return datasetLength(bridge, sampler.dataSource ?? null);
}

function datasetLength(bridge: TorchBridge, dataset: PyValue): number {
  const site = { node: undefined, range: bridge.interp.current! };
  return Number(bridge.interp.callValue(bridge.builtins.get('len')!, { args: [dataset], kwargs: new Map() }, site));
}

const samplerClasses = new WeakMap<TorchBridge, Map<string, PyClass>>();

/** `torch.utils.data.<name>` for the samplers and `Subset`; undefined for other names. */
export function dataClass(bridge: TorchBridge, name: string): PyClass | undefined {
  let classes = samplerClasses.get(bridge);
  if (!classes) {
    classes = new Map();
    samplerClasses.set(bridge, classes);
  }
  const cached = classes.get(name);
  if (cached) return cached;
  const interp = bridge.interp;
  let cls: PyClass | undefined;
  switch (name) {
    case 'SequentialSampler':
      cls = new PyClass(name, [], new Map(), `torch.utils.data.sampler.${name}`, {
        init: (self, a) => {
          self.native = {
            sampler: {
              kind: 'sequential',
              dataSource: a.args[0] ?? a.kwargs.get('data_source') ?? null,
              generator: null,
            },
          };
        },
      });
      break;
    case 'RandomSampler':
      cls = new PyClass(name, [], new Map(), `torch.utils.data.sampler.${name}`, {
        init: (self, a) => {
          const replacement = a.args[1] ?? a.kwargs.get('replacement') ?? false;
          if (typeof replacement !== 'boolean')
            throw pyError(
              'TypeError',
              `replacement should be a boolean value, but got replacement=${bridge.repr(replacement)}`,
            );
          const numSamplesArg = a.args[2] ?? a.kwargs.get('num_samples') ?? null;
          const spec: SamplerSpec = {
            kind: 'random',
            dataSource: a.args[0] ?? a.kwargs.get('data_source') ?? null,
            replacement,
            numSamples: numSamplesArg === null ? null : Number(numSamplesArg),
            generator: generatorArgument(a.args[3] ?? a.kwargs.get('generator')),
          };
          const count = samplerLength(bridge, spec);
          if (typeof (numSamplesArg ?? 0n) !== 'bigint' || count <= 0)
            throw pyError(
              'ValueError',
              `num_samples should be a positive integer value, but got num_samples=${numSamplesArg === null ? count : bridge.repr(numSamplesArg)}`,
            );
          self.native = { sampler: spec };
        },
      });
      break;
    case 'SubsetRandomSampler':
      cls = new PyClass(name, [], new Map(), `torch.utils.data.sampler.${name}`, {
        init: (self, a) => {
          const indices = interp.toArray(a.args[0] ?? a.kwargs.get('indices') ?? null, interp.current!);
          self.native = {
            sampler: { kind: 'subset', indices, generator: generatorArgument(a.args[1] ?? a.kwargs.get('generator')) },
          };
        },
      });
      break;
    case 'Subset':
      cls = subsetClass;
      break;
  }
  if (cls) classes.set(name, cls);
  return cls;
}

/** `iter(sampler)` / `len(sampler)` on a sampler object; undefined for other attributes. */
export function samplerAttribute(bridge: TorchBridge, inst: PyInstance, name: string): PyValue | undefined {
  const sampler = inst.native?.sampler as SamplerSpec | undefined;
  if (!sampler) return undefined;
  if (name === '__iter_items__') return new PyList(samplerOrder(bridge, sampler));
  if (name === '__len__') return new PyBuiltin('__len__', () => BigInt(samplerLength(bridge, sampler)));
  return undefined;
}

/** The class of the datasets `random_split` returns. */
export const subsetClass = new PyClass('Subset', [], new Map(), 'torch.utils.data.dataset.Subset', {
  // Subset(dataset, indices)
  init: (self, a) => {
    const indices = a.args[1] ?? a.kwargs.get('indices') ?? null;
    const items = indices instanceof PyList || indices instanceof PyTuple ? indices.items : null;
    if (!items) throw pyError('TypeError', 'Subset() needs a list of indices');
    self.native = { subset: { dataset: a.args[0] ?? a.kwargs.get('dataset') ?? null, indices: items.map(Number) } };
  },
});

/** `torch.utils.data.random_split(dataset, lengths, generator=default_generator)`. */
export function randomSplit(bridge: TorchBridge, a: CallArguments): PyValue {
  const interp = bridge.interp;
  const site = { node: undefined, range: interp.current! };
  const dataset = a.args[0] ?? a.kwargs.get('dataset') ?? null;
  const lengthsArg = a.args[1] ?? a.kwargs.get('lengths') ?? null;
  const generator = generatorArgument(a.args[2] ?? a.kwargs.get('generator'));
  const size = Number(interp.callValue(bridge.builtins.get('len')!, { args: [dataset], kwargs: new Map() }, site));
  let lengths = interp.toArray(lengthsArg, interp.current!).map(Number);
  const total = lengths.reduce((s, l) => s + l, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    // Fractions: floor of each share, then the remainder one by one, round-robin from the first.
    lengths.forEach((frac, i) => {
      if (frac < 0 || frac > 1) throw pyError('ValueError', `Fraction at index ${i} is not between 0 and 1`);
    });
    const counts = lengths.map((frac) => Math.floor(size * frac));
    const remainder = size - counts.reduce((s, l) => s + l, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length]! += 1;
    lengths = counts;
  }
  const sum = lengths.reduce((s, l) => s + l, 0);
  if (sum !== size) throw pyError('ValueError', 'Sum of input lengths does not equal the length of the input dataset!');
  const indices = Array.from(generator ? randperm(generator, sum) : bridge.random.draw((g) => randperm(g, sum)));
  const parts: PyValue[] = [];
  let offset = 0;
  for (const length of lengths) {
    const part = new PyInstance(subsetClass);
    part.native = { subset: { dataset, indices: indices.slice(offset, offset + length) } };
    offset += length;
    parts.push(part);
  }
  return new PyList(parts);
}

/** `subset[i]`: the dataset's item at the subset's i-th index. */
export function subsetItem(bridge: TorchBridge, subset: PyInstance, index: PyValue): PyValue {
  const { dataset, indices } = subset.native!.subset as { dataset: PyValue; indices: number[] };
  const i = bridge.interp.listIndex(indices.length, index, 'index');
  return bridge.interp.getItem(dataset, BigInt(indices[i]!), bridge.interp.current!);
}

/** `len(subset)`. */
export function subsetLength(subset: PyInstance): number {
  return (subset.native!.subset as { indices: number[] }).indices.length;
}

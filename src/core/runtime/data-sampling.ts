/**
 * The random parts of `torch.utils.data` as PyTorch draws them (`torch/utils/data/{dataloader,sampler,dataset}.py`,
 * alike in 1.13 and 2.x):
 * - every `iter(DataLoader)` first draws `_base_seed` (`torch.empty((), dtype=torch.int64).random_(generator=
 *   loader.generator)`), shuffled or not;
 * - `shuffle=True` makes a `RandomSampler`, which on its first `next` draws a seed the same way from the default
 *   generator (or, with `generator=g`, uses g itself) and yields `torch.randperm(n, generator=...)`;
 * - `random_split(dataset, lengths)` takes `randperm(sum(lengths))` from the default generator and cuts it in order.
 */
import { TorchGenerator, randomFull, randperm } from '../torch/random/index';
import { pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import { PyClass, PyInstance, PyList, type CallArguments, type PyValue } from './values';

/** The generator given as `generator=`, or null for the default one. */
export function generatorArgument(v: PyValue | undefined): TorchGenerator | null {
  if (v instanceof PyInstance && v.native?.generator instanceof TorchGenerator) return v.native.generator;
  return null;
}

/** What one `for batch in loader` draws, and the order of the dataset's indices it then visits. */
export function loaderEpochOrder(
  bridge: TorchBridge,
  size: number,
  shuffle: boolean,
  generator: TorchGenerator | null,
): number[] {
  const draw = <T>(fn: (g: TorchGenerator) => T): T => (generator ? fn(generator) : bridge.random.draw(fn));
  // _BaseDataLoaderIter.__init__: the base seed of the workers, drawn even with no workers and no shuffling.
  draw((g) => randomFull(g, 1, 'int64'));
  if (!shuffle) return Array.from({ length: size }, (_, i) => i);
  const sampler =
    generator ?? new TorchGenerator(draw((g) => randomFull(g, 1, 'int64'))[0]!, bridge.random.torchDefault.version);
  return Array.from(randperm(sampler, size));
}

/** The class of the datasets `random_split` returns. */
export const subsetClass = new PyClass('Subset', [], new Map(), 'torch.utils.data.dataset.Subset');

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

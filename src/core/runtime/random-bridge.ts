/**
 * Random numbers inside a run, bit for bit as PyTorch, NumPy and CPython draw them (`core/torch/random`): the
 * `torch.*` draws and the in-place `Tensor.*_` draws, `torch.Generator`, the default initialisation of the layers,
 * `np.random.*` (the legacy RandomState) and the `random` module.
 *
 * A program that draws without seeding first gets the numbers it would get after `torch.manual_seed(0)`,
 * `np.random.seed(0)` and `random.seed(0)`; the run says so ("random inputs: one draw, seed 0"), so the user can
 * reproduce them in Python, and `seed` picks another draw.
 */
import { NotModelledStop, pyError } from './errors';
import type { TorchBridge } from './torch-bridge';
import {
  PyBuiltin,
  PyClass,
  PyDType,
  PyInstance,
  PyList,
  PyNamespace,
  PyTuple,
  isTensorValue,
  type CallArguments,
  type PyValue,
} from './values';
import { TorchTensor } from '../torch/tensor';
import type { DType } from '../tensor';
import {
  NumpyRandomState,
  PythonRandom,
  RandomArgumentError,
  TorchGenerator,
  ShapeOnlyGenerator,
  bernoulliScalar,
  bernoulliTensor,
  exponential,
  multinomial,
  normal,
  normalTensor,
  rand,
  randint,
  randn,
  randperm,
  uniform,
  type FloatDType,
} from '../torch/random/index';

/** Which generators a run used without a seed. */
export interface RandomUse {
  readonly torch: boolean;
  readonly numpy: boolean;
  readonly python: boolean;
}

/** The random state of one run. */
export class RandomBridge {
  readonly torchDefault: TorchGenerator;
  readonly numpy: NumpyRandomState;
  readonly python: PythonRandom;
  private seeded = { torch: false, numpy: false, python: false };
  /** Draws made before any seed was set, per library. */
  readonly unseeded = { torch: false, numpy: false, python: false };
  readonly generatorClass: PyClass;

  constructor(
    private readonly bridge: TorchBridge,
    readonly seed: number,
    version: '2.x' | '1.13',
  ) {
    this.torchDefault = new TorchGenerator(seed, version);
    this.numpy = new NumpyRandomState(seed);
    this.python = new PythonRandom(seed);
    this.generatorClass = new PyClass('Generator', [], new Map(), 'torch._C.Generator', {
      init: (self) => {
        self.native = { generator: new TorchGenerator(DEFAULT_GENERATOR_SEED, version) };
      },
    });
    this.generatorClass.dict.set(
      'manual_seed',
      new PyBuiltin('manual_seed', (a) => {
        const self = a.args[0] as PyInstance;
        (self.native!.generator as TorchGenerator).manualSeed(seedOf(a.args[1] ?? null));
        return self;
      }),
    );
    this.generatorClass.dict.set(
      'initial_seed',
      new PyBuiltin('initial_seed', (a) =>
        ((a.args[0] as PyInstance).native!.generator as TorchGenerator).initialSeed(),
      ),
    );
  }

  private gen(args: CallArguments): TorchGenerator {
    const g = args.kwargs.get('generator');
    if (g instanceof PyInstance && g.native?.generator) return g.native.generator as TorchGenerator;
    if (!this.seeded.torch) this.unseeded.torch = true;
    return this.torchDefault;
  }

  /** `torch.<name>` when it is a random function; undefined otherwise. */
  torchFunction(name: string): PyValue | undefined {
    const b = this.bridge;
    const make = (fn: (a: CallArguments) => PyValue): PyBuiltin =>
      new PyBuiltin(name, (a) =>
        this.guard(() => {
          b.refuseOnTypes(`torch.${name}`, a.args, a.kwargs);
          return fn(a);
        }),
      );
    switch (name) {
      case 'manual_seed':
        return make((a) => {
          this.torchDefault.manualSeed(seedOf(a.args[0] ?? a.kwargs.get('seed') ?? null));
          this.seeded.torch = true;
          const g = new PyInstance(this.generatorClass);
          g.native = { generator: this.torchDefault };
          return g;
        });
      case 'initial_seed':
        return make(() => this.torchDefault.initialSeed());
      case 'Generator':
        return this.generatorClass;
      case 'rand':
      case 'randn': {
        return make((a) => {
          const { shape, numel } = this.size(a, 0);
          const dtype = floatDType(a, name);
          const data = name === 'rand' ? rand(this.gen(a), numel, dtype) : randn(this.gen(a), numel, dtype);
          return this.tensor(data, shape, dtype, a);
        });
      }
      case 'rand_like':
      case 'randn_like':
        return make((a) => {
          const like = this.likeOf(a);
          const dtype = (dtypeKw(a) ?? like.dtype) as FloatDType;
          const data =
            name === 'rand_like'
              ? rand(this.gen(a), like.data.length, dtype)
              : randn(this.gen(a), like.data.length, dtype);
          return this.tensor(data, like.shape, dtype, a);
        });
      case 'randint':
        return make((a) => {
          // randint(high, size) or randint(low, high, size)
          const ints = a.args.filter((x) => typeof x === 'bigint' || typeof x === 'boolean');
          const sizeArg = a.args.find((x) => x instanceof PyTuple || x instanceof PyList) ?? a.kwargs.get('size');
          const low = a.kwargs.has('low') ? Number(a.kwargs.get('low')) : ints.length >= 2 ? Number(ints[0]) : 0;
          const high = a.kwargs.has('high') ? Number(a.kwargs.get('high')) : Number(ints[ints.length - 1]);
          if (sizeArg === undefined)
            throw pyError('TypeError', 'randint() missing 1 required positional arguments: "size"');
          const shape = this.shapeOf(sizeArg);
          const dtype = dtypeKw(a) ?? 'int64';
          const data = randint(this.gen(a), low, high, count(shape), dtype as 'int64');
          return this.tensor(data, shape, dtype, a);
        });
      case 'randint_like':
        return make((a) => {
          const like = this.likeOf(a);
          const ints = a.args.slice(1).map(Number);
          const [low, high] = ints.length >= 2 ? [ints[0]!, ints[1]!] : [0, ints[0]!];
          const data = randint(this.gen(a), low, high, like.data.length, like.dtype as 'int64');
          return this.tensor(data, like.shape, like.dtype, a);
        });
      case 'randperm':
        return make((a) => {
          const n = Number(a.args[0]);
          return this.tensor(randperm(this.gen(a), n), [n], dtypeKw(a) ?? 'int64', a);
        });
      case 'normal':
        return make((a) => {
          const mean = a.args[0] ?? a.kwargs.get('mean') ?? 0;
          const std = a.args[1] ?? a.kwargs.get('std') ?? 1;
          if (isTensorValue(mean) || isTensorValue(std)) {
            const ref = (isTensorValue(mean) ? mean : std) as TorchTensor;
            const dtype = ref.dtype as FloatDType;
            const param = (v: PyValue): number | Float32Array | Float64Array =>
              isTensorValue(v) ? (v.data as Float32Array) : Number(v);
            const data = normalTensor(this.gen(a), param(mean), param(std), ref.data.length, dtype);
            return this.tensor(data, ref.shape, dtype, a);
          }
          const sizeArg = a.args[2] ?? a.kwargs.get('size');
          if (sizeArg === undefined)
            throw pyError('TypeError', 'normal() received an invalid combination of arguments');
          const shape = this.shapeOf(sizeArg);
          const dtype = floatDType(a, name);
          return this.tensor(normal(this.gen(a), Number(mean), Number(std), count(shape), dtype), shape, dtype, a);
        });
      case 'bernoulli':
        return make((a) => {
          const input = a.args[0];
          if (!isTensorValue(input ?? null)) throw pyError('TypeError', "bernoulli(): argument 'input' must be Tensor");
          const t = input as TorchTensor;
          const p = a.args[1] ?? a.kwargs.get('p');
          const data =
            p !== undefined
              ? bernoulliScalar(this.gen(a), Number(p), t.data.length, t.dtype as FloatDType)
              : bernoulliTensor(this.gen(a), t.data as Float32Array);
          return this.tensor(data, t.shape, t.dtype, a);
        });
      case 'multinomial':
        return make((a) => {
          const probs = a.args[0] as TorchTensor;
          const n = Number(a.args[1] ?? a.kwargs.get('num_samples'));
          const replacement = this.bridge.interp.truthy(
            a.args[2] ?? a.kwargs.get('replacement') ?? false,
            this.bridge.interp.current!,
          );
          const rows = probs.shape.length === 2 ? probs.shape[0]! : 1;
          const categories = probs.shape[probs.shape.length - 1]!;
          const data = multinomial(this.gen(a), probs.data as Float32Array, rows, categories, n, replacement);
          return this.tensor(data, probs.shape.length === 2 ? [rows, n] : [n], 'int64', a);
        });
      case 'seed':
        return make(() => {
          throw new NotModelledStop('torch.seed() (a seed from the operating system)', b.interp.current, 'unsupported');
        });
    }
    return undefined;
  }

  /** `t.uniform_()`, `normal_`, `random_`, `bernoulli_`, `exponential_`: fill `t` in place; undefined for others. */
  tensorMethod(t: TorchTensor, name: string): PyValue | undefined {
    const fill = (fn: (a: CallArguments, gen: TorchGenerator) => ArrayLike<number>): PyBuiltin =>
      new PyBuiltin(name, (a) =>
        this.guard(() => {
          const values = fn(a, this.gen(a));
          for (let i = 0; i < t.data.length; i++) t.data[i] = values[i]!;
          return t;
        }),
      );
    const num = (a: CallArguments, i: number, key: string, dflt: number): number => {
      const v = a.args[i] ?? a.kwargs.get(key);
      return v === undefined || v === null ? dflt : Number(v);
    };
    switch (name) {
      case 'uniform_':
        return fill((a, g) =>
          uniform(g, num(a, 0, 'from', 0), num(a, 1, 'to', 1), t.data.length, t.dtype as FloatDType),
        );
      case 'normal_':
        return fill((a, g) =>
          normal(g, num(a, 0, 'mean', 0), num(a, 1, 'std', 1), t.data.length, t.dtype as FloatDType),
        );
      case 'exponential_':
        return fill((a, g) => exponential(g, num(a, 0, 'lambd', 1), t.data.length, t.dtype as FloatDType));
      case 'bernoulli_':
        return fill((a, g) => bernoulliScalar(g, num(a, 0, 'p', 0.5), t.data.length, t.dtype as FloatDType));
      case 'random_':
        return fill((a, g) => {
          const ints = a.args.map(Number);
          if (ints.length === 0)
            throw new NotModelledStop('Tensor.random_() without bounds', this.bridge.interp.current, 'unsupported');
          const [low, high] = ints.length >= 2 ? [ints[0]!, ints[1]!] : [0, ints[0]!];
          return randint(g, low, high, t.data.length, t.dtype as 'int64');
        });
    }
    return undefined;
  }

  /** Parameters of a layer, drawn in PyTorch's order from the default generator. */
  draw<T>(fn: (gen: TorchGenerator) => T): T {
    if (this.shapeOnlyGenerator) return this.guard(() => fn(this.shapeOnlyGenerator!));
    if (!this.seeded.torch) this.unseeded.torch = true;
    return this.guard(() => fn(this.torchDefault));
  }

  private shapeOnlyGenerator: ShapeOnlyGenerator | undefined;

  /** True inside {@link withoutDraws}: the draws give zeros of the right size, and nobody reads them. */
  get drawsShapesOnly(): boolean {
    return this.shapeOnlyGenerator !== undefined;
  }
  private shapeOnlyCache: ShapeOnlyGenerator | undefined;

  /**
   * Runs `fn` with draws that only size their results (zero-filled, nothing drawn): shape mode's layer parameters,
   * whose values a shape check never reads.
   */
  withoutDraws<T>(fn: () => T): T {
    const before = this.shapeOnlyGenerator;
    this.shapeOnlyCache ??= new ShapeOnlyGenerator(0, this.torchDefault.version);
    this.shapeOnlyGenerator = this.shapeOnlyCache;
    try {
      return fn();
    } finally {
      this.shapeOnlyGenerator = before;
    }
  }

  /** The `np.random` module. */
  numpyModule(): PyNamespace {
    const ns = new PyNamespace('numpy.random');
    const np = this.numpy;
    const use = (): void => {
      if (!this.seeded.numpy) this.unseeded.numpy = true;
    };
    const def = (name: string, fn: (a: CallArguments) => PyValue): void => {
      ns.attrs.set(name, new PyBuiltin(name, (a) => this.guard(() => fn(a))));
    };
    const sizeOf = (a: CallArguments, i: number): { shape: number[] | null; numel: number } => {
      const s = a.args[i] ?? a.kwargs.get('size') ?? null;
      if (s === null) return { shape: null, numel: 1 };
      const shape = this.shapeOf(s);
      return { shape, numel: count(shape) };
    };
    const out = (data: ArrayLike<number>, shape: number[] | null, dtype: DType): PyValue => {
      if (shape === null) return dtype === 'int64' ? BigInt(data[0]!) : data[0]!;
      return new TorchTensor(
        dtype,
        shape,
        dtype === 'int64' ? Float64Array.from(data) : Float64Array.from(data),
        'numpy',
      );
    };
    def('seed', (a) => {
      np.seed(Number(a.args[0] ?? 0));
      this.seeded.numpy = true;
      return null;
    });
    for (const name of ['rand', 'randn']) {
      def(name, (a) => {
        use();
        const shape = a.args.map(Number);
        const data = name === 'rand' ? np.rand(count(shape)) : np.randn(count(shape));
        return out(data, a.args.length === 0 ? null : shape, 'float64');
      });
    }
    for (const name of ['random', 'random_sample', 'sample', 'ranf']) {
      def(name, (a) => {
        use();
        const { shape, numel } = sizeOf(a, 0);
        return out(np.randomSample(numel), shape, 'float64');
      });
    }
    def('standard_normal', (a) => {
      use();
      const { shape, numel } = sizeOf(a, 0);
      return out(np.standardNormal(numel), shape, 'float64');
    });
    def('normal', (a) => {
      use();
      const { shape, numel } = sizeOf(a, 2);
      return out(
        np.normal(
          Number(a.args[0] ?? a.kwargs.get('loc') ?? 0),
          Number(a.args[1] ?? a.kwargs.get('scale') ?? 1),
          numel,
        ),
        shape,
        'float64',
      );
    });
    def('uniform', (a) => {
      use();
      const { shape, numel } = sizeOf(a, 2);
      return out(
        np.uniform(
          Number(a.args[0] ?? a.kwargs.get('low') ?? 0),
          Number(a.args[1] ?? a.kwargs.get('high') ?? 1),
          numel,
        ),
        shape,
        'float64',
      );
    });
    def('randint', (a) => {
      use();
      const low = Number(a.args[0] ?? a.kwargs.get('low'));
      const highArg = a.args[1] ?? a.kwargs.get('high') ?? null;
      const { shape, numel } = sizeOf(a, 2);
      return out(np.randint(low, highArg === null ? null : Number(highArg), numel), shape, 'int64');
    });
    def('choice', (a) => {
      use();
      const src = a.args[0] ?? null;
      const { shape, numel } = sizeOf(a, 1);
      const replace = this.bridge.interp.truthy(a.kwargs.get('replace') ?? true, this.bridge.interp.current!);
      const pArg = a.kwargs.get('p');
      const p =
        pArg === undefined || pArg === null
          ? null
          : this.bridge.interp.toArray(pArg, this.bridge.interp.current!).map(Number);
      if (typeof src === 'bigint') return out(np.choice(Number(src), numel, replace, p), shape, 'int64');
      const items = this.bridge.interp.toArray(src, this.bridge.interp.current!);
      const picks = np.choice(items.length, numel, replace, p);
      if (shape === null) return items[picks[0]!]!;
      if (items.every((x) => typeof x === 'bigint'))
        return out(
          Array.from(picks, (i) => Number(items[i])),
          shape,
          'int64',
        );
      return out(
        Array.from(picks, (i) => Number(items[i])),
        shape,
        'float64',
      );
    });
    def('permutation', (a) => {
      use();
      const n = a.args[0];
      if (typeof n !== 'bigint')
        throw new NotModelledStop('np.random.permutation of an array', this.bridge.interp.current, 'unsupported');
      return out(np.permutation(Number(n)), [Number(n)], 'int64');
    });
    return ns;
  }

  /** The `random` module. */
  pythonModule(): PyNamespace {
    const ns = new PyNamespace('random');
    const r = this.python;
    const interp = this.bridge.interp;
    const use = (): void => {
      if (!this.seeded.python) this.unseeded.python = true;
    };
    const def = (name: string, fn: (a: CallArguments) => PyValue): void => {
      ns.attrs.set(name, new PyBuiltin(name, (a) => this.guard(() => fn(a))));
    };
    def('seed', (a) => {
      const s = a.args[0] ?? null;
      if (typeof s !== 'bigint' && typeof s !== 'boolean')
        throw new NotModelledStop('random.seed() of a non-integer', interp.current, 'unsupported');
      r.seed(BigInt(s));
      this.seeded.python = true;
      return null;
    });
    def('random', () => (use(), r.random()));
    def('uniform', (a) => (use(), r.uniform(Number(a.args[0]), Number(a.args[1]))));
    def('randint', (a) => (use(), r.randint(BigInt(a.args[0] as bigint), BigInt(a.args[1] as bigint))));
    def(
      'randrange',
      (a) => (
        use(),
        r.randrange(
          BigInt(a.args[0] as bigint),
          a.args[1] === undefined ? null : BigInt(a.args[1] as bigint),
          a.args[2] === undefined ? 1n : BigInt(a.args[2] as bigint),
        )
      ),
    );
    def('gauss', (a) => (use(), r.gauss(Number(a.args[0] ?? 0), Number(a.args[1] ?? 1))));
    def('normalvariate', (a) => (use(), r.normalvariate(Number(a.args[0] ?? 0), Number(a.args[1] ?? 1))));
    def('choice', (a) => {
      use();
      const items = interp.toArray(a.args[0] ?? null, interp.current!);
      if (items.length === 0) throw pyError('IndexError', 'Cannot choose from an empty sequence');
      return items[r.choiceIndex(items.length)]!;
    });
    def('shuffle', (a) => {
      use();
      const list = a.args[0];
      if (!(list instanceof PyList))
        throw new NotModelledStop('random.shuffle of a non-list', interp.current, 'unsupported');
      // CPython: for i in reversed(range(1, len(x))): j = randbelow(i + 1); swap.
      for (let i = list.items.length - 1; i > 0; i--) {
        const j = Number(r.randbelow(i + 1));
        [list.items[i], list.items[j]] = [list.items[j]!, list.items[i]!];
      }
      return null;
    });
    def('sample', (a) => {
      use();
      const items = interp.toArray(a.args[0] ?? null, interp.current!);
      return new PyList(r.sampleIndices(items.length, Number(a.args[1] ?? a.kwargs.get('k'))).map((i) => items[i]!));
    });
    return ns;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      // The generators' own argument errors carry the Python class and text PyTorch/NumPy/CPython raise.
      if (e instanceof RandomArgumentError) throw pyError(e.pythonType, e.message);
      if (e instanceof RangeError && !/call stack/.test(e.message)) throw pyError('RuntimeError', e.message);
      throw e;
    }
  }

  private likeOf(a: CallArguments): TorchTensor {
    const t = a.args[0] ?? a.kwargs.get('input') ?? null;
    if (!isTensorValue(t)) throw pyError('TypeError', 'expected a Tensor as the first argument');
    return t;
  }

  /** Sizes given as `(2, 3)`, `[2, 3]`, `2, 3` or `size=(2, 3)`, starting at positional `from`. */
  private size(a: CallArguments, from: number): { shape: number[]; numel: number } {
    const rest = a.args.slice(from);
    const sizeArg = a.kwargs.get('size');
    let shape: number[];
    if (sizeArg !== undefined) shape = this.shapeOf(sizeArg);
    else if (rest.length === 1 && (rest[0] instanceof PyTuple || rest[0] instanceof PyList))
      shape = this.shapeOf(rest[0]);
    else shape = rest.map((x) => this.dim(x));
    const numel = count(shape);
    this.bridge.interp.checkSize(numel, 'a tensor');
    return { shape, numel };
  }

  private shapeOf(v: PyValue): number[] {
    if (v instanceof PyTuple || v instanceof PyList) return v.items.map((x) => this.dim(x));
    return [this.dim(v)];
  }

  private dim(v: PyValue): number {
    if (typeof v === 'bigint' || typeof v === 'boolean') {
      const n = Number(v);
      if (n < 0) throw pyError('RuntimeError', `Trying to create tensor with negative dimension ${n}: [${n}]`);
      return n;
    }
    if (isTensorValue(v) && v.shape.length === 0) return Number(v.data[0]);
    throw pyError('TypeError', `expected an int size, got ${typeof v === 'number' ? 'float' : 'a ' + String(v)}`);
  }

  private tensor(data: ArrayLike<number>, shape: readonly number[], dtype: DType, a: CallArguments): TorchTensor {
    const t = this.bridge.makeTensor(data, shape, dtype);
    if (a.kwargs.get('requires_grad') === true) (t as { requiresGrad?: boolean }).requiresGrad = true;
    return t;
  }
}

/** The seed a fresh `torch.Generator()` starts from (PyTorch's default_rng_seed_val). */
const DEFAULT_GENERATOR_SEED = 67280421310721n;

function seedOf(v: PyValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw pyError('TypeError', 'manual_seed expected a long, but got ' + typeof v);
}

function dtypeKw(a: CallArguments): DType | undefined {
  const d = a.kwargs.get('dtype');
  return d instanceof PyDType ? d.dtype : undefined;
}

function floatDType(a: CallArguments, fn: string): FloatDType {
  const d = dtypeKw(a) ?? 'float32';
  if (d !== 'float32' && d !== 'float64') {
    throw new NotModelledStop(`torch.${fn}(dtype=torch.${d})`, undefined, 'unsupported');
  }
  return d;
}

function count(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

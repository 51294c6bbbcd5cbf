/**
 * Benchmark for checking a file that imports the workspace's own modules, as the extension re-checks it on every
 * edit: generates N modules (a model class, a dataset, helpers, constants; ~150 lines each) and a training script
 * importing all of them, then re-checks the script after an edit (its text changes, its imports do not) with the
 * parsed modules kept in a ModuleCache shared by the checks (as the snippet worker keeps it) against a fresh cache
 * per check (every import parsed again), in the same run so the ratio holds on any machine. Run with:
 *
 *   npx tsx scripts/bench-imports.ts [modules] [rounds]
 *
 * Prints the median time per re-check of each way, their ratio, and the parses each way did. Then the extension
 * host's side: gathering the script's modules from disk (the files written to a temporary folder) with the files kept
 * until they change (a ModuleFileCache shared by the checks) against reading them each time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ModuleCache } from '../src/core/runtime/index';
import { checkSnippet } from '../src/core/snippet/index';
import { collectModules, ModuleFileCache, textsResolver } from '../src/imports';

const modules = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 15);

/** One module: a model class, a dataset, helper functions and constants, in the manner of a real project. */
function moduleText(i: number): string {
  const helpers = Array.from(
    { length: 12 },
    (_, k) => `
def helper_${k}(x, scale=${k + 1}):
    """Scales and shifts a batch (helper ${k} of module ${i})."""
    y = x * scale
    if scale > 3:
        y = y - 1
    return y
`,
  ).join('');
  return `"""Module ${i} of the generated project."""
import torch
from torch import nn
from torch.utils.data import Dataset

WIDTH_${i} = ${16 + i}
CLASSES_${i} = ${3 + (i % 5)}


class Net${i}(nn.Module):
    def __init__(self, in_features=WIDTH_${i}, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, CLASSES_${i})
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        return self.fc2(self.drop(h))


class Data${i}(Dataset):
    def __init__(self, n=64):
        self.x = torch.randn(n, WIDTH_${i})
        self.y = torch.randint(0, CLASSES_${i}, (n,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, k):
        return self.x[k], self.y[k]
${helpers}

if __name__ == "__main__":
    print(Net${i}())
`;
}

function mainText(edit: number): string {
  const imports = Array.from({ length: modules }, (_, i) => `from mod_${i} import Net${i}, Data${i}, WIDTH_${i}`);
  const uses = Array.from(
    { length: modules },
    (_, i) => `
model_${i} = Net${i}()
x_${i}, y_${i} = Data${i}()[0]
loss_${i} = criterion(model_${i}(torch.randn(8, WIDTH_${i})), torch.randint(0, 3, (8,)))
`,
  );
  return `import torch
from torch import nn
${imports.join('\n')}

criterion = nn.CrossEntropyLoss()
edited = ${edit}
${uses.join('')}`;
}

const root = path.resolve('/bench-project');
const texts = new Map(Array.from({ length: modules }, (_, i) => [path.join(root, `mod_${i}.py`), moduleText(i)]));
const resolve = textsResolver(texts, [root]);
const file = path.join(root, 'train.py');

function check(edit: number, cache: ModuleCache | undefined): number {
  const start = performance.now();
  const result = checkSnippet(mainText(edit), cache ? { imports: { file, resolve, cache } } : {});
  if (!cache) return performance.now() - start;
  const ms = performance.now() - start;
  if ((result.calls?.length ?? 0) !== modules)
    throw new Error(`expected ${modules} loss calls, got ${result.calls?.length}`);
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm up the JIT on both paths.
const shared = new ModuleCache();
for (let k = 0; k < 3; k++) {
  check(-1 - k, shared);
  check(-10 - k, new ModuleCache());
}
const sharedBefore = shared.parses;
const cached: number[] = [];
const uncached: number[] = [];
const alone: number[] = [];
let uncachedParses = 0;
for (let r = 0; r < rounds; r++) {
  // Interleaved, so a slow moment of the machine falls on all three.
  alone.push(check(r, undefined));
  cached.push(check(r, shared));
  const fresh = new ModuleCache();
  uncached.push(check(r, fresh));
  uncachedParses += fresh.parses;
}
const lines = [...texts.values()].reduce((n, t) => n + t.split('\n').length, 0);
console.log(`${modules} imported modules (${lines} lines), ${rounds} re-checks of the edited script each way`);
console.log(
  `  imports cached (parsed once):   ${median(cached).toFixed(1)} ms median, ${shared.parses - sharedBefore} parses`,
);
console.log(`  imports uncached (parsed each): ${median(uncached).toFixed(1)} ms median, ${uncachedParses} parses`);
console.log(`  ratio uncached / cached: ${(median(uncached) / median(cached)).toFixed(2)}x`);
console.log(
  `  the script without following its imports (all unknown): ${median(alone).toFixed(1)} ms median; the imports cost ${(median(cached) - median(alone)).toFixed(1)} ms cached, ${(median(uncached) - median(alone)).toFixed(1)} ms uncached (${((median(uncached) - median(alone)) / Math.max(0.1, median(cached) - median(alone))).toFixed(1)}x)`,
);

// The host's side: the modules gathered from disk on each re-check.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-bench-imports-'));
try {
  for (const [p, text] of texts) fs.writeFileSync(path.join(dir, path.basename(p)), text);
  const script = path.join(dir, 'train.py');
  const gather = (edit: number, files: ModuleFileCache): number => {
    const start = performance.now();
    const found = collectModules(mainText(edit), script, [dir], (f) => files.read(f));
    if (found.size !== modules) throw new Error(`found ${found.size} modules`);
    return performance.now() - start;
  };
  const kept = new ModuleFileCache();
  gather(-1, kept);
  const keptReads = kept.reads;
  const hostCached: number[] = [];
  const hostUncached: number[] = [];
  let uncachedReads = 0;
  for (let r = 0; r < rounds; r++) {
    hostCached.push(gather(r, kept));
    const fresh = new ModuleFileCache();
    hostUncached.push(gather(r, fresh));
    uncachedReads += fresh.reads;
  }
  console.log(
    `host: gathering the modules ${median(hostCached).toFixed(2)} ms median with the files kept (${kept.reads - keptReads} reads), ${median(hostUncached).toFixed(2)} ms reading them each time (${uncachedReads} reads): ${(median(hostUncached) / median(hostCached)).toFixed(2)}x`,
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

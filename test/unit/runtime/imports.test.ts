import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from '../../../src/core/diagnostics';
import { localizeDiagnostic } from '../../../src/core/i18n/index';
import { ModuleCache, runProgram } from '../../../src/core/runtime/index';
import { checkSnippet } from '../../../src/core/snippet/index';
import {
  collectModules,
  diskResolver,
  ModuleFileCache,
  moduleCandidates,
  scanImports,
  textsResolver,
} from '../../../src/imports';
import { translationProblems } from '../i18n/checks';

/**
 * Imports of a program's own modules in shape mode (src/core/runtime/imports.ts): the multi-file projects of
 * test/fixtures/imports/, labelled by running them under both oracles (scripts/fixtures/gen_imports.py), and small
 * in-memory projects for what PyTorch has no message for (cycles, the cache, what stays unknown).
 */
interface Label {
  readonly status: 'ok' | 'error';
  readonly type?: string;
  readonly message?: string;
  readonly file?: string;
  readonly line?: number;
  readonly entryLine?: number;
}

const root = path.join(__dirname, '..', '..', 'fixtures', 'imports');

function check(entry: string, version: '2.x' | '1.13' = '2.x', cache?: ModuleCache): Diagnostic[] {
  const file = path.join(root, entry);
  return [
    ...checkSnippet(readFileSync(file, 'utf8'), {
      torchVersion: version,
      imports: { file, resolve: diskResolver({ roots: [] }), ...(cache ? { cache } : {}) },
    }).diagnostics,
  ];
}

/**
 * True when the checker's message is PyTorch's with its symbolic sizes standing for the numbers (`torch.Size([B])`
 * for `torch.Size([16])`).
 */
function samePyTorchText(ours: string, pytorch: string, type: string): boolean {
  const text = ours.startsWith(`${type}: `) ? ours.slice(type.length + 2) : ours;
  const pattern = text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\b[A-Z][0-9]*\b/g, '\\d+')
    .replace(/\\\\d\+/g, '\\d+');
  return new RegExp(`^${pattern}$`).test(pytorch);
}

/** A resolver over in-memory files of one folder `/p`. */
function memory(files: Record<string, string>): {
  resolve: ReturnType<typeof textsResolver>;
  main: (name: string) => { file: string; text: string };
} {
  const texts = new Map(Object.entries(files).map(([k, v]) => [path.resolve('/p', k), v]));
  return {
    resolve: textsResolver(texts, []),
    main: (name) => ({ file: path.resolve('/p', name), text: texts.get(path.resolve('/p', name))! }),
  };
}

describe('imports of the program’s own modules (shape mode)', () => {
  for (const version of ['2.x', '1.13'] as const) {
    const labelled = JSON.parse(readFileSync(path.join(root, `labels.${version}.json`), 'utf8')) as {
      torch: string;
      labels: Record<string, Label>;
    };
    describe(`the fixture projects, labelled by torch ${labelled.torch}`, () => {
      for (const [entry, label] of Object.entries(labelled.labels)) {
        it(`${entry}: ${label.status === 'ok' ? 'no error, as PyTorch ran it' : `${label.type} as PyTorch raised it`}`, () => {
          const errors = check(entry, version).filter((d) => d.severity === 'error');
          if (label.status === 'ok') {
            assert.deepEqual(
              errors.map((d) => `${d.line}: ${d.message}`),
              [],
            );
            return;
          }
          const at = errors.filter((d) => d.line === label.entryLine);
          assert.ok(
            at.some((d) => samePyTorchText(d.message, label.message!, label.type!)),
            `expected ${label.type}: ${label.message} at line ${label.entryLine}, got ${errors.map((d) => `${d.line}: ${d.message}`).join(' | ')}`,
          );
          const d = at.find((x) => samePyTorchText(x.message, label.message!, label.type!))!;
          if (label.file !== entry) {
            // Raised inside an imported module: the diagnostic names the module's file and line.
            assert.ok(d.raisedAt, 'raisedAt');
            assert.equal(path.relative(root, d.raisedAt.file).split(path.sep).join('/'), label.file);
            assert.equal(d.raisedAt.line, label.line);
          } else {
            assert.equal(d.raisedAt, undefined);
          }
        });
      }
    });
  }

  it('does not run an imported module’s `if __name__ == "__main__":` block', () => {
    // binary/bug/model.py raises when run as a script (labelled above), in that block; imported, the block is skipped.
    const file = path.join(root, 'binary/bug/train.py');
    const run = runProgram(readFileSync(file, 'utf8'), {
      mode: 'shape',
      imports: { file, resolve: diskResolver({ roots: [] }) },
    });
    assert.ok(run.calls.some((c) => c.fn === 'binary_cross_entropy_with_logits' && !c.inModule));
    assert.deepEqual(
      run.calls.filter((c) => c.inModule),
      [],
    );
    const p = memory({
      'main.py': 'import model\nprint(model.__name__)\n',
      'model.py': 'print("imported as", __name__)\nif __name__ == "__main__":\n    print("run as a script")\n',
    });
    const main = p.main('main.py');
    const printed = runProgram(main.text, { mode: 'shape', imports: { file: main.file, resolve: p.resolve } }).stdout;
    assert.equal(printed, 'imported as model\nmodel\n');
  });

  it('without a resolver, the same project is silent (the imports are unknown)', () => {
    const text = readFileSync(path.join(root, 'binary/bug/train.py'), 'utf8');
    assert.deepEqual(
      checkSnippet(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('binds `import pkg.sub as s`, `from .model import Net`, `import model` and `from pkg import sub`', () => {
    const p = memory({
      'main.py': [
        'import torch',
        'import torch.nn.functional as F',
        'import pkg.sub as s',
        'from .model import Net',
        'import model',
        'from pkg import sub',
        'from jaxtyping import Float',
        '',
        '',
        'def step(x: Float[torch.Tensor, "B 3"]):',
        '    F.mse_loss(Net()(x), model.Net()(x))',
        '    F.mse_loss(model.Net()(x), s.target(x))',
        '    F.mse_loss(sub.target(x), x)',
      ].join('\n'),
      'model.py':
        'import torch\nclass Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = torch.nn.Linear(3, 2)\n    def forward(self, x):\n        return self.fc(x)\n',
      'pkg/sub.py': 'import torch\ndef target(x):\n    return torch.nn.Linear(3, 5)(x)\n',
    });
    const { file, text } = p.main('main.py');
    const result = checkSnippet(text, { imports: { file, resolve: p.resolve } });
    const shapes = result.calls!.map((c) => c.args.map((a) => (a.shape ? `[${a.shape.join(', ')}]` : 'unknown')));
    assert.deepEqual(shapes, [
      ['[B, 2]', '[B, 2]'],
      ['[B, 2]', '[B, 5]'],
      ['[B, 5]', '[B, 3]'],
    ]);
  });

  it('keeps an imported module’s globals its own', () => {
    const p = memory({
      'main.py': [
        'import torch',
        'import torch.nn.functional as F',
        'from model import make',
        'from jaxtyping import Float',
        'WIDTH = 3',
        'def step(x: Float[torch.Tensor, "B 3"]):',
        '    F.mse_loss(make(x), make(x))',
      ].join('\n'),
      'model.py': 'import torch\nWIDTH = 9\ndef make(x):\n    return torch.nn.Linear(3, WIDTH)(x)\n',
    });
    const { file, text } = p.main('main.py');
    const calls = checkSnippet(text, { imports: { file, resolve: p.resolve } }).calls!;
    assert.equal(calls[0]!.args[0]!.shape?.[1], 9);
  });

  it('leaves `import torch.nn` to the runtime’s torch when the project has no such module', () => {
    const p = memory({
      'main.py':
        'import torch.nn\nimport torch.nn.functional\nx = torch.tensor([[1.0, 2.0]])\nprint(torch.nn.functional.softmax(x, dim=1))\n',
    });
    const { file, text } = p.main('main.py');
    const run = runProgram(text, { imports: { file, resolve: p.resolve } });
    assert.equal(run.stdout, 'tensor([[0.2689, 0.7311]])\n');
  });

  it('leaves third-party imports unknown, silently', () => {
    const p = memory({
      'main.py':
        'import torch\nimport transformers\nfrom timm import create_model\nmodel = create_model("resnet18")\nloss = torch.nn.functional.cross_entropy(model(torch.randn(2, 3)), torch.tensor([0, 1]))\n',
    });
    const { file, text } = p.main('main.py');
    const result = checkSnippet(text, { imports: { file, resolve: p.resolve } });
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.equal(result.calls!.length, 1);
    assert.ok(result.calls![0]!.args[0]!.unknown);
  });

  it('reports a module’s own errors with that module, not with the file importing it', () => {
    const p = memory({
      'main.py': 'import torch\nfrom broken import f\nx = torch.randn(2, 3)\n',
      'broken.py': [
        'import torch',
        'bad = torch.nn.functional.cross_entropy(torch.randn(2, 3), torch.zeros(2, 1, dtype=torch.long))',
        'def f(x):',
        '    return torch.nn.functional.cross_entropy(x, torch.zeros(2, 1, dtype=torch.long))',
      ].join('\n'),
    });
    const { file, text } = p.main('main.py');
    assert.deepEqual(
      checkSnippet(text, { imports: { file, resolve: p.resolve } }).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    // The same module checked as the file itself reports its line 2.
    const own = p.main('broken.py');
    const errors = checkSnippet(own.text, { imports: { file: own.file, resolve: p.resolve } }).diagnostics.filter(
      (d) => d.severity === 'error',
    );
    assert.ok(errors.some((d) => d.line === 2));
  });

  it('ends a circular import with a located note, and the names defined so far', () => {
    const p = memory({
      'main.py': 'import torch\nimport a\nx = a.A\n',
      'a.py': 'A = 1\nimport b\n',
      'b.py': 'import a\nB = a.A\n',
    });
    const { file, text } = p.main('main.py');
    const notes = checkSnippet(text, { imports: { file, resolve: p.resolve } }).diagnostics.filter(
      (d) => d.code === 'runtime/import-cycle',
    );
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.line, 2);
    assert.equal(notes[0]!.severity, 'info');
    assert.match(notes[0]!.message, /Circular import: b\.py imports a while a is still being imported/);
    const zh = localizeDiagnostic(notes[0]!, 'zh-cn');
    for (const [en, cn] of [
      [notes[0]!.message, zh.message],
      [notes[0]!.explanation!, zh.explanation!],
      [notes[0]!.hint!, zh.hint!],
    ] as const)
      assert.deepEqual(translationProblems(en, cn), [], cn);
  });

  it('ends a module importing the checked file back with a note', () => {
    const p = memory({
      'train.py': 'import torch\nfrom model import Net\nLR = 0.1\n',
      'model.py': 'import train\nclass Net:\n    pass\n',
    });
    const { file, text } = p.main('train.py');
    const result = checkSnippet(text, { imports: { file, resolve: p.resolve } });
    const note = result.diagnostics.find((d) => d.code === 'runtime/import-cycle');
    assert.ok(note);
    assert.equal(note.line, 2);
    assert.match(note.message, /which is the file being checked/);
    const zh = localizeDiagnostic(note, 'zh-cn');
    assert.deepEqual(translationProblems(note.message, zh.message), [], zh.message);
  });

  it('localizes the note on an error raised inside an imported module', () => {
    const d = check('packages/bug/train.py').find((x) => x.raisedAt)!;
    const zh = localizeDiagnostic(d, 'zh-cn');
    assert.deepEqual(translationProblems(d.explanation!, zh.explanation!), [], zh.explanation);
    assert.match(zh.explanation!, /heads\.py 的第 6 行/);
  });

  it('parses each imported module once per content (a ModuleCache shared by runs)', () => {
    const cache = new ModuleCache();
    check('packages/bug/train.py', '2.x', cache);
    // config, nets/__init__, nets/encoder, nets/layers, nets/heads.
    assert.equal(cache.parses, 5);
    check('packages/bug/train.py', '2.x', cache);
    check('packages/ok/train.py', '2.x', cache);
    assert.equal(cache.parses, 10, 'the twin’s modules are other files');
    assert.equal(cache.hits, 5);
    // An edited module is parsed again; the others are not.
    const p = memory({ 'main.py': 'import m\n', 'm.py': 'X = 1\n' });
    const { file, text } = p.main('main.py');
    const run = (mText: string): void => {
      const edited = textsResolver(new Map([[path.resolve('/p/m.py'), mText]]), []);
      runProgram(text, { mode: 'shape', imports: { file, resolve: edited, cache } });
    };
    const before = cache.parses;
    run('X = 1\n');
    run('X = 1\n');
    run('X = 2\n');
    assert.equal(cache.parses - before, 2);
  });
});

describe('finding modules (src/imports.ts)', () => {
  it('lists where Python looks for a name: the importing file’s folder first, then the roots', () => {
    const from = path.resolve('/w/app/train.py');
    assert.deepEqual(moduleCandidates('pkg.sub', from, [path.resolve('/w')]), [
      path.resolve('/w/app/pkg/sub.py'),
      path.resolve('/w/app/pkg/sub/__init__.py'),
      path.resolve('/w/pkg/sub.py'),
      path.resolve('/w/pkg/sub/__init__.py'),
    ]);
    assert.deepEqual(moduleCandidates('..utils', from, [path.resolve('/w')]), [
      path.resolve('/w/utils.py'),
      path.resolve('/w/utils/__init__.py'),
    ]);
    assert.deepEqual(moduleCandidates('os; rm', from, []), []);
  });

  it('scans a text for the names it may import', () => {
    const text = [
      'import torch, numpy as np',
      'import pkg.sub as s  # comment',
      'from .model import Net, Head',
      'from . import data',
      'from config import (',
      '    A,',
      '    B as b,',
      ')',
      'def f():',
      '    import lazy',
    ].join('\n');
    assert.deepEqual(scanImports(text).sort(), [
      '.data',
      '.model',
      '.model.Head',
      '.model.Net',
      'config',
      'config.A',
      'config.B',
      'lazy',
      'numpy',
      'pkg.sub',
      'torch',
    ]);
  });

  it('collects a file’s modules through the modules they import, each read once', () => {
    const entry = path.join(root, 'packages/bug/train.py');
    const reads: string[] = [];
    const modules = collectModules(readFileSync(entry, 'utf8'), entry, [], (f) => {
      reads.push(f);
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    });
    assert.deepEqual([...modules.keys()].map((f) => path.relative(root, f).split(path.sep).join('/')).sort(), [
      'packages/bug/config.py',
      'packages/bug/nets/__init__.py',
      'packages/bug/nets/encoder.py',
      'packages/bug/nets/heads.py',
      'packages/bug/nets/layers.py',
    ]);
    assert.equal(new Set(reads).size, reads.length, 'no file read twice');
    // `from config import HIDDEN`: config.py is a plain module, so no config/HIDDEN.py is looked for.
    assert.ok(!reads.some((f) => f.includes(`config${path.sep}`)), reads.join('\n'));
  });

  it('collects modules whose names share a prefix (mod_1, mod_10)', () => {
    const texts = new Map([
      [path.resolve('/p/mod_1.py'), 'X = 1\n'],
      [path.resolve('/p/mod_10.py'), 'Y = 1\n'],
    ]);
    const found = collectModules('from mod_1 import X\nfrom mod_10 import Y\n', path.resolve('/p/train.py'), [], (f) =>
      texts.get(f),
    );
    assert.equal(found.size, 2);
  });

  it('reads a module file from disk again only when it changed (ModuleFileCache)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loss-lens-modules-'));
    const file = path.join(dir, 'model.py');
    writeFileSync(file, 'X = 1\n');
    const cache = new ModuleFileCache();
    assert.equal(cache.read(file), 'X = 1\n');
    assert.equal(cache.read(file), 'X = 1\n');
    assert.equal(cache.reads, 1);
    writeFileSync(file, 'X = 22\n');
    assert.equal(cache.read(file), 'X = 22\n');
    writeFileSync(file, 'X = 33\n');
    // Same size: the modification time tells.
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.equal(cache.read(file), 'X = 33\n');
    assert.equal(cache.reads, 3);
    assert.equal(cache.read(path.join(dir, 'missing.py')), undefined);
    assert.equal(cache.read(dir), undefined, 'a folder is not a module');
    assert.equal(new ModuleFileCache(4).read(file), undefined, 'over the size limit');
  });
});

/**
 * Why shape mode does not know a loss argument, in Chinese: the hover's `target unknown: ...` (describeCallArguments)
 * for every reason the check gives on real programs, the nested ones included (`an item of the result of calling
 * 'model', ...`). Each level of a reason comes out translated, code and names stay as written, English stays the
 * identity, and every form of the reason templates (UNKNOWN_REASONS_ZH) is reached by a real program.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompiledCatalog } from '../../../src/core/i18n/matcher';
import { UNKNOWN_REASONS_ZH } from '../../../src/core/i18n/zh-cn-runtime';
import { describeCallArguments } from '../../../src/core/runtime/shape-mode';
import { checkSnippet } from '../../../src/core/snippet/index';
import { hasCjk } from './checks';
import { snippetSources } from './corpus';
import { templateForms } from './forms';
import { englishProse } from './reader-messages';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport torchvision\nimport os\n';
/** A tensor shape mode knows only by its shape comment: `[B, 10]` with a symbolic batch size. */
const SYMBOLIC = 'x = model(1)  # [B, 10]\n';

/** Programs whose loss calls get each kind of unknown argument. */
const PROGRAMS: Record<string, string> = {
  'an undefined model': 'logits = model(x)\nloss = F.cross_entropy(logits, y)\n',
  'an item of an unknown': 'out = model(x)\nlogits = out[0]\nloss = F.cross_entropy(logits, torch.tensor([1]))\n',
  'a function of an unknown': 'loss = F.nll_loss(F.log_softmax(model(x), dim=1), torch.tensor([1]))\n',
  'an unknown index': 'x = torch.randn(8, 10)  # [B, 10]\ni = model(x)\nloss = F.mse_loss(x[i], x)\n',
  'a size from a shape': `${SYMBOLIC}n = x.shape[0]\nloss = F.mse_loss(n, x)\n`,
  'a float times a size': `${SYMBOLIC}n = x.shape[0] * 2.5\nloss = F.mse_loss(n, x)\n`,
  'an index of another kind': `${SYMBOLIC}loss = F.mse_loss(x[len], x)\n`,
  'a condition on a size': `${SYMBOLIC}y = x if x.shape[0] > 3 else x[0]\nloss = F.mse_loss(y, x)\n`,
  'a keyword of another kind': `${SYMBOLIC}y = torch.sum(x, dim=len)\nloss = F.mse_loss(y, x)\n`,
  'an argument of another kind': `${SYMBOLIC}y = torch.sum(x, len)\nloss = F.mse_loss(y, x)\n`,
  'a loss with options from elsewhere': `${SYMBOLIC}l = F.mse_loss(x, x, reduction=model)\nloss = F.mse_loss(l, l)\n`,
  'zeros of an unknown size': 'n = model(1)\nt = torch.zeros(n)\nloss = F.mse_loss(t, t)\n',
  'branches that disagree':
    'if os.environ.get("A"):\n    x = torch.randn(2, 3)\nelse:\n    x = torch.randn(2, 4)\nloss = F.mse_loss(x, x)\n',
  recursion: 'def f(n):\n    return f(n)\nx = f(torch.randn(2))\nloss = F.mse_loss(x, x)\n',
  'a loop run in part':
    'layers = []\nfor i in range(100000):\n    layers.append(torch.randn(2))\nx = layers[0]\nloss = F.mse_loss(x, x)\n',
  'a DataLoader of an unknown dataset':
    'from torch.utils.data import DataLoader\nloader = DataLoader(model, batch_size=4)\nfor xb, yb in loader:\n    loss = F.cross_entropy(xb, yb)\n',
  'an argument not given': `${SYMBOLIC}loss = F.mse_loss(x)\n`,
  'an argument that is no tensor': `${SYMBOLIC}loss = F.mse_loss(x, "a")\n`,
  'complex numbers': `${SYMBOLIC}y = x * 2j\nloss = F.mse_loss(y, x)\n`,
  'a ResNet stage of another width':
    'm = torchvision.models.resnet18()\nz = model(1)  # [B, 5, 32, 32]\ny = m.layer1(z)\nloss = F.mse_loss(y, y)\n',
  'children of a changed ResNet':
    'm = torchvision.models.resnet18()\ndel m.layer1\nc = m.children()\nloss = F.mse_loss(c, c)\n',
};

/** The Python files of the test fixtures and the examples (shape-corpus programs, projects, snippets). */
function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pythonFiles(p) : e.name.endsWith('.py') ? [p] : [];
  });
}

function reasonsOf(code: string): string[] {
  return (checkSnippet(code).calls ?? []).flatMap((c) =>
    c.args.flatMap((a) => (a.unknown !== undefined ? [a.unknown] : [])),
  );
}

const root = path.join(__dirname, '..', '..', '..');
const reasons = new Map<string, string>();
for (const [name, code] of Object.entries(PROGRAMS)) for (const r of reasonsOf(HEADER + code)) reasons.set(r, name);
for (const { name, code } of snippetSources()) for (const r of reasonsOf(code)) reasons.set(r, name);
for (const file of pythonFiles(path.join(root, 'test', 'fixtures'))) {
  for (const r of reasonsOf(fs.readFileSync(file, 'utf8'))) reasons.set(r, path.relative(root, file));
}

/** True for a reason that is code alone (`os.environ`, `torch.fft.fft`): it has no words to translate. */
const codeOnly = (reason: string): boolean =>
  englishProse(reason).length === 0 && !/[A-Za-z]{3,} [A-Za-z]{3,}/.test(reason);

describe('why shape mode does not know an argument, in Chinese', () => {
  it(`gives ${reasons.size} distinct reasons on real programs`, () => {
    assert.ok(reasons.size >= 30, [...reasons.keys()].join('\n'));
  });

  it('translates every level of every reason, keeping code and names', () => {
    const bad = [...reasons].flatMap(([reason, origin]) => {
      const zh = describeCallArguments([{ name: 'target', unknown: reason }], 'zh-cn');
      const shown = zh.replace(/^target 未知：/, '');
      const problems = [
        ...(zh.startsWith('target 未知：') ? [] : ['no Chinese frame']),
        ...(hasCjk(shown) || codeOnly(reason) ? [] : ['no Chinese']),
        ...englishProse(shown),
        ...(reason.match(/'[^']*'|\d+/g) ?? []).filter((c) => !shown.includes(c.replace(/^'(.*)'$/, '$1'))),
      ];
      return problems.length > 0 ? [`${origin}\n    en: ${reason}\n    zh: ${shown}\n    ${problems.join('; ')}`] : [];
    });
    assert.deepEqual(bad, []);
  });

  it('keeps English as it was', () => {
    for (const reason of reasons.keys()) {
      assert.equal(describeCallArguments([{ name: 'target', unknown: reason }], 'en'), `target unknown: ${reason}`);
      assert.equal(describeCallArguments([{ name: 'target', unknown: reason }]), `target unknown: ${reason}`);
    }
  });

  it('reaches every form of every reason template, at some level of a real reason', () => {
    // A nested reason ends with the one it wraps: each level is a suffix that starts at a word.
    const levels = [...reasons.keys()].flatMap((r) =>
      [0, ...[...r.matchAll(/ /g)].map((m) => m.index + 1)].map((i) => r.slice(i)),
    );
    const notReached = UNKNOWN_REASONS_ZH.flatMap(([english]) => templateForms(english)).filter((form) => {
      const catalog = new CompiledCatalog({ sentences: [[form, '-']], fragments: [] });
      return !levels.some((t) => catalog.translateWhole(t) !== undefined);
    });
    assert.deepEqual(notReached, []);
  });
});

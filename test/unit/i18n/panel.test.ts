/**
 * The breakdown panel's own errors in Chinese: what-if changes that cannot apply (panel/session.ts `applyWhatIf`,
 * each made to fail for real) and a computation without a result, localized as the panel's connection does
 * (localizeErrorText); errors from diagnostics keep PyTorch's message and get their cause and fix translated; English is
 * the identity.
 */
import * as assert from 'node:assert/strict';
import { localizeErrorText } from '../../../src/core/i18n/index';
import { CompiledCatalog } from '../../../src/core/i18n/matcher';
import { PANEL_ZH } from '../../../src/core/i18n/zh-cn-panel';
import { buildProgramReport } from '../../../src/core/report/program-report';
import { runLoss } from '../../../src/core/run';
import { evaluateSnippet } from '../../../src/core/snippet/index';
import { tensorFrom } from '../../../src/core/tensor';
import {
  applyWhatIf,
  LensSession,
  toErrorInfo,
  type ComputeRequest,
  type LossCatalogEntry,
} from '../../../src/panel/session';
import type { ErrorInfo } from '../../../src/protocol';
import { hasCjk, translationProblems } from './checks';
import { templateForms } from './forms';

const CATALOG: LossCatalogEntry[] = [
  {
    name: 'cross_entropy',
    summary: 'CE',
    inputs: ['input', 'target'],
    defaults: { weight: null, ignore_index: -100, reduction: 'mean', label_smoothing: 0 },
  },
  { name: 'mse_loss', summary: 'MSE', inputs: ['input', 'target'], defaults: { reduction: 'mean' } },
];

const request: ComputeRequest = {
  fn: 'cross_entropy',
  inputs: {
    input: tensorFrom([1, 0, -1, 0.5, 2, 0], [2, 3], 'float32'),
    target: tensorFrom([0, 2], [2], 'int64'),
  },
  options: {},
};
const result = runLoss({ loss: 'cross_entropy', inputs: request.inputs, options: {} }).results[0]!;

function failure(run: () => unknown): ErrorInfo {
  try {
    run();
  } catch (e) {
    return toErrorInfo(e);
  }
  assert.fail('the change applied');
}

describe("the breakdown panel's own errors in Chinese", () => {
  const errors: [string, ErrorInfo][] = [
    ['an unknown loss', failure(() => applyWhatIf(request, { kind: 'loss', fn: 'nope' }, { losses: CATALOG }))],
    [
      'weights counted for a loss without them',
      failure(() =>
        applyWhatIf(
          { ...request, fn: 'mse_loss' },
          { kind: 'weightsFromCounts', target: 'classWeights' },
          { losses: CATALOG, result },
        ),
      ),
    ],
    [
      'an edit before any result',
      failure(() =>
        applyWhatIf(request, { kind: 'editLogit', sample: 0, classIndex: 0, value: 1 }, { losses: CATALOG }),
      ),
    ],
    [
      'an edit of a large input',
      failure(() =>
        applyWhatIf(
          request,
          { kind: 'editLogit', sample: 0, classIndex: 0, value: 1 },
          { losses: CATALOG, result: { ...result, detail: 'summary' } },
        ),
      ),
    ],
    [
      'an edit of a computation without tensors',
      failure(() =>
        applyWhatIf(
          { ...request, inputs: {} },
          { kind: 'editLogit', sample: 0, classIndex: 0, value: 1 },
          { losses: CATALOG, result },
        ),
      ),
    ],
    [
      'an edit of a sample out of range',
      failure(() =>
        applyWhatIf(request, { kind: 'editLogit', sample: 9, classIndex: 0, value: 1 }, { losses: CATALOG, result }),
      ),
    ],
    [
      'an edit of a class out of range',
      failure(() =>
        applyWhatIf(request, { kind: 'editLogit', sample: 0, classIndex: 9, value: 1 }, { losses: CATALOG, result }),
      ),
    ],
  ];

  before(async () => {
    const session = new LensSession({ losses: CATALOG, compute: () => ({ results: [], diagnostics: [] }) });
    await session.show(request);
    errors.push(['a computation without a result', session.view().error!]);
  });

  it('translates each of them, keeping names and numbers', () => {
    const bad = errors.flatMap(([name, e]) => {
      const zh = localizeErrorText(e, 'zh-cn').message;
      const problems = translationProblems(e.message, zh);
      return problems.length > 0 ? [`${name}\n    en: ${e.message}\n    zh: ${zh}\n    ${problems.join('; ')}`] : [];
    });
    assert.deepEqual(bad, []);
  });

  it('keeps English the identity, and is idempotent in Chinese', () => {
    for (const [, e] of errors) {
      assert.equal(localizeErrorText(e, 'en'), e);
      const zh = localizeErrorText(e, 'zh-cn');
      assert.deepEqual(localizeErrorText(zh, 'zh-cn'), zh);
    }
  });

  it("keeps PyTorch's message of an error from a diagnostic and translates its cause and fix", () => {
    const d = runLoss({
      loss: 'cross_entropy',
      inputs: { input: request.inputs.input!, target: tensorFrom([0, 1, 2], [3], 'int64') },
      options: {},
    }).diagnostics.find((x) => x.severity === 'error')!;
    const e = toErrorInfo({ diagnostic: d });
    const zh = localizeErrorText(e, 'zh-cn');
    assert.equal(zh.message, e.message);
    assert.deepEqual(translationProblems(e.explanation!, zh.explanation!), []);
    assert.deepEqual(translationProblems(e.hint!, zh.hint!), []);
  });

  it('reaches every form of every panel template', () => {
    const notReached = PANEL_ZH.flatMap(([english]) => templateForms(english)).filter((form) => {
      const catalog = new CompiledCatalog({ sentences: [[form, '-']], fragments: [] });
      return !errors.some(([, e]) => catalog.translateWhole(e.message) !== undefined);
    });
    assert.deepEqual(notReached, []);
  });
});

describe("the program view's loss calls in Chinese", () => {
  // A program stops at its first error, as Python does: one program per error.
  const problems = (line: string): { en: string; zh: string } => {
    const evaluation = evaluateSnippet(`import torch\nimport torch.nn.functional as F\n${line}\n`);
    const en = buildProgramReport(evaluation, { id: 'p', title: 't' }).calls[0]!.problem!;
    const zh = buildProgramReport(evaluation, { id: 'p', title: 't', locale: 'zh-cn' }).calls[0]!.problem!;
    return { en, zh };
  };

  it("translates Loss Lens's own message of a call's problem", () => {
    const { en, zh } = problems(
      'a = F.cross_entropy(torch.tensor([[1., 2.]], dtype=torch.float16), torch.tensor([0]))',
    );
    assert.equal(en, "Loss Lens does not reproduce PyTorch 2.x's float16 CPU arithmetic for cross_entropy.");
    assert.ok(hasCjk(zh), zh);
    assert.deepEqual(translationProblems(en, zh), []);
  });

  it("keeps PyTorch's message of a call's problem", () => {
    const { en, zh } = problems(
      'b = F.cosine_embedding_loss(torch.randn(2, 3, 4), torch.randn(2, 3, 4), torch.ones(2))',
    );
    assert.match(en, /^1D target tensor expects 2D input tensors/);
    assert.equal(zh, en);
  });
});

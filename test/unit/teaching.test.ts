/**
 * The breakdown's teaching sections end to end: what the report carries (derivation, CE = H + KL, both smoothing
 * conventions, loss parts), the "weights from counts" what-if through the session, and the new views rendering user
 * text as text only.
 */
import * as assert from 'node:assert/strict';
import { findLoss, LOSSES } from '../../src/core/losses/index';
import type { LossInputs, LossOptions } from '../../src/core/losses/types';
import { buildReport, type LossReport } from '../../src/core/report/report';
import { runLoss } from '../../src/core/run';
import { tensorFrom, type Tensor } from '../../src/core/tensor';
import { applyWhatIf, LensSession, type ComputeRequest } from '../../src/panel/session';
import { isWhatIfChange, type WhatIfState } from '../../src/protocol';
import type { ViewActions } from '../../webview/views/actions';
import { derivationView } from '../../webview/views/derivation';
import { infoView } from '../../webview/views/info';
import { createTranslator } from '../../webview/views/l10n';
import { lossPartsView, smoothingComparisonView } from '../../webview/views/smoothing';
import { weightsFromCountsView } from '../../webview/views/weights';
import {
  materialize,
  type ComponentRenderers,
  type DocumentLike,
  type NodeLike,
  type VNode,
} from '../../webview/vnode';

const f32 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'float32');
const i64 = (values: number[], shape: number[]): Tensor => tensorFrom(values, shape, 'int64');
const SEED = { input: f32([1, 8, 1, 1, 1, 8], [2, 3]), target: i64([1, 2], [2]) };
const EVIL = '<img src=x onerror=alert(1)>';

function report(fn: string, inputs: LossInputs, options: LossOptions = {}, classNames?: string[]): LossReport {
  const result = findLoss(fn)!.compute(inputs, options);
  return buildReport(result, { inputs, ...(classNames ? { classNames } : {}) }).report;
}

describe('teaching sections of the report', () => {
  it('puts both label-smoothing conventions next to cross_entropy(label_smoothing=0.05): 0.2352 and 0.3518', () => {
    const r = report('cross_entropy', SEED, { label_smoothing: 0.05 });
    const s = r.smoothingComparison!;
    assert.equal((s.pytorch.value as number).toFixed(4), '0.2352');
    assert.equal((s.clamp.value as number).toFixed(4), '0.3518');
    assert.equal(s.shown, 'pytorch');
    assert.equal(s.crossEntropyLossComputes, 'pytorch');
    assert.equal(s.sameSettings, true);
    assert.equal(s.rows.length, 2);
    assert.equal(report('cross_entropy', SEED).smoothingComparison, undefined);
    const clamp = report('label_smoothing_clamp', SEED, { epsilon: 0.05 }).smoothingComparison!;
    assert.equal(clamp.shown, 'clamp');
    assert.equal((clamp.clamp.value as number).toFixed(4), '0.3518');
  });

  it('compares without ignored samples and says so', () => {
    const r = report(
      'cross_entropy',
      { input: f32([1, 8, 1, 1, 1, 8, 0, 0, 1], [3, 3]), target: i64([1, 2, -100], [3]) },
      { label_smoothing: 0.05 },
    );
    assert.equal(r.smoothingComparison!.sameSettings, false);
    assert.equal((r.smoothingComparison!.pytorch.value as number).toFixed(4), '0.2352');
  });

  it('checks CE = H + KL for probability targets, with H = 0 for one-hot rows', () => {
    const soft = report('cross_entropy', {
      input: f32([2, 0.5, -1, 0, 1, 3], [2, 3]),
      target: f32([0.7, 0.2, 0.1, 0, 0, 1], [2, 3]),
    });
    const info = soft.info!;
    assert.equal(info.identityHolds, true);
    assert.ok((info.maxResidual as number) < 1e-6);
    assert.equal(info.oneHot, false);
    assert.equal(info.rows[1]!.entropy, 0);
    assert.ok(Math.abs((info.rows[1]!.kl as number) - (info.rows[1]!.crossEntropy as number)) < 1e-7);
    const oneHot = report('cross_entropy', {
      input: f32([2, 0.5, -1, 0, 1, 3], [2, 3]),
      target: f32([1, 0, 0, 0, 0, 1], [2, 3]),
    });
    assert.equal(oneHot.info!.oneHot, true);
    assert.equal(report('cross_entropy', SEED).info, undefined);
    // [N, C, d] inputs: one row per position, read across the class axis.
    const spatialInputs = {
      input: f32([1, 2, 0, -1, 3, 0.5], [1, 3, 2]),
      target: f32([0.2, 0.5, 0.3, 0.25, 0.5, 0.25], [1, 3, 2]),
    };
    const spatial = findLoss('cross_entropy')!.compute(spatialInputs, { reduction: 'none', label_smoothing: 0.1 });
    const ce = Array.from(spatial.extras!.crossEntropy!.data);
    spatial.perSample.forEach((v, i) => assert.ok(Math.abs(v - ce[i]!) < 1e-6, `${v} vs ${ce[i]}`));
  });

  it('splits SCE into CE and RCE and focal loss into p_t, (1 − p_t)^γ, α_t per sample', () => {
    const sce = report('symmetric_cross_entropy', SEED).lossParts!;
    assert.deepEqual(sce.columns, ['CE', 'RCE', 'α·CE (α = 0.1)', 'β·RCE (β = 1)', 'ℓ']);
    assert.equal(sce.rows.length, 2);
    const focal = report('softmax_focal_loss', SEED).lossParts!;
    assert.deepEqual(focal.columns, ['p_t', '(1 − p_t)^γ (γ = 2)', 'α_t', '−log p_t', 'ℓ']);
    const sigmoid = report('sigmoid_focal_loss', {
      input: f32([0.5, -1, 2, 0], [2, 2]),
      target: f32([1, 0, 1, 1], [2, 2]),
    }).lossParts!;
    assert.deepEqual(
      sigmoid.rows.map((r) => r.label),
      ['[0, 0]', '[0, 1]', '[1, 0]', '[1, 1]'],
    );
  });

  it('carries the derivation for small inputs, and survives JSON (postMessage)', () => {
    const r = report('cross_entropy', SEED, { label_smoothing: 0.05 });
    assert.ok(r.derivation!.sections.length === 3);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    assert.equal(report('mse_loss', { input: f32([1, 2], [2]), target: f32([0, 1], [2]) }).derivation, undefined);
  });

  it('writes the formula of each new loss', () => {
    assert.match(report('symmetric_cross_entropy', SEED).formula, /α = 0\.1, β = 1, ε = 0\.0001/);
    assert.match(report('label_smoothing_clamp', SEED).formula, /ε\/\(C−1\)/);
    assert.match(report('softmax_focal_loss', SEED).formula, /\(1−p_t\)\^γ/);
    assert.equal(report('softmax_focal_loss', SEED).inputsLabel, 'logits');
  });
});

describe('weights from counts in the inspector', () => {
  const compute = (r: ComputeRequest): ReturnType<typeof runLoss> =>
    runLoss({ loss: r.fn, inputs: r.inputs, options: r.options });
  const imbalanced: ComputeRequest = {
    fn: 'cross_entropy',
    inputs: {
      input: f32(
        new Array(12).fill(0).map((_, k) => (k % 5) - 2),
        [4, 3],
      ),
      target: i64([0, 0, 0, 1], [4]),
    },
    options: {},
    classNames: ['cat', EVIL, 'bird'],
  };

  it('offers N/(C·n_c) class weights and applies them with one click', async () => {
    const session = new LensSession({ compute, losses: LOSSES });
    await session.show(imbalanced);
    const state = session.view().whatIf!;
    const suggested = state.weightsFromCounts!.classWeights!;
    assert.deepEqual(suggested.counts, [3, 1, 0]);
    assert.deepEqual(suggested.weights, [4 / 9, 4 / 3, 1]);
    assert.deepEqual(suggested.degenerate, [2]);
    await session.whatIf({ kind: 'weightsFromCounts', target: 'classWeights' });
    const after = session.view();
    assert.equal(after.error, undefined);
    assert.deepEqual(
      after.whatIf!.classWeights!.map((w) => Number(w.toFixed(6))),
      [0.444444, 1.333333, 1],
    );
    assert.equal(after.whatIf!.edited, true);
    session.dispose();
  });

  it('offers pos_weight = negatives / positives for BCE with logits: 1000 samples, 20 positives → 49', async () => {
    const labels = Array.from({ length: 1000 }, (_, k) => (k < 20 ? 1 : 0));
    const req: ComputeRequest = {
      fn: 'binary_cross_entropy_with_logits',
      inputs: {
        input: f32(
          labels.map((_, k) => ((k % 7) - 3) / 2),
          [1000, 1],
        ),
        target: f32(labels, [1000, 1]),
      },
      options: {},
    };
    const session = new LensSession({ compute, losses: LOSSES });
    await session.show(req);
    assert.deepEqual(session.view().whatIf!.weightsFromCounts!.posWeight!.weights, [49]);
    assert.equal(session.view().whatIf!.weightsFromCounts!.classWeights, undefined);
    await session.whatIf({ kind: 'weightsFromCounts', target: 'posWeight' });
    assert.deepEqual(session.view().whatIf!.posWeight, [49]);
    session.dispose();
  });

  it('refuses weights a loss does not take', () => {
    assert.throws(
      () =>
        applyWhatIf(
          { ...imbalanced, fn: 'mse_loss' },
          { kind: 'weightsFromCounts', target: 'classWeights' },
          { losses: LOSSES },
        ),
      /mse_loss takes no weight/,
    );
  });

  it('validates the new what-if message', () => {
    assert.ok(isWhatIfChange({ kind: 'weightsFromCounts', target: 'classWeights' }));
    assert.ok(isWhatIfChange({ kind: 'weightsFromCounts', target: 'posWeight' }));
    assert.ok(!isWhatIfChange({ kind: 'weightsFromCounts', target: 'weight' }));
    assert.ok(!isWhatIfChange({ kind: 'weightsFromCounts' }));
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The views, on a fake document that records how nodes were built.

interface Fake extends NodeLike {
  readonly tag: string;
  readonly text?: string;
  readonly attributes: Map<string, string>;
  readonly children: Fake[];
}

function fakeNode(
  tag: string,
  text?: string,
): Fake & {
  className: string;
  style: { setProperty(): void };
  setAttribute(n: string, v: string): void;
  appendChild(c: NodeLike): unknown;
  addEventListener(): void;
} {
  const node = {
    tag,
    ...(text !== undefined ? { text } : {}),
    nodeType: tag === '#text' ? 3 : 1,
    className: '',
    attributes: new Map<string, string>(),
    children: [] as Fake[],
    style: { setProperty: () => undefined },
    setAttribute(n: string, v: string) {
      node.attributes.set(n, v);
    },
    appendChild(c: NodeLike) {
      node.children.push(c as Fake);
      return c;
    },
    addEventListener: () => undefined,
  };
  return node;
}

const doc: DocumentLike = { createElement: (tag) => fakeNode(tag), createTextNode: (text) => fakeNode('#text', text) };
const textComponent = (strings: (string | undefined)[], nested: NodeLike[] = []): NodeLike => {
  const el = fakeNode('x-component');
  for (const s of strings) if (s !== undefined) el.appendChild(fakeNode('#text', s));
  for (const n of nested) el.appendChild(n);
  return el;
};
const renderers: ComponentRenderers = {
  button: (p) => textComponent([p.label, p.title]),
  badge: (p) => textComponent([p.text, p.title]),
  progress: (p) => textComponent([p.label]),
  dropdown: (p) => textComponent([p.label, ...p.options.map((o) => o.label)]),
  textField: (p) => textComponent([p.label, p.value]),
  numberField: (p) => textComponent([p.label, String(p.value)]),
  slider: (p) => textComponent([p.label, String(p.value)]),
  dataGrid: (p) =>
    textComponent([
      p.label,
      ...p.columns.map((c) => c.title),
      ...p.rows.flatMap((r) => p.columns.map((c) => r[c.key])),
    ]),
  tabs: (p, render) =>
    textComponent(
      p.tabs.map((t) => t.title),
      p.tabs.map((t) => render(t.content)),
    ),
  heatmap: (p) => textComponent([p.label]),
  plot: (p) => textComponent([p.label, p.xLabel]),
};

function texts(node: Fake, out: string[] = []): string[] {
  if (node.tag === '#text') out.push(node.text!);
  for (const c of node.children) texts(c, out);
  return out;
}

function elements(node: Fake, out: Fake[] = []): Fake[] {
  out.push(node);
  for (const c of node.children) elements(c, out);
  return out;
}

describe('teaching views', () => {
  const t = createTranslator({ derivSample: 'Sample {0} · target class {1}', smoothingTorchComputes: 'computes {1}' });
  const actions: ViewActions = {
    exportAs: () => undefined,
    setPinned: () => undefined,
    openBreakdown: () => undefined,
    reveal: () => undefined,
    selectSample: () => undefined,
    whatIf: () => undefined,
    openHistory: () => undefined,
    selectTab: () => undefined,
  };
  const render = (v: VNode | null): Fake => materialize(v!, doc, renderers) as Fake;

  it('renders the derivation, the information table, both conventions and the loss parts as text', () => {
    const ce = report('cross_entropy', SEED, { label_smoothing: 0.05 });
    const derivation = texts(render(derivationView(ce, t)));
    assert.ok(derivation.includes('Sample 0 · target class 1'));
    assert.ok(derivation.some((s) => s.startsWith('ℓ₀ = (1 − 0.05) × (−ln(0.9981796))')));
    assert.ok(texts(render(smoothingComparisonView(ce, t))).includes('computes 0.2352'));
    const soft = report('cross_entropy', {
      input: f32([2, 0.5, -1, 0, 1, 3], [2, 3]),
      target: f32([0.7, 0.2, 0.1, 0, 0, 1], [2, 3]),
    });
    assert.ok(texts(render(infoView(soft, t))).includes('0.8413'));
    assert.ok(texts(render(lossPartsView(report('symmetric_cross_entropy', SEED), t))).includes('RCE'));
    assert.equal(derivationView(report('mse_loss', { input: f32([1], [1]), target: f32([0], [1]) }), t), null);
  });

  it(`shows a class name ${EVIL} as text in the weights-from-counts view`, () => {
    const state: WhatIfState = {
      fn: 'cross_entropy',
      losses: [],
      reduction: 'mean',
      reductions: [],
      labelSmoothing: 0,
      ignoreIndex: -100,
      supportsClassWeights: true,
      classWeights: null,
      supportsPosWeight: false,
      posWeight: null,
      classNames: ['cat', EVIL],
      labelNames: [],
      edited: false,
      canEditInputs: true,
      weightsFromCounts: {
        classWeights: { weights: [0.75, 1.5], counts: [2, 1], degenerate: [1], formula: 'N / (C·n_c)' },
      },
    };
    const root = render(weightsFromCountsView(state, t, actions));
    for (const el of elements(root)) {
      assert.notEqual(el.tag, 'img');
      for (const name of el.attributes.keys()) assert.ok(!/^on/i.test(name));
    }
    assert.ok(texts(root).includes(EVIL));
    assert.ok(texts(root).some((s) => s.includes('0.7500')));
  });
});

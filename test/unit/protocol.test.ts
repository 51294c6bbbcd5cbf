/**
 * The host ↔ webview boundary: message validation, the page's CSP, l10n completeness, that user text only ever
 * reaches the DOM as text, and the session behind both webviews (paging, what-if, history, exports).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../../src/core/diagnostics';
import type { LossInputs, LossOptions, LossResult } from '../../src/core/losses/types';
import { buildReport, type LossReport, type ReportRow } from '../../src/core/report/report';
import { float64, tensorFrom } from '../../src/core/tensor';
import { buildWebviewHtml, contentSecurityPolicy, createNonce } from '../../src/panel/html';
import { applyWhatIf, LensSession, type ComputeRequest, type LossCatalogEntry } from '../../src/panel/session';
import {
  formatTemplate,
  parseWebviewMessage,
  WEBVIEW_STRING_KEYS,
  type HistoryEntry,
  type WebviewToHost,
  type WhatIfState,
} from '../../src/protocol';
import type { ViewActions } from '../../webview/views/actions';
import { classesView, gradientView } from '../../webview/views/breakdown';
import { tableColumns } from '../../webview/views/columns';
import { createTranslator } from '../../webview/views/l10n';
import { sampleDetailsView } from '../../webview/views/sample';
import { headerView, overviewView, warningsView } from '../../webview/views/summary';
import { historyView, whatIfView } from '../../webview/views/whatIf';
import {
  h,
  materialize,
  type ComponentRenderers,
  type DocumentLike,
  type ElementLike,
  type NodeLike,
  type VNode,
} from '../../webview/vnode';

const ROOT = path.join(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------------------------
// A fake document that records exactly how nodes were built.

class FakeNode implements ElementLike {
  readonly nodeType: number;
  className = '';
  readonly attributes = new Map<string, string>();
  readonly styles = new Map<string, string>();
  readonly children: FakeNode[] = [];
  readonly listeners: string[] = [];
  readonly style = { setProperty: (name: string, value: string) => void this.styles.set(name, value) };
  constructor(
    readonly tag: string,
    readonly text?: string,
  ) {
    this.nodeType = tag === '#text' ? 3 : 1;
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  appendChild(child: NodeLike): unknown {
    this.children.push(child as FakeNode);
    return child;
  }
  addEventListener(type: string): void {
    this.listeners.push(type);
  }
  get textContent(): string {
    return this.text ?? this.children.map((c) => c.textContent).join('');
  }
  *walk(): Generator<FakeNode> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

const fakeDocument: DocumentLike = {
  createElement: (tag) => new FakeNode(tag),
  createTextNode: (text) => new FakeNode('#text', text),
};

/** Components render their visible strings as text nodes, as the real ones do with textContent. */
function fakeComponent(name: string, strings: (string | undefined)[], nested: NodeLike[] = []): FakeNode {
  const el = new FakeNode(`x-${name}`);
  for (const s of strings) if (s !== undefined) el.appendChild(new FakeNode('#text', s));
  for (const n of nested) el.appendChild(n);
  return el;
}

const fakeRenderers: ComponentRenderers = {
  button: (p) => fakeComponent('button', [p.label, p.title]),
  badge: (p) => fakeComponent('badge', [p.text, p.title]),
  progress: (p) => fakeComponent('progress', [p.label]),
  dropdown: (p) => fakeComponent('dropdown', [p.label, ...p.options.map((o) => o.label)]),
  textField: (p) => fakeComponent('textField', [p.label, p.value]),
  numberField: (p) => fakeComponent('numberField', [p.label, String(p.value)]),
  slider: (p) => fakeComponent('slider', [p.label, String(p.value)]),
  dataGrid: (p) =>
    fakeComponent('dataGrid', [
      p.label,
      ...p.columns.map((c) => c.title),
      ...p.rows.flatMap((r) => p.columns.map((c) => r[c.key])),
    ]),
  tabs: (p, render) =>
    fakeComponent(
      'tabs',
      p.tabs.map((t) => t.title),
      p.tabs.map((t) => render(t.content)),
    ),
  heatmap: (p) => fakeComponent('heatmap', [p.label, ...p.columnNames]),
  plot: (p) => fakeComponent('plot', [p.label, p.xLabel]),
};

function render(node: VNode): FakeNode {
  return materialize(node, fakeDocument, fakeRenderers) as FakeNode;
}

const noActions: ViewActions = {
  exportAs: () => undefined,
  setPinned: () => undefined,
  openBreakdown: () => undefined,
  reveal: () => undefined,
  selectSample: () => undefined,
  whatIf: () => undefined,
  openHistory: () => undefined,
  selectTab: () => undefined,
};

const EVIL = '<img src=x onerror=alert(1)>';

// ---------------------------------------------------------------------------------------------------------------
// A small classification result, built by hand.

function tinyResult(inputs: LossInputs, options: LossOptions): LossResult {
  const x = inputs.input!;
  const [n, c] = x.shape as [number, number];
  const probs: number[] = [];
  const logp: number[] = [];
  const perSample = new Float64Array(n);
  const t = inputs.target!;
  for (let i = 0; i < n; i++) {
    const row = Array.from(x.data.subarray(i * c, i * c + c));
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    probs.push(...row.map((v) => Math.exp(v - lse)));
    logp.push(...row.map((v) => v - lse));
    perSample[i] = lse - row[t.data[i]!]!;
  }
  const numerator = perSample.reduce((s, v) => s + v, 0);
  const reduction = (options.reduction as 'mean' | 'sum' | 'none' | undefined) ?? 'mean';
  const value = reduction === 'sum' ? numerator : numerator / n;
  return {
    fn: 'cross_entropy',
    value,
    output: float64([value], []),
    perElement: float64(Array.from(perSample), [n]),
    perSample,
    reduction: {
      reduction,
      numerator,
      denominator: reduction === 'sum' ? 1 : n,
      denominatorLabel: `N = ${n}`,
      why: 'mean',
    },
    classification: {
      classDim: 1,
      numClasses: c,
      probabilities: float64(probs, [n, c]),
      logProbabilities: float64(logp, [n, c]),
      targetClass: Int32Array.from(t.data),
      targetProbability: Float64Array.from({ length: n }, (_, i) => probs[i * c + t.data[i]!]!),
      predictedClass: new Int32Array(n),
      sampleWeight: new Float64Array(n).fill(1),
      ignored: new Uint8Array(n),
    },
    gradient: { input: float64(new Array<number>(n * c).fill(0.1), [n, c]) },
    warnings: [],
    options: { weight: null, ignore_index: -100, reduction, label_smoothing: 0, ...options },
  };
}

const CATALOG: LossCatalogEntry[] = [
  {
    name: 'cross_entropy',
    summary: 'CE',
    inputs: ['input', 'target'],
    defaults: { weight: null, ignore_index: -100, reduction: 'mean', label_smoothing: 0 },
  },
  { name: 'mse_loss', summary: 'MSE', inputs: ['input', 'target'], defaults: { reduction: 'mean' } },
];

function request(n = 3, title = 'train.py:12'): ComputeRequest {
  const values = Array.from({ length: n * 3 }, (_, k) => (k % 4) - 1);
  return {
    fn: 'cross_entropy',
    title,
    inputs: {
      input: tensorFrom(values, [n, 3], 'float32'),
      target: tensorFrom(
        Array.from({ length: n }, (_, i) => i % 3),
        [n],
        'int64',
      ),
    },
    options: {},
    classNames: ['cat', EVIL, 'bird'],
    source: 'file:///train.py',
    sampleRanges: Array.from({ length: n }, (_, i) => ({ line: i + 1, column: 1, endLine: i + 1, endColumn: 5 })),
  };
}

function tinyReport(classNames: string[] = ['cat', EVIL, 'bird']): { report: LossReport; rows: ReportRow[] } {
  const req = request();
  const model = buildReport(tinyResult(req.inputs, {}), { inputs: req.inputs, classNames, title: EVIL });
  return { report: model.report, rows: model.rows(0, 10) };
}

// ---------------------------------------------------------------------------------------------------------------

describe('protocol', () => {
  describe('parseWebviewMessage', () => {
    const valid: WebviewToHost[] = [
      { type: 'ready', role: 'inspector' },
      {
        type: 'requestRows',
        reportId: 'h1.1',
        requestId: 3,
        offset: 200,
        count: 200,
        sort: { key: 'loss', descending: true },
      },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'labelSmoothing', value: 0.1 } },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'classWeights', weights: [1, 2, 0.5] } },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'posWeight', weights: null } },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'editLogit', sample: 2, classIndex: 1, value: -3.5 } },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'editTarget', sample: 0, classIndex: -1, value: 2 } },
      { type: 'whatIf', reportId: 'h1.1', change: { kind: 'reset' } },
      { type: 'openHistory', entryId: 'h3' },
      { type: 'pin', pinned: true },
      { type: 'export', format: 'csv' },
      { type: 'revealSample', reportId: 'h1.1', sampleIndex: 7 },
      { type: 'openBreakdown' },
      { type: 'showProgramCall', programId: 'program-1', callIndex: 2 },
      { type: 'anotherDraw', programId: 'program-1' },
      { type: 'revealProgramLine', programId: 'program-1', line: 25, column: 8 },
    ];
    for (const message of valid) {
      it(`accepts ${message.type}${'change' in message ? ` (${message.change.kind})` : ''}`, () => {
        assert.deepEqual(parseWebviewMessage(JSON.parse(JSON.stringify(message))), message);
      });
    }
    const invalid: unknown[] = [
      null,
      'ready',
      { type: 'ready', role: 'admin' },
      { type: 'nope' },
      {
        type: 'requestRows',
        reportId: 'a',
        requestId: 1,
        offset: -1,
        count: 10,
        sort: { key: 'loss', descending: true },
      },
      {
        type: 'requestRows',
        reportId: 'a',
        requestId: 1,
        offset: 0,
        count: 10,
        sort: { key: 'evil', descending: true },
      },
      { type: 'whatIf', reportId: 'a', change: { kind: 'labelSmoothing', value: 'NaN' } },
      { type: 'whatIf', reportId: 'a', change: { kind: 'ignoreIndex', value: 1.5 } },
      { type: 'whatIf', reportId: 'a', change: { kind: 'classWeights', weights: [1, null] } },
      { type: 'whatIf', reportId: 'a', change: { kind: 'editLogit', sample: -1, classIndex: 0, value: 1 } },
      { type: 'whatIf', reportId: 'a', change: { kind: 'drop-tables' } },
      { type: 'export', format: 'exe' },
      { type: 'pin', pinned: 'yes' },
      { type: 'showProgramCall', programId: 'program-1', callIndex: -1 },
      { type: 'showProgramCall', programId: 'program-1', callIndex: 0.5 },
      { type: 'anotherDraw' },
      { type: 'anotherDraw', programId: 7 },
      { type: 'revealProgramLine', programId: 'program-1', line: 0, column: 1 },
      { type: 'revealProgramLine', programId: 'program-1', line: 3 },
    ];
    it('rejects malformed messages', () => {
      for (const message of invalid) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
    });
  });

  it('fills {0}-style templates and leaves unknown placeholders alone', () => {
    assert.equal(formatTemplate('{0} of {1}', 3, 'ten'), '3 of ten');
    assert.equal(formatTemplate('Row {0}, column {1}', 5), 'Row 5, column {1}');
  });

  it('has unique string keys', () => {
    assert.equal(new Set(WEBVIEW_STRING_KEYS).size, WEBVIEW_STRING_KEYS.length);
  });

  describe('page', () => {
    const nonce = createNonce();
    const html = buildWebviewHtml({
      cspSource: 'https://x.vscode-cdn.net',
      scriptUri: 'https://x.vscode-cdn.net/dist/webview/webview.js',
      styleUri: 'https://x.vscode-cdn.net/media/lossLens.css',
      nonce,
      role: 'breakdown',
      lang: 'zh-cn',
      title: 'Loss Lens',
    });

    it('sets a strict CSP with a fresh nonce', () => {
      assert.equal(
        contentSecurityPolicy('https://x.vscode-cdn.net', nonce),
        `default-src 'none'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; script-src 'nonce-${nonce}'`,
      );
      assert.ok(html.includes('http-equiv="Content-Security-Policy"'));
      assert.notEqual(createNonce(), nonce);
      assert.ok(Buffer.from(nonce, 'base64').length >= 16);
    });

    it('has no inline script or style the CSP would block', () => {
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      assert.equal(scripts.length, 1);
      assert.ok(scripts[0]!.includes(`nonce="${nonce}"`) && scripts[0]!.includes('src='));
      assert.match(html, /<script[^>]*><\/script>/);
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
      assert.ok(html.includes('data-role="breakdown"'));
      assert.ok(html.includes('<html lang="zh-cn">'));
    });
  });

  it('has a Chinese translation for every host-side string', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<
      string,
      string
    >;
    const dir = path.join(ROOT, 'src', 'panel');
    const missing: string[] = [];
    let found = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/\bt\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g)) {
        const key = (m[1] ?? m[2]!).replace(/\\(.)/g, '$1');
        found++;
        if (!bundle[key]) missing.push(`${file}: ${key}`);
      }
    }
    assert.ok(found > WEBVIEW_STRING_KEYS.length, `found ${found} l10n.t calls`);
    assert.deepEqual(missing, []);
  });

  describe('webview rendering of user text', () => {
    it('never uses an HTML sink anywhere in webview/ or src/panel/', () => {
      const sinks =
        /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\.srcdoc\b|createContextualFragment|new DOMParser/;
      const offenders: string[] = [];
      const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name.endsWith('.ts') && sinks.test(fs.readFileSync(full, 'utf8')))
            offenders.push(path.relative(ROOT, full));
        }
      };
      walk(path.join(ROOT, 'webview'));
      walk(path.join(ROOT, 'src', 'panel'));
      assert.deepEqual(offenders, []);
    });

    it('refuses event-handler, style and script attributes and elements', () => {
      assert.throws(() => h('div', { attrs: { onclick: 'x' } }));
      assert.throws(() => h('div', { attrs: { OnMouseOver: 'x' } }));
      assert.throws(() => h('div', { attrs: { style: 'color:red' } }));
      assert.throws(() => h('script', null));
      assert.throws(() => h('img onerror=x', null));
      const forged: VNode = { kind: 'element', tag: 'div', attrs: { onload: 'x' }, children: [] };
      assert.throws(() => render(forged));
    });

    it(`shows a class name ${EVIL} as text in every view`, () => {
      const { report, rows } = tinyReport();
      const t = createTranslator({});
      const whatIf: WhatIfState = {
        fn: 'cross_entropy',
        losses: [{ name: 'cross_entropy', summary: EVIL }],
        reduction: 'mean',
        reductions: ['none', 'mean', 'sum'],
        labelSmoothing: 0,
        ignoreIndex: -100,
        supportsClassWeights: true,
        classWeights: [1, 1, 1],
        supportsPosWeight: false,
        posWeight: null,
        classNames: report.classNames,
        labelNames: [],
        edited: true,
        canEditInputs: true,
      };
      const history: HistoryEntry[] = [
        {
          id: 'h1',
          title: EVIL,
          fn: 'cross_entropy',
          valueText: '0.5',
          time: 0,
          pinned: true,
          edited: false,
          failed: false,
        },
      ];
      const views: VNode[] = [
        headerView(
          { report, role: 'inspector', pinned: false, stale: false, edited: false, busy: true, locale: 'en' },
          t,
          noActions,
        ),
        classesView(report, t)!,
        gradientView(report, t),
        overviewView({ ...report, options: [{ name: 'reduction', text: `'${EVIL}'` }] }, t),
        warningsView(
          { ...report, warnings: [{ severity: 'warning', code: 'c', message: EVIL, explanation: EVIL, hint: EVIL }] },
          t,
        ),
        sampleDetailsView(report, rows[1], t, noActions, true),
        whatIfView(whatIf, t, noActions),
        historyView(history, 'h1', t, noActions, 'en'),
      ];
      views.forEach((view, k) => {
        const root = render(view);
        let seenAsText = false;
        for (const node of root.walk()) {
          assert.notEqual(node.tag, 'img');
          assert.notEqual(node.tag, 'script');
          for (const name of node.attributes.keys()) assert.ok(!/^on/i.test(name), `attribute ${name}`);
          if (node.tag === '#text' && node.text!.includes(EVIL)) seenAsText = true;
        }
        assert.ok(seenAsText, `view ${k}: the name shows as text`);
        assert.ok(root.textContent.includes(EVIL));
      });
    });

    it('builds table cells as plain text, with the target class name', () => {
      const { report, rows } = tinyReport();
      const columns = tableColumns(report, createTranslator({}));
      const target = columns.find((c) => c.id === 'target')!;
      assert.equal(target.text(rows[1]!), `${EVIL} (1)`);
      assert.deepEqual(
        columns.map((c) => c.id),
        ['index', 'target', 'predicted', 'pTarget', 'negLogP', 'weight', 'loss', 'share', 'contribution'],
      );
    });

    it('sizes bars through CSSOM style properties, never a style attribute', () => {
      const { report, rows } = tinyReport();
      const root = render(sampleDetailsView(report, rows[0], createTranslator({}), noActions, false));
      const fills = [...root.walk()].filter((n) => n.className === 'll-bar-fill');
      assert.equal(fills.length, 3);
      for (const f of fills) {
        assert.match(f.styles.get('width')!, /^\d+(\.\d+)?%$/);
        assert.ok(!f.attributes.has('style'));
      }
    });
  });
});

describe('session', () => {
  function makeSession(opts: { fail?: (r: ComputeRequest) => Diagnostic | undefined; historyLimit?: number } = {}) {
    const seen: ComputeRequest[] = [];
    const session = new LensSession({
      losses: CATALOG,
      historyLimit: opts.historyLimit ?? 20,
      firstPageSize: 2,
      now: () => 1000,
      compute: (r) => {
        seen.push(r);
        const failure = opts.fail?.(r);
        if (failure) return { results: [], diagnostics: [failure] };
        return { results: [tinyResult(r.inputs, r.options)], diagnostics: [] };
      },
    });
    const changes: string[] = [];
    session.onDidChange((c) => changes.push(c.kind));
    return { session, seen, changes };
  }

  it('shows a computation with its first page and what-if state', async () => {
    const { session, changes } = makeSession();
    await session.show(request(5));
    const view = session.view();
    assert.ok(view.report);
    assert.equal(view.report.firstPage.rows.length, 2);
    assert.equal(view.report.firstPage.total, 5);
    assert.equal(view.report.stale, false);
    assert.equal(view.whatIf!.labelSmoothing, 0);
    assert.equal(view.whatIf!.ignoreIndex, -100);
    assert.equal(view.whatIf!.supportsClassWeights, true);
    assert.deepEqual(view.whatIf!.reductions, ['none', 'mean', 'sum']);
    assert.ok(changes.includes('view') && changes.includes('busy') && changes.includes('history'));
    const page = session.rows(view.report.model.report.id, 7, 3, 10, { key: 'index', descending: false });
    assert.deepEqual(
      page!.rows.map((r) => r.index),
      [3, 4],
    );
    assert.equal(page!.requestId, 7);
    assert.equal(session.rows('gone', 1, 0, 10, { key: 'index', descending: false }), undefined);
  });

  it('recomputes what-if changes through compute and can reset', async () => {
    const { session, seen } = makeSession();
    await session.show(request());
    await session.whatIf({ kind: 'labelSmoothing', value: 0.2 });
    assert.equal(seen.at(-1)!.options.label_smoothing, 0.2);
    await session.whatIf({ kind: 'classWeights', weights: [1, 2, 3] });
    const weight = seen.at(-1)!.options.weight;
    assert.ok(weight && typeof weight === 'object');
    assert.deepEqual(Array.from(weight.data), [1, 2, 3]);
    assert.equal(weight.dtype, 'float32');
    await session.whatIf({ kind: 'editLogit', sample: 1, classIndex: 2, value: 9 });
    assert.equal(seen.at(-1)!.inputs.input!.data[1 * 3 + 2], 9);
    await session.whatIf({ kind: 'editTarget', sample: 2, classIndex: -1, value: 0 });
    assert.equal(seen.at(-1)!.inputs.target!.data[2], 0);
    assert.equal(session.view().whatIf!.edited, true);
    assert.deepEqual(session.history().entries[0]!.edited, true);
    await session.whatIf({ kind: 'reset' });
    assert.deepEqual(seen.at(-1)!.options, {});
    assert.equal(session.view().whatIf!.edited, false);
  });

  it('switching the loss keeps only the options the new loss takes', () => {
    const req = { ...request(), options: { label_smoothing: 0.1, reduction: 'sum' } };
    const next = applyWhatIf(req, { kind: 'loss', fn: 'mse_loss' }, { losses: CATALOG });
    assert.equal(next.fn, 'mse_loss');
    assert.deepEqual(next.options, { reduction: 'sum' });
    assert.throws(() => applyWhatIf(req, { kind: 'loss', fn: 'nope' }, { losses: CATALOG }));
  });

  it('keeps the last good report on screen when a what-if fails', async () => {
    const { session } = makeSession({
      fail: (r) =>
        typeof r.options.label_smoothing === 'number' && r.options.label_smoothing > 1
          ? {
              severity: 'error',
              code: 'loss/label-smoothing',
              message: 'RuntimeError: label_smoothing must be between 0.0 and 1.0. Got: 2',
              hint: 'Use 0…1.',
              line: 1,
              column: 1,
              endLine: 1,
              endColumn: 1,
            }
          : undefined,
    });
    await session.show(request());
    const good = session.view().report!.model.report.id;
    await session.whatIf({ kind: 'labelSmoothing', value: 2 });
    const view = session.view();
    assert.equal(view.report!.model.report.id, good);
    assert.equal(view.report!.stale, true);
    assert.match(view.error!.message, /^RuntimeError: label_smoothing/);
    assert.equal(view.whatIf!.labelSmoothing, 2);
    assert.equal(session.history().entries[0]!.failed, true);
  });

  it('keeps the last 20 computations, never dropping pinned ones, and reopens them', async () => {
    const { session } = makeSession();
    await session.show(request(3, 'first'));
    session.setPinned(true);
    for (let k = 0; k < 25; k++) await session.show(request(3, `run ${k}`));
    const { entries, currentId } = session.history();
    assert.equal(entries.length, 20);
    // Pinned: the view stayed on the first computation; the others went to the history.
    assert.equal(entries.find((e) => e.id === currentId)!.title, 'first');
    assert.equal(entries[0]!.title, 'run 24');
    session.setPinned(false);
    session.open(entries[0]!.id);
    assert.equal(session.view().report!.model.report.title, 'run 24');
    await session.show(request(3, 'latest'));
    assert.equal(session.view().report!.model.report.title, 'latest');
  });

  it('exports the shown report and locates samples for reveal', async () => {
    const { session } = makeSession();
    assert.equal(session.exportText('json'), undefined);
    await session.show(request());
    const snippet = session.exportText('snippet')!;
    assert.match(snippet.text, /^import torch\n/);
    assert.ok(snippet.text.includes('F.cross_entropy(input, target'));
    assert.equal(JSON.parse(session.exportText('json')!.text).rows.length, 3);
    assert.equal(session.exportText('csv')!.text.split('\n')[0]!.split(',')[0], 'index');
    const id = session.view().report!.model.report.id;
    const location = session.sampleLocation(id, 2)!;
    assert.deepEqual(location.range, { line: 3, column: 1, endLine: 3, endColumn: 5 });
    assert.equal(location.request.source, 'file:///train.py');
  });
});

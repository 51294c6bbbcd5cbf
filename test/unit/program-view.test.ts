/**
 * A whole program in the breakdown: the report model built from the core's run (output, loss calls with their loops,
 * hand-written losses beside their built-in, the random draw), the session that shows it (the call picker, "another
 * draw" with the next seed, pinning) and the view that draws it (the user's text as text, never markup).
 *
 * Expected numbers come from PyTorch: test/fixtures/draws/*.json (scripts/fixtures/gen_draws.py, both oracles).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatValue } from '../../src/core/report/format';
import { localizeDiagnostic } from '../../src/core/i18n/index';
import { LOSSES } from '../../src/core/losses/index';
import {
  buildProgramReport,
  cutOutput,
  MAX_OUTPUT_LINES,
  programOutput,
  type ProgramReport,
} from '../../src/core/report/program-report';
import { runLoss } from '../../src/core/run';
import { evaluateSnippet, type SnippetEvaluation } from '../../src/core/snippet/index';
import type { ComputeRequest, ProgramRequest } from '../../src/panel/session';
import { LensSession } from '../../src/panel/session';
import { createTranslator } from '../../webview/views/l10n';
import { callPlace, fillNodes, programView, type ProgramActions } from '../../webview/views/program';
import type { VNode } from '../../webview/vnode';

const root = path.join(__dirname, '..', '..');
const programText = fs.readFileSync(path.join(root, 'examples', 'random-smoothing.py'), 'utf8');

interface DrawFixture {
  readonly torch: string;
  readonly draws: readonly {
    readonly seed: number;
    readonly stdout: string;
    readonly values: { readonly loss: number; readonly builtin: number };
  }[];
}
const oracles: readonly [string, '2.x' | '1.13'][] = [
  ['random-smoothing.2.x.json', '2.x'],
  ['random-smoothing.1.13.json', '1.13'],
];
function fixture(file: string): DrawFixture {
  return JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'draws', file), 'utf8')) as DrawFixture;
}

function close(a: number, b: number, rtol = 1e-5): boolean {
  return Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));
}

/** Every text in a view description (components excluded). */
function texts(node: VNode): string[] {
  if (node.kind === 'text') return [node.text];
  if (node.kind === 'element') return node.children.flatMap(texts);
  return [];
}

/** Every element of a description, depth first. */
function elements(node: VNode): Extract<VNode, { kind: 'element' }>[] {
  if (node.kind !== 'element') return [];
  return [node, ...node.children.flatMap(elements)];
}

const compute = (r: ComputeRequest) => runLoss({ loss: r.fn, inputs: r.inputs, options: r.options });

/** What the selection command builds, without VS Code: a report, a request per computed call, and redraw. */
function programRequest(text: string, seed?: number): ProgramRequest {
  const evaluation = evaluateSnippet(text, seed !== undefined ? { seed } : {});
  return {
    report: buildProgramReport(evaluation, { id: `p-${seed ?? 0}`, title: 'random-smoothing.py:1' }),
    callRequests: evaluation.calls.map((c) =>
      c.result && c.computed
        ? { fn: c.fn, inputs: c.computed.inputs, options: c.computed.options, title: `line ${c.range.line}` }
        : undefined,
    ),
    source: 'file:///examples/random-smoothing.py',
    redraw: (next) => programRequest(text, next),
  };
}

describe('a whole program in the breakdown', () => {
  describe('the report model', () => {
    for (const [file, torchVersion] of oracles) {
      const labelled = fixture(file);
      for (const draw of labelled.draws) {
        it(`shows PyTorch ${labelled.torch}'s output and values for seed ${draw.seed}`, () => {
          const evaluation = evaluateSnippet(programText, { seed: draw.seed, torchVersion });
          const report = buildProgramReport(evaluation, { id: 'p', title: 't' });
          assert.equal(report.output, draw.stdout);
          assert.equal(report.outputCut, null);
          assert.deepEqual(report.randomDraw, { seed: draw.seed, libraries: ['torch'] });
          // The hand-written loss and the built-in it resembles, each with PyTorch's value.
          assert.equal(report.customLosses.length, 1);
          const custom = report.customLosses[0]!;
          assert.equal(custom.name, 'LabelSmoothingLoss');
          assert.equal(custom.line, 25);
          assert.equal(custom.valueText, formatValue(draw.values.loss));
          assert.equal(custom.builtin?.label, 'nn.CrossEntropyLoss(label_smoothing=0.05)');
          assert.equal(custom.builtin?.valueText, formatValue(draw.values.builtin));
          assert.ok(custom.builtin?.reason, 'the two differ, so there is a reason');
          assert.ok(close(evaluation.customLosses![0]!.value[0]!, draw.values.loss));
          // The built-in call the program makes itself, with its line.
          assert.equal(report.calls.length, 1);
          assert.equal(report.calls[0]!.line, 26);
          assert.equal(report.calls[0]!.computed, true);
          assert.equal(report.calls[0]!.valueText, formatValue(draw.values.builtin));
          // And the note goes with the diagnostics, for the CLI and the problems list.
          const note = evaluation.diagnostics.find((d) => d.code === 'runtime/random-draw');
          assert.equal(note?.message, `Random inputs: one draw, seed ${draw.seed}.`);
        });
      }
    }

    it('keeps the random-draw note when the run says something else first (an assumed import)', () => {
      const text = programText.replace(/^import torch\n/m, '');
      const evaluation = evaluateSnippet(text);
      assert.ok(evaluation.diagnostics.some((d) => d.code === 'runtime/assumed-import'));
      assert.ok(evaluation.diagnostics.some((d) => d.code === 'runtime/random-draw'));
      assert.deepEqual(evaluation.randomDraw, { seed: 0, libraries: ['torch'] });
    });

    it('gives the reason two losses differ, and the draw note, in Chinese for a Chinese display', () => {
      const evaluation = evaluateSnippet(programText);
      const en = buildProgramReport(evaluation, { id: 'en', title: 't' });
      const zh = buildProgramReport(evaluation, { id: 'zh', title: 't', locale: 'zh-cn' });
      const reasonEn = en.customLosses[0]?.builtin?.reason;
      const reasonZh = zh.customLosses[0]?.builtin?.reason;
      assert.ok(reasonEn?.startsWith("PyTorch's label smoothing"), reasonEn ?? 'no reason');
      assert.ok(reasonZh?.startsWith('PyTorch 的标签平滑'), reasonZh ?? 'no reason');
      assert.ok(reasonZh?.includes('C = 5'), reasonZh ?? 'no reason');
      const note = evaluation.diagnostics.find((d) => d.code === 'runtime/random-draw')!;
      assert.equal(localizeDiagnostic(note, 'zh-cn').message, '随机输入：一次抽样，种子 0。');
      assert.equal(localizeDiagnostic(note, 'en').message, 'Random inputs: one draw, seed 0.');
    });

    it('has no draw for a seeded program, and the same numbers on every seed', () => {
      const seeded = `import torch\ntorch.manual_seed(0)\n${programText}`;
      const a = buildProgramReport(evaluateSnippet(seeded, { seed: 0 }), { id: 'a', title: 't' });
      const b = buildProgramReport(evaluateSnippet(seeded, { seed: 5 }), { id: 'b', title: 't' });
      assert.equal(a.randomDraw, null);
      assert.equal(a.output, b.output);
      assert.equal(a.output, fixture('random-smoothing.2.x.json').draws[0]!.stdout);
    });

    it('lists every call with its loop iteration, and what stops a rejected one', () => {
      const text = [
        'import torch',
        'import torch.nn.functional as F',
        'x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])',
        'for t in [[0, 2], [1, 5]]:',
        '    print(F.cross_entropy(x, torch.tensor(t)))',
      ].join('\n');
      const evaluation = evaluateSnippet(text);
      const report = buildProgramReport(evaluation, { id: 'p', title: 't' });
      assert.equal(report.calls.length, 2);
      assert.deepEqual(
        report.calls.map((c) => c.loops),
        [[{ line: 4, iteration: 0 }], [{ line: 4, iteration: 1 }]],
      );
      assert.equal(report.calls[0]!.computed, true);
      assert.equal(report.calls[0]!.valueText, formatValue(evaluation.calls[0]!.result!.output.data[0]!));
      assert.equal(report.calls[1]!.computed, false);
      assert.equal(report.calls[1]!.valueText, null);
      assert.match(report.calls[1]!.problem ?? '', /out of bounds/);
      const t = createTranslator({ programCallLoop: 'loop at line {0}, iteration {1}' });
      assert.equal(callPlace(report.calls[1]!, t), 'loop at line 4, iteration 2');
    });

    it('cuts long output to whole lines and says how much it shows', () => {
      const evaluation = evaluateSnippet('for i in range(1000):\n    print(i)\n');
      const full = programOutput(evaluation);
      const { output, outputCut } = cutOutput(full);
      assert.deepEqual(outputCut, { shownLines: MAX_OUTPUT_LINES, totalLines: 1000 });
      assert.ok(full.startsWith(output));
      assert.ok(output.endsWith(`${MAX_OUTPUT_LINES - 1}\n`));
      assert.deepEqual(cutOutput('a\nb\n'), { output: 'a\nb\n', outputCut: null });
    });

    it('carries a hand-written loss input gradient as a heat map', () => {
      const evaluation = evaluateSnippet(programText);
      const custom = evaluation.customLosses![0]!;
      // The gradient's numbers are whatever autograd gives; here the model only has to lay them out.
      const values = Array.from({ length: 20 }, (_, i) => (i % 7) - 3);
      const withGradient: SnippetEvaluation = {
        ...evaluation,
        customLosses: [{ ...custom, inputGradient: { of: 'logits', shape: [4, 5], values } }],
      };
      const report = buildProgramReport(withGradient, { id: 'p', title: 't' });
      const g = report.customLosses[0]!.gradient!;
      assert.equal(g.name, 'logits');
      assert.deepEqual([g.rows, g.cols], [4, 5]);
      assert.deepEqual(g.values, values);
      assert.equal(g.absMax, 3);
      // Autograd fills the field for the real run (its values are checked against PyTorch in the autograd tests).
      const computed = buildProgramReport(evaluation, { id: 'p', title: 't' }).customLosses[0]!.gradient!;
      assert.deepEqual([computed.name, computed.rows, computed.cols], ['logits', 4, 5]);
      const { inputGradient: _dropped, ...withoutGradient } = custom;
      void _dropped;
      const none: SnippetEvaluation = { ...evaluation, customLosses: [withoutGradient] };
      assert.equal(buildProgramReport(none, { id: 'p', title: 't' }).customLosses[0]!.gradient, null);
    });
  });

  describe('the session', () => {
    const draws = fixture('random-smoothing.2.x.json').draws;

    it('shows the program with the breakdown of the chosen call, then another draw with the next seed', async () => {
      const session = new LensSession({ compute, losses: LOSSES });
      await session.showProgram(programRequest(programText), 0);
      let view = session.view();
      assert.equal(view.program?.report.randomDraw?.seed, 0);
      assert.equal(view.program?.selectedCall, 0);
      assert.equal(view.program?.canDrawAgain, true);
      assert.ok(close(view.report!.model.report.value as number, draws[0]!.values.builtin));
      const structure = (r: ProgramReport) => ({
        calls: r.calls.map((c) => [c.fn, c.line, c.computed]),
        custom: r.customLosses.map((c) => [c.name, c.line, c.shape, c.builtin?.label]),
      });
      const before = structure(view.program!.report);

      await session.anotherDraw(view.program!.report.id);
      view = session.view();
      assert.equal(view.program?.report.randomDraw?.seed, 1);
      assert.equal(view.program?.report.output, draws[1]!.stdout);
      assert.equal(view.program?.selectedCall, 0, 'the same call stays chosen');
      assert.ok(close(view.report!.model.report.value as number, draws[1]!.values.builtin));
      assert.deepEqual(structure(view.program!.report), before, 'shapes and structure stay the same');

      await session.anotherDraw(view.program!.report.id);
      assert.equal(session.view().program?.report.output, draws[2]!.stdout);
      // Each draw is its own history entry; the first is still there to go back to.
      const history = session.history();
      assert.equal(history.entries.length, 3);
      session.open(history.entries[2]!.id);
      assert.equal(session.view().program?.report.randomDraw?.seed, 0);
      session.dispose();
    });

    it('switches between the calls of a program and reuses what it computed', async () => {
      const text = [
        'import torch',
        'import torch.nn.functional as F',
        'x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]])',
        'for t in [[0, 2], [1, 2]]:',
        '    print(F.cross_entropy(x, torch.tensor(t)))',
      ].join('\n');
      const evaluation = evaluateSnippet(text);
      let computed = 0;
      const session = new LensSession({
        compute: (r) => {
          computed++;
          return compute(r);
        },
        losses: LOSSES,
      });
      const request = programRequest(text);
      assert.equal(request.redraw !== undefined && request.report.randomDraw === null, true);
      await session.showProgram(request, 0);
      assert.equal(session.view().program?.canDrawAgain, false, 'nothing random: no other draw');
      const id = session.view().program!.report.id;
      await session.showProgramCall(id, 1);
      assert.equal(session.view().program?.selectedCall, 1);
      assert.equal(session.view().report!.model.report.value, evaluation.calls[1]!.result!.value);
      await session.showProgramCall(id, 0);
      assert.equal(session.view().program?.selectedCall, 0);
      assert.equal(session.view().report!.model.report.value, evaluation.calls[0]!.result!.value);
      assert.equal(computed, 2, 'going back to a call shows its entry again');
      // A stale id (an older program) is ignored.
      await session.showProgramCall('gone', 1);
      assert.equal(session.view().program?.selectedCall, 0);
      session.dispose();
    });

    it('shows a program with only hand-written losses, and leaves a pinned breakdown on screen', async () => {
      const onlyCustom = programText.replace(/^builtin = .*$/m, 'builtin = loss').replace(/^print\(f"built-in.*$/m, '');
      const session = new LensSession({ compute, losses: LOSSES });
      const request = programRequest(onlyCustom);
      assert.equal(request.report.calls.length, 0);
      await session.showProgram(request);
      let view = session.view();
      assert.equal(view.report, undefined);
      assert.equal(view.program?.report.customLosses.length, 1);
      assert.equal(view.program?.selectedCall, null);
      // A plain computation replaces the program on screen...
      await session.showProgram(programRequest(programText), 0);
      session.setPinned(true);
      // ...and a pinned one stays while the next program goes to the history only.
      await session.showProgram(programRequest(programText, 3), 0);
      view = session.view();
      assert.equal(view.program?.report.randomDraw?.seed, 0);
      assert.equal(session.history().entries.length, 2);
      session.dispose();
    });
  });

  describe('the view', () => {
    const strings = {
      programRandomDraw: 'random inputs: one draw, seed {0}',
      programResembles: 'resembles {0}: {1}',
    };
    const t = createTranslator(strings);
    const posted: string[] = [];
    const actions: ProgramActions = {
      showCall: (i) => posted.push(`call ${i}`),
      anotherDraw: () => posted.push('draw'),
      goToLine: (line) => posted.push(`line ${line}`),
      toggleOutput: () => undefined,
    };

    it('shows the output, the draw note and the resembled built-in as text', () => {
      const request = programRequest(programText, 1);
      const node = programView(
        { report: request.report, selectedCall: 0, canDrawAgain: true },
        { outputOpen: true },
        t,
        actions,
      );
      const all = texts(node);
      const pre = elements(node).find((e) => e.tag === 'pre')!;
      assert.deepEqual(texts(pre), [request.report.output]);
      assert.ok(all.includes('random inputs: one draw, seed 1'));
      const builtin = elements(node).find((e) => e.className === 'll-custom-builtin')!;
      assert.equal(
        texts(builtin).join(''),
        `resembles nn.CrossEntropyLoss(label_smoothing=0.05): ${request.report.customLosses[0]!.builtin!.valueText}`,
      );
      // The picker and the go-to-line buttons post what they say.
      const pick = elements(node).find((e) => e.attrs['data-call'] === '0')!;
      pick.on!.click!({});
      elements(node).find((e) => e.className?.includes('ll-goto'))!.on!.click!({});
      assert.deepEqual(posted, ['call 0', 'line 26']);
    });

    it("keeps markup in the program's output and names as characters", () => {
      const hostile = '<img src=x onerror=alert(1)>';
      const text = `print("${hostile}")\n`;
      const report = buildProgramReport(evaluateSnippet(text), { id: 'p', title: hostile });
      const node = programView({ report, selectedCall: null, canDrawAgain: false }, { outputOpen: true }, t, actions);
      assert.ok(texts(node).includes(`${hostile}\n`));
      assert.ok(texts(node).includes(hostile));
      for (const e of elements(node)) assert.notEqual(e.tag, 'img');
    });

    it('fills templates with nodes in the order the language puts them', () => {
      const parts = fillNodes('{1} 近似于 {0}', 'A', 'B');
      assert.deepEqual(parts, ['B', ' 近似于 ', 'A']);
      assert.deepEqual(fillNodes('x {2}', 'a'), ['x ', '{2}']);
    });
  });
});

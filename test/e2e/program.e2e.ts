/**
 * A whole program in the breakdown, end to end: Compute Loss on Selection on examples/random-smoothing.py (a
 * hand-written label-smoothing `nn.Module`, a print, an unseeded `torch.randn`) shows what the program printed, the
 * hand-written loss beside `nn.CrossEntropyLoss(label_smoothing=0.05)`, and "random inputs: one draw, seed 0";
 * "Another draw" shows seed 1's numbers. Every expected text is PyTorch's (test/fixtures/draws, both oracles agree)
 * and what the core computes in this same test.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { formatValue } from '../../src/core/report/format';
import { buildProgramReport, programOutput } from '../../src/core/report/program-report';
import { evaluateSnippet } from '../../src/core/snippet/index';
import { fitEditorWebview, layoutProblems } from './layout-check';
import { examples, title } from './steps';
import { Workbench } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const PROGRAM = 'random-smoothing.py';

interface Draw {
  readonly seed: number;
  readonly stdout: string;
  readonly values: { readonly loss: number; readonly builtin: number };
}
const draws = (
  JSON.parse(
    fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'draws', 'random-smoothing.2.x.json'), 'utf8'),
  ) as {
    draws: Draw[];
  }
).draws;

/** The core's report of the example with `seed`, as the extension computes it. */
function coreReport(seed: number) {
  const text = fs.readFileSync(path.join(examples, PROGRAM), 'utf8');
  return buildProgramReport(evaluateSnippet(text, { seed }), { id: 'e2e', title: PROGRAM });
}

/** Puts the cursor at the top of the program's editor (the breakdown may have the focus), so screenshots show the code. */
async function topOfFile(workbench: Workbench): Promise<void> {
  await workbench.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await workbench.page.keyboard.press('Control+Home');
}

/** The whole text of an element, as the page lays it out. */
async function textOf(frame: Frame, selector: string): Promise<string> {
  return (await frame.locator(selector).first().innerText()).trim();
}

describe('a whole program in the breakdown (end to end)', function () {
  let workbench: Workbench;

  before(async function () {
    this.timeout(180_000);
    workbench = await Workbench.open({
      folder: examples,
      settings: { 'workbench.colorTheme': 'Default Light Modern' },
      viewport: { width: 1400, height: 1000 },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      const file = await workbench.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await workbench?.close();
  });

  it('shows the output, the hand-written loss beside its built-in and the seed note, and draws again', async function () {
    const seed0 = coreReport(0);
    const seed1 = coreReport(1);
    // The core's numbers are PyTorch's (the fixture), so the page below shows PyTorch's numbers.
    assert.equal(seed0.output, draws[0]!.stdout);
    assert.equal(seed1.output, draws[1]!.stdout);
    assert.equal(seed0.customLosses[0]!.valueText, formatValue(draws[0]!.values.loss));
    assert.equal(seed1.customLosses[0]!.valueText, formatValue(draws[1]!.values.loss));

    // The editor and the breakdown side by side, the whole window theirs.
    await workbench.runCommand('View: Close Primary Side Bar');
    await workbench.openFile(PROGRAM);
    await workbench.selectAll();
    await workbench.contextMenu(title('command.computeOnSelection'));
    const breakdown = await workbench.webviewByRole('breakdown');
    await breakdown.locator('.ll-program .ll-output').waitFor({ timeout: 20_000 });

    // What the program printed, exactly (innerText of a <pre> keeps its lines).
    assert.equal(await breakdown.locator('.ll-output').innerText(), seed0.output);
    // The hand-written loss, its value, and the built-in it resembles with that built-in's value.
    assert.equal(await textOf(breakdown, '.ll-custom-name'), 'LabelSmoothingLoss');
    assert.equal(await textOf(breakdown, '.ll-custom-value'), formatValue(draws[0]!.values.loss));
    const builtin = await textOf(breakdown, '.ll-custom-builtin');
    assert.ok(builtin.includes('nn.CrossEntropyLoss(label_smoothing=0.05)'), builtin);
    assert.ok(builtin.includes(formatValue(draws[0]!.values.builtin)), builtin);
    assert.ok((await textOf(breakdown, '.ll-custom-reason')).length > 20, 'why they differ');
    // The seed note, and the built-in call's own breakdown with its value.
    assert.equal(await textOf(breakdown, '.ll-random-note'), 'random inputs: one draw, seed 0');
    await breakdown
      .locator('.ll-value', { hasText: formatValue(draws[0]!.values.builtin) })
      .first()
      .waitFor();
    assert.equal(await breakdown.locator('.ll-call').count(), seed0.calls.length);
    // Back to the top of the file (the selection is no longer needed), so the screenshot shows the code.
    await topOfFile(workbench);
    await workbench.screenshot('program-light');

    // Another draw: seed 1's numbers, the same structure.
    await breakdown.locator('.ll-random-draw').getByText('Another draw').click();
    await breakdown.locator('.ll-random-note', { hasText: 'seed 1' }).waitFor({ timeout: 20_000 });
    assert.equal(await textOf(breakdown, '.ll-random-note'), 'random inputs: one draw, seed 1');
    await breakdown
      .locator('.ll-custom-value', { hasText: formatValue(draws[1]!.values.loss) })
      .waitFor({ timeout: 20_000 });
    assert.notEqual(formatValue(draws[1]!.values.loss), formatValue(draws[0]!.values.loss));
    assert.equal(await breakdown.locator('.ll-output').innerText(), seed1.output);
    await breakdown
      .locator('.ll-value', { hasText: formatValue(draws[1]!.values.builtin) })
      .first()
      .waitFor();
    assert.equal(await textOf(breakdown, '.ll-custom-name'), 'LabelSmoothingLoss');
    await workbench.screenshot('program-another-draw');
  });

  it("goes to the hand-written loss's line in the editor", async function () {
    const breakdown = await workbench.webviewByRole('breakdown');
    const line = coreReport(1).customLosses[0]!.line;
    await breakdown.locator('.ll-custom-loss .ll-goto').click();
    await workbench.page
      .locator('.statusbar-item', { hasText: new RegExp(`Ln ${line},`) })
      .first()
      .waitFor({ timeout: 20_000 });
  });

  it('switches between the loss calls of a program with the picker, in the panel and the inspector', async function () {
    const text = fs.readFileSync(path.join(examples, 'seed-one-hot.py'), 'utf8');
    const calls = evaluateSnippet(text).calls;
    assert.equal(calls.length, 2);
    await workbench.openFile('seed-one-hot.py');
    await workbench.selectAll();
    await workbench.contextMenu(title('command.computeOnSelection'));
    // Two loss calls: the QuickPick asks which to show first; the panel's picker switches afterwards.
    await workbench.page.locator('.quick-input-widget .quick-input-list').waitFor();
    await workbench.page.keyboard.press('Enter');
    const breakdown = await workbench.webviewByRole('breakdown');
    // The panel still shows the previous program (one call) until this one arrives: wait for its second call.
    await breakdown.locator('.ll-call').nth(1).waitFor({ timeout: 20_000 });
    await breakdown.locator('.ll-call-selected [data-call="0"]').waitFor({ timeout: 20_000 });
    assert.equal(await breakdown.locator('.ll-call').count(), 2);
    assert.equal(await textOf(breakdown, '.ll-fn'), calls[0]!.fn);
    await breakdown.locator('[data-call="1"]').click();
    await breakdown.locator('.ll-call-selected [data-call="1"]').waitFor({ timeout: 20_000 });
    await breakdown.locator('.ll-fn', { hasText: calls[1]!.fn }).waitFor({ timeout: 20_000 });
    await breakdown
      .locator('.ll-value', { hasText: formatValue(calls[1]!.result!.output.data[0]!) })
      .first()
      .waitFor({ timeout: 20_000 });
    await workbench.runCommand(`Loss Lens: ${title('command.openInspector')}`);
    const inspector = await workbench.webviewByRole('inspector');
    await inspector.locator('.ll-call-selected [data-call="1"]').waitFor({ timeout: 20_000 });
    assert.equal(await inspector.locator('.ll-program .ll-output').innerText(), programOutput(evaluateSnippet(text)));
    await workbench.screenshot('program-picker-inspector');
    await workbench.runCommand('View: Close Primary Side Bar');
  });

  it('lays the program out without overflow at 360 px', async function () {
    // One editor group holding the breakdown: the window width is its own.
    await workbench.runCommand('View: Join All Editor Groups');
    await workbench.page.locator('.tabs-container .tab', { hasText: 'Loss Lens' }).first().click();
    const frame = await fitEditorWebview(workbench, 'breakdown', 360);
    await frame.locator('.ll-program').waitFor();
    assert.deepEqual(await layoutProblems(frame), []);
    await workbench.screenshot('program-narrow');
  });
});

describe('a whole program in the breakdown in Chinese (zh-cn, end to end)', function () {
  let workbench: Workbench;
  const bundle = JSON.parse(fs.readFileSync(path.join(repoRoot, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<
    string,
    string
  >;

  before(async function () {
    this.timeout(180_000);
    workbench = await Workbench.open({
      folder: examples,
      locale: 'zh-cn',
      settings: { 'workbench.colorTheme': 'Default Light Modern' },
      viewport: { width: 1400, height: 1000 },
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      const file = await workbench.screenshot(`failed-zh-cn-${this.currentTest.title.replace(/\W+/g, '-')}`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await workbench?.close();
  });

  it('says "one draw, seed 0" and draws again in Chinese', async function () {
    const note = (seed: number) => bundle['random inputs: one draw, seed {0}']!.replace('{0}', String(seed));
    await workbench.runCommand('View: Close Primary Side Bar');
    await workbench.openFile(PROGRAM);
    await workbench.selectAll();
    await workbench.contextMenu(title('command.computeOnSelection', 'zh-cn'));
    const breakdown = await workbench.webviewByRole('breakdown');
    await breakdown.locator('.ll-random-note').waitFor({ timeout: 20_000 });
    assert.equal(await textOf(breakdown, '.ll-random-note'), note(0));
    assert.equal(await textOf(breakdown, '.ll-custom-value'), formatValue(draws[0]!.values.loss));
    await breakdown.locator('.ll-random-draw').getByText(bundle['Another draw']!).click();
    await breakdown.locator('.ll-random-note', { hasText: note(1) }).waitFor({ timeout: 20_000 });
    await breakdown
      .locator('.ll-custom-value', { hasText: formatValue(draws[1]!.values.loss) })
      .waitFor({ timeout: 20_000 });
    await topOfFile(workbench);
    await workbench.screenshot('program-zh-cn');
  });
});

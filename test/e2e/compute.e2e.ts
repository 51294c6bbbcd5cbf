import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeSeed, examples, title, torchPrinted, waitForValue } from './steps';
import { Workbench } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('Loss Lens in the workbench (end to end)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await Workbench.open({
      folder: examples,
      settings: { 'workbench.colorTheme': 'Default Light Modern' },
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

  it("right-click → Compute Loss on Selection on the seed snippet shows PyTorch's 0.5514 in the breakdown", async function () {
    const breakdown = await computeSeed(workbench);
    await waitForValue(breakdown, torchPrinted('one-hot-logits.json'));
    // The per-sample table and the explanation of the surprise are there too.
    assert.match(await breakdown.locator('body').innerText(), /softmax/i);
    await workbench.screenshot('breakdown-light');
  });

  it("changes label_smoothing in the inspector and reads PyTorch's new value", async function () {
    await workbench.runCommand(`Loss Lens: ${title('command.openInspector')}`);
    const inspector = await workbench.webviewByRole('inspector');
    await waitForValue(inspector, torchPrinted('one-hot-logits.json'));
    await inspector.locator('input.ll-slider').first().fill('0.05');
    await waitForValue(inspector, torchPrinted('one-hot-smoothing.json'));
    await waitForValue(await workbench.webviewByRole('breakdown'), torchPrinted('one-hot-smoothing.json'));
    await workbench.screenshot('inspector-light');
  });

  it('writes the arithmetic out by hand in the "By hand" tab', async function () {
    const breakdown = await workbench.webviewByRole('breakdown');
    await breakdown.locator('#tab-derivation').click();
    // The softmax denominator of the first sample, e^1 + e^0 + e^0, with the actual numbers.
    await breakdown.locator('#view-derivation', { hasText: 'e^1 + e^0 + e^0' }).waitFor({ timeout: 20_000 });
    await workbench.screenshot('derivation-light');
  });

  it('reads well in the dark theme', async function () {
    await workbench.setColorTheme('Default Dark Modern');
    const breakdown = await workbench.webviewByRole('breakdown');
    await waitForValue(breakdown, torchPrinted('one-hot-smoothing.json'));
    await workbench.screenshot('breakdown-dark');
  });

  it("shows the class-dimension error on the embedding example as a squiggle with PyTorch's text on hover", async function () {
    await workbench.openFile('embedding-mismatch.py');
    const squiggle = workbench.page.locator('.squiggly-error').first();
    await squiggle.waitFor({ timeout: 20_000 });
    // The squiggle sits under the text layer: move the mouse onto its place, as a person would.
    const box = await squiggle.boundingBox();
    assert.ok(box);
    await workbench.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await workbench.page
      .locator('.monaco-hover', { hasText: 'Expected target size [2, 3], got [2, 5]' })
      .first()
      .waitFor({ timeout: 20_000 });
    await workbench.screenshot('diagnostic-hover');
  });
});

describe('Loss Lens in the workbench in Chinese (zh-cn)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await Workbench.open({ folder: examples, locale: 'zh-cn' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      console.log(
        `    screenshot of the failure: ${await workbench.screenshot(`failed-zh-cn-${this.currentTest.title.replace(/\W+/g, '-')}`)}`,
      );
    }
  });

  after(async function () {
    await workbench?.close();
  });

  it('computes from the Chinese context menu and labels the breakdown in Chinese', async function () {
    const breakdown = await computeSeed(workbench, 'zh-cn');
    await waitForValue(breakdown, torchPrinted('one-hot-logits.json'));
    const bundle = JSON.parse(fs.readFileSync(path.join(repoRoot, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.match(await breakdown.locator('body').innerText(), new RegExp(bundle['Loss value']!));
    await workbench.screenshot('breakdown-zh-cn');
  });
});

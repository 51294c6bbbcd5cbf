import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workbench } from './workbench';

const extensionId = 'loss-lens.loss-lens';
const repoRoot = path.resolve(__dirname, '..', '..');
const logits = '[[2.0, 0.5, -1.0], [0.1, 1.2, 0.3]]';

/** The command's title in a locale, from package.nls(.<locale>).json (menus show it as is). */
function computeMenuTitle(locale?: string): string {
  const file = path.join(repoRoot, locale ? `package.nls.${locale}.json` : 'package.nls.json');
  const nls = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return nls['command.computeOnSelection']!;
}

/** The command's title in the command palette: `Loss Lens: …`. */
function computeTitle(locale?: string): string {
  return `Loss Lens: ${computeMenuTitle(locale)}`;
}

/**
 * Waits for what Compute Loss on Selection shows: a Loss Lens notification (the placeholder command's message) or a
 * Loss Lens webview (the breakdown panel), whichever the command does now.
 */
async function waitForComputeResult(workbench: Workbench): Promise<void> {
  await Promise.any([
    workbench.waitForNotification(/Loss Lens/),
    workbench.webview(extensionId).locator('body').waitFor(),
  ]);
}

describe('Loss Lens in the workbench (end to end)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await Workbench.open({ settings: { 'workbench.colorTheme': 'Default Light Modern' } });
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

  it('computes on a selection from the command palette (light theme)', async function () {
    await workbench.openFile('logits.py');
    await workbench.selectText(logits);
    await workbench.runCommand(computeTitle());
    await waitForComputeResult(workbench);
    await workbench.screenshot('compute-on-selection-light');
  });

  it('computes on a selection from the command palette (dark theme)', async function () {
    await workbench.clearNotifications();
    await workbench.setColorTheme('Default Dark Modern');
    await workbench.openFile('logits.py');
    await workbench.selectText(logits);
    await workbench.runCommand(computeTitle());
    await waitForComputeResult(workbench);
    await workbench.screenshot('compute-on-selection-dark');
  });

  it('right-clicks the selection and picks a context-menu item', async function () {
    await workbench.openFile('logits.py');
    await workbench.selectText(logits);
    const items = await workbench.contextMenuItems();
    assert.ok(items.includes('Command Palette...'), `context menu: ${items.join(' | ')}`);
    await workbench.contextMenu('Command Palette...');
    await workbench.page.locator('.quick-input-widget .quick-input-box input').waitFor();
    await workbench.page.keyboard.press('Escape');
  });

  it('computes on a selection from the editor context menu', async function () {
    await workbench.clearNotifications();
    await workbench.openFile('logits.py');
    await workbench.selectText(logits);
    await workbench.contextMenu(computeMenuTitle());
    await waitForComputeResult(workbench);
    await workbench.screenshot('compute-from-context-menu');
  });

  it('reads text inside a webview, two iframes deep (Markdown preview)', async function () {
    await workbench.openFile('README.md');
    await workbench.runCommand('Markdown: Open Preview');
    const markdown = 'vscode.markdown-language-features';
    assert.equal(await workbench.webviewText('h1', markdown), 'Logits example');
    assert.match(await workbench.webviewText('body', markdown), /three classes/);
    await workbench.webview(markdown).locator('code').first().click();
  });
});

describe('Loss Lens in the workbench in Chinese (zh-cn)', function () {
  let workbench: Workbench;

  before(async function () {
    workbench = await Workbench.open({ locale: 'zh-cn' });
  });

  after(async function () {
    await workbench?.close();
  });

  it('finds the command by its Chinese title and runs it', async function () {
    await workbench.openFile('logits.py');
    await workbench.selectText(logits);
    await workbench.runCommand(computeTitle('zh-cn'));
    await waitForComputeResult(workbench);
    await workbench.screenshot('compute-on-selection-zh-cn');
  });
});

/**
 * The packaged extension, end to end: the .vsix that `npm run package` builds is installed into a fresh VS Code with
 * code-server's `--install-extension` (not loaded from the project folder), and a person's first steps work with it:
 * right-click → Compute Loss on Selection shows PyTorch's value, and the Extensions view lists it. A .vsix that
 * misses a bundle, a string file or the webview can't pass.
 *
 * LOSS_LENS_VSIX names the .vsix to test (`.ci/run` passes the one it built); without it one is packaged from the
 * working tree first (scripts/vscode-test/vsix.ts).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageVsix } from '../../scripts/vscode-test/vsix';
import { computeSeed, examples, torchPrinted, waitForValue } from './steps';
import { Workbench } from './workbench';

describe('Loss Lens installed from its .vsix (end to end)', function () {
  let workbench: Workbench | undefined;
  let packagedDir = '';

  before(async function () {
    // Packaging (a production build and vsce) comes on top of the workbench start when no .vsix is given.
    this.timeout(300_000);
    let vsix = process.env.LOSS_LENS_VSIX;
    if (vsix) {
      vsix = path.resolve(vsix);
      assert.ok(fs.existsSync(vsix), `LOSS_LENS_VSIX=${vsix} does not exist`);
    } else {
      packagedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-e2e-vsix-'));
      vsix = packageVsix(path.join(packagedDir, 'loss-lens.vsix'));
    }
    console.log(`    installing ${vsix} with code-server --install-extension`);
    workbench = await Workbench.open({ folder: examples, vsix });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && workbench) {
      const file = await workbench.screenshot(`failed-vsix-${this.currentTest.title.replace(/\W+/g, '-')}`);
      console.log(`    screenshot of the failure: ${file}`);
    }
  });

  after(async function () {
    await workbench?.close();
    if (packagedDir) fs.rmSync(packagedDir, { recursive: true, force: true });
  });

  it("computes the seed snippet from the context menu and shows PyTorch's 0.5514", async function () {
    const breakdown = await computeSeed(workbench!);
    await waitForValue(breakdown, torchPrinted('one-hot-logits.json'));
    assert.match(await breakdown.locator('body').innerText(), /softmax/i);
    await workbench!.screenshot('vsix-breakdown');
  });

  it('is listed in the Extensions view', async function () {
    const page = workbench!.page;
    await workbench!.runCommand('View: Show Extensions');
    // With no marketplace to reach, the view lists what is installed.
    const item = page.locator('.extensions-viewlet .extension-list-item', { hasText: 'Loss Lens' }).first();
    await item.waitFor();
    await workbench!.screenshot('vsix-extensions-view');
  });
});

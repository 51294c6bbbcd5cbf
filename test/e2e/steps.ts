/**
 * Steps the end-to-end suites share: PyTorch's printed values of the bundled examples, command titles as the menus
 * show them, and computing the seed snippet from the editor's context menu.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import type { Workbench } from './workbench';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The bundled examples folder, opened as the workspace by the end-to-end suites. */
export const examples = path.join(repoRoot, 'examples');

/** PyTorch's value of a bundled example, as PyTorch prints it (scripts/fixtures/gen_examples.py). */
export function torchPrinted(example: string): string {
  const file = path.join(repoRoot, 'test', 'fixtures', 'examples.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { examples: Record<string, { value: number[] }> };
  return parsed.examples[example]!.value[0]!.toFixed(4);
}

/** The command's title in a locale, from package.nls(.<locale>).json (menus show it as is). */
export function title(key: string, locale?: string): string {
  const file = path.join(repoRoot, locale ? `package.nls.${locale}.json` : 'package.nls.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)[key]!;
}

/** Waits until the webview's loss value reads `expected`. */
export async function waitForValue(frame: Frame, expected: string): Promise<void> {
  await frame.locator('.ll-value', { hasText: expected }).first().waitFor({ timeout: 20_000 });
}

/** Opens the seed snippet, selects it all, right-clicks → Compute Loss on Selection, and picks the first call. */
export async function computeSeed(workbench: Workbench, locale?: string): Promise<Frame> {
  await workbench.openFile('seed-one-hot.py');
  await workbench.selectAll();
  await workbench.contextMenu(title('command.computeOnSelection', locale));
  // Two loss calls in the snippet: a QuickPick asks which; the first is F.cross_entropy.
  await workbench.page.locator('.quick-input-widget .quick-input-list').waitFor();
  await workbench.page.keyboard.press('Enter');
  return workbench.webviewByRole('breakdown');
}

/**
 * The tests module the extension host loads (`extensionTestsPath`, built to out/test/integration/index.js): runs
 * every integration test file beside it in mocha and rejects when one fails, which makes the run exit 1.
 *
 * Which files: `NAME.test.js` in an ordinary run; `NAME.<locale>.test.js` (e.g. `commands.zh-cn.test.ts`) only in
 * the run whose display language is that locale (LOSS_LENS_TEST_LOCALE, set by runTest.ts). The counts go to the
 * JSON file named by LOSS_LENS_TEST_RESULTS, for runTest.ts's closing line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** `commands.zh-cn.test.js` → `zh-cn`; `commands.test.js` → undefined. */
export function localeOfTestFile(file: string): string | undefined {
  return /\.([a-z]{2}(?:-[a-z]{2,4})?)\.test\.js$/i.exec(path.basename(file))?.[1]?.toLowerCase();
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Called by the extension host once the extension under development is loaded. */
export async function run(): Promise<void> {
  const locale = process.env.LOSS_LENS_TEST_LOCALE?.toLowerCase();
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 20_000,
    grep: process.env.LOSS_LENS_TEST_GREP,
  });
  for (const file of testFiles(__dirname)) {
    if (localeOfTestFile(file) === locale) mocha.addFile(file);
  }
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((failed) => {
      const resultsFile = process.env.LOSS_LENS_TEST_RESULTS;
      if (resultsFile) {
        const stats = runner.stats;
        const results = { passed: stats?.passes ?? 0, failed: stats?.failures ?? failed, pending: stats?.pending ?? 0 };
        fs.writeFileSync(resultsFile, JSON.stringify(results));
      }
      resolve(failed);
    });
  });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed.`);
}

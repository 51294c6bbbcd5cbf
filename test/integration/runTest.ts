/**
 * Runs the integration tests inside a real VS Code extension host with @vscode/test-electron's standard `runTests`.
 * Its `vscodeExecutablePath` is scripts/vscode-test/code, which runs the VS Code server installed by
 * `npm run vscode:install` in headless Chromium (nothing is downloaded). Expects `npm run build` to have run
 * (`npm run test:integration` does both).
 *
 * Builds test/integration/*.ts to out/test/integration/, then runs it once in English with `NAME.test.ts`, and once
 * per locale that has `NAME.<locale>.test.ts` files, with that display language. Exits 1 when any test fails.
 * Env: LOSS_LENS_TEST_GREP (mocha grep), LOSS_LENS_VERBOSE=1, LOSS_LENS_TEST_TIMEOUT_MS (see scripts/vscode-test).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { localeOfTestFile } from './index';

const repoRoot = path.resolve(__dirname, '..', '..');
const sourceDir = __dirname;
const outDir = path.join(repoRoot, 'out', 'test', 'integration');

/** Bundles the tests module and each test file for the extension host (CommonJS, `vscode` and mocha external). */
async function buildTests(): Promise<string[]> {
  const testFiles = fs
    .readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(sourceDir, f));
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(sourceDir, 'index.ts'), ...testFiles],
    outbase: sourceDir,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return testFiles;
}

/** What one run counted (from index.ts's results file). */
interface RunResult {
  passed: number;
  failed: number;
  pending: number;
}

async function runOnce(locale: string | undefined): Promise<RunResult> {
  const profileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-integration-'));
  const label = locale ?? 'en';
  const resultsFile = path.join(profileRoot, 'results.json');
  // Installed beside the extension under test: a manifest-only extension contributing the debug type whose adapter
  // (Debian's debugpy) debugger.test.ts registers itself.
  fs.cpSync(
    path.join(sourceDir, 'debug-adapter'),
    path.join(profileRoot, 'extensions', 'loss-lens-test.loss-lens-test-debug-adapter-0.0.1'),
    { recursive: true },
  );
  console.log(`\n=== Integration tests (${label}) in the VS Code extension host ===`);
  try {
    await runTests({
      vscodeExecutablePath: path.join(repoRoot, 'scripts', 'vscode-test', 'code'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(outDir, 'index.js'),
      launchArgs: [
        path.join(sourceDir, 'workspace'),
        `--user-data-dir=${path.join(profileRoot, 'user-data')}`,
        `--extensions-dir=${path.join(profileRoot, 'extensions')}`,
        ...(locale ? [`--locale=${locale}`] : []),
      ],
      extensionTestsEnv: { LOSS_LENS_TEST_RESULTS: resultsFile, ...(locale ? { LOSS_LENS_TEST_LOCALE: locale } : {}) },
    });
  } catch (error) {
    console.error(`Integration tests (${label}) failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    if (!fs.existsSync(resultsFile)) {
      console.error(`Integration tests (${label}) reported no results: the tests module did not run to its end.`);
      return { passed: 0, failed: 1, pending: 0 };
    }
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as RunResult;
  } finally {
    fs.rmSync(profileRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first (npm run test:integration does).');
  }
  const testFiles = await buildTests();
  const locales = [...new Set(testFiles.map((f) => localeOfTestFile(f.replace(/\.ts$/, '.js'))))];
  const runs = [undefined, ...locales.filter((l): l is string => l !== undefined).sort()];
  const total: RunResult = { passed: 0, failed: 0, pending: 0 };
  for (const locale of runs) {
    const result = await runOnce(locale);
    total.passed += result.passed;
    total.failed += result.failed;
    total.pending += result.pending;
  }
  // One plain closing line over all runs (mocha prints its own summary per run above).
  console.log(`\nintegration: ${total.passed} passed, ${total.failed} failed, ${total.pending} skipped`);
  process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * A stand-in for the VS Code executable that `@vscode/test-electron`'s `runTests({ vscodeExecutablePath })` spawns.
 * It takes the same arguments (`--extensionTestsPath=…`, `--extensionDevelopmentPath=…`, `--user-data-dir=…`,
 * `--extensions-dir=…`, `--locale=…`, a folder to open) and runs them in the VS Code server + headless Chromium:
 * the extension host loads the extension, awaits the tests module's `run()`, and the workbench reports the result
 * through `codeAutomationExit(code)`, which becomes this process's exit code. Log lines from the workbench and the
 * extension host (mocha's report among them) go to stdout.
 *
 * Env: LOSS_LENS_VSCODE_SETTINGS (JSON user settings merged over the quiet defaults), LOSS_LENS_TEST_TIMEOUT_MS
 * (default 300000), LOSS_LENS_VERBOSE=1 (also print the server's and the browser console's lines).
 * Started through the executable shim `scripts/vscode-test/code`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser, workbenchUrl } from './browser';
import { installLanguagePack } from './locale';
import { createProfile } from './profile';
import { repoRoot, startServer } from './server';

/** The runTests arguments this stand-in understands; the rest (Electron-only flags) are accepted and ignored. */
interface CodeArguments {
  extensionTestsPath?: string;
  extensionDevelopmentPaths: string[];
  userDataDir?: string;
  extensionsDir?: string;
  locale?: string;
  folder?: string;
}

/** Parses `--name=value`, `--name value` and one positional folder, as the real `code` CLI does. */
function parseCodeArguments(argv: readonly string[]): CodeArguments {
  const parsed: CodeArguments = { extensionDevelopmentPaths: [] };
  const valued = new Set([
    'extensionTestsPath',
    'extensionDevelopmentPath',
    'user-data-dir',
    'extensions-dir',
    'locale',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      parsed.folder = path.resolve(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!valued.has(name)) continue;
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new Error(`${arg} needs a value`);
    switch (name) {
      case 'extensionTestsPath':
        parsed.extensionTestsPath = path.resolve(value);
        break;
      case 'extensionDevelopmentPath':
        parsed.extensionDevelopmentPaths.push(path.resolve(value));
        break;
      case 'user-data-dir':
        parsed.userDataDir = path.resolve(value);
        break;
      case 'extensions-dir':
        parsed.extensionsDir = path.resolve(value);
        break;
      case 'locale':
        parsed.locale = value;
        break;
    }
  }
  return parsed;
}

function settingsFromEnv(): Record<string, unknown> {
  const raw = process.env.LOSS_LENS_VSCODE_SETTINGS;
  if (!raw) return {};
  return JSON.parse(raw) as Record<string, unknown>;
}

/** Formats one `codeAutomationLog` entry: console.log-style arguments (mocha's `'  %d passing (%s)', 4, '9ms'`). */
function formatLogArgs(args: unknown): string {
  const parts: unknown[] = Array.isArray(args) ? args : [args];
  return format(...parts);
}

/** Workbench start-up lines that say nothing about the tests; shown with LOSS_LENS_VERBOSE=1. */
const workbenchChatter: readonly RegExp[] = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(renderer-/,
  /additional builtin extensions/,
  /^\[Service Worker\] registration/,
  /^ChatSessionStore: /,
  /^No extension gallery service configured\.$/,
];

async function main(): Promise<number> {
  const args = parseCodeArguments(process.argv.slice(2));
  if (!args.extensionTestsPath) {
    console.error('scripts/vscode-test/code runs extension tests only: pass --extensionTestsPath=…');
    return 2;
  }
  const verbose = process.env.LOSS_LENS_VERBOSE === '1';
  const timeoutMs = Number(process.env.LOSS_LENS_TEST_TIMEOUT_MS ?? 300_000);
  const profile = createProfile(settingsFromEnv(), {
    userDataDir: args.userDataDir,
    extensionsDir: args.extensionsDir,
  });
  if (args.locale && !args.locale.toLowerCase().startsWith('en')) installLanguagePack(profile, args.locale);
  const server = await startServer({
    profile,
    locale: args.locale,
    onLog: verbose ? (line) => console.log(`[server] ${line}`) : undefined,
  });
  const context = await launchBrowser({
    browserDataDir: profile.browserDataDir,
    locale: args.locale,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, logArgs: unknown) => {
      const line = formatLogArgs(logArgs);
      if (!verbose && workbenchChatter.some((pattern) => pattern.test(line))) return;
      if (type === 'error') console.error(line);
      else console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    if (verbose) page.on('console', (message) => console.log(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.error(`[browser] ${error.message}`));

    const url = workbenchUrl(server, {
      folder: args.folder,
      extensionDevelopmentPaths: args.extensionDevelopmentPaths,
      extensionTestsPath: args.extensionTestsPath,
    });
    await page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      const shot = path.join(repoRoot, '.vscode-test', `timeout-${Date.now()}.png`);
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`Extension tests did not finish within ${timeoutMs} ms; the workbench then: ${shot}`);
      return 1;
    }
    return result;
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
    profile.dispose();
  }
}

// runTests forwards Ctrl+C as SIGINT: exit so that the server is stopped ('exit' handler) and Playwright closes Chromium.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);

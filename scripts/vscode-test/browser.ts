/**
 * Headless Debian Chromium driven by playwright-core, and the workbench URL that opens a folder and, for extension
 * tests, carries the `extensionDevelopmentPath` / `extensionTestsPath` payload.
 */
import * as fs from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import type { VSCodeServer } from './server';

/** Debian's chromium unless CHROMIUM_PATH says otherwise (Playwright's own browser download can't work here). */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => !!p && fs.existsSync(p));
  if (!found) throw new Error('No Chromium found. Run: npm run vscode:install (installs Debian chromium)');
  return found;
}

/** Options for {@link launchBrowser}. */
export interface BrowserOptions {
  /** A fresh, empty folder (Playwright refuses `--user-data-dir` in args). */
  readonly browserDataDir: string;
  /** BCP 47 locale of the browser, e.g. `zh-CN`; sets navigator.language and Accept-Language. */
  readonly locale?: string;
  readonly viewport?: { width: number; height: number };
}

/** Launches headless Chromium with the flags that keep it off this offline machine's closed network. */
export async function launchBrowser(options: BrowserOptions): Promise<BrowserContext> {
  return chromium.launchPersistentContext(options.browserDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
}

/** What the workbench should open. */
export interface WorkbenchTarget {
  /** Absolute path of a folder on the server's machine to open as the workspace. */
  readonly folder?: string;
  /** Absolute paths of extension folders to load in development mode. */
  readonly extensionDevelopmentPaths?: readonly string[];
  /** Absolute path of a CommonJS module whose `run()` the extension host awaits (then the workbench exits). */
  readonly extensionTestsPath?: string;
}

/** `vscode-remote://AUTHORITY/abs/path`: how the workbench names a file on the server's machine. */
export function remoteUri(server: VSCodeServer, absolutePath: string): string {
  return `vscode-remote://${server.remoteAuthority}${absolutePath.split('\\').join('/')}`;
}

/**
 * The URL that opens the workbench on `target`: `?folder=` plus the `payload` VS Code's own browser integration
 * tests use (honoured because the server runs with `--enable-smoke-test-driver`).
 */
export function workbenchUrl(server: VSCodeServer, target: WorkbenchTarget): string {
  const query = new URLSearchParams();
  if (target.folder) query.set('folder', target.folder);
  else query.set('ew', 'true');
  const payload: [string, string][] = [];
  for (const devPath of target.extensionDevelopmentPaths ?? []) {
    payload.push(['extensionDevelopmentPath', remoteUri(server, devPath)]);
  }
  if (target.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(server, target.extensionTestsPath)]);
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.url}/?${query.toString()}`;
}

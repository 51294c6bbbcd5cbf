/**
 * Starts the VS Code server that the integration and end-to-end tests run in: the one bundled in the npm package
 * `code-server`, installed by `scripts/vscode-test/install.sh` into `.vscode-test/`. Its Node.js extension host is
 * the same kind as desktop VS Code's, so extensions and their tests run there unchanged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';

/** The project's root folder (two levels above this file). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** The code-server version pinned in `version.sh` (overridable with LOSS_LENS_CODE_SERVER_VERSION, as install.sh). */
export function codeServerVersion(): string {
  const fromEnv = process.env.LOSS_LENS_CODE_SERVER_VERSION;
  if (fromEnv) return fromEnv;
  const text = fs.readFileSync(path.join(__dirname, 'version.sh'), 'utf8');
  const match = /^CODE_SERVER_VERSION=(\S+)/m.exec(text);
  if (!match?.[1]) throw new Error('scripts/vscode-test/version.sh does not set CODE_SERVER_VERSION');
  return match[1];
}

/** Path of the installed `server-main.js`; throws a message that says how to install it when it is missing. */
export function serverMainPath(): string {
  const version = codeServerVersion();
  const main = path.join(
    repoRoot,
    '.vscode-test',
    `code-server-${version}`,
    'node_modules',
    'code-server',
    'lib',
    'vscode',
    'out',
    'server-main.js',
  );
  if (!fs.existsSync(main)) {
    throw new Error(`VS Code server (code-server ${version}) is not installed. Run: npm run vscode:install`);
  }
  return main;
}

/** Where one server keeps its state; each run gets fresh folders so no run sees another's settings or storage. */
export interface ServerProfile {
  /** User settings live in `<userDataDir>/User/settings.json`. */
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly serverDataDir: string;
}

/** Options for {@link startServer}. */
export interface ServerOptions {
  readonly profile: ServerProfile;
  /** Display language, e.g. `zh-cn`; see `locale.ts` for what it changes. */
  readonly locale?: string;
  /** Each line the server prints; by default kept and shown only if the server fails to start. */
  readonly onLog?: (line: string) => void;
}

/** A running server on a loopback port. */
export interface VSCodeServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** The `remoteAuthority` the workbench uses for this server's files (`vscode-remote://AUTHORITY/path`). */
  readonly remoteAuthority: string;
  /** Stops the server and its extension hosts. */
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${url} timed out`)));
  });
}

function decodeHtmlAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Reads `remoteAuthority` from the served page's `<meta id="vscode-workbench-web-configuration">`. */
export function remoteAuthorityFromPage(html: string): string {
  const meta = /<meta id="vscode-workbench-web-configuration" data-settings="([^"]*)"/.exec(html);
  if (!meta?.[1]) throw new Error('The workbench page has no vscode-workbench-web-configuration meta tag');
  const settings = JSON.parse(decodeHtmlAttribute(meta[1])) as { remoteAuthority?: string };
  if (!settings.remoteAuthority) throw new Error('The workbench configuration has no remoteAuthority');
  return settings.remoteAuthority;
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      // The server runs in its own process group (detached), with its extension hosts: end them together.
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

/**
 * Starts `server-main.js` on a free loopback port, without a connection token, with the smoke-test driver on (which
 * makes the workbench honour the `extensionTestsPath` payload and report through `codeAutomationExit`), and waits
 * until it serves the workbench page.
 */
export async function startServer(options: ServerOptions): Promise<VSCodeServer> {
  const main = serverMainPath();
  const { profile } = options;
  for (const dir of [profile.userDataDir, profile.extensionsDir, profile.serverDataDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const port = await freePort();
  const args = [
    main,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--user-data-dir',
    profile.userDataDir,
    '--extensions-dir',
    profile.extensionsDir,
    '--server-data-dir',
    profile.serverDataDir,
    ...(options.locale ? ['--locale', options.locale] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // An empty gallery keeps the workbench from looking up extensions on a network it can't reach.
    env: { EXTENSIONS_GALLERY: '{}', ...process.env },
  });
  const startupLog: string[] = [];
  const onLine = (line: string): void => {
    if (!line.trim()) return;
    startupLog.push(line);
    options.onLog?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let html: string | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const page = await httpGet(`${url}/`);
      if (page.status === 200) {
        html = page.body;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (html === undefined) {
    await stopProcessGroup(child);
    throw new Error(`The VS Code server did not start on ${url}. Its output:\n${startupLog.join('\n')}`);
  }
  const remoteAuthority = remoteAuthorityFromPage(html);
  // If this process ends without stop() (an uncaught error, Ctrl+C), don't leave the server running.
  const pid = child.pid!;
  const killOnExit = (): void => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  return {
    url,
    remoteAuthority,
    stop: async () => {
      process.off('exit', killOnExit);
      await stopProcessGroup(child);
    },
  };
}

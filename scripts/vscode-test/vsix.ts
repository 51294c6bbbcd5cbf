/**
 * The packaged extension, as a user gets it: `packageVsix` runs `npm run package` (the README's command, unchanged)
 * on a copy of the working tree, so it needs no `dist/` and leaves the project's own `dist/` alone; `installVsix`
 * installs a .vsix into a test profile with code-server's `--install-extension`, the way a person installs it.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestProfile } from './profile';
import { codeServerVersion, repoRoot } from './server';

/** What a copy of the working tree leaves out: installed or generated folders (paths from the root), never sources. */
const NOT_COPIED = new Set(['.git', 'node_modules', '.vscode-test', 'dist', 'out', 'bench', 'test/e2e/screenshots']);

/**
 * Builds the .vsix the way `npm run package` does on a clean clone: the working tree (sources, manifest, README,
 * .vscodeignore; no dist/) is copied to a temp folder with the project's node_modules linked in, `npm run package --
 * --out OUT` runs there, and the copy is deleted. Returns `out`. Throws with vsce's own message when packaging fails.
 */
export function packageVsix(out: string): string {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-package-'));
  try {
    fs.cpSync(repoRoot, staging, {
      recursive: true,
      filter: (source) => {
        const relative = path.relative(repoRoot, source).split(path.sep).join('/');
        return !NOT_COPIED.has(relative) && !relative.endsWith('.vsix');
      },
    });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(staging, 'node_modules'), 'dir');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    try {
      execFileSync('npm', ['run', '--silent', 'package', '--', '--out', out], {
        cwd: staging,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run package failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim());
    }
    return out;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** code-server's command line (`code-server`), installed by scripts/vscode-test/install.sh. */
export function codeServerCli(): string {
  const version = codeServerVersion();
  const entry = path.join(
    repoRoot,
    '.vscode-test',
    `code-server-${version}`,
    'node_modules',
    'code-server',
    'out',
    'node',
    'entry.js',
  );
  if (!fs.existsSync(entry)) {
    throw new Error(`code-server ${version} is not installed. Run: npm run vscode:install`);
  }
  return entry;
}

/**
 * Installs `vsix` into `profile`'s extensions folder with `code-server --install-extension`, and returns the folder
 * it was unpacked to (`<extensionsDir>/<publisher>.<name>-<version>`). code-server's own config and logs go under
 * the profile too, not the user's home.
 */
export function installVsix(vsix: string, profile: TestProfile): string {
  const output = execFileSync(
    process.execPath,
    [
      codeServerCli(),
      '--config',
      path.join(profile.root, 'code-server.yaml'),
      '--user-data-dir',
      profile.userDataDir,
      '--extensions-dir',
      profile.extensionsDir,
      '--install-extension',
      vsix,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(profile.root, 'config'),
        XDG_DATA_HOME: path.join(profile.root, 'data'),
      },
    },
  );
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const folder = path.join(profile.extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  if (!fs.existsSync(path.join(folder, 'package.json'))) {
    throw new Error(`code-server --install-extension did not install ${path.basename(folder)}:\n${output}`);
  }
  return folder;
}

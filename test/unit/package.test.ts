/**
 * The .vsix that `npm run package` builds, built here from a copy of the working tree exactly as on a clean clone
 * (scripts/vscode-test/vsix.ts): it must package at all (vsce's checks of the manifest and README pass), hold what the
 * extension needs at run time and nothing else. No `dist/` is needed beforehand, and the project's own is not touched.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import { packageVsix } from '../../scripts/vscode-test/vsix';

const root = path.join(__dirname, '..', '..');

describe('the .vsix (npm run package)', function () {
  // A production build of four bundles, then vsce: seconds on a quiet machine, more on a busy one.
  this.timeout(180_000);
  let dir = '';
  let entries: Record<string, Uint8Array> = {};
  let files: string[] = [];

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-vsix-'));
    const vsix = packageVsix(path.join(dir, 'loss-lens.vsix'));
    entries = unzipSync(fs.readFileSync(vsix));
    // Paths as the extension sees them once installed (a .vsix keeps them under extension/).
    files = Object.keys(entries)
      .filter((f) => f.startsWith('extension/'))
      .map((f) => f.slice('extension/'.length));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('contains what the extension needs at run time', () => {
    for (const needed of [
      'package.json',
      'package.nls.json',
      'package.nls.zh-cn.json',
      'l10n/bundle.l10n.zh-cn.json',
      'dist/extension.js',
      'dist/worker.js',
      'dist/snippetWorker.js',
      'dist/webview/webview.js',
      'schemas/tensor-file.schema.json',
      'media/loss-lens.svg',
      'LICENSE.txt',
      'readme.md',
    ]) {
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix: ${files.join(', ')}`);
    }
  });

  it('leaves out sources, tests, fixtures, examples, maps and the test VS Code', () => {
    const unwanted = files.filter(
      (f) =>
        /^(src|test|scripts|examples|docs|node_modules|\.vscode-test|out|webview|bench)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        f.endsWith('.vsix'),
    );
    assert.deepEqual(unwanted, []);
  });

  it('ships the manifest of this version and the README as written (no repository URL is invented)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const packaged = JSON.parse(Buffer.from(entries['extension/package.json']!).toString('utf8')) as {
      version: string;
      main: string;
    };
    assert.equal(packaged.version, manifest.version);
    assert.ok(files.includes(packaged.main.replace(/^\.\//, '')), `main ${packaged.main} is in the .vsix`);
    const readme = Buffer.from(entries['extension/readme.md']!).toString('utf8');
    assert.equal(readme, fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  });
});

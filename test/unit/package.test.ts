import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

describe('the .vsix (npm run package)', () => {
  // `vsce ls` lists exactly what `vsce package` would put in the .vsix, after .vscodeignore.
  const files = execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

  it('contains what the extension needs at run time', () => {
    for (const needed of ['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'l10n/bundle.l10n.zh-cn.json', 'dist/extension.js', 'dist/webview/webview.js', 'schemas/tensor-file.schema.json', 'media/loss-lens.svg', 'LICENSE']) {
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix: ${files.join(', ')}`);
    }
  });

  it('leaves out sources, tests, fixtures, examples, maps and the test VS Code', () => {
    const unwanted = files.filter((f) => /^(src|test|scripts|examples|node_modules|\.vscode-test|out|webview)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(unwanted, []);
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, dir, f));
}

/** Every string literal passed as the first argument of `l10n.t(...)` in the extension's sources. */
function l10nKeys(): { key: string; file: string }[] {
  const keys: { key: string; file: string }[] = [];
  const call = /(?:l10n\.t|\bt)\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`([^`$]*)`)/g;
  for (const file of sourceFiles('src').filter((f) => !f.includes(`${path.sep}core${path.sep}`))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      const raw = m[1] ?? m[2] ?? m[3] ?? '';
      keys.push({ key: raw.replace(/\\(['"\\])/g, '$1'), file: path.relative(root, file) });
    }
  }
  return keys;
}

describe('localization', () => {
  const bundle = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  const keys = l10nKeys();

  it('finds the extension\'s user-facing strings', () => {
    assert.ok(keys.length > 50, `only ${keys.length} l10n.t calls found`);
  });

  it('has a Simplified Chinese translation for every vscode.l10n.t string', () => {
    const missing = keys.filter((k) => !(k.key in bundle)).map((k) => `${k.file}: ${k.key}`);
    assert.deepEqual(missing, []);
  });

  it('keeps every {n} placeholder in the translation', () => {
    for (const [en, zh] of Object.entries(bundle)) {
      const placeholders = (s: string): string[] => (s.match(/\{\d+\}/g) ?? []).sort();
      assert.deepEqual(placeholders(zh), placeholders(en), `${en} → ${zh}`);
    }
  });

  it('translates every package.nls.json key into package.nls.zh-cn.json', () => {
    const en = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const zh = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    for (const m of manifest.matchAll(/"%([^%"]+)%"/g)) assert.ok(m[1]! in en, `package.json uses %${m[1]}% but package.nls.json lacks it`);
  });
});

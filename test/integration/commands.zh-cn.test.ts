import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './helpers';

function readJson<T>(extension: vscode.Extension<unknown>, relativePath: string): T {
  return JSON.parse(fs.readFileSync(path.join(extension.extensionPath, relativePath), 'utf8')) as T;
}

describe('Loss Lens in Chinese (zh-cn)', () => {
  it('runs with zh-cn as the display language', () => {
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('translates its strings from l10n/bundle.l10n.zh-cn.json', async () => {
    const extension = await activateExtension();
    const bundle = readJson<Record<string, string>>(extension, 'l10n/bundle.l10n.zh-cn.json');
    // Messages without placeholders come back exactly as translated.
    const plain = Object.entries(bundle).filter(([english, chinese]) => !english.includes('{') && english !== chinese);
    assert.ok(plain.length > 0, 'the zh-cn bundle has no translated message');
    for (const [english, chinese] of plain) assert.equal(vscode.l10n.t(english), chinese);
  });

  it('translates its command titles from package.nls.zh-cn.json', async () => {
    const extension = await activateExtension();
    const nls = readJson<Record<string, string>>(extension, 'package.nls.zh-cn.json');
    const raw = readJson<{ contributes: { commands: { command: string; title: string }[] } }>(
      extension,
      'package.json',
    );
    // A localized title is `{ value, original }`: the palette shows the value and also matches the English original.
    type Title = string | { value: string; original: string };
    const localized = extension.packageJSON as { contributes: { commands: { command: string; title: Title }[] } };
    const translated = raw.contributes.commands.filter((c) => nls[c.title.replace(/^%|%$/g, '')] !== undefined);
    assert.ok(translated.some((c) => c.command === 'lossLens.computeOnSelection'));
    for (const command of translated) {
      const title = localized.contributes.commands.find((c) => c.command === command.command)?.title;
      const value = typeof title === 'string' ? title : title?.value;
      assert.equal(value, nls[command.title.replace(/^%|%$/g, '')], command.command);
    }
  });
});

/**
 * Running VS Code in another display language (e.g. `zh-cn`) with no marketplace to install a language pack from.
 *
 * What decides the language, in this server (code-server's VS Code 1.100): the page's locale is `--locale`, else
 * `locale` in argv.json, else the `vscode.nls.locale` cookie, else the browser's Accept-Language. But the workbench
 * switches (and `vscode.env.language` in the extension host follows) only when a language pack for that locale is
 * registered in `<user-data-dir>/languagepacks.json`; otherwise everything stays `en`. So this module installs a
 * stand-in language pack: an extension contributing `localizations` for the locale with no workbench translations
 * (VS Code's own UI stays English), registered in languagepacks.json as an install would. Extensions then see
 * `vscode.env.language === locale` and load their `package.nls.<locale>.json` and `l10n/bundle.l10n.<locale>.json`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServerProfile } from './server';

const publisher = 'loss-lens-test';
const version = '1.0.0';

/**
 * Installs the stand-in language pack for `locale` (lower case, e.g. `zh-cn`) into the profile. Call before
 * starting the server, and start it with `locale` too.
 * `workbenchTranslations` optionally translates VS Code's own strings: `{ "vs/...module": { key: text } }`.
 */
export function installLanguagePack(
  profile: ServerProfile,
  locale: string,
  workbenchTranslations: Readonly<Record<string, Record<string, string>>> = {},
): void {
  const languageId = locale.toLowerCase();
  const name = `language-pack-${languageId}`;
  const id = `${publisher}.${name}`;
  const extensionDir = path.join(profile.extensionsDir, `${id}-${version}`);
  const translationsFile = path.join(extensionDir, 'translations', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translationsFile), { recursive: true });
  const manifest = {
    name,
    publisher,
    version,
    displayName: `Test language pack (${languageId})`,
    engines: { vscode: '*' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [
        {
          languageId,
          languageName: languageId,
          translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
        },
      ],
    },
  };
  fs.writeFileSync(path.join(extensionDir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(translationsFile, JSON.stringify({ version, contents: workbenchTranslations }, null, 2));

  // The same record VS Code's language pack service writes on install (its hash names the translation cache).
  const registryFile = path.join(profile.userDataDir, 'languagepacks.json');
  const registry = fs.existsSync(registryFile)
    ? (JSON.parse(fs.readFileSync(registryFile, 'utf8')) as Record<string, unknown>)
    : {};
  registry[languageId] = {
    hash: createHash('md5').update(id).update(version).digest('hex'),
    extensions: [{ extensionIdentifier: { id }, version }],
    translations: { vscode: translationsFile },
    label: languageId,
  };
  fs.mkdirSync(profile.userDataDir, { recursive: true });
  fs.writeFileSync(registryFile, JSON.stringify(registry));
}

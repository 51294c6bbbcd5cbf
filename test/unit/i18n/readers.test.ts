/**
 * The tensor readers' messages in Simplified Chinese (READER_MESSAGE_CODES): every refusal of the text reader, the JSON
 * tensor file, .npy, .pt, .safetensors, .npz and the guarded file reads, produced by real bad input (./reader-messages.ts).
 * Loss Lens's own message forms come out in Chinese with the library's words inside them verbatim; Python's,
 * PyTorch's and NumPy's own messages stay byte for byte; English stays the identity; and every form of every template
 * in ../../../src/core/i18n/zh-cn-readers.ts is reached by one of these inputs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { localizeDiagnostic, READER_MESSAGE_CODES } from '../../../src/core/i18n/index';
import { CompiledCatalog } from '../../../src/core/i18n/matcher';
import { READER_MESSAGES_ZH } from '../../../src/core/i18n/zh-cn-readers';
import { translationProblems } from './checks';
import { templateForms } from './forms';
import { readerMessageProblems, readerRefusals, scratchFolder, type Refusal } from './reader-messages';

describe('the tensor readers in Chinese', () => {
  let scratch: string;
  let server: net.Server | undefined;
  let refusals: Refusal[];

  before(async () => {
    scratch = scratchFolder();
    fs.mkdirSync(path.join(scratch, 'inner'));
    const socket = path.join(scratch, 'socket');
    server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(socket, resolve);
    });
    refusals = readerRefusals({ scratch, socket });
  });

  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('collects refusals of every reader code', () => {
    const codes = new Set(refusals.map((r) => r.diagnostic.code));
    const missing = [...READER_MESSAGE_CODES].filter((c) => !codes.has(c));
    assert.deepEqual(missing, []);
    for (const { origin, diagnostic } of refusals) {
      assert.ok(READER_MESSAGE_CODES.has(diagnostic.code), `${origin}: ${diagnostic.code} ${diagnostic.message}`);
    }
  });

  it("translates Loss Lens's own messages whole and keeps Python's, PyTorch's and NumPy's text verbatim", () => {
    const bad = refusals.flatMap(({ origin, diagnostic }) => {
      const zh = localizeDiagnostic(diagnostic, 'zh-cn').message;
      const problems = readerMessageProblems(diagnostic, zh);
      return problems.length > 0
        ? [`${origin} [${diagnostic.code}]\n    en: ${diagnostic.message}\n    zh: ${zh}\n    ${problems.join('; ')}`]
        : [];
    });
    assert.deepEqual(bad, []);
  });

  it('translates every cause and fix', () => {
    const bad = refusals.flatMap(({ origin, diagnostic }) => {
      const zh = localizeDiagnostic(diagnostic, 'zh-cn');
      return [
        [diagnostic.explanation, zh.explanation],
        [diagnostic.hint, zh.hint],
      ].flatMap(([en, cn]) => {
        if (en === undefined) return [];
        const problems = translationProblems(en, cn ?? '');
        return problems.length > 0 ? [`${origin}: ${en}\n    zh: ${cn}\n    ${problems.join('; ')}`] : [];
      });
    });
    assert.deepEqual(bad, []);
  });

  it('keeps English the identity, and the code, place and data in Chinese', () => {
    for (const { diagnostic } of refusals) {
      assert.equal(localizeDiagnostic(diagnostic, 'en'), diagnostic);
      const zh = localizeDiagnostic(diagnostic, 'zh-cn');
      assert.equal(zh.code, diagnostic.code);
      assert.deepEqual(
        [zh.line, zh.column, zh.endLine, zh.endColumn, zh.data],
        [diagnostic.line, diagnostic.column, diagnostic.endLine, diagnostic.endColumn, diagnostic.data],
      );
    }
  });

  it('reaches every form of every reader template with a real input', () => {
    const texts = [
      ...new Set(
        refusals.flatMap(({ diagnostic: d }) => [d.message, d.explanation ?? '', d.hint ?? ''].filter((t) => t !== '')),
      ),
    ];
    const notReached = READER_MESSAGES_ZH.flatMap(([english]) => templateForms(english)).filter((form) => {
      const catalog = new CompiledCatalog({ sentences: [[form, '-']], fragments: [] });
      return !texts.some((t) => catalog.translateWhole(t) !== undefined);
    });
    assert.deepEqual(notReached, []);
  });
});

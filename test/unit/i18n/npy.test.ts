import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../../../src/core/diagnostics';
import { localizeDiagnostic } from '../../../src/core/i18n/index';
import { readNpy } from '../../../src/core/npy';

const CJK = /[\u4e00-\u9fff]/;

// Damaged .npy files, made from a real one: each error's message, cause and fix must come out in Chinese.
describe('.npy errors in Chinese', () => {
  const dir = path.join(__dirname, '..', '..', 'fixtures', 'npy');
  const good = fs.readdirSync(dir).find((f) => f.endsWith('.npy'))!;
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, good)));
  const damaged: [string, Uint8Array][] = [
    ['not a .npy file', new TextEncoder().encode('hello world, not numpy')],
    ['cut inside the header', bytes.slice(0, 20)],
    ['cut inside the data', bytes.slice(0, bytes.length - 1)],
    [
      'unsupported dtype',
      new Uint8Array([
        ...bytes.slice(0, 10),
        ...new TextEncoder().encode(
          new TextDecoder()
            .decode(bytes.slice(10, 10 + (bytes[8]! | (bytes[9]! << 8))))
            .replace(/'descr': '[^']*'/, "'descr': '<c8'"),
        ),
      ]),
    ],
  ];
  for (const [what, data] of damaged) {
    it(what, () => {
      let error: LossLensError | undefined;
      try {
        readNpy(data, 'x.npy');
      } catch (e) {
        if (e instanceof LossLensError) error = e;
        else throw e;
      }
      assert.ok(error, 'rejected');
      const zh = localizeDiagnostic(error.diagnostic, 'zh-cn');
      assert.match(zh.explanation ?? '', CJK, `${error.diagnostic.explanation} → ${zh.explanation}`);
      assert.match(zh.hint ?? '', CJK, `${error.diagnostic.hint} → ${zh.hint}`);
      // Loss Lens's own message, translated with the file and byte kept (./reader-messages.ts checks every form).
      assert.match(zh.message, CJK, `${error.diagnostic.message} → ${zh.message}`);
      assert.ok(zh.message.startsWith('x.npy（第 '), zh.message);
      assert.equal(localizeDiagnostic(error.diagnostic, 'en').message, error.diagnostic.message);
    });
  }
});

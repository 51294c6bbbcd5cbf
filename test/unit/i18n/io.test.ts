/**
 * The refusals of the tensor file readers (src/core/io) in Chinese: every hostile fixture, the refused dtype, the
 * legacy format, a missing key, a JSON file naming a file that cannot be read. Each cause and fix comes out fully
 * translated; the message is translated where it is Loss Lens's own sentence (OWN_MESSAGE_CODES, and the readers' own
 * forms of READER_MESSAGE_CODES), with PyTorch's or NumPy's own words inside it kept verbatim.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError, type Diagnostic } from '../../../src/core/diagnostics';
import { localizeDiagnostic, OWN_MESSAGE_CODES, READER_MESSAGE_CODES } from '../../../src/core/i18n/index';
import { readTensorArchive, resolveTensorSources, selectTensor } from '../../../src/core/io/index';
import { readTensorFile } from '../../../src/core/json/tensorFile';
import { translationProblems } from './checks';
import { readerMessageProblems } from './reader-messages';

const io = path.join(__dirname, '..', '..', 'fixtures', 'io');

function refusalOf(run: () => unknown): Diagnostic {
  try {
    run();
  } catch (e) {
    if (e instanceof LossLensError) return e.diagnostic;
    throw e;
  }
  assert.fail('no refusal');
}

function readAll(file: string, limit = 64 * 2 ** 20): void {
  const archive = readTensorArchive(new Uint8Array(fs.readFileSync(file)), path.basename(file), undefined, {
    maxInflatedBytes: limit,
    maxHeaderBytes: 64 * 2 ** 20,
  });
  for (const entry of archive.entries) entry.load();
}

describe('tensor file refusals in Chinese', () => {
  const cases: [string, () => unknown][] = [];
  for (const f of fs.readdirSync(path.join(io, 'hostile')).filter((f) => !f.endsWith('.json'))) {
    cases.push([f, () => readAll(path.join(io, 'hostile', f))]);
  }
  const v = path.join(io, 'torch-2.14');
  cases.push(['complex.pt', () => readAll(path.join(v, 'complex.pt'))]);
  cases.push(['legacy.pt', () => readAll(path.join(v, 'legacy.pt'))]);
  cases.push(['not a zip', () => readTensorArchive(new TextEncoder().encode('hello'), 'x.pt')]);
  cases.push(['not an npz', () => readTensorArchive(new TextEncoder().encode('hello'), 'x.npz')]);
  cases.push(['short safetensors', () => readTensorArchive(new Uint8Array(3), 'x.safetensors')]);
  const run = () => readTensorArchive(new Uint8Array(fs.readFileSync(path.join(v, 'run.pt'))), 'run.pt');
  cases.push(['missing key', () => selectTensor(run(), 'logits')]);
  cases.push(['no key, several tensors', () => selectTensor(run(), undefined)]);
  cases.push([
    'unreadable file in a JSON tensor file',
    () =>
      resolveTensorSources(readTensorFile('{"input": {"pt": "nowhere.pt", "key": "x"}}'), () => {
        throw new Error('ENOENT');
      }),
  ]);
  cases.push(['bad "key" in a JSON tensor file', () => readTensorFile('{"input": {"pt": "a.pt", "key": 3}}')]);

  for (const [name, run] of cases) {
    it(name, () => {
      const d = refusalOf(run);
      const zh = localizeDiagnostic(d, 'zh-cn');
      if (d.code !== undefined && OWN_MESSAGE_CODES.has(d.code)) {
        assert.deepEqual(translationProblems(d.message, zh.message), [], `${d.message} → ${zh.message}`);
      } else if (d.code !== undefined && READER_MESSAGE_CODES.has(d.code)) {
        assert.deepEqual(readerMessageProblems(d, zh.message), [], `${d.message} → ${zh.message}`);
      } else assert.equal(zh.message, d.message);
      if (d.explanation !== undefined) {
        assert.deepEqual(
          translationProblems(d.explanation, zh.explanation ?? ''),
          [],
          `${d.explanation} → ${zh.explanation}`,
        );
      }
      assert.deepEqual(translationProblems(d.hint ?? '', zh.hint ?? ''), [], `${d.hint} → ${zh.hint}`);
    });
  }
});

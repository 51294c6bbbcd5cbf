/**
 * Hostile and damaged tensor files (scripts/fixtures/gen_io_hostile.py → test/fixtures/io/hostile/): each is refused
 * with its own code and a message naming what was wrong, and the malicious pickles — proven live by the generator,
 * which loaded each with torch.load(weights_only=False) and saw its sentinel file appear — leave no trace here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from '../../../src/core/diagnostics';
import { readTensorArchive, selectTensor } from '../../../src/core/io/index';
import { unpickle } from '../../../src/core/io/pickle';
import { readPt } from '../../../src/core/io/pt';

const dir = path.join(__dirname, '..', '..', 'fixtures', 'io', 'hostile');

interface Case {
  readonly code: string;
  readonly global?: string;
  readonly live?: boolean;
  readonly torch?: string;
  readonly limit?: number;
  readonly key?: string;
}
const hostile = JSON.parse(fs.readFileSync(path.join(dir, 'hostile.json'), 'utf8')) as {
  sentinel: string;
  cases: Record<string, Case>;
};

function refusal(name: string, want: Case): LossLensError {
  const bytes = new Uint8Array(fs.readFileSync(path.join(dir, name)));
  const limits = { maxInflatedBytes: want.limit ?? 2 ** 31, maxHeaderBytes: 64 * 2 ** 20 };
  try {
    const archive = readTensorArchive(bytes, name, undefined, limits);
    // Some damage shows only when the tensor is read.
    for (const entry of archive.entries) if (want.key === undefined || entry.key === want.key) entry.load();
  } catch (e) {
    if (e instanceof LossLensError) return e;
    throw e;
  }
  assert.fail(`${name} was read without a refusal`);
}

describe('hostile and damaged tensor files', () => {
  before(() => {
    if (fs.existsSync(hostile.sentinel)) fs.rmSync(hostile.sentinel);
  });

  for (const [name, want] of Object.entries(hostile.cases)) {
    it(`${name}: refused (${want.code}${want.global ? `, ${want.global}` : ''})`, () => {
      const e = refusal(name, want);
      assert.equal(e.diagnostic.code, want.code, e.message);
      assert.ok(e.message.startsWith(name), e.message);
      assert.ok(e.diagnostic.explanation && e.diagnostic.hint, 'a cause and a fix');
      assert.equal(e.diagnostic.line, 1);
      if (want.global) {
        assert.equal(e.diagnostic.data?.global, want.global);
        const shown = want.global.replace(/^builtins\./, '');
        assert.ok(e.message.includes(`GLOBAL ${shown} was not an allowed global`), e.message);
        // Where PyTorch's weights_only loader names the global it refused (it stops earlier at a protocol 4
        // FRAME), it is the same global by the same name.
        if (want.torch?.includes('GLOBAL')) assert.ok(want.torch.includes(`GLOBAL ${shown}`), want.torch);
        assert.match(e.diagnostic.explanation ?? '', /never runs code/);
      }
    });
  }

  it('the malicious pickles are live (the generator saw them act) and nothing they ask for happened here', () => {
    const malicious = Object.entries(hostile.cases).filter(([, c]) => c.live !== undefined);
    assert.ok(malicious.length >= 4);
    for (const [name, c] of malicious) {
      assert.equal(c.live, true, `${name} created its sentinel under torch.load(weights_only=False)`);
      refusal(name, c);
    }
    assert.equal(fs.existsSync(hostile.sentinel), false, `${hostile.sentinel} must never be created`);
  });

  it('refuses os.system at the GLOBAL opcode, before the REDUCE that would call it', () => {
    const e = refusal('evil-os-system.pt', hostile.cases['evil-os-system.pt']!);
    // data.pkl is the archive's first member: the GLOBAL opcode is at byte 2 of the pickle (after PROTO 2).
    assert.match(e.message, /data\.pkl \(byte 2\)/);
  });

  it('the tensor next to builtins.eval in evil-eval.pt is never returned', () => {
    assert.throws(
      () =>
        selectTensor(readPt(new Uint8Array(fs.readFileSync(path.join(dir, 'evil-eval.pt'))), 'evil-eval.pt'), 'logits'),
      (e: LossLensError) => e.diagnostic.code === 'pickle/global',
    );
  });

  it('a lying zip bomb stops after its stated size instead of inflating 200 MB', () => {
    const e = refusal('bomb-lying.npz', hostile.cases['bomb-lying.npz']!);
    assert.match(e.message, /the directory says 4096 bytes, the member holds at least \d+/);
    const overshoot = Number(/at least (\d+)/.exec(e.message)![1]);
    assert.ok(overshoot < 64 * 2 ** 20, `stopped at ${overshoot} bytes`);
  });

  it('the honest zip bomb is refused from its stated size, with the limit in the message', () => {
    const e = refusal('bomb.npz', hostile.cases['bomb.npz']!);
    assert.match(e.message, /would inflate to 209715328 bytes, over the limit of 67108864/);
  });

  it('refuses pickles that are cut off, unknown opcodes and values missing from the stack', () => {
    const options = { file: 'x.pkl', allowed: new Map(), refusal: { explanation: 'e.', hint: 'h.' } };
    const damaged = [
      Uint8Array.from([0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x00]), // a string longer than the pickle
      Uint8Array.from([0x80, 0x02, 0x4e]), // no STOP
      Uint8Array.from([0x80, 0x02, 0xff, 0x2e]), // unknown opcode
      Uint8Array.from([0x80, 0x02, 0x74, 0x2e]), // TUPLE without a MARK
      Uint8Array.from([0x80, 0x02, 0x68, 0x07, 0x2e]), // memo read before it is written
    ];
    for (const bytes of damaged) {
      assert.throws(
        () => unpickle(bytes, options),
        (e: LossLensError) => e.diagnostic.code === 'pickle/damaged',
      );
    }
  });
});

/**
 * A small slice of the fuzz campaign (scripts/fuzz: `npm run fuzz` runs a million inputs): the same generators and
 * checks on a few thousand inputs, so a crash or a disagreement between the two JSON readers fails `npm test`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  cliTarget,
  jsonArbitrary,
  jsonInput,
  jsonTarget,
  npyInput,
  npyTarget,
  programInput,
  programTarget,
  pythonInput,
  pythonTarget,
  rng,
  tensorFileInput,
  tensorFileTarget,
} from '../../scripts/fuzz/campaign';

describe('fuzz campaign slice', () => {
  it('JSON: 1500 generated files, the small and the streaming reader agree and nothing but a LossLensError escapes', () => {
    const random = rng(1);
    for (let i = 0; i < 1500; i++) {
      const text = jsonInput(random, jsonArbitrary);
      assert.doesNotThrow(() => jsonTarget(text), `input ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('.npy: 3000 generated files, refused with a LossLensError or read with data matching the shape', () => {
    const random = rng(2);
    for (let i = 0; i < 3000; i++) {
      const bytes = npyInput(random);
      assert.doesNotThrow(() => npyTarget(bytes), `input ${i}`);
    }
  });

  it('Python: 300 generated snippets parse and check without throwing', () => {
    const random = rng(3);
    for (let i = 0; i < 300; i++) {
      const text = pythonInput(random);
      assert.doesNotThrow(() => pythonTarget(text), `input ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('interpreter: 100 generated programs run to their end or their budget without throwing', () => {
    const random = rng(5);
    for (let i = 0; i < 100; i++) {
      const text = programInput(random);
      assert.doesNotThrow(() => programTarget(text), `input ${i}: ${JSON.stringify(text)}`);
    }
  });

  it('.pt/.safetensors/.npz: 500 damaged files, refused with a LossLensError or read with data matching the shape', () => {
    const random = rng(6);
    for (let i = 0; i < 500; i++) {
      const file = tensorFileInput(random);
      assert.doesNotThrow(() => tensorFileTarget(file), `input ${i}: ${file.name}`);
    }
  });

  it('CLI in process: 50 generated files exit 0, 1 or 2', () => {
    const random = rng(4);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-fuzz-slice-'));
    try {
      for (let i = 0; i < 50; i++) {
        const python = i % 3 === 0;
        const file = path.join(dir, python ? 'in.py' : 'in.json');
        fs.writeFileSync(file, python ? pythonInput(random) : jsonInput(random));
        assert.doesNotThrow(() => cliTarget([python ? 'check' : 'compute', file, '--json']), `input ${i}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

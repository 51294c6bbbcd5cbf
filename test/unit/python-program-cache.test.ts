/**
 * The parse cache the snippet worker keeps between checks: the program it gives is the one `parseProgram` gives for
 * the whole text (syntax tree, positions, diagnostics), on every test program, and after any edit; and an edit
 * within a line parses only the statement it is in.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseProgram } from '../../src/core/python/program';
import { ProgramCache, topLevelPieces } from '../../src/core/python/programCache';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pythonFiles(p));
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

const programs = pythonFiles(FIXTURES).map((f) => ({
  name: path.relative(FIXTURES, f),
  text: fs.readFileSync(f, 'utf8'),
}));

/** The pieces' first lines (1-based), for readable expectations; the scan's line numbers agree with its offsets. */
function pieceLines(text: string): number[] | undefined {
  const pieces = topLevelPieces(text);
  if (!pieces) return undefined;
  const byOffset = pieces.starts.map((offset) => text.slice(0, offset).split(/\r\n|\r|\n/).length);
  assert.deepStrictEqual(
    pieces.lines.map((l) => l + 1),
    byOffset,
  );
  return byOffset;
}

describe('ProgramCache: whole-program parsing that remembers its statements', () => {
  it('has test programs to compare on', () => {
    assert.ok(programs.length >= 40, `${programs.length} programs`);
  });

  for (const fstringNewlines of [false, true]) {
    it(`gives parseProgram's tree for every test program (fstringNewlines ${fstringNewlines})`, () => {
      const cache = new ProgramCache();
      for (const { name, text } of programs) {
        // Twice: parsed piece by piece, then from the cache.
        for (let round = 0; round < 2; round++)
          assert.deepStrictEqual(cache.parse(text, { fstringNewlines }), parseProgram(text, { fstringNewlines }), name);
      }
      assert.ok(cache.hits > 0 && cache.misses > 0);
    });
  }

  it('keeps document positions from an origin (a selection)', () => {
    const text = 'import torch\nx = torch.zeros(2)\nprint(x)\n';
    const origin = { line: 12, column: 5 };
    assert.deepStrictEqual(new ProgramCache().parse(text, { origin }), parseProgram(text, { origin }));
  });

  it('cuts a file where Python starts a top-level statement, and nowhere else', () => {
    const text = [
      '# a comment with a quote: "',
      'import torch',
      '@decorator',
      '',
      '@another(1,',
      '2)',
      'def f(x):',
      '    return x',
      'if f(1):',
      '    pass',
      'elif f(2):',
      '    pass',
      'else:',
      '    pass',
      'try:',
      '    pass',
      'except ValueError:',
      '    pass',
      'finally:',
      '    pass',
      'doc = """',
      'x = 1',
      '"""',
      "s = 'it\\'s'",
      'total = (1 +',
      '2)',
      'joined = 1 + \\',
      '2',
      'elsewhere = 3',
      '  # an indented comment',
      "noted = 1  # ( and ''' in a comment",
      'last = [',
      ']  # ( not open',
    ].join('\n');
    assert.deepStrictEqual(pieceLines(text), [1, 3, 9, 15, 21, 24, 25, 27, 29, 31, 32]);
    assert.deepStrictEqual(new ProgramCache().parse(text), parseProgram(text));
  });

  it('handles \\r\\n and \\r line breaks', () => {
    for (const eol of ['\r\n', '\r']) {
      const text = ['import torch', 'def f():', '    return 1', 'y = f()', ''].join(eol);
      assert.deepStrictEqual(pieceLines(text), [1, 2, 4]);
      assert.deepStrictEqual(new ProgramCache().parse(text), parseProgram(text));
    }
  });

  it('leaves a file whose first code line is indented (a selection from a function) to the whole parser', () => {
    assert.equal(topLevelPieces('\n    x = 1\n    y = 2\n'), undefined);
    assert.deepStrictEqual(pieceLines('# note\n\n  # indented comment\nx = 1\ny = 2\n'), [1, 5]);
  });

  it('parses only the statement an edit within a line touched', () => {
    const text = programs.find((p) => p.name.endsWith('control_flow.py'))!.text;
    const pieces = topLevelPieces(text)!.starts.length;
    const cache = new ProgramCache();
    cache.parse(text);
    assert.equal(cache.misses, pieces);
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('print('));
    lines[at] = lines[at]!.replace('print(', 'print("edited", ');
    const edited = lines.join('\n');
    assert.deepStrictEqual(cache.parse(edited), parseProgram(edited));
    assert.equal(cache.misses, pieces + 1);
    assert.equal(cache.hits, pieces - 1);
  });

  it('keeps each cached statement with its own text, not the whole document it was cut from', () => {
    // A slice of a string keeps the whole string alive: a long session of edits would keep every version of the file.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `value_${i} = compute(${i}, "a padded argument to fill the line")`,
    );
    const cache = new ProgramCache();
    cache.parse(lines.join('\n'));
    gc();
    const before = process.memoryUsage().heapUsed;
    const documentBytes = lines.join('\n').length;
    for (let k = 0; k < 100; k++) {
      lines[k * 17] = `${lines[k * 17]}  # edited ${k}`;
      cache.parse(lines.join('\n'));
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 100 versions of a ~150 KB document kept alive would be ~15 MB (one-byte strings); the edited statements alone
    // and their trees are well under a tenth of that.
    assert.ok(grown < 10 * documentBytes, `the heap grew by ${(grown / 1e6).toFixed(1)} MB`);
    assert.equal(cache.misses, 2000 + 100 * 1);
  });

  it("gives parseProgram's tree and diagnostics after any sequence of edits (fast-check)", () => {
    const bits = [
      '\n',
      '\r\n',
      '    ',
      'else:\n',
      'elif x:\n',
      '@',
      '(',
      ')',
      '[',
      '"""',
      "'",
      '"',
      '#',
      '\\\n',
      'x',
      ':',
      'def g(a):\n    return a\n',
      'f"{d["k"]}"',
      "f'{x!r:>{w}}'",
      'class C:\n  pass\n',
    ];
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 12 }),
      insert: fc.constantFrom(...bits),
    });
    const seeds = programs.filter((p) => p.text.length < 6000);
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (which, edits, fstringNewlines) => {
          const cache = new ProgramCache();
          let text = seeds[which]!.text;
          cache.parse(text, { fstringNewlines });
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
            assert.deepStrictEqual(cache.parse(text, { fstringNewlines }), parseProgram(text, { fstringNewlines }));
          }
        },
      ),
      { numRuns: 300, seed: 20261204 },
    );
  });
});

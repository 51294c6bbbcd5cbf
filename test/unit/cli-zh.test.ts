/**
 * `--lang zh-cn` on the command line: every line the CLI writes itself (status and count lines, error lines, the frames
 * and table headings of the readable and summary reports, the severity of a diagnostic) comes from the catalog in
 * src/core/i18n/zh-cn-cli.ts, and the same run without `--lang` writes the English template. Each subcommand runs on
 * the bundled examples and the labelled fixtures, in English and in Chinese, and the two outputs are compared line by
 * line: a line of an English template must be the Chinese template with the same numbers, a table heading must be
 * the Chinese headings, a diagnostic keeps its place, code and (PyTorch's) message, and everything else (table rows,
 * what a program printed) is the same text. A template with no Chinese entry fails here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { displayWidth } from '../../src/core/report/format';
import { OWN_MESSAGE_CODES, ownTemplate, ownText, READER_MESSAGE_CODES } from '../../src/core/i18n/index';
import { parseTemplate, placeholderNames, templatePattern } from '../../src/core/i18n/matcher';
import { CLI_LABELS_ZH, CLI_ZH, COMMANDER_ZH } from '../../src/core/i18n/zh-cn-cli';
import { englishLeftovers, hasCjk, numbersOf } from './i18n/checks';

const root = path.join(__dirname, '..', '..');
const examples = (name: string): string => path.join(root, 'examples', name);
const programs = (name: string): string => path.join(root, 'test', 'fixtures', 'programs', name);
const imports = (...parts: string[]): string => path.join(root, 'test', 'fixtures', 'imports', ...parts);

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function run(args: readonly string[]): Run {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** The Chinese template of an English one; fails when the catalog has none. */
function zh(english: string): string {
  const t = ownTemplate(english, 'zh-cn');
  assert.ok(t !== undefined, `no zh-cn entry for: ${english}`);
  return t;
}

/** `template` filled in Chinese, as the CLI writes it; fails when the catalog has no entry. */
function zhText(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  zh(template);
  return ownText(template, values, 'zh-cn');
}

const pattern = templatePattern;

/** The literal text of a template (how specific it is). */
const literalLength = (template: string): number =>
  parseTemplate(template).reduce((n, t) => n + (t.kind === 'literal' ? t.text.length : 0), 0);

/** The templates a whole line can be (those with words: `{list}, {item}` is a piece of a line, not a line). */
const LINE_TEMPLATES = CLI_ZH.map(([en]) => en)
  .filter((en) => parseTemplate(en).some((t) => t.kind === 'literal' && /[A-Za-z]/.test(t.text)))
  .sort((a, b) => literalLength(b) - literalLength(a));

/** The most specific English template a line is written from, with its values. */
function templateOf(line: string): { template: string; values: Record<string, string> } | undefined {
  for (const template of LINE_TEMPLATES) {
    const m = pattern(template).exec(line);
    if (m) return { template, values: { ...m.groups } };
  }
  return undefined;
}

/** Headings that are code or PyTorch names, kept as written in every language. */
const VERBATIM_HEADINGS = new Set(['p(target)', 'sigmoid(x)', 'p', 'pos_weight']);

/** `file:line:column: severity: message [code]`. */
const DIAGNOSTIC = /^(?<place>.*?:\d+:\d+): (?<severity>\S+): (?<message>.*) \[(?<code>[\w/-]+)\]$/;

/** A value that is numbers (a count, a loss, a list of them) or a shape rather than words. */
const NUMERIC = /^[-+\d.,\s[\]%…e]*$|^(nan|-?inf)$/;

/**
 * Runs `args` in English and with `--lang zh-cn` and checks the Chinese output against the English, line by line, on
 * stdout and stderr alike. Returns how many lines were written from a template (so a case cannot pass vacuously).
 */
function compareLanguages(
  args: readonly string[],
  english: Run = run(args),
  chinese: Run = run([...args, '--lang', 'zh-cn']),
): number {
  assert.equal(chinese.code, english.code, 'the exit code does not depend on the language');
  let framed = 0;
  for (const stream of ['out', 'err'] as const) {
    const en = english[stream].split('\n');
    const cn = chinese[stream].split('\n');
    assert.equal(cn.length, en.length, `the same number of lines on std${stream}:\n${chinese[stream]}`);
    const rule = (l: string | undefined): boolean => l !== undefined && /^[-\s]+$/.test(l) && l.includes('-');
    en.forEach((enLine, i) => {
      const cnLine = cn[i]!;
      const header = rule(en[i + 1]);
      // A line keeps its indentation, but for a table's (columns are as wide as their Chinese headings).
      const indent = /^ */.exec(enLine)![0];
      const [e, c] = [enLine.slice(indent.length), cnLine.trimStart()];
      const indented = (): void =>
        assert.equal(cnLine.slice(0, cnLine.length - c.length), indent, `line ${i} keeps its indentation: ${cnLine}`);
      const loopHead = /^(\d+:\d+ \S+) \((loop at line .*)\)( = .*)$/.exec(e);
      const diagnostic = DIAGNOSTIC.exec(e);
      const found = templateOf(e);
      if (rule(e)) {
        // The rule under a table's headings: as wide as the (Chinese) column.
        assert.ok(rule(c), `line ${i} is a rule: ${c}`);
      } else if (header) {
        // A table's headings: each in Chinese (code stays).
        const cells = e.trim().split(/ {2,}/);
        const expected = cells.map((h) => (VERBATIM_HEADINGS.has(h) ? h : zh(h)));
        assert.deepEqual(c.trim().split(/ {2,}/), expected, `headings of line ${i}`);
        framed++;
      } else if (diagnostic) {
        indented();
        const d = DIAGNOSTIC.exec(c);
        assert.ok(d, `a diagnostic stays one line: ${c}`);
        assert.equal(d.groups!.place, diagnostic.groups!.place);
        assert.equal(d.groups!.code, diagnostic.groups!.code);
        assert.equal(d.groups!.severity, zh(diagnostic.groups!.severity!));
        const own =
          OWN_MESSAGE_CODES.has(diagnostic.groups!.code!) || READER_MESSAGE_CODES.has(diagnostic.groups!.code!);
        // PyTorch's (and Python's) message stays byte for byte: people search for it.
        if (!own) assert.equal(d.groups!.message, diagnostic.groups!.message);
        framed++;
      } else if (found) {
        indented();
        const target = pattern(zh(found.template));
        const m = target.exec(c);
        assert.ok(m, `line ${i} is the Chinese of “${found.template}”:\n  en: ${e}\n  zh: ${c}`);
        assert.ok(!pattern(found.template).test(c) || c === e, `line ${i} left in English: ${c}`);
        for (const [name, value] of Object.entries(found.values))
          if (NUMERIC.test(value)) assert.equal(m.groups![name], value, `${name} carried over in line ${i}`);
        assert.deepEqual(englishLeftovers(c), [], `English prose left in line ${i}: ${c}`);
        assert.ok(hasCjk(c), `line ${i} has Chinese: ${c}`);
        framed++;
      } else if (loopHead) {
        indented();
        // A loss call inside loops: each loop in Chinese, the call and its value as they are.
        const loops = loopHead[2]!.split(/, (?=loop at line)/).map((l) => {
          const m = pattern('loop at line {line}, iteration {iteration}').exec(l);
          assert.ok(m, l);
          return zhText('loop at line {line}, iteration {iteration}', { ...m.groups });
        });
        const where = loops.reduce((list, item) => zhText('{list}, {item}', { list, item }));
        assert.equal(c, `${zhText('{call} ({loops})', { call: loopHead[1]!, loops: where })}${loopHead[3]}`);
        framed++;
      } else {
        // A table row, a histogram bar, what a program printed: the same, but for a cell that is a word.
        const words = (s: string): string[] => s.split(/ {2,}/).map((cell) => cell.trim());
        const [ew, cw] = [words(e), words(c)];
        assert.equal(cw.length, ew.length, `line ${i}:\n  en: ${e}\n  zh: ${c}`);
        ew.forEach((cell, k) => assert.equal(cw[k], cell === 'ignored' || cell === 'other' ? zh(cell) : cell));
      }
    });
  }
  return framed;
}

describe('loss-lens --lang zh-cn: the CLI’s own lines', () => {
  describe('the catalog of the CLI (src/core/i18n/zh-cn-cli.ts)', () => {
    it('has each English template once, in Chinese, with the same placeholders and literal numbers', () => {
      const seen = new Set<string>();
      for (const [en, cn] of [...CLI_ZH, ...CLI_LABELS_ZH, ...COMMANDER_ZH]) {
        assert.ok(!seen.has(en), `duplicate: ${en}`);
        seen.add(en);
        // `{list}, {item}` and `{call} ({loops})` are punctuation only: full-width in Chinese.
        const words = parseTemplate(en).some((t) => t.kind === 'literal' && /[A-Za-z]/.test(t.text));
        assert.ok(words ? hasCjk(cn) : cn !== en, `no Chinese in the translation of: ${en}`);
        assert.deepEqual([...placeholderNames(cn)].sort(), [...placeholderNames(en)].sort(), en);
        for (const n of numbersOf(en.replace(/\{[^{}]*\}/g, ' '))) assert.ok(cn.includes(n), `${n} lost in: ${cn}`);
        assert.ok(!/[\u4e00-\u9fff][,;]/.test(cn), `ASCII comma after Chinese in: ${cn}`);
        assert.ok(!/^\s|\s$/.test(cn), `stray whitespace in: ${cn}`);
        assert.ok(!parseTemplate(cn).some((t) => t.kind === 'choice'), `an English plural in: ${cn}`);
      }
    });

    it('has an entry for every template the CLI and its reports name, and no entry they do not', () => {
      const sources = ['src/cli.ts', 'src/core/report/format.ts', 'src/core/report/summary.ts'].map((f) =>
        fs.readFileSync(path.join(root, f), 'utf8'),
      );
      const named = new Set<string>();
      for (const text of sources) {
        for (const m of text.matchAll(/\b(?:ownText|word)\(\s*(['"])((?:\\.|(?!\1).)*)\1/g))
          named.add(m[2]!.replace(/\\(.)/g, '$1'));
      }
      // A diagnostic's severity is named by the diagnostic (ownText(d.severity)): every Severity.
      for (const severity of ['error', 'warning', 'info']) named.add(severity);
      assert.ok(named.size >= 40, `found ${named.size} templates in the sources`);
      const missing = [...named].filter((t) => ownTemplate(t, 'zh-cn') === undefined);
      assert.deepEqual(missing, [], 'templates with no zh-cn entry');
      const unused = [...CLI_ZH, ...CLI_LABELS_ZH].map(([en]) => en).filter((en) => !named.has(en));
      assert.deepEqual(unused, [], 'entries no code names');
    });

    it('fills values verbatim, picks the English plural by the count, and keeps English with no entry', () => {
      const template = 'no problems found in {count} {file|files}';
      assert.equal(ownText(template, { count: 1 }), 'no problems found in 1 file');
      assert.equal(ownText(template, { count: 3 }), 'no problems found in 3 files');
      assert.equal(zhText(template, { count: 3 }), zh(template).replace('{count}', '3'));
      assert.equal(
        zhText('value: {value}', { value: '[0.5, nan]' }),
        zh('value: {value}').replace('{value}', '[0.5, nan]'),
      );
      assert.equal(ownText('not in the catalog: {x}', { x: 'a.b' }, 'zh-cn'), 'not in the catalog: a.b');
    });
  });

  describe('compute', () => {
    it('writes the table, the reduction, the value and the notes in Chinese (weighted-ignore.json)', () => {
      const en = run(['compute', examples('weighted-ignore.json')]);
      assert.match(en.out, /\n\s+3\s+ignored\s/);
      assert.ok(compareLanguages(['compute', examples('weighted-ignore.json')], en) >= 6);
      // The Chinese table stays aligned in a terminal: every line as wide, a Chinese character counting two columns.
      const cn = run(['compute', examples('weighted-ignore.json'), '--lang', 'zh-cn']).out.split('\n');
      const rows = cn.slice(
        1,
        cn.findIndex((l) =>
          l.startsWith(zh('reduction: {reduction} = {numerator} / {denominator}  ({label})').slice(0, 3)),
        ),
      );
      assert.ok(rows.length >= 6, rows.join('\n'));
      assert.deepEqual(new Set(rows.map(displayWidth)).size, 1, rows.join('\n'));
    });

    it('heads the BCE element table in Chinese (bce-pos-weight.json)', () => {
      assert.ok(compareLanguages(['compute', examples('bce-pos-weight.json')]) >= 4);
    });

    it('writes a rejected computation on stderr with the Chinese frame and PyTorch’s message', () => {
      const en = run(['compute', examples('embedding-mismatch.json')]);
      assert.equal(en.code, 1);
      assert.ok(compareLanguages(['compute', examples('embedding-mismatch.json')], en) >= 3);
    });

    it('summarises in Chinese (--summary): worst samples, statistics, accuracy, classes, positives', () => {
      const ce = run(['compute', examples('weighted-ignore.json'), '--summary']);
      for (const t of [
        'worst {count} samples:',
        'classes with the largest total loss:',
        'accuracy (argmax = target): {percent}% of {count} samples',
      ])
        assert.ok(
          ce.out.split('\n').some((l) => pattern(t).test(l)),
          t,
        );
      assert.ok(compareLanguages(['compute', examples('weighted-ignore.json'), '--summary'], ce) >= 10);
      const bce = run(['compute', examples('bce-pos-weight.json'), '--summary']);
      assert.match(bce.out, /^positive targets: /m);
      assert.ok(compareLanguages(['compute', examples('bce-pos-weight.json'), '--summary'], bce) >= 6);
    });

    it('says how many samples and elements are not listed', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-zh-'));
      const n = 61;
      const ce = path.join(dir, 'many.json');
      const rows = Array.from({ length: n }, (_, k) => [(k % 3) + 0.5, ((k * 7) % 5) + 0.25, 1.5]);
      fs.writeFileSync(ce, JSON.stringify({ loss: 'cross_entropy', input: rows, target: rows.map((_, k) => k % 3) }));
      const bce = path.join(dir, 'bce.json');
      const logits = Array.from({ length: n }, (_, k) => (k % 5) - 2.5);
      fs.writeFileSync(
        bce,
        JSON.stringify({
          loss: 'binary_cross_entropy_with_logits',
          input: logits,
          target: logits.map((_, k) => (k % 2 === 0 ? 0.25 : 0.75)),
        }),
      );
      const shown = 50; // formatResult's default maxRows
      const cn = run(['compute', ce, '--lang', 'zh-cn']).out.split('\n');
      assert.ok(cn.includes(zhText('… {count} more samples (use --json for all)', { count: n - shown })));
      assert.ok(compareLanguages(['compute', ce]) >= 4);
      const cnBce = run(['compute', bce, '--lang', 'zh-cn']).out.split('\n');
      assert.ok(cnBce.includes(zhText('… {count} more elements (use --json for all)', { count: n - shown })));
      assert.ok(compareLanguages(['compute', bce]) >= 4);
      fs.rmSync(dir, { recursive: true });
    });

    it('says what is missing and what cannot be read, in Chinese', () => {
      const missing = compareLanguages(['compute', 'no-such-file.json']);
      assert.equal(missing, 1);
      const usage = run(['compute', '--lang', 'zh-cn']);
      assert.equal(usage.code, 2);
      assert.equal(
        usage.err,
        `${zh('loss-lens: give a JSON tensor file, or --input FILE[:KEY] (.npy, .pt, .safetensors, .npz)')}\n`,
      );
      assert.equal(compareLanguages(['compute']), 1);
    });

    it('counts the non-finite losses of a summary in Chinese', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-zh-'));
      const file = path.join(dir, 'nan.json');
      // A NaN logit gives that sample a NaN loss, as in PyTorch.
      fs.writeFileSync(file, '{"loss": "cross_entropy", "input": [["nan", 1.0], [1.0, 2.0]], "target": [0, 1]}');
      const en = run(['compute', file, '--summary']);
      assert.match(en.out, /^ {2}non-finite: \d+$/m);
      assert.ok(compareLanguages(['compute', file, '--summary'], en) >= 8);
      fs.rmSync(dir, { recursive: true });
    });

    it('says why a tensor file is not read: missing, or over --max-file-size-mb', () => {
      assert.equal(compareLanguages(['compute', '--input', 'no-such.npy', '--loss', 'cross_entropy']), 1);
      const refused = ['compute', examples('bce.json'), '--max-file-size-mb', '0.00001'];
      assert.equal(run(refused).code, 2);
      assert.equal(compareLanguages(refused), 1);
    });

    it('keeps the JSON keys and PyTorch’s messages, and writes the human sentences in Chinese (--json)', () => {
      for (const file of ['weighted-ignore.json', 'embedding-mismatch.json']) {
        const en = JSON.parse(run(['compute', examples(file), '--json']).out) as JsonOutput;
        const cn = JSON.parse(run(['compute', examples(file), '--json', '--lang', 'zh-cn']).out) as JsonOutput;
        assert.deepEqual(keysOf(cn), keysOf(en));
        en.results.forEach((r, k) => {
          assert.deepEqual(cn.results[k]!.value, r.value);
          assert.ok(hasCjk(cn.results[k]!.reduction.why) && !hasCjk(r.reduction.why));
        });
        en.diagnostics.forEach((d, k) => {
          const c = cn.diagnostics[k]!;
          assert.ok(d.explanation === undefined || (hasCjk(c.explanation!) && !hasCjk(d.explanation)));
          if (!OWN_MESSAGE_CODES.has(d.code)) assert.equal(c.message, d.message);
        });
        assert.ok(en.diagnostics.length > 0);
      }
    });
  });

  describe('eval', () => {
    it('frames what a program printed and its loss calls, with their loops and a rejected call (control_flow.py)', () => {
      const en = run(['eval', programs('control_flow.py')]);
      for (const t of ['--- program output ---', '--- loss calls ---', '{head}: rejected'])
        assert.ok(
          en.out.split('\n').some((l) => pattern(t).test(l)),
          t,
        );
      assert.match(en.out, /\(loop at line \d+, iteration \d+\)/);
      const cn = run(['eval', programs('control_flow.py'), '--lang', 'zh-cn']);
      compareLanguages(['eval', programs('control_flow.py')], en, cn);
      // The loop is written into the call's line: the Chinese of the loop's template, its numbers carried over.
      const loop = /^(\d+:\d+ \w+) \(loop at line (\d+), iteration (\d+)\) = /m.exec(en.out)!;
      const where = zhText('loop at line {line}, iteration {iteration}', { line: loop[2]!, iteration: loop[3]! });
      assert.ok(cn.out.includes(`${zhText('{call} ({loops})', { call: loop[1]!, loops: where })} = `), cn.out);
    });

    it('joins nested loops with the Chinese separator', () => {
      const en = run(['eval', programs('dtype_mistakes_loop.py')]).out;
      const nested = /\(loop at line (\d+), iteration (\d+), loop at line (\d+), iteration (\d+)\)/.exec(en);
      assert.ok(nested, 'a call inside two loops');
      const [outer, inner] = [
        zhText('loop at line {line}, iteration {iteration}', { line: nested[1]!, iteration: nested[2]! }),
        zhText('loop at line {line}, iteration {iteration}', { line: nested[3]!, iteration: nested[4]! }),
      ];
      const cn = run(['eval', programs('dtype_mistakes_loop.py'), '--lang', 'zh-cn']).out;
      assert.ok(cn.includes(zhText('{list}, {item}', { list: outer, item: inner })), cn);
    });

    it('sets a hand-written loss beside its built-in, and says why they differ (label_smoothing_module.py)', () => {
      const en = run(['eval', programs('label_smoothing_module.py')]);
      for (const t of [
        '{place} {name} (hand-written) = {value}',
        '{label} on the same inputs = {value}',
        'why they differ: {reason}',
      ])
        assert.ok(
          en.out.split('\n').some((l) => pattern(t).test(l.trim())),
          t,
        );
      assert.ok(compareLanguages(['eval', programs('label_smoothing_module.py')], en) >= 6);
      const json = JSON.parse(
        run(['eval', programs('label_smoothing_module.py'), '--json', '--lang', 'zh-cn']).out,
      ) as {
        customLosses: { builtin?: { reason?: string } }[];
      };
      assert.ok(hasCjk(json.customLosses[0]!.builtin!.reason!));
    });

    it('marks a call checked for shapes only (elsewhere-logits.py), and a snippet with no loss call', () => {
      const en = run(['eval', examples('elsewhere-logits.py')]);
      assert.ok(en.out.split('\n').some((l) => pattern('{head}: shapes only').test(l)));
      assert.ok(compareLanguages(['eval', examples('elsewhere-logits.py')], en) >= 1);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-zh-'));
      const file = path.join(dir, 'none.py');
      fs.writeFileSync(file, 'x = 1\n');
      assert.equal(run(['eval', file, '--lang', 'zh-cn']).out, `${zh('no loss call found')}\n`);
      assert.equal(compareLanguages(['eval', file]), 1);
      fs.rmSync(dir, { recursive: true });
    });

    it('refuses a bad --seed and a folder in Chinese', () => {
      const seed = run(['eval', examples('label-smoothing.py'), '--seed', '-1', '--lang', 'zh-cn']);
      assert.equal(seed.code, 2);
      assert.equal(
        seed.err,
        `${zhText("loss-lens: --seed takes a whole number from 0 up, not '{seed}'", { seed: '-1' })}\n`,
      );
      assert.equal(compareLanguages(['eval', examples('label-smoothing.py'), '--seed', '-1']), 1);
      // A folder is refused by the guarded reader: its reason is Loss Lens's own sentence, in Chinese too.
      assert.equal(compareLanguages(['eval', path.join(root, 'examples')]), 1);
    });

    it('writes every computed call of a snippet in Chinese (label-smoothing.py)', () => {
      assert.ok(compareLanguages(['eval', examples('label-smoothing.py')]) >= 8);
    });
  });

  describe('check', () => {
    it('writes a diagnostic with its cause, fix and where PyTorch raises it in Chinese', () => {
      const entry = imports('packages', 'bug', 'train.py');
      const en = run(['check', entry]);
      assert.match(en.out, /\n {2}raised at: /);
      assert.ok(compareLanguages(['check', entry], en) >= 4);
    });

    it('says that no problem was found, in one file and in several', () => {
      const one = imports('binary', 'ok', 'train.py');
      assert.equal(run(['check', one, '--lang', 'zh-cn']).out, `${zh('no problems found')}\n`);
      assert.equal(compareLanguages(['check', one]), 1);
      const folders = [imports('binary', 'ok'), imports('packages', 'ok')];
      const en = run(['check', ...folders]);
      const count = Number(/^no problems found in (\d+) files\n$/.exec(en.out)![1]);
      assert.equal(
        run(['check', ...folders, '--lang', 'zh-cn']).out,
        `${zhText('no problems found in {count} {file|files}', { count })}\n`,
      );
      assert.equal(compareLanguages(['check', ...folders], en), 1);
    });

    it('counts the files, errors and files with problems in Chinese', () => {
      const args = ['check', imports('binary', 'bug'), imports('binary', 'ok', 'train.py')];
      const en = run(args);
      assert.match(en.out, /\n\d+ files checked: \d+ errors, problems in \d+\n$/);
      assert.ok(compareLanguages(args, en) >= 3);
    });

    it('names an unreadable path in Chinese and checks the others', () => {
      const args = ['check', 'no-such-file.py', imports('binary', 'ok', 'train.py')];
      const en = run(args);
      assert.equal(en.code, 2);
      assert.equal(compareLanguages(args, en), 2);
    });

    it('gives why a shape is unknown in Chinese under --json, keys unchanged', () => {
      const en = JSON.parse(run(['check', examples('elsewhere-logits.py'), '--json']).out) as CheckJson;
      const cn = JSON.parse(
        run(['check', examples('elsewhere-logits.py'), '--json', '--lang', 'zh-cn']).out,
      ) as CheckJson;
      assert.deepEqual(keysOf(cn), keysOf(en));
      const reasons = (j: CheckJson): string[] =>
        j.calls.flatMap((c) => Object.values(c.args).flatMap((a) => (a.reason === undefined ? [] : [a.reason])));
      assert.ok(reasons(en).length > 0);
      reasons(en).forEach((r, k) => {
        assert.ok(!hasCjk(r));
        assert.ok(hasCjk(reasons(cn)[k]!), reasons(cn)[k]);
        // The code named in the reason stays as written.
        for (const quoted of r.match(/'[^']+'/g) ?? []) assert.ok(reasons(cn)[k]!.includes(quoted.slice(1, -1)));
      });
    });
  });

  it('prints what README shows for --lang zh-cn', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```console\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((b) => b.includes('--lang zh-cn'));
    assert.ok(blocks.length > 0, 'README shows the Chinese output');
    let commands = 0;
    for (const block of blocks) {
      // Each `$ node dist/cli.js ARGS` and the lines shown after it; `…` stands for lines left out, and a line ending in
      // `…` is cut there.
      for (const [, args, shown] of block.matchAll(/^\$ node dist\/cli\.js (.*)\n((?:(?!\$ ).*\n)*)/gm)) {
        commands++;
        const argv = args!.split(' ').map((a) => (a.startsWith('examples') ? path.join(root, a) : a));
        const { out, err } = run(argv);
        const printed = (out + err).split(`${root}${path.sep}`).join('').split('\n');
        let at = 0;
        for (const line of shown!.split('\n').filter((l) => l !== '' && l !== '…')) {
          const cut = line.endsWith('…') ? line.slice(0, -1) : undefined;
          const k = printed.findIndex((p, i) => i >= at && (cut !== undefined ? p.startsWith(cut) : p === line));
          assert.ok(k >= 0, `README line not printed by \`${args}\` (in order): ${line}`);
          at = k + 1;
        }
      }
    }
    assert.ok(commands >= 2);
  });

  it('writes commander’s usage errors in Chinese, the help after them as it is', () => {
    const file = examples('bce.json');
    const cases: string[][] = [
      ['compute', file, '--reduction', 'avg'],
      ['eval', file, '--torch', '3'],
      ['compute', '--jsn'],
      ['compute', '--tors'],
      ['compte'],
      ['frobnicate'],
      ['eval'],
      ['eval', file, file],
      ['compute', file, '--loss'],
    ];
    const used = new Set<string>();
    for (const args of cases) {
      const en = run(args);
      // `--lang zh-cn` right after the subcommand, where no option can take it as its value.
      const cn = run([args[0]!, '--lang', 'zh-cn', ...args.slice(1)]);
      assert.equal(en.code, 2);
      assert.equal(cn.code, 2);
      const [enLines, cnLines] = [en.err.split('\n'), cn.err.split('\n')];
      assert.equal(cnLines.length, enLines.length);
      enLines.forEach((line, i) => {
        // The most specific entry that describes the line (`one of {suggestions}` rather than `{suggestion}`).
        const entry = [...COMMANDER_ZH]
          .sort(([a], [b]) => literalLength(b) - literalLength(a))
          .find(([t]) => pattern(t).test(line));
        if (entry === undefined) {
          assert.ok(!/^error:|^\(Did you mean/.test(line), `a usage error with no zh-cn entry: ${line}`);
          assert.equal(cnLines[i], line, 'the help stays as commander writes it');
          return;
        }
        used.add(entry[0]);
        const values = pattern(entry[0]).exec(line)!.groups!;
        // A value is a name, an option with its argument or a list of them: never words of commander's sentence.
        for (const value of Object.values(values))
          assert.match(value, /^[^ ]+( <[^>]+>)?(, [^ ]+)*$/, `a value that holds words: ${value}`);
        const m = pattern(entry[1]).exec(cnLines[i]!);
        assert.ok(m, `the Chinese of “${entry[0]}”: ${cnLines[i]}`);
        for (const [name, value] of Object.entries(m.groups ?? {})) assert.equal(value, values[name], name);
      });
    }
    assert.deepEqual(
      COMMANDER_ZH.map(([t]) => t).filter((t) => !used.has(t)),
      [],
      'every entry met',
    );
  });

  it('writes an internal failure’s line in Chinese, the JavaScript error as it is', () => {
    let err = '';
    const failing = (t: string): void => {
      if (t) throw new RangeError('output closed');
    };
    const code = main(['compute', examples('bce.json'), '--lang', 'zh-cn'], {
      stdout: failing,
      stderr: (t) => (err += t),
    });
    assert.equal(code, 3);
    const template = 'loss-lens: internal error: {error} (this is a Loss Lens failure, not a PyTorch error)';
    assert.equal(err, `${zhText(template, { error: 'RangeError: output closed' })}\n`);
    let enErr = '';
    main(['compute', examples('bce.json')], { stdout: failing, stderr: (t) => (enErr += t) });
    assert.equal(enErr, `${ownText(template, { error: 'RangeError: output closed' })}\n`);
  });
});

interface JsonOutput {
  results: { value: unknown; reduction: { why: string } }[];
  diagnostics: { code: string; message: string; explanation?: string }[];
}

interface CheckJson {
  calls: { args: Record<string, { reason?: string }> }[];
}

/** The keys of a JSON value, at every depth (array items by position). */
function keysOf(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, k) => keysOf(v, `${at}[${k}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...keysOf(v, `${at}.${k}`)]);
  return [];
}

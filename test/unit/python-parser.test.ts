/**
 * The Python-subset front end: tokens and their ranges, statements (with compound statements kept opaque),
 * expressions with Python's precedence, statement-level recovery, CPython's error texts, and linear-time parsing.
 */
import * as assert from 'node:assert/strict';
import { LossLensError } from '../../src/core/diagnostics';
import {
  MAX_BRACKET_DEPTH,
  parseExpression,
  parseModule,
  tokenize,
  type Expr,
  type Module,
  type Stmt,
} from '../../src/core/python';

/** `line:column-endLine:endColumn` of a node or diagnostic. */
function at(r: { line: number; column: number; endLine: number; endColumn: number }): string {
  return `${r.line}:${r.column}-${r.endLine}:${r.endColumn}`;
}

/** A compact, precedence-revealing rendering of an expression (like Python's ast.dump, much shorter). */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Number':
      return e.raw;
    case 'String':
      return JSON.stringify(e.value);
    case 'Constant':
      return String(e.value === null ? 'None' : e.value ? 'True' : 'False');
    case 'Ellipsis':
      return '...';
    case 'Name':
      return e.id;
    case 'Attribute':
      return `${show(e.value)}.${e.attr}`;
    case 'Call': {
      const args = [
        ...e.args.map(show),
        ...e.keywords.map((k) => (k.name ? `${k.name}=${show(k.value)}` : `**${show(k.value)}`)),
      ];
      return `${show(e.func)}(${args.join(', ')})`;
    }
    case 'Subscript':
      return `${show(e.value)}[${show(e.index)}]`;
    case 'Slice':
      return `${e.lower ? show(e.lower) : ''}:${e.upper ? show(e.upper) : ''}${e.step ? `:${show(e.step)}` : ''}`;
    case 'Starred':
      return `*${show(e.value)}`;
    case 'List':
      return `[${e.elts.map(show).join(', ')}]`;
    case 'Tuple':
      return `(${e.elts.map(show).join(', ')}${e.elts.length === 1 ? ',' : ''})`;
    case 'Set':
      return `{${e.elts.map(show).join(', ')}}`;
    case 'Dict':
      return `{${e.values.map((v, i) => (e.keys[i] ? `${show(e.keys[i]!)}: ${show(v)}` : `**${show(v)}`)).join(', ')}}`;
    case 'ListComp':
    case 'SetComp':
    case 'GeneratorExp':
    case 'DictComp':
      return `${e.kind}(${e.key ? `${show(e.key)}: ` : ''}${show(e.elt)} ${e.generators
        .map((g) => `for ${show(g.target)} in ${show(g.iter)}${g.ifs.map((c) => ` if ${show(c)}`).join('')}`)
        .join(' ')})`;
    case 'UnaryOp':
      return `(${e.op}${e.op === 'not' || e.op === 'await' ? ' ' : ''}${show(e.operand)})`;
    case 'BinOp':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'BoolOp':
      return `(${e.values.map(show).join(` ${e.op} `)})`;
    case 'Compare':
      return `(${show(e.left)}${e.ops.map((op, i) => ` ${op} ${show(e.comparators[i]!)}`).join('')})`;
    case 'IfExp':
      return `(${show(e.body)} if ${show(e.test)} else ${show(e.orelse)})`;
    case 'Lambda':
      return `(lambda: ${show(e.body)})`;
    case 'NamedExpr':
      return `(${show(e.target)} := ${show(e.value)})`;
    case 'ReprObject':
      return `<${e.text}>`;
  }
}

function kinds(m: Module): string[] {
  return m.body.map((s) => (s.kind === 'Skipped' ? `Skipped:${s.reason}:${s.keyword ?? ''}` : s.kind));
}

function syntaxErrorOf(f: () => unknown): LossLensError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof LossLensError, `expected a LossLensError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('python lexer', () => {
  it('gives 1-based ranges with an exclusive end, across lines and CRLF', () => {
    const { tokens } = tokenize('x = [1,\r\n  2.5]  # c\n');
    const shown = tokens.map((t) => `${t.kind}:${t.text}@${at(t)}`);
    assert.deepEqual(shown, [
      'name:x@1:1-1:2',
      'op:=@1:3-1:4',
      'op:[@1:5-1:6',
      'number:1@1:6-1:7',
      'op:,@1:7-1:8',
      'number:2.5@2:3-2:6',
      'op:]@2:6-2:7',
      'newline:@2:12-2:13',
      'eof:@3:1-3:1',
    ]);
  });

  it('shifts positions by an origin (first line only gets the column offset)', () => {
    const { tokens } = tokenize('a\n b', { origin: { line: 10, column: 5 } });
    assert.equal(at(tokens[0]!), '10:5-10:6');
    assert.equal(at(tokens[2]!), '11:2-11:3');
  });

  it('reads number forms', () => {
    const numbers = tokenize('1 1_000 0x1F 0o17 0b101 1.5 .5 1. 1e3 1.5E-3 2j 12345678901234567890').tokens.filter(
      (t) => t.kind === 'number',
    );
    assert.deepEqual(
      numbers.map((t) => [t.number!.value, t.number!.isFloat, t.number!.isImaginary]),
      [
        [1, false, false],
        [1000, false, false],
        [31, false, false],
        [15, false, false],
        [5, false, false],
        [1.5, true, false],
        [0.5, true, false],
        [1, true, false],
        [1000, true, false],
        [0.0015, true, false],
        [2, false, true],
        [12345678901234567000, false, false],
      ],
    );
    assert.equal(numbers[11]!.number!.big, 12345678901234567890n);
  });

  it('reads strings with prefixes, escapes and triple quotes', () => {
    const strings = tokenize(`'a\\n' r'a\\n' b"x" f'{y}' """l1\nl2""" 'it\\'s'`).tokens.filter(
      (t) => t.kind === 'string',
    );
    assert.deepEqual(
      strings.map((t) => [t.string!.prefix, t.string!.value]),
      [
        ['', 'a\n'],
        ['r', 'a\\n'],
        ['b', 'x'],
        ['f', '{y}'],
        ['', 'l1\nl2'],
        ['', "it's"],
      ],
    );
  });

  it('joins lines inside brackets and after a backslash, and ignores comments', () => {
    const { tokens } = tokenize('a = (1,  # one\n 2) + \\\n 3\n');
    assert.equal(tokens.filter((t) => t.kind === 'newline').length, 1);
  });

  it('turns problems into error tokens instead of throwing', () => {
    for (const [text, message] of [
      ['"abc', 'unterminated string literal (detected at line 1)'],
      ['"""abc\n', 'unterminated triple-quoted string literal (detected at line 2)'],
      ['1abc', 'invalid decimal literal'],
      ['007', 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers'],
      ['0x', 'invalid hexadecimal literal'],
      ['$', "invalid character '$' (U+0024)"],
      ['a \\ b', 'unexpected character after line continuation character'],
      [')', "unmatched ')'"],
      ['(]', "closing parenthesis ']' does not match opening parenthesis '('"],
      ['([', "'[' was never closed"],
    ] as const) {
      const errors = tokenize(text).tokens.filter((t) => t.kind === 'error');
      assert.equal(errors[0]?.error?.message, message, text);
    }
  });

  it('reports the brackets nesting limit once', () => {
    const deep = '['.repeat(MAX_BRACKET_DEPTH + 50) + ']'.repeat(MAX_BRACKET_DEPTH + 50);
    const errors = tokenize(deep).tokens.filter((t) => t.kind === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.error!.message, 'too many nested parentheses');
    assert.equal(errors[0]!.error!.column, MAX_BRACKET_DEPTH + 1);
  });

  it('records the indentation of the first token of each logical line', () => {
    const { tokens } = tokenize('a\n\tb\n\t    c\n  (d,\n e)\n');
    const firsts = tokens.filter((t) => t.indent >= 0).map((t) => `${t.text}:${t.indent}`);
    assert.deepEqual(firsts, ['a:0', 'b:8', 'c:12', '(:2']);
  });

  it('puts a TabError before a line whose indentation depends on the tab width (4 spaces, then a tab)', () => {
    const { tokens } = tokenize('a\n    b\n\tc\n');
    const firsts = tokens.filter((t) => t.indent >= 0).map((t) => `${t.kind}:${t.indent}`);
    assert.deepEqual(firsts, ['name:0', 'name:4', 'error:8']);
    assert.equal(
      tokens.find((t) => t.kind === 'error')!.error!.message,
      'TabError: inconsistent use of tabs and spaces in indentation',
    );
  });
});

describe('python parser: statements', () => {
  it('parses the simple statements with their ranges', () => {
    const m = parseModule(
      [
        'import torch',
        'import numpy as np, a.b as c',
        'from ..pkg import (x as y, z,)',
        'from m import *',
        'a = 1',
        'a, b = 1, 2',
        'a = b = 3',
        'x: int = 1',
        'y: int',
        'x += 2',
        'f(x)',
        'a = 1; b = 2;',
        '*rest, last = items',
      ].join('\n'),
    );
    assert.deepEqual(kinds(m), [
      'Import',
      'Import',
      'ImportFrom',
      'ImportFrom',
      'Assign',
      'Assign',
      'Assign',
      'AnnAssign',
      'AnnAssign',
      'AugAssign',
      'Expr',
      'Assign',
      'Assign',
      'Assign',
    ]);
    assert.deepEqual(m.diagnostics, []);
    const [imp, impAs, from, star, , tupleAssign, chain] = m.body as Stmt[];
    assert.ok(
      imp?.kind === 'Import' && impAs?.kind === 'Import' && from?.kind === 'ImportFrom' && star?.kind === 'ImportFrom',
    );
    assert.deepEqual(
      impAs.names.map((n) => [n.name, n.asname]),
      [
        ['numpy', 'np'],
        ['a.b', 'c'],
      ],
    );
    assert.equal(from.module, 'pkg');
    assert.equal(from.level, 2);
    assert.ok(from.names !== '*');
    assert.deepEqual(
      from.names.map((n) => [n.name, n.asname]),
      [
        ['x', 'y'],
        ['z', undefined],
      ],
    );
    assert.equal(star.names, '*');
    assert.ok(tupleAssign?.kind === 'Assign' && tupleAssign.targets[0]!.kind === 'Tuple');
    assert.ok(chain?.kind === 'Assign');
    assert.deepEqual(chain.targets.map(show), ['a', 'b']);
    assert.equal(at(chain.range), '7:1-7:10');
    const semicolons = m.body.slice(11, 13);
    assert.deepEqual(
      semicolons.map((s) => at(s.range)),
      ['12:1-12:6', '12:8-12:13'],
    );
  });

  it('keeps compound statements opaque: header plus body, with clauses and decorators', () => {
    const m = parseModule(
      [
        'def f(x):',
        '    return x',
        '',
        '    # still the body',
        'if a:',
        '    pass',
        'elif b:',
        '    pass',
        'else:',
        '    pass',
        'try:',
        '    x = 1',
        'except ValueError as e:',
        '    raise',
        'finally:',
        '    y = 2',
        '@decorator',
        '@other(1)',
        'class C:',
        '    z = 1',
        'for i in range(3): total += i',
        'while True:',
        '    break',
        'with open(p) as fh:',
        '    data = fh.read()',
        'match command:',
        '    case 1:',
        '        pass',
        'after = 1',
      ].join('\n'),
    );
    assert.deepEqual(kinds(m), [
      'Skipped:compound:def',
      'Skipped:compound:if',
      'Skipped:compound:try',
      'Skipped:compound:@',
      'Skipped:compound:for',
      'Skipped:compound:while',
      'Skipped:compound:with',
      'Skipped:compound:match',
      'Assign',
    ]);
    assert.deepEqual(
      m.body.map((s) => at(s.range)),
      [
        '1:1-2:13',
        '5:1-10:9',
        '11:1-16:10',
        '17:1-20:10',
        '21:1-21:30',
        '22:1-23:10',
        '24:1-25:21',
        '26:1-28:13',
        '29:1-29:10',
      ],
    );
  });

  it('skips the simple statements it does not model', () => {
    const m = parseModule('return x\npass\ndel a, b\nassert x, "m"\nglobal g\nraise E; y = 1');
    assert.deepEqual(kinds(m), [
      'Skipped:statement:return',
      'Skipped:statement:pass',
      'Skipped:statement:del',
      'Skipped:statement:assert',
      'Skipped:statement:global',
      'Skipped:statement:raise',
      'Assign',
    ]);
  });

  it('parses a selection copied from inside a function (common indentation, spaces or tabs)', () => {
    for (const indent of ['        ', '\t\t']) {
      const m = parseModule(`${indent}x = 1\n${indent}if x:\n${indent}    y = 2\n${indent}z = [1,\n${indent}     2]\n`);
      assert.deepEqual(kinds(m), ['Assign', 'Skipped:compound:if', 'Assign'], JSON.stringify(indent));
    }
    // A selection that starts mid-line: the first line has no indentation, the rest do.
    const partial = parseModule('x = 1\n        y = 2\n        if y:\n            z = 3\n        w = 4');
    assert.deepEqual(kinds(partial), ['Assign', 'Assign', 'Skipped:compound:if', 'Assign']);
  });

  it('recovers at the next logical line and lists the diagnostics', () => {
    const m = parseModule('a = 1\nb = [1 2]\nc = 3\nd = (\n');
    assert.deepEqual(kinds(m), ['Assign', 'Skipped:error:b', 'Assign', 'Skipped:error:d']);
    assert.deepEqual(
      m.diagnostics.map((d) => [d.code, d.message, at(d)]),
      [
        ['python/syntax', 'invalid syntax. Perhaps you forgot a comma?', '2:8-2:9'],
        ['python/brackets', "'(' was never closed", '4:5-4:6'],
      ],
    );
    const skipped = m.body[1]!;
    assert.ok(skipped.kind === 'Skipped');
    assert.equal(at(skipped.range), '2:1-2:10');
    assert.deepEqual(skipped.span, { start: 6, end: 15 });
  });

  it('recovers after an error in the second statement of a line', () => {
    const m = parseModule('a = 1; b = )\nc = 2');
    assert.deepEqual(kinds(m), ['Assign', 'Skipped:error:b', 'Assign']);
  });

  it('reports an unclosed bracket rather than what follows it', () => {
    const m = parseModule('x = [1, 2,\ny = 3\n');
    assert.equal(m.diagnostics.length, 1);
    assert.equal(m.diagnostics[0]!.message, "'[' was never closed");
    assert.equal(at(m.diagnostics[0]!), '1:5-1:6');
  });

  it("reports CPython's assignment-target errors", () => {
    const cases: [string, string][] = [
      ['f() = 1', "cannot assign to function call here. Maybe you meant '==' instead of '='?"],
      ['1 = x', "cannot assign to literal here. Maybe you meant '==' instead of '='?"],
      ['a + b = 1', "cannot assign to expression here. Maybe you meant '==' instead of '='?"],
      ['f() += 1', "'function call' is an illegal expression for augmented assignment"],
      ['a, b: int = 1, 2', 'only single target (not tuple) can be annotated'],
    ];
    for (const [text, message] of cases) assert.equal(parseModule(text).diagnostics[0]?.message, message, text);
  });

  it('accepts printouts in reprs mode: <grad_fn> objects and several values on one line', () => {
    const m = parseModule('tensor(1., grad_fn=<NllLossBackward0>) tensor([2])\nx: tensor([1])', { reprs: true });
    assert.deepEqual(kinds(m), ['Expr', 'Expr', 'AnnAssign']);
    const first = m.body[0]!;
    assert.ok(first.kind === 'Expr');
    assert.equal(show(first.value), 'tensor(1., grad_fn=<NllLossBackward0>)');
    // Without the option the same text is an error (it is not Python).
    assert.equal(parseModule('tensor(1., grad_fn=<NllLossBackward0>)').diagnostics.length, 1);
  });
});

describe('python parser: expressions', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3 ** -4', '(1 + (2 * (3 ** (-4))))'],
    ['-2 ** 2', '(-(2 ** 2))'],
    ['2 ** 3 ** 2', '(2 ** (3 ** 2))'],
    ['a - b - c', '((a - b) - c)'],
    ['a // b % c @ d', '(((a // b) % c) @ d)'],
    ['a | b ^ c & d << 1 + 2', '(a | (b ^ (c & (d << (1 + 2)))))'],
    ['not a == b and c or d', '(((not (a == b)) and c) or d)'],
    ['a < b <= c != d', '(a < b <= c != d)'],
    ['a not in b is not c', '(a not in b is not c)'],
    ['x if c else y if d else z', '(x if c else (y if d else z))'],
    ['lambda x, y=(1, 2): x + y', '(lambda: (x + y))'],
    ['~x', '(~x)'],
    ['await f()', '(await f())'],
    ['(n := 10)', '(n := 10)'],
    ['a.b.c(1, *args, k=2, **kw)', 'a.b.c(1, *args, k=2, **kw)'],
    ['x[:, 1]', 'x[(:, 1)]'],
    ['x[..., None]', 'x[(..., None)]'],
    ['x[1:2:3, ::2, :]', 'x[(1:2:3, ::2, :)]'],
    ['x[0]', 'x[0]'],
    ['x[0,]', 'x[(0,)]'],
    ['[1, 2, *rest,]', '[1, 2, *rest]'],
    ['(1,)', '(1,)'],
    ['()', '()'],
    ['(1)', '1'],
    ['1, 2', '(1, 2)'],
    ['{1: "a", **d}', '{1: "a", **d}'],
    ['{1, 2}', '{1, 2}'],
    ['{}', '{}'],
    ['[x * 2 for x in xs if x]', 'ListComp((x * 2) for x in xs if x)'],
    ['{k: v for k, v in items}', 'DictComp(k: v for (k, v) in items)'],
    ['sum(x for x in xs)', 'sum(GeneratorExp(x for x in xs))'],
    ['"a" "b" \'c\'', '"abc"'],
    ['None', 'None'],
    ['True', 'True'],
    ['...', '...'],
    ['f(a)(b)[c].d', 'f(a)(b)[c].d'],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => assert.equal(show(parseExpression(text)), expected));
  }

  it('gives every node its source range', () => {
    const e = parseExpression('  foo(1, x=[2, 3])', { origin: { line: 4, column: 9 } });
    assert.ok(e.kind === 'Call');
    assert.equal(at(e.range), '4:11-4:27');
    assert.equal(at(e.func.range), '4:11-4:14');
    assert.equal(at(e.keywords[0]!.range), '4:18-4:26');
    assert.equal(at(e.keywords[0]!.value.range), '4:20-4:26');
  });

  it('allows comments, blank lines and implicit continuation around an expression', () => {
    assert.equal(show(parseExpression('\n# a tensor\n[1,\n 2,  # two\n]\n')), '[1, 2]');
  });

  const errors: [string, string, string, string][] = [
    ['[1 2]', 'python/syntax', 'invalid syntax. Perhaps you forgot a comma?', '1:4-1:5'],
    ['[1, , 2]', 'python/syntax', 'invalid syntax', '1:5-1:6'],
    ['f(1 2)', 'python/syntax', 'invalid syntax. Perhaps you forgot a comma?', '1:5-1:6'],
    ['[1, 2)', 'python/brackets', "closing parenthesis ')' does not match opening parenthesis '['", '1:6-1:7'],
    ['[1,\n 2', 'python/brackets', "'[' was never closed", '1:1-1:2'],
    ['1 +', 'python/syntax', 'invalid syntax', '1:4-1:4'],
    ['a.1', 'python/syntax', 'invalid syntax', '1:2-1:4'],
    ['x if y', 'python/syntax', "expected 'else'", '1:7-1:7'],
    ['', 'python/syntax', 'invalid syntax', '1:1-1:1'],
    ['1 2', 'python/syntax', 'invalid syntax', '1:3-1:4'],
  ];
  for (const [text, code, message, range] of errors) {
    it(`rejects ${JSON.stringify(text)} with its position`, () => {
      const e = syntaxErrorOf(() => parseExpression(text));
      assert.equal(e.diagnostic.code, code);
      assert.equal(e.message, message);
      assert.equal(at(e.diagnostic), range);
      assert.ok(e.diagnostic.explanation && e.diagnostic.hint, 'explanation and hint');
    });
  }

  it('bounds nesting instead of overflowing the stack', () => {
    for (const text of [
      '-'.repeat(100_000) + '1',
      'not '.repeat(50_000) + 'x',
      '2' + '**2'.repeat(50_000),
      '1' + '+1'.repeat(50_000),
      'a' + '.b'.repeat(50_000),
      'f()' + '()'.repeat(50_000),
      '1 if 1 else '.repeat(20_000) + '1',
      'lambda: '.repeat(20_000) + '1',
      '['.repeat(100_000) + ']'.repeat(100_000),
    ]) {
      const e = syntaxErrorOf(() => parseExpression(text));
      assert.match(e.message, /too many nested parentheses|too deeply nested/);
      assert.equal(parseModule(text).diagnostics.length, 1);
    }
  });
});

describe('python parser: scale', () => {
  function timed<T>(f: () => T): { result: T; ms: number } {
    const start = performance.now();
    const result = f();
    return { result, ms: performance.now() - start };
  }

  it('parses a 5,000-line file in well under a second', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      lines.push(
        `def f${i}(x):`,
        `    return x + ${i}`,
        `y${i} = torch.tensor([[1.0, 2.0], [3.0, ${i}]], dtype=torch.float32)  # comment`,
        `z${i} = [a for a in range(${i})] if y${i} else {"k": (1, 2)}`,
        `bad${i} = [1 2]`,
      );
    }
    const text = lines.join('\n');
    parseModule(text);
    const { result, ms } = timed(() => parseModule(text));
    assert.equal(result.body.length, 4000);
    assert.equal(result.diagnostics.length, 1000);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });

  it('parses a 1 MB literal in well under a second', () => {
    const row = `[${Array.from({ length: 16 }, (_, j) => (j * 0.125 - 1).toFixed(4)).join(', ')}]`;
    const text = `x = [${new Array<string>(8000).fill(row).join(',\n ')}]`;
    assert.ok(text.length > 1_000_000);
    parseModule(text);
    const { result, ms } = timed(() => parseModule(text));
    assert.deepEqual(result.diagnostics, []);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });
});

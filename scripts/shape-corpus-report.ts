/**
 * How well `check` does on the planted-bug corpus (test/fixtures/shape-corpus/, labelled by PyTorch with
 * scripts/fixtures/label-shape-corpus.py). For every labelled program it runs the checker on the entry file and
 * compares with what PyTorch did:
 *
 * - a planted bug is **caught** when an error diagnostic sits on the line PyTorch raised from (in the same file)
 *   and carries PyTorch's message; **at the line** when the line is right but the text is not PyTorch's;
 *   **elsewhere** when errors are reported only on other lines; **missed** when there is no error at all;
 * - a corrected twin is a **false error** when any error is reported on it.
 *
 * Run with:
 *
 *   npx tsx scripts/shape-corpus-report.ts [--torch 2.x|1.13] [--verbose]
 *
 * `check` follows the imports among the corpus's files (the `NAME/bug/` cases import `model`, `utils`, `config`): a
 * bug PyTorch raises inside an imported module is caught when the entry's error names that module's file and line
 * (`raisedAt`) with PyTorch's message.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../src/core/diagnostics';
import { ModuleCache } from '../src/core/runtime/index';
import { checkSnippet } from '../src/core/snippet/index';
import { diskResolver } from '../src/imports';

interface Label {
  readonly kind: 'bug' | 'ok';
  readonly status: 'ok' | 'error';
  readonly type?: string;
  readonly message?: string;
  readonly file?: string;
  readonly line?: number;
}

type Verdict = 'caught' | 'at-line' | 'elsewhere' | 'missed' | 'clean' | 'false-error';

const corpus = path.join(__dirname, '..', 'test', 'fixtures', 'shape-corpus');
const args = process.argv.slice(2);
const torchVersion = args.includes('--torch') ? (args[args.indexOf('--torch') + 1] as '2.x' | '1.13') : '2.x';
const verbose = args.includes('--verbose');

const labels = (
  JSON.parse(readFileSync(path.join(corpus, `labels.${torchVersion}.json`), 'utf8')) as {
    labels: Record<string, Label>;
  }
).labels;

/** PyTorch's message as the checker would quote it: its first line, without a trailing period. */
function pytorchText(label: Label): string {
  return (label.message ?? '').split('\n')[0]!.replace(/\.$/, '');
}

function judge(entry: string, label: Label, errors: readonly Diagnostic[]): Verdict {
  if (label.kind === 'ok') return errors.length > 0 ? 'false-error' : 'clean';
  if (errors.length === 0) return 'missed';
  // A raise inside an imported module is reported on the entry's line that led there, naming the module's line.
  const onLine =
    label.file !== entry
      ? errors.filter(
          (d) =>
            d.raisedAt &&
            path.relative(corpus, d.raisedAt.file).split(path.sep).join('/') === label.file &&
            d.raisedAt.line === label.line,
        )
      : errors.filter((d) => d.line <= label.line! && label.line! <= d.endLine);
  if (onLine.length === 0) return 'elsewhere';
  const text = pytorchText(label);
  return onLine.some((d) => d.message.includes(text)) ? 'caught' : 'at-line';
}

const counts: Record<Verdict, number> = {
  caught: 0,
  'at-line': 0,
  elsewhere: 0,
  missed: 0,
  clean: 0,
  'false-error': 0,
};
let crashes = 0;
const resolve = diskResolver({ roots: [corpus] });
const cache = new ModuleCache();
for (const [entry, label] of Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))) {
  const text = readFileSync(path.join(corpus, entry), 'utf8');
  let errors: Diagnostic[];
  try {
    const file = path.join(corpus, entry);
    errors = checkSnippet(text, { torchVersion, imports: { file, resolve, cache } }).diagnostics.filter(
      (d) => d.severity === 'error',
    );
  } catch (e) {
    // The checker must never throw; count it and show it rather than stop the report.
    crashes++;
    console.log(`${entry}: checker threw ${(e as Error).message}`);
    errors = [];
  }
  const verdict = judge(entry, label, errors);
  counts[verdict]++;
  if (verbose || verdict === 'false-error') {
    const want =
      label.kind === 'bug' ? ` (PyTorch: ${label.file}:${label.line} ${label.type}: ${pytorchText(label)})` : '';
    const got = errors.map((d) => `${d.line}: ${d.message.split('\n')[0]}`).join(' | ');
    console.log(`${verdict.padEnd(11)} ${entry}${want}${got ? `\n            got ${got}` : ''}`);
  }
}

const bugs = counts.caught + counts['at-line'] + counts.elsewhere + counts.missed;
const twins = counts.clean + counts['false-error'];
console.log(`torch ${torchVersion}: ${bugs} planted bugs, ${twins} corrected twins`);
console.log(`  reported at the right line with PyTorch's message: ${counts.caught}/${bugs}`);
console.log(`  at the right line, other text:                     ${counts['at-line']}/${bugs}`);
console.log(`  reported elsewhere only:                           ${counts.elsewhere}/${bugs}`);
console.log(`  missed:                                            ${counts.missed}/${bugs}`);
console.log(`  false errors on corrected twins:                   ${counts['false-error']}/${twins}`);
if (crashes > 0) console.log(`  checker crashes:                                   ${crashes}`);

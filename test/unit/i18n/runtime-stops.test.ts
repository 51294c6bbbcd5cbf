/**
 * The messages that end a program's run early, in Chinese: the frame of "Not run: ..." and "Not evaluated: ... is not
 * modelled by Loss Lens" is translated whatever it wraps, code passes through, an English description the catalog
 * knows is translated and one it does not know stays English inside the Chinese frame. Every description entry is one
 * the runtime really writes (the corpus, ./corpus.ts, runs the programs that reach the common ones).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNKNOWN_RANGE, type Diagnostic } from '../../../src/core/diagnostics';
import { localizeDiagnostic } from '../../../src/core/i18n/index';
import { parseTemplate } from '../../../src/core/i18n/matcher';
import { INTERNAL_ERRORS_ZH, NOT_MODELLED_ZH } from '../../../src/core/i18n/zh-cn-runtime';

const stop = (code: string, message: string): Diagnostic => ({ ...UNKNOWN_RANGE, severity: 'info', code, message });
const zh = (code: string, message: string): string => localizeDiagnostic(stop(code, message), 'zh-cn').message;

describe('zh-cn: why a run stopped', () => {
  it('translates the frame around code, which stays as written', () => {
    assert.equal(zh('runtime/not-run', 'Not run: open()'), '未运行：open()');
    assert.equal(zh('runtime/not-run', 'Not run: subprocess.run'), '未运行：subprocess.run');
    assert.equal(
      zh('runtime/not-modelled', 'Not evaluated: torch.fft.fft is not modelled by Loss Lens'),
      '未求值：Loss Lens 不支持 torch.fft.fft',
    );
    assert.equal(
      zh('runtime/not-modelled', "Not evaluated: F.pad(mode='circular') is not modelled by Loss Lens"),
      "未求值：Loss Lens 不支持 F.pad(mode='circular')",
    );
  });

  it('translates the English descriptions it knows, with the code inside them', () => {
    assert.equal(
      zh('runtime/not-modelled', 'Not evaluated: complex numbers is not modelled by Loss Lens'),
      '未求值：Loss Lens 不支持复数',
    );
    assert.equal(
      zh(
        'runtime/not-modelled',
        'Not evaluated: nn.init.kaiming_uniform_ of a int32 tensor is not modelled by Loss Lens',
      ),
      '未求值：Loss Lens 不支持 int32 张量上的 nn.init.kaiming_uniform_',
    );
    assert.equal(
      zh('runtime/not-modelled', 'Not evaluated: the gradient of torch.cummax is not modelled by Loss Lens'),
      '未求值：Loss Lens 不支持 torch.cummax 的梯度',
    );
    assert.equal(
      zh('runtime/not-run', 'Not run: print(..., file=...) to a file'),
      '未运行：用 print(..., file=...) 写入文件',
    );
  });

  it('keeps a description no entry knows in English inside the Chinese frame', () => {
    assert.equal(
      zh('runtime/not-modelled', 'Not evaluated: frobnicating the widgets is not modelled by Loss Lens'),
      '未求值：Loss Lens 不支持 frobnicating the widgets',
    );
    assert.equal(zh('runtime/not-run', 'Not run: a walk to the shops'), '未运行：a walk to the shops');
  });

  it("translates the budgets' stops, numbers as written", () => {
    assert.equal(
      zh('runtime/budget', 'Stopped after 2,000,000 steps: the loop at line 12 was still running (iteration 40001).'),
      '运行 2,000,000 步后停止：第 12 行的循环仍在运行（第 40001 次迭代）。',
    );
    assert.equal(
      zh('runtime/budget', "Not built: a list of 5,000 elements is over Loss Lens's limit of 1,000."),
      '未构建：一个列表有 5,000 个元素，超出了 Loss Lens 的上限 1,000。',
    );
  });

  it("translates the frame of an internal error, keeping JavaScript's error text", () => {
    const error = "Cannot read properties of undefined (reading 'shape')";
    assert.equal(
      zh('internal/error', `Loss Lens could not run this program: ${error}`),
      `Loss Lens 无法运行这个程序：${error}`,
    );
    assert.equal(
      zh('internal/error', `Loss Lens could not evaluate this snippet: ${error}`),
      `Loss Lens 无法对这段代码求值：${error}`,
    );
    assert.equal(
      zh('internal/error', `Loss Lens could not evaluate this statement: ${error}`),
      `Loss Lens 无法对这条语句求值：${error}`,
    );
    assert.equal(
      zh('internal/error', `Loss Lens failed while computing cross_entropy: ${error}`),
      `Loss Lens 在计算 cross_entropy 时出错：${error}`,
    );
  });

  it('has only description and internal-error entries whose English the core writes', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.ts')) sources.push(fs.readFileSync(file, 'utf8'));
      }
    };
    const core = path.join(__dirname, '..', '..', '..', 'src', 'core');
    walk(path.join(core, 'runtime'));
    walk(path.join(core, 'torch'));
    walk(path.join(core, 'snippet'));
    sources.push(fs.readFileSync(path.join(core, 'run.ts'), 'utf8'));
    const lines = sources.join('\n').split('\n');
    // A template's literal text in order on one source line, each placeholder standing for any text (a `${...}`).
    const dead = [...NOT_MODELLED_ZH, ...INTERNAL_ERRORS_ZH]
      .map(([english]) => english)
      .filter((english) => {
        const pattern = parseTemplate(english)
          .map((t) => (t.kind === 'literal' ? t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.*?'))
          .join('');
        const re = new RegExp(pattern);
        return !lines.some((line) => re.test(line));
      });
    assert.deepEqual(dead, []);
  });
});

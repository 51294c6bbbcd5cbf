/**
 * Live tensors from a paused debugger, in the real extension host: a debugpy session (Debian's python3-debugpy,
 * launched as the adapter of the test-only debug type of test/integration/debug-adapter with the Python found here)
 * runs a small training loop
 * (workspace/train_live.py), stops on its loss line, and "Compute Loss on Selection" there opens the breakdown of the
 * live logits and targets. Its value must be the one PyTorch computed on that line, which the script writes to a file
 * when it runs to its end. The code lens and the tensor hover appear while paused, and the lens goes when it ends.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { statsExpression } from '../../src/core/live/probe';
import type { Services } from '../../src/services';
import { activateExtension, openWorkspaceFile, readableMarkdown, workspaceFolder } from './helpers';

const DEBUG_TYPE = 'loss-lens-test-debugpy';
/** Debian's interpreter, where python3-torch and python3-debugpy install (the first python3 on PATH may lack them). */
const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];

/** A Python that imports torch and debugpy, or a failure that says what to install. */
function findPython(): string {
  const tried: string[] = [];
  for (const candidate of PYTHON_CANDIDATES) {
    const probe = spawnSync(candidate, ['-c', 'import torch, debugpy; print(torch.__version__)'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (probe.status === 0) return candidate;
    tried.push(`${candidate}: ${(probe.stderr || probe.error?.message || '').trim().split('\n').pop() ?? ''}`);
  }
  throw new Error(
    `No Python with torch and debugpy for the debugger test. Tried ${tried.join('; ')}. Install Debian's python3-torch ` +
      'and python3-debugpy (scripts/vscode-test/install-system-deps.sh does).',
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(
  what: string,
  get: () => T | undefined,
  timeoutMs: number,
  context: () => string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}. ${context()}`);
    await sleep(100);
  }
}

function hoverText(hovers: vscode.Hover[]): string[] {
  return hovers.map((h) =>
    readableMarkdown(h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n')),
  );
}

/** What the hover shows for a number (6 significant digits). */
function shown(v: number): string {
  return Number(v.toPrecision(6)).toString();
}

function close(actual: number, expected: number, rtol: number): boolean {
  return Math.abs(actual - expected) <= rtol * Math.abs(expected);
}

describe('Live tensors from a paused debugger (debugpy, real extension host)', function () {
  this.timeout(300_000);

  it('stops on the loss line of a training loop and shows the loss PyTorch computed there', async () => {
    const python = findPython();
    const extension = await activateExtension();
    const s = extension.exports as Services;
    const output: string[] = [];
    // What the problem panel is asked to show, for the failure messages.
    const problems: string[] = [];
    const showProblems = s.problems.show.bind(s.problems);
    s.problems.show = (title, entries, summary) => {
      problems.push(`${title}: ${JSON.stringify(entries)}`);
      showProblems(title, entries, summary);
    };
    const registrations = [
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: () => ({
          onDidSendMessage: (m: { type?: string; event?: string; body?: { output?: string } }) => {
            if (m.type === 'event' && m.event === 'output' && m.body?.output) output.push(m.body.output);
          },
        }),
      }),
    ];
    const expectedFile = path.join(os.tmpdir(), `loss-lens-live-${process.pid}-${Date.now()}.json`);
    const editor = await openWorkspaceFile('train_live.py');
    const uri = editor.document.uri;
    const lines = editor.document.getText().split('\n');
    const lossLine = lines.findIndex((l) => l.includes('loss = criterion(logits, target)')) + 1;
    const functionalLine = lines.findIndex((l) => l.includes('also = nn.functional.cross_entropy(')) + 1;
    assert.ok(lossLine > 0 && functionalLine > 0);
    const ours = async (): Promise<vscode.CodeLens[]> =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).filter(
        (l) => l.command?.command === 'lossLens.explainLiveCall',
      );
    assert.deepEqual(await ours(), [], 'no code lens while no session is paused');

    const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(lossLine - 1, 0)));
    vscode.debug.addBreakpoints([breakpoint]);
    let session: vscode.DebugSession | undefined;
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((ending) => {
        if (ending.configuration.type === DEBUG_TYPE) {
          sub.dispose();
          resolve();
        }
      });
    });
    try {
      const started = await vscode.debug.startDebugging(workspaceFolder(), {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'train_live.py',
        program: uri.fsPath,
        cwd: path.dirname(uri.fsPath),
        python,
        console: 'internalConsole',
        justMyCode: true,
        env: { LOSS_LENS_EXPECTED: expectedFile },
      });
      assert.ok(started, 'the debug session did not start');
      const frame = await waitFor(
        'the session to stop at the loss line',
        () => {
          const item = vscode.debug.activeStackItem;
          return item && 'frameId' in item ? item : undefined;
        },
        180_000,
        () => `Debug console: ${output.join('').slice(-2000)}`,
      );
      session = frame.session;

      // While paused: the code lens on the loss calls, and the hover on the live logits.
      const lenses = await ours();
      assert.ok(
        lenses.some((l) => l.range.start.line === lossLine - 1),
        `no code lens on line ${lossLine}: ${lenses.map((l) => l.range.start.line + 1).join(', ')}`,
      );
      const column = lines[lossLine - 1]!.indexOf('logits') + 2;
      const hovers = hoverText(
        (await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          uri,
          new vscode.Position(lossLine - 1, column),
        )) ?? [],
      ).filter((t) => t.includes('from the paused debug session'));
      if (hovers.length !== 1) {
        const probe = await Promise.resolve(
          frame.session.customRequest('evaluate', {
            expression: statsExpression('logits'),
            frameId: frame.frameId,
            context: 'clipboard',
          }),
        ).then(
          (r: unknown) => JSON.stringify(r),
          (e: unknown) => String(e),
        );
        assert.fail(`one live hover on logits expected, got ${JSON.stringify(hovers)}; the debugger answers ${probe}`);
      }

      // "Compute Loss on Selection" with the cursor on the loss line.
      editor.selection = new vscode.Selection(lossLine - 1, 4, lossLine - 1, 4);
      await vscode.commands.executeCommand('lossLens.computeOnSelection');
      const view = s.views.session.view();
      assert.ok(view.report, `no report shown${view.error ? `: ${view.error.message}` : ''} ${problems.join('; ')}`);
      const live = { fn: view.report.model.report.fn, value: Number(view.report.model.report.value) };

      // The code lens's command on the functional call with a weight tensor: a breakdown of the line below (not
      // run yet in this iteration, so the same logits and targets with another loss).
      await vscode.commands.executeCommand('lossLens.explainLiveCall', uri, functionalLine);
      const second = s.views.session.view();
      assert.ok(
        second.report,
        `no report for the functional call${second.error ? `: ${second.error.message}` : ''} ${problems.join('; ')}`,
      );
      const weighted = Number(second.report.model.report.value);

      // Let the loop run to its end: the script writes what PyTorch computed.
      vscode.debug.removeBreakpoints([breakpoint]);
      await session.customRequest('continue', { threadId: frame.threadId });
      await Promise.race([ended, sleep(120_000)]);
      assert.ok(
        fs.existsSync(expectedFile),
        `the script wrote no result. Debug console: ${output.join('').slice(-2000)}`,
      );
      const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as {
        torch: string;
        losses: number[];
        weighted: number[];
        logits: { shape: number[]; min: number; max: number; mean: number };
      };
      console.log(
        `      live breakdown ${live.value} / PyTorch ${expected.torch} ${expected.losses[0]}; weighted sum ${weighted} / ${expected.weighted[0]}`,
      );
      assert.equal(live.fn, 'cross_entropy');
      assert.ok(
        close(live.value, expected.losses[0]!, 1e-5),
        `Loss Lens ${live.value} vs PyTorch ${expected.torch} ${expected.losses[0]}`,
      );
      assert.ok(
        close(weighted, expected.weighted[0]!, 1e-5),
        `Loss Lens ${weighted} vs PyTorch ${expected.weighted[0]}`,
      );
      const hover = hovers[0]!;
      for (const part of [
        `[${expected.logits.shape.join(', ')}] float32 cpu`,
        `min ${shown(expected.logits.min)}`,
        `max ${shown(expected.logits.max)}`,
        `mean ${shown(expected.logits.mean)}`,
        'nan 0',
      ])
        assert.ok(hover.includes(part), `hover ${JSON.stringify(hover)} lacks ${part}`);
      assert.deepEqual(await ours(), [], 'the code lens goes when the session ends');
    } finally {
      vscode.debug.removeBreakpoints([breakpoint]);
      if (session && vscode.debug.activeDebugSession) await vscode.debug.stopDebugging(session);
      for (const r of registrations) r.dispose();
      s.problems.show = showProblems;
      fs.rmSync(expectedFile, { force: true });
    }
  });
});

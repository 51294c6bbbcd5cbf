import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { activateExtension, readableMarkdown } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function setup(): Promise<{ s: Services; root: string; torchOneHot: number }> {
  const extension = await activateExtension();
  const root = extension.extensionPath;
  // PyTorch's value for eye(3) logits vs [0, 1, 2] (scripts/fixtures/gen_examples.py).
  const examples = JSON.parse(fs.readFileSync(path.join(root, 'test', 'fixtures', 'examples.json'), 'utf8')) as { examples: Record<string, { value: number[] }> };
  return { s: extension.exports as Services, root, torchOneHot: examples.examples['one-hot-logits.json']!.value[0]! };
}

async function untitledPython(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'python', content });
  return vscode.window.showTextDocument(document);
}

async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('Loss Lens in the editor (real extension host)', () => {
  it('computes the seed snippet on selection: both calls, PyTorch\'s 0.5514', async () => {
    const { s, root, torchOneHot } = await setup();
    const document = await vscode.workspace.openTextDocument(path.join(root, 'examples', 'seed-one-hot.py'));
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, document.lineCount, 0);
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand('lossLens.computeOnSelection')).finally(() => (settled = true));
    // Two loss calls: a QuickPick asks which one; the first is cross_entropy.
    for (let i = 0; i < 100 && !settled; i++) {
      await sleep(150);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    await run;
    const report = s.views.session.view().report!.model.report;
    assert.equal(report.fn, 'cross_entropy');
    assert.ok(Math.abs(Number(report.value) - torchOneHot) < 1e-6, `${report.value} vs ${torchOneHot}`);
    assert.equal(report.valueText, torchOneHot.toFixed(4));
  });

  it('hovers: a tensor shows shape, dtype, statistics and the rows-sum-to-1 tell; a loss call shows its value and a breakdown link', async () => {
    const { root, torchOneHot } = await setup();
    const document = await vscode.workspace.openTextDocument(path.join(root, 'examples', 'seed-one-hot.py'));
    await vscode.window.showTextDocument(document);
    const onX = new vscode.Position(5, document.lineAt(5).text.indexOf('(x') + 1);
    const tensor = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, onX));
    assert.match(tensor, /\[3, 3\]/);
    assert.match(tensor, /float32/);
    assert.match(tensor, /sums to 1/);
    const onCall = new vscode.Position(5, document.lineAt(5).text.indexOf('cross_entropy') + 2);
    const call = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, onCall));
    assert.ok(call.includes(torchOneHot.toFixed(4)), call);
    assert.match(call, /command:lossLens\.showCallBreakdown/);
  });

  it('the hover link opens that call\'s breakdown', async () => {
    const { s, root, torchOneHot } = await setup();
    const uri = vscode.Uri.file(path.join(root, 'examples', 'seed-one-hot.py'));
    await vscode.commands.executeCommand('lossLens.showCallBreakdown', uri.toString(), 7, 7);
    const report = s.views.session.view().report!.model.report;
    assert.equal(report.fn, 'nll_loss');
    assert.ok(Math.abs(Number(report.value) - torchOneHot) < 1e-6);
  });

  it('flags the embedding mismatch at the loss call with PyTorch\'s text, and the quick fix produces code that checks clean', async () => {
    const { root } = await setup();
    const source = fs.readFileSync(path.join(root, 'examples', 'embedding-mismatch.py'), 'utf8');
    const editor = await untitledPython(source);
    const uri = editor.document.uri;
    const errors = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const [error] = await waitFor('the diagnostic', () => (errors().length > 0 ? errors() : undefined));
    assert.ok(error!.message.startsWith('Expected target size [2, 3], got [2, 5]'), error!.message);
    assert.equal(error!.code, 'loss/target-size');
    const callLine = source.split('\n').findIndex((l) => l.includes('CrossEntropyLoss()('));
    assert.equal(error!.range.start.line, callLine);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, error!.range, vscode.CodeActionKind.QuickFix.value);
    const permute = actions.find((a) => /permute/.test(a.title));
    assert.ok(permute?.edit, `quick fixes: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(permute.edit));
    assert.match(editor.document.getText(), /\.permute\(0, 2, 1\)/);
    await waitFor('the error to go away', () => (errors().length === 0 ? true : undefined));
  });

  it('follows a training program into its model and DataLoader: the planted bug at PyTorch\'s line, the inferred shapes on hover, none on the twin', async () => {
    const { root } = await setup();
    const folder = path.join(root, 'test', 'fixtures', 'shape-programs');
    const label = (JSON.parse(fs.readFileSync(path.join(folder, 'labels-2.x.json'), 'utf8')) as {
      programs: Record<string, { line: number; message: string } | null>;
    }).programs['tagger_bug.py']!;
    const source = fs.readFileSync(path.join(folder, 'tagger_bug.py'), 'utf8');
    const editor = await untitledPython(source);
    const uri = editor.document.uri;
    const errors = (d: vscode.TextDocument): vscode.Diagnostic[] =>
      vscode.languages.getDiagnostics(d.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
    const [error] = await waitFor('the diagnostic', () => (errors(editor.document).length > 0 ? errors(editor.document) : undefined), 30_000);
    assert.equal(error!.range.start.line, label.line - 1, error!.message);
    // The DataLoader's dataset has a known length, so the check walks its real batch sizes: PyTorch's own text.
    assert.ok(error!.message.includes(label.message), error!.message);
    const [, input, target] = /^Expected input batch_size \((\d+)\) to match target batch_size \((\d+)\)/.exec(label.message)!;
    const lossLine = label.line - 1;
    const onCall = new vscode.Position(lossLine, editor.document.lineAt(lossLine).text.indexOf('loss_fn') + 2);
    const hover = readableMarkdown(hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, onCall)));
    assert.ok(hover.includes(`input [${input}, 7] float32`), hover);
    assert.ok(hover.includes(`target [${target}, 12] int64`), hover);

    const twin = await untitledPython(fs.readFileSync(path.join(folder, 'tagger_fixed.py'), 'utf8'));
    const twinLine = twin.document.getText().split('\n').findIndex((l) => l.includes('loss_fn('));
    const onTwin = new vscode.Position(twinLine, twin.document.lineAt(twinLine).text.indexOf('loss_fn') + 2);
    // The hover shows the shapes once the twin's check (in the worker) has answered.
    let twinHover = '';
    for (let i = 0; i < 600 && !twinHover.includes('target ['); i++) {
      if (i > 0) await sleep(50);
      twinHover = readableMarkdown(
        hoverText(
          await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', twin.document.uri, onTwin),
        ),
      );
    }
    assert.ok(twinHover.includes(`input [${input}, 7] float32`), twinHover);
    assert.ok(twinHover.includes(`target [${input}] int64`), twinHover);
    assert.deepEqual(errors(twin.document).map((d) => d.message), []);
  });

  it('clears the diagnostics when they are switched off', async () => {
    const { root } = await setup();
    const source = fs.readFileSync(path.join(root, 'examples', 'embedding-mismatch.py'), 'utf8');
    const editor = await untitledPython(source);
    await waitFor('the diagnostic', () => (vscode.languages.getDiagnostics(editor.document.uri).length > 0 ? true : undefined));
    const config = vscode.workspace.getConfiguration('lossLens');
    await config.update('diagnostics.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('no diagnostics', () => (vscode.languages.getDiagnostics(editor.document.uri).length === 0 ? true : undefined));
    } finally {
      await config.update('diagnostics.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

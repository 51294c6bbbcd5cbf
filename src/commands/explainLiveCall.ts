/**
 * "Loss Lens: Explain this call with the live tensors": while a debug session is paused, the loss call on a line is
 * read from the source, its argument expressions are evaluated in the selected stack frame (each checked first: names,
 * attributes, indexing and pure tensor functions only), their values come back as data — text, or an .npy file the
 * program writes into a temporary folder with the person's permission when large — and the breakdown opens with them.
 * Also what "Compute Loss on Selection" does on a loss call line while paused.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceRange } from '../core/diagnostics';
import { LossLensError } from '../core/diagnostics';
import { findLiveCall, type LiveArgument, type LiveCallProblem } from '../core/live/call';
import {
  describeExpression,
  describeTensor,
  parseDescription,
  ProbeAnswerError,
  tensorFromText,
  type Description,
  type TensorDescription,
} from '../core/live/probe';
import { LOSSES } from '../core/losses/index';
import type { LossOptions, OptionValue, TorchVersion } from '../core/losses/types';
import { lossByModule, type LossEntry } from '../core/snippet/loss-calls';
import type { Tensor } from '../core/tensor';
import { readNpyFromDisk } from '../files';
import { EvaluateError, evaluateIn, frameSourcePath, pausedFrame, type LiveConsent } from '../liveSession';
import type { Services } from '../services';

/** Every option name a torch.nn loss module may hold as an attribute (`reduction`, `weight`, `pos_weight`…). */
const OPTION_NAMES = [...new Set(LOSSES.flatMap((l) => Object.keys(l.defaults)))];

/** Bytes per element of the dtypes a debuggee may describe (for the size shown before asking). */
const ITEM_BYTES: Readonly<Record<string, number>> = {
  float64: 8,
  int64: 8,
  float32: 4,
  int32: 4,
  float16: 2,
  bfloat16: 2,
  int16: 2,
};

/** A problem worth a panel: what went wrong, why, and what to do. */
class LiveProblem extends Error {
  constructor(
    message: string,
    readonly cause: string,
    readonly fix: string,
    readonly range?: SourceRange,
  ) {
    super(message);
  }
}

/** The person declined to let the program write a file: nothing more to say. */
class Declined extends Error {}

function whereOf(document: vscode.TextDocument, range: SourceRange | undefined): string {
  return `${vscode.workspace.asRelativePath(document.uri)}${range ? `:${range.line}:${range.column}` : ''}`;
}

/** The refusal of the source reading, in the display language. */
function problemOf(p: LiveCallProblem): LiveProblem {
  switch (p.kind) {
    case 'no-call':
      return new LiveProblem(
        vscode.l10n.t('No loss call on this line'),
        vscode.l10n.t(
          'Loss Lens looks for a call such as F.cross_entropy(logits, y), nn.CrossEntropyLoss()(logits, y) or criterion(logits, y) on the line.',
        ),
        vscode.l10n.t('Put the cursor on the line of the loss call and run the command again.'),
      );
    case 'unsafe':
      return new LiveProblem(
        vscode.l10n.t('Not evaluated: {0}', p.expression),
        vscode.l10n.t(
          'Loss Lens evaluates only names, attributes, indexing, arithmetic and pure tensor functions in your program; calling anything else (your model, a function of yours) could change the program’s state.',
        ),
        vscode.l10n.t(
          'Assign the value to a variable on a line above (logits = model(x)), step past it, and pass the variable.',
        ),
        p.range,
      );
    case 'starred':
      return new LiveProblem(
        vscode.l10n.t('Arguments passed with * or ** cannot be mapped'),
        vscode.l10n.t('Which parameter each value fills is known only when the call runs.'),
        vscode.l10n.t('Write the arguments out in the call.'),
        p.range,
      );
    case 'too-many-arguments':
      return new LiveProblem(
        vscode.l10n.t('{0} takes fewer positional arguments', p.fn),
        vscode.l10n.t('The call passes more positional arguments than {0} has parameters.', p.fn),
        vscode.l10n.t("Pass the options by keyword, e.g. reduction='sum'."),
        p.range,
      );
    case 'unknown-keyword':
      return new LiveProblem(
        // Python's own TypeError, as it would print it.
        `TypeError: ${p.fn}() got an unexpected keyword argument '${p.keyword}'`,
        vscode.l10n.t('{0} has no parameter {1}.', p.fn, p.keyword),
        vscode.l10n.t('Check the spelling of the keyword.'),
        p.range,
      );
  }
}

/** Evaluates one described expression, turning the debugger's refusal into a problem at the argument. */
async function describe(
  frame: vscode.DebugStackFrame,
  expression: string,
  limits: Parameters<typeof describeExpression>[1],
  range: SourceRange | undefined,
): Promise<Description> {
  let answer: string;
  try {
    answer = await evaluateIn(frame, describeExpression(expression, limits));
  } catch (e) {
    if (e instanceof EvaluateError)
      throw new LiveProblem(
        vscode.l10n.t('The debugger could not evaluate {0}', expression),
        e.message,
        vscode.l10n.t(
          'Select the stack frame of this line in the Call Stack view, and stop on the loss line (after the values are computed).',
        ),
        range,
      );
    throw e;
  }
  try {
    return parseDescription(answer);
  } catch (e) {
    if (e instanceof ProbeAnswerError)
      throw new LiveProblem(
        vscode.l10n.t('The debugger’s answer for {0} could not be read', expression),
        e.message,
        vscode.l10n.t('Loss Lens reads live tensors from Python debuggers that evaluate expressions (debugpy).'),
        range,
      );
    throw e;
  }
}

/** True when two paths name one file (symbolic links and `..` resolved). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** What one command run needs besides the services. */
interface LiveRun {
  readonly services: Services;
  readonly consent: LiveConsent;
  readonly frame: vscode.DebugStackFrame;
  readonly document: vscode.TextDocument;
  readonly maxTextElements: number;
  /** The temporary folder the program may write .npy files into (created on first use, deleted at the end). */
  folder?: string;
}

/** The tensor a description stands for: read from its text, or written by the program to a file and read back. */
async function tensorOf(run: LiveRun, d: TensorDescription, argument: LiveArgument): Promise<Tensor> {
  const read = (read: () => Tensor): Tensor => {
    try {
      return read();
    } catch (e) {
      if (e instanceof LossLensError || e instanceof ProbeAnswerError)
        throw new LiveProblem(
          vscode.l10n.t('The value of {0} could not be read', argument.expression),
          e.message,
          vscode.l10n.t('Loss Lens computes with real tensors of float, integer and bool dtypes.'),
          argument.range,
        );
      throw e;
    }
  };
  if (d.text !== undefined) return read(() => tensorFromText(d));
  const megabytes = (d.numel * (ITEM_BYTES[d.dtype] ?? 1)) / (1024 * 1024);
  const limit = run.services.config(run.document.uri).maxFileSizeMB;
  if (megabytes > limit)
    throw new LiveProblem(
      vscode.l10n.t('{0} is larger than lossLens.maxFileSizeMB ({1} MB)', argument.expression, String(limit)),
      vscode.l10n.t('{0} holds {1} elements ({2} MB).', describeTensor(d), String(d.numel), megabytes.toFixed(1)),
      vscode.l10n.t('Raise lossLens.maxFileSizeMB, or pass a slice of the batch (logits[:256]).'),
      argument.range,
    );
  if (!(await run.consent.allowFiles(run.frame.session, `${argument.expression} ${describeTensor(d)}`, megabytes)))
    throw new Declined();
  run.folder ??= fs.mkdtempSync(path.join(os.tmpdir(), 'loss-lens-live-'));
  const file = path.join(run.folder, `${argument.name.replace(/\W/g, '_')}.npy`);
  const written = await describe(
    run.frame,
    argument.expression,
    { maxTextElements: run.maxTextElements, npyPath: file },
    argument.range,
  );
  if (written.kind !== 'tensor' || !written.npy || !fs.existsSync(file))
    throw new LiveProblem(
      vscode.l10n.t('The program did not write {0} to a file', argument.expression),
      vscode.l10n.t(
        'The paused program may run on another machine or in a container, where the temporary folder {0} does not exist.',
        run.folder,
      ),
      vscode.l10n.t(
        'Pass a smaller slice of the batch, or raise lossLens.debugger.maxTextElements to send it as text.',
      ),
      argument.range,
    );
  return read(() => readNpyFromDisk(file));
}

/** An option value as the loss takes it. */
async function optionOf(run: LiveRun, d: Description, argument: LiveArgument): Promise<OptionValue | undefined> {
  if (d.kind === 'value') return d.value;
  if (d.kind === 'tensor') return tensorOf(run, d, argument);
  throw new LiveProblem(
    vscode.l10n.t('Option {0} is a {1}', argument.name, d.type),
    vscode.l10n.t('Loss Lens reads options that are numbers, strings, booleans, None or tensors.'),
    vscode.l10n.t('Pass the option as a plain value.'),
    argument.range,
  );
}

/** The PyTorch the paused program runs (1.13 or 2.x), when it has imported torch. */
async function liveTorchVersion(frame: vscode.DebugStackFrame): Promise<TorchVersion | undefined> {
  try {
    const answer = await evaluateIn(
      frame,
      '(lambda m: m.__version__ if m is not None else "")(__import__("sys").modules.get("torch"))',
    );
    const m = /^'(\d+)\.(\d+)/.exec(answer);
    if (!m) return undefined;
    return Number(m[1]) < 2 ? '1.13' : '2.x';
  } catch {
    return undefined;
  }
}

/**
 * Runs the command on `line` (1-based) of `document`, or on the active editor's cursor line. Returns false when no
 * debug session is paused (the caller then does what it does without one).
 */
export async function explainLiveCall(
  services: Services,
  consent: LiveConsent,
  target?: { readonly document: vscode.TextDocument; readonly line: number },
): Promise<boolean> {
  const frame = pausedFrame();
  if (!frame) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Loss Lens reads live tensors only while a debug session is paused. Stop at the loss line (a breakpoint) and run the command again.',
      ),
    );
    return false;
  }
  const editor = vscode.window.activeTextEditor;
  const document = target?.document ?? editor?.document;
  if (!document) return false;
  const line = target?.line ?? (editor ? editor.selection.active.line + 1 : 1);
  const run: LiveRun = {
    services,
    consent,
    frame,
    document,
    maxTextElements: services.config(document.uri).debuggerMaxTextElements,
  };
  try {
    await explain(run, line);
  } catch (e) {
    if (e instanceof Declined) return true;
    if (!(e instanceof LiveProblem)) throw e;
    services.log.warn(`${whereOf(document, e.range)} ${e.message} — ${e.cause}`);
    services.problems.show(vscode.l10n.t('Loss Lens: live tensors'), [
      { message: e.message, cause: e.cause, fix: e.fix, where: whereOf(document, e.range) },
    ]);
  } finally {
    if (run.folder) fs.rmSync(run.folder, { recursive: true, force: true });
  }
  return true;
}

async function explain(run: LiveRun, line: number): Promise<void> {
  const { document, frame, services } = run;
  const found = findLiveCall(document.getText(), line);
  if (!found.ok) throw problemOf(found);
  const call = found.call;
  // The frame must be this file's, or the names mean something else.
  const reported = await frameSourcePath(frame);
  // In a remote window the workbench hands the adapter's paths back as URIs (vscode-remote://host/path).
  const framePath = reported && /^[a-z][\w+.-]*:\/\//i.test(reported) ? vscode.Uri.parse(reported).path : reported;
  if (framePath && document.uri.scheme === 'file' && !sameFile(framePath, document.uri.fsPath))
    throw new LiveProblem(
      vscode.l10n.t('The selected stack frame is in {0}', path.basename(framePath)),
      vscode.l10n.t('The names on this line are evaluated in the selected frame, which runs {0}.', framePath),
      vscode.l10n.t('Select the frame of {0} in the Call Stack view.', path.basename(document.uri.fsPath)),
      call.range,
    );

  let loss: LossEntry | undefined = call.loss;
  const options: Record<string, OptionValue> = {};
  const limits = { maxTextElements: run.maxTextElements };
  if (call.style === 'variable') {
    const expression = call.moduleExpression!;
    const module = await describe(frame, expression, { ...limits, optionNames: OPTION_NAMES }, call.range);
    loss = module.kind === 'module' ? lossByModule(module.type) : undefined;
    if (module.kind !== 'module' || !loss?.def)
      throw new LiveProblem(
        vscode.l10n.t('{0} is not a torch.nn loss', expression),
        vscode.l10n.t(
          '{0} holds a {1}; Loss Lens explains the losses of torch.nn.',
          expression,
          module.kind === 'module' ? module.type : module.type || module.kind,
        ),
        vscode.l10n.t('Run the command on the line that calls the loss.'),
        call.range,
      );
    for (const name of Object.keys(loss.def.defaults)) {
      const d = module.options[name];
      // An unset weight is None: PyTorch's default, as if not given.
      if (!d || (d.kind === 'value' && d.value === null)) continue;
      const value = await optionOf(run, d, { name, expression: `${expression}.${name}`, range: call.range });
      if (value !== undefined) options[name] = value;
    }
  }
  if (!loss?.def) throw problemOf({ kind: 'no-call' });

  const inputs: Record<string, Tensor> = {};
  for (const [i, argument] of call.inputs.entries()) {
    const name = argument.name.startsWith('#') ? loss.inputs[i] : argument.name;
    if (name === undefined)
      throw new LiveProblem(
        vscode.l10n.t('{0} takes fewer positional arguments', loss.fn),
        vscode.l10n.t('The call passes more positional arguments than {0} has parameters.', loss.fn),
        vscode.l10n.t('Check the call.'),
        argument.range,
      );
    const d = await describe(frame, argument.expression, limits, argument.range);
    if (d.kind !== 'tensor')
      throw new LiveProblem(
        vscode.l10n.t('{0} is not a tensor', argument.expression),
        vscode.l10n.t('{0} holds a {1}.', argument.expression, d.type),
        vscode.l10n.t('Stop on the loss line after its tensors are computed.'),
        argument.range,
      );
    services.log.info(`${argument.expression}: ${describeTensor(d)}`);
    inputs[name] = await tensorOf(run, d, { ...argument, name });
  }
  for (const argument of call.options) {
    if (argument.literal !== undefined) {
      options[argument.name] = argument.literal;
      continue;
    }
    const value = await optionOf(run, await describe(frame, argument.expression, limits, argument.range), argument);
    if (value !== undefined && value !== null) options[argument.name] = value;
  }
  const torchVersion = await liveTorchVersion(frame);
  const title = `${vscode.workspace.asRelativePath(document.uri)}:${call.range.line} ${vscode.l10n.t('(live)')}`;
  services.log.info(
    `${title}: ${loss.fn} on ${Object.keys(inputs).join(', ')}${torchVersion ? ` (torch ${torchVersion})` : ''}`,
  );
  await services.views.show({
    fn: loss.fn,
    inputs,
    options: options as LossOptions,
    title,
    source: document.uri.toString(),
    ...(torchVersion ? { torchVersion } : {}),
  });
}

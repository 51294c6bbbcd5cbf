/**
 * The paused debug session Loss Lens may ask for live tensors: the selected stack frame, one DAP `evaluate` at a
 * time in it, and the person's permission (asked once per session) before a large tensor is written to a file.
 * Nothing here runs unless a command or a hover asks, and only while a frame is selected (the session is paused).
 */
import * as vscode from 'vscode';

/** The stack frame selected in the Call Stack view, when a session is paused; undefined otherwise. */
export function pausedFrame(): vscode.DebugStackFrame | undefined {
  const item = vscode.debug.activeStackItem;
  return item && 'frameId' in item ? item : undefined;
}

/** The debugger refused an expression (a NameError, an exception in a property…): its own message. */
export class EvaluateError extends Error {}

/**
 * Evaluates one expression in `frame` and returns the debugger's `result` text. The `clipboard` context asks for the
 * value in full (debugpy cuts `repl` and `hover` strings at 64 KB) and, unlike `repl`, never runs it as a statement.
 */
export async function evaluateIn(frame: vscode.DebugStackFrame, expression: string): Promise<string> {
  try {
    const body = (await frame.session.customRequest('evaluate', {
      expression,
      frameId: frame.frameId,
      context: 'clipboard',
    })) as { result?: unknown } | undefined;
    return typeof body?.result === 'string' ? body.result : '';
  } catch (e) {
    throw new EvaluateError(e instanceof Error ? e.message : String(e));
  }
}

/** The file of the selected frame (from the adapter's stack trace), to check it is the file the call is read from. */
export async function frameSourcePath(frame: vscode.DebugStackFrame): Promise<string | undefined> {
  try {
    const body = (await frame.session.customRequest('stackTrace', { threadId: frame.threadId, levels: 200 })) as
      { stackFrames?: { id: number; source?: { path?: string } }[] } | undefined;
    return body?.stackFrames?.find((f) => f.id === frame.frameId)?.source?.path;
  } catch {
    return undefined;
  }
}

/** The permission to have the debuggee write large tensors to a temporary file: asked once per debug session. */
export class LiveConsent {
  private readonly granted = new WeakSet<vscode.DebugSession>();

  /** True when granted for this session already, or now (a modal dialog naming the tensor and its size). */
  async allowFiles(session: vscode.DebugSession, what: string, megabytes: number): Promise<boolean> {
    if (this.granted.has(session)) return true;
    const allow = vscode.l10n.t('Allow for this debug session');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} is too large to send as text ({1} MB).', what, megabytes.toFixed(1)),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Loss Lens can ask the paused program to save it with numpy.save into a temporary folder Loss Lens created, read it, and delete it. The program writes that one file and changes nothing else.',
        ),
      },
      allow,
    );
    if (choice !== allow) return false;
    this.granted.add(session);
    return true;
  }
}

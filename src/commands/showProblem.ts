/**
 * Tells a person about a problem from the core in the problem panel: PyTorch's text first, then the plain cause and
 * the fix, and where it is. A panel rather than a toast, which would cut the explanation off with "…".
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/diagnostics';
import { localize } from '../providers/localize';
import type { Services } from '../services';

/** Shows a diagnostic (in the display language) in the problem panel and logs it. */
export async function showProblem(
  services: Pick<Services, 'log' | 'problems'>,
  problem: Diagnostic,
  document: vscode.TextDocument | undefined,
): Promise<void> {
  const d = localize(problem);
  const where = `${document ? `${vscode.workspace.asRelativePath(document.uri)}:` : ''}${d.line}:${d.column}`;
  services.log.warn(
    `[${d.code}] ${where} ${d.message}${d.explanation ? ` — ${d.explanation}` : ''}${d.hint ? ` — ${d.hint}` : ''}`,
  );
  services.problems.show(
    d.severity === 'error' ? vscode.l10n.t('PyTorch would reject this') : vscode.l10n.t('Loss Lens: problem'),
    [
      {
        message: d.message,
        ...(d.explanation ? { cause: d.explanation } : {}),
        ...(d.hint ? { fix: d.hint } : {}),
        code: d.code,
        where,
      },
    ],
  );
}

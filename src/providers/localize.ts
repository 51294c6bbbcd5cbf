/**
 * The core's explanations in VS Code's display language. PyTorch's own message stays as PyTorch prints it (people
 * search for it); the cause, the fix and the reduction's wording follow the display language.
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/diagnostics';
import type { ErrorExplanation } from '../core/explain';
import {
  localizeDiagnostic,
  localizeErrorText,
  localizeExplanation,
  localizeReduction,
  normalizeLocale,
  type ErrorText,
  type Locale,
} from '../core/i18n/index';
import type { LossResult } from '../core/losses/types';
import type { LossSummary } from '../core/report/summary';
import { WorkerStopped } from '../worker/stopped';

/** The display language as the core's locale. */
export function displayLocale(): Locale {
  return normalizeLocale(vscode.env.language);
}

/** A core diagnostic with its explanation, hint and fix titles in the display language. */
export function localize(d: Diagnostic): Diagnostic {
  return localizeDiagnostic(d, displayLocale());
}

/** An Explain-PyTorch-Error answer in the display language. */
export function localizeAnswer(e: ErrorExplanation): ErrorExplanation {
  return localizeExplanation(e, displayLocale());
}

/** A result whose reduction wording and warnings are in the display language (the numbers are untouched). */
export function localizeResult(r: LossResult): LossResult {
  const locale = displayLocale();
  if (locale === 'en') return r;
  return {
    ...r,
    reduction: localizeReduction(r.reduction, locale),
    warnings: r.warnings.map((w) => localizeDiagnostic(w, locale)),
  };
}

/** An error the breakdown panel shows (from a diagnostic, or the panel's own) in the display language. */
export function localizeError<E extends ErrorText>(e: E): E {
  return localizeErrorText(e, displayLocale());
}

/** A large input's summary whose reduction wording and warnings are in the display language (the numbers are untouched). */
export function localizeSummary(s: LossSummary): LossSummary {
  const locale = displayLocale();
  if (locale === 'en') return s;
  return {
    ...s,
    reduction: localizeReduction(s.reduction, locale),
    warnings: s.warnings.map((w) => localizeDiagnostic(w, locale)),
  };
}

/**
 * An error's text for a message, in the display language where it is Loss Lens's own sentence (a worker thread that
 * stopped or failed: Node's own reason stays as Node gives it); any other error's message as it is.
 */
export function errorText(e: unknown): string {
  if (e instanceof WorkerStopped) {
    const snippet = e.worker === 'snippet';
    if (e.exitCode !== undefined)
      return snippet
        ? vscode.l10n.t('The Loss Lens snippet worker stopped (exit code {0}).', e.exitCode)
        : vscode.l10n.t('The Loss Lens worker stopped (exit code {0}).', e.exitCode);
    const reason = e.failure?.message ?? '';
    return snippet
      ? vscode.l10n.t('The Loss Lens snippet worker failed: {0}', reason)
      : vscode.l10n.t('The Loss Lens worker failed: {0}', reason);
  }
  return e instanceof Error ? e.message : String(e);
}

/**
 * Strings in the webview come from the host (`l10n` message); this only looks them up and fills placeholders.
 */
import type { AnswerLocale } from '../../src/core/report/answer';
import { formatTemplate, type WebviewStringKey, type WebviewStrings } from '../../src/protocol';

/** Looks a string up and fills `{0}`, `{1}`… */
export type Translate = (key: WebviewStringKey, ...args: readonly (string | number)[]) => string;

/** A translator over a bundle; a missing key shows as the key itself (never blank). */
export function createTranslator(strings: Partial<WebviewStrings>): Translate {
  return (key, ...args) => formatTemplate(strings[key] ?? key, ...args);
}

/**
 * The answer's language for VS Code's display language: Simplified Chinese for `zh-cn`, `zh-hans`, `zh-sg` and bare
 * `zh`; English otherwise (Traditional Chinese included, as in the core's catalog).
 */
export function answerLocale(displayLanguage: string): AnswerLocale {
  const tag = displayLanguage.toLowerCase().replace(/_/g, '-');
  return tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans') ? 'zh-cn' : 'en';
}

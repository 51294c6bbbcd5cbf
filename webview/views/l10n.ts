/**
 * Strings in the webview come from the host (`l10n` message); this only looks them up and fills placeholders.
 */
import { formatTemplate, type WebviewStringKey, type WebviewStrings } from '../../src/protocol';

/** Looks a string up and fills `{0}`, `{1}`… */
export type Translate = (key: WebviewStringKey, ...args: readonly (string | number)[]) => string;

/** A translator over a bundle; a missing key shows as the key itself (never blank). */
export function createTranslator(strings: Partial<WebviewStrings>): Translate {
  return (key, ...args) => formatTemplate(strings[key] ?? key, ...args);
}

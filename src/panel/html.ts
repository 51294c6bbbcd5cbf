/**
 * The page both webviews load: a strict CSP with a per-load nonce, our stylesheet and the webview bundle. No inline
 * script and no inline style: everything the CSP would block is absent by construction.
 *
 * No `vscode` import (the URIs come in as strings) so the page can be checked in mocha.
 */
import { randomBytes } from 'node:crypto';
import type { WebviewRole } from '../protocol';

/** A fresh nonce for one page load: 128 random bits, base64. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** What the page needs: the webview's CSP source and the resource URIs, already converted with `asWebviewUri`. */
export interface WebviewPage {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** The bundle, dist/webview/webview.js. */
  readonly scriptUri: string;
  /** The stylesheet, media/lossLens.css. */
  readonly styleUri: string;
  readonly nonce: string;
  readonly role: WebviewRole;
  /** The UI language (`vscode.env.language`), for the `lang` attribute. */
  readonly lang: string;
  readonly title: string;
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The Content-Security-Policy for a page: nothing by default, styles/fonts/images from the extension, nonce'd script. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The HTML of a Loss Lens webview. */
export function buildWebviewHtml(page: WebviewPage): string {
  const csp = contentSecurityPolicy(page.cspSource, page.nonce);
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body data-role="${escapeHtml(page.role)}">
<main id="app" aria-live="polite"></main>
<script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>
`;
}

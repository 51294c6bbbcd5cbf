/**
 * The page of the problem panel: an explained PyTorch error, or why a selection could not be computed. PyTorch's own
 * message first (people search for it), then the cause and the fix in the display language. A static page: no
 * script at all, so its CSP allows none; every text reaches the page escaped.
 *
 * No `vscode` import, so the page can be checked in mocha.
 */
import { escapeHtml } from './html';

/** One problem to show. */
export interface ProblemEntry {
  /** PyTorch's message (or the text that matched it), shown verbatim. */
  readonly message: string;
  readonly cause?: string;
  readonly fix?: string;
  /** A stable code, e.g. `explain/ce-target-dtype`. */
  readonly code?: string;
  /** Where the problem is (`file:line:column`), when it has a place. */
  readonly where?: string;
}

/** The page's texts (already localized) and its problems. */
export interface ProblemPage {
  readonly cspSource: string;
  /** media/lossLens.css, converted with `asWebviewUri`. */
  readonly styleUri: string;
  readonly lang: string;
  readonly title: string;
  /** One line under the title: what was asked (e.g. the pasted text did not match anything). */
  readonly summary?: string;
  readonly problems: readonly ProblemEntry[];
  readonly labels: { readonly message: string; readonly cause: string; readonly fix: string; readonly where: string };
}

/** The HTML of the problem panel. */
export function buildProblemHtml(page: ProblemPage): string {
  const csp = `default-src 'none'; style-src ${page.cspSource}; font-src ${page.cspSource}`;
  const sections = page.problems
    .map((p) => {
      const parts = [
        `<h2>${escapeHtml(page.labels.message)}</h2>`,
        `<pre class="ll-error-message">${escapeHtml(p.message)}</pre>`,
      ];
      if (p.where)
        parts.push(`<p class="ll-muted">${escapeHtml(page.labels.where)}: <code>${escapeHtml(p.where)}</code></p>`);
      if (p.cause)
        parts.push(
          `<h2>${escapeHtml(page.labels.cause)}</h2>`,
          `<p class="ll-problem-cause">${escapeHtml(p.cause)}</p>`,
        );
      if (p.fix)
        parts.push(`<h2>${escapeHtml(page.labels.fix)}</h2>`, `<p class="ll-problem-fix">${escapeHtml(p.fix)}</p>`);
      if (p.code) parts.push(`<p class="ll-muted"><code>${escapeHtml(p.code)}</code></p>`);
      return `<section class="ll-problem" role="region" aria-label="${escapeHtml(p.message.slice(0, 80))}">\n${parts.join('\n')}\n</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(page.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(page.styleUri)}">
<title>${escapeHtml(page.title)}</title>
</head>
<body data-role="problem">
<main class="ll-problem-page">
<h1>${escapeHtml(page.title)}</h1>
${page.summary ? `<p>${escapeHtml(page.summary)}</p>\n` : ''}${sections}
</main>
</body>
</html>
`;
}

/** Button and badge, rendered with the toolkit. */
import type { BadgeProps, ButtonProps, ProgressProps } from './types';
import { TAGS } from './toolkit';

/** A push button; the label is text. */
export function renderButton(p: ButtonProps): HTMLElement {
  const el = document.createElement(TAGS.button);
  el.textContent = p.label;
  el.setAttribute('appearance', p.appearance ?? 'secondary');
  if (p.title) el.setAttribute('title', p.title);
  if (p.disabled) el.setAttribute('disabled', '');
  if (p.pressed !== undefined) el.setAttribute('aria-pressed', String(p.pressed));
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) p.onClick();
  });
  return el;
}

/**
 * A small status label. A styled span rather than the toolkit's <vscode-badge>: that element binds a `style`
 * attribute in its template, which the webview's CSP (no 'unsafe-inline') blocks and reports.
 */
export function renderBadge(p: BadgeProps): HTMLElement {
  const el = document.createElement('span');
  el.className = 'll-badge';
  el.textContent = p.text;
  if (p.title) {
    el.setAttribute('title', p.title);
    el.setAttribute('aria-label', p.title);
  }
  return el;
}

/** An indeterminate progress ring. */
export function renderProgress(p: ProgressProps): HTMLElement {
  const el = document.createElement(TAGS.progressRing);
  el.setAttribute('aria-label', p.label);
  el.className = 'll-progress';
  return el;
}

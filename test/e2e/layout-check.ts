/**
 * The layout checks the end-to-end suites share: what is wrong with a webview's layout, checked in its page, and
 * resizing the window until an editor-area webview is a given width.
 */
import type { Frame } from 'playwright-core';
import type { Workbench } from './workbench';

/**
 * What is wrong with the layout of a webview's document, checked in the page: the page scrolling sideways, an element
 * whose content is wider than its box (unless the box scrolls, or is a label cut with "…" that has a tooltip), an
 * element sticking out of the view, and a number or header whose token breaks across lines.
 */
export async function layoutProblems(frame: Frame): Promise<string[]> {
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  return frame.evaluate(LAYOUT_CHECK) as Promise<string[]>;
}

/** The page-side check of {@link layoutProblems} (plain JavaScript, evaluated in the webview). */
export const LAYOUT_CHECK = String.raw`(() => {
  const problems = [];
  const name = (el) =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    ' "' + String(el.textContent || '').trim().slice(0, 40) + '"';
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const scrolls = (el) => {
    const x = getComputedStyle(el).overflowX;
    return x === 'auto' || x === 'scroll';
  };
  const insideScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1)
    problems.push('the page scrolls sideways: ' + root.scrollWidth + ' px of content in ' + root.clientWidth + ' px');
  for (const el of document.body.querySelectorAll('*')) {
    if (!(el instanceof HTMLElement) || !visible(el)) continue;
    const style = getComputedStyle(el);
    const over = el.scrollWidth - el.clientWidth;
    const cut = style.textOverflow === 'ellipsis' && el.closest('[title]') !== null && !el.classList.contains('ll-num');
    if (el.clientWidth > 0 && over > 1 && !scrolls(el) && !cut && style.display !== 'inline')
      problems.push(name(el) + ': content ' + over + ' px wider than its box');
    const rect = el.getBoundingClientRect();
    if (rect.right > root.clientWidth + 1 && !insideScroller(el))
      problems.push(name(el) + ': sticks out ' + Math.round(rect.right - root.clientWidth) + ' px on the right');
  }
  for (const el of document.body.querySelectorAll('.ll-num, th, [role=columnheader], [role=tab], .ll-value')) {
    if (!visible(el)) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent || '';
      for (const m of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set();
        for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
        if (tops.size > 1) problems.push(name(el) + ': "' + m[0] + '" wraps across ' + tops.size + ' lines');
      }
    }
  }
  return problems;
})()`;

/** The webview document's width (px). */
export async function widthOf(frame: Frame): Promise<number> {
  return frame.evaluate('innerWidth') as Promise<number>;
}

/** Resizes the window until the editor-area webview `role` is `width` px wide. */
export async function fitEditorWebview(workbench: Workbench, role: string, width: number): Promise<Frame> {
  const page = workbench.page;
  let frame = await workbench.webviewByRole(role);
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = await widthOf(frame);
    if (Math.abs(now - width) <= 2) return frame;
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width + (width - now), height: viewport.height });
    await page.waitForTimeout(400);
    frame = await workbench.webviewByRole(role);
  }
  throw new Error(`could not make the ${role} webview ${width} px wide (it is ${await widthOf(frame)} px)`);
}

/** Panel tabs. */
import type { NodeLike, VNode } from '../vnode';
import { renderBadge } from './button';
import type { TabsProps } from './types';
import { TAGS } from './toolkit';

/** Tabs whose panels are rendered from view descriptions; `onSelect` gets the tab id. */
export function renderTabs(p: TabsProps, render: (node: VNode) => NodeLike): HTMLElement {
  const panels = document.createElement(TAGS.panels);
  panels.setAttribute('aria-label', p.label);
  panels.className = 'll-tabs';
  const selected = p.tabs.some((tab) => tab.id === p.selected) ? p.selected : p.tabs[0]?.id;
  if (selected) panels.setAttribute('activeid', `tab-${selected}`);
  for (const tab of p.tabs) {
    const tabEl = document.createElement(TAGS.panelTab);
    tabEl.id = `tab-${tab.id}`;
    tabEl.append(tab.title);
    if (tab.badge) {
      tabEl.append(' ', renderBadge({ text: tab.badge }));
    }
    panels.appendChild(tabEl);
  }
  for (const tab of p.tabs) {
    const view = document.createElement(TAGS.panelView);
    view.id = `view-${tab.id}`;
    view.appendChild(render(tab.content) as Node);
    panels.appendChild(view);
  }
  panels.addEventListener('change', (event) => {
    // Nested dropdowns and fields also fire (bubbling) change events.
    if (event.target !== panels) return;
    const active = (panels as HTMLElement & { activeid?: string }).activeid;
    if (active?.startsWith('tab-')) p.onSelect(active.slice(4));
  });
  return panels;
}

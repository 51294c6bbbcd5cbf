/**
 * Panel tabs: our own ARIA tab list (role tablist/tab/tabpanel) rather than the toolkit's <vscode-panels>, whose tab
 * strip is a one-row grid that cannot wrap and cut tabs off in a 520 px editor group. The strip wraps onto more lines
 * at any width; ←/→/Home/End move between tabs (automatic activation), Tab moves into the panel.
 */
import type { NodeLike, VNode } from '../vnode';
import { renderBadge } from './button';
import type { TabsProps } from './types';

/** Tabs whose panels are rendered from view descriptions; `onSelect` gets the tab id. */
export function renderTabs(p: TabsProps, render: (node: VNode) => NodeLike): HTMLElement {
  const root = document.createElement('div');
  root.className = 'll-tabs';
  const list = document.createElement('div');
  list.className = 'll-tablist';
  list.setAttribute('role', 'tablist');
  list.setAttribute('aria-label', p.label);
  root.append(list);
  let selected = p.tabs.some((tab) => tab.id === p.selected) ? p.selected : (p.tabs[0]?.id ?? '');
  const buttons: HTMLButtonElement[] = [];
  const views: HTMLElement[] = [];

  const show = (id: string, focus: boolean): void => {
    selected = id;
    p.tabs.forEach((tab, i) => {
      const active = tab.id === id;
      buttons[i]!.setAttribute('aria-selected', String(active));
      buttons[i]!.tabIndex = active ? 0 : -1;
      buttons[i]!.classList.toggle('ll-tab-active', active);
      views[i]!.hidden = !active;
      if (active && focus) buttons[i]!.focus();
    });
  };

  for (const tab of p.tabs) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'll-tab';
    button.id = `tab-${tab.id}`;
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-controls', `view-${tab.id}`);
    button.append(tab.title);
    if (tab.badge) button.append(renderBadge({ text: tab.badge }));
    button.addEventListener('click', () => {
      if (selected === tab.id) return;
      show(tab.id, false);
      p.onSelect(tab.id);
    });
    buttons.push(button);
    list.append(button);
  }
  for (const tab of p.tabs) {
    const view = document.createElement('div');
    view.className = 'll-tabpanel';
    view.id = `view-${tab.id}`;
    view.setAttribute('role', 'tabpanel');
    view.setAttribute('aria-labelledby', `tab-${tab.id}`);
    view.tabIndex = 0;
    view.appendChild(render(tab.content) as Node);
    views.push(view);
    root.append(view);
  }
  list.addEventListener('keydown', (event) => {
    const i = p.tabs.findIndex((tab) => tab.id === selected);
    const last = p.tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (i + 1) % p.tabs.length
        : event.key === 'ArrowLeft'
          ? (i - 1 + p.tabs.length) % p.tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    if (next < 0) return;
    event.preventDefault();
    show(p.tabs[next]!.id, true);
    p.onSelect(p.tabs[next]!.id);
  });
  show(selected, false);
  return root;
}

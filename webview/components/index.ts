/**
 * Our component layer: maps component descriptions to elements. The only folder that knows about the UI toolkit.
 */
import { materialize, type ComponentRenderers, type VNode } from '../vnode';
import { renderBadge, renderButton, renderProgress } from './button';
import { renderDataGrid } from './dataGrid';
import { renderDropdown, renderNumberField, renderSlider, renderTextField } from './fields';
import { renderHeatmap } from './heatmap';
import { renderPlot } from './plot';
import { renderTabs } from './tabs';

export { registerToolkit } from './toolkit';
export { VirtualTable, type VirtualTableSource } from './virtualTable';

/** The browser renderers for every component. */
export const renderers: ComponentRenderers = {
  button: renderButton,
  badge: renderBadge,
  progress: renderProgress,
  dropdown: renderDropdown,
  textField: renderTextField,
  numberField: renderNumberField,
  slider: renderSlider,
  dataGrid: renderDataGrid,
  tabs: renderTabs,
  heatmap: renderHeatmap,
  plot: renderPlot,
};

/** Replaces `target`'s children with the rendered descriptions. */
export function renderInto(target: HTMLElement, ...nodes: readonly (VNode | null)[]): void {
  target.replaceChildren(
    ...nodes.filter((n): n is VNode => n !== null).map((n) => materialize(n, document, renderers) as Node),
  );
}

/**
 * The one place that imports @vscode/webview-ui-toolkit (deprecated upstream). Everything else uses our components.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDataGrid(),
    vsCodeDataGridRow(),
    vsCodeDataGridCell(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}

/** Tag names of the toolkit elements we use. */
export const TAGS = {
  button: 'vscode-button',
  dataGrid: 'vscode-data-grid',
  dataGridRow: 'vscode-data-grid-row',
  dataGridCell: 'vscode-data-grid-cell',
  dropdown: 'vscode-dropdown',
  option: 'vscode-option',
  panels: 'vscode-panels',
  panelTab: 'vscode-panel-tab',
  panelView: 'vscode-panel-view',
  progressRing: 'vscode-progress-ring',
  textField: 'vscode-text-field',
} as const;

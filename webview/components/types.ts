/**
 * The props of our component layer. Views describe components by these props only; webview/components/*.ts render
 * them with @vscode/webview-ui-toolkit today (deprecated upstream), so swapping the toolkit touches this folder alone.
 *
 * DOM-free: the views that use these types run in mocha too.
 */
import type { ReportHeatmap } from '../../src/core/report/report';
import type { VNode } from '../vnode';

/** A push button. */
export interface ButtonProps {
  readonly label: string;
  readonly title?: string;
  readonly appearance?: 'primary' | 'secondary';
  readonly disabled?: boolean;
  /** Pressed state for toggle buttons (`aria-pressed`). */
  readonly pressed?: boolean;
  readonly onClick: () => void;
}

/** One choice of a dropdown. */
export interface DropdownOption {
  readonly value: string;
  readonly label: string;
  readonly title?: string;
}

/** A single-choice dropdown. */
export interface DropdownProps {
  /** The accessible label (and visible label when `showLabel`). */
  readonly label: string;
  readonly showLabel?: boolean;
  readonly options: readonly DropdownOption[];
  readonly value: string;
  readonly disabled?: boolean;
  readonly onChange: (value: string) => void;
}

/** A one-line text field that commits on Enter or blur. */
export interface TextFieldProps {
  readonly label: string;
  readonly showLabel?: boolean;
  readonly value: string;
  readonly placeholder?: string;
  readonly disabled?: boolean;
  readonly onCommit: (value: string) => void;
}

/** A number field: a text field that only commits finite numbers (integers when `integer`). */
export interface NumberFieldProps {
  readonly label: string;
  readonly showLabel?: boolean;
  readonly value: number;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly disabled?: boolean;
  /** Shown (as a tooltip and to screen readers) when the text is not a number in range. */
  readonly invalidMessage: string;
  readonly onCommit: (value: number) => void;
}

/** A slider with its value shown beside it; commits when released. */
export interface SliderProps {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  readonly disabled?: boolean;
  readonly onCommit: (value: number) => void;
}

/** A column of a small data grid. */
export interface DataGridColumn {
  readonly key: string;
  readonly title: string;
  readonly numeric?: boolean;
}

/** A small, fully rendered data grid (class tables, per-label totals). Cells are text. */
export interface DataGridProps {
  readonly label: string;
  readonly columns: readonly DataGridColumn[];
  readonly rows: readonly Readonly<Record<string, string>>[];
  /** Rows to emphasise (e.g. the worst class), by index. */
  readonly highlighted?: readonly number[];
}

/** One tab. */
export interface Tab {
  readonly id: string;
  readonly title: string;
  readonly badge?: string;
  readonly content: VNode;
}

/** Panel tabs. */
export interface TabsProps {
  readonly label: string;
  readonly tabs: readonly Tab[];
  readonly selected: string;
  readonly onSelect: (id: string) => void;
}

/** A small count or status label. */
export interface BadgeProps {
  readonly text: string;
  readonly title?: string;
}

/** An indeterminate progress indicator. */
export interface ProgressProps {
  readonly label: string;
}

/** A gradient heat map drawn on a canvas. */
export interface HeatmapProps {
  readonly map: ReportHeatmap;
  readonly columnNames: readonly string[];
  /** `Row {0}, column {1}: {2}`. */
  readonly cellTemplate: string;
  readonly label: string;
  /** What the rows and the columns are, written beside the map (`rows: sample`, `columns: class`). */
  readonly rowAxis: string;
  readonly colAxis: string;
}

/** A small line plot of y(x) with the current point marked. */
export interface PlotProps {
  /** The accessible name: what is plotted and where the current point is. */
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
  readonly current: readonly [number, number];
  /** The x axis's name, written under it. */
  readonly xLabel: string;
  readonly xMinText: string;
  readonly xMaxText: string;
  /** The y axis's top value, written beside it. */
  readonly yMaxText: string;
}

/** Every component and its props. */
export interface ComponentProps {
  readonly button: ButtonProps;
  readonly dropdown: DropdownProps;
  readonly textField: TextFieldProps;
  readonly numberField: NumberFieldProps;
  readonly slider: SliderProps;
  readonly dataGrid: DataGridProps;
  readonly tabs: TabsProps;
  readonly badge: BadgeProps;
  readonly progress: ProgressProps;
  readonly heatmap: HeatmapProps;
  readonly plot: PlotProps;
}

/** A component's name. */
export type ComponentName = keyof ComponentProps;

/**
 * Simplified Chinese for the errors the breakdown panel's session writes itself (panel/session.ts, which has no
 * `vscode` and so no `vscode.l10n`): a what-if change that cannot apply, a computation with no result. The panel's
 * connection localizes them with the rest of the error it shows (../../providers/localize.ts `localizeError`).
 */
import type { CatalogEntry } from './matcher';

/** panel/session.ts `applyWhatIf` and `run`. */
export const PANEL_ZH: CatalogEntry[] = [
  ['{fn:id} takes no {option:id} that can be counted from its targets.', '{fn} 没有可以从目标中统计得出的 {option}。'],
  ['There is no computed result to edit.', '没有可供编辑的计算结果。'],
  [
    'The values of a large input cannot be edited; change its options instead.',
    '大输入的数值不能编辑；请改为修改它的选项。',
  ],
  ['The computation has no tensor to edit.', '这次计算没有可供编辑的张量。'],
  ['Sample {sample:num} is out of range ({count:num} samples).', '样本 {sample} 超出了范围（共 {count} 个样本）。'],
  ['That element is not in the tensor.', '该元素不在张量中。'],
  ['{fn:id}: no result.', '{fn}：没有结果。'],
];

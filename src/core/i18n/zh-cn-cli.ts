/**
 * Simplified Chinese for the command line's own lines (src/cli.ts) and the plain-text reports it prints
 * (../report/format.ts `formatResult`, `formatDiagnostics`; ../report/summary.ts `formatSummary`): status and summary
 * lines, error lines, table headings and line labels.
 *
 * Unlike the core's other catalogs, these are not matched against finished English text: the code names the English
 * template and {@link ownText} (./index.ts) looks it up exactly, then fills in the values. The syntax is that of
 * ./matcher.ts (`{name}` placeholders, `{one|other}` English plurals); file names, numbers, code and PyTorch names
 * arrive through the placeholders and stay verbatim.
 */
import type { CatalogEntry } from './matcher';

/** Whole lines and line frames (`cause: {text}`). */
export const CLI_ZH: CatalogEntry[] = [
  // cli.ts: reading files and arguments.
  ['loss-lens: cannot read {file}: {reason}', 'loss-lens：无法读取 {file}：{reason}'],
  ['no such file', '文件不存在'],
  [
    'loss-lens: give a JSON tensor file, or --input FILE[:KEY] (.npy, .pt, .safetensors, .npz)',
    'loss-lens：请给出一个 JSON 张量文件，或用 --input FILE[:KEY] 指定张量文件（.npy、.pt、.safetensors、.npz）',
  ],
  [
    "loss-lens: --seed takes a whole number from 0 up, not '{seed}'",
    "loss-lens：--seed 需要一个从 0 起的整数，而不是 '{seed}'",
  ],
  [
    'loss-lens: internal error: {error} (this is a Loss Lens failure, not a PyTorch error)',
    'loss-lens：内部错误：{error}（这是 Loss Lens 自身的故障，不是 PyTorch 报的错）',
  ],
  // cli.ts: eval.
  ['--- program output ---', '--- 程序输出 ---'],
  ['--- loss calls ---', '--- 损失函数调用 ---'],
  ['loop at line {line}, iteration {iteration}', '第 {line} 行的循环，第 {iteration} 次迭代'],
  ['{list}, {item}', '{list}；{item}'],
  ['{call} ({loops})', '{call}（{loops}）'],
  ['{head}: rejected', '{head}：被拒绝（PyTorch 会报错）'],
  ['{head}: shapes only', '{head}：只检查了形状（没有数值）'],
  ['{place} {name} (hand-written) = {value}', '{place} {name}（手写的损失）= {value}'],
  ['{label} on the same inputs = {value}', '{label} 在相同输入上 = {value}'],
  ['why they differ: {reason}', '两者不同的原因：{reason}'],
  ['no loss call found', '没有找到损失函数调用'],
  // cli.ts: check.
  ['no problems found', '没有发现问题'],
  ['no problems found in {count} {file|files}', '{count} 个文件中没有发现问题'],
  [
    '{count} {file|files} checked: {errors} {error|errors}, problems in {withProblems}',
    '检查了 {count} 个文件：{errors} 个错误，{withProblems} 个文件有问题',
  ],
  // report/format.ts: formatResult and formatDiagnostics.
  ['… {count} more samples (use --json for all)', '… 另有 {count} 个样本未列出（用 --json 查看全部）'],
  ['… {count} more elements (use --json for all)', '… 另有 {count} 个元素未列出（用 --json 查看全部）'],
  ['reduction: none — {why}', '归约：none — {why}'],
  [
    'reduction: {reduction} = {numerator} / {denominator}  ({label})',
    '归约：{reduction} = {numerator} / {denominator}（{label}）',
  ],
  ['why: {why}', '依据：{why}'],
  ['value: {value}', '值：{value}'],
  ['cause: {text}', '原因：{text}'],
  ['fix: {text}', '修复：{text}'],
  ['raised at: {place}', '引发位置：{place}'],
  // report/summary.ts: formatSummary.
  ['{fn} (summary of {count} samples: {shapes})', '{fn}（{count} 个样本的摘要：{shapes}）'],
  ['worst {count} samples:', '损失最大的 {count} 个样本：'],
  ['per-sample loss: min {min}, mean {mean}, max {max}', '逐样本损失：最小 {min}，平均 {mean}，最大 {max}'],
  [
    'per-sample loss: min {min}, mean {mean}, max {max}, {ignored} ignored',
    '逐样本损失：最小 {min}，平均 {mean}，最大 {max}，已忽略 {ignored} 个',
  ],
  ['non-finite: {count}', '非有限值（nan/inf）：{count}'],
  [
    'accuracy (argmax = target): {percent}% of {count} samples',
    '准确率（argmax = target）：{count} 个样本中的 {percent}%',
  ],
  ['classes with the largest total loss:', '总损失最大的类别：'],
  [
    'positive targets: {positives} elements, loss {positiveLoss}; negative: {negatives} elements, loss {negativeLoss}',
    '正目标：{positives} 个元素，损失 {positiveLoss}；负目标：{negatives} 个元素，损失 {negativeLoss}',
  ],
];

/**
 * Single words: table headings, a diagnostic's severity, a table cell. Headings that are code or PyTorch names
 * (`p(target)`, `sigmoid(x)`, `pos_weight`, `p`) have no entry: they stay as written.
 */
export const CLI_LABELS_ZH: CatalogEntry[] = [
  ['sample', '样本'],
  ['element', '元素'],
  ['position', '位置'],
  ['target', '目标'],
  ['targets', '目标数'],
  ['predicted', '预测'],
  ['loss', '损失'],
  ['weight', '权重'],
  ['class', '类别'],
  ['mean loss', '平均损失'],
  ['total loss', '总损失'],
  ['ignored', '已忽略'],
  ['other', '其他'],
  ['error', '错误'],
  ['warning', '警告'],
  ['info', '信息'],
  // check --json: an argument's shape that is unknown for no recorded reason.
  ['unknown', '未知'],
];

/**
 * commander's usage errors (the library that parses the command line writes them, in English): matched against the
 * finished line, as the other catalogs are, since the CLI does not write them itself (the most specific entry wins).
 * The help printed after them stays English.
 */
export const COMMANDER_ZH: CatalogEntry[] = [
  [
    "error: option '{flags}' argument '{value}' is invalid. Allowed choices are {choices}.",
    "错误：选项 '{flags}' 的参数 '{value}' 无效。可选值为 {choices}。",
  ],
  ["error: option '{flags}' argument missing", "错误：选项 '{flags}' 缺少参数"],
  ["error: unknown option '{flag}'", "错误：未知选项 '{flag}'"],
  ["error: unknown command '{name}'", "错误：未知命令 '{name}'"],
  ["error: missing required argument '{name}'", "错误：缺少必需的参数 '{name}'"],
  [
    "error: too many arguments for '{command}'. Expected {expected} {argument|arguments} but got {got}.",
    "错误：'{command}' 的参数过多：应为 {expected} 个，实际为 {got} 个。",
  ],
  ['(Did you mean one of {suggestions}?)', '（是不是想输入其中之一：{suggestions}？）'],
  ['(Did you mean {suggestion}?)', '（是不是想输入 {suggestion}？）'],
];

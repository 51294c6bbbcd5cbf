/**
 * Simplified Chinese for what the losses beyond torch.nn write (src/core/losses/extra/*.ts): causes, fixes, notices,
 * reduction wording and picker summaries. Same template syntax and terms as ./zh-cn.ts, which includes these.
 */
import type { CatalogEntry } from './matcher';

/** losses/extra/*.ts. */
export const EXTRA_LOSSES_ZH: CatalogEntry[] = [
  // common.ts
  [
    '{fn:id} takes the softmax over dimension 1, so the input needs a batch dimension: [N, C] (or [N, C, d1, ...]).',
    '{fn} 在维度 1 上做 softmax，所以输入需要批维度：[N, C]（或 [N, C, d1, ...]）。',
  ],
  ['It is {shape}.', '实际为 {shape}。'],
  [
    'Add the batch dimension: input.unsqueeze(0), and give the target shape [1].',
    '加上批维度：input.unsqueeze(0)，并把目标的形状设为 [1]。',
  ],
  ['Pass one row of class scores per sample, shape [N, C].', '每个样本传入一行类别分数，形状为 [N, C]。'],
  [
    "{fn:id} picks each sample's class with {op:id}, which needs int64 class indices; the target is {dtype} ({name}).",
    '{fn} 用 {op} 取出每个样本的类别，这需要 int64 类别索引；而目标是 {dtype}（{name}）。',
  ],
  [
    'Pass class indices: target.argmax(dim=1) for one-hot rows, or target.long().',
    '请传入类别索引：one-hot 行用 target.argmax(dim=1)，否则用 target.long()。',
  ],
  ['Convert the target with target.long().', '用 target.long() 转换目标。'],
  [
    '{fn:id} wants one class index per sample: a target of shape {expected} for the input {input}; it got {got}.',
    '{fn} 需要每个样本一个类别索引：对输入 {input}，目标形状应为 {expected}；实际得到 {got}。',
  ],
  ['The target looks one-hot: use target.argmax(dim=1).', '目标看起来是 one-hot：请用 target.argmax(dim=1)。'],
  [
    'The target {target} has more samples than the input {input}; {fn:id} needs one target per sample.',
    '目标 {target} 的样本比输入 {input} 多；{fn} 需要每个样本恰好一个目标。',
  ],
  ["Make the target's shape {shape}.", '请把目标的形状改为 {shape}。'],
  ['The target {target} has fewer samples than the input {input}.', '目标 {target} 的样本比输入 {input} 少。'],
  [
    "PyTorch's {op:id} would silently use only the first rows of the input; Loss Lens stops instead.",
    'PyTorch 的 {op} 会悄悄只使用输入的前几行；Loss Lens 则在此停止。',
  ],
  [
    "Make the target's shape {shape}: one class index per sample.",
    '请把目标的形状改为 {shape}：每个样本一个类别索引。',
  ],
  [
    'Sample {i:num} has target {y:num}, but the input has {c:num} classes (0 to {max:num}).',
    '样本 {i} 的目标是 {y}，但输入只有 {c} 个类别（0 到 {max}）。',
  ],
  [
    'These losses have no ignore_index: every target must be a real class.',
    '这些损失没有 ignore_index：每个目标都必须是真实的类别。',
  ],
  [
    'Remove the ignored samples before the loss (target >= 0), or use cross_entropy with ignore_index.',
    '在计算损失前去掉被忽略的样本（target >= 0），或改用带 ignore_index 的 cross_entropy。',
  ],
  [
    'Use class indices 0 to {max:num}, or give the input {n:num} classes.',
    '请使用 0 到 {max} 的类别索引，或让输入有 {n} 个类别。',
  ],
  [
    "{fn:id} reduces with loss.mean() or loss.sum(); reduction must be 'none', 'mean' or 'sum'.",
    "{fn} 用 loss.mean() 或 loss.sum() 归约；reduction 必须是 'none'、'mean' 或 'sum'。",
  ],
  [
    '{fn:id} applies the softmax itself, so probabilities get softmaxed twice: the predictions squeeze towards uniform and the gradients shrink.',
    '{fn} 自己会做 softmax，所以概率会被 softmax 两次：预测被挤向均匀分布，梯度也会变小。',
  ],
  ['Remove the softmax before the loss and pass the raw logits.', '去掉损失之前的 softmax，直接传入原始 logits。'],

  // symmetric_cross_entropy.ts
  [
    'symmetric_cross_entropy takes softmax(input, dim=1), so it needs a batch of rows [N, C]; the input is {shape}.',
    'symmetric_cross_entropy 计算 softmax(input, dim=1)，所以需要按行组成的批 [N, C]；而输入是 {shape}。',
  ],
  [
    'Add the batch dimension: input.unsqueeze(0) and target.unsqueeze(0).',
    '加上批维度：input.unsqueeze(0) 和 target.unsqueeze(0)。',
  ],
  [
    'The reference SCELoss multiplies softmax(input) [N, C, …] by one_hot(target) [N, …, C], which only lines up for 2-D inputs.',
    '参考实现 SCELoss 用 softmax(input) [N, C, …] 乘以 one_hot(target) [N, …, C]，只有 2-D 输入时两者才能对齐。',
  ],
  [
    'Move the classes last and flatten: input.movedim(1, -1).reshape(-1, C) and target.reshape(-1).',
    '把类别移到最后并展平：input.movedim(1, -1).reshape(-1, C) 和 target.reshape(-1)。',
  ],
  [
    'The reverse cross-entropy builds F.one_hot(target), which needs int64 class indices; the target is {dtype}.',
    '反向交叉熵会构造 F.one_hot(target)，这需要 int64 类别索引；而目标是 {dtype}。',
  ],
  ['Pass class indices: target.argmax(dim=1).', '请传入类别索引：target.argmax(dim=1)。'],
  ['Sample {i:num} has target {y:num}.', '样本 {i} 的目标是 {y}。'],
  [
    "cross_entropy would skip it as ignore_index, but the reverse cross-entropy's one_hot cannot encode a negative class.",
    'cross_entropy 会把它当作 ignore_index 跳过，但反向交叉熵的 one_hot 无法编码负的类别。',
  ],
  [
    'Drop the ignored samples before the loss: keep = target >= 0; loss(input[keep], target[keep]).',
    '在计算损失前去掉被忽略的样本：keep = target >= 0；loss(input[keep], target[keep])。',
  ],
  [
    'α·CE.mean() + β·RCE.mean() is the mean of α·CEᵢ + β·RCEᵢ over the samples',
    'α·CE.mean() + β·RCE.mean() 就是 α·CEᵢ + β·RCEᵢ 在样本上的平均',
  ],
  [
    'The reverse cross-entropy replaces log 0 by log ε; with ε ≤ 0 it stays −inf and the loss is inf (or nan).',
    '反向交叉熵用 log ε 代替 log 0；当 ε ≤ 0 时它仍是 −inf，损失为 inf（或 nan）。',
  ],
  [
    'With ε ≥ 1 the clamped one-hot is all ones, log 1 = 0, and the reverse cross-entropy vanishes.',
    '当 ε ≥ 1 时，截断后的 one-hot 全为 1，log 1 = 0，反向交叉熵消失。',
  ],
  [
    'Use the paper’s ε = 1e-4 (A = log ε ≈ −9.21), or 1e-18 for a steeper reverse term.',
    '使用论文中的 ε = 1e-4（A = log ε ≈ −9.21），或用 1e-18 得到更陡的反向项。',
  ],
  [
    'SCELoss clamps softmax(input) to [pred_min, 1] before the reverse term: those classes add −log ε·pred_min to RCE and pass no gradient through it.',
    'SCELoss 在计算反向项之前把 softmax(input) 截断到 [pred_min, 1]：这些类别给 RCE 加上 −log ε·pred_min，且梯度不会经过它们。',
  ],

  // label_smoothing_clamp.ts
  [
    'The clamp convention spreads ε over the C − 1 other classes; with a single class, epsilon / (C - 1) divides by zero.',
    'clamp 约定把 ε 分给其余 C − 1 个类别；只有一个类别时，epsilon / (C - 1) 会除以零。',
  ],
  ['Give the input at least two classes.', '请让输入至少有两个类别。'],
  ['the hand-written loss ends with .mean() over the samples', '手写的损失最后对样本调用 .mean()'],
  [
    'The clamp convention gives the target class 1 − ε and every other class ε/(C − 1); outside [0, 1] one of them is negative and the loss can go below zero.',
    'clamp 约定给目标类别 1 − ε，给其余每个类别 ε/(C − 1)；超出 [0, 1] 时其中之一为负，损失可能小于零。',
  ],
  ['Use a small value such as epsilon=0.1.', '请使用较小的值，例如 epsilon=0.1。'],
  [
    'PyTorch mixes the one-hot target with the uniform distribution: (1 − ε)·one_hot + ε/C, so the target class keeps {keep:num} and the others get ε/C = {off:num}.',
    'PyTorch 把 one-hot 目标与均匀分布混合：(1 − ε)·one_hot + ε/C，因此目标类别保留 {keep}，其余类别得到 ε/C = {off}。',
  ],
  ['The two conventions train alike but print different numbers.', '两种约定训练效果相近，但打印出的数值不同。'],

  // sigmoid_focal_loss.ts
  ["sigmoid_focal_loss knows 'none', 'mean' and 'sum'.", "sigmoid_focal_loss 支持 'none'、'mean' 和 'sum'。"],
  [
    'torchvision 0.14 and older silently return the unreduced loss for any other string; newer versions raise this error.',
    'torchvision 0.14 及更早的版本对其他字符串会悄悄返回未归约的损失；更新的版本会抛出这个错误。',
  ],
  [
    "Use reduction='mean' for one number to backpropagate, or 'none' (the default) for one loss per element.",
    "用 reduction='mean' 得到一个可以反向传播的数，或用 'none'（默认值）得到每个元素一个损失。",
  ],
  [
    "torchvision's default differs from torch.nn's 'mean': calling .backward() on the result needs a scalar, and summing by hand is not the mean.",
    "torchvision 的默认值与 torch.nn 的 'mean' 不同：对结果调用 .backward() 需要标量，而手动求和并不等于平均。",
  ],
  [
    "Pass reduction='mean' (what RetinaNet-style training divides by is usually the number of positives: loss.sum() / num_pos).",
    "请传入 reduction='mean'（RetinaNet 式训练通常除以正样本数：loss.sum() / num_pos）。",
  ],
  [
    'sigmoid_focal_loss applies the sigmoid itself; on probabilities every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so p_t never gets close to 1 and the loss cannot go low.',
    'sigmoid_focal_loss 自己会做 sigmoid；输入概率时每个预测都落在 σ(0) = 0.5 和 σ(1) ≈ 0.73 之间，p_t 永远接近不了 1，损失也降不下去。',
  ],
  ['Pass the raw logits (remove the sigmoid before the loss).', '请传入原始 logits（去掉损失之前的 sigmoid）。'],
  [
    'α weights the positive elements and 1 − α the negative ones; it belongs in [0, 1] (−1 switches the weighting off).',
    'α 是正元素的权重，1 − α 是负元素的权重；它应在 [0, 1] 内（−1 表示关闭加权）。',
  ],
  ['Use a value in [0, 1], e.g. the default 0.25.', '请使用 [0, 1] 内的值，例如默认值 0.25。'],

  // softmax_focal_loss.ts
  [
    "alpha[target] picks each sample's class weight, so alpha needs {c:num} values, one per class.",
    'alpha[target] 取出每个样本的类别权重，所以 alpha 需要 {c} 个值，每个类别一个。',
  ],
  [
    'Pass alpha=torch.tensor([...]) with {c:num} values, a single number, or None.',
    '请传入含 {c} 个值的 alpha=torch.tensor([...])、单个数字，或 None。',
  ],
  ['focal loss ends with loss.mean() over the samples', 'focal loss 最后对样本调用 loss.mean()'],
  [
    'focal loss ends with loss.mean(): a plain mean over the samples, not a mean weighted by α as CrossEntropyLoss weights',
    'focal loss 最后调用 loss.mean()：对样本直接取平均，而不是像 CrossEntropyLoss 那样按 α 加权平均',
  ],
  [
    'Focal loss down-weights easy samples with γ ≥ 0 (γ = 0 is plain cross-entropy, the paper uses γ = 2); a negative γ up-weights them instead and blows up as p_t → 1.',
    'γ ≥ 0 时 focal loss 降低容易样本的权重（γ = 0 就是普通交叉熵，论文用 γ = 2）；负的 γ 反而提高它们的权重，并在 p_t → 1 时发散。',
  ],
  ['Use gamma ≥ 0, e.g. the default 2.', '请使用 gamma ≥ 0，例如默认值 2。'],

  // summaries (the loss QuickPick)
  [
    'Symmetric cross-entropy α·CE + β·RCE for noisy labels (SCELoss: reverse CE with log 0 clamped to log ε).',
    '用于噪声标签的对称交叉熵 α·CE + β·RCE（SCELoss：反向 CE，log 0 截断为 log ε）。',
  ],
  [
    'Label smoothing as hand-written losses do it: 1 − ε on the target class, ε/(C − 1) elsewhere (not PyTorch’s ε/C).',
    '手写损失常用的标签平滑：目标类别 1 − ε，其余 ε/(C − 1)（不是 PyTorch 的 ε/C）。',
  ],
  [
    'torchvision.ops.sigmoid_focal_loss: BCE-with-logits scaled by α_t·(1 − p_t)^γ (default reduction none).',
    'torchvision.ops.sigmoid_focal_loss：按 α_t·(1 − p_t)^γ 缩放的 BCE-with-logits（默认 reduction 为 none）。',
  ],
  [
    'Multi-class focal loss −α_t·(1 − p_t)^γ·log p_t on softmax logits with class-index targets.',
    '基于 softmax logits 与类别索引目标的多类 focal loss −α_t·(1 − p_t)^γ·log p_t。',
  ],
];

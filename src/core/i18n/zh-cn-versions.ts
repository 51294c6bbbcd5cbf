/**
 * Simplified Chinese for what the PyTorch 2.x rules write (src/core/losses/versions.ts and the 2.x branches of the
 * losses): causes and fixes of the checks 2.x added or reworded. Same template syntax and terms as ./zh-cn.ts, which
 * includes these.
 */
import type { CatalogEntry } from './matcher';

/** losses/versions.ts and the torchVersion branches of the losses. */
export const VERSIONS_ZH: CatalogEntry[] = [
  [
    "A 1-D input {input} is one sample's class scores, so the target is one class index: 0-d or of shape [1]; it has {n} entries.",
    '1 维输入 {input} 是单个样本的类别分数，所以目标是一个类别索引：0 维或形状为 [1]；它却有 {n} 个元素。',
  ],
  [
    'For several samples give the input shape [N, C]; for one sample pass target[0] or torch.tensor(k).',
    '多个样本时把输入的形状设为 [N, C]；单个样本时传入 target[0] 或 torch.tensor(k)。',
  ],
  [
    'Check that the model produced at least one time step for at least one sample.',
    '请检查模型是否至少为一个样本产生了至少一个时间步。',
  ],
  [
    'log_probs {shape} has no elements (no time steps, no batch or no classes), and PyTorch 2.x refuses to compute ctc_loss on it.',
    'log_probs {shape} 没有任何元素（没有时间步、没有批次或没有类别），PyTorch 2.x 拒绝在其上计算 ctc_loss。',
  ],
  [
    '{fn:id} reads class indices from the target, which must be int64 (Long) or uint8 (Byte); it is {dtype} ({name}).',
    '{fn} 从目标中读取类别索引，目标必须是 int64（Long）或 uint8（Byte）；而它是 {dtype}（{name}）。',
  ],
  [
    'Convert the target with target.long() (or, for one-hot or probability rows, use target.argmax(dim=1)).',
    '用 target.long() 转换目标（若是 one-hot 或概率行，请用 target.argmax(dim=1)）。',
  ],
  [
    'Convert the tensors with .float() (PyTorch and Loss Lens then agree), or choose torch version 1.13 to see its error.',
    '用 .float() 转换张量（此时 PyTorch 与 Loss Lens 一致），或选择 torch 版本 1.13 查看它的报错。',
  ],
  [
    "PyTorch 2.x computes {fn:id} on {dtype} tensors, rounding every intermediate step to {dtype2}; PyTorch 1.13 had no such kernel. Loss Lens refuses rather than give a value that may differ from PyTorch's in its last digits.",
    'PyTorch 2.x 会在 {dtype} 张量上计算 {fn}，并把每个中间步骤舍入到 {dtype2}；PyTorch 1.13 没有这样的内核。Loss Lens 宁可拒绝，也不给出末几位可能与 PyTorch 不同的数值。',
  ],
  [
    'PyTorch 2.x computes {fn:id} for a 1-D input with a target of shape [1], but loss.backward() then raises this error: the gradient exists only for a 0-d target.',
    'PyTorch 2.x 会对 1 维输入和形状为 [1] 的目标计算 {fn}，但随后 loss.backward() 会抛出这个错误：只有 0 维目标才有梯度。',
  ],
  [
    'Pass the target as a 0-d tensor (target[0] or torch.tensor(k)), or give the input a batch dimension: input.unsqueeze(0).',
    '把目标作为 0 维张量传入（target[0] 或 torch.tensor(k)），或给输入加上批维度：input.unsqueeze(0)。',
  ],
  [
    'Give anchor, positive and negative the same shape [N, D] (or [D] for one triplet), e.g. with .unsqueeze(0).',
    '让 anchor、positive 和 negative 形状相同：[N, D]（单个三元组则为 [D]），例如用 .unsqueeze(0)。',
  ],
  [
    '{fn:id} compares the anchor with the positive and the negative row by row, so the three need the same number of dimensions: {a}D, {p}D and {n}D here.',
    '{fn} 逐行比较 anchor 与 positive、negative，所以三者的维数必须相同：这里分别是 {a} 维、{p} 维和 {n} 维。',
  ],
  [
    'Since PyTorch 2.0, {fn:id} requires a positive margin: with margin ≤ 0 the loss is zero as soon as the negative is no closer than the positive, so nothing is learned.',
    '从 PyTorch 2.0 起，{fn} 要求 margin 为正：margin ≤ 0 时，只要负样本不比正样本更近损失就为零，模型学不到任何东西。',
  ],
  [
    'Use a positive margin, e.g. margin=1.0 (the default) or margin=0.2 for normalised embeddings.',
    '请使用正的 margin，例如 margin=1.0（默认值），归一化的嵌入可用 margin=0.2。',
  ],
  [
    'Give both inputs the shape [D] for one pair, or batch them as [N, D] with a target of shape [N].',
    '单对样本时两个输入的形状都设为 [D]，或者批量化为 [N, D] 并配以形状为 [N] 的目标。',
  ],
  [
    'Give both inputs the shape [N, D] (use .unsqueeze(0) on a single vector).',
    '两个输入的形状都设为 [N, D]（单个向量用 .unsqueeze(0)）。',
  ],
  [
    'With a {k}-D target, {fn:id} compares one pair of 1-D vectors; the inputs are {a} and {b}.',
    '目标为 {k} 维时，{fn} 比较一对 1 维向量；而输入是 {a} 和 {b}。',
  ],
  [
    'With a {k}-D target, {fn:id} compares pairs of rows of 2-D inputs [N, D]; the inputs are {a} and {b}.',
    '目标为 {k} 维时，{fn} 逐行比较 2 维输入 [N, D]；而输入是 {a} 和 {b}。',
  ],
  [
    'Give targets in [0, 1] (e.g. labels 0/1, not -1/1 or class indices); for class indices use cross_entropy.',
    '请给出 [0, 1] 内的目标（例如 0/1 标签，而不是 -1/1 或类别索引）；类别索引请用 cross_entropy。',
  ],
  [
    '{fn:id} reads the target as a probability; PyTorch 2.x refuses values outside [0, 1] (here {value} at flat index {index}). 1.13 computed them.',
    '{fn} 把目标视为概率；PyTorch 2.x 拒绝 [0, 1] 之外的值（这里展平索引 {index} 处为 {value}）。1.13 会照样计算。',
  ],
  [
    "{fn:id} expands weight to the input's shape {input}, and a weight of shape {weight} cannot be expanded to it.",
    '{fn} 会把 weight 扩展到输入的形状 {input}，而形状为 {weight} 的 weight 无法扩展到该形状。',
  ],
  [
    "Give weight the input's shape {input}, or a shape that broadcasts to it (one weight per element of the last dimension: {last}).",
    '请让 weight 与输入形状 {input} 相同，或使用可广播到它的形状（最后一维每个元素一个权重：{last}）。',
  ],
  [
    '{fn:id} takes log σ(input), which PyTorch computes for floating-point inputs only; the input is {dtype} ({name}).',
    '{fn} 要计算 log σ(input)，PyTorch 只对浮点输入计算它；而输入是 {dtype}（{name}）。',
  ],
  [
    'Convert the input (the logits) with .float() before calling {fn:id}.',
    '调用 {fn} 之前用 .float() 转换输入（logits）。',
  ],
  [
    '{fn:id} weighs each class once, so weight needs exactly C = {c} entries; it has shape {shape}. 1.13 read the first {c2} and ignored the rest.',
    '{fn} 对每个类别只加权一次，所以 weight 必须恰好有 C = {c} 个元素；它的形状是 {shape}。1.13 只读取前 {c2} 个并忽略其余。',
  ],
  ['Give weight {c} entries, one per class.', '请给 weight {c} 个元素，每个类别一个。'],
  // triplet_margin_with_distance_loss.ts
  [
    'Triplet hinge max(0, margin + d(a, p) − d(a, n)) with a chosen distance (pairwise p-norm or 1 − cosine).',
    '三元组铰链损失 max(0, margin + d(a, p) − d(a, n))，距离可选（成对 p 范数或 1 − 余弦）。',
  ],
  [
    'Give anchor, positive and negative a batch dimension: [N, D] (e.g. .unsqueeze(0)).',
    '给 anchor、positive 和 negative 加上批维度：[N, D]（例如 .unsqueeze(0)）。',
  ],
  [
    'cosine_similarity compares along dimension {d}, and the {a:id} and {b:id} {shape} have no dimension {d2}.',
    'cosine_similarity 沿维度 {d} 比较，而 {a} 和 {b} {shape} 没有维度 {d2}。',
  ],
  [
    'A tensor file names the distance: null (pairwise_distance), "PairwiseDistance(p=1)" (p and eps as keywords) or "cosine" (1 − cosine_similarity).',
    '张量文件用名称指定距离：null（pairwise_distance）、"PairwiseDistance(p=1)"（p 和 eps 作为关键字参数）或 "cosine"（1 − cosine_similarity）。',
  ],
  [
    'Write "distance_function": "PairwiseDistance(p=1)", "cosine", or leave it out for the default.',
    '请写 "distance_function": "PairwiseDistance(p=1)" 或 "cosine"，或者省略它以使用默认距离。',
  ],
  [
    'cosine_similarity reduces dimension 1, which for more than two dimensions is not the embedding axis; Loss Lens does not compute that case.',
    'cosine_similarity 归约维度 1，而多于两个维度时它不是嵌入所在的轴；Loss Lens 不计算这种情况。',
  ],
  ['Flatten the embeddings to [N, D] before computing the loss.', '计算损失之前先把嵌入展平为 [N, D]。'],
  // linear_cross_entropy.ts
  [
    'Cross-entropy of a linear layer\u2019s output (input · Wᵀ + b) for large vocabularies; PyTorch 2.x.',
    '线性层输出（input · Wᵀ + b）的交叉熵，用于大词表；PyTorch 2.x。',
  ],
  [
    'A linear_weight with more than two dimensions gives K-dimensional logits, which need a batch dimension.',
    '多于两个维度的 linear_weight 会得到 K 维 logits，这需要批维度。',
  ],
  [
    'Add the batch dimension: input.unsqueeze(0), and the target likewise.',
    '加上批维度：input.unsqueeze(0)，目标也一样。',
  ],
  ['Give linear_bias the shape {shape:raw}.', '请把 linear_bias 的形状设为 {shape}。'],
  [
    "Give linear_weight the shape [C, {n}], or check which layer's weight is passed.",
    '请把 linear_weight 的形状设为 [C, {n}]，或检查传入的是哪一层的权重。',
  ],
  ['Leave ignore_index out, or pass class indices as the target.', '请去掉 ignore_index，或者把类别索引作为目标传入。'],
  [
    'Pass the weight of nn.Linear(in_features, C), shape [C, in_features].',
    '请传入 nn.Linear(in_features, C) 的权重，形状为 [C, in_features]。',
  ],
  [
    'Reshape the input to [N, in_features] (e.g. input.reshape(-1, input.shape[-1])) and the target to [N].',
    '把输入变形为 [N, in_features]（例如 input.reshape(-1, input.shape[-1])），目标变形为 [N]。',
  ],
  [
    'The bias adds one number per output of the linear layer: shape {shape:raw}.',
    '偏置为线性层的每个输出加一个数：形状为 {shape}。',
  ],
  [
    'The linear layer multiplies each input row ({n} features) by each weight row, so both need the same last dimension.',
    '线性层把每个输入行（{n} 个特征）与每个权重行相乘，所以两者的最后一维必须相同。',
  ],
  [
    'The target has the logits\u2019 shape, so it holds class probabilities, and there is no class index to ignore.',
    '目标与 logits 形状相同，所以它存放的是类别概率，没有可忽略的类别索引。',
  ],
  [
    'linear_cross_entropy takes one sample [in_features] or a batch [N, in_features]; flatten other dimensions into the batch.',
    'linear_cross_entropy 接受单个样本 [in_features] 或一批 [N, in_features]；请把其他维度展平到批维度中。',
  ],
  [
    "linear_weight is the linear layer's weight [C, in_features]: one row of in_features numbers per class.",
    'linear_weight 是线性层的权重 [C, in_features]：每个类别一行，每行 in_features 个数。',
  ],
  [
    'linear_cross_entropy (nn.LinearCrossEntropyLoss) is new in PyTorch 2.x; PyTorch 1.13 does not have it.',
    'linear_cross_entropy（nn.LinearCrossEntropyLoss）是 PyTorch 2.x 新增的；PyTorch 1.13 没有它。',
  ],
  [
    'Choose torch version 2.x, or write cross_entropy(F.linear(input, linear_weight, linear_bias), target).',
    '请选择 torch 版本 2.x，或写成 cross_entropy(F.linear(input, linear_weight, linear_bias), target)。',
  ],
  [
    "With LinearCrossEntropyOptions PyTorch computes the loss in chunks, in another order of rounding; its value equals the reference path's up to the last digits.",
    '使用 LinearCrossEntropyOptions 时，PyTorch 分块计算损失，舍入顺序不同；其数值与参考实现只在末几位上不同。',
  ],
  ['Leave "options" out to compute the reference path.', '去掉 "options" 即可按参考实现计算。'],
  // explain.ts: PyTorch 2.x's texts
  [
    "A 1-D input is one sample's class scores, so the target must be one class index, but it has {n} entries. Usually the batch dimension of the input was lost.",
    '1 维输入是单个样本的类别分数，所以目标必须是一个类别索引，但它有 {n} 个元素。通常是输入丢了批维度。',
  ],
  [
    'Give the input its batch dimension [N, C] (input.unsqueeze(0) for one sample), or pass one index: target[0].',
    '给输入加上批维度 [N, C]（单个样本用 input.unsqueeze(0)），或只传一个索引：target[0]。',
  ],
  [
    "A Gaussian's variance is never negative, but var has negative entries: a raw network output was used as the variance.",
    '高斯分布的方差不会为负，但 var 中有负值：把网络的原始输出直接当成了方差。',
  ],
  [
    'Predict log-variance and pass var = exp(log_var), or pass softplus(output).',
    '请预测对数方差并传入 var = exp(log_var)，或传入 softplus(output)。',
  ],
  [
    'A single target (0-d) compares a single pair of vectors ([D]), but the inputs are {a} and {b}.',
    '单个目标（0 维）比较的是一对向量（[D]），而输入是 {a} 和 {b}。',
  ],
  [
    "BCELoss stretches weight to the input's shape {input}, and a weight of shape {weight} cannot be stretched to it.",
    'BCELoss 会把 weight 扩展到输入的形状 {input}，而形状为 {weight} 的 weight 无法扩展到它。',
  ],
  [
    "Give weight the input's shape, or one weight per element of its last dimension.",
    '请让 weight 与输入形状相同，或者为最后一维的每个元素给一个权重。',
  ],
  [
    'GaussianNLLLoss needs one variance per prediction (var shaped like the input), one per sample ([N] or [N, 1]), or, in PyTorch 2.x, a var that differs from the input only in one dimension of size 1.',
    'GaussianNLLLoss 需要每个预测一个方差（var 与输入同形），或每个样本一个（[N] 或 [N, 1]），在 PyTorch 2.x 中也可以是只在一个大小为 1 的维度上与输入不同的 var。',
  ],
  [
    "Give var the input's shape, or [N, 1] for one variance per sample.",
    '请让 var 与输入形状相同，或用 [N, 1] 表示每个样本一个方差。',
  ],
  [
    "Give the target the input's shape: the label indices first, then -1 for the rest of each row.",
    '请让目标与输入形状相同：先写标签索引，每行其余位置填 -1。',
  ],
  [
    'Give the three embeddings the same shape, e.g. with .unsqueeze(0) on a single vector.',
    '让三个嵌入形状相同，例如对单个向量用 .unsqueeze(0)。',
  ],
  [
    'MultiLabelMarginLoss needs the target shaped like the input (class indices padded with -1), but the target is {target} and the input {input}.',
    'MultiLabelMarginLoss 需要目标与输入同形（类别索引，其余用 -1 填充），但目标是 {target}，输入是 {input}。',
  ],
  [
    'MultiLabelMarginLoss needs the target shaped like the input (class indices padded with -1), but the target is {target}.',
    'MultiLabelMarginLoss 需要目标与输入同形（类别索引，其余用 -1 填充），但目标是 {target}。',
  ],
  [
    'MultiMarginLoss takes one class index per sample: a 1-D target of the batch size {n}, but it got {got}. One-hot or [N, 1] targets cause this.',
    'MultiMarginLoss 每个样本取一个类别索引：目标应为长度等于批大小 {n} 的 1 维张量，但得到的是 {got}。one-hot 或 [N, 1] 目标会导致这个错误。',
  ],
  [
    'MultiMarginLoss takes one class index per sample: a 1-D target of the batch size, but it got {got}. One-hot or [N, 1] targets cause this.',
    'MultiMarginLoss 每个样本取一个类别索引：目标应为长度等于批大小的 1 维张量，但得到的是 {got}。one-hot 或 [N, 1] 目标会导致这个错误。',
  ],
  [
    'Pass class indices of shape [N]: target.argmax(dim=1) for one-hot rows, target.squeeze(1) for [N, 1].',
    '请传入形状为 [N] 的类别索引：one-hot 行用 target.argmax(dim=1)，[N, 1] 用 target.squeeze(1)。',
  ],
  [
    'PyTorch 2.x reads class indices from the target, which must be int64 (Long) or uint8 (Byte); it is {name}. Float or int32 labels come from numpy arrays or from arithmetic on labels.',
    'PyTorch 2.x 从目标中读取类别索引，目标必须是 int64（Long）或 uint8（Byte）；而它是 {name}。float 或 int32 标签通常来自 numpy 数组或对标签的运算。',
  ],
  [
    'PyTorch 2.x refuses ctc_loss on a log_probs tensor without elements: no time steps, an empty batch or no classes.',
    'PyTorch 2.x 拒绝在没有元素的 log_probs 上计算 ctc_loss：没有时间步、空批次或没有类别。',
  ],
  [
    'Since PyTorch 2.0 the triplet losses need a positive margin; it is {m}. With margin ≤ 0 the loss is zero as soon as the negative is no closer than the positive, so nothing is learned.',
    '从 PyTorch 2.0 起，三元组损失要求 margin 为正；这里是 {m}。margin ≤ 0 时，只要负样本不比正样本更近损失就为零，模型学不到任何东西。',
  ],
  [
    'The anchor, positive and negative embeddings must all be [N, D] (or all [D]); they are {a}-D, {p}-D and {n}-D.',
    'anchor、positive 和 negative 嵌入必须都是 [N, D]（或都是 [D]）；它们分别是 {a} 维、{p} 维和 {n} 维。',
  ],
  [
    'The input (the logits) is {name}, and {kernel:raw} is computed for floating-point tensors only. Integer logits usually come from a literal written without decimal points.',
    '输入（logits）是 {name}，而 {kernel} 只对浮点张量计算。整数 logits 通常来自没写小数点的字面量。',
  ],
  [
    'The input is {name}, and PyTorch 1.13 has no CPU {kernel:raw} kernel for half precision (PyTorch 2.x has one).',
    '输入是 {name}，而 PyTorch 1.13 没有半精度的 CPU {kernel} 内核（PyTorch 2.x 有）。',
  ],
  [
    'There are {c} classes but the weight has shape {shape}. Class weights need exactly one entry per class (PyTorch 1.13 silently used the first ones).',
    '共有 {c} 个类别，但 weight 的形状是 {shape}。类别权重必须每个类别恰好一个（PyTorch 1.13 会悄悄只用前面的几个）。',
  ],
  [
    'A CUDA kernel checked something and failed; CUDA reports it later and without the reason. In a loss it is almost always a class index outside [0, C-1].',
    'CUDA 内核中的某个检查失败了；CUDA 会延后报告且不给原因。在损失函数里几乎总是类别索引超出了 [0, C-1]。',
  ],
  [
    'Re-run with CUDA_LAUNCH_BLOCKING=1 or on the CPU to see the real error, and check target.min() and target.max() against the number of classes.',
    '用 CUDA_LAUNCH_BLOCKING=1 或在 CPU 上重新运行以看到真正的错误，并把 target.min() 和 target.max() 与类别数比较。',
  ],
  // margin.ts: a bool target's backward
  [
    'PyTorch computes {fn:id} with a bool target, but loss.backward() then raises this error: the gradient negates the target.',
    'PyTorch 能用 bool 目标计算 {fn}，但随后 loss.backward() 会抛出这个错误：梯度需要对目标取负。',
  ],
  [
    'Convert the target to ±1 floats before calling the loss: target.float() * 2 - 1.',
    '调用损失之前把目标转换为 ±1 浮点数：target.float() * 2 - 1。',
  ],
];

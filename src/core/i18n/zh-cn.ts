/**
 * Simplified Chinese catalog for the core's explanations, hints, fix titles and reduction words.
 *
 * Each entry maps an English sentence template (exactly as the core writes it, variable parts as `{placeholders}`) to
 * its Chinese template; see ./matcher.ts for the syntax. Terms follow what Chinese PyTorch learners read: 交叉熵,
 * 对数概率, 类别索引, 标签平滑, 归约, 批大小, 张量, 形状, 权重, 梯度; logits stay logits, and PyTorch names, dtypes and
 * code (`target.long()`, `reduction='mean'`) stay as written. Entries are grouped by the source file that writes
 * the English, so a changed sentence there is easy to find here.
 */
import type { Catalog, CatalogEntry } from './matcher';
import { EXTRA_LOSSES_ZH } from './zh-cn-extra';
import { INTERNAL_ERRORS_ZH, NOT_MODELLED_ZH, RUNTIME_STOPS_ZH, RUNTIME_ZH, UNKNOWN_REASONS_ZH } from './zh-cn-runtime';
import { THIRDPARTY_ZH } from './zh-cn-thirdparty';
import { IMPORTS_ZH } from './zh-cn-imports';
import { VERSIONS_ZH } from './zh-cn-versions';
import { IO_ZH } from './zh-cn-io';
import { READER_MESSAGES_ZH } from './zh-cn-readers';
import { PANEL_ZH } from './zh-cn-panel';

/** explain.ts: causes and fixes for pasted PyTorch errors. */
const EXPLAIN: CatalogEntry[] = [
  [
    'CrossEntropyLoss/NLLLoss read the classes from dim 1 of the input, so it expected targets of shape {expected} but got {got}.',
    'CrossEntropyLoss/NLLLoss 从输入的维度 1 读取类别，因此期望目标的形状为 {expected}，实际却是 {got}。',
  ],
  [
    'This usually means the class dimension is last, e.g. [N, S, C] logits from an embedding or a transformer.',
    '这通常说明类别维度在最后，例如来自嵌入层或 Transformer 的 [N, S, C] logits。',
  ],
  [
    'Move the classes to dim 1 with logits.permute(0, 2, 1), or flatten both: loss_fn(logits.reshape(-1, C), target.reshape(-1)).',
    '用 logits.permute(0, 2, 1) 把类别移到维度 1，或者把两者都展平：loss_fn(logits.reshape(-1, C), target.reshape(-1))。',
  ],
  [
    'The input {input} and the target {target} do not line up: for [N, C, d1, ...] inputs the target must be [N, d1, ...] (class indices), or the same shape as the input (probabilities).',
    '输入 {input} 与目标 {target} 对不上：对于 [N, C, d1, ...] 的输入，目标必须是 [N, d1, ...]（类别索引），或与输入形状相同（概率）。',
  ],
  [
    'Check which dimension holds the classes; permute it to dim 1, or squeeze a stray dimension from the target.',
    '检查类别在哪个维度；用 permute 把它移到维度 1，或用 squeeze 去掉目标中多余的维度。',
  ],
  ['The input has {input} samples but the target has {target}.', '输入有 {input} 个样本，而目标有 {target} 个。'],
  [
    'Often the logits were flattened ([N*S, C]) and the targets were not, or a view() mixed up the batch.',
    '常见原因是 logits 被展平成了 [N*S, C] 而目标没有，或者某次 view() 打乱了批维度。',
  ],
  [
    'Give both the same first dimension: flatten the targets the same way (target.reshape(-1)) or do not flatten the logits.',
    '让两者的第一个维度相同：用同样的方式展平目标（target.reshape(-1)），或者不要展平 logits。',
  ],
  [
    'The target has an extra dimension, typically [N, 1] class indices (from a DataFrame column or labels.unsqueeze(1)), or one-hot [N, C] integer targets.',
    '目标多了一个维度，通常是 [N, 1] 的类别索引（来自 DataFrame 的一列或 labels.unsqueeze(1)），或者是 [N, C] 的 one-hot 整数目标。',
  ],
  [
    'Use target.squeeze(1) for [N, 1]; for one-hot targets use target.argmax(1), or pass them as floats (.float()) to use class probabilities.',
    '[N, 1] 的目标用 target.squeeze(1)；one-hot 目标用 target.argmax(1)，或者转成浮点数（.float()）作为类别概率传入。',
  ],
  [
    'The tensor has dtype {found} where PyTorch needs {expected}.',
    '该张量的 dtype 是 {found}，而 PyTorch 需要 {expected}。',
  ],
  [
    'Class indices for CrossEntropyLoss/NLLLoss must be int64 (Long); float or int32 labels come from numpy arrays or from arithmetic on labels.',
    'CrossEntropyLoss/NLLLoss 的类别索引必须是 int64（Long）；float 或 int32 的标签通常来自 numpy 数组，或来自对标签做的算术运算。',
  ],
  ['Convert the targets with target.long().', '用 target.long() 转换目标。'],
  ['Convert with .to(torch.{dtype}) or .float().', '用 .to(torch.{dtype}) 或 .float() 转换。'],
  [
    'On CUDA, class indices of dtype {found} are rejected: they must be int64 (Long).',
    '在 CUDA 上，dtype 为 {found} 的类别索引会被拒绝：它们必须是 int64（Long）。',
  ],
  [
    'The target has the same shape as the input, so PyTorch reads it as class probabilities, but it is {found}.',
    '目标与输入形状相同，因此 PyTorch 把它当作类别概率读取，但它的 dtype 是 {found}。',
  ],
  ['One-hot integer targets trip this.', 'one-hot 整数目标会触发这个错误。'],
  [
    'Use target.float() to keep probabilities, or target.argmax(dim=1) to pass class indices.',
    '用 target.float() 保留概率，或用 target.argmax(dim=1) 改为传入类别索引。',
  ],
  ['A class index {index} is not in [0, C-1].', '类别索引 {index} 不在 [0, C-1] 范围内。'],
  [
    'Labels that start at 1, a wrong number of output units, or a padding value other than ignore_index cause it.',
    '常见原因：标签从 1 开始、输出单元数不对，或者填充值不等于 ignore_index。',
  ],
  [
    'Make the model output one logit per class (C > max label), shift 1-based labels with target - 1, or set ignore_index to your padding value.',
    '让模型为每个类别输出一个 logit（C > 最大标签），用 target - 1 平移从 1 开始的标签，或者把 ignore_index 设为你的填充值。',
  ],
  [
    'On CUDA, a class index outside [0, C-1] triggers this device-side assert (CPU says "Target k is out of bounds").',
    '在 CUDA 上，超出 [0, C-1] 的类别索引会触发这个设备端断言（CPU 上的报错是 "Target k is out of bounds"）。',
  ],
  [
    'Check target.min() and target.max() against the number of classes; run on CPU to see the offending index.',
    '对照类别数检查 target.min() 和 target.max()；在 CPU 上运行可以看到出错的索引。',
  ],
  [
    'There are {classes} classes but the weight tensor has shape {shape}.',
    '共有 {classes} 个类别，但权重张量的形状是 {shape}。',
  ],
  ['Class weights need exactly one entry per class.', '类别权重必须每个类别恰好一个值。'],
  ['Give {classes} weights, in class-index order.', '按类别索引的顺序给出 {classes} 个权重。'],
  [
    'Float targets are read as class probabilities, which have no single class to ignore.',
    '浮点目标会被当作类别概率，而概率没有哪个单独的类别可以忽略。',
  ],
  [
    'Pass class indices (target.long()) to use ignore_index, or mask the samples yourself.',
    '要使用 ignore_index，请传入类别索引（target.long()），或者自己对样本做掩码。',
  ],
  [
    'label_smoothing is the share of the target moved to the uniform distribution, so it lies in [0, 1]; {value} is outside.',
    'label_smoothing 是目标中分给均匀分布的比例，因此取值在 [0, 1] 内；{value} 超出了这个范围。',
  ],
  ['Use a small value such as 0.1.', '使用较小的值，例如 0.1。'],
  [
    "reduction must be 'none', 'mean' or 'sum' ('batchmean' for KLDivLoss); got {value}.",
    "reduction 必须是 'none'、'mean' 或 'sum'（KLDivLoss 还可以用 'batchmean'）；实际为 {value}。",
  ],
  ["Use reduction='mean'.", "使用 reduction='mean'。"],
  [
    'BCELoss takes probabilities, but the input has values outside [0, 1]: these are logits (no sigmoid was applied).',
    'BCELoss 接收的是概率，但输入中有超出 [0, 1] 的值：这些是 logits（没有经过 sigmoid）。',
  ],
  [
    'Use nn.BCEWithLogitsLoss on the logits (more stable), or apply torch.sigmoid first.',
    '对 logits 使用 nn.BCEWithLogitsLoss（数值更稳定），或者先应用 torch.sigmoid。',
  ],
  [
    'BCE targets are probabilities in [0, 1]; some are outside (class indices like 2, or -1 labels).',
    'BCE 的目标是 [0, 1] 内的概率；有些值超出了范围（例如类别索引 2，或标签 -1）。',
  ],
  [
    'Map the labels to 0/1, or use CrossEntropyLoss for more than two classes.',
    '把标签映射为 0/1；多于两个类别时请使用 CrossEntropyLoss。',
  ],
  [
    'The target has dtype {found} but BCELoss needs {expected} targets (the same dtype as the input).',
    '目标的 dtype 是 {found}，但 BCELoss 需要 {expected} 的目标（与输入的 dtype 相同）。',
  ],
  ['Convert the targets with target.float().', '用 target.float() 转换目标。'],
  [
    'BCEWithLogitsLoss got {target} targets; the result is {result} and cannot be written into an integer tensor.',
    'BCEWithLogitsLoss 收到的目标是 {target}；结果是 {result}，无法写入整数张量。',
  ],
  [
    '{loss:id} needs the target shaped like the input: target {target} vs input {input}.',
    '{loss} 要求目标与输入形状相同：目标为 {target}，输入为 {input}。',
  ],
  [
    'Reshape one to match, e.g. input.squeeze(1) for [N, 1] outputs, or target.unsqueeze(1).',
    '调整其中一个的形状使两者一致，例如对 [N, 1] 的输出用 input.squeeze(1)，或者用 target.unsqueeze(1)。',
  ],
  ['Class indices given to a multi-label loss cause this.', '把类别索引传给多标签损失就会出现这种情况。'],
  [
    'For single-label multi-class data use CrossEntropyLoss; for multi-label data pass one 0/1 column per class (F.one_hot(target, C).float()).',
    '单标签多分类数据请用 CrossEntropyLoss；多标签数据请为每个类别传入一列 0/1（F.one_hot(target, C).float()）。',
  ],
  [
    'The target {target} and the input {input} broadcast to a bigger tensor (e.g. [N, 1] with [N] becomes [N, N]), so every prediction is compared with every target.',
    '目标 {target} 和输入 {input} 被广播成一个更大的张量（例如 [N, 1] 与 [N] 变成 [N, N]），于是每个预测都会与每个目标比较。',
  ],
  ['The loss is silently wrong.', '损失值会悄无声息地算错。'],
  [
    'Make the shapes equal: output.squeeze(1) or target.unsqueeze(1).',
    '让两者形状一致：output.squeeze(1) 或 target.unsqueeze(1)。',
  ],
  [
    '{kernel:id} has no kernel for {dtype} tensors: regression losses need floating point inputs.',
    '{kernel} 没有针对 {dtype} 张量的内核：回归损失需要浮点输入。',
  ],
  ['Convert both tensors with .float().', '用 .float() 转换两个张量。'],
  [
    'A batch of targets ([N]) needs a batch of vectors ([N, D]), but the inputs are {a} and {b}.',
    '一批目标（[N]）需要一批向量（[N, D]），但输入是 {a} 和 {b}。',
  ],
  [
    'Add the batch dimension with input.unsqueeze(0), or pass a 0-d target for a single pair.',
    '用 input.unsqueeze(0) 加上批维度；如果只有一对样本，就传入 0 维目标。',
  ],
  [
    "KLDivLoss with reduction='mean' averages over every element, which is not the KL divergence.",
    "KLDivLoss 在 reduction='mean' 时对所有元素求平均，这并不是 KL 散度。",
  ],
  ["Use reduction='batchmean'.", "使用 reduction='batchmean'。"],
];

/** run.ts: resolving the loss and its arguments. */
const RUN: CatalogEntry[] = [
  [
    'Loss Lens knows the torch.nn losses by their functional name (cross_entropy) or module name (CrossEntropyLoss).',
    'Loss Lens 通过函数名（cross_entropy）或模块名（CrossEntropyLoss）识别 torch.nn 的损失函数。',
  ],
  ['Did you mean "{suggestion}"?', '你是想用 "{suggestion}" 吗？'],
  ['Use one of: {names:ids}.', '请使用以下之一：{names}。'],
  ['{loss:id} needs the tensors {names:ids}.', '{loss} 需要这些张量：{names}。'],
  ['Add {missing:ids}.', '请添加 {missing}。'],
  ['{loss:id} has no parameter named {key:id}.', '{loss} 没有名为 {key} 的参数。'],
  ['Its parameters are {names:ids}.', '它的参数有：{names}。'],
  ['Its keyword parameters are {names:ids}.', '它的关键字参数有：{names}。'],
  ['This is a bug in Loss Lens, not in your code.', '这是 Loss Lens 的 bug，不是你的代码有问题。'],
  ['Please report it with the input that caused it.', '请连同引发它的输入一起报告。'],
  ['Loss Lens needs to know which loss to compute.', 'Loss Lens 需要知道要计算哪个损失。'],
  [
    'Add "loss": "cross_entropy" to the file, or pass --loss NAME.',
    '在文件中添加 "loss": "cross_entropy"，或者传入 --loss NAME。',
  ],
];

/** json/parse.ts and json/tensorFile.ts: the JSON tensor file. */
const JSON_FILE: CatalogEntry[] = [
  ['The file is not valid JSON at this place.', '文件在此处不是合法的 JSON。'],
  [
    'Write an object such as {"loss": "cross_entropy", "input": [[...]], "target": [...]}.',
    '写一个对象，例如 {"loss": "cross_entropy", "input": [[...]], "target": [...]}。',
  ],
  ['Remove the extra text or wrap the values in one object.', '删除多余的文本，或者把这些值包在一个对象里。'],
  ['Tensors have at most a few dimensions; check the brackets.', '张量最多只有几个维度；请检查括号。'],
  ['Complete the value or close the open brackets.', '补全这个值，或者闭合尚未闭合的括号。'],
  [
    'JSON values are numbers, strings, true/false/null, [arrays] or \\{objects\\}.',
    'JSON 的值可以是数字、字符串、true/false/null、[数组] 或 \\{对象\\}。',
  ],
  ['Object keys are strings in double quotes, e.g. "input".', '对象的键是双引号括起的字符串，例如 "input"。'],
  ['Write "key": value.', '写成 "key": value。'],
  [
    'Write "torch": "1.13" to reproduce PyTorch 1.13, or leave "torch" out for current PyTorch.',
    '要重现 PyTorch 1.13 就写 "torch": "1.13"；要当前的 PyTorch 就不写 "torch"。',
  ],
  ['Separate members with commas and close the object with }.', '用逗号分隔各成员，并用 } 闭合对象。'],
  ['Separate values with commas and close the list with ].', '用逗号分隔各个值，并用 ] 闭合列表。'],
  ['Close the string with a double quote.', '用双引号闭合字符串。'],
  ['Use \\" \\\\ \\n \\t or \\uXXXX.', '使用 \\" \\\\ \\n \\t 或 \\uXXXX。'],
  [
    'Write numbers like 1, -2.5 or 1e-3 (a leading + or a bare . is not JSON).',
    '数字请写成 1、-2.5 或 1e-3 这样的形式（开头的 + 或单独的 . 都不是合法的 JSON）。',
  ],
  ['Write numbers like 1, -2.5 or 1e-3.', '数字请写成 1、-2.5 或 1e-3 这样的形式。'],
  [
    'Write {"loss": "cross_entropy", "input": [[...]], "target": [...]}.',
    '写成 {"loss": "cross_entropy", "input": [[...]], "target": [...]}。',
  ],
  [
    'Use PyTorch\'s parameter names ({names}), "loss", "options" or "classes".',
    '请使用 PyTorch 的参数名（{names}）、"loss"、"options" 或 "classes"。',
  ],
  ['Quote the loss name.', '给损失名加上引号。'],
  ['Write "options": {"reduction": "sum"}.', '写成 "options": {"reduction": "sum"}。'],
  ['Write "classes": ["cat", "dog", "bird"].', '写成 "classes": ["cat", "dog", "bird"]。'],
  [
    'Write {"data": [[...]], "dtype": "float32"} or just the nested list.',
    '写成 {"data": [[...]], "dtype": "float32"}，或者直接写嵌套列表。',
  ],
  ['Use one of {names:ids}.', '请使用以下之一：{names}。'],
  [
    'Every row must have the same nesting; check for a missing bracket.',
    '每一行的嵌套层数必须相同；请检查是否漏了括号。',
  ],
  ['A tensor is rectangular: every row needs the same number of values.', '张量是规整的矩形：每一行的值个数必须相同。'],
  ['Pad the short row or split the data.', '请补齐较短的行，或者拆分数据。'],
  [
    'Tensor values are numbers, true/false, or "nan", "inf", "-inf".',
    '张量的值只能是数字、true/false，或者 "nan"、"inf"、"-inf"。',
  ],
  ['Every row must have the same nesting.', '每一行的嵌套层数必须相同。'],
];

/** losses/reduction.ts and losses/torch-semantics.ts: reductions, options, broadcasting, dtypes. */
const REDUCTION: CatalogEntry[] = [
  [
    "reduction must be one of 'none', 'mean' or 'sum' (or 'batchmean' for kl_div).",
    "reduction 必须是 'none'、'mean' 或 'sum' 之一（kl_div 还可以用 'batchmean'）。",
  ],
  ["reduction must be one of 'none', 'mean' or 'sum'.", "reduction 必须是 'none'、'mean' 或 'sum' 之一。"],
  ["Use reduction='mean' (the default), 'sum' or 'none'.", "使用 reduction='mean'（默认值）、'sum' 或 'none'。"],
  ['no reduction', '不归约'],
  ["reduction='none' returns every element's loss", "reduction='none' 返回每个元素的损失"],
  ["reduction='sum' adds the losses without dividing", "reduction='sum' 只把损失相加，不做除法"],
  ['batch size {size}', '批大小 {size}'],
  [
    "reduction='batchmean' divides the summed KL by the batch size, matching the mathematical definition of KL divergence",
    "reduction='batchmean' 用 KL 之和除以批大小，与 KL 散度的数学定义一致",
  ],
  ['N = {n} {element|elements}', 'N = {n} 个元素'],
  ["reduction='mean' divides the sum by the number of elements", "reduction='mean' 用总和除以元素个数"],
  [
    'The {name} option must be a {expected}, but a {got} was given.',
    '选项 {name} 必须是 {expected}，但传入的是 {got}。',
  ],
  ['Wrap the values in torch.tensor([...]) for {name}.', '请把 {name} 的值包在 torch.tensor([...]) 中。'],
  ['Pass {name:id} as a {expected:id}.', '请以 {expected} 类型传入 {name}。'],
  [
    '{a} {shapeA} and {b} {shapeB} cannot be broadcast together: dimension {dim} is {sizeA} in one and {sizeB} in the other.',
    '{a} {shapeA} 和 {b} {shapeB} 无法相互广播：维度 {dim} 在一方是 {sizeA}，在另一方是 {sizeB}。',
  ],
  [
    'Give {b} a shape that broadcasts against {a}: each dimension equal, 1, or missing on the left.',
    '请让 {b} 的形状能与 {a} 广播：每个维度要么相等，要么为 1，要么在左侧缺省。',
  ],
  [
    '{what:id} has more dimensions or larger sizes than the loss itself ({shape}), so PyTorch cannot apply it in place.',
    '{what} 的维度比损失本身（{shape}）更多或更大，因此 PyTorch 无法原地应用它。',
  ],
  [
    'Give {what} a shape that broadcasts to {shape} without growing it.',
    '请让 {what} 的形状能广播到 {shape}，且不会使结果变大。',
  ],
  [
    "size_average and reduce are deprecated; together they mean reduction='{reduction}', which overrides the reduction argument.",
    "size_average 和 reduce 已弃用；两者合起来相当于 reduction='{reduction}'，并且会覆盖 reduction 参数。",
  ],
  [
    "Remove size_average/reduce and pass reduction='{reduction}'.",
    "请删除 size_average/reduce，改为传入 reduction='{reduction}'。",
  ],
  ["PyTorch's CPU {fn} has no {dtype} ({name}) kernel.", 'PyTorch 的 CPU 版 {fn} 没有 {dtype}（{name}）内核。'],
  [
    "{fn:id} works on floating-point tensors; the {what:id} is {dtype} ({name}), so PyTorch's CPU kernel refuses it.",
    '{fn} 只处理浮点张量；{what} 是 {dtype}（{name}），因此 PyTorch 的 CPU 内核拒绝了它。',
  ],
  ['Convert with .float() (or .double()) before calling {fn}.', '调用 {fn} 之前，先用 .float()（或 .double()）转换。'],
  ['Convert the {what} with .float() before calling {fn}.', '调用 {fn} 之前，先用 .float() 转换 {what}。'],
  [
    "{fn:id} computes a {from} result but has to store it in the {what}'s dtype {to}, which PyTorch refuses.",
    '{fn} 算出的是 {from} 结果，却要存进 {what} 的 dtype {to} 中，PyTorch 拒绝这样做。',
  ],
  [
    '{fn:id} subtracts its arguments, and the {what} is a bool tensor, which PyTorch does not subtract.',
    '{fn} 会对参数做减法，而 {what} 是 bool 张量，PyTorch 不支持对 bool 张量做减法。',
  ],
  [
    '{fn:id} negates the {what}, and it is a bool tensor, which PyTorch does not negate.',
    '{fn} 会对 {what} 取负，而它是 bool 张量，PyTorch 不支持对 bool 张量取负。',
  ],
  [
    'Convert the {what} with .float() (labels as -1./1.) before calling {fn}.',
    '调用 {fn} 之前，先用 .float() 转换 {what}（标签写成 -1./1.）。',
  ],
  [
    'With integer tensors {fn} produces integer losses, and PyTorch cannot average integers.',
    '对整数张量，{fn} 得到的是整数损失，而 PyTorch 无法对整数求平均。',
  ],
  ['Convert the inputs with .float() before calling {fn}.', '调用 {fn} 之前，先用 .float() 转换输入。'],
  [
    '{fn:id} needs the {what} as {expected} ({expectedName}); it is {found} ({foundName}).',
    '{fn} 要求 {what} 为 {expected}（{expectedName}）；实际为 {found}（{foundName}）。',
  ],
  ["'elementwise_mean' is the old spelling of 'mean'.", "'elementwise_mean' 是 'mean' 的旧写法。"],
  ["{fn:id} accepts reduction 'none', 'mean' or 'sum' only.", "{fn} 的 reduction 只接受 'none'、'mean' 或 'sum'。"],
  [
    'PyTorch rounds every intermediate step to {dtype}, so its values can differ from these in the third significant digit.',
    'PyTorch 会把每个中间步骤舍入到 {dtype}，因此它的结果可能在第三位有效数字上与这里不同。',
  ],
  [
    'Each element and the reduced value are stored in {dtype} as PyTorch stores them; where a PyTorch kernel also rounds an intermediate step (log_softmax, formulas built from several operations), its value can differ from this one in the last bit.',
    '每个元素和归约后的值都像 PyTorch 一样以 {dtype} 存储；当 PyTorch 的内核还会舍入某个中间步骤（log_softmax、由多个运算组合而成的公式）时，它的值可能在最后一位上与这里不同。',
  ],
  ['Use float32 or float64 tensors for exact agreement.', '要精确一致，请使用 float32 或 float64 张量。'],
  ['Map the labels to ±1 first, e.g. target = 2 * target - 1.', '先把标签映射为 ±1，例如 target = 2 * target - 1。'],
  [
    'Use only 1 (similar / first ranked higher) and -1 (dissimilar / second ranked higher).',
    '只使用 1（相似 / 第一个排名更高）和 -1（不相似 / 第二个排名更高）。',
  ],
  [
    'PyTorch raises nothing: a 0 label makes the term log(1 + exp(0)) = log 2 ≈ 0.693 whatever the input, with zero gradient.',
    'PyTorch 不会报错：标签 0 使该项恒为 log(1 + exp(0)) = log 2 ≈ 0.693，与输入无关，梯度为零。',
  ],
  [
    'PyTorch raises nothing: the term is log(1 + exp(−y·x)), so a label y other than ±1 rescales how hard the input is pushed.',
    'PyTorch 不会报错：该项为 log(1 + exp(−y·x))，因此不等于 ±1 的标签 y 会改变对输入的推动力度。',
  ],
  [
    'PyTorch raises nothing: a 0 label makes the term max(0, margin) — a constant with no gradient for either input, so the pair teaches nothing.',
    'PyTorch 不会报错：标签 0 使该项变为 max(0, margin)——一个常数，对两个输入都没有梯度，因此这一对样本什么也学不到。',
  ],
  [
    'PyTorch raises nothing: the term is max(0, −y·(x1 − x2) + margin), so a label y other than ±1 rescales the difference.',
    'PyTorch 不会报错：该项为 max(0, −y·(x1 − x2) + margin)，因此不等于 ±1 的标签 y 会缩放这个差值。',
  ],
  [
    'PyTorch raises nothing: a 0 label is neither 1 nor −1, so PyTorch adds both terms, x + max(0, margin − x), which is never below the margin: the pair is penalised whatever its distance.',
    'PyTorch 不会报错：标签 0 既不是 1 也不是 −1，所以 PyTorch 把两项都加上，即 x + max(0, margin − x)，它永远不低于 margin：无论距离多少，这一对样本都会受到惩罚。',
  ],
  [
    'PyTorch raises nothing: only labels equal to 1 skip the margin term and only labels equal to −1 skip the distance term; any other value gets both.',
    'PyTorch 不会报错：只有等于 1 的标签会跳过 margin 项，只有等于 −1 的标签会跳过距离项；其他任何值两项都会计入。',
  ],
  [
    'PyTorch raises nothing: PyTorch only tests target == 1 and target == −1, so a 0 label matches neither: the pair adds 0 loss and no gradient, yet still counts in the mean — dissimilar pairs are never pushed apart.',
    'PyTorch 不会报错：PyTorch 只检查 target == 1 和 target == −1，标签 0 两者都不匹配：这一对样本的损失为 0、没有梯度，却仍计入平均值——不相似的样本对永远不会被推开。',
  ],
  [
    'PyTorch raises nothing: PyTorch only tests target == 1 and target == −1; pairs with any other label add 0 loss and no gradient but still count in the mean.',
    'PyTorch 不会报错：PyTorch 只检查 target == 1 和 target == −1；其他标签的样本对损失为 0、没有梯度，但仍计入平均值。',
  ],
];

/** losses/nll_loss.ts: the class-index checks shared with cross_entropy, and their notices. */
const NLL: CatalogEntry[] = [
  [
    'The {what} holds integers ({name}); this loss needs floating-point scores.',
    '{what} 中是整数（{name}）；这个损失需要浮点分数。',
  ],
  [
    'torch.tensor([[1, 2]]) makes a Long tensor, torch.tensor([[1., 2.]]) a Float one.',
    'torch.tensor([[1, 2]]) 得到的是 Long 张量，torch.tensor([[1., 2.]]) 得到的才是 Float 张量。',
  ],
  [
    'PyTorch 1.13 has no CPU kernel for {name} ({dtype}) here.',
    'PyTorch 1.13 在这里没有 {name}（{dtype}）的 CPU 内核。',
  ],
  ['PyTorch 1.13 has no CPU kernel for {dtype} here.', 'PyTorch 1.13 在这里没有 {dtype} 的 CPU 内核。'],
  [
    'Convert the {what} with .float() (or write the literal with decimal points).',
    '用 .float() 转换 {what}（或者在字面量里写上小数点）。',
  ],
  [
    '{fn:id} needs class scores: [C] for one sample, [N, C] for a batch, or [N, C, d1, ...].',
    '{fn} 需要类别分数：单个样本为 [C]，一批为 [N, C]，或者 [N, C, d1, ...]。',
  ],
  ['The input is a 0-d scalar.', '输入是 0 维标量。'],
  [
    'Pass one score per class, e.g. torch.tensor([2.0, 0.5, -1.0]).',
    '为每个类别传入一个分数，例如 torch.tensor([2.0, 0.5, -1.0])。',
  ],
  [
    'The input has {samples} samples in dimension 0 but the target is a 0-d scalar; {fn} needs one target per sample.',
    '输入在维度 0 上有 {samples} 个样本，而目标是 0 维标量；{fn} 要求每个样本对应一个目标。',
  ],
  [
    'The input has {samples} samples in dimension 0 but the target has {targets}; {fn} needs one target per sample.',
    '输入在维度 0 上有 {samples} 个样本，而目标有 {targets} 个；{fn} 要求每个样本对应一个目标。',
  ],
  ['Make target.shape[0] equal input.shape[0].', '让 target.shape[0] 等于 input.shape[0]。'],
  [
    'The input has one row per element of the target: flatten the target too, target.view(-1).',
    '输入的每一行对应目标的一个元素：把目标也展平，target.view(-1)。',
  ],
  [
    'If the classes are in the last dimension, flatten both: input.view(-1, C) and target.view(-1).',
    '如果类别在最后一个维度，就把两者都展平：input.view(-1, C) 和 target.view(-1)。',
  ],
  ['The target is {target}: one column per sample.', '目标是 {target}：每个样本一列。'],
  ['{fn:id} wants class indices of shape {shape}.', '{fn} 需要形状为 {shape} 的类别索引。'],
  [
    'The target {target} looks one-hot; {fn} wants one class index per sample, shape {shape}.',
    '目标 {target} 看起来是 one-hot；{fn} 需要每个样本一个类别索引，形状为 {shape}。',
  ],
  [
    'The target is {dims}-D {target}; with a {input} input {fn} wants class indices of shape {shape}.',
    '目标是 {dims} 维的 {target}；对于 {input} 的输入，{fn} 需要形状为 {shape} 的类别索引。',
  ],
  [
    'Drop the extra dimension: target.squeeze(1) (or target.view(-1)).',
    '去掉多余的维度：target.squeeze(1)（或 target.view(-1)）。',
  ],
  [
    'Use target.argmax(dim=1) for class indices, or pass probabilities as a float tensor.',
    '用 target.argmax(dim=1) 得到类别索引，或者把概率作为浮点张量传入。',
  ],
  ['Use target.argmax(dim=1) for class indices.', '用 target.argmax(dim=1) 得到类别索引。'],
  ['Pass one class index per sample.', '每个样本传入一个类别索引。'],
  [
    'The target is a 0-d scalar but the input {input} is a batch; {fn} wants one class index per sample.',
    '目标是 0 维标量，但输入 {input} 是一个批次；{fn} 需要每个样本一个类别索引。',
  ],
  ['Give the target shape {shape}.', '把目标的形状设为 {shape}。'],
  [
    'A 1-D input {input} is one sample with {classes} class scores, so the target must be a 0-d class index.',
    '1 维输入 {input} 是一个带有 {classes} 个类别分数的样本，因此目标必须是 0 维的类别索引。',
  ],
  [
    'Pass the target as a scalar, e.g. torch.tensor(2), or add a batch dimension to the input with input.unsqueeze(0).',
    '把目标作为标量传入，例如 torch.tensor(2)，或者用 input.unsqueeze(0) 给输入加上批维度。',
  ],
  [
    'The class weights are {weightName} ({weightDtype}) but the input is {inputName} ({inputDtype}); {fn} needs them to match.',
    '类别权重是 {weightName}（{weightDtype}），而输入是 {inputName}（{inputDtype}）；{fn} 要求两者一致。',
  ],
  [
    "Create the weights with the input's dtype: weight.to(input.dtype) or .float().",
    '用输入的 dtype 创建权重：weight.to(input.dtype) 或 .float()。',
  ],
  [
    "Create the weights with the input's dtype: weight.to(input.dtype).",
    '用输入的 dtype 创建权重：weight.to(input.dtype)。',
  ],
  [
    '{fn:id} takes one weight per class: {count} values for the {classes} classes in dimension 1 of the input, but weight has shape {shape}.',
    '{fn} 要求每个类别一个权重：输入的维度 1 上有 {classes} 个类别，应有 {count} 个值，但 weight 的形状是 {shape}。',
  ],
  ['Flatten the weights to 1-D: weight.view(-1).', '把权重展平为 1 维：weight.view(-1)。'],
  [
    'Pass a 1-D weight of length {classes}, or check that the model really outputs {given} classes.',
    '传入长度为 {classes} 的 1 维 weight，或者检查模型是否真的输出 {given} 个类别。',
  ],
  [
    '{fn:id} reads the classes from dimension 1 of a {dims}-D input, so it takes {input} as N={n}, C={c} and expects targets {expected}.',
    '{fn} 从 {dims} 维输入的维度 1 读取类别，因此把 {input} 理解为 N={n}、C={c}，并期望目标为 {expected}。',
  ],
  [
    'Your target {target} matches the input without its last dimension: the classes are probably last.',
    '你的目标 {target} 与去掉最后一维的输入一致：类别很可能在最后一维。',
  ],
  [
    'For an input {input} (N={n}, C={c}, then the extra dimensions) {fn} expects targets of shape {expected}, one class index per position; got {target}.',
    '对于输入 {input}（N={n}、C={c}，其后是额外的维度），{fn} 期望目标形状为 {expected}，每个位置一个类别索引；实际为 {target}。',
  ],
  ['Move the classes to dimension 1: input.permute({order}).', '把类别移到维度 1：input.permute({order})。'],
  [
    'The target holds {found} ({dtype}) values; with a target shaped {target} against an input {input}, {fn} reads it as class indices, which must be int64 (Long).',
    '目标中是 {found}（{dtype}）值；目标形状为 {target}、输入为 {input} 时，{fn} 把它当作类别索引读取，而类别索引必须是 int64（Long）。',
  ],
  [
    'Class indices must be int64 (Long) or uint8; the target is {found} ({dtype}).',
    '类别索引必须是 int64（Long）或 uint8；目标是 {found}（{dtype}）。',
  ],
  [
    'Class indices must be int64 (Long); the target is {found} ({dtype}).',
    '类别索引必须是 int64（Long）；目标是 {found}（{dtype}）。',
  ],
  [
    'Convert with target.long(), or pass class probabilities with the same shape as the input.',
    '用 target.long() 转换，或者传入与输入形状相同的类别概率。',
  ],
  ['Convert with target.long().', '用 target.long() 转换。'],
  [
    'Sample {sample} (position {position}) has target {target}, but the input has {classes} classes, so valid targets are 0..{max} (or ignore_index={ignoreIndex}).',
    '样本 {sample}（位置 {position}）的目标是 {target}，但输入只有 {classes} 个类别，因此有效目标为 0..{max}（或 ignore_index={ignoreIndex}）。',
  ],
  [
    'Sample {sample} (position {position}) has target {target}, but the input has {classes} classes, so valid targets are 0..{max} (or ignore_index, default -100).',
    '样本 {sample}（位置 {position}）的目标是 {target}，但输入只有 {classes} 个类别，因此有效目标为 0..{max}（或 ignore_index，默认为 -100）。',
  ],
  [
    'Sample {sample} has target {target}, but the input has {classes} classes, so valid targets are 0..{max} (or ignore_index={ignoreIndex}).',
    '样本 {sample} 的目标是 {target}，但输入只有 {classes} 个类别，因此有效目标为 0..{max}（或 ignore_index={ignoreIndex}）。',
  ],
  [
    'Sample {sample} has target {target}, but the input has {classes} classes, so valid targets are 0..{max} (or ignore_index, default -100).',
    '样本 {sample} 的目标是 {target}，但输入只有 {classes} 个类别，因此有效目标为 0..{max}（或 ignore_index，默认为 -100）。',
  ],
  [
    'Labels look 1-based: subtract 1 (target - 1), or make the model output {classes} classes.',
    '标签看起来是从 1 开始的：减去 1（target - 1），或者让模型输出 {classes} 个类别。',
  ],
  [
    'Negative labels are only skipped when they equal ignore_index; pass ignore_index={target} if these are padding.',
    '负数标签只有等于 ignore_index 时才会被跳过；如果它们是填充值，请传入 ignore_index={target}。',
  ],
  [
    'Make the model output at least {target}+1 classes, or remap the labels into 0..{max}.',
    '让模型至少输出 {target}+1 个类别，或者把标签重新映射到 0..{max}。',
  ],
  ['Σ w[yᵢ] over {kept} non-ignored {sample|samples}', '{kept} 个未被忽略样本的 Σ w[yᵢ]'],
  ['{n:num} {sample|samples} not equal to ignore_index', '{n} 个目标不等于 ignore_index 的样本'],
  ['N = {n} {sample|samples}', 'N = {n} 个样本'],
  [
    'weighted mean: {loss} divides by the sum of the class weights of the targets (ignored samples excluded), not by the number of samples',
    '加权平均：{loss} 除以各样本目标类别权重之和（不含被忽略的样本），而不是除以样本数',
  ],
  [
    '{loss:id} averages over the samples whose target is not ignore_index; ignored samples count neither in the sum nor in the denominator',
    '{loss} 只对目标不等于 ignore_index 的样本求平均；被忽略的样本既不计入总和，也不计入分母',
  ],
  ["reduction='mean' averages the per-sample losses", "reduction='mean' 对逐样本损失求平均"],
  ['{loss:id} skips samples whose target is ignore_index.', '{loss} 会跳过目标等于 ignore_index 的样本。'],
  [
    'All {n} are skipped here, and PyTorch deliberately returns nan for the mean over nothing.',
    '这里全部 {n} 个样本都被跳过了，而 PyTorch 会刻意对空集上的平均返回 nan。',
  ],
  ['All {n} are skipped here.', '这里全部 {n} 个样本都被跳过了。'],
  [
    'Check the padding/masking of this batch, or skip batches with no labelled samples (e.g. if (target != ignore_index).any()).',
    '检查这一批的填充/掩码，或者跳过没有任何已标注样本的批次（例如 if (target != ignore_index).any()）。',
  ],
  ['{loss:id} averages over the samples, and there are none.', '{loss} 对样本求平均，但这里一个样本也没有。'],
  ["Skip empty batches, or use reduction='sum'.", "跳过空批次，或者使用 reduction='sum'。"],
  [
    "With class weights, {loss}'s mean is a weighted mean: Σ w[yᵢ]·lossᵢ / Σ w[yᵢ] = {value}.",
    '使用类别权重时，{loss} 的平均是加权平均：Σ w[yᵢ]·lossᵢ / Σ w[yᵢ] = {value}。',
  ],
  [
    "reduction='none' followed by .mean() divides by N = {n} instead and gives {plain}.",
    "而先用 reduction='none' 再调用 .mean() 则是除以 N = {n}，得到 {plain}。",
  ],
  ["Keep 'mean' for the weighted average.", "要加权平均，保留 'mean' 即可。"],
  [
    "For a plain average (e.g. when accumulating gradients over batches), use reduction='sum' and divide by the number of samples yourself.",
    "要普通平均（例如跨批次累积梯度时），请用 reduction='sum'，再自己除以样本数。",
  ],
  [
    '{n:num} {target equals|targets equal} ignore_index ({ignoreIndex}); they count neither in the sum nor in the denominator.',
    '{n} 个目标等于 ignore_index（{ignoreIndex}）；它们既不计入总和，也不计入分母。',
  ],
  [
    "The mean is {value}; reduction='none' followed by .mean() would give {plain}.",
    "平均值为 {value}；先用 reduction='none' 再调用 .mean() 会得到 {plain}。",
  ],
  ['That is usually what you want.', '这通常正是你想要的。'],
  [
    "For a fixed denominator across batches, use reduction='sum' and divide yourself.",
    "如果希望各批次使用固定的分母，请用 reduction='sum'，再自己相除。",
  ],
  [
    "{loss:id} multiplies each sample's loss (and gradient) by the weight of its class, so these classes count differently from the others.",
    '{loss} 会把每个样本的损失（及梯度）乘以其类别的权重，因此这些类别与其他类别的分量不同。',
  ],
  [
    "{loss:id} multiplies each sample's loss (and gradient) by the weight of its class, so these classes count differently.",
    '{loss} 会把每个样本的损失（及梯度）乘以其类别的权重，因此这些类别的分量各不相同。',
  ],
  [
    'NLLLoss does not apply softmax: it only picks −input[target].',
    'NLLLoss 不会应用 softmax：它只取 −input[target]。',
  ],
  [
    'On raw logits the loss can go negative and is not a cross-entropy; on probabilities it is the negative probability.',
    '对原始 logits，损失可能为负，也不是交叉熵；对概率，它就是概率的相反数。',
  ],
  [
    'Apply F.log_softmax(logits, dim=1) first, or use CrossEntropyLoss on the raw logits.',
    '先应用 F.log_softmax(logits, dim=1)，或者直接对原始 logits 使用 CrossEntropyLoss。',
  ],
];

/** losses/cross_entropy.ts. */
const CROSS_ENTROPY: CatalogEntry[] = [
  [
    'label_smoothing is the share ε of the target moved to a uniform distribution over the classes, so it must lie in [0, 1]; {value} is outside.',
    'label_smoothing 是目标中分给各类别均匀分布的比例 ε，因此必须在 [0, 1] 内；{value} 超出了这个范围。',
  ],
  ['Use a small value such as label_smoothing=0.1.', '使用较小的值，例如 label_smoothing=0.1。'],
  ['N·d₁…d_k = {n} positions', 'N·d₁…d_k = {n} 个位置'],
  [
    'with class-probability targets, CrossEntropyLoss divides by the number of samples, even when class weights are given',
    '目标为类别概率时，即使给了类别权重，CrossEntropyLoss 也除以样本数',
  ],
  [
    "The target has the input's shape {shape}, so it is read as class probabilities, and ignore_index={ignoreIndex} has no meaning there.",
    '目标与输入形状相同（{shape}），因此被当作类别概率读取，此时 ignore_index={ignoreIndex} 没有意义。',
  ],
  [
    'Drop ignore_index, or pass class indices (int64, without the class dimension) if you meant to ignore a class.',
    '去掉 ignore_index；如果你本意是忽略某个类别，请传入类别索引（int64，不含类别维度）。',
  ],
  [
    'The input is a 0-d scalar; {loss:id} needs one score per class ([C] or [N, C]).',
    '输入是 0 维标量；{loss} 需要每个类别一个分数（[C] 或 [N, C]）。',
  ],
  [
    'weight must hold one value per class: {classes} values, but it has shape {shape}.',
    'weight 必须每个类别一个值：共 {classes} 个值，但它的形状是 {shape}。',
  ],
  ['Pass a 1-D weight of length {classes}.', '传入长度为 {classes} 的 1 维 weight。'],
  [
    'CrossEntropyLoss only smooths when label_smoothing > 0; a negative value is silently treated as 0.',
    'CrossEntropyLoss 只在 label_smoothing > 0 时才做平滑；负值会被悄悄当作 0。',
  ],
  ['Use a value in [0, 1], e.g. 0.1, or remove the argument.', '使用 [0, 1] 内的值，例如 0.1，或者去掉这个参数。'],
  [
    'CrossEntropyLoss applies log_softmax itself, so probabilities get softmaxed twice: even a perfect one-hot prediction costs log(C − 1 + e) − 1 = {cost} for C = {classes}, and the gradients shrink, so training stalls.',
    'CrossEntropyLoss 自己会应用 log_softmax，因此概率会被 softmax 两次：即使是完美的 one-hot 预测，在 C = {classes} 时也要付出 log(C − 1 + e) − 1 = {cost} 的损失，而且梯度变小，训练会停滞。',
  ],
  [
    'Remove the softmax before the loss and pass the raw logits (or use NLLLoss on torch.log(probabilities)).',
    '去掉损失之前的 softmax，直接传入原始 logits（或者对 torch.log(probabilities) 使用 NLLLoss）。',
  ],
  [
    "The target has exactly the input's shape {shape}, so CrossEntropyLoss reads it as class probabilities (one value per class), which must be floating point; it is {got} ({dtype}).",
    '目标的形状与输入完全相同（{shape}），因此 CrossEntropyLoss 把它当作类别概率（每个类别一个值）读取，而类别概率必须是浮点数；它却是 {got}（{dtype}）。',
  ],
  ['A one-hot integer target ends up here.', 'one-hot 整数目标就会出现这种情况。'],
  [
    'For class indices pass target.argmax(dim={dim}) (shape {shape}); to keep probabilities use target.float().',
    '要用类别索引，请传入 target.argmax(dim={dim})（形状为 {shape}）；要保留概率，请用 target.float()。',
  ],
];

/** losses/binary_cross_entropy.ts and binary_cross_entropy_with_logits.ts. */
const BCE: CatalogEntry[] = [
  ["reduction='mean' averages over every element of the loss tensor", "reduction='mean' 对损失张量的每个元素求平均"],
  [
    "{loss:id} multiplies each element's loss (and gradient) by its broadcast weight, so weighted elements count more or less in the sum and the mean.",
    '{loss} 会把每个元素的损失（及梯度）乘以它广播后的权重，因此加权的元素在总和与平均中的分量会更大或更小。',
  ],
  ['{loss:id} treats the target as the probability of the positive class.', '{loss} 把目标视为正类的概率。'],
  [
    'PyTorch 1.13 still computes a value, but it is not a cross-entropy (it can go negative), and newer PyTorch raises "all elements of target should be between 0 and 1".',
    'PyTorch 1.13 仍会算出一个值，但它不是交叉熵（可能为负），而较新的 PyTorch 会报错 "all elements of target should be between 0 and 1"。',
  ],
  [
    'Scale or clamp the targets into [0, 1]; for class labels use 0 and 1.',
    '把目标缩放或截断到 [0, 1]；类别标签请使用 0 和 1。',
  ],
  [
    "{loss:id} needs the {what:id} to have the input's dtype ({expected}, {expectedDtype}); it is {found} ({foundDtype}).",
    '{loss} 要求 {what} 与输入的 dtype 相同（{expected}，{expectedDtype}）；实际为 {found}（{foundDtype}）。',
  ],
  ['Integer labels such as torch.tensor([1, 0]) are Long.', '像 torch.tensor([1, 0]) 这样的整数标签是 Long 类型。'],
  ['Convert it: {code}.', '请转换：{code}。'],
  ['weight must be a tensor; a {type} was given.', 'weight 必须是张量；传入的却是 {type}。'],
  ['Wrap the weights in torch.tensor([...]).', '把权重包在 torch.tensor([...]) 中。'],
  [
    '{loss:id} compares input and target element by element, so they need the same shape; input is {input}, target {target}.',
    '{loss} 逐元素比较输入和目标，因此两者形状必须相同；输入为 {input}，目标为 {target}。',
  ],
  [
    '{loss:id} compares logits and targets element by element, so they need the same shape; input is {input}, target {target}.',
    '{loss} 逐元素比较 logits 和目标，因此两者形状必须相同；输入为 {input}，目标为 {target}。',
  ],
  [
    'The input has a trailing dimension of size 1: use input.squeeze({dim}) (or target.unsqueeze({targetDim})).',
    '输入末尾有一个大小为 1 的维度：使用 input.squeeze({dim})（或 target.unsqueeze({targetDim})）。',
  ],
  [
    'The target has a trailing dimension of size 1: use target.squeeze({dim}).',
    '目标末尾有一个大小为 1 的维度：使用 target.squeeze({dim})。',
  ],
  [
    'The input has one more dimension ({outputs} outputs per sample) than the target: give the target the same shape, e.g. one-hot/multi-label targets {shape}.',
    '输入比目标多一个维度（每个样本 {outputs} 个输出）：请让目标形状相同，例如 one-hot/多标签目标 {shape}。',
  ],
  ["Give the target the input's shape {shape}.", '让目标与输入形状相同：{shape}。'],
  [
    'BCELoss on the CPU needs float32 or float64 probabilities; the input is {name} ({dtype}).',
    'CPU 上的 BCELoss 需要 float32 或 float64 的概率；输入是 {name}（{dtype}）。',
  ],
  ['Convert input and target with .float().', '用 .float() 转换输入和目标。'],
  [
    'BCELoss takes probabilities, but {outside} of {count} input values lie outside [0, 1] (from {min} to {max}): these look like raw logits.',
    'BCELoss 接收的是概率，但 {count} 个输入值中有 {outside} 个超出 [0, 1]（从 {min} 到 {max}）：它们看起来是原始 logits。',
  ],
  [
    'BCELoss takes probabilities, but the input contains nan ({outside} of {count} values), which is not between 0 and 1.',
    'BCELoss 接收的是概率，但输入中含有 nan（{count} 个值中有 {outside} 个），它不在 0 和 1 之间。',
  ],
  [
    'Use BCEWithLogitsLoss (F.binary_cross_entropy_with_logits) on the raw logits: it applies the sigmoid itself, stably.',
    '对原始 logits 使用 BCEWithLogitsLoss（F.binary_cross_entropy_with_logits）：它会自己以数值稳定的方式应用 sigmoid。',
  ],
  ['Or apply torch.sigmoid before BCELoss.', '或者在 BCELoss 之前应用 torch.sigmoid。'],
  [
    'Find where the nan comes from (a division by zero or an exploding activation before this loss).',
    '找出 nan 的来源（这个损失之前的除零，或者激活值爆炸）。',
  ],
  [
    'A probability of exactly 0 or 1 on the wrong side would make the loss infinite; PyTorch clamps the log at −100, so each such element costs 100 (times its weight) instead of inf, and its gradient is huge but finite.',
    '在错误一侧恰好为 0 或 1 的概率会使损失变为无穷大；PyTorch 把 log 截断在 −100，因此每个这样的元素损失为 100（乘以其权重）而不是 inf，其梯度很大但有限。',
  ],
  [
    'Use BCEWithLogitsLoss on logits for a numerically stable loss.',
    '对 logits 使用 BCEWithLogitsLoss，可以得到数值稳定的损失。',
  ],
  ['{loss:id} averages over the elements, and there are none.', '{loss} 对元素求平均，但这里一个元素也没有。'],
  [
    'The logits are integers ({name}); BCEWithLogitsLoss computes exponentials in place and needs floating-point logits.',
    'logits 是整数（{name}）；BCEWithLogitsLoss 会原地计算指数，需要浮点 logits。',
  ],
  [
    "The target is {name} ({dtype}); BCEWithLogitsLoss builds the loss in the target's dtype, so it must be floating point.",
    '目标是 {name}（{dtype}）；BCEWithLogitsLoss 以目标的 dtype 构建损失，因此目标必须是浮点数。',
  ],
  ['Convert the target with target.float().', '用 target.float() 转换目标。'],
  ['Convert the input with input.float().', '用 input.float() 转换输入。'],
  [
    'The target is a bool tensor; {loss} computes 1 − target, which PyTorch refuses for bools.',
    '目标是 bool 张量；{loss} 要计算 1 − target，而 PyTorch 不允许对 bool 这样做。',
  ],
  ['{loss:id} applies the sigmoid itself.', '{loss} 自己会应用 sigmoid。'],
  [
    'On probabilities it squashes twice: every prediction lands between σ(0) = 0.5 and σ(1) ≈ 0.73, so the loss cannot go low and training stalls.',
    '作用在概率上就会压缩两次：每个预测都落在 σ(0) = 0.5 和 σ(1) ≈ 0.73 之间，因此损失降不下去，训练停滞。',
  ],
  [
    'Remove the sigmoid before the loss and pass the raw logits, or keep the probabilities and use BCELoss.',
    '去掉损失之前的 sigmoid，直接传入原始 logits；或者保留概率并改用 BCELoss。',
  ],
  ['Remove the sigmoid before the loss and pass the raw logits.', '去掉损失之前的 sigmoid，直接传入原始 logits。'],
  [
    'pos_weight multiplies only the positive term y·log σ(x): a positive label counts pos_weight times as much as a negative one.',
    'pos_weight 只乘在正项 y·log σ(x) 上：一个正标签的分量是负标签的 pos_weight 倍。',
  ],
  [
    'pos_weight multiplies only the positive term y·log σ(x): a positive label counts {factor}× as much as a negative one.',
    'pos_weight 只乘在正项 y·log σ(x) 上：一个正标签的分量是负标签的 {factor} 倍。',
  ],
  [
    "It broadcasts against the target's last dimension, one weight per class; the usual choice is #negatives / #positives.",
    '它沿目标的最后一维广播，每个类别一个权重；通常取 负样本数 / 正样本数（#negatives / #positives）。',
  ],
];

/** losses/ctc.ts. */
const CTC: CatalogEntry[] = [
  [
    '{name:id} holds sequence lengths and must be an integer tensor; it is {dtype}.',
    '{name} 存放的是序列长度，必须是整数张量；它却是 {dtype}。',
  ],
  [
    'Build it with dtype=torch.long, e.g. torch.full((N,), T, dtype=torch.long), or convert with {name}.long().',
    '用 dtype=torch.long 创建它，例如 torch.full((N,), T, dtype=torch.long)，或者用 {name}.long() 转换。',
  ],
  [
    'log_probs is a 0-d tensor; it must be [T, N, C] (or [T, C] for one sequence).',
    'log_probs 是 0 维张量；它必须是 [T, N, C]（单个序列时为 [T, C]）。',
  ],
  ['Pass the log-softmax output of the model, shape [T, N, C].', '传入模型的 log-softmax 输出，形状为 [T, N, C]。'],
  [
    'log_probs must be [T, N, C] (time, batch, classes) or [T, C] for one sequence; it is {shape}.',
    'log_probs 必须是 [T, N, C]（时间、批、类别），单个序列时为 [T, C]；它却是 {shape}。',
  ],
  ['A 1-D log_probs has no class dimension: pass [T, C].', '1 维的 log_probs 没有类别维度：请传入 [T, C]。'],
  [
    'CTC expects time first: permute a [N, T, C] output with .permute(1, 0, 2), or flatten extra dimensions.',
    'CTC 要求时间维在最前：用 .permute(1, 0, 2) 转换 [N, T, C] 的输出，或者展平多余的维度。',
  ],
  [
    'targets must be padded [N, S] or all target sequences concatenated [Σ target_lengths]; it is {shape}.',
    'targets 必须是填充后的 [N, S]，或者把所有目标序列拼接成 [Σ target_lengths]；它却是 {shape}。',
  ],
  [
    'Pass padded targets [N, S] or concatenate them into one 1-D tensor.',
    '传入填充后的 targets [N, S]，或者把它们拼接成一个 1 维张量。',
  ],
  [
    'blank is {blank}, but log_probs has {classes} classes (0…{max}).',
    'blank 为 {blank}，但 log_probs 只有 {classes} 个类别（0…{max}）。',
  ],
  [
    "Use the index of the blank class in log_probs' last dimension (usually blank=0).",
    '使用空白类别在 log_probs 最后一维中的索引（通常是 blank=0）。',
  ],
  [
    'input_lengths has {count} {value|values} but the batch has {batch} {sequence|sequences} (log_probs {shape}).',
    'input_lengths 有 {count} 个值，但这一批有 {batch} 个序列（log_probs {shape}）。',
  ],
  ['Give one input length per sequence.', '每个序列给一个输入长度。'],
  [
    'Give one input length per sequence (for unbatched log_probs a 0-d tensor).',
    '每个序列给一个输入长度（不带批维度的 log_probs 对应一个 0 维张量）。',
  ],
  [
    'target_lengths has {count} {value|values} but the batch has {batch} {sequence|sequences}.',
    'target_lengths 有 {count} 个值，但这一批有 {batch} 个序列。',
  ],
  ['Give one target length per sequence.', '每个序列给一个目标长度。'],
  [
    'PyTorch 1.13 does not check this and reads outside its buffers, so its result is undefined.',
    'PyTorch 1.13 不检查这一点，会读到缓冲区之外，因此其结果是未定义的。',
  ],
  ['Pass non-negative input_lengths and target_lengths.', '传入非负的 input_lengths 和 target_lengths。'],
  [
    'Concatenated targets must hold exactly Σ target_lengths = {expected} labels; there are {got}.',
    '拼接后的 targets 必须恰好有 Σ target_lengths = {expected} 个标签；实际有 {got} 个。',
  ],
  [
    'Make target_lengths add up to the number of concatenated labels (or pass padded [N, S] targets).',
    '让 target_lengths 之和等于拼接后的标签数（或者传入填充后的 [N, S] targets）。',
  ],
  [
    'Padded targets need one row per sequence ({expected}); there are {got}.',
    '填充后的 targets 需要每个序列一行（共 {expected} 行）；实际有 {got} 行。',
  ],
  ['Give targets one row per sequence in the batch.', '让 targets 为这一批中的每个序列各提供一行。'],
  [
    'A target length is {length}, but the padded targets have only {width} columns.',
    '有一个目标长度为 {length}，但填充后的 targets 只有 {width} 列。',
  ],
  [
    'Check target_lengths: each must be at most the padded target width.',
    '检查 target_lengths：每个值都不能超过填充后 targets 的宽度。',
  ],
  [
    'Sequence {b} claims {frames} frames, but log_probs has only T = {T} time steps.',
    '序列 {b} 声称有 {frames} 帧，但 log_probs 只有 T = {T} 个时间步。',
  ],
  [
    'Input lengths count frames of log_probs (its first dimension), after any downsampling in the model.',
    '输入长度统计的是 log_probs 的帧数（它的第一个维度），即模型内部下采样之后的帧数。',
  ],
  ['log_probs has no time steps (T = 0).', 'log_probs 没有时间步（T = 0）。'],
  ['Give log_probs at least one frame.', '让 log_probs 至少有一帧。'],
  [
    'Sequence {b}, label {k} is {value}; labels must be class indices in [0, {max}].',
    '序列 {b} 中位置 {k} 的标签为 {value}；标签必须是 [0, {max}] 内的类别索引。',
  ],
  [
    "PyTorch's CPU kernel does not check and reads outside log_probs (CUDA raises a device-side assert).",
    'PyTorch 的 CPU 内核不做检查，会读到 log_probs 之外（CUDA 上会触发设备端断言）。',
  ],
  [
    'Check the label encoding and the size of the model output (C must include the blank).',
    '检查标签编码和模型输出的大小（C 必须包含空白类别）。',
  ],
  [
    'batch size N = {n} {sequence|sequences}, after dividing each loss by its target length (at least 1)',
    '批大小 N = {n} 个序列（先把每个损失除以其目标长度，至少为 1）',
  ],
  [
    "CTCLoss's 'mean' divides each sequence's loss by its target length, then averages over the batch",
    "CTCLoss 的 'mean' 先把每个序列的损失除以其目标长度，再对整批求平均",
  ],
  [
    'No alignment exists: sequence {b} has {frames} input {frame|frames} but its {labels} labels need at least {need} (a blank must separate repeated labels).',
    '不存在任何对齐：序列 {b} 只有 {frames} 个输入帧，但它的 {labels} 个标签至少需要 {need} 帧（重复的标签之间必须隔一个空白符）。',
  ],
  [
    'No alignment exists: sequence {b} has probability 0 (log-probability −inf) on every alignment.',
    '不存在任何对齐：序列 {b} 在每种对齐上的概率都是 0（对数概率为 −inf）。',
  ],
  [
    'Sequence {b} has {frames} input {frame|frames} but its {labels} labels need at least {need} (a blank must separate repeated labels).',
    '序列 {b} 只有 {frames} 个输入帧，但它的 {labels} 个标签至少需要 {need} 帧（重复的标签之间必须隔一个空白符）。',
  ],
  [
    'Sequence {b} has probability 0 (log-probability −inf) on every alignment.',
    '序列 {b} 在每种对齐上的概率都是 0（对数概率为 −inf）。',
  ],
  ['The loss is inf and its gradient NaN, which poisons training.', '损失为 inf，梯度为 NaN，会破坏训练。'],
  [
    'These sequences do not train; check input_lengths against target_lengths.',
    '这些序列不会被训练；请对照 target_lengths 检查 input_lengths。',
  ],
  [
    'Make input_lengths long enough (check the model’s downsampling), or pass zero_infinity=True to skip such sequences.',
    '让 input_lengths 足够长（检查模型的下采样），或者传入 zero_infinity=True 跳过这类序列。',
  ],
  [
    'Targets cannot be blank: PyTorch raises nothing and treats it as an ordinary label, which makes the target ambiguous with the separator (its CPU gradient is then also inexact at the last frame).',
    '目标不能是空白符：PyTorch 不会报错，而是把它当作普通标签，这会让目标与分隔符混淆（此时它在 CPU 上的梯度在最后一帧也不精确）。',
  ],
  [
    'Reserve one class for the blank (usually 0) and shift the real labels to start at 1.',
    '为空白符保留一个类别（通常是 0），并把真实标签平移到从 1 开始。',
  ],
  [
    'PyTorch 1.13 reads uninitialised memory for a zero-length input, so its value is undefined; Loss Lens reports 0 for an empty target and inf otherwise.',
    '对长度为 0 的输入，PyTorch 1.13 会读取未初始化的内存，因此其值未定义；Loss Lens 在目标为空时报告 0，否则报告 inf。',
  ],
  ['Drop empty sequences from the batch.', '从这一批中去掉空序列。'],
  [
    'ctc_loss takes log_probs as given; raw logits or probabilities give a meaningless loss (even negative) without any error.',
    'ctc_loss 按原样使用 log_probs；传入原始 logits 或概率会得到毫无意义的损失（甚至为负），而且不会报任何错。',
  ],
  [
    'Pass log-probabilities: probs.log(), or better log_softmax on the logits.',
    '请传入对数概率：probs.log()，更好的做法是对 logits 使用 log_softmax。',
  ],
  ['Apply log_softmax(dim=2) to the model output first.', '先对模型输出应用 log_softmax(dim=2)。'],
];

/** losses/embedding.ts. */
const EMBEDDING: CatalogEntry[] = [
  [
    'The target holds one ±1 label per pair: [N] for a batch or 0-d for one pair; it is {shape}.',
    '目标为每一对样本保存一个 ±1 标签：一批为 [N]，单独一对为 0 维；它却是 {shape}。',
  ],
  ['Squeeze the label column: target.squeeze(1).', '去掉标签列这一维：target.squeeze(1)。'],
  ['Pass one label per pair, shape [N].', '每一对样本传入一个标签，形状为 [N]。'],
  [
    'With a batch of labels [N] the inputs must be batches of vectors [N, D]; input1 is {shape}.',
    '标签是一批 [N] 时，输入必须是一批向量 [N, D]；input1 却是 {shape}。',
  ],
  [
    'For a single pair pass a 0-d label (torch.tensor(1.)), or add a batch dimension with input.unsqueeze(0).',
    '只有一对样本时请传入 0 维标签（torch.tensor(1.)），或者用 input.unsqueeze(0) 加上批维度。',
  ],
  ['Flatten the inputs to [N, D].', '把输入展平为 [N, D]。'],
  [
    'A single 0-d label goes with one pair of vectors [D]; input1 is {shape}.',
    '单个 0 维标签对应一对向量 [D]；input1 却是 {shape}。',
  ],
  ['For a batch pass one label per row (shape [N]).', '对于一批数据，每行传入一个标签（形状为 [N]）。'],
  [
    'PyTorch 1.13 does not check this and sums the products over the wrong axis; Loss Lens does not reproduce that.',
    'PyTorch 1.13 不检查这一点，会沿错误的轴对乘积求和；Loss Lens 不复现这种行为。',
  ],
  ['Give input1 and input2 the same shape.', '让 input1 和 input2 形状相同。'],
  [
    'input2 {shape2} has fewer dimensions than input1 {shape1}, so PyTorch cannot sum its squares over dimension {dim}.',
    'input2 {shape2} 的维数比 input1 {shape1} 少，因此 PyTorch 无法沿维度 {dim} 对其平方求和。',
  ],
  ['Give input1 and input2 the same shape [N, D].', '让 input1 和 input2 形状相同，都为 [N, D]。'],
  ['N = {n} {pair|pairs}', 'N = {n} 对样本'],
  [
    "reduction='mean' divides the summed pair losses by the number of pairs",
    "reduction='mean' 用各对样本的损失之和除以样本对数",
  ],
  [
    'anchor, positive and negative must all be [N, D] (or all [D]); they are {anchor}, {positive} and {negative}.',
    'anchor、positive 和 negative 必须都是 [N, D]（或都是 [D]）；它们分别是 {anchor}、{positive} 和 {negative}。',
  ],
  ['Give the three embeddings the same shape.', '让三个嵌入的形状相同。'],
  ['N = {n} {triplet|triplets}', 'N = {n} 个三元组'],
  [
    "reduction='mean' divides the summed triplet hinges by the number of triplets",
    "reduction='mean' 用各三元组的 hinge 项之和除以三元组数",
  ],
];

/** losses/kl_div.ts. */
const KL_DIV: CatalogEntry[] = [
  [
    "reduction='mean' divides the summed KL by every element (batch × classes), so the value is the KL divergence divided by the number of classes; it is not the KL divergence.",
    "reduction='mean' 用 KL 之和除以全部元素数（批 × 类别），所以结果是 KL 散度再除以类别数；它并不是 KL 散度。",
  ],
  [
    "Use reduction='batchmean' for the KL divergence per sample.",
    "使用 reduction='batchmean' 得到每个样本的 KL 散度。",
  ],
  [
    'The {which} is {name} ({dtype}); KLDivLoss needs floating-point log-probabilities and probabilities.',
    '{which} 是 {name}（{dtype}）；KLDivLoss 需要浮点的对数概率和概率。',
  ],
  ['Convert it with {which}.float().', '用 {which}.float() 转换它。'],
  ['batch size input.shape[0] = {size}', '批大小 input.shape[0] = {size}'],
  ['1 (0-d input: no batch dimension)', '1（输入为 0 维：没有批维度）'],
  ['N = {n} elements (batch × classes)', 'N = {n} 个元素（批 × 类别）'],
  [
    "reduction='mean' averages over every element, batch and classes alike, which is not the KL divergence (PyTorch warns)",
    "reduction='mean' 对所有元素求平均，批和类别一视同仁，这不是 KL 散度（PyTorch 会发出警告）",
  ],
  [
    'KLDivLoss expects the input as log-probabilities (log_softmax output) and the target as probabilities.',
    'KLDivLoss 期望输入是对数概率（log_softmax 的输出），目标是概率。',
  ],
  [
    'Passing probabilities or raw logits as the input gives a number that is not a KL divergence (it can even be negative).',
    '把概率或原始 logits 作为输入，得到的数值并不是 KL 散度（甚至可能为负）。',
  ],
  [
    'Pass F.log_softmax(logits, dim=-1) as the input; note the argument order kl_div(log_q, p) computes KL(p ‖ q).',
    '把 F.log_softmax(logits, dim=-1) 作为输入；注意参数顺序：kl_div(log_q, p) 计算的是 KL(p ‖ q)。',
  ],
  ['With log_target=False the target must hold probabilities.', 'log_target=False 时，目标必须是概率。'],
  ['Negative values usually mean the target is already log-probabilities.', '出现负值通常说明目标已经是对数概率。'],
  [
    'Pass log_target=True if the target holds log-probabilities, or pass probabilities.',
    '如果目标是对数概率，请传入 log_target=True；否则请传入概率。',
  ],
  [
    'With log_target=True the target is read as log-probabilities (≤ 0) and exponentiated.',
    'log_target=True 时，目标被当作对数概率（≤ 0）读取，并取指数。',
  ],
  [
    'Pass log_target=False if the target holds probabilities, or pass target.log().',
    '如果目标是概率，请传入 log_target=False，或者改为传入 target.log()。',
  ],
  ['There is nothing to average.', '没有可以求平均的内容。'],
  [
    "'mean' divides by all {n} elements; 'batchmean' divides by the batch size {batch}.",
    "'mean' 除以全部 {n} 个元素；'batchmean' 除以批大小 {batch}。",
  ],
];

/** losses/likelihood.ts. */
const LIKELIHOOD: CatalogEntry[] = [
  [
    'Every prediction is paired with every broadcast target, which is rarely intended.',
    '每个预测都会与每个广播后的目标配对，这很少是有意为之。',
  ],
  [
    'Give input and target the same shape (e.g. input.squeeze(-1)).',
    '让输入和目标形状相同（例如 input.squeeze(-1)）。',
  ],
  [
    'With log_input=False the input is the Poisson rate λ itself and the loss takes log(λ + eps); a negative rate has no logarithm.',
    'log_input=False 时，输入就是泊松率 λ 本身，损失会计算 log(λ + eps)；负的速率没有对数。',
  ],
  [
    'Pass raw model outputs with log_input=True (the default), or make the rate positive, e.g. with softplus or exp.',
    '用 log_input=True（默认值）传入模型的原始输出，或者让速率为正，例如使用 softplus 或 exp。',
  ],
  [
    "reduction='mean' divides the summed negative log-likelihoods by the number of elements",
    "reduction='mean' 用负对数似然之和除以元素个数",
  ],
  [
    "var must have the input's shape {input} (one variance per prediction), or {lead} / {lead1} (one per sample); it is {shape}.",
    'var 的形状必须与输入相同，为 {input}（每个预测一个方差），或者为 {lead} / {lead1}（每个样本一个）；它却是 {shape}。',
  ],
  ['Give var the shape {input} or {lead1}.', '把 var 的形状设为 {input} 或 {lead1}。'],
  [
    "{n:num} {variance is|variances are} negative; a Gaussian's variance is ≥ 0.",
    '有 {n} 个方差为负；高斯分布的方差必须 ≥ 0。',
  ],
  [
    'Make var positive, e.g. predict log-variance and pass var = exp(log_var), or use softplus.',
    '让 var 为正，例如预测对数方差并传入 var = exp(log_var)，或者使用 softplus。',
  ],
  [
    "PyTorch clamps var at eps for stability, on a copy and without recording it, so the loss uses eps but var's gradient is computed as if var were eps and still flows.",
    '为了数值稳定，PyTorch 会在一个副本上把 var 截断到 eps，而且不记录这一操作；所以损失用的是 eps，而 var 的梯度按 var 等于 eps 计算，并且仍会继续传播。',
  ],
  [
    'If variances this small are expected, lower eps; otherwise check how var is produced.',
    '如果这么小的方差是预期的，就调低 eps；否则请检查 var 是如何产生的。',
  ],
];

/** losses/margin.ts and losses/multilabel_soft_margin_loss.ts. */
const MARGIN: CatalogEntry[] = [
  [
    'Every element is paired with every broadcast partner, so the loss averages {n} terms; this is rarely intended.',
    '每个元素都会与每个广播后的对应元素配对，因此损失是对 {n} 项求平均；这很少是有意为之。',
  ],
  [
    'Give the tensors the same shape (squeeze or view them) before calling the loss.',
    '调用损失之前，先让这些张量形状相同（用 squeeze 或 view）。',
  ],
  [
    "reduction='mean' divides the summed log(1 + exp(−y·x)) terms by the number of elements",
    "reduction='mean' 用各 log(1 + exp(−y·x)) 项之和除以元素个数",
  ],
  [
    'input1, input2 and target must have the same number of dimensions; they have {a}, {b} and {c}.',
    'input1、input2 和 target 的维数必须相同；它们分别是 {a}、{b} 和 {c} 维。',
  ],
  [
    'Give the two score tensors and the ±1 target the same shape, e.g. all [N].',
    '让两个分数张量和 ±1 目标形状相同，例如都为 [N]。',
  ],
  [
    "reduction='mean' divides the summed ranking hinges by the number of pairs",
    "reduction='mean' 用各排序 hinge 项之和除以样本对数",
  ],
  [
    "reduction='mean' divides the summed hinge terms by the number of elements",
    "reduction='mean' 用各 hinge 项之和除以元素个数",
  ],
  [
    'The input must be scores [C] for one sample or [N, C] for a batch, with at least one class; it is {shape}.',
    '输入必须是分数：单个样本为 [C]，一批为 [N, C]，且至少有一个类别；它却是 {shape}。',
  ],
  [
    'Flatten the extra dimensions into the batch, e.g. input.reshape(-1, C) (and the target alike).',
    '把多余的维度展平到批维度中，例如 input.reshape(-1, C)（目标也同样处理）。',
  ],
  ['Give the input at least one class column.', '让输入至少有一列类别。'],
  [
    "PyTorch's CPU kernel returns before writing the result, so the number it prints is whatever was in memory; Loss Lens reports {value}.",
    'PyTorch 的 CPU 内核在写入结果之前就返回了，所以它打印的数字是内存里原有的任意值；Loss Lens 报告 {value}。',
  ],
  ['Skip the loss for empty batches.', '遇到空批次时跳过这个损失。'],
  [
    'multi_margin_loss raises each hinge to the power p, and only p = 1 (hinge) and p = 2 (squared hinge) exist; p is {p}.',
    'multi_margin_loss 会把每个 hinge 项取 p 次幂，且只支持 p = 1（hinge）和 p = 2（平方 hinge）；当前 p 为 {p}。',
  ],
  ['Pass p=1 or p=2.', '传入 p=1 或 p=2。'],
  [
    'weight holds one rescaling factor per class, so it must be 1-D [C]; it is {shape}.',
    'weight 为每个类别保存一个缩放系数，因此必须是 1 维的 [C]；它却是 {shape}。',
  ],
  ['Pass weight as a 1-D tensor with one entry per class.', '以 1 维张量传入 weight，每个类别一个值。'],
  [
    'multi_margin_loss needs one class index per sample: {n} {value|values} in a 0-d or 1-D target; it is {shape}.',
    'multi_margin_loss 需要每个样本一个类别索引：0 维或 1 维目标中共 {n} 个值；它却是 {shape}。',
  ],
  [
    'Pass class indices [N], e.g. target.argmax(1) for one-hot rows or target.squeeze(1).',
    '传入类别索引 [N]，例如对 one-hot 行用 target.argmax(1)，或者用 target.squeeze(1)。',
  ],
  ['Give one class index per row of the input ({n}).', '输入的每一行给一个类别索引（共 {n} 个）。'],
  ['Convert the class indices with target.long().', '用 target.long() 转换类别索引。'],
  ['Convert the weight with .to(input.dtype) ({dtype}).', '用 .to(input.dtype)（{dtype}）转换 weight。'],
  [
    'Sample {sample} has target {target}, but class indices must be in [0, {max}] for {classes} classes.',
    '样本 {sample} 的目标是 {target}，但共有 {classes} 个类别时，类别索引必须在 [0, {max}] 内。',
  ],
  [
    'Check the labels: they must be 0-based class indices smaller than the number of input columns.',
    '检查标签：它们必须是从 0 开始、且小于输入列数的类别索引。',
  ],
  [
    'PyTorch 1.13 does not check the weight length and reads past the end of weight for class {target}, so its result is undefined.',
    'PyTorch 1.13 不检查 weight 的长度，会为类别 {target} 读到 weight 末尾之外，因此其结果是未定义的。',
  ],
  ['Pass one weight per class ({n}).', '每个类别传入一个权重（共 {n} 个）。'],
  [
    "each sample's hinges are already divided by the {classes} classes; reduction='mean' then divides by the number of samples",
    "每个样本的 hinge 项已经除以 {classes} 个类别；reduction='mean' 再除以样本数",
  ],
  [
    "multilabel_margin_loss needs a target of the input's shape {input}: each row lists the sample's class indices, padded with -1; the target is {target}.",
    'multilabel_margin_loss 需要与输入形状相同（{input}）的目标：每行列出该样本的类别索引，并用 -1 填充；目标却是 {target}。',
  ],
  [
    'Give the target the same shape as the input: class indices first, then -1 for the unused slots.',
    '让目标与输入形状相同：先写类别索引，没用到的位置填 -1。',
  ],
  [
    'The target holds {value}, but entries must be class indices in [0, {max}] or -1 (end of the list).',
    '目标中有 {value}，但其中的值必须是 [0, {max}] 内的类别索引，或者 -1（列表结束）。',
  ],
  [
    "List each sample's classes as 0-based indices and pad with -1; for multi-hot 0/1 targets use multilabel_soft_margin_loss.",
    '把每个样本的类别写成从 0 开始的索引，再用 -1 填充；多热（multi-hot）0/1 目标请使用 multilabel_soft_margin_loss。',
  ],
  [
    'A row like [0, 1, 1, 0] means "classes 0 and 1, each listed twice", not "classes 1 and 2": PyTorch raises nothing and counts every repeated index again.',
    '像 [0, 1, 1, 0] 这样的一行表示“类别 0 和 1，各列出两次”，而不是“类别 1 和 2”：PyTorch 不会报错，并会把每个重复的索引再算一次。',
  ],
  [
    'PyTorch raises nothing and counts each repeated index again, so that class weighs double.',
    'PyTorch 不会报错，并会把每个重复的索引再算一次，因此该类别的权重翻倍。',
  ],
  [
    'Convert multi-hot rows to index lists padded with -1, or use multilabel_soft_margin_loss, which takes 0/1 targets.',
    '把多热行转换为用 -1 填充的索引列表，或者改用接收 0/1 目标的 multilabel_soft_margin_loss。',
  ],
  ['List each class once, then pad with -1.', '每个类别只列一次，然后用 -1 填充。'],
  [
    'The input holds integers ({name}); {loss} needs floating-point logits.',
    '输入是整数（{name}）；{loss} 需要浮点 logits。',
  ],
  ['Convert the input with .float().', '用 .float() 转换输入。'],
  ['weight must be a tensor (or a number); a {type} was given.', 'weight 必须是张量（或数字）；传入的却是 {type}。'],
  [
    'The input is a 0-d scalar; {loss:id} needs one logit per label ([C] or [N, C]).',
    '输入是 0 维标量；{loss} 需要每个标签一个 logit（[C] 或 [N, C]）。',
  ],
  ['Pass one logit per label, e.g. shape [N, C].', '每个标签传入一个 logit，例如形状为 [N, C]。'],
  [
    'N = {n} {sample|samples} (each already averaged over its {labels} labels)',
    'N = {n} 个样本（每个样本已对其 {labels} 个标签求平均）',
  ],
  [
    "MultiLabelSoftMarginLoss averages each sample's label losses over the C labels, then reduction='mean' averages over the samples",
    "MultiLabelSoftMarginLoss 先对每个样本的 C 个标签损失求平均，再由 reduction='mean' 对样本求平均",
  ],
];

/** losses/regression.ts. */
const REGRESSION: CatalogEntry[] = [
  [
    "input {input} and target {target} broadcast to {shape}: the loss averages {pairings} pairings instead of {matched} matched elements, comparing predictions with other samples' targets.",
    'input {input} 和 target {target} 被广播成 {shape}：损失是对 {pairings} 个配对求平均，而不是 {matched} 个一一对应的元素，相当于拿预测与其他样本的目标比较。',
  ],
  [
    'Give input and target the same shape, e.g. input.squeeze(-1) or target.view_as(input).',
    '让输入和目标形状相同，例如 input.squeeze(-1) 或 target.view_as(input)。',
  ],
  ['N = {n} elements (after broadcasting to {shape})', 'N = {n} 个元素（广播为 {shape} 之后）'],
  ['{fn:id} got {name:id}={value}; it must be zero or positive.', '{fn} 收到 {name}={value}；它必须为零或正数。'],
  ['{fn:id} got {name:id}={value}; it must be positive.', '{fn} 收到 {name}={value}；它必须为正数。'],
  ['Pass a non-negative {name} (the default is 1.0).', '传入非负的 {name}（默认值为 1.0）。'],
  ['Pass a positive {name} (the default is 1.0).', '传入正的 {name}（默认值为 1.0）。'],
  [
    'float16 on the CPU is slow, and Loss Lens approximates float16 arithmetic with float32.',
    'CPU 上的 float16 很慢，而且 Loss Lens 用 float32 近似 float16 运算。',
  ],
  ['Use float32 on the CPU.', '在 CPU 上使用 float32。'],
  [
    "reduction='mean' divides the summed squared errors by the number of elements",
    "reduction='mean' 用平方误差之和除以元素个数",
  ],
  [
    "reduction='mean' divides the summed absolute errors by the number of elements",
    "reduction='mean' 用绝对误差之和除以元素个数",
  ],
  [
    "reduction='mean' divides the summed smooth-L1 terms by the number of elements",
    "reduction='mean' 用各 smooth-L1 项之和除以元素个数",
  ],
  [
    "reduction='mean' divides the summed Huber terms by the number of elements",
    "reduction='mean' 用各 Huber 项之和除以元素个数",
  ],
];

/** reader/*.ts: reading tensors out of text. */
const READER: CatalogEntry[] = [
  [
    'Loss Lens reads tensor values written in the text: literals, torch.tensor/np.array calls (with dtype and casts such as .float()), and printed tensors.',
    'Loss Lens 读取文本中写出的张量值：字面量、torch.tensor/np.array 调用（可以带 dtype 以及 .float() 之类的类型转换），以及打印出来的张量。',
  ],
  [
    'Select the values themselves, or print the tensor and paste the output.',
    '请选中数值本身，或者打印张量后粘贴输出。',
  ],
  [
    'PyTorch and NumPy summarise large tensors when printing them, so the values in between are missing.',
    'PyTorch 和 NumPy 打印大张量时会省略中间部分，因此中间的值缺失了。',
  ],
  [
    'Print it whole with {option} (or, for a torch tensor, {other}) and copy the output again.',
    '用 {option} 完整打印（torch 张量则用 {other}），然后重新复制输出。',
  ],
  [
    'Print it whole with {option} (or, for a NumPy array, {other}) and copy the output again.',
    '用 {option} 完整打印（NumPy 数组则用 {other}），然后重新复制输出。',
  ],
  [
    'An imaginary literal makes a complex tensor; Loss Lens reads real-valued tensors only.',
    '虚数字面量会得到复数张量；Loss Lens 只读取实数张量。',
  ],
  ['Remove the imaginary part.', '去掉虚部。'],
  ['Select one of its values.', '请选中其中的一个值。'],
  ['Use a list: a set has no order.', '请使用列表：集合没有顺序。'],
  ['Select a tensor, not the module.', '请选中张量，而不是模块。'],
  [
    "'{name}' is a variable, and Loss Lens reads values, not variables: the selection does not give its value.",
    "'{name}' 是一个变量，而 Loss Lens 读取的是值而不是变量：所选内容中没有给出它的值。",
  ],
  [
    "Select the value of '{name}' instead, or print it (print({call})) and paste the output.",
    "请改为选中 '{name}' 的值，或者打印它（print({call})）后粘贴输出。",
  ],
  ['Select the tensor itself; Loss Lens computes the loss from it.', '请选中张量本身；Loss Lens 会用它计算损失。'],
  [
    'Build one tensor with torch.stack([...]) and print it, or write the values as one nested list.',
    '用 torch.stack([...]) 组成一个张量再打印，或者把这些值写成一个嵌套列表。',
  ],
  [
    'Tensors hold numbers; remove the quotes if the value is a number.',
    '张量只存放数字；如果这个值是数字，请去掉引号。',
  ],
  ['Replace None by a number (or nan).', '用数字（或 nan）替换 None。'],
  ['{row} has {n} {value|values}, the row above has {expected}.', '{row}有 {n} 个值，而上一行有 {expected} 个。'],
  ['{row} has {n} {value|values}, rows above have {expected}.', '{row}有 {n} 个值，而上面的行有 {expected} 个。'],
  ['{row} is a single number, but the row above has {n} {value|values}.', '{row}只是一个数字，但上一行有 {n} 个值。'],
  ['{row} is a single number, but rows above have {n} {value|values}.', '{row}只是一个数字，但上面的行有 {n} 个值。'],
  ['{row} is a list, but the value above is a number.', '{row}是一个列表，但上面的值是数字。'],
  ['{row} is a list, but the values above are numbers.', '{row}是一个列表，但上面的值都是数字。'],
  [
    'Every row of a tensor needs the same number of values: fix the row, or pad the rows to one length (torch.nn.utils.rnn.pad_sequence does this for lists of tensors).',
    '张量的每一行必须有相同个数的值：修正这一行，或者把各行填充到同一长度（对于张量列表，torch.nn.utils.rnn.pad_sequence 可以做到）。',
  ],
  ['{value:num} does not fit in {dtype:id}.', '{value} 超出了 {dtype} 的取值范围。'],
  ['Use a wider dtype.', '请使用更宽的 dtype。'],
  [
    "Use a value within {dtype}'s range ({min} to {max}), or a wider dtype.",
    '请使用 {dtype} 范围内的值（{min} 到 {max}），或者更宽的 dtype。',
  ],
  ['{value:num} does not fit in a 64-bit integer.', '{value} 超出了 64 位整数的范围。'],
  ['NaN has no integer value.', 'NaN 没有对应的整数值。'],
  ['Infinity has no integer value.', '无穷大（Infinity）没有对应的整数值。'],
  ['Use a number.', '请使用数字。'],
  ['The text is blank, or holds only comments, imports or definitions.', '文本为空，或者只有注释、import 语句或定义。'],
  [
    'Select a tensor: a list such as [[1.0, 2.0]], a torch.tensor(...) call, or a printed tensor.',
    '请选中一个张量：例如列表 [[1.0, 2.0]]、torch.tensor(...) 调用，或者打印出来的张量。',
  ],
  ['The text nests too deeply to analyse.', '文本嵌套太深，无法分析。'],
  ['Split the expression into smaller ones.', '请把表达式拆成几个更小的表达式。'],
  ['The selection holds several tensors, and this command reads one.', '所选内容包含多个张量，而这个命令只读取一个。'],
  ['The selection holds several statements and none of them is a tensor.', '所选内容包含多条语句，但没有一条是张量。'],
  [
    'Select just one tensor, or use the command that reads two tensors.',
    '只选中一个张量，或者使用读取两个张量的命令。',
  ],
  ['Select the tensor itself.', '请选中张量本身。'],
  ['Python rejects this operation on these number types.', 'Python 不允许对这些数字类型执行此运算。'],
  ['Write the value directly.', '请直接写出这个值。'],
  ['The literal divides by zero.', '字面量中出现了除以零。'],
  ['Fix the divisor.', '请修正除数。'],
  ['Fix the exponent.', '请修正指数。'],
  [
    'The result has more than {bits} bits; no tensor holds such a number.',
    '结果超过 {bits} 位；没有张量能存放这样的数字。',
  ],
  ['The result has more than {bits} bits.', '结果超过 {bits} 位。'],
  ['Write a smaller number.', '请写一个更小的数字。'],
  [
    'A negative number raised to a fractional power is a complex number in Python.',
    '在 Python 中，负数的分数次幂是复数。',
  ],
  ['Loss Lens reads real-valued tensors only.', 'Loss Lens 只读取实数张量。'],
  ['The power is too large for a float.', '这个幂太大，float 无法表示。'],
  ['A shift count must not be negative.', '移位数不能为负。'],
  ['Fix the shift count.', '请修正移位数。'],
  ['Write the arguments out.', '请把参数逐个写出来。'],
  [
    'Pass at most {n}; give the rest by keyword (dtype=...).',
    '最多按位置传入 {n} 个；其余的请用关键字传入（dtype=...）。',
  ],
  ['Write the keyword arguments out.', '请把关键字参数逐个写出来。'],
  ['Remove {name}=...; {fn}() accepts no keywords.', '请删除 {name}=...；{fn}() 不接受关键字参数。'],
  ['Remove {name}=...; {fn}() accepts {names}.', '请删除 {name}=...；{fn}() 接受的关键字参数有：{names}。'],
  ['{name:id} is not a dtype.', '{name} 不是 dtype。'],
  [
    'Use a torch dtype such as torch.float32 or torch.long.',
    '请使用 torch 的 dtype，例如 torch.float32 或 torch.long。',
  ],
  ['Use a NumPy dtype such as np.float32.', '请使用 NumPy 的 dtype，例如 np.float32。'],
  ["'{name}' is not a NumPy dtype name.", "'{name}' 不是 NumPy 的 dtype 名称。"],
  ["Use a dtype such as 'float32' or np.int64.", "请使用 'float32' 或 np.int64 这样的 dtype。"],
  ['This is not a dtype.', '这不是 dtype。'],
  ['Use a torch dtype such as torch.float32.', '请使用 torch 的 dtype，例如 torch.float32。'],
  [
    '{name} is a NumPy dtype; PyTorch constructors take torch dtypes.',
    '{name} 是 NumPy 的 dtype；PyTorch 的构造函数需要 torch 的 dtype。',
  ],
  ['Use torch.{dtype:id}.', '请使用 torch.{dtype}。'],
  ['Use np.{dtype:id}.', '请使用 np.{dtype}。'],
  ['{name} is a PyTorch dtype; NumPy takes its own dtypes.', '{name} 是 PyTorch 的 dtype；NumPy 需要它自己的 dtype。'],
  [
    'Loss Lens computes with real-valued float, integer and bool tensors; {name} is not one of them.',
    'Loss Lens 只计算实数的浮点、整数和 bool 张量；{name} 不在其中。',
  ],
  ['Use a float, integer or bool dtype.', '请使用浮点、整数或 bool 的 dtype。'],
  ['Write True or False.', '请写 True 或 False。'],
  ["Write a device such as 'cuda:0'.", "请写一个设备，例如 'cuda:0'。"],
  [
    'The tensor is {dtype}; gradients exist only for floating-point tensors.',
    '该张量是 {dtype}；只有浮点张量才有梯度。',
  ],
  [
    'Use a float dtype (torch.float32) or drop requires_grad.',
    '使用浮点 dtype（torch.float32），或者去掉 requires_grad。',
  ],
  ['Write the {what} as whole numbers.', '请把 {what} 写成整数。'],
  [
    'Random (or uninitialized) tensors have no fixed values: print the tensor after torch.manual_seed(...) and paste the output, or write the values.',
    '随机（或未初始化）的张量没有固定的值：在 torch.manual_seed(...) 之后打印张量并粘贴输出，或者直接写出数值。',
  ],
  ['Pass the values: torch.tensor([...]).', '请传入数值：torch.tensor([...])。'],
  [
    'With whole-number arguments, {name} takes sizes, not values, and the memory holds whatever was there before.',
    '参数是整数时，{name} 把它们当作尺寸而不是值，而内存里是之前残留的任意内容。',
  ],
  [
    'To make a tensor holding these numbers write {name}({sizes}) or torch.tensor({values}); for zeros use torch.zeros({shape}).',
    '要得到存放这些数字的张量，请写 {name}({sizes}) 或 torch.tensor({values})；要全零张量请用 torch.zeros({shape})。',
  ],
  ['Pass a list of values: {name}([...]).', '请传入数值列表：{name}([...])。'],
  ['Pass an array: torch.from_numpy(np.array([...])).', '请传入数组：torch.from_numpy(np.array([...]))。'],
  [
    'Wrap the values in np.array(...), or use torch.tensor(...).',
    '把数值包在 np.array(...) 中，或者改用 torch.tensor(...)。',
  ],
  ['Pass the values: np.array([...]).', '请传入数值：np.array([...])。'],
  ["Write a number, or 'inf'/'nan'.", "请写一个数字，或者 'inf'/'nan'。"],
  ['Write a whole number.', '请写一个整数。'],
  ['Give a finite end (and a non-zero step).', '请给出有限的终点（以及非零的步长）。'],
  ['Pass the shape: {lib}.{fn}((2, 3)).', '请传入形状：{lib}.{fn}((2, 3))。'],
  ['Pass the value: {lib}.full((2, 3), 1.5).', '请传入填充值：{lib}.full((2, 3), 1.5)。'],
  ['Use a smaller, non-negative shape.', '请使用更小的非负形状。'],
  ['Pass the type: .type(torch.float32).', '请传入类型：.type(torch.float32)。'],
  ['Pass the dtype: .astype(np.float32).', '请传入 dtype：.astype(np.float32)。'],
  ['Remove the method call, or print the result and paste the output.', '删除这个方法调用，或者打印结果后粘贴输出。'],
  ['Pass a dtype (torch.float32) or a device.', '请传入 dtype（torch.float32）或设备。'],
  ['The reshape does not fit the number of values.', 'reshape 的尺寸与值的个数不符。'],
  ['Check the sizes against the number of values.', '请对照值的个数检查各个尺寸。'],
];

/** What the Python parser calls an expression that cannot be assigned to (describeNode in python/parser.ts). */
const ASSIGNMENT_TARGETS: readonly (readonly [string, string])[] = [
  ['function call', '函数调用'],
  ['literal', '字面量'],
  ['ellipsis', '省略号'],
  ['comparison', '比较表达式'],
  ['lambda', 'lambda 表达式'],
  ['conditional expression', '条件表达式'],
  ['list comprehension', '列表推导式'],
  ['set comprehension', '集合推导式'],
  ['dict comprehension', '字典推导式'],
  ['generator expression', '生成器表达式'],
  ['dict literal', '字典字面量'],
  ['set display', '集合字面量'],
  ['named expression', '赋值表达式'],
  ['tuple', '元组'],
  ['list', '列表'],
  ['starred', '星号表达式'],
  ['expression', '表达式'],
];

/** python/*.ts: syntax errors of the Python front end (token names come through FRAGMENTS). */
const PYTHON: CatalogEntry[] = [
  ["An attribute name must follow '.', not {token:raw}.", "'.' 后面必须是属性名，而不是 {token}。"],
  ['Write the attribute name after the dot, or remove the dot.', '在点号后写出属性名，或者删除这个点号。'],
  [
    '{before:raw} and {token:raw} follow each other with nothing between them.',
    '{before} 和 {token} 紧挨在一起，中间什么也没有。',
  ],
  ['Put a comma before {token:raw}.', '在 {token} 前加一个逗号。'],
  [
    "The '<' at {position} starts a printed object such as <NllLossBackward0> that is never closed.",
    "位于 {position} 的 '<' 开始了一个打印出来的对象（例如 <NllLossBackward0>），但它没有闭合。",
  ],
  ["Add the closing '>'.", "补上闭合的 '>'。"],
  ['Loss Lens does not read yield expressions.', 'Loss Lens 不读取 yield 表达式。'],
  ['Select the code around the yield instead.', '请改为选中 yield 周围的代码。'],
  ['A subscript needs an index between the brackets.', '下标的方括号中需要一个索引。'],
  ['Write an index such as x[0] or x[:, 1].', '写一个索引，例如 x[0] 或 x[:, 1]。'],
  [
    'A backslash outside a string joins lines, so nothing may follow it on its line.',
    '字符串之外的反斜杠用于续行，因此它所在行的后面不能再有内容。',
  ],
  ['Remove the backslash, or move what follows it to the next line.', '删除反斜杠，或者把它后面的内容移到下一行。'],
  [
    "The '{open:raw}' opened at {position} has no matching '{close:raw}' before the end of the text.",
    "在 {position} 打开的 '{open}' 直到文本末尾都没有匹配的 '{close}'。",
  ],
  [
    "Add the missing '{close:raw}', or extend the selection to the end of the expression.",
    "补上缺少的 '{close}'，或者把所选内容扩展到表达式末尾。",
  ],
  ['A string starts here but its closing quote is missing.', '这里开始了一个字符串，但缺少闭合的引号。'],
  ['Add the closing quote, or extend the selection to include it.', '补上闭合的引号，或者扩展所选内容把它包括进来。'],
  ["'{text:raw}' is not a number Python can read.", "'{text}' 不是 Python 能读取的数字。"],
  [
    'Write the number as digits with an optional decimal point and exponent, e.g. 1.5e-3.',
    '把数字写成数字位，可以带小数点和指数，例如 1.5e-3。',
  ],
  [
    "'{char:raw}' cannot appear in Python code outside a string or a comment.",
    "'{char}' 不能出现在字符串或注释之外的 Python 代码中。",
  ],
  [
    'Remove it, or check that the selection holds Python (or JSON) and nothing else.',
    '删除它，或者确认所选内容只包含 Python（或 JSON）代码。',
  ],
  ['Python allows at most {n} nested brackets.', 'Python 最多允许 {n} 层嵌套括号。'],
  ['Flatten the expression; no tensor needs that many dimensions.', '请把表达式展平；没有张量需要这么多维度。'],
  [
    "No '{open:raw}' is open when this '{close:raw}' closes one.",
    "这个 '{close}' 要闭合括号，但前面并没有打开的 '{open}'。",
  ],
  [
    "Remove the '{close:raw}', or extend the selection to include its '{open:raw}'.",
    "删除这个 '{close}'，或者扩展所选内容把与之对应的 '{open}' 包括进来。",
  ],
  [
    "The '{open:raw}' opened at {position} must be closed by '{expected:raw}' before this '{close:raw}'.",
    "在 {position} 打开的 '{open}' 必须在这个 '{close}' 之前用 '{expected}' 闭合。",
  ],
  [
    "Close the '{open:raw}' with '{expected:raw}', or check the brackets between {from} and {to}.",
    "用 '{expected}' 闭合 '{open}'，或者检查 {from} 与 {to} 之间的括号。",
  ],
  ...ASSIGNMENT_TARGETS.map(([en, zh]): CatalogEntry => [
    `The left side of the assignment is a ${en}, which cannot hold a value.`,
    `赋值号左边是${zh}，它不能保存值。`,
  ]),
  ["Assign to a name (x = ...), or write '==' to compare.", "请赋值给一个名称（x = ...），或者用 '==' 做比较。"],
  ['Assign to a name instead.', '请改为赋值给一个名称。'],
  ["Python expected '{text:raw}' here but found {token:raw}.", "Python 在这里期望 '{text}'，却遇到了 {token}。"],
  ["Insert '{text:raw}', or check the text just before {token:raw}.", "插入 '{text}'，或者检查 {token} 之前的文本。"],
  ["Insert '{text:raw}'.", "插入 '{text}'。"],
  ['The expression stops at {token:raw} before it is complete.', '表达式在 {token} 处中断，尚不完整。'],
  [
    'Complete the expression, or extend the selection to include the rest of it.',
    '补全表达式，或者扩展所选内容把其余部分包括进来。',
  ],
  ['Python does not expect {token:raw} here.', 'Python 在这里不应遇到 {token}。'],
  ['Remove {token:raw}, or check the text just before it.', '删除 {token}，或者检查它之前的文本。'],
  [
    'The expression nests deeper than {n} levels (brackets, operators, signs and method calls counted together).',
    '表达式的嵌套超过了 {n} 层（括号、运算符、正负号和方法调用合计）。',
  ],
  ['The expression nests too deeply to analyse.', '表达式嵌套太深，无法分析。'],
];

/** snippet/*.ts: the Python snippet checker, its notices and its quick-fix titles. */
const SNIPPET: CatalogEntry[] = [
  ['Move the classes to dimension 1: .permute({order})', '把类别移到维度 1：.permute({order})'],
  [
    'Flatten: input .reshape(-1, {classes}) and target .reshape(-1)',
    '展平：input 用 .reshape(-1, {classes})，target 用 .reshape(-1)',
  ],
  ['Flatten the target: .reshape(-1)', '展平目标：.reshape(-1)'],
  ['Drop the extra dimension: .squeeze(1)', '去掉多余的维度：.squeeze(1)'],
  ['Use class indices: .argmax(dim={dim})', '改用类别索引：.argmax(dim={dim})'],
  ['Keep class probabilities: .float()', '保留类别概率：.float()'],
  ['Convert the class indices: .long()', '转换类别索引：.long()'],
  ['Convert the target: {call}', '转换目标：{call}'],
  ['Convert the input: .float()', '转换输入：.float()'],
  ['Switch to {loss:id}', '改用 {loss}'],
  ['Apply the sigmoid first: torch.sigmoid(input)', '先应用 sigmoid：torch.sigmoid(input)'],
  ["Use reduction='batchmean'", "使用 reduction='batchmean'"],
  ["Drop the input's last dimension: .squeeze({dim})", '去掉输入的最后一维：.squeeze({dim})'],
  ["Give the target the input's shape: .view_as({input})", '让目标与输入形状相同：.view_as({input})'],
  ["Drop the target's last dimension: .squeeze({dim})", '去掉目标的最后一维：.squeeze({dim})'],
  [
    "Give the target the input's shape {shape}: .view_as({input})",
    '让目标与输入形状相同（{shape}）：.view_as({input})',
  ],
  [
    'With --loss and no loss call in the snippet, Loss Lens applies {loss} to the first two tensors the snippet defines.',
    '指定了 --loss 而代码片段中没有损失调用时，Loss Lens 会对代码片段定义的前两个张量应用 {loss}。',
  ],
  [
    'Select code that defines the input and the target, or a line that calls the loss.',
    '请选中定义输入和目标的代码，或者调用损失的那一行。',
  ],
  [
    'This is a bug in Loss Lens, not in your code; the rest of the snippet was evaluated.',
    '这是 Loss Lens 的 bug，不是你的代码有问题；代码片段的其余部分已经求值。',
  ],
  [
    'Loss Lens evaluates straight-line code: assignments, expressions and imports.',
    'Loss Lens 只对顺序执行的代码求值：赋值、表达式和 import。',
  ],
  [
    'Blocks (def, class, for, if, with, ...) and statements such as return or del are not run.',
    '代码块（def、class、for、if、with 等）以及 return、del 这类语句不会执行。',
  ],
  ['Select the statements inside the block to evaluate them.', '选中代码块内部的语句即可对它们求值。'],
  [
    '{fn:id} takes {n:num} parameters at most; the extra positional arguments have nowhere to go.',
    '{fn} 最多接受 {n} 个参数；多出来的位置参数无处可放。',
  ],
  ["Pass the options by keyword, e.g. reduction='sum'.", "请用关键字传入选项，例如 reduction='sum'。"],
  ['{name:id} is given by position and again by keyword.', '{name} 既按位置传入，又按关键字传入了一次。'],
  ['Remove one of the two {name} arguments.', '删除两个 {name} 参数中的一个。'],
  [
    '{loss:id} is a PyTorch loss, but Loss Lens has no implementation of it, so this call is neither computed nor checked.',
    '{loss} 是 PyTorch 的损失函数，但 Loss Lens 没有实现它，因此这次调用既不会计算，也不会检查。',
  ],
  ['Remove the {what}: pass {operand}', '去掉 {what}：直接传入 {operand}'],
  ["Pass the {what}'s input {operand} instead", '改为传入 {what} 的输入 {operand}'],
  ['Use {to} instead of {from}', '用 {to} 代替 {from}'],
  [
    'CrossEntropyLoss applies log_softmax itself, so the probabilities are softmaxed a second time: the loss cannot get near 0 and the gradients shrink, so training stalls.',
    'CrossEntropyLoss 自己会应用 log_softmax，因此概率会被第二次 softmax：损失无法接近 0，梯度也会变小，训练停滞。',
  ],
  ['PyTorch raises nothing.', 'PyTorch 不会报错。'],
  [
    'Pass the raw logits (remove the softmax), or use F.nll_loss(torch.log(probabilities), target).',
    '传入原始 logits（去掉 softmax），或者使用 F.nll_loss(torch.log(probabilities), target)。',
  ],
  [
    'NLLLoss only picks −input[target]; on probabilities that is the negative probability, not a log-likelihood, and it is not a cross-entropy.',
    'NLLLoss 只取 −input[target]；对概率而言，那只是概率的相反数，不是对数似然，也不是交叉熵。',
  ],
  ['Use log_softmax instead of softmax.', '用 log_softmax 代替 softmax。'],
  [
    'kl_div computes target·(log target − input): with probabilities as the input the result is not a KL divergence.',
    'kl_div 计算的是 target·(log target − input)：如果输入是概率，结果就不是 KL 散度。',
  ],
  ['Use log_softmax for the input.', '对输入使用 log_softmax。'],
  ['Keep the sigmoid and switch to {loss}', '保留 sigmoid 并改用 {loss}'],
  [
    'Remove the sigmoid before the loss, or keep it and use BCELoss.',
    '去掉损失之前的 sigmoid，或者保留它并改用 BCELoss。',
  ],
  ['Apply the sigmoid first', '先应用 sigmoid'],
  [
    'BCELoss raises "all elements of input should be between 0 and 1" as soon as one value falls outside [0, 1], which unbounded scores (logits) do.',
    '只要有一个值超出 [0, 1]，BCELoss 就会报错 "all elements of input should be between 0 and 1"，而无界的分数（logits）正会如此。',
  ],
  [
    'Use BCEWithLogitsLoss on the raw scores, or apply torch.sigmoid first.',
    '对原始分数使用 BCEWithLogitsLoss，或者先应用 torch.sigmoid。',
  ],
  [
    'Without dim, PyTorch picks dimension {dim} for a {dims}-D input, which is not always the class dimension.',
    '不指定 dim 时，PyTorch 对 {dims} 维输入选用维度 {dim}，而它不一定是类别维度。',
  ],
  ['Pass the dimension explicitly, e.g. dim={dim}.', '请显式传入维度，例如 dim={dim}。'],
];

/**
 * English words that reach a sentence through a placeholder: the Python front end's token descriptions, the reader's
 * row labels, and the operand names the broadcasting errors use.
 */
const FRAGMENTS: CatalogEntry[] = [
  ['{the|The} number {text}', '数字 {text}'],
  ['a string', '一个字符串'],
  ['A string', '一个字符串'],
  ['the end of the line', '行尾'],
  ['The end of the line', '行尾'],
  ['the end of the text', '文本末尾'],
  ['The end of the text', '文本末尾'],
  ['{Row|row} {row}', '第 {row} 行'],
  ['{Row|row} {row} of block {block}', '第 {block} 块中的第 {row} 行'],
  ['the target', '目标'],
  ['the input', '输入'],
  ['the loss', '损失'],
  ['the cosine similarities', '余弦相似度'],
  ['the negative distance', '负样本距离'],
  ['input and target', 'input 和 target'],
  ['input1, input2 and target', 'input1、input2 和 target'],
];

/** npy.ts: reading .npy files. */
const NPY: CatalogEntry[] = [
  [
    'A .npy file begins with the bytes \\x93NUMPY; byte {i} differs (the file is too short).',
    '.npy 文件以字节 \\x93NUMPY 开头；第 {i} 字节不同（文件太短）。',
  ],
  [
    'A .npy file begins with the bytes \\x93NUMPY; byte {i} differs.',
    '.npy 文件以字节 \\x93NUMPY 开头；第 {i} 字节不同。',
  ],
  ['.npz archives, pickles and text files are not .npy files.', '.npz 压缩包、pickle 文件和文本文件都不是 .npy 文件。'],
  [
    'Save the array with numpy.save(path, array) (for an .npz, load it and save the array you need).',
    '请用 numpy.save(path, array) 保存数组（如果是 .npz，请先加载再保存需要的数组）。',
  ],
  [
    "A .npy file starts with a Python dict such as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}; this one is damaged at byte {offset}.",
    ".npy 文件以一个 Python 字典开头，例如 {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4)}；此文件在第 {offset} 字节处损坏。",
  ],
  ['Write the file again with numpy.save(path, array).', '请用 numpy.save(path, array) 重新写入该文件。'],
  ['Write the file again with numpy.save.', '请用 numpy.save 重新写入该文件。'],
  ['Save the array again with numpy.save.', '请用 numpy.save 重新保存该数组。'],
  ['Loss Lens reads .npy format versions 1.0, 2.0 and 3.0.', 'Loss Lens 可读取 1.0、2.0 和 3.0 版本的 .npy 格式。'],
  [
    'The file is shorter than its own header: it was cut off (an interrupted copy or download).',
    '文件比它自己的文件头还短：文件被截断了（复制或下载中断）。',
  ],
  [
    'The header says it is {length} bytes long, but the file ends at byte {end}.',
    '文件头声明长度为 {length} 字节，但文件在第 {end} 字节处就结束了。',
  ],
  [
    "A .npy header names 'descr' (the dtype), 'fortran_order' and 'shape'.",
    ".npy 文件头需要包含 'descr'（数据类型）、'fortran_order' 和 'shape'。",
  ],
  [
    'The array has named fields (a structured dtype); a loss needs a plain numeric array.',
    '该数组带有命名字段（结构化 dtype）；损失函数需要普通的数值数组。',
  ],
  [
    "Save one field as a plain array: numpy.save(path, array['field']).",
    "把其中一个字段保存为普通数组：numpy.save(path, array['field'])。",
  ],
  [
    'torch.from_numpy cannot convert {descr} (uint{bits}) either: PyTorch has no such dtype.',
    'torch.from_numpy 同样无法转换 {descr}（uint{bits}）：PyTorch 没有这种数据类型。',
  ],
  [
    "Loss Lens reads float16/32/64, int8/16/32/64, uint8 and bool arrays, like torch.from_numpy; '{descr}' is {kind}.",
    "Loss Lens 与 torch.from_numpy 一样，可读取 float16/32/64、int8/16/32/64、uint8 和 bool 数组；'{descr}' 是 {kind}。",
  ],
  [
    'Convert before saving: numpy.save(path, array.astype(numpy.int64)).',
    '请在保存前转换：numpy.save(path, array.astype(numpy.int64))。',
  ],
  [
    'Save a numeric array: numpy.save(path, array.astype(numpy.float32)) for scores, .astype(numpy.int64) for class indices.',
    '请保存数值数组：分数用 numpy.save(path, array.astype(numpy.float32))，类别索引用 .astype(numpy.int64)。',
  ],
  ["The header's 'fortran_order' must be True or False.", "文件头中的 'fortran_order' 必须是 True 或 False。"],
  [
    "The header's 'shape' must be a tuple of non-negative integers, e.g. (3, 4).",
    "文件头中的 'shape' 必须是非负整数组成的元组，例如 (3, 4)。",
  ],
  [
    'The file is shorter than its header promises: it was cut off (an interrupted copy or download).',
    '文件比文件头声明的要短：文件被截断了（复制或下载中断）。',
  ],
  [
    'Check the path (it is relative to the JSON file) and that the file exists.',
    '请检查路径（相对于 JSON 文件）以及文件是否存在。',
  ],
  [
    "A JSON object holds each key once: Python's json.load keeps the last value without a word, and other readers keep the first.",
    'JSON 对象中每个键只能出现一次：Python 的 json.load 会悄悄保留最后一个值，而其他读取器保留第一个。',
  ],
  ['Remove one of the two members, or rename one.', '请删除这两个成员之一，或给其中一个改名。'],
  [
    'Write the sizes as whole numbers, or leave "shape" out: the data gives it.',
    '请把各维大小写成整数，或者省略 "shape"：数据本身就给出了形状。',
  ],
  [
    'Correct "shape" to match the data, or leave it out: the data alone gives the shape.',
    '请把 "shape" 改成与数据一致，或者省略它：仅凭数据就能得出形状。',
  ],
  [
    'NumPy reads the header as a Python literal and refuses one with a NUL byte in it; so does Loss Lens.',
    'NumPy 把文件头当作 Python 字面量读取，含有 NUL 字节的文件头会被拒绝；Loss Lens 也一样。',
  ],
  [
    "A .npy header holds exactly 'descr', 'fortran_order' and 'shape'; NumPy refuses a header with any other key.",
    ".npy 文件头恰好包含 'descr'、'fortran_order' 和 'shape'；含有其他键的文件头会被 NumPy 拒绝。",
  ],
  [
    'Loss Lens checks this tensor by its shape only: reading that many values one by one would stall the editor.',
    'Loss Lens 只按形状检查这个张量：逐个读取这么多值会让编辑器卡住。',
  ],
  [
    'Nothing to fix for PyTorch; to see values, try the code on a smaller tensor.',
    '对 PyTorch 而言无需修改；若要查看数值，请在更小的张量上试运行这段代码。',
  ],
  [
    'This line is indented with a mix of tabs and spaces that means one thing if a tab is 8 columns and another if it is 1, so Python refuses it.',
    '这一行的缩进混用了制表符和空格：制表符按 8 列算和按 1 列算时含义不同，因此 Python 拒绝它。',
  ],
  [
    'Indent with spaces only (4 per level) or with tabs only; "Convert Indentation to Spaces" in the editor fixes the whole file.',
    '请只用空格（每级 4 个）或只用制表符缩进；编辑器中的 "Convert Indentation to Spaces" 可以修正整个文件。',
  ],
  [
    'Loss Lens reads only regular files: a device, a pipe or a socket can be endless or never answer.',
    'Loss Lens 只读取普通文件：设备、管道或套接字可能没有尽头，也可能永远不返回。',
  ],
  [
    'Save the tensors to a regular file (numpy.save or json.dump) and name that file.',
    '请把张量保存为普通文件（numpy.save 或 json.dump），再引用该文件。',
  ],
  [
    'Every file read counts against the size limit, including the .npy files a JSON file names.',
    '读取的每个文件都受大小限制，包括 JSON 文件引用的 .npy 文件。',
  ],
  [
    'Raise the limit (the lossLens.maxFileSizeMB setting, or --max-file-size-mb in the command line) or pass a smaller file.',
    '请提高限制（设置 lossLens.maxFileSizeMB，或命令行参数 --max-file-size-mb），或改用更小的文件。',
  ],
  [
    'A tensor file may name only files inside its folder (the workspace in the editor), so that a file from elsewhere cannot make Loss Lens read anywhere on the disk.',
    '张量文件只能引用其所在文件夹（在编辑器中为工作区）内的文件，这样来自别处的文件就无法让 Loss Lens 读取磁盘上的任意位置。',
  ],
  [
    'Move the file next to the JSON file, or allow it (the lossLens.allowFilesOutsideWorkspace setting, or --allow-outside in the command line).',
    '请把该文件移到 JSON 文件旁边，或允许这样做（设置 lossLens.allowFilesOutsideWorkspace，或命令行参数 --allow-outside）。',
  ],
];

/** losses/*.ts summaries and suggest.ts reasons: what the loss QuickPick shows. */
const PICKER: CatalogEntry[] = [
  [
    'Binary cross-entropy of probabilities (sigmoid outputs) against 0/1 or soft targets.',
    '概率（sigmoid 输出）对 0/1 或软目标的二元交叉熵。',
  ],
  [
    'Sigmoid + binary cross-entropy on raw logits, numerically stable, with pos_weight for imbalanced labels.',
    '对原始 logits 做 sigmoid + 二元交叉熵，数值稳定，可用 pos_weight 处理不平衡标签。',
  ],
  [
    'Softmax cross-entropy of raw logits against class indices or class probabilities.',
    '原始 logits 对类别索引或类别概率的 softmax 交叉熵。',
  ],
  [
    'Connectionist Temporal Classification for unaligned sequences (speech, handwriting); log_probs [T, N, C].',
    '用于未对齐序列（语音、手写）的 CTC 损失；log_probs 形状为 [T, N, C]。',
  ],
  [
    'Pulls similar pairs (y = 1) to cosine 1 and pushes dissimilar pairs (y = −1) below the margin.',
    '把相似对（y = 1）的余弦拉向 1，把不相似对（y = −1）推到 margin 以下。',
  ],
  [
    'Triplet hinge: the anchor must be closer to the positive than to the negative by a margin.',
    '三元组合页损失：anchor 与正样本的距离必须比与负样本的距离小至少一个 margin。',
  ],
  [
    'KL divergence of a target distribution from log-probabilities (use batchmean for the true KL).',
    '目标分布相对于对数概率的 KL 散度（用 batchmean 才是真正的 KL）。',
  ],
  [
    'Poisson negative log-likelihood for count targets; input is the log-rate (log_input=True) or the rate.',
    '计数目标的泊松负对数似然；输入为对数速率（log_input=True）或速率本身。',
  ],
  [
    'Gaussian negative log-likelihood with a predicted variance per element or per sample.',
    '高斯负对数似然，方差按元素或按样本预测。',
  ],
  ['Two-class logistic loss log(1 + exp(−y·x)) for labels ±1.', '标签为 ±1 的二分类逻辑损失 log(1 + exp(−y·x))。'],
  [
    'Ranking hinge max(0, −y·(x1 − x2) + margin): y = 1 means x1 should rank higher.',
    '排序合页损失 max(0, −y·(x1 − x2) + margin)：y = 1 表示 x1 应排在前面。',
  ],
  [
    'Distance hinge: x for similar pairs (y = 1), max(0, margin − x) for dissimilar (y = −1).',
    '距离合页损失：相似对（y = 1）取 x，不相似对（y = −1）取 max(0, margin − x)。',
  ],
  [
    'Multi-class hinge (SVM) loss over class scores with a class-index target.',
    '基于类别分数与类别索引目标的多类合页（SVM）损失。',
  ],
  [
    'Multi-label hinge: every listed class must outscore every unlisted class by 1 (targets are indices padded with -1).',
    '多标签合页损失：每个列出的类别的分数都必须比每个未列出的类别高至少 1（目标是用 -1 填充的索引）。',
  ],
  [
    'Multi-label sigmoid cross-entropy on logits, averaged over the C labels of each sample.',
    '对 logits 的多标签 sigmoid 交叉熵，在每个样本的 C 个标签上取平均。',
  ],
  [
    'Negative log-likelihood of class indices given log-probabilities (use after log_softmax).',
    '给定对数概率时类别索引的负对数似然（在 log_softmax 之后使用）。',
  ],
  ['Mean squared error: (input − target)², for regression.', '均方误差：(input − target)²，用于回归。'],
  ['Mean absolute error: |input − target|, robust to outliers.', '平均绝对误差：|input − target|，对离群值稳健。'],
  [
    'Smooth L1: squared error below beta, absolute error above (box regression).',
    'Smooth L1：小于 beta 时为平方误差，大于时为绝对误差（边框回归）。',
  ],
  [
    'Huber: squared error below delta, delta-scaled absolute error above.',
    'Huber：小于 delta 时为平方误差，大于时为按 delta 缩放的绝对误差。',
  ],
  ['integer class indices with one row of scores per sample', '整数类别索引，每个样本一行分数'],
  ['the input looks like log-probabilities', '输入看起来是对数概率'],
  [
    'one-hot targets (cast them with .float() to use them as class probabilities)',
    'one-hot 目标（用 .float() 转换后可作为类别概率使用）',
  ],
  ['each target row is a probability distribution', '每一行目标都是一个概率分布'],
  [
    'the target rows are distributions; KLDiv wants log-probabilities as input',
    '目标的每一行都是分布；KLDiv 需要对数概率作为输入',
  ],
  ['the input lies in [0, 1] (probabilities) and the targets are 0/1', '输入位于 [0, 1]（概率），目标为 0/1'],
  [
    'the input has values outside [0, 1] (logits) and the targets are 0/1',
    '输入有 [0, 1] 之外的值（logits），目标为 0/1',
  ],
  ['binary targets', '二值目标'],
  ['one 0/1 target per class', '每个类别一个 0/1 目标'],
  ['the targets are ±1', '目标为 ±1'],
  ['input and target have the same shape', 'input 与 target 形状相同'],
];

/**
 * Loss Lens's own warning messages (not PyTorch's text, so they are translated whole; the codes are listed in
 * ./index.ts): the value-level softmax check of cross_entropy.ts and extra/common.ts, the code-level warnings of
 * snippet/loss-calls.ts (the activation that produced a loss's input, directly or on an earlier line), and the checks
 * of values, shapes and parameters that PyTorch lets pass silently. Each template must match every form its code
 * writes: test/unit/i18n/coverage.test.ts runs the code on inputs that produce each one.
 */
export const OWN_WARNINGS: CatalogEntry[] = [
  [
    'The input looks like softmax output (every row is ≥ 0 and sums to 1), but {fn:id} expects raw logits.',
    '输入看起来是 softmax 输出（每一行都 ≥ 0 且和为 1），但 {fn} 期望的是原始 logits。',
  ],
  [
    'The input of {fn:id} is softmax output ({call} on line {line:num}), but CrossEntropyLoss expects raw logits.',
    '{fn} 的输入是 softmax 输出（第 {line} 行的 {call}），但 CrossEntropyLoss 期望的是原始 logits。',
  ],
  [
    'The input of {fn:id} is softmax output ({call}), but CrossEntropyLoss expects raw logits.',
    '{fn} 的输入是 softmax 输出（{call}），但 CrossEntropyLoss 期望的是原始 logits。',
  ],
  [
    'The input of {fn:id} is softmax output ({call} on line {line:num}), but NLLLoss expects log-probabilities.',
    '{fn} 的输入是 softmax 输出（第 {line} 行的 {call}），但 NLLLoss 期望的是对数概率。',
  ],
  [
    'The input of {fn:id} is softmax output ({call}), but NLLLoss expects log-probabilities.',
    '{fn} 的输入是 softmax 输出（{call}），但 NLLLoss 期望的是对数概率。',
  ],
  [
    'The input of {fn:id} is softmax output ({call} on line {line:num}), but KLDivLoss expects log-probabilities.',
    '{fn} 的输入是 softmax 输出（第 {line} 行的 {call}），但 KLDivLoss 期望的是对数概率。',
  ],
  [
    'The input of {fn:id} is softmax output ({call}), but KLDivLoss expects log-probabilities.',
    '{fn} 的输入是 softmax 输出（{call}），但 KLDivLoss 期望的是对数概率。',
  ],
  [
    'The input of {fn:id} is sigmoid output ({call} on line {line:num}), but BCEWithLogitsLoss expects raw logits.',
    '{fn} 的输入是 sigmoid 输出（第 {line} 行的 {call}），但 BCEWithLogitsLoss 期望的是原始 logits。',
  ],
  [
    'The input of {fn:id} is sigmoid output ({call}), but BCEWithLogitsLoss expects raw logits.',
    '{fn} 的输入是 sigmoid 输出（{call}），但 BCEWithLogitsLoss 期望的是原始 logits。',
  ],
  [
    'The input of {fn:id} comes from {producer}(...) (line {line:num}), whose values are not limited to [0, 1], but BCELoss expects probabilities.',
    '{fn} 的输入来自 {producer}(...)（第 {line} 行），其取值不限于 [0, 1]，但 BCELoss 期望的是概率。',
  ],
  [
    'Every input value lies in [0, 1]: these look like probabilities, but {fn:id} expects raw logits.',
    '输入的每个值都在 [0, 1] 内：看起来是概率，但 {fn} 期望的是原始 logits。',
  ],
  [
    'The input does not look like log-probabilities ({bad:num} of {all:num} {row|rows} {has|have} a value above 0 or exp() not summing to 1).',
    '输入看起来不是对数概率（{all} 行中有 {bad} 行含有大于 0 的值，或 exp() 之和不为 1）。',
  ],
  [
    'The input has {count:num} positive {value|values}: it does not look like log-probabilities.',
    '输入有 {count} 个正值：看起来不是对数概率。',
  ],
  [
    "The input's exp() does not sum to 1 along the class dimension in {count:num} {row|rows}: it does not look like log-probabilities.",
    '输入的 exp() 在类别维度上有 {count} 行之和不为 1：看起来不是对数概率。',
  ],
  // The labels of the ±1 losses (torch-semantics.ts).
  [
    '{fn:id} expects labels 1 and -1, but the target holds 0/1 labels ({count:num} {zero|zeros}).',
    '{fn} 期望的标签是 1 和 -1，但 target 里是 0/1 标签（含 {count} 个 0）。',
  ],
  [
    '{fn:id} expects labels 1 and -1, but the target also holds {values}.',
    '{fn} 期望的标签是 1 和 -1，但 target 里还有其他值：{values}。',
  ],
  // Shapes PyTorch 1.13 broadcasts without its own warning (likelihood.ts, margin.ts).
  [
    '{fn:id}: input {input} and target {target} differ in shape and PyTorch broadcasts them to {shape} without a warning.',
    '{fn}：input {input} 与 target {target} 形状不同，PyTorch 会不加任何警告地把它们广播成 {shape}。',
  ],
  [
    '{fn:id}: input and target have different shapes ({shapes}) and PyTorch broadcasts them to {shape} without a warning.',
    '{fn}：input 与 target 形状不同（{shapes}），PyTorch 会不加任何警告地把它们广播成 {shape}。',
  ],
  [
    '{fn:id}: input1, input2 and target have different shapes ({shapes}) and PyTorch broadcasts them to {shape} without a warning.',
    '{fn}：input1、input2 与 target 形状不同（{shapes}），PyTorch 会不加任何警告地把它们广播成 {shape}。',
  ],
  // Values that give nan, or that a loss reads differently from what was meant.
  [
    'poisson_nll_loss with log_input=False got {count:num} negative input {value|values}: their loss is nan.',
    'poisson_nll_loss 在 log_input=False 时收到 {count} 个负的 input 值：这些位置的损失为 nan。',
  ],
  [
    'The target has {count:num} negative {value, which gives|values, which give} nan (log of a negative number).',
    'target 有 {count} 个负值，会得到 nan（对负数取对数）。',
  ],
  [
    'log_target=True but the target has {count:num} positive {value|values}: it does not look like log-probabilities.',
    'log_target=True，但 target 有 {count} 个正值：看起来不是对数概率。',
  ],
  [
    '{count:num} target {value lies|values lie} outside [0, 1] (from {min:num} to {max:num}).',
    '有 {count} 个 target 值不在 [0, 1] 内（target 的取值范围是 {min} 到 {max}）。',
  ],
  [
    'The multilabel_margin_loss target lists the same class more than once in a row.',
    'multilabel_margin_loss 的 target 在同一行里把同一个类别列出了不止一次。',
  ],
  [
    'multilabel_margin_loss reads the target as class indices padded with -1, but it looks like a multi-hot 0/1 vector.',
    'multilabel_margin_loss 把 target 读作用 -1 填充的类别索引，但它看起来是多热（multi-hot）0/1 向量。',
  ],
  // Means over nothing.
  ["The batch is empty, so reduction='mean' is 0/0 = nan.", "批次为空，所以 reduction='mean' 是 0/0 = nan。"],
  [
    "The input is empty, so reduction='{reduction:id}' is 0/0 = nan.",
    "输入为空，所以 reduction='{reduction}' 是 0/0 = nan。",
  ],
  [
    "Every target equals ignore_index ({index:num}), so reduction='mean' is 0/0 = nan.",
    "每个 target 都等于 ignore_index（{index}），所以 reduction='mean' 是 0/0 = nan。",
  ],
  [
    'Every target equals ignore_index ({index:num}), so the loss is 0 and no gradient flows.',
    '每个 target 都等于 ignore_index（{index}），所以损失为 0，也没有梯度回传。',
  ],
  [
    "{fn:id} with an empty batch and reduction='{reduction:id}' returns an uninitialised value in PyTorch 1.13.",
    "在 PyTorch 1.13 中，{fn} 遇到空批次且 reduction='{reduction}' 时返回的是未初始化的值。",
  ],
  // ctc_loss (ctc.ts).
  [
    'ctc_loss is inf for {count:num} {sequence|sequences}: no alignment of the target fits the input.',
    'ctc_loss 在 {count} 个序列上为 inf：input 中放不下 target 的任何一种对齐。',
  ],
  [
    'The targets contain the blank label {blank:num} {count:num} {time|times} within their target lengths.',
    'targets 在各自的目标长度内出现了 {count} 次空白标签 {blank}。',
  ],
  ['input_lengths is 0 for {count:num} {sequence|sequences}.', '有 {count} 个序列的 input_lengths 为 0。'],
  [
    'log_probs looks like probabilities (rows in [0, 1] summing to 1), not log-probabilities.',
    'log_probs 看起来是概率（每行都在 [0, 1] 内且和为 1），而不是对数概率。',
  ],
  [
    'log_probs rows are not normalised log-probabilities: logsumexp over the classes is {value:num} at t={t:num}, sequence {sequence:num} (it should be 0).',
    'log_probs 的行不是归一化的对数概率：在 t={t}、序列 {sequence} 处，对类别求 logsumexp 得到 {value}（应为 0）。',
  ],
  // Parameters of the extra losses out of their range (losses/extra/).
  [
    "alpha={alpha:num} is above 1, so the negatives' weight 1 − α is negative.",
    'alpha={alpha} 大于 1，因此负样本的权重 1 − α 为负。',
  ],
  [
    'gamma={gamma:num} is negative, so (1 − p_t)^γ grows as the prediction gets right.',
    'gamma={gamma} 为负，因此预测越准确，(1 − p_t)^γ 反而越大。',
  ],
  [
    'eps={eps:num} is outside (0, 1): log(clamp(one_hot, min=eps)) is {value} off the target class.',
    'eps={eps} 不在 (0, 1) 内：在非目标类别上，log(clamp(one_hot, min=eps)) 为 {value}。',
  ],
  [
    'epsilon={epsilon:num} is outside [0, 1], so the smoothed target has a negative entry.',
    'epsilon={epsilon} 不在 [0, 1] 内，因此平滑后的 target 会出现负值。',
  ],
];

/**
 * Loss Lens's own informational notes on a result (codes `info/...`, listed in ./index.ts): how the reduction divided,
 * what weights and clamps did, what another convention would give. Translated whole, like {@link OWN_WARNINGS}.
 */
export const OWN_NOTES: CatalogEntry[] = [
  // Weights and means (nll_loss.ts, binary_cross_entropy*.ts).
  ['Class weights differ from 1: {list}.', '类别权重不全为 1：{list}。'],
  ['Class weights differ from 1: {list}, … ({count:num} in all).', '类别权重不全为 1：{list}，…（共 {count} 个）。'],
  [
    "reduction='mean' divides by Σ w[yᵢ] = {total:num}, not by the {samples:num} samples.",
    "reduction='mean' 除以的是 Σ w[yᵢ] = {total}，而不是 {samples} 个样本。",
  ],
  [
    "reduction='mean' divides by the {kept:num} non-ignored samples, not by all {samples:num}.",
    "reduction='mean' 除以的是 {kept} 个未被忽略的样本，而不是全部 {samples} 个。",
  ],
  [
    'weight differs from 1 (values from {min:num} to {max:num}, shape {shape}).',
    'weight 中有不等于 1 的值（取值从 {min} 到 {max}，形状 {shape}）。',
  ],
  [
    'pos_weight differs from 1 ({min:num} to {max:num}, shape {shape}).',
    'pos_weight 中有不等于 1 的值（取值从 {min} 到 {max}，形状 {shape}）。',
  ],
  ['pos_weight differs from 1 ({value:num}, shape {shape}).', 'pos_weight 不为 1（均为 {value}，形状 {shape}）。'],
  [
    "{count:num} {element hits|elements hit} BCELoss's log clamp at −100.",
    '有 {count} 个元素触及 BCELoss 在 −100 处的对数截断。',
  ],
  // Other conventions and defaults.
  [
    "reduction='batchmean' would give {batchmean:num} instead of {mean:num}.",
    "若用 reduction='batchmean'，结果会是 {batchmean}，而不是 {mean}。",
  ],
  [
    'This is the clamp convention ({kept:num} on the target, ε/(C−1) = {rest:num} elsewhere): {value:num}. nn.CrossEntropyLoss(label_smoothing={epsilon:num}) gives {torch:num}.',
    '这是 clamp 约定（目标类别取 {kept}，其余类别取 ε/(C−1) = {rest}）下的值：{value}。nn.CrossEntropyLoss(label_smoothing={epsilon}) 给出的是 {torch}。',
  ],
  [
    'label_smoothing={value} is negative, so PyTorch applies no smoothing.',
    'label_smoothing={value} 为负，因此 PyTorch 不做任何平滑。',
  ],
  [
    "sigmoid_focal_loss returns one loss per element by default (reduction='none').",
    "sigmoid_focal_loss 默认对每个元素各返回一个损失（reduction='none'）。",
  ],
  // Clamps (likelihood.ts, ctc.ts, extra/symmetric_cross_entropy.ts).
  [
    '{count:num} {variance is|variances are} below eps={eps} and {was|were} clamped to eps.',
    '有 {count} 个方差小于 eps={eps}，已被截断为 eps。',
  ],
  [
    'zero_infinity=True replaced {count:num} infinite {loss|losses} (and their gradients) with 0.',
    'zero_infinity=True 把 {count} 个无穷大的损失（及其梯度）替换成了 0。',
  ],
  [
    '{count:num} softmax {probability is|probabilities are} below pred_min={predMin} and clamped up to it.',
    '有 {count} 个 softmax 概率小于 pred_min={predMin}，已被向上截断到该值。',
  ],
  // Half precision (torch-semantics.ts, regression.ts).
  [
    "Loss Lens stores {dtype:id} results as PyTorch's CPU kernels do, computing inside a kernel in float32.",
    'Loss Lens 像 PyTorch 的 CPU 内核一样以 {dtype} 存储结果，内核内部用 float32 计算。',
  ],
  ['Loss Lens computes {dtype:id} losses in float32 precision.', 'Loss Lens 以 float32 精度计算 {dtype} 损失。'],
];

/**
 * Loss Lens's own error messages and notes on a program (not PyTorch's, Python's or NumPy's text; the codes are
 * listed in ./index.ts): the JSON tensor file (json/parse.ts, stream/reader.ts, json/tensorFile.ts, run.ts), the
 * losses and cases Loss Lens does not compute, and what the snippet evaluator assumed, skipped or did not read.
 * Translated whole, like {@link OWN_WARNINGS}.
 */
export const OWN_ERRORS: CatalogEntry[] = [
  ['The JSON file is empty.', 'JSON 文件为空。'],
  ['The file names no loss.', '文件没有指明损失函数。'],
  ['A tensor file is a JSON object.', '张量文件应是一个 JSON 对象。'],
  ['JSON nested more than 512 levels deep.', 'JSON 的嵌套超过了 512 层。'],
  ['The JSON ends where a value was expected.', 'JSON 在应当出现值的地方结束了。'],
  ['Unexpected {found:raw} after the end of the JSON value.', 'JSON 值结束之后出现了多余的 {found}。'],
  ['Unexpected {found:raw} where a value was expected.', '应当出现值的地方出现了 {found}。'],
  ['Expected a quoted key, found {found:raw}.', '此处应为带双引号的键，却遇到了 {found}。'],
  ['Expected a quoted key, found the end of the file.', '此处应为带双引号的键，文件却已结束。'],
  ['Expected \':\' after the key "{key:raw}", found the end of the file.', '键 "{key}" 之后应为 \':\'，文件却已结束。'],
  [
    "Expected ',' or '\\}' in the object opened at {line:num}:{column:num}, found the end of the file.",
    "在 {line}:{column} 处开始的对象中，此处应为 ',' 或 '\\}'，文件却已结束。",
  ],
  [
    "Expected ',' or ']' in the list opened at {line:num}:{column:num}, found the end of the file.",
    "在 {line}:{column} 处开始的列表中，此处应为 ',' 或 ']'，文件却已结束。",
  ],
  ['Expected \':\' after the key "{key:raw}", found {found:raw}.', '键 "{key}" 之后应为 \':\'，却遇到了 {found}。'],
  [
    "Expected ',' or '\\}' in the object opened at {line:num}:{column:num}, found {found:raw}.",
    "在 {line}:{column} 处开始的对象中，此处应为 ',' 或 '\\}'，却遇到了 {found}。",
  ],
  [
    "Expected ',' or ']' in the list opened at {line:num}:{column:num}, found {found:raw}.",
    "在 {line}:{column} 处开始的列表中，此处应为 ',' 或 ']'，却遇到了 {found}。",
  ],
  ['A string is not closed.', '字符串没有闭合。'],
  ['Invalid escape in a string.', '字符串中有无效的转义。'],
  ['Invalid number {found:raw}.', '无效的数字 {found}。'],
  [
    'Duplicate key "{key:raw}" at {line:num}:{column:num}: it is already at {firstLine:num}:{firstColumn:num}.',
    '重复的键 "{key}"（在 {line}:{column}）：它已在 {firstLine}:{firstColumn} 出现过。',
  ],
  ['Unknown key "{key:raw}".', '未知的键 "{key}"。'],
  [
    '"{format:id}" must be the path of a .{ext:id} file, such as "logits.{example:id}".',
    '"{format}" 必须是一个 .{ext} 文件的路径，例如 "logits.{example}"。',
  ],
  [
    '"key" must be a string naming a tensor in the file, such as "logits" or "batch.x".',
    '"key" 必须是一个字符串，指明文件中的某个张量，例如 "logits" 或 "batch.x"。',
  ],
  [
    '"loss" must be a string such as "cross_entropy" or "CrossEntropyLoss".',
    '"loss" 必须是一个字符串，例如 "cross_entropy" 或 "CrossEntropyLoss"。',
  ],
  ['"options" must be an object of keyword arguments.', '"options" 必须是由关键字参数组成的对象。'],
  ['"classes" must be a list of class names.', '"classes" 必须是类别名称的列表。'],
  [
    '"torch" must be "2.x" (current PyTorch, the default) or "1.13".',
    '"torch" 必须是 "2.x"（当前的 PyTorch，默认值）或 "1.13"。',
  ],
  ['A tensor object needs a "data" member.', '张量对象需要一个 "data" 成员。'],
  // What Loss Lens does not compute (run.ts, losses/).
  ['Unknown loss "{loss:raw}".', '未知的损失函数 "{loss}"。'],
  [
    "Loss Lens does not reproduce PyTorch 2.x's {dtype:id} CPU arithmetic for {fn:id}.",
    'Loss Lens 不复现 PyTorch 2.x 在 CPU 上计算 {fn} 时的 {dtype} 运算。',
  ],
  [
    'Loss Lens computes the cosine distance for 2-D embeddings [N, D] only; these are {shape}.',
    'Loss Lens 只对 2 维嵌入 [N, D] 计算余弦距离；这里的形状是 {shape}。',
  ],
  [
    'Loss Lens computes linear_cross_entropy with options=None (the reference path) only.',
    'Loss Lens 只计算 options=None（参考路径）时的 linear_cross_entropy。',
  ],
  // A tensor file's key (io/index.ts).
  [
    '{file:raw} holds {count:num} tensors; name one with FILE:KEY. Tensors: {listing:raw}',
    '{file} 含有 {count} 个张量；请用 FILE:KEY 指明其中一个。张量：{listing}',
  ],
  [
    '{file:raw} holds {count:num} tensors; name one with FILE:KEY. Tensors: none',
    '{file} 含有 {count} 个张量；请用 FILE:KEY 指明其中一个。张量：无',
  ],
  ["{file:raw} has no tensor '{key:raw}'. Tensors: {listing:raw}", "{file} 中没有张量 '{key}'。张量：{listing}"],
  ["{file:raw} has no tensor '{key:raw}'. Tensors: none", "{file} 中没有张量 '{key}'。张量：无"],
  [
    "{file:raw} has no tensor '{key:raw}'. Tensors: (the whole file) {entry:raw}",
    "{file} 中没有张量 '{key}'。张量：（整个文件）{entry}",
  ],
  // The snippet evaluator (snippet/, runtime/).
  [
    "Assumed `{statement:raw}`: '{name:id}' is used without an import.",
    "已假定有 `{statement}`：代码未导入就使用了 '{name}'。",
  ],
  ['{fn:id} needs two tensors, but the snippet has none.', '{fn} 需要两个张量，但这段代码里一个也没有。'],
  ['{fn:id} needs two tensors, but the snippet has only one.', '{fn} 需要两个张量，但这段代码里只有一个。'],
  [
    "{fn:id}(...) builds {count:num} elements, over Loss Lens's budget of {budget:num} for reading values.",
    '{fn}(...) 会构建 {count} 个元素，超出了 Loss Lens 读取数值的预算 {budget}。',
  ],
  ['Skipped the `{keyword:id}` block (line {line:num}).', '跳过了第 {line} 行的 `{keyword}` 块。'],
  ['Skipped the `{keyword:id}` block (lines {first:num}–{last:num}).', '跳过了第 {first}–{last} 行的 `{keyword}` 块。'],
  ['Skipped `{keyword:id}` (line {line:num}).', '跳过了第 {line} 行的 `{keyword}` 语句。'],
  ['Skipped `{keyword:id}` (lines {first:num}–{last:num}).', '跳过了第 {first}–{last} 行的 `{keyword}` 语句。'],
];

/** The zh-cn catalog. */
export const ZH_CN: Catalog = {
  sentences: [
    ...EXPLAIN,
    ...RUN,
    ...JSON_FILE,
    ...REDUCTION,
    ...NLL,
    ...CROSS_ENTROPY,
    ...BCE,
    ...CTC,
    ...EMBEDDING,
    ...KL_DIV,
    ...LIKELIHOOD,
    ...MARGIN,
    ...REGRESSION,
    ...READER,
    ...PYTHON,
    ...SNIPPET,
    ...PICKER,
    ...NPY,
    ...IO_ZH,
    ...READER_MESSAGES_ZH,
    ...PANEL_ZH,
    ...EXTRA_LOSSES_ZH,
    ...RUNTIME_ZH,
    ...UNKNOWN_REASONS_ZH,
    ...THIRDPARTY_ZH,
    ...IMPORTS_ZH,
    ...VERSIONS_ZH,
    ...OWN_WARNINGS,
    ...OWN_NOTES,
    ...OWN_ERRORS,
    ...RUNTIME_STOPS_ZH,
    ...INTERNAL_ERRORS_ZH,
  ],
  fragments: [...FRAGMENTS, ...NOT_MODELLED_ZH],
};

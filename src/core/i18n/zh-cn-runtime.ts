/**
 * Simplified Chinese for what the whole-program runtime writes (src/core/runtime/index.ts): why a run stopped, what
 * it assumed, the random draw it made. Python's and PyTorch's own messages stay verbatim. Same template syntax as
 * ./zh-cn.ts, which includes these.
 */
import type { CatalogEntry } from './matcher';

/** runtime/index.ts. */
export const RUNTIME_ZH: CatalogEntry[] = [
  [
    "the parameter '{name:id}' of {fn:id}(), which no call in the file reaches",
    '{fn}() 的参数 “{name}”（文件中没有调用到达它）',
  ],
  ['line {line:num} raised {exception:id}', '第 {line} 行引发了 {exception}'],
  ['the output of nn.{name:id} with these arguments', '用这些参数调用 nn.{name} 的输出'],
  [
    'the output of nn.{name:id} built with a size Loss Lens cannot know',
    '用 Loss Lens 无法得知的大小构建的 nn.{name} 的输出',
  ],
  [
    "a draw of numpy's Generator.{method:id} without a size Loss Lens can read",
    'numpy Generator.{method} 的一次抽样（Loss Lens 读不出它的 size）',
  ],
  ['the length of a dataset Loss Lens cannot know', 'Loss Lens 无法得知的数据集的长度'],
  [
    '{fn:id} reads the size of its {name:id}, which is a {type:id} here, not a tensor (a recurrent layer returns the tuple (output, h_n)).',
    '{fn} 会读取它的 {name} 的大小，而这里它是一个 {type}，不是张量（循环层返回的是元组 (output, h_n)）。',
  ],
  [
    'Pass the tensor inside it: unpack the {type:id}, e.g. output, _ = rnn(x).',
    '请传入其中的张量：先拆开这个 {type}，例如 output, _ = rnn(x)。',
  ],
  ['an item of a dataset Loss Lens cannot know', 'Loss Lens 无法得知的数据集中的一项'],
  [
    'PyTorch raises this here for every size the unknown dimensions could take (line {line:num}).',
    '无论未知维度取什么大小，PyTorch 都会在这里（第 {line} 行）引发这个错误。',
  ],
  [
    'Make the shapes agree: print the shapes of the tensors on this line to see which one differs.',
    '让形状一致：打印这一行各张量的形状，看看哪一个不同。',
  ],
  [
    'PyTorch raises this here whatever the sizes and values: it refuses the type of an argument (line {line:num}).',
    '无论大小和数值如何，PyTorch 都会在这里（第 {line} 行）引发这个错误：它不接受某个参数的类型。',
  ],
  [
    "Give a torch dtype: dtype=torch.float32, .to(torch.float32) (NumPy's 'float32' and np.float32 are not torch dtypes).",
    "请传入 torch 的 dtype：dtype=torch.float32、.to(torch.float32)（NumPy 的 'float32' 和 np.float32 都不是 torch 的 dtype）。",
  ],
  [
    'In Python this line raises a NameError, since {name:id} is not defined.',
    '在 Python 中这一行会引发 NameError，因为 {name} 没有定义。',
  ],
  [
    'Tutorials often leave the imports out, so Loss Lens assumes the usual one.',
    '教程常常省略 import，所以 Loss Lens 假定了常用的那一条。',
  ],
  [
    'Add `{statement:raw}` at the top to run this code in Python.',
    '在开头加上 `{statement}`，这段代码才能在 Python 中运行。',
  ],
  [
    'PyTorch prints this warning here (to stderr); the program goes on.',
    'PyTorch 会在这里（向 stderr）打印这条警告；程序继续运行。',
  ],
  [
    'Do what the warning asks, so the code keeps working when PyTorch changes the default.',
    '按警告的要求修改，这样 PyTorch 更改默认行为后代码仍能正常工作。',
  ],
  [
    'Python would stop here with {exception:id} (line {line:num}); nothing after it ran.',
    'Python 会在这里因 {exception} 而停止（第 {line} 行）；之后的代码都没有运行。',
  ],
  ['Fix the cause above, or catch the exception with try/except.', '请修正上面的原因，或用 try/except 捕获这个异常。'],
  [
    'Loss Lens stops a program after a fixed number of steps, so a loop that never ends cannot freeze the editor; the count is the same on every machine.',
    'Loss Lens 在固定的步数之后停止程序，这样永不结束的循环就不会卡住编辑器；这个步数在每台机器上都一样。',
  ],
  [
    'Make the loop shorter (fewer epochs or batches), or select only the part that computes the loss.',
    '请缩短循环（更少的 epoch 或批次），或只选中计算损失的那部分代码。',
  ],
  [
    'Loss Lens never touches files, the network, processes or the environment: the program stopped here, and what it computed before is shown.',
    'Loss Lens 从不访问文件、网络、进程或环境变量：程序在这里停止，之前计算出的结果照常显示。',
  ],
  [
    'Loss Lens computes what it models exactly, and stops where it would have to guess: what the program computed before this line is shown.',
    'Loss Lens 对它建模的内容做精确计算，在需要猜测的地方停止：这一行之前程序计算出的结果照常显示。',
  ],
  ['Replace the file or network access with the tensors it would load.', '请把文件或网络访问换成它要加载的张量。'],
  [
    'Select the code after this line, or replace this call with the tensors it produces.',
    '请选中这一行之后的代码，或把这个调用换成它产生的张量。',
  ],
  [
    'The program draws random numbers without setting a seed, so every Python run differs.',
    '程序在没有设置随机种子的情况下抽取随机数，所以每次用 Python 运行结果都不同。',
  ],
  [
    'Loss Lens computed the draw Python makes after {lines:raw}.',
    'Loss Lens 计算的是 Python 在执行 {lines} 之后得到的那一次抽样。',
  ],
  [
    'Add {lines:raw} at the top to get these numbers in Python, or ask Loss Lens for another draw.',
    '在开头加上 {lines}，就能在 Python 中得到这些数值；也可以让 Loss Lens 换一次抽样。',
  ],
  ['Random inputs: one draw, seed {seed:num}.', '随机输入：一次抽样，种子 {seed}。'],
  [
    "PyTorch's label smoothing gives the target class 1 − ε + ε/C and every other class ε/C (C = {classes:num}); a hand-written smoothing that clamps the one-hot target to [ε/(C−1), 1 − ε] gives the target 1 − ε and the others ε/(C−1) instead, so the two losses differ.",
    'PyTorch 的标签平滑给目标类 1 − ε + ε/C，给其他每个类 ε/C（C = {classes}）；手写的平滑把 one-hot 目标截断到 [ε/(C−1), 1 − ε]，目标类得到 1 − ε，其他类得到 ε/(C−1)，所以两个损失不同。',
  ],
  [
    'The built-in computes log_softmax(input) and averages −log p(target) over the samples; the hand-written loss computes something else on the same inputs.',
    '内置损失先计算 log_softmax(input)，再对各样本的 −log p(target) 取平均；手写损失在同样的输入上计算的是别的东西。',
  ],
  [
    'The built-in on the same inputs gives another value: the hand-written formula is not the same loss.',
    '内置损失在同样的输入上给出另一个值：手写公式不是同一个损失。',
  ],
];

/**
 * The messages that end a run early (runtime/index.ts `stopDiagnostic`, the interpreter's and the bridge's budgets):
 * Loss Lens's own sentences, translated whole (their codes are in OWN_MESSAGE_CODES). What was not run or not
 * modelled reaches the frame as `{what}`: code (`open()`, `torch.fft.fft`) stays as written, an English description
 * is translated by {@link NOT_MODELLED_ZH}, and a description no entry knows stays English inside the Chinese frame.
 */
export const RUNTIME_STOPS_ZH: CatalogEntry[] = [
  ['Not run: {what:raw}', '未运行：{what}'],
  ['Not evaluated: {what:raw} is not modelled by Loss Lens', '未求值：Loss Lens 不支持 {what}'],
  // The step budget (interpreter.ts step()).
  [
    'Stopped after {steps} steps: the loop at line {line:num} was still running (iteration {iteration:num}).',
    '运行 {steps} 步后停止：第 {line} 行的循环仍在运行（第 {iteration} 次迭代）。',
  ],
  ['Stopped after {steps} steps.', '运行 {steps} 步后停止。'],
  // The element and compute budgets (interpreter.ts checkSize(), torch-bridge.ts, nn-layers.ts, torch/errors.ts).
  [
    "Not built: {what} of {count} elements is over Loss Lens's limit of {limit}.",
    '未构建：{what} 有 {count} 个元素，超出了 Loss Lens 的上限 {limit}。',
  ],
  [
    "Not built: a nested list of {count} values is over Loss Lens's limit of {limit}.",
    '未构建：嵌套列表有 {count} 个值，超出了 Loss Lens 的上限 {limit}。',
  ],
  ['Not computed: {x:num} ** {y:num} is too large.', '未计算：{x} ** {y} 的结果太大。'],
  ['Not computed: {x:num} << {y:num} is too large.', '未计算：{x} << {y} 的结果太大。'],
  [
    "Not computed: {what} over an input of size {shape} is over Loss Lens's compute limit.",
    '未计算：在大小为 {shape} 的输入上运行 {what} 超出了 Loss Lens 的计算上限。',
  ],
  ['Stopped: the program printed more than Loss Lens keeps.', '已停止：程序打印的内容超过了 Loss Lens 保留的上限。'],
  ['a tensor of shape {shape} has more than {limit:num} elements', '形状为 {shape} 的张量超过了 {limit} 个元素的上限'],
];

/**
 * Loss Lens's own frame around an internal error (a bug in Loss Lens: runtime/index.ts, snippet/index.ts,
 * snippet/interpreter.ts, run.ts). The JavaScript error text inside stays as it is: it is for the bug report. No input
 * reaches these on purpose, so ../../test/unit/i18n/runtime-stops.test.ts checks them on built messages and against the
 * source.
 */
export const INTERNAL_ERRORS_ZH: CatalogEntry[] = [
  ['Loss Lens could not run this program: {error:raw}', 'Loss Lens 无法运行这个程序：{error}'],
  ['Loss Lens could not evaluate this snippet: {error:raw}', 'Loss Lens 无法对这段代码求值：{error}'],
  ['Loss Lens could not evaluate this statement: {error:raw}', 'Loss Lens 无法对这条语句求值：{error}'],
  ['Loss Lens failed while computing {loss:id}: {error:raw}', 'Loss Lens 在计算 {loss} 时出错：{error}'],
];

/**
 * What a run did not run or does not model, where the runtime describes it in English (runtime/*.ts, torch/*.ts):
 * fragments that fill `{what}` of {@link RUNTIME_STOPS_ZH}. A description that is code alone (`torch.fft.fft`,
 * `open()`, `F.pad(mode='circular')`) needs no entry.
 */
export const NOT_MODELLED_ZH: CatalogEntry[] = [
  // Budgets: what was not built.
  ['a list', '一个列表'],
  ['a tensor', '一个张量'],
  ['a comprehension', '一个推导式'],
  ['a range', '一个 range 对象'],
  ['the {name:id} output', '{name} 的输出'],
  ['the nn.Bilinear product', 'nn.Bilinear 的乘积'],
  ['the attention weights', '注意力权重'],
  // Python (interpreter.ts, builtins.ts, reprs.ts, random-bridge.ts).
  ['print(..., file=...) to a file', '用 print(..., file=...) 写入文件'],
  ['complex numbers', '复数'],
  ["'%' string formatting", "'%' 字符串格式化"],
  ['a negative number to a fractional power (a complex result)', '负数的分数次幂（结果是复数）'],
  ["relative import 'from {module:raw} import ...'", "相对导入 'from {module} import ...'"],
  [
    'printing a tensor whose grad_fn ({gradFn}) Loss Lens does not know',
    '打印 grad_fn 为 {gradFn} 的张量（Loss Lens 不认识这个 grad_fn）',
  ],
  ['torch.seed() (a seed from the operating system)', 'torch.seed()（来自操作系统的种子）'],
  ['Tensor.random_() without bounds', '不指定范围的 Tensor.random_()'],
  ['np.random.permutation of an array', '对数组调用 np.random.permutation'],
  ['random.seed() of a non-integer', '以非整数调用 random.seed()'],
  ['random.shuffle of a non-list', '对非列表调用 random.shuffle'],
  ['len() of torchvision.datasets.{name:id}', 'torchvision.datasets.{name} 的 len()'],
  // torch (torch-bridge.ts, nn-init.ts, nn-layers.ts, torch/*.ts).
  ['{call:raw} (uninitialised memory)', '{call}（未初始化的内存）'],
  ['{fn:id} with these arguments', '带这些参数的 {fn}'],
  ['DataLoader(sampler=...) with this sampler', '使用这种 sampler 的 DataLoader(sampler=...)'],
  [
    '{call:raw}, a float where PyTorch takes an int size (PyTorch raises a TypeError)',
    '{call}（在 PyTorch 要求整数大小的地方传入了浮点数，PyTorch 会引发 TypeError）',
  ],
  ['{what:raw} of {a|an} {dtype:id} tensor', '{dtype} 张量上的 {what}'],
  ['nn.Dropout2d on a {dims:num}-D input', '{dims} 维输入上的 nn.Dropout2d'],
  ['{what:id} with a size of zero', '大小为零的 {what}'],
  ['{what:id} on a non-tensor input', '输入不是张量的 {what}'],
  ['{what:id} on non-tensor inputs', '输入不是张量的 {what}'],
  ['{what:id} on a {value:raw}', '输入为 {value} 的 {what}'],
  ['nn.LSTM with hx other than a (h_0, c_0) pair', 'hx 不是 (h_0, c_0) 二元组的 nn.LSTM'],
  ['{what:id} with a non-tensor hx', 'hx 不是张量的 {what}'],
  ['{what:id} with this hx', '使用这种 hx 的 {what}'],
  ['the forward pass of {what:id}', '{what} 的前向传播'],
  ['nn.Bilinear on inputs of these shapes', '输入为这些形状的 nn.Bilinear'],
  ['nn.MultiheadAttention with inputs of different ranks', '各输入维数不同的 nn.MultiheadAttention'],
  ['nn.MultiheadAttention with these key/value shapes', 'key/value 为这些形状的 nn.MultiheadAttention'],
  [
    'nn.MultiheadAttention dropout with need_weights=False (scaled_dot_product_attention)',
    'need_weights=False 时 nn.MultiheadAttention 的 dropout（scaled_dot_product_attention）',
  ],
  ['nn.MultiheadAttention with a non-tensor attn_mask', 'attn_mask 不是张量的 nn.MultiheadAttention'],
  ['nn.MultiheadAttention with an attn_mask of shape {shape}', 'attn_mask 形状为 {shape} 的 nn.MultiheadAttention'],
  ['nn.MultiheadAttention with a non-tensor key_padding_mask', 'key_padding_mask 不是张量的 nn.MultiheadAttention'],
  [
    'nn.MultiheadAttention with a key_padding_mask of shape {shape}',
    'key_padding_mask 形状为 {shape} 的 nn.MultiheadAttention',
  ],
  ["NumPy dtype '{dtype:raw}'", "NumPy 的 dtype '{dtype}'"],
  ['numpy.{fn:id} on a torch.Tensor', '对 torch.Tensor 调用 numpy.{fn}'],
  ['np.dot on arrays above 2-D', '对高于 2 维的数组调用 np.dot'],
  ['np.einsum in the sublist form', '子列表形式的 np.einsum'],
  ['np.unique with return_index/return_inverse/axis', '带 return_index/return_inverse/axis 的 np.unique'],
  ['{fn:id} of a matrix with ord', '对矩阵指定 ord 的 {fn}'],
  ['NumPy arrays of strings', '字符串组成的 NumPy 数组'],
  ['torch.einsum with an ellipsis', '带省略号（...）的 torch.einsum'],
  ['{what:raw} with a size that is not a known int', '大小不是已知整数的 {what}'],
  ['{what:raw} with a symbolic dimension index', '维度索引是符号的 {what}'],
  ['{what:raw} on a symbolic size', '大小是符号的 {what}'],
  ['this kind of index on a tensor', '对张量的这种索引'],
  ['astype to this dtype', 'astype 到这种 dtype'],
  ['torch.{fn:id} of this value', '对这个值调用 torch.{fn}'],
  ['torch.where(condition) (the positions of the true values)', 'torch.where(condition)（求真值所在的位置）'],
  ['{fn:raw} of a tensor whose sizes are symbolic', '对大小是符号的张量调用 {fn}'],
  ['{fn:raw} of a tensor whose values are unknown', '对数值未知的张量调用 {fn}'],
  ['{fn:raw} on a tensor whose shape is symbolic', '对形状是符号的张量调用 {fn}'],
  ["{fn:raw}(padding='same') with an even kernel", "卷积核大小为偶数时的 {fn}(padding='same')"],
  ['F.dropout with training=True (random)', 'training=True 时的 F.dropout（随机）'],
  ['the gradient of einsum of large operands', '大操作数 einsum 的梯度'],
  ["the gradient of {fn:raw} with reduction='none' for these shapes", "这些形状下 reduction='none' 时 {fn} 的梯度"],
  ['the gradient of {fn:raw}', '{fn} 的梯度'],
  [
    'torch.autograd.grad(create_graph=True) (gradients of gradients)',
    'torch.autograd.grad(create_graph=True)（梯度的梯度）',
  ],
  [
    'NumPy 1 value-based casting of {value:raw} (an unsigned dtype wider than uint8)',
    'NumPy 1 对 {value} 的按值类型转换（比 uint8 更宽的无符号 dtype）',
  ],
];

/**
 * Why shape mode does not know a value (runtime/*.ts `PyUnknown` reasons), as the hover on a loss call shows it
 * (`target unknown: ...`). Reasons nest (`the result of calling the output of nn.Linear with these arguments`):
 * ../i18n/index.ts `localizeDescription` translates each level with these entries, the reasons of {@link RUNTIME_ZH}
 * and the descriptions of what is not modelled ({@link NOT_MODELLED_ZH}).
 */
export const UNKNOWN_REASONS_ZH: CatalogEntry[] = [
  // A reason around another one.
  ['the result of calling {what:raw}', '{what} 的调用结果'],
  ['an item of {what:raw}', '{what} 中的一项'],
  ['an index that is {what:raw}', '值为 {what} 的索引'],
  ['{fn:id}(...) of {what:raw}', '对 {what} 调用 {fn}(...) 的结果'],
  ['{fn:id}(...) with {keyword:id}={type:raw}', '带 {keyword}={type} 的 {fn}(...)'],
  // What a wrapped call was given (torch-bridge.ts).
  ['a value Loss Lens cannot know', 'Loss Lens 无法得知的值'],
  // The program (interpreter.ts).
  ["'{name:raw}', which is not defined in the checked code", '“{name}”（在所检查的代码中没有定义）'],
  [
    "'{name:raw}' after the loop on line {line:num}, which the check ran only in part",
    '第 {line} 行的循环之后的 “{name}”（检查只运行了这个循环的一部分）',
  ],
  [
    "'{name:raw}' is assigned differently in the branches of the if on line {line:num}",
    '“{name}”（第 {line} 行 if 语句的各分支对它的赋值不同）',
  ],
  ['line {line:num} depends on a value Loss Lens cannot know', '第 {line} 行依赖 Loss Lens 无法得知的值'],
  [
    'the result of the recursive call to {fn:id}() (nested {depth:num} deep)',
    '递归调用 {fn}() 的结果（嵌套 {depth} 层）',
  ],
  // torch (torch-bridge.ts, shape-mode.ts).
  ['the size {dim:raw}', '大小 {dim}'],
  ['the value of {fn:id}', '{fn} 的值'],
  ['torch.{fn:id} of an unknown size', '大小未知的 torch.{fn}'],
  ['arithmetic on a symbolic size', '对符号大小做的算术运算'],
  ['this kind of index', '这种索引'],
  ['a DataLoader batch of values Loss Lens cannot know', 'DataLoader 给出的一批 Loss Lens 无法得知的值'],
  ['not given', '未传入'],
  ['not a tensor', '不是张量'],
  // Third-party libraries (shape-thirdparty.ts; the rest are in ./zh-cn-thirdparty.ts).
  ['children() of a torchvision model the program changed', '被程序改动过的 torchvision 模型的 children()'],
  ['a ResNet stage of an input Loss Lens cannot know', 'ResNet 的一个阶段作用于 Loss Lens 无法得知的输入的结果'],
];

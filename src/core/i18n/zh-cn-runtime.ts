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

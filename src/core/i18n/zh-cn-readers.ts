/**
 * Simplified Chinese for the messages of the tensor readers (their codes are READER_MESSAGE_CODES in ./index.ts): the
 * text reader (reader/*.ts), the JSON tensor file (json/tensorFile.ts, stream/reader.ts), .npy (npy.ts), the binary
 * readers (io/*.ts) and the guarded file reads (safeFile.ts). Same template syntax as ./zh-cn.ts, which includes these.
 *
 * Only Loss Lens's own forms have an entry. A message that is Python's, PyTorch's or NumPy's own text (`invalid
 * syntax`, `expected sequence of length 3 at dim 1 (got 4)`, NumPy's `Header does not contain the correct keys: ...`)
 * has none and stays verbatim; where Loss Lens frames such a text (a file and byte before it, a cause around it), the
 * frame is translated and the library's words are carried over untouched.
 */
import type { CatalogEntry } from './matcher';

/** A binary reader's message: `file (byte N): what`, with `what` translated. */
function atByte([english, chinese]: CatalogEntry): CatalogEntry {
  return [`{file:raw} (byte {offset:num}): ${english}`, `{file}（第 {offset} 字节）：${chinese}`];
}

/** `... is not something Loss Lens can read`, for each English description the reader gives (evaluate.ts). */
const NOT_READ: CatalogEntry[] = [
  ['Unpacking with *', '用 * 解包的写法'],
  ['Unpacking with **', '用 ** 解包的写法'],
  ['This value', '这个值'],
  ['This device', '这个设备'],
  ['from_numpy() without an array', '不带数组的 from_numpy()'],
  ['array() without data', '不带数据的 array()'],
  ['This arange', '这个 arange'],
  ['{fn:id}() without a shape', '不带形状的 {fn}()'],
  ['full() without a numeric fill value', '不带数值填充值的 full()'],
  ['A {fn:id}() of shape {shape}', '形状为 {shape} 的 {fn}()'],
  ["The attribute '{attr:raw}'", "属性 '{attr}'"],
  ["The method '{method:raw}'", "方法 '{method}'"],
  ['.type() without a type', '不带类型的 .type()'],
  ['.astype() without a dtype', '不带 dtype 的 .astype()'],
  ['This argument of .to()', '.to() 的这个参数'],
  ['A dictionary', '字典'],
  ['A set', '集合'],
  ['A lambda', 'lambda 表达式'],
  ['A comprehension', '推导式'],
  ['Indexing', '索引操作'],
  ['An assignment expression', '赋值表达式'],
  ["The module '{name:raw}'", "模块 '{name}'"],
  ['Arithmetic on tensors', '张量上的算术运算'],
  ['A list', '列表'],
  ['A string', '字符串'],
  ['A device', '设备'],
  ['This expression', '这个表达式'],
  ['The dtype {name:raw}', 'dtype {name}'],
];

/** What NumPy calls the kinds of dtype Loss Lens refuses (npy.ts KIND_NAMES), in the message and its cause. */
const NPY_KINDS: readonly (readonly [string, string])[] = [
  ['unsigned integer', '无符号整数'],
  ['complex', '复数'],
  ['unicode string', 'Unicode 字符串'],
  ['byte string', '字节串'],
  ['Python object', 'Python 对象'],
  ['datetime', '日期时间'],
  ['timedelta', '时间差'],
  ['void (raw bytes)', 'void（原始字节）'],
];

/** What the unpickler found wrong in a damaged pickle (io/pickle.ts `damaged`). */
const PICKLE_DAMAGE: CatalogEntry[] = [
  [
    '{n:num} bytes needed at byte {at:num}, the pickle ends at {end:num}',
    '第 {at} 字节处需要 {n} 个字节，但 pickle 在第 {end} 字节处就结束了',
  ],
  ['a text argument without its newline', '文本参数缺少结尾的换行符'],
  ['a string that is not UTF-8', '字符串不是 UTF-8 编码'],
  ['the stack is empty', '栈是空的'],
  ['no value on the stack', '栈上没有值'],
  ['no mark to pop to', '没有可以弹回的 mark'],
  ['{opcode:id} on {value:raw}, which cannot be called', '对 {value} 执行 {opcode}，但它不可调用'],
  ['{opcode:id} arguments are not a tuple', '{opcode} 的参数不是元组'],
  ["'{text:raw}' is not an integer", "'{text}' 不是整数"],
  ['SETITEMS on {value:raw}, which is not a dict', '对 {value} 执行 SETITEMS，但它不是字典'],
  ['SETITEMS with a key and no value', 'SETITEMS 只有键没有值'],
  ['APPEND on {value:raw}, which is not a list', '对 {value} 执行 APPEND，但它不是列表'],
  ['it ends before its STOP opcode', '在 STOP 操作码之前就结束了'],
  ['STOP with more than one value left', '执行 STOP 时栈上剩下不止一个值'],
  ['an integer of {n:num} bytes', '长达 {n} 字节的整数'],
  ['a float that is not a number', '浮点数不是有效的数字'],
  ['a STRING argument that is not quoted', 'STRING 的参数没有加引号'],
  ['ADDITEMS on a value that is not a set', '对不是集合的值执行 ADDITEMS'],
  ['memo entry {index:num} is read before it is written', 'memo 第 {index} 项在写入之前就被读取'],
  ['STACK_GLOBAL without a module and a name', 'STACK_GLOBAL 缺少模块名和名称'],
  ['NEWOBJ_EX with keyword arguments', 'NEWOBJ_EX 带有关键字参数'],
  ['BUILD on {value:raw}', '对 {value} 执行 BUILD'],
  ['unknown opcode {code:raw}', '未知的操作码 {code}'],
];

/** What is wrong with a zip archive's directory (io/zip.ts `damaged`). */
const ZIP_DAMAGE: CatalogEntry[] = [
  ['no end-of-directory record', '没有目录结束记录'],
  ['zip64 locator missing', '缺少 zip64 定位符'],
  ['zip64 record missing', '缺少 zip64 记录'],
  [
    'the directory claims {count:num} members in {size:num} bytes at byte {at:num}',
    '目录声称从第 {at} 字节起的 {size} 个字节中有 {count} 个成员',
  ],
  ['bad directory entry', '目录项已损坏'],
  ['a directory entry runs past the directory', '某个目录项超出了目录的范围'],
  ["no local header for '{name:raw}'", "'{name}' 没有本地文件头"],
];

/** The file kinds safeFile.ts refuses to open. */
const NOT_REGULAR: readonly (readonly [string, string])[] = [
  ['a folder', '文件夹'],
  ['a character device', '字符设备'],
  ['a block device', '块设备'],
  ['a named pipe (FIFO)', '命名管道（FIFO）'],
  ['a socket', '套接字'],
];

/** The messages of the tensor readers. */
export const READER_MESSAGES_ZH: CatalogEntry[] = [
  // reader/*.ts: reading tensors out of text.
  ['no tensor to read: the selection is empty', '没有可读取的张量：所选内容为空'],
  ['expression too deeply nested', '表达式嵌套太深'],
  [
    "the printout is truncated: '...' stands for values that were not printed",
    "打印输出被截断了：'...' 代表没有打印出来的值",
  ],
  ['complex numbers are not supported ({literal:raw})', '不支持复数（{literal}）'],
  ['complex numbers are not supported', '不支持复数'],
  ['unsupported dtype {name:raw}', '不支持的 dtype {name}'],
  [
    '{name:id}({sizes:raw}) makes an uninitialized tensor of shape {shape}',
    '{name}({sizes}) 创建的是形状为 {shape} 的未初始化张量',
  ],
  ['{name:id}() makes values that are not in the text', '{name}() 生成的值不在文本中'],
  ['{what:id} must be integers', '{what} 必须是整数'],
  ['found {count:num} tensors where one was expected', '找到了 {count} 个张量，而这里只需要一个'],
  ['found no single tensor to read', '没有找到可读取的单个张量'],
  ['integer too large', '整数太大'],
  ["'{op:raw}' is not supported between numbers", "数字之间不支持 '{op}' 运算"],
  // A description that starts with code (`.to()`, `lambda`, `dtype`) keeps a space after 读取.
  ...NOT_READ.map(([what, zh]): CatalogEntry => [
    `${what} is not something Loss Lens can read`,
    `Loss Lens 无法读取${/^[\u4e00-\u9fff]/.test(zh) ? '' : ' '}${zh}`,
  ]),
  // Code (`torch.foo()`, `'x.y'`, `None`, `<...>`): Loss Lens's frame around it.
  ['{what:raw} is not something Loss Lens can read', 'Loss Lens 无法读取 {what}'],
  // json/tensorFile.ts and stream/reader.ts: the tensors of a JSON tensor file.
  ['Unsupported dtype "{name:raw}".', '不支持的 dtype "{name}"。'],
  ['Unsupported dtype .', '不支持这个 dtype。'],
  [
    'Expected a list at depth {depth:num} (like the rows above), found a single value.',
    '第 {depth} 层应为列表（与上面的行一样），却遇到了单个值。',
  ],
  [
    'row {row:num} has {count:num} values, rows above have {expected:num}',
    '第 {row} 行有 {count} 个值，而上面的行有 {expected} 个',
  ],
  ['"{value:raw}" is not a number.', '"{value}" 不是数字。'],
  [
    'Expected a number at depth {depth:num}, found a list (this row is nested deeper than the rows above).',
    '第 {depth} 层应为数字，却遇到了列表（这一行的嵌套比上面的行更深）。',
  ],
  ['Expected a number, found null.', '此处应为数字，却遇到了 null。'],
  ['Expected a number, found object.', '此处应为数字，却遇到了对象。'],
  ['"shape" must be a list of sizes such as [2, 3].', '"shape" 必须是由各维大小组成的列表，例如 [2, 3]。'],
  ['"shape" says {declared} but "data" holds {actual}.', '"shape" 写的是 {declared}，但 "data" 的形状是 {actual}。'],
  // npy.ts.
  ...[
    ['not a .npy file (it does not start with \\x93NUMPY)', '不是 .npy 文件（开头不是 \\x93NUMPY）'],
    ['unsupported .npy format version {version}', '不支持的 .npy 格式版本 {version}'],
    ['the file ends inside its header', '文件在文件头中间就结束了'],
    [
      'the header contains a NUL byte (NumPy: source code string cannot contain null bytes)',
      '文件头中含有 NUL 字节（NumPy：“source code string cannot contain null bytes”）',
    ],
    ['the header lacks {keys:raw}', '文件头缺少 {keys}'],
    // NumPy's own text, after Loss Lens's place.
    ['Header does not contain the correct keys: {keys:raw}', 'Header does not contain the correct keys: {keys}'],
    ['structured arrays (records with named fields) are not supported', '不支持结构化数组（带命名字段的记录）'],
    ...NPY_KINDS.map(([kind, zh]): CatalogEntry => [
      `unsupported dtype '{descr:raw}' (${kind})`,
      `不支持的 dtype '{descr}'（${zh}）`,
    ]),
    ["unsupported dtype '{descr:raw}'", "不支持的 dtype '{descr}'"],
    ["'fortran_order' is not True or False", "'fortran_order' 不是 True 或 False"],
    ["'shape' is not a tuple of sizes", "'shape' 不是由各维大小组成的元组"],
    [
      "the data is cut off: shape ({shape:raw}) of '{descr:raw}' needs {needed:num} bytes, the file has {available:num}",
      "数据被截断了：形状为 ({shape}) 的 '{descr}' 数组需要 {needed} 字节，而文件只有 {available} 字节",
    ],
    [
      'the header is not a valid .npy header (expected {first:raw} or {second:raw})',
      '文件头不是有效的 .npy 文件头（此处应为 {first} 或 {second}）',
    ],
    [
      'the header is not a valid .npy header (expected {token:raw})',
      '文件头不是有效的 .npy 文件头（此处应为 {token}）',
    ],
    ['the header is not a valid .npy header (unclosed string)', '文件头不是有效的 .npy 文件头（字符串没有闭合）'],
    ['the header is not a valid .npy header (unexpected text)', '文件头不是有效的 .npy 文件头（出现了无法识别的文本）'],
    [
      'the header is not a valid .npy header (a key is not a string)',
      '文件头不是有效的 .npy 文件头（有一个键不是字符串）',
    ],
  ].map((e) => atByte(e as CatalogEntry)),
  // A wider unsigned dtype gets a cause of its own (torch.from_numpy cannot convert it either).
  ...NPY_KINDS.filter(([kind]) => kind !== 'unsigned integer').map(([kind, zh]): CatalogEntry => [
    `Loss Lens reads float16/32/64, int8/16/32/64, uint8 and bool arrays, like torch.from_numpy; '{descr}' is ${kind}.`,
    `Loss Lens 与 torch.from_numpy 一样，可读取 float16/32/64、int8/16/32/64、uint8 和 bool 数组；'{descr}' 是${zh}。`,
  ]),
  [
    "Loss Lens reads float16/32/64, int8/16/32/64, uint8 and bool arrays, like torch.from_numpy; '{descr}' is not one of them.",
    "Loss Lens 与 torch.from_numpy 一样，可读取 float16/32/64、int8/16/32/64、uint8 和 bool 数组；'{descr}' 不在其中。",
  ],
  // io/index.ts: a file a JSON tensor file names (the reason is the system's own text).
  ['Cannot read {path:raw}: {reason:raw}', '无法读取 {path}：{reason}'],
  // io/*.ts: .npz, .pt, .safetensors and the zip container.
  ...[
    ['not an .npz file (it is not a zip archive)', '不是 .npz 文件（它不是 zip 压缩包）'],
    ...PICKLE_DAMAGE.map(([what, zh]): CatalogEntry => [`the pickle is damaged (${what})`, `pickle 已损坏（${zh}）`]),
    // The weights_only unpickler's own refusal (PyTorch's text), after Loss Lens's place.
    [
      'Unsupported global: GLOBAL {global:raw} was not an allowed global by default.',
      'Unsupported global: GLOBAL {global} was not an allowed global by default.',
    ],
    [
      'the pickle uses the {opcode:id} opcode, which builds arbitrary objects',
      'pickle 使用了 {opcode} 操作码，它可以构造任意对象',
    ],
    [
      "a tensor's {what:id} is {value:raw}, not a tuple of non-negative integers",
      '某个张量的 {what} 是 {value}，而不是由非负整数组成的元组',
    ],
    ['a tensor is rebuilt without its storage', '重建张量时缺少它的存储'],
    ['a tensor subclass is rebuilt without a tensor', '重建张量子类时缺少张量'],
    ['size {size:raw} and stride {stride:raw} differ in length', 'size {size} 与 stride {stride} 的长度不同'],
    [
      'a TorchScript archive (torch.jit.save), not saved tensors',
      '这是 TorchScript 归档（torch.jit.save），不是保存下来的张量',
    ],
    ['a zip file without data.pkl: not a torch.save file', '没有 data.pkl 的 zip 文件：不是 torch.save 文件'],
    [
      'the legacy torch.save format (before PyTorch 1.6, or _use_new_zipfile_serialization=False)',
      '旧版 torch.save 格式（PyTorch 1.6 之前，或 _use_new_zipfile_serialization=False）',
    ],
    ['not a torch.save file (it is not a zip archive)', '不是 torch.save 文件（它不是 zip 压缩包）'],
    ['data.pkl is {size:num} bytes, over the limit of {limit:num}', 'data.pkl 有 {size} 字节，超出了上限 {limit}'],
    ["byteorder is '{order:raw}'", "byteorder 是 '{order}'"],
    ['unexpected persistent id {pid:raw}', '意外的 persistent_id {pid}'],
    ["storage '{key:raw}' is missing (no {member:raw} in the archive)", "缺少存储 '{key}'（压缩包中没有 {member}）"],
    ['containers nested more than 64 deep', '容器嵌套超过了 64 层'],
    ['unsupported dtype {dtype:raw}', '不支持的 dtype {dtype}'],
    // PyTorch's own words for a short storage, after the storage's key.
    [
      "storage '{key:raw}': record size ({size:num} bytes) does not match expected size ({expected:num} bytes)",
      "存储 '{key}'：record size ({size} bytes) does not match expected size ({expected} bytes)",
    ],
    [
      'a tensor of size {shape} would take {size:num} bytes, over the limit of {limit:num}',
      '大小为 {shape} 的张量需要 {size} 字节，超出了上限 {limit}',
    ],
    [
      'a tensor of size {shape}, stride {stride} at offset {start:num} reaches element {last:num} of a storage of {count:num}',
      '大小为 {shape}、步长为 {stride}、偏移为 {start} 的张量会访问到元素 {last}，而存储只有 {count} 个元素',
    ],
    [
      'the header length is {size:num} bytes, over the limit of {limit:num}',
      '文件头长度为 {size} 字节，超出了上限 {limit}',
    ],
    ['the header is not valid JSON ({error:raw})', '文件头不是有效的 JSON（{error}）'],
    ['the header is not a JSON object', '文件头不是 JSON 对象'],
    ['__metadata__ is not an object of strings', '__metadata__ 不是由字符串组成的对象'],
    ["tensor '{name:raw}' has no valid shape", "张量 '{name}' 没有有效的形状"],
    ["tensor '{name:raw}' has no valid data_offsets", "张量 '{name}' 没有有效的 data_offsets"],
    ["tensor '{name:raw}' has the unknown dtype '{dtype:raw}'", "张量 '{name}' 的 dtype '{dtype}' 无法识别"],
    [
      "tensor '{name:raw}' of shape {shape} {dtype:id} needs {size:num} bytes, its data_offsets span {span:num}",
      "形状为 {shape} 的 {dtype} 张量 '{name}' 需要 {size} 字节，而它的 data_offsets 跨越 {span} 字节",
    ],
    ["tensors '{first:raw}' and '{second:raw}' overlap", "张量 '{first}' 与 '{second}' 的字节范围重叠"],
    ['the file ends inside its 8-byte header length', '文件在 8 字节的文件头长度字段中间就结束了'],
    [
      'the header says it is {size:num} bytes long, the file ends at byte {end:num}',
      '文件头声明长度为 {size} 字节，但文件在第 {end} 字节处就结束了',
    ],
    [
      "tensor '{name:raw}' needs bytes {first:num}–{last:num}, the file ends at {end:num}",
      "张量 '{name}' 需要第 {first}–{last} 字节，但文件在第 {end} 字节处就结束了",
    ],
    ...ZIP_DAMAGE.map(([what, zh]): CatalogEntry => [
      `not a complete zip archive (${what})`,
      `不是完整的 zip 压缩包（${zh}）`,
    ]),
    ["member '{name:raw}' is encrypted", "成员 '{name}' 已加密"],
    [
      "member '{name:raw}' needs bytes {first:num}–{last:num}, the file ends at {end:num}",
      "成员 '{name}' 需要第 {first}–{last} 字节，但文件在第 {end} 字节处就结束了",
    ],
    ["member '{name:raw}' uses compression method {method:num}", "成员 '{name}' 使用了压缩方法 {method}"],
    ['member cannot be inflated ({error:raw})', '成员无法解压（{error}）'],
    [
      'member would inflate to {size:num} bytes, over the limit of {limit:num}',
      '成员解压后将有 {size} 字节，超出了上限 {limit}',
    ],
    [
      'the directory says {stated:num} bytes, the member holds at least {actual:num}',
      '目录声明 {stated} 字节，而成员至少有 {actual} 字节',
    ],
    [
      'the directory says {stated:num} bytes, the member holds at most {actual:num}',
      '目录声明 {stated} 字节，而成员最多有 {actual} 字节',
    ],
    [
      'the directory says {stated:num} bytes, the member holds {actual:num}',
      '目录声明 {stated} 字节，而成员实际有 {actual} 字节',
    ],
  ].map((e) => atByte(e as CatalogEntry)),
  // safeFile.ts: what the CLI, the worker and the extension refuse to open.
  ...NOT_REGULAR.map(([kind, zh]): CatalogEntry => [
    `{file:raw} is ${kind}, not a regular file.`,
    `{file} 是${zh}，不是普通文件。`,
  ]),
  [
    '{file:raw} is {size:num} MB, over the limit of {limit:num} MB for one file.',
    '{file} 有 {size} MB，超出了单个文件 {limit} MB 的上限。',
  ],
  ['{file:raw} is outside the folder {root:raw}.', '{file} 位于文件夹 {root} 之外。'],
];

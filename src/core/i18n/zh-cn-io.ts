/**
 * Simplified Chinese for the tensor file readers (src/core/io: .pt, .safetensors, .npz, the zip container, the
 * restricted unpickler) and the file tensors of a JSON tensor file. Same conventions as ./zh-cn.ts.
 */
import type { CatalogEntry } from './matcher';

/** io/*.ts: reading .pt, .safetensors and .npz files. */
export const IO_ZH: CatalogEntry[] = [
  // index.ts: keys and the JSON tensor file
  [
    'The file holds several tensors, so Loss Lens cannot tell which one to use.',
    '该文件包含多个张量，Loss Lens 无法判断该用哪一个。',
  ],
  [
    'The file holds no tensor, so Loss Lens cannot tell which one to use.',
    '该文件不包含任何张量，Loss Lens 无从选择。',
  ],
  [
    'The key names no tensor in the file. Keys are dict keys, joined by "." for nested dicts, or list/tuple indices.',
    '该键在文件中找不到对应的张量。键是字典的键（嵌套字典用 "." 连接），或列表/元组的下标。',
  ],
  [
    'Add the key after a colon, e.g. run.pt:logits, or "key": "logits" in a JSON tensor file.',
    '在冒号后写上键，例如 run.pt:logits；在 JSON 张量文件中写 "key": "logits"。',
  ],
  ['Use one of the keys listed.', '请使用列出的键之一。'],
  [
    '"{key}" names the {ext} file {path}, relative to the JSON file, and it cannot be read.',
    '"{key}" 指向 {ext} 文件 {path}（相对于 JSON 文件），但无法读取该文件。',
  ],
  [
    'Write "key": "logits" (nested dict keys joined by ".", list indices as "0").',
    '请写 "key": "logits"（嵌套字典的键用 "." 连接，列表下标写成 "0"）。',
  ],
  [
    'Write "input": {"{format:id}": "logits.{ext:id}"}, relative to this JSON file.',
    '请写 "input": {"{format}": "logits.{ext}"}，路径相对于此 JSON 文件。',
  ],
  // zip.ts
  [
    'A {kind} file is a zip archive whose directory sits at its end; this one is cut off or damaged (an interrupted copy or download).',
    '{kind} 文件是一个目录位于末尾的 zip 压缩包；此文件被截断或已损坏（复制或下载中断）。',
  ],
  [
    'Save the file again (torch.save / numpy.savez) and copy it whole.',
    '请重新保存该文件（torch.save / numpy.savez）并完整复制。',
  ],
  [
    'The {kind} archive has an encrypted member; torch.save and numpy.savez never encrypt.',
    '{kind} 压缩包中有加密的成员；torch.save 和 numpy.savez 从不加密。',
  ],
  [
    'Save the tensors again with torch.save or numpy.savez, without a password.',
    '请用 torch.save 或 numpy.savez 重新保存张量，不要设置密码。',
  ],
  [
    'The archive is shorter than its directory says: it was cut off, or its directory lies about the sizes.',
    '压缩包比其目录声明的要短：文件被截断了，或者目录谎报了大小。',
  ],
  ['Save the file again and copy it whole.', '请重新保存该文件并完整复制。'],
  [
    'Loss Lens reads stored and deflated zip members, which is what torch.save and numpy.savez(_compressed) write.',
    'Loss Lens 可读取未压缩（stored）和 deflate 压缩的 zip 成员，也就是 torch.save 和 numpy.savez(_compressed) 写出的格式。',
  ],
  [
    'Save the file again with torch.save or numpy.savez_compressed.',
    '请用 torch.save 或 numpy.savez_compressed 重新保存该文件。',
  ],
  ['The compressed data of this member is damaged.', '该成员的压缩数据已损坏。'],
  [
    'The archive member is larger than Loss Lens reads at once (a compressed archive can expand to far more than its size on disk, which is how a zip bomb works).',
    '该压缩包成员超过了 Loss Lens 一次读取的上限（压缩包解压后可能远大于其磁盘大小，zip 炸弹正是利用这一点）。',
  ],
  [
    'Save only the tensors the loss needs, or raise the size limit if you trust the file.',
    '只保存损失函数需要的张量；如果你信任该文件，也可以提高大小上限。',
  ],
  [
    'The zip directory lies about this member’s size: the file is damaged or was crafted to exhaust memory (a zip bomb).',
    'zip 目录谎报了该成员的大小：文件已损坏，或是为耗尽内存而特意构造的（zip 炸弹）。',
  ],
  [
    'Do not use this file; save the tensors again with torch.save or numpy.savez.',
    '不要使用此文件；请用 torch.save 或 numpy.savez 重新保存张量。',
  ],
  // pickle.ts and pt.ts
  [
    'Loss Lens reads .pt files like torch.load(path, weights_only=True): only tensors, dicts, lists, tuples and plain values.',
    'Loss Lens 读取 .pt 文件的方式与 torch.load(path, weights_only=True) 相同：只接受张量、字典、列表、元组和普通值。',
  ],
  [
    'This file asks for {global}, which is not a tensor, a container or a plain value: loading it with torch.load(weights_only=False) would call it.',
    '此文件请求 {global}，它既不是张量、容器，也不是普通值：用 torch.load(weights_only=False) 加载时会调用它。',
  ],
  [
    'Loss Lens refused before building anything, and never runs code from a file.',
    'Loss Lens 在构建任何对象之前就拒绝了该文件，并且从不执行文件中的代码。',
  ],
  [
    'The {opcode} opcode constructs an object of any class, so Loss Lens never executes it.',
    '{opcode} 操作码可以构造任意类的对象，因此 Loss Lens 从不执行它。',
  ],
  [
    'If you trust the file, load it in Python and save just the tensors: torch.save({"logits": logits, "target": target}, "batch.pt").',
    '如果你信任该文件，请在 Python 中加载它，只保存其中的张量：torch.save({"logits": logits, "target": target}, "batch.pt")。',
  ],
  [
    'The pickled part of the file, which describes its tensors, cannot be read: the file is cut off or damaged.',
    '文件中描述张量的 pickle 部分无法读取：文件被截断或已损坏。',
  ],
  ['Save the tensors again with torch.save and copy the file whole.', '请用 torch.save 重新保存张量并完整复制文件。'],
  ['Save the tensors again with torch.save.', '请用 torch.save 重新保存张量。'],
  [
    'The pickle describes a tensor with an impossible size or stride: the file is damaged.',
    'pickle 中描述的张量大小或步长不可能成立：文件已损坏。',
  ],
  ['The pickle is damaged.', 'pickle 已损坏。'],
  [
    'torch.jit.save stores a compiled model; Loss Lens reads the tensors torch.save writes.',
    'torch.jit.save 保存的是编译后的模型；Loss Lens 读取的是 torch.save 写出的张量。',
  ],
  [
    'A torch.save file holds <name>/data.pkl and its storages; this zip holds {names:raw}.',
    'torch.save 文件包含 <name>/data.pkl 及其存储；而此 zip 包含 {names}。',
  ],
  [
    'Save the tensors themselves: torch.save({"logits": logits, "target": target}, "batch.pt").',
    '请直接保存张量本身：torch.save({"logits": logits, "target": target}, "batch.pt")。',
  ],
  [
    'Loss Lens reads the zip format torch.save writes by default since PyTorch 1.6.',
    'Loss Lens 读取的是 PyTorch 1.6 起 torch.save 默认写出的 zip 格式。',
  ],
  [
    'A .pt file written by torch.save (PyTorch 1.6 or later) is a zip archive starting with the bytes PK.',
    '由 torch.save（PyTorch 1.6 或更高版本）写出的 .pt 文件是以字节 PK 开头的 zip 压缩包。',
  ],
  [
    'Load it and save it again with a recent PyTorch: torch.save(torch.load(path), path).',
    '请用较新的 PyTorch 加载后重新保存：torch.save(torch.load(path), path)。',
  ],
  ['Save the tensors with torch.save(obj, path).', '请用 torch.save(obj, path) 保存张量。'],
  [
    'The description of the saved objects is far larger than a file of tensors needs.',
    '对所保存对象的描述远远超出了一个张量文件所需的大小。',
  ],
  ['Save only the tensors the loss needs.', '只保存损失函数需要的张量。'],
  ["A torch.save file's byteorder is 'little' or 'big'.", "torch.save 文件的 byteorder 只能是 'little' 或 'big'。"],
  [
    "A torch.save pickle refers to each storage as ('storage', <storage type>, <key>, <device>, <size>).",
    "torch.save 的 pickle 以 ('storage', <storage type>, <key>, <device>, <size>) 的形式引用每个存储。",
  ],
  [
    'The pickle names a storage the archive does not hold: the file is damaged or incomplete.',
    'pickle 引用了压缩包中不存在的存储：文件已损坏或不完整。',
  ],
  [
    'The saved object nests dicts or lists deeper than any batch of tensors does.',
    '所保存对象中字典或列表的嵌套层数远超任何一批张量所需。',
  ],
  ['Save the tensors in a flat dict.', '请把张量保存在一个不嵌套的字典中。'],
  [
    'Loss Lens computes with float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64 and bool tensors; this one is {dtype}.',
    'Loss Lens 可计算 float16、bfloat16、float32、float64、int8、uint8、int16、int32、int64 和 bool 张量；而这个张量是 {dtype}。',
  ],
  [
    'Save the real part or the magnitude: tensor.real or tensor.abs().',
    '请保存实部或模：tensor.real 或 tensor.abs()。',
  ],
  [
    'Convert before saving: tensor.float() for scores, tensor.long() for class indices.',
    '请在保存前转换：分数用 tensor.float()，类别索引用 tensor.long()。',
  ],
  [
    'The pickle and the storage disagree about its size: the file is damaged or was altered.',
    'pickle 与存储对其大小的说法不一致：文件已损坏或被改动过。',
  ],
  [
    'The tensor reaches past the end of its storage: the file is damaged or was altered.',
    '该张量超出了其存储的末尾：文件已损坏或被改动过。',
  ],
  ['The tensor is larger than Loss Lens reads at once.', '该张量超过了 Loss Lens 一次读取的上限。'],
  // npz.ts
  [
    'An .npz file (numpy.savez) is a zip archive of .npy files, starting with the bytes PK.',
    '.npz 文件（numpy.savez）是由 .npy 文件组成、以字节 PK 开头的 zip 压缩包。',
  ],
  ['Save the arrays with numpy.savez(path, x=x, y=y).', '请用 numpy.savez(path, x=x, y=y) 保存数组。'],
  // safetensors.ts
  ['Write the file again with safetensors.torch.save_file.', '请用 safetensors.torch.save_file 重新写入该文件。'],
  [
    'Write the file again with safetensors.torch.save_file and copy it whole.',
    '请用 safetensors.torch.save_file 重新写入该文件并完整复制。',
  ],
  [
    'A .safetensors file starts with 8 bytes giving the length of its JSON header; this one is shorter.',
    '.safetensors 文件以 8 个字节开头，给出其 JSON 文件头的长度；而此文件比这还短。',
  ],
  [
    'The first 8 bytes give an impossible header length: the file is damaged, or not a .safetensors file.',
    '开头 8 个字节给出的文件头长度不可能成立：文件已损坏，或者不是 .safetensors 文件。',
  ],
  [
    'The file is shorter than its own header: it was cut off (an interrupted copy or download), or the header length lies.',
    '文件比它自己的文件头还短：文件被截断了（复制或下载中断），或者文件头长度是假的。',
  ],
  ['The JSON header that lists the tensors is damaged.', '列出张量的 JSON 文件头已损坏。'],
  [
    'The header of a .safetensors file is a JSON object of tensors by name.',
    '.safetensors 文件头是一个按名称列出张量的 JSON 对象。',
  ],
  ["Each tensor's shape is a list of non-negative integers.", '每个张量的形状都是非负整数组成的列表。'],
  [
    "Each tensor's data_offsets is [begin, end] with begin ≤ end.",
    '每个张量的 data_offsets 是 [begin, end]，且 begin ≤ end。',
  ],
  [
    'The file is shorter than its header says: it was cut off, or the header lies about the offsets.',
    '文件比文件头声明的要短：文件被截断了，或者文件头谎报了偏移量。',
  ],
  [
    'The header lies about a tensor: its shape and its byte range disagree.',
    '文件头对某个张量的描述是假的：其形状与字节范围不一致。',
  ],
  [
    'The header gives two tensors overlapping byte ranges, which the format forbids.',
    '文件头给两个张量分配了重叠的字节范围，而该格式禁止这样做。',
  ],
  [
    'safetensors dtypes are codes such as F32, F16, BF16, I64, U8, BOOL.',
    'safetensors 的数据类型是 F32、F16、BF16、I64、U8、BOOL 这样的代码。',
  ],
  ['safetensors keeps free-form metadata as strings.', 'safetensors 以字符串形式保存自由格式的元数据。'],
];

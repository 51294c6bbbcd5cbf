/**
 * Simplified Chinese for what `check` says about imports of the program's own modules (src/core/runtime/imports.ts,
 * src/core/snippet/index.ts): an error PyTorch raises inside an imported module, and a circular import. Same template
 * syntax as ./zh-cn.ts, which includes these.
 */
import type { CatalogEntry } from './matcher';

/** runtime/imports.ts and the relocated errors of snippet/index.ts. */
export const IMPORTS_ZH: CatalogEntry[] = [
  [
    'PyTorch raises this in {file:raw}, line {line:num}, inside the code this line calls.',
    'PyTorch 在 {file} 的第 {line} 行引发这个错误，那是这一行调用到的代码。',
  ],
  [
    'Circular import: {importer:raw} imports {module:raw}, which is the file being checked; its names are those defined so far.',
    '循环导入：{importer} 导入了 {module}，而它正是正在检查的文件；其中的名称只有到目前为止已定义的那些。',
  ],
  [
    'Circular import: {importer:raw} imports {module:raw} while {again:raw} is still being imported; its names are those defined so far.',
    '循环导入：{importer} 在 {again} 仍在导入时导入了它（{module}）；其中的名称只有到目前为止已定义的那些。',
  ],
  [
    'Python hands a module that is still being imported over half-built: only the names defined before the import that closed the circle exist yet.',
    'Python 会把仍在导入中的模块以未完成的状态交出：只有在闭合循环的那条 import 之前定义的名称才已存在。',
  ],
  [
    'Move the import that closes the circle into the function that needs it, or move the shared code into a module both can import.',
    '把闭合循环的那条 import 移到需要它的函数里，或者把共用的代码移到一个双方都能导入的模块中。',
  ],
];

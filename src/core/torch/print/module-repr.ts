/**
 * `repr(module)` / `print(model)` for `torch.nn.Module` trees (`Module.__repr__`, `_addindent`, and torch 2.x's
 * `ModuleList.__repr__`, which folds repeated children into `(0-2): 3 x Linear(...)`).
 */

/** What `Module.__repr__` reads from a module: its class name, its `extra_repr()` and its named children in order. */
export interface ModuleReprNode {
  /** `self._get_name()`: the class name, e.g. `'Linear'`, `'CELoss'`. */
  readonly typeName: string;
  /** `self.extra_repr()`, e.g. `'in_features=10, out_features=3, bias=True'`; '' for none. */
  readonly extraRepr: string;
  /** `self._modules.items()`. */
  readonly children: readonly (readonly [string, ModuleReprNode])[];
  /** An `nn.ModuleList` (torch 2.x prints it with repeated children folded). */
  readonly isModuleList?: boolean;
}

/** `torch.nn.modules.module._addindent`: indents every line after the first (2.x leaves blank lines empty). */
function addIndent(s: string, spaces: number, version: '2.x' | '1.13'): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const first = lines.shift()!;
  const pad = ' '.repeat(spaces);
  const rest = lines.map((line) => (version === '1.13' || line.trim() !== '' ? pad + line : ''));
  return first + '\n' + rest.join('\n');
}

/**
 * `repr(module)` as PyTorch prints it: `Linear(in_features=10, out_features=3, bias=True)`, or a multi-line block
 * with `(name): child` lines for a module that holds others.
 */
export function nnModuleRepr(m: ModuleReprNode, version: '2.x' | '1.13' = '2.x'): string {
  if (m.isModuleList && version === '2.x') return moduleListRepr(m, version);
  const extraLines = m.extraRepr ? m.extraRepr.split('\n') : [];
  const childLines = m.children.map(
    ([key, child]) => '(' + key + '): ' + addIndent(nnModuleRepr(child, version), 2, version),
  );
  const lines = extraLines.concat(childLines);
  let main = m.typeName + '(';
  if (lines.length > 0) {
    if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
    else main += '\n  ' + lines.join('\n  ') + '\n';
  }
  return main + ')';
}

/** torch 2.x `ModuleList.__repr__`: consecutive children with equal reprs print once as `(i-j): n x repr`. */
function moduleListRepr(m: ModuleReprNode, version: '2.x' | '1.13'): string {
  const reprs = m.children.map(([, child]) => nnModuleRepr(child, version));
  if (reprs.length === 0) return m.typeName + '()';
  const blocks: { start: number; end: number; repr: string }[] = [{ start: 0, end: 0, repr: reprs[0]! }];
  for (let i = 1; i < reprs.length; i++) {
    const last = blocks[blocks.length - 1]!;
    if (reprs[i] === last.repr) last.end++;
    else blocks.push({ start: i, end: i, repr: reprs[i]! });
  }
  const lines = blocks.map(({ start, end, repr }) => {
    const local = start === end ? `(${start}): ${repr}` : `(${start}-${end}): ${end - start + 1} x ${repr}`;
    return addIndent(local, 2, version);
  });
  return m.typeName + '(\n  ' + lines.join('\n  ') + '\n)';
}

/**
 * Where each sample of a loss call's input is written: the source ranges of the rows of the literal the input comes
 * from, following a variable back to its assignment and through constructors (`torch.tensor([...])`, `.float()`).
 * The breakdown uses them to reveal a sample's row when it is clicked.
 */
import type { SourceRange } from '../diagnostics';
import type { Expr, Module, Stmt } from '../python/ast';
import { forEachChild } from '../python/ast';
import { parseModule } from '../python/parser';

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

function before(a: SourceRange, b: SourceRange): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function statementExprs(stmt: Stmt): Expr[] {
  switch (stmt.kind) {
    case 'Assign':
      return [...stmt.targets, stmt.value];
    case 'AugAssign':
      return [stmt.target, stmt.value];
    case 'AnnAssign':
      return stmt.value ? [stmt.target, stmt.value] : [stmt.target];
    case 'Expr':
      return [stmt.value];
    default:
      return [];
  }
}

/** The expression written exactly at `range`, searched depth-first. */
function findAt(module: Module, range: SourceRange): Expr | undefined {
  let found: Expr | undefined;
  const visit = (e: Expr): void => {
    if (found) return;
    if (sameRange(e.range, range)) {
      found = e;
      return;
    }
    forEachChild(e, visit);
  };
  for (const stmt of module.body) for (const e of statementExprs(stmt)) visit(e);
  return found;
}

/** The value last assigned to `name` before `at`. */
function assignedValue(module: Module, name: string, at: SourceRange): Expr | undefined {
  let value: Expr | undefined;
  for (const stmt of module.body) {
    if (!before(stmt.range, at)) break;
    if (stmt.kind === 'Assign' && stmt.targets.some((t) => t.kind === 'Name' && t.id === name)) value = stmt.value;
    if (stmt.kind === 'AnnAssign' && stmt.target.kind === 'Name' && stmt.target.id === name && stmt.value) value = stmt.value;
  }
  return value;
}

/** Follows an expression to the list literal holding its rows; undefined when it is not written as one. */
function rowsOf(module: Module, expr: Expr, depth = 0): readonly Expr[] | undefined {
  if (depth > 16) return undefined;
  switch (expr.kind) {
    case 'List':
    case 'Tuple':
      return expr.elts;
    case 'Name': {
      const value = assignedValue(module, expr.id, expr.range);
      return value ? rowsOf(module, value, depth + 1) : undefined;
    }
    case 'Call': {
      // torch.tensor([...]) / np.array([...]) / torch.from_numpy(np.array([...])): the data is the first argument.
      const first = expr.args[0];
      if (first) return rowsOf(module, first, depth + 1);
      // x.float(), x.to(torch.float32), x.detach(): the receiver holds the rows.
      return expr.func.kind === 'Attribute' ? rowsOf(module, expr.func.value, depth + 1) : undefined;
    }
    case 'Attribute':
      return rowsOf(module, expr.value, depth + 1);
    default:
      return undefined;
  }
}

/**
 * The source range of each row (first-dimension item) of the tensor written at `range` in `text` — the expression
 * itself, or the variable it names. `origin` places the text in its document, as for the evaluator.
 */
export function rowRanges(text: string, range: SourceRange, origin?: { line: number; column: number }): SourceRange[] {
  const module = parseModule(text, origin ? { origin } : {});
  const expr = findAt(module, range);
  const rows = expr ? rowsOf(module, expr) : undefined;
  return rows ? rows.map((r) => r.range) : [];
}

/** The range of the first positional argument of the call written at `callRange` (the loss's input). */
export function firstArgumentRange(text: string, callRange: SourceRange, origin?: { line: number; column: number }): SourceRange | undefined {
  const module = parseModule(text, origin ? { origin } : {});
  const call = findAt(module, callRange);
  if (!call || call.kind !== 'Call') return undefined;
  return call.args[0]?.range;
}

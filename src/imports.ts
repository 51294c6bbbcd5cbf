/**
 * Finding a checked file's own modules (`from model import Net`) for the shape-mode runtime, which never touches files
 * itself (src/core/runtime/imports.ts): where Python would look for a module name (the importing file's folder, then
 * the import roots, like `sys.path` with the script's folder first), a resolver over the files on disk (the CLI), and
 * one over texts handed in (the snippet worker, which gets the texts the extension host read). Node; no `vscode`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModuleResolver, ModuleSource } from './core/runtime/index';
import { readRegularFileSync } from './safeFile';

/** The largest module read to follow an import (a generated or vendored file past this is left unknown). */
export const MAX_MODULE_BYTES = 1024 * 1024;

/**
 * The files a module name may be, in Python's order: for `pkg.sub` imported from `dir/train.py`,
 * `dir/pkg/sub.py`, `dir/pkg/sub/__init__.py`, then the same under each root. A relative name (`.model`,
 * `..utils`) is looked up only from the importing file's folder (one folder up per extra dot).
 */
export function moduleCandidates(name: string, fromFile: string, roots: readonly string[]): string[] {
  const dots = /^\.*/.exec(name)![0].length;
  const parts = name.slice(dots).split('.').filter(Boolean);
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return [];
  const inFolder = (folder: string): string[] =>
    parts.length === 0
      ? [path.join(folder, '__init__.py')]
      : [path.join(folder, ...parts) + '.py', path.join(folder, ...parts, '__init__.py')];
  if (dots > 0) {
    let folder = path.dirname(fromFile);
    for (let i = 1; i < dots; i++) folder = path.dirname(folder);
    return inFolder(folder);
  }
  const folders = [path.dirname(fromFile), ...roots].map((f) => path.resolve(f));
  return [...new Set(folders)].flatMap(inFolder);
}

/**
 * The module names a text may import, without running it: `import a.b, c as d` gives `a.b` and `c`;
 * `from .m import x, y` gives `.m`, `.m.x` and `.m.y` (a name may be a submodule). A line inside a string that looks
 * like an import is taken too: it only costs a look-up.
 */
export function scanImports(text: string): string[] {
  const found = new Set<string>();
  const lineEnd = (from: number): number => {
    const m = /\r\n|\r|\n/g;
    m.lastIndex = from;
    return m.exec(text)?.index ?? text.length;
  };
  // Only the lines with the word `import` are looked at: finding them is one search through the text per import.
  let lastLine = -1;
  for (let at = text.indexOf('import'); at >= 0; at = text.indexOf('import', at + 6)) {
    let start = at;
    while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
    if (start <= lastLine) continue;
    let end = lineEnd(at);
    lastLine = end;
    const line = text.slice(start, end).replace(/#.*$/, '');
    const plain = /^\s*import\s+(.+)$/.exec(line);
    if (plain) {
      for (const item of plain[1]!.replace(/[()\\]/g, '').split(',')) {
        const name = item.trim().split(/\s+/)[0];
        if (name && /^[\w.]+$/.test(name)) found.add(name);
      }
      continue;
    }
    const from = /^\s*from\s+(\.*[\w.]*)\s+import\s+(.*)$/.exec(line);
    if (!from) continue;
    const module = from[1]!;
    if (module !== '' && !/^\.+$/.test(module)) found.add(module);
    let names = from[2]!;
    // A parenthesized list may run over several lines; a backslash continues a line.
    while (((names.includes('(') && !names.includes(')')) || /\\\s*$/.test(names)) && end < text.length) {
      const next = end + (text.startsWith('\r\n', end) ? 2 : 1);
      end = lineEnd(next);
      lastLine = end;
      names += ` ${text.slice(next, end).replace(/#.*$/, '')}`;
    }
    for (const item of names.replace(/[()\\]/g, '').split(',')) {
      const name = item.trim().split(/\s+/)[0];
      if (!name || name === '*' || !/^\w+$/.test(name)) continue;
      found.add(/^\.+$/.test(module) ? `${module}${name}` : `${module}.${name}`);
    }
  }
  return [...found];
}

/** A regular file's text, or undefined when it is not there, not regular, too large or not readable. */
function readModule(file: string, maxBytes: number): string | undefined {
  try {
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
    return new TextDecoder('utf-8').decode(readRegularFileSync(file, maxBytes));
  } catch {
    return undefined;
  }
}

/** Options of {@link diskResolver}. */
export interface DiskResolverOptions {
  /** The folders imports are looked up in after the importing file's own (the folders given to `check`). */
  readonly roots: readonly string[];
  readonly maxBytes?: number;
}

/**
 * A resolver over the files on disk, for the CLI. It reads each module once (the texts are kept for every file
 * checked with it) and remembers the names it could not find.
 */
export function diskResolver(options: DiskResolverOptions): ModuleResolver & { readonly reads: () => number } {
  const texts = new Map<string, string | undefined>();
  let reads = 0;
  const resolve = (name: string, fromFile: string): ModuleSource | undefined => {
    for (const candidate of moduleCandidates(name, fromFile, options.roots)) {
      let text = texts.get(candidate);
      if (!texts.has(candidate)) {
        reads++;
        text = readModule(candidate, options.maxBytes ?? MAX_MODULE_BYTES);
        texts.set(candidate, text);
      }
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  };
  return Object.assign(resolve, { reads: () => reads });
}

/**
 * Module files read from disk and kept until they change (their size or modification time): the extension host
 * re-checks an edited file without reading its unchanged imports again (a stat each, no read).
 */
export class ModuleFileCache {
  private readonly files = new Map<
    string,
    { readonly size: number; readonly mtimeMs: number; readonly text: string }
  >();
  /** Files read (not found in the cache, or changed). */
  reads = 0;

  constructor(private readonly maxBytes = MAX_MODULE_BYTES) {}

  /** A regular file's text, or undefined when it is not there, not regular, too large or not readable. */
  read(file: string): string | undefined {
    let stats: fs.Stats | undefined;
    try {
      // Most candidates do not exist: no exception for those.
      stats = fs.statSync(file, { throwIfNoEntry: false });
    } catch {
      stats = undefined;
    }
    if (!stats) {
      this.files.delete(file);
      return undefined;
    }
    if (!stats.isFile() || stats.size > this.maxBytes) return undefined;
    const kept = this.files.get(file);
    if (kept && kept.size === stats.size && kept.mtimeMs === stats.mtimeMs) return kept.text;
    this.reads++;
    const text = readModule(file, this.maxBytes);
    if (text === undefined) this.files.delete(file);
    else this.files.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, text });
    return text;
  }
}

/** A resolver over module texts handed in (path → text), for the snippet worker. */
export function textsResolver(modules: ReadonlyMap<string, string>, roots: readonly string[]): ModuleResolver {
  return (name, fromFile) => {
    for (const candidate of moduleCandidates(name, fromFile, roots)) {
      const text = modules.get(candidate);
      if (text !== undefined) return { path: candidate, text };
    }
    return undefined;
  };
}

/**
 * The modules a file imports, directly or through the modules it imports, as `read` finds them (the extension host:
 * open documents first, then files on disk in the workspace). Each module is read once; at most `maxModules`.
 */
export function collectModules(
  text: string,
  file: string,
  roots: readonly string[],
  read: (candidate: string) => string | undefined,
  maxModules = 200,
): Map<string, string> {
  const modules = new Map<string, string>();
  const tried = new Set<string>();
  const queue: { text: string; file: string }[] = [{ text, file }];
  while (queue.length > 0 && modules.size < maxModules) {
    const next = queue.shift()!;
    // A name found as a plain module file (`model.py`) has no submodules: `from model import Net` looks no further.
    const plainFiles = new Set<string>();
    for (const name of scanImports(next.text)) {
      const dot = name.lastIndexOf('.');
      const parent = dot > 0 ? name.slice(0, dot) : '';
      if (parent && plainFiles.has(parent)) continue;
      for (const candidate of moduleCandidates(name, next.file, roots)) {
        if (candidate === path.resolve(file)) break;
        let found = modules.get(candidate);
        if (found === undefined) {
          if (tried.has(candidate)) continue;
          tried.add(candidate);
          found = read(candidate);
          if (found === undefined) continue;
          modules.set(candidate, found);
          queue.push({ text: found, file: candidate });
        }
        if (!candidate.endsWith('__init__.py')) plainFiles.add(name);
        break;
      }
    }
  }
  return modules;
}

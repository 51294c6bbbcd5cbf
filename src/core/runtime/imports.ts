/**
 * Imports of a program's own modules: `from model import Net`, `from .model import Net`, `import model`,
 * `from pkg.sub import f`, `import pkg.sub as s`. The caller finds a module's text (the CLI on disk, the extension in
 * the workspace) through a {@link ModuleResolver}; this file never touches files. Each module runs once per run, its
 * top level in the run's mode, with its own globals (`__name__` is its name, so its `if __name__ == "__main__":`
 * block does not run). A module imported while it is still being imported (a cycle) is handed over half-built, as
 * Python does, with a note. Modules the resolver does not know (torch, third-party packages) go to the host as
 * before. Parsed modules are kept between runs in a {@link ModuleCache}, by path and content hash.
 */
import type { SourceRange } from '../diagnostics';
import { evaluatorEntries } from '../entries';
import type * as ast from '../python/ast';
import { parseProgram } from '../python/program';
import type { Interpreter, ModuleImporter, ModulePlace } from './interpreter';
import { Scope } from './interpreter';
import { PyNamespace, type PyValue } from './values';

/** A module's source as the caller found it. */
export interface ModuleSource {
  /** The module's file, as the caller names files (diagnostics quote it). */
  readonly path: string;
  readonly text: string;
}

/**
 * Finds one of the program's own modules: `name` is dotted, with a leading dot per level of a relative import
 * (`model`, `pkg.sub`, `.model`, `..utils`), `fromFile` the file that imports it (relative imports start from its
 * folder). Undefined for a module that is not the program's own (torch, a third-party package): it stays as the
 * runtime models it, or unknown.
 */
export type ModuleResolver = (name: string, fromFile: string) => ModuleSource | undefined;

/** What {@link runProgram} needs to follow imports. */
export interface ImportOptions {
  /** The checked file's path (relative imports and cycles back to it start from it). */
  readonly file: string;
  readonly resolve: ModuleResolver;
  /** Parsed modules kept between runs (a new one per run if absent). */
  readonly cache?: ModuleCache;
}

/** A note about an import, at the checked file's statement that led to it. */
export interface ImportNote {
  readonly range: SourceRange;
  readonly code: 'runtime/import-cycle';
  readonly message: string;
  readonly data: Readonly<Record<string, string | number>>;
}

/** A 53-bit hash of a text (cyrb53): the cache's key beside the path; the text itself is compared too. */
export function contentHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * Parsed modules by path, content hash and Python version (f-string rules differ): a module whose text did not
 * change is not parsed again. Holds at most `capacity` modules, dropping the least recently used.
 */
export class ModuleCache {
  /** Parses done (a counter for tests and benchmarks). */
  parses = 0;
  /** Parses saved. */
  hits = 0;
  private readonly entries = new Map<string, { readonly text: string; readonly program: ast.Program }>();

  constructor(private readonly capacity = 500) {}

  /** The parsed program of a module's text. */
  program(source: ModuleSource, fstringNewlines: boolean): ast.Program {
    const key = `${source.path}\u0000${fstringNewlines ? 1 : 0}\u0000${contentHash(source.text)}`;
    const cached = this.entries.get(key);
    if (cached && cached.text === source.text) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.program;
    }
    this.parses++;
    evaluatorEntries.moduleParse++;
    const program = parseProgram(source.text, { fstringNewlines });
    // One entry per path and version: an edited module replaces its old parse.
    for (const k of this.entries.keys())
      if (k.startsWith(`${source.path}\u0000${fstringNewlines ? 1 : 0}\u0000`)) this.entries.delete(k);
    this.entries.set(key, { text: source.text, program });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return program;
  }

  /** How many modules it holds. */
  get size(): number {
    return this.entries.size;
  }
}

/** A module object whose attributes are its globals (live: a half-built module grows as it runs). */
class PyModule extends PyNamespace {
  constructor(
    path: string,
    readonly scope: Scope,
  ) {
    super(path);
    // The module's namespace is its global scope, as in Python (`module.__dict__`).
    (this as { attrs: Map<string, PyValue> }).attrs = scope.vars;
  }
}

interface Loaded {
  readonly module: PyModule;
  readonly file: string;
  /** True while its top level runs. */
  loading: boolean;
}

/** The program's own modules of one run. */
export class ModuleLoader implements ModuleImporter {
  private readonly byPath = new Map<string, Loaded>();
  private readonly byScope = new Map<Scope, Loaded>();
  /** Packages with no `__init__.py` of their own (namespace packages), by dotted name. */
  private readonly packages = new Map<string, PyModule>();
  /** Modules whose top level is running (imports made then belong to them, not to the checked file). */
  private importing = 0;
  readonly notes: ImportNote[] = [];

  constructor(
    private readonly interp: Interpreter,
    private readonly options: ImportOptions,
    private readonly fstringNewlines: boolean,
    private readonly cache: ModuleCache = options.cache ?? new ModuleCache(),
  ) {
    const main = new PyModule('__main__', interp.globals);
    const loaded = { module: main, file: options.file, loading: true };
    this.byPath.set(options.file, loaded);
    this.byScope.set(interp.globals, loaded);
  }

  place(module: Scope, mainStatement: SourceRange | undefined): ModulePlace | undefined {
    const loaded = this.byScope.get(module);
    if (!loaded || module === this.interp.globals) return undefined;
    return this.importing > 0 || !mainStatement ? { file: loaded.file } : { file: loaded.file, via: mainStatement };
  }

  load(name: string, level: number, scope: Scope, range: SourceRange): PyValue | undefined {
    const from = this.byScope.get(scope.root);
    if (!from) return undefined;
    const fromName = from.module.scope === this.interp.globals ? '' : from.module.path;
    // A package's __init__.py is the package itself: its `.x` is its own submodule.
    const up = /(^|[\\/])__init__\.py$/.test(from.file) ? level - 1 : level;
    if (level > 0 && name === '') return this.package(packageOf(fromName, up).replace(/\.$/, '') || '.');
    const full = level > 0 ? `${packageOf(fromName, up)}${name}` : name;
    const request = `${'.'.repeat(level)}${name}`;
    // `import pkg.sub` runs pkg first (its __init__.py, or nothing for a namespace package), then pkg.sub.
    const parts = request.replace(/^\.+/, '').split('.');
    const prefix = '.'.repeat(level);
    const dottedAt = (k: number): string =>
      full
        .split('.')
        .slice(0, full.split('.').length - parts.length + k + 1)
        .join('.');
    const resolveAt = (k: number): ModuleSource | undefined =>
      this.resolve(`${prefix}${parts.slice(0, k + 1).join('.')}`, from.file);
    // Not one of the program's own (`import torch.nn`): nothing is made, the host answers.
    const last = resolveAt(parts.length - 1);
    if (!last && !this.packages.has(dottedAt(parts.length - 1))) return undefined;
    const steps = parts.map((_, k) => ({
      found: k === parts.length - 1 ? last : resolveAt(k),
      dotted: dottedAt(k),
    }));
    let parent: PyModule | undefined;
    let module: PyModule | undefined;
    steps.forEach((step, k) => {
      module = step.found ? this.run(step.found, step.dotted, range) : this.package(step.dotted);
      if (parent) parent.attrs.set(parts[k]!, module);
      parent = module;
    });
    return module;
  }

  private resolve(name: string, fromFile: string): ModuleSource | undefined {
    try {
      return this.options.resolve(name, fromFile);
    } catch {
      // A resolver that fails finds nothing: the import is treated as a third-party one.
      return undefined;
    }
  }

  /** A namespace package's module (made once). */
  private package(dotted: string): PyModule {
    let p = this.packages.get(dotted);
    if (!p) {
      const scope = new Scope('module', undefined);
      scope.vars.set('__name__', dotted);
      p = new PyModule(dotted, scope);
      this.packages.set(dotted, p);
    }
    return p;
  }

  /** Runs a module's top level once (a cycle gets the half-built module and a note). */
  private run(source: ModuleSource, dotted: string, range: SourceRange): PyModule {
    const known = this.byPath.get(source.path);
    if (known) {
      if (known.loading) this.noteCycle(known, dotted, range);
      return known.module;
    }
    const program = this.cache.program(source, this.fstringNewlines);
    const scope = new Scope('module', undefined);
    scope.vars.set('__name__', dotted);
    scope.vars.set('__file__', source.path);
    const module = new PyModule(dotted, scope);
    const loaded: Loaded = { module, file: source.path, loading: true };
    this.byPath.set(source.path, loaded);
    this.byScope.set(scope, loaded);
    // A module with a syntax error does not run (Python raises SyntaxError at the import): its names stay unknown.
    if (program.diagnostics.length > 0) {
      loaded.loading = false;
      return module;
    }
    this.importing++;
    try {
      this.interp.execBlock(program.body, scope);
    } finally {
      this.importing--;
      loaded.loading = false;
    }
    return module;
  }

  private noteCycle(known: Loaded, dotted: string, range: SourceRange): void {
    // The note goes on the checked file's statement that started the chain of imports.
    const at = this.interp.mainStatement ?? range;
    const importerFile = this.byScope.get(this.interp.module)?.file ?? this.options.file;
    const importer = importerFile.split(/[\\/]/).pop() ?? importerFile;
    if (this.notes.some((n) => n.data.module === dotted && n.data.importer === importer)) return;
    const message =
      known.module.scope === this.interp.globals
        ? `Circular import: ${importer} imports ${dotted}, which is the file being checked; its names are those defined so far.`
        : `Circular import: ${importer} imports ${dotted} while ${dotted} is still being imported; its names are those defined so far.`;
    this.notes.push({
      range: at,
      code: 'runtime/import-cycle',
      message,
      data: { module: dotted, importer },
    });
  }
}

/** The package a relative import starts from, with a trailing dot: `fromName` without its last `up` parts. */
function packageOf(fromName: string, up: number): string {
  if (!fromName) return '';
  const parts = fromName.split('.');
  // A module `pkg.sub` is in package `pkg`; each further level goes one package up.
  const kept = parts.slice(0, Math.max(0, parts.length - up));
  return kept.length > 0 ? `${kept.join('.')}.` : '';
}

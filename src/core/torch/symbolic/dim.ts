/**
 * Symbolic dimensions for shape mode: a size is a number, a named symbol (`B`, the batch size nobody wrote down,
 * or a name from an annotation), or an integer polynomial of them (`B*T`, `2*B + 1`). Floor division and modulo
 * that do not divide exactly become opaque atoms (`H//2`), so every expression has one normal form and two dims
 * that print alike are equal.
 *
 * Comparisons answer in three values: `true` (equal for every value of the symbols), `false` (different for every
 * value), `undefined` (depends on the values). Shape mode reports an error only on a definite answer, which is how
 * it keeps to "an error only when PyTorch would raise for every value the unknowns could take".
 */

/** One term: a product of atoms (sorted, with repetition) and its integer coefficient. */
interface Term {
  readonly atoms: readonly string[];
  readonly coefficient: number;
}

/** A size that depends on symbols. Build with {@link sym} and the arithmetic below, never by hand. */
export interface SymDim {
  readonly kind: 'sym';
  /** Terms keyed by their atoms joined with `*` (`''` is the constant term); coefficients are never 0. */
  readonly terms: ReadonlyMap<string, Term>;
}

/** A tensor dimension in shape mode. */
export type Dim = number | SymDim;

/** A named symbol (`B`, `T`, `batch`). */
export function sym(name: string): SymDim {
  return { kind: 'sym', terms: new Map([[name, { atoms: [name], coefficient: 1 }]]) };
}

/** Whether `d` is a plain number. */
export function isKnown(d: Dim): d is number {
  return typeof d === 'number';
}

function termsOf(d: Dim): Map<string, Term> {
  if (typeof d === 'number') return d === 0 ? new Map() : new Map([['', { atoms: [], coefficient: d }]]);
  return new Map(d.terms);
}

function fromTerms(terms: Map<string, Term>): Dim {
  for (const [key, t] of terms) if (t.coefficient === 0) terms.delete(key);
  if (terms.size === 0) return 0;
  if (terms.size === 1 && terms.has('')) return terms.get('')!.coefficient;
  return { kind: 'sym', terms };
}

/** `a + b`. */
export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const out = termsOf(a);
  for (const [key, t] of termsOf(b)) {
    const prev = out.get(key);
    out.set(key, { atoms: t.atoms, coefficient: (prev?.coefficient ?? 0) + t.coefficient });
  }
  return fromTerms(out);
}

/** `a - b`. */
export function subDims(a: Dim, b: Dim): Dim {
  return addDims(a, mulDims(-1, b));
}

/** `a * b`. */
export function mulDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const out = new Map<string, Term>();
  for (const ta of termsOf(a).values()) {
    for (const tb of termsOf(b).values()) {
      const atoms = [...ta.atoms, ...tb.atoms].sort();
      const key = atoms.join('*');
      const prev = out.get(key);
      out.set(key, { atoms, coefficient: (prev?.coefficient ?? 0) + ta.coefficient * tb.coefficient });
    }
  }
  return fromTerms(out);
}

/** The product of a shape's dims (`numel`). */
export function productOfDims(dims: readonly Dim[]): Dim {
  let n: Dim = 1;
  for (const d of dims) n = mulDims(n, d);
  return n;
}

/** `a // b` (Python floor division, as PyTorch's shape formulas use it). Exact when every coefficient divides. */
export function floorDivDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return Math.floor(a / b);
  if (typeof b === 'number' && b !== 0) {
    const terms = termsOf(a);
    if ([...terms.values()].every((t) => t.coefficient % b === 0)) {
      const out = new Map<string, Term>();
      for (const [key, t] of terms) out.set(key, { atoms: t.atoms, coefficient: t.coefficient / b });
      return fromTerms(out);
    }
  }
  if (b === 1) return a;
  return sym(`${showDim(a, true)}//${showDim(b, true)}`);
}

/** `a % b`; 0 where `b` divides `a` exactly, an opaque atom otherwise. */
export function modDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return ((a % b) + b) % b;
  if (typeof b === 'number' && b !== 0 && [...termsOf(a).values()].every((t) => t.coefficient % b === 0)) return 0;
  return sym(`${showDim(a, true)}%${showDim(b, true)}`);
}

/**
 * Whether two dims are equal: `true` for every value of the symbols, `false` for none (their difference is a
 * nonzero constant), `undefined` when it depends on the values.
 */
export function dimsEqual(a: Dim, b: Dim): boolean | undefined {
  const diff = subDims(a, b);
  if (typeof diff === 'number') return diff === 0;
  return undefined;
}

/** Whether two shapes are equal, in the same three values as {@link dimsEqual}. */
export function shapesEqual(a: readonly Dim[], b: readonly Dim[]): boolean | undefined {
  if (a.length !== b.length) return false;
  let answer: boolean | undefined = true;
  for (let i = 0; i < a.length; i++) {
    const eq = dimsEqual(a[i]!, b[i]!);
    if (eq === false) return false;
    if (eq === undefined) answer = undefined;
  }
  return answer;
}

/** The symbol names a dim depends on. */
export function symbolsOf(d: Dim): string[] {
  if (typeof d === 'number') return [];
  const names = new Set<string>();
  for (const t of d.terms.values()) for (const a of t.atoms) names.add(a);
  return [...names].sort();
}

function showTerm(t: Term): string {
  // An opaque `H//2` inside a product is parenthesised so the text reads back as the same expression.
  const body = t.atoms.length === 1 ? t.atoms[0]! : t.atoms.map((a) => (/[/%]/.test(a) ? `(${a})` : a)).join('*');
  if (t.atoms.length === 0) return String(Math.abs(t.coefficient));
  const c = Math.abs(t.coefficient);
  return c === 1 ? body : `${c}*${body}`;
}

/**
 * The dim as PyTorch-style text: `B*T`, `2*B + 1`, `H//2`. With `grouped`, a sum is parenthesised so it can sit
 * inside a product or a division.
 */
export function showDim(d: Dim, grouped = false): string {
  if (typeof d === 'number') return String(d);
  // Highest degree first, then by name; the constant term last, as people write `2*B + 1`.
  const terms = [...d.terms.values()].sort(
    (x, y) => y.atoms.length - x.atoms.length || x.atoms.join('*').localeCompare(y.atoms.join('*')),
  );
  let text = '';
  terms.forEach((t, i) => {
    const sign = t.coefficient < 0 ? '-' : '+';
    if (i === 0) text = (sign === '-' ? '-' : '') + showTerm(t);
    else text += ` ${sign} ${showTerm(t)}`;
  });
  return grouped && terms.length > 1 ? `(${text})` : text;
}

/** A shape as PyTorch prints it in messages: `[B, 10]`. */
export function showShape(dims: readonly Dim[]): string {
  return `[${dims.map((d) => showDim(d)).join(', ')}]`;
}

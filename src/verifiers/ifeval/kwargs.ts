/**
 * Reading an instruction's kwargs as datasets ship them: IFEval rows list every key of every
 * instruction with `null` for the ones that do not apply, so nulls mean "absent"; numbers may arrive
 * as integral floats (3.0) or numeric strings after a JSON round trip.
 */

/** An instruction whose kwargs cannot be used; the instruction's result is an `error`, not a 0. */
export class KwargError extends Error {}

export type Kwargs = Record<string, unknown>;

/** The kwargs with null/undefined entries removed (what the reference's `{k: v … if v}` keeps). */
export function present(kwargs: unknown): Kwargs {
  if (kwargs === undefined || kwargs === null) return {};
  if (typeof kwargs !== 'object' || Array.isArray(kwargs)) throw new KwargError('kwargs must be an object');
  return Object.fromEntries(Object.entries(kwargs).filter(([, v]) => v !== null && v !== undefined));
}

export function int(kw: Kwargs, name: string): number {
  const v = kw[name];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new KwargError(
      v === undefined
        ? `missing ${name} (an integer)`
        : `${name}: expected an integer, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

export function optInt(kw: Kwargs, name: string): number | undefined {
  return kw[name] === undefined ? undefined : int(kw, name);
}

export function str(kw: Kwargs, name: string): string {
  const v = kw[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0]; // some rows wrap a word in a list
  throw new KwargError(
    v === undefined ? `missing ${name} (a string)` : `${name}: expected a string, got ${JSON.stringify(v)}`,
  );
}

export function optStr(kw: Kwargs, name: string): string | undefined {
  return kw[name] === undefined ? undefined : str(kw, name);
}

export function strList(kw: Kwargs, name: string): string[] {
  const v = kw[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new KwargError(
    v === undefined
      ? `missing ${name} (a list of strings)`
      : `${name}: expected a list of strings, got ${JSON.stringify(v)}`,
  );
}

export type Relation = 'less than' | 'at least';

/** IFEval's comparison: `less than` is count < n, `at least` is count >= n. */
export function relation(kw: Kwargs, name: string): Relation {
  const v = kw[name];
  if (v === 'less than' || v === 'at least') return v;
  throw new KwargError(
    v === undefined
      ? `missing ${name} ("less than" or "at least")`
      : `${name}: expected "less than" or "at least", got ${JSON.stringify(v)}`,
  );
}

export const compare = (count: number, rel: Relation, n: number): boolean =>
  rel === 'less than' ? count < n : count >= n;

/** Tülu's quantifiers: `at least` ≥, `at most` ≤, `around` within 10% (at least 1). */
export function quantified(count: number, quantifier: string, n: number, around: number): boolean {
  if (quantifier === 'at least') return count >= n;
  if (quantifier === 'at most') return count <= n;
  if (quantifier === 'around') return Math.abs(count - n) <= around;
  return false;
}

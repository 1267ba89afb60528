import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { EquivalenceOptions } from './equivalence.js';
import { extractDetailed, referenceAnswer, SOURCES, statesVerbatim } from './extract.js';
import { MAX_ANSWER } from './normalize.js';
import { unsimplified } from './simplified.js';
import { compareParsed, type ParsedAnswer, parseMath, TOO_LONG } from './verify.js';

const args = z
  .object({
    /** Where to look for the answer, in order; the first that finds one wins. */
    extract: z
      .array(z.enum(SOURCES))
      .min(1)
      .default([...SOURCES]),
    /** Relative tolerance when a decimal is involved. */
    rel_tol: z.number().positive().max(0.1).default(1e-6),
    /** Accept a decimal that is the gold rounded to the digits shown (3.14 for \pi). */
    allow_rounded: z.boolean().default(false),
    /** `strict`: variable names must agree; `rename`: `2a+1` matches `2b+1`. */
    variables: z.enum(['strict', 'rename']).default('strict'),
    /** Refuse a right value left unsimplified (`\\frac{6}{8}`, `2+3`, `\\sqrt{8}`); off by default. */
    require_simplified: z.boolean().default(false),
    /** Compare lists of answers (`3, 1, 2`, `["3", "1", "2"]`) in order, for sorting tasks; sets otherwise. */
    ordered: z.boolean().default(false),
    /** A response with more than this many different \boxed{} answers scores 0 (0 turns the guard off). */
    max_boxed: z.number().int().min(0).default(4),
  })
  .strict();

type Args = z.infer<typeof args>;

/** The gold answers: a string (or number), or a non-empty list of acceptable ones. */
function goldStrings(reference: unknown): string[] | undefined {
  const one = (r: unknown) =>
    typeof r === 'number' && Number.isFinite(r)
      ? String(r)
      : typeof r === 'string' && r.trim()
        ? r
        : undefined;
  if (Array.isArray(reference)) {
    const all = reference.map(one);
    return all.length > 0 && all.every((s) => s !== undefined) ? (all as string[]) : undefined;
  }
  const s = one(reference);
  return s === undefined ? undefined : [s];
}

export const math: CpuReward<Args> = {
  name: 'math',
  mode: 'cpu',
  deterministic: true,
  description:
    '1 if the final answer in the response is mathematically equivalent to the reference (a string or a list of acceptable answers), else 0',
  args,
  create(a) {
    // The rollouts of one prompt share its gold: parse each gold once (per worker, bounded).
    const golds = new Map<string, ParsedAnswer>();
    const parseGold = (g: string): ParsedAnswer => {
      let parsed = golds.get(g);
      if (!parsed) {
        if (golds.size >= 1024) golds.clear();
        parsed = parseMath(referenceAnswer(g));
        if (g.length <= 20_000) golds.set(g, parsed); // a huge gold is not kept as a key (1 024 of them)
      }
      return parsed;
    };
    return (sample, ctx) => {
      const references = goldStrings(sample.reference);
      if (!references)
        return failed('reference must be a non-empty answer string, a number, or a non-empty list of them');
      const response = responseText(sample);
      let parsedGolds: ParsedAnswer[] = references.map(parseGold);
      const usable = parsedGolds.filter((g) => g.error !== TOO_LONG);
      if (usable.length < parsedGolds.length) {
        // A reference past the parse cap cannot be verified; a response that states it verbatim can still be
        // recognised exactly (identity needs no parsing), anything else is the reference's failure, not a 0.
        const same = references.find(
          (r, i) => parsedGolds[i]!.error === TOO_LONG && statesVerbatim(response, r),
        );
        if (same !== undefined)
          return ok(1, 'equivalent (identical to a reference past the parse cap)', { from: 'verbatim' });
        if (!usable.length) {
          const n = references.reduce((m, r) => Math.max(m, r.length), 0);
          return failed(
            `reference is too long to verify (${n} characters; answers are parsed up to ${MAX_ANSWER})`,
          );
        }
        parsedGolds = usable;
      }
      const found = extractDetailed(response, a.extract);
      const gold = parsedGolds.map((g) => g.text);
      if (!found) return ok(0, 'no final answer found', { extracted: null, gold });
      if (a.max_boxed > 0 && found.distinctBoxed > a.max_boxed) {
        return ok(
          0,
          `${found.distinctBoxed} different boxed answers (more than ${a.max_boxed}): candidate listing`,
          {
            extracted: found.answer,
            gold,
          },
        );
      }
      const pred = parseMath(found.answer);
      const opts: EquivalenceOptions = {
        relTol: a.rel_tol,
        allowRounded: a.allow_rounded,
        variables: a.variables,
        orderedLists: a.ordered,
        seed: ctx.seed,
      };
      let last = '';
      for (const g of parsedGolds) {
        let v = compareParsed(g, pred, opts);
        let answer = found.answer;
        let judged = pred;
        // the number of answers the gold asks for: its items, or the members of a single set (`\\{2, 5, 7\\}`)
        const only = g.items?.length === 1 ? g.items[0]! : undefined;
        const k = only?.t === 'set' ? only.items.length : (g.items?.length ?? 1);
        if (
          !v.equal &&
          found.from === 'boxed' &&
          k > 1 &&
          found.boxes.length >= k &&
          !found.restated &&
          (pred.items?.length ?? 1) === 1
        ) {
          // several answers boxed one by one (`\\boxed{2}` and `\\boxed{3}` for "2, 3"): the last k boxes together
          answer = found.boxes.slice(-k).join(', ');
          judged = parseMath(answer);
          v = compareParsed(g, judged, opts);
        }
        if (v.equal) {
          const why = a.require_simplified ? judged.items?.map(unsimplified).find(Boolean) : undefined;
          if (why)
            return ok(0, `equivalent but not simplified: ${why}`, detail(answer, found.from, judged, g.text));
          return ok(1, `equivalent (${v.rule})`, detail(answer, found.from, judged, g.text));
        }
        last = v.rule;
      }
      return ok(
        0,
        `not equivalent (${last})`,
        detail(found.answer, found.from, pred, gold.length === 1 ? gold[0]! : gold),
      );
    };
  },
};

function detail(extracted: string, from: string, pred: ParsedAnswer, gold: string | string[]) {
  return {
    extracted,
    from,
    normalized: pred.text,
    gold,
    ...(pred.error !== undefined && { unparsed: pred.error }),
  };
}

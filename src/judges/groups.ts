/**
 * Group modes for pairwise rewards, pure over a `compare(i, j)` that gives P(rollout i beats rollout j)
 * in [0, 1]. Every random choice comes from the seed, so the same group and seed give the same pairs.
 */

export type Compare = (i: number, j: number) => Promise<number>;

export interface GroupScores {
  scores: number[];
  /** Per rollout: what it was compared with, for `detail`. */
  notes: Record<string, unknown>[];
  comparisons: number;
}

/** A 32-bit FNV-1a hash, to mix a group id into the seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** BRPO: one rollout drawn with the seed is the reference; every other is scored by P(beats it); the reference gets 0.5. */
export async function bootstrappedReference(
  n: number,
  random: () => number,
  compare: Compare,
): Promise<GroupScores> {
  const ref = Math.floor(random() * n);
  const scores = new Array<number>(n).fill(0.5);
  const notes = scores.map((_, i) => (i === ref ? { reference_rollout: true } : { against: ref }));
  await Promise.all(
    scores.map(async (_, i) => {
      if (i !== ref) scores[i] = await compare(i, ref);
    }),
  );
  return { scores, notes, comparisons: n - 1 };
}

/** Pref-GRPO: each rollout's mean P(win) against all others (n(n−1)/2 comparisons, each used both ways). */
export async function winRate(n: number, compare: Compare): Promise<GroupScores> {
  const wins = Array.from({ length: n }, () => 0);
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  await Promise.all(
    pairs.map(async ([i, j]) => {
      const p = await compare(i, j);
      wins[i]! += p;
      wins[j]! += 1 - p;
    }),
  );
  return {
    scores: wins.map((w) => w / (n - 1)),
    notes: wins.map((w) => ({ wins: w, opponents: n - 1 })),
    comparisons: pairs.length,
  };
}

/** Fisher–Yates with the given random source. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * ArenaRL-style seeded single elimination: a shuffled bracket, byes for odd rounds, N−1 matches in all.
 * A rollout's score is the share of rounds it won (the champion gets 1, first-round losers 0); an exact
 * tie is broken by the seed.
 */
export async function tournament(n: number, random: () => number, compare: Compare): Promise<GroupScores> {
  const rounds = Math.ceil(Math.log2(n));
  const won = Array.from({ length: n }, () => 0);
  const notes: Record<string, unknown>[] = Array.from({ length: n }, () => ({ beat: [] as number[] }));
  let alive = shuffle(
    Array.from({ length: n }, (_, i) => i),
    random,
  );
  let comparisons = 0;
  while (alive.length > 1) {
    const next: number[] = [];
    const matches: Promise<void>[] = [];
    for (let k = 0; k + 1 < alive.length; k += 2) {
      const [i, j] = [alive[k]!, alive[k + 1]!];
      const coin = random(); // drawn up front, so the bracket does not depend on which match finishes first
      const slot = next.length;
      next.push(-1);
      comparisons++;
      matches.push(
        compare(i, j).then((p) => {
          const winner = p > 0.5 || (p === 0.5 && coin < 0.5) ? i : j;
          next[slot] = winner;
          (notes[winner]!.beat as number[]).push(winner === i ? j : i);
        }),
      );
    }
    if (alive.length % 2 === 1) next.push(alive.at(-1)!); // bye
    await Promise.all(matches);
    for (const w of next) won[w]!++;
    alive = next;
  }
  // A bye counts as a round won: the champion always ends with `rounds` wins.
  return { scores: won.map((w) => (rounds === 0 ? 0.5 : w / rounds)), notes, comparisons };
}

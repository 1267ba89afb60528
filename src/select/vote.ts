/**
 * Test-time selection over the rollouts of one prompt: best-of-N, majority vote over answers clustered by
 * an equivalence, reward-weighted vote. Pure; clustering is O(n × clusters) equivalence calls.
 */

/** Whether two extracted answers are the same answer (for math: the math verifier's equivalence). */
export type Equivalence = (a: string, b: string) => boolean;

export interface Cluster {
  /** The representative: the first answer of the cluster in input order. */
  answer: string;
  /** Indices of the samples whose answers fall in this cluster. */
  members: number[];
  /** Sum of the members' vote weights. */
  votes: number;
}

export interface Vote {
  /** Index of the chosen sample (the first member of the winning cluster), or null when nobody voted. */
  chosen: number | null;
  /** Clusters in order of first appearance. */
  clusters: Cluster[];
}

/** Trimmed, lower-cased, whitespace-collapsed, trailing period dropped: the fallback when no domain equivalence fits. */
export function normalizedAnswer(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\.$/, '');
}
export const normalizedEquality: Equivalence = (a, b) => normalizedAnswer(a) === normalizedAnswer(b);

/**
 * Cluster answers: each answer joins the first cluster whose representative it is equivalent to. An answer
 * is compared with representatives only, so a non-transitive equivalence (numeric tolerances) cannot chain
 * far-apart answers together. A null answer (none extracted) or a null weight does not vote.
 */
export function clusterAnswers(
  answers: readonly (string | null)[],
  equivalent: Equivalence = normalizedEquality,
  weights?: readonly (number | null)[],
): Cluster[] {
  const clusters: Cluster[] = [];
  answers.forEach((answer, i) => {
    const w = weights ? weights[i] : 1;
    if (answer === null || w === null || w === undefined) return;
    const home = clusters.find((c) => c.answer === answer || equivalent(c.answer, answer));
    if (home) {
      home.members.push(i);
      home.votes += w;
    } else clusters.push({ answer, members: [i], votes: w });
  });
  return clusters;
}

/** The cluster with the most votes; ties go to the cluster that appeared first (deterministic). */
export function winner(clusters: readonly Cluster[]): Cluster | undefined {
  let best: Cluster | undefined;
  for (const c of clusters) if (!best || c.votes > best.votes) best = c;
  return best;
}

/**
 * The sample to return for a vote: within the winning cluster, the member with the largest weight (the
 * first on ties; with equal weights, the first member).
 */
export function chooseMember(
  clusters: readonly Cluster[],
  weights?: readonly (number | null)[],
): number | null {
  const best = winner(clusters);
  if (!best) return null;
  if (!weights) return best.members[0]!;
  return best.members.reduce((b, i) => ((weights[i] ?? 0) > (weights[b] ?? 0) ? i : b));
}

function vote(clusters: Cluster[], weights?: readonly (number | null)[]): Vote {
  return { chosen: chooseMember(clusters, weights), clusters };
}

/** Majority vote: one vote per sample with an answer. */
export function majorityVote(answers: readonly (string | null)[], equivalent?: Equivalence): Vote {
  return vote(clusterAnswers(answers, equivalent));
}

/** Reward-weighted vote: each sample votes with its score (failed samples do not vote; negative scores count against). */
export function weightedVote(
  answers: readonly (string | null)[],
  scores: readonly (number | null)[],
  equivalent?: Equivalence,
): Vote {
  return vote(clusterAnswers(answers, equivalent, scores), scores);
}

/** Best-of-N: the index of the highest score (first on ties), or null when no sample was scored. */
export function bestOfN(scores: readonly (number | null)[]): number | null {
  let best: number | null = null;
  scores.forEach((s, i) => {
    if (s !== null && (best === null || s > scores[best]!)) best = i;
  });
  return best;
}

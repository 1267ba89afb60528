/**
 * Self-certainty (Kang et al. 2025, "Scalable Best-of-N Selection for Large Language Models via
 * Self-Certainty"): the mean over tokens of KL(U ‖ p), the divergence of the next-token distribution from
 * uniform: −(1/(n·V)) Σ_i Σ_j log(V · p(j | x, y_<i)). Higher means more confident.
 *
 * Approximation: servers return only the top-k log-probabilities, not the full vocabulary. Assay
 * renormalizes the top-k probabilities at each position and uses V = k, so each position contributes
 * KL(U_k ‖ p̂) = −log k − (1/k) Σ_{j≤k} log p̂_j. This ranks samples consistently when k is the same for
 * all of them (the usual case: one `top_logprobs` setting per request); values are not comparable across k.
 */
import type { TokenLogprob } from '../core/types.js';
import type { Cluster, Equivalence, Vote } from './vote.js';
import { chooseMember, clusterAnswers } from './vote.js';

/** Mean KL(U_k ‖ p̂) over positions that carry at least two top log-probabilities; null when none does. */
export function selfCertainty(logprobs: readonly TokenLogprob[] | undefined): number | null {
  if (!logprobs) return null;
  let total = 0;
  let positions = 0;
  for (const position of logprobs) {
    const top = position.top_logprobs;
    if (!top || top.length < 2) continue;
    // log-sum-exp for the renormalizing constant, stable for very negative log-probabilities
    let max = Number.NEGATIVE_INFINITY;
    for (const t of top) max = Math.max(max, t.logprob);
    let z = 0;
    for (const t of top) z += Math.exp(t.logprob - max);
    const logZ = max + Math.log(z);
    let sumLog = 0;
    for (const t of top) sumLog += t.logprob - logZ;
    const k = top.length;
    total += -Math.log(k) - sumLog / k;
    positions++;
  }
  return positions === 0 ? null : total / positions;
}

/**
 * Borda weights from self-certainty: the sample ranked r (1 = most certain) among N that have a certainty
 * weighs (N − r + 1)^p. Ties share the better rank. Samples without a certainty weigh null (no vote).
 */
export function bordaWeights(certainties: readonly (number | null)[], p = 0.5): (number | null)[] {
  const ranked = certainties.flatMap((c, i) => (c === null ? [] : [{ c, i }])).sort((a, b) => b.c - a.c);
  const N = ranked.length;
  const weights: (number | null)[] = certainties.map(() => null);
  let rank = 1;
  ranked.forEach((x, pos) => {
    if (pos > 0 && x.c < ranked[pos - 1]!.c) rank = pos + 1;
    weights[x.i] = (N - rank + 1) ** p;
  });
  return weights;
}

/** Self-certainty with Borda voting: answers clustered, each sample voting with its Borda weight. */
export function certaintyVote(
  answers: readonly (string | null)[],
  certainties: readonly (number | null)[],
  options: { p?: number; equivalent?: Equivalence } = {},
): Vote & { weights: (number | null)[] } {
  const weights = bordaWeights(certainties, options.p);
  const clusters: Cluster[] = clusterAnswers(answers, options.equivalent, weights);
  return { chosen: chooseMember(clusters, certainties), clusters, weights };
}

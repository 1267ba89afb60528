const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

/**
 * Item i of the deterministic exact-match mix shared by the benches: the gold answer, the answer the
 * "model" gives (right for even i, wrong for odd i) and 1–6 sentences of reasoning before it.
 */
export function exactItem(i: number): { answer: string; given: string; reasoning: string } {
  const answer = `${WORDS[i % 8]} ${i % 97}`;
  const given = i % 2 === 0 ? answer.toUpperCase() : `${WORDS[(i + 1) % 8]} ${i % 89}`;
  const reasoning = `Let me think about item ${i}. `.repeat(1 + (i % 6));
  return { answer, given, reasoning };
}

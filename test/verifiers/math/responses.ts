/** Realistic response wrappers for the corpus: reasoning of 1–4 KB, then the answer in one of several styles. */

const STEPS = [
  'First, let us restate the problem in our own words and identify what is being asked.',
  'We are given the conditions above; write them as equations: $a + b = 10$ and $a - b = 4$, so $2a = 14$.',
  'Substituting back, $b = 10 - 7 = 3$, which satisfies both conditions, as we can check directly.',
  'Next consider the expression $\\frac{x^2 - 1}{x - 1}$ for $x \\neq 1$; it simplifies to $x + 1$.',
  'The discriminant is $b^2 - 4ac = 25 - 24 = 1 > 0$, so there are two distinct real roots.',
  'By the AM-GM inequality, $\\frac{p + q}{2} \\geq \\sqrt{pq}$ with equality when $p = q$.',
  'We count the cases separately: 12 arrangements in the first case and 18 in the second.',
  'Let me double-check the arithmetic: $17 \\times 3 = 51$ and $51 + 9 = 60$, consistent with before.',
  'Wait, we should also consider the boundary case where the variable equals zero; it contributes nothing.',
  'Using the identity $\\sin^2\\theta + \\cos^2\\theta = 1$, the expression reduces considerably.',
  'So the total is the sum over all residues modulo 7, which we tabulate in the list below.',
  '- residue 0: 4 numbers\n- residue 1: 5 numbers\n- residue 2: 5 numbers',
];

/** Reasoning text of about `bytes` bytes, the same for the same index. */
export function reasoning(index: number, bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const step = STEPS[(index * 7 + k * 5) % STEPS.length]!;
    parts.push(step);
    size += step.length + 2;
  }
  return parts.join('\n\n');
}

/** A full response giving `answer` in style `index % 6`, after 1–4 KB of reasoning. */
export function wrap(answer: string, index: number): string {
  const body = reasoning(index, 1000 + ((index * 997) % 3000));
  switch (index % 6) {
    case 0:
      return `${body}\n\nTherefore, the answer is $\\boxed{${answer}}$.`;
    case 1:
      return `${body}\n\nThe final answer is $${answer}$.`;
    case 2:
      return `<think>\n${body}\n</think>\n<answer>${answer}</answer>`;
    case 3:
      return `${body}\n\n**Final Answer**\n\\[\n\\boxed{${answer}}\n\\]`;
    case 4:
      return `${body}\n\nAnswer: $${answer}$`;
    default:
      return `${body}\n\nPutting everything together we get \\(\\boxed{${answer}}\\) as required.`;
  }
}

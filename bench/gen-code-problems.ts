/**
 * Generates bench/data/code-problems.jsonl: HumanEval-style problems (prompt with signature and
 * docstring, canonical solution, `check(candidate)` with literal expected values, entry point).
 * Families × variants, deterministic; expected values come from running the reference solutions once
 * (our own code, on the host) with python3. Run: npx tsx bench/gen-code-problems.ts
 */

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Problem } from './code-problem.js';

interface Family {
  name: string;
  sig: string;
  doc: string;
  body: string;
  /** Python expressions of argument tuples; `k` is the variant's parameter. */
  inputs: (k: number) => string[];
}

const F: Family[] = [
  {
    name: 'add_k',
    sig: '(x: int) -> int',
    doc: 'Return x plus {k}.',
    body: 'return x + {k}',
    inputs: () => ['(0,)', '(5,)', '(-3,)', '(100,)', '(7,)'],
  },
  {
    name: 'scale_list',
    sig: '(xs: list) -> list',
    doc: 'Multiply every element by {k}.',
    body: 'return [x * {k} for x in xs]',
    inputs: () => ['([],)', '([1, 2, 3],)', '([-1, 0, 4],)', '([10],)'],
  },
  {
    name: 'count_char',
    sig: '(s: str) -> int',
    doc: 'Count occurrences of chr(97 + {k}) in s.',
    body: 'return s.count(chr(97 + {k}))',
    inputs: () => ["('',)", "('abcabc',)", "('aaaa bbb ccc ddd eee',)", "('hello world',)"],
  },
  {
    name: 'sum_multiples',
    sig: '(n: int) -> int',
    doc: 'Sum of numbers below n divisible by 3 or {k}.',
    body: 'return sum(i for i in range(n) if i % 3 == 0 or i % {k} == 0)',
    inputs: () => ['(0,)', '(10,)', '(100,)', '(1000,)', '(37,)'],
  },
  {
    name: 'fib_mod',
    sig: '(n: int) -> int',
    doc: 'The n-th Fibonacci number modulo {k}+1000.',
    body: 'a, b = 0, 1\n    for _ in range(n):\n        a, b = b, (a + b) % ({k} + 1000)\n    return a',
    inputs: () => ['(0,)', '(1,)', '(10,)', '(100,)', '(500,)'],
  },
  {
    name: 'max_window',
    sig: '(xs: list) -> int',
    doc: 'Largest sum of {k} consecutive elements (0 if too short).',
    body: 'w = {k}\n    if len(xs) < w:\n        return 0\n    return max(sum(xs[i:i + w]) for i in range(len(xs) - w + 1))',
    inputs: () => ['([],)', '([1, 2, 3, 4, 5, 6],)', '([5, -2, 8, -1, 3, 9, -4],)', '(list(range(20)),)'],
  },
  {
    name: 'divisible',
    sig: '(xs: list) -> list',
    doc: 'Elements of xs divisible by {k}+1, in order.',
    body: 'return [x for x in xs if x % ({k} + 1) == 0]',
    inputs: () => ['([],)', '(list(range(15)),)', '([7, 14, 21, 22],)', '([-6, -4, 9],)'],
  },
  {
    name: 'caesar',
    sig: '(s: str) -> str',
    doc: 'Shift lowercase letters by {k}, other characters unchanged.',
    body: "return ''.join(chr((ord(c) - 97 + {k}) % 26 + 97) if 'a' <= c <= 'z' else c for c in s)",
    inputs: () => ["('',)", "('abc xyz',)", "('hello, world!',)", "('Zebra',)"],
  },
  {
    name: 'rle',
    sig: '(s: str) -> str',
    doc: 'Run-length encoding, runs longer than {k} only are counted.',
    body: "out = []\n    i = 0\n    while i < len(s):\n        j = i\n        while j < len(s) and s[j] == s[i]:\n            j += 1\n        n = j - i\n        out.append(f'{n}{s[i]}' if n > {k} else s[i] * n)\n        i = j\n    return ''.join(out)",
    inputs: () => ["('',)", "('aaabccdddd',)", "('abc',)", "('zzzzzzzzzz',)"],
  },
  {
    name: 'vowels',
    sig: '(s: str) -> int',
    doc: 'Number of vowels in s, counting y when k={k} is odd.',
    body: "v = 'aeiouy' if {k} % 2 else 'aeiou'\n    return sum(c in v for c in s.lower())",
    inputs: () => ["('',)", "('Yellow Sky',)", "('AEIOU aeiou',)", "('rhythm',)"],
  },
  {
    name: 'nth_prime',
    sig: '(n: int) -> int',
    doc: 'The (n+{k})-th prime, counting 2 as the first.',
    body: 'target = n + {k}\n    count, p = 0, 1\n    while count < target:\n        p += 1\n        if all(p % d for d in range(2, int(p ** 0.5) + 1)):\n            count += 1\n    return p',
    inputs: () => ['(1,)', '(5,)', '(20,)', '(50,)'],
  },
  {
    name: 'digit_power',
    sig: '(n: int) -> int',
    doc: 'Sum of the digits of n, each raised to the power {k}.',
    body: 'return sum(int(d) ** {k} for d in str(abs(n)))',
    inputs: () => ['(0,)', '(123,)', '(-907,)', '(99999,)'],
  },
  {
    name: 'rotate',
    sig: '(xs: list) -> list',
    doc: 'Rotate xs left by {k} places.',
    body: 'if not xs:\n        return []\n    r = {k} % len(xs)\n    return xs[r:] + xs[:r]',
    inputs: () => ['([],)', '([1, 2, 3, 4, 5],)', '([9],)', "(['a', 'b', 'c'],)"],
  },
  {
    name: 'balanced',
    sig: '(s: str) -> bool',
    doc: 'Whether brackets are balanced and nesting depth is at most {k}+1.',
    body: "pairs = {')': '(', ']': '[', '}': '{'}\n    stack = []\n    for c in s:\n        if c in '([{':\n            stack.append(c)\n            if len(stack) > {k} + 1:\n                return False\n        elif c in pairs:\n            if not stack or stack.pop() != pairs[c]:\n                return False\n    return not stack",
    inputs: () => ["('',)", "('([]{})',)", "('((()))',)", "('(]',)", "('[[[[]]]]',)"],
  },
  {
    name: 'binary_pad',
    sig: '(n: int) -> str',
    doc: 'Binary form of n padded with zeros to {k}+4 digits.',
    body: "return format(n, 'b').zfill({k} + 4)",
    inputs: () => ['(0,)', '(5,)', '(255,)', '(1024,)'],
  },
  {
    name: 'collatz',
    sig: '(n: int) -> int',
    doc: 'Collatz steps from n to 1, capped at 100*{k}.',
    body: 'steps = 0\n    while n != 1 and steps < 100 * {k}:\n        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        steps += 1\n    return steps',
    inputs: () => ['(1,)', '(6,)', '(27,)', '(97,)'],
  },
  {
    name: 'anagram',
    sig: '(a: str, b: str) -> bool',
    doc: 'Whether a and b are anagrams ignoring case and spaces (k={k}).',
    body: "f = lambda s: sorted(s.replace(' ', '').lower())\n    return f(a) == f(b)",
    inputs: () => ["('listen', 'silent')", "('Dormitory', 'dirty room')", "('abc', 'abd')", "('', '')"],
  },
  {
    name: 'longest_run',
    sig: '(xs: list) -> int',
    doc: 'Length of the longest strictly increasing run with steps of at most {k}.',
    body: 'best = cur = 1 if xs else 0\n    for a, b in zip(xs, xs[1:]):\n        cur = cur + 1 if a < b <= a + {k} else 1\n        best = max(best, cur)\n    return best',
    inputs: () => ['([],)', '([1, 2, 3, 1, 2],)', '([5, 10, 15, 16, 17, 18],)', '([3, 2, 1],)'],
  },
  {
    name: 'transpose',
    sig: '(m: list) -> list',
    doc: 'Transpose of m, each element plus {k}.',
    body: 'return [[row[i] + {k} for row in m] for i in range(len(m[0]))] if m else []',
    inputs: () => ['([],)', '([[1, 2], [3, 4]],)', '([[1, 2, 3]],)', '([[0], [1], [2]],)'],
  },
  {
    name: 'top_words',
    sig: '(text: str) -> list',
    doc: 'The {k} most frequent words (ties alphabetical).',
    body: 'from collections import Counter\n    c = Counter(text.lower().split())\n    return [w for w, _ in sorted(c.items(), key=lambda p: (-p[1], p[0]))[:{k}]]',
    inputs: () => ["('',)", "('a b a c b a',)", "('the cat and the hat and the bat',)", "('x',)"],
  },
  {
    name: 'triangle',
    sig: '(n: int) -> int',
    doc: 'The n-th triangle number times {k}.',
    body: 'return n * (n + 1) // 2 * {k}',
    inputs: () => ['(0,)', '(1,)', '(10,)', '(1000,)'],
  },
  {
    name: 'kth_largest',
    sig: '(xs: list) -> int',
    doc: 'The {k}-th largest distinct value, or None.',
    body: 'u = sorted(set(xs), reverse=True)\n    return u[{k} - 1] if len(u) >= {k} else None',
    inputs: () => ['([],)', '([3, 1, 4, 1, 5, 9, 2, 6],)', '([7, 7, 7],)', '(list(range(10)),)'],
  },
  {
    name: 'title_case',
    sig: '(s: str) -> str',
    doc: 'Capitalize words longer than {k} letters.',
    body: "return ' '.join(w.capitalize() if len(w) > {k} else w for w in s.split(' '))",
    inputs: () => ["('',)", "('the quick brown fox',)", "('a bb ccc dddd',)", "('hello  world',)"],
  },
  {
    name: 'dedupe',
    sig: '(xs: list) -> list',
    doc: 'Keep the first {k} occurrences of each value, in order.',
    body: 'seen = {}\n    out = []\n    for x in xs:\n        seen[x] = seen.get(x, 0) + 1\n        if seen[x] <= {k}:\n            out.append(x)\n    return out',
    inputs: () => ['([],)', '([1, 1, 1, 2, 2, 3],)', "(['a', 'b', 'a', 'a'],)", '([5] * 10,)'],
  },
  {
    name: 'prime_factors',
    sig: '(n: int) -> list',
    doc: 'Prime factors of n (with multiplicity) that are at least {k}.',
    body: 'out, d = [], 2\n    while d * d <= n:\n        while n % d == 0:\n            out.append(d)\n            n //= d\n        d += 1\n    if n > 1:\n        out.append(n)\n    return [p for p in out if p >= {k}]',
    inputs: () => ['(1,)', '(60,)', '(97,)', '(1001,)', '(2 ** 10,)'],
  },
  {
    name: 'mean_round',
    sig: '(xs: list) -> float',
    doc: 'Mean of xs rounded to {k} decimals (0.0 when empty).',
    body: 'return round(sum(xs) / len(xs), {k}) if xs else 0.0',
    inputs: () => ['([],)', '([1, 2],)', '([1, 2, 2],)', '([0.1, 0.2, 0.4],)'],
  },
  {
    name: 'chunk',
    sig: '(xs: list) -> list',
    doc: 'Split xs into chunks of {k}+1 elements.',
    body: 'n = {k} + 1\n    return [xs[i:i + n] for i in range(0, len(xs), n)]',
    inputs: () => ['([],)', '(list(range(7)),)', "(['a'],)", '(list(range(12)),)'],
  },
  {
    name: 'matching_pairs',
    sig: '(xs: list) -> int',
    doc: 'Number of index pairs i<j with xs[i]+xs[j] == {k}*2.',
    body: 'return sum(1 for i in range(len(xs)) for j in range(i + 1, len(xs)) if xs[i] + xs[j] == {k} * 2)',
    inputs: () => ['([],)', '([1, 2, 3, 4, 5, 6, 7, 8],)', '([5, 5, 5, 5],)', '(list(range(-10, 20)),)'],
  },
  {
    name: 'squash_spaces',
    sig: '(s: str) -> str',
    doc: 'Collapse runs of spaces and append {k} exclamation marks.',
    body: "return ' '.join(s.split()) + '!' * {k}",
    inputs: () => ["('',)", "('  a   b ',)", "('hello world',)", "('x',)"],
  },
  {
    name: 'pascal_row',
    sig: '(n: int) -> list',
    doc: 'Row n of Pascal’s triangle, each entry modulo {k}+10.',
    body: 'row = [1]\n    for _ in range(n):\n        row = [1] + [a + b for a, b in zip(row, row[1:])] + [1]\n    return [x % ({k} + 10) for x in row]',
    inputs: () => ['(0,)', '(4,)', '(10,)', '(20,)'],
  },
];

const VARIANTS = [1, 2, 3, 4, 5];

const problems: Problem[] = [];
const inputsOf: string[][] = [];
for (const f of F) {
  for (const k of VARIANTS) {
    const entry = `${f.name}_${k}`;
    const prompt = `def ${entry}${f.sig}:\n    """${f.doc.replaceAll('{k}', String(k))}"""\n`;
    problems.push({
      task_id: `Assay/${problems.length}`,
      prompt,
      entry_point: entry,
      canonical_solution: `    ${f.body.replaceAll('{k}', String(k))}\n`,
      test: '',
    });
    inputsOf.push(f.inputs(k));
  }
}

// Expected values: run every reference once and print repr() of each result.
const script = [
  'import json, sys',
  'data = json.load(sys.stdin)',
  'out = []',
  'for p, inputs in data:',
  '    g = {}',
  "    exec(p['prompt'] + p['canonical_solution'], g)",
  "    fn = g[p['entry_point']]",
  '    out.append([repr(fn(*eval(i))) for i in inputs])',
  'print(json.dumps(out))',
].join('\n');
const expected = JSON.parse(
  execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(problems.map((p, i) => [p, inputsOf[i]])),
    encoding: 'utf8',
  }),
) as string[][];
problems.forEach((p, i) => {
  const asserts = inputsOf[i]!.map((args, j) => `    assert candidate(*${args}) == ${expected[i]![j]}`);
  p.test = `\nMETADATA = {'author': 'assay', 'dataset': 'bench'}\n\n\ndef check(candidate):\n${asserts.join('\n')}\n`;
});

writeFileSync(
  new URL('./data/code-problems.jsonl', import.meta.url),
  `${problems.map((p) => JSON.stringify(p)).join('\n')}\n`,
);
console.log(`wrote ${problems.length} problems`);

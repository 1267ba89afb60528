/** One HumanEval-style problem of bench/data/code-problems.jsonl (written by gen-code-problems.ts). */
export interface Problem {
  task_id: string;
  prompt: string;
  entry_point: string;
  canonical_solution: string;
  test: string;
}

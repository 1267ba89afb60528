/**
 * Accuracy per component across scored records, for rewards whose parts are checks of one kind each
 * (IFEval instructions, rubric items): for every node whose children are leaves, the prompt-level
 * accuracy (all its leaves passed) and the instruction-level accuracy (leaves passed / leaves), and per
 * leaf name (`punctuation:no_comma`) the accuracy over every record that has it. A leaf passes when its
 * score is at least `passThreshold` (default 1); failed leaves (error, timeout) are counted apart and left
 * out of the accuracies, as failed samples are everywhere else.
 */

interface Node {
  name?: unknown;
  status?: unknown;
  score?: unknown;
  components?: unknown;
}

export interface GroupAccuracy {
  component: string;
  prompts: number;
  prompt_accuracy: number | null;
  instructions: number;
  instruction_accuracy: number | null;
  /** Leaves that failed (error/timeout), and the records they made unusable for prompt accuracy. */
  failed: number;
}

export interface LeafAccuracy {
  component: string;
  instruction: string;
  n: number;
  accuracy: number | null;
}

const kids = (n: Node): Node[] =>
  Array.isArray(n.components)
    ? (n.components.filter((c) => typeof c === 'object' && c !== null) as Node[])
    : [];

interface Tally {
  prompts: number;
  promptPass: number;
  leaves: number;
  leafPass: number;
  failed: number;
  byName: Map<string, { n: number; pass: number }>;
}

export function componentAccuracy(
  results: readonly unknown[],
  passThreshold = 1,
): { groups: GroupAccuracy[]; leaves: LeafAccuracy[] } {
  const tallies = new Map<string, Tally>();
  const visit = (node: Node, path: string) => {
    const children = kids(node);
    if (children.length === 0) return;
    const leaves = children.filter((c) => kids(c).length === 0);
    if (leaves.length === children.length) {
      let t = tallies.get(path);
      if (!t) {
        t = { prompts: 0, promptPass: 0, leaves: 0, leafPass: 0, failed: 0, byName: new Map() };
        tallies.set(path, t);
      }
      let usable = true;
      let all = true;
      for (const leaf of leaves) {
        const ok = leaf.status === 'ok' && typeof leaf.score === 'number';
        if (!ok) {
          t.failed++;
          usable = false;
          continue;
        }
        const pass = (leaf.score as number) >= passThreshold;
        const name = String(leaf.name ?? '?');
        const b = t.byName.get(name) ?? { n: 0, pass: 0 };
        b.n++;
        if (pass) b.pass++;
        t.byName.set(name, b);
        t.leaves++;
        if (pass) t.leafPass++;
        else all = false;
      }
      if (usable) {
        t.prompts++;
        if (all) t.promptPass++;
      }
      return;
    }
    const seen = new Map<string, number>();
    for (const c of children) {
      const name = String(c.name ?? '?');
      const k = seen.get(name) ?? 0;
      seen.set(name, k + 1);
      visit(c, `${path}/${name}${k > 0 ? `#${k}` : ''}`);
    }
  };
  for (const r of results) {
    if (typeof r === 'object' && r !== null) visit(r as Node, String((r as Node).name ?? 'reward'));
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const groups: GroupAccuracy[] = [];
  const leaves: LeafAccuracy[] = [];
  for (const [component, t] of tallies) {
    groups.push({
      component,
      prompts: t.prompts,
      prompt_accuracy: ratio(t.promptPass, t.prompts),
      instructions: t.leaves,
      instruction_accuracy: ratio(t.leafPass, t.leaves),
      failed: t.failed,
    });
    for (const [instruction, b] of [...t.byName].sort(([a], [b]) => a.localeCompare(b))) {
      leaves.push({ component, instruction, n: b.n, accuracy: ratio(b.pass, b.n) });
    }
  }
  return { groups, leaves };
}

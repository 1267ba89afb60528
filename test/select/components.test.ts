import { describe, expect, it } from 'vitest';
import { componentAccuracy } from '../../src/select/components.js';
import { jsonLines, runCli } from '../cli/run-cli.js';

const leaf = (name: string, score: number | null, status = 'ok') => ({ name, status, score });

describe('accuracy per component', () => {
  it('prompt-level and instruction-level accuracy, per check name; failed checks counted apart', () => {
    const results = [
      { name: 'ifeval', status: 'ok', score: 1, components: [leaf('a', 1), leaf('b', 1)] },
      { name: 'ifeval', status: 'ok', score: 0.5, components: [leaf('a', 0), leaf('b', 1)] },
      { name: 'ifeval', status: 'error', score: null, components: [leaf('a', 1), leaf('c', null, 'error')] },
    ];
    const { groups, leaves } = componentAccuracy(results);
    expect(groups).toEqual([
      {
        component: 'ifeval',
        prompts: 2,
        prompt_accuracy: 0.5,
        instructions: 5,
        instruction_accuracy: 0.8,
        failed: 1,
      },
    ]);
    expect(leaves).toEqual([
      { component: 'ifeval', instruction: 'a', n: 3, accuracy: 2 / 3 },
      { component: 'ifeval', instruction: 'b', n: 2, accuracy: 1 },
    ]);
  });
  it('assay stats --components on the IFEval example: strict and loose side by side', () => {
    const scored = runCli([
      'score',
      '--spec',
      'examples/ifeval/spec.yaml',
      '--input',
      'examples/ifeval/samples.jsonl',
    ]);
    expect(scored.code).toBe(0);
    const stats = runCli(['stats', '--input', '-', '--components'], scored.stdout);
    expect(stats.code).toBe(0);
    const lines = jsonLines(stats.stdout);
    const strict = lines.find((l) => l.component === 'weighted/strict' && l.prompts !== undefined);
    const loose = lines.find((l) => l.component === 'weighted/loose' && l.prompts !== undefined);
    expect(strict).toMatchObject({
      prompts: 6,
      prompt_accuracy: 4 / 6,
      instructions: 12,
      instruction_accuracy: 10 / 12,
    });
    expect(loose).toMatchObject({ prompt_accuracy: 1, instruction_accuracy: 1 });
    expect(lines).toContainEqual({
      component: 'weighted/strict',
      instruction: 'startend:quotation',
      n: 1,
      accuracy: 0,
    });
  });
});

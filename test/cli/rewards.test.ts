import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('assay rewards', () => {
  it('lists every registered reward and node kind, with arguments as JSON Schema', () => {
    const r = runCli(['rewards', '--json']);
    expect(r.code).toBe(0);
    const registry = JSON.parse(r.stdout);
    const length = registry.rewards.find((x: { name: string }) => x.name === 'length');
    expect(length).toMatchObject({
      mode: 'cpu',
      args: { properties: { max: { type: 'number' } }, required: ['max'] },
    });
    expect(registry.nodes.map((n: { key: string }) => n.key)).toEqual(
      expect.arrayContaining([
        'use',
        'weighted',
        'mean',
        'min',
        'max',
        'product',
        'gate',
        'clip',
        'affine',
        'metric',
      ]),
    );
    const text = runCli(['rewards']).stdout;
    expect(text).toMatch(/^ {2}exact_match +\[cpu\] 1 if the extracted answer/m);
    // the arguments are printed without --json too
    expect(text).toMatch(/^ +args: .*max: number \(required\)/m);
    expect(text).toMatch(/^ +args: .*ignore_punctuation: boolean = false/m);
  });
});

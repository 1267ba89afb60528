import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBwrap } from '../../src/sandbox/index.js';
import { DEFAULT_SPEC } from '../../src/server/start.js';
import { post, serve, tempDir } from './helpers.js';

describe('the bundled default spec', () => {
  it('loads when no spec is given; scores math by equivalence and code by its tests', async () => {
    expect(DEFAULT_SPEC).toMatch(/examples\/default\.yaml$/);
    const { app, url, service } = await serve({ store: join(tempDir(), 'runs.sqlite') });
    try {
      expect([...service.specs.keys()]).toEqual(['default']);
      const code = checkBwrap().ok
        ? [
            {
              response: '```python\ndef add(a, b):\n    return a + b\n```',
              reference: { tests: [{ type: 'assert', code: 'assert add(1, 2) == 3' }] },
            },
            {
              response: '```python\ndef add(a, b):\n    return a - b\n```',
              reference: { tests: [{ type: 'assert', code: 'assert add(1, 2) == 3' }] },
            },
          ]
        : [];
      const res = await post(url, '/v1/score', {
        samples: [
          { response: '<think>half</think><answer>\\frac{1}{2}</answer>', reference: '0.5' },
          { response: 'The answer is \\boxed{3}', reference: '4' },
          { response: 'x', reference: { neither: 'math nor code' } },
          ...code,
        ],
      });
      expect(res.status).toBe(200);
      const r = res.body.results;
      expect(r.slice(0, 3).map((x: { score: number }) => x.score)).toEqual([1, 0, null]);
      expect(r[2].status).toBe('error');
      expect(r[0].components.map((c: { name: string }) => c.name)).toEqual(['correct', 'format.tags']);
      // a route: exactly one branch ran per sample, and every sample names the same components
      expect(service.specs.get('default')!.components).toEqual([
        'correct',
        'correct.code',
        'correct.math',
        'format.tags',
      ]);
      for (const x of r)
        expect(x.components[0].components.map((c: { name: string }) => c.name)).toEqual(['code', 'math']);
      expect(r[0].components[0].components.map((c: { status: string }) => c.status)).toEqual([
        'skipped',
        'ok',
      ]);
      expect(r[2].reason).toMatch(/code error/);
      if (code.length) expect(r.slice(3).map((x: { score: number }) => x.score)).toEqual([1, 0]);
    } finally {
      await app.close();
    }
  });
});

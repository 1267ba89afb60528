import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC } from '../../src/server/start.js';
import { post, serve, tempDir } from './helpers.js';

describe('the bundled default spec', () => {
  it('loads when no spec is given and scores math answers by equivalence', async () => {
    expect(DEFAULT_SPEC).toMatch(/examples\/default\.yaml$/);
    const { app, url, service } = await serve({ store: join(tempDir(), 'runs.sqlite') });
    try {
      expect([...service.specs.keys()]).toEqual(['default']);
      const res = await post(url, '/v1/score', {
        samples: [
          { response: '<think>half</think><answer>\\frac{1}{2}</answer>', reference: '0.5' },
          { response: 'The answer is \\boxed{3}', reference: '4' },
        ],
      });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { score: number }) => r.score)).toEqual([1, 0]);
      expect(res.body.results[0].components.map((c: { name: string }) => c.name)).toContain('format.tags');
    } finally {
      await app.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../../src/builtins.js';
import { type Body, type FakeOpenAIServer, startFakeServer } from '../../judges/fake-openai-server.js';
import { scoreOnce } from '../../judges/helpers.js';

/** A toy embedding model: counts of the letters a, b, c in the text (real protocol, real HTTP). */
const vector = (text: string) => ['a', 'b', 'c'].map((ch) => text.split(ch).length - 1);
function embeddings(path: string, body: Body) {
  if (!path.endsWith('/embeddings')) return undefined;
  const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
  return {
    object: 'list',
    model: body.model,
    // reversed on purpose: clients must order by index
    data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: vector(t) })).reverse(),
    usage: { prompt_tokens: 1, total_tokens: 1 },
  };
}

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer({ other: embeddings });
});
afterAll(() => server.close());

const node = (extra: Record<string, unknown> = {}) => ({
  use: 'embedding',
  args: { base_url: server.baseURL, model: 'emb', cache_size: 0, max_retries: 2, ...extra },
});

describe('embedding (OpenAI-compatible /embeddings)', () => {
  it('cosine against the best reference, one request with the response first', async () => {
    const [r] = await scoreOnce(node(), [{ response: '<think>ccc</think>aab', reference: ['ccc', 'ab'] }]);
    // [2,1,0] vs [0,0,3] → 0; vs [1,1,0] → 3 / (√5 · √2)
    expect(r!.status).toBe('ok');
    expect(r!.score).toBeCloseTo(3 / Math.sqrt(10), 12);
    const req = server.log.at(-1)!;
    expect(req.path).toBe('/v1/embeddings');
    expect(req.body).toMatchObject({ model: 'emb', input: ['aab', 'ccc', 'ab'], encoding_format: 'float' });
  });
  it('retries a 429 then answers; a dead endpoint is an error, not a 0', async () => {
    server.inject({ status: 429, retryAfterMs: 10 });
    const [r] = await scoreOnce(node(), [{ response: 'abc', reference: 'abc' }]);
    expect(r!.score).toBeCloseTo(1, 12);
    server.inject({ status: 500 }, { status: 500 }); // the first try and its one retry
    const [bad] = await scoreOnce(node({ max_retries: 1 }), [{ response: 'abc', reference: 'abc' }]);
    expect(bad).toMatchObject({ status: 'error', score: null });
    expect(bad!.reason).toMatch(/embeddings endpoint could not answer/);
  });
  it('caches by content: the same sample twice makes one request', async () => {
    const before = server.log.length;
    const [a, b] = await scoreOnce({ ...node({ cache_size: 100 }) }, [
      { response: 'ab', reference: 'ba' },
      { response: 'ab', reference: 'ba' },
    ]);
    expect(a!.score).toBeCloseTo(1, 12);
    expect(b!.score).toBeCloseTo(1, 12);
    expect(server.log.length - before).toBe(1);
  });
  it('a zero vector or a malformed reply is an error naming the problem', async () => {
    const [zero] = await scoreOnce(node(), [{ response: 'xyz', reference: 'abc' }]);
    expect(zero!.status).toBe('error');
    expect(zero!.reason).toMatch(/all zeros/);
    const [noRef] = await scoreOnce(node(), [{ response: 'abc' }]);
    expect(noRef!.reason).toMatch(/reference must be/);
  });
});

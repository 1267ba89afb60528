import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatRequest, delimited, type FakeOpenAIServer, startFakeServer } from './fake-openai-server.js';
import { scoreOnce } from './helpers.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());

/** Prefers the longer response; a tie when equal. */
function longerWins(req: ChatRequest) {
  const a = delimited(req.user, 'RESPONSE_A') ?? '';
  const b = delimited(req.user, 'RESPONSE_B') ?? '';
  const winner = a.length > b.length ? 'A' : b.length > a.length ? 'B' : 'tie';
  return req.schema ? { json: { rationale: 'length', winner } } : `Compared.\nVERDICT: ${winner}`;
}

const args = (extra: Record<string, unknown> = {}) => ({
  base_url: server.baseURL,
  model: 'grm',
  cache_size: 0,
  ...extra,
});
const group = (g: string, texts: string[]) =>
  texts.map((response) => ({ prompt: 'Write a story', response, group: g }));
const texts = ['a', 'bbbb', 'cc', 'dddddddd', 'eee'];

async function run(mode: string, extra: Record<string, unknown> = {}, seed = 1) {
  const before = server.chatRequests.length;
  const rs = await scoreOnce(
    { use: 'judge.pairwise', args: args({ group_mode: mode, ...extra }) },
    group('g1', texts),
    { seed },
  );
  return { rs, calls: server.chatRequests.length - before };
}

describe('judge.pairwise', () => {
  it('cancels position bias by judging both orders', async () => {
    server.opts.chat = () => 'VERDICT: A'; // always the first position
    const { rs, calls } = await run('win_rate');
    expect(calls).toBe(5 * 4);
    expect(rs.every((r) => r.status === 'ok' && r.score === 0.5)).toBe(true);
  });
  it('win_rate: the share of wins against all others', async () => {
    server.opts.chat = longerWins;
    const { rs } = await run('win_rate');
    expect(rs.map((r) => r.score)).toEqual([0, 0.75, 0.25, 1, 0.5]);
  });
  it('tournament: 2(N−1) calls, the best is champion, same seed same bracket', async () => {
    server.opts.chat = longerWins;
    const { rs, calls } = await run('tournament', {}, 5);
    expect(calls).toBe(2 * (texts.length - 1));
    expect(rs[3]!.score).toBe(1);
    expect(rs[0]!.detail).toMatchObject({ group_mode: 'tournament', comparisons: 4 });
    const again = await run('tournament', {}, 5);
    expect(again.rs.map((r) => r.score)).toEqual(rs.map((r) => r.score));
  });
  it('brpo: one seeded reference rollout, N−1 comparisons', async () => {
    server.opts.chat = longerWins;
    const { rs, calls } = await run('brpo', { structured: true }, 3);
    expect(calls).toBe(2 * (texts.length - 1));
    const ref = rs.findIndex((r) => r.detail?.reference_rollout);
    expect(ref).toBeGreaterThanOrEqual(0);
    rs.forEach((r, i) => {
      if (i !== ref) expect(r.score).toBe(texts[i]!.length > texts[ref]!.length ? 1 : 0);
    });
    const other = await Promise.all([1, 2, 3, 4, 5, 6].map((s) => run('brpo', {}, s)));
    const refs = new Set(other.map((o) => o.rs.findIndex((r) => r.detail?.reference_rollout)));
    expect(refs.size).toBeGreaterThan(1); // the seed decides the draw
  });
  it('reference: each sample against its reference response', async () => {
    server.opts.chat = longerWins;
    const rs = await scoreOnce({ use: 'judge.pairwise', args: args({ group_mode: 'reference' }) }, [
      { response: 'long answer here', reference: 'short' },
      { response: 'x', reference: 'short' },
      { response: 'x' },
    ]);
    expect(rs.map((r) => [r.status, r.score])).toEqual([
      ['ok', 1],
      ['ok', 0],
      ['error', null],
    ]);
  });
  it('a response with no answer loses without a call; a failed comparison fails the group', async () => {
    server.opts.chat = () => 'VERDICT: A';
    const before = server.chatRequests.length;
    const rs = await scoreOnce(
      { use: 'judge.pairwise', args: args() },
      group('g2', ['Thought process:', 'The answer is 12.']),
    );
    expect(server.chatRequests.length - before).toBe(0);
    expect(rs.map((r) => r.score)).toEqual([0, 1]);
    expect(rs[0]!.reason).toContain('guard');
    server.opts.chat = () => 'I cannot decide.';
    const bad = await scoreOnce({ use: 'judge.pairwise', args: args() }, group('g3', ['one', 'two']));
    expect(bad.every((r) => r.status === 'error' && r.reason?.includes('could not be read'))).toBe(true);
  });
});

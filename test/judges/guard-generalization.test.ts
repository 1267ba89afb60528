import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAIServer, scripts, startFakeServer } from './fake-openai-server.js';
import { scoreOnce } from './helpers.js';
import { NO_ANSWER, REAL, REAL_WORDS } from './no-answer.js';

/**
 * Does the guard generalize? Reworded no-answer responses in eleven groups of languages, none of them in
 * the guard's word lists as phrases, against a reference judge that says yes to everything: each is
 * reported per language, with the reference a number and a word. Real answers must all reach the judge.
 */
let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer({ chat: scripts.alwaysYes });
});
afterAll(() => server.close());

const args = () => ({ base_url: server.baseURL, model: 'yes-man', cache_size: 0 });
const judged = (responses: string[], reference: string) =>
  scoreOnce(
    { use: 'judge.reference', args: args() },
    responses.map((response) => ({ prompt: 'What is 2 + 2?', response, reference })),
  );

describe('the master-key guard on reworded no-answer responses (always-yes judge)', () => {
  const total = Object.values(NO_ANSWER).reduce((n, v) => n + v.length, 0);
  it(`has at least 200 responses in at least 8 languages (${total} in ${Object.keys(NO_ANSWER).length} groups)`, () => {
    expect(total).toBeGreaterThanOrEqual(200);
    expect(Object.keys(NO_ANSWER).length).toBeGreaterThanOrEqual(8);
  });

  for (const reference of ['4', 'Paris']) {
    it(`reference ${JSON.stringify(reference)}: rewarded per language, and the judge is not asked`, async () => {
      const lines: string[] = [];
      let rewarded = 0;
      const missed: string[] = [];
      for (const [lang, responses] of Object.entries(NO_ANSWER)) {
        const before = server.chatRequests.length;
        const rs = await judged(responses, reference);
        const paid = rs.filter((r) => (r.score ?? 0) > 0).length;
        rewarded += paid;
        for (const [i, r] of rs.entries()) if ((r.score ?? 0) > 0) missed.push(`${lang}: ${responses[i]}`);
        expect(server.chatRequests.length - before).toBe(paid); // a guarded response is never sent
        lines.push(`${lang} ${paid}/${responses.length}`);
      }
      console.log(
        `no-answer responses rewarded, reference ${JSON.stringify(reference)}: ${rewarded}/${total} (${((100 * rewarded) / total).toFixed(1)}%) — ${lines.join(', ')}${missed.length ? `\n  missed: ${missed.join(' | ')}` : ''}`,
      );
      // A number as reference: every rule applies. A word: only the word rules, and the other group
      // (languages without word lists) is caught only when it is a label ending in a colon.
      if (reference === '4') expect(rewarded).toBe(0);
      else expect(rewarded / total).toBeLessThanOrEqual(0.05);
    });
  }

  it('real answers, right or wrong, in every language, all reach the judge', async () => {
    const before = server.chatRequests.length;
    const answers = Object.values(REAL).flat();
    const rs = await judged(answers, '4');
    expect(rs.map((r, i) => [answers[i], r.score])).toEqual(answers.map((a) => [a, 1]));
    const words = await Promise.all(REAL_WORDS.map(([response, reference]) => judged([response], reference)));
    expect(words.map(([r], i) => [REAL_WORDS[i]![0], r!.score])).toEqual(REAL_WORDS.map(([a]) => [a, 1]));
    expect(server.chatRequests.length - before).toBe(answers.length + REAL_WORDS.length);
  });
});

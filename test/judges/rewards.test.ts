import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec, Runtime } from './engine.js';
import { type ChatRequest, delimited, type FakeOpenAIServer, startFakeServer } from './fake-openai-server.js';
import { scoreOnce } from './helpers.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(() => server.close());

/** A judge that answers by content: the reference judge says yes when the response contains the reference. */
function referenceJudge(req: ChatRequest) {
  const response = delimited(req.user) ?? '';
  const reference = /\[Reference answer\]\n([^\n]*)/.exec(req.user)?.[1] ?? '';
  const yes = reference !== '' && response.includes(reference);
  if (req.schema) return { json: { rationale: 'compared', verdict: yes ? 'yes' : 'no' } };
  return { content: `Compared the answers.\nVERDICT: ${yes ? 'yes' : 'no'}`, pYes: yes ? 0.8 : 0.1 };
}

const base = () => ({ base_url: server.baseURL, model: 'judge-model', cache_size: 0 });

describe('judge (pointwise)', () => {
  it('normalizes the grade, keeps the rationale and usage, and sends the template', async () => {
    server.opts.chat = () => 'Good but verbose.\nVERDICT: 7';
    const [r] = await scoreOnce({ use: 'judge', args: base() }, [
      { prompt: 'Write a haiku', response: 'Leaves fall…' },
    ]);
    expect(r!.status).toBe('ok');
    expect(r!.score).toBeCloseTo(6 / 9);
    expect(r!.detail).toMatchObject({ grade: 7, calls: 1, usage: { total_tokens: expect.any(Number) } });
    const req = server.chatRequests.at(-1)!;
    expect(req.body.model).toBe('judge-model');
    expect(req.body.temperature).toBe(0);
    expect(delimited(req.body.messages[1].content)).toBe('Leaves fall…');
    expect(req.body.messages[0].content).toContain('never follow');
  });
  it('reports an unreadable or out-of-scale verdict as an error, never a score', async () => {
    server.opts.chat = () => 'I think it is fine.';
    const [r1] = await scoreOnce({ use: 'judge', args: base() }, [{ response: 'text' }]);
    expect(r1).toMatchObject({ status: 'error', score: null });
    expect(r1!.reason).toContain('could not be read');
    server.opts.chat = () => 'VERDICT: 11';
    const [r2] = await scoreOnce({ use: 'judge', args: { ...base(), scale: [1, 10] } }, [
      { response: 'text' },
    ]);
    expect(r2!.status).toBe('error');
  });
  it('uses structured output when asked', async () => {
    server.opts.chat = (req) => ({ json: { rationale: 'ok', score: req.schema ? 4 : 0 } });
    const [r] = await scoreOnce({ use: 'judge', args: { ...base(), structured: true, scale: [0, 4] } }, [
      { response: 'text' },
    ]);
    expect(r!.score).toBe(1);
    expect(server.chatRequests.at(-1)!.body.response_format.type).toBe('json_schema');
  });
  it('strips <think> so the judge sees the final answer only', async () => {
    server.opts.chat = () => 'VERDICT: 5';
    await scoreOnce({ use: 'judge', args: base() }, [
      { response: '<think>secret reasoning</think>Final: 12' },
    ]);
    expect(delimited(server.chatRequests.at(-1)!.body.messages[1].content)).toBe('Final: 12');
  });
});

describe('transcripts', () => {
  const trajectory = (final: string) => ({
    prompt: 'Book a flight',
    response: [
      { role: 'assistant' as const, content: 'Calling search_flights(LHR, JFK)' },
      { role: 'tool' as const, content: '3 flights found' },
      { role: 'assistant' as const, content: final },
    ],
  });
  it('shows the judge the whole conversation with transcript: true, the final answer otherwise', async () => {
    server.opts.chat = () => 'VERDICT: 8';
    await scoreOnce({ use: 'judge', args: { ...base(), transcript: true } }, [trajectory('Booked BA117.')]);
    const seen = delimited(server.chatRequests.at(-1)!.body.messages[1].content)!;
    expect(seen).toContain('[tool]\n3 flights found');
    expect(seen.endsWith('[assistant]\nBooked BA117.')).toBe(true);
    await scoreOnce({ use: 'judge', args: base() }, [trajectory('Booked BA117.')]);
    expect(delimited(server.chatRequests.at(-1)!.body.messages[1].content)).toBe('Booked BA117.');
  });
  it('guards the final message of a transcript', async () => {
    const before = server.chatRequests.length;
    const [r] = await scoreOnce({ use: 'judge', args: { ...base(), transcript: true } }, [
      trajectory('Thought process:'),
    ]);
    expect(r).toMatchObject({ score: 0, detail: { guarded: expect.any(String) } });
    expect(server.chatRequests.length - before).toBe(0);
  });
});

describe('judge.reference', () => {
  it('gives 1/0 by the verdict, and errors without a reference', async () => {
    server.opts.chat = referenceJudge;
    const rs = await scoreOnce({ use: 'judge.reference', args: base() }, [
      { prompt: '2+2?', response: 'It is 4', reference: '4' },
      { prompt: '2+2?', response: 'It is 5', reference: '4' },
      { prompt: '2+2?', response: 'It is 4' },
    ]);
    expect(rs.map((r) => [r.status, r.score])).toEqual([
      ['ok', 1],
      ['ok', 0],
      ['error', null],
    ]);
  });
  it('reads a reply that is nothing but a verdict word, as small verifier models answer', async () => {
    const replies: [string, number | null][] = [
      ['yes', 1],
      ['No.', 0],
      ['**Yes**', 1],
      ['  correct\n', 1],
      ['<think>compare 4 and 4</think>\nyes', 1],
      ['The response says 4 and the reference says 4, so the answer is yes', null],
      ['yes\nbut wait, no', null],
    ];
    for (const [reply, score] of replies) {
      server.opts.chat = () => reply;
      const [r] = await scoreOnce({ use: 'judge.reference', args: base() }, [
        { response: 'It is 4', reference: '4' },
      ]);
      expect([reply, r!.score]).toEqual([reply, score]);
      if (score === null)
        // the message says what the judge was asked for: a VERDICT line (or a bare verdict)
        expect(r!.reason).toMatch(
          /expected a final line "VERDICT: <yes or no>", or a reply that is only yes or no/,
        );
    }
  });
  it('soft: P(yes) from the log-probabilities; binary when the server sends none', async () => {
    server.opts.chat = referenceJudge;
    const [r] = await scoreOnce({ use: 'judge.reference', args: { ...base(), soft: true } }, [
      { response: 'It is 4', reference: '4' },
    ]);
    expect(r!.score).toBeCloseTo(0.8);
    expect(server.chatRequests.at(-1)!.body).toMatchObject({ logprobs: true, top_logprobs: 5 });
    server.opts.chat = () => ({ json: { rationale: 'x', verdict: 'yes' }, noLogprobs: true });
    const [s] = await scoreOnce(
      { use: 'judge.reference', args: { ...base(), soft: true, structured: true } },
      [{ response: 'It is 4', reference: '4' }],
    );
    expect(s!.score).toBe(1);
    expect(s!.detail!.soft).toContain('no log-probabilities');
    server.opts.chat = () => ({ content: 'Different.\nVERDICT: no', pYes: 0.1 });
    const [n] = await scoreOnce({ use: 'judge.reference', args: { ...base(), soft: true } }, [
      { response: 'It is 5', reference: '4' },
    ]);
    expect(n!.score).toBeCloseTo(0.1);
  });
});

describe('judge.vote', () => {
  it('samples k judgments with distinct seeds and aggregates them', async () => {
    // Votes alternate with the seed: 3 of 5 yes.
    server.opts.chat = (req) => `VERDICT: ${req.body.seed % 2 === 0 ? 'yes' : 'no'}`;
    const before = server.chatRequests.length;
    const [mean] = await scoreOnce(
      { use: 'judge.vote', args: { ...base(), k: 5 } },
      [{ response: 'x', reference: 'y' }],
      { seed: 10 },
    );
    expect(server.chatRequests.length - before).toBe(5);
    expect(new Set(server.chatRequests.slice(before).map((r) => r.body.seed)).size).toBe(5);
    expect(mean!.score).toBeCloseTo(3 / 5);
    const [maj] = await scoreOnce(
      { use: 'judge.vote', args: { ...base(), k: 5, aggregate: 'majority' } },
      [{ response: 'x', reference: 'y' }],
      {
        seed: 10,
      },
    );
    expect(maj!.score).toBe(1);
  });
  it('votes on pointwise grades too', async () => {
    server.opts.chat = () => 'VERDICT: 10';
    const [r] = await scoreOnce({ use: 'judge.vote', args: { ...base(), of: 'pointwise', k: 3 } }, [
      { response: 'x' },
    ]);
    expect(r!.score).toBe(1);
  });
});

describe('rubric', () => {
  const rubricRef = {
    criteria: [
      { criterion: 'Mentions photosynthesis', weight: 2, required: true },
      { criterion: 'Cites a source', weight: 1 },
      { criterion: 'Claims plants eat soil', weight: -1 },
      { criterion: 'States the final number', weight: 1, check: { use: 'exact_match' }, reference: '42' },
    ],
  };
  it('grades judged criteria in one structured call, runs checks, and aggregates', async () => {
    server.opts.chat = (req) => {
      if (!req.schema) return 'no schema was asked for';
      return {
        json: {
          criteria: [
            { id: 1, rationale: '', met: true },
            { id: 2, rationale: '', met: false },
            { id: 3, rationale: '', met: true },
          ],
        },
      };
    };
    const before = server.chatRequests.length;
    const runtime = new Runtime({ inThread: true });
    try {
      const [r] = await scoreOnce(
        { use: 'rubric', args: base() },
        [{ response: '<answer>42</answer>', reference: rubricRef }],
        { runtime },
      );
      expect(server.chatRequests.length - before).toBe(1);
      const user = server.chatRequests.at(-1)!.body.messages[1].content as string;
      expect(user).toContain('3. Claims plants eat soil');
      expect(user).not.toContain('States the final number');
      // (2·1 + 1·0 − 1·1 + 1·1) / (2 + 1 + 1)
      expect(r!.score).toBeCloseTo(2 / 4);
      expect(r!.components!.map((c) => c.score)).toEqual([1, 0, 1, 1]);
      expect(r!.components![3]!.detail).toMatchObject({ by: 'check', extracted: '42' });
      const [strict] = await scoreOnce(
        { use: 'rubric', args: { ...base(), aggregate: 'strict' } },
        [{ response: 'x 41', reference: rubricRef }],
        {
          runtime,
        },
      );
      expect(strict!.score).toBe(1); // only the first criterion is required, and it is met
    } finally {
      await runtime.close();
    }
  });
  it('a response with no answer gets the lowest score its rubric allows, without a call', async () => {
    const before = server.chatRequests.length;
    const [r] = await scoreOnce({ use: 'rubric', args: base() }, [
      { response: 'Thought process:', reference: rubricRef },
    ]);
    expect(r!.score).toBeCloseTo(-1 / 4);
    expect(server.chatRequests.length - before).toBe(0);
  });
  it('reads a final verdict line without structured output, and rejects a bad rubric', async () => {
    server.opts.chat = () => 'Checked.\nVERDICT: no, yes';
    const ref = [{ criterion: 'a' }, { criterion: 'b', weight: 3 }];
    const [r] = await scoreOnce({ use: 'rubric', args: { ...base(), structured: false } }, [
      { response: 'text', reference: ref },
    ]);
    expect(r!.score).toBeCloseTo(3 / 4);
    const [bad] = await scoreOnce({ use: 'rubric', args: base() }, [
      { response: 'text', reference: [{ weight: 1 }] },
    ]);
    expect(bad!.status).toBe('error');
    expect(bad!.reason).toContain('reference');
  });
  it('an unknown check is an error naming the criterion', async () => {
    server.opts.chat = () => ({ json: { criteria: [] } });
    const [r] = await scoreOnce({ use: 'rubric', args: base() }, [
      { response: 'text', reference: [{ criterion: 'x', check: 'no.such.reward' }] },
    ]);
    expect(r!.status).toBe('error');
    expect(r!.reason).toContain('criterion[0]');
  });
});

describe('reward_model', () => {
  it('pooling: the value at the last token; classify: the label probability; generic: a JSON path', async () => {
    server.opts.pooling = (body) => ({ data: [{ index: 0, data: [[0.5], [body.messages.length]] }] });
    server.opts.classify = () => ({ data: [{ index: 0, label: 'bad', probs: [0.9, 0.1], num_classes: 2 }] });
    server.opts.other = (path, body) =>
      path === '/score' ? { result: { reward: body.text.length } } : undefined;
    const args = { base_url: server.url, model: 'rm', cache_size: 0 };
    const [pool] = await scoreOnce(
      { use: 'reward_model', args: { ...args, normalize: 'none', guard_score: -10 } },
      [{ prompt: 'p', response: 'r' }],
    );
    expect(pool!.score).toBe(2);
    expect(server.log.at(-1)!.body).toEqual({
      model: 'rm',
      messages: [
        { role: 'user', content: 'p' },
        { role: 'assistant', content: 'r' },
      ],
    });
    const [cls] = await scoreOnce(
      {
        use: 'reward_model',
        args: { ...args, api: 'classify', label_index: 0, normalize: 'none', guard: false },
      },
      [{ response: 'r' }],
    );
    expect(cls!.score).toBe(0.9);
    const generic = {
      normalize: 'none',
      guard_score: -1,
      ...args,
      api: 'generic',
      url: `${server.url}/score`,
      body: { text: '{{prompt}}|{{response}}' },
      score_path: 'result.reward',
    };
    const [gen] = await scoreOnce({ use: 'reward_model', args: generic }, [{ prompt: 'ab', response: 'cd' }]);
    expect(gen!.score).toBe(5);
    const [sig, guarded] = await scoreOnce({ use: 'reward_model', args }, [
      { response: 'r' },
      { response: 'Solution:' },
    ]);
    expect(sig!.score).toBeCloseTo(1 / (1 + Math.exp(-1))); // sigmoid by default
    expect(guarded).toMatchObject({ score: 0, detail: { guarded: expect.any(String) } });
  });
  it('a reply without the score is an error', async () => {
    server.opts.pooling = () => ({ data: [] });
    const [r] = await scoreOnce({ use: 'reward_model', args: { base_url: server.url, model: 'rm' } }, [
      { response: 'r' },
    ]);
    expect(r!.status).toBe('error');
  });
});

describe('spec validation', () => {
  it('refuses keys in the spec and names the bad path', () => {
    expect(() =>
      parseSpec({
        reward: { use: 'judge', args: { base_url: server.baseURL, model: 'm', api_key: 'sk-123' } },
      }),
    ).toThrow(/reward\.args\.api_key: .*api_key_env/);
    expect(() => parseSpec({ reward: { use: 'judge', args: { model: 'm' } } })).toThrow(
      /reward\.args\.base_url/,
    );
    expect(() =>
      parseSpec({ reward: { use: 'judge', args: { ...base(), template: 'no placeholder' } } }),
    ).toThrow(/\{\{response\}\}/);
    expect(() =>
      parseSpec({
        reward: { use: 'reward_model', args: { base_url: server.url, model: 'm', normalize: 'none' } },
      }),
    ).toThrow(/reward\.args\.guard_score: raw reward-model scores/);
    expect(() =>
      parseSpec({
        reward: { use: 'reward_model', args: { base_url: server.url, model: 'm', api: 'generic' } },
      }),
    ).toThrow(/reward\.args\.url/);
  });
});

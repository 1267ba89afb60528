/**
 * The `prm` reward: every step in one call, against the local fake server speaking vLLM's /pooling and
 * /tokenize and the OpenAI chat protocol. Step scores land in detail.step_scores, where the credit code and
 * `assay eval` on ProcessBench rows read them.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScoredLines, stepRewardsOf } from '../../src/credit/scored.js';
import { computeStepCredit } from '../../src/credit/steps.js';
import { DEFAULT_EVAL_OPTIONS, reportOf, scoreCases } from '../../src/eval/evaluate.js';
import { loadCases } from '../../src/eval/formats.js';
import { firstErrorScores, readStepRewards, readStepVerdicts, stepValue } from '../../src/judges/prm.js';
import { parseSpec, Runtime, Scorer } from './engine.js';
import { delimited, type FakeOpenAIServer, startFakeServer } from './fake-openai-server.js';
import { scoreOnce } from './helpers.js';

const SEP = '<extra_0>';
const SEP_ID = 151651;
/** Steps that contain one of these are wrong (the fixture's planted errors, and "wrong" in the synthetic ones). */
const WRONG = ['25% of 20 is 4', '5 × 2 / 2 = 10', 'wrong'];
const isWrong = (step: string) => WRONG.some((w) => step.includes(w));

/** The PRM's view of a pooling body: the assistant text cut at the separators. */
function stepsOf(body: Record<string, unknown>): string[] {
  const text =
    typeof body.input === 'string'
      ? body.input
      : (body.messages as { role: string; content: string }[]).find((m) => m.role === 'assistant')!.content;
  const parts = text.split(SEP);
  parts.pop(); // text after the last separator
  return parts;
}

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer({
    // vLLM's step pooler: one [p_wrong, p_right] per separator.
    pooling: (body) => {
      if (body.model === 'per-token') {
        // An ALL pooler: one entry per token; tokens are the characters, each separator one token.
        const steps = stepsOf(body);
        const data: number[][] = [];
        for (const s of steps) {
          for (const _ of s) data.push([0.5, 0.5]);
          data.push(isWrong(s) ? [0.8, 0.2] : [0.05, 0.95]);
        }
        return { data: [{ index: 0, data }] };
      }
      return { data: [{ index: 0, data: stepsOf(body).map((s) => (isWrong(s) ? [0.9, 0.1] : [0.1, 0.9])) }] };
    },
    other: (path, body) => {
      if (path !== '/tokenize') return undefined;
      const tokens: number[] = [];
      for (const s of stepsOf(body)) {
        for (const _ of s) tokens.push(7);
        tokens.push(SEP_ID);
      }
      return { count: tokens.length, max_model_len: 4096, tokens };
    },
    chat: (req) => {
      const block = delimited(req.user, 'STEPS') ?? '';
      const steps = block.split(/\n\n(?=Step \d+:)/).map((s) => s.replace(/^Step \d+:\n/, ''));
      if (block.includes('unreadable')) return 'The steps look fine overall.';
      if (req.system.includes('first incorrect step')) {
        if (block.includes('out of range')) return 'VERDICT: 12';
        const k = steps.findIndex(isWrong);
        return `Step ${k + 1} is the first mistake.\nVERDICT: ${k + 1}`;
      }
      return `Checking each step.\n${steps.map((s, k) => `Step ${k + 1}: ${isWrong(s) ? 'incorrect' : 'correct'}`).join('\n')}`;
    },
  });
});
afterAll(() => server.close());

const tenSteps = Array.from({ length: 10 }, (_, k) =>
  k === 6 ? `Step ${k + 1}: a wrong turn.` : `Step ${k + 1}: fine.`,
);
const sample = { prompt: 'Solve it.', response: tenSteps.join('\n'), steps: tenSteps };
const pooling = (extra: Record<string, unknown> = {}) => ({
  use: 'prm',
  args: { base_url: server.url, model: 'qwen-prm', ...extra },
});
const chat = (extra: Record<string, unknown> = {}) => ({
  use: 'prm',
  args: { api: 'chat', base_url: server.baseURL, model: 'critic', ...extra },
});

describe('reading PRM replies', () => {
  it('a step entry is a number, [v], or class probabilities read at label_index', () => {
    expect(stepValue(0.7, 1)).toBe(0.7);
    expect(stepValue([0.3], 1)).toBe(0.3);
    expect(stepValue([0.2, 0.8], 1)).toBe(0.8);
    expect(stepValue([0.2, 0.8], 0)).toBe(0.2);
    expect(stepValue(['x'], 0)).toBeUndefined();
  });

  it('one entry per step; per-token entries only at the separator positions; a mismatch is named', () => {
    expect(
      readStepRewards(
        [
          [0.1, 0.9],
          [0.7, 0.3],
        ],
        2,
        1,
      ),
    ).toEqual([0.9, 0.3]);
    expect(readStepRewards([[0.5], [0.9], [0.5], [0.2]], 2, 1, [1, 3])).toEqual([0.9, 0.2]);
    expect(readStepRewards([[0.5], [0.9], [0.5]], 2, 1)).toMatch(
      /3 entries for 2 steps: serve the PRM with a step pooler/,
    );
    expect(readStepRewards([[0.5], [0.9], [0.5]], 2, 1, [1])).toMatch(/1 step separators for 2 steps/);
    expect(readStepRewards('nope', 2, 1)).toMatch(/no list/);
  });

  it('generative verdicts: the final block, one line per step, nothing guessed', () => {
    const reply = 'Some thoughts.\n**Step 1:** correct\nStep 2: incorrect.\nstep 3 - Correct';
    expect(readStepVerdicts(reply, 3, false)).toEqual([1, 0, 1]);
    expect(readStepVerdicts(reply, 4, false)).toBeUndefined(); // a step without a verdict
    expect(readStepVerdicts('Step 1: correct\nStep 1: incorrect', 1, false)).toBeUndefined(); // twice
    // Verdict lines quoted earlier do not count when the reply ends otherwise.
    expect(
      readStepVerdicts('Step 1: correct\nStep 2: correct\nOverall I am unsure.', 2, false),
    ).toBeUndefined();
    expect(readStepVerdicts('{"rationale":"r","steps":["correct","incorrect"]}', 2, true)).toEqual([1, 0]);
    expect(readStepVerdicts('{"steps":["correct","maybe"]}', 2, true)).toBeUndefined();
    // A pathological line costs linear time (no backtracking over spaces).
    const t0 = performance.now();
    expect(readStepVerdicts(`step 1${' '.repeat(100_000)}x`, 1, false)).toBeUndefined();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('prm over vLLM /pooling', () => {
  it('scores all 10 steps of a solution in one call, min-aggregated, step scores in detail', async () => {
    const before = server.log.length;
    const [r] = await scoreOnce(pooling(), [sample]);
    expect(r).toMatchObject({ status: 'ok', score: 0.1 });
    expect(r!.detail!.step_scores).toEqual([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9]);
    const calls = server.log.slice(before);
    expect(calls.map((c) => c.path)).toEqual(['/pooling']);
    // The request: Qwen2.5-Math-PRM's system prompt, the question, the steps each followed by the separator.
    const messages = calls[0]!.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(messages[2]!.content).toBe(tenSteps.map((s) => `${s}${SEP}`).join(''));
  });

  it('reads per-token replies at the separator positions found with /tokenize', async () => {
    const before = server.log.length;
    const [r] = await scoreOnce(pooling({ model: 'per-token', step_token_id: SEP_ID, aggregate: 'mean' }), [
      sample,
    ]);
    expect(r!.status, r!.reason).toBe('ok');
    expect(r!.detail!.step_scores).toEqual([0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.2, 0.95, 0.95, 0.95]);
    expect(r!.score).toBeCloseTo((0.95 * 9 + 0.2) / 10, 12);
    expect(server.log.slice(before).map((c) => c.path)).toEqual(['/pooling', '/tokenize']);
  });

  it('per-token replies without step_token_id, a failing server, and master keys: errors and guards, never guesses', async () => {
    const [mismatch] = await scoreOnce(pooling({ model: 'per-token' }), [sample]);
    expect(mismatch).toMatchObject({ status: 'error', score: null });
    expect(mismatch!.reason).toMatch(/entries for 10 steps/);
    server.inject({ status: 500 });
    const [down] = await scoreOnce(pooling({ max_retries: 0 }), [{ ...sample, prompt: 'other' }]);
    expect(down).toMatchObject({ status: 'error', score: null });
    expect(down!.reason).toMatch(/^the PRM could not answer/);
    const before = server.log.length;
    const [guarded] = await scoreOnce(pooling(), [{ prompt: 'Solve it.', response: 'Thought process:' }]);
    expect(guarded).toMatchObject({ status: 'ok', score: 0 });
    expect(guarded!.detail).toMatchObject({ calls: 0, step_scores: [0] });
    expect(server.log.length).toBe(before);
  });
});

describe('prm as a generative judge', () => {
  it('one chat call returns a verdict per step', async () => {
    const before = server.chatRequests.length;
    const [r] = await scoreOnce(chat(), [sample]);
    expect(r!.status, r!.reason).toBe('ok');
    expect(r!.detail!.step_scores).toEqual([1, 1, 1, 1, 1, 1, 0, 1, 1, 1]);
    expect(r!.score).toBe(0);
    expect(server.chatRequests.length - before).toBe(1);
  });

  it('first_error: one VERDICT line naming the first wrong step, as ProcessBench critics answer', async () => {
    expect(firstErrorScores(0, 3)).toEqual([1, 1, 1]);
    expect(firstErrorScores(2, 3)).toEqual([1, 0, 0]);
    const before = server.chatRequests.length;
    const [r] = await scoreOnce(chat({ verdicts: 'first_error' }), [sample]);
    expect(r!.status, r!.reason).toBe('ok');
    expect(r!.detail).toMatchObject({ first_error: 7, step_scores: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] });
    expect(server.chatRequests.length - before).toBe(1);
    const [bad] = await scoreOnce(chat({ verdicts: 'first_error' }), [
      { prompt: 'p', steps: ['one', 'out of range'], response: 'x' },
    ]);
    expect(bad).toMatchObject({ status: 'error', score: null });
    expect(bad!.reason).toMatch(/expected the number of the first wrong step, 0 to 2/);
  });

  it('a reply without one verdict per step is an error naming what was expected', async () => {
    const [r] = await scoreOnce(chat(), [
      { prompt: 'p', steps: ['first', 'an unreadable one'], response: 'x' },
    ]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/expected 2 final lines "Step k: correct\|incorrect"/);
  });
});

describe('what consumes the step scores', () => {
  it('assay advantages --steps reads them from a scored line (PURE min-form returns)', async () => {
    const [r] = await scoreOnce(pooling(), [sample]);
    const { records } = parseScoredLines(JSON.stringify({ id: 's1', ...r }));
    const steps = stepRewardsOf(records[0]!);
    expect(steps).toEqual(r!.detail!.step_scores);
    const [credit] = computeStepCredit([{ id: 'g', steps: [steps] }], { returns: 'min' });
    expect(credit!.stepAdvantages[0]).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9]);
  });

  it('assay eval on ProcessBench rows: the first step below 0.5 is the predicted error; F1 from both halves', async () => {
    const file = new URL('../fixtures/eval/processbench.jsonl', import.meta.url).pathname;
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const { cases, format } = loadCases(rows);
    const runtime = new Runtime({ inThread: true });
    try {
      const scorer = new Scorer(parseSpec({ reward: pooling() }), runtime);
      const opts = { ...DEFAULT_EVAL_OPTIONS, masterKeyPrompts: 0, rounds: 100 };
      const run = await scoreCases(cases, (s) => scorer.score(s), opts);
      const report = reportOf(format, 'process', 'prm', run, opts);
      expect(run.results.map((c) => c.predicted_step)).toEqual([-1, 0, -1, 1]);
      expect(report.overall).toMatchObject({
        n: 4,
        accuracy: 1,
        f1: 1,
        error_accuracy: 1,
        correct_accuracy: 1,
        errors: 0,
      });
    } finally {
      await runtime.close();
    }
  });
});

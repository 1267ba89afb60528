/**
 * Per-turn rewards for agent trajectories: the `turns` node (turn samples, aggregates, failures) and the
 * `milestones` reward, on trajectories with tool errors, retries and abandoned turns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime, Scorer } from '../../src/core/scorer.js';
import { parseSpec } from '../../src/core/spec/load.js';
import type { Message, Sample } from '../../src/core/types.js';
import { turnSamples } from '../../src/credit/shaping/turns.js';
import '../../src/builtins.js';

const runtime = new Runtime({ inThread: true });
afterAll(() => runtime.close());
const score = (reward: unknown, samples: Sample[]) =>
  new Scorer(parseSpec({ reward }), runtime).score(samples);

const call = (id: string, name: string, args: Record<string, unknown>): Message => ({
  role: 'assistant',
  content: '',
  tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
});
const result = (id: string, content: string): Message => ({ role: 'tool', tool_call_id: id, content });

/** Search fails once (a tool error), is retried, then a booking, then the final answer. */
const trajectory: Message[] = [
  call('c1', 'search_restaurants', { city: 'Paris' }),
  result('c1', 'Error: rate limited, try again'),
  call('c2', 'search_restaurants', { city: 'paris' }),
  result('c2', '[{"name": "Chez Ann", "id": 7}]'),
  call('c3', 'book', { restaurant_id: 7, people: 2 }),
  result('c3', 'Booked: confirmation ABC123'),
  { role: 'assistant', content: 'Your table at Chez Ann is booked (confirmation ABC123).' },
];
const search = { ground_truth: [{ search_restaurants: { city: ['Paris'] } }] };
const perTurn = {
  turns: [
    search,
    search,
    { ground_truth: [{ book: { restaurant_id: [7], people: [2] } }] },
    { ground_truth: [] },
  ],
};
const prompt = 'Book a table for two in Paris.';

describe('turn samples', () => {
  it('one per assistant turn: the conversation before it as prompt, its message as response, its tool results', () => {
    const turns = turnSamples({ prompt, response: trajectory, reference: perTurn, group: 'g' });
    expect(turns).toHaveLength(4);
    const third = turns[2]!;
    expect(third.prompt).toEqual([{ role: 'user', content: prompt }, ...trajectory.slice(0, 4)]);
    expect(third.response).toEqual([trajectory[4]]);
    expect(third.reference).toEqual(perTurn.turns[2]);
    expect(third.meta).toMatchObject({ turn_index: 2, turn_count: 4, tool_results: [trajectory[5]] });
    expect(third.group).toBeUndefined();
  });
});

describe('turns node', () => {
  it('scores each turn with the child and keeps turn_scores; tool errors and retries are ordinary turns', async () => {
    const [r] = await score({ turns: { use: 'tool_call' }, aggregate: 'min' }, [
      { prompt, response: trajectory, reference: perTurn },
    ]);
    expect(r).toMatchObject({ status: 'ok', score: 1, detail: { turn_scores: [1, 1, 1, 1], turns: 4 } });
  });

  it('an abandoned turn (no call where one was due) scores 0; aggregates differ', async () => {
    const abandoned: Message[] = [...trajectory.slice(0, 2), { role: 'assistant', content: '' }];
    const ref = { turns: [search, search] };
    const results = await Promise.all(
      (['min', 'mean', 'last', 'sum', 'discounted'] as const).map((aggregate) =>
        score({ turns: { use: 'tool_call' }, aggregate, gamma: 0.5 }, [
          { response: abandoned, reference: ref },
        ]),
      ),
    );
    expect(results.map(([r]) => r!.score)).toEqual([0, 0.5, 0, 1, 1]);
    expect(results[0]![0]!.detail).toMatchObject({ turn_scores: [1, 0] });
    const [late] = await score({ turns: { use: 'tool_call' }, aggregate: 'discounted', gamma: 0.5 }, [
      {
        response: [{ role: 'assistant', content: '' }, ...trajectory.slice(0, 2)],
        reference: { turns: [search, search] },
      },
    ]);
    expect(late!.score).toBe(0.5); // 0 + 0.5 · 1
  });

  it('a turn whose reward fails fails the trajectory, naming the turn', async () => {
    const [r] = await score({ turns: { use: 'tool_call' } }, [
      { response: trajectory.slice(0, 3), reference: { turns: [search, { nonsense: true }] } },
    ]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/^turn 1 \(tool_call\) error/);
  });

  it('a trajectory without assistant turns scores `empty`', async () => {
    const [r] = await score({ turns: { use: 'tool_call' }, empty: -1 }, [
      { response: [{ role: 'tool', content: 'x' }], reference: search },
    ]);
    expect(r).toMatchObject({ status: 'ok', score: -1, detail: { turn_scores: [], turns: 0 } });
  });
});

describe('milestones', () => {
  const milestones = [
    { tool: 'search_restaurants', arguments: { city: 'Paris' } },
    { tool_result: 'confirmation', tool: 'book' },
    { tool: 'book', arguments: { restaurant_id: 7, people: [2, '2'] }, weight: 2 },
    { state: 'reservations.0.people', equals: 2 },
    { response: 'ABC123' },
  ];
  const final_state = { reservations: [{ restaurant: 7, people: 2 }] };

  it('the weighted share of milestones reached', async () => {
    const [all] = await score({ use: 'milestones' }, [
      { response: trajectory, reference: { milestones }, meta: { final_state } },
    ]);
    expect(all).toMatchObject({ status: 'ok', score: 1, reason: 'every milestone reached' });
    // The run stopped after the tool error: one search made, nothing else.
    const [partial] = await score({ use: 'milestones' }, [
      {
        response: [...trajectory.slice(0, 2), { role: 'assistant', content: '' }],
        reference: { milestones },
      },
    ]);
    expect(partial!.score).toBeCloseTo(1 / 6, 10);
    expect(partial!.detail).toMatchObject({ reached: [true, false, false, false, false] });
  });

  it('a tool error is not a result; wrong arguments are not the milestone; ordered needs the order', async () => {
    const [r] = await score({ use: 'milestones' }, [
      {
        response: [
          call('x', 'book', { restaurant_id: 8, people: 2 }),
          result('x', 'Error: no such restaurant'),
        ],
        reference: {
          milestones: [{ tool: 'book', arguments: { restaurant_id: 7 } }, { tool_result: 'Booked' }],
        },
      },
    ]);
    expect(r!.score).toBe(0);
    const reversed = { milestones: [{ tool: 'book' }, { tool: 'search_restaurants' }] };
    const [unordered] = await score({ use: 'milestones' }, [{ response: trajectory, reference: reversed }]);
    const [ordered] = await score({ use: 'milestones', args: { ordered: true } }, [
      { response: trajectory, reference: reversed },
    ]);
    expect(unordered!.score).toBe(1);
    expect(ordered!.score).toBe(0.5);
  });

  it('an unusable reference is an error naming the field', async () => {
    const [r] = await score({ use: 'milestones' }, [
      { response: trajectory, reference: { milestones: [{ tool: 3 }] } },
    ]);
    expect(r).toMatchObject({ status: 'error', score: null });
    expect(r!.reason).toMatch(/milestones\.0/);
  });
});

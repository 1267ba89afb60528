import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeResults, type EncodedResults } from '../../src/core/encoded.js';
import type { TextBatch, TextBatchResults } from '../../src/core/pool/text-batch.js';
import type { Runtime } from '../../src/core/scorer.js';
import { testRuntime } from '../helpers.js';

const READER = new URL('../fixtures/text-reader.ts', import.meta.url).href;
/** The same reader, with a `finish` for batches that one worker scores whole. */
const FINISHING = new URL('../fixtures/text-reader-finish.ts', import.meta.url).href;
let rt: Runtime;
beforeAll(async () => {
  rt = await testRuntime({ maxHeapMb: 64 });
});
afterAll(() => rt.close());

const spec = (use: string, timeoutMs = 5000) => ({
  node: JSON.stringify({ use }),
  name: use,
  timeoutMs,
  seed: 0,
});

/** A batch of `items` for the fixture reader, with the specs `value` (test.value) and `busy` (test.busy). */
function batch(items: unknown[], extra: Partial<TextBatch> & { spec?: string } = {}): TextBatch {
  const { spec: name, ...rest } = extra;
  return {
    text: JSON.stringify({ ...(name !== undefined && { spec: name }), items }),
    count: items.length,
    reader: READER,
    hints: {},
    specs: { value: spec('test.value', 800), busy: spec('test.busy') },
    defaultSpec: 'value',
    ...rest,
  };
}

/** The per-entry results of a batch (the fixture reader does not finish batches). */
function resultsOf(done: TextBatchResults | undefined): EncodedResults {
  if (!done || !('results' in done)) throw new Error(`expected results, got ${JSON.stringify(done)}`);
  return done.results;
}

describe('text batches in the CPU pool', () => {
  it('scores every valid entry in order, skipping invalid ones, with all workers on a large batch', async () => {
    const items = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? 42 : String(i)));
    const done = await rt.pool!.runText(batch(items));
    expect(done?.spec).toBe('value');
    expect(done?.meta).toEqual({ read: true });
    const valid = items.flatMap((item, i) => (typeof item === 'string' ? [i] : []));
    expect(done?.indices).toEqual(valid);
    expect(decodeResults(resultsOf(done)).map((r) => r.score)).toEqual(valid);
    expect(resultsOf(done).records.map((r) => JSON.parse(r)[0])).toEqual(valid.map((i) => `e${i}`));
  });

  it('gives the batch back when the reader declines it, the count differs or the spec is not offered', async () => {
    expect(await rt.pool!.runText(batch(['1'], { hints: { giveBack: true } }))).toBeUndefined();
    expect(await rt.pool!.runText({ ...batch(['1', '2']), count: 3 })).toBeUndefined();
    expect(await rt.pool!.runText(batch(['1'], { spec: 'judge' }))).toBeUndefined();
    // A reader that cannot even load is not the text's fault: the batch fails instead of being given back.
    const missing = new URL('../fixtures/no-such-reader.ts', import.meta.url).href;
    await expect(rt.pool!.runText({ ...batch(['1']), reader: missing })).rejects.toThrow(/no-such-reader/);
    // and the pool goes on
    expect((await rt.pool!.runText(batch(['5'])))?.indices).toEqual([0]);
  });

  it('times out a spinning entry, reports an out-of-memory one, and rescores what the ended workers had done', async () => {
    const items = ['1', '2', 'spin', '4', ...Array.from({ length: 60 }, (_, i) => String(i)), 'oom', '9'];
    const before = rt.pool!.terminatedWorkers;
    const done = await rt.pool!.runText(batch(items));
    const results = decodeResults(resultsOf(done));
    expect(done?.indices).toEqual(items.map((_, i) => i));
    results.forEach((r, i) => {
      if (items[i] === 'spin') expect([r.name, r.status, r.score]).toEqual(['test.value', 'timeout', null]);
      else if (items[i] === 'oom')
        expect([r.status, r.reason]).toEqual(['error', expect.stringMatching(/worker crashed/)]);
      else expect([r.status, r.score], `entry ${i}`).toEqual(['ok', Number(items[i])]);
    });
    // the failures' store records name their samples too
    expect(JSON.parse(resultsOf(done).records[2]!).slice(0, 8)).toEqual([
      'e2',
      null,
      null,
      'test.value',
      'timeout',
      null,
      expect.any(String),
      null,
    ]);
    expect(rt.pool!.terminatedWorkers - before).toBe(2);
  });

  it('brings another worker in for the entries queued behind a slow one', async () => {
    // Few entries: one worker starts alone; the first keeps it busy long enough for a helper to start
    // even where the test before ended workers and their replacements are still loading.
    const done = await rt.pool!.runText(batch(['1500', '0', '0', '0', '0'], { spec: 'busy' }));
    const threads = decodeResults(resultsOf(done)).map((r) => r.score);
    expect(threads.slice(1).every((t) => t !== threads[0])).toBe(true);
  });

  it('has the one worker that scored a batch whole finish it with the reader, and only that one', async () => {
    // Few entries: one worker reads the batch alone, scores every entry, and finishes it.
    const items = ['1', 2, '3', 7, '5'];
    const done = await rt.pool!.runText(batch(items, { reader: FINISHING }));
    expect(done && 'results' in done).toBe(false);
    expect(done).toMatchObject({
      spec: 'value',
      meta: { read: true },
      indices: [0, 2, 4],
      finished: { spec: 'value', entries: 5, scores: [1, 3, 5], ids: ['e0', 'e2', 'e4'] },
    });
    // Shared with a helper: no worker holds the whole batch, so its results are joined on this thread.
    const shared = await rt.pool!.runText(
      batch(['1500', '0', '0', '0'], { spec: 'busy', reader: FINISHING }),
    );
    expect(shared?.indices).toEqual([0, 1, 2, 3]);
    expect(resultsOf(shared).json).toHaveLength(4);
    // and so are failures made here: the worker that ended never finished anything
    const failing = await rt.pool!.runText(batch(['1', 'spin', '3'], { reader: FINISHING }));
    expect(decodeResults(resultsOf(failing)).map((r) => r.status)).toEqual(['ok', 'timeout', 'ok']);
  });
});

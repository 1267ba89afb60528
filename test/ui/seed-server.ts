import { join } from 'node:path';
import type { RunningServer } from '../../src/server/start.js';
import { post, serve, tempDir } from '../server/helpers.js';

const example = (name: string) => new URL(`../../examples/audit/${name}`, import.meta.url).pathname;

/** A prompt that would run script if any page put it in as HTML. */
export const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

/**
 * A real server with the gate spec, the audit spec on every sample, and a store; scores an honest step 1 and a
 * step 2 of format-only responses (the planted hack), then waits until all of it, audits included, is written.
 */
export async function seededServer(extraSteps = 0): Promise<{ server: RunningServer; file: string }> {
  const file = join(tempDir(), 'runs.sqlite');
  const server = await serve({
    specs: [example('gate.yaml')],
    audit: example('strict.yaml'),
    auditRate: 1,
    store: file,
    run: 'r1',
  });
  const sample = (id: string, response: string, source: string) => ({
    id,
    prompt: `${HOSTILE} What is 6*7?`,
    response,
    reference: '42',
    source,
    group: `${source}-g`,
  });
  const honest = (id: string, source: string, n: number) =>
    sample(id, `<think>${'6*7 '.repeat(n)}</think><answer>42</answer>`, source);
  const hack = (id: string, source: string) => sample(id, '<think>guess</think><answer>7</answer>', source);
  for (const [step, samples] of [
    [
      1,
      [
        honest('a', 'math', 1),
        honest('b', 'math', 2),
        sample('c', 'no tags 7', 'math'),
        honest('d', 'gsm', 3),
      ],
    ],
    [2, [hack('e', 'math'), hack('f', 'math'), honest('g', 'math', 4), hack('h', 'gsm')]],
  ] as const) {
    const res = await post(server.url, '/v1/score', { step, samples });
    if (res.status !== 200) throw new Error(`seeding failed: ${JSON.stringify(res.body)}`);
  }
  // More steps for a fuller picture (the README screenshot): format-only hacks spread as the steps go on.
  for (let step = 3; step < 3 + extraSteps; step++) {
    const samples = Array.from({ length: 8 }, (_, i) =>
      (i * 7 + step) % 10 < step - 1
        ? hack(`s${step}-${i}`, i % 2 ? 'gsm' : 'math')
        : honest(`s${step}-${i}`, i % 2 ? 'gsm' : 'math', 1 + ((i * step) % 6)),
    );
    const res = await post(server.url, '/v1/score', { step, samples });
    if (res.status !== 200) throw new Error(`seeding failed: ${JSON.stringify(res.body)}`);
  }
  await server.service.auditor!.drain();
  await server.service.store!.drain();
  return { server, file };
}

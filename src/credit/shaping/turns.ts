/**
 * Per-turn rewards for agent trajectories: `{ turns: node }` applies a reward to each assistant turn of a
 * trajectory (`response` as a list of messages: assistant turns, tool calls, tool results) and aggregates
 * the turn scores, which it keeps in `detail.turn_scores` for `assay advantages --turns`.
 *
 * Each turn is scored as its own sample: `prompt` is the conversation up to the turn (the sample's prompt
 * messages, then the trajectory before it), `response` is the turn's assistant message (with its
 * `tool_calls`), `meta` adds `turn_index`, `turn_count` and `tool_results` (the tool messages answering
 * the turn). The reference is the sample's, or `reference.turns[k]` when the reference holds one entry per
 * assistant turn.
 */
import { z } from 'zod';
import { nodeBase } from '../../core/combinators/compose.js';
import { registerNodeKind, type SpecNode } from '../../core/spec/kinds.js';
import { commonFields, nodeSchema } from '../../core/spec/schema.js';
import type { Message, Sample } from '../../core/types.js';
import { type PartOptions, partsNode } from './steps.js';

export const TURN_AGGREGATES = ['min', 'mean', 'last', 'sum', 'discounted'] as const;
type TurnAggregate = (typeof TURN_AGGREGATES)[number];

/**
 * min: the weakest turn bounds the trajectory (PURE's min-form, per turn); sum: every turn's credit adds up
 * (a long trajectory can farm it); discounted: Σ γ^k r_k, the return from the first turn.
 */
function turnAggregate(kind: TurnAggregate, gamma: number): (xs: number[]) => number {
  switch (kind) {
    case 'min':
      return (xs) => Math.min(...xs);
    case 'mean':
      return (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'last':
      return (xs) => xs.at(-1)!;
    case 'sum':
      return (xs) => xs.reduce((a, b) => a + b, 0);
    case 'discounted':
      return (xs) => xs.reduce((acc, x, k) => acc + gamma ** k * x, 0);
  }
}

/** The reference of turn k: `reference.turns[k]` when the reference has one per turn, else the whole. */
function turnReference(reference: unknown, k: number, count: number): unknown {
  if (typeof reference === 'object' && reference !== null && !Array.isArray(reference)) {
    const turns = (reference as { turns?: unknown }).turns;
    if (Array.isArray(turns) && turns.length === count) return turns[k];
  }
  return reference;
}

/** One sample per assistant turn (a string response is one turn). */
export function turnSamples(sample: Sample): Sample[] {
  const { group: _g, steps: _s, logprobs: _l, ...rest } = sample;
  if (typeof sample.response === 'string') {
    return [{ ...rest, meta: { ...sample.meta, turn_index: 0, turn_count: 1, tool_results: [] } }];
  }
  const messages = sample.response;
  const head: Message[] =
    sample.prompt === undefined
      ? []
      : typeof sample.prompt === 'string'
        ? [{ role: 'user', content: sample.prompt }]
        : sample.prompt;
  const turns = messages.flatMap((m, i) => (m.role === 'assistant' ? [i] : []));
  return turns.map((at, k) => {
    const next = turns[k + 1] ?? messages.length;
    const toolResults = messages.slice(at + 1, next).filter((m) => m.role === 'tool');
    return {
      ...rest,
      prompt: [...head, ...messages.slice(0, at)],
      response: [messages[at]!],
      reference: turnReference(sample.reference, k, turns.length),
      meta: { ...sample.meta, turn_index: k, turn_count: turns.length, tool_results: toolResults },
    };
  });
}

registerNodeKind({
  key: 'turns',
  description:
    '{ turns: node, aggregate?: min|mean|last|sum|discounted, gamma?: 0.99 }: the node on each assistant turn of a trajectory, aggregated; per-turn scores in detail.turn_scores',
  schema: z
    .object({
      turns: nodeSchema,
      aggregate: z.enum(TURN_AGGREGATES).optional(),
      /** Discount of `aggregate: discounted` (default 0.99). */
      gamma: z.number().gt(0).max(1).optional(),
      /** Score of a trajectory with no assistant turn (default 0). */
      empty: z.number().optional(),
      ...commonFields,
    })
    .strict(),
  build(node, b) {
    const child = b.child(node.body.turns as SpecNode);
    const o: PartOptions = {
      name: nodeBase(node, 'turns').name,
      child,
      aggregate: turnAggregate(
        (node.body.aggregate as TurnAggregate | undefined) ?? 'mean',
        (node.body.gamma as number | undefined) ?? 0.99,
      ),
      empty: (node.body.empty as number | undefined) ?? 0,
      unit: 'turn',
    };
    return partsNode(nodeBase(node, 'turns'), o, turnSamples);
  },
});

/**
 * `milestones`: the share of expected states an agent trajectory reached (weighted), from
 * `reference.milestones`, each one rule:
 * - `{ tool: NAME, arguments?: {ARG: value | [acceptable values]} }`: some assistant turn called the tool
 *   with at least these arguments (values compared as tool_call does: normalized strings, number tolerance);
 * - `{ tool_result: TEXT, tool?: NAME }`: a tool message (of that tool, when named) contains the text;
 * - `{ state: PATH, equals: VALUE }`: the field at a dotted path of `meta.final_state` (the environment's
 *   state at the end, as the rollout reports it) equals the value;
 * - `{ response: TEXT }`: the final assistant message contains the text.
 * Each rule may carry `weight` (default 1) and `name`. With `ordered: true`, tool and tool-result
 * milestones count only when reached in the listed order.
 */
import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import type { Message, Sample } from '../../core/types.js';
import { acceptable, namesMatch } from '../tools/check.js';
import { parseMessageCalls, type ToolCall } from '../tools/parse.js';

const common = { weight: z.number().min(0).optional(), name: z.string().optional() };
const milestoneSchema = z.union([
  z.object({ tool: z.string(), arguments: z.record(z.string(), z.unknown()).optional(), ...common }).strict(),
  z.object({ tool_result: z.string(), tool: z.string().optional(), ...common }).strict(),
  z.object({ state: z.string(), equals: z.unknown(), ...common }).strict(),
  z.object({ response: z.string(), ...common }).strict(),
]);
type Milestone = z.infer<typeof milestoneSchema>;
const referenceSchema = z.object({ milestones: z.array(milestoneSchema).min(1) }).loose();

const args = z
  .object({
    /** Tool and tool-result milestones count only in the listed order. */
    ordered: z.boolean().default(false),
    /** Relative tolerance for numeric argument values. */
    rel_tol: z.number().min(0).max(1).default(1e-9),
  })
  .strict();

/** What happened in a trajectory, in order: calls made and tool results seen, with their positions. */
interface Event {
  at: number;
  call?: ToolCall;
  result?: { tool?: string; content: string };
}

function eventsOf(messages: Message[]): Event[] {
  const events: Event[] = [];
  const callNames = new Map<string, string>();
  messages.forEach((m, at) => {
    if (m.role === 'assistant') {
      const parsed = parseMessageCalls(m);
      if (parsed.ok) for (const call of parsed.calls) events.push({ at, call });
      for (const raw of m.tool_calls ?? []) {
        const c = raw as { id?: unknown; function?: { name?: unknown } };
        if (typeof c.id === 'string' && typeof c.function?.name === 'string')
          callNames.set(c.id, c.function.name);
      }
    } else if (m.role === 'tool') {
      const tool = m.name ?? (m.tool_call_id === undefined ? undefined : callNames.get(m.tool_call_id));
      events.push({ at, result: { content: m.content, ...(tool !== undefined && { tool }) } });
    }
  });
  return events;
}

function fieldAt(state: unknown, path: string): unknown {
  let v = state;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function label(m: Milestone): string {
  if (m.name !== undefined) return m.name;
  if ('tool_result' in m) return `result "${m.tool_result}"`;
  if ('tool' in m) return `call ${m.tool}`;
  if ('state' in m) return `state ${m.state}`;
  return `response "${m.response}"`;
}

type EventMilestone = Extract<Milestone, { tool_result: string } | { arguments?: unknown; tool: string }>;

/** The first event after position `from` that reaches a tool or tool-result milestone. */
function firstHit(
  m: EventMilestone,
  events: Event[],
  from: number,
  o: { relTol: number },
): Event | undefined {
  return events.find((e) => {
    if (e.at <= from) return false;
    if ('tool_result' in m) {
      const r = e.result;
      if (r === undefined || !r.content.includes(m.tool_result)) return false;
      return m.tool === undefined || (r.tool !== undefined && namesMatch(r.tool, m.tool));
    }
    const call = e.call;
    if (call === undefined || !namesMatch(call.name, m.tool)) return false;
    return Object.entries(m.arguments ?? {}).every(
      ([k, v]) =>
        Object.hasOwn(call.arguments, k) &&
        acceptable(call.arguments[k], Array.isArray(v) ? v : [v], o, true),
    );
  });
}

export const milestones: CpuReward<z.infer<typeof args>> = {
  name: 'milestones',
  mode: 'cpu',
  deterministic: true,
  description:
    'share (weighted) of reference.milestones an agent trajectory reached: tools called with arguments, text in tool results, final-state fields, text in the final answer',
  args,
  create(a) {
    const o = { relTol: a.rel_tol };
    return (sample: Sample) => {
      const ref = referenceSchema.safeParse(sample.reference);
      if (!ref.success) {
        const issue = ref.error.issues[0]!;
        return failed(`invalid reference: ${issue.path.join('.') || 'reference'}: ${issue.message}`);
      }
      const messages: Message[] =
        typeof sample.response === 'string'
          ? [{ role: 'assistant', content: sample.response }]
          : sample.response;
      const events = eventsOf(messages);
      const finalText = messages.filter((m) => m.role === 'assistant').at(-1)?.content ?? '';
      const state = sample.meta?.final_state;
      let after = -1; // with `ordered`, the position of the last milestone reached
      const reached = ref.data.milestones.map((m) => {
        if ('state' in m) {
          const v = fieldAt(state, m.state);
          return v !== undefined && JSON.stringify(v) === JSON.stringify(m.equals);
        }
        if ('response' in m) return finalText.includes(m.response);
        const hit = firstHit(m, events, a.ordered ? after : -1, o);
        if (hit && a.ordered) after = hit.at;
        return hit !== undefined;
      });
      const weights = ref.data.milestones.map((m) => m.weight ?? 1);
      const total = weights.reduce((x, y) => x + y, 0);
      if (total === 0) return failed('invalid reference: milestone weights sum to 0');
      const got = weights.reduce((x, w, i) => x + (reached[i] ? w : 0), 0);
      const missing = ref.data.milestones.flatMap((m, i) => (reached[i] ? [] : [label(m)]));
      return ok(
        got / total,
        missing.length === 0 ? 'every milestone reached' : `missing: ${missing.slice(0, 5).join('; ')}`,
        { reached, missing },
      );
    };
  },
};

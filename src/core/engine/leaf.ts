import { z } from 'zod';
import { getReward, rewardNames } from '../registry.js';
import { errorMessage, failure, toResult } from '../result.js';
import type { RewardEnv } from '../reward.js';
import { groupIndices } from '../sample.js';
import { type NodeKind, registerNodeKind, type SpecNode } from '../spec/kinds.js';
import { commonFields } from '../spec/schema.js';
import type { Outcome, RewardContext, RewardResult } from '../types.js';
import { withDeadline } from './deadline.js';
import { type CompiledNode, deadlineOf, type Item, type RunContext } from './node.js';

function rewardContext(deadline: number, ctx: RunContext, signal: AbortSignal): RewardContext {
  return { deadline, signal, seed: ctx.seed, ...(ctx.step !== undefined && { step: ctx.step }) };
}

const NEVER_ABORTED = new AbortController().signal;

const useSchema = z
  .object({ use: z.string().min(1), args: z.record(z.string(), z.unknown()).optional(), ...commonFields })
  .strict()
  .transform((node, ctx) => {
    const def = getReward(node.use);
    if (!def) {
      ctx.addIssue({
        code: 'custom',
        path: ['use'],
        message: `unknown reward "${node.use}" (known: ${rewardNames().join(', ')})`,
      });
      return z.NEVER;
    }
    const args = def.args.safeParse(node.args ?? {}, { reportInput: true });
    if (!args.success) {
      for (const issue of args.error.issues) {
        ctx.addIssue({ ...issue, path: ['args', ...issue.path] } as never);
      }
      return z.NEVER;
    }
    return { ...node, args: args.data as Record<string, unknown> };
  });

function buildLeaf(node: SpecNode, env: RewardEnv): CompiledNode {
  const body = node.body as z.infer<typeof useSchema>;
  const def = getReward(body.use)!;
  const base = {
    name: body.name ?? def.name,
    spec: node.raw,
    weight: body.weight ?? 1,
    ...(body.onError !== undefined && { onError: body.onError }),
  };
  const name = base.name;
  if (def.mode === 'cpu') {
    const fn = def.create(body.args);
    return {
      ...base,
      cpu: true,
      runSync(item, ctx): RewardResult {
        const deadline = deadlineOf(item);
        if (Date.now() > deadline)
          return failure(name, 'timeout', 'deadline passed before the reward started', 0);
        const started = performance.now();
        try {
          return toResult(
            name,
            fn(item.sample, rewardContext(deadline, ctx, NEVER_ABORTED)),
            performance.now() - started,
          );
        } catch (err) {
          return failure(name, 'error', `${name} threw: ${errorMessage(err)}`, performance.now() - started);
        }
      },
    };
  }
  if (def.mode === 'async') {
    const fn = def.create(body.args, env);
    return {
      ...base,
      cpu: false,
      run(items, ctx) {
        return Promise.all(
          items.map((item) => {
            const deadline = deadlineOf(item);
            return withDeadline(
              name,
              deadline,
              (signal) => fn(item.sample, rewardContext(deadline, ctx, signal)),
              ctx.signal,
            );
          }),
        );
      },
    };
  }
  const fn = def.create(body.args, env);
  return { ...base, cpu: false, run: (items, ctx) => runGroups(name, fn, items, ctx) };
}

/** Group rewards see the rollouts of one prompt together; a sample without `group` is a group of one. */
async function runGroups(
  name: string,
  fn: (samples: Item['sample'][], ctx: RewardContext) => Promise<Outcome[]>,
  items: Item[],
  ctx: RunContext,
): Promise<RewardResult[]> {
  const out: RewardResult[] = new Array(items.length);
  await Promise.all(
    groupIndices(items.map((it) => it.sample)).map(async (members) => {
      const groupItems = members.map((i) => items[i]!);
      const deadline = Math.min(...groupItems.map(deadlineOf));
      let outcomes: Outcome[] | undefined;
      const whole = await withDeadline(
        name,
        deadline,
        async (signal) => {
          outcomes = await fn(
            groupItems.map((it) => it.sample),
            rewardContext(deadline, ctx, signal),
          );
          if (outcomes.length !== groupItems.length) {
            return {
              status: 'error',
              reason: `group reward returned ${outcomes.length} results for ${groupItems.length} samples`,
            };
          }
          return { score: 0 };
        },
        ctx.signal,
      );
      members.forEach((i, k) => {
        out[i] = whole.status === 'ok' ? toResult(name, outcomes![k]!, whole.ms) : { ...whole };
      });
    }),
  );
  return out;
}

export const useKind: NodeKind = {
  key: 'use',
  description: 'a registered reward: { use: name, args?: {...}, weight?: n }',
  schema: useSchema as unknown as NodeKind['schema'],
  build: (node, b) => buildLeaf(node, b.env),
};

registerNodeKind(useKind);

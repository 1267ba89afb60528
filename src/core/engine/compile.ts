import '../combinators/index.js';
import type { RewardEnv } from '../reward.js';
import { formatIssues } from '../spec/issues.js';
import { getNodeKind, type SpecNode } from '../spec/kinds.js';
import { nodeSchema } from '../spec/schema.js';
import { type CompiledNode, type CpuExecutor, inThreadExecutor, runNode } from './node.js';

export class SpecError extends Error {
  constructor(
    readonly issues: string[],
    where?: string,
  ) {
    super(`${where ? `${where}: ` : ''}invalid reward spec\n  ${issues.join('\n  ')}`);
    this.name = 'SpecError';
  }
}

/** Validate a raw node (as written in YAML/JSON); throws a SpecError whose lines name each bad path. */
export function parseNode(raw: unknown, root: PropertyKey[] = ['reward']): SpecNode {
  const parsed = nodeSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new SpecError(formatIssues(parsed.error, root));
  return parsed.data;
}

/** Compile a validated node tree into runnable nodes. */
export function compileNode(node: SpecNode, env: RewardEnv): CompiledNode {
  const kind = getNodeKind(node.kind);
  if (!kind) throw new Error(`no node kind "${node.kind}"`);
  return kind.build(node, { child: (c) => compileNode(c, env), env });
}

/** Services shared by every spec compiled against it (the sandbox pool, judge clients…). */
export function createEnv(
  services = new Map<string, unknown>(),
  cpu: () => CpuExecutor = () => inThreadExecutor,
): RewardEnv {
  const env: RewardEnv = {
    compile: (raw, path) => compileNode(parseNode(raw, path ? [path] : ['node']), env),
    run: (node, samples, ctx) =>
      runNode(
        node,
        samples.map((sample) => ({
          sample,
          timeoutMs: Math.max(0, ctx.deadline - Date.now()),
          deadline: ctx.deadline,
        })),
        {
          seed: ctx.seed,
          signal: ctx.signal,
          cpu: cpu(),
          env,
          ...(ctx.step !== undefined && { step: ctx.step }),
        },
      ),
    service<T>(key: string, make: () => T): T {
      if (!services.has(key)) services.set(key, make());
      return services.get(key) as T;
    },
  };
  return env;
}

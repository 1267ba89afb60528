import type { Command } from 'commander';
import { z } from 'zod';
import { listRewards } from '../../core/registry.js';
import { getNodeKind, nodeKindKeys } from '../../core/spec/kinds.js';

/** The registered rewards with their arguments (as JSON Schema), and the node kinds a spec may use. */
export function describeRegistry() {
  return {
    rewards: listRewards().map((r) => ({
      name: r.name,
      mode: r.mode,
      description: r.description,
      args: z.toJSONSchema(r.args, { io: 'input', unrepresentable: 'any' }),
    })),
    nodes: nodeKindKeys().map((key) => ({ key, description: getNodeKind(key)!.description })),
  };
}

export function register(program: Command): void {
  program
    .command('rewards')
    .description('list the registered rewards and spec node kinds')
    .option('--json', 'print JSON, with each reward’s arguments as JSON Schema')
    .action((opts: { json?: boolean }) => {
      const registry = describeRegistry();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(registry, null, 2)}\n`);
        return;
      }
      const width = Math.max(...registry.rewards.map((r) => r.name.length));
      process.stdout.write('Rewards ({ use: NAME, args: {...} }):\n');
      for (const r of registry.rewards)
        process.stdout.write(`  ${r.name.padEnd(width)}  [${r.mode}] ${r.description}\n`);
      process.stdout.write('\nNode kinds:\n');
      for (const n of registry.nodes) process.stdout.write(`  ${n.description}\n`);
    });
}

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

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
};

/** A schema's type in a few characters: `number`, `auto|boxed`, `string[]`. */
function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map(String).join('|');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'any';
}

/** `max: number (required), unit: chars|tokens = tokens, …` from a reward's JSON Schema; '' for none. */
export function argumentLine(schema: unknown): string {
  const s = schema as Schema;
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .map(([name, p]) => {
      const dflt = p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : '';
      const req = required.has(name) && p.default === undefined ? ' (required)' : '';
      return `${name}: ${typeOf(p)}${dflt}${req}`;
    })
    .join(', ');
}

export function register(program: Command): void {
  program
    .command('rewards')
    .description('list the registered rewards with their arguments, and the spec node kinds')
    .option('--json', 'print JSON, with each reward’s arguments as JSON Schema')
    .action((opts: { json?: boolean }) => {
      const registry = describeRegistry();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(registry, null, 2)}\n`);
        return;
      }
      const width = Math.max(...registry.rewards.map((r) => r.name.length));
      process.stdout.write('Rewards ({ use: NAME, args: {...} }):\n');
      for (const r of registry.rewards) {
        process.stdout.write(`  ${r.name.padEnd(width)}  [${r.mode}] ${r.description}\n`);
        const args = argumentLine(r.args);
        if (args) process.stdout.write(`  ${' '.repeat(width)}  args: ${args}\n`);
      }
      process.stdout.write('\nNode kinds:\n');
      for (const n of registry.nodes) process.stdout.write(`  ${n.description}\n`);
    });
}

import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { SpecError } from '../engine/compile.js';
import { formatIssues } from './issues.js';
import { getNodeKind, type SpecNode } from './kinds.js';
import { specFileSchema } from './schema.js';

export interface LoadedSpec {
  name: string;
  description?: string;
  reward: SpecNode;
  /** The reward node as written, for display and hashing. */
  rawReward: unknown;
  timeoutMs: number;
  seed: number;
  /** Absolute module paths (or package names) of plugins. */
  plugins: string[];
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Import plugin modules so that the rewards they register can be named in the spec. */
export async function loadPlugins(plugins: string[]): Promise<void> {
  for (const p of plugins) {
    const target = p.startsWith('.') || isAbsolute(p) ? pathToFileURL(p).href : p;
    await import(target);
  }
}

/**
 * An OpenAI grader object given as the whole spec (`{"type": "string_check", …}`, as the fine-tuning API
 * takes it) is read as `{ reward: { grader: … } }`.
 */
function bareGrader(raw: Record<string, unknown>): Record<string, unknown> {
  if ('reward' in raw || typeof raw.type !== 'string' || !getNodeKind('grader')) return raw;
  return { ...(typeof raw.name === 'string' && { name: raw.name }), reward: { grader: raw } };
}

/** Validate a spec object (already parsed from YAML or JSON). Plugins must be loaded before. */
export function parseSpec(
  raw: unknown,
  opts: { name?: string; where?: string; baseDir?: string } = {},
): LoadedSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SpecError(['expected an object with a "reward" field'], opts.where);
  }
  raw = bareGrader(raw as Record<string, unknown>);
  const parsed = specFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new SpecError(formatIssues(parsed.error), opts.where);
  const spec = parsed.data;
  const baseDir = opts.baseDir ?? process.cwd();
  return {
    name: spec.name ?? opts.name ?? 'default',
    ...(spec.description !== undefined && { description: spec.description }),
    reward: spec.reward,
    rawReward: (raw as { reward: unknown }).reward,
    timeoutMs: spec.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    seed: spec.seed ?? 0,
    plugins: (spec.plugins ?? []).map((p) => (p.startsWith('.') ? resolve(baseDir, p) : p)),
  };
}

/** Read a YAML or JSON spec file, load its plugins, validate it. Errors name the file and the path. */
export async function loadSpecFile(file: string): Promise<LoadedSpec> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecError([`cannot read spec file: ${(err as Error).message}`], file);
  }
  let raw: unknown;
  try {
    raw = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SpecError(
      [`not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`],
      file,
    );
  }
  const baseDir = dirname(resolve(file));
  const plugins = (raw as { plugins?: unknown })?.plugins;
  if (Array.isArray(plugins)) {
    await loadPlugins(
      plugins
        .filter((p): p is string => typeof p === 'string')
        .map((p) => (p.startsWith('.') ? resolve(baseDir, p) : p)),
    );
  }
  return parseSpec(raw, { name: basename(file, extname(file)), where: file, baseDir });
}

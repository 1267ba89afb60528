import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** Run the CLI from its sources as a real process; returns exit code, stdout, stderr. */
export function runCli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined && { input }),
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON objects of JSONL output, one per line. */
export const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

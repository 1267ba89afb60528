import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from '../cli/run-cli.js';
import { type FakeOpenAIServer, scripts, startFakeServer } from './fake-openai-server.js';

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeServer({ chat: scripts.alwaysYes });
});
afterAll(() => server.close());

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('assay score with a judge spec (a real process)', () => {
  it('scores through the judge, guards master keys, passes the key from the environment, and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-judges-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(
      spec,
      `reward:\n  use: judge.reference\n  args:\n    base_url: ${server.baseURL}\n    model: judge\n    api_key_env: ASSAY_CLI_JUDGE_KEY\n`,
    );
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      [
        { prompt: '2+2?', response: '4', reference: '4' },
        { prompt: '2+2?', response: 'Thought process:', reference: '4' },
      ]
        .map((s) => JSON.stringify(s))
        .join('\n'),
    );
    const before = server.chatRequests.length;
    const { code, stdout, stderr } = await run(['score', '--spec', spec, '--input', input], {
      ASSAY_CLI_JUDGE_KEY: 'sk-cli',
    });
    expect(code, stderr).toBe(0);
    const results = jsonLines(stdout);
    expect(results.map((r) => r.score ?? r.result?.score)).toEqual([1, 0]);
    expect(server.chatRequests.length - before).toBe(1);
    expect(server.chatRequests.at(-1)!.authorization).toBe('Bearer sk-cli');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/store/run-store.js';
import { ROOT, runCli } from '../cli/run-cli.js';
import { tempDir } from '../server/helpers.js';
import { RUN, seedRun } from './synthetic.js';

describe('assay ui', () => {
  it('names a store file that does not exist', () => {
    const r = runCli(['ui', '--store', '/nonexistent/runs.sqlite']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('assay ui: --store: no file /nonexistent/runs.sqlite');
  });

  it('serves the dashboard of a store file as a real process', async () => {
    const file = join(tempDir(), 'runs.sqlite');
    const store = new RunStore(file);
    seedRun(store);
    await store.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), 'ui', '--store', file, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      let err = '';
      child.stderr!.on('data', (d) => {
        err += d;
      });
      while (!/http:\/\/\S+\/ui/.test(err)) {
        if (child.exitCode !== null) throw new Error(err);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /(http:\/\/\S+)\/ui/.exec(err)![1]!;
      const page = await (await fetch(`${url}/ui`)).text();
      expect(page).toContain(`href="/ui/run/${RUN}"`);
      const steps = (await (await fetch(`${url}/ui/api/runs/${RUN}/steps`)).json()) as { step: number }[];
      expect(steps.map((s) => s.step)).toEqual([1, 2]);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 60_000);
});

import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupSupport } from '../../src/sandbox/cgroup.js';
import { BwrapSandbox, describeEnforcement, sandboxEnforcement } from '../../src/sandbox/index.js';
import { fixture, getJson, serve } from '../server/helpers.js';

/** What this machine offers, judged independently of the sandbox's own detection. */
function expectedTree(): string {
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') && writable('/sys/fs/cgroup/memory'))
    return 'cgroup-v1';
  return 'any';
}

describe('what the sandbox enforces is stated, and only what it can enforce', () => {
  it('detects the per-program cgroup where the machine has one', () => {
    const e = sandboxEnforcement();
    expect(e.syscall_filter).toBe('seccomp');
    const expected = expectedTree();
    if (expected === 'any') expect(['cgroup-v2', 'cgroup-v1', 'per-process-rlimit']).toContain(e.memory);
    else expect(e.memory).toBe(expected);
    expect(e.processes).toBe(e.memory);
  });

  it('the startup log line says the same', () => {
    const e = sandboxEnforcement();
    const line = describeEnforcement();
    if (e.memory === 'per-process-rlimit') expect(line).toMatch(/per process only \(no cgroup: /);
    else expect(line).toContain(`per program (${e.memory})`);
    expect(line).toContain('syscall filter seccomp');
  });

  it('/health says which memory limit is in force', async () => {
    const { app, url } = await serve({ specs: [fixture('server-trouble.yaml')] });
    try {
      const health = await getJson(`${url}/health`);
      expect(health.sandbox).toMatchObject({
        memory: sandboxEnforcement().memory,
        syscall_filter: 'seccomp',
      });
    } finally {
      await app.close();
    }
  });
});

describe.runIf(cgroupSupport().kind !== 'none')('the cgroup witness: nothing outlives its sandbox', () => {
  it('after a cold and a warm program that leave daemons, no task remains in any group', async () => {
    const sandbox = new BwrapSandbox();
    try {
      const cold = await sandbox.run({
        language: 'bash',
        code: '(setsid sleep 300 &); nohup sleep 301 & echo ok',
      });
      const warm = await sandbox.run({
        language: 'python',
        code: 'import os\nif os.fork() == 0:\n    os.setsid()\n    os.execv("/bin/sleep", ["sleep", "302"])\nprint("ok")',
      });
      expect([cold.stdout, warm.stdout]).toEqual(['ok\n', 'ok\n']);
    } finally {
      await sandbox.close();
    }
    // The groups this process made (one directory per hierarchy): give their removal a moment.
    const parents = cgroupSupport().detail.split(', ');
    const tasks = () =>
      parents.flatMap((p) =>
        readdirSync(p, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .flatMap((d) =>
            readFileSync(join(p, d.name, 'cgroup.procs'), 'utf8')
              .split('\n')
              .filter(Boolean),
          ),
      );
    for (let i = 0; i < 50 && tasks().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(tasks()).toEqual([]);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export const root = new URL('../../', import.meta.url).pathname;

/** A real `assay serve` child process, as a user starts it (from the sources, through tsx). */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/** A port nothing listens on now, on 127.0.0.1 (shared with bench/server.ts). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Start `assay serve ARGS --port <free port>` and wait until it listens. */
export async function serveProcess(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args, '--port', String(port)],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  for (let i = 0; i < 600 && !stderr.includes('listening on'); i++) {
    if (child.exitCode !== null) throw new Error(`assay serve exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!stderr.includes('listening on')) throw new Error(`assay serve did not start: ${stderr}`);
  return { child, url: `http://127.0.0.1:${port}`, stderr: () => stderr };
}

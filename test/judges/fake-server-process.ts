/**
 * The fake OpenAI server in its own process (an always-"yes" judge), so a benchmark's client and server
 * do not share one event loop. Start with `startFakeServerProcess`; it answers IPC messages for its log.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scripts, startFakeServer } from './fake-openai-server.js';

export interface ServerProcessLog {
  /** Arrival times (ms since epoch) of chat requests. */
  chatTimes: number[];
  maxInFlight: number;
}

export interface ServerProcess {
  url: string;
  baseURL: string;
  log(): Promise<ServerProcessLog>;
  reset(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  close(): Promise<void>;
}

type Request = { op: 'log' | 'reset' | 'latency'; ms?: number };

export async function startFakeServerProcess(latencyMs: number): Promise<ServerProcess> {
  const child = fork(fileURLToPath(import.meta.url), [String(latencyMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const ask = <T>(req: Request): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(req);
    });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`fake server process exited (${code})`)));
  });
  return {
    url,
    baseURL: `${url}/v1`,
    log: () => ask<ServerProcessLog>({ op: 'log' }),
    reset: () => ask<void>({ op: 'reset' }),
    setLatency: (ms) => ask<void>({ op: 'latency', ms }),
    close: async () => {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    },
  };
}

// Child side: serve, and answer the parent's questions.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startFakeServer({ latencyMs: Number(process.argv[2] ?? 0), chat: scripts.alwaysYes });
  process.on('message', (m: Request) => {
    if (m.op === 'log')
      process.send!({ chatTimes: server.chatRequests.map((r) => r.at), maxInFlight: server.maxInFlight });
    if (m.op === 'reset') {
      server.log.length = 0;
      server.maxInFlight = 0;
      process.send!({});
    }
    if (m.op === 'latency') {
      server.opts.latencyMs = m.ms ?? 0;
      process.send!({});
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ url: server.url });
}

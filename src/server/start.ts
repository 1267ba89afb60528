import '../builtins.js';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { Runtime, Scorer } from '../core/scorer.js';
import { loadSpecFile } from '../core/spec/load.js';
import { RunStore } from '../store/run-store.js';
import { buildApp } from './app.js';
import { DEFAULT_RUN_CODE_LIMITS, type RunCodeLimits } from './routes/sandboxfusion.js';
import { ScoringService } from './service.js';
import { logStoreFailures } from './store-health.js';

/** The spec `assay serve` uses when given none (shipped with the package). */
export const DEFAULT_SPEC = fileURLToPath(new URL('../../examples/default.yaml', import.meta.url));
export { DEFAULT_STORE } from '../store/default-path.js';

import { DEFAULT_STORE } from '../store/default-path.js';

export interface ServeOptions {
  /** Spec files; the first is the default for requests that name none. */
  specs?: string[];
  port?: number;
  host?: string;
  token?: string | undefined;
  /** SQLite file of the run store, or false for none. */
  store?: string | false;
  threads?: number;
  maxPendingSamples?: number;
  cacheEntries?: number;
  bodyLimit?: number;
  run?: string;
  /** Special tokens `/get_reward` strips from both ends of a response. */
  specialTokens?: readonly string[];
  /** A stricter spec file re-scoring a seeded share of samples (`auditRate`, default 2%) for the dashboard. */
  audit?: string | undefined;
  auditRate?: number | undefined;
  /** Store size bound in bytes: the oldest raw samples are pruned beyond it, per-step aggregates kept. */
  storeMaxBytes?: number | undefined;
  /** Samples kept per run in the store (oldest pruned beyond it, aggregates kept). */
  storeMaxSamplesPerRun?: number | undefined;
  /** Keep the per-step aggregates (default true; false only to measure what they cost). */
  storeAggregates?: boolean | undefined;
  logger?: FastifyServerOptions['logger'];
  /** Open connections at once (503 beyond); see src/server/connections.ts. */
  maxConnections?: number;
  /** Time to receive a whole request (408 beyond). */
  requestTimeoutMs?: number;
  /** Caps on `/run_code` requests; defaults in routes/sandboxfusion.ts. */
  runCode?: Partial<RunCodeLimits>;
}

export interface RunningServer {
  app: FastifyInstance;
  service: ScoringService;
  url: string;
}

/** A failure to listen, worded with what to change (`--port`, `--host`). */
function listenError(err: unknown, host: string, port: number): Error {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new Error(
      `port ${port} on ${host} is already in use (another assay serve?); stop it, or choose another with --port N`,
    );
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES')
    return new Error(`cannot listen on ${host}:${port} (${code}); choose another --host or --port`);
  return err instanceof Error ? err : new Error(String(err));
}

/** Load the specs, start one runtime (worker pool) for all of them, open the store, and listen. */
export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const files = opts.specs?.length ? opts.specs : [DEFAULT_SPEC];
  const specs = [];
  for (const file of files) specs.push(await loadSpecFile(file));
  const auditSpec = opts.audit === undefined ? undefined : await loadSpecFile(opts.audit);
  const plugins = [...new Set([...specs, ...(auditSpec ? [auditSpec] : [])].flatMap((s) => s.plugins))];
  const runtime = new Runtime({ plugins, ...(opts.threads !== undefined && { threads: opts.threads }) });
  let store: RunStore | undefined;
  try {
    const scorers = specs.map((s) => new Scorer(s, runtime));
    if (opts.store !== false)
      store = new RunStore(opts.store ?? DEFAULT_STORE, {
        retention: { maxBytes: opts.storeMaxBytes, maxSamplesPerRun: opts.storeMaxSamplesPerRun },
        ...(opts.storeAggregates !== undefined && { aggregates: opts.storeAggregates }),
      });
    const service = new ScoringService(runtime, scorers, {
      ...(store && { store }),
      ...(opts.maxPendingSamples !== undefined && { maxPendingSamples: opts.maxPendingSamples }),
      ...(opts.cacheEntries !== undefined && { cacheEntries: opts.cacheEntries }),
      ...(opts.run !== undefined && { run: opts.run }),
      ...(auditSpec && { audit: { scorer: new Scorer(auditSpec, runtime), rate: opts.auditRate } }),
    });
    const app = await buildApp({
      service,
      token: opts.token,
      ...(opts.bodyLimit !== undefined && { bodyLimit: opts.bodyLimit }),
      ...(opts.specialTokens !== undefined && { specialTokens: opts.specialTokens }),
      ...(opts.logger !== undefined && { logger: opts.logger }),
      runCode: { ...DEFAULT_RUN_CODE_LIMITS, ...opts.runCode },
      connections: {
        ...(opts.maxConnections !== undefined && { maxConnections: opts.maxConnections }),
        ...(opts.requestTimeoutMs !== undefined && { requestTimeoutMs: opts.requestTimeoutMs }),
      },
    });
    const port = opts.port ?? 8787;
    const host = opts.host ?? '127.0.0.1';
    let url: string;
    try {
      url = await app.listen({ port, host });
    } catch (err) {
      throw listenError(err, host, port);
    }
    service.startRun();
    if (store) logStoreFailures(store, app.log);
    return { app, service, url };
  } catch (err) {
    await store?.close();
    await runtime.close();
    throw err;
  }
}

import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { uiRoutes } from '../ui/routes.js';
import {
  type ConnectionLimits,
  capConnections,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  timeoutOptions,
} from './connections.js';
import { HttpError } from './http-error.js';
import { evalRoutes } from './routes/eval.js';
import { healthRoutes } from './routes/health.js';
import { nativeRoutes } from './routes/native.js';
import { openrlhfRoutes } from './routes/openrlhf.js';
import { type RunCodeLimits, sandboxFusionRoutes } from './routes/sandboxfusion.js';
import type { ScoringService } from './service.js';

export interface AppOptions {
  service: ScoringService;
  /** Bearer token required on every route but `/health`; none means no auth. */
  token?: string | undefined;
  /** Largest request body in bytes (413 beyond). */
  bodyLimit?: number;
  /** Special tokens `/get_reward` strips from both ends of a response (default: the common templates'). */
  specialTokens?: readonly string[] | undefined;
  /** pino logger options, or false for none. */
  logger?: FastifyServerOptions['logger'];
  /** Caps on `/run_code` requests (run_timeout, memory_limit_MB); defaults in routes/sandboxfusion.ts. */
  runCode?: RunCodeLimits;
  /** Connection cap and request receive timeout (src/server/connections.ts); defaults there. */
  connections?: Partial<ConnectionLimits>;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** The fastify app: one plugin per route group over one ScoringService. Closing it closes the service. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { service } = opts;
  let draining = false;
  const limits: ConnectionLimits = {
    maxConnections: opts.connections?.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    requestTimeoutMs: opts.connections?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const app = Fastify({
    requestTimeout: limits.requestTimeoutMs,
    http: timeoutOptions(limits),
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Trainers keep connections open between steps; idle sockets must not hold shutdown up.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // One log line per request (below) instead of fastify's two: trainers send thousands.
    logController: new LogController({ disableRequestLogging: true }),
  });

  capConnections(app.server, limits.maxConnections, () => {
    service.metrics.connectionsRefused.inc();
    app.log.warn({ limit: limits.maxConnections }, 'connection refused: too many connections');
  });
  if (opts.token) app.addHook('onRequest', bearerAuth(opts.token));

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    service.metrics.requests.inc({ route, code: String(reply.statusCode) });
    service.metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
    const line = {
      route,
      method: req.method,
      code: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (reply.statusCode >= 500) req.log.error(line, 'request failed');
    else if (reply.statusCode >= 400) req.log.warn(line, 'request refused');
    else req.log.info(line, 'request');
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).headers(err.headers).send({ error: err.message });
    }
    const e = err as { statusCode?: number; code?: string; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        error: `body: larger than the limit of ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes; send smaller batches`,
      });
    }
    if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
      const message =
        e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? `body: not valid JSON (${e.message})`
          : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'body: empty; expected a JSON object'
            : e.message;
      return reply.code(e.statusCode).send({ error: message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: `internal error: ${e.message}` });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route ${req.method} ${req.url}` }),
  );

  await app.register(healthRoutes, { service, draining: () => draining });
  await app.register(nativeRoutes, { service });
  await app.register(openrlhfRoutes, { service, specialTokens: opts.specialTokens });
  await app.register(sandboxFusionRoutes, { service, ...(opts.runCode && { limits: opts.runCode }) });
  await app.register(evalRoutes, { service });
  // The dashboard (/ui) and its signal gauges, over the run store being written.
  if (service.store && service.store.path !== ':memory:')
    await app.register(uiRoutes, {
      store: service.store.path,
      currentRun: service.run,
      registry: service.metrics.registry,
    });

  app.addHook('preClose', async () => {
    draining = true;
  });
  // Node closes only the connections idle when close() is called; one answered later must not be kept
  // alive, or shutdown waits for the client to hang up.
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  // Runs once in-flight requests have been answered: then the pool and the store can go.
  app.addHook('onClose', async () => {
    await service.close();
  });
  return app;
}

/**
 * Routes whose callers cannot send headers (OpenRLHF's remote reward client, verl's SandboxFusion client):
 * they may give the token in the URL instead (`/get_reward?token=T`).
 */
const TOKEN_IN_URL = new Set(['/get_reward', '/run_code']);

const sameSecret = (given: Buffer, expected: Buffer) =>
  given.length === expected.length && timingSafeEqual(given, expected);

function bearerAuth(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  const expectedBare = Buffer.from(token);
  return async (req: { url: string; headers: Record<string, unknown>; query?: unknown }) => {
    const path = req.url.split('?')[0]!;
    if (path === '/health') return;
    if (sameSecret(Buffer.from(String(req.headers.authorization ?? '')), expected)) return;
    const inUrl = (req.query as Record<string, unknown> | undefined)?.token;
    if (TOKEN_IN_URL.has(path) && typeof inUrl === 'string' && sameSecret(Buffer.from(inUrl), expectedBare))
      return;
    throw new HttpError(
      401,
      `authorization: expected "Bearer <token>" with the server's token${TOKEN_IN_URL.has(path) ? ` (or ${path}?token=<token>)` : ''}`,
      { 'www-authenticate': 'Bearer' },
    );
  };
}

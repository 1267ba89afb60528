import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { uiRoutes } from '../ui/routes.js';
import { HttpError } from './http-error.js';
import { healthRoutes } from './routes/health.js';
import { nativeRoutes } from './routes/native.js';
import { openrlhfRoutes } from './routes/openrlhf.js';
import { sandboxFusionRoutes } from './routes/sandboxfusion.js';
import type { ScoringService } from './service.js';

export interface AppOptions {
  service: ScoringService;
  /** Bearer token required on every route but `/health`; none means no auth. */
  token?: string | undefined;
  /** Largest request body in bytes (413 beyond). */
  bodyLimit?: number;
  /** pino logger options, or false for none. */
  logger?: FastifyServerOptions['logger'];
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** The fastify app: one plugin per route group over one ScoringService. Closing it closes the service. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { service } = opts;
  let draining = false;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Trainers keep connections open between steps; idle sockets must not hold shutdown up.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // One log line per request (below) instead of fastify's two: trainers send thousands.
    logController: new LogController({ disableRequestLogging: true }),
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
  await app.register(openrlhfRoutes, { service });
  await app.register(sandboxFusionRoutes, { service });
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

function bearerAuth(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (req: { url: string; headers: Record<string, unknown> }) => {
    if (req.url.split('?')[0] === '/health') return;
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'authorization: expected "Bearer <token>" with the server\'s token', {
        'www-authenticate': 'Bearer',
      });
    }
  };
}

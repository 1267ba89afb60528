import Fastify, { type FastifyInstance } from 'fastify';
import { uiRoutes } from './routes.js';

/** A dashboard-only server over a run store file (`assay ui`): reads, never writes, scores nothing. */
export async function startUi(opts: {
  store: string;
  port?: number;
  host?: string;
}): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  // The same error body as `assay serve`: {error} naming what was wrong.
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
    reply.code(err.statusCode ?? 500).send({ error: err.message }),
  );
  app.get('/', async (_req, reply) => reply.redirect('/ui'));
  await app.register(uiRoutes, { store: opts.store });
  const url = await app.listen({ port: opts.port ?? 8788, host: opts.host ?? '127.0.0.1' });
  return { app, url };
}

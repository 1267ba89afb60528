import type { FastifyPluginAsync } from 'fastify';
import { sandboxEnforcement } from '../../sandbox/index.js';
import type { ScoringService } from '../service.js';

/** `/health` (liveness and readiness: 503 while draining) and `/metrics` (Prometheus text format). */
export const healthRoutes: FastifyPluginAsync<{ service: ScoringService; draining: () => boolean }> = async (
  app,
  { service, draining },
) => {
  app.get('/health', async (_req, reply) => {
    const pool = service.runtime.pool?.stats();
    const body = {
      status: draining() ? 'draining' : 'ok',
      specs: [...service.specs.keys()],
      run: service.run,
      queue: {
        pendingSamples: service.admission.pending,
        maxPendingSamples: service.admission.maxPendingSamples,
      },
      ...(pool && {
        pool: { threads: pool.threads, utilization: pool.utilization, queueSize: pool.queueSize },
      }),
      store: service.store ? service.store.path : null,
      // How code is confined on this machine: memory per program (cgroup) or only per process.
      sandbox: sandboxEnforcement(),
    };
    return reply.code(draining() ? 503 : 200).send(body);
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', service.metrics.registry.contentType);
    return service.metrics.registry.metrics();
  });
};

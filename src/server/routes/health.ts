import type { FastifyPluginAsync } from 'fastify';
import { sandboxEnforcement } from '../../sandbox/index.js';
import type { ScoringService } from '../service.js';
import { storeHealth } from '../store-health.js';

/** `/health` (liveness and readiness: 503 while draining; `degraded` with 200 while the run store fails) and `/metrics` (Prometheus text format). */
export const healthRoutes: FastifyPluginAsync<{ service: ScoringService; draining: () => boolean }> = async (
  app,
  { service, draining },
) => {
  app.get('/health', async (_req, reply) => {
    const pool = service.runtime.pool?.stats();
    const store = storeHealth(service.store);
    const body = {
      // degraded: still scoring, but a part is failing (the run store is not recording)
      status: draining() ? 'draining' : store?.healthy === false ? 'degraded' : 'ok',
      specs: [...service.specs.keys()],
      run: service.run,
      queue: {
        pendingSamples: service.admission.pending,
        maxPendingSamples: service.admission.maxPendingSamples,
      },
      ...(pool && {
        pool: { threads: pool.threads, utilization: pool.utilization, queueSize: pool.queueSize },
      }),
      store,
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

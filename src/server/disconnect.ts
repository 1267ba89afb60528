import { setMaxListeners } from 'node:events';
import type { FastifyReply } from 'fastify';

/** An AbortSignal that fires when the client goes away before its answer is sent (rewards stop early). */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // Every sample of the request listens to it while it runs: as many listeners as samples, by design.
  setMaxListeners(0, controller.signal);
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

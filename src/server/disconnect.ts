import type { FastifyReply } from 'fastify';

/** An AbortSignal that fires when the client goes away before its answer is sent (rewards stop early). */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

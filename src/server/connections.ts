import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Limits on connections, so that clients holding sockets open cannot take the server from everyone else:
 * 20 000 idle connections once made every route reset.
 */
export interface ConnectionLimits {
  /** Open connections at once; one more is answered 503 and closed. */
  maxConnections: number;
  /** Time to receive a whole request, headers and body (a slow or stalled upload gets 408). */
  requestTimeoutMs: number;
}

export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Node's `http.ServerOptions` that enforce `requestTimeoutMs`, checked every second instead of every 30 s. */
export function timeoutOptions(limits: Pick<ConnectionLimits, 'requestTimeoutMs'>) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    // a connection that sends nothing is cut when its headers are overdue, not after the whole budget
    headersTimeout: Math.min(10_000, limits.requestTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, limits.requestTimeoutMs),
  };
}

/**
 * Answer each connection past `max` with a 503 naming the limit, then close it. Registered before Node's
 * own listener, so the refused socket is ended before any request on it is read.
 */
export function capConnections(server: Server, max: number, refused: () => void): void {
  let open = 0;
  server.prependListener('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => {
      open--;
    });
    if (open <= max) return;
    refused();
    const body = JSON.stringify({
      error: `too many connections (limit ${max}); retry later or reuse connections (keep-alive)`,
    });
    socket.on('error', () => {}); // the client may already be gone
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause(); // read nothing from it: it is being closed
  });
}

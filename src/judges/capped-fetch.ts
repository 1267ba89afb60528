/**
 * `fetch` with a cap on the bytes of a response body, for the judge and reward-model clients: an endpoint
 * that answers 300 MB (a broken server, a proxy's error page, a hostile host) must not take the server's
 * memory with it. The body is counted as it streams and the connection dropped at the cap, so no more than
 * the cap (plus one chunk) is ever held.
 */

/** A reply over the cap: not retried (the next attempt would be as large), reported as an `error`. */
export class ResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(
      `the endpoint's reply is larger than the limit of ${maxBytes} bytes; raise max_response_mb if it is legitimate`,
    );
    this.name = 'ResponseTooLarge';
  }
}

/** The ResponseTooLarge in `err` or its causes (the OpenAI SDK wraps errors raised while reading a body). */
export function tooLargeIn(err: unknown): ResponseTooLarge | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof ResponseTooLarge) return e;
  }
  return undefined;
}

/** `fetch`, but a body over `maxBytes` (declared in Content-Length or counted) fails with ResponseTooLarge. */
export function cappedFetch(maxBytes: number): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await res.body?.cancel();
      throw new ResponseTooLarge(maxBytes);
    }
    if (!res.body) return res;
    let seen = 0;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          // erroring the stream cancels the source, which closes the connection
          if (seen > maxBytes) controller.error(new ResponseTooLarge(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

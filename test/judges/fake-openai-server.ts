/**
 * A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI chat-completions protocol (and vLLM's
 * /pooling and /classify) to test model-based rewards end to end: scripted verdicts, log-probabilities,
 * structured output, injected 429s (with Retry-After), 500s, latency and hangs. Shared with the bench and
 * with anyone who needs a judge that behaves on cue.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are arbitrary JSON that scripts read freely
export type Body = Record<string, any>;

export interface ChatMessage {
  role: string;
  content: string;
}

export interface ChatRequest {
  body: Body;
  messages: ChatMessage[];
  system: string;
  user: string;
  /** The JSON schema when the request asked for response_format json_schema. */
  schema?: Record<string, unknown>;
}

/** What a script answers: the assistant's text, or an object sent as JSON text (structured output). */
export type ScriptReply =
  | string
  | {
      content?: string;
      json?: unknown;
      /** For verdict tokens (yes/no): the probability of "yes" reported in top_logprobs. */
      pYes?: number;
      /** Leave out log-probabilities even when asked (servers that do not support them). */
      noLogprobs?: boolean;
    };

export type ChatScript = (req: ChatRequest) => ScriptReply | Promise<ScriptReply>;

/** A fault applied to the next request(s), in order. */
export type Fault =
  | { status: number; retryAfterS?: number; retryAfterMs?: number }
  | { hang: true }
  | { delayMs: number };

export interface FakeServerOptions {
  latencyMs?: number;
  chat?: ChatScript;
  /** /pooling and /classify handlers; default: a value derived from the text length. */
  pooling?: (body: Body) => unknown;
  classify?: (body: Body) => unknown;
  /** Any other POST path (generic reward-model adapters). */
  other?: (path: string, body: Body) => unknown;
}

export interface LoggedRequest {
  path: string;
  body: Body;
  /** ms since epoch when the request arrived. */
  at: number;
  authorization?: string;
}

/** Judge scripts for common cases. */
export const scripts = {
  /** Always "yes", in every form a judge may be asked for: the master-key victim. */
  alwaysYes: ((req) => {
    if (req.schema) {
      const props = Object.keys((req.schema.properties as object) ?? {});
      if (props.includes('verdict')) return { json: { rationale: 'Looks right.', verdict: 'yes' } };
      if (props.includes('score')) return { json: { rationale: 'Great.', score: 10 } };
      if (props.includes('winner')) return { json: { rationale: 'A is better.', winner: 'A' } };
    }
    return { content: 'The response is correct.\nVERDICT: yes', pYes: 0.99 };
  }) satisfies ChatScript,
};

/** The text between the markers the judges put around a response (or the raw user message). */
export function delimited(user: string, label = 'RESPONSE'): string | undefined {
  const m = new RegExp(`<<<${label}-([0-9a-f]+)>>>\\n([\\s\\S]*?)\\n<<<END-${label}-\\1>>>`).exec(user);
  return m?.[2];
}

function tokenize(content: string): string[] {
  return content.match(/\s+|[A-Za-z]+|\d+|[^\sA-Za-z\d]/g) ?? [];
}

function logprobsFor(content: string, pYes: number | undefined, top: number) {
  return tokenize(content).map((token) => {
    const word = token.toLowerCase();
    if ((word === 'yes' || word === 'no') && pYes !== undefined) {
      const alts = [
        { token: 'yes', logprob: Math.log(pYes), bytes: null },
        { token: 'no', logprob: Math.log(1 - pYes), bytes: null },
      ];
      return {
        token,
        logprob: word === 'yes' ? Math.log(pYes) : Math.log(1 - pYes),
        bytes: null,
        top_logprobs: alts.slice(0, top),
      };
    }
    return { token, logprob: -0.01, bytes: null, top_logprobs: [{ token, logprob: -0.01, bytes: null }] };
  });
}

export class FakeOpenAIServer {
  readonly log: LoggedRequest[] = [];
  private server: Server | undefined;
  private faults: Fault[] = [];
  private inFlightNow = 0;
  maxInFlight = 0;
  url = '';

  constructor(public opts: FakeServerOptions = {}) {}

  /** The OpenAI-style base URL (with /v1). */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  get chatRequests(): LoggedRequest[] {
    return this.log.filter((r) => r.path.endsWith('/chat/completions'));
  }

  /** Queue faults for the next requests, one per request. */
  inject(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) send(res, 500, { error: { message: String(err) } });
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Body) : {};
    const path = (req.url ?? '/').split('?')[0]!;
    this.log.push({
      path,
      body,
      at: Date.now(),
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    });
    this.inFlightNow++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlightNow);
    try {
      const fault = this.faults.shift();
      if (fault && 'hang' in fault) {
        await new Promise<void>((resolve) => req.socket.once('close', resolve));
        return;
      }
      const latency = (fault && 'delayMs' in fault ? fault.delayMs : 0) + (this.opts.latencyMs ?? 0);
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      if (fault && 'status' in fault) {
        const headers: Record<string, string> = {};
        if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
        return send(
          res,
          fault.status,
          { error: { message: `injected ${fault.status}`, type: 'fake' } },
          headers,
        );
      }
      if (path.endsWith('/chat/completions')) return send(res, 200, await this.chat(body));
      if (path.endsWith('/pooling')) return send(res, 200, this.opts.pooling?.(body) ?? defaultPooling(body));
      if (path.endsWith('/classify'))
        return send(
          res,
          200,
          this.opts.classify?.(body) ?? {
            data: [{ index: 0, label: 'good', probs: [0.25, 0.75], num_classes: 2 }],
          },
        );
      const other = this.opts.other?.(path, body);
      if (other !== undefined) return send(res, 200, other);
      send(res, 404, { error: { message: `no route ${path}` } });
    } finally {
      this.inFlightNow--;
    }
  }

  private async chat(body: Body) {
    const messages = (body.messages ?? []) as ChatMessage[];
    const rf = body.response_format as
      | { type?: string; json_schema?: { schema?: Record<string, unknown> } }
      | undefined;
    const request: ChatRequest = {
      body,
      messages,
      system: messages.find((m) => m.role === 'system')?.content ?? '',
      user: messages.filter((m) => m.role === 'user').at(-1)?.content ?? '',
      ...(rf?.type === 'json_schema' && rf.json_schema?.schema && { schema: rf.json_schema.schema }),
    };
    const reply = await (this.opts.chat ?? scripts.alwaysYes)(request);
    const r: Exclude<ScriptReply, string> = typeof reply === 'string' ? { content: reply } : reply;
    const content = r.json !== undefined ? JSON.stringify(r.json) : (r.content ?? '');
    const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
    const completionTokens = Math.max(1, tokenize(content).length);
    return {
      id: `chatcmpl-${this.log.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content },
          finish_reason: 'stop',
          logprobs:
            body.logprobs && !r.noLogprobs
              ? { content: logprobsFor(content, r.pYes, body.top_logprobs ?? 1) }
              : null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  }
}

function defaultPooling(body: Body) {
  const text = JSON.stringify(body.messages ?? body.input ?? '');
  // Per-token values whose last one is the reward: longer texts score higher, enough to tell them apart.
  return { data: [{ index: 0, data: [[0.1], [0.2], [text.length / 100]] }] };
}

function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Start a server for a test file; remember to close it. */
export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  return new FakeOpenAIServer(opts).start();
}

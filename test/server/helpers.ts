import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type RunningServer, type ServeOptions, startServer } from '../../src/server/start.js';

export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
export const tempDir = () => mkdtempSync(join(tmpdir(), 'assay-server-'));

/** A real server on an ephemeral loopback port, with 2 worker threads and no store unless asked. */
export function serve(opts: ServeOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', threads: 2, store: false, logger: false, ...opts });
}

export async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field with expect
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field with expect
export async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

/** Read a run store file (which a closed server has flushed) read-only through `query`. */
export function queryStore<T>(file: string, query: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

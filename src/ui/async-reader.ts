import { Worker } from 'node:worker_threads';
import type { StoreReader } from './queries.js';
import type { ReaderCall } from './reader-thread.js';

const here = new URL(import.meta.url);
const fromSource = here.pathname.endsWith('.ts');

type Methods = Pick<StoreReader, ReaderCall['method']>;

/**
 * `StoreReader`'s queries, run on a reader thread of their own (src/ui/reader-thread.ts): each call returns a
 * promise of what the method returns; a query that fails rejects with its message.
 */
export class AsyncStoreReader {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(path: string) {
    this.worker = new Worker(new URL(fromSource ? './reader-dev.mjs' : './reader-thread.js', here), {
      workerData: { path },
    });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', () => failAll(new Error('the store reader thread ended')));
  }

  call<M extends keyof Methods>(method: M, ...args: Parameters<Methods[M]>): Promise<ReturnType<Methods[M]>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies ReaderCall);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

import type { QueryRequest, QueryResponse } from './protocol.js';

export async function runPostgres(req: QueryRequest, _started: () => void): Promise<QueryResponse> {
  return { id: req.id, ok: false, error: 'postgres is not available yet' };
}

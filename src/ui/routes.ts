import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { HttpError } from '../server/http-error.js';
import { AsyncStoreReader } from './async-reader.js';
import { notFoundPage, runPage, runsPage, samplePage } from './html.js';
import type { SampleFilter, StepPoint } from './queries.js';

export interface UiOptions {
  /** The run store's SQLite file (read-only here; the writer thread owns writes). */
  store: string;
  /** The run `assay serve` is recording: its last step feeds the signal gauges. */
  currentRun?: string | undefined;
  /** Where to register the signal gauges (the server's `/metrics` registry); none for `assay ui`. */
  registry?: Registry | undefined;
}

const require = createRequire(import.meta.url);
const ASSETS_DIR = new URL('../../assets/ui/', import.meta.url);
/** Files the dashboard serves, all from this package (uPlot from node_modules): no CDN. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'uPlot.iife.min.js': { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript' },
  'uPlot.min.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css' },
  'dashboard.js': { file: new URL('dashboard.js', ASSETS_DIR).pathname, type: 'text/javascript' },
  'dashboard.css': { file: new URL('dashboard.css', ASSETS_DIR).pathname, type: 'text/css' },
};

/** No inline script, nothing from elsewhere: model output rendered in a page can run nothing. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const html = (reply: FastifyReply, body: string, code = 200) =>
  reply
    .code(code)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(body);

/** A number query parameter, or undefined when absent; a 400 naming the parameter when it is not a number. */
function optNum(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `${name}: expected a number, got "${String(v)}"`);
  return n;
}
const optStr = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Sample browser filters from a query string; values that are not numbers where numbers go are ignored. */
function filterOf(q: Record<string, unknown>): SampleFilter {
  return {
    step: optNum(q.step, 'step'),
    stepFrom: optNum(q.from, 'from'),
    stepTo: optNum(q.to, 'to'),
    source: optStr(q.source),
    status: optStr(q.status),
    component: optStr(q.component),
    minScore: optNum(q.min, 'min'),
    maxScore: optNum(q.max, 'max'),
    q: optStr(q.q),
    after: optNum(q.after, 'after'),
    limit: optNum(q.limit, 'limit'),
  };
}

/** Signals of the current run's last step, exported as gauges (see docs/alerts.md for the alert rules). */
const GAUGES: [name: string, help: string, read: (s: StepPoint) => number | null][] = [
  ['assay_step', 'Last training step recorded for the current run', (s) => s.step],
  ['assay_step_mean_reward', 'Mean reward of ok samples at the last step', (s) => s.mean],
  ['assay_step_error_rate', 'Share of samples with status error at the last step', (s) => s.error_rate],
  ['assay_step_timeout_rate', 'Share of samples with status timeout at the last step', (s) => s.timeout_rate],
  ['assay_step_pass_rate', 'Share of ok samples at full marks at the last step', (s) => s.pass_rate],
  ['assay_step_response_length', 'Mean response length (characters) at the last step', (s) => s.length],
  [
    'assay_signal_length_correlation',
    'Pearson correlation of reward with response length at the last step',
    (s) => s.length_correlation,
  ],
  [
    'assay_signal_audit_agreement',
    'Share of rewarded audited samples the audit spec also rewards, last step',
    (s) => s.audit_agreement,
  ],
  [
    'assay_signal_format_only_share',
    'Share of rewarded samples paid by format parts only, last step',
    (s) => s.format_only_share,
  ],
  [
    'assay_signal_zero_variance_share',
    'Share of rollout groups with equal scores, last step',
    (s) => s.zero_variance_share,
  ],
  [
    'assay_signal_master_key_hits',
    'Master-key (no-answer) responses caught by a judge guard, last step',
    (s) => s.master_key,
  ],
  [
    'assay_signal_shotgun_hits',
    'Shotgun (candidate-listing) math answers refused, last step',
    (s) => s.shotgun,
  ],
  [
    'assay_signal_exit_trick_hits',
    'Code that exited before its tests finished, last step',
    (s) => s.exit_trick,
  ],
];

/**
 * The dashboard at `/ui` (runs list, run page with live per-step curves and a sample browser, sample page)
 * and its JSON endpoints under `/ui/api`; with a registry, the signal gauges on `/metrics`. Reads the store
 * on a reader thread with its own read-only connection (SQLite's WAL lets it read while the writer thread
 * writes), so no query runs on the event loop that serves scoring.
 */
export const uiRoutes: FastifyPluginAsync<UiOptions> = async (app, opts) => {
  let reader: AsyncStoreReader | undefined;
  const read = (): AsyncStoreReader => {
    reader ??= new AsyncStoreReader(opts.store);
    return reader;
  };
  app.addHook('onClose', async () => reader?.close());

  if (opts.registry && opts.currentRun !== undefined) {
    const run = opts.currentRun;
    // One query per scrape, shared by every gauge.
    let cached: { at: number; step: Promise<StepPoint | undefined> } | undefined;
    const last = (): Promise<StepPoint | undefined> => {
      if (!cached || Date.now() - cached.at > 1000)
        cached = { at: Date.now(), step: read().call('lastStep', run) };
      return cached.step;
    };
    for (const [name, help, pick] of GAUGES) {
      new Gauge({
        name,
        help,
        registers: [opts.registry],
        async collect() {
          const s = await last().catch(() => undefined);
          const v = s ? pick(s) : null;
          this.set(v ?? Number.NaN);
        },
      });
    }
  }

  app.get('/ui', async (_req, reply) => html(reply, runsPage(await read().call('runs'))));
  app.get<{ Params: { run: string } }>('/ui/run/:run', async (req, reply) =>
    html(reply, runPage(req.params.run, await read().call('lastStep', req.params.run))),
  );
  app.get<{ Params: { id: string } }>('/ui/sample/:id', async (req, reply) => {
    const id = Number(req.params.id);
    const s = Number.isSafeInteger(id) ? await read().call('sample', id) : undefined;
    return s
      ? html(reply, samplePage(s))
      : html(reply, notFoundPage(`no sample ${req.params.id} (pruned, or never recorded)`), 404);
  });
  app.get('/ui/api/runs', async () => read().call('runs'));
  app.get<{ Params: { run: string }; Querystring: Record<string, string> }>(
    '/ui/api/runs/:run/steps',
    async (req) =>
      read().call(
        'steps',
        req.params.run,
        optNum(req.query.from, 'from') ?? -1,
        optNum(req.query.to, 'to') ?? Number.MAX_SAFE_INTEGER,
      ),
  );
  app.get<{ Params: { run: string }; Querystring: Record<string, string> }>(
    '/ui/api/runs/:run/samples',
    async (req) => read().call('samplesPage', req.params.run, filterOf(req.query)),
  );
  app.get<{ Params: { id: string } }>('/ui/api/samples/:id', async (req, reply) => {
    const id = Number(req.params.id);
    const s = Number.isSafeInteger(id) ? await read().call('sample', id) : undefined;
    return s ?? reply.code(404).send({ error: `sample: no sample ${req.params.id}` });
  });
  app.get<{ Params: { file: string } }>('/ui/assets/:file', async (req, reply) => {
    const asset = Object.hasOwn(ASSETS, req.params.file) ? ASSETS[req.params.file] : undefined;
    if (!asset) return reply.code(404).send({ error: `no asset ${req.params.file}` });
    return reply
      .header('content-type', `${asset.type}; charset=utf-8`)
      .header('cache-control', 'max-age=300')
      .send(readFileSync(asset.file));
  });
};

import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_STORE } from '../../store/default-path.js';

const int = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${what}: expected a non-negative integer, got "${value}"`);
  return n;
};

const positive = (what: string) => (value: string) => {
  const x = Number(value);
  if (!(x > 0)) throw new InvalidArgumentError(`${what}: expected a positive number, got "${value}"`);
  return x;
};

const rate = (value: string) => {
  const x = Number(value);
  if (!(x >= 0 && x <= 1))
    throw new InvalidArgumentError(`--audit-rate: expected a share in 0..1, got "${value}"`);
  return x;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the rewards of one or more specs over HTTP (native, OpenRLHF and health/metrics routes)',
    )
    .option(
      '--spec <file>',
      'reward spec (YAML or JSON); repeat to load several, the first is the default (bundled examples/default.yaml if none)',
      collect,
    )
    .option('--port <n>', 'port', int('--port'), 8787)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--token <token>', 'require "Authorization: Bearer <token>" (default: $ASSAY_TOKEN)')
    .option('--store <file>', 'SQLite run store', DEFAULT_STORE)
    .option('--no-store', 'do not record scored samples')
    .option('--run <id>', 'run id recorded in the store (default: generated)')
    .option(
      '--audit <file>',
      'a stricter spec re-scoring a seeded share of each step (dashboard: audit agreement)',
    )
    .option('--audit-rate <x>', 'share of samples the audit spec re-scores, 0..1', rate, 0.02)
    .option(
      '--store-max-gb <x>',
      'store size bound: the oldest raw samples are pruned beyond it, aggregates kept',
      positive('--store-max-gb'),
    )
    .option(
      '--no-store-aggregates',
      'keep no per-step aggregates (the dashboard then has no curves; for measuring their cost)',
    )
    .option(
      '--store-max-samples <n>',
      'samples kept per run in the store (oldest pruned beyond it, aggregates kept)',
      int('--store-max-samples'),
    )
    .option('--threads <n>', 'CPU worker threads (default: all cores)', int('--threads'))
    .option(
      '--max-pending <n>',
      'samples admitted at once; beyond it requests get 429',
      int('--max-pending'),
      20_000,
    )
    .option(
      '--cache-size <n>',
      'results kept by the cache for deterministic specs (0: off, which lets workers read /v1/score bodies of CPU specs themselves)',
      int('--cache-size'),
      100_000,
    )
    .option('--body-limit-mb <n>', 'largest request body (413 beyond)', int('--body-limit-mb'), 64)
    .option('--log-level <level>', 'pino log level (fatal, error, warn, info, debug)', 'info')
    .action(async (o) => {
      const token = o.token ?? process.env.ASSAY_TOKEN;
      // Loaded here so that other commands do not pay for fastify, pino and SQLite at startup.
      const { startServer } = await import('../../server/start.js');
      const { app, url, service } = await startServer({
        specs: o.spec ?? [],
        port: o.port,
        host: o.host,
        token: token || undefined,
        store: o.store === false ? false : o.store,
        maxPendingSamples: o.maxPending,
        cacheEntries: o.cacheSize,
        bodyLimit: o.bodyLimitMb * 1024 * 1024,
        logger: { level: o.logLevel },
        ...(o.run !== undefined && { run: o.run }),
        ...(o.audit !== undefined && { audit: o.audit, auditRate: o.auditRate }),
        ...(o.storeMaxGb !== undefined && { storeMaxBytes: o.storeMaxGb * 1024 ** 3 }),
        ...(o.storeAggregates === false && { storeAggregates: false }),
        ...(o.storeMaxSamples !== undefined && { storeMaxSamplesPerRun: o.storeMaxSamples }),
        ...(o.threads !== undefined && { threads: o.threads }),
      });
      process.stderr.write(
        `assay serve: listening on ${url} (dashboard: ${service.store ? `${url}/ui` : 'off, no store'}; specs: ${[...service.specs.keys()].join(', ')}; store: ${service.store?.path ?? 'off'}; run: ${service.run})\n`,
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(130); // a second signal: stop without waiting
        stopping = true;
        process.stderr.write(`assay serve: ${signal}: finishing in-flight requests\n`);
        app.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`assay serve: shutdown failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

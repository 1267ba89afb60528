import { type Command, InvalidArgumentError } from 'commander';
import { describeEnforcement } from '../../sandbox/index.js';
import { DEFAULT_STORE } from '../../store/default-path.js';

const int = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${what}: expected a non-negative integer, got "${value}"`);
  return n;
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
    .option(
      '--max-connections <n>',
      'open connections at once; one more is answered 503',
      int('--max-connections'),
      1024,
    )
    .option(
      '--request-timeout-s <n>',
      'time to receive a whole request, headers and body (408 beyond)',
      int('--request-timeout-s'),
      30,
    )
    .option(
      '--max-run-timeout-s <n>',
      'largest run_timeout a /run_code request may ask for',
      int('--max-run-timeout-s'),
      120,
    )
    .option(
      '--max-memory-mb <n>',
      'largest memory_limit_MB a /run_code request may ask for',
      int('--max-memory-mb'),
      8192,
    )
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
        maxConnections: o.maxConnections,
        requestTimeoutMs: o.requestTimeoutS * 1000,
        runCode: { maxRunTimeoutS: o.maxRunTimeoutS, maxMemoryMb: o.maxMemoryMb },
        ...(o.run !== undefined && { run: o.run }),
        ...(o.threads !== undefined && { threads: o.threads }),
      });
      process.stderr.write(
        `assay serve: listening on ${url} (specs: ${[...service.specs.keys()].join(', ')}; store: ${service.store?.path ?? 'off'}; run: ${service.run})\n`,
      );
      process.stderr.write(`assay serve: ${describeEnforcement()}\n`);
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

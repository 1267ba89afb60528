import { existsSync, readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { describeEnforcement } from '../../sandbox/index.js';
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
      'serve the rewards of one or more specs over HTTP: /v1/score, /v1/groups, /v1/specs, OpenRLHF /get_reward, SandboxFusion /run_code, /health, /metrics',
    )
    .option(
      '--spec <file>',
      'reward spec (YAML or JSON); repeat to load several, the first is the default (bundled examples/default.yaml if none)',
      collect,
    )
    .option('--port <n>', 'port', int('--port'), 8787)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option(
      '--token <token>',
      'require "Authorization: Bearer <token>" on every route but /health (/get_reward and /run_code also take ?token=<token>); default: $ASSAY_SERVER_TOKEN, never the client\'s $ASSAY_TOKEN',
    )
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
    .option(
      '--special-tokens <list>',
      'comma-separated tokens /get_reward strips from both ends of a response (default: BOS/EOS/pad tokens of the common chat templates)',
      (v: string) => v.split(',').filter((t) => t !== ''),
    )
    .option('--log-level <level>', 'pino log level (fatal, error, warn, info, debug)', 'info')
    .action(async (o) => {
      // Not $ASSAY_TOKEN: that is the Python client's, and setting it for a client must not turn on auth
      // for trainers that cannot send it.
      const token = o.token ?? process.env.ASSAY_SERVER_TOKEN;
      // Read the chain of launchers first, while it is surely there (npm may be killed at any moment from
      // now on); until the server is up, losing npm simply ends this process.
      let launcherGone: () => void = () => process.exit(0);
      watchLauncher(() => launcherGone());
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
        ...(o.audit !== undefined && { audit: o.audit, auditRate: o.auditRate }),
        ...(o.storeMaxGb !== undefined && { storeMaxBytes: o.storeMaxGb * 1024 ** 3 }),
        ...(o.storeAggregates === false && { storeAggregates: false }),
        ...(o.storeMaxSamples !== undefined && { storeMaxSamplesPerRun: o.storeMaxSamples }),
        ...(o.specialTokens !== undefined && { specialTokens: o.specialTokens }),
        ...(o.threads !== undefined && { threads: o.threads }),
      });
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
      launcherGone = () => stop('npm, which started this server, exited');
      process.stderr.write(
        `assay serve: listening on ${url} (dashboard: ${service.store ? `${url}/ui` : 'off, no store'}; specs: ${[...service.specs.keys()].join(', ')}; store: ${service.store?.path ?? 'off'}; run: ${service.run})\n`,
      );
      process.stderr.write(`assay serve: ${describeEnforcement()}\n`);
    });
}

/**
 * `npx assay serve &` then `kill $!` signals npm, which exits without passing the signal on, and the
 * server would be left running (and hold the port). When npm started this process (it sets
 * `npm_command`), watch the npm process above it, through the `sh -c` npm runs bins with, and stop as on
 * SIGTERM once it is gone. Linux only (it reads /proc); elsewhere nothing is watched.
 */
function watchLauncher(stop: () => void): void {
  if (!process.env.npm_command || process.platform !== 'linux') return;
  const watched: number[] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 4 && pid > 1; depth++) {
    let cmd: string;
    let stat: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      break;
    }
    const npm = /\bnpm\b|\bnpx\b|npm-cli/.test(cmd);
    if (!npm && !/^\S*\b(sh|bash|dash) -c /.test(cmd)) break;
    watched.push(pid);
    if (npm) break; // above npm is the user's shell, which may well exit first (nohup)
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  if (watched.length === 0) return;
  const gone = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z'); // exited, not yet reaped
    } catch {
      return !existsSync(`/proc/${p}`);
    }
  };
  const timer = setInterval(() => {
    if (watched.some(gone)) {
      clearInterval(timer);
      stop();
    }
  }, 500);
  timer.unref();
}

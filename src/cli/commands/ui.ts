import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_STORE } from '../../store/default-path.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port: expected a port number, got "${value}"`);
  return n;
};

export function register(program: Command): void {
  program
    .command('ui')
    .description('open the dashboard over a run store (a finished run, or one a server is writing) at /ui')
    .option('--store <file>', 'SQLite run store', DEFAULT_STORE)
    .option('--port <n>', 'port', port, 8788)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .action(async (o: { store: string; port: number; host: string }) => {
      if (!existsSync(o.store)) {
        process.stderr.write(`assay ui: --store: no file ${o.store}\n`);
        process.exit(2);
      }
      const { startUi } = await import('../../ui/server.js');
      const { url } = await startUi({ store: o.store, port: o.port, host: o.host });
      process.stderr.write(`assay ui: ${url}/ui (store: ${o.store})\n`);
    });
}

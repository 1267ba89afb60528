/**
 * The `assay` command. Each subcommand is one module under commands/ exporting `register(program)`;
 * adding a subcommand is one file plus one line in the list below.
 */
import { Command } from 'commander';
import '../builtins.js';
import * as advantages from './commands/advantages.js';
import * as evaluate from './commands/eval.js';
import * as rewards from './commands/rewards.js';
import * as score from './commands/score.js';
import * as select from './commands/select.js';
import * as serve from './commands/serve.js';
import * as stats from './commands/stats.js';
import * as ui from './commands/ui.js';

const program = new Command('assay')
  .description('Assay: rewards for RL post-training, computed fast and safely')
  .showHelpAfterError()
  .version('0.1.0');

for (const command of [score, serve, ui, rewards, advantages, select, stats, evaluate])
  command.register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`assay: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});

import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('score')
    .description('score samples from a JSONL file with a reward spec')
    .requiredOption('--spec <file>', 'reward spec (YAML or JSON)')
    .requiredOption('--input <file>', 'samples, one JSON object per line')
    .action(async () => {
      throw new Error('not yet implemented');
    });
}

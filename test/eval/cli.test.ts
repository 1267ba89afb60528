/**
 * `assay eval` as a real process on a RewardBench-shaped file, with a rule-based spec, an LLM judge and a
 * reward model (both behind the local fake server speaking the OpenAI and vLLM /pooling protocols), a
 * pairwise judge with a position bias, and --compare / --output.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines } from '../cli/run-cli.js';
import { delimited, type FakeOpenAIServer, startFakeServer } from '../judges/fake-openai-server.js';

const fixture = (name: string) => new URL(`../fixtures/eval/${name}`, import.meta.url).pathname;
const RB = fixture('rewardbench.jsonl');
const chosenTexts = new Set(
  readFileSync(RB, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).chosen as string),
);
/** The one chosen response the judge answers without a verdict: its case must be an error, not a loss. */
const UNREADABLE = [...chosenTexts].find((t) => t.startsWith('Use a tripod'))!;

let server: FakeOpenAIServer;
const dir = mkdtempSync(join(tmpdir(), 'assay-eval-'));
const spec = (name: string, yaml: string) => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
};

beforeAll(async () => {
  server = await startFakeServer({
    chat: (req) => {
      const response = delimited(req.user) ?? delimited(req.user, 'RESPONSE_A');
      if (req.user.includes('[Response A]')) return 'A is better.\nVERDICT: A'; // a judge that always picks the first
      if (response === UNREADABLE) return 'I am not sure.';
      return chosenTexts.has(response ?? '') ? 'Correct and helpful.\nVERDICT: 9' : 'Wrong.\nVERDICT: 2';
    },
    pooling: (body) => {
      const last = (body.messages as { content: string }[]).at(-1)!.content;
      return { data: [{ index: 0, data: [[0.1], [chosenTexts.has(last) ? 3 : -3]] }] };
    },
  });
});
afterAll(() => server.close());

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'eval', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const judgeSpec = () =>
  spec(
    'judge',
    `name: judge\nreward:\n  use: judge\n  args: { base_url: ${server.baseURL}, model: judge, max_retries: 0 }\n`,
  );

const quietJson = ['--master-keys', '0', '--json'];
const common = ['--input', RB, '--concurrency', '1', '--bootstrap', '200', '--master-keys', '1'];

describe('assay eval on a RewardBench-shaped file', () => {
  it('rule-based: strict wins, ties counted apart, the master key that fools the regex named', async () => {
    const { code, stdout, stderr } = await run(['--spec', fixture('boxed.yaml'), ...common, '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    // math-prm: 101 win, 102 both boxed (tie), 103 win, 104 loss; the refusal subsets have no \boxed at all.
    expect(report.subsets['math-prm']).toMatchObject({ n: 4, accuracy: 0.5, ties: 1, errors: 0 });
    expect(report.subsets['refusals-dangerous']).toMatchObject({ n: 2, accuracy: 0, ties: 2 });
    expect(report.overall).toMatchObject({ n: 8, accuracy: 0.25, ties: 5, errors: 0 });
    expect(report.overall.ci95[0]).toBeLessThanOrEqual(0.25);
    expect(report.overall.ci95[1]).toBeGreaterThanOrEqual(0.25);
    expect(report.format).toBe('pairs');
    expect(report.master_keys.passed).toContain('$\\boxed{}$');
    expect(report.master_keys.false_positive_rate).toBeGreaterThan(0);
  });

  it('judge: a verdict it cannot read is an error, not a loss; master keys earn nothing; the table reads', async () => {
    const judge = judgeSpec();
    const out = join(dir, 'rows.jsonl');
    const { code, stdout, stderr } = await run(['--spec', judge, ...common, '--json', '--output', out]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.overall).toMatchObject({ n: 8, accuracy: 1, ties: 0, errors: 1 });
    expect(report.subsets['xstest-should-respond']).toMatchObject({ n: 2, accuracy: 1, errors: 1 });
    expect(report.master_keys).toMatchObject({ false_positive_rate: 0, errors: 0 });
    const rows = jsonLines(readFileSync(out, 'utf8'));
    expect(rows).toHaveLength(8);
    const failed = rows.find((r) => r.status === 'error');
    expect(failed).toMatchObject({ id: '302', subset: 'xstest-should-respond' });
    expect(failed.reason).toMatch(/^chosen\[0\] error: the judge's verdict could not be read/);
    expect(failed.candidates[1]).toMatchObject({ status: 'ok' });

    const table = await run(['--spec', judge, ...common]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^subset\s+n\s+accuracy % \[95% CI\]\s+ties\s+errors/m);
    expect(table.stdout).toMatch(/^overall\s+8\s+100\.0 \[100\.0, 100\.0\]\s+0\s+1/m);
    expect(table.stdout).toMatch(/master keys: 0\.0%/);
  });

  it('reward model over vLLM /pooling: every pair scored, sigmoid of the last-token value', async () => {
    const rm = spec(
      'rm',
      `name: rm\nreward:\n  use: reward_model\n  args: { base_url: ${server.url}, model: rm }\n`,
    );
    const before = server.log.filter((r) => r.path === '/pooling').length;
    const { code, stdout, stderr } = await run(['--spec', rm, ...common, '--json', '--master-keys', '0']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.overall).toMatchObject({ n: 8, accuracy: 1, ties: 0, errors: 0 });
    expect(report.master_keys).toBeUndefined();
    expect(server.log.filter((r) => r.path === '/pooling').length - before).toBe(16);
  });

  it('--compare: a verifier audit lists the cases where the two specs disagree', async () => {
    const judge = judgeSpec();
    const { code, stdout, stderr } = await run([
      '--spec',
      fixture('boxed.yaml'),
      '--compare',
      judge,
      ...common,
      ...quietJson,
    ]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.spec).toBe('boxed');
    expect(report.compare.spec).toBe('judge');
    // The regex and the judge agree only on 101 and 103 (wins for both).
    expect(report.compare.disagreements.map((d: { id: string }) => d.id)).toEqual([
      '102',
      '104',
      '201',
      '202',
      '301',
      '302',
    ]);
    expect(report.compare.agreement).toBe(0.25);
  });

  it('a pairwise judge judged in both orders: the share of flips exposes a position bias', async () => {
    const pairwise = spec(
      'pairwise',
      `name: pairwise\nreward:\n  use: judge.pairwise\n  args: { base_url: ${server.baseURL}, model: judge, both_orders: false }\n`,
    );
    const { code, stdout, stderr } = await run(['--spec', pairwise, ...common, ...quietJson]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    // Always "A": the chosen response, shown first, always wins, and always loses once the order is swapped.
    expect(report.overall).toMatchObject({ accuracy: 1, position_flip_rate: 1, errors: 0 });

    // The same judge asked for both orders itself: every pair is a tie, and its detail says the orders disagreed.
    const both = spec(
      'pairwise-both',
      `name: pairwise\nreward:\n  use: judge.pairwise\n  args: { base_url: ${server.baseURL}, model: judge }\n`,
    );
    const again = await run(['--spec', both, ...common, ...quietJson, '--no-both-orders']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).overall).toMatchObject({ accuracy: 0, ties: 8, position_flip_rate: 1 });
  });

  it('refuses a file whose format it cannot tell, naming the fields it saw', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"hi"}\n');
    const { code, stderr } = await run(['--spec', fixture('boxed.yaml'), '--input', bad]);
    expect(code).toBe(2);
    expect(stderr).toContain('could not tell the format from the first row (fields: text)');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBwrap } from '../../src/sandbox/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { fixture, post, serve } from './helpers.js';

const hasSandbox = checkBwrap().ok;
let server: RunningServer;

beforeAll(async () => {
  server = await serve({ specs: [fixture('server-trouble.yaml')] });
});
afterAll(async () => {
  await server.app.close();
});

describe('POST /run_code (SandboxFusion)', () => {
  it('validates the request and names the field', async () => {
    const noCode = await post(server.url, '/run_code', { language: 'python' });
    expect(noCode.status).toBe(400);
    expect(noCode.body.error).toMatch(/^code: required/);
    const cobol = await post(server.url, '/run_code', { language: 'cobol', code: 'x' });
    expect(cobol.status).toBe(400);
    expect(cobol.body.error).toMatch(/^language: Assay does not run "cobol" .*; served: .*nodejs.*python/);
    const outside = await post(server.url, '/run_code', {
      language: 'python',
      code: 'x',
      fetch_files: ['../etc/passwd'],
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatch(/^files: "\.\.\/etc\/passwd" must be a relative path/);
  });

  it.runIf(hasSandbox)(
    'runs Python with stdin and base64 files, answering in SandboxFusion shape',
    async () => {
      const res = await post(server.url, '/run_code', {
        language: 'python',
        code: 'print(open("data.txt").read().strip() + input())',
        stdin: '!\n',
        files: { 'data.txt': Buffer.from('hello').toString('base64') },
        run_timeout: 10,
        compile_timeout: 10,
        memory_limit_MB: -1,
        fetch_files: [],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'Success',
        compile_result: null,
        run_result: { status: 'Finished', return_code: 0, stdout: 'hello!\n', stderr: '' },
        files: {},
      });
      expect(typeof res.body.run_result.execution_time).toBe('number');
    },
  );

  it.runIf(hasSandbox)(
    'reports a failing program, a time limit, and a compile error as SandboxFusion does',
    async () => {
      const fail = await post(server.url, '/run_code', {
        language: 'python',
        code: 'import sys; sys.exit(3)',
      });
      expect(fail.body).toMatchObject({
        status: 'Failed',
        run_result: { status: 'Finished', return_code: 3 },
      });
      const slow = await post(server.url, '/run_code', {
        language: 'python',
        code: 'while True: pass',
        run_timeout: 0.5,
      });
      expect(slow.body).toMatchObject({ status: 'Failed', run_result: { status: 'TimeLimitExceeded' } });
      const broken = await post(server.url, '/run_code', {
        language: 'cpp',
        code: 'int main() { return 1 }',
      });
      expect(broken.body.status).toBe('Failed');
      expect(broken.body.run_result).toBeNull();
      expect(broken.body.compile_result).toMatchObject({ status: 'Finished', return_code: 1 });
      expect(broken.body.compile_result.stderr).toMatch(/error/);
    },
  );

  it.runIf(hasSandbox)('sends back fetch_files and honours compile_timeout', async () => {
    const res = await post(server.url, '/run_code', {
      language: 'python',
      code: 'open("out.txt", "w").write("written")\nimport os; os.makedirs("d", exist_ok=True); open("d/x.bin", "wb").write(bytes([0, 255]))',
      fetch_files: ['out.txt', 'd/x.bin', 'never-written.txt'],
    });
    expect(res.body.status).toBe('Success');
    expect(Object.keys(res.body.files).sort()).toEqual(['d/x.bin', 'out.txt']);
    expect(Buffer.from(res.body.files['out.txt'], 'base64').toString()).toBe('written');
    expect([...Buffer.from(res.body.files['d/x.bin'], 'base64')]).toEqual([0, 255]);
    // a compiler given 1 ms cannot finish; a fresh source so that no cached build answers
    const slow = await post(server.url, '/run_code', {
      language: 'cpp',
      code: `#include <iostream>\nint main() { std::cout << ${Date.now()}; }`,
      compile_timeout: 0.001,
    });
    expect(slow.body.status).toBe('Failed');
    expect(slow.body.compile_result).toMatchObject({ status: 'TimeLimitExceeded' });
    expect(slow.body.run_result).toBeNull();
  });

  it.runIf(hasSandbox)('runs nodejs, the SandboxFusion name for JavaScript', async () => {
    const res = await post(server.url, '/run_code', { language: 'nodejs', code: 'console.log(6 * 7)' });
    expect(res.body).toMatchObject({ status: 'Success', run_result: { stdout: '42\n' } });
  });
});

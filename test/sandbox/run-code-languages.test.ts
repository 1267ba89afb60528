import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBwrap } from '../../src/sandbox/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { post, serve } from '../server/helpers.js';

/** `/run_code` takes SandboxFusion's names for the compiled languages added with issue 14. */
describe.runIf(checkBwrap().ok)('/run_code runs go, java and rust', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve({});
  });
  afterAll(() => server.app.close());

  const programs: [string, string][] = [
    ['go', 'package main\nimport "fmt"\nfunc main() { var n int; fmt.Scan(&n); fmt.Println(n * 2) }'],
    [
      'java',
      'import java.util.Scanner;\npublic class Main { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextInt() * 2); } }',
    ],
    [
      'rust',
      'fn main() { let mut s = String::new(); std::io::stdin().read_line(&mut s).unwrap(); println!("{}", s.trim().parse::<i64>().unwrap() * 2); }',
    ],
  ];
  for (const [language, code] of programs) {
    it(`${language}: compiles, runs with stdin, reports SandboxFusion's shape`, async () => {
      const res = await post(server.url, '/run_code', { language, code, stdin: '21\n' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'Success',
        compile_result: { status: 'Finished', return_code: 0 },
        run_result: { status: 'Finished', return_code: 0, stdout: '42\n' },
      });
    }, 60_000);
  }
});

import { afterAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../src/sandbox/index.js';

const sandbox = new BwrapSandbox();
// Compilers (javac, rustc, go build) take seconds on a loaded machine.
const SLOW = 60_000;
afterAll(() => sandbox.close());

describe.concurrent('language profiles run real programs', () => {
  const echo: [string, string][] = [
    ['python', 'import sys\nprint("py", sys.stdin.read().strip(), sys.argv[1:], open("data.txt").read())'],
    [
      'javascript',
      'const fs = require("fs"); console.log("js", fs.readFileSync(0, "utf8").trim(), process.argv.slice(2), fs.readFileSync("data.txt", "utf8"))',
    ],
    [
      'typescript',
      'import * as fs from "fs";\nconst x: string = fs.readFileSync(0, "utf8").trim();\nconsole.log("ts", x, process.argv.slice(2), fs.readFileSync("data.txt", "utf8"));',
    ],
    [
      'c',
      '#include <stdio.h>\nint main(int c, char** v){char b[64]; scanf("%63s", b); FILE* f = fopen("data.txt", "r"); char d[64]; fscanf(f, "%63s", d); printf("c %s %s %s\\n", b, v[1], d); return 0;}',
    ],
    [
      'cpp',
      '#include <iostream>\n#include <fstream>\nint main(int c, char** v){std::string s, d; std::cin >> s; std::ifstream f("data.txt"); f >> d; std::cout << "cpp " << s << " " << v[1] << " " << d << std::endl;}',
    ],
    ['bash', 'read x; echo "bash $x $1 $(cat data.txt)"'],
    [
      'go',
      'package main\nimport (\n"fmt"\n"os"\n)\nfunc main() { var x string; fmt.Scan(&x); d, _ := os.ReadFile("data.txt"); fmt.Println("go", x, os.Args[1], string(d)) }',
    ],
    [
      'java',
      'import java.nio.file.*;\nimport java.util.*;\npublic class Main {\n  static class Helper { String tag() { return "java"; } }\n  public static void main(String[] a) throws Exception {\n    Scanner s = new Scanner(System.in);\n    System.out.println(new Helper().tag() + " " + s.next() + " " + a[0] + " " + Files.readString(Path.of("data.txt")));\n  }\n}',
    ],
    [
      'rust',
      'use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let a: Vec<String> = std::env::args().collect(); println!("rust {} {} {}", s.trim(), a[1], std::fs::read_to_string("data.txt").unwrap()); }',
    ],
  ];
  for (const [language, code] of echo) {
    it(
      `${language}: stdin, args and files reach the program`,
      async () => {
        const r = await sandbox.run({
          language,
          code,
          stdin: 'hello\n',
          args: ['arg1'],
          files: { 'data.txt': 'file1' },
        });
        expect(r.status, r.stderr + (r.compile?.stderr ?? '')).toBe('ok');
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toContain('hello');
        expect(r.stdout).toContain('arg1');
        expect(r.stdout).toContain('file1');
        expect(r.wallMs).toBeGreaterThanOrEqual(0);
        expect(r.maxRssKb).toBeGreaterThan(0);
      },
      SLOW,
    );
  }

  const compileErrors: [string, string, string][] = [
    ['go', 'package main\nfunc main() { nope() }', 'nope'],
    ['java', 'public class Main { public static void main(String[] a) { nope(); } }', 'nope'],
    ['rust', 'fn main() { nope(); }', 'nope'],
  ];
  for (const [language, code, word] of compileErrors) {
    it(
      `${language}: a compile error is reported with the compiler's words; the program does not run`,
      async () => {
        const r = await sandbox.run({ language, code });
        expect(r.status).toBe('runtime_error');
        expect(r.message).toBe('compilation failed');
        expect(r.compile?.stderr).toContain(word);
      },
      SLOW,
    );
  }

  it(
    'java: the public class is the one started, whatever its name',
    async () => {
      const r = await sandbox.run({
        language: 'java',
        code: 'import java.util.*;\n\npublic final class Solution {\n  public static void main(String[] a) { System.out.println("solution " + a[0]); }\n}',
        args: ['ran'],
      });
      expect(r.status, r.compile?.stderr).toBe('ok');
      expect(r.stdout).toBe('solution ran\n');
    },
    SLOW,
  );

  it(
    'go, java, rust: the second run of the same source reuses the compiled artifact',
    async () => {
      const programs: [string, string][] = [
        ['go', 'package main\nimport "fmt"\nfunc main() { fmt.Println(6 * 7) }'],
        ['java', 'public class Main { public static void main(String[] a) { System.out.println(6 * 7); } }'],
        ['rust', 'fn main() { println!("{}", 6 * 7); }'],
      ];
      for (const [language, code] of programs) {
        const first = await sandbox.run({ language, code });
        const second = await sandbox.run({ language, code });
        expect([first.stdout, second.stdout]).toEqual(['42\n', '42\n']);
        expect(second.compile?.cached).toBe(true);
      }
    },
    3 * SLOW,
  );

  it('python runs on the warm fork server, others cold; both report usage', async () => {
    const py = await sandbox.run({ language: 'python', code: 'print(sum(i * i for i in range(200000)))' });
    expect(py.engine).toBe('warm');
    expect(py.stdout.trim()).toBe(String([...Array(200000).keys()].reduce((a, i) => a + i * i, 0)));
    const sh = await sandbox.run({ language: 'bash', code: 'echo hi' });
    expect(sh.engine).toBe('cold');
  });

  it('a C compile error is reported with the compiler output; the program does not run', async () => {
    const r = await sandbox.run({ language: 'c', code: 'int main() { return nope; }' });
    expect(r.status).toBe('runtime_error');
    expect(r.message).toBe('compilation failed');
    expect(r.compile?.status).toBe('runtime_error');
    expect(r.compile?.stderr).toContain('nope');
  });

  it('compiled artifacts are cached by content hash', async () => {
    const code = '#include <stdio.h>\nint main(){puts("cached");}';
    const first = await sandbox.run({ language: 'c', code: `${code}\n// ${Math.random()}` });
    expect(first.compile?.cached).toBe(false);
    const again = await sandbox.run({ language: 'c', code: `${code}\n// ${first.wallMs}x` });
    const same = await sandbox.run({ language: 'c', code: `${code}\n// ${first.wallMs}x` });
    expect(again.compile?.cached).toBe(false);
    expect(same.compile?.cached).toBe(true);
    expect(same.stdout).toBe('cached\n');
  });

  it('a TypeScript syntax error is a compile failure', async () => {
    const r = await sandbox.run({ language: 'typescript', code: 'const x: = 1;' });
    expect(r.compile?.status).toBe('runtime_error');
    expect(r.status).toBe('runtime_error');
  });

  it('exit codes and uncaught errors are runtime_error with stderr', async () => {
    const py = await sandbox.run({ language: 'python', code: 'raise ValueError("boom")' });
    expect(py).toMatchObject({ status: 'runtime_error', exitCode: 1 });
    expect(py.stderr).toContain('ValueError: boom');
    expect(py.stderr).toContain('/work/main.py');
    const sh = await sandbox.run({ language: 'bash', code: 'exit 7' });
    expect(sh).toMatchObject({ status: 'runtime_error', exitCode: 7 });
    const seg = await sandbox.run({ language: 'c', code: 'int main(){ int* p = 0; return *p; }' });
    expect(seg).toMatchObject({ status: 'runtime_error', signal: 'SIGSEGV' });
  });

  it('python programs see a fresh interpreter: __main__, argv, no state from earlier runs', async () => {
    await sandbox.run({ language: 'python', code: 'import math\nmath.leak = 1\nleak = 2' });
    const r = await sandbox.run({
      language: 'python',
      code: 'import math, sys\nprint(__name__, hasattr(math, "leak"), "leak" in globals(), sys.argv[0])',
    });
    expect(r.stdout.trim()).toBe('__main__ False False main.py');
    // Each execution is a fork of the same server: its random state must still be its own.
    const draw = 'import random, os\nprint(random.getrandbits(64), os.urandom(8).hex())';
    const a = await sandbox.run({ language: 'python', code: draw });
    const b = await sandbox.run({ language: 'python', code: draw });
    expect(a.stdout).not.toBe(b.stdout);
    expect(a.stdout.split(' ')[0]).not.toBe(b.stdout.split(' ')[0]);
  });

  it('refuses unknown languages and paths outside the working directory', async () => {
    expect((await sandbox.run({ language: 'cobol', code: '' })).status).toBe('sandbox_error');
    const r = await sandbox.run({ language: 'python', code: '', files: { '../x': 'y' } });
    expect(r.status).toBe('sandbox_error');
    expect(r.message).toContain('../x');
  });

  it('an aborted run is killed and reported as timeout', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('caller gave up')), 300);
    const r = await sandbox.run({ language: 'bash', code: 'sleep 30', signal: ac.signal });
    expect(r.status).toBe('timeout');
  });
});

describe('without isolation (explicit, loudly named option)', () => {
  it('runs programs on the host in a temporary directory with rlimits only', async () => {
    const unsafe = new BwrapSandbox({ UNSAFE_noIsolation: true });
    try {
      const r = await unsafe.run({
        language: 'python',
        code: 'import os\nprint("assay-unsafe-" in os.getcwd())',
        limits: { wallMs: 5000 },
      });
      expect(r).toMatchObject({ status: 'ok', engine: 'cold' });
      expect(r.stdout.trim()).toBe('True');
      const slow = await unsafe.run({ language: 'bash', code: 'sleep 30', limits: { wallMs: 500 } });
      expect(slow.status).toBe('timeout');
    } finally {
      await unsafe.close();
    }
  });
});

describe('warm python behaves like python3 main.py where programs notice', () => {
  it('exit codes, uncaught signals from the kernel, CPU limit', async () => {
    const sandbox2 = new BwrapSandbox();
    try {
      const code = await sandbox2.run({ language: 'python', code: 'import sys\nsys.exit(3)' });
      expect(code).toMatchObject({ status: 'runtime_error', exitCode: 3, engine: 'warm' });
      const segv = await sandbox2.run({ language: 'python', code: 'import ctypes\nctypes.string_at(0)' });
      expect(segv).toMatchObject({ status: 'runtime_error', signal: 'SIGSEGV' });
      const cpu = await sandbox2.run({
        language: 'python',
        code: 'while True: pass',
        limits: { cpuMs: 1000, wallMs: 20_000 },
      });
      expect(cpu.status).toBe('timeout');
      expect(cpu.message).toMatch(/CPU/);
    } finally {
      await sandbox2.close();
    }
  });
});

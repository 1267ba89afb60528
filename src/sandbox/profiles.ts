import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// esbuild is loaded on the first TypeScript program: every worker thread imports the profiles, few run TS.
const requireLazy = createRequire(import.meta.url);
let esbuild: typeof import('esbuild') | undefined;

/**
 * A language is a small profile: its main file, how to compile it (inside the sandbox, or on the host
 * when it is a pure source transform), how to run it, and the memory headroom its runtime needs.
 * Adding a language is adding one entry to PROFILES.
 */
export interface LanguageProfile {
  name: string;
  /** Names accepted in requests and in ``` fences. */
  aliases: string[];
  /** File the code is written to in the working directory. */
  main: string;
  /** A compiler run inside the sandbox; its artifact is cached by content hash. */
  compile?: { cmd: string[]; artifact: string };
  /** A pure source-to-source step done on the host (no code of the program runs), cached the same way. */
  transform?: (code: string) => string;
  /** argv of the program (the artifact, or an interpreter on `main`). */
  run: (args: string[], memoryMb: number) => string[];
  /** Added to RLIMIT_AS: runtimes that reserve virtual address space far beyond what they touch. */
  memoryHeadroomMb: number;
  /** Runs on the warm fork server (no process start per execution). */
  warm?: boolean;
  /** Host paths outside /usr the runtime needs, bound read-only (resolved when first used). */
  binds?: () => string[];
}

const PY = '/usr/bin/python3';
const NODE = '/usr/bin/node';

function transpileTs(code: string): string {
  // esbuild only parses and prints: none of the program runs on the host.
  esbuild ??= requireLazy('esbuild') as typeof import('esbuild');
  return esbuild.transformSync(code, { loader: 'ts', format: 'cjs', target: 'node20' }).code;
}

const nodeRun = (file: string) => (args: string[], memoryMb: number) => [
  NODE,
  `--max-old-space-size=${memoryMb}`,
  file,
  ...args,
];

/**
 * A binary's real path: Debian reaches java through /etc/alternatives, which the sandbox does not
 * have, so programs are started by the path the link resolves to (still under /usr).
 */
const resolved = new Map<string, string>();
function real(path: string): string {
  let r = resolved.get(path);
  if (r === undefined) {
    try {
      r = realpathSync(path);
    } catch {
      r = path; // not installed: the sandbox then reports that it cannot start it
    }
    resolved.set(path, r);
  }
  return r;
}

/** The JVM's configuration (lib/jvm.cfg, conf/) lives in /etc/java-N-openjdk on Debian. */
function jvmConfig(): string[] {
  try {
    return [dirname(realpathSync(join(dirname(dirname(real('/usr/bin/java'))), 'lib', 'jvm.cfg')))];
  } catch {
    return [];
  }
}

/** JVM flags for short programs: one GC thread, few compiler threads, a deep stack for recursion. */
const JVM_FLAGS = ['-XX:+UseSerialGC', '-XX:ActiveProcessorCount=2', '-XX:CICompilerCount=2', '-Xshare:auto'];

export const PROFILES: LanguageProfile[] = [
  {
    name: 'python',
    aliases: ['python', 'python3', 'py'],
    main: 'main.py',
    run: (args) => [PY, '-u', 'main.py', ...args],
    memoryHeadroomMb: 0,
    warm: true,
  },
  {
    name: 'javascript',
    aliases: ['javascript', 'js', 'node'],
    main: 'main.js',
    run: nodeRun('main.js'),
    // V8 reserves several GiB of address space it never touches; the heap itself is capped by
    // --max-old-space-size, so the address-space limit only needs to stop native allocations.
    memoryHeadroomMb: 4096,
  },
  {
    name: 'typescript',
    aliases: ['typescript', 'ts'],
    main: 'main.js',
    transform: transpileTs,
    run: nodeRun('main.js'),
    memoryHeadroomMb: 4096,
  },
  {
    name: 'c',
    aliases: ['c'],
    main: 'main.c',
    compile: { cmd: ['/usr/bin/gcc', '-O2', '-std=gnu17', '-o', 'main', 'main.c', '-lm'], artifact: 'main' },
    run: (args) => ['./main', ...args],
    memoryHeadroomMb: 0,
  },
  {
    name: 'cpp',
    aliases: ['cpp', 'c++', 'cxx', 'cc'],
    main: 'main.cpp',
    compile: { cmd: ['/usr/bin/g++', '-O2', '-std=gnu++17', '-o', 'main', 'main.cpp'], artifact: 'main' },
    run: (args) => ['./main', ...args],
    memoryHeadroomMb: 0,
  },
  {
    name: 'go',
    aliases: ['go', 'golang'],
    main: 'main.go',
    compile: {
      // GOPATH mode (no go.mod needed), no cgo (no C toolchain at run time), caches in the tmpfs.
      cmd: [
        '/usr/bin/env',
        'GOCACHE=/tmp/go-cache',
        'GOPATH=/tmp/go',
        'GO111MODULE=off',
        'CGO_ENABLED=0',
        '/usr/bin/go',
        'build',
        '-o',
        'main',
        'main.go',
      ],
      artifact: 'main',
    },
    // Go's scheduler starts a thread per core: bounded so it fits the process limit on any machine.
    run: (args) => ['/usr/bin/env', 'GOMAXPROCS=4', './main', ...args],
    // The Go runtime reserves address space in large arenas: held by the cgroup, not RLIMIT_AS.
    memoryHeadroomMb: 4096,
  },
  {
    name: 'java',
    aliases: ['java'],
    main: 'Main.java',
    compile: {
      cmd: [
        '/bin/sh',
        '-c',
        // A public class must live in a file of its name: `public class Solution` is compiled as
        // Solution.java and started as the jar's Main-Class. Then one jar holds every class (inner and
        // helper classes included): the artifact.
        [
          'c=$(sed -n "s/^[[:space:]]*public[[:space:]]\\+\\(final[[:space:]]\\+\\)\\?class[[:space:]]\\+\\([A-Za-z_][A-Za-z0-9_]*\\).*/\\2/p" Main.java | head -n 1)',
          '[ -n "$c" ] || c=Main',
          '[ "$c" = Main ] || mv Main.java "$c.java"',
          '"$0" -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 -encoding UTF-8 -d classes "$c.java"',
          'printf "Main-Class: %s\\n" "$c" > manifest',
          '"$1" --create --file main.jar --manifest manifest -C classes .',
        ].join(' && '),
        real('/usr/bin/javac'),
        real('/usr/bin/jar'),
      ],
      artifact: 'main.jar',
    },
    run: (args, memoryMb) => [
      real('/usr/bin/java'),
      ...JVM_FLAGS,
      // The heap gets three quarters; the rest of memory_mb is the JVM's own (code, metaspace, stacks).
      `-Xmx${Math.max(32, Math.floor((memoryMb * 3) / 4))}m`,
      '-Xss64m',
      '-jar',
      'main.jar',
      ...args,
    ],
    memoryHeadroomMb: 4096,
    binds: jvmConfig,
  },
  {
    name: 'rust',
    aliases: ['rust', 'rs'],
    main: 'main.rs',
    compile: {
      // gcc by its own path: rustc's default linker `cc` is an /etc/alternatives link on Debian.
      cmd: [
        '/usr/bin/rustc',
        '--edition',
        '2021',
        '-O',
        '-C',
        'linker=/usr/bin/gcc',
        '-o',
        'main',
        'main.rs',
      ],
      artifact: 'main',
    },
    run: (args) => ['./main', ...args],
    memoryHeadroomMb: 0,
  },
  {
    name: 'bash',
    aliases: ['bash', 'sh', 'shell'],
    main: 'main.sh',
    run: (args) => ['/bin/bash', 'main.sh', ...args],
    memoryHeadroomMb: 0,
  },
];

const byAlias = new Map(PROFILES.flatMap((p) => p.aliases.map((a) => [a, p] as const)));

export function findProfile(language: string): LanguageProfile | undefined {
  return byAlias.get(language.toLowerCase());
}

export const languageNames = (): string[] => PROFILES.map((p) => p.name);

import { createRequire } from 'node:module';

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

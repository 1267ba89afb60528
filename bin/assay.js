#!/usr/bin/env node
// The `assay` command: runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs),
// or the TypeScript sources through tsx when working on a checkout that has not been built.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}

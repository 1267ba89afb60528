import { readFileSync } from 'node:fs';

/** A file given by a command-line flag ("-": stdin); an unreadable one is an error naming the flag. */
export function readInput(file: string, flag = '--input'): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (err as Error).message;
    throw new Error(`${flag}: cannot read ${JSON.stringify(file)} (${why})`);
  }
}

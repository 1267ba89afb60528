/**
 * The APPS / TACO convention for stdin programs: their harness runs a solution as the body of a function,
 * so a solution may `return` at top level to stop early. Python refuses that in a module, so such a
 * program is wrapped the way those harnesses wrap it; every other program runs exactly as written.
 */

/** Whether a Python program has a `return` outside any def (a linear scan by indentation). */
export function hasTopLevelReturn(program: string): boolean {
  const defs: number[] = [];
  let inString: string | undefined;
  for (const line of program.split('\n')) {
    if (inString) {
      if (countOf(line, inString) % 2 === 1) inString = undefined;
      continue;
    }
    const body = line.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const indent = line.length - body.length;
    while (defs.length > 0 && indent <= defs.at(-1)!) defs.pop();
    if (/^(async\s+def|def|class)\s/.test(body)) defs.push(indent);
    else if (defs.length === 0 && /^return\b/.test(body)) return true;
    for (const quote of ['"""', "'''"]) if (countOf(line, quote) % 2 === 1) inString = quote;
  }
  return false;
}

const countOf = (line: string, quote: string): number => line.split(quote).length - 1;

/** The program as the body of a function that is then called, indented with what it indents with. */
export function wrapTopLevelReturn(program: string): string {
  const unit = /^\t/m.test(program) ? '\t' : '    ';
  const body = program
    .split('\n')
    .map((l) => (l.trim() === '' ? l : unit + l))
    .join('\n');
  return `def __solution_main__():\n${body}\n    pass\n__solution_main__()\n`.replace(
    '\n    pass\n',
    `\n${unit}pass\n`,
  );
}

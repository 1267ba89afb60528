/**
 * Whether a program's output matches the expected output: equal after trimming trailing whitespace on
 * every line and trailing blank lines; with a tolerance, tokens that both read as numbers may differ by
 * that much (absolute or relative), the usual rule for float answers.
 */
export function outputsMatch(got: string, want: string, tol = 0): boolean {
  const a = lines(got);
  const b = lines(want);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (!(tol > 0) || !tokensMatch(a[i]!, b[i]!, tol)) return false;
  }
  return true;
}

function lines(text: string): string[] {
  const out = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd());
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

function tokensMatch(a: string, b: string, tol: number): boolean {
  const x = a.trim().split(/\s+/);
  const y = b.trim().split(/\s+/);
  if (x.length !== y.length) return false;
  return x.every((t, i) => t === y[i] || numbersClose(t, y[i]!, tol));
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function numbersClose(a: string, b: string, tol: number): boolean {
  if (!NUMBER.test(a) || !NUMBER.test(b)) return false;
  const x = Number(a);
  const y = Number(b);
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(y));
}

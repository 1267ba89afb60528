/**
 * Splitting a response into reasoning steps, for step-level rewards. Line-based scans (no backtracking
 * regular expressions over the whole response). `sample.steps`, when given, always wins over splitting.
 */
export const SPLIT_RULES = ['auto', 'step_markers', 'blank_lines', 'lines'] as const;
export type SplitRule = (typeof SPLIT_RULES)[number];

/** "Step 3:", "step 3.", "**Step 3**", "## Step 3 -", "Step 3)" at the start of a line. */
const STEP_MARKER = /^\s*(?:#{1,6}\s*)?(?:\*\*)?step\s*\d+\b/i;

function byMarkers(text: string): string[] {
  const steps: string[] = [];
  let current: string[] = [];
  for (const line of text.split('\n')) {
    if (STEP_MARKER.test(line) && current.length > 0) {
      steps.push(current.join('\n'));
      current = [];
    }
    current.push(line);
  }
  steps.push(current.join('\n'));
  return steps.map((s) => s.trim()).filter((s) => s !== '');
}

const byBlankLines = (text: string) =>
  text
    .split(/\n[ \t]*\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

const byLines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `auto`: step markers when at least two lines carry one, else blank-line paragraphs. */
export function splitSteps(text: string, rule: SplitRule = 'auto'): string[] {
  if (rule === 'step_markers') return byMarkers(text);
  if (rule === 'blank_lines') return byBlankLines(text);
  if (rule === 'lines') return byLines(text);
  let markers = 0;
  for (const line of text.split('\n')) if (STEP_MARKER.test(line) && ++markers >= 2) return byMarkers(text);
  return byBlankLines(text);
}

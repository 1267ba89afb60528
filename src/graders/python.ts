/**
 * OpenAI's `python` grader: the object's `source` defines `grade(sample, item) -> float`, run in the Assay
 * sandbox (bubblewrap, its CPU/memory/process limits, killed at the sample's deadline). `sample` is
 * `{"output_text", "output_json", "choices"}` and `item` the dataset row, as the grader API passes them.
 */
import { failed } from '../core/result.js';
import type { AsyncReward } from '../core/reward.js';
import type { Outcome } from '../core/types.js';
import { getSandbox } from '../sandbox/index.js';
import { type PythonGrader, python } from './schema.js';
import { graderContext, OutputError } from './template.js';
import { graded } from './text.js';

const MARKER = '__ASSAY_GRADE__';

/** Appended to the grader's source: reads the call from stdin, prints the grade after a marker. */
const HARNESS = `

def __assay_main():
    import json as _json, math as _math, sys as _sys
    _call = _json.loads(_sys.stdin.read())
    _value = grade(_call["sample"], _call["item"])
    _value = float(_value)
    if not _math.isfinite(_value):
        raise ValueError("grade() returned a non-finite value: %r" % _value)
    _sys.stdout.write("\\n${MARKER}" + _json.dumps(_value) + "\\n")

__assay_main()
`;

export const pythonReward: AsyncReward<PythonGrader> = {
  name: 'grader.python',
  mode: 'async',
  description: "OpenAI python grader: grade(sample, item) from the grader's source, run in the Assay sandbox",
  args: python as unknown as AsyncReward<PythonGrader>['args'],
  create(g, env) {
    const sandbox = getSandbox(env);
    const code = g.source + HARNESS;
    return async (sample, ctx): Promise<Outcome> => {
      const gctx = graderContext(sample);
      let outputJson: unknown = null;
      try {
        outputJson = gctx.outputJson();
      } catch (err) {
        if (!(err instanceof OutputError)) throw err;
      }
      const call = {
        sample: {
          output_text: gctx.outputText,
          output_json: outputJson,
          choices: [{ index: 0, message: { role: 'assistant', content: gctx.outputText } }],
        },
        item: gctx.item,
      };
      const wallMs = Math.max(1, Math.min(60_000, ctx.deadline - Date.now()));
      const run = await sandbox.run({
        language: 'python',
        code,
        stdin: JSON.stringify(call),
        limits: { wallMs, cpuMs: wallMs },
        signal: ctx.signal,
      });
      const line = run.stdout.split('\n').findLast((l) => l.startsWith(MARKER));
      if (run.status !== 'ok' || line === undefined) {
        const why = run.stderr.trim().split('\n').at(-1) ?? run.message ?? run.status;
        const status = run.status === 'timeout' ? 'timeout' : 'error';
        return { status, reason: `python grader ${run.status}: ${why}`.slice(0, 500) };
      }
      const score = Number(JSON.parse(line.slice(MARKER.length)));
      return Number.isFinite(score)
        ? graded(score, g.pass_threshold)
        : failed('python grader returned no number');
    };
  },
};

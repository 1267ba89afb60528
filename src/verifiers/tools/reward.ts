import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import type { Outcome } from '../../core/types.js';
import { maxMatching, maxWeightAssignment } from './assign.js';
import {
  acceptable,
  checkCall,
  type ExpectedCall,
  isOptional,
  namesMatch,
  type ValueOptions,
} from './check.js';
import { parseResponseCalls, type ToolCall } from './parse.js';
import { parseToolReference, type ToolReference } from './reference.js';

const args = z
  .object({
    /**
     * `exact`: 1 iff the calls match the expected ones one to one (BFCL); `calls`: the share of calls matched
     * (matched / max(predicted, expected)); `toolrl`: ToolRL's name, argument-name and argument-value credit.
     */
    score: z.enum(['exact', 'calls', 'toolrl']).default('exact'),
    /** Relative tolerance for numeric values (absolute below 1). */
    rel_tol: z.number().min(0).max(1).default(1e-9),
    /** `toolrl` only: report ToolRL's R_correct in [-3, 3] instead of the share in [0, 1]. */
    toolrl_range: z.boolean().default(false),
  })
  .strict();

type Args = z.infer<typeof args>;

/** Multiset Jaccard of two lists of names (ToolRL's name and key matching). */
function jaccard(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const count = (xs: string[]) =>
    xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  let inter = 0;
  let union = 0;
  for (const k of new Set([...ca.keys(), ...cb.keys()])) {
    inter += Math.min(ca.get(k) ?? 0, cb.get(k) ?? 0);
    union += Math.max(ca.get(k) ?? 0, cb.get(k) ?? 0);
  }
  return inter / union;
}

/** The expected keys of a call for ToolRL: required ones, plus optional ones the prediction gave. */
const goldKeys = (e: ExpectedCall, p?: ToolCall) =>
  Object.entries(e.params)
    .filter(([k, values]) => !isOptional(e, values) || (p !== undefined && Object.hasOwn(p.arguments, k)))
    .map(([k]) => k);

/**
 * ToolRL (Qian et al. 2025, §3.3): r_name = Jaccard of called and expected names; for expected calls
 * paired with a predicted call of the same name (an optimal assignment), r_param += Jaccard of argument
 * names and r_value += number of expected arguments with an acceptable value. The share is
 * (r_name + r_param + r_value) / (1 + |G| + Σ|keys(G_j)|); R_correct = 6·share − 3.
 */
function toolrl(calls: ToolCall[], expected: ExpectedCall[], o: ValueOptions) {
  const rName = jaccard(
    calls.map((c) => c.name),
    expected.map((e) => calls.find((c) => namesMatch(c.name, e.name))?.name ?? e.name),
  );
  const pair = (e: ExpectedCall, c: ToolCall) => {
    if (!namesMatch(c.name, e.name)) return { param: 0, value: 0 };
    const keys = goldKeys(e, c);
    const param = jaccard(Object.keys(c.arguments), keys);
    const value = keys.filter(
      (k) => Object.hasOwn(c.arguments, k) && acceptable(c.arguments[k], e.params[k]!, o, e.exact === true),
    ).length;
    return { param, value };
  };
  const weights = expected.map((e) =>
    calls.map((c) => {
      const s = pair(e, c);
      return s.param + s.value;
    }),
  );
  const assigned = maxWeightAssignment(weights, calls.length);
  let rParam = 0;
  let rValue = 0;
  let keysTotal = 0;
  expected.forEach((e, i) => {
    const c = assigned[i]! >= 0 ? calls[assigned[i]!] : undefined;
    keysTotal += goldKeys(e, c).length;
    if (c) {
      const s = pair(e, c);
      rParam += s.param;
      rValue += s.value;
    }
  });
  const share = (rName + rParam + rValue) / (1 + expected.length + keysTotal);
  return { share, r_name: rName, r_param: rParam, r_value: rValue, s_max: 1 + expected.length + keysTotal };
}

function score(calls: ToolCall[], ref: ToolReference, a: Args): Outcome {
  const o: ValueOptions = { relTol: a.rel_tol };
  const detail: Record<string, unknown> = {
    calls: calls.map((c) => c.name),
    expected: ref.expected.map((e) => e.name),
  };
  if (ref.expected.length === 0)
    return calls.length === 0
      ? ok(1, 'no call expected, none made', detail)
      : ok(0, `no call expected, ${calls.length} made`, detail);
  if (calls.length === 0) return ok(0, 'a call was expected, none was made', detail);
  if (a.score === 'toolrl') {
    const t = toolrl(calls, ref.expected, o);
    const value = a.toolrl_range ? 6 * t.share - 3 : t.share;
    return ok(value, `ToolRL ${t.share.toFixed(3)} of ${t.s_max}`, { ...detail, ...t });
  }
  // Why each (expected, call) pair fails, then the largest one-to-one matching of passing pairs.
  const why = ref.expected.map((e) => calls.map((c) => checkCall(c, e, o, ref.tools?.get(c.name))));
  const { size, columnOf } = maxMatching(
    why.map((row) => row.map((w) => w === undefined)),
    calls.length,
  );
  // For an expected call left unmatched, the reason a call of its name failed (or that none was made).
  const problems = ref.expected.flatMap((e, i) => {
    if (columnOf[i]! >= 0) return [];
    const j = calls.findIndex((c) => namesMatch(c.name, e.name));
    return [j >= 0 ? why[i]![j]! : `no call of ${e.name}`];
  });
  const all = size === ref.expected.length && size === calls.length;
  const full = { ...detail, matched: size, ...(problems.length > 0 && { problems: problems.slice(0, 5) }) };
  if (a.score === 'calls') {
    const share = size / Math.max(calls.length, ref.expected.length);
    return ok(share, `${size} of ${Math.max(calls.length, ref.expected.length)} calls match`, full);
  }
  if (all) return ok(1, 'calls match', full);
  if (calls.length !== ref.expected.length)
    return ok(0, `${calls.length} calls made, ${ref.expected.length} expected`, full);
  return ok(0, problems[0] ?? 'calls do not match', full);
}

export const toolCall: CpuReward<Args> = {
  name: 'tool_call',
  mode: 'cpu',
  deterministic: true,
  description:
    'tool calls (OpenAI tool_calls, <tool_call> blocks or JSON) checked as BFCL does, parallel calls matched by assignment; reference {ground_truth: [{NAME: {ARG: [values]}}]} or {calls: [{name, arguments}]}, optional tools',
  args,
  create(a) {
    return (sample) => {
      const ref = parseToolReference(sample.reference);
      if (typeof ref === 'string') return failed(`invalid reference: ${ref}`);
      const parsed = parseResponseCalls(sample);
      if (!parsed.ok) return ok(0, `unreadable tool call: ${parsed.error}`, { parse_error: parsed.error });
      const outcome = score(parsed.calls, ref, a);
      if (outcome.status === undefined || outcome.status === 'ok')
        outcome.detail = { ...outcome.detail, format: parsed.format };
      return outcome;
    };
  },
};

/**
 * The reference of a tool_call sample: BFCL possible answers `{ ground_truth: [{NAME: {ARG: [values…]}}] }`
 * (a bare list of them too), or exact calls `{ calls: [{name, arguments}] }`; optionally `tools` (or BFCL's
 * `function`): the tools offered, as OpenAI `{type: 'function', function: {name, parameters}}` or BFCL
 * `{name, parameters}` docs. An empty list of expected calls means no call should be made.
 */
import { type ExpectedCall, type ToolSchema, validatorFor } from './check.js';
import { readCall } from './parse.js';

export interface ToolReference {
  expected: ExpectedCall[];
  tools?: Map<string, ToolSchema>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function possibleAnswer(raw: unknown, i: number): ExpectedCall | string {
  if (!isObject(raw) || Object.keys(raw).length !== 1)
    return `ground_truth[${i}]: expected {NAME: {ARG: [values…]}}`;
  const name = Object.keys(raw)[0]!;
  const args = raw[name];
  if (!isObject(args)) return `ground_truth[${i}].${name}: expected an object of parameters`;
  const params: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(args)) params[k] = Array.isArray(v) ? v : [v];
  return { name, params };
}

function readTools(raw: unknown): Map<string, ToolSchema> | string {
  const list = Array.isArray(raw) ? raw : [raw];
  const tools = new Map<string, ToolSchema>();
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const fn = isObject(t) && isObject(t.function) ? t.function : t;
    if (!isObject(fn) || typeof fn.name !== 'string') return `tools[${i}]: expected {name, parameters}`;
    const parameters = fn.parameters ?? { type: 'object', properties: {} };
    if (!isObject(parameters)) return `tools[${i}].parameters: expected a JSON Schema object`;
    try {
      validatorFor(parameters); // compiled (and cached) now, so a bad schema is the reference's error
    } catch (err) {
      return `tools[${i}].parameters: invalid JSON Schema: ${(err as Error).message}`;
    }
    tools.set(fn.name, { name: fn.name, parameters });
  }
  return tools;
}

/** Read a reference; an error names the field. */
export function parseToolReference(reference: unknown): ToolReference | string {
  const r = Array.isArray(reference) ? { ground_truth: reference } : reference;
  if (!isObject(r)) return 'expected {ground_truth: [...]} or {calls: [...]}';
  const expected: ExpectedCall[] = [];
  if (Array.isArray(r.ground_truth)) {
    for (let i = 0; i < r.ground_truth.length; i++) {
      const e = possibleAnswer(r.ground_truth[i], i);
      if (typeof e === 'string') return e;
      expected.push(e);
    }
  } else if (Array.isArray(r.calls)) {
    for (let i = 0; i < r.calls.length; i++) {
      const c = readCall(r.calls[i], `calls[${i}]`);
      if (typeof c === 'string') return c;
      const params = Object.fromEntries(Object.entries(c.arguments).map(([k, v]) => [k, [v]]));
      expected.push({ name: c.name, params, exact: true });
    }
  } else return 'expected ground_truth (BFCL possible answers) or calls (exact calls) as a list';
  const rawTools = r.tools ?? r.function ?? r.functions;
  if (rawTools === undefined) return { expected };
  const tools = readTools(rawTools);
  if (typeof tools === 'string') return tools;
  return { expected, tools };
}

/**
 * Checking one tool call against one expected call, as BFCL's AST checker does (restated, not ported):
 * - the function name (a `.` in the expected name may appear as `_`, as BFCL allows for models that
 *   cannot emit dots);
 * - every argument the model gave is a known parameter (of the expected call, and of the tool's schema
 *   when one is given) — no unknown arguments;
 * - every expected argument whose acceptable values do not include `""` is present (`""` marks optional);
 * - types per the tool's JSON Schema (ajv; BFCL's `dict`, `float`, `tuple`, `any` are read as JSON Schema's
 *   object, number, array and anything; JSON has one number type, so an integer passes as a float);
 * - each value is among the acceptable ones: strings after BFCL's normalization (drop spaces and
 *   `,./-_*^`, lowercase, `'` → `"`), numbers within a relative tolerance, lists element by element in
 *   order, nested objects key by key (each key with its own acceptable values).
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import type { ToolCall } from './parse.js';

/** An expected call: per parameter, the acceptable values (BFCL's possible answer). */
export interface ExpectedCall {
  name: string;
  /** Parameter → acceptable values; `""` among them marks the parameter optional. */
  params: Record<string, unknown[]>;
  /** Values given as whole exact values (`calls` references): objects compare as values, not as BFCL dicts. */
  exact?: boolean;
}

export interface ValueOptions {
  /** Relative tolerance for numbers (absolute below 1). */
  relTol: number;
}

/** BFCL's `standardize_string`: spaces and `,./-_*^` removed, lower case, single quotes as double. */
export function standardizeString(s: string): string {
  let out = '';
  for (const ch of s) if (!' ,./-_*^'.includes(ch)) out += ch;
  return out.toLowerCase().replaceAll("'", '"');
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function numbersClose(a: number, b: number, relTol: number): boolean {
  return a === b || Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Is `value` equal to one acceptable `candidate`? `nested` reads objects as BFCL dicts of acceptable values. */
export function valueEquals(value: unknown, candidate: unknown, o: ValueOptions, nested: boolean): boolean {
  if (typeof value === 'string' && typeof candidate === 'string')
    return standardizeString(value) === standardizeString(candidate);
  if (typeof value === 'number' && typeof candidate === 'number')
    return numbersClose(value, candidate, o.relTol);
  if (Array.isArray(value) && Array.isArray(candidate))
    return (
      value.length === candidate.length && value.every((v, i) => valueEquals(v, candidate[i], o, nested))
    );
  if (isObject(value) && isObject(candidate)) {
    if (nested) return dictMatches(value, candidate as Record<string, unknown[]>, o);
    const keys = Object.keys(candidate);
    return (
      keys.length === Object.keys(value).length &&
      keys.every((k) => Object.hasOwn(value, k) && valueEquals(value[k], candidate[k], o, false))
    );
  }
  return value === candidate;
}

/** A BFCL dict possible answer: each key's acceptable values; absent keys must accept `""`. */
function dictMatches(
  value: Record<string, unknown>,
  candidate: Record<string, unknown>,
  o: ValueOptions,
): boolean {
  for (const [k, v] of Object.entries(value)) {
    if (!Object.hasOwn(candidate, k)) return false;
    const acceptable = candidate[k];
    if (!(Array.isArray(acceptable) ? acceptable : [acceptable]).some((c) => valueEquals(v, c, o, true)))
      return false;
  }
  for (const [k, acceptable] of Object.entries(candidate)) {
    if (!Object.hasOwn(value, k) && !(Array.isArray(acceptable) && acceptable.includes(''))) return false;
  }
  return true;
}

/** Is `value` among the acceptable values of a parameter? */
export function acceptable(value: unknown, values: unknown[], o: ValueOptions, exact: boolean): boolean {
  // In BFCL's possible answers "" only marks a parameter optional; in exact calls it is a value.
  return values.some((c) => (exact || c !== '') && valueEquals(value, c, o, !exact));
}

/** A parameter that may be left out: `""` among its possible answers (never in exact calls). */
export const isOptional = (expected: ExpectedCall, values: unknown[]) =>
  !expected.exact && values.includes('');

export const namesMatch = (got: string, want: string) => got === want || got === want.replaceAll('.', '_');

/** A tool the model was offered: its name and the JSON Schema of its parameters. */
export interface ToolSchema {
  name: string;
  parameters: Record<string, unknown>;
}

/** BFCL's type names in JSON Schema terms; `any` sets no type. */
const BFCL_TYPES: Record<string, string | null> = {
  dict: 'object',
  float: 'number',
  tuple: 'array',
  list: 'array',
  int: 'integer',
  bool: 'boolean',
  any: null,
};

/** BFCL's type names read as JSON Schema (recursively); JSON Schema passes through. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'type' && typeof v === 'string') {
      const t = Object.hasOwn(BFCL_TYPES, v) ? BFCL_TYPES[v] : v;
      if (t !== null) out.type = t;
    } else if (k === 'properties' && isObject(v)) {
      out.properties = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]));
    } else if (k === 'items' || k === 'additionalProperties') out[k] = toJsonSchema(v);
    else if (k !== 'description' && k !== 'optional') out[k] = v;
  }
  return out;
}

const requireLazy = createRequire(import.meta.url);
let ajvInstance: AjvClass | undefined;
const validators = new Map<string, ValidateFunction>();

/** A cached ajv validator for a tool's parameters (bounded: references may carry their own tools). */
export function validatorFor(parameters: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(parameters);
  let v = validators.get(key);
  if (!v) {
    if (!ajvInstance) {
      const { Ajv } = requireLazy('ajv') as typeof import('ajv');
      ajvInstance = new Ajv({ allErrors: false, strict: false });
    }
    v = ajvInstance.compile(toJsonSchema(parameters) as object);
    if (validators.size > 1000) validators.clear();
    validators.set(key, v);
  }
  return v;
}

/**
 * Why `call` does not satisfy `expected` (undefined when it does). `tool` is the schema the model was
 * offered for this name, when the reference gave tools.
 */
export function checkCall(
  call: ToolCall,
  expected: ExpectedCall,
  o: ValueOptions,
  tool?: ToolSchema,
): string | undefined {
  if (!namesMatch(call.name, expected.name)) return `called ${call.name}, expected ${expected.name}`;
  const props = tool && isObject(tool.parameters.properties) ? tool.parameters.properties : undefined;
  for (const arg of Object.keys(call.arguments)) {
    if (!Object.hasOwn(expected.params, arg) || (props && !Object.hasOwn(props, arg)))
      return `${call.name}: unknown argument "${arg}"`;
  }
  if (tool) {
    const validate = validatorFor(tool.parameters);
    if (!validate(call.arguments)) {
      const e = validate.errors?.[0];
      return `${call.name}: arguments${e?.instancePath ?? ''} ${e?.message ?? 'do not match the tool schema'}`;
    }
  }
  for (const [param, values] of Object.entries(expected.params)) {
    if (!Object.hasOwn(call.arguments, param)) {
      if (!isOptional(expected, values)) return `${call.name}: missing argument "${param}"`;
      continue;
    }
    if (!acceptable(call.arguments[param], values, o, expected.exact === true))
      return `${call.name}: ${param} = ${JSON.stringify(call.arguments[param])} is not an acceptable value`;
  }
  return undefined;
}

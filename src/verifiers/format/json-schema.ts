import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import { stripThinking } from '../text/extract.js';

const args = z
  .object({
    /** JSON Schema; when absent, the sample's `reference` (an object) is the schema. */
    schema: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

// ajv is loaded when a json_schema reward is first compiled: startup of every process and worker stays lean.
const requireLazy = createRequire(import.meta.url);
let ajvInstance: AjvClass | undefined;
function ajv(): AjvClass {
  if (!ajvInstance) {
    const { Ajv } = requireLazy('ajv') as typeof import('ajv');
    ajvInstance = new Ajv({ allErrors: true, strict: false });
  }
  return ajvInstance;
}
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    v = ajv().compile(schema);
    if (compiled.size > 1000) compiled.clear(); // per-sample schemas must not grow memory without bound
    compiled.set(key, v);
  }
  return v;
}

/** The JSON document in a response: the last fenced block (```json … ```) if any, else the whole text. */
export function extractJson(text: string): string {
  const body = stripThinking(text);
  const close = body.lastIndexOf('```');
  if (close > 0) {
    const open = body.lastIndexOf('```', close - 1);
    if (open >= 0) return body.slice(body.indexOf('\n', open) + 1 || open + 3, close).trim();
  }
  return body.trim();
}

export const jsonSchema: CpuReward<z.infer<typeof args>> = {
  name: 'json_schema',
  mode: 'cpu',
  deterministic: true,
  description:
    '1 if the response (or its last fenced block) is JSON valid under a JSON Schema (args.schema or the reference)',
  args,
  create(a) {
    let fixed: ValidateFunction | undefined;
    if (a.schema) fixed = ajv().compile(a.schema); // a bad schema fails at spec load, in the main thread
    return (sample) => {
      let validate = fixed;
      if (!validate) {
        if (typeof sample.reference !== 'object' || sample.reference === null)
          return failed('no schema: give args.schema or a reference object');
        try {
          validate = validatorFor(sample.reference);
        } catch (err) {
          return failed(`invalid JSON Schema in reference: ${(err as Error).message}`);
        }
      }
      let doc: unknown;
      try {
        doc = JSON.parse(extractJson(responseText(sample)));
      } catch (err) {
        return ok(0, `not JSON: ${(err as Error).message}`);
      }
      if (validate(doc)) return ok(1, 'valid');
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
      return ok(0, `schema violations: ${errors.join('; ')}`, { errors });
    };
  },
};

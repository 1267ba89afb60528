/**
 * OpenAI grader templates: `{{sample.output_text}}`, `{{sample.output_json.a.b}}`, `{{item.x}}`, resolved
 * from an Assay sample. `sample.output_text` is the response (its answer after `</think>`),
 * `sample.output_json` that text parsed as JSON, and `item` the dataset row: the reference's fields when
 * it is an object (else `item.reference` is the reference), over the fields of `meta`.
 *
 * A name the row does not have is a `TemplateError` (the reward fails with `error`: the data or the grader
 * is wrong); output that is not JSON, or lacks a field the template names, is the model's fault and is
 * reported as `OutputError` (a score of 0 with the reason).
 */
import { responseText } from '../core/sample.js';
import type { Sample } from '../core/types.js';
import { answerAfterThink } from '../verifiers/text/blocks.js';

export class TemplateError extends Error {}
export class OutputError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GraderContext {
  outputText: string;
  /** Parsed on first use. */
  outputJson(): unknown;
  item: Record<string, unknown>;
}

export function graderContext(sample: Sample, stripThink = true): GraderContext {
  const raw = responseText(sample);
  const outputText = stripThink ? answerAfterThink(raw) : raw;
  let parsed: { value: unknown } | undefined;
  const item: Record<string, unknown> = {
    ...(sample.meta ?? {}),
    ...(isObject(sample.reference)
      ? sample.reference
      : sample.reference !== undefined
        ? { reference: sample.reference }
        : {}),
  };
  return {
    outputText,
    outputJson() {
      if (!parsed) {
        const text = outputText
          .trim()
          .replace(/^```(?:json)?\s*/i, '')
          .replace(/\s*```$/, '');
        try {
          parsed = { value: JSON.parse(text) };
        } catch {
          throw new OutputError('sample.output_json: the response is not valid JSON');
        }
      }
      return parsed.value;
    },
    item,
  };
}

const PATH = /^(sample|item)((?:\.[A-Za-z0-9_$-]+|\[\d+\])*)$/;

/** Check a template's names when the spec is loaded; returns the problems. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const name of names(template)) {
    if (!PATH.test(name))
      problems.push(`{{${name}}}: expected sample.output_text, sample.output_json.…, or item.…`);
    else if (name.startsWith('sample') && !/^sample\.(output_text|output_json)(\.|\[|$)/.test(name)) {
      problems.push(`{{${name}}}: only sample.output_text and sample.output_json are available`);
    }
  }
  return problems;
}

function names(template: string): string[] {
  const out: string[] = [];
  let at = template.indexOf('{{');
  while (at >= 0) {
    const end = template.indexOf('}}', at + 2);
    if (end < 0) break;
    out.push(template.slice(at + 2, end).trim());
    at = template.indexOf('{{', end + 2);
  }
  return out;
}

function walk(root: unknown, path: string, where: string, missing: (msg: string) => Error): unknown {
  let at = root;
  for (const key of path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)) {
    if (Array.isArray(at) && /^\d+$/.test(key) && Number(key) < at.length) at = at[Number(key)];
    else if (isObject(at) && Object.hasOwn(at, key)) at = at[key];
    else throw missing(`${where}: no field "${key}"`);
  }
  return at;
}

/** The value a template name refers to. */
export function lookup(name: string, ctx: GraderContext): unknown {
  const m = PATH.exec(name);
  if (!m) throw new TemplateError(`{{${name}}}: not a sample or item field`);
  if (m[1] === 'item') return walk(ctx.item, m[2]!, `{{${name}}}`, (msg) => new TemplateError(msg));
  if (name === 'sample.output_text') return ctx.outputText;
  const rest = m[2]!.replace(/^\.output_json/, '');
  return walk(ctx.outputJson(), rest, `{{${name}}}`, (msg) => new OutputError(msg));
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Fill every `{{…}}` in a template. */
export function render(template: string, ctx: GraderContext): string {
  let out = '';
  let from = 0;
  let at = template.indexOf('{{');
  while (at >= 0) {
    const end = template.indexOf('}}', at + 2);
    if (end < 0) break;
    out += template.slice(from, at) + asText(lookup(template.slice(at + 2, end).trim(), ctx));
    from = end + 2;
    at = template.indexOf('{{', from);
  }
  return out + template.slice(from);
}

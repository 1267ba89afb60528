/**
 * The instructions a sample carries, in the shapes datasets ship (accepted unchanged):
 * - IFEval / IFBench rows: `{instruction_id_list: [...], kwargs: [{...}, ...]}` (kwargs with nulls);
 * - IFEvalG / RLVR ground truth: a JSON string (or value) holding `[{instruction_id: [...], kwargs: [...]}]`
 *   or one such object;
 * - Tülu 3 RLVR-IFeval ground truth: `{"func_name": "...", ...flat arguments}`;
 * - any of these as `reference`, as `reference.ground_truth`, or in `meta` (`meta.ground_truth`, or the
 *   IFEval fields directly in `meta`).
 */
import { KwargError } from './kwargs.js';

export interface InstructionRef {
  /** The instruction id (`punctuation:no_comma`) or, for Tülu rows, the func_name. */
  id: string;
  kwargs: unknown;
  family: 'ifeval' | 'tulu';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function fromIdList(ids: unknown, kwargs: unknown, where: string): InstructionRef[] {
  const list = typeof ids === 'string' ? [ids] : ids;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw new KwargError(`${where}: expected a list of instruction ids`);
  }
  const kws = kwargs === undefined || kwargs === null ? [] : Array.isArray(kwargs) ? kwargs : [kwargs];
  if (kws.length > 0 && kws.length !== list.length) {
    throw new KwargError(`${where}: ${list.length} instruction ids but ${kws.length} kwargs`);
  }
  return list.map((id, i) => ({ id, kwargs: kws[i] ?? {}, family: 'ifeval' as const }));
}

/** Read the instructions out of one value; undefined when the value holds none of the shapes. */
function read(value: unknown, where: string): InstructionRef[] | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new KwargError(`${where}: not valid JSON (${(err as Error).message})`);
    }
    return read(parsed, where);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new KwargError(`${where}: an empty list of instructions`);
    const parts = value.map((v, i) => read(v, `${where}[${i}]`));
    if (parts.some((p) => p === undefined)) return undefined;
    return parts.flatMap((p) => p!);
  }
  if (!isObject(value)) return undefined;
  if ('instruction_id_list' in value) return fromIdList(value.instruction_id_list, value.kwargs, where);
  if ('instruction_id' in value) return fromIdList(value.instruction_id, value.kwargs, where);
  if (typeof value.func_name === 'string') {
    const { func_name, ...kwargs } = value;
    return [{ id: func_name, kwargs, family: 'tulu' }];
  }
  if ('ground_truth' in value) return read(value.ground_truth, `${where}.ground_truth`);
  return undefined;
}

/** The sample's instructions, from `reference` first, then `meta`; throws KwargError naming the place. */
export function instructionsOf(
  reference: unknown,
  meta: Record<string, unknown> | undefined,
): InstructionRef[] {
  const found = read(reference, 'reference') ?? read(meta, 'meta');
  if (!found) {
    throw new KwargError(
      'no instructions: expected reference (or meta) with instruction_id_list and kwargs, a ground_truth ' +
        'JSON string of [{instruction_id, kwargs}], or a {func_name, ...} object',
    );
  }
  return found;
}

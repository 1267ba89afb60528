import { z } from 'zod';
import { failed, ok } from '../../core/result.js';
import type { CpuReward } from '../../core/reward.js';
import { responseText } from '../../core/sample.js';
import type { RewardResult } from '../../core/types.js';
import { answerAfterThink } from '../text/blocks.js';
import { instructionsOf } from './data.js';
import { IFEVALG_INSTRUCTIONS } from './extras.js';
import { TULU_FUNCTIONS } from './funcs.js';
import { IFBENCH_INSTRUCTIONS } from './ifbench.js';
import { type Check, IFEVAL_INSTRUCTIONS, type InstructionType } from './instructions.js';
import { KwargError, present } from './kwargs.js';
import { pyStrip } from './pytext.js';

const args = z
  .object({
    /** strict: the response as is; loose: also without its first/last line and without `*` (IFEval's loose). */
    mode: z.enum(['strict', 'loose']).default('strict'),
    /** fraction: the share of instructions followed; all: 1 only when every instruction is followed. */
    aggregate: z.enum(['fraction', 'all']).default('fraction'),
    /** Judge only the answer after the last `</think>` (an unclosed `<think>` leaves no answer). */
    strip_think: z.boolean().default(true),
  })
  .strict();
type Args = z.infer<typeof args>;

/** Every instruction id Assay knows: IFEval's 25, IFEvalG's and IFBench's extras; Tülu func_names apart. */
export const INSTRUCTIONS: Record<string, InstructionType> = {
  ...IFEVAL_INSTRUCTIONS,
  ...IFEVALG_INSTRUCTIONS,
  ...IFBENCH_INSTRUCTIONS,
};

/**
 * The variants IFEval's loose evaluation tries, in its order: the response; without `*`; without its
 * first line, last line, both; and those three without `*`. Any variant passing counts.
 */
export function looseVariants(response: string): string[] {
  const lines = response.split('\n');
  const removeFirst = pyStrip(lines.slice(1).join('\n'));
  const removeLast = pyStrip(lines.slice(0, -1).join('\n'));
  const removeBoth = pyStrip(lines.slice(1, -1).join('\n'));
  const plain = (s: string) => s.replaceAll('*', '');
  return [
    response,
    plain(response),
    removeFirst,
    removeLast,
    removeBoth,
    plain(removeFirst),
    plain(removeLast),
    plain(removeBoth),
  ];
}

/** Whether one instruction is followed: IFEval counts an empty (blank) response as following nothing. */
export function follows(check: Check, variants: string[]): boolean {
  return variants.some((v) => pyStrip(v) !== '' && check(v));
}

function lookup(id: string, family: 'ifeval' | 'tulu'): InstructionType {
  const found = family === 'tulu' ? TULU_FUNCTIONS[id] : INSTRUCTIONS[id];
  if (!found) {
    throw new KwargError(
      family === 'tulu'
        ? `unknown func_name "${id}" (known: ${Object.keys(TULU_FUNCTIONS).join(', ')})`
        : `unknown instruction id "${id}" (run \`assay rewards\` or see README "ifeval" for the list)`,
    );
  }
  return found;
}

const component = (
  name: string,
  outcome: { score: number; reason: string } | { error: string },
): RewardResult =>
  'error' in outcome
    ? { name, status: 'error', score: null, reason: outcome.error }
    : { name, status: 'ok', score: outcome.score, reason: outcome.reason };

export const ifeval: CpuReward<Args> = {
  name: 'ifeval',
  mode: 'cpu',
  deterministic: true,
  description:
    'IFEval instruction following (25 IFEval types, IFEvalG and IFBench extras, Tülu func_name rows): reference holds instruction_id_list + kwargs or a ground_truth; one component per instruction',
  args,
  create(a) {
    return (sample) => {
      let refs: ReturnType<typeof instructionsOf>;
      try {
        refs = instructionsOf(sample.reference, sample.meta);
      } catch (err) {
        return failed(`invalid reference: ${(err as Error).message}`);
      }
      const raw = responseText(sample);
      const response = a.strip_think ? answerAfterThink(raw) : raw;
      const variants = a.mode === 'loose' ? looseVariants(response) : [response];
      const components: RewardResult[] = [];
      const errors: string[] = [];
      let followed = 0;
      refs.forEach((ref, i) => {
        try {
          const check = lookup(ref.id, ref.family).build(present(ref.kwargs));
          const pass = follows(check, variants);
          if (pass) followed++;
          components.push(
            component(ref.id, { score: pass ? 1 : 0, reason: pass ? 'followed' : 'not followed' }),
          );
        } catch (err) {
          if (!(err instanceof KwargError)) throw err;
          errors.push(`instruction ${i} (${ref.id}): ${err.message}`);
          components.push(component(ref.id, { error: err.message }));
        }
      });
      const detail = { mode: a.mode, followed, instructions: refs.length };
      if (errors.length > 0)
        return { ...failed(`invalid reference: ${errors.join('; ')}`, detail), components };
      const score = a.aggregate === 'all' ? (followed === refs.length ? 1 : 0) : followed / refs.length;
      return {
        ...ok(score, `${followed}/${refs.length} instructions followed (${a.mode})`, detail),
        components,
      };
    };
  },
};

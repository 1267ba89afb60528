import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/core/types.js';
import { callCpuReward } from '../../helpers.js';
import { CASES, type Case, PROMPTS } from './cases.js';

/** The verdict of one instruction on one response, strict or loose. */
function verdict(c: Case, mode: 'strict' | 'loose'): boolean | string {
  const out: Outcome = callCpuReward(
    'ifeval',
    { mode },
    { response: c.response, reference: { instruction_id_list: [c.id], kwargs: [c.kwargs] } },
  );
  if (out.status !== undefined && out.status !== 'ok') return `${out.status}: ${out.reason}`;
  return out.score === 1;
}

const expected = (c: Case, mode: 'strict' | 'loose') =>
  mode === 'strict' ? c.strict : c.strict || (c.loose ?? false);

describe('IFEval conformance: verdicts reasoned from the reference on our own responses', () => {
  for (const mode of ['strict', 'loose'] as const) {
    it(`${mode}: agrees per instruction type`, () => {
      const perType = new Map<string, { n: number; agree: number }>();
      const disagreements: string[] = [];
      for (const c of CASES) {
        const got = verdict(c, mode);
        const t = perType.get(c.id) ?? { n: 0, agree: 0 };
        t.n++;
        if (got === expected(c, mode)) t.agree++;
        else disagreements.push(`${c.id} ${JSON.stringify(c.response).slice(0, 60)}: got ${got}`);
        perType.set(c.id, t);
      }
      const total = [...perType.values()].reduce((s, t) => s + t.agree, 0);
      console.log(
        `${mode}: ${total}/${CASES.length} agree\n` +
          [...perType].map(([id, t]) => `  ${id}: ${t.agree}/${t.n}`).join('\n'),
      );
      expect(disagreements).toEqual([]);
      expect(perType.size).toBe(25);
    });
  }
});

describe('IFEval conformance at prompt level: several instructions per response', () => {
  for (const mode of ['strict', 'loose'] as const) {
    it(`${mode}: every instruction's verdict, and so every prompt's, agrees`, () => {
      let prompts = 0;
      let instructions = 0;
      let total = 0;
      const disagreements: string[] = [];
      for (const p of PROMPTS) {
        const out = callCpuReward(
          'ifeval',
          { mode },
          {
            response: p.response,
            reference: {
              instruction_id_list: p.instructions.map((x) => x.id),
              kwargs: p.instructions.map((x) => x.kwargs),
            },
          },
        );
        let all = true;
        p.instructions.forEach((x, k) => {
          total++;
          const got = out.components?.[k]?.score === 1;
          const want = mode === 'strict' ? x.strict : x.strict || (x.loose ?? false);
          if (got === want) instructions++;
          else {
            all = false;
            disagreements.push(`${x.id} on ${JSON.stringify(p.response).slice(0, 50)}: got ${got}`);
          }
        });
        if (all) prompts++;
      }
      console.log(
        `${mode} multi-instruction: prompts ${prompts}/${PROMPTS.length}, instructions ${instructions}/${total}`,
      );
      expect(disagreements).toEqual([]);
    });
  }
});

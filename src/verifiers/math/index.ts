/**
 * The `math` reward and the pure functions behind it (also used for majority voting by credit/select):
 * `extractMathAnswer` finds the final answer in a response, `mathEquivalent` compares two answers.
 */
import { registerReward } from '../../core/registry.js';
import { math } from './reward.js';

export type { EquivalenceOptions, Verdict } from './equivalence.js';
export { type Extracted, extractDetailed, extractMathAnswer, SOURCES, type Source } from './extract.js';
export { math } from './reward.js';
export { compareParsed, mathEquivalent, type ParsedAnswer, parseMath } from './verify.js';

registerReward(math);

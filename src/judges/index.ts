/** Model-based rewards: LLM judges, reference verifiers, pairwise generative RMs, rubrics, votes, scalar RMs. */
import { registerReward } from '../core/registry.js';
import { judgePairwise } from './pairwise.js';
import { judge, judgeReferenceReward } from './pointwise.js';
import { prm } from './prm.js';
import { rewardModel } from './reward-model.js';
import { rubric } from './rubric.js';
import { judgeVote } from './vote.js';

registerReward(judge);
registerReward(judgeReferenceReward);
registerReward(judgePairwise);
registerReward(rubric);
registerReward(judgeVote);
registerReward(rewardModel);
registerReward(prm);

export { checkSubstance } from './guard.js';

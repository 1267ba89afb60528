/** Instruction-following rewards: IFEval, IFEvalG and Tülu RLVR-IFeval constraints. */
import { registerReward } from '../../core/registry.js';
import { ifeval } from './reward.js';

registerReward(ifeval);

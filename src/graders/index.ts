/** OpenAI grader objects as spec nodes (`{ grader: {...} }`) and the rewards each grader type runs as. */
import { registerReward } from '../core/registry.js';
import { cosineReward, labelModelReward, scoreModelReward } from './model.js';
import './node.js';
import { pythonReward } from './python.js';
import { stringCheckReward, textSimilarityReward } from './text.js';

registerReward(stringCheckReward);
registerReward(textSimilarityReward);
registerReward(scoreModelReward);
registerReward(labelModelReward);
registerReward(cosineReward);
registerReward(pythonReward);

export { GRADER_TYPES } from './schema.js';

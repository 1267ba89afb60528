import { registerReward } from '../../core/registry.js';
import { choice } from './choice.js';
import { exactMatch } from './exact-match.js';

registerReward(exactMatch);
registerReward(choice);

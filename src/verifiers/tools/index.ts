import { registerReward } from '../../core/registry.js';
import { toolCall } from './reward.js';

registerReward(toolCall);

import { registerReward } from '../../core/registry.js';
import { milestones } from './milestones.js';

registerReward(milestones);

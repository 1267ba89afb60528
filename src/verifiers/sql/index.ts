import { registerReward } from '../../core/registry.js';
import { sqlReward, sqlSyntax } from './reward.js';

registerReward(sqlReward);
registerReward(sqlSyntax);

import { registerReward } from '../../core/registry.js';
import { length } from './length.js';

registerReward(length);

import { registerReward } from '../../core/registry.js';
import { jsonSchema } from './json-schema.js';
import { formatRegex } from './regex.js';
import { formatTags } from './tags.js';

registerReward(formatTags);
registerReward(formatRegex);
registerReward(jsonSchema);

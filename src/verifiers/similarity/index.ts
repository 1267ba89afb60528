/** Reference-similarity rewards: BLEU, chrF, ROUGE, SQuAD F1, edit similarity, embedding cosine. */
import { registerReward } from '../../core/registry.js';
import { embedding } from './embedding.js';
import { bleu, chrf, edit, f1, rouge } from './rewards.js';

for (const reward of [bleu, chrf, rouge, f1, edit]) registerReward(reward);
registerReward(embedding);

/** Registers the reward-shaping node kinds: steps, turns, par, ternary, ensemble, schedule, blend, cosine_length, concise. */
import './steps.js';
import './par.js';
import './ternary.js';
import './ensemble.js';
import './schedule.js';
import './length.js';
import './turns.js';

import { registerReward } from '../../core/registry.js';
import { code, codeWeighted } from './reward.js';

registerReward(code);
registerReward(codeWeighted);

export { extractProgram } from './extract.js';
export { parseReference, type Suite } from './reference.js';
export { runSuite, type TestOutcome } from './run-suite.js';

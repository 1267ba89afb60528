/**
 * The engine with only what the judges tests need registered (the judges and the text verifiers used by
 * rubric checks), so these tests do not depend on other capabilities' work in progress.
 */
import '../../src/judges/index.js';
import '../../src/verifiers/text/index.js';

export { Runtime, Scorer } from '../../src/core/scorer.js';
export { parseSpec } from '../../src/core/spec/load.js';

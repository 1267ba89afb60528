/** Test-time selection and evaluation figures: best-of-N, voting, self-certainty, pass@k, maj@k. */
export { bordaWeights, certaintyVote, selfCertainty } from './certainty.js';
export {
  type EvalSample,
  evaluateGroup,
  type GroupEval,
  majAtK,
  type SourceSummary,
  summarize,
} from './evaluate.js';
export { passAtK } from './passk.js';
export {
  bestOfN,
  type Cluster,
  clusterAnswers,
  type Equivalence,
  majorityVote,
  normalizedAnswer,
  normalizedEquality,
  type Vote,
  weightedVote,
} from './vote.js';

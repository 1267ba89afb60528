/** Credit assignment: outcome advantages, step-level credit, group diagnostics, pass-rate history. */
export {
  type AdvantageOptions,
  type AdvantageResult,
  computeAdvantages,
  diagnose,
  type GroupAdvantages,
  type GroupDiagnostics,
  type GroupScores,
  groupRecords,
  isOutcomeMethod,
  OUTCOME_METHODS,
  type OutcomeMethod,
} from './advantages.js';
export { type HistoryOptions, PassRateHistory, type PromptHistory, type Verdict } from './history.js';
export {
  computeStepCredit,
  type ReturnForm,
  type StepCreditOptions,
  type StepGroup,
  type StepGroupCredit,
  type StepTransform,
  stepReturns,
  transformSteps,
} from './steps.js';

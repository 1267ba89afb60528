/** Evaluating rewards on benchmark files: formats, metrics, reports (see evaluate.ts). */
export type { EvalCase } from './cases.js';
export {
  DEFAULT_EVAL_OPTIONS,
  disagreements,
  type EvalOptions,
  type EvalReport,
  type EvalRun,
  outputRow,
  reportOf,
  type ScoreFn,
  scoreCases,
} from './evaluate.js';
export { detectFormat, FORMATS, type Format, loadCases } from './formats.js';
export { EVAL_MASTER_KEYS } from './master-keys.js';
export { renderTable } from './report.js';

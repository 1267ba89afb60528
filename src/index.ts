/** Library entry point: load a spec, score samples, register your own rewards. */
import './builtins.js';

/** zod, the schema library rewards declare their `args` with: the same instance Assay validates with. */
export { z } from 'zod';
export { parseNode, SpecError } from './core/engine/compile.js';
export type { CompiledNode, Item, RunContext } from './core/engine/node.js';
export { parseOnError, scoreUnderPolicy } from './core/on-error.js';
export { getReward, listRewards, registerReward } from './core/registry.js';
export { failed, ok, timedOut } from './core/result.js';
export type { AsyncReward, CpuReward, GroupReward, RewardDefinition, RewardEnv } from './core/reward.js';
export { parseSample, promptText, responseText } from './core/sample.js';
export { Runtime, type RuntimeOptions, type ScoreOptions, Scorer } from './core/scorer.js';
export { registerNodeKind } from './core/spec/kinds.js';
export { type LoadedSpec, loadSpecFile, parseSpec } from './core/spec/load.js';
export type * from './core/types.js';
export * as credit from './credit/index.js';
export { getSandbox } from './sandbox/index.js';
export type { RunRequest, RunResult } from './sandbox/types.js';
export * as select from './select/index.js';
export { extractMathAnswer, mathEquivalent } from './verifiers/math/index.js';

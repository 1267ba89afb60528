import type { RewardEnv } from '../core/reward.js';
import { BwrapSandbox, type SandboxOptions } from './sandbox.js';
import type { Sandbox } from './types.js';

export { checkBwrap, INSTALL_HINT } from './bwrap.js';
export { describeEnforcement, type Enforcement, sandboxEnforcement } from './enforcement.js';
export { findProfile, type LanguageProfile, languageNames, PROFILES } from './profiles.js';
export { BwrapSandbox, type SandboxOptions } from './sandbox.js';
export * from './types.js';
export { registerWarmProgram } from './warm.js';

/**
 * The process-wide sandbox of a runtime: every spec compiled against the same RewardEnv shares one
 * pool (one warm fork server, one compile cache, one concurrency cap). Runtime.close() closes it.
 * Options apply only when this call creates it.
 */
export function getSandbox(env: RewardEnv, opts?: SandboxOptions): Sandbox {
  return env.service('sandbox', () => new BwrapSandbox(opts));
}

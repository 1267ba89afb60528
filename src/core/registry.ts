import type { RewardDefinition } from './reward.js';

/**
 * Rewards by name. A new reward is one file plus one `registerReward` call in its capability's index;
 * the spec loader, the CLI, the server and the worker pool all find it here.
 */
const rewards = new Map<string, RewardDefinition>();

export function registerReward(def: RewardDefinition): void {
  const existing = rewards.get(def.name);
  if (existing && existing !== def) throw new Error(`a reward named "${def.name}" is already registered`);
  rewards.set(def.name, def);
}

export function getReward(name: string): RewardDefinition | undefined {
  return rewards.get(name);
}

export function rewardNames(): string[] {
  return [...rewards.keys()].sort();
}

export function listRewards(): RewardDefinition[] {
  return rewardNames().map((n) => rewards.get(n)!);
}

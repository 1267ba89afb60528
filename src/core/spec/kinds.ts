import type { z } from 'zod';
import type { CompiledNode } from '../engine/node.js';
import type { RewardEnv } from '../reward.js';

/** Fields every node may carry. */
export interface CommonFields {
  name?: string;
  weight?: number;
  onError?: null | 'zero' | number;
}

/** A validated node: its kind, its validated body, and the raw object it came from. */
export interface SpecNode {
  kind: string;
  body: Record<string, unknown> & CommonFields;
  raw: unknown;
}

export interface Builder {
  /** Compile a child node (already validated). */
  child(node: SpecNode): CompiledNode;
  env: RewardEnv;
}

/**
 * A kind of spec node, found by its key: `{ weighted: [...] }` is the kind with key "weighted".
 * Capabilities add kinds (shaping nodes such as `steps`, `par`, `ensemble`) with `registerNodeKind`.
 */
export interface NodeKind {
  key: string;
  description: string;
  /** Validates the whole node object (its key and its options); children use `nodeSchema`. */
  schema: z.ZodType<Record<string, unknown>>;
  build(node: SpecNode, b: Builder): CompiledNode;
}

const kinds = new Map<string, NodeKind>();

export function registerNodeKind(kind: NodeKind): void {
  if (kinds.has(kind.key) && kinds.get(kind.key) !== kind) throw new Error(`node kind "${kind.key}" exists`);
  kinds.set(kind.key, kind);
}

export function getNodeKind(key: string): NodeKind | undefined {
  return kinds.get(key);
}

export function nodeKindKeys(): string[] {
  return [...kinds.keys()];
}

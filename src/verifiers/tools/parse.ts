/**
 * Tool calls as models emit them, read into `{name, arguments}`:
 * - OpenAI: `tool_calls` on the last assistant message (`function.arguments` is a JSON string);
 * - Hermes / Qwen: `<tool_call>{"name": …, "arguments": {…}}</tool_call>` blocks in the text;
 * - plain JSON: a call object, a list of them, or BFCL's `[{NAME: {ARG: value}}]`, as the whole text or
 *   the last fenced block.
 * Pure; string scanning with indexOf and JSON.parse only (both linear).
 */
import type { Message, Sample } from '../../core/types.js';
import { fencedBlocks } from '../sql/extract.js';
import { stripThinking } from '../text/extract.js';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export type ParsedCalls = { ok: true; calls: ToolCall[]; format: string } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Arguments may arrive as an object or as a JSON string of one (OpenAI). */
function readArguments(raw: unknown, where: string): Record<string, unknown> | string {
  if (raw === undefined || raw === null) return {};
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return `${where}: arguments are not JSON: ${(err as Error).message}`;
    }
  }
  return isObject(value) ? value : `${where}: arguments must be an object`;
}

/** One call object: `{name, arguments|parameters}`, OpenAI's `{function: {name, arguments}}`, or BFCL's `{NAME: {…}}`. */
export function readCall(raw: unknown, where: string): ToolCall | string {
  if (!isObject(raw)) return `${where}: expected a call object`;
  const fn = isObject(raw.function) ? raw.function : raw;
  if (typeof fn.name === 'string') {
    const args = readArguments(fn.arguments ?? fn.parameters, where);
    return typeof args === 'string' ? args : { name: fn.name, arguments: args };
  }
  const keys = Object.keys(raw);
  if (keys.length === 1 && isObject(raw[keys[0]!]))
    return { name: keys[0]!, arguments: raw[keys[0]!] as Record<string, unknown> };
  return `${where}: a call needs a "name"`;
}

function readCalls(list: unknown[], where: string, format: string): ParsedCalls {
  const calls: ToolCall[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = readCall(list[i], `${where}[${i}]`);
    if (typeof c === 'string') return { ok: false, error: c };
    calls.push(c);
  }
  return { ok: true, calls, format };
}

/** The contents of every complete `<tool_call>…</tool_call>` block, in order. */
function toolCallBlocks(text: string): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('<tool_call>', at);
    if (open < 0) break;
    const close = text.indexOf('</tool_call>', open);
    if (close < 0) {
      // An unclosed last block (generation stopped at the stop token) is still read.
      out.push(text.slice(open + 11));
      break;
    }
    out.push(text.slice(open + 11, close));
    at = close + 12;
  }
  return out.length > 0 ? out : undefined;
}

/** Tool calls in text: Hermes blocks, else JSON (whole text or last fenced block); none when it is prose. */
export function parseTextCalls(response: string): ParsedCalls {
  const text = stripThinking(response);
  const blocks = toolCallBlocks(text);
  if (blocks) {
    const calls: ToolCall[] = [];
    for (let i = 0; i < blocks.length; i++) {
      let value: unknown;
      try {
        value = JSON.parse(blocks[i]!);
      } catch (err) {
        return { ok: false, error: `<tool_call> ${i}: not JSON: ${(err as Error).message}` };
      }
      const parsed = Array.isArray(value)
        ? readCalls(value, `<tool_call> ${i}`, 'hermes')
        : readCalls([value], `<tool_call> ${i}`, 'hermes');
      if (!parsed.ok) return parsed;
      calls.push(...parsed.calls);
    }
    return { ok: true, calls, format: 'hermes' };
  }
  const fences = fencedBlocks(text);
  const candidate = (fences.at(-1)?.body ?? text).trim();
  if (candidate.startsWith('[') || candidate.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch (err) {
      return { ok: false, error: `not JSON: ${(err as Error).message}` };
    }
    if (isObject(value) && Array.isArray(value.tool_calls))
      return readCalls(value.tool_calls, 'tool_calls', 'json');
    return readCalls(Array.isArray(value) ? value : [value], 'calls', 'json');
  }
  return { ok: true, calls: [], format: 'text' };
}

/** The calls of one assistant message: its `tool_calls`, else those written in its text. */
export function parseMessageCalls(m: Message): ParsedCalls {
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0)
    return readCalls(m.tool_calls, 'tool_calls', 'openai');
  return parseTextCalls(m.content);
}

/** The calls of a response: those of its last assistant message. */
export function parseResponseCalls(sample: Sample): ParsedCalls {
  if (typeof sample.response === 'string') return parseTextCalls(sample.response);
  const messages: Message[] = sample.response;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'assistant') return parseMessageCalls(messages[i]!);
  }
  return { ok: true, calls: [], format: 'text' };
}

/**
 * OpenRLHF's `query` is the prompt and the response decoded together with the tokenizer's special tokens
 * kept: pad tokens in front of the prompt (older releases decode the left-padded batch), BOS, and an EOS
 * or pad tokens after the response. The reward must see the response only: never prompt text (a prompt
 * that quotes an example answer would otherwise earn reward), never template tokens (format rewards
 * would fail on `<|im_end|>`).
 */

/**
 * Special tokens stripped from both ends of a response by default: BOS, EOS, end-of-turn and pad tokens
 * of the common chat templates (ChatML/Qwen, Llama 2/3, Mistral, Gemma, Phi-3, DeepSeek, GPT-2/NeoX).
 * `<|im_start|>` is not one: it opens a turn, and what follows it is not the response either.
 */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [
  '<|endoftext|>',
  '<|im_end|>',
  '<|end_of_text|>',
  '<|begin_of_text|>',
  '<|eot_id|>',
  '<|end|>',
  '<|pad|>',
  '<|finetune_right_pad_id|>',
  '</s>',
  '<s>',
  '<pad>',
  '<unk>',
  '<eos>',
  '<bos>',
  '<end_of_turn>',
  '<｜end▁of▁sentence｜>',
  '<｜begin▁of▁sentence｜>',
  '[PAD]',
];

/** `text` without the special tokens (and the whitespace between them) at its start and its end. */
export function stripSpecialTokens(text: string, tokens: readonly string[]): string {
  let start = 0;
  let end = text.length;
  // Each pass removes at least one token, and each check is a comparison in place: linear in the text.
  for (let moved = true; moved && start < end; ) {
    moved = false;
    let at = start;
    while (at < end && isSpace(text.charCodeAt(at))) at++;
    for (const t of tokens) {
      if (t !== '' && text.startsWith(t, at) && at + t.length <= end) {
        start = at + t.length;
        moved = true;
        break;
      }
    }
  }
  for (let moved = true; moved && start < end; ) {
    moved = false;
    let at = end;
    while (at > start && isSpace(text.charCodeAt(at - 1))) at--;
    for (const t of tokens) {
      if (t !== '' && at - t.length >= start && text.startsWith(t, at - t.length)) {
        end = at - t.length;
        moved = true;
        break;
      }
    }
  }
  return text.slice(start, end);
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * The response inside a query: what follows the prompt's first occurrence (the prompt is found
 * anywhere, so pad tokens before it do not matter; a prompt whose own special tokens the query lost is
 * found without them), then stripped of special tokens at both ends. Without a prompt, the whole query
 * stripped. A query that does not contain its prompt is an error: scoring it whole would score prompt text.
 */
export function responseOfQuery(
  query: string,
  prompt: string | undefined,
  tokens: readonly string[],
): { response: string } | { error: string } {
  if (prompt === undefined || prompt === '') return { response: stripSpecialTokens(query, tokens) };
  let at = query.indexOf(prompt);
  let length = prompt.length;
  if (at < 0) {
    const bare = stripSpecialTokens(prompt, tokens);
    at = bare === '' ? -1 : query.indexOf(bare);
    length = bare.length;
  }
  if (at < 0)
    return {
      error:
        'query: does not contain its prompt (even without special tokens); the response cannot be told from the prompt',
    };
  return { response: stripSpecialTokens(query.slice(at + length), tokens) };
}

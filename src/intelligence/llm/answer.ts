import { EarshotError } from '../../errors.js';

/**
 * The answer without what reasoning models put around it: `<think>…</think>` blocks (DeepSeek-R1,
 * Qwen3 served through llama.cpp or Ollama) and surrounding whitespace.
 */
export function cleanAnswer(text: string): string {
  return text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
}

/**
 * Parses a JSON answer. Models wrap JSON in ``` fences or add a sentence before it even when told
 * not to, so the outermost {…} or […] is taken. Anything unparseable is `llm_failed`.
 */
export function parseJsonAnswer(text: string): unknown {
  const cleaned = cleanAnswer(text).replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '');
  const starts = [cleaned.indexOf('{'), cleaned.indexOf('[')].filter((i) => i !== -1);
  if (starts.length === 0) throw malformed('no JSON in the answer', text);
  const start = Math.min(...starts);
  const end = Math.max(cleaned.lastIndexOf('}'), cleaned.lastIndexOf(']'));
  try {
    return JSON.parse(cleaned.slice(start, end + 1));
  } catch (err) {
    throw malformed(`the JSON does not parse (${(err as Error).message})`, text);
  }
}

export function malformed(reason: string, answer: string): EarshotError {
  const flat = answer.replace(/\s+/g, ' ').trim();
  return new EarshotError('llm_failed', `LLM endpoint: malformed answer, ${reason}: ${JSON.stringify(flat.slice(0, 100))}`);
}

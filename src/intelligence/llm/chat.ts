import { EarshotError } from '../../errors.js';
import { LLM_DEFAULTS, type LlmConfig } from './config.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  /** The caller's cancellation; it is re-thrown as is, never turned into a fallback. */
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

/**
 * One POST {baseUrl}/chat/completions, returning the first choice's text. Every way the endpoint
 * can fail (network, timeout, non-2xx, a body that is not a chat completion, an empty answer)
 * becomes an `llm_failed` error whose message says which, so callers can fall back and log why.
 */
export async function chatComplete(config: LlmConfig, messages: ChatMessage[], options: ChatOptions = {}): Promise<string> {
  const timeoutMs = config.timeoutMs ?? LLM_DEFAULTS.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const body = JSON.stringify({
    model: config.model,
    messages,
    temperature: options.temperature ?? 0.2,
    ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    stream: false,
  });

  let text: string;
  let status: number;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, signal });
    status = response.status;
    text = await response.text();
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) throw failed(`no answer within ${timeoutMs} ms`, err);
    throw failed(`request failed: ${(err as Error).message}`, err);
  }
  if (status < 200 || status > 299) throw failed(`HTTP ${status}: ${snippet(text)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw failed(`the answer is not JSON: ${snippet(text)}`, err);
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw failed(`the answer has no choices[0].message.content: ${snippet(text)}`);
  }
  return content;
}

function failed(reason: string, cause?: unknown): EarshotError {
  return new EarshotError('llm_failed', `LLM endpoint: ${reason}`, { cause });
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}

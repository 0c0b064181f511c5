import { EarshotError } from '../../errors.js';

/** An OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM, LocalAI, OpenAI itself). */
export interface LlmConfig {
  /** Up to and including the API version, e.g. "http://localhost:11434/v1". */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer …` when set; local servers usually need none. */
  apiKey?: string;
  /** Per request. Local models on CPU are slow, so the default is generous. */
  timeoutMs?: number;
  /** Transcript characters sent in one request; longer transcripts are condensed first. */
  maxInputChars?: number;
}

export const LLM_DEFAULTS = { timeoutMs: 60_000, maxInputChars: 24_000 } as const;

/**
 * Reads EARSHOT_LLM_BASE_URL, EARSHOT_LLM_MODEL, EARSHOT_LLM_API_KEY and EARSHOT_LLM_TIMEOUT_MS.
 * Undefined when neither the URL nor the model is set (the offline methods run). Half a
 * configuration is an error rather than a silent switch to offline summaries.
 */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LlmConfig | undefined {
  const baseUrl = env.EARSHOT_LLM_BASE_URL?.trim() || undefined;
  const model = env.EARSHOT_LLM_MODEL?.trim() || undefined;
  if (!baseUrl && !model) return undefined;
  if (!baseUrl || !model) {
    throw new EarshotError('config_invalid', `EARSHOT_LLM_BASE_URL and EARSHOT_LLM_MODEL must be set together (only ${baseUrl ? 'the URL' : 'the model'} is set)`);
  }
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EarshotError('config_invalid', `EARSHOT_LLM_BASE_URL is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EarshotError('config_invalid', `EARSHOT_LLM_BASE_URL must be http(s), got ${url.protocol}`);
  }
  const config: LlmConfig = { baseUrl, model };
  const apiKey = env.EARSHOT_LLM_API_KEY?.trim();
  if (apiKey) config.apiKey = apiKey;
  const timeout = env.EARSHOT_LLM_TIMEOUT_MS?.trim();
  if (timeout) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms <= 0) throw new EarshotError('config_invalid', `EARSHOT_LLM_TIMEOUT_MS must be a positive whole number of ms, got ${JSON.stringify(timeout)}`);
    config.timeoutMs = ms;
  }
  return config;
}

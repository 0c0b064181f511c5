import type { LlmConfig } from './config.js';

export type LlmFeature = 'summary' | 'chapters' | 'speaker_identification';

/** Why a feature used its offline method although an LLM was configured. */
export interface LlmFallback {
  feature: LlmFeature;
  reason: string;
}

export interface Generated<T> {
  value: T;
  /** Which method produced `value`. */
  source: 'llm' | 'offline';
  /** Set when the LLM was configured but failed. */
  fallback?: LlmFallback;
}

/**
 * Runs the LLM method when an endpoint is configured and the offline one otherwise or when the
 * LLM fails (issue 7: "the offline method as the fallback when the endpoint fails"). A cancelled
 * request is not a failure of the endpoint: the caller's abort propagates.
 */
export async function withFallback<T>(
  feature: LlmFeature,
  llm: LlmConfig | undefined,
  generate: (config: LlmConfig) => Promise<T>,
  offline: () => T,
  signal?: AbortSignal,
): Promise<Generated<T>> {
  if (!llm) return { value: offline(), source: 'offline' };
  try {
    return { value: await generate(llm), source: 'llm' };
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const reason = err instanceof Error ? err.message : String(err);
    return { value: offline(), source: 'offline', fallback: { feature, reason } };
  }
}

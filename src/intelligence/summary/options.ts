import { EarshotError } from '../../errors.js';

/** AssemblyAI's `SummaryType`. */
export const SUMMARY_TYPES = ['bullets', 'bullets_verbose', 'gist', 'headline', 'paragraph'] as const;
export type SummaryType = (typeof SUMMARY_TYPES)[number];

/**
 * AssemblyAI's `SummaryModel`. All three are accepted; the LLM prompt asks for the matching tone
 * (the offline method extracts sentences and has no tone to change).
 */
export const SUMMARY_MODELS = ['informative', 'conversational', 'catchy'] as const;
export type SummaryModel = (typeof SUMMARY_MODELS)[number];

/** AssemblyAI's defaults when `summarization` is set without a type or model. */
export const SUMMARY_DEFAULTS = { summary_type: 'bullets', summary_model: 'informative' } as const;

export function parseSummaryType(value: unknown): SummaryType {
  if (value == null) return SUMMARY_DEFAULTS.summary_type;
  if (typeof value === 'string' && (SUMMARY_TYPES as readonly string[]).includes(value)) return value as SummaryType;
  throw new EarshotError('invalid_request', `summary_type must be one of ${SUMMARY_TYPES.join(', ')}; got ${JSON.stringify(value)}`);
}

export function parseSummaryModel(value: unknown): SummaryModel {
  if (value == null) return SUMMARY_DEFAULTS.summary_model;
  if (typeof value === 'string' && (SUMMARY_MODELS as readonly string[]).includes(value)) return value as SummaryModel;
  throw new EarshotError('invalid_request', `summary_model must be one of ${SUMMARY_MODELS.join(', ')}; got ${JSON.stringify(value)}`);
}

import { EarshotError } from '../../errors.js';
import type { DetectedLanguage } from './detect.js';

/** The request options that can turn a detected language into a failed transcript. */
export interface LanguageRequirements {
  language_confidence_threshold?: number | null;
  language_detection_options?: { expected_languages?: string[] | null } | null;
}

/** Ends the job in `error`, as AssemblyAI does, when detection is less sure than asked or finds an unexpected language. */
export function checkDetectedLanguage(detected: DetectedLanguage, options: LanguageRequirements): DetectedLanguage {
  const threshold = options.language_confidence_threshold;
  if (typeof threshold === 'number' && threshold > 0 && (detected.confidence ?? 0) < threshold) {
    const confidence = detected.confidence === null ? 'no speech to detect a language from' : `confidence ${detected.confidence.toFixed(2)}`;
    throw new EarshotError(
      'language_confidence_low',
      `The detected language confidence is below the language_confidence_threshold of ${threshold} (language "${detected.code}", ${confidence}); no transcript was kept. Lower the threshold or leave it unset.`,
    );
  }
  const expected = options.language_detection_options?.expected_languages ?? [];
  if (expected.length > 0 && !expected.some((code) => baseLanguage(code) === baseLanguage(detected.code))) {
    throw new EarshotError(
      'language_confidence_low',
      `The detected language "${detected.code}" is not among expected_languages (${expected.join(', ')}); this server cannot transcribe the audio again in another language, so no transcript was kept.`,
    );
  }
  return detected;
}

/** "en_us" → "en". */
function baseLanguage(code: string): string {
  return code.toLowerCase().split(/[_-]/)[0];
}

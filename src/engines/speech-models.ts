import { EarshotError } from '../errors.js';
import { DEFAULT_ENGINE, ENGINE_FACTORIES } from './registry.js';

/**
 * AssemblyAI's "nano" is its light, low-cost tier, which is what the default engine is. Its
 * "best", "universal" and "slam-1" name models this server does not have, so they are refused
 * rather than quietly swapped for something else.
 */
const SPEECH_MODEL_ALIASES: Record<string, string> = { nano: DEFAULT_ENGINE };

/** Engines whose recognition reads RecognizeOptions.prompt. */
export const PROMPTED_ENGINES = ['whisper'];
/** Engines that sample their output and so take a `temperature`; pocketsphinx's Viterbi search has none. */
export const SAMPLING_ENGINES = ['whisper'];

/**
 * `speech_models`: the engines among the names, in the order given (names this server does not
 * have, such as AssemblyAI's "universal", are passed over); the worker falls back along them
 * when one is not ready. None known: 400 naming what there is.
 */
export function resolveEngines(speechModels: readonly string[]): string[] {
  const known = [...new Set(speechModels.map((m) => SPEECH_MODEL_ALIASES[m] ?? m).filter((name) => ENGINE_FACTORIES.some((f) => f.name === name)))];
  if (known.length > 0) return known;
  const accepted = [...ENGINE_FACTORIES.map((f) => f.name), ...Object.keys(SPEECH_MODEL_ALIASES)];
  throw new EarshotError('unsupported_option', `None of speech_models (${speechModels.join(', ')}) is available on this server; use any of ${accepted.join(', ')}.`);
}

export function resolveEngine(speechModel: string | undefined): string {
  if (speechModel === undefined) return DEFAULT_ENGINE;
  const name = SPEECH_MODEL_ALIASES[speechModel] ?? speechModel;
  if (ENGINE_FACTORIES.some((f) => f.name === name)) return name;
  const accepted = [...ENGINE_FACTORIES.map((f) => f.name), ...Object.keys(SPEECH_MODEL_ALIASES)];
  throw new EarshotError(
    'unsupported_option',
    `speech_model "${speechModel}" is not available on this server; use one of ${accepted.join(', ')}, or leave it unset for ${DEFAULT_ENGINE}.`,
  );
}


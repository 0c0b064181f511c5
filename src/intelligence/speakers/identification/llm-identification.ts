import { malformed, parseJsonAnswer } from '../../llm/answer.js';
import { chatComplete } from '../../llm/chat.js';
import { LLM_DEFAULTS, type LlmConfig } from '../../llm/config.js';
import type { SpeakerMapping } from './identify.js';
import { speakersOf, type Turn } from './turns.js';

/**
 * Asks the chat model who each speaker is. Its answer is checked, not trusted: only speakers of
 * this transcript, only `known_values` (when given), each value once, and a name must be one that
 * was said; anything else fails the answer and the offline method is used.
 */
export async function llmSpeakerMapping(config: LlmConfig, turns: readonly Turn[], type: 'name' | 'role', known: readonly string[], signal?: AbortSignal): Promise<SpeakerMapping> {
  const budget = config.maxInputChars ?? LLM_DEFAULTS.maxInputChars;
  let body = '';
  for (const turn of turns) {
    const line = `${turn.speaker}: ${turn.words.join(' ')}\n`;
    if (body.length + line.length > budget) break;
    body += line;
  }
  const speakers = speakersOf(turns);
  const values = known.length > 0 ? `Choose only from: ${known.map((v) => JSON.stringify(v)).join(', ')}.` : 'Use only names that are said in the conversation.';
  const answer = await chatComplete(
    config,
    [
      {
        role: 'system',
        content:
          `You identify the speakers of a transcribed conversation by their ${type}, from what they say. Reply with JSON only: ` +
          '{"A":"…","B":"…"} mapping speaker labels to values; leave out a speaker you cannot identify with confidence.',
      },
      { role: 'user', content: `Speakers: ${speakers.join(', ')}. ${values}\n\n${body}` },
    ],
    { signal, maxTokens: 40 * speakers.length + 60, temperature: 0 },
  );
  return checkMapping(answer, speakers, known, type === 'name' ? turns : undefined);
}

export function checkMapping(answer: string, speakers: readonly string[], known: readonly string[], spokenIn?: readonly Turn[]): SpeakerMapping {
  const json = parseJsonAnswer(answer);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('not a JSON object', answer);
  const mapping: SpeakerMapping = {};
  const used = new Set<string>();
  const spoken = spokenIn ? ` ${spokenIn.map((t) => t.tokens.join(' ')).join(' ')} ` : undefined;
  for (const [speaker, raw] of Object.entries(json)) {
    if (raw === null || raw === '') continue;
    if (!speakers.includes(speaker)) throw malformed(`speaker "${speaker}" is not in the transcript`, answer);
    if (typeof raw !== 'string') throw malformed(`the value for ${speaker} is not a string`, answer);
    const value = known.length > 0 ? known.find((k) => k.toLowerCase() === raw.trim().toLowerCase()) : raw.trim();
    if (value === undefined) throw malformed(`"${raw}" is not one of known_values`, answer);
    if (spoken && known.length === 0 && !spoken.includes(` ${value.toLowerCase().split(/\s+/)[0]} `)) throw malformed(`"${value}" is never said`, answer);
    if (used.has(value)) throw malformed(`"${value}" is given to two speakers`, answer);
    used.add(value);
    mapping[speaker] = value;
  }
  return mapping;
}

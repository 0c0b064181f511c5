import type { Transcript, Utterance, Word } from '../../../transcript/model.js';
import type { LlmConfig } from '../../llm/config.js';
import { withFallback, type Generated } from '../../llm/fallback.js';
import { assign } from './assign.js';
import { llmSpeakerMapping } from './llm-identification.js';
import { nameMatcher, nameScores } from './names.js';
import { roleScores } from './roles.js';
import { speakersOf, turnsOf } from './turns.js';

/** AssemblyAI's `speech_understanding.request.speaker_identification`. */
export interface SpeakerIdentificationRequest {
  speaker_type: 'name' | 'role';
  known_values?: string[];
}

/** Original label → name or role, for the speakers that could be placed. */
export type SpeakerMapping = Record<string, string>;

/**
 * Which diarized speaker is which name or role, from what they say (issue 14 item 3): offline from
 * self-introductions, being addressed and role phrases (names.ts, roles.ts); with a chat model
 * configured, the model reads the turns and the offline method is the fallback. A speaker that
 * cannot be placed is not in the mapping and keeps its letter.
 */
export async function identifySpeakersFromSpeech(
  transcript: Pick<Transcript, 'words' | 'utterances'>,
  request: SpeakerIdentificationRequest,
  context: { llm?: LlmConfig; signal?: AbortSignal } = {},
): Promise<Generated<SpeakerMapping>> {
  const turns = turnsOf(transcript);
  const speakers = speakersOf(turns);
  const known = (request.known_values ?? []).map((v) => v.trim()).filter(Boolean);
  const offline = (): SpeakerMapping => {
    if (request.speaker_type === 'name') return assign(nameScores(turns, nameMatcher(known)), speakers, known, false);
    // Roles listed one per speaker partition the conversation, so the last one can be inferred;
    // names cannot (someone may introduce themselves by a name that is not listed).
    return assign(roleScores(turns, known), speakers, known, known.length === speakers.length);
  };
  if (turns.length === 0) return { value: {}, source: 'offline' };
  return withFallback('speaker_identification', context.llm, (llm) => llmSpeakerMapping(llm, turns, request.speaker_type, known, context.signal), offline, context.signal);
}

/** The transcript with each mapped speaker label replaced, in words, segments and utterances. */
export function applySpeakerMapping<T extends Pick<Transcript, 'words' | 'segments' | 'utterances'>>(transcript: T, mapping: SpeakerMapping): T {
  if (Object.keys(mapping).length === 0) return transcript;
  const word = (w: Word): Word => (w.speaker && mapping[w.speaker] !== undefined ? { ...w, speaker: mapping[w.speaker] } : w);
  const utterance = (u: Utterance): Utterance => ({ ...u, speaker: mapping[u.speaker] ?? u.speaker, words: u.words.map(word) });
  return {
    ...transcript,
    words: transcript.words.map(word),
    segments: transcript.segments.map((s) => ({ ...s, words: s.words.map(word) })),
    ...(transcript.utterances ? { utterances: transcript.utterances.map(utterance) } : {}),
  };
}

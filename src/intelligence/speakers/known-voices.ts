import type { SpeakerTurn } from './diarize.js';
import type { SpeakerFeatures, SpeakerWindow } from './feature-extractor.js';
import { VOICEPRINT_KIND, voiceprintOf, voiceSimilarity, type Voiceprint } from './voiceprint.js';

/** An enrolled voice a request names in `known_voices` (POST /v2/voices). */
export interface KnownVoice {
  id: string;
  name: string;
  voiceprint: Voiceprint;
}

/** One diarized speaker named after an enrolled voice: the `speaker_identities` entries of a result. */
export interface SpeakerIdentity {
  /** What words and utterances now carry as `speaker`: the enrolled name. */
  speaker: string;
  /** The letter diarization gave this speaker before it was named. */
  label: string;
  voice_id: string;
  name: string;
  /** voiceSimilarity of the enrolled voiceprint and this speaker's, in (0, 1]. */
  similarity: number;
}

/** A diarized speaker's voiceprint, kept (sealed) with the transcript so it can be enrolled later. */
export interface SpeakerVoiceprint {
  speaker: string;
  voiceprint: Voiceprint;
}

/**
 * Similarity a speaker must reach to be named after an enrolled voice. The equal-error point of
 * the real-voice trials (docs/voices.md, `node --import tsx bench/voices.ts`): 2% of impostor and
 * 7% of genuine trials on the other side of it, enrolling from one clip of a few seconds.
 */
export const KNOWN_VOICE_THRESHOLD = 0.35;

/**
 * Each diarized speaker's voiceprint, pooled over the windows that fall in their turns; speakers
 * with too little speech to describe are left out.
 */
export function speakerVoiceprints(features: SpeakerFeatures, turns: readonly SpeakerTurn[]): SpeakerVoiceprint[] {
  const bySpeaker = new Map<string, SpeakerWindow[]>();
  let t = 0;
  for (const w of [...features.windows].sort((a, b) => a.start - b.start)) {
    const middle = (w.start + w.end) / 2;
    while (t < turns.length - 1 && turns[t].end < middle) t++;
    const turn = turns[t];
    if (!turn || middle < turn.start || middle > turn.end) continue;
    bySpeaker.set(turn.speaker, [...(bySpeaker.get(turn.speaker) ?? []), w]);
  }
  const out: SpeakerVoiceprint[] = [];
  for (const [speaker, windows] of bySpeaker) {
    const voiceprint = voiceprintOf(windows);
    if (voiceprint) out.push({ speaker, voiceprint });
  }
  return out.sort((a, b) => a.speaker.localeCompare(b.speaker));
}

/**
 * Names speakers after enrolled voices, one to one: the most similar (speaker, voice) pair at or
 * above the threshold first, then the next among those left, so a voice names at most one
 * speaker of a file and a speaker takes at most one name. Speakers nobody matches keep their letter.
 */
export function identifySpeakers(speakers: readonly SpeakerVoiceprint[], known: readonly KnownVoice[], threshold = KNOWN_VOICE_THRESHOLD): SpeakerIdentity[] {
  const pairs: { label: string; voice: KnownVoice; similarity: number }[] = [];
  for (const s of speakers) {
    for (const voice of known) {
      if (voice.voiceprint.kind !== VOICEPRINT_KIND) continue;
      const similarity = voiceSimilarity(s.voiceprint, voice.voiceprint);
      if (similarity >= threshold) pairs.push({ label: s.speaker, voice, similarity });
    }
  }
  pairs.sort((a, b) => b.similarity - a.similarity);
  const named = new Set<string>();
  const used = new Set<string>();
  const out: SpeakerIdentity[] = [];
  for (const p of pairs) {
    if (named.has(p.label) || used.has(p.voice.id)) continue;
    named.add(p.label);
    used.add(p.voice.id);
    out.push({ speaker: p.voice.name, label: p.label, voice_id: p.voice.id, name: p.voice.name, similarity: Math.round(p.similarity * 1000) / 1000 });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

import { decodeAudio, type AudioInput } from '../audio/decode.js';
import { segmentSpeech } from '../audio/vad/segmenter.js';
import { EarshotError } from '../errors.js';
import { SpeakerFeatureExtractor } from '../intelligence/speakers/feature-extractor.js';
import { MIN_VOICE_FRAMES, voiceprintOf, type Voiceprint } from '../intelligence/speakers/voiceprint.js';
import { UTTERANCE_VAD } from './transcribe.js';

/**
 * A voiceprint from a clip of one speaker (POST /v2/voices with an upload): decode, find the
 * speech as transcription does, and pool the diarizer's features over all of it. No recognition
 * runs, and nothing of the audio outlives the call.
 */
export async function voiceprintFromAudio(audio: AudioInput, options: { signal?: AbortSignal } = {}): Promise<Voiceprint> {
  const extractor = new SpeakerFeatureExtractor();
  for await (const segment of segmentSpeech(decodeAudio(audio, { signal: options.signal }), UTTERANCE_VAD)) {
    await extractor.addSegment(segment);
  }
  const voiceprint = voiceprintOf(extractor.features().windows);
  if (!voiceprint) {
    throw new EarshotError(
      'voice_too_short',
      `The clip holds less than ${MIN_VOICE_FRAMES / 100} s of speech, too little to describe a voice; enrol from a clip with at least 5 s of the speaker talking alone.`,
    );
  }
  return voiceprint;
}

/**
 * Multichannel transcription (AssemblyAI's `multichannel`, and the older `dual_channel`): each
 * channel of the file — the agent and the customer of a call recording, say — is decoded and
 * recognised on its own, then the words are merged in time order, each carrying its channel and
 * the channel's speaker ("1A", "2A", …), as AssemblyAI labels them.
 */
import { decodeAudio } from '../audio/decode.js';
import type { SpeechEngine } from '../engines/engine.js';
import { EarshotError } from '../errors.js';
import type { Segment, Transcript, Word } from '../transcript/model.js';
import type { Recognised } from './features.js';
import { transcribeAudio, type TranscribeOptions } from './transcribe.js';

/** More than this is a surround mix or a multitrack recording, not conversation channels. */
export const MAX_CHANNELS = 8;

/**
 * Channels in one of ffmpeg's layout names ("mono", "stereo", "5.1(side)", "quad", "4 channels").
 * Undefined for a name it does not know.
 */
export function channelsInLayout(layout: string): number | undefined {
  const name = layout.trim().toLowerCase().replace(/\(.*\)$/, '');
  const named: Record<string, number> = { mono: 1, stereo: 2, downmix: 2, quad: 4, hexagonal: 6, octagonal: 8, hexadecagonal: 16 };
  if (named[name] !== undefined) return named[name];
  const counted = /^(\d+) channels?$/.exec(name);
  if (counted) return Number(counted[1]);
  const surround = /^(\d+)\.(\d+)$/.exec(name);
  if (surround) return Number(surround[1]) + Number(surround[2]);
  return undefined;
}

/** How many channels the file's first audio stream has, read from ffmpeg's header report. */
export async function countChannels(audio: Buffer, signal?: AbortSignal): Promise<number> {
  let layout: string | undefined;
  // Stops at the first chunk: ffmpeg has reported the header by then, and is killed.
  for await (const _ of decodeAudio(audio, { signal, onInfo: (info) => (layout ??= info.channels) })) break;
  const count = layout === undefined ? undefined : channelsInLayout(layout);
  if (count === undefined) {
    throw new EarshotError('audio_unsupported', `Multichannel transcription could not tell how many channels the audio has (ffmpeg reports the layout "${layout ?? 'unknown'}"); send a WAV, MP3, FLAC or other file with a standard layout, or leave multichannel off.`);
  }
  if (count > MAX_CHANNELS) {
    throw new EarshotError('invalid_request', `The audio has ${count} channels; multichannel transcription takes up to ${MAX_CHANNELS}. Mix it down first, or leave multichannel off.`);
  }
  return count;
}

/**
 * Recognises every channel apart (side by side: their segments share the decoders like any
 * other job's) and merges them. Taps are not run: a channel is one speaker, so there is nothing
 * for diarization to find, and the redacted-audio copy is refused with multichannel.
 */
export async function recogniseChannels(audio: Buffer, engine: SpeechEngine, options: TranscribeOptions = {}): Promise<Recognised> {
  const count = await countChannels(audio, options.signal);
  const channels = await Promise.all(
    Array.from({ length: count }, async (_, channel) => (await transcribeAudio(audio, engine, { ...options, taps: [], stages: [], channel })).transcript),
  );
  return { transcript: mergeChannels(channels), taps: {} };
}

/** Channel n (0-based) becomes channel "n+1" with speaker "n+1" + "A" on every word and segment. */
export function mergeChannels(channels: readonly Transcript[]): Transcript {
  const label = (words: readonly Word[], channel: string): Word[] => words.map((w) => ({ ...w, channel, speaker: `${channel}A` }));
  const segments: Segment[] = channels.flatMap((t, i) => t.segments.map((s) => ({ ...s, words: label(s.words, String(i + 1)) })));
  segments.sort((a, b) => a.start - b.start);
  const words = segments.flatMap((s) => s.words).sort((a, b) => a.start - b.start);
  return {
    words,
    segments,
    durationMs: Math.max(0, ...channels.map((t) => t.durationMs)),
    language: channels[0]?.language ?? 'en',
    model: channels[0]?.model ?? '',
    audioChannels: channels.length,
  };
}

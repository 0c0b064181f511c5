import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../../app/config.js';
import { isRemoteSource, loadAudioSource } from '../../audio/source.js';
import { DEFAULT_ENGINE, EngineCache } from '../../engines/registry.js';
import { vocabularyFromRequest } from '../../engines/vocabulary/vocabulary.js';
import { llmConfigFromEnv } from '../../intelligence/llm/config.js';
import { recogniseChannels } from '../../pipeline/channels.js';
import { featureStages, FEATURES_OUTPUT, runFeatureStages, wantsChannels, type FeatureOptions, type FeatureResult } from '../../pipeline/features.js';
import { transcribeAudio, type TranscribeProgress } from '../../pipeline/transcribe.js';
import { addIntelligenceOptions, analysisOptions, LLM_HELP, redactionOptions, type IntelligenceFlags } from '../intelligence-flags.js';
import { OUTPUT_FORMATS, renderTranscript, type OutputFormat } from '../render.js';
import { createProgress } from '../progress.js';

interface TranscribeFlags extends IntelligenceFlags {
  format: OutputFormat;
  engine: string;
  model?: string;
  output?: string;
  maxBytes: number;
  timeout: number;
  speakers?: boolean;
  speakersExpected?: number;
  multichannel?: boolean;
  disfluencies?: boolean;
  punctuate: boolean;
  wordBoost?: string[];
  boostParam?: 'low' | 'default' | 'high';
}

export function registerTranscribeCommand(program: Command): void {
  const command = program
    .command('transcribe')
    .description('transcribe a local audio/video file or an http(s) URL')
    .argument('<source>', 'file path or http(s) URL')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('txt'))
    .option('-e, --engine <name>', 'speech engine (see `earshot engines`)', DEFAULT_ENGINE)
    .option('-m, --model <name>', 'model name or path for the engine')
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--max-bytes <n>', 'largest input accepted, in bytes', positiveInt, 2 * 1024 ** 3)
    .option('--timeout <seconds>', 'time limit for fetching a URL', positiveInt, 600)
    .option('--speakers', 'label speakers (diarization)')
    .option('--speakers-expected <n>', 'how many speakers there are, when known; implies --speakers', positiveInt)
    .option('--multichannel', 'transcribe each channel apart (a call: agent left, customer right); speakers 1A, 2A, …')
    .option('--disfluencies', 'keep filler words ("um", "uh", "hmm"), left out by default')
    .option('--no-punctuate', 'keep the engine’s raw words: no punctuation, casing or number formatting')
    .option('--word-boost <terms>', 'comma-separated words or phrases to favour (names, jargon)', (v: string) => v.split(',').map((t) => t.trim()).filter(Boolean))
    .addOption(new Option('--boost-param <level>', 'how strongly to favour --word-boost terms').choices(['low', 'default', 'high']));
  addIntelligenceOptions(command)
    .addHelpText('after', LLM_HELP)
    .action(async (source: string, flags: TranscribeFlags) => {
      const progress = createProgress();
      const engines = new EngineCache();
      try {
        const enginePromise = engines.get(flags.engine, { model: flags.model });
        // The engine loads while the audio downloads; an unready engine fails before any download.
        enginePromise.catch(() => {});
        let downloadStarted = false;
        const audio = await loadAudioSource(source, {
          maxBytes: flags.maxBytes,
          timeoutMs: flags.timeout * 1000,
          allowPrivateNetworks: true,
          onProgress: (received, total) => {
            if (!downloadStarted && total && isRemoteSource(source)) progress.start(total, 'download (bytes)');
            downloadStarted = true;
            progress.update(received);
          },
        });
        progress.stop();
        const engine = await enginePromise;
        const options = featureOptions(flags);
        const { taps, stages } = featureStages(options, {
          llm: flags.llm ? llmConfigFromEnv() : undefined,
          onFallback: (f) => process.stderr.write(`earshot: the LLM could not write the ${f.feature} (${f.reason}); used the offline method\n`),
        });
        let started = false;
        const vocabulary = vocabularyFromRequest({ word_boost: flags.wordBoost, boost_param: flags.boostParam });
        // The same longest-audio setting as the server's, so a decoding bomb stops here too.
        const { maxAudioSeconds } = loadConfig();
        const onProgress = ({ processedMs, durationMs }: TranscribeProgress) => {
          if (!durationMs) return;
          if (!started) progress.start(Math.round(durationMs / 1000), 'transcribe (s)');
          started = true;
          progress.update(Math.min(Math.round(processedMs / 1000), Math.round(durationMs / 1000)));
        };
        // Channels apart: each channel's progress is reported as it goes, so the bar follows the slowest.
        const result = wantsChannels(options)
          ? await runFeatureStages(await recogniseChannels(audio, engine, { vocabulary, onProgress, maxAudioSeconds }), stages)
          : ((await transcribeAudio(audio, engine, { taps, stages, vocabulary, onProgress, maxAudioSeconds })).extras[FEATURES_OUTPUT] as FeatureResult);
        progress.stop();
        const rendered = renderTranscript(result, flags.format, { audioUrl: isRemoteSource(source) ? source : '', options });
        if (flags.output) await writeFile(flags.output, rendered);
        else process.stdout.write(rendered);
      } finally {
        progress.stop();
        await engines.close();
      }
    });
}

function featureOptions(flags: TranscribeFlags): FeatureOptions {
  const redaction = redactionOptions(flags);
  return {
    ...analysisOptions(flags, false),
    punctuate: flags.punctuate,
    format_text: flags.punctuate,
    speaker_labels: flags.speakers || flags.speakersExpected !== undefined,
    speakers_expected: flags.speakersExpected ?? null,
    multichannel: flags.multichannel ?? null,
    disfluencies: flags.disfluencies ?? null,
    redact_pii: redaction !== undefined,
    redact_pii_policies: redaction?.policies ?? null,
    redact_pii_sub: redaction?.substitution ?? null,
  };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

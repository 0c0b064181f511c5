/**
 * Model cards (issue #8 item 3): what `earshot models list` says about each model — engine,
 * language, size and licence come from the catalogue; WER and real-time factor are measured on
 * this machine by `earshot eval` and `earshot bench` and kept in the models directory's
 * earshot-models.json under `measurements`, so they travel with the models.
 */
import type { ModelListing } from './registry.js';

export interface WerMeasurement {
  /** Fraction (0.25 = 25 %), over the whole manifest. */
  wer: number;
  cer: number;
  /** The manifest evaluated, and how many files and reference words it had. */
  manifest: string;
  files: number;
  words: number;
  date: string;
  earshotVersion: string;
}

export interface RtfMeasurement {
  /** Processing time ÷ audio time (lower is faster). */
  rtf: number;
  /** Audio seconds per wall second. */
  throughput: number;
  peakRssMiB: number;
  /** The audio set benchmarked. */
  audio: string;
  date: string;
  earshotVersion: string;
}

export interface ModelMeasurements {
  wer?: WerMeasurement;
  rtf?: RtfMeasurement;
}

/**
 * The registry name of the model an engine reports (`SpeechEngine.model`): whisper reports
 * `whisper-<name>`, pocketsphinx the bare name. A model given by path has no card; the registry
 * refuses unknown names.
 */
export function cardName(engine: string, model: string): string {
  return engine === 'whisper' ? model.replace(/^whisper-/, '') : model;
}

/** `WER 24.3%` / `RTF 0.21` cells for the list table; empty when not measured. */
export function cardColumns(listing: Pick<ModelListing, 'measurements'>): { wer: string; rtf: string } {
  const m = listing.measurements;
  return {
    wer: m?.wer ? `${(m.wer.wer * 100).toFixed(1)}%` : '',
    rtf: m?.rtf ? m.rtf.rtf.toFixed(2) : '',
  };
}

/** The card as JSON for `models list --json`. */
export function cardJson(listing: Pick<ModelListing, 'measurements'>): Record<string, unknown> {
  const m = listing.measurements;
  return {
    measured_wer: m?.wer?.wer ?? null,
    measured_cer: m?.wer?.cer ?? null,
    wer_manifest: m?.wer?.manifest ?? null,
    wer_measured_at: m?.wer?.date ?? null,
    measured_rtf: m?.rtf?.rtf ?? null,
    measured_throughput: m?.rtf?.throughput ?? null,
    measured_peak_rss_mib: m?.rtf?.peakRssMiB ?? null,
    rtf_measured_at: m?.rtf?.date ?? null,
  };
}

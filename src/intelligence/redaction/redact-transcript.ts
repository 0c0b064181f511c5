import { EarshotError } from '../../errors.js';
import { wordSegmentIndexes, type Segment, type Transcript, type Word } from '../../transcript/model.js';
import { joinWords } from '../../transcript/text.js';
import { toUtterances } from '../../transcript/utterances.js';
import type { CasingLexicon } from '../punctuation/casing-lexicon.js';
import { detectPii } from './detect.js';
import { readDigits } from './detectors/numbers.js';
import { checkPolicies, entityLabel, hashOut, type PiiPolicy, type SubstitutionPolicy } from './policies.js';
import { toPiiTokens } from './tokens.js';

export interface RedactOptions {
  /** AssemblyAI's `redact_pii_policies`. */
  policies: readonly PiiPolicy[];
  /** AssemblyAI's `redact_pii_sub`: "hash" (default there) or "entity_name". */
  substitution: SubstitutionPolicy;
  lexicon?: CasingLexicon;
}

/** Where PII was found in the audio (ms), for bleeping (`redact_pii_audio`). */
export interface PiiSpan {
  start: number;
  end: number;
  policy: PiiPolicy;
}

/**
 * The original text of each finding, so the same strings can be redacted from every other
 * result (summaries, chapters, entities) with redactText(). It is the PII itself: keep it in
 * memory for the job only, never store or return it.
 */
export interface FoundPii {
  policy: PiiPolicy;
  text: string;
  /** For numbers: the digits alone ("4155551212"), as other results may write them. */
  digits?: string;
}

export interface RedactionResult {
  transcript: Transcript;
  spans: PiiSpan[];
  found: FoundPii[];
}

/**
 * PII redaction of a transcript (issue 7 item 7, AssemblyAI's `redact_pii`). Word times are
 * kept: with "hash" each word's letters and digits become "#" (same length, punctuation kept:
 * "Smith." → "#####."), with "entity_name" the words of one finding become a single word
 * "[PERSON_NAME]" spanning their times (split at segment ends, so segments keep their bounds).
 */
export function redactPii(transcript: Transcript, options: RedactOptions): RedactionResult {
  const policies = checkPolicies(options.policies);
  checkSubstitution(options.substitution);
  const { words } = transcript;
  const tokens = toPiiTokens(words.map((w) => w.text));
  const detections = detectPii(tokens, policies, { lexicon: options.lexicon });
  const spans: PiiSpan[] = [];
  const found: FoundPii[] = [];
  const policyAt = new Map<number, { policy: PiiPolicy; id: number }>();
  detections.forEach((d, id) => {
    const covered = words.slice(d.first, d.last + 1);
    spans.push({ start: covered[0].start, end: covered[covered.length - 1].end, policy: d.policy });
    const text = joinWords(covered);
    // Numbers said as words ("four one five …") are also looked for as digits elsewhere.
    const digits = DIGIT_POLICIES.has(d.policy) ? readDigits(tokens, d.first)?.digits : undefined;
    found.push(digits && digits.length >= 3 ? { policy: d.policy, text, digits } : { policy: d.policy, text });
    for (let i = d.first; i <= d.last; i++) policyAt.set(i, { policy: d.policy, id });
  });

  const segmentOf = wordSegmentIndexes(transcript);
  const out: Word[] = [];
  const outSegment: number[] = [];
  words.forEach((word, i) => {
    const hit = policyAt.get(i);
    if (!hit) {
      out.push(word);
      outSegment.push(segmentOf[i]);
      return;
    }
    if (options.substitution === 'hash') {
      out.push({ ...word, text: replaceCore(word.text, hashOut) });
      outSegment.push(segmentOf[i]);
      return;
    }
    const previous = policyAt.get(i - 1);
    if (previous && previous.id === hit.id && segmentOf[i - 1] === segmentOf[i]) {
      // Same finding, same segment: stretch the label word over this one.
      const merged = out[out.length - 1];
      merged.end = word.end;
      merged.confidence = Math.min(merged.confidence, word.confidence);
      merged.text = merged.text.replace(/[^\p{L}\p{N}\]]*$/u, '') + trailing(word.text);
      return;
    }
    // An opening bracket closed inside the finding is part of it: "(415) 555-1212".
    const opening = leading(word.text);
    const head = opening.endsWith('(') && found[hit.id].text.includes(')') ? opening.slice(0, -1) : opening;
    out.push({ ...word, text: head + entityLabel(hit.policy) + trailing(word.text) });
    outSegment.push(segmentOf[i]);
  });

  const segments: Segment[] = transcript.segments.map((s) => ({ ...s, words: [] }));
  out.forEach((w, i) => segments[outSegment[i]]?.words.push(w));
  const redacted: Transcript = { ...transcript, words: out, segments };
  if (transcript.utterances) redacted.utterances = toUtterances(out);
  return { transcript: redacted, spans, found };
}

export function checkSubstitution(substitution: string): asserts substitution is SubstitutionPolicy {
  if (substitution !== 'hash' && substitution !== 'entity_name') {
    throw new EarshotError('invalid_request', `redact_pii_sub must be "hash" or "entity_name", got "${substitution}".`);
  }
}

const DIGIT_POLICIES = new Set<PiiPolicy>(['phone_number', 'credit_card_number', 'us_social_security_number', 'number_sequence']);

const leading = (text: string) => /^[^\p{L}\p{N}]*/u.exec(text)![0];
const trailing = (text: string) => /[^\p{L}\p{N}]*$/u.exec(text)![0];

/** Applies `f` to the word between its leading and trailing punctuation. */
function replaceCore(text: string, f: (core: string) => string): string {
  const head = leading(text);
  if (head.length === text.length) return text;
  const tail = trailing(text);
  return head + f(text.slice(head.length, text.length - tail.length)) + tail;
}


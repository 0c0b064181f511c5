/**
 * The OpenAPI document and docs page (issue 4 §1), and the one options table against the SDK's
 * own request type, so a field the SDK adds cannot slip past as "unknown" without a decision.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TranscriptParams } from 'assemblyai';
import { TRANSCRIPT_OPTIONS, checkTranscriptOptions } from '../../src/api/schemas/transcript-options.js';
import { startTestServer } from '../helpers/earshot-server.js';

// Compile-time: every field of the SDK's TranscriptParams has a row in the table, and back.
type Missing = Exclude<keyof TranscriptParams, keyof typeof TRANSCRIPT_OPTIONS>;
// known_voices is Earshot's own (issue 14 item 4, docs/voices.md), not an AssemblyAI field.
type Extra = Exclude<keyof typeof TRANSCRIPT_OPTIONS, keyof TranscriptParams | 'known_voices'>;
const noneMissing: [Missing] extends [never] ? true : Missing = true;
const noneExtra: [Extra] extends [never] ? true : Extra = true;

test('every SDK request field is in the options table, and only supported ones pass when set', () => {
  assert.ok(noneMissing && noneExtra);
  const supported = Object.entries(TRANSCRIPT_OPTIONS).filter(([, spec]) => spec.support === 'supported').map(([name]) => name);
  assert.deepEqual(supported.sort(), [
    'audio_end_at',
    'audio_start_from',
    'audio_url',
    'auto_chapters',
    'auto_highlights',
    'boost_param',
    'content_safety',
    'content_safety_confidence',
    'custom_spelling',
    'custom_topics',
    'disfluencies',
    'dual_channel',
    'entity_detection',
    'filter_profanity',
    'format_text',
    'iab_categories',
    'keyterms_prompt',
    'keyterms_prompt_options',
    'known_voices',
    'language_code',
    'language_confidence_threshold',
    'language_detection',
    'language_detection_options',
    'multichannel',
    'prompt',
    'punctuate',
    'redact_pii',
    'redact_pii_audio',
    'redact_pii_audio_quality',
    'redact_pii_policies',
    'redact_pii_return_unredacted',
    'redact_pii_sub',
    'remove_audio_tags',
    'sentiment_analysis',
    'speaker_labels',
    'speaker_options',
    'speakers_expected',
    'speech_model',
    'speech_models',
    'speech_threshold',
    'speech_understanding',
    'summarization',
    'summary_model',
    'summary_type',
    'temperature',
    'topics',
    'webhook_auth_header_name',
    'webhook_auth_header_value',
    'webhook_url',
    'word_boost',
  ]);
  const everythingOn = Object.fromEntries(Object.keys(TRANSCRIPT_OPTIONS).map((name) => [name, name.endsWith('s') ? ['x'] : true]));
  const { unsupported, unknown } = checkTranscriptOptions(everythingOn);
  assert.deepEqual(unknown, []);
  assert.equal(unsupported.length, Object.keys(TRANSCRIPT_OPTIONS).length - supported.length);
  // Parsed JSON can carry inherited names as own keys; they are unknown fields, not options.
  const sneaky = checkTranscriptOptions(JSON.parse('{"audio_url":"x","__proto__":{"a":1},"constructor":2,"toString":3}'));
  assert.deepEqual(sneaky.unknown, ['__proto__', 'constructor', 'toString']);
});

test('GET /openapi.json documents every endpoint; /docs serves the page; /health answers', async () => {
  const s = await startTestServer();
  try {
    const doc = (await s.call('GET', '/openapi.json', { key: null })).json;
    assert.equal(doc.openapi, '3.0.3');
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v2/upload',
      '/v2/transcript',
      '/v2/transcript/{transcript_id}',
      '/v2/transcript/{transcript_id}/sentences',
      '/v2/transcript/{transcript_id}/paragraphs',
      '/v2/transcript/{transcript_id}/srt',
      '/v2/transcript/{transcript_id}/vtt',
      '/v2/transcript/{transcript_id}/word-search',
      '/v2/transcript/{transcript_id}/webhooks',
      '/health',
    ]) {
      assert.ok(paths.includes(path), `${path} in ${paths}`);
    }
    const create = doc.paths['/v2/transcript'].post;
    const body = create.requestBody.content['application/json'].schema;
    assert.ok(body.properties.audio_url && body.properties.speaker_labels && body.properties.custom_spelling);
    assert.deepEqual(body.required, ['audio_url']);
    assert.deepEqual(create.security, [{ apiKey: [] }]);
    assert.equal(doc.components.securitySchemes.apiKey.name, 'authorization');
    const list = doc.paths['/v2/transcript'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(list.sort(), ['after_id', 'before_id', 'created_on', 'limit', 'status', 'throttled_only']);

    const docs = await fetch(`${s.url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
    assert.deepEqual((await s.call('GET', '/health', { key: null })).json, { status: 'ok', store: 'sqlite', jobs: 0 });
  } finally {
    await s.close();
  }
});

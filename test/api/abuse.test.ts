/**
 * Issue 15's corpus of malformed and hostile requests against a real server: every one is answered
 * with a clear 4xx and an `{ error }` body, and none of them reaches a job, a lookup or a socket it
 * should not. Each case states the status it must get; the message is checked where it must name
 * what went wrong.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { REQUEST_RULES } from '../../src/api/request-rules.js';
import { librivoxClips } from '../helpers/librivox.js';
import { startTestServer, type Reply, type TestServer } from '../helpers/earshot-server.js';

const clipPath = librivoxClips().find((c) => c.id.endsWith('0880'))!.path;

/** A 4xx with a JSON body holding a non-empty `error` (a string, or OpenAI's object). */
function assertClientError(reply: Reply, status: number, what: string, message?: RegExp): void {
  assert.equal(reply.status, status, `${what}: ${reply.status} ${reply.text.slice(0, 300)}`);
  assert.ok(reply.json && typeof reply.json === 'object' && 'error' in reply.json, `${what}: no { error } body: ${reply.text.slice(0, 300)}`);
  const text = typeof reply.json.error === 'string' ? reply.json.error : reply.json.error?.message;
  assert.ok(typeof text === 'string' && text.length > 0, `${what}: empty error`);
  if (message) assert.match(text, message, what);
}

describe('abuse corpus', () => {
  let s: TestServer;
  let uploadUrl: string;
  let mine: string;

  before(async () => {
    s = await startTestServer();
    const up = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 200, up.text);
    uploadUrl = up.json.upload_url;
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: uploadUrl } });
    assert.equal(created.status, 200, created.text);
    mine = created.json.id;
    await s.waitFor(mine);
  });
  after(() => s.close());

  test('auth: missing, wrong and malformed keys are 401', async () => {
    const keys: Array<string | null> = [null, '', ' ', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `${s.keyA} ${s.keyA}`, 'x'.repeat(8000), 'esk_' + '0'.repeat(64), s.keyA.slice(0, -1)];
    for (const key of keys) {
      for (const [method, path] of [['GET', '/v2/transcript'], ['GET', `/v2/transcript/${mine}`], ['DELETE', `/v2/transcript/${mine}`], ['POST', '/v2/upload']] as const) {
        const reply = await s.call(method, path, { key, ...(method === 'POST' ? { raw: 'abc', headers: { 'content-type': 'application/octet-stream' } } : {}) });
        assertClientError(reply, 401, `${method} ${path} with key ${JSON.stringify(key?.slice(0, 20))}`);
      }
    }
    // A non-ASCII key cannot even be sent by fetch; a raw header of Latin-1 bytes is still a 401.
    const latin1 = await s.call('GET', '/v2/transcript', { key: 'clé-ünïcødé' });
    assertClientError(latin1, 401, 'latin-1 key');
    const openai = await s.call('GET', '/v1/models', { key: 'wrong' });
    assertClientError(openai, 401, 'OpenAI route with a wrong key');
  });

  test("another tenant's ids are 404 everywhere, never 403 or the content", async () => {
    for (const [method, path] of [
      ['GET', `/v2/transcript/${mine}`],
      ['DELETE', `/v2/transcript/${mine}`],
      ['GET', `/v2/transcript/${mine}/webhooks`],
      ['GET', `/v2/transcript/${mine}/sentences`],
      ['GET', `/v2/transcript/${mine}/srt`],
    ] as const) {
      assertClientError(await s.call(method, path, { key: s.keyB }), 404, `${method} ${path} as another tenant`, /not found/i);
    }
    // Paging cursors from another tenant find nothing rather than leaking order or existence.
    const page = await s.call('GET', `/v2/transcript?before_id=${mine}`, { key: s.keyB });
    assert.equal(page.status, 200, page.text);
    assert.deepEqual(page.json.transcripts, []);
    // Another tenant's upload_url cannot be transcribed.
    const up = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
    assertClientError(await s.call('POST', '/v2/transcript', { key: s.keyB, body: { audio_url: up.json.upload_url } }), 400, "another tenant's upload", /not available/);
    // Still mine, untouched by the attempts above.
    assert.equal((await s.call('GET', `/v2/transcript/${mine}`)).json.status, 'completed');
  });

  test('bad JSON and bodies of the wrong shape are 400 (or 415 for a media type no route reads)', async () => {
    const json = { 'content-type': 'application/json' };
    for (const [raw, message] of [
      ['{"audio_url": ', /not valid JSON/],
      ['{"audio_url": "x",}', /not valid JSON/],
      ['[]', /JSON object/],
      ['"https://example.com/a.mp3"', /JSON object/],
      ['null', /JSON object/],
      ['42', /JSON object/],
      ['{}', /audio_url is required/],
    ] as const) {
      assertClientError(await s.call('POST', '/v2/transcript', { raw, headers: json }), 400, `body ${raw}`, message);
    }
    assertClientError(await s.call('POST', '/v2/transcript', { raw: 'audio_url=x', headers: { 'content-type': 'text/plain' } }), 400, 'text/plain body', /JSON object/);
    assertClientError(await s.call('POST', '/v2/transcript', { raw: '<a/>', headers: { 'content-type': 'application/xml' } }), 415, 'XML body');
    // A body too deep to be a transcript request is refused, not walked.
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const reply = await s.call('POST', '/v2/transcript', { raw: `{"audio_url":"https://example.com/a.mp3","custom_spelling":${deep}}`, headers: json });
    assert.ok(reply.status >= 400 && reply.status < 500, `deep body: ${reply.status}`);
  });

  test('types are not coerced: "3" is not 3, "true" is not true', async () => {
    const base = { audio_url: uploadUrl };
    for (const [field, value] of [
      ['speakers_expected', '3'],
      ['punctuate', 'true'],
      ['speaker_labels', 1],
      ['audio_start_from', '1000'],
      ['audio_start_from', 1.5],
      ['word_boost', 'hello'],
      ['word_boost', [1, 2]],
      ['audio_url', 42],
      ['content_safety_confidence', '50'],
      ['webhook_url', ['https://example.com/hook']],
    ] as const) {
      const reply = await s.call('POST', '/v2/transcript', { body: { ...base, [field]: value } });
      assertClientError(reply, 400, `${field}: ${JSON.stringify(value)}`, new RegExp(field));
    }
    // Query strings are text by nature: a numeric query parameter is still read as a number.
    assert.equal((await s.call('GET', '/v2/transcript?limit=2')).status, 200);
    assertClientError(await s.call('GET', '/v2/transcript?limit=two'), 400, 'limit=two', /limit/);
  });

  test('out-of-range values and limits a job would hit later are 400 at the door', async () => {
    const base = { audio_url: uploadUrl };
    const { maxCount, maxLength } = REQUEST_RULES.batchTerms;
    for (const [patch, message] of [
      [{ speakers_expected: 0 }, /speakers_expected/],
      [{ speakers_expected: 27 }, /speakers_expected/],
      [{ audio_start_from: -1 }, /audio_start_from/],
      [{ audio_start_from: 5000, audio_end_at: 1000 }, /audio_end_at/],
      [{ content_safety_confidence: 101 }, /content_safety_confidence/],
      [{ speech_threshold: 1.5 }, /speech_threshold/],
      [{ word_boost: Array.from({ length: maxCount + 1 }, (_, i) => `term${i}`) }, /word_boost/],
      [{ word_boost: ['x'.repeat(maxLength + 1)] }, /word_boost/],
      [{ keyterms_prompt: ['y'.repeat(maxLength + 1)] }, /keyterms_prompt/],
      [{ prompt: 'z'.repeat(REQUEST_RULES.promptMaxLength + 1), speech_model: 'whisper' }, /prompt/],
      [{ redact_pii_policies: ['person_name'] }, /redact_pii_policies needs redact_pii: true/],
      [{ redact_pii_sub: 'hash' }, /redact_pii_sub needs redact_pii: true/],
      [{ redact_pii: true, redact_pii_policies: ['not_a_policy'] }, /not_a_policy/],
      [{ language_code: 'xx' }, /language_code/],
      [{ speech_model: 'no-such-model' }, /no-such-model/],
      [{ custom_spelling: [{ from: [], to: 'x' }] }, /custom_spelling/],
      [{ unknown_option: true }, /unknown field.*unknown_option/],
      [{ webhook_auth_header_name: 'X-Token' }, /webhook_auth_header/],
      [{ webhook_url: 'https://example.com/hook', webhook_auth_header_name: 'Bad Header', webhook_auth_header_value: 'v' }, /webhook_auth_header_name/],
    ] as const) {
      assertClientError(await s.call('POST', '/v2/transcript', { body: { ...base, ...patch } }), 400, JSON.stringify(patch).slice(0, 80), message);
    }
    for (const query of ['limit=0', 'limit=201', 'status=done', 'created_on=yesterday', 'before_id=..%2f..%2f', 'after_id=%E2%80%AE']) {
      assertClientError(await s.call('GET', `/v2/transcript?${query}`), 400, query);
    }
  });

  test('SSRF: private, loopback and metadata addresses in every spelling are refused at the door', async () => {
    const hosts = [
      '127.0.0.1', '2130706433', '0177.0.0.1', '0x7f.0.0.1', '0x7f000001', '127.1', '0', '0.0.0.0', '10.0.0.1', '192.168.1.1',
      '172.16.0.1', '169.254.169.254', '100.64.0.1', '[::1]', '[::]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:a00:1]',
      '[64:ff9b::a9fe:a9fe]', '[2002:7f00:1::]', '[fe80::1]', '[fc00::1]', 'localhost', 'LOCALHOST', 'localhost.', 'api.localhost',
    ];
    for (const host of hosts) {
      for (const field of ['audio_url', 'webhook_url'] as const) {
        const body = field === 'audio_url' ? { audio_url: `http://${host}/a.mp3` } : { audio_url: uploadUrl, webhook_url: `http://${host}:8080/hook?token=secret` };
        const reply = await s.call('POST', '/v2/transcript', { body });
        assertClientError(reply, 400, `${field} ${host}`, new RegExp(`${field}.*(only public addresses|not public)`, 'i'));
        assert.doesNotMatch(reply.json.error, /secret/, 'the query string is not echoed');
      }
    }
    // Names the server resolves to loopback (this machine's hosts file) are refused too.
    const aliases = await s.call('POST', '/v2/transcript', { body: { audio_url: 'http://ip6-localhost/a.mp3' } });
    if (aliases.status !== 400) assert.equal(aliases.status, 200, 'ip6-localhost does not resolve here, so it is left to the fetch');
    else assertClientError(aliases, 400, 'ip6-localhost', /resolves to an address that is not public/);
    for (const url of ['file:///etc/passwd', 'gopher://127.0.0.1:6379/_INFO', 'ftp://example.com/a.mp3', 'data:audio/wav;base64,AAAA', 'javascript:alert(1)', 'http://', 'not a url']) {
      assertClientError(await s.call('POST', '/v2/transcript', { body: { audio_url: url } }), 400, url);
      assertClientError(await s.call('POST', '/v2/transcript', { body: { audio_url: uploadUrl, webhook_url: url } }), 400, `webhook ${url}`);
    }
  });

  test('path tricks in ids are 400, never a lookup or a file', async () => {
    const tricks = [
      '..%2f..%2fetc%2fpasswd', '..%252f..%252f', '%2e%2e', 'a%00b', 'a%0d%0aSet-Cookie:x=1', '%E2%80%AEtxt.exe', '%F0%9F%98%80', "1'%20OR%20'1'='1",
      'a'.repeat(REQUEST_RULES.idMaxLength + 1), 'a'.repeat(20_000), '%20', 'a.b', 'a%2Fb',
    ];
    for (const id of tricks) {
      for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['GET', '/webhooks'], ['GET', '/sentences']] as const) {
        const reply = await s.call(method, `/v2/transcript/${id}${suffix}`);
        // 414: past Fastify's path-parameter limit; 431: past Node's header limit, refused before any route.
        assert.ok([400, 404, 414, 431].includes(reply.status), `${method} ${id.slice(0, 30)}${suffix}: ${reply.status}`);
        assertClientError(reply, reply.status, `${method} ${id.slice(0, 30)}${suffix}`);
        if (reply.status === 400) assert.match(reply.json.error, /transcript_id/);
      }
    }
    assertClientError(await s.call('GET', `/v2/upload/..%2f..%2f`), 400, 'upload id', /upload_id/);
    // A raw "../" is resolved by the client before it is sent; what arrives is another route.
    assertClientError(await s.call('GET', '/v2/transcript/../../etc/passwd'), 404, 'raw dot segments');
  });

  test('wrong methods and unknown routes are 4xx with an error body', async () => {
    for (const [method, path] of [
      ['PUT', '/v2/transcript'],
      ['PATCH', `/v2/transcript/${mine}`],
      ['PUT', `/v2/transcript/${mine}`],
      ['POST', `/v2/transcript/${mine}`],
      ['DELETE', '/v2/transcript'],
      ['GET', '/v2/upload'],
      ['DELETE', '/v2/upload'],
      ['GET', '/v1/audio/transcriptions'],
      ['GET', '/v2/nothing-here'],
    ] as const) {
      const reply = await s.call(method, path);
      assert.ok(reply.status >= 400 && reply.status < 500, `${method} ${path}: ${reply.status}`);
      assertClientError(reply, reply.status, `${method} ${path}`);
    }
  });

  test('the OpenAI form is checked field by field, with OpenAI error bodies', async () => {
    const audio = new Blob([await readFile(clipPath)]);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ temperature: 'hot' }, /temperature/],
      [{ temperature: '2' }, /temperature/],
      [{ response_format: 'xml' }, /response_format/],
      [{ stream: 'maybe' }, /stream/],
      [{ prompt: 'p'.repeat(REQUEST_RULES.promptMaxLength + 1) }, /prompt/],
      [{ language: 'klingon' }, /language/],
      [{ surprise: '1' }, /surprise/],
    ];
    for (const [fields, message] of cases) {
      const form = new FormData();
      form.set('file', audio, 'a.wav');
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      const reply = await s.call('POST', '/v1/audio/transcriptions', { raw: form });
      assertClientError(reply, 400, JSON.stringify(fields).slice(0, 60), message);
    }
    assertClientError(await s.call('POST', '/v1/audio/transcriptions', { raw: '{}', headers: { 'content-type': 'application/json' } }), 400, 'JSON instead of a form', /multipart/);
  });
});

/**
 * The same API over plain HTTP, for the failures (issue 4): other projects' ids, unsupported and
 * unknown options, bad JSON, keys, oversized uploads, corrupt audio, private-network URLs.
 */
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { forbiddenAddressReason } from '../../src/audio/address-guard.js';
import { librivoxClips, SHARED_AUDIO_DIR } from '../helpers/librivox.js';
import { startTestServer, type TestServer } from '../helpers/earshot-server.js';

const clipPath = librivoxClips().find((c) => c.id.endsWith('0880'))!.path;

describe('API errors', () => {
  let s: TestServer;
  let uploadUrl: string;
  let doneId: string;

  before(async () => {
    s = await startTestServer({ maxUploadBytes: 200_000 });
    const up = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 200, up.text);
    uploadUrl = up.json.upload_url;
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: uploadUrl } });
    assert.equal(created.status, 200, created.text);
    doneId = created.json.id;
    assert.equal((await s.waitFor(doneId)).status, 'completed');
  });
  after(() => s.close());

  test('missing, wrong and revoked keys get 401; "Bearer" is tolerated', async () => {
    for (const key of [null, '', 'wrong-key', `${s.keyA}x`]) {
      const reply = await s.call('GET', `/v2/transcript/${doneId}`, { key });
      assert.equal(reply.status, 401, `key ${JSON.stringify(key)}`);
      assert.deepEqual(reply.json, { error: 'Authentication error, API token missing/invalid' });
    }
    assert.equal((await s.call('GET', `/v2/transcript/${doneId}`, { key: `Bearer ${s.keyA}` })).status, 200);
    assert.equal((await s.call('POST', '/v2/upload', { key: null, raw: 'x' })).status, 401);
    assert.equal((await s.call('POST', '/v2/transcript', { key: 'nope', raw: '{bad json' , headers: { 'content-type': 'application/json' } })).status, 401);
    const created = await s.server.store.createApiKey('short-lived');
    assert.equal((await s.call('GET', '/v2/transcript', { key: created.key })).status, 200);
    await s.server.store.revokeApiKey(created.id);
    // Successful lookups are reused for authCacheMs (300 ms here), then the revocation shows.
    const revokedAt = Date.now();
    while ((await s.call('GET', '/v2/transcript', { key: created.key })).status !== 401) {
      assert.ok(Date.now() - revokedAt < 300 + 200, 'a revoked key is refused within the auth cache time');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  test("another project's transcript is 404 on every endpoint", async () => {
    const paths = ['', '/sentences', '/paragraphs', '/srt', '/vtt', '/word-search?words=man', '/redacted-audio', '/webhooks'];
    for (const path of paths) {
      const mine = await s.call('GET', `/v2/transcript/${doneId}${path}`);
      assert.notEqual(mine.status, 404, `own ${path}`);
      const theirs = await s.call('GET', `/v2/transcript/${doneId}${path}`, { key: s.keyB });
      assert.equal(theirs.status, 404, `GET ${path}: ${theirs.text}`);
      assert.deepEqual(Object.keys(theirs.json), ['error']);
      const missing = await s.call('GET', `/v2/transcript/7f1c8a52-0000-4000-8000-000000000000${path}`, { key: s.keyB });
      assert.equal(missing.text, theirs.text.replace(doneId, '7f1c8a52-0000-4000-8000-000000000000'), 'indistinguishable from a missing id');
    }
    assert.equal((await s.call('DELETE', `/v2/transcript/${doneId}`, { key: s.keyB })).status, 404);
    const list = await s.call('GET', '/v2/transcript', { key: s.keyB });
    assert.deepEqual(list.json.transcripts, []);
    // Nor can another project use this project's upload.
    const up = await s.call('POST', '/v2/upload', { raw: Buffer.from('bytes of project A'), headers: { 'content-type': 'application/octet-stream' } });
    const theirs = await s.call('POST', '/v2/transcript', { key: s.keyB, body: { audio_url: up.json.upload_url } });
    assert.equal(theirs.status, 400);
    assert.match(theirs.json.error, /not available.*Upload the file again/);
    assert.equal((await s.call('GET', `/v2/transcript/${doneId}`)).json.status, 'completed', 'still there for its owner');
  });

  test('unsupported options are refused with a 400 naming each; false and null are accepted', async () => {
    const refused = await s.call('POST', '/v2/transcript', {
      body: { audio_url: uploadUrl, domain: 'medical-v1', speaker_labels: true },
    });
    assert.equal(refused.status, 400);
    assert.match(refused.json.error, /not supported by this server yet: domain \(.*this server has none; leave domain unset\)\./);
    for (const [name, value] of [['domain', 'medical-v1']] as const) {
      const reply = await s.call('POST', '/v2/transcript', { body: { audio_url: 'https://example.com/a.mp3', [name]: value } });
      assert.equal(reply.status, 400, name);
      assert.match(reply.json.error, new RegExp(`not supported.*\\b${name}\\b`), name);
    }
    const unknown = await s.call('POST', '/v2/transcript', { body: { audio_url: uploadUrl, speaker_lables: true, colour: 'blue' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.error, /unknown fields: speaker_lables, colour/);
    for (const [name, value, pattern] of [
      ['language_code', 'fr', /language_code "fr" is not supported/],
      ['speech_model', 'best', /speech_model "best" is not available/],
      ['audio_start_from', -5, /audio_start_from must be >= 0/],
      ['audio_end_at', 'soon', /audio_end_at must be integer/],
      ['custom_spelling', [{ from: ['a'], to: 'b', extra: 1 }], /unknown field custom_spelling\.0\.extra/],
      ['webhook_url', 'ftp://hooks.example/x', /webhook_url must be an http or https URL/],
      ['summary_type', 'haiku', /summary_type/],
      ['boost_param', 'loud', /boost_param/],
    ] as const) {
      const reply = await s.call('POST', '/v2/transcript', { body: { audio_url: 'https://example.com/a.mp3', [name]: value } });
      assert.equal(reply.status, 400, `${name}: ${reply.text}`);
      assert.match(reply.json.error, pattern);
    }
    for (const [body, pattern] of [
      [{ redact_pii: true }, /redact_pii_policies must name at least one policy/],
      [{ redact_pii: true, redact_pii_policies: ['person_name', 'us_driver_license'] }, /us_driver_license is not supported; supported policies: .*person_name/],
      [{ redact_pii_audio: true }, /redact_pii_audio needs redact_pii/],
    ] as const) {
      const reply = await s.call('POST', '/v2/transcript', { body: { audio_url: 'https://example.com/a.mp3', ...body } });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.json.error, pattern);
    }
    const missing = await s.call('POST', '/v2/transcript', { body: { language_code: 'en' } });
    assert.equal(missing.status, 400);
    assert.match(missing.json.error, /audio_url is required/);

    // Everything switched off, and the supported options, are fine.
    const fresh = await s.call('POST', '/v2/upload', { raw: await readFile(clipPath), headers: { 'content-type': 'application/octet-stream' } });
    const accepted = await s.call('POST', '/v2/transcript', {
      body: {
        audio_url: fresh.json.upload_url,
        speaker_labels: false,
        punctuate: false,
        // null means "not set" (the default), no longer read as false: Ajv's type coercion is off.
        format_text: false,
        filter_profanity: null,
        auto_chapters: false,
        word_boost: [],
        speakers_expected: null,
        language_code: 'en_us',
        speech_model: 'nano',
        audio_start_from: 500,
        audio_end_at: 2800,
        custom_spelling: [{ from: ['young man'], to: 'Young-Man' }],
      },
    });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.status, 'queued');
    assert.equal(accepted.json.speech_model, 'nano');
    const done = await s.waitFor(accepted.json.id);
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.audio_start_from, 500);
    assert.ok(done.words.every((w: { start: number; end: number }) => w.end > 500 && w.start < 2800), JSON.stringify(done.words));
    assert.ok(done.words.some((w: { text: string }) => w.text === 'Young-Man'), `custom spelling applied: ${done.text}`);
    assert.deepEqual(done.custom_spelling, [{ from: ['young man'], to: 'Young-Man' }]);
    assert.equal(done.speech_model_used, 'en-us');
  });

  test('bad JSON, empty and non-object bodies are 400', async () => {
    const headers = { 'content-type': 'application/json' };
    const broken = await s.call('POST', '/v2/transcript', { raw: '{"audio_url": "https://example.com/a.mp3",', headers });
    assert.equal(broken.status, 400);
    assert.match(broken.json.error, /not valid JSON/);
    for (const raw of ['', '[]', '"text"', '42']) {
      const reply = await s.call('POST', '/v2/transcript', { raw, headers });
      assert.equal(reply.status, 400, `body ${JSON.stringify(raw)}`);
      assert.match(reply.json.error, /JSON object/);
    }
    const form = await s.call('POST', '/v2/transcript', { raw: 'audio_url=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const query = await s.call('GET', '/v2/transcript?limit=500');
    assert.equal(query.status, 400);
    assert.match(query.json.error, /query parameter limit must be <= 200/);
    const unknownRoute = await s.call('GET', '/v2/nothing-here');
    assert.equal(unknownRoute.status, 404);
    assert.ok(unknownRoute.json.error);
  });

  test('uploads over the limit are 413, empty ones 400', async () => {
    const wav = await readFile(`${SHARED_AUDIO_DIR}jfk.wav`);
    assert.ok(wav.length > 200_000);
    const big = await s.call('POST', '/v2/upload', { raw: wav, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(big.status, 413);
    assert.match(big.json.error, /over the 195 KiB limit for one file \(it is 344 KiB; .*EARSHOT_MAX_UPLOAD_BYTES/);
    const empty = await s.call('POST', '/v2/upload', { raw: Buffer.alloc(0), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(empty.status, 400);
    const noType = await s.call('POST', '/v2/upload', { raw: Buffer.from('some bytes') });
    assert.equal(noType.status, 200, noType.text);
  });

  test('corrupt audio ends the job in error with a reason, and the upload is dropped', async () => {
    const mp3 = await readFile(`${SHARED_AUDIO_DIR}jfk.mp3`);
    const garbage = Buffer.concat([mp3.subarray(0, 64), Buffer.alloc(60_000, 0x5a)]);
    const before = s.server.vault.size.uploads;
    const up = await s.call('POST', '/v2/upload', { raw: garbage, headers: { 'content-type': 'application/octet-stream' } });
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url } });
    const done = await s.waitFor(created.json.id);
    assert.equal(done.status, 'error');
    assert.match(done.error, /audio|decode|corrupt|format/i);
    assert.equal(done.text, null);
    assert.equal(s.server.vault.size.uploads, before, 'the upload left memory when its job ended');
    const again = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url } });
    assert.equal(again.status, 400, 'a used upload cannot be transcribed again');
    const srt = await s.call('GET', `/v2/transcript/${created.json.id}/srt`);
    assert.equal(srt.status, 400);
    assert.match(srt.json.error, /is error/);
  });

  test('audio_url and webhook_url on loopback or private networks are refused', async () => {
    for (const url of [
      'http://127.0.0.1:9/a.mp3',
      'http://localhost/a.mp3',
      'http://10.1.2.3/a.mp3',
      'http://192.168.0.10/a.mp3',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/a.mp3',
      'http://[::ffff:127.0.0.1]/a.mp3',
    ]) {
      const reply = await s.call('POST', '/v2/transcript', { body: { audio_url: url } });
      assert.equal(reply.status, 400, url);
      assert.match(reply.json.error, /only public addresses/, url);
      const hook = await s.call('POST', '/v2/transcript', { body: { audio_url: 'https://example.com/a.mp3', webhook_url: url } });
      assert.equal(hook.status, 400, `webhook ${url}`);
    }
    const file = await s.call('POST', '/v2/transcript', { body: { audio_url: 'file:///etc/passwd' } });
    assert.equal(file.status, 400);
    assert.match(file.json.error, /http or https/);
  });

  test('a host name that resolves to a private address is refused at the door', async (t) => {
    // Names are resolved when the request arrives, and checked again per redirect and connection.
    const host = hostname();
    const addresses = await lookup(host, { all: true }).catch(() => []);
    if (addresses.length === 0 || addresses.some((a) => forbiddenAddressReason(a.address) === null)) {
      return t.skip(`this machine's name (${host}) does not resolve to a private address only`);
    }
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: `http://${host}:9/a.mp3` } });
    assert.equal(created.status, 400, created.text);
    assert.match(created.json.error, /audio_url: Refusing to fetch from .*resolves to an address that is not public/);
    // What the name resolved to stays on the server.
    for (const { address } of addresses) assert.ok(!created.json.error.includes(address), created.json.error);
  });

  test('transcripts in progress cannot be deleted; deleting twice is fine', async () => {
    const wav = await readFile(clipPath);
    const up = await s.call('POST', '/v2/upload', { raw: wav, headers: { 'content-type': 'application/octet-stream' } });
    const created = await s.call('POST', '/v2/transcript', { body: { audio_url: up.json.upload_url } });
    const early = await s.call('DELETE', `/v2/transcript/${created.json.id}`);
    assert.equal(early.status, 400);
    assert.match(early.json.error, /is (queued|processing)/);
    await s.waitFor(created.json.id);
    const deleted = await s.call('DELETE', `/v2/transcript/${created.json.id}`);
    assert.equal(deleted.status, 200);
    assert.equal(deleted.json.text, 'Deleted by user.');
    assert.equal((await s.call('DELETE', `/v2/transcript/${created.json.id}`)).status, 200);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isEarshotError } from '../../src/errors.js';
import { describeBackends, recordingLogger } from './backends.js';

describeBackends('API keys', (test) => {
  test('a created key authenticates to its project; the plaintext is never stored', async (env) => {
    const store = await env.open();
    const created = await store.createApiKey('laptop');
    assert.match(created.key, /^esk_[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    assert.deepEqual(await store.authenticate(created.key), { keyId: created.id, projectId: created.projectId });

    const rows = await env.query<{ key_hash: string }>('select key_hash from api_keys');
    assert.deepEqual(rows.map((r) => r.key_hash), [createHash('sha256').update(created.key).digest('hex')]);
    assert.ok(!JSON.stringify(rows).includes(created.key.slice(4)));
  });

  test('unknown, empty, altered and absurdly long keys do not authenticate', async (env) => {
    const store = await env.open();
    const { key } = await store.createApiKey('ci');
    for (const wrong of ['', 'esk_nope', key.slice(0, -1), `${key}x`, key.toUpperCase(), 'x'.repeat(10_000)]) {
      assert.equal(await store.authenticate(wrong), null, `"${wrong.slice(0, 20)}…" must not authenticate`);
    }
  });

  test('a key created for an existing project shares it; an unknown project is refused', async (env) => {
    const store = await env.open();
    const first = await store.createApiKey('first');
    const second = await store.createApiKey('second', first.projectId);
    assert.equal(second.projectId, first.projectId);
    assert.notEqual(second.key, first.key);
    assert.equal((await store.authenticate(second.key))?.projectId, first.projectId);
    await assert.rejects(store.createApiKey('orphan', '00000000-0000-4000-8000-000000000000'), (e) => isEarshotError(e, 'not_found'));
  });

  test('list shows keys without secrets; revoke stops a key and only that key', async (env) => {
    const store = await env.open();
    const a = await store.createApiKey('a');
    const b = await store.createApiKey('b', a.projectId);
    const other = await store.createApiKey('other');

    const listed = await store.listApiKeys(a.projectId);
    assert.deepEqual(listed.map((k) => k.name).sort(), ['a', 'b']);
    assert.ok(listed.every((k) => k.revokedAt === null && /^[0-9a-f]{12}$/.test(k.fingerprint)));
    assert.ok(!JSON.stringify(listed).includes(a.key) && !JSON.stringify(listed).includes(b.key));
    assert.equal((await store.listApiKeys()).length, 3);

    assert.equal(await store.revokeApiKey(a.id, other.projectId), false, 'another project cannot revoke it');
    assert.ok(await store.authenticate(a.key));
    assert.equal(await store.revokeApiKey(a.id, a.projectId), true);
    assert.equal(await store.revokeApiKey(a.id), false, 'already revoked');
    assert.equal(await store.authenticate(a.key), null);
    assert.ok(await store.authenticate(b.key), 'the sibling key still works');
    assert.notEqual((await store.listApiKeys(a.projectId)).find((k) => k.id === a.id)?.revokedAt, null);
  });

  test('seeding: plain keys get their own project, project:key entries share one, re-seeding is a no-op', async (env) => {
    const logger = recordingLogger();
    const store = await env.open({ logger });
    const solo = 'solo-0123456789abcdefghijklmnop';
    const teamA = 'team:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const teamB = 'team:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const seeded = await store.seedApiKeys([solo, ` ${teamA} `, teamB, '']);
    assert.equal(seeded.length, 3);
    assert.ok(seeded.every((s) => s.created && !s.revoked));
    assert.equal(seeded[1].projectId, seeded[2].projectId);
    assert.equal(seeded[1].projectName, 'team');
    assert.notEqual(seeded[0].projectId, seeded[1].projectId);
    assert.match(seeded[0].projectName, /^key-[0-9a-f]{12}$/);

    assert.equal((await store.authenticate(solo))?.projectId, seeded[0].projectId);
    assert.equal((await store.authenticate('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'))?.projectId, seeded[1].projectId);
    assert.equal(await store.authenticate(teamA), null, 'the project prefix is not part of the key');
    assert.deepEqual(logger.lines, [], 'long keys draw no warning');

    await store.close();
    const again = await env.open();
    const reseeded = await again.seedApiKeys([solo, teamA, teamB]);
    assert.deepEqual(reseeded.map((s) => s.created), [false, false, false]);
    assert.deepEqual(reseeded.map((s) => [s.keyId, s.projectId]), seeded.map((s) => [s.keyId, s.projectId]));
    assert.equal((await again.listApiKeys()).length, 3, 'no duplicate keys');
  });

  test('seeding never un-revokes, warns about short keys and about a key moved to another project', async (env) => {
    const logger = recordingLogger();
    const store = await env.open({ logger });
    const [short] = await store.seedApiKeys(['short-key']);
    assert.ok(logger.lines.some((l) => l.startsWith('warn:') && l.includes('only 9 characters')));
    assert.ok(!logger.lines.join('\n').includes('short-key'), 'a warning never prints the key');

    await store.revokeApiKey(short.keyId);
    const [again] = await store.seedApiKeys(['short-key']);
    assert.equal(again.revoked, true);
    assert.equal(await store.authenticate('short-key'), null);

    await store.seedApiKeys(['one:cccccccccccccccccccccccccccccc']);
    const [moved] = await store.seedApiKeys(['two:cccccccccccccccccccccccccccccc']);
    assert.equal(moved.projectName, 'one', 'a seeded key keeps its project');
    assert.ok(logger.lines.some((l) => l.includes('already belongs to project "one"')));

    await assert.rejects(store.seedApiKeys(['bad project:key']), (e) => isEarshotError(e, 'config_invalid'));
  });
});

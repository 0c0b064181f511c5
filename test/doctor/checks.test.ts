import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { judgeNodeVersion, SUPPORTED_NODE_LINES } from '../../src/doctor/runtime.js';

test('the Node lines doctor accepts are the ones package.json declares', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  assert.equal(pkg.engines.node, SUPPORTED_NODE_LINES.map((l) => `^${l.minimum}`).join(' || '));
});

test('node versions: too old fails, an untested line warns, a supported one passes', () => {
  assert.equal(judgeNodeVersion('18.20.4').status, 'fail');
  assert.equal(judgeNodeVersion('20.18.0').status, 'fail');
  assert.match(judgeNodeVersion('20.18.0').fix ?? '', /latest Node 20\.x/);
  assert.equal(judgeNodeVersion('20.19.0').status, 'ok');
  assert.equal(judgeNodeVersion('22.11.0').status, 'fail');
  assert.equal(judgeNodeVersion('22.12.0').status, 'ok');
  assert.equal(judgeNodeVersion('23.6.0').status, 'warn');
  assert.equal(judgeNodeVersion('24.0.0').status, 'ok');
  assert.equal(judgeNodeVersion('25.1.0').status, 'warn');
});

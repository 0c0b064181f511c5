/**
 * A throw-away self-signed certificate for 127.0.0.1/localhost, made with openssl for one test
 * run: the server gets it as --tls-cert/--tls-key, clients trust it as their CA (`ca` for `ws`,
 * NODE_EXTRA_CA_CERTS for a child process running the SDK).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  dir: string;
  certPath: string;
  keyPath: string;
  cert: Buffer;
  remove(): Promise<void>;
}

export async function makeTestCertificate(): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=earshot-test', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyPath, '-out', certPath,
  ]);
  return { dir, certPath, keyPath, cert: await readFile(certPath), remove: () => rm(dir, { recursive: true, force: true }) };
}

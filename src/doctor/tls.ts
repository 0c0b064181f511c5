import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Check, type CheckResult, fail, ok, warn } from './check.js';

const DAY = 24 * 3600 * 1000;

/**
 * The certificate and key `serve --tls-cert/--tls-key` would load: both given, both parse, the key
 * is the certificate's (X509Certificate.checkPrivateKey), and the certificate is in its validity period.
 */
export function tlsCheck(certPath: string | undefined, keyPath: string | undefined, now = new Date()): Check {
  return { name: 'tls', run: () => judgeTls(certPath, keyPath, now) };
}

async function judgeTls(certPath: string | undefined, keyPath: string | undefined, now: Date): Promise<CheckResult> {
  if (!certPath || !keyPath) {
    return fail(`--tls-cert and --tls-key go together; only ${certPath ? '--tls-cert' : '--tls-key'} is set`, 'give both (EARSHOT_TLS_CERT and EARSHOT_TLS_KEY), or neither for plain http');
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(await readFile(certPath));
  } catch (error) {
    return fail(`${certPath}: not a readable PEM certificate (${(error as Error).message})`, 'point --tls-cert at the PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  let key;
  try {
    key = createPrivateKey(await readFile(keyPath));
  } catch (error) {
    return fail(`${keyPath}: not a readable PEM private key (${(error as Error).message})`, 'point --tls-key at the unencrypted PEM private key');
  }
  if (!cert.checkPrivateKey(key)) {
    return fail(`${keyPath} is not the private key of ${certPath} (${subject(cert)})`, 'give the key the certificate was issued for, or issue a new certificate for this key');
  }
  const notAfter = new Date(cert.validTo);
  if (now < new Date(cert.validFrom)) return fail(`${certPath} is not valid before ${cert.validFrom}`, 'check the clock, or use a certificate valid now');
  if (now > notAfter) return fail(`${certPath} expired on ${cert.validTo}`, 'renew the certificate');
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY);
  if (days < 14) return warn(`${certPath} (${subject(cert)}) expires in ${days} days`, 'renew the certificate');
  return ok(`${certPath} (${subject(cert)}) matches its key, valid until ${cert.validTo}`);
}

function subject(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

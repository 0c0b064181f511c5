import type { Reservation } from './byte-budget.js';
import { formatBytes } from '../format-bytes.js';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { EarshotError, isEarshotError } from '../errors.js';
import { describeConnectionError, pinnedLookup, vetHost, type VettedAddress } from './address-guard.js';

export interface RemoteFetchOptions {
  /** Fail with `audio_too_large` once the body would exceed this many bytes. */
  maxBytes: number;
  /** Total time for all redirects and the whole body; over it fails with `remote_timeout`. */
  timeoutMs: number;
  /** Allow loopback and private addresses (the CLI fetching for its own user). Default false. */
  allowPrivateNetworks?: boolean;
  /** Origins ("http://media.internal:8080") exempt from the private-network guard. */
  allowedOrigins?: string[];
  /** Default 5. */
  maxRedirects?: number;
  /** Aborting stops the download; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (received: number, total?: number) => void;
  /**
   * A memory-budget reservation the download grows into: by `content-length` before the body is
   * read, then as bytes arrive; it waits while the budget is full. The caller releases it.
   */
  held?: Reservation;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEADERS = {
  'user-agent': 'Earshot/0.1 (speech-to-text; fetching audio)',
  accept: 'audio/*, video/*;q=0.9, */*;q=0.5',
  // The decoder needs the file's own bytes; a compressed transfer would only be undone again.
  'accept-encoding': 'identity',
};

/**
 * Downloads a remote audio file into memory (never to disk), refusing private networks unless
 * allowed. Every hop of a redirect chain is checked again, and each connection goes to the
 * address that was checked.
 */
export async function fetchRemoteAudio(url: string, options: RemoteFetchOptions): Promise<Buffer> {
  const maxRedirects = options.maxRedirects ?? 5;
  const allowed = new Set((options.allowedOrigins ?? []).map((origin) => parseUrl(origin).origin));
  let current = parseUrl(url);
  let received = 0;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await request(current, await vet(current, options, allowed, signal), signal);
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode ?? 0) && location !== undefined) {
        response.destroy();
        if (redirects >= maxRedirects) {
          throw new EarshotError('remote_fetch_failed', `Too many redirects (more than ${maxRedirects}) fetching ${shown(parseUrl(url))}.`);
        }
        current = parseUrl(location, current);
        continue;
      }
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.destroy();
        throw new EarshotError(
          'remote_fetch_failed',
          `HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd() + ` from ${shown(current)}; check that the URL is public and still valid.`,
        );
      }
      return await readBody(response, current, options, signal, (n) => (received = n));
    }
  } catch (err) {
    if (deadline.signal.aborted && !isEarshotError(err)) {
      throw new EarshotError(
        'remote_timeout',
        `Fetching ${shown(current)} took longer than ${options.timeoutMs} ms (${received} bytes received); try a faster source or a longer timeout.`,
        { cause: err },
      );
    }
    if (options.signal?.aborted) throw options.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new EarshotError('invalid_request', `"${text}" is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EarshotError(
      'remote_forbidden',
      `Only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, '')}:${base ? ` (redirected from ${shown(base)})` : ''}.`,
    );
  }
  return url;
}

async function vet(url: URL, options: RemoteFetchOptions, allowed: Set<string>, signal: AbortSignal): Promise<VettedAddress[]> {
  const exempt = options.allowPrivateNetworks === true || allowed.has(url.origin);
  // getaddrinfo cannot be cancelled; racing it keeps a hung resolver inside the time limit.
  return await new Promise<VettedAddress[]>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    vetHost(url.hostname, exempt)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function request(url: URL, addresses: VettedAddress[], signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'GET',
      headers: HEADERS,
      signal,
      lookup: pinnedLookup(addresses),
      // No pooled sockets: one made for another call could lead to an address this call never vetted.
      agent: false,
    });
    req.once('response', resolve);
    req.once('error', (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return reject(err);
      reject(new EarshotError('remote_fetch_failed', `Could not fetch ${shown(url)}: ${describeConnectionError(err)}.`, { cause: err }));
    });
    req.end();
  });
}

async function readBody(
  response: IncomingMessage,
  url: URL,
  options: RemoteFetchOptions,
  signal: AbortSignal,
  onReceived: (n: number) => void,
): Promise<Buffer> {
  const header = response.headers['content-length'];
  const total = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  if (total !== undefined && total > options.maxBytes) {
    response.destroy();
    throw tooLarge(url, options.maxBytes, `it is ${formatBytes(total)}`);
  }
  if (total !== undefined) await options.held?.ensureWhenFree(total, signal);
  // With a declared length the body lands in one buffer of that size: no chunk list and no
  // second whole-file copy to join them.
  const whole = total !== undefined && total > 0 ? Buffer.allocUnsafe(total) : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      received += chunk.length;
      onReceived(received);
      if (received > options.maxBytes) {
        response.destroy();
        throw tooLarge(url, options.maxBytes, `it sent more than that`);
      }
      if (whole && received <= whole.length) chunk.copy(whole, received - chunk.length);
      else {
        // Chunked, or more than it declared: counted as it streams.
        await options.held?.ensureWhenFree(received, signal);
        chunks.push(chunk);
      }
      options.onProgress?.(received, total);
    }
  } catch (err) {
    // An abort is the caller's to name (timeout or cancel); anything else broke the connection.
    if (isEarshotError(err) || signal.aborted) throw err;
    throw new EarshotError('remote_fetch_failed', `The connection to ${shown(url)} broke after ${received} bytes; try again.`, { cause: err });
  }
  if (total !== undefined && received < total) {
    throw new EarshotError('remote_fetch_failed', `${shown(url)} ended after ${received} of ${total} bytes; try again.`);
  }
  if (received === 0) {
    throw new EarshotError('audio_empty', `${shown(url)} returned no bytes; check that the URL points at an audio file.`);
  }
  if (whole) return chunks.length === 0 ? whole : Buffer.concat([whole, ...chunks], received);
  return Buffer.concat(chunks, received);
}

function tooLarge(url: URL, maxBytes: number, why: string): EarshotError {
  return new EarshotError(
    'audio_too_large',
    `The audio at ${shown(url)} is over the ${formatBytes(maxBytes)} limit (${why}); use a shorter file or raise the limit.`,
  );
}

/**
 * The URL as it may appear in messages and logs: user info and query string dropped, since
 * pre-signed storage URLs carry their credentials there.
 */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}


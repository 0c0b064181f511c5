/**
 * The web app at `/` (issue #13): the static files Vite builds from `web/` into `dist/web/`, served
 * from memory with a strict Content-Security-Policy. The page is only a client of the public API
 * (same origin, the user's API key), so nothing here reads the store or knows about keys.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * Only this origin, no inline script or style, no framing. `connect-src 'self'` covers the API
 * and, in CSP Level 3 browsers, the same-origin ws:/wss: streaming socket; `blob:` media is the
 * user's own local file played back beside its transcript; the microphone's AudioWorklet module
 * is a static file under script-src.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** `dist/web/` of this checkout or package, from `src/api/` (tsx) and `dist/api/` (built) alike. */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../dist/web/', import.meta.url));
}

export interface WebAppOptions {
  /** Folder of the built app; null turns the app off. Default: defaultWebRoot(). */
  root?: string | null;
}

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
  cache: string;
}

export const webAppRoutes: FastifyPluginAsync<WebAppOptions> = async (app, options) => {
  const root = options.root === undefined ? defaultWebRoot() : options.root;
  if (root === null) return;
  const files = existsSync(join(root, 'index.html')) ? await loadFiles(root) : new Map<string, StaticFile>();

  const send = (reply: FastifyReply, file: StaticFile, ifNoneMatch: string | undefined) => {
    securityHeaders(reply).header('cache-control', file.cache).header('etag', file.etag);
    if (ifNoneMatch === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  };

  const index = files.get('/index.html');
  if (!index) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      securityHeaders(reply)
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built here: run scripts/setup.sh (it builds web/ into dist/web/). The API is at /v2, its documentation at /docs.\n'),
    );
    return;
  }
  app.get('/', { schema: { hide: true } }, async (request, reply) => send(reply, index, request.headers['if-none-match']));
  for (const [path, file] of files) {
    if (path === '/index.html') continue;
    app.get(path, { schema: { hide: true } }, async (request, reply) => send(reply, file, request.headers['if-none-match']));
  }
};

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('permissions-policy', 'microphone=(self), camera=(), geolocation=()');
}

/** Every file under root, keyed by its URL path; the app is a few hundred kB, so memory it is. */
async function loadFiles(root: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = '/' + relative(root, full).split(sep).join('/');
    const body = await readFile(full);
    // Vite names what it builds under assets/ by content hash: those never change.
    const hashed = path.startsWith('/assets/');
    files.set(path, {
      body,
      type: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cache: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

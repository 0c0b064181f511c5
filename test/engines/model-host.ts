import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A model host on 127.0.0.1. The first path segment picks its behaviour:
 * `/range/<file>` honours Range, `/norange/<file>` ignores it (always 200, whole file),
 * `/drop/<file>` cuts the first response for each file halfway, then honours Range;
 * `/stall/<file>` sends half the file and then nothing, keeping the connection open.
 */
export class ModelHost {
  readonly files = new Map<string, Buffer>();
  readonly requests: { mode: string; file: string; range?: string }[] = [];
  private readonly dropped = new Set<string>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.dropped.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const [, mode = '', file = ''] = (req.url ?? '').split('/');
    this.requests.push({ mode, file, range: req.headers.range });
    const body = this.files.get(file);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    let start = 0;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match && mode !== 'norange') {
      start = Number(match[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
    } else {
      res.writeHead(200, { 'content-length': body.length });
    }
    const rest = body.subarray(start);
    if (mode === 'stall') {
      res.write(rest.subarray(0, Math.floor(rest.length / 2)));
      return;
    }
    if (mode === 'drop' && !this.dropped.has(file)) {
      this.dropped.add(file);
      res.write(rest.subarray(0, Math.floor(rest.length / 2)), () => req.socket.destroy());
      return;
    }
    res.end(rest);
  }
}

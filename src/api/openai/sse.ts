import type { FastifyReply } from 'fastify';
import { toOpenAiError } from './errors.js';

/**
 * Server-sent events for `stream=true`, as the SDK's `Stream.fromSSEResponse` reads them: one
 * `data: <json>` block per event; a `data` object with `error` makes the SDK throw `APIError`.
 * The 200 and its headers go out with the first event, so a failure before any text (the file
 * is not audio, say) is still an ordinary JSON error with its own status.
 */
export class SseWriter {
  private started = false;

  constructor(
    private readonly reply: FastifyReply,
    private readonly headers: Record<string, string> = {},
  ) {}

  get hasStarted(): boolean {
    return this.started;
  }

  send(event: object): void {
    this.start();
    const raw = this.reply.raw;
    if (!raw.destroyed && !raw.writableEnded) raw.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  /** Ends the stream with an error event (only once it has started; before, throw instead). */
  fail(error: unknown): void {
    this.send(toOpenAiError(error).body);
    this.end();
  }

  end(): void {
    this.start();
    if (!this.reply.raw.writableEnded) this.reply.raw.end();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    // Fastify steps aside: the response is written by hand from here on.
    this.reply.hijack();
    this.reply.raw.writeHead(200, {
      ...this.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Proxies such as nginx would otherwise hold the deltas back until the end.
      'x-accel-buffering': 'no',
    });
  }
}

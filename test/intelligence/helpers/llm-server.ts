import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';

/**
 * A real OpenAI-compatible HTTP server for the LLM path: POST /v1/chat/completions answered by
 * `answer(request)`, which returns the assistant text, or one of the failure behaviours. Replies
 * are typed as the openai SDK's ChatCompletion so they have the shape real servers send.
 */
export type Behaviour =
  | { kind: 'answer'; text: string }
  | { kind: 'status'; status: number; body: string }
  /** Never answers (until the server closes): the client's timeout must fire. */
  | { kind: 'hang' }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage'; body: string };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: ChatCompletionCreateParamsNonStreaming;
}

export interface LlmServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLlmServer(behave: (request: RecordedRequest) => Behaviour): Promise<LlmServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, '{"error":"not found"}');
      const request: RecordedRequest = { path: req.url, headers: req.headers, body: JSON.parse(raw) };
      requests.push(request);
      const behaviour = behave(request);
      switch (behaviour.kind) {
        case 'answer':
          return send(res, 200, JSON.stringify(completion(request.body.model, behaviour.text)));
        case 'status':
          return send(res, behaviour.status, behaviour.body);
        case 'garbage':
          return send(res, 200, behaviour.body);
        case 'hang':
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function completion(model: string, text: string): ChatCompletion {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: text, refusal: null } }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** The text of the user message of a recorded request. */
export function userPrompt(request: RecordedRequest): string {
  const user = request.body.messages.find((m) => m.role === 'user');
  return typeof user?.content === 'string' ? user.content : '';
}

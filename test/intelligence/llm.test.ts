/**
 * The LLM path against a real local OpenAI-compatible server (helpers/llm-server.ts): generated
 * summaries and chapter titles when it answers, and the offline method, with the reason, when
 * it fails, hangs or answers something else.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isEarshotError } from '../../src/errors.js';
import { analyzeTranscript } from '../../src/intelligence/analyze.js';
import { autoChapters } from '../../src/intelligence/chapters/chapters.js';
import { llmConfigFromEnv, type LlmConfig } from '../../src/intelligence/llm/config.js';
import type { LlmFallback } from '../../src/intelligence/llm/fallback.js';
import { summarize } from '../../src/intelligence/summary/summary.js';
import { startLlmServer, userPrompt, type Behaviour, type LlmServer, type RecordedRequest } from './helpers/llm-server.js';
import { repeatSentences, spoken } from './helpers/transcript.js';

const BREAD = [
  'Sourdough bread needs a lively starter made from flour and water.',
  'You feed the starter with fresh flour every day until it doubles.',
  'The dough rests overnight in the fridge so the bread develops flavour.',
  'Bake the bread in a hot cast iron pot so the crust turns dark.',
];
const STARS = [
  'A small telescope shows the moons of Jupiter and the rings of Saturn.',
  'The telescope collects more light than the eye, so faint galaxies appear.',
  'Dark skies away from city lights reveal the Milky Way galaxy.',
  'Astronomers count billions of stars in every spiral galaxy.',
];
// Two subjects, three minutes each, so the offline segmentation makes two chapters.
const transcript = spoken([...repeatSentences(BREAD, 40), ...repeatSentences(STARS, 40)]);

/** The server's behaviour is chosen by the model name each test configures. */
function behave(request: RecordedRequest): Behaviour {
  const prompt = userPrompt(request);
  const chapters = Number(/For each of the (\d+) chapters/.exec(prompt)?.[1] ?? 0);
  switch (request.body.model) {
    case 'good':
      if (chapters > 0) {
        const list = Array.from({ length: chapters }, (_, i) => ({ headline: `LLM headline ${i + 1}`, gist: `LLM gist ${i + 1}`, summary: `LLM summary ${i + 1}.` }));
        return { kind: 'answer', text: '```json\n' + JSON.stringify({ chapters: list }) + '\n```' };
      }
      return { kind: 'answer', text: '<think>the user wants bullets</think>\n- LLM bullet one\n- LLM bullet two' };
    case 'error500':
      return { kind: 'status', status: 500, body: '{"error":"model crashed"}' };
    case 'hang':
      return { kind: 'hang' };
    case 'garbage':
      return { kind: 'garbage', body: '<html>Bad gateway</html>' };
    case 'nochoices':
      return { kind: 'status', status: 200, body: '{"object":"chat.completion","choices":[]}' };
    default:
      return { kind: 'answer', text: chapters > 0 ? '{"chapters":[]}' : 'Sure! Here is a summary in prose.' };
  }
}

let server: LlmServer;
const config = (model: string, extra: Partial<LlmConfig> = {}): LlmConfig => ({ baseUrl: server.baseUrl, model, apiKey: 'test-key', timeoutMs: 300, ...extra });

before(async () => {
  server = await startLlmServer(behave);
});
after(() => server.close());

test('with a working endpoint the summary is generated, from the transcript, in the requested format', async () => {
  const before = server.requests.length;
  const result = await summarize(transcript, { summary_type: 'bullets', summary_model: 'catchy' }, { llm: config('good') });
  assert.deepEqual(result, { value: '- LLM bullet one\n- LLM bullet two', source: 'llm' });
  const request = server.requests[before];
  assert.equal(request.path, '/v1/chat/completions');
  assert.equal(request.headers.authorization, 'Bearer test-key');
  assert.equal(request.body.model, 'good');
  assert.equal(request.body.messages[0].role, 'system');
  const prompt = userPrompt(request);
  assert.match(prompt, /bullet points\. Each bullet is one line that starts with "- "/);
  assert.match(prompt, /catchy/);
  assert.ok(prompt.includes(BREAD[0]) && prompt.includes(STARS[0]), 'the transcript is in the prompt');
});

test('with a working endpoint chapters keep the offline boundaries and take the generated titles', async () => {
  const offline = await autoChapters(transcript);
  const generated = await autoChapters(transcript, { llm: config('good') });
  assert.equal(generated.source, 'llm');
  assert.equal(offline.value.length, 2);
  assert.deepEqual(generated.value.map((c) => [c.start, c.end]), offline.value.map((c) => [c.start, c.end]));
  assert.deepEqual(generated.value.map((c) => [c.headline, c.gist, c.summary]), [
    ['LLM headline 1', 'LLM gist 1', 'LLM summary 1.'],
    ['LLM headline 2', 'LLM gist 2', 'LLM summary 2.'],
  ]);
});

const failures: [string, RegExp, RegExp][] = [
  ['error500', /HTTP 500: .*model crashed/, /HTTP 500/],
  ['hang', /no answer within 300 ms/, /no answer within 300 ms/],
  ['garbage', /not JSON: "<html>Bad gateway<\/html>"/, /not JSON/],
  ['nochoices', /no choices\[0\]\.message\.content/, /no choices/],
  ['wrongshape', /malformed answer, no bullet points/, /malformed answer, 0 chapters for 2/],
];

for (const [model, summaryReason, chaptersReason] of failures) {
  test(`a failing endpoint (${model}) falls back to the offline method and says why`, async () => {
    const offlineSummary = await summarize(transcript, { summary_type: 'bullets' });
    const summary = await summarize(transcript, { summary_type: 'bullets' }, { llm: config(model) });
    assert.equal(summary.source, 'offline');
    assert.equal(summary.value, offlineSummary.value);
    assert.equal(summary.fallback?.feature, 'summary');
    assert.match(summary.fallback?.reason ?? '', summaryReason);

    const offlineChapters = await autoChapters(transcript);
    const chapters = await autoChapters(transcript, { llm: config(model) });
    assert.equal(chapters.source, 'offline');
    assert.deepEqual(chapters.value, offlineChapters.value);
    assert.match(chapters.fallback?.reason ?? '', chaptersReason);
  });
}

test('analyzeTranscript reports each fallback and still returns every result', async () => {
  const fallbacks: LlmFallback[] = [];
  const result = await analyzeTranscript(
    transcript,
    { summarization: true, auto_chapters: true, iab_categories: true },
    { llm: config('error500'), onFallback: (f) => fallbacks.push(f) },
  );
  assert.deepEqual(fallbacks.map((f) => f.feature).sort(), ['chapters', 'summary']);
  assert.match(result.summary ?? '', /^- /);
  assert.equal(result.chapters?.length, 2);
  assert.ok(result.iab_categories_result);
});

test("cancelling the caller's signal aborts the request instead of falling back", async () => {
  const controller = new AbortController();
  const aborting = await startLlmServer(() => {
    controller.abort(new Error('job cancelled'));
    return { kind: 'hang' };
  });
  try {
    await assert.rejects(
      summarize(transcript, {}, { llm: { baseUrl: aborting.baseUrl, model: 'm', timeoutMs: 60_000 }, signal: controller.signal }),
      /job cancelled/,
    );
  } finally {
    await aborting.close();
  }
});

test('long transcripts are condensed to the input budget, keeping the most central sentences', async () => {
  const before = server.requests.length;
  await summarize(transcript, {}, { llm: config('good', { maxInputChars: 400 }) });
  const prompt = userPrompt(server.requests[before]);
  const body = prompt.slice(prompt.indexOf(':\n') + 2);
  assert.ok(body.length <= 400, `${body.length} characters`);
  assert.match(prompt, /most central sentences of a longer recording/);
});

test('the endpoint is configured from EARSHOT_LLM_* variables, all or nothing', () => {
  assert.equal(llmConfigFromEnv({}), undefined);
  assert.deepEqual(llmConfigFromEnv({ EARSHOT_LLM_BASE_URL: 'http://localhost:11434/v1', EARSHOT_LLM_MODEL: 'llama3.2' }), {
    baseUrl: 'http://localhost:11434/v1',
    model: 'llama3.2',
  });
  assert.deepEqual(
    llmConfigFromEnv({ EARSHOT_LLM_BASE_URL: 'https://api.example.com/v1', EARSHOT_LLM_MODEL: 'm', EARSHOT_LLM_API_KEY: 'k', EARSHOT_LLM_TIMEOUT_MS: '5000' }),
    { baseUrl: 'https://api.example.com/v1', model: 'm', apiKey: 'k', timeoutMs: 5000 },
  );
  for (const env of [
    { EARSHOT_LLM_BASE_URL: 'http://localhost:1/v1' },
    { EARSHOT_LLM_MODEL: 'm' },
    { EARSHOT_LLM_BASE_URL: 'localhost:11434', EARSHOT_LLM_MODEL: 'm' },
    { EARSHOT_LLM_BASE_URL: 'ftp://x/v1', EARSHOT_LLM_MODEL: 'm' },
    { EARSHOT_LLM_BASE_URL: 'http://x/v1', EARSHOT_LLM_MODEL: 'm', EARSHOT_LLM_TIMEOUT_MS: 'soon' },
  ]) {
    assert.throws(() => llmConfigFromEnv(env), (err) => isEarshotError(err, 'config_invalid'), JSON.stringify(env));
  }
});

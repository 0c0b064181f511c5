/**
 * `node --import tsx bench/soak.ts [--minutes 60] [--sample-seconds 60] [--out bench/out/soak-report.html]`
 * (issue 15, not part of the test run): steady mixed load against a real `earshot serve` process,
 * started here with the operator's settings from the environment:
 *   - uploads: a LibriVox clip uploaded, transcribed (punctuation, speakers, PII redaction with
 *     the bleeped audio on every other job), polled to the end and deleted, one after another;
 *   - streaming: one /v3/ws session at a time, a clip streamed at real-time pace, then Terminate;
 *   - reads: GET /v2/transcript (list), the last finished transcript and /healthz, twice a second.
 * Every sample period the server's RSS (/proc), its open handles (`nodejs_active_handles` from
 * /metrics) and the latencies of the period are recorded; the end writes an HTML report with
 * inline SVG plots. The targets: memory flat after warm-up, handles flat, zero errors.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { librivoxClips } from '../test/helpers/librivox.js';
import { startServerProcess, type ServerProcess } from '../test/helpers/server-process.js';
import { wavSamples } from './speech-file.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const minutes = Number(flag('minutes', '60'));
const sampleSeconds = Number(flag('sample-seconds', '60'));
const out = flag('out', 'bench/out/soak-report.html');
const RATE = 16000;
const CHUNK_MS = 50;

interface Sample {
  minute: number;
  rssMiB: number;
  handles: number;
  getP50: number;
  getP95: number;
  jobP50: number;
  jobs: number;
  streams: number;
  gets: number;
  errors: number;
  load: number;
}

const clips = librivoxClips();
const files = clips.map((c) => readFileSync(c.path));
const pcms = clips.map((c) => wavSamples(c.path));
let stopping = false;
const errors: string[] = [];
const period = { gets: [] as number[], jobs: [] as number[], streams: 0, errors: 0 };
let lastDone: string | undefined;

function fail(what: string): void {
  period.errors++;
  errors.push(`${new Date().toISOString()} ${what}`);
  console.error(`error: ${what}`);
}

async function call(server: ServerProcess, method: string, path: string, body?: BodyInit, type = 'application/json'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: server.key, 'content-type': type }, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

async function uploads(server: ServerProcess): Promise<void> {
  for (let n = 0; !stopping; n++) {
    const started = performance.now();
    try {
      const up = await call(server, 'POST', '/v2/upload', Uint8Array.from(files[n % files.length]), 'application/octet-stream');
      if (up.status !== 200) throw new Error(`upload ${up.status} ${JSON.stringify(up.json)}`);
      const options = { audio_url: up.json.upload_url, speaker_labels: true, redact_pii: true, redact_pii_policies: ['person_name'], redact_pii_audio: n % 2 === 0 };
      const created = await call(server, 'POST', '/v2/transcript', JSON.stringify(options));
      if (created.status !== 200) throw new Error(`create ${created.status} ${JSON.stringify(created.json)}`);
      let t: any;
      do {
        await new Promise((r) => setTimeout(r, 500));
        t = (await call(server, 'GET', `/v2/transcript/${created.json.id}`)).json;
      } while (t.status === 'queued' || t.status === 'processing');
      if (t.status !== 'completed') throw new Error(`transcript ${t.status}: ${t.error}`);
      if (options.redact_pii_audio) {
        const link = await call(server, 'GET', `/v2/transcript/${t.id}/redacted-audio`);
        const audio = await fetch(link.json.redacted_audio_url);
        if (audio.status !== 200 || (await audio.arrayBuffer()).byteLength === 0) throw new Error(`redacted audio ${audio.status}`);
      }
      period.jobs.push(performance.now() - started);
      if (lastDone) await call(server, 'DELETE', `/v2/transcript/${lastDone}`);
      lastDone = t.id;
    } catch (err) {
      fail(`job: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function streams(server: ServerProcess): Promise<void> {
  const url = `${server.url.replace(/^http/, 'ws')}/v3/ws?sample_rate=${RATE}`;
  for (let n = 0; !stopping; n++) {
    try {
      const ws = new WebSocket(url, { headers: { authorization: server.key } });
      let turns = 0;
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; end_of_turn?: boolean };
        if (message.type === 'Turn' && message.end_of_turn) turns++;
      });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const pcm = pcms[n % pcms.length];
      const step = (RATE * CHUNK_MS) / 1000;
      const t0 = performance.now();
      for (let i = 0, k = 0; i < pcm.length && !stopping; i += step, k++) {
        const wait = t0 + k * CHUNK_MS - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        ws.send(pcm.subarray(i, i + step));
      }
      ws.send(JSON.stringify({ type: 'Terminate' }));
      const code = await closed;
      if (code !== 1000) throw new Error(`session closed with ${code}`);
      if (turns === 0 && !stopping) throw new Error('session ended without a final turn');
      period.streams++;
    } catch (err) {
      fail(`stream: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function reads(server: ServerProcess): Promise<void> {
  while (!stopping) {
    for (const path of ['/v2/transcript?limit=10', lastDone ? `/v2/transcript/${lastDone}` : '/healthz', '/healthz']) {
      const started = performance.now();
      try {
        const reply = await call(server, 'GET', path);
        // The last transcript may be deleted between reading lastDone and the GET.
        if (reply.status !== 200 && !(reply.status === 404 && path.startsWith('/v2/transcript/'))) throw new Error(`GET ${path}: ${reply.status}`);
        period.gets.push(performance.now() - started);
      } catch (err) {
        fail((err as Error).message);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function activeHandles(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = /^earshot_nodejs_active_handles_total\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : NaN;
}

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

function plot(title: string, unit: string, points: Array<[number, number]>): string {
  const w = 640;
  const h = 200;
  const pad = 44;
  const valid = points.filter(([, y]) => Number.isFinite(y));
  const maxX = Math.max(1, ...valid.map(([x]) => x));
  const maxY = Math.max(1, ...valid.map(([, y]) => y)) * 1.1;
  const px = (x: number) => pad + (x / maxX) * (w - pad - 10);
  const py = (y: number) => h - 24 - (y / maxY) * (h - 40);
  const path = valid.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
  const ticks = [0, 0.5, 1].map((f) => `<text x="4" y="${py(maxY * f) + 4}" font-size="11">${(maxY * f).toFixed(maxY < 10 ? 1 : 0)}</text>`).join('');
  return `<figure><figcaption>${title} (${unit})</figcaption><svg width="${w}" height="${h}" role="img" aria-label="${title}">
<line x1="${pad}" y1="${h - 24}" x2="${w - 10}" y2="${h - 24}" stroke="#999"/><line x1="${pad}" y1="10" x2="${pad}" y2="${h - 24}" stroke="#999"/>${ticks}
<text x="${w / 2}" y="${h - 6}" font-size="11">minutes</text><text x="${w - 30}" y="${h - 28}" font-size="11">${maxX.toFixed(0)}</text>
<path d="${path}" fill="none" stroke="#1565c0" stroke-width="2"/>${valid.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="#1565c0"/>`).join('')}</svg></figure>`;
}

function report(samples: Sample[], settings: Record<string, string>): string {
  const rows = samples
    .map((s) => `<tr><td>${s.minute.toFixed(1)}</td><td>${s.rssMiB.toFixed(0)}</td><td>${s.handles}</td><td>${s.getP50.toFixed(0)}</td><td>${s.getP95.toFixed(0)}</td><td>${(s.jobP50 / 1000).toFixed(1)}</td><td>${s.jobs}</td><td>${s.streams}</td><td>${s.gets}</td><td>${s.errors}</td><td>${s.load.toFixed(2)}</td></tr>`)
    .join('\n');
  const total = (key: 'jobs' | 'streams' | 'gets' | 'errors') => samples.reduce((sum, s) => sum + s[key], 0);
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Earshot soak</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:2px 8px;text-align:right}figure{margin:1rem 0}</style>
<h1>Earshot soak: ${minutes} min of mixed load</h1>
<p>${new Date().toISOString()}. Settings: ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ') || 'defaults'}.
Totals: ${total('jobs')} upload jobs, ${total('streams')} streaming sessions, ${total('gets')} GETs, <strong>${total('errors')} errors</strong>.
Load average is the machine's (shared with other work), shown per sample.</p>
${plot('Server RSS', 'MiB', samples.map((s) => [s.minute, s.rssMiB]))}
${plot('Open handles', 'count', samples.map((s) => [s.minute, s.handles]))}
${plot('GET latency p95', 'ms', samples.map((s) => [s.minute, s.getP95]))}
${plot('Upload-to-completed job time, median', 's', samples.map((s) => [s.minute, s.jobP50 / 1000]))}
<table><tr><th>min</th><th>RSS MiB</th><th>handles</th><th>GET p50 ms</th><th>GET p95 ms</th><th>job p50 s</th><th>jobs</th><th>streams</th><th>GETs</th><th>errors</th><th>load</th></tr>
${rows}</table>
${errors.length ? `<h2>Errors</h2><pre>${errors.slice(0, 200).join('\n').replace(/</g, '&lt;')}</pre>` : ''}
</html>`;
}

const settings = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('EARSHOT_')) as Array<[string, string]>);
mkdirSync(dirname(out), { recursive: true });
const server = await startServerProcess();
console.log(`soak: ${minutes} min against ${server.url} (pid ${server.pid}), sampling every ${sampleSeconds} s`);
const started = performance.now();
const samples: Sample[] = [];
const load = [uploads(server), streams(server), reads(server)];
try {
  while (performance.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, Math.min(sampleSeconds * 1000, minutes * 60_000 - (performance.now() - started))));
    const sample: Sample = {
      minute: (performance.now() - started) / 60_000,
      rssMiB: server.rss() / 1024 / 1024,
      handles: await activeHandles(server),
      getP50: quantile(period.gets, 0.5),
      getP95: quantile(period.gets, 0.95),
      jobP50: quantile(period.jobs, 0.5),
      jobs: period.jobs.length,
      streams: period.streams,
      gets: period.gets.length,
      errors: period.errors,
      load: loadavg()[0],
    };
    samples.push(sample);
    Object.assign(period, { gets: [], jobs: [], streams: 0, errors: 0 });
    console.log(
      `${sample.minute.toFixed(1)} min: RSS ${sample.rssMiB.toFixed(0)} MiB, ${sample.handles} handles, GET p95 ${sample.getP95.toFixed(0)} ms, ` +
        `${sample.jobs} jobs (p50 ${(sample.jobP50 / 1000).toFixed(1)} s), ${sample.streams} streams, ${sample.errors} errors, load ${sample.load.toFixed(2)}`,
    );
    writeFileSync(out, report(samples, settings));
  }
} finally {
  stopping = true;
  await Promise.allSettled(load);
  await server.close();
}
writeFileSync(out, report(samples, settings));
console.log(`report: ${out}; ${errors.length} errors in all`);

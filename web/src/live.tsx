// Live captions from the microphone over the v3 streaming WebSocket (docs/streaming.md). The API
// key never goes into the socket URL: the page asks GET /v3/token for a one-use temporary token.
// An AudioWorklet (public/pcm-worklet.js) turns the microphone into 16-bit PCM at the
// AudioContext's rate, which is the session's sample_rate. The same PCM is kept in memory so the
// session can be saved as a transcript (uploaded as a WAV through the ordinary API).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, upload } from './api';
import { clock, wavFile } from './format';
import { rememberFile } from './local';

interface Turn {
  order: number;
  text: string;
  final: boolean;
  speaker?: string;
  start: number;
}

type State = 'idle' | 'starting' | 'live' | 'stopping' | 'saving';

/** At most an hour of 16 kHz audio (115 MB) is kept for saving. */
const MAX_KEPT_SAMPLES = 16000 * 3600;

export function Live() {
  const [state, setState] = useState<State>('idle');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [speakers, setSpeakers] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const session = useRef<{ stop: () => Promise<void> } | null>(null);
  const pcm = useRef<{ chunks: Int16Array[]; samples: number; rate: number }>({ chunks: [], samples: 0, rate: 16000 });

  useEffect(() => () => void session.current?.stop(), []);

  const start = async () => {
    setError(null);
    setSaved(null);
    setTurns([]);
    setElapsed(0);
    setState('starting');
    let stream: MediaStream | null = null;
    let context: AudioContext | null = null;
    let socket: WebSocket | null = null;
    const cleanup = () => {
      stream?.getTracks().forEach((t) => t.stop());
      void context?.close().catch(() => {});
    };
    if (!window.isSecureContext || !navigator.mediaDevices || typeof AudioWorkletNode === 'undefined') {
      setState('idle');
      setError(
        'Browsers allow the microphone only on a secure page: open Earshot over https (earshot serve --tls-cert … --tls-key …) or on localhost.',
      );
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    } catch (err) {
      setState('idle');
      setError(`The microphone is not available: ${(err as Error).message}. Allow this page to use it and try again.`);
      return;
    }
    try {
      // 16 kHz is the engine's own rate; a browser that cannot run at it gets its native rate,
      // which the server resamples.
      try {
        context = new AudioContext({ sampleRate: 16000 });
      } catch {
        context = new AudioContext();
      }
      await context.audioWorklet.addModule('/pcm-worklet.js');
      // Created after an await, so some browsers start it suspended.
      if (context.state === 'suspended') await context.resume();
      const rate = context.sampleRate;
      pcm.current = { chunks: [], samples: 0, rate };
      const token = await api.streamToken();
      const params = new URLSearchParams({ sample_rate: String(rate), encoding: 'pcm_s16le', format_turns: 'true', token });
      if (speakers) params.set('speaker_labels', 'true');
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v3/ws?${params}`);
      socket.binaryType = 'arraybuffer';
      const ws = socket;
      let terminated: () => void = () => {};
      const done = new Promise<void>((resolve) => (terminated = resolve));
      ws.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        const message = JSON.parse(event.data) as Record<string, any>;
        if (message.type === 'Begin') setState('live');
        else if (message.type === 'Turn') {
          const turn: Turn = {
            order: message.turn_order,
            text: message.transcript,
            final: !!message.end_of_turn,
            speaker: message.speaker_label,
            start: message.words?.[0]?.start ?? 0,
          };
          setTurns((all) => {
            const i = all.findIndex((t) => t.order === turn.order);
            if (i < 0) return [...all, turn];
            // A formatted final replaces the plain one; a late partial never undoes a final.
            if (all[i].final && !turn.final) return all;
            const next = all.slice();
            next[i] = { ...turn, text: turn.text || all[i].text };
            return next;
          });
        } else if (message.type === 'Termination') terminated();
        else if (message.type === 'Warning') setError(message.warning);
      };
      ws.onclose = (event) => {
        terminated();
        if (event.code !== 1000 && event.code !== 1005) setError(`The live session ended: ${event.reason || `code ${event.code}`}.`);
        cleanup();
        setState((s) => (s === 'saving' ? s : 'idle'));
        session.current = null;
      };
      await new Promise<void>((resolve, reject) => {
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error('the streaming connection could not be opened'));
      });
      const node = new AudioWorkletNode(context, 'pcm-worklet', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
      node.port.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(event.data);
        const kept = pcm.current;
        if (kept.samples < MAX_KEPT_SAMPLES) {
          kept.chunks.push(new Int16Array(event.data));
          kept.samples += event.data.byteLength / 2;
          setElapsed(Math.round((kept.samples / kept.rate) * 1000));
        }
      };
      const source = context.createMediaStreamSource(stream);
      // The worklet writes silence to its output; connecting it keeps the graph pulling it.
      source.connect(node).connect(context.destination);
      session.current = {
        stop: async () => {
          setState('stopping');
          source.disconnect();
          node.disconnect();
          if (ws.readyState === WebSocket.OPEN) {
            ws.send(JSON.stringify({ type: 'Terminate' }));
            await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
          }
          ws.close(1000);
          cleanup();
        },
      };
    } catch (err) {
      socket?.close();
      cleanup();
      setState('idle');
      setError(`Live captions could not start: ${(err as Error).message}.`);
    }
  };

  const stop = async () => {
    await session.current?.stop();
    session.current = null;
    setState('idle');
  };

  const save = async () => {
    const kept = pcm.current;
    if (!kept.samples) return;
    setState('saving');
    setError(null);
    try {
      const name = `Live ${new Date().toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}.wav`;
      const file = wavFile(kept.chunks, kept.rate, name);
      const url = await upload(file, () => {});
      const transcript = await api.create({ audio_url: url, punctuate: true, speaker_labels: speakers });
      rememberFile(transcript.id, file);
      setSaved(transcript.id);
    } catch (err) {
      setError(`The session could not be saved: ${(err as Error).message}`);
    } finally {
      setState('idle');
    }
  };

  const finals = turns.filter((t) => t.final);
  const partial = turns.find((t) => !t.final && t.text);
  const running = state === 'live' || state === 'starting';
  return (
    <section class="card live" aria-labelledby="live-title">
      <h1 id="live-title">Live captions</h1>
      <p>Speak into your microphone: words appear as they are recognised, and each finished sentence is added below.</p>
      <div class="row wrap">
        {running || state === 'stopping' ? (
          <button type="button" class="danger" onClick={stop} disabled={state !== 'live'}>
            ■ Stop
          </button>
        ) : (
          <button type="button" class="primary" onClick={start} disabled={state === 'saving'}>
            ● Start captions
          </button>
        )}
        <label class="check inline">
          <input type="checkbox" checked={speakers} disabled={running} onChange={(e) => setSpeakers((e.target as HTMLInputElement).checked)} />
          <span>Label speakers</span>
        </label>
        <span class="live-state" role="status">
          {state === 'starting' ? 'Connecting…' : state === 'live' ? `Listening · ${clock(elapsed)}` : state === 'stopping' ? 'Finishing…' : state === 'saving' ? 'Saving…' : ''}
        </span>
        {state === 'idle' && pcm.current.samples > 0 && !saved && (
          <button type="button" onClick={save}>
            Save as transcript
          </button>
        )}
        {saved && <a href={`#/t/${saved}`}>Open the saved transcript</a>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="captions">
        <ol class="finals" aria-live="polite" aria-label="Captions">
          {finals.map((t) => (
            <li key={t.order} class="final">
              <span class="time">{clock(t.start)}</span>
              {t.speaker && <span class="speaker">Speaker {t.speaker}</span>} {t.text}
            </li>
          ))}
        </ol>
        {partial ? (
          <p class="partial" aria-hidden="true">
            {partial.text}
          </p>
        ) : (
          finals.length === 0 && <p class="hint">{running ? 'Waiting for speech…' : 'Captions will appear here.'}</p>
        )}
      </div>
    </section>
  );
}

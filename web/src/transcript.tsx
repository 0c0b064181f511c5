// One transcript: paragraphs with speakers and times, synced to the user's own copy of the audio
// (the server keeps none), with search, the intelligence panels, exports and delete.
import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Paragraph, type Transcript, type Word } from './api';
import { clock, download, hhmmss, when } from './format';
import { DELETED, displayName } from './home';
import { fileFor, forgetTranscript, rememberFile, saveSpeakerNames, speakerNames } from './local';
import { Panels } from './panels';
import { useAudioSync } from './player';

/** Words under this confidence are marked for checking. */
export const LOW_CONFIDENCE = 0.5;

export interface Block {
  speaker: string | null;
  start: number;
  end: number;
  words: Word[];
  /** Index of the first word in the transcript's word list. */
  first: number;
}

function blocksOf(t: Transcript, paragraphs: Paragraph[] | null): Block[] {
  const blocks: Block[] = [];
  let first = 0;
  const source = t.utterances?.length ? t.utterances.map((u) => ({ speaker: u.speaker, words: u.words })) : (paragraphs ?? []).map((p) => ({ speaker: null, words: p.words }));
  for (const s of source) {
    if (!s.words.length) continue;
    blocks.push({ speaker: s.speaker, start: s.words[0].start, end: s.words[s.words.length - 1].end, words: s.words, first });
    first += s.words.length;
  }
  return blocks;
}

export function TranscriptPage({ id }: { id: string }) {
  const [transcript, setTranscript] = useState<Transcript | null>(null);
  const [paragraphs, setParagraphs] = useState<Paragraph[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | undefined>(fileFor(id));
  const [names, setNames] = useState<Record<string, string>>(speakerNames(id));
  const [find, setFind] = useState('');
  const [hit, setHit] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const textRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      try {
        const t = await api.get(id);
        if (stopped) return;
        setTranscript(t);
        if (t.status === 'completed' && !t.utterances?.length) setParagraphs(await api.paragraphs(id));
        if (t.status === 'queued' || t.status === 'processing') timer = window.setTimeout(poll, 1500);
      } catch (err) {
        if (!stopped) setError((err as Error).message);
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);

  const blocks = useMemo(() => (transcript ? blocksOf(transcript, paragraphs) : []), [transcript, paragraphs]);
  const words = useMemo(() => blocks.flatMap((b) => b.words), [blocks]);
  const url = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const { audio, seek } = useAudioSync(words, textRef);

  const speakers = useMemo(() => [...new Set(blocks.map((b) => b.speaker).filter((s): s is string => !!s))], [blocks]);
  const speakerName = (s: string) => names[s] || `Speaker ${s}`;

  const needle = find.trim().toLowerCase();
  const hits = useMemo(() => {
    if (!needle) return [] as number[];
    const terms = needle.split(/\s+/);
    const out: number[] = [];
    const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
    for (let i = 0; i + terms.length <= words.length; i++) {
      if (terms.every((term, k) => norm(words[i + k].text).startsWith(norm(term) || term))) out.push(i);
    }
    return out;
  }, [needle, words]);
  const hitSet = useMemo(() => {
    const terms = needle ? needle.split(/\s+/).length : 0;
    return new Set(hits.flatMap((i) => Array.from({ length: terms }, (_, k) => i + k)));
  }, [hits, needle]);
  useEffect(() => {
    if (!hits.length) return;
    const index = hits[hit % hits.length];
    textRef.current?.querySelector(`[data-i="${index}"]`)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [hit, hits]);

  if (error)
    return (
      <section class="card">
        <h1>Transcript</h1>
        <p class="error" role="alert">
          {error}
        </p>
        <p>
          <a href="#/">Back to transcripts</a>
        </p>
      </section>
    );
  if (!transcript) return <p class="loading">Loading…</p>;

  const title = displayName(transcript);
  const base = title.replace(/\.[a-z0-9]+$/i, '') || transcript.id;
  const exportAs = async (kind: 'txt' | 'lines' | 'srt' | 'vtt' | 'json') => {
    try {
      if (kind === 'json') return download(`${base}.json`, JSON.stringify(transcript, null, 2), 'application/json');
      if (kind === 'srt' || kind === 'vtt') return download(`${base}.${kind}`, await api.captions(transcript.id, kind), kind === 'srt' ? 'application/x-subrip' : 'text/vtt');
      if (kind === 'txt') {
        const text = blocks.map((b) => `${b.speaker ? `${speakerName(b.speaker)}: ` : ''}${b.words.map((w) => w.text).join(' ')}`).join('\n\n');
        return download(`${base}.txt`, `${text || transcript.text || ''}\n`, 'text/plain');
      }
      const lines = blocks.map((b) => `${hhmmss(b.start)} ${b.speaker ? `${speakerName(b.speaker)}: ` : ''}${b.words.map((w) => w.text).join(' ')}`).join('\n');
      download(`${base}-timestamps.txt`, `${lines}\n`, 'text/plain');
    } catch (err) {
      setNotice(`Export failed: ${(err as Error).message}`);
    }
  };

  const remove = async () => {
    try {
      await api.remove(transcript.id);
      forgetTranscript(transcript.id);
      dialog.current?.close();
      location.hash = '#/';
    } catch (err) {
      dialog.current?.close();
      setNotice(`Delete failed: ${(err as Error).message}`);
    }
  };

  const busy = transcript.status === 'queued' || transcript.status === 'processing';
  if (transcript.audio_url === DELETED)
    return (
      <section class="card">
        <p class="crumb">
          <a href="#/">← Transcripts</a>
        </p>
        <h1>{title}</h1>
        <p>This transcript was deleted: its text and results are gone from the server.</p>
      </section>
    );
  return (
    <article class="transcript">
      <header class="card t-head">
        <p class="crumb">
          <a href="#/">← Transcripts</a>
        </p>
        <h1>{title}</h1>
        <p class="meta">
          <span class={`status ${transcript.status}`}>{{ queued: 'Queued', processing: 'Processing', completed: 'Completed', error: 'Failed' }[transcript.status]}</span>
          {typeof transcript.created === 'string' && <time dateTime={transcript.created}>{when(transcript.created)}</time>}
          {transcript.audio_duration ? <span>{clock(transcript.audio_duration * 1000)} of audio</span> : null}
          {typeof transcript.confidence === 'number' && <span>confidence {Math.round(transcript.confidence * 100)}%</span>}
        </p>
        {busy && (
          <p class="busy" role="status">
            <progress aria-label="Transcribing" /> {transcript.status === 'queued' ? 'Waiting for a free worker…' : 'Transcribing…'} This page updates by itself.
          </p>
        )}
        {transcript.status === 'error' && (
          <p class="error" role="alert">
            The transcription failed: {transcript.error ?? 'no reason given'}.
          </p>
        )}
        {notice && (
          <p class="error" role="alert">
            {notice}
          </p>
        )}
        <div class="actions">
          {transcript.status === 'completed' && (
            <div class="exports" role="group" aria-label="Export">
              <span>Export</span>
              <button type="button" onClick={() => exportAs('txt')}>TXT</button>
              <button type="button" onClick={() => exportAs('lines')}>HH:MM:SS</button>
              <button type="button" onClick={() => exportAs('srt')}>SRT</button>
              <button type="button" onClick={() => exportAs('vtt')}>VTT</button>
              <button type="button" onClick={() => exportAs('json')}>JSON</button>
            </div>
          )}
          <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
            Delete…
          </button>
        </div>
        <dialog ref={dialog} aria-labelledby="delete-title">
          <h2 id="delete-title">Delete this transcript?</h2>
          <p>Its text and every result are erased from the server for good. This cannot be undone.</p>
          <div class="row end">
            <button type="button" onClick={() => dialog.current?.close()} autoFocus>
              Keep it
            </button>
            <button type="button" class="danger" onClick={remove}>
              Delete for good
            </button>
          </div>
        </dialog>
      </header>

      {transcript.status === 'completed' && (
        <>
          <section class="card player" aria-label="Audio">
            {url ? (
              <>
                <audio ref={audio} src={url} controls preload="auto" aria-label={`Audio: ${file?.name ?? 'your file'}`} />
                <p class="hint">
                  Click any word to jump to it. Keys: <kbd>Space</kbd> or <kbd>K</kbd> play/pause, <kbd>J</kbd> or <kbd>←</kbd> back 5 s, <kbd>L</kbd> or <kbd>→</kbd>{' '}
                  forward 5 s.
                </p>
              </>
            ) : (
              <div class="pick">
                <label for="pick-audio">The server keeps no audio. Pick your copy of the file to play it along with the text:</label>
                <input
                  id="pick-audio"
                  type="file"
                  accept="audio/*,video/*"
                  onChange={(e) => {
                    const chosen = (e.target as HTMLInputElement).files?.[0];
                    if (chosen) {
                      rememberFile(transcript.id, chosen);
                      setFile(chosen);
                    }
                  }}
                />
              </div>
            )}
          </section>

          <div class="t-body">
            <aside class="t-side">
              <section class="card">
                <h2>Find in transcript</h2>
                <form role="search" class="row" onSubmit={(e) => (e.preventDefault(), setHit((h) => h + 1))}>
                  <label for="find" class="visually-hidden">
                    Find words
                  </label>
                  <input id="find" type="search" value={find} placeholder="Words" onInput={(e) => (setFind((e.target as HTMLInputElement).value), setHit(0))} />
                  <button type="submit" disabled={!hits.length}>
                    Next
                  </button>
                </form>
                {needle && (
                  <p class="hint" aria-live="polite">
                    {hits.length ? `${(hit % hits.length) + 1} of ${hits.length}` : 'Not found'}
                  </p>
                )}
              </section>
              {speakers.length > 0 && (
                <section class="card">
                  <h2>Speakers</h2>
                  {speakers.map((s) => (
                    <div key={s} class="speaker-edit">
                      <label for={`speaker-${s}`}>Speaker {s}</label>
                      <input
                        id={`speaker-${s}`}
                        type="text"
                        value={names[s] ?? ''}
                        placeholder={`Speaker ${s}`}
                        onInput={(e) => {
                          const next = { ...names, [s]: (e.target as HTMLInputElement).value };
                          setNames(next);
                          saveSpeakerNames(transcript.id, next);
                        }}
                      />
                    </div>
                  ))}
                </section>
              )}
              {transcript.chapters?.length ? (
                <nav class="card" aria-labelledby="chapters-title">
                  <h2 id="chapters-title">Chapters</h2>
                  <ol class="chapters">
                    {transcript.chapters.map((c) => (
                      <li key={c.start}>
                        <button type="button" class="link" onClick={() => seek(c.start)}>
                          <span class="time">{clock(c.start)}</span> {c.headline}
                        </button>
                        <p>{c.gist}</p>
                      </li>
                    ))}
                  </ol>
                </nav>
              ) : null}
            </aside>

            <section class="card text" aria-label="Transcript text">
              {blocks.length === 0 && <p class="empty">No speech was found in this audio.</p>}
              <div ref={textRef} onClick={(e) => {
                const el = (e.target as HTMLElement).closest<HTMLElement>('[data-i]');
                if (el) seek(words[Number(el.dataset.i)].start);
              }}>
                {blocks.map((b) => (
                  <div class="para" key={b.first}>
                    <p class="para-head">
                      {b.speaker && <span class={`speaker s${speakers.indexOf(b.speaker) % 6}`}>{speakerName(b.speaker)}</span>}
                      <button type="button" class="time link" onClick={() => seek(b.start)} aria-label={`Play from ${clock(b.start)}`}>
                        {clock(b.start)}
                      </button>
                    </p>
                    <p class="words">
                      {b.words.map((w, k) => {
                        const i = b.first + k;
                        const low = w.confidence < LOW_CONFIDENCE;
                        return (
                          <Fragment key={i}>
                            <span data-i={i} class={`w${low ? ' low' : ''}${hitSet.has(i) ? ' hit' : ''}`} title={low ? `Unsure (${Math.round(w.confidence * 100)}%)` : undefined}>
                              {w.text}
                            </span>{' '}
                          </Fragment>
                        );
                      })}
                    </p>
                  </div>
                ))}
              </div>
            </section>
          </div>
          <Panels transcript={transcript} seek={seek} />
        </>
      )}
    </article>
  );
}

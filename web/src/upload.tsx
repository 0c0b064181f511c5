// The upload area: drop or pick audio files (several at once) or paste a URL, choose features,
// watch each file's upload progress. Files that are not audio or video are refused here, before
// any byte leaves the browser; the server's own refusals (size, format) are shown the same way.
import { useRef, useState } from 'preact/hooks';
import { api, upload } from './api';
import { bytes } from './format';
import { rememberFile, rememberName } from './local';

const FEATURES: { name: string; label: string; hint: string; on?: boolean }[] = [
  { name: 'punctuate', label: 'Punctuation and casing', hint: 'Sentences with capitals and full stops', on: true },
  { name: 'speaker_labels', label: 'Speakers', hint: 'Who spoke when' },
  { name: 'auto_chapters', label: 'Chapters', hint: 'An outline with headlines' },
  { name: 'summarization', label: 'Summary', hint: 'A few bullet points' },
  { name: 'iab_categories', label: 'Topics', hint: 'What it is about' },
  { name: 'content_safety', label: 'Safety', hint: 'Sensitive content labels' },
  { name: 'entity_detection', label: 'Entities', hint: 'People, places, dates…' },
  { name: 'sentiment_analysis', label: 'Sentiment', hint: 'Positive, neutral or negative sentences' },
  { name: 'auto_highlights', label: 'Key phrases', hint: 'The phrases that matter most' },
];

const PII_POLICIES = [
  ['person_name', 'Names'],
  ['phone_number', 'Phone numbers'],
  ['email_address', 'E-mail addresses'],
  ['credit_card_number', 'Card numbers'],
  ['us_social_security_number', 'US social security numbers'],
  ['date', 'Dates'],
  ['date_of_birth', 'Dates of birth'],
  ['location', 'Places'],
  ['organization', 'Organisations'],
  ['number_sequence', 'Number sequences'],
] as const;

const AUDIO_EXTENSIONS = /\.(mp3|wav|wave|m4a|mp4|aac|ogg|oga|opus|flac|webm|wma|amr|mkv|mov|avi|3gp|aif|aiff|caf|spx)$/i;

/** Why a file is refused before upload, or null. */
export function refusal(file: File): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  const typed = file.type.startsWith('audio/') || file.type.startsWith('video/');
  if (!typed && !AUDIO_EXTENSIONS.test(file.name)) {
    return `${file.name} was not sent: it is not an audio or video file${file.type ? ` (${file.type})` : ''}. Earshot transcribes audio such as MP3, WAV, M4A, OGG, FLAC or a video's sound track.`;
  }
  return null;
}

interface Job {
  key: number;
  name: string;
  size?: number;
  state: 'uploading' | 'submitting' | 'sent' | 'refused' | 'failed';
  progress: number;
  message?: string;
  id?: string;
}

let nextJob = 1;

export function UploadArea({ onSubmitted }: { onSubmitted: () => void }) {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [url, setUrl] = useState('');
  const [dragging, setDragging] = useState(false);
  const [features, setFeatures] = useState<Record<string, boolean>>(Object.fromEntries(FEATURES.map((f) => [f.name, !!f.on])));
  const [redact, setRedact] = useState(false);
  const [policies, setPolicies] = useState<Record<string, boolean>>({ person_name: true, phone_number: true, email_address: true });
  const [boost, setBoost] = useState('');
  const input = useRef<HTMLInputElement>(null);

  const update = (key: number, change: Partial<Job>) => setJobs((all) => all.map((j) => (j.key === key ? { ...j, ...change } : j)));

  const options = (): Record<string, unknown> | string => {
    const body: Record<string, unknown> = { ...features };
    if (redact) {
      const chosen = Object.keys(policies).filter((p) => policies[p]);
      if (chosen.length === 0) return 'Choose at least one kind of information to redact, or turn redaction off.';
      body.redact_pii = true;
      body.redact_pii_policies = chosen;
    }
    const words = boost
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean);
    if (words.length) body.word_boost = words;
    return body;
  };

  const sendFiles = async (list: FileList | File[]) => {
    const body = options();
    const files = [...list];
    const fresh: Job[] = files.map((f) => {
      const why = typeof body === 'string' ? body : refusal(f);
      return { key: nextJob++, name: f.name, size: f.size, state: why ? 'refused' : 'uploading', progress: 0, message: why ?? undefined };
    });
    setJobs((all) => [...fresh, ...all]);
    if (typeof body === 'string') return;
    await Promise.all(
      files.map(async (file, i) => {
        const job = fresh[i];
        if (job.state === 'refused') return;
        try {
          const uploadUrl = await upload(file, (progress) => update(job.key, { progress }));
          update(job.key, { state: 'submitting', progress: 1 });
          const transcript = await api.create({ ...body, audio_url: uploadUrl });
          rememberFile(transcript.id, file);
          update(job.key, { state: 'sent', id: transcript.id });
          onSubmitted();
        } catch (err) {
          update(job.key, { state: 'failed', message: `${file.name}: ${(err as Error).message}` });
        }
      }),
    );
  };

  const sendUrl = async (event: Event) => {
    event.preventDefault();
    const body = options();
    const address = url.trim();
    const job: Job = { key: nextJob++, name: address, state: 'submitting', progress: 1 };
    if (typeof body === 'string' || !/^https?:\/\//i.test(address)) {
      setJobs((all) => [
        { ...job, state: 'refused', message: typeof body === 'string' ? body : 'Paste an address that starts with http:// or https://.' },
        ...all,
      ]);
      return;
    }
    setJobs((all) => [job, ...all]);
    try {
      const transcript = await api.create({ ...body, audio_url: address });
      rememberName(transcript.id, address.split('/').pop() || address);
      update(job.key, { state: 'sent', id: transcript.id });
      setUrl('');
      onSubmitted();
    } catch (err) {
      update(job.key, { state: 'failed', message: (err as Error).message });
    }
  };

  return (
    <section class="card" aria-labelledby="upload-title">
      <h2 id="upload-title">New transcript</h2>
      <div
        class={`drop${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => (e.preventDefault(), setDragging(true))}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (e.dataTransfer?.files.length) void sendFiles(e.dataTransfer.files);
        }}
      >
        <p>Drop audio or video files here, or</p>
        <label class="button primary" for="file-input">
          Choose files…
        </label>
        <input
          id="file-input"
          ref={input}
          class="visually-hidden"
          type="file"
          multiple
          accept="audio/*,video/*"
          onChange={(e) => {
            const el = e.target as HTMLInputElement;
            if (el.files?.length) void sendFiles(el.files);
            el.value = '';
          }}
        />
        <p class="hint">The file stays on this computer for playback; the server keeps only the text.</p>
      </div>

      <form class="url-form" onSubmit={sendUrl}>
        <label for="audio-url">Or transcribe from a web address</label>
        <div class="row">
          <input id="audio-url" type="url" inputMode="url" placeholder="https://example.com/episode.mp3" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
          <button type="submit" disabled={!url.trim()}>
            Transcribe
          </button>
        </div>
      </form>

      <details class="features">
        <summary>Features: {FEATURES.filter((f) => features[f.name]).map((f) => f.label).join(', ') || 'none'}{redact ? ', PII redaction' : ''}</summary>
        <fieldset>
          <legend>What to find in the audio</legend>
          <div class="checks">
            {FEATURES.map((f) => (
              <label key={f.name} class="check">
                <input type="checkbox" name={f.name} checked={features[f.name]} onChange={(e) => setFeatures({ ...features, [f.name]: (e.target as HTMLInputElement).checked })} />
                <span>
                  {f.label}
                  <small>{f.hint}</small>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Privacy</legend>
          <label class="check">
            <input type="checkbox" name="redact_pii" checked={redact} onChange={(e) => setRedact((e.target as HTMLInputElement).checked)} />
            <span>
              Redact personal information
              <small>Replaced by its kind in the text and every result</small>
            </span>
          </label>
          {redact && (
            <div class="checks policies" role="group" aria-label="Information to redact">
              {PII_POLICIES.map(([name, label]) => (
                <label key={name} class="check">
                  <input type="checkbox" name={`policy-${name}`} checked={!!policies[name]} onChange={(e) => setPolicies({ ...policies, [name]: (e.target as HTMLInputElement).checked })} />
                  <span>{label}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <label for="word-boost">Words to listen for (comma-separated)</label>
        <input id="word-boost" type="text" placeholder="Earshot, Kubernetes, Ngozi" value={boost} onInput={(e) => setBoost((e.target as HTMLInputElement).value)} />
      </details>

      {jobs.length > 0 && (
        <ul class="jobs" aria-label="Uploads" aria-live="polite">
          {jobs.map((job) => (
            <li key={job.key} class={`job ${job.state}`}>
              <span class="job-name">
                {job.name}
                {job.size !== undefined && <small> · {bytes(job.size)}</small>}
              </span>
              {job.state === 'uploading' && (
                <progress max={1} value={job.progress} aria-label={`Uploading ${job.name}`}>
                  {Math.round(job.progress * 100)}%
                </progress>
              )}
              {job.state === 'uploading' && <span class="pct">{Math.round(job.progress * 100)}%</span>}
              {job.state === 'submitting' && <span>Starting…</span>}
              {job.state === 'sent' && job.id && <a href={`#/t/${job.id}`}>Open</a>}
              {(job.state === 'refused' || job.state === 'failed') && (
                <p class="error" role="alert">
                  {job.message}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// The transcripts list: newest first, pages of 20, refreshed every two seconds while any shown
// transcript is queued or processing; a text search over the most recent transcripts (the list API
// has no text filter, so the page reads each completed transcript once and searches it here).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type ListItem, type ListPage } from './api';
import { clock, when } from './format';
import { nameFor } from './local';
import { UploadArea } from './upload';

const PAGE = 20;
const SEARCH_DEPTH = 200;
const texts = new Map<string, string>();

function cursor(url: string | null, name: 'before_id' | 'after_id'): string | null {
  if (!url) return null;
  return new URL(url, location.origin).searchParams.get(name);
}

/** AssemblyAI's list keeps deleted transcripts, with this in place of their audio_url. */
export const DELETED = 'http://deleted_by_user';

export function displayName(item: { id: string; audio_url: string }): string {
  if (item.audio_url === DELETED) return `Deleted transcript ${item.id.slice(0, 8)}`;
  const remembered = nameFor(item.id);
  if (remembered) return remembered;
  if (item.audio_url.startsWith('http') && !item.audio_url.includes('/v2/upload/')) return item.audio_url.split('/').pop() || item.audio_url;
  return `Transcript ${item.id.slice(0, 8)}`;
}

function Status({ item }: { item: ListItem }) {
  const label = { queued: 'Queued', processing: 'Processing', completed: 'Completed', error: 'Failed' }[item.status];
  // The API reports no percentage, so a running job shows how long it has been going.
  const busy = item.status === 'queued' || item.status === 'processing';
  const since = busy ? Date.now() - Date.parse(item.created) : NaN;
  return (
    <span class={`status ${item.status}`}>
      {item.status === 'processing' && <progress aria-label="Processing" />}
      {label}
      {busy && since >= 1000 && <span class="since"> · {clock(since)}</span>}
    </span>
  );
}

export function Home() {
  const [query, setQuery] = useState<Record<string, string>>({ limit: String(PAGE) });
  const [page, setPage] = useState<ListPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<{ item: ListItem; snippet: string }[] | null>(null);
  const [searching, setSearching] = useState(false);
  const timer = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const next = await api.list(query);
      setPage(next);
      setError(null);
      return next;
    } catch (err) {
      setError((err as Error).message);
      return null;
    }
  }, [query]);

  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      const next = await load();
      if (stopped) return;
      const busy = next?.transcripts.some((t) => t.status === 'queued' || t.status === 'processing');
      timer.current = window.setTimeout(tick, busy ? 2000 : 15000);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer.current);
    };
  }, [load]);

  const runSearch = async (event: Event) => {
    event.preventDefault();
    const needle = search.trim().toLowerCase();
    if (!needle) return setFound(null);
    setSearching(true);
    try {
      const recent = await api.list({ limit: String(SEARCH_DEPTH), status: 'completed' });
      const hits: { item: ListItem; snippet: string }[] = [];
      await Promise.all(
        recent.transcripts.map(async (item) => {
          if (item.audio_url === DELETED) return;
          if (!texts.has(item.id)) texts.set(item.id, (await api.get(item.id).catch(() => null))?.text ?? '');
          const text = texts.get(item.id) ?? '';
          const at = text.toLowerCase().indexOf(needle);
          if (at >= 0) hits.push({ item, snippet: `${at > 40 ? '…' : ''}${text.slice(Math.max(0, at - 40), at + needle.length + 60)}…` });
        }),
      );
      hits.sort((a, b) => b.item.created.localeCompare(a.item.created));
      setFound(hits);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSearching(false);
    }
  };

  const older = cursor(page?.page_details.prev_url ?? null, 'before_id');
  const newer = cursor(page?.page_details.next_url ?? null, 'after_id');

  return (
    <div class="home">
      <h1 class="visually-hidden">Transcripts</h1>
      <UploadArea onSubmitted={() => void load()} />
      <section class="card" aria-labelledby="list-title">
        <div class="list-head">
          <h2 id="list-title">Transcripts</h2>
          <form role="search" class="row" onSubmit={runSearch}>
            <label for="list-search" class="visually-hidden">
              Search transcript text
            </label>
            <input id="list-search" type="search" placeholder="Search text" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
            <button type="submit" disabled={searching}>
              {searching ? 'Searching…' : 'Search'}
            </button>
          </form>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {found && (
          <div class="search-results" aria-live="polite">
            <p>
              {found.length === 0 ? 'No transcript' : found.length === 1 ? 'One transcript' : `${found.length} transcripts`} among the {SEARCH_DEPTH} most recent
              contain “{search.trim()}”.{' '}
              <button type="button" class="link" onClick={() => (setFound(null), setSearch(''))}>
                Clear search
              </button>
            </p>
            <ul class="transcripts">
              {found.map(({ item, snippet }) => (
                <li key={item.id}>
                  <a href={`#/t/${item.id}`}>{displayName(item)}</a>
                  <span class="snippet">{snippet}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {!found && page && page.transcripts.length === 0 && <p class="empty">No transcripts yet. Drop an audio file above to make the first one.</p>}
        {!found && page && page.transcripts.length > 0 && (
          <ul class="transcripts">
            {page.transcripts.map((item) => (
              <li key={item.id} data-id={item.id} class={item.audio_url === DELETED ? 'deleted' : undefined}>
                {item.audio_url === DELETED ? <span class="name">{displayName(item)}</span> : <a href={`#/t/${item.id}`}>{displayName(item)}</a>}
                {item.audio_url === DELETED ? <span class="status">Deleted</span> : <Status item={item} />}
                <time dateTime={item.created}>{when(item.created)}</time>
                {item.status === 'error' && <p class="error">{item.error ?? 'The transcription failed.'}</p>}
              </li>
            ))}
          </ul>
        )}
        {!found && (older || newer || query.before_id || query.after_id) && (
          <nav class="pager" aria-label="Pages">
            <button type="button" disabled={!newer && !query.before_id} onClick={() => setQuery(newer ? { limit: String(PAGE), after_id: newer } : { limit: String(PAGE) })}>
              ← Newer
            </button>
            <button type="button" disabled={!older} onClick={() => older && setQuery({ limit: String(PAGE), before_id: older })}>
              Older →
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}

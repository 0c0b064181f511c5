// The audio-intelligence results as readable panels; each appears only when it was asked for.
import type { Transcript } from './api';
import { clock } from './format';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const label = (s: string) => s.replace(/[_>]/g, (c) => (c === '>' ? ' › ' : ' '));

function Seek({ ms, seek }: { ms: number; seek: (ms: number) => void }) {
  return (
    <button type="button" class="time link" onClick={() => seek(ms)} aria-label={`Play from ${clock(ms)}`}>
      {clock(ms)}
    </button>
  );
}

export function Panels({ transcript: t, seek }: { transcript: Transcript; seek: (ms: number) => void }) {
  const panels = [];
  if (t.summary) {
    panels.push(
      <section class="card panel" aria-labelledby="p-summary" key="summary">
        <h2 id="p-summary">Summary</h2>
        {t.summary.includes('\n- ') || t.summary.startsWith('- ') ? (
          <ul>
            {t.summary
              .split('\n')
              .map((l) => l.replace(/^[-•]\s*/, '').trim())
              .filter(Boolean)
              .map((l) => (
                <li key={l}>{l}</li>
              ))}
          </ul>
        ) : (
          <p>{t.summary}</p>
        )}
      </section>,
    );
  }
  const topics = t.iab_categories_result?.summary ?? {};
  if (t.iab_categories || Object.keys(topics).length) {
    const top = Object.entries(topics)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    panels.push(
      <section class="card panel" aria-labelledby="p-topics" key="topics">
        <h2 id="p-topics">Topics</h2>
        {top.length === 0 && <p>No clear topic was found.</p>}
        <ul class="bars">
          {top.map(([name, relevance]) => (
            <li key={name}>
              <span>{label(name)}</span>
              <meter min={0} max={1} value={relevance} aria-label={`${label(name)} relevance`} />
              <span class="num">{pct(relevance)}</span>
            </li>
          ))}
        </ul>
      </section>,
    );
  }
  if (t.entity_detection || t.entities?.length) {
    const byType = new Map<string, Set<string>>();
    for (const e of t.entities ?? []) {
      if (!byType.has(e.entity_type)) byType.set(e.entity_type, new Set());
      byType.get(e.entity_type)!.add(e.text);
    }
    panels.push(
      <section class="card panel" aria-labelledby="p-entities" key="entities">
        <h2 id="p-entities">Entities</h2>
        {byType.size === 0 && <p>No names, places or dates were found.</p>}
        <dl class="entities">
          {[...byType].map(([type, names]) => (
            <div key={type}>
              <dt>{label(type)}</dt>
              <dd>{[...names].join(', ')}</dd>
            </div>
          ))}
        </dl>
      </section>,
    );
  }
  if (t.sentiment_analysis || t.sentiment_analysis_results?.length) {
    const results = t.sentiment_analysis_results ?? [];
    const count = (s: string) => results.filter((r) => r.sentiment === s).length;
    panels.push(
      <section class="card panel" aria-labelledby="p-sentiment" key="sentiment">
        <h2 id="p-sentiment">Sentiment</h2>
        <p>
          {count('POSITIVE')} positive · {count('NEUTRAL')} neutral · {count('NEGATIVE')} negative sentences
        </p>
        <ul class="sentiments">
          {results
            .filter((r) => r.sentiment !== 'NEUTRAL')
            .slice(0, 12)
            .map((r) => (
              <li key={r.start} class={r.sentiment.toLowerCase()}>
                <Seek ms={r.start} seek={seek} /> <strong>{r.sentiment === 'POSITIVE' ? 'Positive' : 'Negative'}</strong> {r.text}
              </li>
            ))}
        </ul>
      </section>,
    );
  }
  const safety = t.content_safety_labels;
  if (t.content_safety || safety) {
    const labels = Object.entries(safety?.summary ?? {}).sort((a, b) => b[1] - a[1]);
    panels.push(
      <section class="card panel" aria-labelledby="p-safety" key="safety">
        <h2 id="p-safety">Safety</h2>
        {!safety || safety.status !== 'success' ? (
          <p>Not available for this transcript.</p>
        ) : labels.length === 0 ? (
          <p>No sensitive content was found.</p>
        ) : (
          <ul>
            {safety.results.slice(0, 12).map((r) => (
              <li key={r.timestamp.start}>
                <Seek ms={r.timestamp.start} seek={seek} /> <strong>{r.labels.map((l) => label(l.label)).join(', ')}</strong> {r.text}
              </li>
            ))}
          </ul>
        )}
      </section>,
    );
  }
  const highlights = t.auto_highlights_result;
  if (t.auto_highlights || highlights) {
    panels.push(
      <section class="card panel" aria-labelledby="p-highlights" key="highlights">
        <h2 id="p-highlights">Key phrases</h2>
        {!highlights || highlights.results.length === 0 ? (
          <p>None found.</p>
        ) : (
          <ul class="chips">
            {[...highlights.results]
              .sort((a, b) => b.rank - a.rank)
              .slice(0, 20)
              .map((h) => (
                <li key={h.text}>
                  <button type="button" onClick={() => h.timestamps[0] && seek(h.timestamps[0].start)}>
                    {h.text}
                    {h.count > 1 && <small> ×{h.count}</small>}
                  </button>
                </li>
              ))}
          </ul>
        )}
      </section>,
    );
  }
  if (t.chapters?.length) {
    panels.push(
      <section class="card panel" aria-labelledby="p-chapters" key="chapters">
        <h2 id="p-chapters">Chapter summaries</h2>
        {t.chapters.map((c) => (
          <div key={c.start} class="chapter">
            <h3>
              <Seek ms={c.start} seek={seek} /> {c.headline}
            </h3>
            <p>{c.summary}</p>
          </div>
        ))}
      </section>,
    );
  }
  return panels.length ? <div class="panels">{panels}</div> : null;
}

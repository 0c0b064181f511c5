/**
 * `earshot bench report`: one self-contained HTML page, one inline SVG line chart per metric
 * (RTF, throughput, peak memory) with a line per series over time, and the runs that regressed
 * circled in red and listed. No scripts, fonts or network: it opens from a CI artifact as is.
 */
import { seriesKey, type BenchRecord } from './history.js';
import { findRegressions, METRICS, type MetricSpec, type Regression, type RegressionOptions } from './regressions.js';

const WIDTH = 760;
const HEIGHT = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 40 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface ReportOptions extends RegressionOptions {
  title?: string;
  /** Where the history came from, shown on the page. */
  source?: string;
}

export function renderReport(records: readonly BenchRecord[], options: ReportOptions = {}): string {
  const regressions = findRegressions(records, options);
  const series = [...new Set(records.map(seriesKey))];
  const colour = (s: string) => COLOURS[series.indexOf(s) % COLOURS.length];
  const title = options.title ?? 'Earshot benchmark history';
  const charts = METRICS.map((m) => chart(records, m, regressions, colour)).join('\n');
  const legend = series.map((s) => `<li><span class="swatch" style="background:${colour(s)}"></span>${esc(s)}</li>`).join('');
  const threshold = Math.round((options.threshold ?? 0.2) * 100);
  const flagged = regressions.length === 0
    ? `<p>No run regressed by more than ${threshold}% against the median of the runs before it.</p>`
    : `<table><thead><tr><th>date</th><th>series</th><th>metric</th><th>value</th><th>previous median</th><th>change</th><th>label</th></tr></thead><tbody>${regressions
        .map((r) => {
          const rec = records[r.index];
          return `<tr><td>${esc(rec.date)}</td><td>${esc(r.series)}</td><td>${esc(r.metric)}</td><td>${fmt(r.value)}</td><td>${fmt(r.median)}</td><td>${r.change > 0 ? '+' : ''}${(r.change * 100).toFixed(1)}%</td><td>${esc(rec.label ?? '')}</td></tr>`;
        })
        .join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 820px; color: #222; }
h2 { margin-top: 2em; font-size: 1.1em; }
svg { background: #fff; border: 1px solid #ddd; }
.axis text { font-size: 11px; fill: #555; }
.grid { stroke: #eee; }
ul.legend { list-style: none; padding: 0; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }
.regressed { fill: #d62728; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>${records.length} runs in ${series.length} series${options.source ? ` from <code>${esc(options.source)}</code>` : ''}. A run is flagged (red ring) when a metric is more than ${threshold}% worse than the median of the previous runs of its series.</p>
<ul class="legend">${legend}</ul>
${charts}
<h2>Flagged runs</h2>
${flagged}
</body>
</html>
`;
}

function chart(records: readonly BenchRecord[], metric: MetricSpec, regressions: Regression[], colour: (s: string) => string): string {
  const flagged = new Set(regressions.filter((r) => r.metric === metric.name).map((r) => r.index));
  if (records.length === 0) {
    return `<h2>${esc(metric.label)}</h2>\n<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="40" data-metric="${metric.name}"><text x="10" y="25">No runs yet.</text></svg>`;
  }
  const times = records.map((r) => Date.parse(r.date));
  const values = records.map((r) => r[metric.name]);
  const tMin = Math.min(...times);
  const tMax = Math.max(...times);
  const vMax = niceCeiling(Math.max(...values, 0) * 1.1);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (tMax === tMin ? plotW / 2 : ((t - tMin) / (tMax - tMin)) * plotW);
  const y = (v: number) => PAD.top + plotH - (vMax > 0 ? (v / vMax) * plotH : 0);

  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (vMax * i) / 4;
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  const firstDay = new Date(tMin).toISOString().slice(0, 10);
  const lastDay = new Date(tMax).toISOString().slice(0, 10);
  parts.push(`<text x="${PAD.left}" y="${HEIGHT - 12}">${firstDay}</text>`);
  if (lastDay !== firstDay || tMax !== tMin) parts.push(`<text x="${WIDTH - PAD.right}" y="${HEIGHT - 12}" text-anchor="end">${new Date(tMax).toISOString().slice(0, 16).replace('T', ' ')}</text>`);

  const bySeries = new Map<string, number[]>();
  records.forEach((r, i) => bySeries.set(seriesKey(r), [...(bySeries.get(seriesKey(r)) ?? []), i]));
  for (const [series, indices] of bySeries) {
    const c = colour(series);
    const points = indices.map((i) => `${x(times[i]).toFixed(1)},${y(values[i]).toFixed(1)}`).join(' ');
    if (indices.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${points}" data-series="${esc(series)}"/>`);
    for (const i of indices) {
      const r = records[i];
      const cx = x(times[i]).toFixed(1);
      const cy = y(values[i]).toFixed(1);
      const bad = flagged.has(i);
      const tip = `${series}\n${r.date}${r.label ? ` (${r.label})` : ''}\n${metric.label}: ${fmt(values[i])}${bad ? '\nREGRESSED' : ''}`;
      if (bad) parts.push(`<circle class="regressed-ring" cx="${cx}" cy="${cy}" r="8" fill="none" stroke="#d62728" stroke-width="2"/>`);
      parts.push(`<circle class="point${bad ? ' regressed' : ''}" cx="${cx}" cy="${cy}" r="3.5" fill="${bad ? '#d62728' : c}" data-series="${esc(series)}" data-date="${esc(r.date)}" data-value="${values[i]}" data-regressed="${bad}"><title>${esc(tip)}</title></circle>`);
    }
  }
  return `<h2>${esc(metric.label)} <small>(${esc(metric.unit)})</small></h2>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(metric.label)} over time" data-metric="${metric.name}">
<g class="axis">${parts.join('')}</g>
</svg>`;
}

/** 0.734 → 0.8, 412 → 500: a round top for the y axis. */
function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= v) ?? 10;
  return step * magnitude;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3).replace(/\.?0+$/, '');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

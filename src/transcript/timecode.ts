/** Clock-style times used by caption and timestamp formats. */

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT); hours grow past two digits when needed. */
export function formatTimecode(ms: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(ms));
  const millis = total % 1000;
  return `${formatClock(total)}${separator}${pad(millis, 3)}`;
}

/**
 * `HH:MM:SS`, rounded down: a line stamped 00:01:05 starts during that second, which is how
 * published podcast transcripts read, and rounding down keeps stamps in order.
 */
export function formatClock(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
}

const TIMECODE = /^(?:(\d+):)?(\d+):(\d{2})(?:[.,](\d{1,3}))?$/;

/**
 * Parses `HH:MM:SS[.,]mmm`, `MM:SS[.,]mmm`, `HH:MM:SS` or `MM:SS` to ms; undefined when the text
 * is not a time. Without hours, minutes may exceed 59 ("75:30"), as long recordings write them.
 * A fraction is decimal (".5" is 500 ms).
 */
export function parseTimecode(text: string): number | undefined {
  const match = TIMECODE.exec(text.trim());
  if (!match) return undefined;
  const [, h, m, s, frac] = match;
  const hours = h === undefined ? 0 : Number(h);
  const minutes = Number(m);
  const seconds = Number(s);
  if (seconds >= 60 || (h !== undefined && (minutes >= 60 || m.length > 2))) return undefined;
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

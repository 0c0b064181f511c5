// Keeps the transcript and the <audio> element in step: the word under the playhead is marked
// (by toggling a class on its span, not by re-rendering thousands of words), a click seeks, and
// the keyboard shortcuts work anywhere on the page except in a text field or on a button.
import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { Word } from './api';

/** The last word starting at or before `ms`, or -1. */
export function wordAt(words: Word[], ms: number): number {
  let lo = 0;
  let hi = words.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].start <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function useAudioSync(words: Word[], text: RefObject<HTMLElement | null>) {
  const audio = useRef<HTMLAudioElement>(null);
  const current = useRef(-1);

  const mark = useCallback(() => {
    const el = audio.current;
    const root = text.current;
    if (!el || !root) return;
    const ms = el.currentTime * 1000;
    let i = wordAt(words, ms);
    // Between words (a pause) nothing is marked.
    if (i >= 0 && ms > words[i].end + 300) i = -1;
    if (i === current.current) return;
    root.querySelector(`[data-i="${current.current}"]`)?.classList.remove('now');
    current.current = i;
    const span = root.querySelector<HTMLElement>(`[data-i="${i}"]`);
    if (span) {
      span.classList.add('now');
      const box = span.getBoundingClientRect();
      if (!el.paused && (box.top < 80 || box.bottom > innerHeight - 40)) span.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }, [words, text]);

  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    let frame = 0;
    const loop = () => {
      mark();
      if (!el.paused) frame = requestAnimationFrame(loop);
    };
    const start = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };
    el.addEventListener('play', start);
    el.addEventListener('seeked', mark);
    el.addEventListener('timeupdate', mark);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('play', start);
      el.removeEventListener('seeked', mark);
      el.removeEventListener('timeupdate', mark);
    };
  });

  const seek = useCallback((ms: number) => {
    const el = audio.current;
    if (!el) return;
    el.currentTime = ms / 1000;
    mark();
  }, [mark]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const el = audio.current;
      if (!el || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, button, a, audio, summary, [contenteditable]')) return;
      const key = event.key.toLowerCase();
      if (key === ' ' || key === 'k') {
        event.preventDefault();
        if (el.paused) void el.play();
        else el.pause();
      } else if (key === 'j' || key === 'arrowleft') {
        event.preventDefault();
        el.currentTime = Math.max(0, el.currentTime - 5);
      } else if (key === 'l' || key === 'arrowright') {
        event.preventDefault();
        el.currentTime = Math.min(el.duration || Infinity, el.currentTime + 5);
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  return { audio, seek };
}

/**
 * Spoken sentences read badly in a summary: they start with discourse markers and, from engines
 * without punctuation, lack capitals and full stops. These helpers make extracted sentences read
 * like written ones without changing what they say.
 */
const OPENERS = /^(?:(?:so|and|but|well|now|okay|ok|right|yeah|um|uh|oh|like|anyway|you know|i mean)\b[,.]?\s+)+/i;

export function tidySentence(text: string): string {
  let out = text.trim().replace(/\s+/g, ' ');
  const stripped = out.replace(OPENERS, '');
  // Keep the opener when removing it would leave almost nothing.
  if (stripped.split(' ').length >= 4) out = stripped;
  out = out.charAt(0).toUpperCase() + out.slice(1);
  if (!/[.!?…]["'”’)]?$/.test(out)) out += '.';
  return out;
}

/** "sourdough starter" → "Sourdough starter". */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** ["a", "b", "c"] → "a, b and c". */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function wordCount(text: string): number {
  return text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
}

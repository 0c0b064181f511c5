// What the browser keeps for itself: the audio files it uploaded (memory only, for playback beside
// the transcript; the server keeps no audio), and in localStorage the file names and the speaker
// names the user chose, per transcript id.

const files = new Map<string, File>();

export function rememberFile(id: string, file: File): void {
  files.set(id, file);
  rememberName(id, file.name);
}
export function fileFor(id: string): File | undefined {
  return files.get(id);
}

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export function rememberName(id: string, name: string): void {
  const names = read<Record<string, string>>('earshot.names', {});
  names[id] = name;
  localStorage.setItem('earshot.names', JSON.stringify(names));
}
export function nameFor(id: string): string | undefined {
  return read<Record<string, string>>('earshot.names', {})[id];
}

export function speakerNames(id: string): Record<string, string> {
  return read<Record<string, string>>(`earshot.speakers.${id}`, {});
}
export function saveSpeakerNames(id: string, names: Record<string, string>): void {
  localStorage.setItem(`earshot.speakers.${id}`, JSON.stringify(names));
}

export function forgetTranscript(id: string): void {
  files.delete(id);
  const names = read<Record<string, string>>('earshot.names', {});
  delete names[id];
  localStorage.setItem('earshot.names', JSON.stringify(names));
  localStorage.removeItem(`earshot.speakers.${id}`);
}

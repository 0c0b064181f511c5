/** Evidence that a speaker is a name or role: positive for, negative against. */
export type Scores = Map<string, Map<string, number>>;

export function addScore(scores: Scores, speaker: string, value: string, amount: number): void {
  const row = scores.get(speaker) ?? new Map<string, number>();
  row.set(value, (row.get(value) ?? 0) + amount);
  scores.set(speaker, row);
}

/**
 * Speaker → value, strongest evidence first, each speaker and each value used once; only positive
 * evidence places a speaker. When every value was offered for exactly as many speakers
 * (`known_values` lists them all) and one speaker and one value are left after the evidence
 * placed the others, the last is placed by elimination, unless evidence speaks against it.
 */
export function assign(scores: Scores, speakers: readonly string[], values: readonly string[], complete: boolean): Record<string, string> {
  const pairs: { speaker: string; value: string; score: number }[] = [];
  for (const [speaker, row] of scores) for (const [value, score] of row) if (score > 0) pairs.push({ speaker, value, score });
  pairs.sort((a, b) => b.score - a.score || a.speaker.localeCompare(b.speaker) || a.value.localeCompare(b.value));
  const mapping: Record<string, string> = {};
  const used = new Set<string>();
  for (const { speaker, value } of pairs) {
    if (mapping[speaker] !== undefined || used.has(value)) continue;
    mapping[speaker] = value;
    used.add(value);
  }
  const leftSpeakers = speakers.filter((s) => mapping[s] === undefined);
  const leftValues = values.filter((v) => !used.has(v));
  if (complete && used.size > 0 && leftSpeakers.length === 1 && leftValues.length === 1) {
    const [speaker] = leftSpeakers;
    const [value] = leftValues;
    if ((scores.get(speaker)?.get(value) ?? 0) >= 0) mapping[speaker] = value;
  }
  return mapping;
}

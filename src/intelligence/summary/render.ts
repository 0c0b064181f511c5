/** The summary as text: bullets stay bullets, other types are one wrapped-free line. */
export function renderSummary(summary: string): string {
  return summary.trim();
}

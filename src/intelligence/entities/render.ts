import type { Entity } from './types.js';

/** One line per entity type: its distinct values in order of first mention. */
export function renderEntities(entities: readonly Entity[]): string {
  if (entities.length === 0) return '(no entities)';
  const byType = new Map<string, string[]>();
  for (const e of entities) {
    const values = byType.get(e.entity_type) ?? [];
    if (!values.includes(e.text)) values.push(e.text);
    byType.set(e.entity_type, values);
  }
  return [...byType.entries()].map(([type, values]) => `${type}: ${values.join(', ')}`).join('\n');
}

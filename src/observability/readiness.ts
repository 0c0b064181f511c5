/**
 * What `/readyz` asks (issue 12 item 6): each dependency a process needs to do its work. A
 * check throws to say "not ready"; each is bounded by a timeout so the probe itself never hangs
 * while a database is unreachable. Queues shared between processes (BullMQ on Redis) add theirs.
 */
export interface Readiness {
  /** Shown in the 503 body: "database", "queue", "redis". */
  readonly name: string;
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Array<{ name: string; ok: boolean; error?: string }>;
}

/** Short: a probe every few seconds must not pile up behind a dead connection. */
export const READINESS_TIMEOUT_MS = 2000;

export async function checkReadiness(checks: readonly Readiness[], timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return { name, ok: true };
      } catch (err) {
        return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every((r) => r.ok), checks: results };
}

/** The database, through Store.ping (one read of the installation's own tables). */
export function storeReadiness(store: { ping(): Promise<void> }): Readiness {
  return { name: 'database', check: () => store.ping() };
}

/** The in-process queue lives and dies with the process that answers the probe. */
export const IN_PROCESS_QUEUE_READY: Readiness = { name: 'queue', check: async () => {} };

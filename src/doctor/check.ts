/**
 * `earshot doctor` (issue 20): each check answers one question about this machine or the
 * configuration `serve` would use, and names the fix when the answer is no.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** What was found, on one line. */
  detail: string;
  /** For `fail` and `warn`: the command or change that fixes it. */
  fix?: string;
}

export interface Check {
  name: string;
  /** `signal` aborts when the check's time is up; checks that open connections close them on it. */
  run(signal: AbortSignal): Promise<CheckResult>;
}

export interface NamedResult extends CheckResult {
  name: string;
  ms: number;
}

export const ok = (detail: string): CheckResult => ({ status: 'ok', detail });
export const warn = (detail: string, fix: string): CheckResult => ({ status: 'warn', detail, fix });
export const fail = (detail: string, fix: string): CheckResult => ({ status: 'fail', detail, fix });
export const skip = (detail: string): CheckResult => ({ status: 'skip', detail });

/**
 * Runs every check at once, each under its own time limit, so a dead host fails its own line
 * after `timeoutMs` instead of hanging the command. Results come back in the checks' order.
 */
export function runChecks(checks: readonly Check[], timeoutMs: number): Promise<NamedResult[]> {
  return Promise.all(checks.map((check) => runOne(check, timeoutMs)));
}

async function runOne(check: Check, timeoutMs: number): Promise<NamedResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(fail(`no answer within ${formatSeconds(timeoutMs)}`, 'check that the host is up and reachable from here, or raise --timeout'));
    }, timeoutMs);
  });
  let result: CheckResult;
  try {
    result = await Promise.race([check.run(controller.signal), timedOut]);
  } catch (error) {
    result = fail(`the check itself failed: ${(error as Error).message}`, 'report this as a bug in earshot doctor');
  } finally {
    clearTimeout(timer);
  }
  return { name: check.name, ...result, ms: Math.round(performance.now() - started) };
}

const MARKS: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: '--  ' };

/** One line per check: `FAIL ffmpeg         not found on PATH — fix: sudo apt-get install ffmpeg`. */
export function formatResult(result: NamedResult): string {
  const fix = result.fix && result.status !== 'ok' && result.status !== 'skip' ? ` — fix: ${result.fix}` : '';
  return `${MARKS[result.status]} ${result.name.padEnd(20)} ${result.detail}${fix}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

/** A promise that rejects when `signal` aborts, for racing calls that take no signal of their own. */
export function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('timed out'));
    signal.addEventListener('abort', () => reject(new Error('timed out')), { once: true });
  });
}

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EarshotError } from '../../errors.js';
import { adviseScale, DEFAULT_POLICY, type ScalePolicy, type StageAdvice, type StageLoad } from '../../observability/scale-advice.js';

interface AdviseFlags {
  url: string;
  key?: string;
  inputs?: string;
  json?: boolean;
}

/**
 * `earshot scale advise` (issue 12 item 7): workers per stage, each with the inputs and the
 * arithmetic behind it. Asks a running server's GET /v2/scale (an admin key), or, with `--inputs`,
 * works on a load written by hand: what a given queue and arrival rate would need.
 */
export function registerScaleCommand(program: Command): void {
  const scale = program.command('scale').description('autoscaling advice');
  scale
    .command('advise')
    .description('recommend a worker count per stage from queue depth, arrivals and measured throughput')
    .option('--url <url>', 'the server (EARSHOT_URL)', process.env.EARSHOT_URL ?? 'http://127.0.0.1:8080')
    .option('--key <key>', 'an admin API key, listed in the server\'s EARSHOT_ADMIN_KEYS (EARSHOT_API_KEY)', process.env.EARSHOT_API_KEY)
    .option('--inputs <file>', 'advise on this JSON instead of a server: {"stages": [StageLoad…], "policy"?: {…}} (docs/observability.md)')
    .option('--json', 'print JSON')
    .action(async (flags: AdviseFlags) => {
      const stages = flags.inputs ? await adviseFromFile(flags.inputs) : await adviseFromServer(flags.url, flags.key);
      process.stdout.write(flags.json ? `${JSON.stringify({ stages }, null, 2)}\n` : renderAdvice(stages));
    });
}

async function adviseFromFile(path: string): Promise<StageAdvice[]> {
  let parsed: { stages?: StageLoad[]; policy?: Partial<ScalePolicy> };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new EarshotError('invalid_request', `Cannot read --inputs ${path}: ${(err as Error).message}.`);
  }
  if (!Array.isArray(parsed.stages)) throw new EarshotError('invalid_request', `--inputs ${path} needs a "stages" array of loads (stage, queueDepth, currentWorkers, slotsPerWorker, arrivalsPerMinute, arrivalsThisMinute, work).`);
  return adviseScale(parsed.stages, { ...DEFAULT_POLICY, ...parsed.policy });
}

async function adviseFromServer(url: string, key: string | undefined): Promise<StageAdvice[]> {
  if (!key) throw new EarshotError('invalid_request', 'An admin API key is needed: pass --key or set EARSHOT_API_KEY (the key must be listed in the server\'s EARSHOT_ADMIN_KEYS).');
  const target = `${url.replace(/\/+$/, '')}/v2/scale`;
  let response: Response;
  try {
    response = await fetch(target, { headers: { authorization: key } });
  } catch (err) {
    throw new EarshotError('invalid_request', `Cannot reach ${target}: ${(err as Error).cause ?? (err as Error).message}. Is the server running? Pass its address with --url.`);
  }
  const body = (await response.json().catch(() => ({}))) as { stages?: StageAdvice[]; error?: string };
  if (!response.ok || !body.stages) throw new EarshotError('invalid_request', `${target} answered ${response.status}: ${body.error ?? 'no advice in the answer'}`);
  return body.stages;
}

export function renderAdvice(stages: readonly StageAdvice[]): string {
  return stages
    .map((s) => {
      const head = `${s.stage}: ${s.recommendedWorkers} worker(s) of ${s.inputs.slotsPerWorker} slot(s) (now ${s.currentWorkers}), ${s.inputs.queueDepth} job(s) waiting`;
      return [head, ...s.steps.map((step) => `  ${step}`)].join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

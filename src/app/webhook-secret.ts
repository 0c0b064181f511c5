import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreLogger } from '../store/store.js';

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

/**
 * The webhook signing secret: EARSHOT_WEBHOOK_SECRET, else `<dataDir>/webhook-secret`, created
 * once (mode 600) so receivers keep verifying signatures across restarts.
 */
export async function webhookSecret(dataDir: string, logger: StoreLogger): Promise<string> {
  const path = join(dataDir, WEBHOOK_SECRET_FILE);
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text !== '') return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(`${secret}\n`);
    } finally {
      await handle.close();
    }
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw err;
  }
  logger.info(`created the webhook signing secret ${path} (mode 600); receivers verify the x-earshot-signature header with it`);
  return secret;
}

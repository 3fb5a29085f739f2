import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The specification's sample exports (`../shared/fixtures`, beside the repository). A clone made
 * elsewhere (CI's fresh clone) points at them with REFUNDS_SHARED_DIR, which `.ci/run` sets.
 */
export function specFixtures(...parts: string[]): string {
  const shared = process.env.REFUNDS_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', '..', 'shared');
  const dir = join(shared, 'fixtures');
  if (!existsSync(dir)) throw new Error(`spec fixtures not found at ${dir}: put the spec's shared/ beside the repository or set REFUNDS_SHARED_DIR`);
  return join(dir, ...parts);
}

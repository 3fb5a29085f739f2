import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { connect, openDatabase, queryRows } from '@refunds/etl';

export const CLI = join(resolve(__dirname, '..', '..'), 'etl', 'dist', 'cli.js');

/** Runs the built ETL CLI (`etl/dist/cli.js`) and waits for it. */
export function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Like cli() but without blocking this process, so concurrent clients keep querying meanwhile; `at` is when it exited. */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string; at: number }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (status) => res({ status, stdout, stderr, at: Date.now() }));
  });
}

/** Counts and sums read straight from the file, another way than the API computes anything. */
export async function snapshot(db: string, opts: { readOnly?: boolean } = {}): Promise<Record<string, number>> {
  const inst = await openDatabase(db, { readOnly: opts.readOnly ?? false });
  const conn = await connect(inst);
  try {
    const [r] = await queryRows<Record<string, number>>(
      conn,
      `SELECT (SELECT count(*) FROM refunds)::INTEGER AS refunds, (SELECT count(*) FROM orders)::INTEGER AS orders,
              (SELECT count(*) FROM refund_facts)::INTEGER AS facts, (SELECT coalesce(sum(requested_amount), 0)::DOUBLE FROM refunds) AS amount,
              (SELECT count(*) FROM load_history WHERE outcome = 'committed')::INTEGER AS loads`,
    );
    return r;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/**
 * Data sets generated into fresh folders before the tests of the enclosing describe, by name
 * (`{ small: { refunds: 1500, seed: 3 } }` gives `data.small`, its folder, inside the tests).
 */
export function generatedBeforeAll<K extends string>(sets: Record<K, { refunds: number; seed: number }>, timeoutMs = 120_000): Readonly<Record<K, string>> {
  const dirs = {} as Record<K, string>;
  beforeAll(async () => {
    for (const [name, spec] of Object.entries(sets) as Array<[K, { refunds: number; seed: number }]>) {
      dirs[name] = tempDir(`${name}-`);
      await generateDataset({ out: dirs[name], ...spec });
    }
  }, timeoutMs);
  return dirs;
}

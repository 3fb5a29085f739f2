import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect, openDatabase, queryRows } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, spawnServer, stopServer } from '../support/server';

/** `etl backup` and `etl restore`: locally, and handed to a running server in the middle of a load. */

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'etl', 'dist', 'cli.js');

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function cliAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string; at: number }> {
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
async function snapshot(db: string): Promise<Record<string, number>> {
  const inst = await openDatabase(db, { readOnly: true });
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

describe('backup and restore', () => {
  let small: string;
  let big: string;
  beforeAll(async () => {
    small = tempDir('bk-small-');
    big = tempDir('bk-big-');
    await generateDataset({ out: small, refunds: 1500, seed: 3 });
    await generateDataset({ out: big, refunds: 60_000, seed: 4 });
  }, 120_000);

  test('a local backup holds the data of its moment; restore brings it back; neither overwrites blindly', async () => {
    const dir = tempDir('bk-local-');
    const db = join(dir, 'w.duckdb');
    expect(cli(['load', '--db', db, small]).status).toBe(0);
    const atBackup = await snapshot(db);
    const out = join(dir, 'w-backup.duckdb');
    const b = cli(['backup', '--db', db, out]);
    expect([b.status, b.stderr]).toEqual([0, '']);
    expect(b.stdout).toMatch(/backup written to/);
    expect(await snapshot(out)).toEqual(atBackup);
    expect(cli(['backup', '--db', db, out]).status).toBe(1); // exists

    expect(cli(['load', '--db', db, big]).status).toBe(0);
    expect((await snapshot(db)).refunds).toBeGreaterThan(atBackup.refunds);
    const r = cli(['restore', '--db', db, out]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(await snapshot(db)).toEqual(atBackup);
    const notABackup = join(small, 'refunds.csv');
    expect(cli(['restore', '--db', db, notABackup]).status).toBe(1);
    expect(await snapshot(db)).toEqual(atBackup);
  });

  test('a backup handed to the server during a load holds the data from before or after it, and stays in REFUNDS_BACKUP_DIR', async () => {
    const dir = tempDir('bk-served-');
    const db = join(dir, 's.duckdb');
    expect(cli(['load', '--db', db, small]).status).toBe(0);
    const before = await snapshot(db);
    const ref = join(tempDir('bk-ref-'), 'r.duckdb');
    expect(cli(['load', '--db', ref, small]).status).toBe(0);
    expect(cli(['load', '--db', ref, big]).status).toBe(0);
    const after = { ...(await snapshot(ref)) };

    const backupDir = join(dir, 'backups');
    const { child } = await spawnServer({ REFUNDS_DB: db, REFUNDS_IMPORT_DIR: big, REFUNDS_BACKUP_DIR: backupDir });
    try {
      const env = { REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN };
      const load = cliAsync(['load', '--db', db, big], env);
      let loadFinished = false;
      void load.then(() => (loadFinished = true));
      await new Promise((r) => setTimeout(r, 300));
      const sentDuringLoad = !loadFinished;
      const out = join(backupDir, 'during-load.duckdb');
      const backup = await cliAsync(['backup', '--db', db, out], env);
      const loaded = await load;
      expect(sentDuringLoad).toBe(true);
      expect([loaded.status, backup.status, backup.stderr]).toEqual([0, 0, '']);
      expect(existsSync(out)).toBe(true);
      const held = await snapshot(out);
      expect([before, after]).toContainEqual(held);

      // Outside the backup folder: refused, nothing written.
      const outside = join(dir, 'outside.duckdb');
      const refused = cli(['backup', '--db', db, outside], env);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/outside the backup folder/);
      expect(existsSync(outside)).toBe(false);
      // Restoring under a running server is refused.
      expect(cli(['restore', '--db', db, out]).stderr).toMatch(/stop it before restoring/);
    } finally {
      await stopServer(child);
    }
  }, 180_000);
});

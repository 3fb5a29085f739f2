import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../etl/src/testing/factory';
import { cli, cliAsync, generatedBeforeAll, snapshot } from '../support/cli';
import { ADMIN_TOKEN, spawnServer, stopServer } from '../support/server';

/** `etl backup` and `etl restore`: locally, and handed to a running server in the middle of a load. */

describe('backup and restore', () => {
  const data = generatedBeforeAll({ small: { refunds: 1500, seed: 3 }, big: { refunds: 60_000, seed: 4 } });

  test('a local backup holds the data of its moment; restore brings it back; neither overwrites blindly', async () => {
    const dir = tempDir('bk-local-');
    const db = join(dir, 'w.duckdb');
    expect(cli(['load', '--db', db, data.small]).status).toBe(0);
    const atBackup = await snapshot(db, { readOnly: true });
    const out = join(dir, 'w-backup.duckdb');
    const b = cli(['backup', '--db', db, out]);
    expect([b.status, b.stderr]).toEqual([0, '']);
    expect(b.stdout).toMatch(/backup written to/);
    expect(await snapshot(out, { readOnly: true })).toEqual(atBackup);
    expect(cli(['backup', '--db', db, out]).status).toBe(1); // exists

    expect(cli(['load', '--db', db, data.big]).status).toBe(0);
    expect((await snapshot(db, { readOnly: true })).refunds).toBeGreaterThan(atBackup.refunds);
    const r = cli(['restore', '--db', db, out]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(await snapshot(db, { readOnly: true })).toEqual(atBackup);
    const notABackup = join(data.small, 'refunds.csv');
    expect(cli(['restore', '--db', db, notABackup]).status).toBe(1);
    expect(await snapshot(db, { readOnly: true })).toEqual(atBackup);
  });

  test('a backup handed to the server during a load holds the data from before or after it, and stays in REFUNDS_BACKUP_DIR', async () => {
    const dir = tempDir('bk-served-');
    const db = join(dir, 's.duckdb');
    expect(cli(['load', '--db', db, data.small]).status).toBe(0);
    const before = await snapshot(db, { readOnly: true });
    const ref = join(tempDir('bk-ref-'), 'r.duckdb');
    expect(cli(['load', '--db', ref, data.small]).status).toBe(0);
    expect(cli(['load', '--db', ref, data.big]).status).toBe(0);
    const after = { ...(await snapshot(ref, { readOnly: true })) };

    const backupDir = join(dir, 'backups');
    const { child } = await spawnServer({ REFUNDS_DB: db, REFUNDS_IMPORT_DIR: data.big, REFUNDS_BACKUP_DIR: backupDir });
    try {
      const env = { REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN };
      const load = cliAsync(['load', '--db', db, data.big], env);
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
      const held = await snapshot(out, { readOnly: true });
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

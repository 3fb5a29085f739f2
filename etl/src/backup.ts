import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { LoadError } from './load/errors';

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Writes a consistent copy of the open database to a new DuckDB file (COPY FROM DATABASE reads
 * one snapshot: every table as of one moment, so before or after any load, never inside one).
 */
export async function backupDatabase(conn: DuckDBConnection, out: string): Promise<{ bytes: number }> {
  if (existsSync(out)) throw new LoadError('BACKUP_FAILED', `${out} exists; a backup never overwrites a file`);
  const [{ db }] = await queryRows<{ db: string }>(conn, 'SELECT current_database() AS db');
  const alias = `refunds_backup_${process.pid}_${Date.now()}`;
  await runSql(conn, `ATTACH ${literal(out)} AS ${ident(alias)}`);
  try {
    await runSql(conn, `COPY FROM DATABASE ${ident(db)} TO ${ident(alias)}`);
  } catch (e) {
    await runSql(conn, `DETACH ${ident(alias)}`).catch(() => undefined);
    await rm(out, { force: true });
    await rm(`${out}.wal`, { force: true });
    throw e;
  }
  await runSql(conn, `DETACH ${ident(alias)}`);
  return { bytes: (await stat(out)).size };
}

/** Checks that a file is a backup of this app's warehouse (it opens, and has the load history). */
export async function verifyBackup(file: string): Promise<{ loads: number }> {
  let inst;
  try {
    inst = await openDatabase(file, { readOnly: true });
  } catch (e) {
    throw new LoadError('BACKUP_FAILED', `${file} is not a DuckDB database: ${(e as Error).message.split('\n')[0]}`);
  }
  const conn = await connect(inst);
  try {
    const [{ n }] = await queryRows<{ n: number }>(conn, 'SELECT count(*)::INTEGER AS n FROM load_history').catch(() => {
      throw new LoadError('BACKUP_FAILED', `${file} has no load history: not a backup of a refunds database`);
    });
    return { loads: n };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/**
 * Puts a backup in place of the database file: copied beside it first, then renamed over it, so
 * the file is either the old one or the whole backup. The database must not be open elsewhere.
 */
export async function restoreDatabase(backup: string, db: string): Promise<{ loads: number }> {
  const { loads } = await verifyBackup(backup);
  const tmp = `${db}.restoring-${process.pid}`;
  await copyFile(backup, tmp);
  try {
    await rm(`${db}.wal`, { force: true });
    await rename(tmp, db);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { loads };
}

export async function backupFile(db: string, out: string): Promise<{ bytes: number }> {
  const inst = await openDatabase(db);
  const conn = await connect(inst);
  try {
    return await backupDatabase(conn, out);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

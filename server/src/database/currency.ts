import { existsSync } from 'node:fs';
import { connect, openDatabase, storedReportingCurrency } from '@refunds/engine-duckdb';

/** The reporting currency stored in a DuckDB file (null: no file yet, or never loaded). Opens and closes the file. */
export async function storedCurrencyOf(duckdbPath: string): Promise<string | null> {
  if (!existsSync(duckdbPath)) return null;
  const instance = await openDatabase(duckdbPath);
  try {
    const conn = await connect(instance);
    try {
      return await storedReportingCurrency(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A warehouse the built server's services read (see warehouse-runner.cjs). */
export type RunSpec =
  | { engine: 'duckdb'; file: string; rollups?: boolean }
  | { engine: 'clickhouse'; url: string; rollups?: boolean }
  | { engine: 'chdb'; path: string; database: string; version: number; rollups?: boolean };

/** One service method call: `new <Module>Service(new <Module>Repository(warehouse))[method](...args)`. */
export interface ServiceCall {
  module: string;
  method: string;
  args: unknown[];
}

const RUNNER = join(__dirname, 'warehouse-runner.cjs');

/** Runs the calls in a child process on the built server (server/dist), in order; answers as the service returns them, through JSON. */
export function runServices<T = unknown>(spec: RunSpec, calls: readonly ServiceCall[]): { version: string | null; answers: T[] } {
  const out = execFileSync(process.execPath, [RUNNER], { input: JSON.stringify({ ...spec, calls }), encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out) as { version: string | null; answers: T[] };
}

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../etl/src/testing/factory';
import { CLI, cli, cliAsync, generatedBeforeAll, snapshot } from '../support/cli';
import { ADMIN_TOKEN, spawnServer, stopServer } from '../support/server';

describe('loads under faults', () => {
  const data = generatedBeforeAll({ small: { refunds: 2000, seed: 1 }, big: { refunds: 60_000, seed: 2 } });

  test.each(['reading', 'validating', 'merging', 'deriving', 'committing'])('SIGKILL while %s leaves the earlier data intact', async (phase) => {
    const db = join(tempDir('kill-'), 'k.duckdb');
    expect(cli(['load', '--db', db, data.small]).status).toBe(0);
    const before = await snapshot(db);
    // The state a completed load would leave, for a kill that lands just after COMMIT.
    let completed: Record<string, number> | null = null;
    if (phase === 'committing') {
      const ref = join(tempDir('ref-'), 'r.duckdb');
      expect(cli(['load', '--db', ref, data.small]).status).toBe(0);
      expect(cli(['load', '--db', ref, data.big]).status).toBe(0);
      completed = await snapshot(ref);
    }
    const child = spawn(process.execPath, [CLI, 'load', '--db', db, data.big], {
      env: { ...process.env, REFUNDS_DEBUG_PHASES: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill on the phase of the largest table (refunds), or of the facts step, once it has started.
    const target = phase === 'deriving' ? 'phase facts deriving' : phase === 'committing' ? 'phase all committing' : `phase refunds ${phase}`;
    let seen = '';
    const killed = await new Promise<boolean>((res) => {
      child.stderr.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes(target)) {
          if (phase === 'committing') child.kill('SIGKILL');
          else setTimeout(() => child.kill('SIGKILL'), 30);
        }
      });
      child.on('exit', (_code, signal) => res(signal === 'SIGKILL'));
    });
    expect(killed).toBe(true);
    const state = await snapshot(db);
    if (phase === 'committing') expect([before, completed]).toContainEqual(state);
    else expect(state).toEqual(before);
    // The next load works and commits.
    const again = cli(['load', '--db', db, data.big]);
    expect(again.status).toBe(0);
    expect((await snapshot(db)).loads).toBe(state.loads + 1);
  });

  test('a load into a served database: queries see before or after, never a mix, none fails', async () => {
    const db = join(tempDir('served-'), 's.duckdb');
    expect(cli(['load', '--db', db, data.small]).status).toBe(0);
    // The server reads only inside its import folder: the big data set's folder here.
    const { child, url } = await spawnServer({ REFUNDS_DB: db, REFUNDS_IMPORT_DIR: data.big });
    try {
      const Q = JSON.stringify({
        query: '{ overview { refunds decided refundedAmount approvalRate } reasonTrends(grain: MONTH) { period reasonCode refunds } }',
      });
      const ask = async () => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: Q,
        });
        return (await res.json()) as { data?: unknown; errors?: unknown[] };
      };
      const before = JSON.stringify((await ask()).data);
      let running = true;
      const answers: string[] = [];
      let failures = 0;
      const clients = Array.from({ length: 8 }, async () => {
        while (running) {
          const r: { data?: unknown; errors?: unknown[] } = await ask().catch(() => ({ errors: ['network'] }));
          if (r.errors) failures++;
          else answers.push(JSON.stringify(r.data));
        }
      });
      expect(existsSync(`${db}.server.json`)).toBe(true);
      const load = await cliAsync(['load', '--db', db, data.big], { REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN });
      running = false;
      await Promise.all(clients);
      expect(load.status).toBe(0);
      expect(load.stdout).toMatch(/committed/);
      const after = JSON.stringify((await ask()).data);
      expect(after).not.toEqual(before);
      expect(failures).toBe(0);
      expect(answers.length).toBeGreaterThan(8);
      for (const a of answers) expect(a === before || a === after).toBe(true);
    } finally {
      await stopServer(child);
    }
  });

  test('the CLI refuses a database owned by a server when it has no token, and changes nothing', async () => {
    const db = join(tempDir('owned-'), 'o.duckdb');
    expect(cli(['load', '--db', db, data.small]).status).toBe(0);
    const { child } = await spawnServer({ REFUNDS_DB: db });
    try {
      const env = { ...process.env };
      delete env.REFUNDS_ADMIN_TOKEN;
      const r = spawnSync(process.execPath, [CLI, 'load', '--db', db, data.big], { encoding: 'utf8', env });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/REFUNDS_ADMIN_TOKEN/);
    } finally {
      await stopServer(child);
    }
    copyFileSync(db, `${db}.copy`);
    expect((await snapshot(db)).loads).toBe(1);
  });
});

#!/usr/bin/env node
// `npm start`: generate and load demo data once into data/demo.duckdb, then serve the dashboard on it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'data');
const db = process.env.REFUNDS_DB ?? join(dataDir, 'demo.duckdb');
const refunds = process.env.DEMO_REFUNDS ?? '50000';
const token = process.env.REFUNDS_ADMIN_TOKEN ?? 'demo-admin-token';

function run(args) {
  const r = spawnSync(process.execPath, [join(root, 'etl', 'dist', 'cli.js'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!existsSync(db)) {
  mkdirSync(dirname(db), { recursive: true });
  const gen = join(dataDir, 'demo-csv');
  rmSync(gen, { recursive: true, force: true });
  console.log(`generating ${refunds} demo refunds ...`);
  run(['generate', '--out', gen, '--refunds', refunds, '--seed', '42']);
  run(['load', '--db', db, gen]);
}

console.log(`\nDashboard: http://localhost:${process.env.PORT ?? 3000}/  (sign in with the token "${token}")\n`);
const server = spawn(process.execPath, [join(root, 'server', 'dist', 'main.js')], {
  stdio: 'inherit',
  env: { ...process.env, REFUNDS_DB: db, REFUNDS_ADMIN_TOKEN: token, NODE_ENV: process.env.NODE_ENV ?? 'production' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));

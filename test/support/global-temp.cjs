// Every test's temp files (mkdtemp, DuckDB files, Chromium profiles, ClickHouse data folders) go
// into one folder per Jest run, removed when the run ends: os.tmpdir() reads TMPDIR, and workers
// start after globalSetup with its environment. Caches meant to outlive a run (the cross-check's
// built data set) keep the machine's temp folder through REFUNDS_TEST_CACHE_DIR.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports.setup = function setup() {
  process.env.REFUNDS_TEST_CACHE_DIR ??= tmpdir();
  const dir = mkdtempSync(join(tmpdir(), 'refunds-jest-'));
  process.env.REFUNDS_TEST_RUN_DIR = dir;
  process.env.TMPDIR = dir;
};

module.exports.teardown = function teardown() {
  const dir = process.env.REFUNDS_TEST_RUN_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};

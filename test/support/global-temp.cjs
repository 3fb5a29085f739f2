// Every test's temp files (mkdtemp, DuckDB files, Chromium profiles, ClickHouse data folders) go
// into one folder per Jest run, removed when the run ends: os.tmpdir() reads TMPDIR, and workers
// start after globalSetup with its environment. Caches meant to outlive a run (the cross-check's
// built data set) keep the machine's temp folder through REFUNDS_TEST_CACHE_DIR.
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports.setup = function setup() {
  process.env.REFUNDS_TEST_CACHE_DIR ??= tmpdir();
  const dir = mkdtempSync(join(tmpdir(), 'refunds-jest-'));
  process.env.REFUNDS_TEST_RUN_DIR = dir;
  process.env.TMPDIR = dir;
};

/**
 * Processes still running from this run's folder (a ClickHouse shard whose config is there, a
 * Chromium with its profile there): a worker Jest force-kills never runs its exit hooks, so the
 * servers it started would outlive the run.
 */
function leftovers(dir) {
  if (!existsSync('/proc')) return [];
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(`${dir}/`))
      )
        out.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

module.exports.teardown = function teardown() {
  const dir = process.env.REFUNDS_TEST_RUN_DIR;
  if (!dir) return;
  for (const pid of leftovers(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
};

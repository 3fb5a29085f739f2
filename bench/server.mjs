// Spawns the built server (server/dist/main.js) and waits for its `ready: URL/` line, like test/support/server.ts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * env: extra environment (REFUNDS_DB, REFUNDS_CACHE, REFUNDS_SQL_LOG, ...).
 * probe: path of a JSON file the event-loop probe (bench/eld-probe.cjs, preloaded with --require) writes to.
 */
export async function startServer(root, env, { probe = null, timeoutMs = 120_000 } = {}) {
  const args = [];
  if (probe) args.push('--require', join(root, 'bench', 'eld-probe.cjs'));
  args.push(join(root, 'server', 'dist', 'main.js'));
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: {
      ...process.env,
      REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      REFUNDS_RATE_LIMIT: '100000000',
      NO_COLOR: '1',
      ...(probe ? { BENCH_ELD_OUT: probe } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const onData = (d) => {
      out += d.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
      const m = /ready: (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  const gql = async (query, variables, token = ADMIN_TOKEN) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `HTTP ${res.status}: ${text.slice(0, 200)}` }] };
    }
    return { status: res.status, body, bytes: text.length };
  };
  return { child, url, pid: child.pid, logs: () => out, gql, stop: () => stopServer(child) };
}

export function stopServer(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 10_000).unref();
  });
}

/** VmRSS and VmHWM (peak) of a process in MB, from /proc; null when it is gone. */
export function memoryOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Polls memoryOf(pid) every `ms`; stop() returns the max RSS seen and the last VmHWM. */
export function pollMemory(pid, ms = 200) {
  let maxRss = 0;
  let hwm = 0;
  let first = null;
  let last = null;
  const tick = () => {
    const m = memoryOf(pid);
    if (!m) return;
    first ??= m;
    last = m;
    maxRss = Math.max(maxRss, m.rssMb);
    hwm = Math.max(hwm, m.hwmMb);
  };
  tick();
  const t = setInterval(tick, ms);
  return {
    stop() {
      tick();
      clearInterval(t);
      return { maxRssMb: maxRss, hwmMb: hwm, startRssMb: first?.rssMb ?? null, endRssMb: last?.rssMb ?? null };
    },
  };
}

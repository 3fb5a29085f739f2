import { createServer } from 'node:net';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, spawnServer, startTestServer, stopServer } from '../support/server';

/** A server killed and restarted under load: clients see errors, never wrong numbers. */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

test('restart during queries: errors or right answers, and everything answers after', async () => {
  const dir = tempDir('restart-');
  await generateDataset({ out: dir, refunds: 3000, seed: 5 });
  const port = await freePort();
  const first = await startTestServer(dir, { PORT: String(port) });
  const Q = JSON.stringify({ query: '{ overview { refunds decided approvalRate refundedAmount } reasonTrends(grain: MONTH) { period reasonCode refunds } }' });
  const ask = async (): Promise<{ ok: true; body: string } | { ok: false }> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: Q,
      });
      const json = (await res.json()) as { data?: unknown; errors?: unknown[] };
      return json.errors || !json.data ? { ok: false } : { ok: true, body: JSON.stringify(json.data) };
    } catch {
      return { ok: false };
    }
  };
  const truth = await ask();
  expect(truth.ok).toBe(true);
  const expected = truth.ok ? truth.body : '';
  let running = true;
  const seen = { right: 0, wrong: 0, errors: 0 };
  const clients = Array.from({ length: 4 }, async () => {
    while (running) {
      const r = await ask();
      if (!r.ok) seen.errors++;
      else if (r.body === expected) seen.right++;
      else seen.wrong++;
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  await new Promise((r) => setTimeout(r, 300));
  const second = await spawnServer({ REFUNDS_DB: first.dbPath, PORT: String(port) });
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  await Promise.all(clients);
  try {
    expect(seen.wrong).toBe(0);
    expect(seen.errors).toBeGreaterThan(0);
    expect(seen.right).toBeGreaterThan(0);
    const after = await ask();
    expect(after).toEqual({ ok: true, body: expected });
  } finally {
    await stopServer(second.child);
  }
});

import { join } from 'node:path';
import { loadIntoClickHouse } from '@refunds/etl';
import { order, refund, tempDir, writeTables } from '../../etl/src/testing/factory';
import { describeClickHouse, startClickHouseCluster, CH_PASSWORD, type ClickHouseCluster } from '../support/clickhouse';
import { ADMIN_TOKEN, gqlClient, spawnServer, stopServer } from '../support/server';

/**
 * The API served from a ClickHouse warehouse (REFUNDS_DB=clickhouse://…) over HTTP: it answers from
 * the cluster, sees the ETL's next committed load, refuses to load itself, and reports an unreachable
 * server, refused credentials or a dead shard (in /readyz and as SERVICE_UNAVAILABLE, never a partial
 * number), naming the URL without its password.
 */
const OVERVIEW = `query { overview { refunds refundedAmount approvalRate } }`;

interface Served {
  url: string;
  close: () => Promise<void>;
}

async function serve(db: string): Promise<Served> {
  const dir = tempDir('refunds-chserve-');
  const { child, url } = await spawnServer({ REFUNDS_DB: db, REFUNDS_APP_DB: join(dir, 'app.sqlite'), REFUNDS_IMPORT_DIR: join(dir, 'imports') });
  return { url, close: () => stopServer(child) };
}

async function readyz(url: string): Promise<{ status: number; body: { status: string; failed: string[]; checks: Record<string, string> } }> {
  const r = await fetch(`${url}/readyz`);
  return { status: r.status, body: (await r.json()) as { status: string; failed: string[]; checks: Record<string, string> } };
}

/** Customers C-x-1..n, spread over both shards by the sharding hash; amounts 10, 20, ... */
function batch(tag: string, n: number, decision: (i: number) => string): ReturnType<typeof writeTables> {
  const refunds = Array.from({ length: n }, (_, i) =>
    refund({
      refund_id: `${tag}${i + 1}`,
      order_id: `O${tag}${i + 1}`,
      customer_id: `C-${tag}-${i + 1}`,
      decision: decision(i),
      requested_amount: 10 * (i + 1),
      refunded_amount: decision(i) === 'rejected' ? 0 : 10 * (i + 1),
    }),
  );
  const orders = refunds.map((r) => order({ order_id: r.order_id, customer_id: r.customer_id }));
  return writeTables({ refunds, orders });
}

describeClickHouse('the API on a ClickHouse warehouse', () => {
  let ch: ClickHouseCluster;
  let api: Served;

  beforeAll(async () => {
    ch = await startClickHouseCluster();
    // 12 refunds, every third rejected: 8 approved, amounts 10..120 of which 30, 60, 90, 120 rejected.
    const summary = await loadIntoClickHouse(ch.url('refunds'), [batch('A', 12, (i) => (i % 3 === 2 ? 'rejected' : 'approved'))]);
    expect(summary.outcome).toBe('committed');
    api = await serve(ch.url('refunds'));
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await ch?.stop();
  });

  test('answers from the cluster, whose both shards hold refunds', async () => {
    expect((await readyz(api.url)).body).toEqual({ status: 'ok', failed: [], checks: { warehouse: 'ok', appStore: 'ok' } });
    const r = await gqlClient(api.url)(OVERVIEW);
    expect(r.errors).toBeUndefined();
    expect(r.data?.overview).toEqual({ refunds: 12, refundedAmount: 780 - 300, approvalRate: 8 / 12 });
    for (const shard of [0, 1]) expect(Number((await ch.query(shard, 'SELECT count() FROM refunds.refunds_local')).trim())).toBeGreaterThan(0);
  });

  test('loads are the ETL’s: the server refuses one, naming the command', async () => {
    const r = await fetch(`${api.url}/api/loads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paths: ['x.csv'] }),
    });
    expect(r.status).toBe(409);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('READ_ONLY_WAREHOUSE');
    expect(body.error.message).toContain('refunds-etl load --db');
    expect(JSON.stringify(body)).not.toContain(CH_PASSWORD);
  });

  test('a load the ETL commits is seen by the next request (the server polls the committed version)', async () => {
    // 4 more refunds, all approved: 16 refunds, 12 approved.
    await loadIntoClickHouse(ch.url('refunds'), [batch('B', 4, () => 'approved')]);
    const until = Date.now() + 15_000;
    let refunds = 0;
    while (Date.now() < until) {
      refunds = ((await gqlClient(api.url)(OVERVIEW)).data as { overview: { refunds: number } }).overview.refunds;
      if (refunds === 16) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    expect(refunds).toBe(16);
    expect((await gqlClient(api.url)(OVERVIEW)).data?.overview).toEqual({ refunds: 16, refundedAmount: 480 + 100, approvalRate: 12 / 16 });
  });

  test('wrong credentials and an unreachable server: the server starts, /readyz says why (URL without the password), queries fail as unavailable', async () => {
    const wrong = await serve(ch.url('refunds', { password: 'not-the-password' }));
    const down = await serve('clickhouse://refunds:s3cret-pw@127.0.0.1:1/refunds');
    try {
      const a = await readyz(wrong.url);
      expect(a.status).toBe(503);
      expect(a.body.failed).toEqual(['warehouse']);
      expect(a.body.checks.warehouse).toContain('refused the credentials of user "refunds"');
      expect(a.body.checks.warehouse).toContain('clickhouse://refunds:***@127.0.0.1:');
      expect(JSON.stringify(a.body)).not.toContain('not-the-password');
      const b = await readyz(down.url);
      expect(b.status).toBe(503);
      expect(b.body.checks.warehouse).toContain('cannot reach ClickHouse at clickhouse://refunds:***@127.0.0.1:1/refunds');
      expect(JSON.stringify(b.body)).not.toContain('s3cret-pw');
      for (const s of [wrong, down]) {
        const r = await gqlClient(s.url)(OVERVIEW);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      }
    } finally {
      await wrong.close();
      await down.close();
    }
  }, 120_000);

  test('a shard killed: an error, never a partial number, and /readyz fails', async () => {
    await ch.kill(1);
    const r = await gqlClient(api.url)(`query { overview(filter: { from: "2000-01-01" }) { refunds refundedAmount } }`);
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(r.errors?.[0].message).toContain('did not answer; no partial answer is given');
    const ready = await readyz(api.url);
    expect(ready.status).toBe(503);
    expect(ready.body.failed).toEqual(['warehouse']);
  });
});

import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { order, refund, tempDir, toCsv } from '../../etl/src/testing/factory';
import { specFixtures } from '../../etl/src/testing/fixtures';
import { parseCsv } from '../../etl/src/importers/csv';
import { ADMIN_TOKEN, ok, serveDatabase, type TestServer } from '../support/server';
import type { Mutation, Query } from '../support/api';

/**
 * Upload in the browser, over HTTP against the real server on an empty database: upload, format
 * detection, size refusals, roles, file names, preview (the load rolled back), commit, cancel and
 * the start-up clean-up. Counts are worked out by hand from the small files below.
 */
const ROOT = resolve(__dirname, '..', '..');
const FIX = specFixtures();
const MAX = 300_000;

interface Part {
  name: string;
  content: Buffer | string;
  field?: string;
}

interface UploadView {
  id: string;
  files: Array<{ name: string; originalName: string; size: number; detected: string | null; note: string }>;
  mapping: { name: string } | null;
  state: string;
  progress: { phase: string; fraction: number } | null;
  summary: {
    loadId: number;
    outcome: string;
    tables: Array<{ table: string; read: number; loaded: number; replaced: number; unchanged: number; rejected: number }>;
    rejects?: Array<{ table: string; file: string; line: number; column: string; value: string | null; reason: string }>;
    dataVersion: number;
  } | null;
  error: { code: string; message: string } | null;
}

/** A multipart body built by hand, so the file names arrive exactly as written. */
function multipart(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----upload${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.field ?? 'files'}"; filename="${p.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

const fixture = (...p: string[]) => readFileSync(join(FIX, ...p));

describe('upload in the browser (HTTP)', () => {
  let s: TestServer;
  let importDir: string;
  let dbPath: string;
  let analystToken: string;

  const api = async (method: string, path: string, opts: { json?: unknown; token?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${s.url}${path}`, { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as UploadView & { error?: { code: string; message: string } } };
  };

  const upload = async (parts: Part[], token: string | null = ADMIN_TOKEN, path = '/api/uploads') => {
    const { body, type } = multipart(parts);
    const headers: Record<string, string> = { 'content-type': type };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${s.url}${path}`, { method: 'POST', headers, body: new Uint8Array(body) });
    return { status: res.status, body: (await res.json()) as UploadView & { error?: { code: string; message: string } } };
  };

  const folders = () => readdirSync(importDir).filter((n) => n.startsWith('up-'));
  const history = async () => ok(await s.gql<Pick<Query, 'loadHistory'>>(`{ loadHistory { loadId outcome rowsLoaded rowsRejected } }`)).loadHistory;
  const overview = async () => {
    const o = ok(await s.gql<Pick<Query, 'overview'>>(`{ overview(filter: { from: "2000-01-01", to: "2100-01-01" }) { refunds orders } }`)).overview;
    return { refunds: o.refunds, orders: o.orders ?? 0 };
  };
  const counts = (v: UploadView) => Object.fromEntries((v.summary?.tables ?? []).map((t) => [t.table, [t.read, t.loaded, t.rejected]]));

  // refunds: R1 and R4 valid; R2 has a decision outside the enum (line 3), R3 refunds more than asked (line 4).
  const refundsCsv = toCsv('refunds', [
    refund({ refund_id: 'U1', order_id: 'UO1', customer_id: 'UC1' }),
    refund({ refund_id: 'U2', order_id: 'UO2', customer_id: 'UC2', decision: 'maybe' }),
    refund({ refund_id: 'U3', order_id: 'UO3', customer_id: 'UC3', refunded_amount: 150 }),
    refund({ refund_id: 'U4', order_id: 'UO1', customer_id: 'UC1' }),
  ]);
  const ordersCsv = toCsv('orders', [
    order({ order_id: 'UO1', customer_id: 'UC1' }),
    order({ order_id: 'UO2', customer_id: 'UC2' }),
    order({ order_id: 'UO3', customer_id: 'UC3' }),
  ]);

  beforeAll(async () => {
    const dir = tempDir('uploads-');
    dbPath = join(dir, 'u.duckdb');
    importDir = join(dir, 'imports');
    s = await serveDatabase(dbPath, { REFUNDS_IMPORT_DIR: importDir, REFUNDS_UPLOAD_MAX_BYTES: String(MAX) });
    analystToken = ok(await s.gql<Pick<Mutation, 'issueApiToken'>>(`mutation { issueApiToken(userName: "ana", role: "analyst") { token } }`)).issueApiToken
      .token;
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  test('the limit and formats are published to admins', async () => {
    const r = await api('GET', '/api/uploads');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ maxBytes: MAX, formats: ['shopify-orders', 'stripe-refunds', 'zendesk-tickets', 'nps-survey', 'mapping', 'load'] });
  });

  test('each export is recognised by its header or JSON; files land in the upload folder', async () => {
    const r = await upload([
      { name: 'orders_export.csv', content: fixture('shopify', 'orders_export.csv') },
      { name: 'refunds.json', content: fixture('stripe', 'refunds.json') },
      { name: 'tickets_export.csv', content: fixture('zendesk', 'tickets_export.csv') },
      { name: 'satisfaction_ratings.json', content: fixture('zendesk', 'satisfaction_ratings.json') },
      { name: 'nps_responses.csv', content: fixture('surveys', 'nps_responses.csv') },
      { name: 'refunds.csv', content: refundsCsv },
      { name: 'mystery.csv', content: 'a,b\n1,2\n' },
    ]);
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^up-[0-9a-f]{24}$/);
    expect(Object.fromEntries(r.body.files.map((f) => [f.name, f.detected]))).toEqual({
      'orders_export.csv': 'shopify-orders',
      'refunds.json': 'stripe-refunds',
      'tickets_export.csv': 'zendesk-tickets',
      'satisfaction_ratings.json': 'zendesk-tickets',
      'nps_responses.csv': 'nps-survey',
      'refunds.csv': 'load',
      'mystery.csv': null,
    });
    expect(r.body.files.find((f) => f.name === 'orders_export.csv')?.size).toBe(fixture('shopify', 'orders_export.csv').length);
    expect(readdirSync(join(importDir, r.body.id, 'files')).sort()).toEqual(r.body.files.map((f) => f.name).sort());
    expect(readFileSync(join(importDir, r.body.id, 'files', 'refunds.json')).equals(fixture('stripe', 'refunds.json'))).toBe(true);
    // An unrecognised file must get a format before a preview.
    const p = await api('POST', `/api/uploads/${r.body.id}/preview`, { json: {} });
    expect(p.status).toBe(400);
    expect(p.body.error?.message).toMatch(/mystery\.csv.*pick one/);
    expect((await api('DELETE', `/api/uploads/${r.body.id}`)).status).toBe(204);
  });

  test('only admins may upload: 401 without a token, 403 for an analyst, nothing written', async () => {
    const before = folders();
    expect((await upload([{ name: 'refunds.csv', content: refundsCsv }], null)).status).toBe(401);
    const denied = await upload([{ name: 'refunds.csv', content: refundsCsv }], analystToken);
    expect(denied.status).toBe(403);
    expect((await api('GET', '/api/uploads', { token: analystToken })).status).toBe(403);
    expect(folders()).toEqual(before);
  });

  test('a 2 GB upload is refused with 413 from its Content-Length, before any of the body is sent', async () => {
    const before = folders();
    const started = Date.now();
    const { status, body } = await new Promise<{ status: number; body: string }>((res, rej) => {
      const req = request(`${s.url}/api/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 * 1024 ** 3) },
      });
      req.on('response', (r) => {
        let b = '';
        r.on('data', (d: Buffer) => (b += d.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: b }));
      });
      req.on('error', rej);
      req.flushHeaders(); // headers only: the body is never written
    });
    expect(status).toBe(413);
    expect(body).toMatch(/limited to 300000 bytes/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(folders()).toEqual(before);
  });

  test('a body sent without a length is refused (413) once it passes the limit, and its partial file removed', async () => {
    const before = folders();
    let sent = 0;
    const status = await new Promise<number>((res, rej) => {
      const req = request(`${s.url}/api/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'multipart/form-data; boundary=xyz', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      });
      // The server answers 413 and then closes the connection: a write still in flight may fail
      // (EPIPE / ECONNRESET) before the answer is read on a busy machine, so only a missing answer fails.
      req.on('error', (e) => setTimeout(() => rej(e), 5000).unref());
      req.write('--xyz\r\nContent-Disposition: form-data; name="files"; filename="refunds.csv"\r\n\r\n');
      const chunk = Buffer.alloc(16 * 1024, 'a');
      // Up to 20 MB, far past the limit; the server answers long before.
      const pump = (): void => {
        while (sent < 20 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    for (let i = 0; i < 50 && folders().length !== before.length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(folders()).toEqual(before);
  });

  test('the 413 survives a client that reads it late: the refused connection lingers instead of resetting', async () => {
    // A raw socket that keeps sending and only reads after a second, as a busy browser may: a server
    // that closed on unread bytes would reset the connection and the kernel would drop the answer.
    const { hostname: host, port } = new URL(s.url);
    const answer = await new Promise<string>((res, rej) => {
      const socket = connect({ host, port: Number(port) });
      let got = '';
      let stop = false;
      socket.pause();
      socket.on('error', (e) => (got ? undefined : rej(e)));
      socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
      socket.on('close', () => res(got));
      socket.on('connect', () => {
        socket.write(
          `POST /api/uploads HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\n` +
            'Content-Type: multipart/form-data; boundary=xyz\r\nTransfer-Encoding: chunked\r\n\r\n',
        );
        const part = '--xyz\r\nContent-Disposition: form-data; name="files"; filename="refunds.csv"\r\n\r\n';
        socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
        const body = Buffer.alloc(16 * 1024, 'a');
        const chunk = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
        let sent = 0;
        const pump = (): void => {
          while (!stop && sent < 20 * 1024 * 1024) {
            sent += body.length;
            if (!socket.write(chunk)) {
              socket.once('drain', pump);
              return;
            }
          }
          if (!stop) socket.end('0\r\n\r\n');
        };
        pump();
        setTimeout(() => {
          stop = true;
          socket.resume();
        }, 1000).unref();
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain(`uploads are limited to ${MAX} bytes`);
  });

  test('file names cannot leave the upload folder', async () => {
    const r = await upload([
      { name: '../../../escape.csv', content: 'a\n' },
      { name: '..\\..\\win.csv', content: 'a\n' },
      { name: '.hidden.csv', content: 'a\n' },
      { name: 'a/b/../../refunds.csv', content: refundsCsv },
      { name: 'évaluation 数据.csv', content: 'a\n' },
      { name: 'orders;rm -rf $HOME.csv', content: 'a\n' },
    ]);
    expect(r.status).toBe(201);
    const names = r.body.files.map((f) => f.name);
    expect(names).toEqual(['escape.csv', 'win.csv', 'hidden.csv', 'refunds.csv', 'évaluation 数据.csv', 'orders_rm -rf _HOME.csv']);
    expect(readdirSync(join(importDir, r.body.id, 'files')).sort()).toEqual([...names].sort());
    for (const dir of [importDir, dirname(importDir), join(importDir, r.body.id)]) {
      expect(existsSync(join(dir, 'escape.csv'))).toBe(false);
      expect(existsSync(join(dir, 'win.csv'))).toBe(false);
    }
    expect((await api('DELETE', `/api/uploads/${r.body.id}`)).status).toBe(204);
  });

  test('preview: the real load rolled back, with counts, rejects and nothing changed', async () => {
    const up = await upload([
      { name: 'refunds.csv', content: refundsCsv },
      { name: 'orders.csv', content: ordersCsv },
    ]);
    expect(up.status).toBe(201);
    const historyBefore = await history();
    const p = await api('POST', `/api/uploads/${up.body.id}/preview`, { json: {} });
    expect(p.status).toBe(200);
    expect(p.body.state).toBe('previewed');
    expect(p.body.summary?.outcome).toBe('previewed');
    expect(counts(p.body)).toEqual({ orders: [3, 3, 0], refunds: [4, 2, 2] });
    expect(p.body.summary?.rejects?.map((r) => [r.file, r.line, r.column, r.value])).toEqual([
      ['refunds.csv', 3, 'decision', 'maybe'],
      ['refunds.csv', 4, 'refunded_amount', '150'],
    ]);
    expect(p.body.summary?.rejects?.[1].reason).toMatch(/exceeds requested_amount/);
    // Nothing was written: no history row, no refunds.
    expect(await history()).toEqual(historyBefore);
    expect(await overview()).toMatchObject({ refunds: 0, orders: 0 });

    // Commit: the same load for real, recorded in the history.
    const c = await api('POST', `/api/uploads/${up.body.id}/commit`, { json: {} });
    expect(c.status).toBe(200);
    expect(c.body.state).toBe('committed');
    expect(c.body.summary?.outcome).toBe('committed');
    expect(c.body.progress).toEqual({ phase: 'done', fraction: 1 });
    expect(counts(c.body)).toEqual({ orders: [3, 3, 0], refunds: [4, 2, 2] });
    const [latest] = await history();
    expect(latest).toMatchObject({ loadId: c.body.summary?.loadId, outcome: 'committed', rowsLoaded: 5, rowsRejected: 2 });
    expect(await overview()).toMatchObject({ refunds: 2, orders: 3 });
    const again = await api('POST', `/api/uploads/${up.body.id}/commit`, { json: {} });
    expect(again.status).toBe(409);

    // A preview of the same files now finds every valid row unchanged.
    const up2 = await upload([
      { name: 'refunds.csv', content: refundsCsv },
      { name: 'orders.csv', content: ordersCsv },
    ]);
    const p2 = await api('POST', `/api/uploads/${up2.body.id}/preview`, { json: {} });
    expect(p2.body.summary?.tables.map((t) => [t.table, t.loaded, t.unchanged])).toEqual([
      ['orders', 0, 3],
      ['refunds', 0, 2],
    ]);
    await api('DELETE', `/api/uploads/${up2.body.id}`);
  });

  test('an export: shopify orders converted and previewed (40 orders, 8 refunds), progress reported during the commit', async () => {
    const up = await upload([{ name: 'orders_export.csv', content: fixture('shopify', 'orders_export.csv') }]);
    const p = await api('POST', `/api/uploads/${up.body.id}/preview`, { json: { formats: { 'orders_export.csv': 'shopify-orders' } } });
    expect(p.status).toBe(200);
    // The fixture's README: 40 orders, 4 refunded and 4 partially refunded.
    expect(counts(p.body)).toEqual({ orders: [40, 40, 0], src_shop_orders: [40, 40, 0], refunds: [8, 8, 0] });

    const seen: Array<{ phase: string; fraction: number }> = [];
    let done = false;
    const commit = api('POST', `/api/uploads/${up.body.id}/commit`, { json: {} }).finally(() => (done = true));
    while (!done) {
      const g = await api('GET', `/api/uploads/${up.body.id}`);
      if (g.body.progress) seen.push(g.body.progress);
      await new Promise((r) => setTimeout(r, 5));
    }
    const c = await commit;
    expect(c.status).toBe(200);
    expect(counts(c.body)).toEqual({ orders: [40, 40, 0], src_shop_orders: [40, 40, 0], refunds: [8, 8, 0] });
    const fractions = seen.map((x) => x.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(seen.every((x) => x.fraction >= 0 && x.fraction <= 1)).toBe(true);
    // Deriving the facts and rollups takes most of a small load, so polling sees it mid-way.
    expect(seen.some((x) => x.phase === 'deriving' && x.fraction > 0 && x.fraction < 1)).toBe(true);
    expect((await api('GET', `/api/uploads/${up.body.id}`)).body.progress).toEqual({ phase: 'done', fraction: 1 });
    expect(await overview()).toMatchObject({ refunds: 2 + 8, orders: 3 + 40 });
    // the audit log names who received and committed the upload
    const audit = ok(await s.gql<Pick<Query, 'auditLog'>>(`{ auditLog { action actor detail } }`)).auditLog;
    const mine = audit.filter((e) => e.action === 'upload' && e.detail.includes(up.body.id));
    expect(mine.map((e) => e.detail.replace(up.body.id, 'ID'))).toEqual(
      expect.arrayContaining([expect.stringContaining('upload ID received: orders_export.csv'), expect.stringContaining('upload ID committed as load')]),
    );
  });

  test('mapping: a CSV needs a mapping file; with the example mapping it previews its refund rows', async () => {
    const csv = fixture('helpdesk', 'customer_support_tickets.csv');
    const up = await upload([{ name: 'customer_support_tickets.csv', content: csv }]);
    expect(up.body.files[0].detected).toBeNull();
    const noMapping = await api('POST', `/api/uploads/${up.body.id}/preview`, { json: { formats: { 'customer_support_tickets.csv': 'mapping' } } });
    expect(noMapping.status).toBe(400);
    expect(noMapping.body.error?.message).toMatch(/mapping file/);
    const yaml = readFileSync(join(ROOT, 'etl', 'src', 'importers', 'examples', 'helpdesk-mapping.yaml'));
    const m = await upload([{ name: 'helpdesk-mapping.yaml', content: yaml, field: 'mapping' }], ADMIN_TOKEN, `/api/uploads/${up.body.id}/mapping`);
    expect(m.status).toBe(201);
    expect(m.body.mapping?.name).toBe('helpdesk-mapping.yaml');
    expect(m.body.files[0].detected).toBe('mapping');
    const p = await api('POST', `/api/uploads/${up.body.id}/preview`, { json: {} });
    expect(p.status).toBe(200);
    // Refund rows of the data set, counted here straight from the CSV.
    const [header, ...rows] = parseCsv(csv.toString('utf8')).records;
    const typeCol = header.indexOf('Ticket Type');
    const refundRows = rows.filter((r) => r[typeCol] === 'Refund request').length;
    expect(refundRows).toBe(115);
    expect(p.body.summary?.tables.find((t) => t.table === 'refunds')?.read).toBe(refundRows);
    await api('DELETE', `/api/uploads/${up.body.id}`);
  });

  test('a broken export fails the preview with 422 and its reason; cancel removes the folder', async () => {
    const up = await upload([{ name: 'orders_export.csv', content: 'Name,Financial Status,Lineitem name\n#1,paid,x\n' }]);
    expect(up.body.files[0].detected).toBe('shopify-orders');
    const p = await api('POST', `/api/uploads/${up.body.id}/preview`, { json: {} });
    expect(p.status).toBe(422);
    expect(p.body.error?.code).toBe('MISSING_COLUMN');
    expect((await api('GET', `/api/uploads/${up.body.id}`)).body.state).toBe('failed');
    expect(existsSync(join(importDir, up.body.id))).toBe(true);
    expect((await api('DELETE', `/api/uploads/${up.body.id}`)).status).toBe(204);
    expect(existsSync(join(importDir, up.body.id))).toBe(false);
    expect((await api('GET', `/api/uploads/${up.body.id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/uploads/${up.body.id}`)).status).toBe(404);
    expect((await api('GET', `/api/uploads/..%2F..%2Fetc`)).status).toBe(404);
  });

  test('at start-up, upload folders older than a day are removed; other folders are left alone', async () => {
    const old = join(importDir, `up-${'a'.repeat(24)}`);
    const fresh = join(importDir, `up-${'b'.repeat(24)}`);
    const other = join(importDir, 'handed-over-by-cli');
    for (const d of [old, fresh, other]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'x.csv'), 'a\n');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    await s.close();
    s = await serveDatabase(dbPath, { REFUNDS_IMPORT_DIR: importDir, REFUNDS_UPLOAD_MAX_BYTES: String(MAX) });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(other)).toBe(true);
  }, 60_000);
});

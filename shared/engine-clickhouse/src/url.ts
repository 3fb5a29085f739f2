/**
 * The ClickHouse warehouse URL (api-contract.md), taken wherever a DuckDB file is (`--db`, `REFUNDS_DB`):
 *
 *   clickhouse://[user[:password]@]host:port[,host:port...]/database[?cluster=NAME]
 *
 * Ports are HTTP ports. With several endpoints (one per shard) schema changes run on each of them;
 * `cluster` names the `remote_servers` cluster the Distributed tables spread over. User and password
 * are percent-encoded (`p%40ss` for `p@ss`). Messages never show the password: see `redactWarehouseUrl`.
 */
export interface ClickHouseEndpoint {
  host: string;
  port: number;
}

export interface ClickHouseUrl {
  user: string;
  password: string;
  endpoints: ClickHouseEndpoint[];
  database: string;
  cluster: string | null;
  /** The URL as given, with the password replaced by `***`: the only form messages may show. */
  redacted: string;
}

export class WarehouseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WarehouseUrlError';
  }
}

const SCHEME = /^clickhouse:\/\//i;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/** True for a `clickhouse://` URL; anything else is a DuckDB file path. */
export const isClickHouseUrl = (s: string): boolean => SCHEME.test(s.trim());

/**
 * The URL with its password (the text between the user's first `:` and the last `@` before the
 * path) replaced by `***`. Works on malformed URLs too, so a parse error can name the URL safely.
 */
export function redactWarehouseUrl(s: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(s);
  if (!m) return s;
  const rest = m[2];
  const at = rest.lastIndexOf('@');
  if (at === -1) return s;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) return s;
  return `${m[1]}${userinfo.slice(0, colon)}:***${rest.slice(at)}`;
}

function decode(part: string, what: string, shown: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new WarehouseUrlError(`${shown}: the ${what} is not valid percent-encoding`);
  }
}

export function parseClickHouseUrl(input: string): ClickHouseUrl {
  const text = input.trim();
  const shown = redactWarehouseUrl(text);
  const fail = (why: string): never => {
    throw new WarehouseUrlError(
      `invalid ClickHouse URL ${shown}: ${why} (expected clickhouse://[user[:password]@]host:port[,host:port...]/database[?cluster=NAME])`,
    );
  };
  if (!SCHEME.test(text)) fail('it must start with clickhouse://');
  let rest = text.replace(SCHEME, '');
  let user = 'default';
  let password = '';
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    user = decode(colon === -1 ? userinfo : userinfo.slice(0, colon), 'user', shown);
    password = colon === -1 ? '' : decode(userinfo.slice(colon + 1), 'password', shown);
    if (!user) fail('the user before @ is empty');
  }
  const slash = rest.indexOf('/');
  if (slash === -1) fail('the /database part is missing');
  const hostPart = rest.slice(0, slash);
  const afterHosts = rest.slice(slash + 1);
  const q = afterHosts.indexOf('?');
  const database = q === -1 ? afterHosts : afterHosts.slice(0, q);
  const query = q === -1 ? '' : afterHosts.slice(q + 1);
  if (!hostPart) fail('no host:port');
  const endpoints = hostPart.split(',').map((hp) => {
    const m = /^(.*):(\d{1,5})$/.exec(hp);
    if (!m) return fail(`"${hp}" is not host:port (the HTTP port is required)`);
    const port = Number(m[2]);
    if (port < 1 || port > 65535) fail(`port ${m[2]} is out of range`);
    if (!HOST.test(m[1])) fail(`"${m[1]}" is not a host name or address`);
    return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
  });
  const seen = new Set(endpoints.map((e) => `${e.host}:${e.port}`));
  if (seen.size !== endpoints.length) fail('an endpoint is listed twice');
  if (!database) fail('the database name is missing');
  if (!NAME.test(database)) fail(`database "${database}" must be letters, digits and _ (not starting with a digit)`);
  let cluster: string | null = null;
  if (query) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const key = eq === -1 ? pair : pair.slice(0, eq);
      const value = eq === -1 ? '' : decode(pair.slice(eq + 1), 'cluster name', shown);
      if (key !== 'cluster') fail(`unknown parameter "${key}" (only cluster=NAME is understood)`);
      if (cluster !== null) fail('cluster is given twice');
      if (!NAME.test(value)) fail(`cluster "${value}" must be letters, digits and _ (not starting with a digit)`);
      cluster = value;
    }
  }
  return { user, password, endpoints, database, cluster, redacted: shown };
}

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULTS, ROLES, type Role } from '@refunds/shared';
import { isClickHouseUrl, parseClickHouseUrl } from '@refunds/engine-clickhouse';

export interface AppConfig {
  /** The DuckDB warehouse file; with a ClickHouse warehouse, only the anchor of the local files' default folder. */
  duckdbPath: string;
  /** REFUNDS_DB when it is a ClickHouse URL (the warehouse is then ClickHouse, read-only to the server). */
  clickhouseUrl: string | null;
  port: number;
  host: string;
  adminToken: string | null;
  appDb: { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };
  production: boolean;
  /**
   * REFUNDS_REPORTING_CURRENCY, null when unset. The reporting currency belongs to the data: it is
   * stored in the DuckDB file when the file is created, and the server takes it from there
   * (DuckDbService.reportingCurrency); this setting may only repeat it (see reportingCurrencyFor).
   */
  reportingCurrencySetting: string | null;
  poolSize: number;
  clientDir: string;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  cacheEntries: number;
  /** When set, every analytics query is appended here (SQL, values, ms): the benchmark's replay log. */
  sqlLog: string | null;
  /** Result cache on/off (the benchmark measures both). */
  cache: boolean;
  /** Answer from the daily rollups where they cover the query (off: always refund_facts; tests compare both). */
  rollups: boolean;
  /** The only folder POST /api/loads may read files from and write rejects to, and where browser uploads go (REFUNDS_IMPORT_DIR). */
  importDir: string;
  /** Largest upload request or file accepted (REFUNDS_UPLOAD_MAX_BYTES, default 1 GiB). */
  uploadMaxBytes: number;
  /** The only folder POST /api/backups may write to (REFUNDS_BACKUP_DIR). */
  backupDir: string;
  /** Express "trust proxy" (REFUNDS_TRUST_PROXY): only then X-Forwarded-Proto/-For are believed. */
  trustProxy: string | false;
  /** A session ends after this many minutes without a request (REFUNDS_SESSION_IDLE_MINUTES). */
  sessionIdleMinutes: number;
  /** Failed sign-ins allowed per account and per client address in 15 minutes before 429. */
  signInFailures: { perAccount: number; perAddress: number };
  /** GET /metrics without credentials (REFUNDS_METRICS_PUBLIC=1). */
  metricsPublic: boolean;
  /** Structured log level (REFUNDS_LOG_LEVEL): info logs one line per request. */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  oidc: OidcConfig | null;
  /** The URL browsers reach the dashboard at (REFUNDS_PUBLIC_URL), for links in alerts; null when unset. */
  publicUrl: string | null;
  alerts: AlertsConfig;
}

export interface AlertsConfig {
  /** SMTP server for `mailto:` targets (REFUNDS_SMTP_URL, e.g. smtp://user:pass@host:587); null: e-mail targets are refused. */
  smtpUrl: string | null;
  /** Sender address of alert e-mails (REFUNDS_SMTP_FROM). */
  smtpFrom: string;
  /** Targets on loopback or private addresses allowed (REFUNDS_ALERT_ALLOW_PRIVATE=1, for tests and closed networks). */
  allowPrivate: boolean;
  /**
   * Seconds to wait before each retry (REFUNDS_ALERT_RETRY_SECONDS, comma-separated): 4 retries
   * by default, so at most 5 attempts, all within an hour (1 + 5 + 15 + 30 minutes).
   */
  retrySeconds: number[];
  /** Chromium for rendering scheduled packs (REFUNDS_CHROMIUM_PATH). */
  chromiumPath: string;
  /** How often scheduled packs are checked for being due (REFUNDS_PACK_TICK_SECONDS, default 20). */
  packTickSeconds: number;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** The ID-token/userinfo claim holding the user's groups. */
  roleClaim: string;
  /** Group name -> role; the first group of the user found here decides (admin before executive, ...). */
  groupRoles: Record<string, Role>;
  /** The URL the browser reaches this server at, for the redirect URI (REFUNDS_PUBLIC_URL); default from the request. */
  publicUrl: string | null;
  /** Scopes asked for (REFUNDS_OIDC_SCOPES, space-separated); "openid" is always among them. */
  scopes: string;
}

export const DEFAULT_UPLOAD_MAX_BYTES = 1024 ** 3;

/** The import folder must be a writable directory, or creatable inside a writable one. */
function importDirProblem(dir: string): string | null {
  let probe = dir;
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) return `REFUNDS_IMPORT_DIR: no existing parent folder for ${dir}`;
    probe = parent;
  }
  if (!statSync(probe).isDirectory()) return `REFUNDS_IMPORT_DIR: ${probe} is not a folder`;
  try {
    accessSync(probe, constants.W_OK | constants.X_OK);
  } catch {
    return `REFUNDS_IMPORT_DIR: ${probe} is not writable`;
  }
  return null;
}

export class ConfigError extends Error {}

/**
 * REFUNDS_DB names a DuckDB file or a ClickHouse warehouse (api-contract.md). A malformed URL is a
 * configuration problem; an unreachable server is not (it may come up later; /readyz says so).
 */
function clickHouseUrlOf(db: string | undefined, problems: string[]): string | null {
  if (!db || !isClickHouseUrl(db)) return null;
  try {
    parseClickHouseUrl(db);
    return db;
  } catch (e) {
    problems.push(`REFUNDS_DB: ${(e as Error).message}`);
    return db;
  }
}

/** Reads and validates the environment once at boot; every problem is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const clickhouseUrl = clickHouseUrlOf(env.REFUNDS_DB, problems);
  // With ClickHouse, the local files (app store, imports, backups) default to ./data as without REFUNDS_DB.
  const duckdbPath = resolve(clickhouseUrl === null && env.REFUNDS_DB ? env.REFUNDS_DB : join(process.cwd(), 'data', 'refunds.duckdb'));
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, got "${env.PORT}"`);
  const adminToken = env.REFUNDS_ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 8) problems.push('REFUNDS_ADMIN_TOKEN must be at least 8 characters');
  const appDbUrl = env.REFUNDS_APP_DB?.trim();
  let appDb: AppConfig['appDb'];
  if (!appDbUrl) appDb = { type: 'sqlite', path: join(dirname(duckdbPath), 'refunds-app.sqlite') };
  else if (/^postgres(ql)?:\/\//.test(appDbUrl)) appDb = { type: 'postgres', url: appDbUrl };
  else if (appDbUrl.startsWith('sqlite:')) appDb = { type: 'sqlite', path: resolve(appDbUrl.slice('sqlite:'.length)) };
  else {
    appDb = { type: 'sqlite', path: resolve(appDbUrl) };
  }
  const reportingCurrencySetting = env.REFUNDS_REPORTING_CURRENCY?.trim().toUpperCase() || null;
  if (reportingCurrencySetting !== null && !/^[A-Z]{3}$/.test(reportingCurrencySetting)) problems.push('REFUNDS_REPORTING_CURRENCY must be a 3-letter code');
  const poolSize = Number(env.REFUNDS_POOL_SIZE ?? 4);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 32) problems.push('REFUNDS_POOL_SIZE must be 1..32');
  const rate = Number(env.REFUNDS_RATE_LIMIT ?? 1200);
  if (!Number.isFinite(rate) || rate < 1) problems.push('REFUNDS_RATE_LIMIT must be a positive number');
  const importDir = resolve(env.REFUNDS_IMPORT_DIR?.trim() || join(dirname(duckdbPath), 'imports'));
  const importProblem = importDirProblem(importDir);
  if (importProblem) problems.push(importProblem);
  const uploadMaxRaw = env.REFUNDS_UPLOAD_MAX_BYTES?.trim();
  const uploadMaxBytes = uploadMaxRaw ? Number(uploadMaxRaw) : DEFAULT_UPLOAD_MAX_BYTES;
  if (!/^\d+$/.test(uploadMaxRaw ?? '0') || !Number.isSafeInteger(uploadMaxBytes) || uploadMaxBytes < 1)
    problems.push(`REFUNDS_UPLOAD_MAX_BYTES must be a whole number of bytes >= 1, got "${uploadMaxRaw}"`);
  const idle = Number(env.REFUNDS_SESSION_IDLE_MINUTES ?? 120);
  if (!Number.isFinite(idle) || idle <= 0) problems.push('REFUNDS_SESSION_IDLE_MINUTES must be a positive number of minutes');
  const perAccount = Number(env.REFUNDS_SIGNIN_FAILURES_PER_ACCOUNT ?? 5);
  const perAddress = Number(env.REFUNDS_SIGNIN_FAILURES_PER_ADDRESS ?? 20);
  if (!Number.isInteger(perAccount) || perAccount < 1) problems.push('REFUNDS_SIGNIN_FAILURES_PER_ACCOUNT must be a positive integer');
  if (!Number.isInteger(perAddress) || perAddress < 1) problems.push('REFUNDS_SIGNIN_FAILURES_PER_ADDRESS must be a positive integer');
  const logLevel = (env.REFUNDS_LOG_LEVEL ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) problems.push('REFUNDS_LOG_LEVEL must be debug, info, warn, error or silent');
  const oidc = oidcConfig(env, problems);
  const alerts = alertsConfig(env, problems);
  const publicUrl = env.REFUNDS_PUBLIC_URL?.trim().replace(/\/+$/, '') || null;
  if (publicUrl !== null && !/^https?:\/\/[^\s]+$/.test(publicUrl)) problems.push('REFUNDS_PUBLIC_URL must be an http(s) URL');
  if (problems.length) throw new ConfigError(`invalid configuration:\n- ${problems.join('\n- ')}`);
  return {
    duckdbPath,
    clickhouseUrl,
    port,
    host: env.HOST ?? '0.0.0.0',
    adminToken,
    appDb,
    production: env.NODE_ENV === 'production',
    reportingCurrencySetting,
    poolSize,
    clientDir: resolve(env.REFUNDS_CLIENT_DIR ?? join(__dirname, '..', '..', '..', 'client', 'dist')),
    corsOrigins: (env.REFUNDS_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rateLimitPerMinute: rate,
    cacheEntries: 500,
    sqlLog: env.REFUNDS_SQL_LOG ? resolve(env.REFUNDS_SQL_LOG) : null,
    cache: env.REFUNDS_CACHE !== 'off',
    rollups: env.REFUNDS_ROLLUPS !== 'off',
    importDir,
    uploadMaxBytes,
    backupDir: resolve(env.REFUNDS_BACKUP_DIR?.trim() || join(dirname(duckdbPath), 'backups')),
    trustProxy: env.REFUNDS_TRUST_PROXY?.trim() || false,
    sessionIdleMinutes: idle,
    signInFailures: { perAccount, perAddress },
    metricsPublic: env.REFUNDS_METRICS_PUBLIC === '1',
    logLevel: logLevel as AppConfig['logLevel'],
    oidc,
    publicUrl,
    alerts,
  };
}

/** REFUNDS_OIDC_GROUP_ROLES: "group=role,group=role" (role one of admin, executive, product, analyst). */
function oidcConfig(env: NodeJS.ProcessEnv, problems: string[]): OidcConfig | null {
  const issuer = env.REFUNDS_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const clientId = env.REFUNDS_OIDC_CLIENT_ID?.trim();
  if (!clientId) problems.push('REFUNDS_OIDC_CLIENT_ID is required with REFUNDS_OIDC_ISSUER');
  try {
    new URL(issuer);
  } catch {
    problems.push('REFUNDS_OIDC_ISSUER must be a URL');
  }
  const groupRoles: Record<string, Role> = {};
  for (const pair of (env.REFUNDS_OIDC_GROUP_ROLES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.lastIndexOf('=');
    const group = pair.slice(0, eq).trim();
    const role = pair.slice(eq + 1).trim();
    if (eq < 1 || !(ROLES as readonly string[]).includes(role))
      problems.push(`REFUNDS_OIDC_GROUP_ROLES: "${pair}" is not group=role (roles: ${ROLES.join(', ')})`);
    else groupRoles[group] = role as Role;
  }
  if (Object.keys(groupRoles).length === 0) problems.push('REFUNDS_OIDC_GROUP_ROLES must map at least one group to a role');
  const publicUrl = env.REFUNDS_PUBLIC_URL?.trim().replace(/\/+$/, '') || null;
  return {
    issuer,
    clientId: clientId ?? '',
    clientSecret: env.REFUNDS_OIDC_CLIENT_SECRET?.trim() || null,
    roleClaim: env.REFUNDS_OIDC_ROLE_CLAIM?.trim() || 'groups',
    groupRoles,
    publicUrl,
    scopes: [...new Set(['openid', ...(env.REFUNDS_OIDC_SCOPES ?? 'openid email profile').split(/\s+/).filter(Boolean)])].join(' '),
  };
}

/**
 * The currency the server reports in: the database's (stored when it was created), else the
 * setting, else CNY. A setting that disagrees with the database is refused: amounts were
 * converted into the database's currency when they were loaded, and showing pounds as yuan is
 * worse than not starting.
 */
export function reportingCurrencyFor(setting: string | null, stored: string | null, duckdbPath: string): string {
  if (stored !== null && setting !== null && stored !== setting) {
    throw new ConfigError(
      `REFUNDS_REPORTING_CURRENCY=${setting} but ${duckdbPath} reports in ${stored} (set when it was created): unset REFUNDS_REPORTING_CURRENCY or set it to ${stored}`,
    );
  }
  return stored ?? setting ?? DEFAULTS.reportingCurrency;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

function alertsConfig(env: NodeJS.ProcessEnv, problems: string[]): AlertsConfig {
  const smtpUrl = env.REFUNDS_SMTP_URL?.trim() || null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) problems.push('REFUNDS_SMTP_URL must be an smtp:// or smtps:// URL');
  const raw = env.REFUNDS_ALERT_RETRY_SECONDS?.trim() || '60,300,900,1800';
  const retrySeconds = raw.split(',').map((x) => Number(x.trim()));
  if (retrySeconds.length > 4 || retrySeconds.some((x) => !Number.isFinite(x) || x <= 0) || retrySeconds.reduce((a, b) => a + b, 0) > 3600)
    problems.push('REFUNDS_ALERT_RETRY_SECONDS must be at most 4 positive numbers of seconds adding up to at most an hour');
  const tick = Number(env.REFUNDS_PACK_TICK_SECONDS ?? 20);
  if (!Number.isFinite(tick) || tick < 0.1 || tick > 3600) problems.push('REFUNDS_PACK_TICK_SECONDS must be 0.1..3600');
  return {
    smtpUrl,
    smtpFrom: env.REFUNDS_SMTP_FROM?.trim() || 'refund-alerts@localhost',
    allowPrivate: env.REFUNDS_ALERT_ALLOW_PRIVATE === '1',
    retrySeconds,
    chromiumPath: env.REFUNDS_CHROMIUM_PATH?.trim() || '/usr/bin/chromium',
    packTickSeconds: tick,
  };
}

import 'reflect-metadata';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { ConfigError, loadConfig, reportingCurrencyFor, type AppConfig } from './config/config';
import { assertCatalog } from './config/catalog-check';
import { storedCurrencyOf } from './database/currency';
import { requestScope, WarehouseService } from './database/warehouse';
import { createLogger, PinoNestLogger, requestLogger } from './common/http/logging';
import { rateLimiter, securityHeaders } from './common/http/security';
import { AuthService } from './modules/auth/auth.service';
import { addressOf } from './modules/auth/auth.types';
import { ThrottleService } from './modules/auth/throttle.service';

/** Operational endpoints answered by the API, not by the client's index.html. */
const SERVICE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** Boots the API and the built client; returns the app so tests can close it. */
export async function bootstrap(config: AppConfig = loadConfig()): Promise<NestExpressApplication> {
  const logger = createLogger(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: new PinoNestLogger(logger), bodyParser: false });
  app.disable('x-powered-by');
  // X-Forwarded-Proto/-For are believed only from the proxies REFUNDS_TRUST_PROXY names.
  app.set('trust proxy', config.trustProxy);
  // Each request reads one data version of the warehouse (see requestScope).
  app.use((_req: Request, _res: Response, next: NextFunction) => requestScope.run({}, next));
  // Before the body parser: its refusals (413, broken JSON) carry the headers too, and a client over
  // its rate limit is turned away before its body is read.
  app.use(securityHeaders);
  app.use(requestLogger(logger));
  const auth = app.get(AuthService);
  const throttle = app.get(ThrottleService);
  app.use(
    rateLimiter(config.rateLimitPerMinute, {
      knownToken: (h) => auth.isKnownTokenHash(h),
      addressRetryAfter: (a) => throttle.retryAfter(addressOf({ ip: a })),
    }),
  );
  app.useBodyParser('json', { limit: '256kb' });
  app.enableCors(config.corsOrigins.length ? { origin: config.corsOrigins } : { origin: false });
  if (existsSync(join(config.clientDir, 'index.html'))) {
    app.useStaticAssets(config.clientDir, { index: false, maxAge: '1h' });
    // Client routes (/incentives, /policy, ...) are answered by the SPA's index.html.
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/graphql') || req.path.startsWith('/api/') || SERVICE_PATHS.has(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(config.clientDir, 'index.html'));
    });
  }
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  return app;
}

async function main(): Promise<void> {
  const logger = new Logger('Bootstrap');
  let config: AppConfig;
  try {
    assertCatalog();
    config = loadConfig();
    // Before Nest starts: a refusal is one line, not a stack trace from the module factory.
    if (config.clickhouseUrl === null) reportingCurrencyFor(config.reportingCurrencySetting, await storedCurrencyOf(config.duckdbPath), config.duckdbPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    logger.error(e.message);
    process.exit(1);
  }
  const app = await bootstrap(config);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  const infoPath = `${config.duckdbPath}.server.json`;
  writeFileSync(infoPath, JSON.stringify({ pid: process.pid, url }));
  const cleanup = () => rmSync(infoPath, { force: true });
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void app.close().finally(() => process.exit(0)));
  const warehouse = app.get(WarehouseService);
  process.stdout.write(
    `ready: ${url}/ (GraphQL at ${url}/graphql, ${warehouse.engine === 'duckdb' ? 'DuckDB' : 'ClickHouse'} ${warehouse.location}, app store ${config.appDb.type})\n`,
  );
}

if (require.main === module) {
  // Each pooled DuckDB query occupies a libuv worker; keep spare workers for fs and crypto.
  process.env.UV_THREADPOOL_SIZE ??= String(Number(process.env.REFUNDS_POOL_SIZE ?? 4) + 4);
  void main();
}

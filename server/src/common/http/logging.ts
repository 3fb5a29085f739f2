import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../../config/config';

/**
 * Structured JSON logs: one line per request (request id, method, path, status, time, GraphQL
 * operation name, user name and role), and Nest's own messages as JSON lines too.
 *
 * Nothing secret goes in: no headers at all (Authorization, Cookie), no query string, no request or
 * response body (passwords, tokens, variables holding customer ids), only the path.
 */
export function createLogger(config: AppConfig): Logger {
  return pino(
    { level: config.logLevel, base: { service: 'refunds-api' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const OPERATION = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

type LoggedRequest = IncomingMessage & {
  id?: unknown;
  body?: unknown;
  principal?: { name: string; role: string };
  originalUrl?: string;
};

/** "POST /graphql 200": Express rewrites req.url inside mounted routers, originalUrl is what came in. */
function line(req: LoggedRequest, res: ServerResponse): string {
  return `${req.method ?? ''} ${(req.originalUrl ?? req.url ?? '').split('?')[0].slice(0, 200)} ${res.statusCode}`;
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    // A caller's X-Request-Id is kept when it is a plain id (so a proxy's id joins up), else a new one.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0].slice(0, 200) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => line(req as LoggedRequest, res),
    customErrorMessage: (req, res) => line(req as LoggedRequest, res),
    customProps: (req: LoggedRequest) => {
      const body = req.body as { operationName?: unknown } | undefined;
      const op = typeof body?.operationName === 'string' && OPERATION.test(body.operationName) ? body.operationName : undefined;
      return { operation: op, user: req.principal?.name, role: req.principal?.role };
    },
    // The query string can hold a GraphQL query with customer ids; pino-http's default would log req.url whole.
    wrapSerializers: false,
  });
}

/** Nest's Logger calls, as JSON lines through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'info' | 'warn' | 'error' | 'debug', message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params[params.length - 1] as string) : undefined;
    const stack = level === 'error' && typeof params[0] === 'string' && params.length > 1 ? params[0] : undefined;
    this.logger[level]({ context, stack }, typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Nest's own `log` calls are start-up chatter (every route mapped): debug level. */
  log(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
}

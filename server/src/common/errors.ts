import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { Logger } from '@nestjs/common';

/** One code per failure; `toGraphQLCode` is the single mapping to GraphQL error codes. */
export type AppErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'RATE_LIMITED' | 'DATABASE_UNAVAILABLE' | 'INTERNAL';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badInput = (argument: string, message: string) => new AppError('BAD_USER_INPUT', `${argument}: ${message}`, argument);

export function toGraphQLCode(code: AppErrorCode): string {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'BAD_USER_INPUT':
      return code;
    case 'NOT_FOUND':
      return 'BAD_USER_INPUT';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'DATABASE_UNAVAILABLE':
      return 'SERVICE_UNAVAILABLE';
    case 'INTERNAL':
      return 'INTERNAL_SERVER_ERROR';
  }
}

const logger = new Logger('GraphQL');

/** Apollo formatError: known errors keep their code and message; anything else is logged and hidden. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, production: boolean): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof AppError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: toGraphQLCode(original.code), ...(original.argument ? { argument: original.argument } : {}) },
    };
  }
  const code = formatted.extensions?.code;
  if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' || code === 'BAD_USER_INPUT' || code === 'BAD_REQUEST' || code === 'PERSISTED_QUERY_NOT_FOUND') {
    const ext = { code: code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED' ? code : 'BAD_USER_INPUT' };
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: ext };
  }
  const sqlText = (original as { sqlText?: string } | null)?.sqlText;
  logger.error(`${(original as Error)?.message ?? String(original)}${sqlText ? `\nSQL: ${sqlText}` : ''}`, production ? undefined : (original as Error)?.stack);
  return {
    message: production ? 'Internal error; the server log has the details' : ((original as Error)?.message ?? 'Internal error'),
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

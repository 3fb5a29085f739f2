import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, toGraphQLCode } from '../errors';

const logger = new Logger('GraphQL');

/** Apollo's codes for requests the client got wrong (e.g. several operations and no operationName): BAD_USER_INPUT, not internal. */
const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * An error about the request itself that Apollo or graphql-js raise without a code: Apollo gives
 * such errors a 4xx HTTP status (e.g. a persisted-query hash that does not match), and graphql-js
 * refuses an operation type the schema lacks (a subscription) only at execution.
 */
function isRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError) return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return (typeof status === 'number' && status >= 400 && status < 500) || /^Schema is not configured to execute \w+ operation/.test(error.message);
}

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
  if (
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    code === 'GRAPHQL_PARSE_FAILED' ||
    (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) ||
    isRequestError(error)
  ) {
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

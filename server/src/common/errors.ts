/** One code per failure; `toGraphQLCode` is the single mapping to GraphQL error codes. */
export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFLICT'
  | 'READ_ONLY_WAREHOUSE';

/**
 * An expected failure with its code. AppErrorFilter hands it to GraphQL (or HTTP) unlogged: bad
 * input and auth failures are the caller's problem, logging each with a stack floods the log, and
 * their messages quote user input, so a value with a newline could forge log lines.
 */
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
    case 'PAYLOAD_TOO_LARGE':
    case 'CONFLICT':
    case 'READ_ONLY_WAREHOUSE':
      return 'BAD_USER_INPUT';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'DATABASE_UNAVAILABLE':
      return 'SERVICE_UNAVAILABLE';
    case 'INTERNAL':
      return 'INTERNAL_SERVER_ERROR';
  }
}

export function httpStatus(code: AppErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'BAD_USER_INPUT':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'CONFLICT':
    case 'READ_ONLY_WAREHOUSE':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'DATABASE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

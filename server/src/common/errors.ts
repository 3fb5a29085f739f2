import { IntrinsicException } from '@nestjs/common';

/** One code per failure; `toGraphQLCode` is the single mapping to GraphQL error codes. */
export type AppErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'RATE_LIMITED' | 'DATABASE_UNAVAILABLE' | 'INTERNAL';

/**
 * An expected failure with its code. IntrinsicException: Nest's ExceptionsHandler does not log it
 * (bad input and auth failures are the caller's problem; logging each with a stack floods the log,
 * and their messages quote user input, so a value with a newline could forge log lines).
 */
export class AppError extends IntrinsicException {
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


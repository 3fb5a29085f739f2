import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import type { Response } from 'express';
import { AppError, httpStatus, toGraphQLCode } from '../errors';

/**
 * Expected failures skip Nest's error log: in GraphQL the error goes back to Apollo (formatError
 * gives it its code), over HTTP it becomes a JSON error with the matching status.
 */
@Catch(AppError)
export class AppErrorFilter implements ExceptionFilter<AppError> {
  catch(error: AppError, host: ArgumentsHost): AppError | void {
    if (host.getType<GqlContextType>() === 'graphql') return error;
    const res = host.switchToHttp().getResponse<Response>();
    res.status(httpStatus(error.code)).json({ error: { code: toGraphQLCode(error.code), message: error.message } });
  }
}

import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { AppError, toGraphQLCode } from '../../common/errors';
import { MetricsService } from './metrics.service';

/** Counts and times every GraphQL request by operation name, and its errors by code. */
@Plugin()
export class MetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: MetricsService) {}

  requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const t0 = performance.now();
    const metrics = this.metrics;
    return Promise.resolve({
      didEncounterErrors(ctx) {
        for (const e of ctx.errors) {
          const original = e.originalError;
          const code =
            original instanceof AppError ? toGraphQLCode(original.code) : typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
          metrics.graphqlError(code);
        }
        return Promise.resolve();
      },
      willSendResponse(ctx) {
        metrics.graphqlRequest(ctx.operationName ?? ctx.request.operationName, (performance.now() - t0) / 1000);
        return Promise.resolve();
      },
    });
  }
}

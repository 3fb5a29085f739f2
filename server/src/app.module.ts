import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppErrorFilter } from './common/graphql/app-error.filter';
import { GraphQLModule } from '@nestjs/graphql';
import type { Request } from 'express';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { formatGraphQLError } from './common/graphql/format-error';
import { breadthLimit, depthLimit, LIMITS, rootFieldLimit } from './common/graphql/limits';
import { AuthModule } from './modules/auth/auth.module';
import { AuditModule } from './modules/audit/audit.module';
import { UsersModule } from './modules/users/users.module';
import { HealthModule } from './modules/health/health.module';
import { BackupsModule } from './modules/backups/backups.module';
import { OverviewModule } from './modules/overview/overview.module';
import { LoadsModule } from './modules/loads/loads.module';
import { ReasonsModule } from './modules/reasons/reasons.module';
import { ChannelsModule } from './modules/channels/channels.module';
import { OutcomesModule } from './modules/outcomes/outcomes.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { RecordsModule } from './modules/records/records.module';
import { AnnotationsModule } from './modules/annotations/annotations.module';
import { SavedViewsModule } from './modules/saved-views/saved-views.module';
import { AgentsModule } from './modules/agents/agents.module';
import { PolicyModule } from './modules/policy/policy.module';
import { ReconciliationModule } from './modules/reconciliation/reconciliation.module';
import { UploadsModule } from './modules/loads/uploads/uploads.module';
import { prepareWarehouse } from './modules/loads/warehouse-writer';
import { AlertsModule } from './modules/alerts/alerts.module';

const production = process.env.NODE_ENV === 'production';

@Module({
  imports: [
    ConfigModule,
    DatabaseModule.forRoot(prepareWarehouse),
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      // In memory: server/schema.gql is written by `npm run schema` (src/schema.ts) and checked by a test.
      autoSchemaFile: true,
      sortSchema: true,
      playground: false,
      introspection: !production,
      includeStacktraceInErrorResponses: false,
      allowBatchedHttpRequests: false,
      csrfPrevention: true,
      parseOptions: { maxTokens: LIMITS.tokens },
      validationRules: [depthLimit(LIMITS.depth), breadthLimit(LIMITS.aliases, LIMITS.fields), rootFieldLimit(12)],
      context: ({ req }: { req: Request }) => ({ req }),
      formatError: (formatted, error) => formatGraphQLError(formatted, error, production),
      // No HTTP cache hints are used; the plugin would otherwise run a hook for every resolved field.
      plugins: [ApolloServerPluginCacheControlDisabled()],
    }),
    AuditModule,
    AuthModule,
    UsersModule,
    HealthModule,
    BackupsModule,
    OverviewModule,
    LoadsModule,
    ReasonsModule,
    ChannelsModule,
    OutcomesModule,
    CatalogModule,
    RecordsModule,
    AnnotationsModule,
    SavedViewsModule,
    AgentsModule,
    PolicyModule,
    ReconciliationModule,
    UploadsModule,
    AlertsModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: AppErrorFilter }],
})
export class AppModule {}

const fs = require('node:fs'); // eslint-disable-line @typescript-eslint/no-require-imports

/** One Jest run for every workspace: unit tests beside the code, integration and e2e tests in test/. */
const transform = { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] };
const moduleNameMapper = {
  '^@refunds/shared$': '<rootDir>/shared/src/index.ts',
  '^@refunds/warehouse$': '<rootDir>/shared/warehouse/src/index.ts',
  '^@refunds/engine-duckdb$': '<rootDir>/shared/engine-duckdb/src/index.ts',
  '^@refunds/engine-clickhouse$': '<rootDir>/shared/engine-clickhouse/src/index.ts',
  '^@refunds/etl$': '<rootDir>/etl/src/index.ts',
};
module.exports = {
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/{shared,shared/warehouse,shared/engine-duckdb,shared/engine-clickhouse,etl,server}/src/**/*.spec.ts'],
    },
    {
      displayName: 'client',
      rootDir: __dirname,
      testEnvironment: 'jsdom',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/client/src/**/*.spec.{ts,tsx}'],
    },
    {
      displayName: 'integration',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
    // The whole reference cross-check again, with the API on a two-shard ClickHouse cluster
    // (test/integration/crosscheck/support.ts); where clickhouse-server is installed (.ci/run installs it).
    ...(fs.existsSync(process.env.REFUNDS_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server')
      ? [
          {
            displayName: 'crosscheck-clickhouse',
            rootDir: __dirname,
            testEnvironment: 'node',
            transform,
            moduleNameMapper,
            testMatch: ['<rootDir>/test/integration/crosscheck/*.test.ts'],
            setupFiles: ['<rootDir>/test/integration/crosscheck/on-clickhouse.cjs'],
          },
        ]
      : []),
  ],
};

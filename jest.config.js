/** @type {import('jest').Config} */
// Two projects: `unit` (pure code, activities through MockActivityEnvironment) needs no server; `integration`
// shares one Temporal dev server and one Postgres for the run (tests/support/globalSetup.ts), and each test
// file gets its own task queue and its own database, so files run in parallel without seeing each other.
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };

module.exports = {
  maxWorkers: 2,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/unit'],
      testMatch: ['**/*.test.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration', '<rootDir>/tests/e2e'],
      testMatch: ['**/*.test.ts'],
      transform,
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
      testTimeout: 120_000,
    },
  ],
};

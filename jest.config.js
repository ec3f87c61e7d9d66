/** @type {import('jest').Config} */
// Two projects: `unit` (pure code, activities through MockActivityEnvironment) needs no server; `integration`
// shares one Temporal dev server and one Postgres for the run (tests/support/globalSetup.ts), and each test
// file gets its own task queue and its own database, so files run in parallel without seeing each other.
const transform = {
  '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  // trading-signals ships only ES modules, which jest (unlike Node >= 20.19) cannot require: compile it to CommonJS.
  '^.+/node_modules/trading-signals/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
};
const transformIgnorePatterns = ['/node_modules/(?!trading-signals/)'];

module.exports = {
  maxWorkers: 2,
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/unit'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/integration', '<rootDir>/tests/e2e'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
  ],
};

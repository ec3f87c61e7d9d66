/** @type {import('jest').Config} */
// One Temporal dev server and one Postgres serve the whole run (tests/support/globalSetup.ts); each test file
// gets its own task queue and its own database, so files run in parallel without seeing each other.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};

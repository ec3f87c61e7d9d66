import { type BundleOptions, bundleWorkflowCode, type InjectedSinks } from '@temporalio/worker';
import { WorkflowCoverage } from '@temporalio/nyc-test-coverage';
import { SHARED_WORKFLOW_MODULES } from '../../src/worker';
import type { CoverageSinks } from '@temporalio/nyc-test-coverage/lib/sinks';
import type { CoverageMap, CoverageMapData } from 'istanbul-lib-coverage';

// Coverage of the workflow code, which runs in the worker's sandbox where jest's instrumentation never reaches:
// the SDK's WorkflowCoverage instruments the bundle, and its sink sends each activation's counters back here.

/** Where a test file leaves its workflows' coverage for tests/support/coverageEnvironment.ts to fold in. */
export const WORKFLOW_COVERAGE = '__oodaWorkflowCoverage__';

/** A map as plain data: its toJSON() keeps FileCoverage objects, which jest copies field by field into nonsense. */
export function coverageData(map: CoverageMap): CoverageMapData {
  return Object.fromEntries(map.files().map((file) => [file, map.fileCoverageFor(file).data]));
}

/** What a test file's global holds when jest collects coverage: istanbul's counters, and the workflows'. */
export interface CoverageGlobals {
  __coverage__?: CoverageMapData;
  [WORKFLOW_COVERAGE]?: CoverageMapData[];
}
const globals = globalThis as CoverageGlobals;

/**
 * The test run's workflow bundle, instrumented when jest collects coverage. The SDK instruments only where
 * istanbul's global exists, that is inside a test file; globalSetup runs outside one, so it lends the global
 * for the build.
 */
export async function bundleTestWorkflows(options: BundleOptions, collectCoverage: boolean): Promise<string> {
  if (!collectCoverage) return (await bundleWorkflowCode(options)).code;
  const lent = !('__coverage__' in globals);
  if (lent) globals.__coverage__ = {};
  try {
    const instrumented = new WorkflowCoverage().augmentBundleOptions(options);
    const hook = instrumented.webpackConfigHook!;
    return (await bundleWorkflowCode({ ...instrumented, webpackConfigHook: (config) => uninstrumented(hook(config)) }))
      .code;
  } finally {
    if (lent) delete globals.__coverage__;
  }
}

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
type WebpackRule = Exclude<
  NonNullable<NonNullable<WebpackConfig['module']>['rules']>[number],
  false | '' | 0 | '...' | null | undefined
>;

/**
 * Leaves the preloaded modules (SHARED_WORKFLOW_MODULES) out of the instrumentation. They run before any workflow
 * exists, and the SDK then freezes the sandbox's globals: instrumented, the first of them would create istanbul's
 * global counters there, frozen, and every workflow module after it would fail to add its own.
 */
function uninstrumented(config: WebpackConfig): WebpackConfig {
  const rules = config.module?.rules ?? [];
  const instrumenter = rules.find(
    (rule): rule is WebpackRule =>
      !!rule && typeof rule === 'object' && JSON.stringify(rule.use ?? '').includes('nyc-test-coverage'),
  );
  if (!instrumenter) throw new Error('no coverage instrumentation rule in the workflow bundle config');
  instrumenter.exclude = [...[instrumenter.exclude ?? []].flat(), ...SHARED_WORKFLOW_MODULES];
  return config;
}

/**
 * Collects what the SDK's interceptor sends: after each workflow activation, the bundle's whole coverage (maps and
 * hit counts, ~370 KB). The SDK's own collector keeps every one of them until the workers stop, and merging them
 * with istanbul (~25 ms each) saturates the test process once a few bots cycle every second, so that workflow
 * tasks run late and timing tests fail. Every payload comes from the same bundle (globalSetup builds one per run),
 * so its maps are the same and the counts add index by index. The counts are approximate (the SDK resets only
 * statement counts between sends); whether a line ran, which is what coverage reports, is exact.
 */
export class WorkflowCoverageCollector extends WorkflowCoverage {
  private readonly merged: CoverageMapData = {};

  override get sinks(): InjectedSinks<CoverageSinks> {
    return { coverage: { merge: { fn: (_info, data: CoverageMapData) => this.add(data), callDuringReplay: false } } };
  }

  private add(data: CoverageMapData): void {
    for (const [file, coverage] of Object.entries(data)) {
      const into = this.merged[file];
      if (!into) {
        this.merged[file] = coverage;
        continue;
      }
      for (const [id, hits] of Object.entries(coverage.s)) into.s[id] += hits;
      for (const [id, hits] of Object.entries(coverage.f)) into.f[id] += hits;
      for (const [id, hits] of Object.entries(coverage.b)) into.b[id] = into.b[id].map((n, i) => n + hits[i]);
    }
  }

  /** After the workers stopped: hands what they covered to the test environment (a no-op without coverage). */
  keep(): void {
    if (!('__coverage__' in globals) || Object.keys(this.merged).length === 0) return;
    (globals[WORKFLOW_COVERAGE] ??= []).push(this.merged);
  }
}

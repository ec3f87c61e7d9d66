import { createCoverageMap, type CoverageMapData } from 'istanbul-lib-coverage';
import { createSourceMapStore } from 'istanbul-lib-source-maps';
import { TestEnvironment } from 'jest-environment-node';
import { coverageData, type CoverageGlobals, WORKFLOW_COVERAGE } from './workflowCoverage';

// jest's node environment, plus one step when coverage is collected: at the end of each test file, its coverage
// (jest's, and the workflow bundle's from tests/support/workflowCoverage.ts) is mapped back to the TypeScript
// sources before jest reads it. Each side counts positions in its own compiled JavaScript (ts-jest's, and the
// bundler's SWC output), and istanbul merges files by position, ignoring source maps: merged unmapped, one side's
// positions would be read through the other's source map.

async function toSources(data: CoverageMapData) {
  return createSourceMapStore().transformCoverage(createCoverageMap(data));
}

export default class CoverageEnvironment extends TestEnvironment {
  async handleTestEvent(event: { name: string }): Promise<void> {
    const globals = this.global as CoverageGlobals;
    if (event.name !== 'run_finish' || !globals.__coverage__) return;
    const map = await toSources(globals.__coverage__);
    for (const workflows of globals[WORKFLOW_COVERAGE] ?? []) map.merge(await toSources(workflows));
    globals.__coverage__ = coverageData(map);
  }
}

import {
  type CoverageMap,
  createCoverageMap,
  type CoverageMapData,
  type FileCoverageData,
  type Range,
} from 'istanbul-lib-coverage';
import { createSourceMapStore } from 'istanbul-lib-source-maps';
import { TestEnvironment } from 'jest-environment-node';
import { coverageData, type CoverageGlobals, WORKFLOW_COVERAGE } from './workflowCoverage';

// jest's node environment, plus one step when coverage is collected: at the end of each test file, its coverage
// (jest's, and the workflow bundle's from tests/support/workflowCoverage.ts) is mapped back to the TypeScript
// sources and joined before jest reads it. Each side counts in its own compiled JavaScript (ts-jest's, and the
// bundler's SWC output), and istanbul merges by exact position, ignoring source maps: merged as they are, a module
// both run (src/domain, src/trading, src/workflows) would hold every statement twice, once never hit.

async function toSources(data: CoverageMapData): Promise<CoverageMap> {
  return createSourceMapStore().transformCoverage(createCoverageMap(data));
}

const startOf = (range: Range) => `${range.start.line}:${range.start.column}`;

/**
 * Adds the workflow side's hits to jest's entries that start at the same place in the source. jest's map of a file
 * is the one every test file reports (tests/support/harness.ts loads every bundled module), so no entry appears
 * twice; a workflow entry with no such twin is left out, which can only understate coverage.
 */
function addHits(into: FileCoverageData, from: FileCoverageData): void {
  const statements = new Map(Object.entries(into.statementMap).map(([id, range]) => [startOf(range), id]));
  for (const [id, range] of Object.entries(from.statementMap)) {
    const twin = statements.get(startOf(range));
    if (twin !== undefined) into.s[twin] += from.s[id];
  }
  const functions = new Map(Object.entries(into.fnMap).map(([id, fn]) => [startOf(fn.decl), id]));
  for (const [id, fn] of Object.entries(from.fnMap)) {
    const twin = functions.get(startOf(fn.decl));
    if (twin !== undefined) into.f[twin] += from.f[id];
  }
  const branches = new Map(Object.entries(into.branchMap).map(([id, br]) => [startOf(br.locations[0]), id]));
  for (const [id, br] of Object.entries(from.branchMap)) {
    const twin = branches.get(startOf(br.locations[0]));
    if (twin !== undefined && into.b[twin].length === from.b[id].length)
      into.b[twin] = into.b[twin].map((hits, i) => hits + from.b[id][i]);
  }
}

export default class CoverageEnvironment extends TestEnvironment {
  async handleTestEvent(event: { name: string }): Promise<void> {
    const globals = this.global as CoverageGlobals;
    if (event.name !== 'run_finish' || !globals.__coverage__) return;
    const map = await toSources(globals.__coverage__);
    for (const workflows of globals[WORKFLOW_COVERAGE] ?? []) {
      const theirs = await toSources(workflows);
      for (const file of theirs.files()) {
        const data = theirs.fileCoverageFor(file).data;
        if (map.data[file]) addHits(map.fileCoverageFor(file).data, data);
        else map.addFileCoverage(data);
      }
    }
    globals.__coverage__ = coverageData(map);
  }
}

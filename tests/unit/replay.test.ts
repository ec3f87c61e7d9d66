import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../../src/worker';

// Every recorded history (tests/histories, made by `npm run record-histories`) must replay against the current
// workflow code: a change that would break running bots fails here, before it ships (see docs/workflow-changes.md).

jest.setTimeout(180_000);

const DIR = path.resolve(__dirname, '..', 'histories');
const histories = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    workflowId: file.replace(/\.json$/, ''),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
  }));

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: console.error,
};

async function replay(workflowsPath: string) {
  const bundle = await bundleWorkflowCode(workflowBundleOptions(workflowsPath, quiet));
  const results: { file: string; error?: unknown }[] = [];
  const iterable = histories.map((h) => ({ workflowId: h.workflowId, history: h.history }));
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'replay-test' }, iterable)) {
    results.push({ file: `${r.workflowId}.json`, error: r.error });
  }
  return results;
}

it('has the recorded histories: bot runs across continue-as-new and the cycles that took other paths', () => {
  expect(histories.length).toBeGreaterThanOrEqual(8);
  expect(histories.filter((h) => h.file.startsWith('bot-')).length).toBeGreaterThanOrEqual(4);
  expect(histories.filter((h) => h.file.startsWith('cycle-')).length).toBeGreaterThanOrEqual(3);
});

it('replays every recorded history against the current workflow code', async () => {
  const results = await replay(require.resolve('../../src/workflows'));
  expect(results.map((r) => r.file)).toEqual(histories.map((h) => h.file));
  expect(results.filter((r) => r.error).map((r) => `${r.file}: ${String(r.error)}`)).toEqual([]);
});

it('fails on a nondeterministic change: a cycle that journals before it observes', async () => {
  const results = await replay(require.resolve('../support/replay/reorderedWorkflows'));
  const cycles = results.filter((r) => r.file.startsWith('cycle-'));
  expect(cycles.length).toBeGreaterThan(0);
  for (const r of cycles) {
    // Core reports a command that does not match the recorded event as a nondeterminism replay error.
    expect(r.error).toBeDefined();
    expect(String((r.error as Error).message)).toMatch(/[Nn]ondetermin/);
  }
  // The bot workflow is unchanged in the variant: its histories still replay.
  expect(results.filter((r) => r.file.startsWith('bot-') && r.error)).toEqual([]);
});

import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError, loadConfig } from '../../src/config';
import { resolveBotConfig } from '../../src/domain/botConfig';
import type { Part } from '../../src/runtime/shutdown';
import { runWorker } from '../../src/runtime/workerPart';
import type { botWorkflow } from '../../src/workflows/bot';
import type { CycleSummary } from '../../src/workflows/messages';
import { createTestDatabase, eventually, testServices, type TestDatabase } from '../support/harness';

// The container image's worker: WORKFLOW_BUNDLE_PATH names a bundle built ahead of time, and the worker's own
// composition root (as `npm run worker` starts it) runs bots from that file instead of bundling at start.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function workerConfig(workflowBundlePath: string, taskQueue: string) {
  return loadConfig({
    TEMPORAL_ADDRESS: testServices().temporalAddress,
    DATABASE_URL: db.url,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKFLOW_BUNDLE_PATH: workflowBundlePath,
    LOG_LEVEL: 'error',
  });
}

it('runs a bot cycle from the prebuilt bundle WORKFLOW_BUNDLE_PATH names', async () => {
  const { temporalAddress, workflowBundlePath } = testServices();
  const taskQueue = `test-bundle-${randomBytes(4).toString('hex')}`;
  const logged: string[] = [];
  const fatal: string[] = [];
  const config = workerConfig(workflowBundlePath, taskQueue);
  const worker: Part = await runWorker(
    config,
    temporalAddress,
    db.pool,
    (m) => logged.push(m),
    (r) => fatal.push(r),
  );
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    expect(logged).toContain(`worker: workflow code from ${workflowBundlePath}`);
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const bot = resolveBotConfig(
      { id: 'bundled', symbol: 'BTC/USD', intervalSeconds: 3 },
      { marketDataMode: 'quicktest' },
    );
    await client.workflow.start<typeof botWorkflow>('botWorkflow', {
      workflowId: `bot-${bot.id}`,
      taskQueue,
      args: [{ config: bot }],
    });
    // The quicktest script's first cycle: buy 0.1 BTC at 50,000 (README, Quick start).
    const cycle = client.workflow.getHandle(`bot-${bot.id}-cycle-1`);
    // The bot starts its first cycle on its first slot: until then the child does not exist.
    const first = await eventually(() =>
      (cycle.result() as Promise<CycleSummary>).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }),
    );
    expect(first.decision.action).toBe('buy');
    expect(first.execution).not.toBeNull();
    await client.workflow.getHandle(`bot-${bot.id}`).terminate('test done');
  } finally {
    await connection.close();
    await worker.stop();
  }
  expect(fatal).toEqual([]);
});

it('refuses a WORKFLOW_BUNDLE_PATH it cannot read, naming the setting, before it connects', async () => {
  const config = workerConfig('/nonexistent/workflow-bundle.js', 'never-polled');
  const started = runWorker(
    config,
    testServices().temporalAddress,
    db.pool,
    () => undefined,
    () => undefined,
  );
  await expect(started).rejects.toThrow(ConfigError);
  await expect(started).rejects.toThrow('WORKFLOW_BUNDLE_PATH: cannot read /nonexistent/workflow-bundle.js');
});
